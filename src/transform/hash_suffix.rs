//! Appends content hashes to generated names (kustomize's HashTransformer).
//!
//! Runs once, at the top of the build, after every overlay has had the chance
//! to merge into a generated ConfigMap or Secret, so the hash covers the final
//! content. Name references are fixed afterwards.

use super::{Transform, TransformContext};
use crate::generate::content_hash;
use crate::resource::ResourceList;

/// Renames every resource that still needs a hash suffix to
/// `<name>-<hash>`, remembering its previous identity.
#[derive(Debug, Clone, Copy, Default)]
pub struct HashSuffix;

impl Transform for HashSuffix {
    fn apply(
        &self,
        _cx: &mut TransformContext<'_>,
        resources: &mut ResourceList,
    ) -> anyhow::Result<()> {
        for r in resources
            .items_mut()
            .iter_mut()
            .filter(|r| r.state.needs_hash)
        {
            let hash = content_hash(&r.value());
            let name = format!("{}-{hash}", r.name());
            r.store_previous_id();
            r.set_name(&name);
            r.state.needs_hash = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;
    use crate::yaml::{Mapping, Value};

    #[test]
    fn renames_only_flagged_resources_and_records_the_old_id() {
        let mut list = ResourceList::new();
        for (name, flagged) in [("a", true), ("b", false)] {
            let mut meta = Mapping::new();
            meta.insert("name".into(), name.into());
            let mut m = Mapping::new();
            m.insert("apiVersion".into(), "v1".into());
            m.insert("kind".into(), "ConfigMap".into());
            m.insert("metadata".into(), Value::Map(meta));
            let mut r = Resource::new(Value::Map(m), None);
            r.state.needs_hash = flagged;
            list.push(r).unwrap();
        }
        crate::transform::apply_alone(&HashSuffix, &mut list).unwrap();
        let a = &list.as_slice()[0];
        assert!(a.name().starts_with("a-") && a.name().len() == 12);
        assert_eq!(a.state.previous_ids[0].name(), "a");
        assert_eq!(list.as_slice()[1].name(), "b");
    }
}
