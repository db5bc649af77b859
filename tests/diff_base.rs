//! `krust diff --base REF PATH...`: paths as of a git revision against the
//! working tree, including environments added or deleted since.

mod common;
#[path = "diff_support/mod.rs"]
mod support;

use common::{krust_bin, repo_root};
use std::fs;
use std::path::Path;
use std::process::Output;
use support::{changed_lines, commit_all, copy_dir, edit, stdout};

fn krust(args: &[&str], cwd: &Path) -> Output {
    support::krust(&krust_bin(), args, cwd)
}

const PROD: &str = "overlays/production";

/// A repository holding the example system, all committed; `None` (after
/// a loud SKIPPED line) without git.
fn example_repo() -> Option<tempfile::TempDir> {
    let temp = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("deployments/example"), temp.path());
    commit_all(temp.path()).then_some(temp)
}

#[test]
fn base_revision_is_compared_with_the_working_tree() {
    let Some(temp) = example_repo() else { return };
    let repo = temp.path();
    let unchanged = krust(&["diff", "--base", "HEAD", PROD], repo);
    assert_eq!(unchanged.status.code(), Some(0), "{unchanged:?}");
    assert_eq!(stdout(&unchanged), "0 changed, 0 added, 0 removed\n");

    edit(
        &repo.join("base/deployment.yaml"),
        "guestbook:1.4.2",
        "guestbook:2.0.0",
    );
    let output = krust(&["diff", "--base", "HEAD", PROD], repo);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    let (minus, plus) = changed_lines(&text);
    assert_eq!((minus.len(), plus.len()), (1, 1), "{text}");
    assert!(plus[0].ends_with("guestbook:2.0.0"), "{text}");

    let bad_ref = krust(&["diff", "--base", "no-such-branch", PROD], repo);
    assert_eq!(bad_ref.status.code(), Some(2), "{bad_ref:?}");
    assert!(bad_ref.stdout.is_empty());
}

#[test]
fn a_deleted_environment_shows_every_resource_removed() {
    let Some(temp) = example_repo() else { return };
    let repo = temp.path();
    fs::remove_dir_all(repo.join(PROD)).unwrap();
    let output = krust(&["diff", "--base", "HEAD", PROD], repo);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.starts_with("0 changed, 0 added, 5 removed (environment deleted)\n"),
        "{text}"
    );
    assert!(
        text.contains("\nremoved apps/v1 Deployment guestbook-prod/guestbook\n"),
        "{text}"
    );
    let (minus, plus) = changed_lines(&text);
    assert!(minus.len() > 50 && plus.is_empty(), "{text}");

    // The same through the tree of environments: deleted ones are found at
    // the base revision.
    let tree = krust(&["diff", "--base", "HEAD", "overlays"], repo);
    assert_eq!(tree.status.code(), Some(1), "{tree:?}");
    let text = stdout(&tree);
    assert!(
        text.starts_with(
            "1 of 3 environments differ: 0 changed, 0 added, 5 removed\n  \
             overlays/production: 0 changed, 0 added, 5 removed (environment deleted)\n"
        ),
        "{text}"
    );
}

#[test]
fn an_added_environment_shows_every_resource_added() {
    let Some(temp) = example_repo() else { return };
    let repo = temp.path();
    copy_dir(&repo.join(PROD), &repo.join("overlays/qa"));
    edit(
        &repo.join("overlays/qa/kustomization.yaml"),
        "namespace: guestbook-prod",
        "namespace: guestbook-qa",
    );
    let output = krust(&["diff", "--base", "HEAD", "overlays/qa"], repo);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        stdout(&output).starts_with("0 changed, 5 added, 0 removed (environment added)\n"),
        "{}",
        stdout(&output)
    );
    let json = krust(
        &[
            "diff", "--base", "HEAD", "--output", "json", "overlays", "base",
        ],
        repo,
    );
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let statuses: Vec<(&str, &str)> = json["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("base", "unchanged"),
            ("overlays/development", "unchanged"),
            ("overlays/production", "unchanged"),
            ("overlays/qa", "added"),
            ("overlays/staging", "unchanged")
        ]
    );
}

#[test]
fn a_path_on_neither_side_is_an_error() {
    let Some(temp) = example_repo() else { return };
    let output = krust(&["diff", "--base", "HEAD", "overlays/nowhere"], temp.path());
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("overlays/nowhere: exists neither in the working tree nor at HEAD"),
        "{stderr}"
    );
}

#[test]
fn a_directory_left_without_its_kustomization_is_deleted() {
    let Some(temp) = example_repo() else { return };
    let repo = temp.path();
    fs::remove_file(repo.join("overlays/staging/kustomization.yaml")).unwrap();
    assert!(repo.join("overlays/staging/namespace.yaml").is_file());
    let output = krust(&["diff", "--base", "HEAD", "overlays/staging"], repo);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        stdout(&output).starts_with("0 changed, 0 added, 4 removed (environment deleted)\n"),
        "{}",
        stdout(&output)
    );
}
