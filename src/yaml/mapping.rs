//! [`Mapping`]: the string-keyed, insertion-ordered map inside
//! [`Value::Map`](crate::yaml::Value::Map).
//!
//! Kubernetes objects are trees of small mappings: most hold fewer than ten
//! keys. A hash map per mapping (hash table plus stored hashes) costs more
//! memory than the entries themselves and, with so few keys, is no faster
//! to search than a scan. So a mapping is a plain vector of entries, searched
//! linearly while it is small. Large mappings (a ConfigMap with thousands of
//! keys, a CRD schema's properties) also keep an index from key to position,
//! kept up to date by every change. The entries live in a `ThinVec` (one
//! pointer; length and capacity sit in the heap block), so an empty or small
//! mapping costs little inside every [`Value`].
//!
//! The method names follow `indexmap::IndexMap`'s, so code reads the same as
//! with any ordered map.

use crate::yaml::quoted_keys::QuotedKeys;
use crate::yaml::{Key, Value};
use std::collections::HashMap;
use thin_vec::ThinVec;

/// Above this many entries, lookups use a hash index instead of a scan.
const INDEX_THRESHOLD: usize = 24;

/// A string-keyed mapping that remembers insertion order.
///
/// Printing sorts keys with kustomize's comparator, but the insertion order
/// still matters: it is the order kustomize's own (unstable) sort starts
/// from, and keeping it makes output deterministic where the comparator is
/// not a total order.
#[derive(Default, Clone)]
pub struct Mapping {
    entries: ThinVec<(Key, Value)>,
    /// What few mappings need: the index of a large one, the fields
    /// written in quotes. Boxed so that a mapping stays two pointers wide
    /// inside every value.
    side: Option<Box<Side>>,
}

/// The rarely present parts of a [`Mapping`].
#[derive(Default, Clone)]
struct Side {
    /// Key → position; present exactly when there are more than
    /// [`INDEX_THRESHOLD`] entries. Boxed apart: quoted fields are far more
    /// common than large mappings, and this keeps their block small.
    #[allow(clippy::box_collection)]
    index: Option<Box<HashMap<Key, usize>>>,
    /// Fields whose string value is in quotes (see [`Mapping::is_quoted`]).
    quoted: QuotedKeys,
}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k.as_str(), v)))
            .finish()
    }
}

/// Equality ignores order, as for any map: same keys, equal values.
impl PartialEq for Mapping {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .entries
                .iter()
                .all(|(k, v)| other.get(k).is_some_and(|o| o == v))
    }
}

impl Mapping {
    /// An empty mapping.
    pub fn new() -> Mapping {
        Mapping::default()
    }

    /// An empty mapping with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Mapping {
        Mapping {
            entries: ThinVec::with_capacity(capacity),
            side: None,
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Position of `key`, if present.
    pub fn get_index_of(&self, key: &str) -> Option<usize> {
        match self.side.as_ref().and_then(|s| s.index.as_ref()) {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| k == key),
        }
    }

    /// Re-establishes the index invariant after entries moved or went.
    fn reindex(&mut self) {
        if self.entries.len() <= INDEX_THRESHOLD {
            if let Some(side) = &mut self.side {
                side.index = None;
                if side.quoted.is_empty() {
                    self.side = None;
                }
            }
            return;
        }
        let mut map = HashMap::with_capacity(self.entries.len());
        for (i, (k, _)) in self.entries.iter().enumerate() {
            map.entry(*k).or_insert(i);
        }
        self.side.get_or_insert_with(Box::default).index = Some(Box::new(map));
    }

    /// True when field `key` holds a string written in quotes (or in a
    /// block style) rather than plain. kustomize keeps a field's style when
    /// a patch writes the field, so a number patched over a quoted string
    /// prints as a string.
    pub fn is_quoted(&self, key: &str) -> bool {
        self.side.as_ref().is_some_and(|s| s.quoted.contains(key))
    }

    /// Records whether field `key` is written in quotes.
    pub fn set_quoted(&mut self, key: Key, quoted: bool) {
        if quoted {
            self.side
                .get_or_insert_with(Box::default)
                .quoted
                .insert(key);
        } else if let Some(side) = &mut self.side {
            side.quoted.retain(|k| k != key);
            if side.quoted.is_empty() && side.index.is_none() {
                self.side = None;
            }
        }
    }

    /// The fields written in quotes: how many, and which.
    pub fn quoted_keys(&self) -> (usize, impl Iterator<Item = Key> + '_) {
        let quoted = self.side.as_ref().map(|s| &s.quoted);
        (
            quoted.map_or(0, QuotedKeys::len),
            quoted.into_iter().flat_map(QuotedKeys::iter),
        )
    }

    /// Forgets the quoting of fields that are gone.
    fn prune_quoted(&mut self) {
        let Some(side) = &mut self.side else { return };
        if side.quoted.is_empty() {
            return;
        }
        let entries = &self.entries;
        side.quoted.retain(|k| entries.iter().any(|(e, _)| *e == k));
        if side.quoted.is_empty() && side.index.is_none() {
            self.side = None;
        }
    }

    /// The value at `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.get_index_of(key).map(|i| &self.entries[i].1)
    }

    /// The value at `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.get_index_of(key)?;
        Some(&mut self.entries[i].1)
    }

    /// The stored key and value at `key`.
    pub fn get_key_value(&self, key: &str) -> Option<(&str, &Value)> {
        self.get_index_of(key)
            .map(|i| (self.entries[i].0.as_str(), &self.entries[i].1))
    }

    /// True when `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get_index_of(key).is_some()
    }

    /// The entry at position `i`.
    pub fn get_index(&self, i: usize) -> Option<(&str, &Value)> {
        self.entries.get(i).map(|(k, v)| (k.as_str(), v))
    }

    /// The entry at position `i`, with the value mutable.
    pub fn get_index_mut(&mut self, i: usize) -> Option<(&str, &mut Value)> {
        self.entries.get_mut(i).map(|(k, v)| (k.as_str(), v))
    }

    /// The first entry.
    pub fn first(&self) -> Option<(&str, &Value)> {
        self.get_index(0)
    }

    /// The last entry.
    pub fn last(&self) -> Option<(&str, &Value)> {
        self.entries.last().map(|(k, v)| (k.as_str(), v))
    }

    /// Sets `key` to `value`: a present key keeps its position and the old
    /// value is returned; a new key goes at the end.
    pub fn insert(&mut self, key: Key, value: Value) -> Option<Value> {
        self.insert_full(key, value).1
    }

    /// As [`Mapping::insert`], also returning the entry's position.
    pub fn insert_full(&mut self, key: Key, value: Value) -> (usize, Option<Value>) {
        match self.get_index_of(&key) {
            Some(i) => (i, Some(std::mem::replace(&mut self.entries[i].1, value))),
            None => {
                self.push_new(key, value);
                (self.entries.len() - 1, None)
            }
        }
    }

    /// The entries, with their interned keys.
    pub fn entries(&self) -> &[(Key, Value)] {
        &self.entries
    }

    /// Appends an entry whose key the caller knows is not present (a
    /// mapping rebuilt from one that was already valid).
    pub(crate) fn push_unique(&mut self, key: Key, value: Value) {
        debug_assert!(self.get_index_of(&key).is_none());
        self.push_new(key, value);
    }

    /// Appends a key known to be absent.
    fn push_new(&mut self, key: Key, value: Value) {
        match self.side.as_mut().and_then(|s| s.index.as_mut()) {
            Some(index) => {
                index.insert(key, self.entries.len());
                self.entries.push((key, value));
            }
            None => {
                // Transformers add a key or two to many small mappings (a
                // namespace, a label): growing those by exactly what is
                // needed, rather than doubling, keeps the spare room out of
                // every resource. Larger mappings double as usual.
                if self.entries.len() == self.entries.capacity() && self.entries.len() < 8 {
                    self.entries.reserve_exact(1);
                }
                self.entries.push((key, value));
                if self.entries.len() > INDEX_THRESHOLD {
                    self.reindex();
                }
            }
        }
    }

    /// Removes `key`, keeping the order of the others.
    pub fn shift_remove(&mut self, key: &str) -> Option<Value> {
        self.shift_remove_entry(key).map(|(_, v)| v)
    }

    /// Removes `key` and returns it with its value, keeping the order of the
    /// others.
    pub fn shift_remove_entry(&mut self, key: &str) -> Option<(Key, Value)> {
        let i = self.get_index_of(key)?;
        let removed = self.entries.remove(i);
        self.reindex_if_indexed();
        Some(removed)
    }

    /// Removes the entry at position `i`, keeping the order of the others.
    pub fn shift_remove_index(&mut self, i: usize) -> Option<(Key, Value)> {
        if i >= self.entries.len() {
            return None;
        }
        let removed = self.entries.remove(i);
        self.reindex_if_indexed();
        Some(removed)
    }

    /// Rebuilds the index when there is one (entries moved or went).
    fn reindex_if_indexed(&mut self) {
        if self.side.is_some() {
            self.prune_quoted();
        }
        if self.side.as_ref().is_some_and(|s| s.index.is_some()) {
            self.reindex();
        }
    }

    /// The entry for `key`, for in-place insert-or-update.
    pub fn entry(&mut self, key: Key) -> Entry<'_> {
        match self.get_index_of(&key) {
            Some(index) => Entry::Occupied(OccupiedEntry { map: self, index }),
            None => Entry::Vacant(VacantEntry { map: self, key }),
        }
    }

    /// Keeps the entries for which `keep` returns true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut Value) -> bool) {
        let before = self.entries.len();
        self.entries.retain_mut(|(k, v)| keep(k, v));
        if self.entries.len() != before {
            self.reindex_if_indexed();
        }
    }

    /// Sorts the entries with `compare` (stable).
    pub fn sort_by(
        &mut self,
        mut compare: impl FnMut(&str, &Value, &str, &Value) -> std::cmp::Ordering,
    ) {
        self.entries
            .sort_by(|(k1, v1), (k2, v2)| compare(k1, v1, k2, v2));
        self.reindex_if_indexed();
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.side = None;
        self.entries.clear();
    }

    /// Removes and returns the last entry.
    pub fn pop(&mut self) -> Option<(Key, Value)> {
        let last = self.entries.pop();
        self.reindex_if_indexed();
        last
    }

    /// Entries in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    /// Entries in order, values mutable.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        IterMut(self.entries.iter_mut())
    }

    /// Keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// Values in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Values in order, mutable.
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Values in order, by value.
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = Value> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }

    /// Keys in order, by value.
    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = Key> + ExactSizeIterator {
        self.entries.into_iter().map(|(k, _)| k)
    }

    /// Releases spare capacity (after parsing, the map no longer grows).
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }
}

/// Borrowing iterator over a [`Mapping`]'s entries.
pub struct Iter<'a>(std::slice::Iter<'a, (Key, Value)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k.as_str(), v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k.as_str(), v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// Borrowing iterator over a [`Mapping`]'s entries with mutable values.
pub struct IterMut<'a>(std::slice::IterMut<'a, (Key, Value)>);

impl<'a> Iterator for IterMut<'a> {
    type Item = (&'a str, &'a mut Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k.as_str(), v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for IterMut<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k.as_str(), v))
    }
}

impl ExactSizeIterator for IterMut<'_> {}

impl<'a> IntoIterator for &'a Mapping {
    type Item = (&'a str, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Mapping {
    type Item = (&'a str, &'a mut Value);
    type IntoIter = IterMut<'a>;
    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

impl IntoIterator for Mapping {
    type Item = (Key, Value);
    type IntoIter = thin_vec::IntoIter<(Key, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Into<Key>> FromIterator<(K, Value)> for Mapping {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Self {
        let mut map = Mapping::new();
        map.extend(iter);
        map
    }
}

impl<K: Into<Key>> Extend<(K, Value)> for Mapping {
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k.into(), v);
        }
    }
}

impl<const N: usize> From<[(Key, Value); N]> for Mapping {
    fn from(entries: [(Key, Value); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl std::ops::Index<usize> for Mapping {
    type Output = Value;
    fn index(&self, i: usize) -> &Value {
        &self.entries[i].1
    }
}

impl std::ops::IndexMut<usize> for Mapping {
    fn index_mut(&mut self, i: usize) -> &mut Value {
        &mut self.entries[i].1
    }
}

/// `map["key"]`: panics when the key is absent, so only for keys the
/// caller has just checked.
impl<Q: AsRef<str> + ?Sized> std::ops::Index<&Q> for Mapping {
    type Output = Value;
    fn index(&self, key: &Q) -> &Value {
        let key = key.as_ref();
        self.get(key)
            .unwrap_or_else(|| panic!("mapping has no key {key:?}"))
    }
}

/// A slot in a [`Mapping`], from [`Mapping::entry`].
pub enum Entry<'a> {
    /// The key is present.
    Occupied(OccupiedEntry<'a>),
    /// The key is absent.
    Vacant(VacantEntry<'a>),
}

/// A present key's slot.
pub struct OccupiedEntry<'a> {
    map: &'a mut Mapping,
    index: usize,
}

/// An absent key's slot.
pub struct VacantEntry<'a> {
    map: &'a mut Mapping,
    key: Key,
}

impl<'a> Entry<'a> {
    /// The value, inserting `default` first when absent.
    pub fn or_insert(self, default: Value) -> &'a mut Value {
        self.or_insert_with(|| default)
    }

    /// The value, inserting `make()` first when absent.
    pub fn or_insert_with(self, make: impl FnOnce() -> Value) -> &'a mut Value {
        match self {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => v.insert(make()),
        }
    }

    /// The value, inserting null first when absent.
    pub fn or_default(self) -> &'a mut Value {
        self.or_insert_with(Value::default)
    }

    /// Runs `f` on the value when present.
    pub fn and_modify(mut self, f: impl FnOnce(&mut Value)) -> Self {
        if let Entry::Occupied(o) = &mut self {
            f(o.get_mut());
        }
        self
    }

    /// The key of this slot.
    pub fn key(&self) -> &str {
        match self {
            Entry::Occupied(o) => &o.map.entries[o.index].0,
            Entry::Vacant(v) => &v.key,
        }
    }
}

impl<'a> OccupiedEntry<'a> {
    /// The present value.
    pub fn get(&self) -> &Value {
        &self.map.entries[self.index].1
    }

    /// The present value, mutably.
    pub fn get_mut(&mut self) -> &mut Value {
        &mut self.map.entries[self.index].1
    }

    /// The present value, mutably, for the map's lifetime.
    pub fn into_mut(self) -> &'a mut Value {
        &mut self.map.entries[self.index].1
    }

    /// Replaces the value, returning the old one.
    pub fn insert(&mut self, value: Value) -> Value {
        std::mem::replace(self.get_mut(), value)
    }
}

impl<'a> VacantEntry<'a> {
    /// Inserts `value` at the end and returns it.
    pub fn insert(self, value: Value) -> &'a mut Value {
        let map = self.map;
        map.push_new(self.key, value);
        let last = map.entries.len() - 1;
        &mut map.entries[last].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_insertion_order_and_replaces_in_place() {
        let mut m = Mapping::new();
        m.insert("b".into(), Value::Int(1));
        m.insert("a".into(), Value::Int(2));
        assert_eq!(m.insert("b".into(), Value::Int(3)), Some(Value::Int(1)));
        let keys: Vec<&str> = m.keys().collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(m.get("b"), Some(&Value::Int(3)));
    }

    #[test]
    fn large_maps_use_the_index_and_stay_consistent() {
        let mut m = Mapping::new();
        for i in 0..100 {
            m.insert(format!("k{i}").into(), Value::Int(i));
        }
        assert_eq!(m.get("k57"), Some(&Value::Int(57)));
        m.insert("new".into(), Value::Null);
        assert_eq!(m.get_index_of("new"), Some(100));
        assert_eq!(m.shift_remove("k0"), Some(Value::Int(0)));
        assert_eq!(m.get_index_of("k1"), Some(0));
        assert_eq!(m.get_index_of("new"), Some(99));
        m.retain(|k, _| k != "k1");
        assert_eq!(m.get_index_of("k2"), Some(0));
        *m.entry("k2".into()).or_default() = Value::Bool(true);
        assert_eq!(m.get("k2"), Some(&Value::Bool(true)));
        m.entry("fresh".into()).or_insert(Value::Int(7));
        assert_eq!(m.get_index_of("fresh"), Some(m.len() - 1));
    }

    #[test]
    fn equality_ignores_order() {
        let a: Mapping = [("x".into(), Value::Int(1)), ("y".into(), Value::Int(2))].into();
        let b: Mapping = [("y".into(), Value::Int(2)), ("x".into(), Value::Int(1))].into();
        assert_eq!(a, b);
    }
}
