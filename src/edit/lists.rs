//! The list-valued edits: `resources` (and `add base`), `components`,
//! `transformers`, `generators`, `patches`, `replicas` and
//! `buildMetadata`, and the plain string fields.

use super::doc::{seq_mut, set_strings, str_at, strings_at};
use super::glob::{glob, glob_match};
use crate::load::looks_remote;
use crate::yaml::{Mapping, Value};
use anyhow::{bail, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// The build options `buildMetadata` accepts.
pub const BUILD_METADATA_OPTIONS: [&str; 3] = [
    "originAnnotations",
    "transformerAnnotations",
    "managedByLabel",
];

/// Expands `add resource|component` and `create --resources` arguments as
/// kustomize does: each is a glob relative to `dir`; one matching nothing
/// must be a directory or remote target unless `no_verify`.
pub fn expand_paths(dir: &Path, patterns: &[String], no_verify: bool) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for pattern in patterns {
        if no_verify {
            out.push(pattern.clone());
            continue;
        }
        let matches = glob(dir, pattern)
            .map_err(|e| anyhow::anyhow!("error checking the filesystem: {e}"))?;
        if !matches.is_empty() {
            out.extend(matches);
        } else if looks_remote(pattern) || dir.join(pattern).is_dir() {
            out.push(pattern.clone());
        } else {
            bail!(
                "{pattern} has no match: must build at directory: not a valid directory: \
                 evalsymlink failure on '{}' : lstat {}: no such file or directory",
                dir.join(pattern).display(),
                dir.join(pattern).display()
            );
        }
    }
    Ok(out)
}

/// The singular word kustomize's messages use for the entries of `field`.
pub fn entry_word(field: &str) -> &'static str {
    match field {
        "components" => "component",
        "transformers" => "transformer",
        "generators" => "generator",
        _ => "resource",
    }
}

/// Appends `paths` to the list `field` (`resources`, `components`,
/// `transformers` or `generators`), skipping entries already listed and,
/// for resources and components, the kustomization file itself. Returns a
/// note for each skipped duplicate.
pub fn add_paths(doc: &mut Mapping, field: &str, paths: &[String], own_name: &str) -> Vec<String> {
    let word = entry_word(field);
    let skips_own = matches!(field, "resources" | "components");
    let mut notes = Vec::new();
    for path in paths.iter().filter(|p| !skips_own || *p != own_name) {
        if strings_at(doc, field).contains(path) {
            notes.push(format!("{word} {path} already in kustomization file"));
            continue;
        }
        seq_mut(doc, field).push(Value::String(path.as_str().into()));
    }
    notes
}

/// Expands `add transformer|generator` arguments: each is a glob relative
/// to `dir`; one matching nothing only gets a note (kustomize logs it).
/// Returns the paths and the notes.
pub fn expand_plugin_paths(dir: &Path, patterns: &[String]) -> Result<(Vec<String>, Vec<String>)> {
    let mut paths = Vec::new();
    let mut notes = Vec::new();
    for pattern in patterns {
        let matches = glob(dir, pattern)?;
        if matches.is_empty() {
            notes.push(format!("{pattern} has no match"));
        }
        paths.extend(matches);
    }
    Ok((paths, notes))
}

/// `edit add base A,B,...` (one argument): appends each directory to
/// `resources`. A path that does not exist below `dir`, or one already
/// listed, is an error and nothing is written.
pub fn add_bases(doc: &mut Mapping, dir: &Path, arg: &str) -> Result<()> {
    for path in arg.split(',') {
        if std::fs::symlink_metadata(dir.join(path)).is_err() {
            bail!("{path} does not exist");
        }
        if strings_at(doc, "resources").iter().any(|r| r == path) {
            bail!("base {path} already in kustomization file");
        }
        seq_mut(doc, "resources").push(Value::from(path));
    }
    Ok(())
}

/// `edit add buildmetadata`: appends checked options; one already listed
/// is an error.
pub fn add_build_metadata(doc: &mut Mapping, options: &[String]) -> Result<()> {
    for option in options {
        if strings_at(doc, "buildMetadata").contains(option) {
            bail!("buildMetadata option {option} already in kustomization file");
        }
        seq_mut(doc, "buildMetadata").push(Value::from(option.as_str()));
    }
    Ok(())
}

/// `edit remove buildmetadata`: drops the options (absent ones are fine);
/// the field goes when nothing is left.
pub fn remove_build_metadata(doc: &mut Mapping, options: &[String]) {
    let kept: Vec<String> = strings_at(doc, "buildMetadata")
        .into_iter()
        .filter(|o| !options.contains(o))
        .collect();
    if kept.is_empty() {
        doc.shift_remove("buildMetadata");
    } else {
        set_strings(doc, "buildMetadata", kept);
    }
}

/// `edit remove resource`: drops every entry matched by one of the glob
/// `patterns`. Returns false (and leaves the file alone) when none match.
pub fn remove_resources(doc: &mut Mapping, patterns: &[String]) -> Result<bool> {
    remove_listed(doc, "resources", patterns)
}

/// `edit remove resource|transformer`: drops every entry of the list
/// `field` matched by one of the glob `patterns`. Returns false (and leaves
/// the file alone) when none match.
pub fn remove_listed(doc: &mut Mapping, field: &str, patterns: &[String]) -> Result<bool> {
    if patterns.is_empty() {
        bail!("must specify a {} file", entry_word(field));
    }
    let resources = strings_at(doc, field);
    let mut doomed = Vec::new();
    for pattern in patterns {
        for resource in &resources {
            if glob_match(pattern, resource)? {
                doomed.push(resource.clone());
            }
        }
    }
    if doomed.is_empty() {
        return Ok(false);
    }
    let kept = resources
        .into_iter()
        .filter(|r| !doomed.contains(r))
        .collect();
    set_strings(doc, field, kept);
    Ok(true)
}

/// The patch of `edit add|remove patch`: a `path` or inline `patch`, and a
/// target whose empty fields are left out.
#[derive(Debug, Clone, Default)]
pub struct PatchSpec {
    /// Path of the patch file.
    pub path: String,
    /// Inline patch text.
    pub patch: String,
    /// Target fields: group, version, kind, name, namespace,
    /// annotationSelector, labelSelector (empty ones are ignored).
    pub target: Vec<(&'static str, String)>,
}

impl PatchSpec {
    fn to_value(&self) -> Value {
        let mut map = Mapping::new();
        for (key, value) in [("path", &self.path), ("patch", &self.patch)] {
            if !value.is_empty() {
                map.insert(key.into(), value.clone().into());
            }
        }
        let target: Mapping = self
            .target
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v.clone().into()))
            .collect();
        if !target.is_empty() {
            map.insert("target".into(), Value::Map(target));
        }
        Value::Map(map)
    }
}

/// Whether two patch entries are equal as kustomize compares them: same
/// path, patch, target fields and options, empty fields ignored.
fn same_patch(a: &Value, b: &Value) -> Result<bool> {
    let ty = super::gotype::Ty::Obj(super::gotype::PATCH);
    Ok(super::gotype::encode("patches", a, ty, false)?
        == super::gotype::encode("patches", b, ty, false)?)
}

/// `edit add patch`. Returns a note instead of adding when an equal patch
/// is already listed.
pub fn add_patch(doc: &mut Mapping, spec: &PatchSpec) -> Result<Option<String>> {
    match (spec.patch.is_empty(), spec.path.is_empty()) {
        (false, false) => bail!("patch and path can't be set at the same time"),
        (true, true) => bail!("must provide either patch or path"),
        _ => {}
    }
    let new = spec.to_value();
    if let Some(Value::Seq(patches)) = doc.get("patches") {
        for existing in patches {
            if same_patch(existing, &new)? {
                return Ok(Some("patch already in kustomization file".into()));
            }
        }
    }
    seq_mut(doc, "patches").push(new);
    Ok(None)
}

/// `edit remove patch`: removes every equal patch. Returns a note instead
/// when there is none.
pub fn remove_patch(doc: &mut Mapping, spec: &PatchSpec) -> Result<Option<String>> {
    if !spec.patch.is_empty() && !spec.path.is_empty() {
        bail!("patch and path can't be set at the same time");
    }
    let wanted = spec.to_value();
    let patches = match doc.get("patches") {
        Some(Value::Seq(patches)) => patches.clone(),
        _ => Vec::new().into(),
    };
    let mut kept = Vec::with_capacity(patches.len());
    for patch in &patches {
        if !same_patch(patch, &wanted)? {
            kept.push(patch.clone());
        }
    }
    if kept.len() == patches.len() {
        return Ok(Some(format!(
            "patch {} doesn't exist in kustomization file",
            spec.patch
        )));
    }
    doc.insert("patches".into(), Value::Seq(kept.into()));
    Ok(None)
}

/// `edit set replicas NAME=COUNT...`: sets counts by name, keeps other
/// entries, and sorts the list by name.
pub fn set_replicas(doc: &mut Mapping, args: &[String]) -> Result<()> {
    const INVALID: &str = "invalid format of replica, use the following format: <name>=<count>";
    if args.is_empty() {
        bail!("no replicas specified");
    }
    let mut by_name = BTreeMap::new();
    for arg in args {
        let parts: Vec<&str> = arg.split('=').collect();
        let [name, count] = parts.as_slice() else {
            bail!(INVALID);
        };
        let Ok(count) = count.parse::<i64>() else {
            bail!(INVALID);
        };
        by_name.insert(name.to_string(), Value::Int(count));
    }
    if let Some(Value::Seq(existing)) = doc.get("replicas") {
        for entry in existing.iter().filter_map(Value::as_map) {
            let count = entry.get("count").cloned().unwrap_or(Value::Int(0));
            by_name
                .entry(str_at(entry, "name").to_string())
                .or_insert(count);
        }
    }
    let replicas = by_name
        .into_iter()
        .map(|(name, count)| {
            let mut entry = Mapping::new();
            entry.insert("name".into(), name.into());
            entry.insert("count".into(), count);
            Value::Map(entry)
        })
        .collect();
    doc.insert("replicas".into(), Value::Seq(replicas));
    Ok(())
}

/// Checks a `buildmetadata` argument (one comma-separated list).
pub fn parse_build_metadata(args: &[String]) -> Result<Vec<String>> {
    let arg = match args {
        [] => bail!("must specify a buildMetadata option"),
        [arg] => arg,
        _ => bail!(
            "too many arguments: [{}]; to provide multiple buildMetadata options, \
             please separate options by comma",
            args.join(" ")
        ),
    };
    let options: Vec<String> = arg.split(',').map(str::to_string).collect();
    if let Some(bad) = options
        .iter()
        .find(|o| !BUILD_METADATA_OPTIONS.contains(&o.as_str()))
    {
        bail!("invalid buildMetadata option: {bad}");
    }
    Ok(options)
}

/// `edit set namespace|nameprefix|namesuffix VALUE`.
pub fn set_string_field(doc: &mut Mapping, field: &str, args: &[String]) -> Result<()> {
    let [value] = args else {
        let what = match field {
            "namespace" => "namespace",
            "namePrefix" => "prefix",
            _ => "suffix",
        };
        bail!("must specify exactly one {what} value");
    };
    doc.insert(field.into(), value.clone().into());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn replicas_merge_by_name_and_sort() {
        let mut doc = Mapping::new();
        set_replicas(&mut doc, &strings(&["web=3", "api=1"])).unwrap();
        set_replicas(&mut doc, &strings(&["web=5"])).unwrap();
        let names: Vec<_> = doc["replicas"]
            .as_seq()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    str_at(r.as_map().unwrap(), "name").to_string(),
                    r.get("count").cloned(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("api".to_string(), Some(Value::Int(1))),
                ("web".to_string(), Some(Value::Int(5)))
            ]
        );
        assert!(set_replicas(&mut doc, &strings(&["web"])).is_err());
    }

    #[test]
    fn patches_compare_ignoring_empty_fields() {
        let mut doc = Mapping::new();
        let spec = PatchSpec {
            path: "p.yaml".into(),
            target: vec![("kind", "Deployment".into()), ("name", String::new())],
            ..PatchSpec::default()
        };
        assert!(add_patch(&mut doc, &spec).unwrap().is_none());
        assert!(add_patch(&mut doc, &spec).unwrap().is_some());
        assert!(remove_patch(&mut doc, &spec).unwrap().is_none());
        assert!(doc["patches"].as_seq().unwrap().is_empty());
    }

    #[test]
    fn bases_must_exist_and_be_new() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::create_dir(dir.path().join("b")).unwrap();
        let mut doc = Mapping::new();
        add_bases(&mut doc, dir.path(), "a,b").unwrap();
        assert_eq!(strings_at(&doc, "resources"), ["a", "b"]);
        let err = add_bases(&mut doc, dir.path(), "b").unwrap_err();
        assert_eq!(err.to_string(), "base b already in kustomization file");
        let err = add_bases(&mut doc, dir.path(), "c").unwrap_err();
        assert_eq!(err.to_string(), "c does not exist");
    }

    #[test]
    fn build_metadata_is_added_once_and_removed() {
        let mut doc = Mapping::new();
        add_build_metadata(&mut doc, &strings(&["originAnnotations", "managedByLabel"])).unwrap();
        let err = add_build_metadata(&mut doc, &strings(&["managedByLabel"])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "buildMetadata option managedByLabel already in kustomization file"
        );
        remove_build_metadata(
            &mut doc,
            &strings(&["originAnnotations", "transformerAnnotations"]),
        );
        assert_eq!(strings_at(&doc, "buildMetadata"), ["managedByLabel"]);
        remove_build_metadata(&mut doc, &strings(&["managedByLabel"]));
        assert!(!doc.contains_key("buildMetadata"));
    }

    #[test]
    fn transformers_are_removed_by_glob() {
        let mut doc = Mapping::new();
        set_strings(
            &mut doc,
            "transformers",
            strings(&["foo/t1.yaml", "foo/t2.yaml", "keep/me.yaml"]),
        );
        assert!(!remove_listed(&mut doc, "transformers", &strings(&["bar/*"])).unwrap());
        assert!(remove_listed(&mut doc, "transformers", &strings(&["foo/t*.yaml"])).unwrap());
        assert_eq!(strings_at(&doc, "transformers"), ["keep/me.yaml"]);
        let err = remove_listed(&mut doc, "transformers", &[]).unwrap_err();
        assert_eq!(err.to_string(), "must specify a transformer file");
    }

    #[test]
    fn build_metadata_options_are_checked() {
        assert!(parse_build_metadata(&strings(&["originAnnotations,managedByLabel"])).is_ok());
        let err = parse_build_metadata(&strings(&["nope"])).unwrap_err();
        assert_eq!(err.to_string(), "invalid buildMetadata option: nope");
    }
}
