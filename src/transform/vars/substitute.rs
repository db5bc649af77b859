//! Resolving the declared vars at the end of the build and substituting
//! them in the `varReference` fields.
//!
//! Each var's value is read from the resource its declaration marked. The
//! fields listed by the `varReference` field specs are then rewritten: a
//! string field is expanded; in a mapping every string value is (other
//! values are skipped); in a sequence every item must be a string. Nothing
//! happens at all when no var is declared.

use super::expand::{expand, Expansion};
use super::set::VarSet;
use super::value::{read_field, VarValue};
use super::Var;
use crate::fieldspec::{CompiledSpec, CreateKind, FieldSpec, SetError};
use crate::resource::ResourceList;
use crate::yaml::Value;
use anyhow::{bail, Result};
use std::collections::{BTreeSet, HashMap};

/// Reads every declared var's value and substitutes the vars in the fields
/// `specs` name. Returns the names of the vars no field used, by name.
pub fn resolve(
    resources: &mut ResourceList,
    vars: &VarSet,
    specs: &[FieldSpec],
) -> Result<Vec<String>> {
    let values = read_values(resources, vars)?;
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let mut used = BTreeSet::new();
    let compiled: Vec<CompiledSpec<'_>> = specs.iter().map(CompiledSpec::new).collect();
    let mut lookup = |name: &str| {
        let value = values.get(name)?;
        if *value != VarValue::Structured {
            used.insert(name.to_string());
        }
        Some(value)
    };
    let annotations: Vec<bool> = compiled.iter().map(reaches_annotations).collect();
    resources.try_for_each_mut(|resource| {
        let object = resource.value_mut();
        for (spec, &annotations) in compiled.iter().zip(&annotations) {
            spec.apply(object, CreateKind::Nothing, &mut |node| {
                substitute_in(node, &mut lookup, annotations)
            })?;
        }
        // kustomize expands in place, so a shared label or annotation
        // value changes at every place it is linked to.
        resource.spread_changes();
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(vars
        .iter()
        .map(|var| &var.name)
        .filter(|name| !used.contains(*name))
        .cloned()
        .collect())
}

/// The value of every var, read from the resource marked with its name
/// (the first in list order).
fn read_values<'a>(
    resources: &ResourceList,
    vars: &'a VarSet,
) -> Result<HashMap<&'a str, VarValue>> {
    let mut values = HashMap::new();
    for var in vars.iter() {
        values.insert(var.name.as_str(), read_value(resources, var)?);
    }
    Ok(values)
}

fn read_value(resources: &ResourceList, var: &Var) -> Result<VarValue> {
    let marked = resources
        .iter()
        .find(|r| r.state.var_names.contains(&var.name));
    let Some(resource) = marked else {
        bail!("var '{var}' cannot be mapped to a field in the set of known resources");
    };
    match read_field(&resource.value(), var.field_path()) {
        Some(value) => Ok(value),
        None => bail!("field specified in var '{var}' not found in corresponding resource"),
    }
}

/// True when the spec reaches the object's own annotations (the mapping
/// or one entry of it).
fn reaches_annotations(spec: &CompiledSpec<'_>) -> bool {
    let mut names = spec.field_names();
    names.next() == Some("metadata") && names.next() == Some("annotations")
}

/// The setter for one field a spec reached. `annotations` tells that the
/// field is (or holds) the object's own annotations.
fn substitute_in<'v>(
    node: &mut Value,
    lookup: &mut impl FnMut(&str) -> Option<&'v VarValue>,
    annotations: bool,
) -> Result<(), SetError> {
    match node {
        Value::Map(entries) => {
            for value in entries.values_mut() {
                if matches!(value, Value::String(_)) {
                    expand_in_place(value, lookup, annotations);
                }
            }
        }
        Value::Seq(items) => {
            for item in items.iter_mut() {
                if !matches!(item, Value::String(_)) {
                    return Err(SetError::Other(
                        "invalid value type expect a string".to_string(),
                    ));
                }
                expand_in_place(item, lookup, annotations);
            }
        }
        Value::String(_) => expand_in_place(node, lookup, annotations),
        _ => {}
    }
    Ok(())
}

/// Replaces a string node by its expansion.
///
/// kustomize writes a whole-field float as plain decimal text (never an
/// exponent) tagged as a float. Annotations are printed from that text;
/// everywhere else the number is printed, so only annotations keep the
/// text.
fn expand_in_place<'v>(
    node: &mut Value,
    lookup: &mut impl FnMut(&str) -> Option<&'v VarValue>,
    annotations: bool,
) {
    let Value::String(text) = node else {
        return;
    };
    match expand(text, &mut *lookup) {
        Some(Expansion::Whole(Value::Float(f))) if annotations => {
            // Rust's shortest decimal form is Go's `FormatFloat(f, 'f', -1)`.
            *node = Value::String(f.to_string().into());
        }
        Some(Expansion::Whole(value)) => *node = value,
        Some(Expansion::Text(new)) => *text = new.into(),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;

    fn resources() -> ResourceList {
        let mut list = ResourceList::new();
        let service = serde_json::json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "svc"}, "spec": {"ports": [{"port": 8080}]}
        });
        let pod = serde_json::json!({
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c",
                "command": ["run", "$(HOST):$(PORT)"], "args": ["$(PORT)"]}]}
        });
        for json in [service, pod] {
            list.push(Resource::new(Value::from(&json), None)).unwrap();
        }
        list
    }

    fn declare(list: &mut ResourceList, json: serde_json::Value) -> VarSet {
        let vars: Vec<Var> = serde_json::from_value(json).unwrap();
        let mut set = VarSet::new();
        set.declare(&vars, list).unwrap();
        set
    }

    fn specs() -> Vec<FieldSpec> {
        ["spec/containers/command", "spec/containers/args"]
            .iter()
            .map(|p| FieldSpec::new(p, false))
            .collect()
    }

    #[test]
    fn substitutes_typed_and_embedded() {
        let mut list = resources();
        let set = declare(
            &mut list,
            serde_json::json!([
                {"name": "HOST", "objref": {"apiVersion": "v1", "kind": "Service", "name": "svc"}},
                {"name": "PORT", "objref": {"apiVersion": "v1", "kind": "Service", "name": "svc"},
                 "fieldref": {"fieldPath": "spec.ports[0].port"}},
                {"name": "UNUSED", "objref": {"apiVersion": "v1", "kind": "Pod", "name": "p"}},
            ]),
        );
        let unused = resolve(&mut list, &set, &specs()).unwrap();
        assert_eq!(unused, ["UNUSED"]);
        let pod = list.as_slice()[1].value();
        let container = pod.get_path(&["spec", "containers"]);
        let container = &container.unwrap().as_seq().unwrap()[0];
        let command = container.get_path(&["command"]).unwrap().as_seq().unwrap();
        assert_eq!(command[1], Value::String("svc:8080".into()));
        let args = container.get_path(&["args"]).unwrap().as_seq().unwrap();
        assert_eq!(args[0], Value::Int(8080));
    }

    #[test]
    fn unresolvable_vars_fail() {
        let mut list = resources();
        let set = declare(
            &mut list,
            serde_json::json!([{"name": "X", "objref": {"kind": "Service", "name": "nope"}}]),
        );
        let err = resolve(&mut list, &set, &specs()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "var '{X Service.[noVer].[noGrp] {metadata.name}}' cannot be mapped to a field \
             in the set of known resources"
        );
        let mut list = resources();
        let set = declare(
            &mut list,
            serde_json::json!([{"name": "X", "objref": {"kind": "Service", "apiVersion": "v1",
                "name": "svc"}, "fieldref": {"fieldPath": "spec.nope"}}]),
        );
        let err = resolve(&mut list, &set, &specs()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "field specified in var '{X Service.v1.[noGrp] {spec.nope}}' not found in \
             corresponding resource"
        );
    }

    #[test]
    fn non_string_items_fail_only_when_vars_exist() {
        let mut list = resources();
        {
            let mut items = list.items_mut();
            let pod = items[1].value_mut().get_path_mut(&["spec", "containers"]);
            let containers = pod.unwrap().as_seq_mut().unwrap();
            containers[0]
                .as_map_mut()
                .unwrap()
                .insert("args".into(), Value::Seq(vec![Value::Int(1)].into()));
        }
        assert!(resolve(&mut list, &VarSet::new(), &specs())
            .unwrap()
            .is_empty());
        let set = declare(
            &mut list,
            serde_json::json!([{"name": "H", "objref": {"apiVersion": "v1", "kind": "Service",
                "name": "svc"}}]),
        );
        let err = resolve(&mut list, &set, &specs()).unwrap_err();
        assert!(err
            .to_string()
            .ends_with("invalid value type expect a string"));
    }
}
