//! The GitHub Actions example of docs/ci.md: its diff and comment steps run
//! against a scratch repository, with a stand-in for `gh`.

mod common;
#[path = "diff_support/mod.rs"]
mod support;

use common::{krust_bin, repo_root};
use krust::yaml::{parse_documents, Value};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use support::{commit_all, copy_dir, edit};

const WORKFLOW: &str = "docs/examples/manifests-workflow.yml";

/// The `run` script of the workflow step named `name`.
fn step_script(name: &str) -> String {
    let path = repo_root().join(WORKFLOW);
    let text = fs::read_to_string(&path).unwrap();
    let workflow = parse_documents(&text, &path).unwrap().remove(0);
    let steps = workflow
        .get_path(&["jobs", "diff", "steps"])
        .and_then(Value::as_seq)
        .expect("jobs.diff.steps");
    steps
        .iter()
        .find(|step| step.str_at(&["name"]) == Some(name))
        .and_then(|step| step.str_at(&["run"]))
        .unwrap_or_else(|| panic!("no step {name:?} with a run script"))
        .to_string()
}

/// Runs a script with bash in `dir`, with krust and `extra_path` first on
/// PATH.
fn bash(script: &str, dir: &Path, extra_path: &Path, env: &[(&str, &str)]) -> Output {
    let krust_dir = krust_bin().parent().unwrap().to_path_buf();
    let path = std::env::join_paths([krust_dir, extra_path.to_path_buf()].into_iter().chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    Command::new("bash")
        .args(["-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("KRUST_DIFF_MASK_KEY")
        .envs(env.iter().copied())
        .output()
        .expect("bash runs")
}

/// A stand-in for `gh` that logs its arguments and lists two comment ids.
const FAKE_GH: &str = r#"#!/bin/sh
echo "$*" >> "$GH_LOG"
case "$*" in
  *--paginate*) printf '11\n12\n' ;;
esac
"#;

#[test]
fn workflow_reports_deleted_environments_in_comments_it_replaces() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("SKIPPED: bash not on PATH; the workflow example is not run");
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path().join("repo");
    copy_dir(
        &repo_root().join("deployments/example"),
        &repo.join("deployments/example"),
    );
    if !commit_all(&repo) {
        return;
    }
    fs::remove_dir_all(repo.join("deployments/example/overlays/development")).unwrap();
    edit(
        &repo.join("deployments/example/base/deployment.yaml"),
        "guestbook:1.4.2",
        "guestbook:1.5.0",
    );
    let bin = temp.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    let gh = bin.join("gh");
    fs::write(&gh, FAKE_GH).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&gh, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let summary = temp.path().join("summary.md");
    let log = temp.path().join("gh.log");

    let diff = bash(
        &step_script("Diff every environment against the base branch"),
        &repo,
        &bin,
        &[
            ("BASE", "HEAD"),
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ],
    );
    assert!(diff.status.success(), "{diff:?}");
    let comment = fs::read_to_string(repo.join("comments/comment-01.md")).unwrap();
    assert!(comment.starts_with("<!-- krust diff -->\n"), "{comment}");
    assert!(
        comment.contains("**3 of 3 environments differ: 2 changed, 0 added, 4 removed**"),
        "{comment}"
    );
    assert!(
        comment.contains("#### `deployments/example/overlays/development` (environment deleted)"),
        "{comment}"
    );
    assert!(
        comment.contains("@@ spec.template.spec.containers[name=guestbook].image\n"),
        "{comment}"
    );
    assert_eq!(fs::read_to_string(&summary).unwrap(), comment);

    let post = bash(
        &step_script("Replace the pull request comments"),
        &repo,
        &bin,
        &[
            ("GH_LOG", log.to_str().unwrap()),
            ("PR", "7"),
            ("REPO", "owner/repo"),
        ],
    );
    assert!(post.status.success(), "{post:?}");
    let calls = fs::read_to_string(&log).unwrap();
    let calls: Vec<&str> = calls.lines().collect();
    assert!(
        calls[0].starts_with("api --paginate repos/owner/repo/issues/7/comments --jq "),
        "{calls:?}"
    );
    assert_eq!(
        calls[1..],
        [
            "api --method DELETE repos/owner/repo/issues/comments/11",
            "api --method DELETE repos/owner/repo/issues/comments/12",
            "pr comment 7 --repo owner/repo --body-file comments/comment-01.md",
        ]
    );
}
