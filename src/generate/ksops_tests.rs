use super::*;
use crate::generate::Behavior;
use crate::sops::encrypt::{encrypt_bytes, EncryptOptions};

/// A temporary directory with encrypted files, and the keys to read them.
fn encrypted_dir(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Keys) {
    let identity = crate::sops::age::Identity::generate().unwrap();
    let secret = identity.to_secret_string().to_string();
    let keys = Keys::from_identity_text(&secret, "test").unwrap();
    let options = EncryptOptions {
        recipients: vec![identity.recipient().to_string()],
        encrypted_regex: None,
    };
    let dir = tempfile::tempdir().unwrap();
    for (name, plain) in files {
        let path = dir.path().join(name);
        let sealed = encrypt_bytes(plain, Format::from_path(&path), &options).unwrap();
        std::fs::write(path, sealed).unwrap();
    }
    (dir, keys)
}

fn config(yaml: &str) -> Value {
    crate::yaml::parse_documents(yaml, Path::new("ksops.yaml"))
        .unwrap()
        .remove(0)
}

#[test]
fn recognises_ksops_configs() {
    assert!(is_ksops_config(&config(
        "apiVersion: viaduct.ai/v1\nkind: ksops\n"
    )));
    assert!(!is_ksops_config(&config("apiVersion: v1\nkind: ksops\n")));
}

#[test]
fn files_are_decrypted_manifests() {
    let manifest = b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  k: v\n";
    let (dir, keys) = encrypted_dir(&[("s.enc.yaml", manifest)]);
    let cfg = config("apiVersion: viaduct.ai/v1\nkind: ksops\nfiles:\n- ./s.enc.yaml\n");
    let out = generate(&cfg, dir.path(), crate::load::Loader::default(), &keys).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].value().str_at(&["stringData", "k"]), Some("v"));
    assert!(out[0].value().get("sops").is_none());
}

#[test]
fn secret_from_builds_string_data_and_data() {
    let (dir, keys) = encrypted_dir(&[
        ("a.env", b"USER=admin\nPASS=s3cret\n"),
        ("cert.txt", b"CERT\n"),
        ("blob.bin", b"\x00\xff"),
    ]);
    let cfg = config(
        "apiVersion: viaduct.ai/v1\nkind: ksops\nsecretFrom:\n- metadata:\n    name: s\n    namespace: ns\n    labels: {a: b}\n  type: Opaque\n  envs: [a.env]\n  files: [tls.crt=cert.txt]\n  binaryFiles: [blob.bin]\n",
    );
    let out = generate(&cfg, dir.path(), crate::load::Loader::default(), &keys).unwrap();
    let secret = out[0].value();
    assert_eq!(secret.str_at(&["metadata", "namespace"]), Some("ns"));
    assert_eq!(secret.str_at(&["type"]), Some("Opaque"));
    assert_eq!(secret.str_at(&["stringData", "USER"]), Some("admin"));
    assert_eq!(secret.str_at(&["stringData", "tls.crt"]), Some("CERT\n"));
    assert_eq!(secret.str_at(&["data", "blob.bin"]), Some("AP8="));
}

#[test]
fn empty_parts_are_left_out_and_missing_forms_refused() {
    let (dir, keys) = encrypted_dir(&[("a.env", b"K=v\n")]);
    let cfg = config("apiVersion: viaduct.ai/v1\nkind: ksops\nsecretFrom:\n- metadata: {name: s}\n  envs: [a.env]\n");
    let secret = generate(&cfg, dir.path(), crate::load::Loader::default(), &keys)
        .unwrap()
        .remove(0)
        .into_value();
    assert!(secret.get("type").is_none() && secret.get("data").is_none());
    let bare = config("apiVersion: viaduct.ai/v1\nkind: ksops\nmetadata: {name: g}\n");
    let err = generate(&bare, dir.path(), crate::load::Loader::default(), &keys)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("missing the required 'files' or 'secretFrom'"),
        "{err}"
    );
}

#[test]
fn plugin_annotations_set_hash_and_behavior() {
    let value = config(
        "kind: Secret\nmetadata:\n  name: s\n  annotations:\n    kustomize.config.k8s.io/needs-hash: \"true\"\n    kustomize.config.k8s.io/behavior: merge\n",
    );
    let generated = into_generated(Resource::new(value, None)).unwrap();
    assert!(generated.needs_hash);
    assert_eq!(generated.behavior, Behavior::Merge);
    assert!(generated
        .resource
        .value()
        .get_path(&["metadata", "annotations"])
        .is_none());
    let plain = into_generated(Resource::new(
        config("kind: Secret\nmetadata: {name: s}\n"),
        None,
    ));
    assert!(!plain.unwrap().needs_hash);
}
