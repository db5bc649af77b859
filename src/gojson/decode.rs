//! Decoding configuration documents into typed structures the way Go's
//! `encoding/json` decodes them into kustomize's types, while keeping track
//! of where a failure happened.
//!
//! kustomize turns a kustomization into JSON and decodes it with unknown
//! fields disallowed. Go's decoder is stricter than serde's in some places
//! and more lenient in others, and the build must fail exactly where
//! kustomize fails, so this deserializer follows Go:
//!
//! * `null` leaves a value at its zero value (empty string, `false`, `0`,
//!   empty list or mapping), in any position, not only for struct fields;
//! * a number given for an integer field is accepted when it is integral
//!   and in range, even when it was written as a float (`2.0`, `1e3`):
//!   Go's encoder writes those as plain integers before decoding;
//! * a structure is only ever read from a mapping (serde would accept a
//!   list of its fields in order), and a key names a field by its exact
//!   name or else ignoring ASCII case;
//! * no other conversion: a number is not a string, a string is not a
//!   boolean.
//!
//! Every error carries the field path that led to it (`images[0].newTag`)
//! and what was expected in plain words; see [`DecodeError`].

use super::decode_error::{DecodeError, Expected, Found, Segment};
use serde::de::value::StrDeserializer;
use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};
use serde_json::Value as J;

/// Decodes `value` into `T` with Go's rules (see the module docs).
pub fn decode<T: DeserializeOwned>(value: &J) -> Result<T, DecodeError> {
    T::deserialize(ValueDe(value))
}

/// A deserializer over one JSON value.
struct ValueDe<'a>(&'a J);

impl ValueDe<'_> {
    fn mismatch(&self, expected: Expected) -> DecodeError {
        DecodeError::invalid_type(Found::of(self.0), expected)
    }

    /// The value as a Go `int64` would accept it.
    fn integer(&self) -> Result<i64, DecodeError> {
        match self.0 {
            J::Null => Ok(0),
            J::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().and_then(integral_i64))
                .ok_or_else(|| DecodeError::out_of_range(self.0, Expected::Integer)),
            _ => Err(self.mismatch(Expected::Integer)),
        }
    }

    /// The value as a Go `uint64` would accept it.
    fn unsigned(&self) -> Result<u64, DecodeError> {
        match self.0 {
            J::Null => Ok(0),
            J::Number(n) => n
                .as_u64()
                .or_else(|| n.as_f64().and_then(integral_u64))
                .ok_or_else(|| DecodeError::out_of_range(self.0, Expected::UnsignedInteger)),
            _ => Err(self.mismatch(Expected::UnsignedInteger)),
        }
    }
}

/// A float Go would write as an integer that fits an `int64`.
fn integral_i64(f: f64) -> Option<i64> {
    // -2^63 is exact as a float; 2^63 is the first value out of range.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f)).then_some(f as i64)
}

/// A float Go would write as an integer that fits a `uint64`.
fn integral_u64(f: f64) -> Option<u64> {
    const LIMIT: f64 = 18_446_744_073_709_551_616.0;
    (f.fract() == 0.0 && (0.0..LIMIT).contains(&f)).then_some(f as u64)
}

macro_rules! signed {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            visitor.visit_i64(self.integer()?)
        }
    )*};
}

macro_rules! unsigned {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            visitor.visit_u64(self.unsigned()?)
        }
    )*};
}

impl<'de> Deserializer<'de> for ValueDe<'_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            J::Null => visitor.visit_unit(),
            J::Bool(b) => visitor.visit_bool(*b),
            J::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => visitor.visit_u64(u),
                (_, Some(i)) => visitor.visit_i64(i),
                _ => visitor.visit_f64(n.as_f64().unwrap_or_default()),
            },
            J::String(s) => visitor.visit_str(s),
            J::Array(items) => visitor.visit_seq(SeqDe::new(items)),
            J::Object(_) => self.deserialize_map(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            J::Null => visitor.visit_bool(false),
            J::Bool(b) => visitor.visit_bool(*b),
            _ => Err(self.mismatch(Expected::Boolean)),
        }
    }

    signed!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128);
    unsigned!(deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            J::Null => visitor.visit_f64(0.0),
            J::Number(n) => visitor.visit_f64(n.as_f64().unwrap_or_default()),
            _ => Err(self.mismatch(Expected::Number)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            J::Null => visitor.visit_str(""),
            J::String(s) => visitor.visit_str(s),
            _ => Err(self.mismatch(Expected::String)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            J::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            J::Null => visitor.visit_unit(),
            _ => Err(self.mismatch(Expected::Null)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            J::Null => visitor.visit_seq(SeqDe::new(&[])),
            J::Array(items) => visitor.visit_seq(SeqDe::new(items)),
            _ => Err(self.mismatch(Expected::List)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            J::Null => visitor.visit_map(MapDe::new(Vec::new())),
            J::Object(map) => {
                let entries = map.iter().map(|(k, v)| (k.as_str(), v)).collect();
                visitor.visit_map(MapDe::new(entries))
            }
            _ => Err(self.mismatch(Expected::Mapping)),
        }
    }

    /// Go decodes a struct from a JSON object only, and matches a key to a
    /// field by its exact name or else ignoring ASCII case (`NamePrefix`
    /// sets `namePrefix`). When two keys land on the same field, the later
    /// one wins.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        match self.0 {
            J::Object(map) => {
                let mut entries: Vec<(&str, &J)> = Vec::with_capacity(map.len());
                for (key, value) in map {
                    let name = field_name(key, fields);
                    entries.retain(|(earlier, _)| *earlier != name);
                    entries.push((name, value));
                }
                visitor.visit_map(MapDe::new(entries))
            }
            _ => self.deserialize_map(visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        match self.0 {
            J::String(s) => {
                let variant: StrDeserializer<'_, DecodeError> = s.as_str().into_deserializer();
                visitor.visit_enum(variant)
            }
            _ => Err(self.mismatch(Expected::String)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }
}

/// The items of a JSON array, each error marked with its index.
struct SeqDe<'a> {
    items: std::slice::Iter<'a, J>,
    index: usize,
}

impl<'a> SeqDe<'a> {
    fn new(items: &'a [J]) -> Self {
        SeqDe {
            items: items.iter(),
            index: 0,
        }
    }
}

impl<'de> SeqAccess<'de> for SeqDe<'_> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(ValueDe(item))
            .map(Some)
            .map_err(|e| e.within(Segment::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The field of `fields` a key sets: its exact name, else the one equal
/// ignoring ASCII case; a key matching none stays as it is (and is
/// reported as unknown).
fn field_name<'a>(key: &'a str, fields: &'static [&'static str]) -> &'a str {
    if fields.contains(&key) {
        return key;
    }
    fields
        .iter()
        .find(|field| field.eq_ignore_ascii_case(key))
        .copied()
        .unwrap_or(key)
}

/// The entries of a JSON object, each error marked with its key.
struct MapDe<'a> {
    entries: std::vec::IntoIter<(&'a str, &'a J)>,
    /// The entry whose key was handed out last.
    current: Option<(&'a str, &'a J)>,
}

impl<'a> MapDe<'a> {
    fn new(entries: Vec<(&'a str, &'a J)>) -> Self {
        MapDe {
            entries: entries.into_iter(),
            current: None,
        }
    }
}

impl<'de> MapAccess<'de> for MapDe<'_> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.current = Some((key, value));
        let name: StrDeserializer<'_, DecodeError> = key.into_deserializer();
        seed.deserialize(name)
            .map(Some)
            .map_err(|e| e.within(Segment::Key(key.to_string())))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let Some((key, value)) = self.current.take() else {
            return Err(DecodeError::message(
                "a mapping value was read before its key",
            ));
        };
        seed.deserialize(ValueDe(value))
            .map_err(|e| e.within(Segment::Key(key.to_string())))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
