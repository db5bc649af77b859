//! The LabelTransformer: adds labels wherever its field specs point
//! (metadata, selectors, pod templates, ...).

use super::entries::add_entries;
use super::plugin_config::{lenient_field_specs, lenient_string_map, nullable};
use super::{Transform, TransformContext};
use crate::fieldspec::FieldSpec;
use crate::resource::ResourceList;
use anyhow::Result;
use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Configuration of one LabelTransformer: from a kustomization's `labels`
/// entries and `commonLabels`, or from a `transformers:` entry with
/// `apiVersion: builtin`, `kind: LabelTransformer`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelTransformer {
    /// The labels to set; values are always written as strings.
    #[serde(default, deserialize_with = "lenient_string_map")]
    pub labels: BTreeMap<String, String>,
    /// Where to set them.
    #[serde(default, deserialize_with = "lenient_field_specs")]
    pub field_specs: Vec<FieldSpec>,
}

/// One entry of `labels`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Label {
    /// `pairs`: the labels to add.
    #[serde(default, deserialize_with = "nullable")]
    pub pairs: IndexMap<String, String>,
    /// `includeSelectors`: also add them to selectors (and pod templates),
    /// as `commonLabels` does.
    #[serde(default, deserialize_with = "nullable")]
    pub include_selectors: bool,
    /// `includeTemplates`: also add them to pod templates (without
    /// selectors).
    #[serde(default, deserialize_with = "nullable")]
    pub include_templates: bool,
    /// `fields`: further places to add them, as field specs.
    #[serde(default, deserialize_with = "nullable", rename = "fields")]
    pub field_specs: Vec<FieldSpec>,
}

impl Transform for LabelTransformer {
    fn apply(&self, _cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        add_entries(resources, &self.labels, &self.field_specs)
    }
}

impl LabelTransformer {
    /// Sets `labels` wherever `field_specs` point.
    pub fn new(labels: BTreeMap<String, String>, field_specs: Vec<FieldSpec>) -> LabelTransformer {
        LabelTransformer {
            labels,
            field_specs,
        }
    }
}

/// A kustomization's string map, sorted by key as kustomize applies it.
pub(crate) fn to_sorted(map: &indexmap::IndexMap<String, String>) -> BTreeMap<String, String> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kustomization::Kustomization;
    use crate::resource::Resource;
    use crate::yaml::Value;
    use serde_json::json;

    fn list(docs: serde_json::Value) -> ResourceList {
        let mut l = ResourceList::new();
        for d in docs.as_array().unwrap() {
            l.push(Resource::new(Value::from(d), None)).unwrap();
        }
        l
    }

    fn docs(l: &ResourceList) -> serde_json::Value {
        serde_json::Value::Array(l.iter().map(|r| (&*r.value()).into()).collect())
    }

    fn pairs(p: &[(&str, &str)]) -> indexmap::IndexMap<String, String> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn run(k: &Kustomization, input: serde_json::Value) -> serde_json::Value {
        let mut l = list(input);
        for t in crate::build::builtins::of_kustomization(k).unwrap() {
            crate::transform::apply_alone(t.as_ref(), &mut l).unwrap();
        }
        docs(&l)
    }

    fn deployment() -> serde_json::Value {
        json!([{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                "spec": {"template": {"spec": {"containers": []}}}}])
    }

    #[test]
    fn common_labels_reach_selectors_and_templates() {
        let k = Kustomization {
            common_labels: pairs(&[("version", "1")]),
            ..Kustomization::default()
        };
        let out = run(&k, deployment());
        assert_eq!(
            out[0],
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "d", "labels": {"version": "1"}},
                "spec": {"template": {"spec": {"containers": []}, "metadata": {"labels": {"version": "1"}}},
                         "selector": {"matchLabels": {"version": "1"}}}})
        );
    }

    #[test]
    fn labels_entries_reach_metadata_then_templates_then_selectors() {
        let entry = |sel, tmpl| Label {
            pairs: pairs(&[("a", "b")]),
            include_selectors: sel,
            include_templates: tmpl,
            field_specs: vec![],
        };
        let plain = Kustomization {
            labels: vec![entry(false, false)],
            ..Kustomization::default()
        };
        let out = run(&plain, deployment());
        assert_eq!(out[0]["metadata"]["labels"], json!({"a": "b"}));
        assert!(out[0]["spec"]["template"].get("metadata").is_none());
        let tmpl = Kustomization {
            labels: vec![entry(false, true)],
            ..Kustomization::default()
        };
        let out = run(&tmpl, deployment());
        assert_eq!(
            out[0]["spec"]["template"]["metadata"]["labels"],
            json!({"a": "b"})
        );
        assert!(out[0]["spec"].get("selector").is_none());
        let sel = Kustomization {
            labels: vec![entry(true, false)],
            ..Kustomization::default()
        };
        let out = run(&sel, deployment());
        assert_eq!(out[0]["spec"]["selector"]["matchLabels"], json!({"a": "b"}));
    }

    #[test]
    fn conflicting_fields_are_errors() {
        let k = Kustomization {
            labels: vec![Label {
                pairs: pairs(&[("a", "b")]),
                field_specs: vec![FieldSpec {
                    kind: "Foo".into(),
                    ..FieldSpec::new("metadata/labels", false)
                }],
                ..Label::default()
            }],
            ..Kustomization::default()
        };
        let err = crate::build::builtins::of_kustomization(&k).err().unwrap();
        assert_eq!(
            err.to_string(),
            "failed to merge labels: conflicting fieldspecs"
        );
    }

    #[test]
    fn order_is_labels_entries_then_common_labels() {
        let k = Kustomization {
            common_labels: pairs(&[("c", "1"), ("k", "common")]),
            labels: vec![Label {
                pairs: pairs(&[("l", "2"), ("k", "entry")]),
                ..Label::default()
            }],
            ..Kustomization::default()
        };
        let ts = crate::build::builtins::of_kustomization(&k).unwrap();
        assert_eq!(ts.len(), 2);
        // commonLabels runs last, so its value of a shared key wins.
        let out = run(&k, deployment());
        assert_eq!(
            out[0]["metadata"]["labels"],
            json!({"c": "1", "k": "common", "l": "2"})
        );
    }

    #[test]
    fn plugin_form_deserializes() {
        let cfg = json!({"apiVersion": "builtin", "kind": "LabelTransformer", "metadata": {"name": "x"},
            "labels": {"app": "web"}, "fieldSpecs": [{"path": "spec/selector", "kind": "Service", "create": true}]});
        let t: LabelTransformer = serde_json::from_value(cfg).unwrap();
        assert_eq!(t.labels.get("app").map(String::as_str), Some("web"));
        assert_eq!(t.field_specs[0].kind, "Service");
        // Numbers and nulls become strings, as in kustomize's plugin configs.
        let loose = json!({"labels": {"n": 1, "e": null}});
        let t: LabelTransformer = serde_json::from_value(loose).unwrap();
        assert_eq!(t.labels.get("n").map(String::as_str), Some("1"));
        assert_eq!(t.labels.get("e").map(String::as_str), Some(""));
    }
}
