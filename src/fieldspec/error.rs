//! Errors from walking field specs, worded as kustomize words them.

use crate::yaml::Value;
use std::fmt;

/// The three node kinds kustomize's messages name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A scalar (or null).
    Scalar,
    /// A mapping.
    Mapping,
    /// A sequence.
    Sequence,
}

impl NodeKind {
    /// The kind of `value`.
    pub fn of(value: &Value) -> NodeKind {
        match value {
            Value::Map(_) => NodeKind::Mapping,
            Value::Seq(_) => NodeKind::Sequence,
            _ => NodeKind::Scalar,
        }
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NodeKind::Scalar => "ScalarNode",
            NodeKind::Mapping => "MappingNode",
            NodeKind::Sequence => "SequenceNode",
        })
    }
}

/// A setter (or lookup) met a node of the wrong kind, or failed otherwise.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SetError {
    /// The node is not of the kind the operation needs.
    #[error("wrong node kind: expected {expected} but got {actual}: node contents:\n{contents}")]
    WrongKind {
        /// The kind the operation needs.
        expected: NodeKind,
        /// The kind found.
        actual: NodeKind,
        /// The node, as YAML.
        contents: String,
    },
    /// Any other failure, already worded.
    #[error("{0}")]
    Other(String),
}

impl SetError {
    /// `value` is not a node of kind `expected`.
    pub fn wrong_kind(expected: NodeKind, value: &Value) -> SetError {
        SetError::WrongKind {
            expected,
            actual: NodeKind::of(value),
            contents: node_contents(value),
        }
    }
}

/// Why a walk along a field spec's path failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WalkError {
    /// The path continues into a scalar.
    #[error("expected sequence or mapping node")]
    NotACollection,
    /// A path element is empty (for example `a//b` or a trailing slash).
    #[error("cannot set or create an empty field name")]
    EmptyFieldName,
    /// A failure inside an element of a sequence; `remaining` is the path
    /// still to walk at that sequence.
    #[error("visit traversal on path: [{}]: {inner}", remaining.join(" "))]
    InSequence {
        /// The path elements left at the sequence.
        remaining: Vec<String>,
        /// What went wrong in the element.
        inner: Box<WalkError>,
    },
    /// A path element could not be looked up.
    #[error("fieldName: {field}: {cause}")]
    Lookup {
        /// The path element.
        field: String,
        /// Why.
        cause: SetError,
    },
    /// The setter failed at the end of the path.
    #[error(transparent)]
    Set(#[from] SetError),
}

impl WalkError {
    /// The first wrong-kind error in the chain, if any (Go's `errors.As`).
    pub fn wrong_kind(&self) -> Option<&SetError> {
        match self {
            WalkError::InSequence { inner, .. } => inner.wrong_kind(),
            WalkError::Lookup { cause, .. } | WalkError::Set(cause) => {
                matches!(cause, SetError::WrongKind { .. }).then_some(cause)
            }
            WalkError::NotACollection | WalkError::EmptyFieldName => None,
        }
    }
}

/// A walk failed in one object.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("considering field '{path}' of object {object}: {cause}")]
pub struct FieldSpecError {
    /// The field spec's path, as written.
    pub path: String,
    /// The object's identity (kustomize's id form) at the time of the
    /// failure.
    pub object: String,
    /// What went wrong.
    pub cause: Box<WalkError>,
}

/// A node as block YAML, for error messages (kustomize prints the node's own
/// YAML; styles are not kept, so this prints block style).
pub fn node_contents(value: &Value) -> String {
    let mut out = String::new();
    write_node(value, 0, &mut out);
    out
}

fn write_node(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Map(m) if !m.is_empty() => {
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    pad(indent, out);
                }
                out.push_str(&quoted_if_needed(k));
                out.push(':');
                match v {
                    Value::Map(c) if !c.is_empty() => {
                        out.push('\n');
                        pad(indent + 2, out);
                        write_node(v, indent + 2, out);
                    }
                    // Sequences in mappings are not indented further.
                    Value::Seq(c) if !c.is_empty() => {
                        out.push('\n');
                        pad(indent, out);
                        write_node(v, indent, out);
                    }
                    _ => {
                        out.push(' ');
                        write_node(v, indent, out);
                    }
                }
            }
        }
        Value::Seq(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    pad(indent, out);
                }
                out.push_str("- ");
                write_node(v, indent + 2, out);
            }
        }
        other => {
            out.push_str(&scalar_text(other));
            out.push('\n');
        }
    }
}

fn pad(indent: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::Map(_) => "{}".to_string(),
        Value::Seq(_) => "[]".to_string(),
        Value::Null => "null".to_string(),
        Value::String(s) => quoted_if_needed(s),
        other => other.scalar_text().unwrap_or_default(),
    }
}

/// Double-quotes strings that would not read back as the same string.
fn quoted_if_needed(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let special = matches!(
        lower.as_str(),
        "" | "true" | "false" | "null" | "~" | "yes" | "no" | "on" | "off"
    ) || s.parse::<f64>().is_ok()
        || s.starts_with(|c: char| " -?:,[]{}#&*!|>'\"%@`".contains(c))
        || s.ends_with(' ')
        || s.contains(": ")
        || s.contains(" #")
        || s.contains('\n');
    if special {
        serde_json::to_string(s).unwrap_or_default()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn renders_nodes_as_block_yaml() {
        // The layout kustomize uses: sequences in mappings are not indented.
        let doc = serde_json::json!({"a": {"b": ["x", 1, {"q": "r", "s": "t"}, ["z"]]},
            "c": "", "d": "true"});
        assert_eq!(
            node_contents(&Value::from(&doc)),
            "a:\n  b:\n  - x\n  - 1\n  - q: r\n    s: t\n  - - z\nc: \"\"\nd: \"true\"\n"
        );
        assert_eq!(node_contents(&"foo".into()), "foo\n");
    }

    #[test]
    fn messages_match_kustomize() {
        let e = WalkError::InSequence {
            remaining: vec!["matchLabels".into()],
            inner: Box::new(WalkError::NotACollection),
        };
        assert_eq!(
            e.to_string(),
            "visit traversal on path: [matchLabels]: expected sequence or mapping node"
        );
        let w = SetError::wrong_kind(NodeKind::Scalar, &Value::Seq(vec!["x".into()].into()));
        assert_eq!(
            w.to_string(),
            "wrong node kind: expected ScalarNode but got SequenceNode: node contents:\n- x\n"
        );
    }
}
