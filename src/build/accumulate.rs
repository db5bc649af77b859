//! Accumulating one kustomization: its resources (files, nested
//! kustomizations and remote bases, in parallel when worth it), then its
//! components, each on the resources gathered so far.

use super::BuildOptions;
use crate::fieldspec::{merge_kustomization_config, TransformerConfig};
use crate::kustomization::{KustomizationRole, LoadedKustomization};
use crate::load::{BuildChain, Entry, LoadRestrictor, Loader, ReachedFromExt, StepExt};
use crate::openapi::custom::SchemaScope;
use crate::patch::source::PatchFiles;
use crate::remote::{RemoteEntry, Session};
use crate::resource::ResourceList;
use crate::sops;
use crate::transform::vars::VarSet;
use crate::warning::Warning;
use anyhow::{anyhow, Context, Result};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// What accumulating one kustomization produces and hands to its parent.
#[derive(Debug, Default)]
pub(super) struct Accumulated {
    pub(super) resources: ResourceList,
    /// The field specs in force (defaults plus `configurations:`), which a
    /// parent merges into its own; none for a plain resource file.
    pub(super) config: Option<TransformerConfig>,
    /// Warnings of this kustomization and everything below it, depth first.
    pub(super) warnings: Vec<Warning>,
    /// The `vars` declared here and below; a name may be declared only once
    /// in a build.
    pub(super) vars: VarSet,
}

pub(super) struct Builder {
    pub(super) loader: Loader,
    /// The flags of this build; plugins and decryption read them.
    pub(super) options: BuildOptions,
    /// Resources with SOPS metadata left encrypted (no `--decrypt`).
    pub(super) encrypted_passed: AtomicUsize,
    /// The OpenAPI schema chosen by the `openapi:` fields met so far.
    pub(super) schema: SchemaScope,
    /// Remote bases and files fetched in this build.
    pub(super) remote: Arc<Session>,
    /// Kustomization files already read in this build (by directory and
    /// load restrictor), so that looking ahead for `openapi:` fields
    /// (`schema_plan.rs`) and building read each file once.
    pub(super) read_ahead: Mutex<HashMap<(PathBuf, LoadRestrictor), LoadedKustomization>>,
}

impl Builder {
    /// Accumulates the top kustomization, after its `openapi:` field.
    pub(super) fn accumulate_top(
        &self,
        top: &LoadedKustomization,
        chain: &BuildChain,
    ) -> Result<Accumulated> {
        let files = self.files(top);
        self.schema
            .enter_root(&top.kustomization.openapi, &|p| files.read(p))?;
        self.accumulate_target(top, chain)
    }

    /// Enters a base or component: its `openapi:` field may choose the
    /// build's schema.
    pub(super) fn enter_nested(&self, kust: &LoadedKustomization) -> Result<()> {
        let files = self.files(kust);
        self.schema
            .enter_nested(&kust.kustomization.openapi, &|p| files.read(p))
    }

    /// Resources, generators and transformers of one kustomization
    /// (kustomize's `AccumulateTarget`). `chain` holds the directories being
    /// built above this one, to detect cycles.
    pub(super) fn accumulate_target(
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
    pub(super) fn accumulate_into(
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
        self.run_transformers(kust, chain, acc)?;
        self.run_validators(kust, chain, acc)?;
        acc.vars
            .declare(&kust.kustomization.vars, &mut acc.resources)?;
        Ok(())
    }

    /// Merges the kustomization's `configurations:` (over the defaults) and
    /// `crds:` field specs into the accumulated configuration.
    pub(super) fn merge_own_config(
        &self,
        kust: &LoadedKustomization,
        acc: &mut Accumulated,
    ) -> Result<()> {
        let k = &kust.kustomization;
        let files = self.files(kust);
        let config = acc.config.get_or_insert_with(TransformerConfig::default);
        merge_kustomization_config(config, &k.configurations, &k.crds, &|p| files.read(p))
            .with_context(|| format!("field specs of {}", kust.file.display()))
    }

    /// `components`: each is a directory holding a `kind: Component`, applied
    /// in order to the resources accumulated so far.
    pub(super) fn accumulate_components(
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
    pub(super) fn load_nested(
        &self,
        kust: &LoadedKustomization,
        entry: &str,
        dir: &Path,
        role: KustomizationRole,
        chain: &BuildChain,
    ) -> Result<(LoadedKustomization, BuildChain)> {
        let (nested, chain) = self.open_nested(kust, entry, dir, role, chain, false)?;
        self.enter_nested(&nested)?;
        Ok((nested, chain))
    }

    /// [`Builder::load_nested`] without noting its `openapi:` field; with
    /// `keep`, what is read is kept for the build to take.
    pub(super) fn open_nested(
        &self,
        kust: &LoadedKustomization,
        entry: &str,
        dir: &Path,
        role: KustomizationRole,
        chain: &BuildChain,
        keep: bool,
    ) -> Result<(LoadedKustomization, BuildChain)> {
        if let Some(remote) = &kust.remote {
            remote.check_contains(dir)?;
        }
        let chain = chain.descend(dir)?;
        let mut nested = self.load_kustomization(&kust.loader(self.loader), dir, role, keep)?;
        nested.origin = kust.origin.descend(entry);
        nested.remote = kust.remote.clone();
        Ok((nested, chain))
    }

    /// The kustomization in `dir`: the one the look-ahead read
    /// (`schema_plan.rs`) if it did, taken out of its keeping, else read
    /// now. With `keep` (the look-ahead itself), what is read is kept for
    /// the build.
    fn load_kustomization(
        &self,
        loader: &Loader,
        dir: &Path,
        role: KustomizationRole,
        keep: bool,
    ) -> Result<LoadedKustomization> {
        let key = (dir.to_path_buf(), loader.restrictor());
        let kept = self.read_ahead_lock().remove(&key);
        let loaded = match kept {
            Some(loaded) => loaded,
            None => LoadedKustomization::load(loader, dir)?,
        };
        loaded.check_role(role)?;
        if keep {
            self.read_ahead_lock().insert(key, loaded.clone());
        }
        Ok(loaded)
    }

    fn read_ahead_lock(
        &self,
    ) -> MutexGuard<'_, HashMap<(PathBuf, LoadRestrictor), LoadedKustomization>> {
        self.read_ahead.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Loads every `resources` entry (in parallel) and appends them in order.
    pub(super) fn accumulate_resources(
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
    pub(super) fn file_resources(
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
    pub(super) fn load_resolved(
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

    /// Reads a resource file. A file with SOPS metadata is decrypted with
    /// `--decrypt`; without it, it passes through as it is (as kustomize
    /// does) and is counted for [`Builder::encrypted_note`]. Damaged SOPS
    /// data is refused either way.
    pub(super) fn read_resource_file(&self, path: &Path) -> Result<Vec<crate::resource::Resource>> {
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
    pub(super) fn encrypted_note(&self) -> Option<String> {
        let count = self.encrypted_passed.load(Ordering::Relaxed);
        (count > 0).then(|| {
            format!(
                "note: {count} encrypted resource(s) with SOPS metadata were passed through \
                 still encrypted; use --decrypt (or KRUST_DECRYPT=1) to decrypt them"
            )
        })
    }

    /// The files `kust` names by path or URL (patches, `openapi`,
    /// `configurations`, `crds`, `replacements`).
    pub(super) fn files(&self, kust: &LoadedKustomization) -> PatchFiles {
        PatchFiles::new(kust.loader(self.loader), &kust.dir)
            .with_remote(Some(self.remote.clone()), &kust.file)
    }
}

/// Bytes of resource files below which reading them in parallel costs more
/// than it saves: the first parallel step starts the thread pool, about as
/// long as parsing this much YAML takes.
const PARALLEL_BYTES: u64 = 64 * 1024;

/// What a kustomization directory is taken to add beyond its own files
/// when weighing parallel loading: the bases it may pull in are unknown.
const DIR_EXTRA_BYTES: u64 = PARALLEL_BYTES / 4;

/// Whether these resolved entries are worth loading in parallel: more than
/// one, and either a remote among them (of unknown size, and slow) or
/// their files together large. A kustomization directory counts its own
/// files plus [`DIR_EXTRA_BYTES`], so an overlay of one small base and a
/// patch file stays sequential (its bases decide for themselves), while
/// four or more directories always share out. Small builds, the common
/// case in CI, then never start the thread pool at all.
fn worth_parallel(resolved: &[(&String, Result<Entry>)]) -> bool {
    if resolved.len() < 2 {
        return false;
    }
    let mut bytes = 0;
    for (_, entry) in resolved {
        match entry {
            Ok(Entry::File(path)) => bytes += file_bytes(path),
            Ok(Entry::Dir(path)) => bytes += dir_file_bytes(path) + DIR_EXTRA_BYTES,
            Ok(Entry::Remote(_)) => return true,
            Err(_) => {}
        }
    }
    bytes >= PARALLEL_BYTES
}

fn file_bytes(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Bytes of the files directly in `dir` (0 where it cannot be read: the
/// load reports that).
fn dir_file_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter_map(|entry| entry.metadata().ok())
        .filter(|meta| meta.is_file())
        .map(|meta| meta.len())
        .sum()
}
