//! Repairs for input yaml.v3 accepts but the event parser refuses.
//!
//! Each repair rewrites the text at the place the parser complained about,
//! without changing the value that yaml.v3 would read, and the caller
//! parses again. Every repair removes the offending construct, so retries
//! end.

use super::tree::TreeError;

/// The repaired text for a parse error, or `None` when the error is real.
///
/// * `\'` in a double-quoted scalar: yaml.v3 reads it as `'`; it becomes
///   `\x27`.
/// * A tab right after `:` (`key:\tvalue`): yaml.v3 accepts tabs as
///   separation there; it becomes a space.
/// * A quoted scalar whose continuation lines are indented too little:
///   yaml.v3 does not mind (their leading blanks are dropped anyway); they
///   are indented to the column of the opening quote.
pub fn repair_for_retry(text: &str, err: &TreeError) -> Option<String> {
    let at = err.marker?.index();
    if err.message.contains("unknown escape") {
        return rewrite_quote_escapes(text, at);
    }
    if err
        .message
        .contains("must be followed by a valid YAML whitespace")
    {
        return replace_tabs_before(text, at);
    }
    if err.message.contains("invalid indentation in quoted scalar") {
        return indent_quoted_continuations(text, at, err.marker?.col());
    }
    None
}

/// Indents every continuation line of the quoted scalar starting at
/// character `quote_index` by `column` spaces.
fn indent_quoted_continuations(text: &str, quote_index: usize, column: usize) -> Option<String> {
    let (start, quote) = text.char_indices().nth(quote_index)?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let indent = " ".repeat(column);
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..=start]);
    let mut rest = text[start + 1..].chars().peekable();
    let mut changed = false;
    while let Some(c) = rest.next() {
        out.push(c);
        let escaped = match c {
            '\\' if quote == '"' => rest.next(),
            '\'' if quote == '\'' && rest.peek() == Some(&'\'') => rest.next(),
            c if c == quote => break,
            _ => None,
        };
        if let Some(e) = escaped {
            out.push(e);
        }
        if c == '\n' || escaped == Some('\n') {
            out.push_str(&indent);
            changed = true;
        }
    }
    out.extend(rest);
    changed.then_some(out)
}

/// Rewrites `\'` as `\x27` in the double-quoted scalar that starts at
/// character `quote_index`.
fn rewrite_quote_escapes(text: &str, quote_index: usize) -> Option<String> {
    let (start, quote) = text.char_indices().nth(quote_index)?;
    if quote != '"' {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..=start]);
    let mut rest = text[start + 1..].chars();
    let mut changed = false;
    while let Some(c) = rest.next() {
        match c {
            '"' => {
                out.push('"');
                break;
            }
            '\\' => match rest.next() {
                Some('\'') => {
                    out.push_str("\\x27");
                    changed = true;
                }
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out.push_str(rest.as_str());
    changed.then_some(out)
}

/// Turns the tabs just before character `char_index` (back to the `:`
/// they follow) into spaces. (A tab after `-` stays an error, as in
/// yaml.v3.)
fn replace_tabs_before(text: &str, char_index: usize) -> Option<String> {
    let end = text
        .char_indices()
        .nth(char_index)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    let blanks = head.len() - head.trim_end_matches([' ', '\t']).len();
    let start = end - blanks;
    if !head[..start].ends_with(':') || !head[start..].contains('\t') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..start]);
    out.push_str(&text[start..end].replace('\t', " "));
    out.push_str(&text[end..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use saphyr_parser::Marker;

    fn err(message: &str, index: usize) -> TreeError {
        TreeError {
            message: message.into(),
            marker: Some(Marker::new(index, 1, index)),
        }
    }

    #[test]
    fn quote_escapes_are_rewritten_in_the_failing_scalar_only() {
        let text = r#"a: "x\'y" b: 'q\'"#;
        let fixed = repair_for_retry(text, &err("found unknown escape character", 3));
        assert_eq!(fixed.as_deref(), Some(r#"a: "x\x27y" b: 'q\'"#));
        assert_eq!(
            repair_for_retry(text, &err("found unknown escape character", 0)),
            None
        );
    }

    #[test]
    fn tabs_after_indicators_become_spaces() {
        let text = "a:\t\tb\n";
        let fixed = repair_for_retry(
            text,
            &err("':' must be followed by a valid YAML whitespace", 4),
        );
        assert_eq!(fixed.as_deref(), Some("a:  b\n"));
        assert_eq!(
            repair_for_retry(
                "ab  c",
                &err("must be followed by a valid YAML whitespace", 4)
            ),
            None
        );
    }

    #[test]
    fn quoted_continuations_are_indented() {
        let e = |i| {
            let mut e = err("invalid indentation in quoted scalar", i);
            e.marker = Some(Marker::new(i, 1, 3));
            e
        };
        let fixed = repair_for_retry("x: \"a\\\"\nb\"\ny: 1\n", &e(3));
        assert_eq!(fixed.as_deref(), Some("x: \"a\\\"\n   b\"\ny: 1\n"));
        let fixed = repair_for_retry("x: 'it''s\nb'\n", &e(3));
        assert_eq!(fixed.as_deref(), Some("x: 'it''s\n   b'\n"));
    }

    #[test]
    fn other_errors_are_not_repaired() {
        assert_eq!(
            repair_for_retry("a: [", &err("did not find expected ',' or ']'", 4)),
            None
        );
    }
}
