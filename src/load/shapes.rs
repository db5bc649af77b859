//! The shapes kustomize gives the kustomization fields that krust keeps as
//! JSON until a later step reads them (`replacements`, the helm fields).
//!
//! kustomize decodes those fields with the rest of the kustomization, so a
//! misspelt or wrongly typed field in them fails the build there. Decoding
//! them once into these structures (and dropping the result) fails at the
//! same place, with the field's path and position, and leaves the later
//! steps as they are. The field lists are kustomize v5.5.0's.

#![allow(dead_code)] // decoded for their shape only

use super::decode::decode;
use super::decode_error::DecodeError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Checks the loose fields of a kustomization (as JSON) against their
/// shapes; the error's path starts at the kustomization's top.
pub fn check_loose_fields(kustomization: &serde_json::Value) -> Result<(), DecodeError> {
    decode::<LooseFields>(kustomization).map(drop)
}

/// The kustomization's loose fields; the others are decoded elsewhere.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LooseFields {
    #[serde(default)]
    replacements: Vec<ReplacementField>,
    #[serde(default)]
    helm_globals: Option<HelmGlobals>,
    #[serde(default)]
    helm_charts: Vec<HelmChart>,
    #[serde(default)]
    helm_chart_inflation_generator: Vec<HelmChartArgs>,
}

/// One `replacements` entry: a file (`path`) or a replacement written out.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplacementField {
    #[serde(default)]
    path: String,
    #[serde(default)]
    source: Option<SourceSelector>,
    #[serde(default)]
    targets: Vec<Option<TargetSelector>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SourceSelector {
    #[serde(default)]
    group: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    namespace: String,
    #[serde(default)]
    field_path: String,
    #[serde(default)]
    options: Option<FieldOptions>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct TargetSelector {
    #[serde(default)]
    select: Option<Selector>,
    #[serde(default)]
    reject: Vec<Option<Selector>>,
    #[serde(default)]
    field_paths: Vec<String>,
    #[serde(default)]
    options: Option<FieldOptions>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Selector {
    #[serde(default)]
    group: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    namespace: String,
    #[serde(default)]
    annotation_selector: String,
    #[serde(default)]
    label_selector: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldOptions {
    #[serde(default)]
    delimiter: String,
    #[serde(default)]
    index: i64,
    #[serde(default)]
    encoding: String,
    #[serde(default)]
    create: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct HelmGlobals {
    #[serde(default)]
    chart_home: String,
    #[serde(default)]
    config_home: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct HelmChart {
    #[serde(default)]
    name: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    repo: String,
    #[serde(default)]
    release_name: String,
    #[serde(default)]
    namespace: String,
    #[serde(default)]
    additional_values_files: Vec<String>,
    #[serde(default)]
    values_file: String,
    #[serde(default)]
    values_inline: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    values_merge: String,
    #[serde(default, rename = "includeCRDs")]
    include_crds: bool,
    #[serde(default)]
    skip_hooks: bool,
    #[serde(default)]
    api_versions: Vec<String>,
    #[serde(default)]
    kube_version: String,
    #[serde(default)]
    name_template: String,
    #[serde(default)]
    skip_tests: bool,
    #[serde(default)]
    debug: bool,
}

/// A `helmChartInflationGenerator` entry (deprecated in kustomize).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct HelmChartArgs {
    #[serde(default)]
    chart_name: String,
    #[serde(default)]
    chart_version: String,
    #[serde(default, rename = "chartRepoUrl")]
    chart_repo_url: String,
    #[serde(default)]
    chart_home: String,
    #[serde(default)]
    chart_repo_name: String,
    #[serde(default)]
    helm_bin: String,
    #[serde(default)]
    helm_home: String,
    #[serde(default)]
    values: String,
    #[serde(default)]
    values_local: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    values_merge: String,
    #[serde(default)]
    release_name: String,
    #[serde(default)]
    release_namespace: String,
    #[serde(default)]
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
