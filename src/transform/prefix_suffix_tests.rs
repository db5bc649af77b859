use super::*;
use crate::kustomization::Kustomization;
use serde_json::json;

fn list(docs: serde_json::Value) -> ResourceList {
    let mut l = ResourceList::new();
    for d in docs.as_array().unwrap() {
        l.push(Resource::new(Value::from(d), None)).unwrap();
    }
    l
}

fn names(l: &ResourceList) -> Vec<&str> {
    l.iter().map(Resource::name).collect()
}

fn kustomization(prefix: &str, suffix: &str) -> Kustomization {
    Kustomization {
        name_prefix: prefix.into(),
        name_suffix: suffix.into(),
        ..Kustomization::default()
    }
}

fn run_kustomization(k: &Kustomization, l: &mut ResourceList) {
    for t in crate::build::builtins::of_kustomization(k).unwrap() {
        crate::transform::apply_alone(t.as_ref(), l).unwrap();
    }
}

#[test]
fn renames_and_records_state() {
    let mut l = list(json!([
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}},
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}},
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "crd"}},
        {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": "api"}},
        {"apiVersion": "example.com/v1", "kind": "APIService", "metadata": {"name": "other"}},
    ]));
    run_kustomization(&kustomization("p-", "-s"), &mut l);
    assert_eq!(names(&l), ["p-cm-s", "ns", "crd", "api", "p-other-s"]);
    let cm = &l.as_slice()[0];
    assert_eq!(cm.state.prefixes, ["p-"]);
    assert_eq!(cm.state.suffixes, ["-s"]);
    let previous: Vec<&str> = cm.state.previous_ids.iter().map(|id| id.name()).collect();
    assert_eq!(previous, ["cm", "p-cm"]);
    assert!(l.as_slice()[1].state.previous_ids.is_empty());
}

#[test]
fn plugin_form_needs_field_specs() {
    let ok: PrefixSuffixTransformer = serde_json::from_value(json!({
        "apiVersion": "builtin", "kind": "PrefixSuffixTransformer",
        "prefix": "a-", "suffix": 1, "fieldSpecs": [{"path": "metadata/name"}]
    }))
    .unwrap();
    assert_eq!(ok.suffix, "1");
    assert_eq!(ok.field_specs, vec![FieldSpec::new("metadata/name", false)]);
    let empty: PrefixTransformer =
        serde_json::from_value(json!({"prefix": "a-", "fieldSpecs": []})).unwrap();
    assert!(empty.field_specs.is_empty());
    for missing in [
        json!({"suffix": "x"}),
        json!({"suffix": "x", "fieldSpecs": null}),
    ] {
        let err = serde_json::from_value::<SuffixTransformer>(missing).unwrap_err();
        assert_eq!(err.to_string(), NIL_FIELD_SPECS);
    }
}

#[test]
fn prefix_suffix_runs_prefix_pass_first_on_custom_fields() {
    let mut l = list(json!([
        {"apiVersion": "v1", "kind": "Thing", "metadata": {"name": "t"}, "spec": {"ref": 5}},
    ]));
    let t = PrefixSuffixTransformer {
        prefix: "a-".into(),
        suffix: "-z".into(),
        field_specs: vec![
            FieldSpec::new("metadata/name", false),
            FieldSpec {
                kind: "Thing".into(),
                ..FieldSpec::new("spec/ref", false)
            },
            FieldSpec::new("spec/created", true),
        ],
    };
    crate::transform::apply_alone(&t, &mut l).unwrap();
    let v = l.as_slice()[0].value();
    assert_eq!(v.str_at(&["metadata", "name"]), Some("a-t-z"));
    assert_eq!(v.str_at(&["spec", "ref"]), Some("a-5-z"));
    assert_eq!(v.str_at(&["spec", "created"]), Some("a--z"));
}

#[test]
fn original_kind_decides_selection() {
    let mut l = list(json!([
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}},
    ]));
    run_kustomization(&kustomization("p-", ""), &mut l);
    // Pretend a later step changed the kind: the original one still counts.
    l.items_mut()[0]
        .map_mut()
        .insert("kind".into(), "Namespace".into());
    run_kustomization(&kustomization("q-", ""), &mut l);
    assert_eq!(names(&l), ["q-p-cm"]);
}
