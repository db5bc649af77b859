//! The shapes kustomize gives the kustomization fields that krust keeps as
//! JSON until a later step reads them (`replacements`, the helm fields).
//!
//! kustomize decodes those fields with the rest of the kustomization, so a
//! misspelt or wrongly typed field in them fails the build there. Decoding
//! them once into these structures (and dropping the result) fails at the
//! same place, with the field's path and position, and leaves the later
//! steps as they are. The field lists are kustomize v5.5.0's.

#![allow(dead_code)] // decoded for their shape only
                     // Every field may be missing (or null): Go leaves it at its zero value.

use crate::gojson::{decode, DecodeError};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Checks the loose fields of a kustomization (as JSON) against their
/// shapes; the error's path starts at the kustomization's top.
pub fn check_loose_fields(kustomization: &serde_json::Value) -> Result<(), DecodeError> {
    decode::<LooseFields>(kustomization).map(drop)
}

/// The kustomization's loose fields; the others are decoded elsewhere.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct LooseFields {
    replacements: Vec<ReplacementField>,
    helm_globals: Option<HelmGlobals>,
    helm_charts: Vec<HelmChart>,
    helm_chart_inflation_generator: Vec<HelmChartArgs>,
}

/// One `replacements` entry: a file (`path`) or a replacement written out.
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ReplacementField {
    path: String,
    source: Option<SourceSelector>,
    targets: Vec<Option<TargetSelector>>,
}

#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct SourceSelector {
    group: String,
    version: String,
    kind: String,
    name: String,
    namespace: String,
    field_path: String,
    options: Option<FieldOptions>,
}

#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct TargetSelector {
    select: Option<Selector>,
    reject: Vec<Option<Selector>>,
    field_paths: Vec<String>,
    options: Option<FieldOptions>,
}

#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct Selector {
    group: String,
    version: String,
    kind: String,
    name: String,
    namespace: String,
    annotation_selector: String,
    label_selector: String,
}

#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FieldOptions {
    delimiter: String,
    index: i64,
    encoding: String,
    create: bool,
}

#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct HelmGlobals {
    chart_home: String,
    config_home: String,
}

#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct HelmChart {
    name: String,
    version: String,
    repo: String,
    release_name: String,
    namespace: String,
    additional_values_files: Vec<String>,
    values_file: String,
    values_inline: BTreeMap<String, serde_json::Value>,
    values_merge: String,
    #[serde(rename = "includeCRDs")]
    include_crds: bool,
    skip_hooks: bool,
    api_versions: Vec<String>,
    kube_version: String,
    name_template: String,
    skip_tests: bool,
    debug: bool,
}

/// A `helmChartInflationGenerator` entry (deprecated in kustomize).
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct HelmChartArgs {
    chart_name: String,
    chart_version: String,
    #[serde(rename = "chartRepoUrl")]
    chart_repo_url: String,
    chart_home: String,
    chart_repo_name: String,
    helm_bin: String,
    helm_home: String,
    values: String,
    values_local: BTreeMap<String, serde_json::Value>,
    values_merge: String,
    release_name: String,
    release_namespace: String,
    extra_args: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(v: serde_json::Value) -> String {
        check_loose_fields(&v).unwrap_err().to_string()
    }

    #[test]
    fn replacements_are_checked_like_kustomize() {
        let ok = json!({"replacements": [
            {"path": "r.yaml"},
            {"source": {"kind": "Deployment", "name": "web", "fieldPath": "spec.replicas",
                        "options": {"delimiter": "-", "index": 1, "create": false}},
             "targets": [{"select": {"kind": "ConfigMap", "labelSelector": "a=b"},
                          "reject": [{"name": "x"}], "fieldPaths": ["data.x"],
                          "options": {"create": true}}]},
            null,
        ], "resources": ["a.yaml"]});
        check_loose_fields(&ok).unwrap();
        assert_eq!(
            message(json!({"replacements": [{"source": {"kind": "D"},
                "targets": [{"select": {"kind": "C", "bogus": 1}}]}]})),
            "unknown field replacements[0].targets[0].select.bogus (known fields: group, version, \
             kind, name, namespace, annotationSelector, labelSelector)"
        );
        assert_eq!(
            message(json!({"replacements": [{"source": {"options": {"delimiter": 1}}}]})),
            "replacements[0].source.options.delimiter: expected a string, found the number 1 \
             (quote it to keep it text: \"1\")"
        );
        assert_eq!(
            message(json!({"replacements": [{"source": {"fieldpath": "x", "FullText": "y"}}]})),
            "unknown field replacements[0].source.FullText (known fields: group, version, kind, \
             name, namespace, fieldPath, options)"
        );
        assert!(
            message(json!({"replacements": [{"targets": [{"fieldPaths": "data.x"}]}]}))
                .starts_with("replacements[0].targets[0].fieldPaths: expected a list")
        );
    }

    #[test]
    fn helm_fields_are_checked_like_kustomize() {
        check_loose_fields(&json!({
            "helmGlobals": {"chartHome": "charts"},
            "helmCharts": [{"name": "x", "version": "1.0.0", "includeCRDs": true,
                            "valuesInline": {"a": {"b": 1}}, "apiVersions": ["v1"]}],
            "helmChartInflationGenerator": [{"chartName": "x", "chartRepoUrl": "https://x",
                                             "valuesLocal": {"a": 1}, "extraArgs": ["--x"]}],
        }))
        .unwrap();
        assert_eq!(
            message(json!({"helmCharts": [{"name": "x", "version": 1.0}]})),
            "helmCharts[0].version: expected a string, found the number 1.0 (quote it to keep it \
             text: \"1.0\")"
        );
        // Fields of later kustomize versions are not v5.5.0's.
        assert!(message(json!({"helmCharts": [{"devel": true}]})).starts_with("unknown field"));
        assert!(
            message(json!({"helmGlobals": {"chartHom": "c"}})).ends_with("did you mean chartHome?")
        );
        assert!(
            message(json!({"helmChartInflationGenerator": [{"chartRelease": "c"}]}))
                .starts_with("unknown field helmChartInflationGenerator[0].chartRelease")
        );
    }
}
