use super::*;
use crate::fieldspec::TransformerConfig;
use serde_json::json;

/// Builds a resource list; each document may carry `previous` (earlier
/// names), `prefixes` and `suffixes` to set up its build state.
fn list(docs: serde_json::Value) -> ResourceList {
    let mut l = ResourceList::new();
    for d in docs.as_array().unwrap() {
        let mut d = d.clone();
        let obj = d.as_object_mut().unwrap();
        let take = |obj: &mut serde_json::Map<String, serde_json::Value>, key: &str| {
            obj.remove(key)
                .map(|v| serde_json::from_value::<Vec<String>>(v).unwrap())
                .unwrap_or_default()
        };
        let previous = take(obj, "previous");
        let prefixes = take(obj, "prefixes");
        let suffixes = take(obj, "suffixes");
        let mut r = Resource::new(Value::from(&d), None);
        let current = r.name().to_string();
        for name in previous {
            r.set_name(&name);
            r.store_previous_id();
        }
        r.set_name(&current);
        r.state.prefixes = prefixes.into();
        r.state.suffixes = suffixes.into();
        l.push(r).unwrap();
    }
    l
}

fn fix(l: &mut ResourceList) -> Result<()> {
    let scope = crate::openapi::custom::SchemaScope::parallel();
    let mut cx = crate::transform::TransformContext::new(&scope);
    fix_back_references(&mut cx, l, &TransformerConfig::defaults().name_reference)
}

fn doc(l: &ResourceList, i: usize) -> serde_json::Value {
    (&*l.as_slice()[i].value()).into()
}

fn deployment_using(config_map: &str) -> serde_json::Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
        "spec": {"template": {"spec": {"containers": [{"name": "c",
            "envFrom": [{"configMapRef": {"name": config_map}}]}]}}}})
}

#[test]
fn scalar_reference_follows_a_rename() {
    let mut l = list(json!([
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "p-cm"}, "previous": ["cm"]},
        deployment_using("cm"),
    ]));
    fix(&mut l).unwrap();
    let d = doc(&l, 1);
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["configMapRef"]["name"],
        "p-cm"
    );
}

#[test]
fn other_namespace_and_other_kind_are_not_candidates() {
    let mut l = list(json!([
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x-cm", "namespace": "other"},
         "previous": ["cm"]},
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "y-cm"}, "previous": ["cm"]},
        deployment_using("cm"),
    ]));
    fix(&mut l).unwrap();
    let d = doc(&l, 2);
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["configMapRef"]["name"],
        "cm"
    );
}

#[test]
fn prefix_context_breaks_ties_and_leftover_ties_fail() {
    let mut l = list(json!([
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a-cm"}, "previous": ["cm"],
         "prefixes": ["a-"]},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b-cm"}, "previous": ["cm"],
         "prefixes": ["b-"]},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "b-d"},
         "previous": ["d"], "prefixes": ["b-"],
         "spec": {"template": {"spec": {"volumes": [{"name": "v", "configMap": {"name": "cm"}}]}}}},
    ]));
    fix(&mut l).unwrap();
    assert_eq!(
        doc(&l, 2)["spec"]["template"]["spec"]["volumes"][0]["configMap"]["name"],
        "b-cm"
    );

    // Without a prefix the referrer matches neither candidate strictly.
    let mut l = list(json!([
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a-cm"}, "previous": ["cm"],
         "prefixes": ["a-"]},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b-cm"}, "previous": ["cm"],
         "prefixes": ["b-"]},
        deployment_using("cm"),
    ]));
    fix(&mut l).unwrap();
    assert_eq!(
        doc(&l, 2)["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["configMapRef"]
            ["name"],
        "cm"
    );

    let mut l = list(json!([
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm-1"}, "previous": ["cm"]},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm-2", "namespace": "b"},
         "previous": ["cm"]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
         "metadata": {"name": "cr"}, "rules": [{"resourceNames": ["cm"]}]},
    ]));
    let err = fix(&mut l).unwrap_err().to_string();
    assert!(err.starts_with(
        "updating name reference in 'rules/resourceNames' field of \
         'ClusterRole.v1.rbac.authorization.k8s.io/cr.[noNs]': considering field"
    ));
    assert!(err.contains(
        "found multiple possible referrals: ConfigMap.v1.[noGrp]/cm-1.[noNs], \
         ConfigMap.v1.[noGrp]/cm-2.b\n\n**** Too many possible referral targets"
    ));
    assert!(err.contains("--- possible referral 1:\napiVersion: v1\nkind: ConfigMap\n"));
    assert!(err.contains("internal.config.kubernetes.io/previousNames: cm\n"));
}

#[test]
fn subjects_get_name_and_namespace() {
    let mut l = list(json!([
        {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": {"name": "p-sa", "namespace": "ns1"}, "previous": ["sa"]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
         "metadata": {"name": "crb"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "r"},
         "subjects": [{"kind": "ServiceAccount", "name": "sa"},
                      {"kind": "ServiceAccount", "name": "sa", "namespace": "elsewhere"},
                      null]},
    ]));
    fix(&mut l).unwrap();
    let subjects = &doc(&l, 1)["subjects"];
    assert_eq!(
        subjects[0],
        json!({"kind": "ServiceAccount", "name": "p-sa", "namespace": "ns1"})
    );
    assert_eq!(subjects[1]["name"], "sa");
}

#[test]
fn role_ref_kind_must_match() {
    let mut l = list(json!([
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
         "metadata": {"name": "p-r"}, "previous": ["r"]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
         "metadata": {"name": "q-r"}, "previous": ["r"]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
         "metadata": {"name": "rb"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "r"}},
    ]));
    fix(&mut l).unwrap();
    assert_eq!(doc(&l, 2)["roleRef"]["name"], "q-r");
}

#[test]
fn role_binding_subject_namespace_must_be_text() {
    let mut l = list(json!([
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
         "metadata": {"name": "test"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
         "subjects": [{"kind": "ServiceAccount", "name": "sa", "namespace": null}]},
    ]));
    let err = fix(&mut l).unwrap_err().to_string();
    assert_eq!(
        err,
        "Invalid Input: namespace is blank for resource \
         \"RoleBinding.v1.rbac.authorization.k8s.io/test.[noNs]\"\n"
    );
}

#[test]
fn identical_candidates_count_as_one() {
    let mut l = list(json!([
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm-1", "namespace": "a"},
         "previous": ["cm"]},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm-1", "namespace": "b"},
         "previous": ["cm"]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
         "metadata": {"name": "cr"},
         "rules": [{"resources": ["configmaps"], "resourceNames": ["cm", "other"]}]},
    ]));
    fix(&mut l).unwrap();
    assert_eq!(
        doc(&l, 2)["rules"][0]["resourceNames"],
        json!(["cm-1", "other"])
    );
}
