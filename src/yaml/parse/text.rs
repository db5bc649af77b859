//! Character-level rules: which characters the YAML readers refuse, and
//! what the JSON round trip does to strings.

/// The byte offset of the first character yaml's reader refuses in raw
/// input: C0 controls other than tab, LF and CR, DEL, C1 controls other
/// than NEL, and U+FFFE/U+FFFF.
pub fn find_forbidden_raw_char(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    // Most bytes (printable ASCII, tab and line ends, and every UTF-8 byte
    // that cannot start a forbidden character) are clean: one table look-up
    // each, with no stop at line ends.
    while let Some(skip) = bytes[i..].iter().position(|&b| !CLEAN[usize::from(b)]) {
        i += skip;
        let forbidden = match bytes[i] {
            0..=0x1F | 0x7F => true,
            0xC2 => matches!(bytes.get(i + 1), Some(0x80..=0x84 | 0x86..=0x9F)),
            0xEF => {
                bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))
            }
            _ => false,
        };
        if forbidden {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// True when the blanks just before `offset` follow a block sequence's `-`
/// and hold a tab. yaml.v3's scanner only skips tabs where no simple key
/// may start, which is not the case right after `-`, so such a tab "cannot
/// start any token".
pub fn tab_after_block_entry(text: &str, offset: usize) -> bool {
    let before = text.as_bytes().get(..offset).unwrap_or_default();
    let blanks = before
        .iter()
        .rev()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let run = &before[before.len() - blanks..];
    run.contains(&b'\t') && before.len() > blanks && before[before.len() - blanks - 1] == b'-'
}

/// Bytes that can neither be nor start a forbidden character.
static CLEAN: [bool; 256] = {
    let mut clean = [true; 256];
    let mut b = 0;
    while b < 0x20 {
        clean[b] = matches!(b as u8, b'\t' | b'\n' | b'\r');
        b += 1;
    }
    clean[0x7F] = false;
    clean[0xC2] = false;
    clean[0xEF] = false;
    clean
};

/// True for characters the YAML reader refuses when it reads the JSON text
/// of a resource (they are not escaped by Go's JSON encoder).
fn forbidden_in_json_text(c: char) -> bool {
    matches!(c, '\u{7F}'..='\u{84}' | '\u{86}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Applies what the JSON round trip does to a string: a forbidden
/// character is an error (returned), and NEL, which reaches the YAML reader
/// raw and counts there as a line break inside a quoted scalar, is folded:
/// a run of spaces and NELs holding one NEL becomes one space, a run
/// holding n > 1 NELs becomes n - 1 newlines.
pub fn json_round_trip_string(s: String) -> Result<String, char> {
    let needs_look = s.bytes().any(|b| b == 0x7F || b == 0xC2 || b == 0xEF);
    if !needs_look {
        return Ok(s);
    }
    if let Some(c) = s.chars().find(|&c| forbidden_in_json_text(c)) {
        return Err(c);
    }
    if !s.contains('\u{85}') {
        return Ok(s);
    }
    Ok(fold_nel(&s))
}

fn fold_nel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_spaces = 0usize;
    let mut nels = 0usize;
    for c in s.chars() {
        match c {
            ' ' => pending_spaces += 1,
            '\u{85}' => {
                nels += 1;
                pending_spaces = 0;
            }
            _ => {
                flush_blanks(&mut out, &mut pending_spaces, &mut nels);
                out.push(c);
            }
        }
    }
    flush_blanks(&mut out, &mut pending_spaces, &mut nels);
    out
}

/// Writes out a run of spaces and NELs. Spaces after a NEL are dropped
/// (they are the next line's indentation).
fn flush_blanks(out: &mut String, spaces: &mut usize, nels: &mut usize) {
    match *nels {
        0 => out.extend(std::iter::repeat_n(' ', *spaces)),
        1 => out.push(' '),
        n => out.extend(std::iter::repeat_n('\n', n - 1)),
    }
    *spaces = 0;
    *nels = 0;
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_control_characters_are_found() {
        assert_eq!(find_forbidden_raw_char("a: b\r\n\tc"), None);
        assert_eq!(find_forbidden_raw_char("a: \u{85} \u{A0} \u{FEFF} é"), None);
        assert_eq!(find_forbidden_raw_char("a: \u{1}"), Some(3));
        assert_eq!(find_forbidden_raw_char("a\u{7F}"), Some(1));
        assert_eq!(find_forbidden_raw_char("ab\u{80}"), Some(2));
        assert_eq!(find_forbidden_raw_char("\u{FFFE}"), Some(0));
        assert_eq!(find_forbidden_raw_char("\u{FFFD}"), None);
    }

    #[test]
    fn json_stage_rejects_c1_and_noncharacters() {
        assert_eq!(json_round_trip_string("a\u{80}b".into()), Err('\u{80}'));
        assert_eq!(json_round_trip_string("a\u{FFFF}".into()), Err('\u{FFFF}'));
        assert_eq!(json_round_trip_string("a\u{7F}".into()), Err('\u{7F}'));
        assert_eq!(
            json_round_trip_string("a\u{1}é".into()),
            Ok("a\u{1}é".into())
        );
    }

    #[test]
    fn nel_folds_like_a_quoted_line_break() {
        let fold = |s: &str| json_round_trip_string(s.to_string()).unwrap();
        assert_eq!(fold("a \u{85}  b"), "a b");
        assert_eq!(fold("a\u{85}\u{85}b"), "a\nb");
        assert_eq!(fold("a\u{85}"), "a ");
        assert_eq!(fold("\u{85}a"), " a");
        assert_eq!(fold(" \u{85} \u{85} c"), "\nc");
        assert_eq!(fold("a  b"), "a  b");
    }

    #[test]
    fn positions_are_one_based() {
        assert_eq!(line_col("ab\ncé\u{1}", 6), (2, 3));
        assert_eq!(line_col("x", 0), (1, 1));
    }
}
