//! The PrefixTransformer and SuffixTransformer (`namePrefix`, `nameSuffix`),
//! and the PrefixSuffixTransformer that runs both with one configuration.
//!
//! kustomize's rules, per resource:
//!
//! * CustomResourceDefinitions, Namespaces (any group) and
//!   `apiregistration.k8s.io` APIServices are left alone;
//! * each field spec selected by the resource's *original* type is applied:
//!   the text is put in front of (or after) the field's scalar value, a
//!   missing field is created only when the spec says so;
//! * a spec for `metadata/name` also records the affix on the resource (for
//!   name references) and, when the affix is not empty, the identity the
//!   resource had before.

use super::plugin_config::{lenient_field_specs, lenient_string};
use super::{Transform, TransformContext};
use crate::fieldspec::{CompiledSpec, CreateKind, FieldSpec, SetError};
use crate::resource::{Gvk, Resource, ResourceList};
use crate::yaml::Value;
use anyhow::Result;
use serde::{Deserialize, Deserializer};

/// Which end of the name a transformer extends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Front,
    Back,
}

/// Configuration of the PrefixTransformer: from a kustomization's
/// `namePrefix`, or a `transformers:` entry with `kind: PrefixTransformer`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawAffixConfig")]
pub struct PrefixTransformer {
    /// The text to put in front of names.
    pub prefix: String,
    /// The fields to prefix.
    pub field_specs: Vec<FieldSpec>,
}

/// Configuration of the SuffixTransformer: from a kustomization's
/// `nameSuffix`, or a `transformers:` entry with `kind: SuffixTransformer`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawAffixConfig")]
pub struct SuffixTransformer {
    /// The text to append to names.
    pub suffix: String,
    /// The fields to suffix.
    pub field_specs: Vec<FieldSpec>,
}

/// Configuration of the PrefixSuffixTransformer (a `transformers:` entry):
/// the prefix pass runs over every resource, then the suffix pass, both
/// with the same field specs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawAffixConfig")]
pub struct PrefixSuffixTransformer {
    /// The text to put in front of names.
    pub prefix: String,
    /// The text to append to names.
    pub suffix: String,
    /// The fields to change.
    pub field_specs: Vec<FieldSpec>,
}

/// The plugin form shared by the three configurations. `fieldSpecs` must
/// be given (an empty list is fine, a missing or null one is an error).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAffixConfig {
    #[serde(default, deserialize_with = "lenient_string")]
    prefix: String,
    #[serde(default, deserialize_with = "lenient_string")]
    suffix: String,
    #[serde(default, deserialize_with = "present_field_specs")]
    field_specs: Option<Vec<FieldSpec>>,
}

/// A `fieldSpecs` list that distinguishes "given" from missing or null.
fn present_field_specs<'de, D>(d: D) -> Result<Option<Vec<FieldSpec>>, D::Error>
where
    D: Deserializer<'de>,
{
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(value) => lenient_field_specs(value)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

pub(crate) const NIL_FIELD_SPECS: &str = "fieldSpecs is not expected to be nil";

impl TryFrom<RawAffixConfig> for PrefixSuffixTransformer {
    type Error = &'static str;
    fn try_from(raw: RawAffixConfig) -> Result<Self, Self::Error> {
        Ok(PrefixSuffixTransformer {
            prefix: raw.prefix,
            suffix: raw.suffix,
            field_specs: raw.field_specs.ok_or(NIL_FIELD_SPECS)?,
        })
    }
}

impl TryFrom<RawAffixConfig> for PrefixTransformer {
    type Error = &'static str;
    fn try_from(raw: RawAffixConfig) -> Result<Self, Self::Error> {
        Ok(PrefixTransformer {
            prefix: raw.prefix,
            field_specs: raw.field_specs.ok_or(NIL_FIELD_SPECS)?,
        })
    }
}

impl TryFrom<RawAffixConfig> for SuffixTransformer {
    type Error = &'static str;
    fn try_from(raw: RawAffixConfig) -> Result<Self, Self::Error> {
        Ok(SuffixTransformer {
            suffix: raw.suffix,
            field_specs: raw.field_specs.ok_or(NIL_FIELD_SPECS)?,
        })
    }
}

impl PrefixTransformer {
    /// Puts `prefix` in front of the names `field_specs` point to.
    pub fn new(prefix: &str, field_specs: Vec<FieldSpec>) -> PrefixTransformer {
        PrefixTransformer {
            prefix: prefix.to_string(),
            field_specs,
        }
    }
}

impl SuffixTransformer {
    /// Appends `suffix` to the names `field_specs` point to.
    pub fn new(suffix: &str, field_specs: Vec<FieldSpec>) -> SuffixTransformer {
        SuffixTransformer {
            suffix: suffix.to_string(),
            field_specs,
        }
    }
}

impl Transform for PrefixTransformer {
    fn apply(&self, _cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        add_to_names(resources, End::Front, &self.prefix, &self.field_specs)
    }
}

impl Transform for SuffixTransformer {
    fn apply(&self, _cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        add_to_names(resources, End::Back, &self.suffix, &self.field_specs)
    }
}

impl Transform for PrefixSuffixTransformer {
    fn apply(&self, _cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        add_to_names(resources, End::Front, &self.prefix, &self.field_specs)?;
        add_to_names(resources, End::Back, &self.suffix, &self.field_specs)
    }
}

/// True for the types kustomize never renames.
fn keeps_its_name(gvk: &Gvk) -> bool {
    gvk.kind == "CustomResourceDefinition"
        || gvk.kind == "Namespace"
        || (gvk.kind == "APIService" && gvk.group == "apiregistration.k8s.io")
}

/// One pass of the prefix or suffix transformer over every resource.
fn add_to_names(
    resources: &mut ResourceList,
    end: End,
    text: &str,
    specs: &[FieldSpec],
) -> Result<()> {
    let compiled: Vec<CompiledSpec<'_>> = specs.iter().map(CompiledSpec::new).collect();
    let mut setter = |node: &mut Value| extend_scalar(node, end, text);
    resources.try_for_each_mut(|r| {
        let original = r.original_id().gvk;
        if keeps_its_name(&original) {
            return Ok(());
        }
        for spec in &compiled {
            let s = spec.spec();
            if !s.matches_parts(&original.group, &original.version, &original.kind) {
                continue;
            }
            if s.path == "metadata/name" {
                record_affix(r, end, text);
            }
            spec.apply(r.value_mut(), CreateKind::Scalar, &mut setter)?;
        }
        Ok(())
    })
}

/// Notes the affix on the resource, and its identity before the rename.
fn record_affix(r: &mut Resource, end: End, text: &str) {
    match end {
        End::Front => r.add_name_prefix(text),
        End::Back => r.add_name_suffix(text),
    }
    if !text.is_empty() {
        r.store_previous_id();
    }
}

/// Replaces the node with a string: its scalar text with `text` added at
/// `end`. Whatever else is there (null, a collection) counts as empty text.
fn extend_scalar(node: &mut Value, end: End, text: &str) -> Result<(), SetError> {
    let current = node.scalar_text().unwrap_or_default();
    let joined = match end {
        End::Front => format!("{text}{current}"),
        End::Back => format!("{current}{text}"),
    };
    *node = Value::String(joined.into());
    Ok(())
}

#[cfg(test)]
#[path = "prefix_suffix_tests.rs"]
mod tests;
