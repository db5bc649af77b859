//! `krust render`: many environments into `<output-dir>/<system>/<env>.yaml`,
//! and `--check` for CI.

mod common;

use common::{krust_bin, repo_root};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ENVS: [&str; 3] = ["development", "staging", "production"];

fn overlay(env: &str) -> PathBuf {
    repo_root().join("deployments/example/overlays").join(env)
}

/// `krust render --output-dir OUT [extra...] <every example overlay>`.
fn render(out: &Path, extra: &[&str]) -> Output {
    Command::new(krust_bin())
        .arg("render")
        .arg("--output-dir")
        .arg(out)
        .args(extra)
        .args(ENVS.map(overlay))
        .output()
        .expect("krust binary runs")
}

fn expected(env: &str) -> Vec<u8> {
    fs::read(repo_root().join(format!("fixtures/example-{env}/expected.yaml"))).unwrap()
}

#[test]
fn renders_every_environment_like_kustomize() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("rendered");
    let output = render(&out, &[]);
    assert!(output.status.success(), "{output:?}");
    assert!(output.stdout.is_empty(), "render writes files, not stdout");
    for env in ENVS {
        let file = out.join("example").join(format!("{env}.yaml"));
        let written = fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            written == expected(env),
            "{env} differs from kustomize's output"
        );
    }
}

#[test]
fn check_reports_stale_missing_and_extra_files_without_writing() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("rendered");
    assert!(render(&out, &[]).status.success());
    let clean = render(&out, &["--check"]);
    assert!(clean.status.success(), "{clean:?}");

    let staging = out.join("example/staging.yaml");
    fs::write(&staging, "stale\n").unwrap();
    fs::remove_file(out.join("example/production.yaml")).unwrap();
    fs::write(out.join("example/retired.yaml"), "old\n").unwrap();
    let output = render(&out, &["--check"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    for line in [
        "stale: ",
        "example/staging.yaml",
        "missing: ",
        "example/production.yaml",
        "extra: ",
        "example/retired.yaml",
    ] {
        assert!(stderr.contains(line), "missing {line:?} in {stderr}");
    }
    assert!(!stderr.contains("development.yaml"), "{stderr}");
    assert_eq!(
        fs::read_to_string(&staging).unwrap(),
        "stale\n",
        "check wrote"
    );
    assert!(!out.join("example/production.yaml").exists(), "check wrote");

    assert!(render(&out, &["--prune"]).status.success());
    assert!(render(&out, &["--check"]).status.success());
    assert!(!out.join("example/retired.yaml").exists());
}

#[test]
fn one_broken_environment_fails_the_run_and_writes_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("rendered");
    let broken = [
        repo_root().join("fixtures/error-invalid-yaml/input"),
        repo_root().join("fixtures/error-missing-resource/input"),
    ];
    let output = Command::new(krust_bin())
        .arg("render")
        .arg("--output-dir")
        .arg(&out)
        .arg(overlay("staging"))
        .args(&broken)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("2 of 3 environments failed"), "{stderr}");
    assert!(stderr.contains("broken.yaml"), "{stderr}");
    assert!(stderr.contains("missing.yaml"), "{stderr}");
    assert!(!out.exists(), "a failed run wrote files");
}

#[test]
fn two_directories_claiming_one_file_are_rejected() {
    let temp = tempfile::tempdir().unwrap();
    for dir in ["a/shop/overlays/prod", "b/shop/prod"] {
        let dir = temp.path().join(dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("kustomization.yaml"), "resources: []\n").unwrap();
    }
    let output = Command::new(krust_bin())
        .args(["render", "a/shop/overlays/prod", "b/shop/prod"])
        .current_dir(temp.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("would both render to shop/prod.yaml"),
        "{stderr}"
    );
}

#[test]
fn committed_rendered_tree_is_current() {
    let output = Command::new(krust_bin())
        .args(["render", "--check", "--output-dir"])
        .arg(repo_root().join("deployments/rendered"))
        .arg(repo_root().join("deployments"))
        // The k3s platform's encrypted secrets need the test-only key.
        .env_remove("SOPS_AGE_KEY")
        .env(
            "SOPS_AGE_KEY_FILE",
            repo_root().join("fixtures/sops-test-key/keys.txt"),
        )
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "deployments/rendered/ is stale: run `just render` and commit the result\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_tree_of_systems_renders_every_environment_but_not_its_output() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    for dir in ["shop/base", "shop/overlays/dev", "shop/overlays/prod"] {
        fs::create_dir_all(root.join(dir)).unwrap();
    }
    fs::write(
        root.join("shop/base/kustomization.yaml"),
        "configMapGenerator:\n- name: cfg\n  literals: [a=b]\n",
    )
    .unwrap();
    for env in ["dev", "prod"] {
        fs::write(
            root.join(format!("shop/overlays/{env}/kustomization.yaml")),
            format!("resources: [../../base]\nnamePrefix: {env}-\n"),
        )
        .unwrap();
    }
    let run = |extra: &[&str]| {
        Command::new(krust_bin())
            .arg("render")
            .args(extra)
            .args(["--output-dir", "rendered", "."])
            .current_dir(root)
            .output()
            .unwrap()
    };
    let first = run(&[]);
    assert!(first.status.success(), "{first:?}");
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("rendered 2 environments"), "{stderr}");
    assert!(
        !stderr.contains("rendered 2/2"),
        "quick runs show no progress: {stderr}"
    );
    assert!(root.join("rendered/shop/dev.yaml").is_file());
    assert!(root.join("rendered/shop/prod.yaml").is_file());
    // A second run must not pick up its own output as input.
    let check = run(&["--check"]);
    assert!(check.status.success(), "{check:?}");
}

/// A monorepo without an `overlays` layout: two `upstream/base`
/// directories, a component and a nested kustomization.
fn monorepo() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let cm = |name: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n");
    let files = [
        (
            "apps/admission-webhook/upstream/base/kustomization.yaml",
            "resources:\n- cm.yaml\n".to_string(),
        ),
        (
            "apps/admission-webhook/upstream/base/cm.yaml",
            cm("webhook"),
        ),
        (
            "apps/centraldashboard/upstream/base/kustomization.yaml",
            "resources:\n- cm.yaml\n".to_string(),
        ),
        (
            "apps/centraldashboard/upstream/base/cm.yaml",
            cm("dashboard"),
        ),
        (
            "apps/centraldashboard/upstream/base/v1.2/kustomization.yaml",
            "resources:\n- cm.yaml\nnamePrefix: v12-\n".to_string(),
        ),
        (
            "apps/centraldashboard/upstream/base/v1.2/cm.yaml",
            cm("dashboard"),
        ),
        (
            "apps/components/team/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n".to_string(),
        ),
    ];
    common::write_files(root.path(), &files);
    root
}

#[test]
fn the_path_layout_renders_any_tree_of_kustomizations() {
    let repo = monorepo();
    let out = repo.path().join("out");
    let run = |extra: &[&str]| {
        Command::new(krust_bin())
            .arg("render")
            .args(extra)
            .arg("--output-dir")
            .arg(&out)
            .arg(repo.path().join("apps/admission-webhook/upstream/base"))
            .arg(repo.path().join("apps/centraldashboard/upstream/base"))
            .output()
            .expect("krust binary runs")
    };
    let clash = run(&[]);
    assert_eq!(clash.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&clash.stderr);
    assert!(
        stderr.contains("would both render to upstream/base.yaml (--layout path"),
        "{stderr}"
    );

    let root = repo.path().to_str().unwrap();
    let output = run(&["--layout", "path", "--root", root]);
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("rendered 2 directories"), "{stderr}");
    let webhook =
        fs::read_to_string(out.join("apps/admission-webhook/upstream/base.yaml")).unwrap();
    assert!(webhook.contains("name: webhook"), "{webhook}");

    // A whole tree: every kustomization but the component, nested ones too.
    let output = Command::new(krust_bin())
        .current_dir(repo.path())
        .args(["render", "--layout", "path", "--output-dir", "all", "apps"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let mut written: Vec<String> = Vec::new();
    for entry in walk(&repo.path().join("all")) {
        written.push(
            entry
                .strip_prefix(repo.path())
                .unwrap()
                .display()
                .to_string(),
        );
    }
    written.sort();
    assert_eq!(
        written,
        [
            "all/apps/admission-webhook/upstream/base.yaml",
            "all/apps/centraldashboard/upstream/base.yaml",
            "all/apps/centraldashboard/upstream/base/v1.2.yaml",
        ]
    );
    let check = Command::new(krust_bin())
        .current_dir(repo.path())
        .args([
            "render",
            "--check",
            "--layout",
            "path",
            "--output-dir",
            "all",
            "apps",
        ])
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
