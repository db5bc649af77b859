//! Finding, reading and decoding the kustomization file of a directory, with
//! kustomize's checks: exactly one recognised file name, not empty, a known
//! kind and apiVersion, and Components only where components are expected.

use super::{
    deprecation_warnings, is_effectively_empty, locate_schema_error, normalize_field_names,
};
use super::{Kustomization, FILE_NAMES};
use crate::load::{is_within, resolve_existing, Entry, LoadRestrictor, Loader};
use crate::yaml::Value;
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};

/// A decoded kustomization and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedKustomization {
    /// The kustomization's directory, absolute with symlinks resolved: the
    /// base for its relative paths and the root for the load restrictor.
    pub dir: PathBuf,
    /// The kustomization file (`dir` joined with the recognised name).
    pub file: PathBuf,
    /// The decoded kustomization, with kustomize's fix-ups applied.
    pub kustomization: Kustomization,
    /// The deprecation warnings kustomize would print for this file, one
    /// line each, in kustomize's order.
    pub warnings: Vec<String>,
    /// Where it sits in the build for origin annotations (its path from the
    /// build root, when origins are tracked). Loading leaves it untracked;
    /// the build sets it as it descends.
    pub origin: crate::resource::OriginScope,
    /// Set when the kustomization was checked out from a git repository
    /// (or lies below one that was): its files are then always restricted
    /// to its directory and its bases to the repository.
    pub remote: Option<std::sync::Arc<crate::remote::RemoteRoot>>,
}

/// Why a kustomization is being loaded, which decides whether
/// `kind: Component` is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KustomizationRole {
    /// The directory being built: a Kustomization or a Component.
    Root,
    /// A directory listed under `resources`: must not be a Component.
    Resource,
    /// A directory listed under `components`: must be a Component.
    Component,
}

impl LoadedKustomization {
    /// Loads the kustomization in `dir` (a directory; symlinks are
    /// resolved) through `loader`: kustomize's `LoadKustFile`, decoding,
    /// deprecation warnings, fix-ups, the emptiness check and the
    /// kind/apiVersion check.
    pub fn load(loader: &Loader, dir: &Path) -> Result<LoadedKustomization> {
        let dir = loader.confirm_root(dir)?;
        let file = find_kustomization_file(loader, &dir)?;
        let text = crate::load::read_input_text(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let docs = crate::yaml::parse_documents_lenient(&text, &file)
            .map_err(|e| anyhow!(e))
            .with_context(|| format!("invalid Kustomization in {}", file.display()))?;
        // kustomize decodes only the first document of the file.
        let first = docs.into_iter().next().unwrap_or(Value::Null);
        let (kustomization, warnings) = kustomization_from_document(&first, &file)
            .map_err(|e| locate_schema_error(e, &text))?;
        Ok(LoadedKustomization {
            dir,
            file,
            kustomization,
            warnings,
            origin: Default::default(),
            remote: None,
        })
    }

    /// [`LoadedKustomization::load`], then kustomize's rule on where a
    /// `kind: Component` may appear.
    pub fn load_as(
        loader: &Loader,
        dir: &Path,
        role: KustomizationRole,
    ) -> Result<LoadedKustomization> {
        let loaded = LoadedKustomization::load(loader, dir)?;
        loaded.check_role(role)?;
        Ok(loaded)
    }
}

/// The one recognised kustomization file in `dir` (already resolved).
///
/// kustomize reads each candidate through the load restrictor, so a
/// `kustomization.yaml` symlinked from outside the directory does not
/// count under `RootOnly`; nor does a directory of that name.
fn find_kustomization_file(loader: &Loader, dir: &Path) -> Result<PathBuf> {
    let mut found = Vec::new();
    for name in FILE_NAMES {
        let candidate = dir.join(name);
        let Some(real) = resolve_existing(&candidate)? else {
            continue;
        };
        let allowed = loader.restrictor() == LoadRestrictor::None
            || real.parent().is_some_and(|parent| is_within(parent, dir));
        if allowed && real.is_file() {
            found.push(candidate);
        }
    }
    match found.len() {
        0 => bail!(
            "unable to find one of 'kustomization.yaml', 'kustomization.yml' or \
             'Kustomization' in directory '{}'",
            dir.display()
        ),
        1 => Ok(found.remove(0)),
        _ => bail!(
            "Found multiple kustomization files under: {}",
            dir.display()
        ),
    }
}

/// Decodes a kustomization file's first document, in kustomize's order:
/// decode (unknown fields and wrong types are errors), collect deprecation
/// warnings, fix up, reject an empty kustomization, check kind and
/// apiVersion. Returns the kustomization and its warnings.
pub fn kustomization_from_document(
    doc: &Value,
    file: &Path,
) -> Result<(Kustomization, Vec<String>)> {
    let mut json: serde_json::Value = doc.into();
    normalize_field_names(&mut json);
    let warnings = deprecation_warnings(&json);
    let empty = is_effectively_empty(&json);
    let mut kustomization = Kustomization::decode(json, file)?;
    if empty {
        return Err(anyhow!("kustomization.yaml is empty"))
            .with_context(|| format!("invalid kustomization file {}", file.display()));
    }
    kustomization.apply_defaults(file)?;
    Ok((kustomization, warnings))
}

impl LoadedKustomization {
    /// kustomize's rule: a directory listed under `components` must hold a
    /// Component, and one listed under `resources` must not.
    pub fn check_role(&self, role: KustomizationRole) -> Result<()> {
        let is_component = self.kustomization.is_component();
        match role {
            KustomizationRole::Component if !is_component => bail!(
                "expected kind 'Component' for path '{}' but got '{}'",
                self.dir.display(),
                self.kustomization.kind
            ),
            KustomizationRole::Resource if is_component => bail!(
                "expected kind != 'Component' for path '{}'",
                self.dir.display()
            ),
            _ => Ok(()),
        }
    }

    /// The loader for this kustomization's files: `base`, except inside a
    /// git checkout, where kustomize always restricts files to the
    /// kustomization's directory.
    pub fn loader(&self, base: Loader) -> Loader {
        match self.remote {
            Some(_) => Loader::new(LoadRestrictor::RootOnly),
            None => base,
        }
    }

    /// Resolves one of this kustomization's `resources` entries (see
    /// [`Loader::resolve_entry`]); errors name the entry and this file.
    pub fn resolve(&self, loader: &Loader, entry: &str) -> Result<Entry> {
        self.loader(*loader)
            .resolve_entry(&self.dir, &self.dir, entry)
            .with_context(|| format!("resources entry '{entry}' of {}", self.file.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::test_support::parser_available;
    use serde_json::json;
    use std::fs;

    fn from_json(v: serde_json::Value) -> Result<(Kustomization, Vec<String>)> {
        kustomization_from_document(&Value::from(&v), Path::new("/k/kustomization.yaml"))
    }

    fn message(e: anyhow::Error) -> String {
        format!("{e:#}")
    }

    #[test]
    fn decodes_with_fixups_and_warnings() {
        let (k, warnings) = from_json(json!({"bases": ["../b"], "Resources": ["a.yaml"]})).unwrap();
        assert_eq!(k.resources, ["a.yaml", "../b"]);
        assert_eq!(k.kind, "Kustomization");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("# Warning: 'bases' is deprecated."));
    }

    #[test]
    fn empty_kustomizations_are_rejected() {
        for empty in [
            json!(null),
            json!({}),
            json!({"kind": "Kustomization"}),
            json!({"bases": []}),
        ] {
            let e = message(from_json(empty).unwrap_err());
            assert!(e.ends_with("kustomization.yaml is empty"), "{e}");
            assert!(e.contains("/k/kustomization.yaml"), "{e}");
        }
        assert!(from_json(json!({"resources": []})).is_ok());
    }

    #[test]
    fn decode_errors_come_before_the_empty_check() {
        let e = message(from_json(json!({"resourcez": []})).unwrap_err());
        assert!(
            e.contains("invalid Kustomization") && e.contains("resourcez"),
            "{e}"
        );
        let e = message(from_json(json!(["a"])).unwrap_err());
        assert!(e.contains("invalid Kustomization"), "{e}");
    }

    #[test]
    fn kind_and_api_version_are_checked() {
        let e = message(from_json(json!({"kind": "Foo", "resources": []})).unwrap_err());
        assert_eq!(
            e,
            "Failed to read kustomization file under /k:\nkind should be Kustomization or Component"
        );
        let e = message(
            from_json(json!({"kind": "Component", "apiVersion": KUSTOMIZATION, "resources": []}))
                .unwrap_err(),
        );
        assert!(e.ends_with("apiVersion for Component should be kustomize.config.k8s.io/v1alpha1"));
        let (k, _) = from_json(json!({"kind": "Component", "resources": []})).unwrap();
        assert_eq!(k.api_version, "kustomize.config.k8s.io/v1alpha1");
    }

    const KUSTOMIZATION: &str = "kustomize.config.k8s.io/v1beta1";

    fn loaded(kind: &str) -> LoadedKustomization {
        LoadedKustomization {
            dir: "/k/c".into(),
            file: "/k/c/kustomization.yaml".into(),
            kustomization: Kustomization {
                kind: kind.into(),
                ..Default::default()
            },
            warnings: Vec::new(),
            origin: Default::default(),
            remote: None,
        }
    }

    #[test]
    fn component_roles() {
        let component = loaded("Component");
        let kustomization = loaded("Kustomization");
        assert!(component.check_role(KustomizationRole::Root).is_ok());
        assert!(kustomization.check_role(KustomizationRole::Root).is_ok());
        assert!(component.check_role(KustomizationRole::Component).is_ok());
        assert!(kustomization
            .check_role(KustomizationRole::Resource)
            .is_ok());
        assert_eq!(
            component
                .check_role(KustomizationRole::Resource)
                .unwrap_err()
                .to_string(),
            "expected kind != 'Component' for path '/k/c'"
        );
        assert_eq!(
            kustomization
                .check_role(KustomizationRole::Component)
                .unwrap_err()
                .to_string(),
            "expected kind 'Component' for path '/k/c' but got 'Kustomization'"
        );
    }

    fn find(restrictor: LoadRestrictor, dir: &Path) -> Result<PathBuf> {
        find_kustomization_file(&Loader::new(restrictor), &dir.canonicalize().unwrap())
    }

    #[test]
    fn exactly_one_kustomization_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let e = find(LoadRestrictor::RootOnly, dir).unwrap_err().to_string();
        assert!(e.starts_with(
            "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' \
             in directory '"
        ));
        for name in FILE_NAMES {
            fs::write(dir.join(name), "resources: []\n").unwrap();
            let found = find(LoadRestrictor::RootOnly, dir);
            if name == FILE_NAMES[0] {
                assert!(found.unwrap().ends_with(name));
            } else {
                let e = found.unwrap_err().to_string();
                assert!(
                    e.starts_with("Found multiple kustomization files under: "),
                    "{e}"
                );
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn directories_and_escaping_symlinks_do_not_count() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        let outside = tmp.path().join("outside");
        fs::create_dir_all(&root).unwrap();
        fs::create_dir_all(outside.join("kustomization.yml")).unwrap();
        fs::write(outside.join("kustomization.yaml"), "resources: []\n").unwrap();
        symlink(
            "../outside/kustomization.yaml",
            root.join("kustomization.yaml"),
        )
        .unwrap();
        assert!(find(LoadRestrictor::RootOnly, &root).is_err());
        assert!(find(LoadRestrictor::None, &root)
            .unwrap()
            .ends_with("kustomization.yaml"));
        // A directory named like a kustomization file is not one.
        assert!(find(LoadRestrictor::None, &outside)
            .unwrap()
            .ends_with("kustomization.yaml"));
    }

    #[test]
    fn load_from_disk() {
        if !parser_available() {
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let loader = Loader::default();
        fs::write(dir.join("kustomization.yaml"), "# nothing\n").unwrap();
        let e = message(LoadedKustomization::load(&loader, dir).unwrap_err());
        assert!(e.ends_with("kustomization.yaml is empty"), "{e}");
        fs::write(
            dir.join("kustomization.yaml"),
            "kind: Component\nresources: [a.yaml]\n---\nfoo: bar\n",
        )
        .unwrap();
        let loaded = LoadedKustomization::load(&loader, dir).unwrap();
        assert_eq!(loaded.dir, dir.canonicalize().unwrap());
        assert_eq!(loaded.kustomization.resources, ["a.yaml"]);
        assert!(LoadedKustomization::load_as(&loader, dir, KustomizationRole::Resource).is_err());
    }
}
