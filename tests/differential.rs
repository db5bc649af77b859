//! Differential test against the reference implementation: runs
//! `kubectl kustomize` and `krust build` on every fixture and on every
//! kustomization under `deployments/`, and requires identical stdout and the
//! same success or failure.
//!
//! Trees with SOPS-encrypted inputs (secretGenerator sources, KSOPS
//! generators) are compared differently, since kubectl cannot decrypt:
//! krust builds the encrypted tree with the test-only key of
//! `fixtures/sops-test-key/`, kubectl builds a temporary decrypted copy in
//! which every encrypted file holds its plaintext and each KSOPS `files`
//! generator is replaced by the same manifests listed under `resources`.
//!
//! Without `kubectl` on PATH the comparison cannot run. The test then writes
//! a loud `SKIPPED` line straight to the process's stderr (not through the
//! test harness's captured output, so it shows in a normal `cargo test` run)
//! and passes. Set `KRUST_REQUIRE_KUBECTL=1` to turn a missing kubectl into a
//! failure instead.

mod common;
#[path = "differential_support/sops.rs"]
mod sops_trees;

use common::{
    kubectl_available, last_stderr_line, load_fixtures, repo_root, run_krust_build,
    run_kubectl_kustomize, short_diff,
};
use std::path::{Path, PathBuf};

/// Every directory under `deployments/` holding a kustomization file.
fn deployment_dirs() -> Vec<PathBuf> {
    let mut found = Vec::new();
    collect_kustomization_dirs(&repo_root().join("deployments"), &mut found);
    found.sort();
    found
}

fn collect_kustomization_dirs(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let names = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
    if names.iter().any(|n| dir.join(n).is_file()) {
        found.push(dir.to_path_buf());
    }
    for entry in entries.flatten() {
        // deployments/rendered/ holds render output, not kustomize input.
        if entry.path().is_dir() && entry.file_name() != "rendered" {
            collect_kustomization_dirs(&entry.path(), found);
        }
    }
}

/// Compares both tools on one directory; returns the mismatch, if any.
fn compare(label: &str, dir: &Path, args: &[String]) -> Option<String> {
    let reference = run_kubectl_kustomize(dir, args);
    let candidate = run_krust_build(dir, args);
    compare_outputs(label, &reference, &candidate)
}

/// Judges kubectl's output against krust's.
fn compare_outputs(
    label: &str,
    reference: &std::process::Output,
    candidate: &std::process::Output,
) -> Option<String> {
    match (reference.status.success(), candidate.status.success()) {
        (true, true) if reference.stdout == candidate.stdout => None,
        (true, true) => Some(format!(
            "{label}: output differs from kubectl kustomize\n{}",
            short_diff(&reference.stdout, &candidate.stdout)
        )),
        (false, false) if candidate.stdout.is_empty() => None,
        (false, false) => Some(format!("{label}: failed but printed on stdout")),
        (true, false) => Some(format!(
            "{label}: kubectl succeeded, krust failed ({})",
            last_stderr_line(candidate)
        )),
        (false, true) => Some(format!(
            "{label}: kubectl failed ({}), krust succeeded",
            last_stderr_line(reference)
        )),
    }
}

#[test]
fn krust_matches_kubectl_kustomize() {
    if !kubectl_available() {
        common::announce_kubectl_skip("differential test against `kubectl kustomize`");
        return;
    }
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut encrypted = 0;
    for fixture in load_fixtures() {
        checked += 1;
        let label = format!("fixture {}", fixture.name);
        failures.extend(compare(&label, &fixture.build_dir, &fixture.args));
    }
    for dir in deployment_dirs() {
        checked += 1;
        let relative = dir.strip_prefix(repo_root()).unwrap_or(&dir);
        let label = format!("deployment {}", relative.display());
        if sops_trees::is_encrypted_tree(&dir) {
            encrypted += 1;
            let (reference, candidate) = sops_trees::run_both(&dir);
            failures.extend(compare_outputs(&label, &reference, &candidate));
        } else {
            failures.extend(compare(&label, &dir, &[]));
        }
    }
    // k3s-platform's staging and production overlays have encrypted inputs.
    assert!(
        encrypted >= 2,
        "only {encrypted} encrypted trees were found"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} trees differ from kubectl kustomize:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
