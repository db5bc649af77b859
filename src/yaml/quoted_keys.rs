//! [`QuotedKeys`]: the fields of one mapping whose values are written in
//! quotes.
//!
//! kustomize keeps each scalar's style, and a strategic-merge patch gives
//! the value it writes the style of the field it replaces, so whether a
//! field was quoted decides whether a number patched over it prints as a
//! string. Quoted fields are common (a few per resource), so the set is
//! kept small: one key inline, any others in a one-pointer vector.

use crate::yaml::Key;
use thin_vec::ThinVec;

/// A small set of keys.
#[derive(Default, Clone)]
pub(super) struct QuotedKeys {
    first: Option<Key>,
    rest: ThinVec<Key>,
}

impl QuotedKeys {
    /// True when no key is in the set.
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    /// The keys.
    pub fn iter(&self) -> impl Iterator<Item = Key> + '_ {
        self.first.into_iter().chain(self.rest.iter().copied())
    }

    /// True when `key` is in the set.
    pub fn contains(&self, key: &str) -> bool {
        self.iter().any(|k| k.as_str() == key)
    }

    /// Adds `key`.
    pub fn insert(&mut self, key: Key) {
        if self.contains(&key) {
            return;
        }
        match self.first {
            None => self.first = Some(key),
            Some(_) => self.rest.push(key),
        }
    }

    /// Keeps the keys for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(Key) -> bool) {
        let kept: ThinVec<Key> = self.iter().filter(|k| keep(*k)).collect();
        let mut kept = kept.into_iter();
        self.first = kept.next();
        self.rest = kept.collect();
    }
}
