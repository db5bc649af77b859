//! The in-memory value model for resources.
//!
//! kustomize routes every resource through JSON before printing it, so the
//! value model that decides the printed bytes is JSON's: null, booleans,
//! 64-bit integers, floats, strings, sequences and string-keyed mappings.
//! Input scalars are resolved into this model at parse time, by yaml.v3's
//! rules (see [`crate::yaml::resolve`]).
//!
//! kustomize itself keeps each scalar as written until it prints, and a few
//! of its steps read that text or style: annotation values are written back
//! as their text, a patch value takes the quoting of the field it replaces,
//! a `configMapGenerator` merge and replacements copy text. So the model
//! keeps what those steps need, at no cost where it is not needed:
//!
//! * a non-string scalar whose text is not the canonical print of its value
//!   (`0x1F`, `1.0`, `~`, `True`, a date) is a boxed [`Value::Text`] holding
//!   the text and the resolved value; code that works on types reads
//!   [`Value::resolved`], code that reads text [`Value::scalar_text`];
//! * a mapping remembers which of its fields hold strings written in quotes
//!   ([`Mapping::is_quoted`]).
//!
//! Real trees almost never spell a number or a boolean other than
//! canonically, so nearly every scalar is an unboxed value as before.

pub use crate::yaml::mapping::Mapping;
use crate::yaml::Key;

/// Text in the value model: mapping keys and string scalars.
///
/// Most keys and scalars of Kubernetes objects are short (`name`, `app`,
/// `v1`, `Deployment`), so text up to 24 bytes is stored inline, without a
/// heap block of its own; that alone halves the memory a parsed tree takes.
/// It dereferences to `str`, so reading code treats it as any string.
pub type Str = compact_str::CompactString;

/// A sequence's items. One pointer wide (length and capacity live in the
/// heap block), which together with [`Str`] keeps [`Value`] at 24 bytes.
pub type Seq = thin_vec::ThinVec<Value>;

/// One step of a path into a document: a mapping key or a list position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// A field of a mapping.
    Key(String),
    /// An element of a sequence.
    Index(usize),
}

/// The path of a mapping field written with no value at all (`key:`), a
/// "bare" null. The value model cannot tell it from `key: null`, but
/// kustomize's strategic merge does: it drops bare nulls from the target it
/// walks and keeps spelled-out ones.
pub type BareNullPath = Vec<PathStep>;

/// One YAML/JSON value after yaml.v3 resolution.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// `null`, `~`, or an empty scalar.
    #[default]
    Null,
    /// `true` / `false` (yaml.v3 accepts only these spellings, any case form of
    /// `true`/`True`/`TRUE`).
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// A non-negative integer above `i64::MAX` that still fits in `u64`.
    UInt(u64),
    /// A floating point number (never NaN or infinite: those are errors).
    Float(f64),
    /// A string.
    String(Str),
    /// A sequence.
    Seq(Seq),
    /// A mapping with string keys.
    Map(Mapping),
    /// A scalar whose written text is not the canonical print of its value
    /// (`0x1F`, `1.0`, `~`, `True`, a timestamp): kustomize keeps the text
    /// and some of its steps read it. Rare in real trees, so boxed.
    Text(Box<Scalar>),
}

/// A scalar as written, with the value it resolves to.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The scalar's text, as kustomize's nodes hold it.
    pub text: Str,
    /// What the text resolves to (never a collection nor [`Value::Text`]).
    pub value: Value,
    /// True for a scalar kustomize made with no tag (a replacement creating
    /// a field): it prints by its text, and a later strategic-merge patch
    /// of the resource turns it into a string.
    pub untagged: bool,
}

impl Scalar {
    /// Wraps `value` with its written `text`, or returns `value` alone when
    /// the text is what the value prints as anyway (nearly always).
    pub fn keep(text: &str, value: Value) -> Value {
        if is_canonical(text, &value) {
            value
        } else {
            Value::Text(Box::new(Scalar {
                text: text.into(),
                value,
                untagged: false,
            }))
        }
    }

    /// An empty null (`key:`) whose empty text is kept, for the places that
    /// read it as text.
    pub fn keep_empty_null() -> Value {
        Value::Text(Box::new(Scalar {
            text: Str::default(),
            value: Value::Null,
            untagged: false,
        }))
    }

    /// A scalar made with no tag: typed by its text when printed, and
    /// remembered as such (see [`Scalar::untagged`]).
    pub fn untagged(text: &str, value: Value) -> Value {
        Value::Text(Box::new(Scalar {
            text: text.into(),
            value,
            untagged: true,
        }))
    }
}

/// True when `text` is how `value` reads back as text anyway, so keeping
/// it adds nothing. Checked without allocating for the common kinds.
fn is_canonical(text: &str, value: &Value) -> bool {
    match value {
        // An empty null (`key:`) is left alone: its text is never read as
        // such, and bare nulls are tracked by path where they matter.
        Value::Null => text == "null" || text.is_empty(),
        Value::Bool(b) => text == if *b { "true" } else { "false" },
        Value::Int(_) | Value::UInt(_) => is_canonical_integer(text),
        Value::Float(f) => text == crate::yaml::float::format_go_g(*f),
        Value::String(s) => text == s.as_str(),
        Value::Seq(_) | Value::Map(_) | Value::Text(_) => true,
    }
}

/// Decimal digits, an optional leading `-`, no leading zero (and not `-0`).
fn is_canonical_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let bytes = digits.as_bytes();
    !bytes.is_empty()
        && bytes.iter().all(u8::is_ascii_digit)
        && (bytes[0] != b'0' || (bytes.len() == 1 && digits.len() == text.len()))
}

impl Value {
    /// The value a kept scalar resolves to; any other value is itself.
    /// Code that works on types (numbers, booleans, null) reads this.
    pub fn resolved(&self) -> &Value {
        match self {
            Value::Text(t) => &t.value,
            v => v,
        }
    }

    /// Drops the written text of a kept scalar, leaving its value.
    pub fn into_resolved(self) -> Value {
        match self {
            Value::Text(t) => t.value,
            v => v,
        }
    }

    /// What a trip through JSON leaves (kustomize's JSON patches take one):
    /// kept scalars become their values, and a field is in quotes exactly
    /// when yaml.v3 would quote its string
    /// (`crate::yaml::resolve::emitted_in_quotes`).
    pub fn forget_text(&mut self) {
        match self {
            Value::Text(t) => *self = std::mem::take(&mut t.value),
            Value::Seq(items) => items.iter_mut().for_each(Value::forget_text),
            Value::Map(map) => {
                let mut quoted = Vec::new();
                for (key, value) in map.iter_mut() {
                    value.forget_text();
                    if let Value::String(s) = value {
                        quoted.push((Key::new(key), crate::yaml::resolve::emitted_in_quotes(s)));
                    }
                }
                let stale: Vec<Key> = map.quoted_keys().1.collect();
                stale.into_iter().for_each(|k| map.set_quoted(k, false));
                quoted.into_iter().for_each(|(k, q)| map.set_quoted(k, q));
            }
            _ => {}
        }
    }

    /// Turns every scalar made with no tag into the string of its text: what
    /// kustomize's strategic merge leaves of such nodes.
    pub fn settle_untagged(&mut self) {
        match self {
            Value::Text(t) if t.untagged => *self = Value::String(std::mem::take(&mut t.text)),
            Value::Seq(items) => items.iter_mut().for_each(Value::settle_untagged),
            Value::Map(map) => map.values_mut().for_each(Value::settle_untagged),
            _ => {}
        }
    }

    /// An empty mapping.
    pub fn new_map() -> Value {
        Value::Map(Mapping::new())
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self.resolved() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The mapping inside, if this is a mapping.
    pub fn as_map(&self) -> Option<&Mapping> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The mapping inside, mutably, if this is a mapping.
    pub fn as_map_mut(&mut self) -> Option<&mut Mapping> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The sequence inside, if this is a sequence.
    pub fn as_seq(&self) -> Option<&Seq> {
        match self {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The sequence inside, mutably, if this is a sequence.
    pub fn as_seq_mut(&mut self) -> Option<&mut Seq> {
        match self {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self.resolved(), Value::Null)
    }

    /// True for scalars (anything but a mapping or a sequence).
    pub fn is_scalar(&self) -> bool {
        !matches!(self, Value::Map(_) | Value::Seq(_))
    }

    /// Looks up `key` if this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// Looks up `key` mutably if this is a mapping.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.as_map_mut().and_then(|m| m.get_mut(key))
    }

    /// Follows a path of mapping keys.
    pub fn get_path(&self, path: &[&str]) -> Option<&Value> {
        path.iter().try_fold(self, |v, k| v.get(k))
    }

    /// Follows a path of mapping keys, mutably.
    pub fn get_path_mut(&mut self, path: &[&str]) -> Option<&mut Value> {
        path.iter().try_fold(self, |v, k| v.get_mut(k))
    }

    /// The string at a path of mapping keys, if there is one.
    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        self.get_path(path).and_then(Value::as_str)
    }

    /// The scalar's text as kustomize would read it with `RNode.YNode().Value`:
    /// strings as they are, kept scalars as written, numbers and booleans in
    /// their canonical form, `None` for null (`~` too) and collections.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Value::Text(t) if t.value.is_null() => None,
            Value::Text(t) => Some(t.text.to_string()),
            Value::String(s) => Some(s.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::UInt(u) => Some(u.to_string()),
            Value::Float(f) => Some(crate::yaml::float::format_go_g(*f)),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    /// A short name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self.resolved() {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::UInt(_) => "integer",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Seq(_) => "sequence",
            Value::Map(_) => "mapping",
            Value::Text(_) => "scalar",
        }
    }

    /// Returns the mapping at `key`, creating it (or replacing a null) when it
    /// is missing. Returns `None` when something other than a mapping or null
    /// is already there, or when `self` is not a mapping.
    pub fn ensure_map(&mut self, key: &str) -> Option<&mut Mapping> {
        let map = self.as_map_mut()?;
        let slot = map.entry(key.into()).or_insert_with(Value::new_map);
        if slot.is_null() {
            *slot = Value::new_map();
        }
        slot.as_map_mut()
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s.into())
    }
}

impl From<Str> for Value {
    fn from(s: Str) -> Self {
        Value::String(s)
    }
}

impl From<Mapping> for Value {
    fn from(m: Mapping) -> Self {
        Value::Map(m)
    }
}

impl From<Vec<Value>> for Value {
    fn from(s: Vec<Value>) -> Self {
        Value::Seq(s.into())
    }
}

impl From<Seq> for Value {
    fn from(s: Seq) -> Self {
        Value::Seq(s)
    }
}

/// Converts to `serde_json::Value`, for deserialising configuration
/// (kustomization files, plugin configs) with serde. Resources never take
/// this path.
impl From<&Value> for serde_json::Value {
    fn from(v: &Value) -> Self {
        match v.resolved() {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::UInt(u) => serde_json::Value::from(*u),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Seq(items) => serde_json::Value::Array(items.iter().map(Into::into).collect()),
            Value::Map(m) => serde_json::Value::Object(
                m.iter().map(|(k, v)| (k.to_string(), v.into())).collect(),
            ),
            Value::Text(t) => (&t.value).into(),
        }
    }
}

/// Converts back from `serde_json::Value`, for values built by serde
/// (for example a kustomization written by `krust edit`).
impl From<&serde_json::Value> for Value {
    fn from(v: &serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::Int(i)
                } else if let Some(u) = n.as_u64() {
                    Value::UInt(u)
                } else {
                    Value::Float(n.as_f64().unwrap_or(0.0))
                }
            }
            serde_json::Value::String(s) => Value::String(s.into()),
            serde_json::Value::Array(items) => Value::Seq(items.iter().map(Into::into).collect()),
            serde_json::Value::Object(m) => {
                Value::Map(m.iter().map(|(k, v)| (k.clone(), v.into())).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_lookup_and_ensure_map() {
        let mut v = Value::new_map();
        v.ensure_map("metadata")
            .unwrap()
            .insert("name".into(), "x".into());
        assert_eq!(v.str_at(&["metadata", "name"]), Some("x"));
        assert_eq!(v.str_at(&["metadata", "namespace"]), None);
        let mut s = Value::String("a".into());
        assert!(s.ensure_map("k").is_none());
    }

    #[test]
    fn value_stays_small() {
        // Every node of every resource is a Value: its size is most of the
        // build's memory.
        eprintln!(
            "Value: {} bytes, Mapping: {} bytes",
            std::mem::size_of::<Value>(),
            std::mem::size_of::<Mapping>()
        );
        assert!(std::mem::size_of::<Value>() <= 24);
    }

    #[test]
    fn only_non_canonical_spellings_keep_their_text() {
        for (text, value) in [
            ("5", Value::Int(5)),
            ("-5", Value::Int(-5)),
            ("0", Value::Int(0)),
            ("true", Value::Bool(true)),
            ("null", Value::Null),
            ("", Value::Null),
            ("1.5", Value::Float(1.5)),
        ] {
            assert!(
                !matches!(Scalar::keep(text, value), Value::Text(_)),
                "{text}"
            );
        }
        for (text, value) in [
            ("0123", Value::Int(83)),
            ("0x1F", Value::Int(31)),
            ("-0", Value::Int(0)),
            ("+5", Value::Int(5)),
            ("True", Value::Bool(true)),
            ("~", Value::Null),
            ("1.0", Value::Float(1.0)),
        ] {
            let kept = Scalar::keep(text, value.clone());
            assert_eq!(kept.resolved(), &value, "{text}");
            assert_eq!(
                kept.scalar_text().as_deref(),
                value.scalar_text().map(|_| text)
            );
        }
    }

    #[test]
    fn untagged_scalars_settle_into_strings_and_json_drops_texts() {
        let mut m = Mapping::new();
        m.insert("u".into(), Scalar::untagged("16.2", Value::Float(16.2)));
        m.insert("k".into(), Scalar::keep("0x1F", Value::Int(31)));
        let mut v = Value::Map(m);
        let mut json = v.clone();
        v.settle_untagged();
        assert_eq!(v.get("u"), Some(&Value::from("16.2")));
        assert!(matches!(v.get("k"), Some(Value::Text(_))));
        json.forget_text();
        assert_eq!(json.get("u"), Some(&Value::Float(16.2)));
        assert_eq!(json.get("k"), Some(&Value::Int(31)));
    }

    #[test]
    fn json_round_trip_keeps_types() {
        let mut m = Mapping::new();
        m.insert("i".into(), Value::Int(-3));
        m.insert("u".into(), Value::UInt(u64::MAX));
        m.insert("f".into(), Value::Float(1.5));
        m.insert("s".into(), "x".into());
        let v = Value::Map(m);
        let j: serde_json::Value = (&v).into();
        assert_eq!(Value::from(&j), v);
    }
}
