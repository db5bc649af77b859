//! JSON 6902 patches with the semantics of the library kustomize uses
//! (evanphx/json-patch, v4), which differ from the RFC in ways visible in
//! kustomize's output:
//!
//! * `replace` of a missing mapping key adds it (only sequences check that
//!   the target exists);
//! * sequence indices may be negative, counting from the end (`add` counts
//!   from the end of the sequence *after* insertion, so `-1` appends);
//! * the first path segment is never looked up: `a/b` means `/b`;
//! * an operation without `value` writes `null`; `copy` from a missing
//!   mapping key writes `null`;
//! * after patching, the whole object has been through Go's JSON decoder,
//!   so integers beyond 2^53 lose precision (see [`JsonPatch::apply`]).
//!
//! The operations are applied directly on [`Value`]: no conversion of the
//! object to another model is needed.

use crate::yaml::Value;
use anyhow::{anyhow, bail, Context, Result};
use std::fmt;
use std::path::Path;

/// A decoded JSON 6902 patch: a list of operations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JsonPatch {
    ops: Vec<Operation>,
}

/// One operation, with its fields as written (checked when applied, as
/// the library checks them).
#[derive(Debug, Clone, PartialEq)]
struct Operation {
    /// `op`, or `unknown` when missing or not a string.
    kind: String,
    path: Field,
    from: Field,
    /// `value`; `None` when the field is absent.
    value: Option<Value>,
}

/// A string field of an operation.
#[derive(Debug, Clone, PartialEq)]
enum Field {
    Missing,
    NotAString,
    Text(String),
}

impl Field {
    fn of(value: Option<&Value>) -> Field {
        match value {
            None | Some(Value::Null) => Field::Missing,
            Some(Value::String(s)) => Field::Text(s.to_string()),
            Some(_) => Field::NotAString,
        }
    }

    fn text(&self, op: &str, name: &str) -> Result<&str> {
        match self {
            Field::Text(s) => Ok(s),
            Field::Missing => bail!("{op} operation failed to decode {name}: missing value"),
            Field::NotAString => bail!("{op} operation failed to decode {name}: not a string"),
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}'", self.kind)?;
        if let Field::Text(p) = &self.path {
            write!(f, " at '{p}'")?;
        }
        Ok(())
    }
}

impl JsonPatch {
    /// Decodes patch text the way kustomize does: text starting with `[` is
    /// JSON; anything else is YAML (read by yaml.v2's rules, first document
    /// only) converted to JSON. `null` (for example a comment-only text)
    /// decodes to an empty patch; anything but a list of mappings is an
    /// error.
    pub fn parse(text: &str) -> Result<JsonPatch> {
        let doc = if text.starts_with('[') {
            let json: serde_json::Value =
                serde_json::from_str(text).map_err(|e| anyhow!("invalid JSON patch: {e}"))?;
            Value::from(&json)
        } else {
            let docs = crate::yaml::parse_documents_lenient(text, Path::new("patch"))
                .map_err(|e| anyhow!("invalid JSON patch: {}", e.message))?;
            docs.into_iter().next().unwrap_or(Value::Null)
        };
        let mut doc = doc;
        doc.forget_text();
        JsonPatch::from_value(&doc)
    }

    /// Decodes an already parsed patch document.
    pub fn from_value(doc: &Value) -> Result<JsonPatch> {
        let items = match doc {
            Value::Null => return Ok(JsonPatch::default()),
            Value::Seq(items) => items,
            other => bail!(
                "cannot unmarshal {} into a JSON patch (a list of operations)",
                json_type(other)
            ),
        };
        let ops = items
            .iter()
            .map(|item| match item {
                Value::Null => Ok(Operation {
                    kind: "unknown".into(),
                    path: Field::Missing,
                    from: Field::Missing,
                    value: None,
                }),
                Value::Map(m) => Ok(Operation {
                    kind: m
                        .get("op")
                        .and_then(Value::as_str)
                        .unwrap_or("unknown")
                        .to_string(),
                    path: Field::of(m.get("path")),
                    from: Field::of(m.get("from")),
                    value: m.get("value").cloned(),
                }),
                other => bail!(
                    "cannot unmarshal {} into a JSON patch operation",
                    json_type(other)
                ),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(JsonPatch { ops })
    }

    /// True when an operation replaces or removes the object's whole
    /// `metadata.annotations` (or what holds it). kustomize keeps a
    /// resource's origin and transformations in annotations while it
    /// builds, so such a patch makes it forget them.
    pub fn replaces_annotations(&self) -> bool {
        let whole = |field: &Field| matches!(field, Field::Text(p) if matches!(p.as_str(), "" | "/metadata" | "/metadata/annotations"));
        self.ops.iter().any(|op| match op.kind.as_str() {
            "add" | "replace" | "remove" | "copy" => whole(&op.path),
            "move" => whole(&op.path) || whole(&op.from),
            _ => false,
        })
    }

    /// True when the patch has no operations.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Number of operations.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Applies every operation in order to `doc` (a resource's top-level
    /// mapping). Stops at the first failing operation; the error names it.
    ///
    /// kustomize decodes the patched object with Go's JSON decoder into
    /// float64 numbers, so integers that a float64 cannot hold exactly come
    /// out rounded; this is reproduced on the whole object.
    pub fn apply(&self, doc: &mut Value) -> Result<()> {
        if !self.ops.is_empty() {
            // The object goes through JSON: written texts are gone.
            doc.forget_text();
        }
        for (i, op) in self.ops.iter().enumerate() {
            apply_one(doc, op).with_context(|| format!("operation {} ({op})", i + 1))?;
        }
        if !self.ops.is_empty() {
            round_integers_through_float64(doc);
        }
        Ok(())
    }
}

fn apply_one(doc: &mut Value, op: &Operation) -> Result<()> {
    match op.kind.as_str() {
        "add" => add(doc, op),
        "remove" => remove(doc, op),
        "replace" => replace(doc, op),
        "move" => move_value(doc, op),
        "copy" => copy(doc, op),
        "test" => test(doc, op),
        other => bail!("Unexpected kind: {other}"),
    }
}

fn add(doc: &mut Value, op: &Operation) -> Result<()> {
    let path = op.path.text("add", "path")?;
    let value = op.value.clone().unwrap_or(Value::Null);
    let (parent, key) = find_parent(doc, path).ok_or_else(|| {
        anyhow!("add operation does not apply: doc is missing path: \"{path}\": missing value")
    })?;
    insert(parent, &key, value).with_context(|| format!("error in add for path: '{path}'"))
}

fn remove(doc: &mut Value, op: &Operation) -> Result<()> {
    let path = op.path.text("remove", "path")?;
    let (parent, key) = find_parent(doc, path).ok_or_else(|| {
        anyhow!("remove operation does not apply: doc is missing path: \"{path}\": missing value")
    })?;
    take(parent, &key)
        .map(drop)
        .with_context(|| format!("error in remove for path: '{path}'"))
}

fn replace(doc: &mut Value, op: &Operation) -> Result<()> {
    let path = op.path.text("replace", "path")?;
    let value = op.value.clone().unwrap_or(Value::Null);
    if path.is_empty() {
        if !matches!(value, Value::Map(_)) {
            bail!("replace operation value must be an object");
        }
        *doc = value;
        return Ok(());
    }
    let (parent, key) = find_parent(doc, path).ok_or_else(|| {
        anyhow!("replace operation does not apply: doc is missing path: {path}: missing value")
    })?;
    // Only sequences check that the element exists: a missing mapping key
    // is simply set.
    let slot = match parent {
        Value::Map(m) => {
            m.insert(key.into(), value);
            return Ok(());
        }
        Value::Seq(items) => {
            let len = items.len();
            existing_index(&key, len).map_err(|e| {
                anyhow!("replace operation does not apply: doc is missing key: {path}: {e}")
            })?
        }
        _ => unreachable!("find_parent returns collections"),
    };
    if let Value::Seq(items) = parent {
        items[slot] = value;
    }
    Ok(())
}

fn move_value(doc: &mut Value, op: &Operation) -> Result<()> {
    let from = op.from.text("move", "from")?;
    let (parent, key) = find_parent(doc, from).ok_or_else(|| {
        anyhow!("move operation does not apply: doc is missing from path: {from}: missing value")
    })?;
    let value = take(parent, &key).with_context(|| format!("error in move for path: '{key}'"))?;
    let path = op.path.text("move", "path")?;
    let (parent, key) = find_parent(doc, path).ok_or_else(|| {
        anyhow!(
            "move operation does not apply: doc is missing destination path: {path}: missing value"
        )
    })?;
    insert(parent, &key, value).with_context(|| format!("error in move for path: '{path}'"))
}

fn copy(doc: &mut Value, op: &Operation) -> Result<()> {
    let from = op.from.text("copy", "from")?;
    let (parent, key) = find_parent(doc, from).ok_or_else(|| {
        anyhow!("copy operation does not apply: doc is missing from path: {from}: missing value")
    })?;
    let value = get(parent, &key)
        .with_context(|| format!("error in copy for from: '{from}'"))?
        .cloned()
        .unwrap_or(Value::Null);
    let path = op.path.text("copy", "path")?;
    let (parent, key) = find_parent(doc, path).ok_or_else(|| {
        anyhow!(
            "copy operation does not apply: doc is missing destination path: {path}: missing value"
        )
    })?;
    insert(parent, &key, value).context("error while adding value during copy")
}

fn test(doc: &mut Value, op: &Operation) -> Result<()> {
    let path = op.path.text("test", "path")?;
    let failed = || anyhow!("testing value {path} failed: test failed");
    let found = if path.is_empty() {
        Some(&*doc)
    } else {
        let (parent, key) = find_parent(doc, path).ok_or_else(|| {
            anyhow!("test operation does not apply: is missing path: {path}: missing value")
        })?;
        get(parent, &key).with_context(|| format!("error in test for path: '{path}'"))?
    };
    match (found, &op.value) {
        (None, Some(Value::Null)) => Ok(()),
        (Some(actual), Some(expected)) if json_equal(actual, expected) => Ok(()),
        _ => Err(failed()),
    }
}

/// The container holding the last segment of `path`, and that segment
/// decoded (`~1` is `/`, `~0` is `~`). The first segment is skipped
/// unlooked-at, as the library does. `None` when a segment on the way is
/// missing or not a collection.
fn find_parent<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let segments: Vec<&str> = path.split('/').collect();
    if segments.len() < 2 {
        return None;
    }
    let (last, middle) = segments[1..].split_last()?;
    let mut node = doc;
    for segment in middle {
        let key = decode_segment(segment);
        node = match node {
            Value::Map(m) => m.get_mut(&key)?,
            Value::Seq(items) => {
                let len = items.len();
                let index = existing_index(&key, len).ok()?;
                &mut items[index]
            }
            _ => return None,
        };
        if !matches!(node, Value::Map(_) | Value::Seq(_)) {
            return None;
        }
    }
    if !matches!(node, Value::Map(_) | Value::Seq(_)) {
        return None;
    }
    Some((node, decode_segment(last)))
}

/// RFC 6901 unescaping, in one pass.
fn decode_segment(segment: &str) -> String {
    if !segment.contains('~') {
        return segment.to_string();
    }
    let mut out = String::with_capacity(segment.len());
    let mut chars = segment.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('1')) => {
                out.push('/');
                chars.next();
            }
            ('~', Some('0')) => {
                out.push('~');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// The element `key` names in a sequence of `len` elements: a Go integer,
/// negative counting from the end.
fn existing_index(key: &str, len: usize) -> Result<usize> {
    let index = parse_go_int(key)
        .ok_or_else(|| anyhow!("strconv.Atoi: parsing \"{key}\": invalid syntax"))?;
    resolve_index(index, len)
        .filter(|&i| i < len)
        .ok_or_else(|| anyhow!("Unable to access invalid index: {index}: invalid index referenced"))
}

/// A possibly negative index into `len` slots.
fn resolve_index(index: i64, len: usize) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let resolved = if index < 0 { index + len } else { index };
    usize::try_from(resolved).ok()
}

fn get<'a>(parent: &'a Value, key: &str) -> Result<Option<&'a Value>> {
    match parent {
        Value::Map(m) => Ok(m.get(key)),
        Value::Seq(items) => Ok(Some(&items[existing_index(key, items.len())?])),
        _ => unreachable!("find_parent returns collections"),
    }
}

fn insert(parent: &mut Value, key: &str, value: Value) -> Result<()> {
    match parent {
        Value::Map(m) => {
            m.insert(key.into(), value);
            Ok(())
        }
        Value::Seq(items) => {
            if key == "-" {
                items.push(value);
                return Ok(());
            }
            let index = parse_go_int(key).ok_or_else(|| {
                anyhow!("value was not a proper array index: '{key}': strconv.Atoi: parsing \"{key}\": invalid syntax")
            })?;
            let slot = resolve_index(index, items.len() + 1)
                .filter(|&i| i <= items.len())
                .ok_or_else(|| {
                    anyhow!("Unable to access invalid index: {index}: invalid index referenced")
                })?;
            items.insert(slot, value);
            Ok(())
        }
        _ => unreachable!("find_parent returns collections"),
    }
}

fn take(parent: &mut Value, key: &str) -> Result<Value> {
    match parent {
        Value::Map(m) => m
            .shift_remove(key)
            .ok_or_else(|| anyhow!("Unable to remove nonexistent key: {key}: missing value")),
        Value::Seq(items) => {
            let index = existing_index(key, items.len())?;
            Ok(items.remove(index))
        }
        _ => unreachable!("find_parent returns collections"),
    }
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits.
fn parse_go_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Equality as the library's `test` sees it: structural, numbers by value.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => match (as_f64(a), as_f64(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::UInt(u) => Some(*u as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Integers a float64 cannot represent exactly become the float64 Go's
/// decoder would read; smaller ones are unchanged.
fn round_integers_through_float64(v: &mut Value) {
    const EXACT: u64 = 1 << 53;
    match v {
        Value::Int(i) if i.unsigned_abs() > EXACT => *v = Value::Float(*i as f64),
        Value::UInt(u) if *u > EXACT => *v = Value::Float(*u as f64),
        Value::Seq(items) => items.iter_mut().for_each(round_integers_through_float64),
        Value::Map(m) => m.values_mut().for_each(round_integers_through_float64),
        _ => {}
    }
}

fn json_type(v: &Value) -> &'static str {
    match v.resolved() {
        Value::Text(t) => json_type(&t.value),
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::UInt(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}

#[cfg(test)]
#[path = "json6902_tests.rs"]
mod tests;
