//! Where patch text comes from: files named by a kustomization (read
//! through the load restrictor, or fetched when they are URLs) or inline
//! strings, and the reading of strategic merge patches as resources.

use crate::load::{resources_from_documents, Loader};
use crate::remote::redact::redact;
use crate::remote::{is_http_url, read_remote_file, Session};
use crate::resource::Resource;
use anyhow::{anyhow, Context, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Reads the files one kustomization names by path (patches, `openapi`,
/// `configurations`, `crds`, `replacements`): paths are relative to its
/// directory and restricted as its `resources` files are; an `http(s)://`
/// URL is downloaded instead, whatever the restrictor says, as kustomize's
/// loader does for every such field.
#[derive(Debug, Clone)]
pub struct PatchFiles {
    loader: Loader,
    dir: PathBuf,
    remote: Option<Arc<Session>>,
    /// The kustomization file, named in errors about URLs (a local path
    /// names its directory already).
    kustomization: Option<PathBuf>,
}

impl PatchFiles {
    /// Files of the kustomization in `dir` (resolved, as
    /// [`crate::load::LoadedKustomization::dir`] holds it); URLs cannot be
    /// read until [`PatchFiles::with_remote`] gives a build's session.
    pub fn new(loader: Loader, dir: &Path) -> PatchFiles {
        PatchFiles {
            loader,
            dir: dir.to_path_buf(),
            remote: None,
            kustomization: None,
        }
    }

    /// The same files, with URLs fetched through `session`, of the
    /// kustomization file `kustomization`.
    pub fn with_remote(self, session: Option<Arc<Session>>, kustomization: &Path) -> PatchFiles {
        PatchFiles {
            remote: session,
            kustomization: Some(kustomization.to_path_buf()),
            ..self
        }
    }

    /// The whole text of the file at `path`. Errors name the path.
    pub fn read(&self, path: &str) -> Result<String> {
        if is_http_url(path) {
            return self.read_url(path).with_context(|| {
                let named_by = self.kustomization.as_deref().unwrap_or(&self.dir);
                format!("'{}' of {}", redact(path), named_by.display())
            });
        }
        let file = self.loader.resolve_file(&self.dir, &self.dir, path)?;
        crate::load::read_input_text(&file)
            .with_context(|| format!("cannot read {}", file.display()))
    }
}

impl PatchFiles {
    fn read_url(&self, url: &str) -> Result<String> {
        let bytes = read_remote_file(self.remote.as_deref(), url)?;
        String::from_utf8(bytes).map_err(|_| anyhow!("the body is not UTF-8 text"))
    }
}

/// Reads strategic merge patches from YAML text, as kustomize reads
/// resources: several documents, `List` kinds expanded, empty documents
/// skipped, and every patch needing a `kind` and a `metadata.name`.
/// `origin` names the text in errors.
pub fn strategic_merge_patches(text: &str, origin: &str) -> Result<Vec<Resource>> {
    let origin = Path::new(origin);
    let docs = crate::yaml::parse_patch_documents(text, origin).map_err(|e| anyhow!(e))?;
    resources_from_documents(docs, origin)
}

/// Go's `%q` for a patch's text in messages (close enough: Rust's debug
/// escaping, which agrees on quotes, backslashes and line breaks).
pub fn quoted(text: &str) -> String {
    format!("{text:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_several_documents_and_rejects_non_resources() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n\
                    apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n";
        let patches = strategic_merge_patches(text, "p.yaml").unwrap();
        assert_eq!(patches.len(), 2);
        assert_eq!(patches[1].name(), "b");
        assert!(strategic_merge_patches("- op: add\n  path: /a\n", "p.yaml").is_err());
        assert!(strategic_merge_patches("patch.yaml", "inline").is_err());
        assert!(strategic_merge_patches("", "p.yaml").unwrap().is_empty());
        assert!(strategic_merge_patches("# comment\n", "p.yaml")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn files_are_restricted_to_the_kustomization() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("k");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("p.yaml"), "x: 1\n").unwrap();
        std::fs::write(dir.path().join("outside.yaml"), "x: 1\n").unwrap();
        let root = root.canonicalize().unwrap();
        let files = PatchFiles::new(Loader::default(), &root);
        assert_eq!(files.read("p.yaml").unwrap(), "x: 1\n");
        assert!(files.read("../outside.yaml").is_err());
        assert!(files.read("missing.yaml").is_err());
    }

    #[test]
    fn urls_are_fetched_through_the_session_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let url = "https://example.com/patch.yaml";
        let alone = PatchFiles::new(Loader::default(), &root);
        let e = format!("{:#}", alone.read(url).unwrap_err());
        assert!(e.contains("only fetched during a build"), "{e}");
        // An offline session with an empty cache: the URL is not read from
        // disk, and the message names it and the kustomization.
        let session = Session::new(crate::remote::RemoteOptions {
            offline: true,
            cache_dir: Some(root.join("cache")),
        });
        let kustomization = root.join("kustomization.yaml");
        let files = alone.with_remote(Some(session), &kustomization);
        let e = format!("{:#}", files.read(url).unwrap_err());
        assert!(e.contains("offline") && e.contains(url), "{e}");
        assert!(e.contains(&kustomization.display().to_string()), "{e}");
        assert!(!e.contains("security"), "{e}");
    }
}
