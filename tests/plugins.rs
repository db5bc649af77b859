//! `generators:`/`transformers:` plugins run through the `krust` binary:
//! exec KRM functions (a shell script written by each test), the helm
//! contract (a stub `helm` that records its arguments), and the errors for
//! what is not allowed or not supported.
#![cfg(unix)]

mod common;

use common::run_krust_build;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

fn write(path: &Path, text: &str) {
    common::write_file(
        path.parent().unwrap(),
        path.file_name().unwrap().to_str().unwrap(),
        text,
    );
}

fn write_executable(path: &Path, text: &str) {
    write(path, text);
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A generator function that records its stdin and answers with one
/// ConfigMap asking for a hash suffix.
const GENERATOR_SCRIPT: &str = r#"#!/bin/sh
cat > input.yaml
echo "GREETING=$GREETING" > env.txt
cat <<'OUT'
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: from-fn
    annotations:
      kustomize.config.k8s.io/needs-hash: "true"
  data:
    a: b
OUT
"#;

fn generator_tree(dir: &Path, script: &str) {
    write_executable(&dir.join("fn.sh"), script);
    write(
        &dir.join("gen.yaml"),
        "apiVersion: example.com/v1\nkind: MyGen\nmetadata:\n  name: g\n  annotations:\n    \
         config.kubernetes.io/function: |\n      exec:\n        path: ./fn.sh\nspec:\n  x: 1\n",
    );
    write(&dir.join("kustomization.yaml"), "generators:\n- gen.yaml\n");
}

#[test]
fn exec_generator_runs_with_both_flags() {
    let tmp = tempfile::tempdir().unwrap();
    generator_tree(tmp.path(), GENERATOR_SCRIPT);
    let flags = args(&[
        "--enable-alpha-plugins",
        "--enable-exec",
        "-e",
        "GREETING=hi",
    ]);
    let out = run_krust_build(tmp.path(), &flags);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  name: from-fn-"
        ),
        "{text}"
    );
    assert!(!text.contains("needs-hash"), "{text}");
    let input = fs::read_to_string(tmp.path().join("input.yaml")).unwrap();
    assert!(input.contains("kind: ResourceList"), "{input}");
    assert!(input.contains("functionConfig:"), "{input}");
    assert!(
        input.contains("config.kubernetes.io/local-config: \"true\""),
        "{input}"
    );
    let env = fs::read_to_string(tmp.path().join("env.txt")).unwrap();
    assert_eq!(env.trim(), "GREETING=hi");
}

#[test]
fn exec_function_needs_the_flags() {
    let tmp = tempfile::tempdir().unwrap();
    generator_tree(tmp.path(), GENERATOR_SCRIPT);
    let out = run_krust_build(tmp.path(), &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("external plugins disabled; unable to load external plugin 'MyGen'")
    );
    // Without --enable-exec kustomize runs no function: the config passes
    // through as a local config and vanishes.
    let out = run_krust_build(tmp.path(), &args(&["--enable-alpha-plugins"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(!tmp.path().join("input.yaml").exists());
}

#[test]
fn failing_function_reports_its_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    generator_tree(
        tmp.path(),
        "#!/bin/sh\ncat >/dev/null\necho 'no cheese today' >&2\nexit 3\n",
    );
    let out = run_krust_build(
        tmp.path(),
        &args(&["--enable-alpha-plugins", "--enable-exec"]),
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no cheese today"), "{}", stderr(&out));
}

#[test]
fn exec_transformer_rewrites_resources() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_executable(
        &dir.join("upper.sh"),
        "#!/bin/sh\nsed -e 's/value: low/value: HIGH/'\n",
    );
    write(
        &dir.join("kustomization.yaml"),
        "resources:\n- cm.yaml\ntransformers:\n- |-\n  apiVersion: example.com/v1\n  kind: Upper\n  \
         metadata:\n    name: u\n    annotations:\n      config.kubernetes.io/function: |\n        \
         exec:\n          path: ./upper.sh\n",
    );
    write(
        &dir.join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  value: low\n",
    );
    let out = run_krust_build(dir, &args(&["--enable-alpha-plugins", "--enable-exec"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "apiVersion: v1\ndata:\n  value: HIGH\nkind: ConfigMap\nmetadata:\n  name: c\n"
    );
}

#[test]
fn container_functions_are_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        &tmp.path().join("kustomization.yaml"),
        "generators:\n- |-\n  apiVersion: example.com/v1\n  kind: C\n  metadata:\n    name: c\n    \
         annotations:\n      config.kubernetes.io/function: |\n        container:\n          image: a/b:1\n",
    );
    let out = run_krust_build(tmp.path(), &args(&["--enable-alpha-plugins"]));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("container functions are not supported"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unknown_builtin_and_wrong_role() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        &tmp.path().join("kustomization.yaml"),
        "transformers:\n- |-\n  apiVersion: builtin\n  kind: SortOrderTransformer\n  metadata:\n    name: s\n",
    );
    let out = run_krust_build(tmp.path(), &[]);
    assert!(stderr(&out).contains("unable to load builtin SortOrderTransformer.builtin.[noGrp]"));
    write(
        &tmp.path().join("kustomization.yaml"),
        "generators:\n- |-\n  apiVersion: builtin\n  kind: LabelTransformer\n  metadata:\n    name: l\n",
    );
    let out = run_krust_build(tmp.path(), &[]);
    assert!(stderr(&out).contains("not a generator"), "{}", stderr(&out));
}

/// A stub helm: records its arguments and answers `version` and `template`.
const HELM_STUB: &str = r#"#!/bin/sh
echo "$@" >> "$(dirname "$0")/argv.txt"
case "$1" in
version) echo "v3.14.0+gabc" ;;
template)
  for a in "$@"; do case "$prev" in -f) cp "$a" "$(dirname "$0")/values-seen.yaml" ;; esac; prev="$a"; done
  cat <<'OUT'
---
# Source: chart/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: from-chart
data:
  k: v
OUT
  ;;
esac
"#;

fn helm_tree(dir: &Path) -> std::path::PathBuf {
    let helm = dir.join("bin/helm");
    write_executable(&helm, HELM_STUB);
    write(&dir.join("k/charts/mychart/values.yaml"), "a: 1\nb: 2\n");
    write(
        &dir.join("k/kustomization.yaml"),
        "helmCharts:\n- name: mychart\n  releaseName: rel\n  namespace: ns\n  includeCRDs: true\n  \
         skipTests: true\n  valuesInline:\n    b: 3\n",
    );
    helm
}

#[test]
fn helm_chart_is_templated_by_the_helm_command() {
    let tmp = tempfile::tempdir().unwrap();
    let helm = helm_tree(tmp.path());
    let k = tmp.path().join("k");
    let flags = vec![
        "--enable-helm".to_string(),
        "--helm-command".to_string(),
        helm.display().to_string(),
        "--helm-kube-version".to_string(),
        "1.30".to_string(),
    ];
    let out = run_krust_build(&k, &flags);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: from-chart\n"
    );
    let argv = fs::read_to_string(tmp.path().join("bin/argv.txt")).unwrap();
    let lines: Vec<&str> = argv.lines().collect();
    assert_eq!(lines[0], "version -c --short");
    let template = lines[1];
    let chart = k.canonicalize().unwrap().join("charts/mychart");
    assert!(
        template.starts_with(&format!(
            "template rel {} --namespace ns -f ",
            chart.display()
        )),
        "{template}"
    );
    assert!(
        template.ends_with(
            "mychart-kustomize-values.yaml --kube-version 1.30 --include-crds --skip-tests"
        ),
        "{template}"
    );
    let values = fs::read_to_string(tmp.path().join("bin/values-seen.yaml")).unwrap();
    assert_eq!(values, "a: 1\nb: 3\n");
}

#[test]
fn helm_needs_its_flag_and_its_command() {
    let tmp = tempfile::tempdir().unwrap();
    helm_tree(tmp.path());
    let k = tmp.path().join("k");
    let out = run_krust_build(&k, &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("must specify --enable-helm"),
        "{}",
        stderr(&out)
    );
    let missing = tmp.path().join("no-such-helm");
    let flags = vec![
        "--enable-helm".to_string(),
        "--helm-command".to_string(),
        missing.display().to_string(),
    ];
    let out = run_krust_build(&k, &flags);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("is '"), "{}", stderr(&out));
    assert!(stderr(&out).contains("installed?"), "{}", stderr(&out));
}

/// A generator function that counts its runs in `runs.txt` beside it.
const COUNTING_SCRIPT: &str = r#"#!/bin/sh
cat > /dev/null
echo run >> runs.txt
cat <<'OUT'
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: counted
  data:
    a: b
OUT
"#;

#[test]
fn plugins_run_once_when_a_base_chooses_the_schema() {
    // A base's `openapi:` field chooses the schema for everything built
    // after it, so the build runs its bases in order; the generator in the
    // other base must still run exactly once.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    generator_tree(&root.join("counted"), COUNTING_SCRIPT);
    write(
        &root.join("schema/kustomization.yaml"),
        "openapi:\n  version: v1.21.2\nresources:\n- cm.yaml\n",
    );
    write(
        &root.join("schema/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n",
    );
    write(
        &root.join("kustomization.yaml"),
        "resources:\n- counted\n- schema\n",
    );
    let flags = args(&["--enable-alpha-plugins", "--enable-exec"]);
    let out = run_krust_build(root, &flags);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("name: counted"), "{}", stdout(&out));
    let runs = fs::read_to_string(root.join("counted/runs.txt")).unwrap();
    assert_eq!(
        runs.lines().count(),
        1,
        "the generator ran {} times",
        runs.lines().count()
    );
}
