//! Expanding `$(NAME)` references in one string, with the rules of
//! Kubernetes' own container-variable expansion as kustomize applies them:
//!
//! * `$(NAME)` is replaced by the var's value; a reference to an unknown
//!   name (or to a var whose value is a mapping or sequence) stays as
//!   written, and so does an unclosed `$(`.
//! * `$$` writes one `$`, so `$$(NAME)` comes out as a literal `$(NAME)`.
//! * When the whole string is one reference, the field takes the value with
//!   its type (a number stays a number); inside a longer string the value
//!   is written as text.

use super::value::VarValue;
use crate::yaml::Value;

/// What a string expands to, when it changes.
#[derive(Debug, Clone, PartialEq)]
pub enum Expansion {
    /// The string was exactly one reference to a known var: its typed value.
    Whole(Value),
    /// The rewritten string.
    Text(String),
}

/// Expands the references in `input`. `lookup` gives a var's value by name
/// and is told of every substitution (to count used vars). `None` when
/// `input` holds no `$` and so cannot change.
pub fn expand<'v>(
    input: &str,
    mut lookup: impl FnMut(&str) -> Option<&'v VarValue>,
) -> Option<Expansion> {
    if !input.contains('$') {
        return None;
    }
    if let Some(name) = whole_reference(input) {
        let field = lookup(name).and_then(VarValue::to_field);
        return Some(match field {
            Some(value) => Expansion::Whole(value),
            None => Expansion::Text(input.to_string()),
        });
    }
    Some(Expansion::Text(expand_text(input, lookup)))
}

/// The name in `input` when it is exactly `$(NAME)` with no `)` inside.
fn whole_reference(input: &str) -> Option<&str> {
    let name = input.strip_prefix("$(")?.strip_suffix(')')?;
    (!name.contains(')')).then_some(name)
}

/// Rewrites every `$` sequence of a string that is not a single reference.
fn expand_text<'v>(input: &str, mut lookup: impl FnMut(&str) -> Option<&'v VarValue>) -> String {
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(input.len());
    let mut copied = 0;
    let mut cursor = 0;
    while cursor + 1 < bytes.len() {
        if bytes[cursor] != b'$' {
            cursor += 1;
            continue;
        }
        out.push_str(&input[copied..cursor]);
        let consumed = match bytes[cursor + 1] {
            b'$' => {
                out.push('$');
                2
            }
            b'(' => match input[cursor + 2..].find(')') {
                Some(len) => {
                    let name = &input[cursor + 2..cursor + 2 + len];
                    write_reference(name, lookup(name), &mut out);
                    len + 3
                }
                None => {
                    out.push_str("$(");
                    2
                }
            },
            // A lone `$`: written as is, and the next character is copied
            // on with the rest of the text.
            _ => {
                out.push('$');
                1
            }
        };
        cursor += consumed;
        copied = cursor;
    }
    out.push_str(&input[copied..]);
    out
}

/// Writes a reference's value as text, or the reference itself when the
/// var is unknown or structured.
fn write_reference(name: &str, value: Option<&VarValue>, out: &mut String) {
    if value.is_some_and(|v| v.write_text(out)) {
        return;
    }
    out.push_str("$(");
    out.push_str(name);
    out.push(')');
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars() -> HashMap<&'static str, VarValue> {
        HashMap::from([
            ("S", VarValue::Str("svc".into())),
            ("N", VarValue::Int(8080)),
            ("F", VarValue::Float(1e20)),
            ("B", VarValue::Bool(true)),
            ("M", VarValue::Structured),
        ])
    }

    fn run(input: &str) -> Option<Expansion> {
        let vars = vars();
        expand(input, |name| vars.get(name))
    }

    fn text(input: &str) -> String {
        match run(input) {
            Some(Expansion::Text(s)) => s,
            other => panic!("expected text, got {other:?}"),
        }
    }

    #[test]
    fn whole_references_keep_their_type() {
        assert_eq!(run("$(N)"), Some(Expansion::Whole(Value::Int(8080))));
        assert_eq!(run("$(B)"), Some(Expansion::Whole(Value::Bool(true))));
        assert_eq!(
            run("$(S)"),
            Some(Expansion::Whole(Value::String("svc".into())))
        );
        assert_eq!(text("$(M)"), "$(M)");
        assert_eq!(text("$(X)"), "$(X)");
        assert_eq!(run("no refs"), None);
    }

    #[test]
    fn embedded_references_become_text() {
        assert_eq!(text("http://$(S):$(N)/x"), "http://svc:8080/x");
        assert_eq!(text("$(F) $(B) $(M) $(X)"), "1e+20 true $(M) $(X)");
        assert_eq!(text("$(S)$(S)"), "svcsvc");
    }

    #[test]
    fn escapes_and_stray_dollars() {
        assert_eq!(text("$$(S) $(S)"), "$(S) svc");
        assert_eq!(text("$$$(S)"), "$svc");
        assert_eq!(text("a $ b $"), "a $ b $");
        assert_eq!(text("$(unclosed $(S)"), "$(unclosed $(S)");
        assert_eq!(text("$() x"), "$() x");
        assert_eq!(text("é$é$(S)"), "é$ésvc");
    }

    #[test]
    fn counts_every_lookup() {
        let vars = vars();
        let mut seen = Vec::new();
        expand("$(S)-$(N)-$(X)", |name| {
            seen.push(name.to_string());
            vars.get(name)
        });
        assert_eq!(seen, ["S", "N", "X"]);
    }
}
