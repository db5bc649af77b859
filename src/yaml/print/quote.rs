//! Choosing a scalar's style (plain, single, double, literal) as go-yaml v2 does.
//!
//! The decision has two stages, as in go-yaml v2: the encoder asks for a
//! literal block when the string has a line feed, for double quotes when the
//! plain text would read back as something other than a string, and for
//! plain style otherwise; the emitter then downgrades that request after
//! analysing the characters (plain → single → double, literal → double).

use super::resolve::needs_quotes_to_stay_string;

/// How a string scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    /// Unquoted.
    Plain,
    /// `'...'`, with `'` doubled.
    Single,
    /// `"..."`, with escapes.
    Double,
    /// `|` block with its content on the following lines.
    Literal,
}

/// What the emitter needs to know about a string before writing it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Analysis {
    /// The style to write it in.
    pub style: Style,
    /// The string has a line break (LF, CR, NEL, LS or PS).
    pub multiline: bool,
    /// Its length in characters (the emitter counts columns in runes).
    pub chars: usize,
    /// It has a NEL, which the JSON round trip folds (the string must be
    /// folded and analysed again before printing).
    pub nel: bool,
    /// It has a character go-yaml v2 refuses to read back from JSON.
    pub control: bool,
}

/// The emitter's verdicts on one string.
#[derive(Debug, Default)]
struct Flags {
    block_indicators: bool,
    line_breaks: bool,
    special_characters: bool,
    leading_space: bool,
    leading_break: bool,
    trailing_space: bool,
    trailing_break: bool,
    break_space: bool,
    space_break: bool,
    chars: usize,
    nel: bool,
    control: bool,
    line_feeds: bool,
}

/// Picks the style for `s`.
///
/// The emitter would also refuse a literal block for an implicit (`key:`)
/// mapping key, but keys with line breaks are never written as implicit
/// keys, so the style does not depend on the string's role.
pub(super) fn analyze(s: &str) -> Analysis {
    let flags = scan(s);
    let style = select_style(s, &flags);
    Analysis {
        style,
        multiline: flags.line_breaks,
        chars: flags.chars,
        nel: flags.nel,
        control: flags.control,
    }
}

fn select_style(s: &str, f: &Flags) -> Style {
    let any_space_or_break_edge =
        f.leading_space || f.leading_break || f.trailing_space || f.trailing_break;
    let plain_allowed = !(any_space_or_break_edge
        || f.break_space
        || f.space_break
        || f.special_characters
        || f.line_breaks
        || f.block_indicators);
    let single_allowed = !(f.break_space || f.space_break || f.special_characters);
    let block_allowed = !(f.trailing_space || f.space_break || f.special_characters);

    if f.line_feeds {
        return if block_allowed {
            Style::Literal
        } else {
            Style::Double
        };
    }
    if s.is_empty() || needs_quotes_to_stay_string(s) {
        return Style::Double;
    }
    if plain_allowed {
        Style::Plain
    } else if single_allowed {
        Style::Single
    } else {
        Style::Double
    }
}

/// One pass over the characters, as go-yaml v2's `analyze_scalar`, which
/// also notes what the JSON round trip will do to the string.
fn scan(s: &str) -> Flags {
    let mut f = Flags::default();
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return f;
    }
    if s.starts_with("---") || s.starts_with("...") {
        f.block_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut previous_space = false;
    let mut previous_break = false;
    let mut i = 0;
    while i < bytes.len() {
        if i > 0 {
            // Skip a run of characters that need no attention at once.
            let run = bytes[i..]
                .iter()
                .take_while(|b| UNREMARKABLE[usize::from(**b)])
                .count();
            if run > 0 {
                f.chars += run;
                previous_space = false;
                previous_break = false;
                preceded_by_whitespace = false;
                i += run;
                continue;
            }
        }
        let byte = bytes[i];
        f.chars += 1;
        let c = if byte < 0x80 {
            char::from(byte)
        } else {
            s[i..].chars().next().unwrap_or('\0')
        };
        let width = c.len_utf8();
        let next = bytes.get(i + width).copied();
        let followed_by_whitespace = matches!(next, None | Some(b' ' | b'\t'));
        if indicates_block_structure(c, i == 0, preceded_by_whitespace, followed_by_whitespace) {
            f.block_indicators = true;
        }
        if !is_printable(c) {
            f.special_characters = true;
            note_json_round_trip(c, &mut f);
        }
        let first = i == 0;
        let last = next.is_none();
        if c == ' ' {
            f.leading_space |= first;
            f.trailing_space |= last;
            f.break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            f.line_breaks = true;
            f.line_feeds |= c == '\n';
            f.leading_break |= first;
            f.trailing_break |= last;
            f.space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = matches!(c, ' ' | '\t' | '\0') || is_break(c);
        i += width;
    }
    f
}

/// ASCII bytes that, after the first character, change none of the flags:
/// printable, not a space or break, not `:` or `#`.
static UNREMARKABLE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x21;
    while b < 0x7f {
        table[b] = b != b':' as usize && b != b'#' as usize;
        b += 1;
    }
    table
};

/// Notes characters that JSON leaves raw and go-yaml v2 then refuses (DEL,
/// C1 controls, U+FFFE, U+FFFF) or folds (NEL).
fn note_json_round_trip(c: char, f: &mut Flags) {
    match c {
        '\u{85}' => f.nel = true,
        '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}' => f.control = true,
        _ => {}
    }
}

/// Characters that stop a plain scalar from being read back in block context.
fn indicates_block_structure(
    c: char,
    first: bool,
    preceded_by_whitespace: bool,
    followed_by_whitespace: bool,
) -> bool {
    if first {
        match c {
            '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%'
            | '@' | '`' => true,
            '?' | ':' | '-' => followed_by_whitespace,
            _ => false,
        }
    } else {
        match c {
            ':' => followed_by_whitespace,
            '#' => preceded_by_whitespace,
            _ => false,
        }
    }
}

/// libyaml's printable set: LF, ASCII 0x20–0x7E, U+00A0–U+D7FF and
/// U+E000–U+FFFD except the BOM. Everything else, including TAB, CR and
/// every character beyond U+FFFF, is "special" and forces double quotes.
pub(super) fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        && c != '\u{feff}'
}

/// The YAML line breaks: LF, CR, NEL, LS and PS.
pub(super) fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(s: &str) -> Style {
        analyze(s).style
    }

    #[test]
    fn plain_strings() {
        for s in [
            "nginx", "a b", "-a", "?a", ":a", "a:b", "a#b", "<<", "inf", "é", "10.0.0.1",
        ] {
            assert_eq!(style(s), Style::Plain, "{s:?}");
        }
    }

    #[test]
    fn resolver_lookalikes_are_double_quoted() {
        for s in [
            "",
            "yes",
            "on",
            "1",
            "1.5",
            "2001-12-14",
            "1:20",
            "~",
            "null",
            ".5",
        ] {
            assert_eq!(style(s), Style::Double, "{s:?}");
        }
    }

    #[test]
    fn indicators_force_single_quotes() {
        for s in [
            " a",
            "a ",
            "#a",
            ",a",
            "[a",
            "]",
            "{",
            "}",
            "&a",
            "*a",
            "!a",
            "|",
            ">",
            "'a",
            "\"a",
            "%a",
            "@a",
            "`a",
            "-",
            "- a",
            "? a",
            ":",
            "a: b",
            "a:",
            "a #b",
            "---x",
            "...x",
            "a\u{2028}b",
        ] {
            assert_eq!(style(s), Style::Single, "{s:?}");
        }
    }

    #[test]
    fn special_characters_force_double_quotes() {
        for s in [
            "a\tb",
            "a\rb",
            "🎉 party",
            "\u{feff}a",
            "a\u{feff}",
            "a \u{2028}b",
            "\0",
        ] {
            assert_eq!(style(s), Style::Double, "{s:?}");
        }
    }

    #[test]
    fn line_feeds_pick_literal_unless_spaces_or_specials() {
        assert_eq!(style("a\nb"), Style::Literal);
        assert_eq!(style("a\nb\n"), Style::Literal);
        assert_eq!(style(" a\nb"), Style::Literal);
        assert_eq!(style("\na"), Style::Literal);
        assert_eq!(style("a\n b"), Style::Literal);
        assert_eq!(style("a \nb"), Style::Double);
        assert_eq!(style("a\nb "), Style::Double);
        assert_eq!(style("a\n\tb"), Style::Double);
        assert_eq!(style("🎉\n"), Style::Double);
    }

    #[test]
    fn counts_characters_and_line_breaks() {
        let a = analyze("日本\u{2028}");
        assert_eq!(a.chars, 3);
        assert!(a.multiline);
        assert!(!analyze("abc").multiline);
    }

    #[test]
    fn notes_json_round_trip_effects() {
        for s in ["a\u{7f}", "\u{80}", "x\u{9f}", "\u{fffe}", "\u{ffff}"] {
            assert!(analyze(s).control, "{s:?}");
        }
        assert!(analyze("x\u{85}y").nel);
        let plain = analyze("é\u{2028}\t");
        assert!(!plain.nel && !plain.control);
    }
}
