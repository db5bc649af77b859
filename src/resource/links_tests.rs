use super::*;
use serde_json::json;

fn key_path(keys: &[&str]) -> LinkPath {
    keys.iter().map(|k| PathStep::Key(k.to_string())).collect()
}

/// A Deployment whose `env` label sits, linked, in its labels, selector
/// and template.
fn linked() -> Resource {
    let value = Value::from(&json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "d", "labels": {"env": "a"}},
        "spec": {"selector": {"matchLabels": {"env": "a"}},
                 "template": {"metadata": {"labels": {"env": "a"}}}}}));
    let mut r = Resource::new(value, None);
    r.link(
        vec![
            key_path(&["metadata", "labels", "env"]),
            key_path(&["spec", "selector", "matchLabels", "env"]),
            key_path(&["spec", "template", "metadata", "labels", "env"]),
        ],
        Value::from("a"),
    );
    r
}

fn envs(r: &Resource) -> [Option<String>; 3] {
    let at = |p: &[&str]| r.str_at(p).map(str::to_string);
    [
        at(&["metadata", "labels", "env"]),
        at(&["spec", "selector", "matchLabels", "env"]),
        at(&["spec", "template", "metadata", "labels", "env"]),
    ]
}

fn some(v: [&str; 3]) -> [Option<String>; 3] {
    v.map(|s| Some(s.to_string()))
}

#[test]
fn a_write_in_place_spreads() {
    let mut r = linked();
    *r.value_mut()
        .get_path_mut(&["metadata", "labels", "env"])
        .unwrap() = Value::from("b");
    r.spread_writes(&[key_path(&["metadata", "labels", "env"])]);
    assert_eq!(envs(&r), some(["b", "b", "b"]));
}

#[test]
fn a_patch_spreads_its_last_write_in_field_order() {
    let mut r = linked();
    let patch = Value::from(&json!({"metadata": {"labels": {"env": "m"}},
        "spec": {"selector": {"matchLabels": {"env": "s"}}}}));
    let plan = r.plan_patch(&patch);
    *r.value_mut()
        .get_path_mut(&["metadata", "labels", "env"])
        .unwrap() = Value::from("m");
    *r.value_mut()
        .get_path_mut(&["spec", "selector", "matchLabels", "env"])
        .unwrap() = Value::from("s");
    r.finish_patch(plan);
    assert_eq!(envs(&r), some(["s", "s", "s"]));
}

#[test]
fn deleted_and_replaced_places_leave_the_group() {
    let mut r = linked();
    let patch = Value::from(&json!({"metadata": {"labels": {"env": null}},
        "spec": {"selector": {"matchLabels": {"$patch": "replace", "env": "x"}}}}));
    let plan = r.plan_patch(&patch);
    r.value_mut()
        .get_path_mut(&["metadata", "labels"])
        .unwrap()
        .as_map_mut()
        .unwrap()
        .shift_remove("env");
    *r.value_mut()
        .get_path_mut(&["spec", "selector", "matchLabels", "env"])
        .unwrap() = Value::from("x");
    r.finish_patch(plan);
    assert!(!r.has_links(), "one place left links nothing");
}

#[test]
fn rebuilt_annotations_and_unmodelled_changes_unlink() {
    let mut r = linked();
    r.unlink_under(&["metadata", "labels"]);
    *r.value_mut()
        .get_path_mut(&["spec", "selector", "matchLabels", "env"])
        .unwrap() = Value::from("z");
    *r.value_mut()
        .get_path_mut(&["spec", "template", "metadata", "labels", "env"])
        .unwrap() = Value::from("t");
    r.spread_writes(&[key_path(&["spec", "template", "metadata", "labels", "env"])]);
    assert_eq!(envs(&r), some(["a", "z", "t"]));
    assert!(!r.has_links());
}

#[test]
fn replacement_writes_are_found_by_address() {
    let mut r = linked();
    let mut log = WriteLog::default();
    let node = r
        .value_mut()
        .get_path_mut(&["spec", "selector", "matchLabels", "env"])
        .unwrap();
    *node = Value::from("r");
    log.record(node, true);
    r.finish_writes(&log);
    assert_eq!(envs(&r), some(["r", "r", "r"]));
    let mut log = WriteLog::default();
    let node = r.value_mut().get_path_mut(&["metadata", "labels"]).unwrap();
    *node = Value::from(&json!({"env": "q"}));
    log.record(node, false);
    r.finish_writes(&log);
    assert_eq!(r.state.links.iter().next().unwrap().members.len(), 2);
}

#[test]
fn equal_groups_are_shared_and_copied_on_write() {
    let (mut a, mut b) = (linked(), linked());
    let mut sharing = LinkSharing::default();
    sharing.share(&mut a);
    sharing.share(&mut b);
    let shared = |r: &Resource| r.state.links.0.clone().unwrap();
    assert!(Arc::ptr_eq(&shared(&a), &shared(&b)));
    *b.value_mut()
        .get_path_mut(&["metadata", "labels", "env"])
        .unwrap() = Value::from("b");
    b.spread_writes(&[key_path(&["metadata", "labels", "env"])]);
    assert_eq!(envs(&a), some(["a", "a", "a"]));
    assert_eq!(envs(&b), some(["b", "b", "b"]));
    assert!(!Arc::ptr_eq(&shared(&a), &shared(&b)));
}
