//! Decoding plugin configs with Go's field-name matching.
//!
//! kustomize reads a builtin plugin's config with Go's `encoding/json`,
//! which matches an object key to a struct field by exact name first and
//! then case-insensitively: `Digest:` fills `digest`, `NewTag:` fills
//! `newTag`. serde matches exactly, so [`Folded`] wraps the JSON value and
//! renames the keys of every object decoded into a struct to the field
//! names the struct declares before serde sees them.

use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{IntoDeserializer, Visitor};
use serde::{forward_to_deserialize_any, Deserializer};
use serde_json::{Map, Value};

/// A JSON value deserialized with Go's case-insensitive field matching.
pub struct Folded(pub Value);

/// Decodes `json` into `T`, matching field names as Go does.
pub fn decode<T: serde::de::DeserializeOwned>(json: Value) -> serde_json::Result<T> {
    T::deserialize(Folded(json))
}

/// The declared field `key` stands for: itself when declared, else the
/// first declared field equal to it ignoring case, else itself.
pub(crate) fn field_for<'a>(key: &'a str, fields: &'static [&'static str]) -> &'a str {
    if fields.contains(&key) {
        return key;
    }
    fields
        .iter()
        .find(|f| f.eq_ignore_ascii_case(key) || f.to_lowercase() == key.to_lowercase())
        .copied()
        .unwrap_or(key)
}

/// Renames `map`'s keys to declared field names. When two keys name the
/// same field the later one wins, as Go's decoder overwrites the field.
fn fold_keys(map: Map<String, Value>, fields: &'static [&'static str]) -> Vec<(String, Folded)> {
    let mut out: Vec<(String, Folded)> = Vec::with_capacity(map.len());
    for (key, value) in map {
        let name = field_for(&key, fields).to_string();
        out.retain(|(k, _)| *k != name);
        out.push((name, Folded(value)));
    }
    out
}

impl<'de> IntoDeserializer<'de, serde_json::Error> for Folded {
    type Deserializer = Folded;

    fn into_deserializer(self) -> Folded {
        self
    }
}

fn visit_entries<'de, V: Visitor<'de>>(
    entries: Vec<(String, Folded)>,
    visitor: V,
) -> serde_json::Result<V::Value> {
    let mut map = MapDeserializer::new(entries.into_iter());
    let value = visitor.visit_map(&mut map)?;
    map.end()?;
    Ok(value)
}

impl<'de> Deserializer<'de> for Folded {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> serde_json::Result<V::Value> {
        match self.0 {
            Value::Array(items) => {
                let mut seq = SeqDeserializer::new(items.into_iter().map(Folded));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Value::Object(map) => visit_entries(
                map.into_iter().map(|(k, v)| (k, Folded(v))).collect(),
                visitor,
            ),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> serde_json::Result<V::Value> {
        match self.0 {
            Value::Object(map) => visit_entries(fold_keys(map, fields), visitor),
            other => other.deserialize_struct(name, fields, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> serde_json::Result<V::Value> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(Folded(other)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> serde_json::Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> serde_json::Result<V::Value> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> serde_json::Result<V::Value> {
        self.0.deserialize_bool(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> serde_json::Result<V::Value> {
        self.0.deserialize_i64(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> serde_json::Result<V::Value> {
        self.0.deserialize_u64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> serde_json::Result<V::Value> {
        self.0.deserialize_f64(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> serde_json::Result<V::Value> {
        self.0.deserialize_str(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> serde_json::Result<V::Value> {
        self.0.deserialize_string(visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> serde_json::Result<V::Value> {
        self.0.deserialize_unit(visitor)
    }

    forward_to_deserialize_any! {
        i8 i16 i32 i128 u8 u16 u32 u128 f32 char bytes byte_buf unit_struct seq tuple
        tuple_struct map identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::decode;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Inner {
        #[serde(default)]
        new_tag: String,
        #[serde(default)]
        digest: String,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    struct Outer {
        #[serde(default)]
        inner: Option<Inner>,
        #[serde(default)]
        list: Vec<Inner>,
    }

    #[test]
    fn matches_field_names_ignoring_case_at_every_depth() {
        let got: Outer = decode(json!({
            "Inner": {"NEWTAG": "1", "Digest": "d"},
            "LIST": [{"newtag": "2"}],
        }))
        .unwrap();
        assert_eq!(got.inner.unwrap().digest, "d");
        assert_eq!(got.list[0].new_tag, "2");
    }

    #[test]
    fn exact_names_first_and_later_keys_win() {
        let got: Inner = decode(json!({"newTag": "exact", "Digest": "a", "digest": "b"})).unwrap();
        assert_eq!(got.new_tag, "exact");
        assert_eq!(got.digest, "b");
    }
}
