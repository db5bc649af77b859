//! The environments one `krust diff` call compares, and their two sides.
//!
//! A side is a kustomization directory (built), a YAML file (a render,
//! read as it is) or nothing (an environment that was added or deleted).
//! A directory with no kustomization file is a *tree* and stands for every
//! environment below it, matched by relative path between the two sides:
//! the kustomization directories below an `overlays` directory (as
//! `krust render` finds them) when either side has any, else every `.yaml`
//! and `.yml` file (a tree `krust render` wrote). Hidden directories and
//! `target/` are not searched.

use super::source::{self, Snapshot};
use crate::build::{build, BuildOptions};
use crate::render_all::discover::{environments_below, is_kustomization_dir};
use crate::resource::ResourceList;
use crate::yaml::{parse_documents, Value};
use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One side of an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A kustomization directory, built.
    Kustomization(PathBuf),
    /// A YAML stream of resources, read as it is.
    File(PathBuf),
    /// Nothing: the environment is new, or was deleted.
    Absent,
}

/// An environment to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// How it is shown: the path given, or its path relative to the trees.
    pub name: String,
    /// The old side.
    pub old: Input,
    /// The new side.
    pub new: Input,
}

/// What is at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Missing,
    File,
    Kustomization,
    Tree,
}

fn shape(path: &Path) -> Shape {
    if path.is_file() {
        Shape::File
    } else if is_kustomization_dir(path) {
        Shape::Kustomization
    } else if path.is_dir() {
        Shape::Tree
    } else {
        Shape::Missing
    }
}

fn input(path: &Path, shape: Shape) -> Input {
    match shape {
        Shape::File => Input::File(path.to_path_buf()),
        Shape::Kustomization => Input::Kustomization(path.to_path_buf()),
        Shape::Missing | Shape::Tree => Input::Absent,
    }
}

/// `krust diff OLD NEW`: two kustomization directories or files (one
/// environment), or two trees (their environments).
pub fn for_paths(old: &Path, new: &Path) -> Result<Vec<Environment>> {
    for path in [old, new] {
        if shape(path) == Shape::Missing {
            bail!("{}: no such file or directory", path.display());
        }
    }
    pair_up(&new.display().to_string(), old, new, false)
}

/// `krust diff --base REF PATH...`: each path as of `revision` against the
/// working tree. A path may be missing on one side (an environment added or
/// deleted), not on both. Returns the snapshots the old sides live in, to
/// be kept until the builds are done.
pub fn for_revision(
    paths: &[PathBuf],
    revision: &str,
) -> Result<(Vec<Snapshot>, Vec<Environment>)> {
    let mut snapshots: Vec<(PathBuf, Snapshot)> = Vec::new();
    let mut environments = Vec::new();
    for path in paths {
        let located = source::locate(path)?;
        let index = match snapshots.iter().position(|(top, _)| *top == located.top) {
            Some(index) => index,
            None => {
                snapshots.push((
                    located.top.clone(),
                    source::snapshot(&located.top, revision)?,
                ));
                snapshots.len() - 1
            }
        };
        let old = snapshots[index].1.path_of(&located.relative);
        if shape(&old) == Shape::Missing && shape(path) == Shape::Missing {
            bail!(
                "{}: exists neither in the working tree nor at {revision}",
                path.display()
            );
        }
        environments.extend(pair_up(&path.display().to_string(), &old, path, true)?);
    }
    environments.sort_by(|a, b| a.name.cmp(&b.name));
    environments.dedup_by(|a, b| a.name == b.name);
    let snapshots = snapshots.into_iter().map(|(_, s)| s).collect();
    Ok((snapshots, environments))
}

/// The environments of one pair of paths. `names_from_new` names tree
/// members by the new path joined with their relative path (the old path
/// is a temporary snapshot); otherwise by their relative path alone.
fn pair_up(name: &str, old: &Path, new: &Path, names_from_new: bool) -> Result<Vec<Environment>> {
    let (mut old_shape, mut new_shape) = (shape(old), shape(new));
    if names_from_new {
        // Across revisions, a directory left without its kustomization
        // file (untracked leftovers, say) is a deleted environment.
        let is_single = |s: Shape| matches!(s, Shape::File | Shape::Kustomization);
        match (old_shape, new_shape) {
            (Shape::Tree, s) if is_single(s) => old_shape = Shape::Missing,
            (s, Shape::Tree) if is_single(s) => new_shape = Shape::Missing,
            _ => {}
        }
    }
    let single = |s: Shape| matches!(s, Shape::File | Shape::Kustomization | Shape::Missing);
    let tree = |s: Shape| matches!(s, Shape::Tree | Shape::Missing);
    if single(old_shape) && single(new_shape) {
        return Ok(vec![Environment {
            name: name.to_string(),
            old: input(old, old_shape),
            new: input(new, new_shape),
        }]);
    }
    if !(tree(old_shape) && tree(new_shape)) {
        bail!(
            "{} and {} are not alike: compare two kustomization directories or files, or two trees of them",
            old.display(),
            new.display()
        );
    }
    let members = tree_members(old, new)?;
    if members.is_empty() {
        bail!(
            "{name}: no environments below it (kustomization directories under an `overlays` directory) and no YAML files"
        );
    }
    Ok(members
        .into_iter()
        .map(|relative| {
            let (old, new) = (old.join(&relative), new.join(&relative));
            let shown = if names_from_new {
                new.display().to_string()
            } else {
                relative.display().to_string()
            };
            Environment {
                name: shown,
                old: input(&old, shape(&old)),
                new: input(&new, shape(&new)),
            }
        })
        .collect())
}

/// The relative paths of the environments in either tree: kustomization
/// directories when either tree has some, else YAML files.
fn tree_members(old: &Path, new: &Path) -> Result<BTreeSet<PathBuf>> {
    let relative = |root: &Path, found: Vec<PathBuf>| -> Vec<PathBuf> {
        found
            .into_iter()
            .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf))
            .collect()
    };
    let mut members = BTreeSet::new();
    for root in [old, new] {
        if root.is_dir() {
            members.extend(relative(root, environments_below(root, None)?));
        }
    }
    if members.is_empty() {
        for root in [old, new] {
            if root.is_dir() {
                let mut files = Vec::new();
                yaml_files(root, &mut files)?;
                members.extend(relative(root, files));
            }
        }
    }
    Ok(members)
}

/// Every `.yaml`/`.yml` file below `dir`, hidden directories and `target/`
/// aside.
fn yaml_files(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                yaml_files(&path, found)?;
            }
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            found.push(path);
        }
    }
    Ok(())
}

/// The objects of one side; `None` when absent.
pub fn load(input: &Input, options: &BuildOptions) -> Result<Option<Vec<Value>>> {
    match input {
        Input::Absent => Ok(None),
        Input::Kustomization(dir) => {
            let list = build(dir, options)?;
            Ok(Some(values(&list)))
        }
        Input::File(path) => read_file(path).map(Some),
    }
}

/// The objects of a resource list.
pub fn values(list: &ResourceList) -> Vec<Value> {
    list.as_slice()
        .par_iter()
        .map(|r| r.value().into_owned())
        .collect()
}

/// The objects of a YAML stream; empty documents are skipped.
fn read_file(path: &Path) -> Result<Vec<Value>> {
    let text = crate::load::read_input_text(path)
        .with_context(|| format!("reading {}", path.display()))?;
    let documents = parse_documents(&text, path).map_err(|e| anyhow!(e))?;
    let mut objects = Vec::with_capacity(documents.len());
    for (index, document) in documents.into_iter().enumerate() {
        match document {
            Value::Null => {}
            Value::Map(_) => objects.push(document),
            other => bail!(
                "{}: document {} is a {}, expected a mapping (a Kubernetes object)",
                path.display(),
                index + 1,
                other.type_name()
            ),
        }
    }
    Ok(objects)
}

/// Both sides of an environment, loaded.
pub type Loaded = (Option<Vec<Value>>, Option<Vec<Value>>);

/// Loads every environment in parallel. Fails after all of them ran, with
/// one line per failure naming the environment.
pub fn load_all(environments: &[Environment], options: &BuildOptions) -> Result<Vec<Loaded>> {
    let results: Vec<Result<Loaded>> = environments
        .par_iter()
        .map(|env| {
            let (old, new) = rayon::join(|| load(&env.old, options), || load(&env.new, options));
            Ok((old?, new?))
        })
        .collect();
    let mut loaded = Vec::with_capacity(results.len());
    let mut failures = Vec::new();
    for (env, result) in environments.iter().zip(results) {
        match result {
            Ok(sides) => loaded.push(sides),
            Err(err) => failures.push(format!("{}: {err:#}", env.name)),
        }
    }
    match failures.as_slice() {
        [] => Ok(loaded),
        [one] if environments.len() == 1 => bail!("{}", one),
        _ => bail!(
            "{} of {} environments failed:\n{}",
            failures.len(),
            environments.len(),
            failures.join("\n")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A directory holding `files`, each empty (an empty kustomization
    /// or an empty render).
    fn tree(files: &[&str]) -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        for path in files.iter().map(|f| root.path().join(f)) {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::File::create(path).unwrap();
        }
        root
    }

    fn names(envs: &[Environment]) -> Vec<(&str, bool, bool)> {
        envs.iter()
            .map(|e| {
                (
                    e.name.as_str(),
                    e.old != Input::Absent,
                    e.new != Input::Absent,
                )
            })
            .collect()
    }

    #[test]
    fn trees_pair_environments_by_relative_path() {
        let old = tree(&[
            "shop/overlays/dev/kustomization.yaml",
            "shop/overlays/prod/kustomization.yaml",
            "shop/base/kustomization.yaml",
        ]);
        let new = tree(&[
            "shop/overlays/prod/kustomization.yaml",
            "shop/overlays/qa/kustomization.yaml",
            "rendered/shop/prod.yaml",
        ]);
        let envs = for_paths(old.path(), new.path()).unwrap();
        assert_eq!(
            names(&envs),
            [
                ("shop/overlays/dev", true, false),
                ("shop/overlays/prod", true, true),
                ("shop/overlays/qa", false, true)
            ]
        );
    }

    #[test]
    fn rendered_trees_pair_files() {
        let old = tree(&["shop/prod.yaml", "shop/dev.yaml", ".git/x.yaml"]);
        let new = tree(&["shop/prod.yaml", "README.md"]);
        let envs = for_paths(old.path(), new.path()).unwrap();
        assert_eq!(
            names(&envs),
            [
                ("shop/dev.yaml", true, false),
                ("shop/prod.yaml", true, true)
            ]
        );
        assert!(matches!(envs[1].new, Input::File(_)));
    }

    #[test]
    fn mismatched_or_missing_paths_are_errors() {
        let root = tree(&[
            "k/kustomization.yaml",
            "t/a/overlays/x/kustomization.yaml",
            "empty/x.txt",
        ]);
        let at = |p: &str| root.path().join(p);
        let err = for_paths(&at("k"), &at("t")).unwrap_err();
        assert!(err.to_string().contains("not alike"), "{err}");
        let err = for_paths(&at("k"), &at("nope")).unwrap_err();
        assert!(err.to_string().contains("no such file"), "{err}");
        let err = for_paths(&at("empty"), &at("empty")).unwrap_err();
        assert!(err.to_string().contains("no environments"), "{err}");
        let single = for_paths(&at("k"), &at("k")).unwrap();
        assert_eq!(single.len(), 1);
    }

    #[test]
    fn files_read_as_objects() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.yaml");
        fs::write(&path, "---\napiVersion: v1\nkind: ConfigMap\n---\n").unwrap();
        assert_eq!(read_file(&path).unwrap().len(), 1);
        fs::write(&path, "- a\n").unwrap();
        let err = read_file(&path).unwrap_err().to_string();
        assert!(err.contains("r.yaml: document 1 is a sequence"), "{err}");
    }
}
