//! The two older patch transformers: PatchStrategicMergeTransformer
//! (`patchesStrategicMerge`) and PatchJson6902Transformer
//! (`patchesJson6902`).

use super::patch::{apply_json_to, apply_to_selected, find_unique, no_match_note, AllowedChanges};
use super::plugin_config::{lenient_string, nullable};
use super::{Transform, TransformContext};
use crate::patch::json6902::JsonPatch;
use crate::patch::source::{quoted, strategic_merge_patches, PatchFiles};
use crate::patch::target::Selector;
use crate::patch::target::Target;
use crate::resource::{Resource, ResourceList};
use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;

/// Configuration of a PatchStrategicMergeTransformer: the kustomization's
/// `patchesStrategicMerge`, or a `transformers:` entry with `apiVersion:
/// builtin`, `kind: PatchStrategicMergeTransformer`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PatchStrategicMergeTransformer {
    /// Patch files, or (for historical reasons) inline patches.
    #[serde(default, deserialize_with = "nullable")]
    pub paths: Vec<String>,
    /// Inline patches.
    #[serde(default, deserialize_with = "lenient_string")]
    pub patches: String,
}

/// A PatchStrategicMergeTransformer with its patches read.
#[derive(Debug, Clone)]
pub struct LoadedStrategicMerge {
    patches: Vec<Resource>,
}

impl PatchStrategicMergeTransformer {
    /// Reads the patches. Each `paths` entry is first read as patch text
    /// and, when that fails, as a file name. Fails when nothing is left.
    pub fn load(&self, files: &PatchFiles) -> Result<LoadedStrategicMerge> {
        if self.paths.is_empty() && self.patches.is_empty() {
            bail!("empty file path and empty patch content");
        }
        let mut patches = Vec::new();
        for path in &self.paths {
            if let Ok(inline) = strategic_merge_patches(path, "patchesStrategicMerge entry") {
                patches.extend(inline);
                continue;
            }
            let text = files.read(path)?;
            patches.extend(strategic_merge_patches(&text, path)?);
        }
        if !self.patches.is_empty() {
            patches.extend(strategic_merge_patches(&self.patches, "patches")?);
        }
        if patches.is_empty() {
            bail!(
                "patch appears to be empty; files={:?}, Patch={}",
                self.paths,
                self.patches
            );
        }
        Ok(LoadedStrategicMerge { patches })
    }
}

impl Transform for LoadedStrategicMerge {
    fn apply(&self, cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        let schema = cx.schema().for_merge();
        for patch in &self.patches {
            let index = find_unique(resources, &patch.id())?;
            apply_to_selected(
                resources,
                &[index],
                &patch.value(),
                AllowedChanges::default(),
                &schema,
            )?;
        }
        Ok(())
    }
}

impl PatchStrategicMergeTransformer {
    /// The patches of `paths` (each a file name or inline patch text).
    pub fn new(paths: Vec<String>) -> PatchStrategicMergeTransformer {
        PatchStrategicMergeTransformer {
            paths,
            patches: String::new(),
        }
    }
}

/// Configuration of a PatchJson6902Transformer: one `patchesJson6902`
/// entry, or a `transformers:` entry with `apiVersion: builtin`, `kind:
/// PatchJson6902Transformer`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatchJson6902Transformer {
    /// The resources to patch; a name is required.
    #[serde(default, deserialize_with = "nullable")]
    pub target: Option<Selector>,
    /// A file holding the operations.
    #[serde(default, deserialize_with = "lenient_string")]
    pub path: String,
    /// The operations, inline (JSON or YAML).
    #[serde(default, deserialize_with = "lenient_string")]
    pub json_op: String,
}

/// A PatchJson6902Transformer with its operations decoded.
#[derive(Debug, Clone)]
pub struct LoadedJson6902 {
    target: Target,
    patch: JsonPatch,
    /// The operations' text, for messages.
    text: String,
    /// `[path: "..."]` or `[patch: "..."]`, for warnings.
    source: String,
}

impl PatchJson6902Transformer {
    /// Checks the configuration and reads and decodes the operations.
    pub fn load(&self, files: &PatchFiles) -> Result<LoadedJson6902> {
        let selector = self
            .target
            .as_ref()
            .filter(|t| !t.name.is_empty())
            .ok_or_else(|| anyhow!("must specify the target name"))?;
        let text = match (self.path.is_empty(), self.json_op.is_empty()) {
            (true, true) => bail!("empty file path and empty jsonOp"),
            (false, false) => bail!("must specify a file path or jsonOp, not both"),
            (true, false) => self.json_op.clone(),
            (false, true) => {
                let text = files.read(&self.path)?;
                if text.is_empty() {
                    bail!("patch file '{}' empty seems to be empty", self.path);
                }
                text
            }
        };
        let patch = JsonPatch::parse(&text).with_context(|| format!("decoding {text}"))?;
        if patch.is_empty() {
            bail!(
                "patch appears to be empty; file={}, JsonOp={}",
                self.path,
                text
            );
        }
        let source = if self.path.is_empty() {
            format!("[patch: {}]", quoted(text.trim()))
        } else {
            format!("[path: {}]", quoted(&self.path))
        };
        Ok(LoadedJson6902 {
            target: Target::new(selector)?,
            patch,
            text,
            source,
        })
    }
}

impl Transform for LoadedJson6902 {
    fn apply(&self, cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        let selected = self.target.select(resources);
        if selected.is_empty() {
            cx.note(no_match_note(&self.source, &self.target));
        }
        let mut items = resources.items_mut();
        for i in selected {
            apply_json_to(&mut items[i], &self.patch, false)
                .with_context(|| format!("applying patch {}", self.text.trim_end()))?;
        }
        Ok(())
    }
}

impl PatchJson6902Transformer {
    /// The operations at `path` or inline in `json_op`, for `target`.
    pub fn new(target: Option<Selector>, path: &str, json_op: &str) -> PatchJson6902Transformer {
        PatchJson6902Transformer {
            target,
            path: path.to_string(),
            json_op: json_op.to_string(),
        }
    }
}
