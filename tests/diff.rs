//! `krust diff`: resource-by-resource comparison of two renders, with
//! `kubectl diff`'s exit codes (0 same, 1 different, 2 error).

mod common;
#[path = "diff_support/mod.rs"]
mod support;

use common::{krust_bin, repo_root};
use std::fs;
use std::path::Path;
use std::process::Output;
use support::{changed_lines, copy_dir, edit, stdout, write};

fn krust(args: &[&str], cwd: &Path) -> Output {
    support::krust(&krust_bin(), args, cwd)
}

/// Two copies of the example system, `old/` and `new/`, in a temp dir.
fn example_pair() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    let example = repo_root().join("deployments/example");
    copy_dir(&example, &temp.path().join("old"));
    copy_dir(&example, &temp.path().join("new"));
    temp
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
        text.starts_with("1 changed, 0 added, 0 removed\n\n"),
        "the summary comes first: {text}"
    );
    assert!(
        text.contains("@@ spec.template.spec.containers[name=guestbook].image\n"),
        "hunks carry their YAML path: {text}"
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
        text.starts_with("1 changed, 0 added, 0 removed\n"),
        "{text}"
    );
    let title = text.lines().nth(2).unwrap();
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

#[test]
fn environments_pair_across_namespaces() {
    let example = repo_root().join("deployments/example");
    let args = ["diff", "overlays/staging", "overlays/production"];
    let output = krust(&args, &example);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.starts_with("4 changed, 1 added, 0 removed\n"),
        "{text}"
    );
    for title in [
        "changed apps/v1 Deployment guestbook-prod/guestbook (was guestbook-staging/guestbook)",
        "changed v1 Namespace guestbook-prod (was guestbook-staging)",
        "added policy/v1 PodDisruptionBudget guestbook-prod/guestbook",
    ] {
        assert!(text.contains(&format!("\n{title}\n")), "{title}: {text}");
    }
    let exact = krust(&[&args[..], &["--pair", "none"]].concat(), &example);
    assert!(
        stdout(&exact).starts_with("0 changed, 5 added, 4 removed\n"),
        "{}",
        stdout(&exact)
    );
    let hash_only = krust(&[&args[..], &["--pair", "hash,rename"]].concat(), &example);
    assert!(stdout(&hash_only).starts_with("0 changed, 5 added, 4 removed\n"));
}

#[test]
fn name_prefixes_pair_as_renames() {
    let temp = example_pair();
    for (side, prefix) in [("old", "staging-"), ("new", "prod-")] {
        let kustomization = temp.path().join(side).join(PROD).join("kustomization.yaml");
        let mut text = fs::read_to_string(&kustomization).unwrap();
        text.push_str(&format!("namePrefix: {prefix}\n"));
        fs::write(&kustomization, text).unwrap();
    }
    let output = diff_prod(temp.path(), &[]);
    let text = stdout(&output);
    assert!(
        text.starts_with("4 changed, 0 added, 0 removed\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "changed apps/v1 Deployment guestbook-prod/prod-guestbook (was staging-guestbook)\n"
        ),
        "{text}"
    );
    let off = diff_prod(temp.path(), &["--pair", "hash,namespace"]);
    assert!(stdout(&off).starts_with("0 changed, 4 added, 4 removed\n"));
}

#[test]
fn json_output_follows_the_schema() {
    let temp = example_pair();
    edit(
        &temp.path().join("new/base/deployment.yaml"),
        "replicas: 1",
        "replicas: 3",
    );
    let output = diff_prod(temp.path(), &["--output", "json"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["schema"], "krust.diff/v1");
    assert_eq!(json["summary"]["changed"], 1);
    assert_eq!(json["summary"]["environments"], 1);
    let env = &json["environments"][0];
    assert_eq!(env["status"], "changed");
    let change = &env["changes"][0];
    assert_eq!(change["change"], "changed");
    assert_eq!(change["pairedBy"], "key");
    assert_eq!(change["new"]["kind"], "Deployment");
    assert_eq!(change["hunks"][0]["path"], "spec.replicas");
    let lines = change["hunks"][0]["lines"].as_array().unwrap();
    assert!(
        lines.contains(&serde_json::json!("+  replicas: 3")),
        "{lines:?}"
    );
}

#[test]
fn rendered_trees_are_many_environments_with_one_summary() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let cm = |name: &str, value: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: {value}\n")
    };
    write(&root.join("old/shop/prod.yaml"), &cm("a", "1"));
    write(&root.join("old/shop/dev.yaml"), &cm("a", "1"));
    write(&root.join("old/shop/qa.yaml"), &cm("a", "1"));
    write(&root.join("new/shop/prod.yaml"), &cm("a", "2"));
    write(&root.join("new/shop/qa.yaml"), &cm("a", "1"));
    write(
        &root.join("new/shop/eu.yaml"),
        &format!("{}---\n{}", cm("a", "1"), cm("b", "1")),
    );
    let output = krust(&["diff", "old", "new"], root);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.starts_with(
            "3 of 4 environments differ: 1 changed, 2 added, 1 removed\n  \
             shop/dev.yaml: 0 changed, 0 added, 1 removed (environment deleted)\n  \
             shop/eu.yaml: 0 changed, 2 added, 0 removed (environment added)\n  \
             shop/prod.yaml: 1 changed, 0 added, 0 removed\n\n=== shop/dev.yaml (environment deleted)\n"
        ),
        "{text}"
    );
    let unchanged = krust(&["diff", "old/shop/qa.yaml", "new/shop/qa.yaml"], root);
    assert_eq!(unchanged.status.code(), Some(0), "{unchanged:?}");
}

#[test]
fn comment_dir_splits_markdown_under_the_comment_limit() {
    let temp = tempfile::tempdir().unwrap();
    for (side, value) in [("old", "a"), ("new", "b")] {
        let mut docs = String::new();
        for i in 0..100 {
            let data: String = (0..60)
                .map(|k| format!("  key{k}: {}\n", value.repeat(40)))
                .collect();
            docs.push_str(&format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{i}\ndata:\n{data}"
            ));
        }
        write(&temp.path().join(side).join("env.yaml"), &docs);
    }
    let comments = temp.path().join("comments");
    fs::create_dir_all(&comments).unwrap();
    fs::write(comments.join("comment-99.md"), "stale").unwrap();
    let args = [
        "diff",
        "--output",
        "markdown",
        "--comment-dir",
        "comments",
        "old",
        "new",
    ];
    let output = krust(&args, temp.path());
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(output.stdout.is_empty(), "{output:?}");
    let mut files: Vec<_> = fs::read_dir(&comments)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() > 1 && files.len() <= 10, "{files:?}");
    assert!(
        !comments.join("comment-99.md").exists(),
        "stale comment kept"
    );
    let mut all = String::new();
    for (i, file) in files.iter().enumerate() {
        let text = fs::read_to_string(file).unwrap();
        assert!(text.chars().count() < 65_536, "{}", file.display());
        assert!(
            text.starts_with(&format!(
                "<!-- krust diff -->\n_Part {} of {}._\n",
                i + 1,
                files.len()
            )),
            "{text}"
        );
        all.push_str(&text);
    }
    let sections = all.matches("<details>").count();
    let listed = all.matches("\n- changed v1 ConfigMap").count();
    assert!(sections >= 50, "{sections} sections");
    assert_eq!(sections + listed, 100, "every resource shown or listed");
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let temp = example_pair();
    edit(
        &temp.path().join("new/base/deployment.yaml"),
        "guestbook:1.4.2",
        "guestbook:1.5.0",
    );
    for side in ["old", "new"] {
        let dir = temp.path().join(side).join(PROD);
        let password = if side == "old" { "one" } else { "two" };
        fs::write(
            dir.join("secret.yaml"),
            support::secret(
                "db",
                &format!("stringData:\n  password: {password}\n  user: app\n"),
            ),
        )
        .unwrap();
        let kustomization = dir.join("kustomization.yaml");
        let text = fs::read_to_string(&kustomization).unwrap();
        fs::write(
            &kustomization,
            text.replace("- pdb.yaml\n", "- pdb.yaml\n- secret.yaml\n"),
        )
        .unwrap();
    }
    for format in ["text", "markdown", "json"] {
        let first = diff_prod(temp.path(), &["--output", format]);
        let second = diff_prod(temp.path(), &["--output", format]);
        assert_eq!(first.status.code(), Some(1), "{first:?}");
        assert_eq!(first.stdout, second.stdout, "{format} differs between runs");
        let text = stdout(&first);
        assert!(text.contains("<hidden "), "{format}: {text}");
        assert!(
            !text.contains("password: one") && !text.contains("\"one\""),
            "{text}"
        );
    }
}
