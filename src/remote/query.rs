//! The query part of a remote URL (`?ref=v1&timeout=90s&submodules=false`),
//! read with the rules of Go's `net/url`, `strconv` and `time` packages that
//! kustomize relies on, so that odd values fall back to the same defaults.

use std::time::Duration;

/// kustomize's timeout for each git command when the URL names none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(27);

/// kustomize clones submodules unless the URL says `submodules=false`.
pub const DEFAULT_SUBMODULES: bool = true;

/// What the query of a remote URL asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// `ref`, else `version`; empty for the remote's default branch.
    pub git_ref: String,
    /// `timeout` (whole seconds, or a Go duration such as `1m30s`).
    pub timeout: Duration,
    /// `submodules` (a Go boolean).
    pub submodules: bool,
}

impl Default for Query {
    fn default() -> Query {
        Query {
            git_ref: String::new(),
            timeout: DEFAULT_TIMEOUT,
            submodules: DEFAULT_SUBMODULES,
        }
    }
}

impl Query {
    /// Reads `query` (the text after the first `?`). A query Go cannot
    /// parse as a whole (a bad `%` escape, a `;`) yields every default, as
    /// in kustomize; so do empty or malformed single values.
    pub fn parse(query: &str) -> Query {
        let Some(values) = parse_pairs(query) else {
            return Query::default();
        };
        let get = |key: &str| {
            values
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        let mut out = Query {
            git_ref: get("version").to_string(),
            ..Query::default()
        };
        if !get("ref").is_empty() {
            out.git_ref = get("ref").to_string();
        }
        if let Some(timeout) = parse_timeout(get("timeout")) {
            out.timeout = timeout;
        }
        if let Some(submodules) = parse_go_bool(get("submodules")) {
            out.submodules = submodules;
        }
        out
    }
}

/// Go's `url.ParseQuery`: `&`-separated `key=value` pairs, both unescaped
/// (`+` is a space). `None` when Go reports an error for any pair.
fn parse_pairs(query: &str) -> Option<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    let mut failed = false;
    for part in query.split('&') {
        if part.contains(';') {
            failed = true;
            continue;
        }
        if part.is_empty() {
            continue;
        }
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        match (query_unescape(key), query_unescape(value)) {
            (Some(k), Some(v)) => pairs.push((k, v)),
            _ => failed = true,
        }
    }
    (!failed).then_some(pairs)
}

/// Go's `url.QueryUnescape`: `%XX` escapes and `+` for space; `None` on a
/// malformed escape or a result that is not UTF-8.
pub fn query_unescape(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A positive whole number of seconds, else a positive Go duration.
fn parse_timeout(value: &str) -> Option<Duration> {
    if value.is_empty() {
        return None;
    }
    if let Some(seconds) = parse_go_int(value) {
        return (seconds > 0).then(|| Duration::from_secs(seconds as u64));
    }
    parse_go_duration(value).filter(|d| !d.is_zero())
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, 64-bit range.
fn parse_go_int(value: &str) -> Option<i64> {
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse::<i64>().ok()
}

/// Go's `time.ParseDuration` for non-negative values: a sequence of
/// decimal numbers with units (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`), or
/// a bare `0`. Negative durations are `None` (kustomize ignores them).
pub fn parse_go_duration(value: &str) -> Option<Duration> {
    let (negative, mut rest) = match value.as_bytes().first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    };
    if rest == "0" {
        return Some(Duration::ZERO);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." {
            return None;
        }
        let amount: f64 = number.parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let nanos_per_unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += amount * nanos_per_unit;
    }
    if total > i64::MAX as f64 {
        return None;
    }
    (!negative || total == 0.0).then(|| Duration::from_nanos(total as u64))
}

/// Go's `strconv.ParseBool`.
fn parse_go_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// kustomize's query table: (query, ref, submodules, timeout).
    #[test]
    fn query_table() {
        let default = DEFAULT_TIMEOUT;
        for (query, git_ref, submodules, timeout) in [
            ("", "", true, default),
            ("ref=v1.0.0", "v1.0.0", true, default),
            ("ref=kustomize/v4.5.7", "kustomize/v4.5.7", true, default),
            ("version=master", "master", true, default),
            ("version=master&ref=v1.0.0", "v1.0.0", true, default),
            ("version=master&submodules=", "master", true, default),
            ("version=master&submodules=maybe", "master", true, default),
            ("version=master&submodules=true", "master", true, default),
            ("version=master&submodules=false", "master", false, default),
            ("version=master&timeout=", "master", true, default),
            ("version=master&timeout=jiffy", "master", true, default),
            ("version=master&timeout=0", "master", true, default),
            ("version=master&timeout=0s", "master", true, default),
            ("version=master&timeout=61", "master", true, secs(61)),
            ("version=master&timeout=1m1s", "master", true, secs(61)),
            (
                "version=master&submodules=false&timeout=1m1s",
                "master",
                false,
                secs(61),
            ),
        ] {
            let q = Query::parse(query);
            assert_eq!(q.git_ref, git_ref, "{query}");
            assert_eq!(q.submodules, submodules, "{query}");
            assert_eq!(q.timeout, timeout, "{query}");
        }
    }

    #[test]
    fn unparsable_queries_fall_back_to_defaults() {
        assert_eq!(Query::parse("ref=v1;x=y"), Query::default());
        assert_eq!(Query::parse("ref=%zz"), Query::default());
        assert_eq!(Query::parse("ref=a%2Fb+c").git_ref, "a/b c");
        assert_eq!(Query::parse("ref=v1&ref=v2").git_ref, "v1");
        assert_eq!(Query::parse("timeout=-5").timeout, DEFAULT_TIMEOUT);
        // `+` is a space in a query; `%2B` is a plus sign.
        assert_eq!(Query::parse("timeout=+5").timeout, DEFAULT_TIMEOUT);
        assert_eq!(Query::parse("timeout=%2B5").timeout, secs(5));
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_go_duration("2h45m"), Some(secs(9900)));
        assert_eq!(parse_go_duration("300ms"), Some(Duration::from_millis(300)));
        assert_eq!(parse_go_duration("10µs"), Some(Duration::from_micros(10)));
        assert_eq!(parse_go_duration("0"), Some(Duration::ZERO));
        for bad in ["", "s", "1", "1x", ".s", "-"] {
            assert_eq!(parse_go_duration(bad), None, "{bad}");
        }
    }
}
