//! Tests of absorbing generated objects. Every scenario was run through
//! `kubectl kustomize` (kustomize v5.5.0); its output is quoted.

use super::*;
use crate::generate::spec::{GeneratorConfig, GeneratorKind};
use crate::generate::tests::{map, options};
use crate::generate::GeneratorOptions;
use crate::generate::{content_hash, generate};

/// An accumulated entry that also answers to its name before a prefix, as
/// the build's entries do.
struct Entry {
    resource: Resource,
    needs_hash: bool,
    previous_names: Vec<String>,
}

impl AbsorbTarget for Entry {
    fn resource(&self) -> &Resource {
        &self.resource
    }
    fn needs_hash(&self) -> bool {
        self.needs_hash
    }
    fn answers_to(&self, id: &ResId) -> bool {
        let current = self.resource.id();
        current.same_object(id)
            || self.previous_names.iter().any(|name| {
                ResId::new(current.gvk.clone(), name, &current.namespace).same_object(id)
            })
    }
    fn replace_object(&mut self, resource: Resource, needs_hash: bool) {
        self.resource = resource;
        self.needs_hash = needs_hash;
    }
}

fn generated(
    kind: GeneratorKind,
    name: &str,
    behavior: Behavior,
    literals: &[&str],
    options: GeneratorOptions,
) -> GeneratedResource {
    let config = GeneratorConfig {
        kind,
        name: name.into(),
        behavior,
        literals: literals.iter().map(|s| s.to_string()).collect(),
        options,
        ..GeneratorConfig::default()
    };
    let no_files = |_: &str| -> anyhow::Result<Vec<u8>> { anyhow::bail!("no files") };
    generate(&config, &no_files, None).unwrap()
}

/// A base entry generated as `name`, then renamed with prefix `p-`.
fn prefixed_base(g: GeneratedResource) -> Entry {
    let name = g.resource.name().to_string();
    let mut resource = g.resource;
    resource.set_name(&format!("p-{name}"));
    Entry {
        resource,
        needs_hash: g.needs_hash,
        previous_names: vec![name],
    }
}

fn wrap(g: GeneratedResource) -> Entry {
    Entry {
        resource: g.resource,
        needs_hash: g.needs_hash,
        previous_names: Vec::new(),
    }
}

#[test]
fn merge_into_prefixed_base_configmap() {
    // base: namePrefix p-; cm literals [a=1, b=2], labels {bl: base, both: base},
    //       annotations {ba: base}, immutable
    // overlay: cm behavior merge, literals [b=3, c=4], labels {ol: ov, both: ov}
    // kubectl: data {a: "1", b: "3", c: "4"}, annotations {ba: base},
    //          labels {bl: base, both: ov, ol: ov}, name p-cm-fbcmkbc66h, no immutable
    let base_opts = options(&[("bl", "base"), ("both", "base")], &[("ba", "base")], true);
    let base = generated(
        GeneratorKind::ConfigMap,
        "cm",
        Behavior::Unspecified,
        &["a=1", "b=2"],
        base_opts,
    );
    let mut items = vec![prefixed_base(base)];
    let overlay_opts = options(&[("ol", "ov"), ("both", "ov")], &[], false);
    let overlay = generated(
        GeneratorKind::ConfigMap,
        "cm",
        Behavior::Merge,
        &["b=3", "c=4"],
        overlay_opts,
    );
    absorb(&mut items, overlay, wrap).unwrap();
    assert_eq!(items.len(), 1);
    let value = items[0].resource.value();
    assert_eq!(
        value.get("data"),
        Some(&map(&[
            ("a", "1".into()),
            ("b", "3".into()),
            ("c", "4".into())
        ]))
    );
    assert_eq!(
        value.get_path(&["metadata", "labels"]),
        Some(&map(&[
            ("bl", "base".into()),
            ("both", "ov".into()),
            ("ol", "ov".into())
        ]))
    );
    assert_eq!(
        value.get_path(&["metadata", "annotations"]),
        Some(&map(&[("ba", "base".into())]))
    );
    assert_eq!(items[0].resource.name(), "p-cm");
    assert!(value.get("immutable").is_none());
    assert!(items[0].needs_hash);
    assert_eq!(content_hash(&value), "fbcmkbc66h");
    // The entry keeps its own history.
    assert_eq!(items[0].previous_names, ["cm"]);
}

#[test]
fn replace_takes_generated_content_and_type() {
    // base: secret sec, type kubernetes.io/tls, literals [tls.crt=1, tls.key=2]
    // overlay: secret sec, behavior replace, literals [new=1]
    // kubectl: data {new: MQ==}, name p-sec-6ctt7b6t66, type Opaque
    let mut base = generated(
        GeneratorKind::Secret,
        "sec",
        Behavior::Unspecified,
        &["tls.crt=1", "tls.key=2"],
        GeneratorOptions::default(),
    );
    base.resource
        .map_mut()
        .insert("type".into(), "kubernetes.io/tls".into());
    let mut items = vec![prefixed_base(base)];
    let overlay = generated(
        GeneratorKind::Secret,
        "sec",
        Behavior::Replace,
        &["new=1"],
        GeneratorOptions::default(),
    );
    absorb(&mut items, overlay, wrap).unwrap();
    let value = items[0].resource.value();
    assert_eq!(value.get("data"), Some(&map(&[("new", "MQ==".into())])));
    assert_eq!(value.str_at(&["type"]), Some("Opaque"));
    assert_eq!(items[0].resource.name(), "p-sec");
    assert_eq!(content_hash(&value), "6ctt7b6t66");
}

#[test]
fn hash_suffix_needs_both_sides() {
    let no_hash = GeneratorOptions {
        disable_name_suffix_hash: true,
        ..GeneratorOptions::default()
    };
    // base nohash (disableNameSuffixHash) + overlay merge [y=2]
    // kubectl: p-nohash, data {x: MQ==, y: Mg==}
    let base = generated(
        GeneratorKind::Secret,
        "nohash",
        Behavior::Unspecified,
        &["x=1"],
        no_hash.clone(),
    );
    let mut items = vec![prefixed_base(base)];
    let overlay = generated(
        GeneratorKind::Secret,
        "nohash",
        Behavior::Merge,
        &["y=2"],
        GeneratorOptions::default(),
    );
    absorb(&mut items, overlay, wrap).unwrap();
    assert!(!items[0].needs_hash);
    assert_eq!(
        items[0].resource.value().get("data"),
        Some(&map(&[("x", "MQ==".into()), ("y", "Mg==".into())]))
    );
    // base gen (hashed) + overlay merge [b=2] with disableNameSuffixHash
    // kubectl: gen, data {a: "1", b: "2"}
    let base = generated(
        GeneratorKind::ConfigMap,
        "gen",
        Behavior::Unspecified,
        &["a=1"],
        GeneratorOptions::default(),
    );
    let mut items = vec![wrap(base)];
    let overlay = generated(
        GeneratorKind::ConfigMap,
        "gen",
        Behavior::Merge,
        &["b=2"],
        no_hash,
    );
    absorb(&mut items, overlay, wrap).unwrap();
    assert!(!items[0].needs_hash);
}

#[test]
fn merge_into_a_plain_resource() {
    // base resource: ConfigMap plain, labels {x: "1"}, data {n: 5, keep: "yes"},
    //                binaryData {bin: AAE=}, immutable: true
    // overlay: cm plain, behavior merge, literals [c=3]
    // kubectl: binaryData {bin: AAE=}, data {c: "3", keep: "yes", n: "5"},
    //          labels {x: "1"}, name plain (no suffix, no immutable)
    let plain = map(&[
        ("apiVersion", "v1".into()),
        ("kind", "ConfigMap".into()),
        (
            "metadata",
            map(&[
                ("name", "plain".into()),
                ("labels", map(&[("x", "1".into())])),
            ]),
        ),
        ("data", map(&[("n", Value::Int(5)), ("keep", "yes".into())])),
        ("binaryData", map(&[("bin", "AAE=".into())])),
        ("immutable", Value::Bool(true)),
    ]);
    let mut items = vec![Entry {
        resource: Resource::new(plain, None),
        needs_hash: false,
        previous_names: Vec::new(),
    }];
    let overlay = generated(
        GeneratorKind::ConfigMap,
        "plain",
        Behavior::Merge,
        &["c=3"],
        GeneratorOptions::default(),
    );
    absorb(&mut items, overlay, wrap).unwrap();
    let value = items[0].resource.value();
    assert_eq!(
        value.get("data"),
        Some(&map(&[
            ("n", "5".into()),
            ("keep", "yes".into()),
            ("c", "3".into())
        ]))
    );
    assert_eq!(
        value.get("binaryData"),
        Some(&map(&[("bin", "AAE=".into())]))
    );
    assert_eq!(value.str_at(&["metadata", "labels", "x"]), Some("1"));
    assert!(value.get("immutable").is_none());
    assert!(!items[0].needs_hash);
}

#[test]
fn default_namespace_matches_no_namespace() {
    // configMapGenerator: a [x=1]; a in namespace default, merge [y=2];
    //                     a in namespace other [z=3]
    // kubectl: a-gc87g97b68 (no namespace, data x, y) and a-df5m6gdtmt in other
    let mut items: Vec<GeneratedResource> = Vec::new();
    let first = generated(
        GeneratorKind::ConfigMap,
        "a",
        Behavior::Unspecified,
        &["x=1"],
        GeneratorOptions::default(),
    );
    absorb(&mut items, first, |g| g).unwrap();
    let mut second = generated(
        GeneratorKind::ConfigMap,
        "a",
        Behavior::Merge,
        &["y=2"],
        GeneratorOptions::default(),
    );
    second.resource.set_namespace("default");
    absorb(&mut items, second, |g| g).unwrap();
    let mut third = generated(
        GeneratorKind::ConfigMap,
        "a",
        Behavior::Unspecified,
        &["z=3"],
        GeneratorOptions::default(),
    );
    third.resource.set_namespace("other");
    absorb(&mut items, third, |g| g).unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].resource.namespace(), "");
    assert_eq!(content_hash(&items[0].resource.value()), "gc87g97b68");
    assert_eq!(items[1].resource.namespace(), "other");
    assert_eq!(content_hash(&items[1].resource.value()), "df5m6gdtmt");
}

#[test]
fn behavior_errors() {
    let cm = |behavior| {
        generated(
            GeneratorKind::ConfigMap,
            "c",
            behavior,
            &["a=1"],
            GeneratorOptions::default(),
        )
    };
    let mut items: Vec<GeneratedResource> = Vec::new();
    // kubectl: id ...Name:"c"... does not exist; cannot merge or replace
    for behavior in [Behavior::Merge, Behavior::Replace] {
        let err = absorb(&mut items, cm(behavior), |g| g).unwrap_err();
        assert_eq!(
            err.to_string(),
            "id ConfigMap.v1.[noGrp]/c.[noNs] does not exist; cannot merge or replace"
        );
    }
    absorb(&mut items, cm(Behavior::Unspecified), |g| g).unwrap();
    // kubectl: id ...Name:"plain"... exists; behavior must be merge or replace
    for behavior in [Behavior::Create, Behavior::Unspecified] {
        let err = absorb(&mut items, cm(behavior), |g| g).unwrap_err();
        assert_eq!(
            err.to_string(),
            "id ConfigMap.v1.[noGrp]/c.[noNs] exists; behavior must be merge or replace"
        );
    }
    // Two entries answering to one id cannot take a merge.
    items.push(cm(Behavior::Unspecified));
    let err = absorb(&mut items, cm(Behavior::Merge), |g| g).unwrap_err();
    assert!(err.to_string().starts_with("found multiple objects"));
}

#[test]
fn build_annotations_come_from_the_old_side_only() {
    let old = map(&[
        ("apiVersion", "v1".into()),
        ("kind", "ConfigMap".into()),
        (
            "metadata",
            map(&[
                ("name", "c".into()),
                (
                    "annotations",
                    map(&[("internal.config.kubernetes.io/previousNames", "x".into())]),
                ),
            ]),
        ),
    ]);
    let opts = options(
        &[],
        &[("config.kubernetes.io/path", "new.yaml"), ("keep", "y")],
        false,
    );
    let new = generated(GeneratorKind::ConfigMap, "c", Behavior::Replace, &[], opts);
    let (merged, needs_hash) = combine(&Resource::new(old, None), true, new);
    assert!(needs_hash);
    assert_eq!(
        merged.value().get_path(&["metadata", "annotations"]),
        Some(&map(&[
            ("internal.config.kubernetes.io/previousNames", "x".into()),
            ("keep", "y".into())
        ]))
    );
}

#[test]
fn merge_keeps_the_old_origin_and_replace_takes_the_new_one() {
    use crate::resource::{ConfiguredBy, Origin};
    use std::sync::Arc;
    let origin = |file: &str| {
        Arc::new(Origin::configured(
            file.to_string(),
            ConfiguredBy::builtin("ConfigMapGenerator"),
        ))
    };
    let (base_origin, overlay_origin) = (origin("../base/kustomization.yaml"), origin("k.yaml"));
    for (behavior, want) in [
        (Behavior::Merge, &base_origin),
        (Behavior::Replace, &overlay_origin),
    ] {
        let mut base = generated(
            GeneratorKind::ConfigMap,
            "bob",
            Behavior::Unspecified,
            &["a=1"],
            GeneratorOptions::default(),
        );
        base.resource.set_origin(base_origin.clone());
        base.resource.state.transformations.push(origin("t.yaml"));
        let mut overlay = generated(
            GeneratorKind::ConfigMap,
            "bob",
            behavior,
            &["b=2"],
            GeneratorOptions::default(),
        );
        overlay.resource.set_origin(overlay_origin.clone());
        let (combined, _) = combine(&base.resource, true, overlay);
        assert_eq!(combined.origin(), Some(want), "{behavior:?}");
        assert_eq!(combined.transformations().len(), 1);
    }
}
