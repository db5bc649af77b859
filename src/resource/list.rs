//! The ordered list of resources a kustomization accumulates.

use super::{Gvk, ResId, Resource};
use std::collections::HashMap;

/// Resources in input order, with an index that rejects a second resource
/// with the same identity (kustomize's "already registered id" error).
///
/// The index is rebuilt lazily: mutable access may rename resources, so it
/// marks the index stale and the next insertion rebuilds it once.
#[derive(Debug, Clone, Default)]
pub struct ResourceList {
    items: Vec<Resource>,
    index: HashMap<(Gvk, String, String), usize>,
    index_stale: bool,
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
    pub fn push(&mut self, resource: Resource) -> Result<(), IdConflict> {
        self.refresh_index();
        let id = resource.id();
        let key = id.conflict_key();
        if self.index.contains_key(&key) {
            return Err(IdConflict { id });
        }
        self.index.insert(key, self.items.len());
        self.items.push(resource);
        Ok(())
    }

    /// Appends every resource of `other`, in order.
    pub fn append(&mut self, other: ResourceList) -> Result<(), IdConflict> {
        other.items.into_iter().try_for_each(|r| self.push(r))
    }

    /// The resources, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Resource> {
        self.items.iter()
    }

    /// The resources, mutably. Marks the identity index stale.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, Resource> {
        self.index_stale = true;
        self.items.iter_mut()
    }

    /// The resources as a slice.
    pub fn as_slice(&self) -> &[Resource] {
        &self.items
    }

    /// The resources as a mutable vector (for reordering or removal). Marks
    /// the identity index stale.
    pub fn items_mut(&mut self) -> &mut Vec<Resource> {
        self.index_stale = true;
        &mut self.items
    }

    /// Finds the resource with exactly this identity.
    pub fn find(&mut self, id: &ResId) -> Option<&mut Resource> {
        self.refresh_index();
        let i = *self.index.get(&id.conflict_key())?;
        Some(&mut self.items[i])
    }

    /// Takes the resources out, in order.
    pub fn into_vec(self) -> Vec<Resource> {
        self.items
    }

    fn refresh_index(&mut self) {
        if !self.index_stale {
            return;
        }
        self.index.clear();
        for (i, r) in self.items.iter().enumerate() {
            // Later duplicates can only arise from transformations; keep the
            // first, as lookups in kustomize find the first match.
            self.index.entry(r.id().conflict_key()).or_insert(i);
        }
        self.index_stale = false;
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

    #[test]
    fn index_follows_renames() {
        let mut list = ResourceList::new();
        list.push(res("ConfigMap", "a", "")).unwrap();
        for r in list.iter_mut() {
            r.set_name("b");
        }
        assert!(list.push(res("ConfigMap", "a", "")).is_ok());
        assert!(list.push(res("ConfigMap", "b", "")).is_err());
    }
}
