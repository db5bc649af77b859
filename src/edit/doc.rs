//! Small accessors for a decoded kustomization ([`Mapping`] with JSON field
//! names), treating missing and `null` fields as Go's zero values.

use crate::yaml::{Mapping, Value};

/// The string at `key`, or "" when missing, `null` or not a string.
pub fn str_at<'a>(map: &'a Mapping, key: &str) -> &'a str {
    map.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The strings of the list at `key` (`null` items read as "").
pub fn strings_at(map: &Mapping, key: &str) -> Vec<String> {
    match map.get(key) {
        Some(Value::Seq(items)) => items
            .iter()
            .map(|v| v.as_str().unwrap_or("").to_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// True when `key` holds something other than `null` (Go's non-nil).
pub fn is_set(map: &Mapping, key: &str) -> bool {
    map.get(key).is_some_and(|v| !v.is_null())
}

/// Replaces the list at `key` with `items`.
pub fn set_strings(map: &mut Mapping, key: &str, items: Vec<String>) {
    let items = items.into_iter().map(Value::from).collect();
    map.insert(key.into(), Value::Seq(items));
}

/// The list at `key`, created (or replacing a non-list) when needed.
pub fn seq_mut<'a>(map: &'a mut Mapping, key: &str) -> &'a mut crate::yaml::Seq {
    let slot = map.entry(key.into()).or_insert(Value::Null);
    if !matches!(slot, Value::Seq(_)) {
        *slot = Value::Seq(Vec::new().into());
    }
    match slot {
        Value::Seq(items) => items,
        _ => unreachable!("the slot was just made a sequence"),
    }
}

/// The mapping at `key`, created (or replacing a non-mapping) when needed.
pub fn map_mut<'a>(map: &'a mut Mapping, key: &str) -> &'a mut Mapping {
    let slot = map.entry(key.into()).or_insert(Value::Null);
    if !matches!(slot, Value::Map(_)) {
        *slot = Value::new_map();
    }
    match slot {
        Value::Map(inner) => inner,
        _ => unreachable!("the slot was just made a mapping"),
    }
}

/// Appends the items of the list at `from` to the list at `to` and drops
/// `from`, as Go's `to = append(to, from...); from = nil` does (a missing
/// `to` stays missing when there is nothing to append).
pub fn fold_list_into(map: &mut Mapping, from: &str, to: &str) {
    if let Some(Value::Seq(items)) = map.shift_remove(from) {
        if !items.is_empty() {
            seq_mut(map, to).extend(items);
        }
    }
}

/// A mapping built from string pairs.
pub fn string_mapping<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Mapping {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.into())))
        .collect()
}
