use super::*;
use crate::load::Loader;
use crate::transform::patch_legacy::PatchJson6902Transformer;
use serde_json::json;
use std::path::Path;

fn list(docs: serde_json::Value) -> ResourceList {
    let mut l = ResourceList::new();
    for d in docs.as_array().unwrap() {
        l.push(Resource::new(Value::from(d), None)).unwrap();
    }
    l
}

fn docs(l: &ResourceList) -> Vec<serde_json::Value> {
    l.iter().map(|r| (&*r.value()).into()).collect()
}

fn no_files() -> PatchFiles {
    PatchFiles::new(Loader::default(), Path::new("/nonexistent"))
}

fn entry(j: serde_json::Value) -> PatchTransformer {
    serde_json::from_value(j).unwrap()
}

fn deployment() -> serde_json::Value {
    json!([{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"replicas": 1}},
           {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}])
}

#[test]
fn json_patches_apply_to_every_selected_resource() {
    let t = entry(json!({"target": {"kind": "Deployment|Service"},
        "patch": "- op: add\n  path: /metadata/annotations/foo\n  value: bar\n"}))
    .load(&no_files())
    .unwrap();
    let mut l = list(deployment());
    crate::transform::apply_alone(&t, &mut l).unwrap();
    let out = docs(&l);
    // Measured: kubectl accepts this although the objects had no
    // annotations, because kustomize's own annotations are there.
    assert_eq!(out[0]["metadata"]["annotations"], json!({"foo": "bar"}));
    assert_eq!(out[1]["metadata"]["annotations"], json!({"foo": "bar"}));
    assert_eq!(l.as_slice()[0].state.previous_ids.len(), 1);
}

#[test]
fn json_patches_need_a_target() {
    let t = entry(json!({"patch": "[{\"op\": \"remove\", \"path\": \"/spec\"}]"}))
        .load(&no_files())
        .unwrap();
    let err = crate::transform::apply_alone(&t, &mut list(deployment())).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("must specify a target for JSON patch [patch: "));
}

#[test]
fn content_decides_the_kind_of_patch() {
    let load = |patch: &str| entry(json!({"patch": patch})).load(&no_files());
    let sm = load("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n").unwrap();
    assert!(matches!(sm.body, Body::StrategicMerge(ref p) if p.len() == 1));
    let js = load("- op: remove\n  path: /spec\n").unwrap();
    assert!(matches!(js.body, Body::Json(ref p) if p.len() == 1));
    // Measured: a comment-only patch qualifies as both.
    let both = load("# nothing\n").unwrap_err();
    assert!(both.to_string().contains("illegally qualifies as both"));
    assert!(load("just text").is_err());
    assert!(load("").is_err());
    let both_set = entry(json!({"patch": "[]", "path": "p.yaml"})).load(&no_files());
    assert!(both_set.is_err());
}

#[test]
fn empty_patch_files_are_empty_json_patches() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.yaml"), "").unwrap();
    let root = dir.path().canonicalize().unwrap();
    let files = PatchFiles::new(Loader::default(), &root);
    // Measured: without a target this fails at transform time, with one it
    // changes nothing.
    let untargeted = entry(json!({"path": "empty.yaml"})).load(&files).unwrap();
    assert!(crate::transform::apply_alone(&untargeted, &mut list(deployment())).is_err());
    let targeted = entry(json!({"path": "empty.yaml", "target": {"kind": "Deployment"}}))
        .load(&files)
        .unwrap();
    let mut l = list(deployment());
    crate::transform::apply_alone(&targeted, &mut l).unwrap();
    assert_eq!(docs(&l), deployment().as_array().unwrap().clone());
}

#[test]
fn legacy_json6902_needs_a_named_target_and_sees_no_annotations() {
    let load = |j| serde_json::from_value::<PatchJson6902Transformer>(j).unwrap();
    let unnamed = load(json!({"target": {"kind": "Deployment"}, "jsonOp": "[]"}));
    assert!(unnamed.load(&no_files()).is_err());
    let empty = load(json!({"target": {"name": "d"}, "jsonOp": "[]"}));
    assert!(empty.load(&no_files()).is_err());
    let t = load(json!({"target": {"name": "d"},
        "jsonOp": "- op: add\n  path: /metadata/annotations/foo\n  value: bar\n"}))
    .load(&no_files())
    .unwrap();
    // Measured: kubectl fails here ("doc is missing path").
    assert!(crate::transform::apply_alone(&t, &mut list(deployment())).is_err());
    let t = load(json!({"target": {"name": "d"},
        "jsonOp": "[{\"op\": \"replace\", \"path\": \"/spec/replicas\", \"value\": 3}]"}))
    .load(&no_files())
    .unwrap();
    let mut l = list(deployment());
    crate::transform::apply_alone(&t, &mut l).unwrap();
    assert_eq!(docs(&l)[0]["spec"]["replicas"], json!(3));
}

#[test]
fn unique_lookup_uses_current_and_previous_ids() {
    let mut l = list(deployment());
    let id = l.as_slice()[0].id();
    assert_eq!(find_unique(&l, &id).unwrap(), 0);
    for r in l.items_mut().iter_mut() {
        r.store_previous_id();
        let renamed = format!("x-{}", r.name());
        r.set_name(&renamed);
    }
    assert_eq!(find_unique(&l, &id).unwrap(), 0);
    let missing = ResId::new(id.gvk.clone(), "nope", "");
    let err = find_unique(&l, &missing).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("no matches for Id Deployment.v1.apps/nope.[noNs]"));
}

#[test]
fn strategic_merge_keeps_identity_unless_allowed() {
    // Measured with kubectl kustomize: the patch's name is ignored unless
    // allowNameChange is set; the namespace is always kept.
    let patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  namespace: y\nspec:\n  replicas: 7\n";
    let t = entry(json!({"patch": patch, "target": {"kind": "Deployment"}}))
        .load(&no_files())
        .unwrap();
    let mut l = list(deployment());
    crate::transform::apply_alone(&t, &mut l).unwrap();
    let out = docs(&l);
    assert_eq!(out[0]["metadata"], json!({"name": "d"}));
    assert_eq!(out[0]["spec"]["replicas"], json!(7));
    assert!(l.as_slice()[0].state.previous_ids.is_empty());

    let renaming = entry(json!({"patch": patch, "target": {"kind": "Deployment"},
        "options": {"allowNameChange": true}}))
    .load(&no_files())
    .unwrap();
    let mut l = list(deployment());
    crate::transform::apply_alone(&renaming, &mut l).unwrap();
    assert_eq!(docs(&l)[0]["metadata"], json!({"name": "x"}));
    assert_eq!(l.as_slice()[0].state.previous_ids[0].name(), "d");
}

#[test]
fn strategic_merge_delete_removes_the_resource() {
    let patch = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n$patch: delete\n";
    let t = entry(json!({"patch": patch})).load(&no_files()).unwrap();
    let mut l = list(deployment());
    crate::transform::apply_alone(&t, &mut l).unwrap();
    assert_eq!(l.len(), 1);
    assert_eq!(l.as_slice()[0].kind(), "Deployment");
}

#[test]
fn untargeted_strategic_merge_needs_a_matching_resource() {
    let patch = "apiVersion: v1\nkind: Service\nmetadata:\n  name: other\n";
    let t = entry(json!({"patch": patch})).load(&no_files()).unwrap();
    let err = crate::transform::apply_alone(&t, &mut list(deployment())).unwrap_err();
    assert!(err.to_string().starts_with(
        "no resource matches strategic merge patch \"Service.v1.[noGrp]/other.[noNs]\""
    ));
}

/// kustomize crashes (nil pointer) when the first document of a patch file
/// is a `$patch: delete`; krust applies each document in turn, which is
/// kustomize's own result with the documents in the other order.
#[test]
fn a_leading_delete_document_applies_like_the_others() {
    let t = entry(json!({"patch": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n$patch: delete\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {x: y}\n"}))
    .load(&no_files())
    .unwrap();
    let mut l = list(json!([
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}
    ]));
    crate::transform::apply_alone(&t, &mut l).unwrap();
    assert_eq!(
        docs(&l),
        vec![
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}, "data": {"x": "y"}})
        ]
    );
}
