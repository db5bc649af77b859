//! Where each rendered directory's output goes: the file name rule of a
//! render, chosen with `krust render --layout`.

use anyhow::{bail, Context, Result};
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

/// How output files are named, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Layout {
    /// `<system>/<env>.yaml`, for trees of systems with `overlays/`:
    ///
    /// * when a component of the directory's canonical path is named
    ///   `overlays`, `<system>` is the component before the last `overlays`
    ///   and `<env>` everything after it
    ///   (`deployments/shop/overlays/prod` → `shop/prod.yaml`,
    ///   `shop/overlays/prod/eu` → `shop/prod/eu.yaml`);
    /// * otherwise `<system>` is the parent directory's name and `<env>` the
    ///   directory's own (`clusters/staging` → `clusters/staging.yaml`).
    ///
    /// A tree given on the command line stands for every kustomization
    /// directory below an `overlays` directory.
    #[default]
    Environments,
    /// `<path relative to root>.yaml`, for any tree of kustomizations:
    /// `apps/web/base` under root `.` → `apps/web/base.yaml`. A tree given on
    /// the command line stands for every kustomization directory below it
    /// that is not a component.
    Path {
        /// The directory paths are relative to, canonical.
        root: PathBuf,
    },
}

impl Layout {
    /// The path layout with paths relative to `root`.
    pub fn path(root: &Path) -> Result<Layout> {
        let root = root
            .canonicalize()
            .with_context(|| format!("resolving the root {}", root.display()))?;
        Ok(Layout::Path { root })
    }

    /// The output file of the directory whose canonical path is `canonical`
    /// (`dir` as given, for messages).
    pub fn output_path(&self, canonical: &Path, dir: &Path) -> Result<PathBuf> {
        match self {
            Layout::Environments => environment_path(canonical)
                .with_context(|| format!("{}: cannot derive <system>/<env>", dir.display())),
            Layout::Path { root } => relative_path(canonical, root)
                .with_context(|| format!("{}: cannot derive its path", dir.display())),
        }
    }

    /// A short description for messages: what one rendered file stands for.
    pub fn unit(&self) -> &'static str {
        match self {
            Layout::Environments => "environments",
            Layout::Path { .. } => "directories",
        }
    }
}

/// The normal components of a path.
fn names(path: &Path) -> Vec<&OsStr> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(name) => Some(name),
            _ => None,
        })
        .collect()
}

fn environment_path(canonical: &Path) -> Result<PathBuf> {
    environment_path_from_names(&names(canonical))
}

fn environment_path_from_names(names: &[&OsStr]) -> Result<PathBuf> {
    let overlays = names.iter().rposition(|n| *n == "overlays");
    let (system, env) = match overlays {
        Some(i) if i >= 1 && i + 1 < names.len() => (names[i - 1], &names[i + 1..]),
        _ if names.len() >= 2 => (names[names.len() - 2], &names[names.len() - 1..]),
        _ => bail!("the path needs at least a parent directory"),
    };
    Ok(yaml_file(
        std::iter::once(system).chain(env.iter().copied()),
    ))
}

fn relative_path(canonical: &Path, root: &Path) -> Result<PathBuf> {
    let Ok(relative) = canonical.strip_prefix(root) else {
        bail!("it is not below the root {}", root.display());
    };
    let parts = names(relative);
    if parts.is_empty() {
        bail!(
            "it is the root itself; choose a root above it (--root {})",
            root.parent().unwrap_or(root).display()
        );
    }
    Ok(yaml_file(parts.into_iter()))
}

/// `a/b/c` → `a/b/c.yaml` (the last name gets the extension added, so
/// `v1.2` stays `v1.2.yaml`).
fn yaml_file<'a>(mut parts: impl DoubleEndedIterator<Item = &'a OsStr>) -> PathBuf {
    let last = parts.next_back().expect("at least one name");
    let mut path: PathBuf = parts.collect();
    let mut file = last.to_os_string();
    file.push(".yaml");
    path.push(file);
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_for(components: &[&str]) -> PathBuf {
        let names: Vec<&OsStr> = components.iter().map(OsStr::new).collect();
        environment_path_from_names(&names).unwrap()
    }

    #[test]
    fn overlay_directory_maps_to_system_and_env() {
        assert_eq!(
            path_for(&["repo", "deployments", "shop", "overlays", "prod"]),
            PathBuf::from("shop/prod.yaml")
        );
    }

    #[test]
    fn nested_overlay_keeps_its_subdirectories() {
        assert_eq!(
            path_for(&["shop", "overlays", "prod", "eu"]),
            PathBuf::from("shop/prod/eu.yaml")
        );
    }

    #[test]
    fn last_overlays_component_wins() {
        assert_eq!(
            path_for(&["overlays", "a", "b", "overlays", "dev"]),
            PathBuf::from("b/dev.yaml")
        );
    }

    #[test]
    fn without_overlays_parent_and_dir_are_used() {
        assert_eq!(
            path_for(&["repo", "clusters", "staging"]),
            PathBuf::from("clusters/staging.yaml")
        );
        assert_eq!(
            path_for(&["shop", "overlays"]),
            PathBuf::from("shop/overlays.yaml")
        );
    }

    #[test]
    fn single_component_is_rejected() {
        assert!(environment_path_from_names(&[OsStr::new("top")]).is_err());
    }

    #[test]
    fn path_layout_keeps_the_path_below_the_root() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("apps/web/v1.2");
        std::fs::create_dir_all(&dir).unwrap();
        let layout = Layout::path(root.path()).unwrap();
        let canonical = dir.canonicalize().unwrap();
        assert_eq!(
            layout.output_path(&canonical, &dir).unwrap(),
            PathBuf::from("apps/web/v1.2.yaml")
        );
        let own = root.path().canonicalize().unwrap();
        let err = layout.output_path(&own, root.path()).unwrap_err();
        assert!(format!("{err:#}").contains("the root itself"), "{err:#}");
        let outside = Layout::path(&dir).unwrap();
        let err = outside.output_path(&own, root.path()).unwrap_err();
        assert!(format!("{err:#}").contains("not below the root"), "{err:#}");
    }
}
