//! Adding string entries (labels or annotations) at field specs, shared by
//! the label and annotation transformers.

use crate::fieldspec::{apply_field_spec, CreateKind, FieldSpec, NodeKind, SetError};
use crate::resource::ResourceList;
use crate::yaml::Value;
use std::collections::BTreeMap;

/// Sets every `key: value` of `entries` in the mapping each of `specs`
/// reaches in each resource, creating mappings where a spec says so.
///
/// Keys go in sorted order, each through every spec, as kustomize does.
/// Values are always strings.
pub(crate) fn add_entries(
    resources: &mut ResourceList,
    entries: &BTreeMap<String, String>,
    specs: &[FieldSpec],
) -> anyhow::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut matching: Vec<&FieldSpec> = Vec::with_capacity(specs.len());
    for resource in resources.iter_mut() {
        matching.clear();
        let api_version = resource.api_version();
        let kind = resource.kind();
        matching.extend(specs.iter().filter(|s| s.matches(api_version, kind)));
        for (key, value) in entries {
            let mut setter = |node: &mut Value| set_entry(node, key, value);
            for spec in &matching {
                apply_field_spec(&mut resource.value, spec, CreateKind::Map, &mut setter)?;
            }
        }
    }
    Ok(())
}

/// Sets `key: value` in a mapping. A null is left alone (kustomize appends
/// to the null node, which still prints as null); anything else is an
/// error.
pub(crate) fn set_entry(node: &mut Value, key: &str, value: &str) -> Result<(), SetError> {
    match node {
        Value::Null => Ok(()),
        Value::Map(map) => {
            match map.get_mut(key) {
                Some(slot) => *slot = Value::String(value.to_string()),
                None => {
                    map.insert(key.to_string(), Value::String(value.to_string()));
                }
            }
            Ok(())
        }
        other => Err(SetError::wrong_kind(NodeKind::Mapping, other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;

    fn list(docs: serde_json::Value) -> ResourceList {
        let mut l = ResourceList::new();
        for d in docs.as_array().unwrap() {
            l.push(Resource::new(Value::from(d), None)).unwrap();
        }
        l
    }

    #[test]
    fn sets_strings_and_keeps_positions() {
        let mut l = list(serde_json::json!([
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "labels": {"x": 1, "z": "q"}}}
        ]));
        let entries = BTreeMap::from([
            ("x".to_string(), "1".to_string()),
            ("b".to_string(), "2".to_string()),
        ]);
        add_entries(&mut l, &entries, &[FieldSpec::new("metadata/labels", true)]).unwrap();
        let labels = l
            .iter()
            .next()
            .unwrap()
            .string_map("labels")
            .unwrap()
            .clone();
        let keys: Vec<&str> = labels.keys().map(String::as_str).collect();
        assert_eq!(keys, ["x", "z", "b"]);
        assert_eq!(labels.get("x"), Some(&Value::String("1".into())));
    }

    #[test]
    fn null_targets_stay_null_and_scalars_are_errors() {
        let mut n = Value::Null;
        set_entry(&mut n, "k", "v").unwrap();
        assert_eq!(n, Value::Null);
        let mut s = Value::Int(5);
        let err = set_entry(&mut s, "k", "v").unwrap_err();
        assert_eq!(
            err.to_string(),
            "wrong node kind: expected MappingNode but got ScalarNode: node contents:\n5\n"
        );
    }
}
