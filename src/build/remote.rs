//! The build's remote entries: kustomizations in git repositories and
//! HTTP(S) files, loaded as kustomize's file loader loads them.
//!
//! * A repository URL is checked out (through the build's
//!   [`crate::remote::Session`] and the shared cache); the kustomization at
//!   the URL's directory is built with its files restricted to its
//!   directory and its bases to the repository, whatever
//!   `--load-restrictor` says.
//! * An `http(s)://` URL is downloaded and read as a file of resources;
//!   when the server does not answer 2xx, or the body is not resources,
//!   and the URL reads as a repository, it is checked out instead.
//! * A URL that is a prefix of a remote kustomization above it is a cycle.

use super::accumulate::{Accumulated, Builder};
use crate::generate::kv::parse_file_source;
use crate::kustomization::{Kustomization, KustomizationRole, LoadedKustomization};
use crate::load::{BuildChain, Entry, LoadRestrictor, Loader};
use crate::remote::http::Answer;
use crate::remote::redact::redact;
use crate::remote::{is_http_url, RemoteEntry, RemoteRoot, RepoSpec};
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;

impl Builder {
    /// Loads the build's target: a directory, or a repository URL.
    pub(super) fn load_root(&self, dir: &Path) -> Result<LoadedKustomization> {
        let spec = dir.to_str().and_then(|text| RepoSpec::parse(text).ok());
        let Some(spec) = spec else {
            return LoadedKustomization::load_as(&self.loader, dir, KustomizationRole::Root);
        };
        let (real, root) = self.checkout(&spec, &[])?;
        let only_root = Loader::new(LoadRestrictor::RootOnly);
        let mut top = LoadedKustomization::load_as(&only_root, &real, KustomizationRole::Root)
            .with_context(|| format!("in {}", redact(&spec.raw)))?;
        top.remote = Some(root);
        Ok(top)
    }

    /// Starts fetching the remote entries among `entries` of `kust`, so
    /// that they download in parallel while the build goes on.
    pub(super) fn prefetch(&self, kust: &LoadedKustomization, entries: &[String]) {
        let loader = kust.loader(self.loader);
        let (mut specs, mut urls) = (Vec::new(), Vec::new());
        for entry in entries {
            match loader.resolve_entry(&kust.dir, &kust.dir, entry) {
                Ok(Entry::Remote(RemoteEntry::Git(spec))) => specs.push(spec),
                Ok(Entry::Remote(RemoteEntry::Http(url))) => urls.push(url),
                _ => {}
            }
        }
        if specs.len() + urls.len() > 0 {
            self.remote.prefetch(specs, urls);
        }
    }

    /// Starts downloading the files `kust` names by URL outside its
    /// `resources` (patches, generator sources, `configurations`, ...),
    /// which the build reads one at a time later on.
    pub(super) fn prefetch_files(&self, kust: &LoadedKustomization) {
        let urls = file_urls(&kust.kustomization);
        if !urls.is_empty() {
            self.remote.prefetch(Vec::new(), urls);
        }
    }

    /// Loads the remote `resources` (or plugin) entry `entry` of `kust`.
    pub(super) fn load_remote_resource(
        &self,
        kust: &LoadedKustomization,
        entry: &str,
        remote: &RemoteEntry,
        chain: &BuildChain,
    ) -> Result<Accumulated> {
        let loaded = match remote {
            RemoteEntry::Git(spec) => self.accumulate_remote(kust, spec, chain),
            RemoteEntry::Http(url) => self.load_http(kust, entry, url, chain),
        };
        loaded.with_context(|| {
            format!(
                "remote entry '{}' of {}",
                redact(remote.raw()),
                kust.file.display()
            )
        })
    }

    /// An HTTP(S) entry: a file of resources, or else a repository.
    fn load_http(
        &self,
        kust: &LoadedKustomization,
        entry: &str,
        url: &str,
        chain: &BuildChain,
    ) -> Result<Accumulated> {
        let spec = RepoSpec::parse(url).ok();
        let file_error = match self.remote.download(url).map_err(|e| anyhow!(e)) {
            Ok(answer) => match (&*answer, &spec) {
                (Answer::Body(body), _) => match self.http_resources(kust, entry, url, body) {
                    Ok(acc) => return Ok(acc),
                    Err(e) => e,
                },
                (Answer::Status(code), None) => bail!("{}: HTTP status {code}", redact(url)),
                (Answer::Status(code), Some(_)) => anyhow!("HTTP status {code}"),
            },
            Err(e) => e,
        };
        let Some(spec) = spec else {
            return Err(file_error);
        };
        self.accumulate_remote(kust, &spec, chain)
            .map_err(|e| anyhow!("{e:#} (read as a file: {file_error:#})"))
    }

    /// The resources in a downloaded body.
    fn http_resources(
        &self,
        kust: &LoadedKustomization,
        entry: &str,
        url: &str,
        body: &[u8],
    ) -> Result<Accumulated> {
        let text = std::str::from_utf8(body).context("the body is not UTF-8 text")?;
        let resources = crate::load::resources_from_text(text, Path::new(&redact(url)))?;
        self.file_resources(kust, entry, resources)
    }

    /// Builds the kustomization a repository URL names, as a base.
    fn accumulate_remote(
        &self,
        kust: &LoadedKustomization,
        spec: &RepoSpec,
        chain: &BuildChain,
    ) -> Result<Accumulated> {
        let (child, chain) = self.load_remote(kust, spec, KustomizationRole::Resource, chain)?;
        self.accumulate_target(&child, &chain)
            .with_context(|| format!("recursed accumulation of '{}'", redact(&spec.raw)))
    }

    /// Checks out and loads the kustomization a repository URL names, one
    /// remote level down `chain`.
    pub(super) fn load_remote(
        &self,
        kust: &LoadedKustomization,
        spec: &RepoSpec,
        role: KustomizationRole,
        chain: &BuildChain,
    ) -> Result<(LoadedKustomization, BuildChain)> {
        let (nested, chain) = self.open_remote(kust, spec, role, chain)?;
        self.enter_nested(&nested)?;
        Ok((nested, chain))
    }

    /// [`Builder::load_remote`] without noting its `openapi:` field.
    pub(super) fn open_remote(
        &self,
        kust: &LoadedKustomization,
        spec: &RepoSpec,
        role: KustomizationRole,
        chain: &BuildChain,
    ) -> Result<(LoadedKustomization, BuildChain)> {
        let above = kust.remote.as_ref().map_or(&[][..], |r| r.chain.as_slice());
        let (dir, root) = self.checkout(spec, above)?;
        let chain = chain.descend_remote(&dir);
        let only_root = Loader::new(LoadRestrictor::RootOnly);
        let mut nested = LoadedKustomization::load_as(&only_root, &dir, role)
            .with_context(|| format!("in {}", redact(&spec.raw)))?;
        nested.origin = kust.origin.descend(&spec.raw);
        nested.remote = Some(root);
        Ok((nested, chain))
    }

    /// The directory of the kustomization `spec` names, checked out, and
    /// what the loader must know about its repository. `above` are the
    /// remote URLs on the way here.
    fn checkout(&self, spec: &RepoSpec, above: &[String]) -> Result<(PathBuf, Arc<RemoteRoot>)> {
        if let Some(previous) = above.iter().find(|p| p.starts_with(&spec.raw)) {
            bail!(
                "cycle detected: URI '{}' referenced by previous URI '{}'",
                redact(&spec.raw),
                redact(previous)
            );
        }
        let repo = self.remote.repository(spec).map_err(|e| anyhow!(e))?;
        let repo = repo
            .canonicalize()
            .with_context(|| format!("cannot read {}", repo.display()))?;
        let inside = spec.dir_in_repo();
        let dir = match repo.join(&inside).canonicalize() {
            Ok(dir) if dir.is_dir() => dir,
            Ok(_) => bail!(
                "'{inside}' in {} is a file; expecting a directory",
                redact(&spec.raw)
            ),
            Err(_) => bail!(
                "no directory '{inside}' in {} at '{}'",
                redact(&spec.clone_spec()),
                spec.ref_or_head()
            ),
        };
        if !dir.starts_with(&repo) {
            bail!(
                "'{inside}' in {} refers to a directory outside of the repository",
                redact(&spec.raw)
            );
        }
        let mut chain = above.to_vec();
        chain.push(spec.raw.clone());
        Ok((
            dir,
            Arc::new(RemoteRoot {
                repo_dir: repo,
                chain,
            }),
        ))
    }
}

/// The `http(s)://` URLs among the file paths of `k`'s own fields (not
/// those inside plugin configs, which are read later).
fn file_urls(k: &Kustomization) -> Vec<String> {
    let generators = k.config_map_generator.iter().chain(&k.secret_generator);
    let sources = generators.flat_map(|g| {
        let files = g.files.iter().filter_map(|f| parse_file_source(f).ok());
        let files = files.map(|(_, path)| path);
        g.envs.iter().chain([&g.env]).cloned().chain(files)
    });
    let replacements = k
        .replacements
        .iter()
        .filter_map(|r| r.get("path")?.as_str());
    let patches = k.patches.iter().chain(&k.patches_json6902);
    patches
        .map(|p| p.path.as_str())
        .chain(k.patches_strategic_merge.iter().map(String::as_str))
        .chain(k.configurations.iter().chain(&k.crds).map(String::as_str))
        .chain(k.openapi.get("path").map(String::as_str))
        .chain(replacements)
        .map(str::to_string)
        .chain(sources)
        .filter(|path| is_http_url(path))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_of_every_field() {
        let text = "patches: [{path: 'https://h/p.yaml'}, {path: local.yaml}]\n\
            patchesStrategicMerge: ['http://h/s.yaml']\n\
            patchesJson6902: [{path: 'https://h/j.yaml', target: {name: x}}]\n\
            replacements: [{path: 'https://h/r.yaml'}]\n\
            configurations: ['https://h/c.yaml']\ncrds: ['https://h/d.json']\n\
            openapi: {path: 'https://h/o.json'}\n\
            configMapGenerator: [{name: g, files: ['k=https://h/f.txt', 'https://h/g.txt', \
            'bad=https://h/x?a=b'], envs: ['https://h/e.env']}]\n\
            secretGenerator: [{name: s, env: 'https://h/old.env'}]\n";
        let doc = crate::yaml::parse_documents(text, Path::new("k.yaml")).unwrap();
        let json = serde_json::Value::from(&doc[0]);
        let k: Kustomization = serde_json::from_value(json).unwrap();
        let names: Vec<String> = file_urls(&k)
            .iter()
            .map(|u| u.rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "p.yaml", "j.yaml", "s.yaml", "c.yaml", "d.json", "o.json", "r.yaml", "e.env",
                "f.txt", "g.txt", "old.env"
            ]
        );
    }
}
