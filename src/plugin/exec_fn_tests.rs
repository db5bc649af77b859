use super::*;
use crate::generate::plugin_output::from_plugin_output as generated_with_options;
use crate::generate::Behavior;
use crate::load::Loader;
use crate::plugin::PluginOptions;

fn resource(json: serde_json::Value) -> Resource {
    Resource::new(Value::from(&json), None)
}

fn annotated(key: &str, text: &str) -> Resource {
    resource(serde_json::json!({
        "apiVersion": "example.com/v1", "kind": "Gen",
        "metadata": {"name": "g", "annotations": {key: text}},
    }))
}

#[test]
fn reads_function_declarations() {
    let exec = annotated(FUNCTION_ANNOTATIONS[0], "exec:\n  path: ./fn.sh\n");
    let spec = FunctionSpec::from_config(&exec).unwrap().unwrap();
    assert_eq!(spec.exec.path, "./fn.sh");
    let old = annotated(FUNCTION_ANNOTATIONS[1], "container:\n  image: a/b\n");
    assert_eq!(
        FunctionSpec::from_config(&old)
            .unwrap()
            .unwrap()
            .container
            .image,
        "a/b"
    );
    let legacy = annotated(CONTAINER_ANNOTATION, "a/c");
    assert_eq!(
        FunctionSpec::from_config(&legacy)
            .unwrap()
            .unwrap()
            .container
            .image,
        "a/c"
    );
    let unknown = annotated(FUNCTION_ANNOTATIONS[0], "exec:\n  command: x\n");
    assert!(FunctionSpec::from_config(&unknown).is_err());
    let none = annotated("other", "x");
    assert!(FunctionSpec::from_config(&none).unwrap().is_none());
}

#[test]
fn container_functions_are_refused() {
    let options = PluginOptions::default();
    let ctx = PluginContext {
        dir: Path::new("."),
        file: Path::new("kustomization.yaml"),
        loader: Loader::default(),
        options: &options,
        remote: None,
    };
    let config = annotated(CONTAINER_ANNOTATION, "a/c");
    let spec = FunctionSpec::from_config(&config).unwrap().unwrap();
    let err = configure(spec, &config, ctx).unwrap_err().to_string();
    assert!(
        err.contains("container functions are not supported"),
        "{err}"
    );
}

#[test]
fn ids_and_annotations() {
    let id = resource(serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}})).id();
    assert_eq!(
        id_yaml(&id),
        "group: apps\nkind: Deployment\nname: d\nversion: v1\n"
    );
    let mut value = Value::from(&serde_json::json!({"metadata": {"name": "x"}}));
    set_annotation(&mut value, "a", "1");
    assert_eq!(take_annotation(&mut value, "a").as_deref(), Some("1"));
    assert!(value.get_path(&["metadata", "annotations"]).is_none());
    assert_eq!(parse_go_bool("T"), Some(true));
    assert_eq!(parse_go_bool("yes"), None);
}

#[test]
fn generated_objects_carry_their_options() {
    let r = resource(serde_json::json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "c", "annotations": {NEEDS_HASH_ANNOTATION: "true", BEHAVIOR_ANNOTATION: "merge"}},
    }));
    let g = generated_with_options(r).unwrap();
    assert!(g.needs_hash);
    assert_eq!(g.behavior, Behavior::Merge);
    assert!(g.resource.string_map("annotations").is_none());
    let bad = annotated(NEEDS_HASH_ANNOTATION, "maybe");
    assert!(generated_with_options(bad).is_err());
}

#[test]
fn outputs_replace_add_and_remove() {
    let cm = |name: &str, v: &str| {
        resource(
            serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": v}}),
        )
    };
    let mut list = ResourceList::new();
    list.push(cm("a", "1")).unwrap();
    list.push(cm("b", "1")).unwrap();
    list.items_mut()[0].state.needs_hash = true;
    merge_outputs("f", &mut list, vec![cm("a", "2"), cm("c", "1")]).unwrap();
    let names: Vec<&str> = list.iter().map(Resource::name).collect();
    assert_eq!(names, ["a", "c"]);
    assert!(list.as_slice()[0].state.needs_hash);
    assert_eq!(list.as_slice()[0].value().str_at(&["data", "k"]), Some("2"));
    let err = merge_outputs("f", &mut list, vec![cm("a", "1"), cm("a", "2")]).unwrap_err();
    assert!(err.to_string().contains("duplicate"));
}
