//! The ordered list of resources a kustomization accumulates.

use super::{IdentityKey, ResId, Resource};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

/// Resources in input order, with an index that rejects a second resource
/// with the same identity (kustomize's "already registered id" error).
///
/// Resources rest in the list frozen (see `crate::yaml::frozen`) once
/// the build has read enough input for that to pay ([`Resource::rest`]),
/// and the list keeps them so: adding one puts it at rest,
/// [`ResourceList::try_for_each_mut`] does so again as soon as its pass is
/// done with it (so a pass over the whole list holds one thawed tree at a
/// time), and [`ResourceList::items_mut`] hands out a guard that puts
/// whatever was thawed through it back at rest when it goes out of scope.
/// No caller has to remember to freeze.
///
/// The index maps a hash of each identity ([`IdentityKey`]) to a position
/// and confirms a hit against the resource stored there, so it copies no
/// names. It is rebuilt lazily: mutable access may rename resources, so it
/// marks the index stale and the next lookup rebuilds it once.
#[derive(Debug, Clone, Default)]
pub struct ResourceList {
    items: Vec<Resource>,
    index: IdentityIndex,
    index_stale: bool,
}

/// Mutable access to a [`ResourceList`]'s resources
/// ([`ResourceList::items_mut`]): dereferences to the vector and freezes
/// every thawed resource when dropped.
pub struct ItemsMut<'a>(&'a mut Vec<Resource>);

impl std::ops::Deref for ItemsMut<'_> {
    type Target = Vec<Resource>;
    fn deref(&self) -> &Vec<Resource> {
        self.0
    }
}

impl std::ops::DerefMut for ItemsMut<'_> {
    fn deref_mut(&mut self) -> &mut Vec<Resource> {
        self.0
    }
}

impl Drop for ItemsMut<'_> {
    fn drop(&mut self) {
        self.0.iter_mut().for_each(Resource::rest);
    }
}

/// Positions of resources by identity hash. Distinct identities sharing a
/// hash are kept apart in `collided`, which is almost always empty.
#[derive(Debug, Clone, Default)]
struct IdentityIndex<S = RandomState> {
    hasher: S,
    first: HashMap<u64, usize>,
    collided: HashMap<u64, Vec<usize>>,
}

/// Two resources with the same identity were added to one list.
#[derive(Debug, thiserror::Error)]
#[error("may not add resource with an already registered id: {id}")]
pub struct IdConflict {
    /// The identity both resources share.
    pub id: ResId,
}

impl ResourceList {
    /// An empty list.
    pub fn new() -> ResourceList {
        ResourceList::default()
    }

    /// Number of resources.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are no resources.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Appends a resource, failing when one with the same identity exists.
    pub fn push(&mut self, mut resource: Resource) -> Result<(), IdConflict> {
        self.refresh_index();
        let position = self.items.len();
        if !self
            .index
            .insert(&self.items, resource.identity_key(), position)
        {
            return Err(IdConflict { id: resource.id() });
        }
        resource.rest();
        self.items.push(resource);
        Ok(())
    }

    /// Appends every resource of `other`, in order.
    pub fn append(&mut self, mut other: ResourceList) -> Result<(), IdConflict> {
        if self.items.is_empty() {
            // Taking the list whole keeps its index: only a list renamed
            // since it was last indexed needs checking again.
            if other.index_stale {
                if let Some(i) = other.rebuild_index() {
                    return Err(IdConflict {
                        id: other.items[i].id(),
                    });
                }
            }
            *self = other;
            return Ok(());
        }
        self.items.reserve(other.len());
        other.items.into_iter().try_for_each(|r| self.push(r))
    }

    /// The resources, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Resource> {
        self.items.iter()
    }

    /// Runs `f` on each resource in order, putting each one back at rest
    /// ([`Resource::rest`]) once `f` returns; stops at the first error.
    /// Marks the identity index stale.
    ///
    /// One thread thaws, changes and freezes each resource in turn: spread
    /// over threads, the trees would be freed by threads other than the
    /// ones that allocated them, which leaves the allocator holding more
    /// memory, for no gain in time.
    pub fn try_for_each_mut<E>(
        &mut self,
        mut f: impl FnMut(&mut Resource) -> Result<(), E>,
    ) -> Result<(), E> {
        self.index_stale = true;
        for resource in &mut self.items {
            let result = f(resource);
            resource.rest();
            result?;
        }
        Ok(())
    }

    /// The resources as a slice.
    pub fn as_slice(&self) -> &[Resource] {
        &self.items
    }

    /// The resources as a mutable vector, for changes a per-resource pass
    /// cannot make (reordering, removal, passes that look at several
    /// resources at once). Marks the identity index stale. The guard
    /// freezes every resource thawed through it when dropped, on the
    /// dropping thread (see [`ResourceList::try_for_each_mut`] for why).
    pub fn items_mut(&mut self) -> ItemsMut<'_> {
        self.index_stale = true;
        ItemsMut(&mut self.items)
    }

    /// Finds the resource with exactly this identity.
    pub fn find(&mut self, id: &ResId) -> Option<&Resource> {
        self.refresh_index();
        let i = self.index.position(&self.items, id.identity_key())?;
        Some(&self.items[i])
    }

    /// Takes the resources out, in order.
    pub fn into_vec(self) -> Vec<Resource> {
        self.items
    }

    fn refresh_index(&mut self) {
        if self.index_stale {
            self.rebuild_index();
        }
    }

    /// Indexes every resource again; returns the position of the first one
    /// whose identity an earlier one already has.
    fn rebuild_index(&mut self) -> Option<usize> {
        self.index.first.clear();
        self.index.collided.clear();
        let mut first_duplicate = None;
        for (i, r) in self.items.iter().enumerate() {
            // Later duplicates can only arise from transformations; keep the
            // first, as lookups in kustomize find the first match.
            if !self.index.insert(&self.items, r.identity_key(), i) {
                first_duplicate = first_duplicate.or(Some(i));
            }
        }
        self.index_stale = false;
        first_duplicate
    }
}

impl<S: BuildHasher> IdentityIndex<S> {
    /// Records that the resource at `position` has identity `key`, unless a
    /// resource already indexed has it; returns whether it was recorded.
    fn insert(&mut self, items: &[Resource], key: IdentityKey<'_>, position: usize) -> bool {
        let hash = self.hasher.hash_one(key);
        let Some(&first) = self.first.get(&hash) else {
            self.first.insert(hash, position);
            return true;
        };
        let same = |i: &usize| items[*i].identity_key() == key;
        if same(&first) {
            return false;
        }
        let others = self.collided.entry(hash).or_default();
        if others.iter().any(same) {
            return false;
        }
        others.push(position);
        true
    }

    /// The position of the first indexed resource with identity `key`.
    fn position(&self, items: &[Resource], key: IdentityKey<'_>) -> Option<usize> {
        let hash = self.hasher.hash_one(key);
        let first = *self.first.get(&hash)?;
        let same = |i: &usize| items[*i].identity_key() == key;
        if same(&first) {
            return Some(first);
        }
        self.collided.get(&hash)?.iter().copied().find(same)
    }
}

impl IntoIterator for ResourceList {
    type Item = Resource;
    type IntoIter = std::vec::IntoIter<Resource>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Mapping, Value};

    fn res(kind: &str, name: &str, ns: &str) -> Resource {
        let mut meta = Mapping::new();
        meta.insert("name".into(), name.into());
        if !ns.is_empty() {
            meta.insert("namespace".into(), ns.into());
        }
        let mut m = Mapping::new();
        m.insert("apiVersion".into(), "v1".into());
        m.insert("kind".into(), kind.into());
        m.insert("metadata".into(), Value::Map(meta));
        Resource::new(Value::Map(m), None)
    }

    #[test]
    fn rejects_same_id_and_default_namespace_alias() {
        let mut list = ResourceList::new();
        list.push(res("ConfigMap", "a", "")).unwrap();
        list.push(res("ConfigMap", "a", "other")).unwrap();
        assert!(list.push(res("ConfigMap", "a", "default")).is_err());
        assert!(list.push(res("Secret", "a", "")).is_ok());
    }

    /// A hasher that sends every identity to the same slot.
    #[derive(Default)]
    struct Colliding;

    impl std::hash::Hasher for Colliding {
        fn finish(&self) -> u64 {
            7
        }
        fn write(&mut self, _: &[u8]) {}
    }

    #[test]
    fn shared_hashes_still_tell_identities_apart() {
        let mut index = IdentityIndex::<std::hash::BuildHasherDefault<Colliding>>::default();
        let items = [res("ConfigMap", "a", ""), res("ConfigMap", "b", "")];
        let third = res("ConfigMap", "a", "default");
        assert!(index.insert(&items, items[0].identity_key(), 0));
        assert!(index.insert(&items, items[1].identity_key(), 1));
        assert!(!index.insert(&items, third.identity_key(), 2));
        assert_eq!(index.position(&items, items[1].identity_key()), Some(1));
        assert_eq!(index.position(&items, third.identity_key()), Some(0));
        let other = res("Secret", "a", "");
        assert_eq!(index.position(&items, other.identity_key()), None);
    }

    #[test]
    fn find_sees_the_first_of_duplicates_after_renames() {
        let mut list = ResourceList::new();
        list.push(res("ConfigMap", "a", "")).unwrap();
        list.push(res("ConfigMap", "b", "")).unwrap();
        list.items_mut()[1].set_name("a");
        let id = res("ConfigMap", "a", "default").id();
        let found = list.find(&id).map(|r| r.name().to_string());
        assert_eq!(found.as_deref(), Some("a"));
        assert!(std::ptr::eq(
            list.find(&id).unwrap() as *const Resource,
            &list.as_slice()[0]
        ));
    }

    #[test]
    fn appending_to_an_empty_list_checks_renamed_lists() {
        let mut renamed = ResourceList::new();
        renamed.push(res("ConfigMap", "a", "")).unwrap();
        renamed.push(res("ConfigMap", "b", "")).unwrap();
        renamed.push(res("ConfigMap", "c", "")).unwrap();
        renamed.items_mut()[2].set_name("a");
        let err = ResourceList::new().append(renamed).unwrap_err();
        assert_eq!(err.id.name, "a");
        let mut fresh = ResourceList::new();
        fresh.push(res("ConfigMap", "a", "")).unwrap();
        let mut whole = ResourceList::new();
        whole.append(fresh).unwrap();
        assert!(whole.push(res("ConfigMap", "a", "default")).is_err());
        assert!(whole.find(&res("ConfigMap", "a", "").id()).is_some());
    }

    #[test]
    fn index_follows_renames() {
        let mut list = ResourceList::new();
        list.push(res("ConfigMap", "a", "")).unwrap();
        for r in list.items_mut().iter_mut() {
            r.set_name("b");
        }
        assert!(list.push(res("ConfigMap", "a", "")).is_ok());
        assert!(list.push(res("ConfigMap", "b", "")).is_err());
    }

    #[test]
    fn resources_rest_frozen_and_passes_freeze_what_they_thaw() {
        // Resources rest frozen once a build has read this much (the count
        // only grows, so other tests keep freezing as before).
        crate::resource::note_input_bytes(crate::resource::FREEZE_FROM_BYTES);
        let mut list = ResourceList::new();
        list.push(res("ConfigMap", "a", "ns")).unwrap();
        list.push(res("ConfigMap", "b", "ns")).unwrap();
        assert!(list.iter().all(Resource::is_frozen));
        assert_eq!(list.as_slice()[1].name(), "b");
        let mut seen = Vec::new();
        let result: Result<(), String> = list.try_for_each_mut(|r| {
            r.set_name(&format!("{}-x", r.name()));
            seen.push(r.name().to_string());
            if r.name() == "b-x" {
                return Err("stop".into());
            }
            Ok(())
        });
        assert_eq!(result, Err("stop".to_string()));
        assert_eq!(seen, ["a-x", "b-x"]);
        assert!(list.iter().all(Resource::is_frozen));
        {
            let mut items = list.items_mut();
            items.iter_mut().for_each(|r| r.set_namespace("other"));
            assert!(!items[0].is_frozen());
        }
        assert!(list.iter().all(Resource::is_frozen));
        assert_eq!(list.as_slice()[0].namespace(), "other");
    }
}
