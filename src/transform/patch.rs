//! The PatchTransformer: one `patches` entry, a strategic merge patch or a
//! JSON 6902 patch (told apart by content, as kustomize does), applied to
//! the resources its `target` selects or, for strategic merge patches
//! without a target, to the resource the patch itself names.
//!
//! The helpers shared with the older `patchesStrategicMerge` and
//! `patchesJson6902` transformers live here too.

use super::plugin_config::{lenient_string, nullable};
use super::{Transform, TransformContext};
use crate::openapi::Schema;
use crate::patch::json6902::JsonPatch;
use crate::patch::source::{quoted, strategic_merge_patches, PatchFiles};
use crate::patch::strategic_merge::{drop_bare_nulls, merge_patch, Outcome};
use crate::patch::target::Selector;
use crate::patch::target::Target;
use crate::resource::{ResId, Resource, ResourceList};
use crate::yaml::Value;
use anyhow::{anyhow, bail, Context, Result};
use indexmap::IndexMap;
use serde::Deserialize;

/// One entry of `patches` or `patchesJson6902`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    /// `path`: the file holding the patch.
    #[serde(default, deserialize_with = "nullable")]
    pub path: String,
    /// `patch`: the patch itself, inline.
    #[serde(default, deserialize_with = "nullable")]
    pub patch: String,
    /// `target`: which resources the patch applies to; without it, a
    /// strategic-merge patch applies to the resource it names.
    #[serde(default, deserialize_with = "nullable")]
    pub target: Option<Selector>,
    /// `options`: `allowNameChange` and `allowKindChange`.
    #[serde(default, deserialize_with = "nullable")]
    pub options: IndexMap<String, bool>,
}

/// Configuration of one PatchTransformer: a `patches` entry (a [`Patch`],
/// through [`PatchTransformer::from_entry`]), or a `transformers:` entry
/// with `apiVersion: builtin`, `kind: PatchTransformer`. It is a shape of
/// its own, not [`Patch`], because the plugin form decodes leniently
/// (unknown fields ignored, numbers and bools read as strings) where the
/// kustomization decodes with Go's JSON rules, and because its debug form
/// is part of kustomize's messages about a bad entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatchTransformer {
    /// A file holding the patch.
    #[serde(default, deserialize_with = "lenient_string")]
    pub path: String,
    /// The patch itself.
    #[serde(default, deserialize_with = "lenient_string")]
    pub patch: String,
    /// The resources to patch.
    #[serde(default, deserialize_with = "nullable")]
    pub target: Option<Selector>,
    /// `allowNameChange` and `allowKindChange`.
    #[serde(default, deserialize_with = "nullable")]
    pub options: IndexMap<String, bool>,
}

/// A PatchTransformer with its patch read and decoded, ready to run.
#[derive(Debug, Clone)]
pub struct LoadedPatch {
    /// `[patch: "..."]` or `[path: "..."]`, for messages.
    source: String,
    target: Option<Target>,
    body: Body,
    changes: AllowedChanges,
}

#[derive(Debug, Clone)]
enum Body {
    StrategicMerge(Vec<Resource>),
    Json(JsonPatch),
}

/// Which identity fields a strategic merge patch may change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllowedChanges {
    /// `options.allowNameChange`.
    pub name: bool,
    /// `options.allowKindChange`.
    pub kind: bool,
}

impl AllowedChanges {
    fn from_options(options: &IndexMap<String, bool>) -> AllowedChanges {
        let flag = |k: &str| options.get(k).copied().unwrap_or(false);
        AllowedChanges {
            name: flag("allowNameChange"),
            kind: flag("allowKindChange"),
        }
    }
}

impl PatchTransformer {
    /// The transformer for one `patches` entry.
    pub fn from_entry(entry: &Patch) -> PatchTransformer {
        PatchTransformer {
            path: entry.path.clone(),
            patch: entry.patch.clone(),
            target: entry.target.clone(),
            options: entry.options.clone(),
        }
    }

    /// Reads the patch (from `files` when it is given by path) and decides
    /// what kind of patch it is: text that reads as resources is a strategic
    /// merge patch, text that decodes as a list of operations is a JSON
    /// patch, and text that is both or neither is an error.
    pub fn load(&self, files: &PatchFiles) -> Result<LoadedPatch> {
        let inline = self.patch.trim();
        let (text, source) = match (inline.is_empty(), self.path.is_empty()) {
            (true, true) => bail!("must specify one of patch and path in {self:?}"),
            (false, false) => bail!("patch and path can't be set at the same time in {self:?}"),
            (false, true) => (inline.to_string(), format!("[patch: {}]", quoted(inline))),
            (true, false) => {
                let text = files.read(&self.path).with_context(|| {
                    format!("failed to get the patch file from path({})", self.path)
                })?;
                (text, format!("[path: {}]", quoted(&self.path)))
            }
        };
        let strategic = strategic_merge_patches(&text, &source);
        let json = if text.is_empty() {
            Err(anyhow!("empty json patch operations"))
        } else {
            JsonPatch::parse(&text)
        };
        let body = match (strategic, json) {
            (Ok(_), Ok(_)) => bail!("illegally qualifies as both an SM and JSON patch: {source}"),
            (Err(_), Err(_)) => bail!("unable to parse SM or JSON patch from {source}"),
            // No documents at all: kustomize then runs it as an empty JSON
            // patch, which still needs a target.
            (Ok(patches), Err(_)) if patches.is_empty() => Body::Json(JsonPatch::default()),
            (Ok(patches), Err(_)) => Body::StrategicMerge(patches),
            (Err(_), Ok(json)) => Body::Json(json),
        };
        let target = self.target.as_ref().map(Target::new).transpose()?;
        Ok(LoadedPatch {
            source,
            target,
            body,
            changes: AllowedChanges::from_options(&self.options),
        })
    }
}

impl Transform for LoadedPatch {
    fn apply(&self, cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        if let Some(target) = &self.target {
            if target.select(resources).is_empty() {
                cx.note(no_match_note(&self.source, target));
            }
        }
        match &self.body {
            Body::StrategicMerge(patches) => {
                let schema = cx.schema().for_merge();
                self.apply_strategic(patches, &schema, resources)
            }
            Body::Json(json) => self.apply_json(json, resources),
        }
    }
}

/// The note for a patch whose target selects no resource: kustomize
/// applies it to nothing, silently.
pub(crate) fn no_match_note(source: &str, target: &Target) -> String {
    format!("patch {source} has no effect: its target ({target}) selects no resource")
}

impl LoadedPatch {
    fn apply_strategic(
        &self,
        patches: &[Resource],
        schema: &Schema,
        resources: &mut ResourceList,
    ) -> Result<()> {
        let Some(target) = &self.target else {
            for patch in patches {
                let id = patch.id();
                let index = find_unique(resources, &id).with_context(|| {
                    format!("no resource matches strategic merge patch \"{id}\"")
                })?;
                apply_to_one(resources, index, &patch.value(), self.changes, schema)
                    .with_context(|| format!("applying patch {}", self.source))?;
            }
            return Ok(());
        };
        if patches.len() > 1 {
            bail!(
                "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field: {}",
                self.source
            );
        }
        let selected = target.select(resources);
        apply_to_selected(
            resources,
            &selected,
            &patches[0].value(),
            self.changes,
            schema,
        )
        .with_context(|| format!("applying patch {}", self.source))
    }

    fn apply_json(&self, json: &JsonPatch, resources: &mut ResourceList) -> Result<()> {
        let Some(target) = &self.target else {
            bail!("must specify a target for JSON patch {}", self.source);
        };
        let selected = target.select(resources);
        let mut items = resources.items_mut();
        for i in selected {
            let res = &mut items[i];
            // kustomize records the identity first, which also leaves its
            // internal annotations on the object while the patch runs.
            res.store_previous_id();
            apply_json_to(res, json, true)
                .with_context(|| format!("applying patch {}", self.source))?;
        }
        Ok(())
    }
}

/// The position of the one resource that answers to `id` now or under an
/// earlier identity (kustomize's `GetById`).
pub(crate) fn find_unique(resources: &ResourceList, id: &ResId) -> Result<usize> {
    let mut found = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.answers_to(id))
        .map(|(i, _)| i);
    match (found.next(), found.next()) {
        (Some(i), None) => Ok(i),
        (Some(_), Some(_)) => Err(anyhow!(
            "multiple matches for Id {id}; failed to find unique target for patch {id}"
        )),
        (None, _) => Err(anyhow!(
            "no matches for Id {id}; failed to find unique target for patch {id}"
        )),
    }
}

/// Applies a strategic merge patch to the resource at `index`, removing it
/// when the patch deletes it.
pub(crate) fn apply_to_one(
    resources: &mut ResourceList,
    index: usize,
    patch: &Value,
    changes: AllowedChanges,
    schema: &Schema,
) -> Result<()> {
    let mut items = resources.items_mut();
    if merge_into(&mut items[index], patch, changes, schema)? == Outcome::Delete {
        items.remove(index);
    }
    Ok(())
}

/// Applies a strategic merge patch to each selected resource (positions in
/// list order), with the patch's `apiVersion` replaced by the resource's as
/// kustomize does; deleted resources leave the list.
pub(crate) fn apply_to_selected(
    resources: &mut ResourceList,
    selected: &[usize],
    patch: &Value,
    changes: AllowedChanges,
    schema: &Schema,
) -> Result<()> {
    let copied;
    let patch = match copy_metadata_maps(patch) {
        Some(copy) => {
            copied = copy;
            &copied
        }
        None => patch,
    };
    let mut items = resources.items_mut();
    let mut deleted = Vec::new();
    for &i in selected {
        let res = &mut items[i];
        let outcome = if patch.str_at(&["apiVersion"]) == Some(res.api_version()) {
            merge_into(res, patch, changes, schema)?
        } else {
            let mut copy = patch.clone();
            if let Some(map) = copy.as_map_mut() {
                map.insert("apiVersion".into(), res.api_version().into());
            }
            merge_into(res, &copy, changes, schema)?
        };
        if outcome == Outcome::Delete {
            deleted.push(i);
        }
    }
    for i in deleted.into_iter().rev() {
        items.remove(i);
    }
    Ok(())
}

/// The patch as kustomize's copy of it reads, when that differs: the copy
/// gets its labels and annotations through the typed setters, so each value
/// becomes its text (`true` is "true", null "null", a collection ""), and
/// an empty or null field is dropped rather than merged.
fn copy_metadata_maps(patch: &Value) -> Option<Value> {
    let meta = patch.get("metadata")?.as_map()?;
    let needs_copy = ["labels", "annotations"]
        .iter()
        .any(|field| match meta.get(field) {
            None => false,
            Some(Value::Map(map)) => {
                map.is_empty() || map.values().any(|v| !matches!(v, Value::String(_)))
            }
            Some(_) => true,
        });
    if !needs_copy {
        return None;
    }
    let mut copy = patch.clone();
    let meta = copy.get_mut("metadata")?.as_map_mut()?;
    for field in ["labels", "annotations"] {
        let keep = match meta.get_mut(field) {
            None => continue,
            Some(Value::Map(map)) if !map.is_empty() => {
                for value in map.values_mut() {
                    let text = match &*value {
                        Value::Text(t) => t.text.to_string(),
                        Value::Null => "null".to_string(),
                        other => other.scalar_text().unwrap_or_default(),
                    };
                    *value = Value::String(text.into());
                }
                true
            }
            Some(_) => false,
        };
        if !keep {
            meta.shift_remove(field);
        }
    }
    Some(copy)
}

/// kustomize's `Resource.ApplySmPatch`: merges, then puts back the kind and
/// name (unless the patch may change them) and always the namespace.
fn merge_into(
    res: &mut Resource,
    patch: &Value,
    changes: AllowedChanges,
    schema: &Schema,
) -> Result<Outcome> {
    let kind = res.kind().to_string();
    let name = res.name().to_string();
    let namespace = res.namespace().to_string();
    if changes.name || changes.kind {
        res.store_previous_id();
    }
    if !res.state.bare_nulls.is_empty() {
        let bare_nulls = std::mem::take(&mut res.state.bare_nulls);
        drop_bare_nulls(res.value_mut(), &bare_nulls, schema);
    }
    // Values the merge overwrites in place show at every place linked with
    // them (see `crate::resource::LinkGroup`).
    let links = res.plan_patch(patch);
    let outcome = merge_patch(res.value_mut(), patch, schema)
        .with_context(|| format!("merging into {}", res.id()))?;
    res.finish_patch(links);
    if outcome == Outcome::Delete || res.is_empty_object() {
        return Ok(Outcome::Delete);
    }
    if !changes.kind {
        res.map_mut().insert("kind".into(), kind.into());
    }
    if !changes.name {
        res.set_name(&name);
    }
    if namespace.is_empty() {
        if let Some(Value::Map(meta)) = res.map_mut().get_mut("metadata") {
            meta.shift_remove("namespace");
        }
    } else {
        res.set_namespace(&namespace);
    }
    Ok(Outcome::Merged)
}

/// Applies a JSON patch to one resource. kustomize patches the object with
/// its internal annotations in place, so `metadata.annotations` exists
/// during the patch whenever the resource carries build state (or
/// `with_build_state` says it does); it is created empty here, and an empty
/// one is dropped when the build's annotations are cleaned.
pub(crate) fn apply_json_to(
    res: &mut Resource,
    json: &JsonPatch,
    with_build_state: bool,
) -> Result<()> {
    if json.is_empty() {
        return Ok(());
    }
    let state = &res.state;
    let has_state = with_build_state
        || !state.previous_ids.is_empty()
        || !state.prefixes.is_empty()
        || !state.suffixes.is_empty()
        || state.needs_hash;
    if has_state {
        if let Some(Value::Map(meta)) = res.map_mut().get_mut("metadata") {
            let slot = meta
                .entry("annotations".into())
                .or_insert_with(Value::new_map);
            if slot.is_null() {
                *slot = Value::new_map();
            }
        }
    }
    let id = res.id();
    // kustomize patches the object's JSON form: every null comes back
    // spelled out.
    if !res.state.bare_nulls.is_empty() {
        res.state.bare_nulls.clear();
    }
    // The JSON round trip rebuilds every node: nothing stays linked.
    res.unlink_all();
    json.apply(res.value_mut())
        .with_context(|| format!("patching {id}"))?;
    if res.value().as_map().is_none() {
        bail!("patching {id}: the result is not an object");
    }
    if json.replaces_annotations() {
        // The next transformer record then becomes the origin.
        res.state.origin = None;
        res.state.transformations.clear();
    }
    Ok(())
}

#[cfg(test)]
#[path = "patch_tests.rs"]
mod tests;
