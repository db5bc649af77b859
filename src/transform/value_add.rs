//! The ValueAddTransformer: writes one string value into a field of the
//! selected resources, creating the field when missing, or inserts it into
//! a file path held by the field (`filePathPosition`). Only reachable as a
//! `transformers:` entry; no kustomization field configures it.

use super::namespace::{NamespaceTransformer, RoleBindingSubjects};
use super::plugin_config::{lenient_string, nullable, PluginMetadata};
use super::{Transform, TransformContext};
use crate::fieldspec::{CompiledSpec, CreateKind, FieldSpec, NodeKind, SetError};
use crate::openapi::custom::SchemaScope;
use crate::patch::source::PatchFiles;
use crate::patch::target::Selector;
use crate::patch::target::Target as Compiled;
use crate::resource::{Resource, ResourceList};
use crate::yaml::Value;
use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;
use std::path::Path;

/// One place to put the value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueAddTarget {
    /// Which resources; all of them when absent.
    #[serde(default, deserialize_with = "nullable")]
    pub selector: Option<Selector>,
    /// The field, as a slash-separated path (`\/` for a slash in a key).
    #[serde(default, deserialize_with = "lenient_string")]
    pub field_path: String,
    /// When positive, the field holds a file path and the value becomes its
    /// part at this position (1 is first); zero replaces the field.
    #[serde(default, deserialize_with = "nullable")]
    pub file_path_position: i64,
}

/// The plugin config, as `transformers:` spells it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueAddConfig {
    /// The value; blank means the base name of the kustomization's directory.
    #[serde(default, deserialize_with = "lenient_string")]
    pub value: String,
    /// Where it goes.
    #[serde(default, deserialize_with = "nullable")]
    pub targets: Vec<ValueAddTarget>,
    /// A file whose `targets` are appended to [`ValueAddConfig::targets`].
    #[serde(default, deserialize_with = "lenient_string")]
    pub target_file_path: String,
}

/// The file that only lists targets (`targetFilePath`).
#[derive(Debug, Default, Deserialize)]
struct TargetFile {
    #[serde(default, deserialize_with = "nullable")]
    targets: Vec<ValueAddTarget>,
}

/// A configured ValueAddTransformer.
pub struct ValueAddTransformer {
    value: String,
    targets: Vec<(Option<Compiled>, ValueAddTarget)>,
}

impl ValueAddConfig {
    /// Validates the config and reads its target file, as kustomize does
    /// when it configures the plugin: the value is trimmed (blank becomes
    /// the directory name), and at least one target with a field path and
    /// a non-negative position is required.
    pub fn load(mut self, files: &PatchFiles, dir: &Path) -> Result<ValueAddTransformer> {
        let mut value = self.value.trim().to_string();
        if value.is_empty() {
            value = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
        }
        if !self.target_file_path.is_empty() {
            let text = files.read(&self.target_file_path)?;
            let docs = crate::yaml::parse_documents(&text, Path::new(&self.target_file_path))?;
            let json: serde_json::Value = docs.first().map(Into::into).unwrap_or_default();
            let file: TargetFile = serde_json::from_value(json)
                .with_context(|| format!("reading {}", self.target_file_path))?;
            self.targets.extend(file.targets);
        }
        if self.targets.is_empty() {
            bail!("must specify at least one target");
        }
        let mut targets = Vec::with_capacity(self.targets.len());
        for target in self.targets {
            if target.field_path.is_empty() {
                bail!("fieldPath cannot be empty");
            }
            if target.file_path_position < 0 {
                bail!(
                    "value of FilePathPosition ({}) cannot be negative",
                    target.file_path_position
                );
            }
            let selector = target.selector.as_ref().map(Compiled::new).transpose()?;
            targets.push((selector, target));
        }
        Ok(ValueAddTransformer { value, targets })
    }
}

impl Transform for ValueAddTransformer {
    fn apply(&self, cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        for (selector, target) in &self.targets {
            let chosen: Vec<usize> = match selector {
                Some(s) => s.select(resources),
                None => (0..resources.len()).collect(),
            };
            if target.field_path == "metadata/namespace" {
                self.set_namespace(cx.schema(), resources, &chosen)?;
                continue;
            }
            let spec = FieldSpec::new(&target.field_path, true);
            let compiled = CompiledSpec::new(&spec);
            let mut items = resources.items_mut();
            for i in chosen {
                add_value(&mut items[i], &compiled, &self.value, target)?;
            }
        }
        Ok(())
    }
}

impl ValueAddTransformer {
    /// `metadata/namespace` is set as the namespace transformer sets it
    /// (cluster-scoped objects skipped, default role binding subjects
    /// included), as kustomize hands that path to it.
    fn set_namespace(
        &self,
        schema: &SchemaScope,
        resources: &mut ResourceList,
        chosen: &[usize],
    ) -> Result<()> {
        let namespace = NamespaceTransformer {
            metadata: PluginMetadata {
                namespace: self.value.clone(),
                ..PluginMetadata::default()
            },
            field_specs: Vec::new(),
            unset_only: false,
            set_role_binding_subjects: RoleBindingSubjects::DefaultOnly,
        };
        let mut items = resources.items_mut();
        for &i in chosen {
            namespace.transform_resource(schema, &mut items[i])?;
        }
        Ok(())
    }
}

/// Sets (or inserts into) the field `compiled` reaches in one resource.
fn add_value(
    res: &mut Resource,
    compiled: &CompiledSpec<'_>,
    value: &str,
    target: &ValueAddTarget,
) -> Result<()> {
    let position = target.file_path_position;
    let mut set = |node: &mut Value| -> Result<(), SetError> {
        if !node.is_scalar() {
            return Err(SetError::wrong_kind(NodeKind::Scalar, node));
        }
        let text = node.scalar_text().unwrap_or_default();
        let new = if position > 0 {
            insert_path_part(&text, (position - 1) as usize, value)
        } else {
            value.to_string()
        };
        *node = Value::String(new.into());
        Ok(())
    };
    compiled
        .apply_matched(res.value_mut(), CreateKind::Scalar, &mut set)
        .map_err(|e| anyhow!("{e}"))
}

/// Inserts `part` into the slash-separated `path` at position `pos`
/// (0 is first; beyond the end appends). A leading slash stays leading,
/// so positions count the same in absolute and relative paths; the result
/// is cleaned (empty and `.` parts dropped, `..` resolved) as Go's
/// `filepath.Join` cleans it.
pub fn insert_path_part(path: &str, pos: usize, part: &str) -> String {
    if part.is_empty() {
        return path.to_string();
    }
    let mut parts: Vec<&str> = match path {
        "" => Vec::new(),
        "/" => vec![""],
        _ => path.split('/').collect(),
    };
    let mut pos = pos.min(parts.len());
    if parts.first() == Some(&"") && pos < parts.len() {
        pos += 1;
    }
    parts.insert(pos, part);
    if parts[0].is_empty() {
        format!("/{}", clean(&parts[1..], true))
    } else {
        clean(&parts, false)
    }
}

/// Joins path parts as Go's `filepath.Join` does (then `Clean`): empty and
/// `.` parts vanish and `..` removes the part before it. `rooted` paths
/// drop a `..` at the root; relative ones keep it.
fn clean(parts: &[&str], rooted: bool) -> String {
    let mut out: Vec<&str> = Vec::new();
    for &p in parts {
        match p {
            "" | "." => {}
            ".." => match out.last() {
                Some(&last) if last != ".." => {
                    out.pop();
                }
                _ if rooted => {}
                _ => out.push(".."),
            },
            _ => out.push(p),
        }
    }
    if out.is_empty() && !rooted && parts.iter().any(|p| !p.is_empty()) {
        return ".".to_string();
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::insert_path_part;

    #[test]
    fn inserts_path_parts_as_kustomize_documents() {
        let cases = [
            ("", 0, "PEACH"),
            ("/", 0, "/PEACH"),
            ("pie", 0, "PEACH/pie"),
            ("/pie", 0, "/PEACH/pie"),
            ("raw", 1, "raw/PEACH"),
            ("/raw", 9, "/raw/PEACH"),
            ("a/nice/warm/pie", 3, "a/nice/warm/PEACH/pie"),
            ("/a/nice/warm/pie", 3, "/a/nice/warm/PEACH/pie"),
        ];
        for (path, pos, want) in cases {
            assert_eq!(
                insert_path_part(path, pos, "PEACH"),
                want,
                "{path} at {pos}"
            );
        }
    }
}
