//! Differential test over the kustomization surface: random trees (a base,
//! sometimes an overlay and a component) mixing resources with awkward
//! scalars, name prefixes and suffixes, namespaces, labels, annotations,
//! images, replicas, generators, patches of every kind and replacements,
//! each built by krust and by `kubectl kustomize`.
//!
//! A case agrees when both print the same bytes or both fail. The run
//! prints its counts and fails on any disagreement.
//!
//! `KRUST_FUZZ_CASES=N` sets the number of cases (default 24, kept small for
//! CI), `KRUST_FUZZ_SEED` the seed (fixed by default, so a failure is
//! reproducible), `KRUST_FUZZ_KEEP=DIR` keeps the disagreeing trees. Without
//! kubectl the test prints a SKIPPED line and checks nothing.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

mod common;

use common::Rng;

/// Scalars as written in YAML: plain, quoted, and the spellings whose
/// resolution differs between readers.
const SCALARS: &[&str] = &[
    "a",
    "web",
    "'1'",
    "\"2\"",
    "3",
    "'x y'",
    "true",
    "'true'",
    "\"on\"",
    "v1.2",
    "'0123'",
    "\"1.20\"",
    "x:y",
    "'~'",
    "''",
    "hello world",
    "'#x'",
    "\"a\\tb\"",
];

/// Scalars that only differ in their source text (kept apart: the known
/// difference of docs/compatibility.md).
const TEXT_SCALARS: &[&str] = &["0123", "0x1F", "1.0", "~", "-0.0", "1e3", "True", "1.20"];

/// Values a kustomization's string maps accept (kustomize refuses numbers
/// and booleans there).
const STRINGS: &[&str] = &[
    "a", "'1'", "\"2\"", "'x y'", "'true'", "v1.2", "'0123'", "x:y", "''",
];

fn scalar(rng: &mut Rng, awkward: bool) -> &'static str {
    if awkward && rng.chance(6) {
        rng.pick(TEXT_SCALARS)
    } else {
        rng.pick(SCALARS)
    }
}

fn config_map(rng: &mut Rng, name: &str, awkward: bool) -> String {
    let mut out = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n");
    if rng.chance(2) {
        let _ = writeln!(out, "  annotations:\n    note: {}", scalar(rng, awkward));
    }
    out.push_str("data:\n");
    for i in 0..1 + rng.below(3) {
        let _ = writeln!(out, "  k{i}: {}", scalar(rng, awkward));
    }
    out
}

fn deployment(rng: &mut Rng, name: &str) -> String {
    let image = rng.pick(&[
        "nginx",
        "nginx:1.25",
        "postgres:16.2",
        "reg.io/app@sha256:abc",
    ]);
    let mut out = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\nspec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: main\n        image: {image}\n",
        rng.below(4)
    );
    if rng.chance(2) {
        out.push_str("        env:\n        - name: CFG\n          valueFrom:\n            configMapKeyRef:\n              name: cm\n              key: k0\n");
    }
    out
}

fn service(name: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: api\n  ports:\n  - port: 80\n")
}

/// The fields of one kustomization, each present by chance.
fn kustomization_fields(rng: &mut Rng, out: &mut String) {
    if rng.chance(3) {
        let _ = writeln!(out, "namePrefix: {}", rng.pick(&["p-", "x", "'1-'"]));
    }
    if rng.chance(4) {
        let _ = writeln!(out, "nameSuffix: {}", rng.pick(&["-s", "-2"]));
    }
    if rng.chance(3) {
        let _ = writeln!(out, "namespace: {}", rng.pick(&["prod", "team-a"]));
    }
    if rng.chance(3) {
        let _ = writeln!(out, "commonLabels:\n  env: {}", rng.pick(STRINGS));
    }
    if rng.chance(3) {
        let _ = writeln!(
            out,
            "labels:\n- pairs:\n    tier: {}\n  includeSelectors: {}",
            rng.pick(STRINGS),
            rng.pick(&["true", "false"])
        );
    }
    if rng.chance(3) {
        let _ = writeln!(out, "commonAnnotations:\n  owner: {}", rng.pick(STRINGS));
    }
    if rng.chance(3) {
        let _ = writeln!(
            out,
            "images:\n- name: {}\n  newTag: {}",
            rng.pick(&["nginx", "postgres"]),
            rng.pick(&["'2.0'", "latest", "\"1.20\""])
        );
    }
    if rng.chance(4) {
        let _ = writeln!(out, "replicas:\n- name: api\n  count: {}", rng.below(5));
    }
    if rng.chance(3) {
        let _ = writeln!(
            out,
            "configMapGenerator:\n- name: gen{}\n  literals:\n  - a={}\n  - b=x",
            rng.below(1000),
            rng.pick(&["1", "x", "true"])
        );
    }
}

/// A patch of one of kustomize's kinds, or nothing.
fn patches(rng: &mut Rng, awkward: bool, out: &mut String) {
    let mut entries = Vec::new();
    for _ in 0..rng.below(3) {
        let entry = match rng.below(4) {
            0 => format!(
                "- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: cm\n    data:\n      k0: {}\n      extra: {}",
                scalar(rng, awkward),
                scalar(rng, false)
            ),
            1 => format!(
                "- target: {{kind: ConfigMap}}\n  patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: any\n      labels:\n        patched: {}",
                scalar(rng, false)
            ),
            2 => format!(
                "- target: {{kind: Deployment}}\n  patch: '[{{\"op\": \"{}\", \"path\": \"/spec/replicas\", \"value\": {}}}]'",
                rng.pick(&["add", "replace"]),
                rng.below(9)
            ),
            _ => "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: api\n    spec:\n      template:\n        spec:\n          containers:\n          - name: side\n            image: busybox"
                .to_string(),
        };
        entries.push(entry);
    }
    if !entries.is_empty() {
        let _ = writeln!(out, "patches:\n{}", entries.join("\n"));
    }
}

fn replacements(rng: &mut Rng, out: &mut String) {
    if !rng.chance(3) {
        return;
    }
    let (source, options) = match rng.below(3) {
        0 => ("{kind: ConfigMap, name: cm, fieldPath: data.k0}", ""),
        1 => ("{kind: Deployment, fieldPath: metadata.name}", ""),
        _ => (
            "{kind: Deployment, fieldPath: 'spec.template.spec.containers.[name=main].image'}",
            "\n    options: {delimiter: ':', index: 1}",
        ),
    };
    let _ = writeln!(
        out,
        "replacements:\n- source: {source}\n  targets:\n  - select: {{kind: {}}}\n    fieldPaths: [{}]{options}",
        rng.pick(&["Deployment", "ConfigMap"]),
        rng.pick(&["metadata.annotations.copied", "metadata.labels.copied"])
    );
    if rng.chance(2) {
        out.push_str("    options: {create: true}\n");
    }
}

/// Writes one random tree under `dir`; returns the directory to build.
fn write_case(dir: &Path, rng: &mut Rng) -> std::path::PathBuf {
    let awkward = rng.chance(2);
    let base = dir.join("base");
    std::fs::create_dir_all(&base).unwrap();
    let mut docs = vec![config_map(rng, "cm", awkward)];
    if rng.chance(4) {
        docs.push(deployment(rng, "api"));
    } else {
        docs.insert(0, deployment(rng, "api"));
    }
    if rng.chance(2) {
        docs.push(service("svc"));
    }
    std::fs::write(base.join("resources.yaml"), docs.join("---\n")).unwrap();
    let mut k = String::from("resources:\n- resources.yaml\n");
    kustomization_fields(rng, &mut k);
    patches(rng, awkward, &mut k);
    replacements(rng, &mut k);
    std::fs::write(base.join("kustomization.yaml"), k).unwrap();
    if !rng.chance(2) {
        return base;
    }
    let overlay = dir.join("overlay");
    std::fs::create_dir_all(&overlay).unwrap();
    let mut k = String::from("resources:\n- ../base\n");
    if rng.chance(2) {
        let component = dir.join("component");
        std::fs::create_dir_all(&component).unwrap();
        let mut c = String::from("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n");
        kustomization_fields(rng, &mut c);
        std::fs::write(component.join("kustomization.yaml"), c).unwrap();
        k.push_str("components:\n- ../component\n");
    }
    kustomization_fields(rng, &mut k);
    patches(rng, awkward, &mut k);
    std::fs::write(overlay.join("kustomization.yaml"), k).unwrap();
    overlay
}

/// How one case came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Identical,
    BothFail,
    Differ,
    KrustOnly,
    KubectlOnly,
}

fn run_case(dir: &Path) -> Outcome {
    let kubectl = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .unwrap();
    let krust = Command::new(env!("CARGO_BIN_EXE_krust"))
        .arg("build")
        .arg(dir)
        .output()
        .unwrap();
    match (kubectl.status.success(), krust.status.success()) {
        (true, true) if kubectl.stdout == krust.stdout => Outcome::Identical,
        (true, true) => Outcome::Differ,
        (false, false) => Outcome::BothFail,
        (false, true) => Outcome::KrustOnly,
        (true, false) => Outcome::KubectlOnly,
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_kustomizations_match_kubectl() {
    if !common::kubectl_available() {
        common::announce_kubectl_skip("differential fuzz of random kustomizations");
        return;
    }
    let cases = env_number("KRUST_FUZZ_CASES", 24);
    let seed = env_number("KRUST_FUZZ_SEED", 0x6b75_7374_6f6d_697a);
    let keep = std::env::var_os("KRUST_FUZZ_KEEP").map(std::path::PathBuf::from);
    let mut counts = std::collections::BTreeMap::new();
    let mut failures = Vec::new();
    for case in 0..cases {
        let mut rng = Rng(seed ^ (case + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let dir = tempfile::tempdir().unwrap();
        let build = write_case(dir.path(), &mut rng);
        let outcome = run_case(&build);
        *counts.entry(format!("{outcome:?}")).or_insert(0u64) += 1;
        if !matches!(outcome, Outcome::Identical | Outcome::BothFail) {
            failures.push(format!("case {case} ({outcome:?})"));
            if let Some(keep) = &keep {
                let target = keep.join(format!("case-{case}"));
                let _ = Command::new("cp")
                    .arg("-r")
                    .arg(dir.path())
                    .arg(&target)
                    .status();
            }
        }
    }
    let agreed = counts.get("Identical").unwrap_or(&0) + counts.get("BothFail").unwrap_or(&0);
    println!(
        "kustomization fuzz: seed {seed:#x}, {cases} cases, {agreed} agree ({:.1}%): {counts:?}",
        100.0 * agreed as f64 / cases.max(1) as f64
    );
    assert!(
        !counts.contains_key("KrustOnly"),
        "krust builds where kustomize fails: {failures:?}"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements: {failures:?}",
        failures.len()
    );
}
