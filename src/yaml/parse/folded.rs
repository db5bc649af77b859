//! What kustomize's re-encoding does to folded (`>`) block scalars.
//!
//! kustomize keeps each scalar's style and, before printing, writes the
//! resource out with yaml.v3 and reads it back. yaml.v3's folded-scalar
//! writer decides whether a content line break needs an extra blank line
//! by looking at the first character of the whole value instead of the
//! next line. So a line break before a more-indented line gains a newline
//! when the value starts with ordinary text, and single line breaks fold
//! into spaces when the value starts with a blank. This module replays that
//! writer and reads its output back, so the value matches what kustomize
//! prints.

use saphyr_parser::{Event, Parser};

/// The value a folded scalar has after kustomize's write-and-read-back.
/// Values yaml.v3 would not write in folded style are returned unchanged.
pub fn folded_round_trip(value: String) -> String {
    if !value.contains('\n') || !writable_as_block(&value) {
        return value;
    }
    let written = write_folded_like_yaml_v3(&value);
    match read_back(&written) {
        Some(reread) => reread,
        None => value,
    }
}

/// yaml.v3 falls back to double quotes (which keep the value) for a
/// trailing space, a space before a line break, or a character it does not
/// print raw. Other line breaks than LF are left alone here.
pub fn writable_as_block(value: &str) -> bool {
    if value.ends_with(' ') || value.contains(" \n") {
        return false;
    }
    value.chars().all(|c| match c {
        '\n' | '\t' | ' '..='\u{7E}' => true,
        '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' => c != '\u{FEFF}',
        c => c >= '\u{10000}',
    })
}

/// The document `k: >…` that yaml.v3's folded writer produces for `value`.
fn write_folded_like_yaml_v3(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 2 + 16);
    out.push_str("k: >");
    if value.starts_with([' ', '\n']) {
        out.push('2');
    }
    out.push_str(chomping_indicator(value));
    out.push('\n');
    // The writer's check, made once on the value's start rather than on
    // each following line.
    let first_content = value.trim_start_matches('\n').chars().next();
    let adds_blank_line = first_content.is_some_and(|c| c != ' ' && c != '\t');
    let mut at_line_start = true;
    let mut line_starts_blank = true;
    for c in value.chars() {
        if c == '\n' {
            if !at_line_start && !line_starts_blank && adds_blank_line {
                out.push('\n');
            }
            out.push('\n');
            at_line_start = true;
        } else {
            if at_line_start {
                out.push_str("  ");
                line_starts_blank = c == ' ' || c == '\t';
            }
            out.push(c);
            at_line_start = false;
        }
    }
    if !at_line_start {
        out.push('\n');
    }
    out
}

fn chomping_indicator(value: &str) -> &'static str {
    if !value.ends_with('\n') {
        "-"
    } else if value == "\n" || value.ends_with("\n\n") {
        "+"
    } else {
        ""
    }
}

fn read_back(document: &str) -> Option<String> {
    let mut scalars = Parser::new_from_str(document).filter_map(|e| match e {
        Ok((Event::Scalar(text, ..), _)) => Some(text.into_owned()),
        _ => None,
    });
    scalars.next()?;
    scalars.next()
}

#[cfg(test)]
mod tests {
    use super::folded_round_trip;

    fn trip(s: &str) -> String {
        folded_round_trip(s.to_string())
    }

    #[test]
    fn plain_folded_text_is_unchanged() {
        assert_eq!(trip("folded one folded two\n"), "folded one folded two\n");
        assert_eq!(trip("a\nb\n"), "a\nb\n");
        assert_eq!(trip("a\n\nb"), "a\n\nb");
    }

    #[test]
    fn kept_trailing_breaks_gain_one() {
        assert_eq!(trip("keep\n\n"), "keep\n\n\n");
    }

    #[test]
    fn break_before_more_indented_line_gains_a_newline() {
        assert_eq!(
            trip("folded one folded two\n\n  more indented\nback\n"),
            "folded one folded two\n\n\n  more indented\nback\n"
        );
        assert_eq!(trip("a\n  b\n"), "a\n\n  b\n");
    }

    #[test]
    fn values_starting_with_a_blank_lose_single_breaks() {
        assert_eq!(trip("  x\ny\nz\n"), "  x\ny z\n");
    }

    #[test]
    fn values_written_in_quotes_are_unchanged() {
        assert_eq!(trip("a \nb"), "a \nb");
        assert_eq!(trip("a\nb "), "a\nb ");
        assert_eq!(trip("a\u{1}\n  b"), "a\u{1}\n  b");
    }
}
