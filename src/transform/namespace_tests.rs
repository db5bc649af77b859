//! Tests for the NamespaceTransformer; expectations were checked against
//! `kubectl kustomize`.

use super::*;
use serde_json::json;

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

fn kustomize_ns(ns: &str) -> NamespaceTransformer {
    NamespaceTransformer::new(
        ns,
        crate::fieldspec::TransformerConfig::defaults().namespace,
    )
}

fn run(t: &NamespaceTransformer, input: serde_json::Value) -> Result<Vec<serde_json::Value>> {
    let mut l = list(input);
    crate::transform::apply_alone(t, &mut l)?;
    Ok(docs(&l))
}

fn plugin(cfg: serde_json::Value) -> NamespaceTransformer {
    serde_json::from_value(cfg).unwrap()
}

#[test]
fn namespaced_resources_move_cluster_scoped_stay() {
    let out = run(
        &kustomize_ns("foo"),
        json!([
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": null}},
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "namespace": 3}},
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns-v1", "namespace": "zzz"}},
            {"apiVersion": "example.com/v1", "kind": "Namespace", "metadata": {"name": "ns-custom"}},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
             "metadata": {"name": "cr", "namespace": "bar"}},
        ]),
    )
    .unwrap();
    assert_eq!(out[0]["metadata"]["namespace"], "foo");
    assert_eq!(out[1]["metadata"]["namespace"], "foo");
    // A core Namespace is renamed and keeps its (meaningless) namespace.
    assert_eq!(
        out[2]["metadata"],
        json!({"name": "foo", "namespace": "zzz"})
    );
    // Another group's Namespace kind is an ordinary namespaced resource.
    assert_eq!(
        out[3]["metadata"],
        json!({"name": "ns-custom", "namespace": "foo"})
    );
    assert_eq!(out[4]["metadata"]["namespace"], "bar");
}

#[test]
fn role_binding_subjects_default_only() {
    let out = run(
        &kustomize_ns("foo"),
        json!([
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "rb"},
             "subjects": [
                {"kind": "ServiceAccount", "name": "default"},
                {"kind": "ServiceAccount", "name": "other"},
                {"kind": "User", "name": "default", "namespace": "x"},
                {"name": "default", "namespace": null},
                null,
             ]},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "crb"},
             "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "x"},
                          {"kind": "ServiceAccount", "name": "other"}]},
        ]),
    )
    .unwrap();
    assert_eq!(
        out[0]["subjects"],
        json!([
            {"kind": "ServiceAccount", "name": "default", "namespace": "foo"},
            {"kind": "ServiceAccount", "name": "other"},
            {"kind": "User", "name": "default", "namespace": "foo"},
            {"name": "default", "namespace": "foo"},
            null,
        ])
    );
    assert_eq!(out[0]["metadata"]["namespace"], "foo");
    assert!(out[1]["metadata"].get("namespace").is_none());
    assert_eq!(out[1]["subjects"][0]["namespace"], "foo");
    assert!(out[1]["subjects"][1].get("namespace").is_none());
}

#[test]
fn role_binding_subject_modes() {
    let rb = json!([{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": {"name": "rb"},
        "subjects": [{"kind": "ServiceAccount", "name": "sa", "namespace": "old"},
                     {"kind": "User", "name": "default"}]}]);
    let all = plugin(
        json!({"metadata": {"namespace": "foo"}, "setRoleBindingSubjects": "allServiceAccounts"}),
    );
    let out = run(&all, rb.clone()).unwrap();
    assert_eq!(out[0]["subjects"][0]["namespace"], "foo");
    assert!(out[0]["subjects"][1].get("namespace").is_none());
    let none = plugin(json!({"metadata": {"namespace": "foo"}, "setRoleBindingSubjects": "none"}));
    let out = run(&none, rb).unwrap();
    assert_eq!(out[0]["subjects"][0]["namespace"], "old");
    assert!(out[0]["subjects"][1].get("namespace").is_none());
    let bad =
        serde_json::from_value::<NamespaceTransformer>(json!({"setRoleBindingSubjects": "some"}));
    assert!(bad.unwrap_err().to_string().contains(
        "invalid value \"some\" for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""
    ));
}

#[test]
fn bad_subjects_are_errors() {
    let rb = |subjects: serde_json::Value| {
        json!([{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": {"name": "rb"}, "subjects": subjects}])
    };
    let err = run(&kustomize_ns("foo"), rb(json!(["x"]))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "setting namespace on (cluster)role binding subjects: looking up name on (cluster)role binding \
         subject: wrong node kind: expected MappingNode but got ScalarNode: node contents:\nx\n"
    );
    let err = run(&kustomize_ns("foo"), rb(json!("x"))).unwrap_err();
    assert!(err
        .to_string()
        .contains("expected SequenceNode but got ScalarNode"));
    assert!(run(&kustomize_ns("foo"), rb(json!(null))).is_ok());
}

#[test]
fn service_fields_follow_the_field_specs() {
    let out = run(
        &kustomize_ns("foo"),
        json!([
            {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": "a"},
             "spec": {"service": {"name": "x"}}},
            {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": "b"},
             "spec": null},
            {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "c"},
             "spec": {"conversion": {"webhook": {"clientConfig": {"service": {"name": "s"}}}}}},
            {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "d"},
             "spec": {"conversion": {"webhook": {"clientConfig": {"service": {"namespace": "old"}}}}}},
        ]),
    )
    .unwrap();
    assert_eq!(
        out[0]["spec"]["service"],
        json!({"name": "x", "namespace": "foo"})
    );
    assert_eq!(out[1]["spec"], json!({"service": {"namespace": "foo"}}));
    assert!(out[1]["metadata"].get("namespace").is_none());
    assert!(
        out[2]["spec"]["conversion"]["webhook"]["clientConfig"]["service"]
            .get("namespace")
            .is_none()
    );
    assert_eq!(
        out[3]["spec"]["conversion"]["webhook"]["clientConfig"]["service"]["namespace"],
        "foo"
    );
}

#[test]
fn unset_only_fills_blanks() {
    let t = plugin(
        json!({"apiVersion": "builtin", "kind": "NamespaceTransformer",
        "metadata": {"name": "x", "namespace": "foo"}, "unsetOnly": true,
        "fieldSpecs": [{"path": "spec/ns", "kind": "APIService"}]}),
    );
    let out = run(
        &t,
        json!([
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": ""}},
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "namespace": "bar"}},
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}},
            {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": "d"},
             "spec": {"ns": 0}},
            {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": "e"},
             "spec": {"ns": ""}},
        ]),
    )
    .unwrap();
    let ns: Vec<&serde_json::Value> = out[..3]
        .iter()
        .map(|d| &d["metadata"]["namespace"])
        .collect();
    assert_eq!(ns, [&json!("foo"), &json!("bar"), &json!("foo")]);
    assert_eq!(out[3]["spec"]["ns"], 0);
    assert_eq!(out[4]["spec"]["ns"], "foo");
}

#[test]
fn errors_are_worded_like_kustomize() {
    let api = |spec: serde_json::Value| {
        json!([{"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
                "metadata": {"name": "api"}, "spec": spec}])
    };
    let err = run(&kustomize_ns("foo"), api(json!("hello"))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "namespace transformation failed: considering field 'spec/service/namespace' of object \
         APIService.v1.apiregistration.k8s.io/api.[noNs]: expected sequence or mapping node"
    );
    let err = run(
        &kustomize_ns("foo"),
        api(json!({"service": {"namespace": {"a": "b"}}})),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "namespace field specs must target scalar nodes: considering field 'spec/service/namespace' of \
         object APIService.v1.apiregistration.k8s.io/api.[noNs]: wrong node kind: expected ScalarNode \
         but got MappingNode: node contents:\na: b\n"
    );
    let cm = json!([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": ["x"]}}]);
    let err = run(&kustomize_ns("foo"), cm).unwrap_err();
    assert_eq!(
        err.to_string(),
        "considering field 'metadata/namespace' of object ConfigMap.v1.[noGrp]/a.[noNs]: wrong node kind: \
         expected ScalarNode but got SequenceNode: node contents:\n- x\n"
    );
}

#[test]
fn id_conflicts_are_errors() {
    let input = json!([
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "bar"}},
    ]);
    let err = run(&kustomize_ns("foo"), input).unwrap_err();
    let prev = |ns: &str| {
        format!(
            "\"annotations\":{{\"internal.config.kubernetes.io/previousKinds\":\"ConfigMap\",\
             \"internal.config.kubernetes.io/previousNames\":\"a\",\
             \"internal.config.kubernetes.io/previousNamespaces\":\"{ns}\"}}"
        )
    };
    assert_eq!(
        err.to_string(),
        format!(
            "namespace transformation produces ID conflict: [\
             {{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{{},\"name\":\"a\",\"namespace\":\"foo\"}}}} \
             {{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{{},\"name\":\"a\",\"namespace\":\"foo\"}}}}]",
            prev("default"),
            prev("bar")
        )
    );
    // Already in the target namespace: no conflict with itself.
    let same = json!([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "foo"}}]);
    assert!(run(&kustomize_ns("foo"), same).is_ok());
}
