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

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn no_files(path: &str) -> anyhow::Result<Vec<u8>> {
    anyhow::bail!("no file {path}")
}

fn entry(name: &str, literals: &[&str]) -> GeneratorArgs {
    GeneratorArgs {
        name: name.into(),
        literals: strings(literals),
        ..GeneratorArgs::default()
    }
}

#[test]
fn kustomization_entries_with_global_options() {
    // kubectl for:
    //   generatorOptions: {labels: {g: global, both: fromglobal},
    //                      annotations: {ga: "1"}, immutable: true}
    //   configMapGenerator:
    //   - {name: withns, namespace: myns, literals: [a=1],
    //      options: {labels: {both: fromlocal, l: local}, annotations: {la: x}}}
    //   secretGenerator:
    //   - {name: stype, type: kubernetes.io/tls, literals: [tls.crt=abc, tls.key=def],
    //      options: {disableNameSuffixHash: true}}
    // printed withns-h29d89cmmt (labels both: fromlocal, g: global, l: local;
    // annotations ga: "1", la: x; immutable: true) and stype (no suffix,
    // same global labels, immutable: true).
    let mut local = options(
        &[("both", "fromlocal"), ("l", "local")],
        &[("la", "x")],
        false,
    );
    local.disable_name_suffix_hash = false;
    let mut cm = entry("withns", &["a=1"]);
    cm.namespace = "myns".into();
    cm.options = Some(local);
    let mut secret = entry("stype", &["tls.crt=abc", "tls.key=def"]);
    secret.kind = "kubernetes.io/tls".into();
    secret.options = Some(GeneratorOptions {
        disable_name_suffix_hash: true,
        ..GeneratorOptions::default()
    });
    let k = Kustomization {
        generator_options: Some(options(
            &[("g", "global"), ("both", "fromglobal")],
            &[("ga", "1")],
            true,
        )),
        config_map_generator: vec![cm],
        secret_generator: vec![secret],
        ..Kustomization::default()
    };
    let out = generate_from_kustomization(&k, &no_files, None).unwrap();
    assert_eq!(out.len(), 2);
    let cm = out[0].resource.value();
    assert_eq!(
        cm.get_path(&["metadata", "labels"]),
        Some(&map(&[
            ("both", "fromlocal".into()),
            ("g", "global".into()),
            ("l", "local".into())
        ]))
    );
    assert_eq!(
        cm.get_path(&["metadata", "annotations"]),
        Some(&map(&[("ga", "1".into()), ("la", "x".into())]))
    );
    assert_eq!(cm.str_at(&["metadata", "namespace"]), Some("myns"));
    assert_eq!(cm.get("immutable"), Some(&Value::Bool(true)));
    assert!(out[0].needs_hash);
    assert_eq!(content_hash(&cm), "h29d89cmmt");
    let secret = out[1].resource.value();
    assert!(!out[1].needs_hash);
    assert_eq!(secret.str_at(&["type"]), Some("kubernetes.io/tls"));
    assert_eq!(
        secret.str_at(&["metadata", "labels", "both"]),
        Some("fromglobal")
    );
}

#[test]
fn configmaps_come_before_secrets() {
    let k = Kustomization {
        secret_generator: vec![entry("s", &[])],
        config_map_generator: vec![entry("c", &[])],
        ..Kustomization::default()
    };
    let out = generate_from_kustomization(&k, &no_files, None).unwrap();
    let kinds: Vec<&str> = out.iter().map(|g| g.resource.kind()).collect();
    assert_eq!(kinds, ["ConfigMap", "Secret"]);
}

#[test]
fn missing_name_is_checked_before_sources() {
    // kubectl (ConfigMap and Secret alike): a configmap must have a name
    let mut nameless = entry("", &["=bad"]);
    nameless.files = strings(&["missing.txt"]);
    for kind in [GeneratorKind::ConfigMap, GeneratorKind::Secret] {
        let config = GeneratorConfig::from_kustomization(kind, &nameless, None).unwrap();
        let err = generate(&config, &no_files, None).unwrap_err();
        assert_eq!(err.to_string(), "a configmap must have a name");
    }
}

#[test]
fn behaviors_and_hash_flags_are_reported() {
    let mut args = entry("c", &["a=1"]);
    args.behavior = "merge".into();
    let config =
        GeneratorConfig::from_kustomization(GeneratorKind::ConfigMap, &args, None).unwrap();
    let out = generate(&config, &no_files, None).unwrap();
    assert_eq!(out.behavior, Behavior::Merge);
    assert!(out.needs_hash);
    // kubectl accepted `behavior: bogus` as a plain create (c-h29d89cmmt).
    args.behavior = "bogus".into();
    let config =
        GeneratorConfig::from_kustomization(GeneratorKind::ConfigMap, &args, None).unwrap();
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

#[test]
fn run_and_absorb_in_order() {
    // configMapGenerator: [{name: a, literals: [x=1]},
    //                      {name: a, behavior: merge, literals: [y=2]}]
    // kubectl: one ConfigMap a-gc87g97b68 with data {x: "1", y: "2"}.
    let mut second = entry("a", &["y=2"]);
    second.behavior = "merge".into();
    let k = Kustomization {
        config_map_generator: vec![entry("a", &["x=1"]), second],
        ..Kustomization::default()
    };
    let mut items: Vec<GeneratedResource> = Vec::new();
    run_kustomization_generators(&k, &no_files, None, &mut items, |_| None, |g| g).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(content_hash(&items[0].resource.value()), "gc87g97b68");
    // A second `create` of the same name fails while merging.
    let k = Kustomization {
        config_map_generator: vec![entry("a", &["x=1"]), entry("a", &["y=2"])],
        ..Kustomization::default()
    };
    let mut items: Vec<GeneratedResource> = Vec::new();
    let err =
        run_kustomization_generators(&k, &no_files, None, &mut items, |_| None, |g| g).unwrap_err();
    assert_eq!(
        format!("{err:#}"),
        "merging from generator: id ConfigMap.v1.[noGrp]/a.[noNs] exists; behavior must be merge or replace"
    );
}
