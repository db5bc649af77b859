use super::*;
use crate::resource::Resource;
use serde_json::json;

fn run(images: serde_json::Value, docs: serde_json::Value) -> Result<Vec<serde_json::Value>> {
    let k = crate::kustomization::Kustomization {
        images: serde_json::from_value(images).unwrap(),
        ..Default::default()
    };
    let mut l = ResourceList::new();
    for d in docs.as_array().unwrap() {
        l.push(Resource::new(Value::from(d), None)).unwrap();
    }
    for t in crate::build::builtins::of_kustomization(&k)? {
        crate::transform::apply_alone(t.as_ref(), &mut l)?;
    }
    Ok(l.iter().map(|r| (&*r.value()).into()).collect())
}

fn tag(new_name: &str, new_tag: &str, digest: &str, suffix: &str) -> Rewrite<'static> {
    let t = Box::leak(Box::new(Image {
        name: "x".into(),
        new_name: new_name.into(),
        new_tag: new_tag.into(),
        digest: digest.into(),
        tag_suffix: suffix.into(),
    }));
    Rewrite {
        tag: t,
        matcher: Ok(Regex::new("").unwrap()),
    }
}

#[test]
fn splits_registry_ports_tags_and_digests() {
    let s = |i| split_image(i);
    assert_eq!(s("nginx"), ("nginx", String::new(), String::new()));
    assert_eq!(s("nginx:1.0"), ("nginx", "1.0".into(), String::new()));
    assert_eq!(
        s("my.registry:5000/nginx"),
        ("my.registry:5000/nginx", String::new(), String::new())
    );
    assert_eq!(
        s("my.registry:5000/nginx@sha256:abc"),
        ("my.registry:5000/nginx", String::new(), "sha256:abc".into())
    );
    assert_eq!(
        s("r:1/n:t@sha256:d"),
        ("r:1/n", "t".into(), "sha256:d".into())
    );
}

#[test]
fn rewrite_rules() {
    assert_eq!(tag("", "v2", "", "").rewritten("a:v1@sha256:x"), "a:v2");
    assert_eq!(
        tag("", "v2", "sha256:y", "").rewritten("a:v1"),
        "a:v2@sha256:y"
    );
    assert_eq!(tag("b", "", "sha256:y", "").rewritten("a:v1"), "b@sha256:y");
    assert_eq!(tag("", "", "", "-s").rewritten("a:v1@sha256:x"), "a:v1-s");
    assert_eq!(
        tag("b", "", "", "").rewritten("a:v1@sha256:x"),
        "b:v1@sha256:x"
    );
}

#[test]
fn both_passes_apply_as_in_kustomize() {
    // Measured with kubectl kustomize: the tag suffix lands twice where the
    // container search and the field specs both reach, once elsewhere.
    let docs = json!([
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
         "spec": {"template": {"spec": {
            "containers": [{"name": "c", "image": "nginx:1.0"},
                           {"name": "e", "image": "my.registry:5000/nginx@sha256:abc"}],
            "initContainers": [{"name": "i", "image": "nginx"}]}}}},
        {"apiVersion": "example.com/v1", "kind": "Foo", "metadata": {"name": "f"},
         "spec": {"deep": {"containers": [{"image": "nginx:2"}], "initContainers": "notalist"}}}
    ]);
    let images = json!([{"name": "nginx", "tagSuffix": "-x"},
                        {"name": "my.registry:5000/nginx", "newTag": "v9"}]);
    let out = run(images, docs).unwrap();
    let pod = &out[0]["spec"]["template"]["spec"];
    assert_eq!(pod["containers"][0]["image"], json!("nginx:1.0-x-x"));
    assert_eq!(
        pod["containers"][1]["image"],
        json!("my.registry:5000/nginx:v9")
    );
    assert_eq!(pod["initContainers"][0]["image"], json!("nginx:-x-x"));
    assert_eq!(
        out[1]["spec"]["deep"]["containers"][0]["image"],
        json!("nginx:2-x")
    );
}

#[test]
fn names_must_match_whole_images_and_crds_are_skipped() {
    let docs = json!([
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
         "spec": {"containers": [{"image": "nginx-extra:1"}, {"image": "nginx:1"}]}},
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "c"}, "spec": {"containers": [{"image": "nginx:1"}]}}
    ]);
    let out = run(json!([{"name": "nginx", "newName": "web"}]), docs).unwrap();
    assert_eq!(
        out[0]["spec"]["containers"][0]["image"],
        json!("nginx-extra:1")
    );
    assert_eq!(out[0]["spec"]["containers"][1]["image"], json!("web:1"));
    assert_eq!(out[1]["spec"]["containers"][0]["image"], json!("nginx:1"));
}

#[test]
fn image_fields_must_be_scalars() {
    let docs = json!([{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"image": {"a": 1}}]}}]);
    assert!(run(json!([{"name": "nginx", "newTag": "2"}]), docs).is_err());
}

#[test]
fn plugin_form_deserializes() {
    let cfg = json!({"apiVersion": "builtin", "kind": "ImageTagTransformer",
        "metadata": {"name": "i"}, "imageTag": {"name": "nginx", "newTag": 2},
        "fieldSpecs": [{"path": "spec/image"}]});
    let t: ImageTagTransformer = serde_json::from_value(cfg).unwrap();
    assert_eq!(t.image_tag.new_tag, "2");
    assert_eq!(t.field_specs[0].path, "spec/image");
}

#[test]
fn plugin_form_is_lenient_kustomization_form_strict() {
    // One Image type: the plugin form ignores unknown fields and reads a
    // number as its text, the kustomization form rejects both (Go JSON).
    let cfg = json!({"imageTag": {"name": 5, "newName": "b", "unknown": true}});
    let t: ImageTagTransformer = serde_json::from_value(cfg).unwrap();
    assert_eq!(t.image_tag.name, "5");
    assert_eq!(t.image_tag.new_name, "b");
    assert!(serde_json::from_value::<Image>(json!({"name": "a", "unknown": true})).is_err());
    assert!(serde_json::from_value::<Image>(json!({"name": 5})).is_err());
}

#[test]
fn a_bad_name_pattern_fails_only_where_images_are() {
    let no_images = json!([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}]);
    assert!(run(json!([{"name": "ngin(", "newTag": "1"}]), no_images).is_ok());
    let pod = json!([{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"image": "nginx"}]}}]);
    assert!(run(json!([{"name": "ngin(", "newTag": "1"}]), pod).is_err());
}
