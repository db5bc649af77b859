//! Finding the directories to render under a tree such as `deployments/`.
//!
//! `krust render deployments` needs no list of directories. With the
//! default layout, every kustomization directory below an `overlays`
//! directory is an environment; below `overlays`, the search stops at the
//! first directory holding a kustomization file, so parts of an environment
//! (`overlays/prod/app`) are not environments of their own. With the path
//! layout, every kustomization directory of the tree is rendered except
//! components (`kind: Component`), which cannot be built on their own.
//!
//! The render's output directory, hidden directories and `target/` are never
//! searched, so a committed rendered tree inside the searched tree
//! (`deployments/rendered/`) is not mistaken for input.

use super::Layout;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The file names kustomize accepts for a kustomization.
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// True when `dir` holds a kustomization file.
pub fn is_kustomization_dir(dir: &Path) -> bool {
    KUSTOMIZATION_FILES.iter().any(|n| dir.join(n).is_file())
}

/// Which directories a search collects.
#[derive(Clone, Copy)]
struct Search<'a> {
    /// Every kustomization that is not a component (path layout), or only
    /// the first ones below `overlays` (environments layout).
    everything: bool,
    /// The output directory, canonical, when it exists.
    skip: Option<&'a Path>,
}

/// Expands the command line's directories: a kustomization directory stands
/// for itself; any other directory for the directories `layout` renders
/// below it (sorted). `output_dir` is skipped while searching. A directory
/// with nothing to render below it is an error that names it.
pub fn expand_dirs(dirs: &[PathBuf], output_dir: &Path, layout: &Layout) -> Result<Vec<PathBuf>> {
    let skip = output_dir.canonicalize().ok();
    let search = Search {
        everything: matches!(layout, Layout::Path { .. }),
        skip: skip.as_deref(),
    };
    let mut expanded = Vec::new();
    for dir in dirs {
        if is_kustomization_dir(dir) {
            expanded.push(dir.clone());
            continue;
        }
        if !dir.is_dir() {
            bail!(
                "{}: not a directory (expected a kustomization directory or a tree of systems)",
                dir.display()
            );
        }
        let mut found = Vec::new();
        let in_overlays = !search.everything && dir.file_name().is_some_and(|n| n == "overlays");
        search.walk(dir, in_overlays, &mut found)?;
        if found.is_empty() && search.everything {
            bail!(
                "{}: no kustomization file, and no kustomization below it",
                dir.display()
            );
        }
        if found.is_empty() {
            bail!(
                "{}: no kustomization file, and no environments under an `overlays` directory below it",
                dir.display()
            );
        }
        found.sort();
        expanded.extend(found);
    }
    Ok(expanded)
}

/// The environments below `dir` (which is searched, not taken for one
/// itself; it may be an `overlays` directory), sorted; `skip` is not
/// searched. Empty when there are none.
pub fn environments_below(dir: &Path, skip: Option<&Path>) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let in_overlays = dir.file_name().is_some_and(|n| n == "overlays");
    let search = Search {
        everything: false,
        skip,
    };
    search.walk(dir, in_overlays, &mut found)?;
    found.sort();
    Ok(found)
}

impl Search<'_> {
    /// Walks `dir`; `in_overlays` is true below an `overlays` directory.
    fn walk(self, dir: &Path, in_overlays: bool, found: &mut Vec<PathBuf>) -> Result<()> {
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
            if !entry.file_type().is_ok_and(|t| t.is_dir()) || is_ignored(&entry.file_name()) {
                continue;
            }
            let path = entry.path();
            if self
                .skip
                .is_some_and(|skip| path.canonicalize().is_ok_and(|p| p == skip))
            {
                continue;
            }
            if self.everything {
                if is_kustomization_dir(&path) && !is_component(&path) {
                    found.push(path.clone());
                }
                self.walk(&path, false, found)?;
            } else if in_overlays && is_kustomization_dir(&path) {
                found.push(path);
            } else {
                let below_overlays = in_overlays || entry.file_name() == "overlays";
                self.walk(&path, below_overlays, found)?;
            }
        }
        Ok(())
    }
}

/// True when the kustomization file in `dir` declares `kind: Component`.
/// A file that cannot be read or parsed counts as buildable: its build
/// reports the problem.
fn is_component(dir: &Path) -> bool {
    KUSTOMIZATION_FILES.iter().any(|name| {
        let path = dir.join(name);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return false;
        };
        crate::yaml::parse_documents(&text, &path).is_ok_and(|docs| {
            docs.first()
                .and_then(|doc| doc.str_at(&["kind"]))
                .is_some_and(|kind| kind == "Component")
        })
    })
}

/// Hidden directories (`.git`) and cargo's `target/` hold no environments.
fn is_ignored(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') || n == "target")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        for file in files {
            let path = root.path().join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "resources: []\n").unwrap();
        }
        root
    }

    fn relative(root: &Path, dirs: Vec<PathBuf>) -> Vec<String> {
        dirs.iter()
            .map(|d| d.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn finds_environments_below_overlays_only() {
        let root = tree(&[
            "shop/base/kustomization.yaml",
            "shop/overlays/prod/kustomization.yaml",
            "shop/overlays/prod/app/kustomization.yaml",
            "shop/overlays/dev/Kustomization",
            "shop/overlays/regions/eu/kustomization.yml",
            "shop/components/x/kustomization.yaml",
            "rendered/shop/overlays/old/kustomization.yaml",
            ".git/overlays/x/kustomization.yaml",
        ]);
        let out = root.path().join("rendered");
        let found = expand_dirs(&[root.path().to_path_buf()], &out, &Layout::default()).unwrap();
        assert_eq!(
            relative(root.path(), found),
            [
                "shop/overlays/dev",
                "shop/overlays/prod",
                "shop/overlays/regions/eu"
            ]
        );
    }

    #[test]
    fn a_kustomization_directory_stands_for_itself() {
        let root = tree(&["base/kustomization.yaml"]);
        let dir = root.path().join("base");
        let out = root.path().join("out");
        let found = expand_dirs(std::slice::from_ref(&dir), &out, &Layout::default()).unwrap();
        assert_eq!(found, [dir]);
    }

    #[test]
    fn a_tree_without_environments_is_an_error() {
        let root = tree(&["base/kustomization.yaml"]);
        let layout = Layout::default();
        let err = expand_dirs(&[root.path().to_path_buf()], Path::new("out"), &layout).unwrap_err();
        assert!(err.to_string().contains("no environments"), "{err}");
        let missing = root.path().join("nope");
        let err = expand_dirs(&[missing], Path::new("out"), &layout).unwrap_err();
        assert!(err.to_string().contains("not a directory"), "{err}");
    }

    #[test]
    fn the_path_layout_finds_every_kustomization_but_components() {
        let root = tree(&[
            "a/base/kustomization.yaml",
            "a/base/nested/kustomization.yaml",
            "a/overlays/prod/kustomization.yaml",
            "b/upstream/base/kustomization.yml",
            "out/x/kustomization.yaml",
            ".hidden/kustomization.yaml",
        ]);
        let component = root.path().join("a/components/c/kustomization.yaml");
        fs::create_dir_all(component.parent().unwrap()).unwrap();
        fs::write(
            component,
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
        )
        .unwrap();
        let layout = Layout::path(root.path()).unwrap();
        let out = root.path().join("out");
        let found = expand_dirs(&[root.path().to_path_buf()], &out, &layout).unwrap();
        assert_eq!(
            relative(root.path(), found),
            [
                "a/base",
                "a/base/nested",
                "a/overlays/prod",
                "b/upstream/base"
            ]
        );
        let empty = tree(&["x/readme.txt"]);
        let err = expand_dirs(&[empty.path().to_path_buf()], &out, &layout).unwrap_err();
        assert!(
            err.to_string().contains("no kustomization below it"),
            "{err}"
        );
    }
}
