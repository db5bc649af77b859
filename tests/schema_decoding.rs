//! Kustomization fields with values of unusual types: krust must accept
//! exactly what kustomize's decoding (Go's `encoding/json`) accepts. Each
//! case records kustomize v5.5.0's outcome; krust is checked against it
//! always, and when `kubectl` is on PATH, kubectl is checked against it too
//! (and the outputs of accepted cases are compared), so the table cannot
//! drift from the reference.

mod common;

use common::{announce_kubectl_skip, kubectl_available, run_krust_build, run_kubectl_kustomize};
use std::fs;
use std::path::Path;

/// (name, kustomization fields, kustomize accepts it).
const CASES: &[(&str, &str, bool)] = &[
    ("tag-float", "images:\n- name: nginx\n  newTag: 2.0\n", false),
    ("tag-int", "images:\n- name: nginx\n  newTag: 2\n", false),
    ("tag-bool", "images:\n- name: nginx\n  newTag: true\n", false),
    ("tag-null", "images:\n- name: nginx\n  newTag: null\n", true),
    ("count-word", "replicas:\n- name: web\n  count: three\n", false),
    ("count-quoted", "replicas:\n- name: web\n  count: \"3\"\n", false),
    ("count-float-whole", "replicas:\n- name: web\n  count: 2.0\n", true),
    ("count-exponent", "replicas:\n- name: web\n  count: 1e3\n", true),
    ("count-hex", "replicas:\n- name: web\n  count: 0x10\n", true),
    ("count-fraction", "replicas:\n- name: web\n  count: 2.5\n", false),
    ("count-too-large", "replicas:\n- name: web\n  count: 9.3e18\n", false),
    ("count-bool", "replicas:\n- name: web\n  count: true\n", false),
    ("count-null", "replicas:\n- name: web\n  count: ~\n", true),
    ("prefix-number", "namePrefix: 1\n", false),
    ("prefix-date", "namePrefix: 2001-01-01\n", true),
    ("prefix-mapping", "namePrefix:\n  a: b\n", false),
    ("label-null", "commonLabels:\n  a: null\n", true),
    ("label-number", "commonLabels:\n  a: 1\n", false),
    ("label-yes", "commonLabels:\n  a: yes\n", false),
    ("labels-list", "commonLabels:\n- a\n", false),
    ("image-null", "images:\n- null\n", true),
    ("image-as-list", "images:\n- [nginx, x]\n", false),
    ("images-mapping", "images:\n  name: nginx\n", false),
    ("hash-string", "generatorOptions:\n  disableNameSuffixHash: \"true\"\n", false),
    ("hash-yes", "generatorOptions:\n  disableNameSuffixHash: yes\n", true),
    ("literal-number", "configMapGenerator:\n- name: c\n  literals:\n  - a=1\n  - 2\n", false),
    ("literals-string", "configMapGenerator:\n- name: c\n  literals: a=b\n", false),
    ("field-case", "images:\n- name: nginx\n  NEWTAG: v2\n", true),
    ("field-typo", "commonLabel:\n  a: b\n", false),
    ("nested-unknown", "replicas:\n- name: web\n  count: 3\n  extra: 1\n", false),
    ("select-unknown", "replacements:\n- source:\n    kind: Deployment\n    name: web\n  targets:\n  - select:\n      kind: ConfigMap\n      bogus: 1\n    fieldPaths: [data.x]\n    options: {create: true}\n", false),
    ("delimiter-number", "replacements:\n- source:\n    kind: Deployment\n    name: web\n    options: {delimiter: 1}\n  targets:\n  - select:\n      kind: ConfigMap\n    fieldPaths: [data.x]\n    options: {create: true}\n", false),
    ("helm-version-number", "helmCharts:\n- name: x\n  version: 1.0\n", false),
    ("helm-unknown", "helmCharts:\n- name: x\n  devel: true\n", false),
    ("globals-unknown", "helmGlobals:\n  chartHom: x\n", false),
    ("top-list", "- a\n", false),
];

const CONFIGMAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n";
const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n\
spec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: c\n        image: nginx\n";

fn write_case(dir: &Path, fields: &str) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("cm.yaml"), CONFIGMAP).unwrap();
    fs::write(dir.join("deploy.yaml"), DEPLOYMENT).unwrap();
    let text = match fields.starts_with('-') {
        true => fields.to_string(),
        false => format!("resources:\n- cm.yaml\n- deploy.yaml\n{fields}"),
    };
    fs::write(dir.join("kustomization.yaml"), text).unwrap();
}

#[test]
fn krust_accepts_exactly_what_kustomize_accepts() {
    let tmp = tempfile::tempdir().unwrap();
    let kubectl = kubectl_available();
    if !kubectl {
        announce_kubectl_skip("the kubectl half of the schema decoding cases");
    }
    let mut failures = Vec::new();
    for (name, fields, accepted) in CASES {
        let dir = tmp.path().join(name);
        write_case(&dir, fields);
        let ours = run_krust_build(&dir, &[]);
        if ours.status.success() != *accepted {
            failures.push(format!(
                "{name}: krust {} ({})",
                if *accepted { "failed" } else { "succeeded" },
                String::from_utf8_lossy(&ours.stderr).trim()
            ));
        }
        if !*accepted {
            let stderr = String::from_utf8_lossy(&ours.stderr);
            if !ours.stdout.is_empty() || !stderr.contains("kustomization.yaml") {
                failures.push(format!("{name}: failure without the file named: {stderr}"));
            }
        }
        if kubectl {
            let reference = run_kubectl_kustomize(&dir, &[]);
            if reference.status.success() != *accepted {
                failures.push(format!("{name}: the table is wrong about kubectl"));
            } else if *accepted && reference.stdout != ours.stdout {
                failures.push(format!("{name}: output differs from kubectl"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
