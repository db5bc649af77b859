//! The paths in origin annotations: every one is relative to the directory
//! being built, made by joining the `resources` (or `components`) entries
//! that lead to it, as kustomize does with Go's `filepath.Join`.
//!
//! So a base listed as `../base` in the overlay being built gives its file
//! `namespace.yaml` the path `../base/namespace.yaml`, and its kustomization
//! file `../base/kustomization.yaml` as `configuredIn`, however the
//! directories are laid out on disk.

use super::origin::{ConfiguredBy, Origin};
use crate::gopath::go_join;
use std::path::Path;
use std::sync::Arc;

/// Where a kustomization sits in the build for origin annotations: the
/// joined path of the entries leading to it from the build root, or nothing
/// when origins are not tracked (no `buildMetadata` at the top).
///
/// Cheap to clone: the path is shared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginScope {
    dir: Option<Arc<str>>,
    /// The repository and ref of the remote base this scope lies in.
    remote: Option<Arc<(String, String)>>,
}

impl OriginScope {
    /// The scope of the directory being built. kustomize tracks origins when
    /// the top kustomization's `buildMetadata` lists anything at all, and
    /// strips the annotations at the end unless asked to keep them.
    pub fn for_build_root(build_metadata: &[String]) -> OriginScope {
        OriginScope {
            dir: (!build_metadata.is_empty()).then(|| Arc::from("")),
            remote: None,
        }
    }

    /// A scope that tracks nothing.
    pub fn untracked() -> OriginScope {
        OriginScope::default()
    }

    /// True when origins are tracked in this build.
    pub fn is_tracking(&self) -> bool {
        self.dir.is_some()
    }

    /// The scope of the kustomization (or component) at `entry`, a
    /// directory entry of the kustomization in this scope.
    ///
    /// As in kustomize, an entry that reads as a repository URL starts a
    /// new path from the repository's root, recording its URL and ref.
    pub fn descend(&self, entry: &str) -> OriginScope {
        let Some(dir) = self.dir.as_deref() else {
            return OriginScope::default();
        };
        match crate::remote::RepoSpec::parse(entry) {
            Ok(spec) => OriginScope {
                dir: Some(Arc::from(spec.origin_path())),
                remote: Some(Arc::new((spec.clone_spec(), spec.git_ref))),
            },
            Err(_) => OriginScope {
                dir: Some(Arc::from(go_join(dir, entry))),
                remote: self.remote.clone(),
            },
        }
    }

    /// The origin of the resources read from the file `entry` (a
    /// `resources`, `generators` or `transformers` entry of the
    /// kustomization in this scope). Build it once per file and share it.
    pub fn file(&self, entry: &str) -> Option<Arc<Origin>> {
        let scope = self.descend(entry);
        let mut origin = Origin::file(scope.dir.as_deref()?.to_string());
        scope.set_remote(&mut origin);
        Some(Arc::new(origin))
    }

    /// Records the scope's repository and ref in `origin`.
    fn set_remote(&self, origin: &mut Origin) {
        if let Some(remote) = &self.remote {
            origin.repo = remote.0.clone();
            origin.git_ref = remote.1.clone();
        }
    }

    /// The origin of a config written inline in the kustomization file
    /// `kustomization` (a `generators:`/`transformers:` entry that is YAML
    /// rather than a path): kustomize gives it the kustomization file's path.
    pub fn inline(&self, kustomization: &Path) -> Option<Arc<Origin>> {
        self.file(&file_name(kustomization))
    }

    /// The origin of what a builtin generator or transformer configured by
    /// the kustomization file `kustomization` made or changed; `kind` is the
    /// builtin's name (`ConfigMapGenerator`, `PrefixTransformer`, ...).
    pub fn builtin(&self, kustomization: &Path, kind: &str) -> Option<Arc<Origin>> {
        let dir = self.dir.as_deref()?;
        let mut origin = Origin::configured(
            go_join(dir, &file_name(kustomization)),
            ConfiguredBy::builtin(kind),
        );
        self.set_remote(&mut origin);
        Some(Arc::new(origin))
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untracked_scopes_give_no_origins() {
        let scope = OriginScope::for_build_root(&[]);
        assert!(!scope.is_tracking());
        assert!(scope.descend("../base").file("a.yaml").is_none());
        let kust = Path::new("/k/kustomization.yaml");
        assert!(scope.builtin(kust, "PrefixTransformer").is_none());
    }

    #[test]
    fn tracked_scopes_join_entries() {
        let root = OriginScope::for_build_root(&["managedByLabel".to_string()]);
        assert!(root.is_tracking());
        let base = root.descend("../base/");
        assert_eq!(base.file("ns.yaml").unwrap().path, "../base/ns.yaml");
        let kust = Path::new("/k/base/kustomization.yml");
        let builtin = base.builtin(kust, "PrefixTransformer").unwrap();
        assert_eq!(builtin.configured_in, "../base/kustomization.yml");
        assert_eq!(
            builtin.configured_by.as_ref().unwrap().kind,
            "PrefixTransformer"
        );
        assert_eq!(root.inline(kust).unwrap().path, "kustomization.yml");
    }

    #[test]
    fn repository_urls_start_a_remote_scope() {
        let root = OriginScope::for_build_root(&["originAnnotations".to_string()]);
        let remote = root.descend("https://github.com/org/repo//deploy/base?ref=v1");
        let file = remote.file("svc.yaml").unwrap();
        assert_eq!(file.path, "deploy/base/svc.yaml");
        assert_eq!(file.repo, "https://github.com/org/repo");
        assert_eq!(file.git_ref, "v1");
        assert_eq!(
            file.annotation_text(),
            "path: deploy/base/svc.yaml\nrepo: https://github.com/org/repo\nref: v1\n"
        );
        // A local base inside the repository keeps the repository.
        let local = remote.descend("../common").file("cm.yaml").unwrap();
        assert_eq!(local.path, "deploy/common/cm.yaml");
        assert_eq!(local.repo, "https://github.com/org/repo");
        let kust = Path::new("/c/deploy/base/kustomization.yaml");
        let builtin = remote.builtin(kust, "LabelTransformer").unwrap();
        assert_eq!(builtin.configured_in, "deploy/base/kustomization.yaml");
        assert_eq!(builtin.git_ref, "v1");
        // The repository root is recorded as kustomize's placeholder.
        let at_root = root.descend("github.com/org/repo").file("a.yaml").unwrap();
        assert_eq!(at_root.path, "notCloned/a.yaml");
        // An HTTP file that reads as a repository URL gets one too.
        let raw = root
            .file("https://raw.githubusercontent.com/org/repo/main/x.yaml")
            .unwrap();
        assert_eq!(raw.repo, "https://raw.githubusercontent.com/org/repo");
        assert_eq!(raw.path, "main/x.yaml");
        assert_eq!(raw.git_ref, "");
    }
}
