//! The build pipeline, in kustomize's documented order:
//!
//! 1. **load** the kustomization file of a directory;
//! 2. **accumulate** its `resources` (files, and directories built
//!    recursively as kustomizations of their own);
//! 3. **generate** (configMapGenerator, secretGenerator, `generators:`);
//! 4. **transform** with the builtin transformers in kustomize's fixed order,
//!    then the `transformers:` plugins;
//! 5. at the top only: **resolve names** (hash suffixes, back references);
//! 6. **order** the result (`sortOptions` / `--reorder`).
//!
//! Printing is [`crate::output`]'s job.

use crate::buildmeta::BuildMetadata;
use crate::fieldspec::TransformerConfig;
use crate::generate::{self, DiskLoader};
use crate::load::{
    BuildChain, Entry, KustomizationRole, LoadRestrictor, LoadedKustomization, Loader,
};
use crate::order::{Reorder, SortOrder};
use crate::patch::source::PatchFiles;
use crate::resource::ResourceList;
use crate::transform::{self, Transform};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::path::Path;
use std::sync::Arc;

/// Options of a build (the `krust build` flags).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// `--load-restrictor`.
    pub load_restrictor: LoadRestrictor,
    /// `--reorder`.
    pub reorder: Reorder,
    /// What plugins may do: `--enable-alpha-plugins`, `--enable-exec`,
    /// `--enable-helm` and the helm and function settings.
    pub plugins: PluginOptions,
    /// `--enable-managedby-label`: label every resource with
    /// `app.kubernetes.io/managed-by`.
    pub managed_by_label: bool,
    /// `--decrypt` (or `KRUST_DECRYPT=1`): decrypt resources that carry SOPS
    /// metadata instead of passing them through.
    pub decrypt: bool,
}

/// The plugin settings of a build, named after kustomize's flags.
#[derive(Debug, Clone, Default)]
pub struct PluginOptions {
    /// `--enable-alpha-plugins`: allow `generators:`/`transformers:` entries
    /// that are not builtin plugins.
    pub enable_alpha_plugins: bool,
    /// `--enable-exec`: allow exec KRM functions (with alpha plugins).
    pub enable_exec: bool,
    /// `--enable-helm`: allow `helmCharts` and the HelmChartInflationGenerator.
    pub enable_helm: bool,
    /// `--helm-command`: the helm executable (default `helm`).
    pub helm_command: Option<String>,
    /// `--helm-kube-version`: Capabilities.KubeVersion for helm.
    pub helm_kube_version: Option<String>,
    /// `--helm-api-versions`: Capabilities.APIVersions for helm.
    pub helm_api_versions: Vec<String>,
    /// `--helm-debug`.
    pub helm_debug: bool,
    /// `-e/--env`: environment variables passed to functions (`NAME=value`,
    /// or `NAME` to pass the current value).
    pub function_env: Vec<String>,
}

/// The result of a build: the resources, and the warnings kustomize would
/// print on stderr (deprecated fields, conflicting sort settings).
#[derive(Debug, Default)]
pub struct Built {
    /// The rendered resources, in output order.
    pub resources: ResourceList,
    /// Warnings for the user, in the order they arose.
    pub warnings: Vec<String>,
}

/// Builds the kustomization in `dir` and returns its resources.
pub fn build(dir: &Path, options: &BuildOptions) -> Result<ResourceList> {
    Ok(build_with_warnings(dir, options)?.resources)
}

/// Builds the kustomization in `dir`, keeping the warnings.
pub fn build_with_warnings(dir: &Path, options: &BuildOptions) -> Result<Built> {
    let builder = Builder {
        loader: Loader::new(options.load_restrictor),
        options: options.clone(),
    };
    let mut top = builder
        .loader
        .load_kustomization_as(dir, KustomizationRole::Root)?;
    crate::buildmeta::start_tracking(&mut top);
    let metadata = BuildMetadata::new(&top.kustomization, options.managed_by_label);
    let chain = BuildChain::new(top.dir.clone());
    let mut acc = builder.accumulate_target(&top, &chain)?;
    let config = acc
        .config
        .take()
        .unwrap_or_else(TransformerConfig::defaults);
    resolve_names(&mut acc.resources, &config)?;
    crate::finalize::clean_annotations(&mut acc.resources, metadata.keep());
    let (order, warning) =
        SortOrder::choose(top.kustomization.sort_options.as_ref(), options.reorder)?;
    order.apply(&mut acc.resources);
    if metadata.managed_by_label {
        crate::buildmeta::add_managed_by_label(&mut acc.resources)?;
    }
    let mut warnings = acc.warnings;
    warnings.extend(warning.map(str::to_string));
    Ok(Built {
        resources: acc.resources,
        warnings,
    })
}

/// What accumulating one kustomization produces and hands to its parent.
#[derive(Debug, Default)]
struct Accumulated {
    resources: ResourceList,
    /// The field specs in force (defaults plus `configurations:`), which a
    /// parent merges into its own; none for a plain resource file.
    config: Option<TransformerConfig>,
    /// Warnings of this kustomization and everything below it, depth first.
    warnings: Vec<String>,
    /// Names of the `vars` declared here and below; a name may be declared
    /// only once in a build.
    var_names: Vec<String>,
}

struct Builder {
    loader: Loader,
    /// The flags of this build; plugins and decryption read them.
    #[allow(dead_code)]
    options: BuildOptions,
}

impl Builder {
    /// Resources, generators and transformers of one kustomization
    /// (kustomize's `AccumulateTarget`). `chain` holds the directories being
    /// built above this one, to detect cycles.
    fn accumulate_target(
        &self,
        kust: &LoadedKustomization,
        chain: &BuildChain,
    ) -> Result<Accumulated> {
        let mut acc = Accumulated {
            resources: ResourceList::new(),
            config: Some(TransformerConfig::defaults()),
            warnings: Vec::new(),
            var_names: Vec::new(),
        };
        self.accumulate_into(kust, chain, &mut acc)?;
        Ok(acc)
    }

    /// Runs one kustomization's steps on `acc`: its resources are appended,
    /// then its generators, components and transformers act on everything
    /// accumulated so far. A component runs this on its parent's
    /// accumulator; a kustomization on a fresh one.
    fn accumulate_into(
        &self,
        kust: &LoadedKustomization,
        chain: &BuildChain,
        acc: &mut Accumulated,
    ) -> Result<()> {
        acc.warnings.extend(kust.warnings.iter().cloned());
        self.accumulate_resources(kust, chain, acc)
            .context("accumulating resources")?;
        self.run_generators(kust, acc)?;
        self.accumulate_components(kust, chain, acc)
            .context("accumulating components")?;
        self.run_transformers(kust, acc)?;
        for var in &kust.kustomization.vars {
            let name = var.get("name").and_then(|n| n.as_str()).unwrap_or_default();
            declare_var(&mut acc.var_names, name)?;
        }
        Ok(())
    }

    /// `components`: each is a directory holding a `kind: Component`, applied
    /// in order to the resources accumulated so far.
    fn accumulate_components(
        &self,
        kust: &LoadedKustomization,
        chain: &BuildChain,
        acc: &mut Accumulated,
    ) -> Result<()> {
        for entry in &kust.kustomization.components {
            let dir = self.loader.resolve_dir(&kust.dir, entry).with_context(|| {
                format!("components entry '{entry}' of {}", kust.file.display())
            })?;
            let chain = chain.descend(&dir)?;
            let mut component = self
                .loader
                .load_kustomization_as(&dir, KustomizationRole::Component)?;
            component.origin = kust.origin.descend(entry);
            self.accumulate_into(&component, &chain, acc)
                .with_context(|| format!("accumulating component '{}'", dir.display()))?;
        }
        Ok(())
    }

    /// Loads every `resources` entry (in parallel) and appends them in order.
    fn accumulate_resources(
        &self,
        kust: &LoadedKustomization,
        chain: &BuildChain,
        acc: &mut Accumulated,
    ) -> Result<()> {
        let loaded: Vec<Result<Accumulated>> = kust
            .kustomization
            .resources
            .par_iter()
            .map(|entry| {
                self.load_entry(kust, entry, chain)
                    .with_context(|| format!("accumulating resources from '{entry}'"))
            })
            .collect();
        for (entry, part) in kust.kustomization.resources.iter().zip(loaded) {
            let part = part?;
            if let Some(config) = &part.config {
                acc.config
                    .get_or_insert_with(TransformerConfig::defaults)
                    .merge(config)?;
            }
            acc.warnings.extend(part.warnings);
            for name in &part.var_names {
                declare_var(&mut acc.var_names, name)
                    .with_context(|| format!("recursed merging from '{entry}'"))?;
            }
            acc.resources
                .append(part.resources)
                .with_context(|| format!("merging resources from '{entry}'"))?;
        }
        Ok(())
    }

    fn load_entry(
        &self,
        kust: &LoadedKustomization,
        entry: &str,
        chain: &BuildChain,
    ) -> Result<Accumulated> {
        match kust.resolve(&self.loader, entry)? {
            Entry::File(path) => {
                let mut resources = ResourceList::new();
                let origin = kust.origin.file(entry);
                for mut r in crate::load::read_resources(&path)? {
                    r.state.origin.clone_from(&origin);
                    resources.push(r)?;
                }
                Ok(Accumulated {
                    resources,
                    ..Accumulated::default()
                })
            }
            Entry::Dir(dir) => {
                let chain = chain.descend(&dir)?;
                let mut child = self
                    .loader
                    .load_kustomization_as(&dir, KustomizationRole::Resource)?;
                child.origin = kust.origin.descend(entry);
                self.accumulate_target(&child, &chain)
                    .with_context(|| format!("recursed accumulation of path '{}'", dir.display()))
            }
        }
    }

    /// configMapGenerator and secretGenerator: each generated object is
    /// created, or merged into / replaces one already accumulated.
    fn run_generators(&self, kust: &LoadedKustomization, acc: &mut Accumulated) -> Result<()> {
        let k = &kust.kustomization;
        if k.config_map_generator.is_empty() && k.secret_generator.is_empty() {
            return Ok(());
        }
        let restrict = self.loader.restrictor() == LoadRestrictor::RootOnly;
        let files = DiskLoader::new(&kust.dir, restrict)?;
        let source: Arc<Path> = Arc::from(kust.file.as_path());
        generate::run_kustomization_generators(
            k,
            &files,
            Some(source),
            acc.resources.items_mut(),
            |kind| crate::buildmeta::builtin_generator_origin(kust, kind.plugin_kind()),
            |generated| {
                let mut r = generated.resource;
                r.state.needs_hash = generated.needs_hash;
                r
            },
        )
        .with_context(|| format!("generating resources of {}", kust.file.display()))
    }

    /// The builtin transformers in kustomize's fixed order.
    fn run_transformers(&self, kust: &LoadedKustomization, acc: &mut Accumulated) -> Result<()> {
        let k = &kust.kustomization;
        let defaults;
        let tc = match &acc.config {
            Some(config) => config,
            None => {
                defaults = TransformerConfig::defaults();
                &defaults
            }
        };
        let files = PatchFiles::new(self.loader, &kust.dir);
        let mut steps: Vec<Box<dyn Transform>> = Vec::new();
        if let Some(t) = transform::patch_legacy::strategic_merge_from_kustomization(k, &files)? {
            steps.push(Box::new(t));
        }
        for t in transform::patch::from_kustomization(k, &files)? {
            steps.push(Box::new(t));
        }
        if let Some(t) = transform::namespace::from_kustomization(k, tc) {
            steps.push(Box::new(t));
        }
        if let Some(t) = transform::prefix_suffix::prefix_from_kustomization(k, tc)? {
            steps.push(Box::new(t));
        }
        if let Some(t) = transform::prefix_suffix::suffix_from_kustomization(k, tc)? {
            steps.push(Box::new(t));
        }
        for t in transform::labels::from_kustomization(k, tc)? {
            steps.push(Box::new(t));
        }
        if let Some(t) = transform::annotations::from_kustomization(k, tc) {
            steps.push(Box::new(t));
        }
        for t in transform::patch_legacy::json6902_from_kustomization(k, &files)? {
            steps.push(Box::new(t));
        }
        for t in transform::replicas::from_kustomization(k, tc) {
            steps.push(Box::new(t));
        }
        for t in transform::images::from_kustomization(k, tc) {
            steps.push(Box::new(t));
        }
        if let Some(t) = transform::replacement::from_kustomization(k, &files)? {
            steps.push(Box::new(t));
        }
        for step in steps {
            step.apply(&mut acc.resources)
                .with_context(|| format!("transforming resources of {}", kust.file.display()))?;
        }
        crate::buildmeta::record_builtin_transformers(kust, &mut acc.resources);
        Ok(())
    }
}

/// The steps kustomize runs once, at the top, after accumulation: hash
/// suffixes on generated names, then every reference to a renamed object
/// (with the name references of the merged configuration).
fn resolve_names(resources: &mut ResourceList, config: &TransformerConfig) -> Result<()> {
    transform::hash_suffix::HashSuffix.apply(resources)?;
    transform::name_reference::fix_back_references(resources, &config.name_reference)
}

/// Records a var name, failing as kustomize does when it is already declared.
fn declare_var(names: &mut Vec<String>, name: &str) -> Result<()> {
    if names.iter().any(|n| n == name) {
        anyhow::bail!("var '{name}' already encountered");
    }
    names.push(name.to_string());
    Ok(())
}
