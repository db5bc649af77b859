//! `create` (a new kustomization) and `edit fix` (deprecated fields
//! rewritten).

use super::doc::set_strings;
use super::fixup::before_fix_write;
use super::kustfile::{find_file_name, KustFile};
use super::lists::expand_paths;
use super::metadata::{parse_pair_list, MetadataKind};
use crate::yaml::{Mapping, Value};
use anyhow::{bail, Context, Result};
use std::path::Path;

/// The flags of `create`.
#[derive(Debug, Clone, Default)]
pub struct CreateOptions {
    /// `--resources`: comma-separated paths or globs.
    pub resources: String,
    /// `--namespace`.
    pub namespace: String,
    /// `--annotations`: comma-separated `key:value` pairs.
    pub annotations: String,
    /// `--labels`: comma-separated `key:value` pairs.
    pub labels: String,
    /// `--nameprefix`.
    pub name_prefix: String,
    /// `--namesuffix`.
    pub name_suffix: String,
    /// `--autodetect`: add the resource files found in the directory.
    pub autodetect: bool,
    /// `--recursive`: with `autodetect`, also search subdirectories (a
    /// subdirectory holding a kustomization is added as a whole).
    pub recursive: bool,
}

/// Creates `kustomization.yaml` in `dir`, as `kustomize create` does.
pub fn create(dir: &Path, options: &CreateOptions) -> Result<()> {
    let mut resources = Vec::new();
    if !options.resources.is_empty() {
        let patterns: Vec<String> = options.resources.split(',').map(str::to_string).collect();
        resources = expand_paths(dir, &patterns, false)?;
    }
    if find_file_name(dir).is_ok() {
        bail!("kustomization file already exists");
    }
    if options.autodetect {
        for found in detect_resources(dir, options.recursive)? {
            if !resources.contains(&found) {
                resources.push(found);
            }
        }
    }
    // kustomize creates the empty file first, so it stays behind when a
    // later step fails.
    std::fs::write(dir.join("kustomization.yaml"), "")
        .context("cannot create kustomization.yaml")?;
    let mut file = KustFile::open(dir)?;
    let doc = file.doc_mut();
    if !resources.is_empty() {
        set_strings(doc, "resources", resources);
    }
    for (field, value) in [
        ("namespace", &options.namespace),
        ("namePrefix", &options.name_prefix),
        ("nameSuffix", &options.name_suffix),
    ] {
        doc.insert(field.into(), value.clone().into());
    }
    let annotations = parse_pair_list(&options.annotations, MetadataKind::Annotation)?;
    doc.insert("commonAnnotations".into(), pairs_value(annotations));
    let labels = parse_pair_list(&options.labels, MetadataKind::Label)?;
    doc.insert("commonLabels".into(), pairs_value(labels));
    file.save()
}

fn pairs_value(pairs: indexmap::IndexMap<String, String>) -> Value {
    let map: Mapping = pairs.into_iter().map(|(k, v)| (k, v.into())).collect();
    Value::Map(map)
}

/// Walks `dir` in lexical order: files that read as Kubernetes resources,
/// and (with `recursive`) subdirectories holding a kustomization.
fn detect_resources(dir: &Path, recursive: bool) -> Result<Vec<String>> {
    let mut found = Vec::new();
    walk(dir, "", recursive, &mut found)?;
    Ok(found)
}

fn walk(root: &Path, rel: &str, recursive: bool, found: &mut Vec<String>) -> Result<()> {
    let here = root.join(rel);
    let mut names: Vec<String> = std::fs::read_dir(&here)
        .with_context(|| format!("cannot read directory {}", here.display()))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    for name in names {
        let path = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let full = root.join(&path);
        if full.is_dir() {
            if !recursive {
                continue;
            }
            if has_any_kustomization(&full) {
                found.push(path);
            } else {
                walk(root, &path, recursive, found)?;
            }
        } else if crate::load::read_resources(&full).is_ok() {
            found.push(path);
        }
    }
    Ok(())
}

fn has_any_kustomization(dir: &Path) -> bool {
    crate::kustomization::FILE_NAMES
        .iter()
        .any(|name| dir.join(name).exists())
}

/// The text `edit fix` prints when vars are not converted.
pub const FIX_MESSAGE: &str = "
Fixed fields:
  patchesJson6902 -> patches
  patchesStrategicMerge -> patches
  commonLabels -> labels

To convert vars -> replacements, run the command `kustomize edit fix --vars`

WARNING: Converting vars to replacements will potentially overwrite many resource files 
and the resulting files may not produce the same output when `kustomize build` is run. 
We recommend doing this in a clean git repository where the change is easy to undo.
";

/// The text `edit fix --vars` prints.
pub const FIX_VARS_MESSAGE: &str = "
Fixed fields:
  patchesJson6902 -> patches
  patchesStrategicMerge -> patches
  commonLabels -> labels
  vars -> replacements
";

/// `edit fix`: rewrites deprecated fields (with `vars`, also vars into
/// replacements, rewriting the files that use them), then builds the
/// directory before and after and returns what kustomize prints: the
/// summary and a warning when the build now fails or prints something else.
pub fn fix(dir: &Path, vars: bool) -> Result<String> {
    let before = render_build(dir).unwrap_or_default();
    let mut file = KustFile::open(dir)?;
    before_fix_write(file.doc_mut(), dir)?;
    let mut out = if vars {
        super::vars::convert_vars(file.doc_mut(), dir)?;
        FIX_VARS_MESSAGE.to_string()
    } else {
        FIX_MESSAGE.to_string()
    };
    let written = file.save();
    match render_build(dir) {
        Err(e) => out.push_str(&format!(
            "Warning: 'Fixed' kustomization now produces the error when running \
             `kustomize build`: {e:#}\n"
        )),
        Ok(after) if after != before => out.push_str(&format!(
            "Warning: 'Fixed' kustomization now produces different output when running \
             `kustomize build`:\n...{after}...\n"
        )),
        Ok(_) => {}
    }
    written.map(|()| out)
}

fn render_build(dir: &Path) -> Result<String> {
    let built = crate::build::build_with_warnings(dir, &crate::BuildOptions::default())?;
    crate::output::render(built.resources)
}
