//! The AnnotationsTransformer: adds annotations wherever its field specs
//! point (metadata and pod templates by default).

use super::entries::add_entries;
use super::plugin_config::{lenient_field_specs, lenient_string_map};
use super::{Transform, TransformContext};
use crate::fieldspec::FieldSpec;
use crate::resource::ResourceList;
use anyhow::Result;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Configuration of one AnnotationsTransformer: from a kustomization's
/// `commonAnnotations`, or from a `transformers:` entry with
/// `apiVersion: builtin`, `kind: AnnotationsTransformer`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnnotationsTransformer {
    /// The annotations to set; values are always written as strings.
    #[serde(default, deserialize_with = "lenient_string_map")]
    pub annotations: BTreeMap<String, String>,
    /// Where to set them.
    #[serde(default, deserialize_with = "lenient_field_specs")]
    pub field_specs: Vec<FieldSpec>,
}

impl Transform for AnnotationsTransformer {
    fn apply(&self, _cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        add_entries(resources, &self.annotations, &self.field_specs)
    }
}

impl AnnotationsTransformer {
    /// Sets `annotations` wherever `field_specs` point.
    pub fn new(
        annotations: BTreeMap<String, String>,
        field_specs: Vec<FieldSpec>,
    ) -> AnnotationsTransformer {
        AnnotationsTransformer {
            annotations,
            field_specs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;
    use crate::yaml::Value;
    use serde_json::json;

    #[test]
    fn annotates_metadata_and_templates() {
        let k = crate::kustomization::Kustomization {
            common_annotations: [("note".to_string(), "1".to_string())]
                .into_iter()
                .collect(),
            ..Default::default()
        };
        let t = crate::build::builtins::of_kustomization(&k).unwrap();
        assert_eq!(t.len(), 1);
        let mut l = ResourceList::new();
        let cj = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
            "spec": {"jobTemplate": null}});
        l.push(Resource::new(Value::from(&cj), None)).unwrap();
        crate::transform::apply_alone(t[0].as_ref(), &mut l).unwrap();
        let out: serde_json::Value = (&*l.iter().next().unwrap().value()).into();
        assert_eq!(out["metadata"]["annotations"], json!({"note": "1"}));
        assert_eq!(
            out["spec"]["jobTemplate"]["metadata"]["annotations"],
            json!({"note": "1"})
        );
        assert_eq!(
            out["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"],
            json!({"note": "1"})
        );
    }

    #[test]
    fn plugin_form_deserializes() {
        let cfg = json!({"apiVersion": "builtin", "kind": "AnnotationsTransformer",
            "annotations": {"a": "b"}, "fieldSpecs": null});
        let t: AnnotationsTransformer = serde_json::from_value(cfg).unwrap();
        assert_eq!(t.annotations.len(), 1);
        assert!(t.field_specs.is_empty());
    }
}
