//! go-yaml v2's plain-scalar resolution, as its encoder uses it to decide
//! whether a string must be quoted: a string is printed plain only if
//! reading it back unquoted would give a string again.
//!
//! This is YAML 1.1-flavoured (`yes`/`on`/`y` are booleans, `012` and
//! `0b101` are integers, dates are timestamps) and differs from the yaml.v3
//! rules the parser uses, so it lives with the printer; the number and
//! date grammars both share are [`crate::yaml::resolve`]'s.

use crate::yaml::resolve::num::{
    count_digits, matches_float_pattern, parse_go_int, parse_go_uint, underscores_between_digits,
};
use crate::yaml::resolve::time::days_in_month;

/// True when go-yaml v2 would read `s`, written plain, as something other
/// than a string (null, bool, int, float, timestamp), or when `s` is a YAML
/// 1.1 base-60 number, which go-yaml v2 quotes for other parsers' sake.
pub(super) fn needs_quotes_to_stay_string(s: &str) -> bool {
    resolves_to_non_string(s) || is_base60_float(s)
}

fn resolves_to_non_string(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return true; // the empty scalar is null
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            is_special_word(s)
        }
        b'.' => is_special_word(s) || parses_as_go_float(s),
        b'+' | b'-' | b'0'..=b'9' => is_special_word(s) || is_number_or_timestamp(s),
        _ => false,
    }
}

/// The fixed spellings go-yaml v2 resolves through its lookup table.
fn is_special_word(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
            | "~"
            | "null"
            | "Null"
            | "NULL"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
    )
}

/// Integers (Go base-0 syntax, underscores dropped), YAML-style floats, the
/// binary forms go-yaml v2 retries by hand, and timestamps.
fn is_number_or_timestamp(s: &str) -> bool {
    if is_timestamp(s) {
        return true;
    }
    let plain: std::borrow::Cow<str> = if s.contains('_') {
        s.replace('_', "").into()
    } else {
        s.into()
    };
    if parse_go_int(&plain, 0).is_ok() || parse_go_uint(&plain, 0).is_ok() {
        return true;
    }
    if matches_float_pattern(plain.as_bytes()) && float_in_range(&plain) {
        return true;
    }
    if let Some(rest) = plain.strip_prefix("0b") {
        return parse_go_int(rest, 2).is_ok() || parse_go_uint(rest, 2).is_ok();
    }
    if let Some(rest) = plain.strip_prefix("-0b") {
        return parse_go_int(&format!("-{rest}"), 2).is_ok();
    }
    false
}

/// Go's `ParseFloat` fails with a range error when the value overflows.
fn float_in_range(s: &str) -> bool {
    s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Go's `strconv.ParseFloat(s, 64)` success for a string starting with `.`:
/// decimal digits (underscores only between digits), optional exponent,
/// no overflow.
fn parses_as_go_float(s: &str) -> bool {
    if !underscores_between_digits(s) {
        return false;
    }
    let plain = s.replace('_', "");
    matches_float_pattern(plain.as_bytes()) && float_in_range(&plain)
}

/// go-yaml v2's timestamp check: `YYYY-M-D`, optionally followed by
/// `Th:m:s[.frac](Z|±hh:mm)` (`T` or `t`) or ` h:m:s[.frac]`, parsed with
/// Go's `time.Parse` rules (1–2 digit fields, calendar-checked day).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year: u32 = s[..4].parse().unwrap_or(0);
    let mut i = 5;
    let Some(month) = take_number(b, &mut i).filter(|m| (1..=12).contains(m)) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(day) = take_number(b, &mut i) else {
        return false;
    };
    if day < 1 || day > days_in_month(month, year) {
        return false;
    }
    match b.get(i) {
        None => true,
        Some(b'T' | b't') => {
            i += 1;
            time_of_day(b, &mut i) && zone_suffix(&b[i..])
        }
        Some(b' ') => {
            i += 1;
            time_of_day(b, &mut i) && i == b.len()
        }
        Some(_) => false,
    }
}

/// `h:m:s[.frac]` with hour < 24, minute and second < 60.
fn time_of_day(b: &[u8], i: &mut usize) -> bool {
    let limits = [24, 60, 60];
    for (n, limit) in limits.into_iter().enumerate() {
        if n > 0 {
            if b.get(*i) != Some(&b':') {
                return false;
            }
            *i += 1;
        }
        if take_number(b, i).is_none_or(|v| v >= limit) {
            return false;
        }
    }
    if matches!(b.get(*i), Some(b'.' | b',')) && b.get(*i + 1).is_some_and(u8::is_ascii_digit) {
        *i += 1 + count_digits(&b[*i + 1..]);
    }
    true
}

/// `Z` or `±hh:mm` (hour ≤ 24, minute ≤ 60), and nothing after it.
fn zone_suffix(rest: &[u8]) -> bool {
    if rest == b"Z" {
        return true;
    }
    rest.len() == 6
        && matches!(rest[0], b'+' | b'-')
        && rest[1].is_ascii_digit()
        && rest[2].is_ascii_digit()
        && rest[3] == b':'
        && rest[4].is_ascii_digit()
        && rest[5].is_ascii_digit()
        && (rest[1] - b'0') * 10 + (rest[2] - b'0') <= 24
        && (rest[4] - b'0') * 10 + (rest[5] - b'0') <= 60
}

/// Go's `getnum`: one or two digits.
fn take_number(b: &[u8], i: &mut usize) -> Option<u32> {
    let first = *b.get(*i).filter(|c| c.is_ascii_digit())?;
    *i += 1;
    let mut value = u32::from(first - b'0');
    if let Some(second) = b.get(*i).filter(|c| c.is_ascii_digit()) {
        value = value * 10 + u32::from(second - b'0');
        *i += 1;
    }
    Some(value)
}

/// YAML 1.1 sexagesimal numbers:
/// `^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) || !s.contains(':') {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let digits = count_digits(&b[i..]);
        let ok = match digits {
            1 => true,
            2 => b[i] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        i += digits;
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::needs_quotes_to_stay_string as quoted;

    #[test]
    fn words_and_empty() {
        for s in [
            "", "~", "y", "Y", "yes", "Yes", "YES", "n", "no", "NO", "on", "On", "OFF", "true",
            "False", "null", "Null", "NULL", ".inf", "-.Inf", "+.INF", ".nan", ".NaN",
        ] {
            assert!(quoted(s), "{s:?}");
        }
        for s in [
            "<<", "inf", "NaN", "nan", "yEs", "e", "Null0", "tRUE", "x", "-", "+",
        ] {
            assert!(!quoted(s), "{s:?}");
        }
    }

    #[test]
    fn integers() {
        for s in [
            "1",
            "-1",
            "+1",
            "012",
            "0x1F",
            "0X1F",
            "-0x1F",
            "0o12",
            "0b101",
            "1_000",
            "0x_1F",
            "9223372036854775807",
            "18446744073709551615",
            "0",
            "-0",
            "0b+101",
            "0b-101",
            "1_",
        ] {
            assert!(quoted(s), "{s:?}");
        }
        for s in [
            "0x",
            "0xG",
            "0b2",
            "0xFFFFFFFFFFFFFFFFFF",
            "_1",
            "-_",
            "1a",
            "0b",
        ] {
            assert!(!quoted(s), "{s:?}");
        }
    }

    #[test]
    fn floats() {
        for s in [
            "1.5",
            "1.",
            "1e3",
            "1E3",
            "-1.5e-3",
            "09",
            "08",
            ".5",
            ".5e3",
            ".5_0",
            "123456789012345678901234567890",
        ] {
            assert!(quoted(s), "{s:?}");
        }
        for s in [
            "1e", "1.2.3", "10.0.0.1", "1e400", ".", ".e5", "._5", ".5_", ".5e999", "1e+",
        ] {
            assert!(!quoted(s), "{s:?}");
        }
    }

    #[test]
    fn timestamps() {
        for s in [
            "2001-12-14",
            "2001-1-2",
            "2001-12-14T21:59:43.10-05:00",
            "2001-12-14t21:59:43Z",
            "2001-12-14 21:59:43.10",
            "2001-1-2 3:04:05",
            "2000-02-29",
        ] {
            assert!(quoted(s), "{s:?}");
        }
        for s in [
            "2001-13-45",
            "2001-12-14 21:59:43.10 -5",
            "2001-02-29",
            "2001-12-14T21:59:43",
            "2001-12-14x",
            "20011-12-14",
            "2001-12-14T25:00:00Z",
        ] {
            assert!(!quoted(s), "{s:?}");
        }
    }

    #[test]
    fn base60() {
        for s in [
            "1:20",
            "12:30:45",
            "-1:20",
            "1_0:5",
            "190:20:30.15",
            "1:20.",
        ] {
            assert!(quoted(s), "{s:?}");
        }
        for s in ["1:60", "1:", "a:1", "1:2:", "1:200", "1::2"] {
            assert!(!quoted(s), "{s:?}");
        }
    }
}
