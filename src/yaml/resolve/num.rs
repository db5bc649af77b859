//! Number syntax as Go's `strconv` accepts it, which is what yaml.v3 (and
//! yaml.v2) use to resolve plain scalars.

/// Why Go's parser rejects a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoNumError {
    /// Not a number in that syntax.
    Syntax,
    /// Well-formed but out of range.
    Range,
}

/// Go's `strconv.ParseUint(s, base, 64)` for base 0 (prefix-detected:
/// `0x`, `0o`, `0b`, or a leading `0` for octal) or an explicit base.
/// No sign is accepted; underscores must already be removed.
pub fn parse_go_uint(s: &str, base: u32) -> Result<u64, GoNumError> {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return Err(GoNumError::Syntax);
    }
    let (base, digits) = if base == 0 {
        detect_base(bytes)
    } else {
        (base, bytes)
    };
    let mut n: u64 = 0;
    for &c in digits {
        let d = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'a'..=b'z' => u32::from(c - b'a') + 10,
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return Err(GoNumError::Syntax),
        };
        if d >= base {
            return Err(GoNumError::Syntax);
        }
        n = n
            .checked_mul(u64::from(base))
            .and_then(|m| m.checked_add(u64::from(d)))
            .ok_or(GoNumError::Range)?;
    }
    Ok(n)
}

/// The base a Go base-0 literal announces, and its digits.
fn detect_base(s: &[u8]) -> (u32, &[u8]) {
    if s[0] != b'0' {
        return (10, s);
    }
    if s.len() >= 3 {
        match s[1].to_ascii_lowercase() {
            b'b' => return (2, &s[2..]),
            b'o' => return (8, &s[2..]),
            b'x' => return (16, &s[2..]),
            _ => {}
        }
    }
    (8, &s[1..])
}

/// Go's `strconv.ParseInt(s, base, 64)`: an optional sign, then
/// [`parse_go_uint`].
pub fn parse_go_int(s: &str, base: u32) -> Result<i64, GoNumError> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        Some(_) => (false, s),
        None => return Err(GoNumError::Syntax),
    };
    let magnitude = parse_go_uint(rest, base)?;
    if neg {
        if magnitude > 1u64 << 63 {
            return Err(GoNumError::Range);
        }
        Ok((magnitude as i64).wrapping_neg())
    } else {
        i64::try_from(magnitude).map_err(|_| GoNumError::Range)
    }
}

/// A float as yaml resolves one.
///
/// With `dot_hint` false the text must match yaml's float pattern
/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (underscores
/// already removed). With `dot_hint` true the text starts with `.` and is
/// handed to Go's `ParseFloat` as written, which allows underscores between
/// digits. Values too large for `f64` are a range error (the scalar then
/// stays a string); values too small round to zero, as in Go.
pub fn parse_yaml_float(text: &str, dot_hint: bool) -> Result<f64, GoNumError> {
    let cleaned;
    let text = if dot_hint && text.contains('_') {
        if !underscores_between_digits(text) {
            return Err(GoNumError::Syntax);
        }
        cleaned = text.replace('_', "");
        cleaned.as_str()
    } else {
        text
    };
    if !matches_float_pattern(text.as_bytes()) {
        return Err(GoNumError::Syntax);
    }
    let f: f64 = text.parse().map_err(|_| GoNumError::Syntax)?;
    if f.is_infinite() {
        return Err(GoNumError::Range);
    }
    Ok(f)
}

/// Go's rule for underscores in number literals: each must sit between
/// two digits.
pub(crate) fn underscores_between_digits(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().all(|(i, &c)| {
        c != b'_'
            || (i > 0
                && b[i - 1].is_ascii_digit()
                && b.get(i + 1).is_some_and(|n| n.is_ascii_digit()))
    })
}

pub(crate) fn count_digits(s: &[u8]) -> usize {
    s.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, anchored.
pub(crate) fn matches_float_pattern(s: &[u8]) -> bool {
    let mut i = usize::from(matches!(s.first(), Some(b'+' | b'-')));
    let int_digits = count_digits(&s[i..]);
    i += int_digits;
    if int_digits == 0 {
        if s.get(i) != Some(&b'.') {
            return false;
        }
        let frac = count_digits(&s[i + 1..]);
        if frac == 0 {
            return false;
        }
        i += 1 + frac;
    } else if s.get(i) == Some(&b'.') {
        i += 1 + count_digits(&s[i + 1..]);
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        i += usize::from(matches!(s.get(i), Some(b'+' | b'-')));
        let exp = count_digits(&s[i..]);
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_base_zero_integers() {
        assert_eq!(parse_go_int("0x1F", 0), Ok(31));
        assert_eq!(parse_go_int("0X1F", 0), Ok(31));
        assert_eq!(parse_go_int("-0x1F", 0), Ok(-31));
        assert_eq!(parse_go_int("012", 0), Ok(10));
        assert_eq!(parse_go_int("0o12", 0), Ok(10));
        assert_eq!(parse_go_int("0B11", 0), Ok(3));
        assert_eq!(parse_go_int("+17", 0), Ok(17));
        assert_eq!(parse_go_int("00", 0), Ok(0));
        assert_eq!(parse_go_int("0", 0), Ok(0));
        assert_eq!(parse_go_int("09", 0), Err(GoNumError::Syntax));
        assert_eq!(parse_go_int("0x", 0), Err(GoNumError::Syntax));
        assert_eq!(parse_go_int("+", 0), Err(GoNumError::Syntax));
        assert_eq!(parse_go_int("-9223372036854775808", 0), Ok(i64::MIN));
        assert_eq!(
            parse_go_int("9223372036854775808", 0),
            Err(GoNumError::Range)
        );
        assert_eq!(
            parse_go_int("-9223372036854775809", 0),
            Err(GoNumError::Range)
        );
        assert_eq!(parse_go_uint("18446744073709551615", 0), Ok(u64::MAX));
        assert_eq!(
            parse_go_uint("18446744073709551616", 0),
            Err(GoNumError::Range)
        );
        assert_eq!(parse_go_uint("+1", 0), Err(GoNumError::Syntax));
        assert_eq!(parse_go_uint("1x", 0), Err(GoNumError::Syntax));
    }

    #[test]
    fn float_pattern() {
        for ok in [
            "1.0", "1.", ".5", "-.5e3", "1e10", "1E+3", "09", "+1.5", "1.e5",
        ] {
            assert!(matches_float_pattern(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "1e", ".", "1.2.3", "0x1p3", "e5", "-", "1e+", "Infinity", "inf",
        ] {
            assert!(!matches_float_pattern(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn floats_overflow_and_underflow() {
        assert_eq!(parse_yaml_float("1e400", false), Err(GoNumError::Range));
        assert_eq!(parse_yaml_float("1e-400", false), Ok(0.0));
        assert_eq!(parse_yaml_float("1.", false), Ok(1.0));
        assert_eq!(parse_yaml_float(".5_0", true), Ok(0.5));
        assert_eq!(parse_yaml_float("._5", true), Err(GoNumError::Syntax));
        assert_eq!(parse_yaml_float(".", true), Err(GoNumError::Syntax));
    }
}
