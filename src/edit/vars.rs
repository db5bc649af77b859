//! `edit fix --vars`: every var becomes a replacement, and every `$(VAR)`
//! in the files the kustomization names becomes `VAR_PLACEHOLDER`, as
//! kustomize v5.5 converts them.
//!
//! What kustomize does, and so what this does:
//!
//! * the files searched are the `resources` entries (a directory's own
//!   kustomization is read for its `resources` and `patches`, one level
//!   of names deep — kustomize lists nested directories from the
//!   current directory) and the files of `patches` entries with a path;
//! * each var's replacement takes its source from the var's `objref`
//!   (`apiVersion` split into group and version, kind, name, namespace)
//!   and `fieldref.fieldPath`;
//! * each string holding `$(VAR)` in a document of those files is a target:
//!   the document's group, version, kind, name and namespace select it
//!   (for a patch file, the patch's own target, with the document's name,
//!   kind and namespace where the patch may change them), the field path
//!   is the path to the string (`spec.containers.0.env.1.value`, a key with
//!   a dot in brackets), and when `$(VAR)` is only part of the string, the
//!   character next to it is the delimiter and its position in the split
//!   the index;
//! * the `replacements` field is replaced by the converted vars, and `vars`
//!   is dropped.
//!
//! Files are rewritten as they are converted: a failure half way leaves
//! some files converted and the kustomization file unchanged, as in
//! kustomize.

use super::doc::str_at;
use super::gotype::{encode, Ty, PATCH, VAR};
use crate::gopath::go_join;
use crate::yaml::{Mapping, Value};
use anyhow::{bail, Context, Result};
use std::path::Path;

/// The kustomization file names a directory may hold, in the order Go's
/// sorted directory listing meets them.
const KUSTOMIZATION_NAMES: [&str; 3] = ["Kustomization", "kustomization.yaml", "kustomization.yml"];

/// The files a conversion searches, and the patch entries some came from.
#[derive(Debug, Default)]
struct Touched {
    /// Paths relative to the kustomization's directory, in kustomize's order.
    files: Vec<String>,
    /// The `patches` entry of each patch file.
    patches: Vec<(String, Mapping)>,
}

/// Converts the vars of `doc` (the kustomization of `dir`, already fixed)
/// into replacements, rewriting the files that use them. Does nothing when
/// there is no `vars` field.
pub fn convert_vars(doc: &mut Mapping, dir: &Path) -> Result<()> {
    let vars = match doc.get("vars") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Seq(vars)) => vars.clone(),
        Some(other) => bail!("vars must be a list, not {}", other.type_name()),
    };
    let mut touched = Touched::default();
    let (resources, patches) = resources_and_patches(doc)?;
    collect_files(&resources, &patches, "", dir, &mut touched)?;
    let mut replacements = Vec::with_capacity(vars.len());
    for var in vars.iter() {
        let var = match encode("vars", var, Ty::Obj(VAR), false)? {
            Some(Value::Map(var)) => var,
            _ => Mapping::new(),
        };
        let name = str_at(&var, "name").to_string();
        let targets = targets_of(&name, &touched, dir)?;
        let mut replacement = Mapping::new();
        replacement.insert("source".into(), Value::Map(source_of(&var)));
        if !targets.is_empty() {
            replacement.insert("targets".into(), Value::Seq(targets.into()));
        }
        write_placeholders(&name, &touched.files, dir)?;
        replacements.push(Value::Map(replacement));
    }
    doc.insert("replacements".into(), Value::Seq(replacements.into()));
    doc.shift_remove("vars");
    Ok(())
}

/// The `resources` entries and the `patches` entries of a kustomization,
/// with field names matched ignoring case as Go's decoder matches them.
fn resources_and_patches(doc: &Mapping) -> Result<(Vec<String>, Vec<Mapping>)> {
    let field = |name: &str| {
        doc.get(name).or_else(|| {
            doc.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
    };
    let resources = match field("resources") {
        Some(value) => match encode("resources", value, Ty::Strs, false)? {
            Some(Value::Seq(items)) => items
                .iter()
                .map(|v| v.as_str().unwrap_or("").to_string())
                .collect(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    let patches = match field("patches") {
        Some(value) => match encode("patches", value, Ty::List(&Ty::Obj(PATCH)), false)? {
            Some(Value::Seq(items)) => items.iter().filter_map(Value::as_map).cloned().collect(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    Ok((resources, patches))
}

/// kustomize's `filesTouchedByKustomize`: `base` is the directory the
/// entries are relative to in the returned paths; a directory entry is
/// always listed from `dir` itself.
fn collect_files(
    resources: &[String],
    patches: &[Mapping],
    base: &str,
    dir: &Path,
    touched: &mut Touched,
) -> Result<()> {
    for resource in resources {
        for name in kustomization_files_in(&dir.join(resource)) {
            let path = dir.join(resource).join(name);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let nested = parse_first_document(&text, &path)?;
            let (nested_resources, nested_patches) = resources_and_patches(&nested)
                .with_context(|| format!("reading {}", path.display()))?;
            collect_files(&nested_resources, &nested_patches, resource, dir, touched)?;
        }
        touched.files.push(go_join(base, resource));
    }
    for patch in patches {
        let path = str_at(patch, "path");
        if !path.is_empty() {
            let joined = go_join(base, path);
            touched.files.push(joined.clone());
            touched.patches.push((joined, patch.clone()));
        }
    }
    Ok(())
}

/// The kustomization file names present in `dir` (none when it is not a
/// directory).
fn kustomization_files_in(dir: &Path) -> Vec<&'static str> {
    if !dir.is_dir() {
        return Vec::new();
    }
    KUSTOMIZATION_NAMES
        .into_iter()
        .filter(|name| dir.join(name).is_file())
        .collect()
}

/// The first document of a nested kustomization, as a mapping.
fn parse_first_document(text: &str, path: &Path) -> Result<Mapping> {
    let docs = crate::yaml::parse_documents(text, path).map_err(|e| anyhow::anyhow!(e))?;
    match docs.into_iter().next() {
        None | Some(Value::Null) => Ok(Mapping::new()),
        Some(Value::Map(map)) => Ok(map),
        Some(other) => bail!(
            "{}: a kustomization must be a mapping, not {}",
            path.display(),
            other.type_name()
        ),
    }
}

/// The replacement source of a var.
fn source_of(var: &Mapping) -> Mapping {
    let objref = var.get("objref").and_then(Value::as_map);
    let field = |key: &str| objref.map(|o| str_at(o, key)).unwrap_or("");
    let (group, version) = split_api_version(field("apiVersion"));
    let field_path = var
        .get("fieldref")
        .and_then(Value::as_map)
        .map(|f| str_at(f, "fieldPath"))
        .unwrap_or("");
    selector(&[
        ("group", group),
        ("version", version),
        ("kind", field("kind")),
        ("name", field("name")),
        ("namespace", field("namespace")),
        ("fieldPath", field_path),
    ])
}

/// `group/version` → (group, version); a bare version has no group.
fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

/// A mapping of the non-empty pairs.
fn selector(pairs: &[(&str, &str)]) -> Mapping {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), Value::from(*v)))
        .collect()
}

/// The targets of var `name`: every use in every document of the files.
fn targets_of(name: &str, touched: &Touched, dir: &Path) -> Result<Vec<Value>> {
    let reference = format!("$({name})");
    let mut targets = Vec::new();
    for file in &touched.files {
        let Some(nodes) = documents_of(&dir.join(file)) else {
            continue;
        };
        let patch = touched
            .patches
            .iter()
            .find(|(path, _)| path == file)
            .map(|(_, p)| p);
        for node in &nodes {
            let mut uses = Vec::new();
            find_uses(node, &reference, &mut Vec::new(), &mut uses)
                .with_context(|| format!("error with {file}"))?;
            for (field_path, options) in uses {
                let select = match patch {
                    Some(patch) if !allows_name_and_kind_change(patch) => {
                        patch_selector(patch, node)
                    }
                    _ => document_selector(node),
                };
                let mut target = Mapping::new();
                target.insert("select".into(), Value::Map(select));
                target.insert(
                    "fieldPaths".into(),
                    Value::Seq(vec![Value::from(field_path)].into()),
                );
                if let Some(options) = options {
                    target.insert("options".into(), Value::Map(options));
                }
                targets.push(Value::Map(target));
            }
        }
    }
    Ok(targets)
}

/// The documents of a file as kustomize's reader sees them (empty ones
/// skipped, a lone `List` unwrapped); `None` when the file cannot be read
/// or parsed, which kustomize skips.
fn documents_of(path: &Path) -> Option<Vec<Value>> {
    let text = std::fs::read_to_string(path).ok()?;
    let docs = crate::yaml::parse_documents(&text, path).ok()?;
    let mut docs: Vec<Value> = docs.into_iter().filter(|d| !d.is_null()).collect();
    if let [only] = docs.as_slice() {
        let kind = only.str_at(&["kind"]).unwrap_or("");
        if matches!(kind, "List" | "ResourceList") {
            if let Some(Value::Seq(items)) = only.get("items") {
                docs = items.iter().cloned().collect();
            }
        }
    }
    Some(docs)
}

fn allows_name_and_kind_change(patch: &Mapping) -> bool {
    let option = |key: &str| {
        patch
            .get("options")
            .and_then(|o| o.get(key))
            .is_some_and(|v| *v == Value::Bool(true))
    };
    option("allowNameChange") && option("allowKindChange")
}

/// A document's identity as a selector.
fn document_selector(node: &Value) -> Mapping {
    let (group, version) = split_api_version(node.str_at(&["apiVersion"]).unwrap_or(""));
    selector(&[
        ("group", group),
        ("version", version),
        ("kind", node.str_at(&["kind"]).unwrap_or("")),
        ("name", node.str_at(&["metadata", "name"]).unwrap_or("")),
        (
            "namespace",
            node.str_at(&["metadata", "namespace"]).unwrap_or(""),
        ),
    ])
}

/// A patch's target, with the document's name and kind where the patch
/// may change them, and its namespace when it has one.
fn patch_selector(patch: &Mapping, node: &Value) -> Mapping {
    let mut select = patch
        .get("target")
        .and_then(Value::as_map)
        .cloned()
        .unwrap_or_default();
    let option = |key: &str| {
        patch
            .get("options")
            .and_then(|o| o.get(key))
            .is_some_and(|v| *v == Value::Bool(true))
    };
    let mut set = |key: &str, value: &str| {
        select.insert(key.into(), Value::from(value));
    };
    if option("allowNameChange") {
        set("name", node.str_at(&["metadata", "name"]).unwrap_or(""));
    }
    if option("allowKindChange") {
        set("kind", node.str_at(&["kind"]).unwrap_or(""));
    }
    if let Some(namespace) = node
        .str_at(&["metadata", "namespace"])
        .filter(|n| !n.is_empty())
    {
        set("namespace", namespace);
    }
    select
}

/// A use of a var: the field path, and the options locating it inside a
/// longer string.
type Use = (String, Option<Mapping>);

/// Walks `node`, collecting each string that holds `reference`.
fn find_uses(
    node: &Value,
    reference: &str,
    path: &mut Vec<String>,
    uses: &mut Vec<Use>,
) -> Result<()> {
    match node {
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                find_uses(item, reference, path, uses)?;
                path.pop();
            }
        }
        Value::Map(map) => {
            for (key, value) in map.iter() {
                let key = key.trim();
                path.push(if key.contains('.') {
                    format!("[{key}]")
                } else {
                    key.to_string()
                });
                find_uses(value, reference, path, uses)?;
                path.pop();
            }
        }
        Value::String(text) if text.contains(reference) => {
            uses.push((path.join("."), field_options(text, reference)?));
        }
        _ => {}
    }
    Ok(())
}

/// Where `reference` sits in `value`: nothing when it is the whole value;
/// otherwise the delimiter next to it and its index in the split.
fn field_options(value: &str, reference: &str) -> Result<Option<Mapping>> {
    if value == reference {
        return Ok(None);
    }
    let start = value.find(reference).expect("the caller checked");
    let end = start + reference.len();
    let char_before = || value[..start].chars().next_back();
    let char_after = || value[end..].chars().next();
    let (delimiter, index) = if start == 0 {
        let delimiter = char_after().expect("value is longer than the reference");
        (delimiter, 0)
    } else if end >= value.len() {
        let delimiter = char_before().expect("value is longer than the reference");
        (delimiter, value.split(delimiter).count() - 1)
    } else {
        let (before, after) = (char_before(), char_after());
        let (Some(delimiter), true) = (before, before == after) else {
            bail!("cannot convert all vars to replacements; {reference} is not delimited");
        };
        let Some(index) = value.split(delimiter).position(|part| part == reference) else {
            bail!("internal error: could not get index of var {reference}");
        };
        (delimiter, index)
    };
    let mut options = Mapping::new();
    options.insert("delimiter".into(), Value::from(delimiter.to_string()));
    options.insert("index".into(), Value::Int(index as i64));
    Ok(Some(options))
}

/// Replaces every `$(NAME)` in the files with `NAME_PLACEHOLDER`.
fn write_placeholders(name: &str, files: &[String], dir: &Path) -> Result<()> {
    let reference = format!("$({name})");
    let placeholder = format!("{name}_PLACEHOLDER");
    for file in files {
        let path = dir.join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if text.contains(&reference) {
            std::fs::write(&path, text.replace(&reference, &placeholder))
                .with_context(|| format!("writing {file}"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "vars_tests.rs"]
mod tests;
