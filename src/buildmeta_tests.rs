use super::*;
use crate::resource::Resource;
use crate::yaml::Value;

fn kustomization(json: serde_json::Value) -> Kustomization {
    serde_json::from_value(json).unwrap()
}

fn loaded(json: serde_json::Value) -> LoadedKustomization {
    let mut k = LoadedKustomization {
        dir: "/k/overlay".into(),
        file: "/k/overlay/kustomization.yaml".into(),
        kustomization: kustomization(json),
        warnings: Vec::new(),
        origin: OriginScope::untracked(),
        remote: None,
    };
    start_tracking(&mut k);
    k
}

fn one_service() -> ResourceList {
    let value = Value::from(&serde_json::json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}
    }));
    let mut list = ResourceList::new();
    list.push(Resource::new(value, None)).unwrap();
    list
}

#[test]
fn options_come_from_the_field_and_the_flag() {
    let k = kustomization(serde_json::json!({"buildMetadata": ["originAnnotations"]}));
    let meta = BuildMetadata::new(&k, false);
    assert!(meta.origin_annotations && !meta.transformer_annotations);
    assert!(!meta.managed_by_label);
    assert!(BuildMetadata::new(&k, true).managed_by_label);
    let k = kustomization(serde_json::json!({"buildMetadata": ["managedByLabel"]}));
    assert!(BuildMetadata::new(&k, false).managed_by_label);
}

#[test]
fn any_entry_turns_tracking_on() {
    assert!(loaded(serde_json::json!({"buildMetadata": ["whatever"]}))
        .origin
        .is_tracking());
    assert!(!loaded(serde_json::json!({})).origin.is_tracking());
}

#[test]
fn builtin_transformers_in_kustomize_order_and_number() {
    let k = kustomization(serde_json::json!({
        "namePrefix": "p-",
        "namespace": "ns",
        "labels": [{"pairs": {"a": "b"}}],
        "images": [{"name": "x"}, {"name": "y"}],
        "patches": [{"path": "p.yaml"}],
        "replacements": [{"path": "r.yaml"}],
    }));
    assert_eq!(
        builtin_transformer_kinds(&k),
        [
            "PatchTransformer",
            "NamespaceTransformer",
            "PrefixTransformer",
            "LabelTransformer",
            "LabelTransformer",
            "ImageTagTransformer",
            "ImageTagTransformer",
            "ReplacementTransformer",
        ]
    );
    assert!(builtin_transformer_kinds(&Kustomization::default()).is_empty());
}

#[test]
fn builtin_transformers_are_recorded_when_tracking() {
    let kust = loaded(serde_json::json!({
        "buildMetadata": ["transformerAnnotations"], "nameSuffix": "-s"
    }));
    let mut list = one_service();
    list.items_mut()[0].set_origin(kust.origin.file("s.yaml").unwrap());
    record_builtin_transformers(&kust, &mut list);
    let records = list.as_slice()[0].transformations();
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].annotation_text(),
        "configuredIn: kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: SuffixTransformer\n"
    );

    let untracked = loaded(serde_json::json!({"nameSuffix": "-s"}));
    let mut list = one_service();
    record_builtin_transformers(&untracked, &mut list);
    assert!(list.as_slice()[0].origin().is_none());
}

#[test]
fn managed_by_label_is_added() {
    let mut list = one_service();
    let scope = crate::openapi::custom::SchemaScope::parallel();
    let mut cx = crate::transform::TransformContext::new(&scope);
    add_managed_by_label(&mut cx, &mut list).unwrap();
    let labels = list.as_slice()[0].string_map("labels").unwrap();
    assert_eq!(
        labels.get(MANAGED_BY_KEY),
        Some(&Value::String("kustomize-(devel)".into()))
    );
}
