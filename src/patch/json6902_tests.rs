use super::*;
use serde_json::json;

fn doc(j: serde_json::Value) -> Value {
    Value::from(&j)
}

fn run(patch: &str, input: serde_json::Value) -> Result<serde_json::Value> {
    let mut d = doc(input);
    JsonPatch::parse(patch)?.apply(&mut d)?;
    Ok((&d).into())
}

fn deployment() -> serde_json::Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
           "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
}

#[test]
fn yaml_and_json_forms_decode_alike() {
    let yaml = "- op: add\n  path: /spec/x\n  value: yes\n";
    let json_text = r#"[{"op": "add", "path": "/spec/x", "value": true}]"#;
    assert_eq!(
        JsonPatch::parse(yaml).unwrap(),
        JsonPatch::parse(json_text).unwrap()
    );
    assert!(JsonPatch::parse("# only a comment\n").unwrap().is_empty());
    assert!(JsonPatch::parse("kind: Deployment\n").is_err());
    assert!(JsonPatch::parse("[1]").is_err());
}

#[test]
fn kubectl_measured_quirks() {
    // Measured with kubectl kustomize: replace adds a missing key, `-1`
    // inserts before the end (after the last element once inserted), the
    // first segment is ignored, a missing value is null.
    let patch = "- op: replace\n  path: /spec/foo\n  value: yes\n\
                 - op: add\n  path: /spec/template/spec/containers/-1\n  value: {name: x}\n\
                 - op: add\n  path: zzz/top\n  value: 1.0\n\
                 - op: add\n  path: /spec/nullv\n";
    let out = run(patch, deployment()).unwrap();
    assert_eq!(out["spec"]["foo"], json!(true));
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"],
        json!([{"name": "c", "image": "nginx"}, {"name": "x"}])
    );
    assert_eq!(out["top"], json!(1.0));
    assert_eq!(out["spec"]["nullv"], json!(null));
}

#[test]
fn add_remove_move_copy_and_escapes() {
    let patch = r#"[
        {"op": "add", "path": "/metadata/labels", "value": {"a/b": "1", "c~d": "2"}},
        {"op": "remove", "path": "/metadata/labels/a~1b"},
        {"op": "copy", "from": "/metadata/labels/c~0d", "path": "/metadata/labels/e"},
        {"op": "move", "from": "/spec/replicas", "path": "/spec/count"},
        {"op": "add", "path": "/spec/template/spec/containers/0", "value": {"name": "first"}},
        {"op": "add", "path": "/spec/template/spec/containers/-", "value": {"name": "last"}},
        {"op": "test", "path": "/spec/count", "value": 1}
    ]"#;
    let out = run(patch, deployment()).unwrap();
    assert_eq!(out["metadata"]["labels"], json!({"c~d": "2", "e": "2"}));
    assert_eq!(out["spec"]["count"], json!(1));
    assert!(out["spec"].get("replicas").is_none());
    let names: Vec<&str> = out["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["first", "c", "last"]);
}

#[test]
fn failures_name_the_operation() {
    // kubectl: "add operation does not apply: doc is missing path:
    // \"/metadata/labels/foo\": missing value".
    let err = run(
        "- op: add\n  path: /metadata/labels/foo\n  value: bar\n",
        deployment(),
    )
    .unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains("operation 1 ('add' at '/metadata/labels/foo')"));
    assert!(text.contains("doc is missing path: \"/metadata/labels/foo\""));
    let err = run(
        r#"[{"op": "test", "path": "/spec/replicas", "value": 2}]"#,
        deployment(),
    )
    .unwrap_err();
    assert!(format!("{err:#}").contains("testing value /spec/replicas failed"));
    assert!(run(r#"[{"op": "remove", "path": "/spec/nope"}]"#, deployment()).is_err());
    assert!(run(
        r#"[{"op": "replace", "path": "/spec/template/spec/containers/3", "value": 1}]"#,
        deployment()
    )
    .is_err());
    assert!(run(r#"[{"op": "frob", "path": "/spec"}]"#, deployment()).is_err());
    assert!(run(
        r#"[{"op": "add", "path": "/spec/template/spec/containers/5", "value": 1}]"#,
        deployment()
    )
    .is_err());
}

#[test]
fn large_integers_lose_precision_like_go() {
    // kubectl prints 9007199254740993 as 9007199254740992 after a JSON patch.
    let out = run(
        r#"[{"op": "add", "path": "/spec/x", "value": 1}]"#,
        json!({"spec": {"c": 9007199254740993_i64, "g": 123456789}}),
    )
    .unwrap();
    assert_eq!(out["spec"]["c"], json!(9007199254740992.0));
    assert_eq!(out["spec"]["g"], json!(123456789));
}

#[test]
fn negative_indices_count_from_the_end() {
    let out = run(
        r#"[{"op": "remove", "path": "/items/-1"}, {"op": "replace", "path": "/items/-2", "value": "z"}]"#,
        json!({"items": ["a", "b", "c"]}),
    )
    .unwrap();
    assert_eq!(out["items"], json!(["z", "b"]));
}
