//! Secret masking in `krust diff`: every value under `data`/`stringData`
//! and the annotations that embed them are compared by keyed markers that
//! are stable between runs; `--show-secrets` shows the decoded text.

mod common;
#[path = "diff_support/mod.rs"]
mod support;

use common::krust_bin;
use std::process::{Command, Output};
use support::{secret, stdout, write};

/// Writes `old.yaml` and `new.yaml` and diffs them with `extra` flags.
fn diff_files(old: &str, new: &str, extra: &[&str]) -> (Output, tempfile::TempDir) {
    let temp = tempfile::tempdir().unwrap();
    write(&temp.path().join("old.yaml"), old);
    write(&temp.path().join("new.yaml"), new);
    let mut args = vec!["diff", "old.yaml", "new.yaml"];
    args.extend(extra);
    (support::krust(&krust_bin(), &args, temp.path()), temp)
}

fn assert_hidden(text: &str, clear: &[&str]) {
    for value in clear {
        assert!(!text.contains(value), "{value:?} shown: {text}");
    }
}

fn base64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn a_nested_string_data_change_is_a_change() {
    let old = secret("s", "stringData:\n  n:\n    deep: OLD\n");
    let new = secret("s", "stringData:\n  n:\n    deep: NEW\n");
    let (output, _temp) = diff_files(&old, &new, &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.starts_with("1 changed, 0 added, 0 removed\n"),
        "{text}"
    );
    assert!(text.contains("@@ stringData.n\n"), "{text}");
    assert_hidden(&text, &["OLD", "NEW", "deep"]);
}

#[test]
fn a_masked_last_applied_annotation_still_shows_its_change() {
    let with = |password: &str| {
        let encoded = base64(password);
        let applied = format!(
            "{{\"apiVersion\":\"v1\",\"data\":{{\"password\":\"{encoded}\"}},\"kind\":\"Secret\"}}"
        );
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  annotations:\n    \
             kubectl.kubernetes.io/last-applied-configuration: '{applied}'\n    \
             team: payments\ndata:\n  password: {encoded}\n"
        )
    };
    let (output, _temp) = diff_files(&with("first-secret"), &with("second-secret"), &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert_hidden(
        &text,
        &[
            "first-secret",
            "second-secret",
            &base64("first-secret"),
            &base64("second-secret"),
        ],
    );
    let annotation = "kubectl.kubernetes.io/last-applied-configuration: <hidden ";
    assert!(text.contains(&format!("-    {annotation}")), "{text}");
    assert!(text.contains(&format!("+    {annotation}")), "{text}");
    assert!(
        !text.contains("+    team:"),
        "unchanged annotation shown: {text}"
    );
}

#[test]
fn scalar_and_list_data_are_masked() {
    let old = format!(
        "{}---\n{}",
        secret("a", "data: c2VjcmV0LW9uZQ==\n"),
        secret("b", "data:\n- c2VjcmV0LW9uZQ==\n")
    );
    let new = old.replace("c2VjcmV0LW9uZQ==", "c2VjcmV0LXR3bw==");
    let (output, _temp) = diff_files(&old, &new, &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.starts_with("2 changed, 0 added, 0 removed\n"),
        "{text}"
    );
    assert_hidden(&text, &["c2VjcmV0", "secret-"]);
}

#[test]
fn markers_are_stable_between_runs_and_keyed_by_the_environment() {
    let old = secret("s", "data:\n  a: b2xk\n  b: c2FtZQ==\n");
    let new = secret("s", "data:\n  a: bmV3\n  b: c2FtZQ==\n");
    let (first, temp) = diff_files(&old, &new, &[]);
    let (second, _other) = diff_files(&old, &new, &[]);
    assert_eq!(first.stdout, second.stdout);
    let keyed = Command::new(krust_bin())
        .args(["diff", "old.yaml", "new.yaml"])
        .current_dir(temp.path())
        .env("KRUST_DIFF_MASK_KEY", "ci-secret")
        .output()
        .unwrap();
    assert_eq!(keyed.status.code(), Some(1));
    assert_ne!(
        keyed.stdout, first.stdout,
        "the extra key changes the markers"
    );
    let text = stdout(&keyed);
    assert!(
        text.contains("-  a: <hidden ") && !text.contains("+  b:"),
        "{text}"
    );
}

#[test]
fn show_secrets_decodes_text() {
    let old = secret("s", "data:\n  a: b2xk\n  bin: //79\n");
    let new = secret("s", "data:\n  a: bmV3\n  bin: //7+\n");
    let (output, _temp) = diff_files(&old, &new, &["--show-secrets"]);
    let text = stdout(&output);
    assert!(
        text.contains("\n-  a: old\n") && text.contains("\n+  a: new\n"),
        "{text}"
    );
    assert!(
        text.contains("-  bin: (binary, 3 bytes, base64) //79\n"),
        "{text}"
    );
}
