//! The encrypted trees of the differential test: detection, the decrypted
//! copy kubectl builds, and krust's run with the test-only key.

use crate::common::{krust_bin, repo_root, run_kubectl_kustomize};
use krust::internals::is_ksops_config;
use krust::sops::{decrypt_if_encrypted, looks_encrypted, Format, Keys};
use krust::yaml::{parse_documents, print_documents, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The committed test-only identity.
pub fn test_key_file() -> PathBuf {
    repo_root().join("fixtures/sops-test-key/keys.txt")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn is_encrypted_file(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap_or_default();
    looks_encrypted(&bytes, Format::from_path(path))
}

/// True when a kustomization directory holds encrypted inputs.
pub fn is_encrypted_tree(dir: &Path) -> bool {
    let mut files = Vec::new();
    files_under(dir, &mut files);
    files.iter().any(|f| is_encrypted_file(f))
}

/// kubectl on a decrypted copy, and krust on the original with the key.
pub fn run_both(dir: &Path) -> (Output, Output) {
    let deployments = repo_root().join("deployments");
    let relative = dir.strip_prefix(&deployments).expect("a deployment tree");
    let system = relative.components().next().expect("a system directory");
    let copy = tempfile::tempdir().unwrap();
    let system_copy = copy.path().join(system);
    decrypted_copy(&deployments.join(system), &system_copy);
    let reference = run_kubectl_kustomize(&copy.path().join(relative), &[]);
    let candidate = Command::new(krust_bin())
        .arg("build")
        .arg(dir)
        .env_remove("SOPS_AGE_KEY")
        .env("SOPS_AGE_KEY_FILE", test_key_file())
        .output()
        .expect("krust runs");
    (reference, candidate)
}

/// Copies `from` to `to` with every SOPS file replaced by its plaintext
/// and KSOPS `files` generators turned into plain `resources`.
fn decrypted_copy(from: &Path, to: &Path) {
    let text = std::fs::read_to_string(test_key_file()).unwrap();
    let keys = Keys::from_identity_text(&text, "test key").unwrap();
    let mut files = Vec::new();
    files_under(from, &mut files);
    for file in &files {
        let target = to.join(file.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        let bytes = std::fs::read(file).unwrap();
        let plain = decrypt_if_encrypted(bytes, file, &keys)
            .unwrap_or_else(|e| panic!("decrypting the copy: {e}"));
        std::fs::write(&target, plain).unwrap();
    }
    for file in &files {
        if file.file_name().is_some_and(|n| n == "kustomization.yaml") {
            inline_ksops(&to.join(file.strip_prefix(from).unwrap()));
        }
    }
}

/// Replaces `generators:` entries naming KSOPS configs by their `files`,
/// appended to `resources:`.
fn inline_ksops(kustomization: &Path) {
    let text = std::fs::read_to_string(kustomization).unwrap();
    let mut doc = parse_documents(&text, kustomization).unwrap().remove(0);
    let dir = kustomization.parent().unwrap();
    let Some(Value::Seq(generators)) = doc.get("generators").cloned() else {
        return;
    };
    let mut kept = Vec::new();
    let mut manifests = Vec::new();
    for entry in generators {
        let path = dir.join(entry.as_str().unwrap());
        let config_text = std::fs::read_to_string(&path).unwrap_or_default();
        let configs = parse_documents(&config_text, &path).unwrap_or_default();
        if configs.is_empty() || !configs.iter().all(is_ksops_config) {
            kept.push(entry);
            continue;
        }
        for config in configs {
            assert!(
                config.get("secretFrom").is_none(),
                "secretFrom has no plain equivalent"
            );
            let files = config.get("files").and_then(Value::as_seq).cloned();
            manifests.extend(files.unwrap_or_default());
        }
    }
    let map = doc.as_map_mut().unwrap();
    map.insert("generators".into(), Value::Seq(kept.into()));
    let resources = map
        .entry("resources".to_string().into())
        .or_insert(Value::Seq(Vec::new().into()));
    resources.as_seq_mut().unwrap().extend(manifests);
    std::fs::write(kustomization, print_documents([&doc]).unwrap()).unwrap();
}
