//! Timestamps as yaml.v3 recognises them, formatted as Go's JSON encoder
//! prints a `time.Time` (RFC 3339 with nanoseconds, trailing zeros cut).
//!
//! yaml.v3 tries four Go layouts in turn: `2006-1-2T15:4:5.999999999Z07:00`
//! (also with a lower-case `t`), `2006-1-2 15:4:5.999999999` and
//! `2006-1-2`. Month, day, hour, minute and second take one or two digits;
//! the fraction takes any number of digits (only nine count) after `.` or
//! `,`; the zone is `Z` or `±hh:mm`. Out-of-range fields (including a day
//! beyond the month's length) make the text an ordinary string.

/// A parsed timestamp, fields as written.
#[derive(Debug, Default, PartialEq, Eq)]
struct Stamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    offset_seconds: i32,
}

/// Parses `text` as yaml.v3 does and returns it formatted as JSON prints
/// the resulting time, or `None` when it is not a timestamp.
pub fn parse_timestamp(text: &str) -> Option<String> {
    let s = text.as_bytes();
    if s.len() < 5 || !s[..4].iter().all(u8::is_ascii_digit) || s[4] != b'-' {
        return None;
    }
    let mut stamp = Stamp {
        year: digits_value(&s[..4]),
        ..Stamp::default()
    };
    let rest = parse_date(&s[5..], &mut stamp)?;
    let rest = match rest.first() {
        None => rest,
        Some(b'T' | b't') => parse_zone(parse_clock(&rest[1..], &mut stamp)?, &mut stamp)?,
        Some(b' ') => parse_clock(&rest[1..], &mut stamp)?,
        Some(_) => return None,
    };
    if !rest.is_empty() {
        return None;
    }
    if stamp.day < 1 || stamp.day > days_in_month(stamp.month, stamp.year) {
        return None;
    }
    Some(format_rfc3339_nano(&stamp))
}

fn digits_value(s: &[u8]) -> u32 {
    s.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

/// Go's `getnum(s, false)`: one digit, or two when a second follows.
fn one_or_two_digits(s: &[u8]) -> Option<(u32, &[u8])> {
    match s {
        [a, b, rest @ ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some((digits_value(&[*a, *b]), rest))
        }
        [a, rest @ ..] if a.is_ascii_digit() => Some((u32::from(a - b'0'), rest)),
        _ => None,
    }
}

/// A one-or-two digit field no larger than `max`, followed by the rest.
fn field(s: &[u8], max: u32) -> Option<(u32, &[u8])> {
    one_or_two_digits(s).filter(|(v, _)| *v <= max)
}

fn expect(s: &[u8], c: u8) -> Option<&[u8]> {
    s.strip_prefix(&[c])
}

/// `1-2` after the year: month then day (day checked later against the
/// month, as Go does).
fn parse_date<'a>(s: &'a [u8], stamp: &mut Stamp) -> Option<&'a [u8]> {
    let (month, s) = field(s, 12)?;
    if month == 0 {
        return None;
    }
    let (day, s) = field(expect(s, b'-')?, 31)?;
    stamp.month = month;
    stamp.day = day;
    Some(s)
}

/// `15:4:5` and an optional fraction.
fn parse_clock<'a>(s: &'a [u8], stamp: &mut Stamp) -> Option<&'a [u8]> {
    let (hour, s) = field(s, 23)?;
    let (minute, s) = field(expect(s, b':')?, 59)?;
    let (second, s) = field(expect(s, b':')?, 59)?;
    stamp.hour = hour;
    stamp.minute = minute;
    stamp.second = second;
    let fraction_follows =
        matches!(s.first(), Some(b'.' | b',')) && s.get(1).is_some_and(u8::is_ascii_digit);
    if !fraction_follows {
        return Some(s);
    }
    let digits = s[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    let significant = &s[1..1 + digits.min(9)];
    stamp.nanos = digits_value(significant) * 10u32.pow(9 - significant.len() as u32);
    Some(&s[1 + digits..])
}

/// `Z`, or `±hh:mm` with exactly two digits each (hours up to 24 and
/// minutes up to 60 are accepted, as Go does).
fn parse_zone<'a>(s: &'a [u8], stamp: &mut Stamp) -> Option<&'a [u8]> {
    if let Some(rest) = s.strip_prefix(b"Z") {
        return Some(rest);
    }
    if s.len() < 6 || s[3] != b':' {
        return None;
    }
    let two = |d: &[u8]| d.iter().all(u8::is_ascii_digit).then(|| digits_value(d));
    let (hours, minutes) = (two(&s[1..3])?, two(&s[4..6])?);
    if hours > 24 || minutes > 60 {
        return None;
    }
    let magnitude = ((hours * 60 + minutes) * 60) as i32;
    stamp.offset_seconds = match s[0] {
        b'+' => magnitude,
        b'-' => -magnitude,
        _ => return None,
    };
    Some(&s[6..])
}

/// Days in `month` (1-12) of `year`, leap years included.
pub(crate) fn days_in_month(month: u32, year: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Go's `time.RFC3339Nano` layout, as `json.Marshal` writes a time.
fn format_rfc3339_nano(t: &Stamp) -> String {
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    );
    if t.nanos != 0 {
        let frac = format!("{:09}", t.nanos);
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    if t.offset_seconds == 0 {
        out.push('Z');
    } else {
        let sign = if t.offset_seconds < 0 { '-' } else { '+' };
        let minutes = t.offset_seconds.unsigned_abs() / 60;
        out.push_str(&format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse_timestamp;

    fn ts(s: &str) -> Option<String> {
        parse_timestamp(s)
    }

    #[test]
    fn measured_timestamps() {
        let cases = [
            ("2001-12-14", "2001-12-14T00:00:00Z"),
            (
                "2001-12-14T21:59:43.10-05:00",
                "2001-12-14T21:59:43.1-05:00",
            ),
            ("2001-1-2 3:04:05", "2001-01-02T03:04:05Z"),
            ("2001-12-14t21:59:43Z", "2001-12-14T21:59:43Z"),
            (
                "2001-12-14 21:59:43.123456789",
                "2001-12-14T21:59:43.123456789Z",
            ),
            (
                "2001-12-14T21:59:43.1234567891Z",
                "2001-12-14T21:59:43.123456789Z",
            ),
            ("2001-12-14T21:59:43+00:00", "2001-12-14T21:59:43Z"),
            ("2001-12-14T21:59:43.000Z", "2001-12-14T21:59:43Z"),
            ("2001-12-14T1:2:3Z", "2001-12-14T01:02:03Z"),
            ("2001-12-14T21:59:43+05:30", "2001-12-14T21:59:43+05:30"),
            ("2001-12-14 21:59:43", "2001-12-14T21:59:43Z"),
            ("0001-01-01", "0001-01-01T00:00:00Z"),
            ("2001-12-14T21:59:43-00:00", "2001-12-14T21:59:43Z"),
            ("2001-12-14T21:59:43.100000000Z", "2001-12-14T21:59:43.1Z"),
            ("2000-02-29", "2000-02-29T00:00:00Z"),
            ("2001-12-14T21:59:43,5Z", "2001-12-14T21:59:43.5Z"),
            ("2001-12-14T21:59:43+05:60", "2001-12-14T21:59:43+06:00"),
        ];
        for (input, want) in cases {
            assert_eq!(ts(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn measured_non_timestamps() {
        for input in [
            "2001-12-14 21:59:43.10 -5",
            "2001-02-30",
            "20011-12-14",
            "2001-12-14T25:00:00Z",
            "2001-12-14T21:59",
            "2001-12-14T21:59:60Z",
            "2001-12-14 21:59:43.5Z",
            "2001-12-14T21:59:43+0530",
            "2001-12-14T21:59:43",
            "2001-12-14T21:59:43z",
            "2001-13-01",
            "2001-00-01",
            "2001-12-0",
            "1900-02-29",
            "2001-12-144",
            "2001-",
        ] {
            assert_eq!(ts(input), None, "{input}");
        }
    }
}
