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
use crate::fieldspec::{merge_kustomization_config, TransformerConfig};
use crate::generate;
use crate::kustomization::{KustomizationRole, LoadedKustomization};
use crate::load::{BuildChain, Entry, LoadRestrictor, Loader, ReachedFromExt, StepExt};
use crate::openapi::custom::SchemaScope;
use crate::order::{Reorder, SortOrder};
use crate::patch::source::PatchFiles;
use crate::plugin;
pub use crate::plugin::{ContainerOptions, PluginOptions};
use crate::remote::{RemoteEntry, RemoteOptions, Session};
use crate::resource::origin::Origin;
use crate::resource::ResourceList;
use crate::sops;
use crate::transform::vars::VarSet;
use crate::transform::{self, Transform};
use crate::warning::Warning;
use anyhow::{anyhow, Context, Result};
use rayon::prelude::*;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
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
    /// How remote bases and files are fetched (`--offline`, the cache).
    pub remote: RemoteOptions,
    /// `--strict`: fail the build on warnings about inputs that had no
    /// effect ([`crate::warning::WarningKind::NoEffect`]).
    pub strict: bool,
}

/// The result of a build: the resources, and the warnings for stderr
/// (kustomize's, such as deprecated fields, and krust's about inputs that
/// had no effect; see [`crate::warning`]).
#[derive(Debug, Default)]
pub struct Built {
    /// The rendered resources, in output order.
    pub resources: ResourceList,
    /// Warnings for the user, in the order they arose.
    pub warnings: Vec<Warning>,
}

/// Builds the kustomization in `dir` and returns its resources.
pub fn build(dir: &Path, options: &BuildOptions) -> Result<ResourceList> {
    Ok(build_with_warnings(dir, options)?.resources)
}

/// Builds the kustomization in `dir`, keeping the warnings. With
/// `options.strict`, warnings about inputs that had no effect fail it.
pub fn build_with_warnings(dir: &Path, options: &BuildOptions) -> Result<Built> {
    let mut builder = Builder {
        loader: Loader::new(options.load_restrictor),
        options: options.clone(),
        encrypted_passed: AtomicUsize::new(0),
        schema: SchemaScope::parallel(),
        remote: Session::new(options.remote.clone()),
    };
    let built = build_target(&mut builder, dir, options);
    // No fetch may outlive the build, failed or not.
    builder.remote.finish();
    let mut built = built?;
    let mut warnings: Vec<Warning> = builder
        .remote
        .take_warnings()
        .into_iter()
        .map(Warning::note)
        .collect();
    warnings.append(&mut built.warnings);
    built.warnings = warnings;
    Ok(built)
}

/// The build of the target `dir`: a directory, or a repository URL as
/// kustomize accepts one.
fn build_target(builder: &mut Builder, dir: &Path, options: &BuildOptions) -> Result<Built> {
    let mut top = builder.load_root(dir)?;
    crate::buildmeta::start_tracking(&mut top);
    let metadata = BuildMetadata::new(&top.kustomization, options.managed_by_label);
    let chain = BuildChain::new(top.dir.clone());
    let mut acc = builder.accumulate_top(&top, &chain);
    if builder.schema.needs_sequential_rerun() {
        // A base or component chose the OpenAPI schema: only a build in
        // kustomize's order knows which patches it applies to.
        builder.schema = SchemaScope::sequential();
        builder.encrypted_passed.store(0, Ordering::Relaxed);
        acc = builder.accumulate_top(&top, &chain);
    }
    let mut acc = acc?;
    let config = acc
        .config
        .take()
        .unwrap_or_else(TransformerConfig::defaults);
    let active_schema = builder.schema.activate();
    resolve_names(&mut acc.resources, &config)?;
    let unused = transform::vars::resolve(&mut acc.resources, &acc.vars, &config.var_reference)?;
    acc.warnings.extend(
        transform::vars::unused_warning(&unused).map(|message| Warning {
            kind: crate::warning::WarningKind::NoEffect,
            message,
        }),
    );
    drop(active_schema);
    crate::plugin::drop_local_configs(&mut acc.resources);
    crate::finalize::clean_annotations(&mut acc.resources, metadata.keep());
    let (order, warning) =
        SortOrder::choose(top.kustomization.sort_options.as_ref(), options.reorder)?;
    order.apply(&mut acc.resources);
    if metadata.managed_by_label {
        crate::buildmeta::add_managed_by_label(&mut acc.resources)?;
    }
    let mut warnings = acc.warnings;
    warnings.extend(warning.map(Warning::note));
    warnings.extend(builder.encrypted_note().map(Warning::note));
    crate::warning::check_strict(&warnings, options.strict)?;
    Ok(Built {
        resources: acc.resources,
        warnings,
    })
}

/// A configured generator and the origin its objects get (when tracked).
type GeneratorWithOrigin = (Box<dyn generate::Generate>, Option<Arc<Origin>>);

/// What accumulating one kustomization produces and hands to its parent.
#[derive(Debug, Default)]
struct Accumulated {
    resources: ResourceList,
    /// The field specs in force (defaults plus `configurations:`), which a
    /// parent merges into its own; none for a plain resource file.
    config: Option<TransformerConfig>,
    /// Warnings of this kustomization and everything below it, depth first.
    warnings: Vec<Warning>,
    /// The `vars` declared here and below; a name may be declared only once
    /// in a build.
    vars: VarSet,
}

struct Builder {
    loader: Loader,
    /// The flags of this build; plugins and decryption read them.
    options: BuildOptions,
    /// Resources with SOPS metadata left encrypted (no `--decrypt`).
    encrypted_passed: AtomicUsize,
    /// The OpenAPI schema chosen by the `openapi:` fields met so far.
    schema: SchemaScope,
    /// Remote bases and files fetched in this build.
    remote: Arc<Session>,
}

impl Builder {
    /// Accumulates the top kustomization, after its `openapi:` field.
    fn accumulate_top(&self, top: &LoadedKustomization, chain: &BuildChain) -> Result<Accumulated> {
        let files = self.files(top);
        self.schema
            .enter_root(&top.kustomization.openapi, &|p| files.read(p))?;
        self.accumulate_target(top, chain)
    }

    /// Enters a base or component: its `openapi:` field may choose the
    /// build's schema.
    fn enter_nested(&self, kust: &LoadedKustomization) -> Result<()> {
        let files = self.files(kust);
        self.schema
            .enter_nested(&kust.kustomization.openapi, &|p| files.read(p))
    }

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
            config: Some(TransformerConfig::default()),
            warnings: Vec::new(),
            vars: VarSet::new(),
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
        acc.warnings
            .extend(kust.warnings.iter().map(Warning::deprecated));
        self.accumulate_resources(kust, chain, acc)
            .step(|| "accumulating resources".into())?;
        self.merge_own_config(kust, acc)?;
        self.run_generators(kust, chain, acc)?;
        self.accumulate_components(kust, chain, acc)
            .step(|| "accumulating components".into())?;
        let _schema = self.schema.activate();
        self.run_transformers(kust, chain, acc)?;
        self.run_validators(kust, chain, acc)?;
        acc.vars
            .declare(&kust.kustomization.vars, &mut acc.resources)?;
        Ok(())
    }

    /// Merges the kustomization's `configurations:` (over the defaults) and
    /// `crds:` field specs into the accumulated configuration.
    fn merge_own_config(&self, kust: &LoadedKustomization, acc: &mut Accumulated) -> Result<()> {
        let k = &kust.kustomization;
        let files = self.files(kust);
        let config = acc.config.get_or_insert_with(TransformerConfig::default);
        merge_kustomization_config(config, &k.configurations, &k.crds, &|p| files.read(p))
            .with_context(|| format!("field specs of {}", kust.file.display()))
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
            let resolved = kust
                .loader(self.loader)
                .resolve_dir(&kust.dir, entry)
                .with_context(|| {
                    format!("components entry '{entry}' of {}", kust.file.display())
                })?;
            let (component, chain) = match resolved {
                Entry::Remote(RemoteEntry::Git(spec)) => self
                    .load_remote(kust, &spec, KustomizationRole::Component, chain)
                    .reached_from(&kust.file, "components", entry)?,
                Entry::Dir(dir) => self
                    .load_nested(kust, entry, &dir, KustomizationRole::Component, chain)
                    .reached_from(&kust.file, "components", entry)?,
                other => unreachable!("resolve_dir returned {other:?}"),
            };
            self.accumulate_into(&component, &chain, acc).reached_from(
                &kust.file,
                "components",
                entry,
            )?;
        }
        Ok(())
    }

    /// Loads the kustomization in `dir`, named by `entry` of `kust`, as a
    /// nested build: one level down `chain`, with its origins relative to
    /// the entry and its `openapi:` noted.
    fn load_nested(
        &self,
        kust: &LoadedKustomization,
        entry: &str,
        dir: &Path,
        role: KustomizationRole,
        chain: &BuildChain,
    ) -> Result<(LoadedKustomization, BuildChain)> {
        if let Some(remote) = &kust.remote {
            remote.check_contains(dir)?;
        }
        let chain = chain.descend(dir)?;
        let mut nested = LoadedKustomization::load_as(&kust.loader(self.loader), dir, role)?;
        nested.origin = kust.origin.descend(entry);
        nested.remote = kust.remote.clone();
        self.enter_nested(&nested)?;
        Ok((nested, chain))
    }

    /// Loads every `resources` entry (in parallel) and appends them in order.
    fn accumulate_resources(
        &self,
        kust: &LoadedKustomization,
        chain: &BuildChain,
        acc: &mut Accumulated,
    ) -> Result<()> {
        let entries = &kust.kustomization.resources;
        self.prefetch(kust, entries);
        // The files named by URL download meanwhile, for the later steps.
        self.prefetch_files(kust);
        // Resolving is a few path checks: done first, it tells whether the
        // entries hold enough work to be worth loading in parallel.
        let resolved: Vec<(&String, Result<Entry>)> = entries
            .iter()
            .map(|entry| (entry, kust.resolve(&self.loader, entry)))
            .collect();
        let load = |(entry, resolved): (&String, Result<Entry>)| {
            resolved
                .and_then(|r| self.load_resolved(kust, entry, r, chain))
                .step(|| format!("accumulating resources from '{entry}'"))
        };
        let loaded: Vec<Result<Accumulated>> =
            if self.schema.is_sequential() || !worth_parallel(&resolved) {
                resolved.into_iter().map(load).collect()
            } else {
                resolved.into_par_iter().map(load).collect()
            };
        for (entry, part) in kust.kustomization.resources.iter().zip(loaded) {
            let part = part?;
            if let Some(config) = &part.config {
                acc.config
                    .get_or_insert_with(TransformerConfig::defaults)
                    .merge(config)?;
            }
            acc.warnings.extend(part.warnings);
            acc.resources
                .append(part.resources)
                .with_context(|| format!("merging resources from '{entry}'"))?;
            acc.vars
                .absorb(part.vars)
                .with_context(|| format!("recursed merging from '{entry}'"))?;
        }
        Ok(())
    }

    /// The resources read from the file `entry` of `kust`, with their
    /// origin, as an accumulation of their own.
    fn file_resources(
        &self,
        kust: &LoadedKustomization,
        entry: &str,
        read: Vec<crate::resource::Resource>,
    ) -> Result<Accumulated> {
        let mut resources = ResourceList::new();
        let origin = kust.origin.file(entry);
        for mut r in read {
            if let Some(origin) = &origin {
                r.set_origin(origin.clone());
            }
            resources.push(r)?;
        }
        self.schema
            .note_kinds(resources.iter().map(|r| (r.api_version(), r.kind())));
        Ok(Accumulated {
            resources,
            ..Accumulated::default()
        })
    }

    /// Loads one resolved `resources` entry.
    fn load_resolved(
        &self,
        kust: &LoadedKustomization,
        entry: &str,
        resolved: Entry,
        chain: &BuildChain,
    ) -> Result<Accumulated> {
        match resolved {
            Entry::File(path) => self.file_resources(kust, entry, self.read_resource_file(&path)?),
            Entry::Dir(dir) => {
                let (child, chain) = self
                    .load_nested(kust, entry, &dir, KustomizationRole::Resource, chain)
                    .reached_from(&kust.file, "resources", entry)?;
                self.accumulate_target(&child, &chain)
                    .reached_from(&kust.file, "resources", entry)
            }
            Entry::Remote(remote) => self.load_remote_resource(kust, entry, &remote, chain),
        }
    }

    /// The generators in kustomize's order: configMapGenerator,
    /// secretGenerator, helmCharts, then the `generators:` plugins. All are
    /// configured first; then each runs and its objects are created, merged
    /// into or replace accumulated ones before the next one runs.
    fn run_generators(
        &self,
        kust: &LoadedKustomization,
        chain: &BuildChain,
        acc: &mut Accumulated,
    ) -> Result<()> {
        let k = &kust.kustomization;
        let ctx = self.plugin_context(kust);
        // Each generator with the origin its objects get (when tracked).
        let mut generators: Vec<GeneratorWithOrigin> = Vec::new();
        for config in generate::kustomization_generators(k)? {
            let origin =
                crate::buildmeta::builtin_generator_origin(kust, config.kind.plugin_kind());
            let generator = generate::DataGenerator::new(config, ctx.data_files()?, ctx.file);
            generators.push((Box::new(generator), origin));
        }
        let helm = &ctx.options.helm;
        for chart in generate::helm::from_kustomization(k, helm, ctx.dir, &ctx.data_files()?)? {
            let origin =
                crate::buildmeta::builtin_generator_origin(kust, "HelmChartInflationGenerator");
            generators.push((Box::new(chart), origin));
        }
        if !k.generators.is_empty() {
            let configs = self
                .plugin_configs(&k.generators, kust, chain)
                .context("loading generator plugins")?;
            let loaded =
                plugin::load_generators(&configs, ctx).context("loading generator plugins")?;
            let origins = configs.iter().map(Origin::from_plugin_config);
            generators.extend(loaded.into_iter().zip(origins));
        }
        for (generator, origin) in generators {
            let mut notes = Vec::new();
            let generated = generator
                .generate_noting(&mut notes)
                .with_context(|| format!("generating resources of {}", kust.file.display()))?;
            note_no_effect(acc, kust, notes);
            for mut g in generated {
                if let Some(origin) = &origin {
                    g.resource.set_origin_if_missing(origin);
                }
                generate::absorb(&mut acc.resources.items_mut(), g, |g| {
                    let mut r = g.resource;
                    r.state.needs_hash = g.needs_hash;
                    r
                })
                .with_context(|| {
                    format!(
                        "generating resources of {}: merging from generator",
                        kust.file.display()
                    )
                })?;
            }
        }
        Ok(())
    }

    /// Reads a resource file. A file with SOPS metadata is decrypted with
    /// `--decrypt`; without it, it passes through as it is (as kustomize
    /// does) and is counted for [`Builder::encrypted_note`]. Damaged SOPS
    /// data is refused either way.
    fn read_resource_file(&self, path: &Path) -> Result<Vec<crate::resource::Resource>> {
        let (resources, holds_enc) = crate::load::read_resources_finding(path, sops::ENC_MARKER)?;
        let entries = resources.iter().map(|r| r.value_at(&["sops"]));
        let encrypted = sops::count_encrypted_documents(entries, holds_enc, path)?;
        if encrypted == 0 {
            return Ok(resources);
        }
        if !self.options.decrypt {
            self.encrypted_passed
                .fetch_add(encrypted, Ordering::Relaxed);
            return Ok(resources);
        }
        // Decrypt the documents as written: the MAC follows file order.
        let text = crate::load::read_input_text(path)
            .with_context(|| format!("cannot read resource file {}", path.display()))?;
        let docs = crate::yaml::parse_documents(&text, path).map_err(|e| anyhow!(e))?;
        let plain = sops::decrypt_documents(docs, path, sops::env_keys())?;
        crate::load::resources_from_documents(plain, path)
    }

    /// The note for resources left encrypted, if any.
    fn encrypted_note(&self) -> Option<String> {
        let count = self.encrypted_passed.load(Ordering::Relaxed);
        (count > 0).then(|| {
            format!(
                "note: {count} encrypted resource(s) with SOPS metadata were passed through \
                 still encrypted; use --decrypt (or KRUST_DECRYPT=1) to decrypt them"
            )
        })
    }

    /// The plugin configs named by `generators:`, `transformers:` or
    /// `validators:` entries; a directory entry is built as a kustomization.
    fn plugin_configs(
        &self,
        entries: &[String],
        kust: &LoadedKustomization,
        chain: &BuildChain,
    ) -> Result<ResourceList> {
        self.prefetch(kust, entries);
        plugin::collect_configs(entries, kust, &self.loader, |entry, resolved| {
            let (child, chain) = match resolved {
                Entry::Dir(dir) => {
                    if let Some(remote) = &kust.remote {
                        remote.check_contains(&dir)?;
                    }
                    let loader = kust.loader(self.loader);
                    let role = KustomizationRole::Resource;
                    let mut child = LoadedKustomization::load_as(&loader, &dir, role)?;
                    child.remote = kust.remote.clone();
                    (child, chain.descend(&dir)?)
                }
                Entry::Remote(remote) => {
                    return Ok(self
                        .load_remote_resource(kust, entry, &remote, chain)?
                        .resources)
                }
                Entry::File(_) => unreachable!("files are read by collect_configs"),
            };
            let dir = child.dir.clone();
            self.accumulate_target(&child, &chain)
                .map(|acc| acc.resources)
                .with_context(|| format!("recursed accumulation of path '{}'", dir.display()))
        })
    }

    fn plugin_context<'a>(&'a self, kust: &'a LoadedKustomization) -> plugin::PluginContext<'a> {
        plugin::PluginContext {
            dir: &kust.dir,
            file: &kust.file,
            loader: kust.loader(self.loader),
            options: &self.options.plugins,
            remote: Some(&self.remote),
        }
    }

    /// The files `kust` names by path or URL (patches, `openapi`,
    /// `configurations`, `crds`, `replacements`).
    fn files(&self, kust: &LoadedKustomization) -> PatchFiles {
        PatchFiles::new(kust.loader(self.loader), &kust.dir)
            .with_remote(Some(self.remote.clone()), &kust.file)
    }

    /// `validators:`: transformer plugins that may only add the
    /// `validated-by` label.
    fn run_validators(
        &self,
        kust: &LoadedKustomization,
        chain: &BuildChain,
        acc: &mut Accumulated,
    ) -> Result<()> {
        let k = &kust.kustomization;
        if k.validators.is_empty() {
            return Ok(());
        }
        let configs = self.plugin_configs(&k.validators, kust, chain)?;
        let validators = plugin::load_transformers(&configs, self.plugin_context(kust))?;
        let mut notes = Vec::new();
        plugin::validate::run_validators(&validators, &mut acc.resources, &mut notes)?;
        note_no_effect(acc, kust, notes);
        Ok(())
    }

    /// The builtin transformers in kustomize's fixed order, then the
    /// `transformers:` plugins (all configured before any runs).
    fn run_transformers(
        &self,
        kust: &LoadedKustomization,
        chain: &BuildChain,
        acc: &mut Accumulated,
    ) -> Result<()> {
        let k = &kust.kustomization;
        let defaults;
        let tc = match &acc.config {
            Some(config) => config,
            None => {
                defaults = TransformerConfig::defaults();
                &defaults
            }
        };
        let files = self.files(kust);
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
        let mut plugins = Vec::new();
        if !k.transformers.is_empty() {
            let configs = self.plugin_configs(&k.transformers, kust, chain)?;
            let loaded = plugin::load_transformers(&configs, self.plugin_context(kust))?;
            plugins = loaded
                .into_iter()
                .zip(configs.iter().map(Origin::from_plugin_config))
                .collect();
        }
        for step in steps {
            apply_step(step.as_ref(), kust, acc)?;
        }
        crate::buildmeta::record_builtin_transformers(kust, &mut acc.resources);
        for (step, origin) in plugins {
            apply_step(step.as_ref(), kust, acc)?;
            if let Some(origin) = &origin {
                let mut items = acc.resources.items_mut();
                crate::resource::origin::record_transformation(items.iter_mut(), origin);
            }
        }
        Ok(())
    }
}

/// Runs one transformer of `kust` on the accumulated resources, keeping its
/// notes about what had no effect as warnings.
fn apply_step(
    step: &dyn Transform,
    kust: &LoadedKustomization,
    acc: &mut Accumulated,
) -> Result<()> {
    let mut notes = Vec::new();
    step.apply_noting(&mut acc.resources, &mut notes)
        .with_context(|| format!("transforming resources of {}", kust.file.display()))?;
    note_no_effect(acc, kust, notes);
    Ok(())
}

/// Records `notes` about parts of `kust` that had no effect.
fn note_no_effect(acc: &mut Accumulated, kust: &LoadedKustomization, notes: Vec<String>) {
    acc.warnings.extend(
        notes
            .iter()
            .map(|note| Warning::no_effect(&kust.file, note)),
    );
}

/// The steps kustomize runs once, at the top, after accumulation: hash
/// suffixes on generated names, then every reference to a renamed object
/// (with the name references of the merged configuration).
fn resolve_names(resources: &mut ResourceList, config: &TransformerConfig) -> Result<()> {
    // A transformation can take away what every resource must have (a JSON
    // patch removing `/kind` or `/metadata/name`); kustomize checks again
    // here and refuses such an object.
    for res in resources.iter() {
        // The common case reads two strings; only a doubtful resource is
        // decoded for the full check and its message.
        let kind = res.kind();
        let plainly_valid = !kind.is_empty() && (kind.ends_with("List") || !res.name().is_empty());
        if !plainly_valid && !res.is_empty_object() {
            crate::load::check_resource_meta(&res.value()).map_err(|message| {
                anyhow!(message).context(format!("after transformation, {}", res.describe()))
            })?;
        }
    }
    transform::hash_suffix::HashSuffix.apply(resources)?;
    transform::name_reference::fix_back_references(resources, &config.name_reference)?;
    Ok(())
}

#[path = "build_remote.rs"]
mod build_remote;

/// Bytes of resource files below which reading them in parallel costs more
/// than it saves: the first parallel step starts the thread pool, about as
/// long as parsing this much YAML takes.
const PARALLEL_BYTES: u64 = 64 * 1024;

/// Whether these resolved entries are worth loading in parallel: more than
/// one, and at least one of them a kustomization or remote (of unknown
/// size) or the files together large. Small builds, the common case in CI,
/// then never start the thread pool at all.
fn worth_parallel(resolved: &[(&String, Result<Entry>)]) -> bool {
    if resolved.len() < 2 {
        return false;
    }
    let mut bytes = 0;
    for (_, entry) in resolved {
        match entry {
            Ok(Entry::File(path)) => bytes += std::fs::metadata(path).map_or(0, |m| m.len()),
            Ok(_) => return true,
            Err(_) => {}
        }
    }
    bytes >= PARALLEL_BYTES
}
