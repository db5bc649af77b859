//! `krust diff`: resource-by-resource comparison of two renders, with
//! `kubectl diff`'s exit codes (0 same, 1 different, 2 error).

mod common;

use common::{krust_bin, repo_root};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn krust(args: &[&str], cwd: &Path) -> Output {
    Command::new(krust_bin())
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("krust binary runs")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Two copies of the example system, `old/` and `new/`, in a temp dir.
fn example_pair() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    let example = repo_root().join("deployments/example");
    copy_dir(&example, &temp.path().join("old"));
    copy_dir(&example, &temp.path().join("new"));
    temp
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Lines a unified diff removes and adds, leaving out the file headers.
fn changed_lines(text: &str) -> (Vec<&str>, Vec<&str>) {
    let minus = text
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        .collect();
    let plus = text
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    (minus, plus)
}

const PROD: &str = "overlays/production";

fn diff_prod(temp: &Path, extra: &[&str]) -> Output {
    let old = format!("old/{PROD}");
    let new = format!("new/{PROD}");
    let mut args = vec!["diff", old.as_str(), new.as_str()];
    args.extend(extra);
    krust(&args, temp)
}

#[test]
fn changed_image_tag_is_one_changed_deployment() {
    let temp = example_pair();
    edit(
        &temp.path().join("new/base/deployment.yaml"),
        "guestbook:1.4.2",
        "guestbook:1.5.0",
    );
    let output = diff_prod(temp.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.contains("changed apps/v1 Deployment guestbook-prod/guestbook\n"),
        "{text}"
    );
    let (minus, plus) = changed_lines(&text);
    assert_eq!(
        minus,
        vec!["-        image: registry.example.com/guestbook:1.4.2"]
    );
    assert_eq!(
        plus,
        vec!["+        image: registry.example.com/guestbook:1.5.0"]
    );
    assert!(
        text.ends_with("\n1 changed, 0 added, 0 removed\n"),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "no colour when stdout is a pipe");
}

#[test]
fn identical_renders_exit_zero() {
    let temp = example_pair();
    let output = diff_prod(temp.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(stdout(&output), "0 changed, 0 added, 0 removed\n");
}

#[test]
fn broken_tree_exits_two() {
    let temp = example_pair();
    fs::write(
        temp.path().join("new/base/service.yaml"),
        "kind: [unclosed\n",
    )
    .unwrap();
    let output = diff_prod(temp.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty(), "diff output on a failed build");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("service.yaml"), "{stderr}");
}

#[test]
fn missing_directory_exits_two() {
    let temp = example_pair();
    let output = krust(&["diff", "old/overlays/production", "nowhere"], temp.path());
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[test]
fn hash_suffixed_generated_names_pair_as_one_change() {
    let temp = example_pair();
    for (side, level) in [("old", "debug"), ("new", "info")] {
        let kustomization = temp.path().join(side).join(PROD).join("kustomization.yaml");
        let mut text = fs::read_to_string(&kustomization).unwrap();
        text.push_str(&format!(
            "configMapGenerator:\n- name: logging\n  literals:\n  - level={level}\n"
        ));
        fs::write(&kustomization, text).unwrap();
    }
    let output = diff_prod(temp.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.ends_with("\n1 changed, 0 added, 0 removed\n"),
        "{text}"
    );
    let title = text.lines().next().unwrap();
    assert!(
        title.starts_with("changed v1 ConfigMap guestbook-prod/logging-")
            && title.contains("(was logging-"),
        "{title}"
    );
    let (minus, plus) = changed_lines(&text);
    assert!(minus.contains(&"-  level: debug"), "{text}");
    assert!(plus.contains(&"+  level: info"), "{text}");
}

#[test]
fn colour_is_forced_with_always() {
    let temp = example_pair();
    edit(
        &temp.path().join("new/base/deployment.yaml"),
        "replicas: 1",
        "replicas: 2",
    );
    let output = diff_prod(temp.path(), &["--color", "always"]);
    assert!(stdout(&output).contains("\x1b[32m+  replicas: 2\x1b[0m"));
}

#[test]
fn markdown_is_capped_for_comments() {
    let temp = tempfile::tempdir().unwrap();
    for (side, value) in [("old", "a"), ("new", "b")] {
        let dir = temp.path().join(side);
        fs::create_dir_all(&dir).unwrap();
        let mut kustomization = String::from("resources:\n");
        for i in 0..120 {
            let file = format!("cm{i}.yaml");
            let data: String = (0..40)
                .map(|k| format!("  key{k}: {}\n", value.repeat(30)))
                .collect();
            let doc =
                format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{i}\ndata:\n{data}");
            fs::write(dir.join(&file), doc).unwrap();
            kustomization.push_str(&format!("- {file}\n"));
        }
        fs::write(dir.join("kustomization.yaml"), kustomization).unwrap();
    }
    let output = krust(&["diff", "--output", "markdown", "old", "new"], temp.path());
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.chars().count() < 65_000,
        "{} chars",
        text.chars().count()
    );
    assert!(
        text.contains("**120 changed, 0 added, 0 removed**"),
        "no summary"
    );
    assert!(text.contains("```diff\n"), "no diff block");
    assert!(text.contains("Output truncated"), "no truncation note");
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn base_revision_is_compared_with_the_working_tree() {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path();
    copy_dir(&repo_root().join("deployments/example"), repo);
    if !git(repo, &["init", "-q"]) {
        eprintln!("git unavailable: skipping");
        return;
    }
    assert!(git(repo, &["add", "-A"]));
    assert!(git(repo, &["commit", "-qm", "initial"]));
    let unchanged = krust(&["diff", "--base", "HEAD", PROD], repo);
    assert_eq!(unchanged.status.code(), Some(0), "{unchanged:?}");

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
}
