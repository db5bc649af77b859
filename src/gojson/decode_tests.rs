use super::*;
use crate::kustomization::{Image, Kustomization, Replica, StringMap};
use serde_json::json;

fn kustomization(v: J) -> Result<Kustomization, DecodeError> {
    decode(&v)
}

fn message(v: J) -> String {
    kustomization(v).unwrap_err().to_string()
}

#[test]
fn type_errors_name_the_path_and_the_kinds() {
    assert_eq!(
        message(json!({"images": [{"name": "nginx", "newTag": 2.0}]})),
        "images[0].newTag: expected a string, found the number 2.0 (quote it to keep it text: \"2.0\")"
    );
    assert_eq!(
        message(json!({"replicas": [{"name": "web", "count": "three"}]})),
        "replicas[0].count: expected an integer, found the string \"three\""
    );
    assert_eq!(
        message(json!({"replicas": [{"name": "web", "count": "3"}]})),
        "replicas[0].count: expected an integer, found the string \"3\" (remove the quotes to make it a number)"
    );
    assert_eq!(
        message(json!({"resources": "a.yaml"})),
        "resources: expected a list, found the string \"a.yaml\" (write a list as `- item` lines, or as [item, ...])"
    );
    assert_eq!(
        message(json!({"commonLabels": ["a"]})),
        "commonLabels: expected a mapping, found a list"
    );
    assert_eq!(
        message(json!({"commonLabels": {"app.kubernetes.io/name": true}})),
        "commonLabels[\"app.kubernetes.io/name\"]: expected a string, found the boolean true (quote it to keep it text: \"true\")"
    );
    assert_eq!(
        message(json!({"generatorOptions": {"disableNameSuffixHash": "true"}})),
        "generatorOptions.disableNameSuffixHash: expected true or false, found the string \"true\" (remove the quotes to make it a boolean)"
    );
    assert_eq!(message(json!(["a"])), "expected a mapping, found a list");
}

#[test]
fn integers_follow_go() {
    let count = |v: J| decode::<Replica>(&json!({"name": "x", "count": v}));
    assert_eq!(count(json!(2.0)).unwrap().count, 2);
    assert_eq!(count(json!(1e3)).unwrap().count, 1000);
    assert_eq!(count(json!(-0.0)).unwrap().count, 0);
    assert_eq!(count(json!(null)).unwrap().count, 0);
    assert_eq!(
        count(json!(-9_223_372_036_854_775_808.0)).unwrap().count,
        i64::MIN
    );
    for bad in [json!(2.5), json!(9.3e18), json!(1e21), json!(u64::MAX)] {
        assert!(count(bad.clone()).is_err(), "{bad}");
    }
    let e = count(json!(2.5)).unwrap_err().to_string();
    assert_eq!(
        e,
        "count: expected an integer, found the number 2.5 (not a whole number)"
    );
    let e = count(json!(1e21)).unwrap_err().to_string();
    assert!(e.ends_with("(out of range for a 64-bit integer)"), "{e}");
    assert!(decode::<u8>(&json!(300)).is_err());
    assert!(decode::<u32>(&json!(-1)).is_err());
    assert_eq!(decode::<u32>(&json!(7.0)).unwrap(), 7);
}

#[test]
fn null_is_the_zero_value_everywhere() {
    let k = kustomization(json!({
        "images": [null, {"name": "a", "newTag": null}],
        "commonLabels": {"a": null},
        "resources": [null],
        "generatorOptions": null,
    }))
    .unwrap();
    assert_eq!(k.images.len(), 2);
    assert_eq!(k.images[1].new_tag, "");
    assert_eq!(k.common_labels.get("a").map(String::as_str), Some(""));
    assert_eq!(k.resources, [""]);
    assert!(k.generator_options.is_none());
    assert!(decode::<bool>(&J::Null).is_ok_and(|b| !b));
    assert!(decode::<Vec<String>>(&J::Null).is_ok_and(|v| v.is_empty()));
    assert!(decode::<StringMap>(&J::Null).is_ok_and(|m| m.is_empty()));
    assert_eq!(decode::<Option<String>>(&J::Null).unwrap(), None);
    // Where any value is accepted, null stays null.
    assert_eq!(decode::<J>(&json!([null, 1])).unwrap(), json!([null, 1]));
}

#[test]
fn structs_come_only_from_mappings() {
    let e = decode::<Vec<Image>>(&json!([["nginx", "x"]])).unwrap_err();
    assert_eq!(e.to_string(), "[0]: expected a mapping, found a list");
    assert!(decode::<Image>(&json!("nginx")).is_err());
}

#[test]
fn no_conversions_between_scalars() {
    assert!(decode::<String>(&json!(1)).is_err());
    assert!(decode::<String>(&json!(true)).is_err());
    assert!(decode::<bool>(&json!("yes")).is_err());
    assert!(decode::<bool>(&json!(1)).is_err());
    assert!(decode::<i64>(&json!("1")).is_err());
    assert!(decode::<Vec<String>>(&json!("a")).is_err());
}

#[test]
fn unknown_fields_suggest_the_closest_name() {
    assert_eq!(
        message(json!({"commonLabel": {"a": "b"}})),
        "unknown field commonLabel; did you mean commonLabels?"
    );
    assert_eq!(
        message(json!({"resource": []})),
        "unknown field resource; did you mean resources?"
    );
    assert_eq!(
        message(json!({"patchesStrategicMerges": []})),
        "unknown field patchesStrategicMerges; did you mean patchesStrategicMerge?"
    );
    assert_eq!(
        message(json!({"lables": []})),
        "unknown field lables; did you mean labels?"
    );
    // Nothing close: a long list of fields is not spelled out, a short one is.
    assert_eq!(message(json!({"bogus": 1})), "unknown field bogus");
    assert_eq!(
        message(json!({"replicas": [{"name": "x", "cnt": 1}]})),
        "unknown field replicas[0].cnt (known fields: name, count)"
    );
    assert_eq!(
        message(json!({"images": [{"name": "x", "newTagg": "1"}]})),
        "unknown field images[0].newTagg; did you mean newTag?"
    );
    let e = kustomization(json!({"commonLabel": {}})).unwrap_err();
    assert!(e.is_unknown_field());
    assert_eq!(e.suggestion(), Some("commonLabels"));
}

#[test]
fn misspellings_within_a_few_edits() {
    let suggestion = |field: &str| kustomization(json!({ field: 1 })).unwrap_err().suggestion();
    assert_eq!(suggestion("nameSufix"), Some("nameSuffix"));
    assert_eq!(suggestion("namspace"), Some("namespace"));
    assert_eq!(suggestion("componets"), Some("components"));
    assert_eq!(suggestion("nmaePrefix"), Some("namePrefix"));
    assert_eq!(suggestion("xyz"), None);
}

#[test]
fn struct_fields_match_ignoring_case_and_the_later_key_wins() {
    let image: Image = decode(&json!({"NAME": "nginx", "newtag": "1", "NewTag": "2"})).unwrap();
    assert_eq!(
        (image.name.as_str(), image.new_tag.as_str()),
        ("nginx", "2")
    );
    // Keys of mappings that are data, not structures, stay as written.
    let labels: StringMap = decode(&json!({"APP": "x"})).unwrap();
    assert_eq!(labels.keys().collect::<Vec<_>>(), ["APP"]);
}
