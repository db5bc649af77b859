//! SOPS's dotenv format: `KEY=VALUE` lines and `#` comment lines, with the
//! metadata flattened into `sops_…` keys (`sops_age__list_0__map_enc`).
//! Newlines inside values are written as `\n`.

use crate::yaml::{Mapping, Value};

/// One line of a dotenv file.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A `#` comment, without the `#`.
    Comment(String),
    /// A `KEY=VALUE` pair, with `\n` escapes already turned into newlines.
    Pair(String, Value),
}

/// The prefix of flattened metadata keys.
const METADATA_PREFIX: &str = "sops_";
const MAP_SEPARATOR: &str = "__map_";
const LIST_SEPARATOR: &str = "__list_";

/// Reads the lines of a dotenv file as SOPS does: empty lines are skipped,
/// a line without `=` is an error (reported by its 1-based number only).
pub fn parse(text: &str) -> Result<Vec<Line>, usize> {
    let mut lines = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            lines.push(Line::Comment(comment.to_string()));
            continue;
        }
        let (key, value) = line.split_once('=').ok_or(index + 1)?;
        lines.push(Line::Pair(
            key.to_string(),
            Value::String(value.replace("\\n", "\n").into()),
        ));
    }
    Ok(lines)
}

/// Removes the `sops_…` lines and rebuilds the metadata mapping from them.
/// `None` when the file has no metadata lines.
pub fn take_metadata(lines: &mut Vec<Line>) -> Result<Option<Value>, String> {
    let mut metadata = Value::new_map();
    let mut found = false;
    let mut kept = Vec::with_capacity(lines.len());
    for line in lines.drain(..) {
        match line {
            Line::Pair(key, value) if key.starts_with(METADATA_PREFIX) => {
                found = true;
                insert_flattened(&mut metadata, &key[METADATA_PREFIX.len()..], value)?;
            }
            other => kept.push(other),
        }
    }
    *lines = kept;
    Ok(found.then_some(metadata))
}

/// One step of a flattened key.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Splits `age__list_0__map_enc` into `age`, `0`, `enc`.
fn steps(flat: &str) -> Result<Vec<Step<'_>>, String> {
    let bad = || format!("malformed metadata key `sops_{flat}`");
    let mut steps = Vec::new();
    let mut rest = flat;
    let mut is_index = false;
    loop {
        let next = [MAP_SEPARATOR, LIST_SEPARATOR]
            .iter()
            .filter_map(|sep| rest.find(sep).map(|at| (at, *sep)))
            .min_by_key(|(at, _)| *at);
        let (token, following) = match next {
            Some((at, sep)) => (&rest[..at], Some((at, sep))),
            None => (rest, None),
        };
        steps.push(if is_index {
            Step::Index(token.parse().map_err(|_| bad())?)
        } else {
            Step::Key(token)
        });
        let Some((at, sep)) = following else {
            return Ok(steps);
        };
        is_index = sep == LIST_SEPARATOR;
        rest = &rest[at + sep.len()..];
    }
}

fn insert_flattened(root: &mut Value, flat: &str, value: Value) -> Result<(), String> {
    let steps = steps(flat)?;
    let conflict = || format!("conflicting metadata key `sops_{flat}`");
    let mut node = root;
    for (i, step) in steps.iter().enumerate() {
        let last = i + 1 == steps.len();
        let empty = || match steps.get(i + 1) {
            Some(Step::Index(_)) => Value::Seq(Vec::new().into()),
            _ => Value::Map(Mapping::new()),
        };
        node = match (step, node) {
            (Step::Key(key), Value::Map(map)) => map.entry((*key).into()).or_insert_with(empty),
            (Step::Index(index), Value::Seq(items)) => {
                while items.len() <= *index {
                    items.push(empty());
                }
                &mut items[*index]
            }
            _ => return Err(conflict()),
        };
        if last {
            *node = value;
            return Ok(());
        }
        if node.is_null() {
            *node = empty();
        }
    }
    Ok(())
}

/// Writes lines back in SOPS's dotenv form.
pub fn emit(lines: &[Line]) -> Vec<u8> {
    let mut out = String::new();
    for line in lines {
        match line {
            Line::Comment(text) => {
                out.push('#');
                out.push_str(text);
            }
            Line::Pair(key, value) => {
                out.push_str(key);
                out.push('=');
                match value {
                    Value::String(s) => out.push_str(&s.replace('\n', "\\n")),
                    other => out.push_str(&other.scalar_text().unwrap_or_default()),
                }
            }
        }
        out.push('\n');
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_like_sops() {
        let lines = parse("A=1\n\n#note\nB=x=y\\nz\n").unwrap();
        assert_eq!(
            lines,
            vec![
                Line::Pair("A".into(), "1".into()),
                Line::Comment("note".into()),
                Line::Pair("B".into(), "x=y\nz".into()),
            ]
        );
        assert_eq!(parse("A=1\nnope\n"), Err(2));
        assert_eq!(emit(&lines), b"A=1\n#note\nB=x=y\\nz\n");
    }

    #[test]
    fn flattened_metadata_is_rebuilt() {
        let mut lines = parse(
            "A=1\nsops_age__list_0__map_enc=E\\n\nsops_age__list_0__map_recipient=R\nsops_mac=M\n",
        )
        .unwrap();
        let metadata = take_metadata(&mut lines).unwrap().unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(metadata.get("mac").and_then(Value::as_str), Some("M"));
        let age = metadata.get("age").and_then(Value::as_seq).unwrap();
        assert_eq!(age[0].str_at(&["enc"]), Some("E\n"));
        assert_eq!(age[0].str_at(&["recipient"]), Some("R"));
    }

    #[test]
    fn no_metadata_is_none() {
        let mut lines = parse("A=1\n").unwrap();
        assert_eq!(take_metadata(&mut lines).unwrap(), None);
    }
}
