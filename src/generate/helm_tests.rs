use super::*;
use serde_json::json;

#[test]
fn template_args_follow_kustomize() {
    let chart: HelmChart = serde_json::from_value(json!({
        "name": "minecraft", "releaseName": "moria", "namespace": "games",
        "valuesFile": "/tmp/v.yaml", "additionalValuesFiles": ["/a.yaml"],
        "apiVersions": ["foo/v1"], "kubeVersion": "1.29", "includeCRDs": true,
        "skipTests": true, "skipHooks": true, "nameTemplate": "x",
    }))
    .unwrap();
    let args = chart.template_args(Path::new("/k/charts"));
    assert_eq!(
        args.join(" "),
        "template moria /k/charts/minecraft --namespace games --name-template x \
         -f /tmp/v.yaml -f /a.yaml --api-versions foo/v1 --kube-version 1.29 \
         --include-crds --skip-tests --no-hooks"
    );
    let unnamed = HelmChart {
        name: "c".into(),
        ..HelmChart::default()
    };
    assert_eq!(
        unnamed.template_args(Path::new("/h")),
        ["template", "--generate-name", "/h/c"]
    );
}

#[test]
fn pull_args() {
    let mut chart = HelmChart {
        name: "c".into(),
        repo: "oci://r.io/charts/".into(),
        version: "1.0".into(),
        ..HelmChart::default()
    };
    assert_eq!(
        chart.pull_args(Path::new("/h")).join(" "),
        "pull --untar --untardir /h oci://r.io/charts/c --version 1.0"
    );
    chart.repo = "https://r.io".into();
    assert_eq!(
        chart.pull_args(Path::new("/h")).join(" "),
        "pull --untar --untardir /h --repo https://r.io c --version 1.0"
    );
}

#[test]
fn values_merge_recursively() {
    let base = json!({"a": {"b": 1, "c": 2}, "d": [1], "e": 1});
    let over = json!({"a": {"b": 3}, "d": [2], "e": null});
    assert_eq!(
        merge_values(base, over),
        json!({"a": {"b": 3, "c": 2}, "d": [2]})
    );
}

#[test]
fn legacy_entries_become_charts() {
    let (charts, globals) = split_legacy(&[json!({
        "chartName": "c", "chartVersion": "1", "chartRepoUrl": "https://r",
        "chartHome": "home", "helmHome": "cfg", "releaseName": "r",
    })]);
    assert_eq!(
        charts,
        vec![json!({"name": "c", "version": "1", "repo": "https://r", "releaseName": "r"})]
    );
    assert_eq!(globals.get("chartHome"), Some(&json!("home")));
    assert_eq!(globals.get("configHome"), Some(&json!("cfg")));
}
