//! Inputs that have no effect, where kustomize stays silent: a patch whose
//! target selects nothing, an exec function that does not run without
//! `--enable-exec`. krust warns on stderr and prints the same manifests;
//! with `--strict` the build fails instead.

mod common;

use common::{announce_kubectl_skip, krust_bin, kubectl_available};
use std::path::Path;
use std::process::{Command, Output};

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx
";

fn krust(dir: &Path, flags: &[&str]) -> Output {
    Command::new(krust_bin())
        .arg("build")
        .arg(dir)
        .args(flags)
        .output()
        .expect("krust runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A tree whose kustomization is `kustomization` over one Deployment.
fn tree(kustomization: &str, extra: &[(&str, &str)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    common::write_files(
        root.path(),
        &[
            ("kustomization.yaml", kustomization),
            ("deployment.yaml", DEPLOYMENT),
        ],
    );
    common::write_files(root.path(), extra);
    root
}

/// Builds `dir` plain and with `--strict`: the plain build succeeds with
/// `warning` on stderr and the manifests kubectl prints; the strict one
/// fails with it.
fn assert_warns(dir: &Path, flags: &[&str], warning: &str) {
    let output = krust(dir, flags);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let file = dir.join("kustomization.yaml");
    let expected = format!("warning: {}: {warning}\n", file.display());
    assert!(
        stderr(&output).contains(&expected),
        "expected {expected:?} in:\n{}",
        stderr(&output)
    );
    if kubectl_available() {
        let reference = Command::new("kubectl")
            .arg("kustomize")
            .arg(dir)
            .args(flags.iter().filter(|f| !f.starts_with("--enable-exec")))
            .output()
            .unwrap();
        assert!(reference.status.success(), "{reference:?}");
        assert!(
            reference.stdout == output.stdout,
            "stdout differs from kubectl"
        );
    } else {
        announce_kubectl_skip("the stdout comparison of builds with warnings");
    }
    let mut strict_flags = flags.to_vec();
    strict_flags.push("--strict");
    let strict = krust(dir, &strict_flags);
    assert_eq!(strict.status.code(), Some(1));
    assert!(strict.stdout.is_empty());
    assert!(
        stderr(&strict).contains("--strict: 1 part(s) of the input had no effect")
            && stderr(&strict).contains(warning),
        "{}",
        stderr(&strict)
    );
}

#[test]
fn a_strategic_merge_patch_whose_target_selects_nothing_warns() {
    let root = tree(
        "resources:\n- deployment.yaml\npatches:\n- path: replicas.yaml\n  target:\n    kind: StatefulSet\n",
        &[(
            "replicas.yaml",
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: any\nspec:\n  replicas: 3\n",
        )],
    );
    assert_warns(
        root.path(),
        &[],
        "patch [path: \"replicas.yaml\"] has no effect: its target (kind=StatefulSet) selects no resource",
    );
}

#[test]
fn json_patches_whose_target_selects_nothing_warn() {
    let op = "[{\"op\": \"replace\", \"path\": \"/spec/replicas\", \"value\": 2}]";
    let root = tree(
        &format!(
            "resources:\n- deployment.yaml\npatches:\n- patch: '{op}'\n  target:\n    kind: Deployment\n    name: api\n"
        ),
        &[],
    );
    assert_warns(
        root.path(),
        &[],
        &format!(
            "patch [patch: {op:?}] has no effect: its target (kind=Deployment, name=api) selects no resource"
        ),
    );
    let root = tree(
        "resources:\n- deployment.yaml\npatchesJson6902:\n- path: op.yaml\n  target:\n    group: apps\n    version: v1\n    kind: Deployment\n    name: api\n",
        &[("op.yaml", "- op: add\n  path: /spec/replicas\n  value: 2\n")],
    );
    assert_warns(
        root.path(),
        &[],
        "patch [path: \"op.yaml\"] has no effect: its target (group=apps, version=v1, kind=Deployment, name=api) selects no resource",
    );
}

#[test]
fn patches_that_select_something_do_not_warn() {
    let root = tree(
        "resources:\n- deployment.yaml\npatches:\n- patch: '[{\"op\": \"add\", \"path\": \"/spec/replicas\", \"value\": 2}]'\n  target:\n    kind: Deployment\n",
        &[],
    );
    let output = krust(root.path(), &["--strict"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

#[test]
fn an_exec_function_without_enable_exec_warns() {
    let root = tree(
        "resources:\n- deployment.yaml\ntransformers:\n- fn.yaml\n",
        &[(
            "fn.yaml",
            "apiVersion: example.com/v1\nkind: SetTeam\nmetadata:\n  name: team\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ./set-team.sh\n",
        )],
    );
    assert_warns(
        root.path(),
        &["--enable-alpha-plugins"],
        "exec function (api: example.com/v1, kind: SetTeam, name: team) did not run: exec functions need --enable-exec",
    );
}
