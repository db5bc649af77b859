//! Property test: random ConfigMap and Secret generators, rendered by krust
//! and by `kubectl kustomize`, must give the same names (hash suffixes) and
//! the same bytes.
//!
//! The inputs come from a fixed-seed generator, so a failure is
//! reproducible; `KRUST_PROPERTY_SEED` picks another seed. Without kubectl
//! on PATH the test says so loudly and checks nothing (set
//! `KRUST_REQUIRE_KUBECTL=1` to make that a failure).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

mod common;

use common::Rng;

/// How many generators each run creates (half ConfigMaps, half Secrets).
const GENERATORS: usize = 200;

/// Pieces values are assembled from: the printer's and hasher's hard cases.
const PIECES: &[&str] = &[
    "a",
    "value",
    " ",
    "  ",
    "\n",
    "\"",
    "'",
    "\\",
    ": ",
    " #",
    "=",
    "yes",
    "on",
    "0x1F",
    "1e3",
    "2001-12-14",
    "null",
    "~",
    "é",
    "日本語",
    "🎉",
    "\u{a0}",
    "<&>",
    "-",
    "---",
    "{",
    "[",
    "|",
    ">",
    "%",
    "@",
    "`",
    "*",
    "!",
    "?",
    ",",
];

/// A key kustomize accepts for a literal: letters, digits, `-`, `_`, `.`.
/// It starts with `k`: kustomize itself fails on keys that read back as
/// numbers (`2`), so those are not a property to test.
fn random_key(rng: &mut Rng, taken: &[String]) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
    loop {
        let len = rng.below(12);
        let key: String = std::iter::once('k')
            .chain((0..len).map(|_| CHARS[rng.below(CHARS.len())] as char))
            .collect();
        if key != "." && key != ".." && !taken.contains(&key) {
            return key;
        }
    }
}

fn random_value(rng: &mut Rng) -> String {
    let parts = rng.below(8);
    let mut value: String = (0..parts).map(|_| rng.pick(PIECES)).collect();
    if rng.below(10) == 0 {
        // A long line of words, to reach the printer's folding.
        for _ in 0..20 {
            value.push_str(rng.pick(&["word ", "another ", "x "]));
        }
    }
    value
}

/// A JSON string literal (kustomization files are written as JSON, which is
/// YAML, so no YAML quoting rules get in the way of the values).
fn json(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// Writes a tree with one kustomization holding every generator; file
/// sources go into files beside it.
fn write_tree(dir: &Path, rng: &mut Rng) {
    let mut generators = [String::new(), String::new()];
    for i in 0..GENERATORS {
        let secret = i % 2 == 1;
        let mut literals = Vec::new();
        let mut files = Vec::new();
        let mut keys = Vec::new();
        for _ in 0..1 + rng.below(4) {
            let key = random_key(rng, &keys);
            keys.push(key.clone());
            let value = random_value(rng);
            if rng.below(3) == 0 {
                let file = format!("f{i}-{}.txt", keys.len());
                std::fs::write(dir.join(&file), &value).unwrap();
                files.push(json(&format!("{key}={file}")));
            } else {
                literals.push(json(&format!("{key}={value}")));
            }
        }
        let kind = if secret { 1 } else { 0 };
        let sep = if generators[kind].is_empty() {
            ""
        } else {
            ",\n"
        };
        let mut entry = format!(
            "{sep}    {{\"name\": \"gen-{i}\", \"literals\": [{}], \"files\": [{}]",
            literals.join(", "),
            files.join(", ")
        );
        if secret && rng.below(4) == 0 {
            entry.push_str(", \"type\": \"kubernetes.io/tls\"");
        }
        entry.push('}');
        generators[kind].push_str(&entry);
    }
    let mut k = String::from("{\n");
    let _ = writeln!(k, "  \"configMapGenerator\": [\n{}\n  ],", generators[0]);
    let _ = writeln!(k, "  \"secretGenerator\": [\n{}\n  ]", generators[1]);
    k.push_str("}\n");
    std::fs::write(dir.join("kustomization.yaml"), k).unwrap();
}

#[test]
fn random_generators_match_kubectl() {
    if !common::kubectl_available() {
        common::announce_kubectl_skip(
            "property test of random generators against `kubectl kustomize`",
        );
        return;
    }
    let seed = std::env::var("KRUST_PROPERTY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x6b72_7573_7421_u64);
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &mut rng);

    let expected = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir.path())
        .output()
        .unwrap();
    let actual = Command::new(env!("CARGO_BIN_EXE_krust"))
        .arg("build")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        expected.status.success(),
        "kubectl failed on seed {seed}: {}",
        String::from_utf8_lossy(&expected.stderr)
    );
    assert!(
        actual.status.success(),
        "krust failed on seed {seed}: {}",
        String::from_utf8_lossy(&actual.stderr)
    );
    let expected = String::from_utf8(expected.stdout).unwrap();
    let actual = String::from_utf8(actual.stdout).unwrap();
    let count = expected.matches("\nkind: ").count() + usize::from(expected.starts_with("kind: "));
    assert_eq!(count, GENERATORS, "expected one object per generator");
    if expected != actual {
        let diff = common::short_diff(expected.as_bytes(), actual.as_bytes());
        panic!("seed {seed}: krust differs from kubectl kustomize\n{diff}");
    }
}
