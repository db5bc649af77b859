//! The steps one kustomization runs on what it accumulated: generators,
//! then the builtin transformers in kustomize's fixed order, then the
//! `transformers:` and `validators:` plugins.

use super::accumulate::{Accumulated, Builder};
use super::builtins;
use crate::fieldspec::TransformerConfig;
use crate::generate;
use crate::kustomization::{KustomizationRole, LoadedKustomization};
use crate::load::{BuildChain, Entry};
use crate::openapi::custom::SchemaScope;
use crate::plugin;
use crate::resource::origin::Origin;
use crate::resource::ResourceList;
use crate::transform::{Transform, TransformContext};
use crate::warning::Warning;
use anyhow::{Context, Result};
use std::sync::Arc;

/// A configured generator and the origin its objects get (when tracked).
pub(super) type GeneratorWithOrigin = (Box<dyn generate::Generate>, Option<Arc<Origin>>);

impl Builder {
    /// The generators in kustomize's order: configMapGenerator,
    /// secretGenerator, helmCharts, then the `generators:` plugins. All are
    /// configured first; then each runs and its objects are created, merged
    /// into or replace accumulated ones before the next one runs.
    pub(super) fn run_generators(
        &self,
        kust: &LoadedKustomization,
        chain: &BuildChain,
        acc: &mut Accumulated,
    ) -> Result<()> {
        let k = &kust.kustomization;
        let ctx = self.plugin_context(kust);
        // Each generator with the origin its objects get (when tracked).
        let mut generators: Vec<GeneratorWithOrigin> = Vec::new();
        for config in builtins::data_generators(k)? {
            let origin =
                crate::buildmeta::builtin_generator_origin(kust, config.kind.plugin_kind());
            let generator = generate::DataGenerator::new(config, ctx.data_files()?, ctx.file);
            generators.push((Box::new(generator), origin));
        }
        let helm = &ctx.options.helm;
        for chart in builtins::helm_generators(k, helm, ctx.dir, &ctx.data_files()?)? {
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
        // One pass over the list for all the generators: each generator
        // runs and its objects are absorbed before the next one runs.
        let mut notes = Vec::new();
        let mut items = acc.resources.items_mut();
        for (generator, origin) in generators {
            let generated = generator
                .generate_noting(&mut notes)
                .with_context(|| format!("generating resources of {}", kust.file.display()))?;
            for mut g in generated {
                if let Some(origin) = &origin {
                    g.resource.set_origin_if_missing(origin);
                }
                generate::absorb(&mut items, g, |g| {
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
        drop(items);
        note_no_effect(acc, kust, notes);
        Ok(())
    }

    /// The plugin configs named by `generators:`, `transformers:` or
    /// `validators:` entries; a directory entry is built as a kustomization.
    pub(super) fn plugin_configs(
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

    pub(super) fn plugin_context<'a>(
        &'a self,
        kust: &'a LoadedKustomization,
    ) -> plugin::PluginContext<'a> {
        plugin::PluginContext {
            dir: &kust.dir,
            file: &kust.file,
            loader: kust.loader(self.loader),
            options: &self.options.plugins,
            remote: Some(&self.remote),
        }
    }

    /// `validators:`: transformer plugins that may only add the
    /// `validated-by` label.
    pub(super) fn run_validators(
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
        let mut cx = TransformContext::new(&self.schema);
        plugin::validate::run_validators(&validators, &mut cx, &mut acc.resources)?;
        note_no_effect(acc, kust, cx.take_notes());
        Ok(())
    }

    /// The builtin transformers in kustomize's fixed order, then the
    /// `transformers:` plugins (all configured before any runs).
    pub(super) fn run_transformers(
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
        let fields = builtins::Fields {
            k,
            tc,
            files: &files,
        };
        let steps = builtins::transformers(&fields)?;
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
            apply_step(step.as_ref(), &self.schema, kust, acc)?;
        }
        crate::buildmeta::record_builtin_transformers(kust, &mut acc.resources);
        for (step, origin) in plugins {
            apply_step(step.as_ref(), &self.schema, kust, acc)?;
            if let Some(origin) = &origin {
                let mut items = acc.resources.items_mut();
                crate::resource::origin::record_transformation(items.iter_mut(), origin);
            }
        }
        Ok(())
    }
}

/// Runs one transformer of `kust` on the accumulated resources, in a
/// build whose schema state is `schema`, keeping its notes about what had
/// no effect as warnings.
fn apply_step(
    step: &dyn Transform,
    schema: &SchemaScope,
    kust: &LoadedKustomization,
    acc: &mut Accumulated,
) -> Result<()> {
    let mut cx = TransformContext::new(schema);
    step.apply(&mut cx, &mut acc.resources)
        .with_context(|| format!("transforming resources of {}", kust.file.display()))?;
    note_no_effect(acc, kust, cx.take_notes());
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
