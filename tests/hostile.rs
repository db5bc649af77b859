//! Hostile input, end to end through the `krust` binary: each probe must
//! fail with exit status 1, print nothing on stdout, name the file it
//! failed on, and (where measured) stay within a peak memory bound. Secret
//! values must never reach stdout or stderr on a failing build; damaged
//! SOPS files and paths that leave the tree are refused.

mod common;
#[path = "hostile_support/mod.rs"]
mod support;

use std::time::{Duration, Instant};
use support::*;

// ---- 1. Alias bombs --------------------------------------------------------

fn alias_bomb(levels: usize) -> String {
    let mut text = String::from("a0: &a0 \"lol\"\n");
    for i in 1..=levels {
        let items = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    text
}

#[test]
fn alias_bomb_in_a_kustomization_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
    write(dir.path(), "r.yaml", cm);
    for levels in [5, 10] {
        let text = format!("{}resources: [r.yaml]\n", alias_bomb(levels));
        write(dir.path(), "kustomization.yaml", text);
        let run = krust(dir.path(), &["build", "."], &[]);
        assert_refused(&run, "kustomization.yaml", 100);
        assert!(run.stderr.contains("excessive aliasing"), "{}", run.stderr);
    }
}

#[test]
fn alias_bomb_in_a_resource_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  {}",
        alias_bomb(12).replace('\n', "\n  ")
    );
    write(dir.path(), "bomb.yaml", text);
    write(dir.path(), "kustomization.yaml", "resources: [bomb.yaml]\n");
    let run = krust(dir.path(), &["build", "."], &[]);
    assert_refused(&run, "bomb.yaml", 100);
    assert!(run.stderr.contains("excessive aliasing"), "{}", run.stderr);
}

// ---- 2. Secret values never in messages ------------------------------------

const CANARY: &str = "canary-Q7w9-zz41";

fn b64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// A failing build that must not show the canary, nor its base64 form.
fn assert_no_canary(run: &Run, what: &str) {
    assert_eq!(run.code, Some(1), "{what}: {}", run.stderr);
    assert!(run.stdout.is_empty(), "{what}: stdout must stay empty");
    let stdout = String::from_utf8_lossy(&run.stdout);
    for shown in [&run.stderr, &stdout.to_string()] {
        assert!(!shown.contains(CANARY), "{what}: canary shown: {shown}");
        assert!(
            !shown.contains(&b64(CANARY)),
            "{what}: base64 shown: {shown}"
        );
    }
    assert!(
        run.stderr.contains("kustomization.yaml"),
        "{what}: {}",
        run.stderr
    );
}

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: c\n        image: nginx\n";

fn replacement_into_replicas(kind_name: &str, field: &str) -> String {
    format!(
        "replacements:\n- source: {{kind: Secret, name: {kind_name}, fieldPath: {field}}}\n  \
         targets:\n  - select: {{kind: Deployment}}\n    fieldPaths: [spec.replicas]\n"
    )
}

/// A directory holding `app.env` (`DB_PASSWORD` set to the canary,
/// SOPS-encrypted) and a Deployment to copy it into.
fn encrypted_canary_env_beside_a_deployment() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let env = format!("DB_PASSWORD={CANARY}\n");
    write(
        dir.path(),
        "app.env",
        encrypted("app.env", env.as_bytes(), None),
    );
    write(dir.path(), "deploy.yaml", DEPLOYMENT);
    dir
}

#[test]
fn sops_generator_value_is_not_shown_in_a_replacement_type_error() {
    let dir = encrypted_canary_env_beside_a_deployment();
    let mut kustomization = String::from(
        "resources: [deploy.yaml]\nsecretGenerator:\n- name: app\n  envs: [app.env]\n  \
         options: {disableNameSuffixHash: true}\n",
    );
    kustomization.push_str(&replacement_into_replicas("app", "data.DB_PASSWORD"));
    write(dir.path(), "kustomization.yaml", kustomization);
    let run = krust_with_key(dir.path(), &["build", "."]);
    assert_no_canary(&run, "generator + replacement");
}

#[test]
fn ksops_value_is_not_shown_in_a_replacement_type_error() {
    let dir = encrypted_canary_env_beside_a_deployment();
    write(
        dir.path(),
        "ksops.yaml",
        "apiVersion: viaduct.ai/v1\nkind: ksops\nmetadata:\n  name: gen\nsecretFrom:\n- metadata:\n    name: app\n  envs:\n  - ./app.env\n",
    );
    let mut kustomization = String::from("resources: [deploy.yaml]\ngenerators: [ksops.yaml]\n");
    kustomization.push_str(&replacement_into_replicas("app", "stringData.DB_PASSWORD"));
    write(dir.path(), "kustomization.yaml", kustomization);
    let run = krust_with_key(dir.path(), &["build", "."]);
    assert_no_canary(&run, "ksops + replacement");
}

/// Kustomization bodies that fail on a plain Secret holding the canary.
fn secret_error_paths() -> Vec<(&'static str, String)> {
    let secret_patch = |patch: &str| {
        format!(
            "patches:\n- target: {{kind: Secret}}\n  patch: |-\n{}",
            indent(patch)
        )
    };
    vec![
        (
            "replacement from stringData",
            replacement_into_replicas("db", "stringData.PASSWORD"),
        ),
        (
            "replacement from data",
            replacement_into_replicas("db", "data.TOKEN"),
        ),
        (
            "replacement delimiter out of range",
            "replacements:\n- source: {kind: Secret, name: db, fieldPath: stringData.PASSWORD, \
             options: {delimiter: '-', index: 9}}\n  targets:\n  - select: {kind: Deployment}\n    \
             fieldPaths: [spec.template.spec.containers.0.image]\n"
                .to_string(),
        ),
        (
            "json 6902 test",
            secret_patch(&format!(
                "- op: test\n  path: /stringData/PASSWORD\n  value: not-{CANARY}\n"
            )),
        ),
        (
            "json 6902 test of data",
            secret_patch("- op: test\n  path: /data/TOKEN\n  value: wrong\n"),
        ),
        (
            "strategic merge conflict",
            format!(
                "patches:\n- patch: |-\n    apiVersion: v1\n    kind: Secret\n    metadata: {{name: db}}\n    \
                 stringData: [{CANARY}]\n"
            ),
        ),
        (
            "var of a secret field used in a bad replacement",
            format!(
                "vars:\n- name: PW\n  objref: {{kind: Secret, name: db, apiVersion: v1}}\n  \
                 fieldref: {{fieldpath: stringData.PASSWORD}}\n{}",
                replacement_into_replicas("db", "stringData.PASSWORD")
            ),
        ),
    ]
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

#[test]
fn secret_values_are_not_shown_on_any_error_path() {
    let dir = tempfile::tempdir().unwrap();
    let secret = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  PASSWORD: {CANARY}\ndata:\n  TOKEN: {}\n---\n{DEPLOYMENT}",
        b64(CANARY)
    );
    write(dir.path(), "secret.yaml", secret);
    for (what, body) in secret_error_paths() {
        write(
            dir.path(),
            "kustomization.yaml",
            format!("resources: [secret.yaml]\n{body}"),
        );
        let run = krust(dir.path(), &["build", "."], &[]);
        assert_no_canary(&run, what);
    }
}

// ---- 4. Damaged SOPS files -------------------------------------------------

/// A secretGenerator over `name`, damaged by `damage` after encryption.
fn damaged_generator_input(name: &str, plain: &str, damage: &dyn Fn(String) -> String) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let sealed = String::from_utf8(encrypted(name, plain.as_bytes(), None)).unwrap();
    write(dir.path(), name, damage(sealed));
    let field = if name.ends_with(".env") {
        "envs"
    } else {
        "files"
    };
    write(
        dir.path(),
        "kustomization.yaml",
        format!("secretGenerator:\n- name: app\n  {field}: [{name}]\n"),
    );
    krust_with_key(dir.path(), &["build", "."])
}

fn without_lines(text: &str, starting: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with(starting))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// `text` without its top-level `sops:` block (the printer sorts keys, so
/// the block may sit between other fields).
fn without_sops_block(text: &str) -> String {
    let mut out = String::new();
    let mut in_sops = false;
    for line in text.lines() {
        if !line.starts_with([' ', '-']) {
            in_sops = line.starts_with("sops:");
        }
        if !in_sops {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn each_damaged_sops_form_is_refused() {
    let yaml = format!("password: {CANARY}\n");
    let env = format!("PASSWORD={CANARY}\n");
    type Damage = Box<dyn Fn(String) -> String>;
    let cases: Vec<(&str, &str, &str, Damage)> = vec![
        (
            "empty metadata",
            "secret.yaml",
            &yaml,
            Box::new(|t| format!("{}sops: {{}}\n", without_sops_block(&t))),
        ),
        (
            "no mac",
            "secret.yaml",
            &yaml,
            Box::new(|t| without_lines(&t, "mac:")),
        ),
        (
            "no lastmodified",
            "secret.yaml",
            &yaml,
            Box::new(|t| without_lines(&t, "lastmodified:")),
        ),
        (
            "no metadata at all",
            "secret.yaml",
            &yaml,
            Box::new(|t| without_sops_block(&t)),
        ),
        (
            "git conflict markers",
            "secret.yaml",
            &yaml,
            Box::new(|t| format!("<<<<<<< HEAD\n{t}=======\n{t}>>>>>>> theirs\n")),
        ),
        (
            "dotenv without sops_mac",
            "app.env",
            &env,
            Box::new(|t| without_lines(&t, "sops_mac=")),
        ),
        (
            "dotenv with conflict markers",
            "app.env",
            &env,
            Box::new(|t| format!("<<<<<<< HEAD\n{t}=======\n>>>>>>> theirs\n")),
        ),
    ];
    for (what, name, plain, damage) in cases {
        let run = damaged_generator_input(name, plain, &*damage);
        assert_refused(&run, name, 200);
        assert!(!run.stderr.contains(CANARY), "{what}: {}", run.stderr);
        assert!(
            !run.stderr.contains("ENC[AES256_GCM"),
            "{what}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_damaged_resource_is_refused_with_or_without_decrypt() {
    let dir = tempfile::tempdir().unwrap();
    let secret =
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  a: {CANARY}\n");
    let sealed = encrypted(
        "secret.yaml",
        secret.as_bytes(),
        Some("^(data|stringData)$"),
    );
    let sealed = String::from_utf8(sealed).unwrap();
    write(
        dir.path(),
        "kustomization.yaml",
        "resources: [secret.yaml]\n",
    );
    let damaged = [
        format!("{}sops: {{}}\n", without_sops_block(&sealed)),
        without_lines(&sealed, "mac:"),
        without_sops_block(&sealed),
    ];
    for text in damaged {
        write(dir.path(), "secret.yaml", &text);
        for args in [&["build", ".", "--decrypt"][..], &["build", "."]] {
            let run = krust_with_key(dir.path(), args);
            assert_refused(&run, "secret.yaml", 200);
            assert!(run.stderr.contains("damaged"), "{}", run.stderr);
        }
    }
    // The intact file still passes through without --decrypt.
    write(dir.path(), "secret.yaml", &sealed);
    let run = krust_with_key(dir.path(), &["build", "."]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

// ---- 5. Path escapes -------------------------------------------------------

#[test]
fn argocd_path_through_a_symlink_to_outside_is_refused() {
    let top = tempfile::tempdir().unwrap();
    let app = top.path().join("app");
    let outside = top.path().join("secretdir");
    write(&outside, "kustomization.yaml", "resources: [cm.yaml]\n");
    write(
        &outside,
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leak\n",
    );
    std::fs::create_dir_all(&app).unwrap();
    std::os::unix::fs::symlink("../secretdir", app.join("link")).unwrap();
    let run = krust(
        &app,
        &["argocd", "generate"],
        &[("PARAM_PATH", "link"), ("ARGOCD_APP_NAME", "a")],
    );
    // `argocd generate` exits 2 on invalid settings.
    assert_refused_with_any_code(&run, "link", 200);
    assert!(
        run.stderr.contains("outside the application"),
        "{}",
        run.stderr
    );
}

#[test]
fn build_output_dir_file_names_cannot_leave_the_dir() {
    let top = tempfile::tempdir().unwrap();
    let tree = top.path().join("tree");
    let out = top.path().join("out");
    std::fs::create_dir_all(out.join("v1_configmap_x")).unwrap();
    let cm = |name: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n");
    write(&tree, "a.yaml", cm("x/../../ESC"));
    write(&tree, "kustomization.yaml", "resources: [a.yaml]\n");
    let run = krust(&tree, &["build", ".", "-o", out.to_str().unwrap()], &[]);
    assert_refused(&run, "esc.yaml", 200);
    assert!(!top.path().join("esc.yaml").exists());
    // A symbolic link inside the directory does not lead out either.
    std::fs::create_dir_all(top.path().join("elsewhere")).unwrap();
    std::os::unix::fs::symlink("../elsewhere", out.join("v1_configmap_y")).unwrap();
    write(&tree, "a.yaml", cm("y/z"));
    let run = krust(&tree, &["build", ".", "-o", out.to_str().unwrap()], &[]);
    assert_refused(&run, "z.yaml", 200);
    assert!(!top.path().join("elsewhere/z.yaml").exists());
}

#[test]
fn ksops_files_outside_the_tree_are_load_restricted() {
    let top = tempfile::tempdir().unwrap();
    let dir = top.path().join("overlay");
    let manifest = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  a: {CANARY}\n"
    );
    let sealed = encrypted("db.yaml", manifest.as_bytes(), Some("^(data|stringData)$"));
    write(top.path(), "db.yaml", &sealed);
    let absolute = top.path().join("db.yaml");
    for file in ["../db.yaml", absolute.to_str().unwrap()] {
        write(
            &dir,
            "ksops.yaml",
            format!("apiVersion: viaduct.ai/v1\nkind: ksops\nmetadata:\n  name: gen\nfiles:\n- {file}\n"),
        );
        write(&dir, "kustomization.yaml", "generators: [ksops.yaml]\n");
        let run = krust_with_key(&dir, &["build", "."]);
        assert_refused(&run, "db.yaml", 200);
        assert!(run.stderr.contains("security"), "{}", run.stderr);
        assert!(!run.stderr.contains(CANARY));
    }
}

// ---- 6. Non-regular files and the size cap ---------------------------------

#[test]
fn fifos_and_devices_are_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("f.yaml");
    let made = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string; creating a FIFO in a temporary directory.
    assert_eq!(unsafe { libc::mkfifo(made.as_ptr(), 0o600) }, 0);
    write(dir.path(), "kustomization.yaml", "resources: [f.yaml]\n");
    let started = Instant::now();
    let run = krust(dir.path(), &["build", "."], &[]);
    assert_refused(&run, "f.yaml", 100);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    assert!(started.elapsed() < Duration::from_secs(30));

    write(dir.path(), "kustomization.yaml", "resources: [/dev/zero]\n");
    let run = krust(
        dir.path(),
        &["build", ".", "--load-restrictor", "LoadRestrictionsNone"],
        &[],
    );
    assert_refused(&run, "/dev/zero", 100);
    write(
        dir.path(),
        "kustomization.yaml",
        "configMapGenerator:\n- name: z\n  files: [/dev/zero]\n",
    );
    let run = krust(
        dir.path(),
        &["build", ".", "--load-restrictor", "LoadRestrictionsNone"],
        &[],
    );
    assert_refused(&run, "/dev/zero", 100);
}

#[test]
fn input_size_is_capped_by_flag_or_variable() {
    let dir = tempfile::tempdir().unwrap();
    let big = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: \"{}\"\n",
        "x".repeat(2 << 20)
    );
    write(dir.path(), "big.yaml", &big);
    write(dir.path(), "kustomization.yaml", "resources: [big.yaml]\n");
    let run = krust(
        dir.path(),
        &["build", ".", "--max-input-bytes", "1000000"],
        &[],
    );
    assert_refused(&run, "big.yaml", 100);
    assert!(run.stderr.contains("--max-input-bytes"), "{}", run.stderr);
    let run = krust(
        dir.path(),
        &["build", "."],
        &[("KRUST_MAX_INPUT_BYTES", "1000000")],
    );
    assert_refused(&run, "big.yaml", 100);
    let run = krust(dir.path(), &["build", "."], &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

// ---- Classic probes --------------------------------------------------------

/// Builds a tree whose only resource file `bad.yaml` holds `bytes`.
fn refused_resource(bytes: &[u8], max_mib: i64) -> Run {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.yaml", bytes);
    write(dir.path(), "kustomization.yaml", "resources: [bad.yaml]\n");
    let run = krust(dir.path(), &["build", "."], &[]);
    assert_refused(&run, "bad.yaml", max_mib);
    run
}

#[test]
fn kustomization_cycles_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/kustomization.yaml", "resources: [../b]\n");
    write(dir.path(), "b/kustomization.yaml", "resources: [../a]\n");
    let run = krust(&dir.path().join("a"), &["build", "."], &[]);
    assert_refused(&run, "kustomization", 100);
}

#[test]
fn deep_nesting_is_refused() {
    let flow = format!("a: {}", "[".repeat(100_000));
    refused_resource(flow.as_bytes(), 200);
    let mut block = String::new();
    for depth in 0..10_050 {
        block.push_str(&" ".repeat(depth));
        block.push_str("a:\n");
    }
    refused_resource(block.as_bytes(), 400);
}

#[test]
fn huge_scalars_hit_the_input_cap() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: h\ndata:\n  a: {}\n",
        "y".repeat(32 << 20)
    );
    write(dir.path(), "bad.yaml", text);
    write(dir.path(), "kustomization.yaml", "resources: [bad.yaml]\n");
    let run = krust(
        dir.path(),
        &["build", "."],
        &[("KRUST_MAX_INPUT_BYTES", "16777216")],
    );
    assert_refused(&run, "bad.yaml", 100);
}

#[test]
fn a_million_documents_fail_in_bounded_memory() {
    let text = "---\nkey: 1\n".repeat(1_000_000);
    refused_resource(text.as_bytes(), 1024);
}

#[test]
fn invalid_utf8_and_nul_are_refused() {
    refused_resource(
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \xff\xfe\n",
        100,
    );
    refused_resource(
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\0b\n",
        100,
    );
}
