use super::*;

fn service(annotations: Option<serde_json::Value>) -> Resource {
    let mut value = serde_json::json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}
    });
    if let Some(a) = annotations {
        value["metadata"]["annotations"] = a;
    }
    Resource::new(Value::from(&value), None)
}

#[test]
fn file_origin_text() {
    let origin = Origin::file("../base/service.yaml".to_string());
    assert_eq!(origin.annotation_text(), "path: ../base/service.yaml\n");
}

#[test]
fn configured_origin_text_leaves_out_empty_fields() {
    let origin = Origin::configured(
        "kustomization.yaml".to_string(),
        ConfiguredBy::builtin("ConfigMapGenerator"),
    );
    assert_eq!(
        origin.annotation_text(),
        "configuredIn: kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n"
    );
    let named = Origin::configured(
        "kustomization.yaml".to_string(),
        ConfiguredBy {
            name: "cfg".to_string(),
            namespace: "test".to_string(),
            ..ConfiguredBy::builtin("NamespaceTransformer")
        },
    );
    assert!(named
        .annotation_text()
        .ends_with("  kind: NamespaceTransformer\n  name: cfg\n  namespace: test\n"));
}

#[test]
fn scalars_that_would_change_meaning_are_quoted() {
    assert_eq!(
        Origin::file("123".into()).annotation_text(),
        "path: \"123\"\n"
    );
    assert_eq!(
        Origin::file("a: b".into()).annotation_text(),
        "path: 'a: b'\n"
    );
    assert_eq!(Origin::default().annotation_text(), "{}\n");
}

#[test]
fn transformations_are_a_sequence() {
    let prefix = Arc::new(Origin::configured(
        "../base/kustomization.yaml".to_string(),
        ConfiguredBy::builtin("PrefixTransformer"),
    ));
    let text = transformations_text(&[prefix.clone(), prefix]);
    let one = "- configuredIn: ../base/kustomization.yaml\n  configuredBy:\n    apiVersion: builtin\n    kind: PrefixTransformer\n";
    assert_eq!(text, format!("{one}{one}"));
    assert_eq!(transformations_text(&[]), "");
}

#[test]
fn transformer_becomes_the_origin_of_a_resource_without_one() {
    let file = Arc::new(Origin::file("s.yaml".to_string()));
    let transformer = Arc::new(Origin::configured(
        "kustomization.yaml".to_string(),
        ConfiguredBy::builtin("PrefixTransformer"),
    ));
    let mut with_origin = service(None);
    with_origin.set_origin(file.clone());
    let mut without = service(None);
    record_transformation([&mut with_origin, &mut without], &transformer);
    assert_eq!(with_origin.origin(), Some(&file));
    assert_eq!(
        with_origin.transformations(),
        std::slice::from_ref(&transformer)
    );
    assert_eq!(without.origin(), Some(&transformer));
    assert!(without.transformations().is_empty());
}

#[test]
fn generated_resources_keep_an_origin_they_already_have() {
    let generator = Arc::new(Origin::configured(
        "kustomization.yaml".to_string(),
        ConfiguredBy::builtin("ConfigMapGenerator"),
    ));
    let mut annotated = service(Some(serde_json::json!({ORIGIN_ANNOTATION: "path: x\n"})));
    let mut plain = service(None);
    for r in [&mut annotated, &mut plain] {
        r.set_origin_if_missing(&generator);
    }
    assert!(annotated.origin().is_none());
    assert_eq!(plain.origin(), Some(&generator));
}

#[test]
fn plugin_config_origin_names_the_config() {
    let mut config = Resource::new(
        Value::from(&serde_json::json!({
            "apiVersion": "builtin", "kind": "ConfigMapGenerator",
            "metadata": {"name": "cfg"}
        })),
        None,
    );
    assert!(Origin::from_plugin_config(&config).is_none());
    config.set_origin(Arc::new(Origin::file("../base/gen.yaml".to_string())));
    let origin = Origin::from_plugin_config(&config).unwrap();
    assert_eq!(
        origin.annotation_text(),
        "configuredIn: ../base/gen.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n  name: cfg\n"
    );
}
