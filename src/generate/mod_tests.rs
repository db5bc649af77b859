//! End-to-end generator tests and helpers shared by the module's tests.
//! Expectations were measured with `kubectl kustomize` (kustomize v5.5.0).

use super::*;
use crate::generate::GeneratorArgs;
use crate::kustomization::StringMap;

/// A mapping value from `(key, value)` pairs.
pub(crate) fn map(pairs: &[(&str, Value)]) -> Value {
    Value::Map(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn string_map(pairs: &[(&str, &str)]) -> StringMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Generator options with the given labels, annotations and immutability.
pub(crate) fn options(
    labels: &[(&str, &str)],
    annotations: &[(&str, &str)],
    immutable: bool,
) -> GeneratorOptions {
    GeneratorOptions {
        labels: string_map(labels),
        annotations: string_map(annotations),
        immutable,
        ..GeneratorOptions::default()
    }
}

pub(crate) fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

pub(crate) fn no_files(path: &str) -> anyhow::Result<Vec<u8>> {
    anyhow::bail!("no file {path}")
}

pub(crate) fn entry(name: &str, literals: &[&str]) -> GeneratorArgs {
    GeneratorArgs {
        name: name.into(),
        literals: strings(literals),
        ..GeneratorArgs::default()
    }
}

#[test]
fn missing_name_is_checked_before_sources() {
    // kubectl (ConfigMap and Secret alike): a configmap must have a name
    let mut nameless = entry("", &["=bad"]);
    nameless.files = strings(&["missing.txt"]);
    for kind in [GeneratorKind::ConfigMap, GeneratorKind::Secret] {
        let config = GeneratorConfig::from_args(kind, &nameless, None).unwrap();
        let err = generate(&config, &no_files, None).unwrap_err();
        assert_eq!(err.to_string(), "a configmap must have a name");
    }
}

#[test]
fn behaviors_and_hash_flags_are_reported() {
    let mut args = entry("c", &["a=1"]);
    args.behavior = "merge".into();
    let config = GeneratorConfig::from_args(GeneratorKind::ConfigMap, &args, None).unwrap();
    let out = generate(&config, &no_files, None).unwrap();
    assert_eq!(out.behavior, Behavior::Merge);
    assert!(out.needs_hash);
    // kubectl accepted `behavior: bogus` as a plain create (c-h29d89cmmt).
    args.behavior = "bogus".into();
    let config = GeneratorConfig::from_args(GeneratorKind::ConfigMap, &args, None).unwrap();
    assert_eq!(config.behavior, Behavior::Unspecified);
}

#[test]
fn duplicate_keys_across_sources() {
    // kubectl: configmap s illegally repeats the key `A` (env A=1 + literal A=1)
    let config = GeneratorConfig {
        kind: GeneratorKind::Secret,
        name: "s".into(),
        literals: strings(&["A=1"]),
        envs: strings(&["a.env"]),
        ..GeneratorConfig::default()
    };
    let loader = |_: &str| -> anyhow::Result<Vec<u8>> { Ok(b"A=1\n".to_vec()) };
    let err = generate(&config, &loader, None).unwrap_err();
    assert_eq!(err.to_string(), "configmap s illegally repeats the key `A`");
}

#[test]
fn disk_loader_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.env"),
        "DB_USERNAME=admin\nDB_PASSWORD=qwerty\n",
    )
    .unwrap();
    let config = GeneratorConfig {
        kind: GeneratorKind::Secret,
        name: "envSecret".into(),
        envs: strings(&["app.env"]),
        ..GeneratorConfig::default()
    };
    let loader = DiskLoader::new(dir.path(), true).unwrap();
    let out = generate(&config, &loader, None).unwrap();
    let value = out.resource.value();
    let data = value.get("data").unwrap();
    assert_eq!(
        data,
        &map(&[
            ("DB_PASSWORD", "cXdlcnR5".into()),
            ("DB_USERNAME", "YWRtaW4=".into())
        ])
    );
}
