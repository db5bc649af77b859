//! Tests of the mapping from kustomization fields to builtins; generator
//! expectations were measured with `kubectl kustomize` (kustomize v5.5.0).

use super::*;
use crate::generate::tests::{entry, map, no_files, options};
use crate::generate::{absorb, content_hash, generate, GeneratedResource, GeneratorOptions};
use crate::yaml::Value;
use anyhow::Context;

/// Runs every ConfigMap and Secret generator of `k`, in kustomize's order.
fn generated(k: &Kustomization) -> Result<Vec<GeneratedResource>> {
    data_generators(k)?
        .iter()
        .map(|config| generate(config, &no_files, None))
        .collect()
}

/// Runs the generators of `k` and absorbs each result before the next one
/// runs, as the build does.
fn absorb_all(k: &Kustomization, items: &mut Vec<GeneratedResource>) -> Result<()> {
    for config in data_generators(k)? {
        let generated = generate(&config, &no_files, None)?;
        absorb(items, generated, |g| g).context("merging from generator")?;
    }
    Ok(())
}

/// The transformers one field function makes for `k`, with default field
/// specs.
fn made_by(field: fn(&Fields) -> Result<Transformers>, k: &Kustomization) -> usize {
    let tc = TransformerConfig::defaults();
    let files = PatchFiles::new(crate::load::Loader::default(), Path::new("."));
    let fields = Fields {
        k,
        tc: &tc,
        files: &files,
    };
    field(&fields).unwrap().len()
}

#[test]
fn empty_fields_make_no_transformer() {
    let empty = Kustomization::default();
    let named = Kustomization {
        namespace: "ns".into(),
        name_prefix: "p-".into(),
        name_suffix: "-s".into(),
        common_annotations: [("a".to_string(), "1".to_string())].into_iter().collect(),
        ..Kustomization::default()
    };
    let fields: [fn(&Fields) -> Result<Transformers>; 4] =
        [namespace, name_prefix, name_suffix, common_annotations];
    for field in fields {
        assert_eq!(made_by(field, &empty), 0);
        assert_eq!(made_by(field, &named), 1);
    }
}

#[test]
fn affixes_need_configured_field_specs() {
    // kustomize passes the configured specs with `omitempty`: an empty list
    // reaches the affix transformers as a missing one.
    let err = configured_specs(&[]).unwrap_err();
    assert_eq!(err.to_string(), NIL_FIELD_SPECS);
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
    let out = generated(&k).unwrap();
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
    let out = generated(&k).unwrap();
    let kinds: Vec<&str> = out.iter().map(|g| g.resource.kind()).collect();
    assert_eq!(kinds, ["ConfigMap", "Secret"]);
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
    absorb_all(&k, &mut items).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(content_hash(&items[0].resource.value()), "gc87g97b68");
    // A second `create` of the same name fails while merging.
    let k = Kustomization {
        config_map_generator: vec![entry("a", &["x=1"]), entry("a", &["y=2"])],
        ..Kustomization::default()
    };
    let mut items: Vec<GeneratedResource> = Vec::new();
    let err = absorb_all(&k, &mut items).unwrap_err();
    assert_eq!(
        format!("{err:#}"),
        "merging from generator: id ConfigMap.v1.[noGrp]/a.[noNs] exists; behavior must be merge or replace"
    );
}
