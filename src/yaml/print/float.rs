//! Formatting floats as kustomize's printer does (Go's `FormatFloat(f, 'g', -1, 64)`).
//!
//! kustomize marshals resources to JSON and reads the JSON back with go-yaml
//! v2 before printing, so a float reaches the printer in one of two ways:
//! integral values below 1e21 are written by JSON without a fraction or
//! exponent and come back as integers when they fit in `i64`/`u64`; every
//! other float stays a float and is printed with Go's `%g`-like shortest
//! formatting.

use std::fmt::Write;

/// Formats a float the way go-yaml v2 prints it after kustomize's JSON round trip.
///
/// This is Go's `strconv.FormatFloat(f, 'g', -1, 64)`: the shortest digits
/// that read back to `f`, in exponent form (`1.2345675e+06`, `1e-07`) when
/// the decimal exponent is below -4 or at least 6, plain otherwise (`0.5`,
/// `100000.5`).
pub fn format_go_g(f: f64) -> String {
    let mut out = String::new();
    write_go_g(f, &mut out);
    out
}

/// Appends [`format_go_g`]`(f)` to `out`.
pub fn write_go_g(f: f64, out: &mut String) {
    if f.is_nan() {
        out.push_str("NaN");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { "+Inf" } else { "-Inf" });
        return;
    }
    if f.is_sign_negative() {
        out.push('-');
    }
    if f == 0.0 {
        out.push('0');
        return;
    }
    let mut sci = String::with_capacity(32);
    // `{:e}` gives the shortest round-trip digits as `d.ddddde<exp>`.
    let _ = write!(sci, "{:e}", f.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if !(-4..6).contains(&exponent) {
        write_exponent_form(&digits, exponent, out);
    } else {
        write_positional_form(&digits, exponent, out);
    }
}

/// `d[.ddd]e±XX`, with at least two exponent digits, as Go writes it.
fn write_exponent_form(digits: &str, exponent: i32, out: &mut String) {
    out.push_str(&digits[..1]);
    if digits.len() > 1 {
        out.push('.');
        out.push_str(&digits[1..]);
    }
    out.push('e');
    out.push(if exponent < 0 { '-' } else { '+' });
    let _ = write!(out, "{:02}", exponent.unsigned_abs());
}

/// Digits with the decimal point placed by `exponent` (-4 ≤ exponent < 6).
fn write_positional_form(digits: &str, exponent: i32, out: &mut String) {
    if exponent < 0 {
        out.push_str("0.");
        for _ in 0..(-exponent - 1) {
            out.push('0');
        }
        out.push_str(digits);
        return;
    }
    let int_len = exponent as usize + 1;
    if digits.len() <= int_len {
        out.push_str(digits);
        for _ in digits.len()..int_len {
            out.push('0');
        }
    } else {
        out.push_str(&digits[..int_len]);
        out.push('.');
        out.push_str(&digits[int_len..]);
    }
}

/// Appends the text kustomize prints for a (finite) float value: the integer
/// JSON wrote for it when go-yaml v2 reads that back as an integer, the
/// [`format_go_g`] form otherwise.
pub fn write_printed_float(f: f64, out: &mut String) {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        // JSON writes integral values below 1e21 with their shortest digits
        // padded with zeros, which is what Rust's `Display` writes too.
        let mut text = String::with_capacity(24);
        let _ = write!(text, "{f}");
        if let Ok(i) = text.parse::<i64>() {
            let _ = write!(out, "{i}");
            return;
        }
        if let Ok(u) = text.parse::<u64>() {
            let _ = write!(out, "{u}");
            return;
        }
    }
    write_go_g(f, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(f: f64) -> String {
        let mut s = String::new();
        write_printed_float(f, &mut s);
        s
    }

    #[test]
    fn go_g_formatting() {
        assert_eq!(format_go_g(1234567.5), "1.2345675e+06");
        assert_eq!(format_go_g(6.02e23), "6.02e+23");
        assert_eq!(format_go_g(1e21), "1e+21");
        assert_eq!(format_go_g(1e-7), "1e-07");
        assert_eq!(format_go_g(0.000001), "1e-06");
        assert_eq!(format_go_g(0.0001), "0.0001");
        assert_eq!(format_go_g(3.25), "3.25");
        assert_eq!(format_go_g(100000.5), "100000.5");
        assert_eq!(format_go_g(123456.0), "123456");
        assert_eq!(format_go_g(1e6), "1e+06");
        assert_eq!(format_go_g(-2.5), "-2.5");
        assert_eq!(format_go_g(0.0), "0");
        assert_eq!(format_go_g(-0.0), "-0");
        assert_eq!(format_go_g(5e-324), "5e-324");
        assert_eq!(
            format_go_g(1.7976931348623157e308),
            "1.7976931348623157e+308"
        );
        assert_eq!(format_go_g(f64::NAN), "NaN");
        assert_eq!(format_go_g(f64::INFINITY), "+Inf");
    }

    #[test]
    fn printed_after_json_round_trip() {
        // Values measured with kubectl kustomize.
        assert_eq!(printed(1.0), "1");
        assert_eq!(printed(-0.0), "0");
        assert_eq!(printed(1e10), "10000000000");
        assert_eq!(printed(1e20), "1e+20");
        assert_eq!(printed(1.5e19), "15000000000000000000");
        assert_eq!(printed(-1e19), "-1e+19");
        assert_eq!(printed(1e21), "1e+21");
        assert_eq!(printed(1.2345678901234568e29), "1.2345678901234568e+29");
        assert_eq!(
            printed(123456789012345678901234.0),
            "1.2345678901234569e+23"
        );
        assert_eq!(printed(1234567.5), "1.2345675e+06");
        assert_eq!(printed(0.1), "0.1");
        assert_eq!(printed(2f64.powi(60)), "1152921504606847000");
    }
}
