//! The dotenv dialect KSOPS reads `secretFrom.envs` with (Go's godotenv),
//! which differs from kustomize's own env files: `export` prefixes, `:`
//! separators, quoted values (double quotes with escapes, possibly over
//! several lines), inline `#` comments after unquoted values, and `$VAR` /
//! `${VAR}` expansion from keys defined earlier in the file.

use std::collections::BTreeMap;

/// Parses dotenv text into key/value pairs (a later key wins). A failure
/// gives the 1-based line number only, never the content.
pub fn parse(text: &str) -> Result<BTreeMap<String, String>, usize> {
    let mut vars = BTreeMap::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index].trim_start();
        index += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let split = line.find(['=', ':']).ok_or(index)?;
        let key = line[..split].trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(index);
        }
        let rest = line[split + 1..].trim_start();
        let value = match rest.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let (raw, used) = quoted(&lines, index - 1, rest, quote).ok_or(index)?;
                index += used;
                if quote == '"' {
                    expand(&unescape(&raw), &vars)
                } else {
                    raw
                }
            }
            _ => expand(strip_inline_comment(rest).trim_end(), &vars),
        };
        vars.insert(key.to_string(), value);
    }
    Ok(vars)
}

/// The text between `quote` and its closing (unescaped) match, which may
/// be on a later line; also how many extra lines were consumed.
fn quoted(lines: &[&str], at: usize, first: &str, quote: char) -> Option<(String, usize)> {
    let mut text = first[1..].to_string();
    let mut extra = 0;
    loop {
        if let Some(end) = closing(&text, quote) {
            text.truncate(end);
            return Some((text, extra));
        }
        extra += 1;
        text.push('\n');
        text.push_str(lines.get(at + extra)?);
    }
}

fn closing(text: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            '\\' if quote == '"' => escaped = !escaped,
            c if c == quote && !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            // `\$` stays escaped until expansion.
            Some('$') => out.push_str("\\$"),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn strip_inline_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    (1..bytes.len())
        .find(|&i| bytes[i] == b'#' && bytes[i - 1].is_ascii_whitespace())
        .map_or(value, |i| &value[..i])
}

/// Replaces `$NAME` and `${NAME}` with earlier values (empty when unset);
/// `\$` is a literal dollar.
fn expand(value: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        if rest[..at].ends_with('\\') {
            out.push_str(&rest[..at - 1]);
            out.push('$');
            rest = &rest[at + 1..];
            continue;
        }
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let braced = after.starts_with('{');
        let name_start = usize::from(braced);
        let name_len = after[name_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len() - name_start);
        if name_len == 0 {
            out.push('$');
            rest = after;
            continue;
        }
        let name = &after[name_start..name_start + name_len];
        out.push_str(vars.get(name).map_or("", String::as_str));
        let mut consumed = name_start + name_len;
        if braced && after[consumed..].starts_with('}') {
            consumed += 1;
        }
        rest = &after[consumed..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(text: &str) -> Vec<(String, String)> {
        parse(text).unwrap().into_iter().collect()
    }

    #[test]
    fn plain_quoted_and_exported_values() {
        let got =
            get("# c\nA=1\nexport B = two words # note\nC=\"x\\ny\"\nD='$A raw'\nE: ${A}-$B\n");
        let want = [
            ("A", "1"),
            ("B", "two words"),
            ("C", "x\ny"),
            ("D", "$A raw"),
            ("E", "1-two words"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn multi_line_double_quotes_and_errors() {
        assert_eq!(get("K=\"a\nb\"\n")[0].1, "a\nb");
        assert_eq!(parse("A=1\nnot a pair\n"), Err(2));
        assert_eq!(parse("K=\"open\n"), Err(1));
    }
}
