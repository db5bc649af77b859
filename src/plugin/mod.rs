//! The `generators:`, `transformers:` and `validators:` fields, `helmCharts`,
//! and the plugins they name.
//!
//! * [`configs`]: turns the entries of those fields (inline YAML, files, or
//!   kustomization directories whose output is a list of configs) into
//!   plugin config documents, in kustomize's order.
//! * [`dispatch`]: decides, per config document, which implementation runs
//!   it: a builtin ([`builtin`]), a natively handled third-party plugin, or
//!   an external one (a KRM function, [`exec_fn`]).
//! * [`helm`]: `helmCharts` and the HelmChartInflationGenerator, run through
//!   `helm template`.
//! * [`validate`]: the `validators:` step.

pub mod builtin;
pub mod configs;
pub mod dispatch;
pub mod exec_fn;
mod options;
pub mod resource_list;
pub mod validate;

pub use configs::collect_configs;
pub use dispatch::{load_generators, load_transformers};
pub use options::{ContainerOptions, PluginOptions};

use crate::generate::{DiskLoader, Generate};
use crate::load::{LoadRestrictor, Loader};
use crate::patch::source::PatchFiles;
use crate::remote::Session;
use crate::resource::ResourceList;
use crate::transform::Transform;
use std::path::Path;
use std::sync::Arc;

/// The annotation that marks a resource as input-only: kustomize drops such
/// resources from its output at the very end of the build.
pub const LOCAL_CONFIG_ANNOTATION: &str = "config.kubernetes.io/local-config";

/// A configured plugin, ready to run.
pub enum Plugin {
    /// Makes new objects.
    Generator(Box<dyn Generate>),
    /// Changes the accumulated objects.
    Transformer(Box<dyn Transform>),
}

/// Where a plugin runs: the kustomization that lists it (files named in its
/// config are read relative to that kustomization's directory) and the
/// build's plugin flags.
#[derive(Debug, Clone, Copy)]
pub struct PluginContext<'a> {
    /// The directory of the kustomization listing the plugin.
    pub dir: &'a Path,
    /// Its kustomization file, for messages and generated objects' origin.
    pub file: &'a Path,
    /// The load restrictor of the build.
    pub loader: Loader,
    /// The build's plugin flags.
    pub options: &'a PluginOptions,
    /// The build's remote session, which fetches files named by URL.
    pub remote: Option<&'a Arc<Session>>,
}

impl PluginContext<'_> {
    /// The files a transformer's config names (`path:` of patches and
    /// replacements), as the listing kustomization reads them.
    pub fn patch_files(&self) -> PatchFiles {
        PatchFiles::new(self.loader, self.dir).with_remote(self.remote.cloned(), self.file)
    }

    /// The files a generator's config names (`files`, `envs`, helm values
    /// files), under the build's load restrictor.
    pub fn data_files(&self) -> anyhow::Result<DiskLoader> {
        let restrict = self.loader.restrictor() == LoadRestrictor::RootOnly;
        Ok(DiskLoader::new(self.dir, restrict)?
            .with_remote(self.remote.cloned())
            .decrypting_sops(!self.options.sops_passthrough))
    }
}

/// Drops every resource annotated `config.kubernetes.io/local-config` with
/// any value but `"false"`, as kustomize does once the whole build is done.
pub fn drop_local_configs(resources: &mut ResourceList) {
    resources.items_mut().retain(|r| {
        match r.value_at(&["metadata", "annotations", LOCAL_CONFIG_ANNOTATION]) {
            None => true,
            Some(value) => value.as_str() == Some("false"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;
    use crate::yaml::Value;

    fn resource(annotation: Option<Value>) -> Resource {
        let mut doc =
            serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}});
        if let Some(value) = annotation {
            let value: serde_json::Value = (&value).into();
            doc["metadata"]["annotations"] = serde_json::json!({ LOCAL_CONFIG_ANNOTATION: value });
        }
        Resource::new(Value::from(&doc), None)
    }

    #[test]
    fn drops_local_configs_unless_false() {
        let mut list = ResourceList::new();
        list.items_mut().extend([
            resource(None),
            resource(Some(Value::String("true".into()))),
            resource(Some(Value::String("false".into()))),
            resource(Some(Value::String("".into()))),
        ]);
        drop_local_configs(&mut list);
        assert_eq!(list.len(), 2);
    }
}
