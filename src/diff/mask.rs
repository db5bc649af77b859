//! Masking Secret values in diffs.

use crate::yaml::Value;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

/// Replaces Secret values by keyed fingerprints. The key is random per
/// comparison: equal values get equal markers in both renders, while the
/// markers say nothing about the values themselves.
pub struct Masker {
    state: RandomState,
}

impl Masker {
    /// A masker with a fresh random key.
    pub fn new() -> Masker {
        Masker {
            state: RandomState::new(),
        }
    }

    /// A masked copy of `value` when it is a Secret with values, else `None`.
    pub fn mask(&self, value: &Value) -> Option<Value> {
        if value.str_at(&["kind"]) != Some("Secret") {
            return None;
        }
        let has_values = ["data", "stringData"].iter().any(|f| {
            value
                .get(f)
                .and_then(Value::as_map)
                .is_some_and(|m| !m.is_empty())
        });
        if !has_values {
            return None;
        }
        let mut masked = value.clone();
        for field in ["data", "stringData"] {
            if let Some(Value::Map(map)) = masked.get_mut(field) {
                for entry in map.values_mut() {
                    *entry = Value::String(self.marker(entry).into());
                }
            }
        }
        Some(masked)
    }

    fn marker(&self, value: &Value) -> String {
        let text = value.scalar_text().unwrap_or_default();
        format!("<hidden {:08x}>", self.state.hash_one(text) as u32)
    }
}
