//! Reading resource files: parsing, `List` expansion and the checks
//! kustomize's resource factory applies.
//!
//! kustomize reads a file in three passes, and the order of their effects is
//! visible in its output, so they are kept apart here:
//!
//! 1. the reader: null documents vanish, and a file holding a single
//!    `List`/`ResourceList` document (with `items` or `functionConfig`) is
//!    replaced by its items;
//! 2. every remaining node is skipped when empty, else validated;
//! 3. nodes whose kind ends in `List` and that have `items` are replaced by
//!    their items, which are read again by passes 1 and 2 and queued *after*
//!    the nodes still waiting, so `[List[a, b], c]` yields `c, a, b`.

use super::meta::{check_resource_meta, is_nil_or_empty};
use crate::resource::Resource;
use crate::yaml::{BareNullPath, PathStep, Value};
use anyhow::{anyhow, bail, Context, Result};
use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;

/// Reads the resources of one file, in kustomize's order.
pub fn read_resources(path: &Path) -> Result<Vec<Resource>> {
    let text = super::read_input_text(path)
        .with_context(|| format!("cannot read resource file {}", path.display()))?;
    resources_from_text(&text, path)
}

/// [`read_resources`], also telling whether the file's text holds
/// `needle` (one scan of text already in memory).
pub fn read_resources_finding(path: &Path, needle: &str) -> Result<(Vec<Resource>, bool)> {
    let text = super::read_input_text(path)
        .with_context(|| format!("cannot read resource file {}", path.display()))?;
    let found = text.contains(needle);
    Ok((resources_from_text(&text, path)?, found))
}

/// The resources in `text`, read as [`read_resources`] reads a file;
/// `path` names the text in errors (a file, or the URL it came from).
pub fn resources_from_text(text: &str, path: &Path) -> Result<Vec<Resource>> {
    crate::resource::note_input_bytes(text.len());
    let docs =
        crate::yaml::parse_documents_noting_bare_nulls(text, path).map_err(|e| anyhow!(e))?;
    let has_bare_nulls = docs.iter().any(|(_, nulls)| !nulls.is_empty());
    if !has_bare_nulls {
        return resources_from_documents(docs.into_iter().map(|(doc, _)| doc).collect(), path);
    }
    let plain_nulls = plain_unit_nulls(&docs);
    let mut resources =
        resources_from_documents(docs.into_iter().map(|(doc, _)| doc).collect(), path)?;
    // The plain units come first, in order; list items follow.
    if plain_nulls.len() <= resources.len() {
        for (res, nulls) in resources.iter_mut().zip(plain_nulls) {
            if !nulls.is_empty() {
                res.state.bare_nulls = nulls.into();
            }
        }
    }
    // Resources rest frozen; freezing here, on the thread that parsed the
    // file, keeps every file's trees from being alive at once.
    resources.iter_mut().for_each(Resource::freeze);
    Ok(resources)
}

/// The bare nulls of each resource that kustomize reads as written, in
/// the order the resources come out: the file's documents, or the items of
/// a file that is one `List` (which kustomize's reader unwraps). Every other
/// list is expanded through JSON, where a bare null becomes a written one,
/// so its items (which come out after these) keep none.
fn plain_unit_nulls(docs: &[(Value, Vec<BareNullPath>)]) -> Vec<Vec<BareNullPath>> {
    if let [(doc, nulls)] = docs {
        if is_wrapping_list(doc) {
            let items = doc.get("items").and_then(Value::as_seq);
            let plain = items
                .into_iter()
                .flatten()
                .enumerate()
                .filter(|(_, item)| is_plain(item));
            return plain
                .map(|(i, _)| {
                    nulls
                        .iter()
                        .filter_map(|path| match path.as_slice() {
                            [PathStep::Key(k), PathStep::Index(j), rest @ ..]
                                if k == "items" && *j == i =>
                            {
                                Some(rest.to_vec())
                            }
                            _ => None,
                        })
                        .collect()
                })
                .collect();
        }
    }
    docs.iter()
        .filter(|(doc, _)| is_plain(doc))
        .map(|(_, nulls)| nulls.clone())
        .collect()
}

/// A document that becomes one resource as it is.
fn is_plain(doc: &Value) -> bool {
    !is_nil_or_empty(doc) && !is_any_list(doc)
}

/// A document that list expansion would replace by its items.
fn is_any_list(doc: &Value) -> bool {
    is_wrapping_list(doc)
        || doc.as_map().is_some_and(|map| {
            map.get("kind")
                .and_then(Value::as_str)
                .is_some_and(|kind| kind.ends_with("List"))
                && map.contains_key("items")
        })
}

/// Turns the parsed documents of `file` into resources: expands lists,
/// skips empty documents and rejects what kustomize rejects. Errors name
/// `file`.
pub fn resources_from_documents(docs: Vec<Value>, file: &Path) -> Result<Vec<Resource>> {
    let values = expand(docs).with_context(|| file.display().to_string())?;
    let source: Arc<Path> = Arc::from(file);
    Ok(values
        .into_iter()
        .map(|v| Resource::new(v, Some(Arc::clone(&source))))
        .collect())
}

/// Passes 1 to 3 (see the module docs) over one file's documents.
fn expand(docs: Vec<Value>) -> Result<Vec<Value>> {
    let mut queue: VecDeque<Value> = validated(unwrap_single_list(docs))?.into();
    let mut out = Vec::with_capacity(queue.len());
    while let Some(mut node) = queue.pop_front() {
        let Some(items) = embedded_list_items(&mut node)? else {
            crate::sensitive::note_secret_document(&node);
            out.push(node);
            continue;
        };
        for item in items {
            queue.extend(validated(unwrap_single_list(vec![item]))?);
        }
    }
    Ok(out)
}

/// Pass 1: drops null documents and unwraps a lone `List`/`ResourceList`.
fn unwrap_single_list(mut docs: Vec<Value>) -> Vec<Value> {
    if docs.len() == 1 && is_wrapping_list(&docs[0]) {
        let Some(Value::Map(mut map)) = docs.pop() else {
            unreachable!("checked to be a mapping by is_wrapping_list");
        };
        return match map.shift_remove("items") {
            Some(Value::Seq(items)) => items.to_vec(),
            // A mapping's keys and values become nodes of their own, which
            // then fail validation, as in kustomize.
            Some(Value::Map(m)) => m
                .into_iter()
                .flat_map(|(k, v)| [Value::String(k.as_str().into()), v])
                .collect(),
            _ => Vec::new(),
        };
    }
    docs.retain(|d| !d.is_null());
    docs
}

/// A `List` or `ResourceList` that the reader unwraps: it must carry
/// `items` or `functionConfig`.
fn is_wrapping_list(doc: &Value) -> bool {
    let Some(map) = doc.as_map() else {
        return false;
    };
    let kind = map.get("kind").and_then(Value::as_str);
    matches!(kind, Some("List" | "ResourceList"))
        && (map.contains_key("items") || map.contains_key("functionConfig"))
}

/// Pass 2: skips empty nodes and validates the rest.
fn validated(nodes: Vec<Value>) -> Result<Vec<Value>> {
    let mut kept = Vec::with_capacity(nodes.len());
    for node in nodes {
        if is_nil_or_empty(&node) {
            continue;
        }
        check_resource_meta(&node).map_err(|message| anyhow!(message))?;
        kept.push(node);
    }
    Ok(kept)
}

/// Pass 3 for one node: `Some(items)` (taken out of the node) when the kind
/// ends in `List` and `items` is present; an error when `items` is not a
/// sequence.
fn embedded_list_items(node: &mut Value) -> Result<Option<Vec<Value>>> {
    let Some(map) = node.as_map_mut() else {
        return Ok(None);
    };
    let kind = match map.get("kind").and_then(Value::as_str) {
        Some(kind) if kind.ends_with("List") && map.contains_key("items") => kind.to_string(),
        _ => return Ok(None),
    };
    match map.get_mut("items").map(std::mem::take) {
        Some(Value::Seq(items)) => Ok(Some(items.to_vec())),
        Some(Value::Null) | None => Ok(Some(Vec::new())),
        Some(other) => bail!(
            "expected array in {kind}/items, but found {}",
            go_type_name(&other)
        ),
    }
}

/// The Go type kustomize reports for a decoded YAML value.
fn go_type_name(value: &Value) -> &'static str {
    match value.resolved() {
        Value::Text(t) => go_type_name(&t.value),
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::UInt(_) => "uint64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::Seq(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn docs(values: &[serde_json::Value]) -> Vec<Value> {
        values.iter().map(Value::from).collect()
    }

    fn cm(name: &str) -> serde_json::Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}})
    }

    fn names(docs_in: &[serde_json::Value]) -> Result<Vec<String>> {
        let resources = resources_from_documents(docs(docs_in), Path::new("res.yaml"))?;
        Ok(resources.iter().map(|r| r.name().to_string()).collect())
    }

    #[test]
    fn plain_documents_keep_order_and_source() {
        let resources =
            resources_from_documents(docs(&[cm("a"), cm("b")]), Path::new("dir/res.yaml")).unwrap();
        assert_eq!(resources.len(), 2);
        assert_eq!(resources[1].name(), "b");
        assert_eq!(
            resources[0].source.as_deref(),
            Some(Path::new("dir/res.yaml"))
        );
    }

    #[test]
    fn empty_documents_are_skipped() {
        let got = names(&[json!(null), json!({}), json!([]), cm("a")]).unwrap();
        assert_eq!(got, ["a"]);
    }

    #[test]
    fn single_list_expands_in_place_then_nested_lists_go_last() {
        let inner = json!({"kind": "ConfigMapList", "items": [cm("inner")]});
        let list = json!({"kind": "List", "items": [cm("a"), inner, cm("b")]});
        assert_eq!(names(&[list]).unwrap(), ["a", "b", "inner"]);
    }

    #[test]
    fn list_among_documents_expands_after_the_rest() {
        let inner = json!({"kind": "List", "items": [cm("x")]});
        let list = json!({"kind": "List", "items": [cm("a"), inner, cm("b")]});
        // The nested List is itself a lone document when re-read, so it is
        // unwrapped at once: its item keeps its place.
        assert_eq!(names(&[list, cm("c")]).unwrap(), ["c", "a", "x", "b"]);
    }

    #[test]
    fn list_items_null_or_empty_are_dropped() {
        let list = json!({"kind": "List", "items": [null, {}, cm("a")]});
        assert_eq!(names(&[cm("b"), list]).unwrap(), ["b", "a"]);
        let none = json!({"apiVersion": "v1", "kind": "FooList", "items": null});
        assert!(names(&[none]).unwrap().is_empty());
    }

    #[test]
    fn list_without_items_is_a_resource() {
        let list = json!({"apiVersion": "v1", "kind": "FooList", "metadata": {"name": "x"}});
        assert_eq!(names(&[list]).unwrap(), ["x"]);
        let bare = json!({"apiVersion": "v1", "kind": "FooList"});
        assert_eq!(names(&[bare]).unwrap(), [""]);
    }

    #[test]
    fn function_config_only_resource_list_yields_nothing() {
        let rl = json!({"kind": "ResourceList", "functionConfig": {"kind": "X"}});
        assert!(names(&[rl]).unwrap().is_empty());
    }

    #[test]
    fn bad_items_are_errors_naming_the_file() {
        let list = json!({"apiVersion": "v1", "kind": "FooList", "items": 3});
        let err = format!("{:#}", names(&[cm("a"), list]).unwrap_err());
        assert_eq!(
            err,
            "res.yaml: expected array in FooList/items, but found int"
        );
        let mapping = json!({"kind": "List", "items": {"a": "b"}});
        let err = format!("{:#}", names(&[mapping]).unwrap_err());
        assert!(err.ends_with("missing Resource metadata"), "{err}");
        let scalar_item = json!({"kind": "List", "items": [3]});
        assert!(names(&[scalar_item]).is_err());
    }

    #[test]
    fn invalid_documents_are_rejected() {
        let err = format!(
            "{:#}",
            names(&[json!({"metadata": {"name": "a"}})]).unwrap_err()
        );
        assert_eq!(
            err,
            "res.yaml: missing kind in object {{ } {{a } map[] map[]}}"
        );
        let kustomization = json!({
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": []
        });
        let err = format!("{:#}", names(&[kustomization]).unwrap_err());
        assert!(err.contains("missing metadata.name"), "{err}");
        assert!(names(&[json!("hello")]).is_err());
        assert!(names(&[json!([cm("a")])]).is_err());
    }

    #[test]
    fn list_items_are_validated() {
        let list = json!({"kind": "List", "items": [{"kind": "ConfigMap", "metadata": {"namespace": "a"}}]});
        let err = format!("{:#}", names(&[list]).unwrap_err());
        assert!(err.ends_with("missing metadata.name in object {{ ConfigMap} {{ a} map[] map[]}}"));
    }
}
