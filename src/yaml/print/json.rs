//! What kustomize's JSON round trip does to strings before they are printed.
//!
//! kustomize writes each resource as JSON and reads that JSON back with
//! go-yaml v2. Go's JSON encoder escapes C0 controls, line feeds, carriage
//! returns, U+2028 and U+2029, so those survive unchanged. It does not escape
//! DEL, the C1 controls or U+FFFE/U+FFFF, which go-yaml v2's reader rejects,
//! nor NEL (U+0085), which go-yaml v2's scanner treats as a line break inside
//! the double-quoted JSON string and folds like YAML line folding.

use crate::yaml::Value;

/// The message go-yaml v2 gives for characters its reader refuses.
pub(super) const CONTROL_CHARACTERS: &str = "yaml: control characters are not allowed";

const NEL: char = '\u{85}';

/// go-yaml v2's error for a document whose JSON has a key with a NEL: the
/// key spans two lines, which a flow mapping key may not. The line is the
/// number of NELs in the JSON text up to the end of that key, the JSON text
/// listing keys in byte order.
pub(super) fn multiline_key_error(document: &Value) -> String {
    let mut breaks = 0;
    count_breaks_until_multiline_key(document, &mut breaks);
    format!("yaml: line {breaks}: did not find expected ',' or '}}'")
}

/// Counts NELs in JSON text order until the end of the first key holding
/// one; returns true once that key is reached.
fn count_breaks_until_multiline_key(value: &Value, breaks: &mut usize) -> bool {
    let count = |s: &str| s.matches(NEL).count();
    match value {
        Value::String(s) => {
            *breaks += count(s);
            false
        }
        Value::Seq(items) => items
            .iter()
            .any(|item| count_breaks_until_multiline_key(item, breaks)),
        Value::Map(map) => {
            let mut keys: Vec<&str> = map.keys().collect();
            keys.sort_unstable();
            keys.into_iter().any(|key| {
                let in_key = count(key);
                *breaks += in_key;
                in_key > 0 || count_breaks_until_multiline_key(&map[key], breaks)
            })
        }
        _ => false,
    }
}

/// Applies double-quoted line folding with NEL as the only raw line break
/// (everything else that could break a line was escaped by JSON): spaces
/// before a break are dropped, spaces after it are skipped, a single break
/// becomes one space and `n` consecutive breaks become `n - 1` newlines.
pub(super) fn fold_raw_line_breaks(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while chars.peek().is_some() {
        while let Some(&c) = chars.peek() {
            if c == ' ' || c == NEL {
                break;
            }
            out.push(c);
            chars.next();
        }
        let mut spaces = 0usize;
        let mut breaks = 0usize;
        while let Some(&c) = chars.peek() {
            match c {
                ' ' if breaks == 0 => spaces += 1,
                ' ' => {}
                NEL => breaks += 1,
                _ => break,
            }
            chars.next();
        }
        match breaks {
            0 => out.extend(std::iter::repeat_n(' ', spaces)),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold_raw_line_breaks as fold;

    #[test]
    fn nel_folds_like_kustomize() {
        // Measured with kubectl kustomize.
        assert_eq!(fold("x\u{85}y"), "x y");
        assert_eq!(fold("p \u{85}  \u{85}\u{85} q"), "p\n\nq");
        assert_eq!(fold("\u{85}---"), " ---");
        assert_eq!(fold("a  b"), "a  b");
        assert_eq!(fold("a \u{85}"), "a ");
    }
}
