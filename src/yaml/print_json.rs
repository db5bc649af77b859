//! What kustomize's JSON round trip does to strings before they are printed.
//!
//! kustomize writes each resource as JSON and reads that JSON back with
//! go-yaml v2. Go's JSON encoder escapes C0 controls, line feeds, carriage
//! returns, U+2028 and U+2029, so those survive unchanged. It does not escape
//! DEL, the C1 controls or U+FFFE/U+FFFF, which go-yaml v2's reader rejects,
//! nor NEL (U+0085), which go-yaml v2's scanner treats as a line break inside
//! the double-quoted JSON string and folds like YAML line folding.

use std::borrow::Cow;

/// The message go-yaml v2 gives for characters its reader refuses.
pub(super) const CONTROL_CHARACTERS: &str = "yaml: control characters are not allowed";

const NEL: char = '\u{85}';

/// Returns the string as go-yaml v2 reads it back from kustomize's JSON, or
/// `Err(())` when go-yaml v2 refuses it (see [`CONTROL_CHARACTERS`]).
pub(super) fn after_json_round_trip(s: &str) -> Result<Cow<'_, str>, ()> {
    if s.bytes().all(|b| b < 0x7f) {
        return Ok(Cow::Borrowed(s));
    }
    let mut has_nel = false;
    for c in s.chars() {
        match c {
            NEL => has_nel = true,
            '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}' => return Err(()),
            _ => {}
        }
    }
    if has_nel {
        Ok(Cow::Owned(fold_raw_line_breaks(s)))
    } else {
        Ok(Cow::Borrowed(s))
    }
}

/// Applies double-quoted line folding with NEL as the only raw line break
/// (everything else that could break a line was escaped by JSON): spaces
/// before a break are dropped, spaces after it are skipped, a single break
/// becomes one space and `n` consecutive breaks become `n - 1` newlines.
fn fold_raw_line_breaks(s: &str) -> String {
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
    use super::*;

    #[test]
    fn ascii_and_printable_unicode_pass_through() {
        assert!(matches!(
            after_json_round_trip("plain"),
            Ok(Cow::Borrowed("plain"))
        ));
        assert!(matches!(
            after_json_round_trip("é\u{2028}\t"),
            Ok(Cow::Borrowed(_))
        ));
    }

    #[test]
    fn control_characters_are_refused() {
        for s in ["a\u{7f}", "\u{80}", "x\u{9f}", "\u{fffe}", "\u{ffff}"] {
            assert!(after_json_round_trip(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn nel_folds_like_kustomize() {
        // Measured with kubectl kustomize.
        assert_eq!(after_json_round_trip("x\u{85}y").unwrap(), "x y");
        assert_eq!(
            after_json_round_trip("p \u{85}  \u{85}\u{85} q").unwrap(),
            "p\n\nq"
        );
        assert_eq!(after_json_round_trip("\u{85}---").unwrap(), " ---");
        assert_eq!(after_json_round_trip("a  b").unwrap(), "a  b");
        assert_eq!(after_json_round_trip("a \u{85}").unwrap(), "a ");
    }
}
