//! The transformer configuration: one field-spec list per transformer.

use super::defaults::{self, StaticBackRef, StaticSpec};
use super::{go_sort, merge_all, nullable, ConflictingFieldSpecs, FieldSpec};
use crate::resource::Gvk;
use crate::yaml::Value;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::sync::OnceLock;

/// A referenced type and the fields (in other objects) that may hold the
/// name of an object of that type: when such an object is renamed, these
/// fields follow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "RawBackReferences")]
pub struct NameBackReferences {
    /// The referenced type.
    pub gvk: Gvk,
    /// Where referrers hold its name.
    pub referrers: Vec<FieldSpec>,
}

/// The serialised form of [`NameBackReferences`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawBackReferences {
    #[serde(default, deserialize_with = "nullable")]
    group: String,
    #[serde(default, deserialize_with = "nullable")]
    version: String,
    #[serde(default, deserialize_with = "nullable")]
    kind: String,
    #[serde(default, deserialize_with = "nullable")]
    field_specs: Vec<FieldSpec>,
}

impl From<RawBackReferences> for NameBackReferences {
    fn from(raw: RawBackReferences) -> Self {
        NameBackReferences {
            gvk: Gvk {
                group: raw.group,
                version: raw.version,
                kind: raw.kind,
            },
            referrers: raw.field_specs,
        }
    }
}

/// Field specs for every builtin transformer (kustomize's
/// `TransformerConfig`). It is also the schema of a `configurations:` file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TransformerConfig {
    /// Where `namePrefix` applies.
    #[serde(default, deserialize_with = "nullable")]
    pub name_prefix: Vec<FieldSpec>,
    /// Where `nameSuffix` applies.
    #[serde(default, deserialize_with = "nullable")]
    pub name_suffix: Vec<FieldSpec>,
    /// Namespace fields besides `metadata/namespace`.
    #[serde(default, deserialize_with = "nullable")]
    pub namespace: Vec<FieldSpec>,
    /// Where `commonLabels` (and `labels` with `includeSelectors`) apply.
    #[serde(default, deserialize_with = "nullable")]
    pub common_labels: Vec<FieldSpec>,
    /// Extra fields for every `labels` entry (empty by default).
    #[serde(default, deserialize_with = "nullable")]
    pub labels: Vec<FieldSpec>,
    /// Where `labels` with `includeTemplates` apply.
    #[serde(default, deserialize_with = "nullable")]
    pub template_labels: Vec<FieldSpec>,
    /// Where `commonAnnotations` apply.
    #[serde(default, deserialize_with = "nullable")]
    pub common_annotations: Vec<FieldSpec>,
    /// Name references, per referenced type.
    #[serde(default, deserialize_with = "nullable")]
    pub name_reference: Vec<NameBackReferences>,
    /// Fields where `$(VAR)` references are expanded.
    #[serde(default, deserialize_with = "nullable")]
    pub var_reference: Vec<FieldSpec>,
    /// Where `images` apply.
    #[serde(default, deserialize_with = "nullable")]
    pub images: Vec<FieldSpec>,
    /// Where `replicas` apply.
    #[serde(default, deserialize_with = "nullable")]
    pub replicas: Vec<FieldSpec>,
}

/// Orders types as kustomize's `Gvk.IsLessThan` does: kinds it knows to
/// install early first, webhooks last, ties broken on group, version, kind
/// with blanks sorting after any text.
pub fn gvk_less(a: (&str, &str, &str), b: (&str, &str, &str)) -> bool {
    let (ra, rb) = (kind_rank(a.2), kind_rank(b.2));
    if ra != rb {
        return ra < rb;
    }
    sort_key(a).lt(sort_key(b))
}

// Field specs sort by kind the way kustomize's legacy resource order does.
use crate::order::{DEFAULT_ORDER_FIRST as KINDS_FIRST, DEFAULT_ORDER_LAST as KINDS_LAST};

fn kind_rank(kind: &str) -> i32 {
    if let Some(i) = KINDS_FIRST.iter().position(|k| *k == kind) {
        return i as i32 - KINDS_FIRST.len() as i32;
    }
    KINDS_LAST
        .iter()
        .position(|k| *k == kind)
        .map_or(0, |i| i as i32 + 1)
}

/// The bytes of `group_version_kind` with `~G`, `~V`, `~K` for blanks,
/// compared without building the string: sorting the accumulated field
/// specs once per kustomization made these allocations a tenth of the time
/// of a build with hundreds of kustomizations.
fn sort_key<'a>(
    (group, version, kind): (&'a str, &'a str, &'a str),
) -> impl Iterator<Item = u8> + 'a {
    let or = |blank: &'static str, v: &'a str| if v.is_empty() { blank } else { v };
    or("~G", group)
        .bytes()
        .chain(*b"_")
        .chain(or("~V", version).bytes())
        .chain(*b"_")
        .chain(or("~K", kind).bytes())
}

fn spec_less(a: &FieldSpec, b: &FieldSpec) -> bool {
    gvk_less(
        (&a.group, &a.version, &a.kind),
        (&b.group, &b.version, &b.kind),
    )
}

fn backref_less(a: &NameBackReferences, b: &NameBackReferences) -> bool {
    gvk_less(
        (&a.gvk.group, &a.gvk.version, &a.gvk.kind),
        (&b.gvk.group, &b.gvk.version, &b.gvk.kind),
    )
}

fn owned(table: &[StaticSpec]) -> Vec<FieldSpec> {
    table.iter().map(|s| s.to_field_spec()).collect()
}

fn owned_backref(b: &StaticBackRef) -> NameBackReferences {
    NameBackReferences {
        gvk: Gvk {
            group: b.group.to_string(),
            version: b.version.to_string(),
            kind: b.kind.to_string(),
        },
        referrers: owned(b.referrers),
    }
}

impl TransformerConfig {
    /// kustomize's default configuration (sorted as kustomize sorts it).
    pub fn defaults() -> TransformerConfig {
        static DEFAULTS: OnceLock<TransformerConfig> = OnceLock::new();
        DEFAULTS
            .get_or_init(|| {
                let mut config = TransformerConfig {
                    name_prefix: owned(defaults::NAME_PREFIX),
                    name_suffix: owned(defaults::NAME_SUFFIX),
                    namespace: owned(defaults::NAMESPACE),
                    common_labels: owned(defaults::COMMON_LABELS),
                    labels: Vec::new(),
                    template_labels: owned(defaults::TEMPLATE_LABELS),
                    common_annotations: owned(defaults::COMMON_ANNOTATIONS),
                    name_reference: defaults::NAME_REFERENCE.iter().map(owned_backref).collect(),
                    var_reference: owned(defaults::VAR_REFERENCE),
                    images: owned(defaults::IMAGES),
                    replicas: owned(defaults::REPLICAS),
                };
                config.sort();
                config
            })
            .clone()
    }

    /// Reads one `configurations:` file (already parsed). Unknown fields are
    /// errors, as in kustomize; the lists come back sorted.
    pub fn from_value(doc: &Value) -> Result<TransformerConfig> {
        let json: serde_json::Value = doc.into();
        let mut config: TransformerConfig =
            serde_json::from_value(json).context("invalid transformer configuration")?;
        config.sort();
        Ok(config)
    }

    /// Merges `other` into `self` (kustomize's `TransformerConfig.Merge`):
    /// specs already present are skipped, specs that differ only in
    /// `create` are an error, name references for the same type pool their
    /// referrers; every list is sorted afterwards.
    pub fn merge(&mut self, other: &TransformerConfig) -> Result<()> {
        let lists: [(&mut Vec<FieldSpec>, &Vec<FieldSpec>, &str); 10] = [
            (&mut self.name_prefix, &other.name_prefix, "NamePrefix"),
            (&mut self.name_suffix, &other.name_suffix, "NameSuffix"),
            (&mut self.namespace, &other.namespace, "NameSpace"),
            (
                &mut self.common_annotations,
                &other.common_annotations,
                "CommonAnnotations",
            ),
            (
                &mut self.common_labels,
                &other.common_labels,
                "CommonLabels",
            ),
            (&mut self.labels, &other.labels, "Labels"),
            (
                &mut self.template_labels,
                &other.template_labels,
                "TemplateLabels",
            ),
            (
                &mut self.var_reference,
                &other.var_reference,
                "VarReference",
            ),
            (&mut self.images, &other.images, "Images"),
            (&mut self.replicas, &other.replicas, "Replicas"),
        ];
        for (mine, theirs, name) in lists {
            if name == "Images" {
                // kustomize merges name references between var references
                // and images; the order only matters for which error wins.
                merge_back_references(&mut self.name_reference, &other.name_reference)
                    .map_err(|e| anyhow::anyhow!("failed to merge NameReference fieldSpec: {e}"))?;
            }
            merge_all(mine, theirs)
                .map_err(|e| anyhow::anyhow!("failed to merge {name} fieldSpec: {e}"))?;
        }
        self.sort();
        Ok(())
    }

    /// Sorts every list by type, with Go's (unstable) algorithm.
    fn sort(&mut self) {
        for list in [
            &mut self.name_prefix,
            &mut self.name_suffix,
            &mut self.namespace,
            &mut self.common_labels,
            &mut self.labels,
            &mut self.template_labels,
            &mut self.common_annotations,
            &mut self.var_reference,
            &mut self.images,
            &mut self.replicas,
        ] {
            go_sort(list, spec_less);
        }
        go_sort(&mut self.name_reference, backref_less);
    }
}

/// Adds each of `incoming` to `backrefs`: referrers of a type already
/// present (same group, version and kind) are merged into it.
fn merge_back_references(
    backrefs: &mut Vec<NameBackReferences>,
    incoming: &[NameBackReferences],
) -> Result<(), ConflictingFieldSpecs> {
    for other in incoming {
        let mut found = false;
        for existing in backrefs.iter_mut().filter(|b| b.gvk == other.gvk) {
            merge_all(&mut existing.referrers, &other.referrers)?;
            found = true;
        }
        if !found {
            backrefs.push(other.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(list: &[FieldSpec]) -> Vec<String> {
        list.iter()
            .map(|s| format!("{}/{}", s.kind, s.path))
            .collect()
    }

    #[test]
    fn defaults_are_sorted_by_kind_rank_then_gvk() {
        let d = TransformerConfig::defaults();
        // Deployment (a first-ranked kind) before unranked kinds, and the
        // `apps` group specs before the group-less one.
        let labels = kinds(&d.common_labels);
        let first = labels
            .iter()
            .position(|k| k.starts_with("Deployment/"))
            .unwrap();
        assert!(labels[first].contains("affinity"));
        assert_eq!(d.name_prefix, vec![FieldSpec::new("metadata/name", false)]);
        assert_eq!(d.namespace.len(), 3);
        assert!(d.labels.is_empty());
        // Namespace kind first in the namespace list.
        assert_eq!(d.namespace[0].kind, "Namespace");
        assert_eq!(d.name_reference.len(), 16);
    }

    #[test]
    fn ranks_and_keys() {
        assert!(gvk_less(("", "v1", "Namespace"), ("", "v1", "ConfigMap")));
        assert!(gvk_less(
            ("", "v1", "Pod"),
            ("", "v1", "ValidatingWebhookConfiguration")
        ));
        assert!(gvk_less(("apps", "", "Deployment"), ("", "", "Deployment")));
        assert!(!gvk_less(("", "", "Deployment"), ("", "", "Deployment")));
    }

    #[test]
    fn merge_dedups_sorts_and_reports_conflicts() {
        let mut base = TransformerConfig::defaults();
        let same = TransformerConfig::defaults();
        base.merge(&same).unwrap();
        assert_eq!(base, TransformerConfig::defaults());
        let extra = TransformerConfig {
            common_labels: vec![FieldSpec {
                kind: "MyKind".into(),
                ..FieldSpec::new("spec/selector", true)
            }],
            ..TransformerConfig::default()
        };
        base.merge(&extra).unwrap();
        assert_eq!(base.common_labels.len(), same.common_labels.len() + 1);
        let conflict = TransformerConfig {
            name_prefix: vec![FieldSpec::new("metadata/name", true)],
            ..TransformerConfig::default()
        };
        let err = base.merge(&conflict).unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to merge NamePrefix fieldSpec: conflicting fieldspecs"
        );
    }

    #[test]
    fn parses_configuration_files_strictly() {
        let doc = Value::from(&serde_json::json!({
            "nameReference": [{"kind": "Bee", "version": "v1", "fieldSpecs": [
                {"path": "spec/beeRef/name", "kind": "MyKind"}]}],
            "varReference": [{"path": "spec/x", "kind": "MyKind"}],
        }));
        let c = TransformerConfig::from_value(&doc).unwrap();
        assert_eq!(c.name_reference[0].gvk.kind, "Bee");
        assert_eq!(c.var_reference.len(), 1);
        let bad = Value::from(&serde_json::json!({"nameRef": []}));
        assert!(TransformerConfig::from_value(&bad).is_err());
        let mut d = TransformerConfig::defaults();
        d.merge(&c).unwrap();
        assert_eq!(d.name_reference.len(), 17);
    }
}
