//! Finding the environments under a tree such as `deployments/`.
//!
//! `krust render deployments` needs no list of directories: every
//! kustomization directory below an `overlays` directory is an environment.
//! Below `overlays`, the search stops at the first directory holding a
//! kustomization file, so parts of an environment (`overlays/prod/app`) are
//! not environments of their own. The render's output directory, hidden
//! directories and `target/` are never searched, so a committed rendered tree
//! inside the searched tree (`deployments/rendered/`) is not mistaken for
//! input.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The file names kustomize accepts for a kustomization.
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// True when `dir` holds a kustomization file.
pub fn is_kustomization_dir(dir: &Path) -> bool {
    KUSTOMIZATION_FILES.iter().any(|n| dir.join(n).is_file())
}

/// Expands the command line's directories: a kustomization directory stands
/// for itself; any other directory for the environments found below it
/// (sorted). `output_dir` is skipped while searching. A directory with no
/// environment below it is an error that names it.
pub fn expand_dirs(dirs: &[PathBuf], output_dir: &Path) -> Result<Vec<PathBuf>> {
    let skip = output_dir.canonicalize().ok();
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
        let found = environments_below(dir, skip.as_deref())?;
        if found.is_empty() {
            bail!(
                "{}: no kustomization file, and no environments under an `overlays` directory below it",
                dir.display()
            );
        }
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
    search(dir, in_overlays, skip, &mut found)?;
    found.sort();
    Ok(found)
}

/// Walks `dir`; `in_overlays` is true below an `overlays` directory.
fn search(
    dir: &Path,
    in_overlays: bool,
    skip: Option<&Path>,
    found: &mut Vec<PathBuf>,
) -> Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        if !entry.file_type().is_ok_and(|t| t.is_dir()) || is_ignored(&entry.file_name()) {
            continue;
        }
        let path = entry.path();
        if skip.is_some_and(|skip| path.canonicalize().is_ok_and(|p| p == skip)) {
            continue;
        }
        if in_overlays && is_kustomization_dir(&path) {
            found.push(path);
        } else {
            let below_overlays = in_overlays || entry.file_name() == "overlays";
            search(&path, below_overlays, skip, found)?;
        }
    }
    Ok(())
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
        let found = expand_dirs(&[root.path().to_path_buf()], &out).unwrap();
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
        let found = expand_dirs(std::slice::from_ref(&dir), &root.path().join("out")).unwrap();
        assert_eq!(found, [dir]);
    }

    #[test]
    fn a_tree_without_environments_is_an_error() {
        let root = tree(&["base/kustomization.yaml"]);
        let err = expand_dirs(&[root.path().to_path_buf()], Path::new("out")).unwrap_err();
        assert!(err.to_string().contains("no environments"), "{err}");
        let missing = root.path().join("nope");
        let err = expand_dirs(&[missing], Path::new("out")).unwrap_err();
        assert!(err.to_string().contains("not a directory"), "{err}");
    }
}
