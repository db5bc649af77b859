//! The ReplacementTransformer: copies a value from a field of one resource
//! into fields of others (kustomize's `replacements`).
//!
//! Each replacement reads its source once, then writes every target, and
//! the next replacement sees the result. Resources are selected by exact
//! id fields against their current id and every earlier one (before
//! prefixes, suffixes or namespace changes), plus label and annotation
//! selectors.

mod config;
pub(crate) mod path;
mod typed;

pub use config::{
    FieldOptions, IdSelector, Replacement, ReplacementPluginConfig, Selector, SourceSelector,
    TargetSelector, DEFAULT_FIELD_PATH,
};

use super::{Transform, TransformContext};
use crate::patch::label_selector::LabelSelector;
use crate::patch::source::PatchFiles;
use crate::resource::{ResId, Resource, ResourceList, WriteLog};
use crate::yaml::Value;
use anyhow::{anyhow, bail, Context, Result};
use path::{CreateKind, Found};
use std::borrow::Cow;

/// A configured ReplacementTransformer: the replacements in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplacementTransformer {
    /// The replacements, applied one after another.
    pub replacements: Vec<Replacement>,
}

/// The transformer for `replacements` entries (a kustomization's, or a
/// plugin config's [`ReplacementPluginConfig::entries`]).
pub fn from_entries(
    entries: &[serde_json::Value],
    files: &PatchFiles,
) -> Result<ReplacementTransformer> {
    let replacements = config::resolve_entries(entries, &|p| files.read(p))?;
    Ok(ReplacementTransformer { replacements })
}

/// The transformer a `transformers:` entry with `kind:
/// ReplacementTransformer` configures (its `replacements` list, with
/// `path:` entries read through `files`).
pub fn from_plugin_config(
    config: &serde_json::Value,
    files: &PatchFiles,
) -> Result<ReplacementTransformer> {
    let parsed: ReplacementPluginConfig = serde_json::from_value(config.clone())
        .map_err(|e| anyhow!("invalid ReplacementTransformer config: {e}"))?;
    from_entries(parsed.entries(), files)
}

impl Transform for ReplacementTransformer {
    fn apply(&self, _cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        for r in &self.replacements {
            let (Some(source), Some(targets)) = (&r.source, &r.targets) else {
                bail!("replacements must specify a source and at least one target");
            };
            let value = read_source(resources, source)?;
            for target in targets {
                write_target(resources, target, &value)?;
            }
        }
        Ok(())
    }
}

/// The current id and every earlier one.
fn all_ids(res: &Resource) -> Vec<ResId> {
    let mut ids = vec![res.id()];
    ids.extend(res.previous_ids());
    ids
}

/// kustomize's `IsSelectedBy`: every set field equal, namespaces compared
/// in their effective form.
fn id_selected(id: &ResId, selector: &IdSelector) -> bool {
    let gvk = &id.gvk;
    (selector.name.is_empty() || selector.name == id.name)
        && (selector.namespace.is_empty()
            || selector.as_res_id().effective_namespace() == id.effective_namespace())
        && (selector.group.is_empty() || selector.group == gvk.group)
        && (selector.version.is_empty() || selector.version == gvk.version)
        && (selector.kind.is_empty() || selector.kind == gvk.kind)
}

/// The one resource the source selects, and the value at its field path.
fn read_source(resources: &ResourceList, source: &SourceSelector) -> Result<Value> {
    let mut matches = resources
        .iter()
        .filter(|r| all_ids(r).iter().any(|id| id_selected(id, &source.id)));
    let Some(found) = matches.next() else {
        bail!("nothing selected by {source}");
    };
    if matches.next().is_some() {
        bail!("multiple matches for selector {source}");
    }
    let field_path = if source.field_path.is_empty() {
        DEFAULT_FIELD_PATH
    } else {
        &source.field_path
    };
    let object = found.value();
    let node = path::lookup(&object, &path::split_path(field_path, "."))
        .context("error looking up replacement source")?;
    let node = node.filter(|n| !is_nil_or_empty(n)).ok_or_else(|| {
        anyhow!(
            "fieldPath `{field_path}` is missing for replacement source {}",
            source.id.as_res_id()
        )
    })?;
    typed::refine_source(node, source.options.as_ref())
}

fn is_nil_or_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Map(m) => m.is_empty(),
        Value::Seq(s) => s.is_empty(),
        _ => false,
    }
}

/// Compiled label and annotation selectors of one [`Selector`].
struct MetaSelectors {
    labels: LabelSelector,
    annotations: LabelSelector,
}

impl MetaSelectors {
    fn new(s: &Selector) -> Result<MetaSelectors> {
        Ok(MetaSelectors {
            labels: LabelSelector::parse(&s.label_selector)?,
            annotations: LabelSelector::parse(&s.annotation_selector)?,
        })
    }

    fn matches(&self, res: &Resource) -> bool {
        self.labels.matches(|k| string_entry(res, "labels", k))
            && self
                .annotations
                .matches(|k| string_entry(res, "annotations", k))
    }
}

/// A label or annotation value as text (null as empty).
fn string_entry<'a>(res: &'a Resource, field: &str, key: &str) -> Option<Cow<'a, str>> {
    match res.string_map(field)?.get(key)? {
        Value::String(s) => Some(Cow::Owned(s.to_string())),
        other => Some(Cow::Owned(other.scalar_text().unwrap_or_default())),
    }
}

/// Writes `value` into every field path of every resource the target
/// selects and does not reject.
fn write_target(
    resources: &mut ResourceList,
    target: &TargetSelector,
    value: &Value,
) -> Result<()> {
    let Some(select) = &target.select else {
        bail!("target must specify resources to select");
    };
    let select_meta = MetaSelectors::new(select)?;
    let reject_meta = target
        .reject
        .iter()
        .filter(|r| !r.label_selector.is_empty() || !r.annotation_selector.is_empty())
        .map(MetaSelectors::new)
        .collect::<Result<Vec<_>>>()?;
    let default_paths = [DEFAULT_FIELD_PATH.to_string()];
    let field_paths: &[String] = if target.field_paths.is_empty() {
        &default_paths
    } else {
        &target.field_paths
    };
    resources.try_for_each_mut(|res| {
        if !select_meta.matches(res) || reject_meta.iter().any(|m| m.matches(res)) {
            return Ok(());
        }
        let ids = all_ids(res);
        let rejected = target
            .reject
            .iter()
            .filter(|r| !r.id.is_empty())
            .any(|r| ids.iter().any(|id| id_selected(id, &r.id)));
        if rejected || !ids.iter().any(|id| id_selected(id, &select.id)) {
            return Ok(());
        }
        let target_name = format!("{} {}", res.kind(), res.name());
        let mut log = WriteLog::default();
        for field_path in field_paths {
            let options = target.options.as_ref();
            let root = res.value_mut();
            write_field(root, &target_name, field_path, value, options, &mut log)?;
        }
        res.finish_writes(&log);
        Ok(())
    })
}

/// Writes `value` at every node `field_path` matches in one resource
/// (`target`, its kind and name, for messages), noting each write in `log`.
fn write_field(
    root: &mut Value,
    target: &str,
    field_path: &str,
    value: &Value,
    options: Option<&FieldOptions>,
    log: &mut WriteLog,
) -> Result<()> {
    let create = match (options.is_some_and(|o| o.create), value) {
        (false, _) => CreateKind::None,
        (true, Value::Map(_)) => CreateKind::Map,
        (true, Value::Seq(_)) => CreateKind::Seq,
        (true, _) => CreateKind::Scalar,
    };
    let describe = || {
        if create == CreateKind::None {
            format!("unable to find field \"{field_path}\" in replacement target")
        } else {
            format!("unable to find or create field \"{field_path}\" in replacement target")
        }
    };
    let parts = path::split_path(field_path, ".");
    // Errors of the write itself are reported as they are; errors of the
    // walk say which field could not be found.
    let mut write_error = None;
    let mut set = |node: &mut Value, found: Found| {
        // kustomize writes a scalar target's text in place and replaces any
        // other node, which matters to linked values.
        let in_place = found == Found::Existing && node.is_scalar();
        let written = typed::set_field(node, found, value, options).map_err(|e| {
            write_error = Some(e);
            anyhow!("write failed")
        });
        log.record(node, in_place);
        written
    };
    let walked = path::visit_matches(root, &parts, create, &mut set);
    if let Some(e) = write_error {
        // Name the resource and field: the message itself may only say that
        // a value (perhaps a secret, shown hidden) has the wrong type.
        return Err(e.context(format!("replacement into {target}, field {field_path}")));
    }
    let count = walked.with_context(describe)?;
    if count == 0 {
        bail!(describe());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
