use super::*;
use serde_json::json;

fn list(docs: serde_json::Value) -> ResourceList {
    let mut l = ResourceList::new();
    for d in docs.as_array().unwrap() {
        l.push(Resource::new(Value::from(d), None)).unwrap();
    }
    l
}

fn run(replacements: serde_json::Value, docs: serde_json::Value) -> Result<Vec<serde_json::Value>> {
    let entries = replacements.as_array().unwrap().clone();
    let t = ReplacementTransformer {
        replacements: config::resolve_entries(&entries, &|p| bail!("no file {p}"))?,
    };
    let mut l = list(docs);
    crate::transform::apply_alone(&t, &mut l)?;
    Ok(l.iter().map(|r| (&*r.value()).into()).collect())
}

fn resources() -> serde_json::Value {
    json!([
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"},
         "data": {"replicas": "3", "host": "db.example.com"}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"tier": "front"}},
         "spec": {"replicas": 1, "template": {"spec": {"containers": [
             {"name": "app", "image": "nginx", "env": [{"name": "HOST", "value": "x"}]},
             {"name": "sidecar", "image": "busybox"}]}}}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "other"},
         "spec": {"replicas": 2}}
    ])
}

#[test]
fn copies_values_with_the_target_type() {
    let out = run(
        json!([{"source": {"kind": "ConfigMap", "name": "cm", "fieldPath": "data.replicas"},
                "targets": [{"select": {"kind": "Deployment"}, "fieldPaths": ["spec.replicas"]}]}]),
        resources(),
    )
    .unwrap();
    assert_eq!(out[1]["spec"]["replicas"], json!(3));
    assert_eq!(out[2]["spec"]["replicas"], json!(3));
}

#[test]
fn selects_by_labels_and_rejects_by_id() {
    let out = run(
        json!([{"source": {"kind": "ConfigMap", "fieldPath": "data.host", "options": {"delimiter": ".", "index": 0}},
                "targets": [
                    {"select": {"labelSelector": "tier=front"},
                     "fieldPaths": ["spec.template.spec.containers.[name=app].env.[name=HOST].value"]},
                    {"select": {"kind": "Deployment"}, "reject": [{"name": "web"}],
                     "fieldPaths": ["metadata.annotations.host"], "options": {"create": true}}]}]),
        resources(),
    )
    .unwrap();
    assert_eq!(
        out[1]["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"],
        json!("db")
    );
    assert!(out[1]["metadata"].get("annotations").is_none());
    assert_eq!(out[2]["metadata"]["annotations"]["host"], json!("db"));
}

#[test]
fn errors_name_the_selector_and_field() {
    let err = |r: serde_json::Value| run(r, resources()).unwrap_err().to_string();
    assert_eq!(
        err(json!([{"source": {"kind": "Secret"}, "targets": []}])),
        "nothing selected by Secret.[noVer].[noGrp]/[noName].[noNs]"
    );
    assert_eq!(
        err(json!([{"source": {"kind": "Deployment"}, "targets": []}])),
        "multiple matches for selector Deployment.[noVer].[noGrp]/[noName].[noNs]"
    );
    assert_eq!(
        err(json!([{"source": {"kind": "ConfigMap", "fieldPath": "data.nope"}, "targets": []}])),
        "fieldPath `data.nope` is missing for replacement source ConfigMap.[noVer].[noGrp]/[noName].[noNs]"
    );
    assert_eq!(
        err(json!([{"source": {"kind": "ConfigMap"},
                    "targets": [{"select": {"name": "web"}, "fieldPaths": ["spec.nope"]}]}])),
        "unable to find field \"spec.nope\" in replacement target"
    );
    assert_eq!(
        err(json!([{"source": {"kind": "ConfigMap"}}])),
        "replacements must specify a source and at least one target"
    );
}

#[test]
fn previous_names_select_renamed_resources() {
    let mut l = list(resources());
    for r in l.items_mut().iter_mut() {
        r.store_previous_id();
        let name = format!("p-{}", r.name());
        r.set_name(&name);
    }
    let entries = vec![json!({"source": {"kind": "ConfigMap", "name": "cm"},
        "targets": [{"select": {"name": "other"}, "fieldPaths": ["metadata.annotations.cm"],
                     "options": {"create": true}}]})];
    let t = ReplacementTransformer {
        replacements: config::resolve_entries(&entries, &|p| bail!("no file {p}")).unwrap(),
    };
    crate::transform::apply_alone(&t, &mut l).unwrap();
    let out: serde_json::Value = (&*l.as_slice()[2].value()).into();
    assert_eq!(out["metadata"]["annotations"]["cm"], json!("p-cm"));
}

#[test]
fn plugin_form_reads_its_replacements_list() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(
        root.join("r.yaml"),
        "- source: {kind: ConfigMap}\n  targets: [{select: {name: other}}]\n",
    )
    .unwrap();
    let files = PatchFiles::new(crate::load::Loader::default(), &root);
    let config = json!({"apiVersion": "builtin", "kind": "ReplacementTransformer",
        "metadata": {"name": "r"}, "replacements": [{"path": "r.yaml"}]});
    let t = from_plugin_config(&config, &files).unwrap();
    let mut l = list(resources());
    crate::transform::apply_alone(&t, &mut l).unwrap();
    assert_eq!(l.as_slice()[2].name(), "cm");
}
