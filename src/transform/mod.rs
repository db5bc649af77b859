//! The builtin transformers, one module each. Each is a function over the
//! resource list, configured by one config type that both its kustomization
//! field and its `transformers:` plugin form deserialize into.

pub mod annotations;
mod entries;
pub mod hash_suffix;
pub mod images;
pub mod labels;
pub mod name_reference;
pub mod namespace;
pub mod patch;
pub mod patch_legacy;
mod plugin_config;
pub mod prefix_suffix;
pub mod replacement;
pub mod replicas;
pub mod value_add;
pub mod vars;

pub use plugin_config::PluginMetadata;

use crate::resource::ResourceList;

/// A transformer: a function over the resource list.
pub trait Transform {
    /// Applies the transformation to every resource it selects.
    fn apply(&self, resources: &mut ResourceList) -> anyhow::Result<()>;

    /// [`Transform::apply`], adding to `notes` what in its configuration had
    /// no effect (a patch target that selects nothing), for the build's
    /// warnings ([`crate::warning`]).
    fn apply_noting(
        &self,
        resources: &mut ResourceList,
        notes: &mut Vec<String>,
    ) -> anyhow::Result<()> {
        let _ = notes;
        self.apply(resources)
    }
}
