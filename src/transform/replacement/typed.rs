//! Writing a replacement value into a target node with kustomize's typing:
//! a scalar target keeps its type and takes the value's text (so `"5"`
//! written over `replicas: 1` is the integer 5, and 5 written over a string
//! is the string `"5"`), a collection target is replaced by the value, and
//! a created scalar is typed by its text.

use super::config::FieldOptions;
use super::path::Found;
use crate::yaml::resolve::{resolve_scalar, untyped_scalar, Schema, TagKind};
use crate::yaml::{Scalar, Value};
use anyhow::{anyhow, bail, Result};
use std::borrow::Cow;

/// A scalar kustomize creates with no tag: typed by its text when printed,
/// and remembered as untagged (a later write into it is typed by text too,
/// and a later strategic merge makes it a string).
fn untagged_scalar(text: &str) -> Value {
    match untyped_scalar(text).into_resolved() {
        Value::String(s) => Value::String(s),
        value => Scalar::untagged(text, value),
    }
}

/// The tag a scalar value carries.
fn tag_of(v: &Value) -> TagKind {
    match v {
        Value::String(_) => TagKind::Str,
        Value::Int(_) | Value::UInt(_) => TagKind::Int,
        Value::Float(_) => TagKind::Float,
        Value::Bool(_) => TagKind::Bool,
        Value::Null => TagKind::Null,
        Value::Seq(_) | Value::Map(_) => TagKind::Other,
        Value::Text(t) if t.untagged => TagKind::Untagged,
        Value::Text(t) => tag_of(&t.value),
    }
}

/// A node's text as YAML holds it: scalars in their canonical form, empty
/// for null and collections.
fn text_of(v: &Value) -> String {
    v.scalar_text().unwrap_or_default()
}

/// Text under a tag, as the tagged scalar decodes; kustomize fails when
/// printing such a node, with this message.
fn retyped(text: String, tag: TagKind) -> Result<Value> {
    resolve_scalar(Cow::Owned(text), false, tag, Schema::V3)
        .map_err(|e| anyhow!("map[string]interface {{}}(nil): yaml: {}", e.0))
}

/// The part of a source value a source's `options` select: with a
/// delimiter, one piece of its text, keeping the source's type.
pub fn refine_source(value: &Value, options: Option<&FieldOptions>) -> Result<Value> {
    let Some(options) = options.filter(|o| !o.delimiter.is_empty()) else {
        return Ok(value.clone());
    };
    if !value.is_scalar() {
        bail!("delimiter option can only be used with scalar nodes");
    }
    let text = text_of(value);
    let pieces: Vec<&str> = text.split(options.delimiter.as_str()).collect();
    let piece = usize::try_from(options.index)
        .ok()
        .and_then(|i| pieces.get(i))
        .ok_or_else(|| {
            anyhow!(
                "options.index {} is out of bounds for value {text}",
                options.index
            )
        })?;
    Ok(
        resolve_scalar(Cow::Borrowed(piece), false, tag_of(value), Schema::V3)
            .unwrap_or_else(|_| Value::String((*piece).into())),
    )
}

/// Writes `value` into the target node `target` (`found` tells whether the
/// walk created it), splicing with the target's options.
pub fn set_field(
    target: &mut Value,
    found: Found,
    value: &Value,
    options: Option<&FieldOptions>,
) -> Result<()> {
    let created_scalar = found == Found::Created && target.is_null();
    let spliced = match options.filter(|o| !o.delimiter.is_empty()) {
        Some(options) => {
            if !target.is_scalar() {
                bail!("delimiter option can only be used with scalar nodes");
            }
            let current = if created_scalar {
                String::new()
            } else {
                text_of(target)
            };
            Some(splice(&current, &text_of(value), options))
        }
        None => None,
    };
    if created_scalar {
        let text = spliced.unwrap_or_else(|| text_of(value));
        *target = if value.is_scalar() {
            untagged_scalar(&text)
        } else {
            value.clone()
        };
        return Ok(());
    }
    if target.is_scalar() {
        let text = spliced.unwrap_or_else(|| text_of(value));
        *target = match tag_of(target) {
            TagKind::Untagged => untagged_scalar(&text),
            tag => retyped(text, tag)?,
        };
    } else {
        *target = value.clone();
    }
    Ok(())
}

/// The target's text with the value put at `options.index` among its
/// delimited parts: before them for a negative index, after them past the
/// end.
fn splice(current: &str, value: &str, options: &FieldOptions) -> String {
    let delimiter = options.delimiter.as_str();
    let mut parts: Vec<&str> = current.split(delimiter).collect();
    match usize::try_from(options.index) {
        Err(_) => parts.insert(0, value),
        Ok(i) if i >= parts.len() => parts.push(value),
        Ok(i) => parts[i] = value,
    }
    parts.join(delimiter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(
        target: serde_json::Value,
        found: Found,
        value: serde_json::Value,
    ) -> Result<serde_json::Value> {
        let mut t = Value::from(&target);
        set_field(&mut t, found, &Value::from(&value), None)?;
        Ok((&t).into())
    }

    #[test]
    fn scalar_targets_keep_their_type() {
        assert_eq!(
            set(json!(1), Found::Existing, json!("5")).unwrap(),
            json!(5)
        );
        assert_eq!(
            set(json!("a"), Found::Existing, json!(7)).unwrap(),
            json!("7")
        );
        let err = set(json!(1), Found::Existing, json!("hello")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "map[string]interface {}(nil): yaml: cannot decode !!str `hello` as a !!int"
        );
        assert!(set(json!(null), Found::Existing, json!("5")).is_err());
    }

    #[test]
    fn collections_are_replaced_and_created_scalars_typed_by_text() {
        assert_eq!(
            set(json!({"a": 1}), Found::Existing, json!("5")).unwrap(),
            json!("5")
        );
        assert_eq!(
            set(json!(null), Found::Created, json!("5")).unwrap(),
            json!(5)
        );
        assert_eq!(
            set(json!(null), Found::Created, json!([1])).unwrap(),
            json!([1])
        );
    }

    #[test]
    fn delimiters_split_sources_and_splice_targets() {
        let opts = FieldOptions {
            delimiter: ".".into(),
            index: 1,
            ..FieldOptions::default()
        };
        let v = refine_source(&Value::from("a.b.c"), Some(&opts)).unwrap();
        assert_eq!(v, Value::from("b"));
        assert!(refine_source(&Value::from("a"), Some(&opts)).is_err());
        let mut t = Value::from("x.y.z");
        set_field(&mut t, Found::Existing, &Value::from("Q"), Some(&opts)).unwrap();
        assert_eq!(t, Value::from("x.Q.z"));
        let prepend = FieldOptions {
            index: -1,
            ..opts.clone()
        };
        set_field(&mut t, Found::Existing, &Value::from("P"), Some(&prepend)).unwrap();
        assert_eq!(t, Value::from("P.x.Q.z"));
    }
}
