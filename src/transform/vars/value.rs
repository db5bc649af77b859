//! Reading a var's value from its object, typed as kustomize types it.
//!
//! The field path is dot-separated, with kyaml's list forms: `ports[0]` (an
//! index written after the field), `ports.0`, `ports.[name=http]`, `-` for
//! the last element. Scalars keep their type (string, integer, float,
//! boolean); a mapping or sequence is a value too, but one that cannot be
//! substituted, so references to it are left as written.

use crate::transform::replacement::path::{lookup, split_path};
use crate::yaml::Value;

/// A var's value.
#[derive(Debug, Clone, PartialEq)]
pub enum VarValue {
    /// A string (also what a null reads as).
    Str(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A mapping or sequence: declared, but never substituted.
    Structured,
}

impl VarValue {
    /// The value as a field: typed, as kustomize writes a whole-field
    /// replacement. `None` for a structured value.
    pub fn to_field(&self) -> Option<Value> {
        Some(match self {
            VarValue::Str(s) => Value::String(s.as_str().into()),
            VarValue::Int(i) => Value::Int(*i),
            VarValue::Float(f) => Value::Float(*f),
            VarValue::Bool(b) => Value::Bool(*b),
            VarValue::Structured => return None,
        })
    }

    /// Appends the value as text inside a longer string (Go's `%v`: floats
    /// in their shortest `%g` form). Returns false for a structured value.
    pub fn write_text(&self, out: &mut String) -> bool {
        match self {
            VarValue::Str(s) => out.push_str(s),
            VarValue::Int(i) => out.push_str(&i.to_string()),
            VarValue::Float(f) => crate::yaml::float::write_go_g(*f, out),
            VarValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            VarValue::Structured => return false,
        }
        true
    }
}

/// Reads the field at `field_path` in `object`; `None` when it is missing
/// or the path does not fit the object (kustomize reports both alike).
pub fn read_field(object: &Value, field_path: &str) -> Option<VarValue> {
    let parts = index_suffixes_split(split_path(field_path, "."));
    let node = lookup(object, &parts).ok()??;
    typed(node)
}

/// `name[3]` becomes `name` then `3`, and a bare `[3]` becomes `3`.
fn index_suffixes_split(parts: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        match split_index_suffix(&part) {
            Some((field, index)) => {
                if !field.is_empty() {
                    out.push(field.to_string());
                }
                out.push(index.to_string());
            }
            None => out.push(part),
        }
    }
    out
}

/// `(field, digits)` for a part ending in `[digits]`.
fn split_index_suffix(part: &str) -> Option<(&str, &str)> {
    let inner = part.strip_suffix(']')?;
    let open = inner.rfind('[')?;
    let digits = &inner[open + 1..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((&inner[..open], digits))
}

/// The typed value of a node. Integers must fit Go's `int`, floats must be
/// finite (their YAML spellings of infinity do not parse back), and a null
/// reads as its text.
fn typed(node: &Value) -> Option<VarValue> {
    Some(match node.resolved() {
        Value::Text(t) => return typed(&t.value),
        Value::String(s) => VarValue::Str(s.to_string()),
        Value::Int(i) => VarValue::Int(*i),
        Value::UInt(u) => VarValue::Int(i64::try_from(*u).ok()?),
        Value::Float(f) if f.is_finite() => VarValue::Float(*f),
        Value::Float(_) => return None,
        Value::Bool(b) => VarValue::Bool(*b),
        Value::Null => VarValue::Str("null".to_string()),
        Value::Seq(_) | Value::Map(_) => VarValue::Structured,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object() -> Value {
        Value::from(&serde_json::json!({
            "metadata": {"name": "svc", "labels": {"a.b": "dotted"}},
            "spec": {
                "ports": [{"name": "http", "port": 8080}, {"name": "tls", "port": 443}],
                "ratio": 1.5, "on": true, "gone": null, "big": u64::MAX,
            }
        }))
    }

    #[test]
    fn reads_typed_scalars() {
        let o = object();
        let read = |p: &str| read_field(&o, p);
        assert_eq!(read("metadata.name"), Some(VarValue::Str("svc".into())));
        assert_eq!(read("spec.ports[1].port"), Some(VarValue::Int(443)));
        assert_eq!(read("spec.ports.0.port"), Some(VarValue::Int(8080)));
        assert_eq!(read("spec.ports.[name=tls].port"), Some(VarValue::Int(443)));
        assert_eq!(read("spec.ratio"), Some(VarValue::Float(1.5)));
        assert_eq!(read("spec.on"), Some(VarValue::Bool(true)));
        assert_eq!(read("spec.gone"), Some(VarValue::Str("null".into())));
        assert_eq!(read("spec.ports"), Some(VarValue::Structured));
        assert_eq!(
            read("metadata.labels.[a.b]"),
            Some(VarValue::Str("dotted".into()))
        );
    }

    #[test]
    fn missing_or_unfit_paths_read_nothing() {
        let o = object();
        assert_eq!(read_field(&o, "spec.nope"), None);
        assert_eq!(read_field(&o, "spec.ports[5].port"), None);
        assert_eq!(read_field(&o, "metadata.name.x"), None);
        assert_eq!(read_field(&o, "spec.big"), None);
    }

    #[test]
    fn text_forms() {
        let text = |v: VarValue| {
            let mut s = String::new();
            v.write_text(&mut s).then_some(s)
        };
        assert_eq!(text(VarValue::Float(1e20)).as_deref(), Some("1e+20"));
        assert_eq!(text(VarValue::Float(1.5)).as_deref(), Some("1.5"));
        assert_eq!(text(VarValue::Int(-3)).as_deref(), Some("-3"));
        assert_eq!(text(VarValue::Bool(false)).as_deref(), Some("false"));
        assert_eq!(text(VarValue::Structured), None);
    }
}
