//! ConfigMap and Secret generators (`configMapGenerator`, `secretGenerator`
//! and their builtin plugin forms).
//!
//! A generator reads key/value pairs ([`kv`]) through a [`FileLoader`],
//! builds the object ([`configmap`], [`secret`]) and returns it with the
//! facts the rest of the build needs: its [`Behavior`] and whether its name
//! needs a content-hash suffix. The build absorbs generated objects into
//! its resources with [`absorb`] (create, merge or replace) and, once every
//! transformation is done, appends `-` + [`content_hash`] to the names of
//! entries that still need it.

mod base64;
pub mod configmap;
pub mod hash;
pub mod helm;
pub mod iam_policy;
pub mod ksops;
pub mod kv;
pub mod loader;
pub mod merge;
pub mod plugin_output;
pub mod secret;
pub mod spec;

pub use hash::content_hash;
pub use loader::{DiskLoader, FileLoader};
pub use merge::{absorb, AbsorbTarget};
pub use spec::{Behavior, GeneratorArgs, GeneratorConfig, GeneratorKind, GeneratorOptions};

use crate::resource::Resource;
use crate::yaml::{Mapping, Value};
use anyhow::{bail, Result};
use std::path::Path;
use std::sync::Arc;

/// A ConfigMap or Secret generator with the files of the kustomization
/// that lists it.
pub struct DataGenerator {
    config: GeneratorConfig,
    files: DiskLoader,
    source: Arc<Path>,
}

impl DataGenerator {
    /// The generator `config`, reading `files`/`envs` through `files`
    /// (relative to the kustomization `source` that lists it, under its
    /// load restrictor).
    pub fn new(config: GeneratorConfig, files: DiskLoader, source: &Path) -> DataGenerator {
        DataGenerator {
            config,
            files,
            source: Arc::from(source),
        }
    }
}

impl Generate for DataGenerator {
    fn generate(&self) -> Result<Vec<GeneratedResource>> {
        let generated = generate(&self.config, &self.files, Some(self.source.clone()))?;
        Ok(vec![generated])
    }
}

/// A generator: makes new objects, which the build then absorbs into its
/// resources according to each object's behavior. Every generator has one
/// (the kustomization fields' and the `generators:` plugins' alike).
pub trait Generate {
    /// Runs the generator.
    fn generate(&self) -> Result<Vec<GeneratedResource>>;

    /// [`Generate::generate`], adding to `notes` why it had no effect when
    /// the build's flags kept it from running, for the build's warnings.
    fn generate_noting(&self, notes: &mut Vec<String>) -> Result<Vec<GeneratedResource>> {
        let _ = notes;
        self.generate()
    }
}

/// A generated object plus what the build needs to place and name it.
#[derive(Debug, Clone)]
pub struct GeneratedResource {
    /// The ConfigMap or Secret, named without a hash suffix.
    pub resource: Resource,
    /// How it combines with an existing object of the same identity.
    pub behavior: Behavior,
    /// Whether a content-hash suffix must be appended to its name at the
    /// end of the build (false with `disableNameSuffixHash`).
    pub needs_hash: bool,
}

/// Runs one generator. `source` names the kustomization (or plugin config)
/// for error messages.
pub fn generate(
    config: &GeneratorConfig,
    loader: &dyn FileLoader,
    source: Option<Arc<Path>>,
) -> Result<GeneratedResource> {
    // kustomize checks the name before it reads any source.
    if config.name.is_empty() {
        bail!("a configmap must have a name");
    }
    let sources = kv::KvSources {
        literals: &config.literals,
        files: &config.files,
        envs: &config.envs,
    };
    // Secret sources may be SOPS-encrypted; ConfigMap sources never are.
    let decrypting;
    let loader = match config.kind {
        GeneratorKind::Secret if loader.decrypts_sops() => {
            decrypting = loader::DecryptingLoader::new(loader, None);
            &decrypting as &dyn FileLoader
        }
        GeneratorKind::Secret | GeneratorKind::ConfigMap => loader,
    };
    let pairs = kv::unique_pairs(&config.name, kv::load_pairs(sources, loader)?)?;
    let object = match config.kind {
        GeneratorKind::ConfigMap => {
            configmap::configmap_object(&config.name, &config.namespace, pairs, &config.options)
        }
        GeneratorKind::Secret => secret::secret_object(
            &config.name,
            &config.namespace,
            &config.secret_type,
            pairs,
            &config.options,
        ),
    };
    Ok(GeneratedResource {
        resource: Resource::new(object, source),
        behavior: config.behavior,
        needs_hash: !config.options.disable_name_suffix_hash,
    })
}

/// `apiVersion: v1`, `kind` and `metadata` with name and (if any) namespace.
fn new_object(kind: &str, name: &str, namespace: &str) -> Mapping {
    let mut metadata = Mapping::new();
    metadata.insert("name".into(), Value::String(name.into()));
    if !namespace.is_empty() {
        metadata.insert("namespace".into(), Value::String(namespace.into()));
    }
    let mut object = Mapping::new();
    object.insert("apiVersion".into(), "v1".into());
    object.insert("kind".into(), Value::String(kind.into()));
    object.insert("metadata".into(), Value::Map(metadata));
    object
}

/// Adds the options' labels, annotations and `immutable: true`.
fn set_options(object: &mut Mapping, options: &GeneratorOptions) {
    let Some(Value::Map(metadata)) = object.get_mut("metadata") else {
        return;
    };
    for (field, pairs) in [
        ("labels", &options.labels),
        ("annotations", &options.annotations),
    ] {
        if pairs.is_empty() {
            continue;
        }
        let mut sorted: Vec<(&String, &String)> = pairs.iter().collect();
        sorted.sort();
        let map: Mapping = sorted
            .into_iter()
            .map(|(k, v)| (k.clone(), Value::String(v.as_str().into())))
            .collect();
        metadata.insert(field.into(), Value::Map(map));
    }
    if options.immutable {
        object.insert("immutable".into(), Value::Bool(true));
    }
}

#[cfg(test)]
#[path = "mod_tests.rs"]
pub(crate) mod tests;
