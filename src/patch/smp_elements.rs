//! The list-element primitives kustomize's strategic merge is built from:
//! finding, replacing and removing elements by key values, and the key
//! bookkeeping for lists with several merge keys.
//!
//! These reproduce kustomize's exact matching rules, including the ones that
//! look accidental (an empty key value matches any element that has the
//! key; an element without the key drops every other element when it is
//! re-inserted), because real outputs depend on them.

use crate::yaml::Value;
use std::borrow::Cow;

/// The text kustomize compares when it matches values: a scalar's text,
/// `null` for null, and nothing for collections.
pub(super) fn raw_text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(s) => Cow::Borrowed(s),
        Value::Text(t) => Cow::Borrowed(&t.text),
        Value::Null => Cow::Borrowed("null"),
        Value::Seq(_) | Value::Map(_) => Cow::Borrowed(""),
        other => Cow::Owned(other.scalar_text().unwrap_or_default()),
    }
}

/// A patch scalar written over a target field in quotes: the patch's node
/// takes the field's style, so a non-string value (`1.0`, `0123`, `-1`)
/// prints as the string of its text.
pub(super) fn in_style(walked: super::Walked, quoted: bool) -> super::Walked {
    match walked {
        super::Walked::Replaced(v) if quoted && v.is_scalar() && !matches!(v, Value::String(_)) => {
            super::Walked::Replaced(Value::String(raw_text(&v).into()))
        }
        walked => walked,
    }
}

/// A key's value as kustomize collects it for merging: empty for a missing
/// key and for null or empty values.
fn key_value_text(element: &Value, key: &str) -> String {
    match element.get(key) {
        None | Some(Value::Null) => String::new(),
        Some(Value::Map(m)) if m.is_empty() => String::new(),
        Some(Value::Seq(s)) if s.is_empty() => String::new(),
        Some(value) => raw_text(value).into_owned(),
    }
}

/// Null and `{}` elements, which kustomize drops whenever it rewrites a list.
fn is_null_or_empty_map(value: &Value) -> bool {
    match value.resolved() {
        Value::Null => true,
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

/// The error kustomize reports when a node has the wrong shape.
pub(super) fn wrong_kind(expected: &str, node: &Value) -> anyhow::Error {
    let mut contents = String::new();
    if node.is_scalar() {
        contents = raw_text(node).into_owned();
        contents.push('\n');
    } else if crate::yaml::print_document(node, &mut contents).is_err() {
        contents.clear();
    }
    anyhow::anyhow!(
        "wrong node kind: expected {expected} but got {}: node contents:\n{contents}",
        node_kind_name(node)
    )
}

/// kustomize's name for the kind of YAML node holding `value`.
pub(super) fn node_kind_name(value: &Value) -> &'static str {
    match value {
        Value::Map(_) => "MappingNode",
        Value::Seq(_) => "SequenceNode",
        _ => "ScalarNode",
    }
}

/// Does `element` match `key = value`? An empty `key` compares a scalar
/// element itself; an empty `value` only asks for the key to be present.
/// Null elements never match.
fn matches_key(element: &Value, key: &str, value: &str) -> anyhow::Result<bool> {
    if element.is_null() {
        return Ok(false);
    }
    if key.is_empty() {
        if !element.is_scalar() {
            return Err(wrong_kind("ScalarNode", element));
        }
        return Ok(raw_text(element) == value);
    }
    let Value::Map(map) = element else {
        return Err(wrong_kind("MappingNode", element));
    };
    Ok(match map.get(key) {
        None => false,
        Some(_) if value.is_empty() => true,
        Some(found) => raw_text(found) == value,
    })
}

/// Replaces (or, with `element` `None`, removes) every element matching all
/// `keys`/`values` pairs, appending `element` when nothing matched. Like
/// kustomize, it also drops null and `{}` elements, and with no values at
/// all it drops every non-matching element.
pub(super) fn set_element(
    list: &mut crate::yaml::Seq,
    element: Option<&Value>,
    keys: &[String],
    values: &[String],
) -> anyhow::Result<()> {
    let empty_key = [String::new()];
    let keys = if keys.is_empty() {
        &empty_key[..]
    } else {
        keys
    };
    let mapping_setter = !keys[0].is_empty() && values.first().is_some_and(|v| !v.is_empty());
    let mut kept = crate::yaml::Seq::with_capacity(list.len() + 1);
    let mut matched_any = false;
    for existing in std::mem::take(list) {
        if is_null_or_empty_map(&existing) {
            continue;
        }
        if mapping_setter && !matches!(existing, Value::Map(_)) {
            kept.push(existing);
            continue;
        }
        if !matches_all_prefix(&existing, keys, values)? {
            if !values.is_empty() {
                kept.push(existing);
            }
            continue;
        }
        matched_any = true;
        if let Some(new) = element {
            kept.push(new.clone());
        }
    }
    *list = kept;
    if let Some(new) = element.filter(|e| !e.is_null()) {
        if !matched_any {
            list.push(new.clone());
        }
    }
    Ok(())
}

/// kustomize's element test in [`set_element`]: keys beyond the values are
/// not checked, but with no values at all nothing matches.
fn matches_all_prefix(element: &Value, keys: &[String], values: &[String]) -> anyhow::Result<bool> {
    if values.is_empty() {
        return Ok(false);
    }
    for (key, value) in keys.iter().zip(values) {
        if !matches_key(element, key, value)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The index of the first element whose keys have exactly these values (an
/// empty value matches only an empty one here). An empty first key compares
/// scalar elements themselves.
pub(super) fn find_element(list: &[Value], keys: &[String], values: &[String]) -> Option<usize> {
    let key0 = keys.first().map(String::as_str).unwrap_or("");
    let value0 = values.first().map(String::as_str).unwrap_or("");
    if key0.is_empty() {
        return list.iter().position(|e| raw_text(e) == value0);
    }
    if keys.len() != values.len() {
        return None;
    }
    list.iter().position(|element| {
        let Value::Map(map) = element else {
            return false;
        };
        keys.iter().zip(values).all(|(key, value)| {
            map.get(key)
                .is_some_and(|found| raw_text(found) == value.as_str())
        })
    })
}

/// Each element's values for `keys`, in list order.
pub(super) fn element_key_values(list: &[Value], keys: &[String]) -> Vec<Vec<String>> {
    list.iter()
        .map(|element| keys.iter().map(|k| key_value_text(element, k)).collect())
        .collect()
}

/// Narrows `keys`/`values` to the keys that have a value somewhere in
/// `all_values`; when none has, everything is kept.
pub(super) fn valid_keys(
    all_values: &[Vec<String>],
    values: &[String],
    keys: &[String],
) -> (Vec<String>, Vec<String>) {
    let used = |index: usize| {
        all_values
            .iter()
            .any(|vs| vs.get(index).is_some_and(|v| !v.is_empty()))
    };
    let used_keys: Vec<bool> = (0..keys.len()).map(used).collect();
    let key_used = |key: &String| keys.iter().zip(&used_keys).any(|(k, u)| *u && k == key);
    if !used_keys.iter().any(|u| *u) {
        return (keys.to_vec(), values.to_vec());
    }
    let kept_keys = keys.iter().filter(|k| key_used(k)).cloned().collect();
    let kept_values = values
        .iter()
        .enumerate()
        .filter(|(i, v)| !v.is_empty() || keys.get(*i).is_some_and(key_used))
        .map(|(_, v)| v.clone())
        .collect();
    (kept_keys, kept_values)
}

/// With several merge keys, unifies value lists that agree wherever both
/// have a value (`[80, ""]` and `[80, TCP]` become `[80, TCP]`), in
/// kustomize's order: each list is compared, as it was when its turn came,
/// against every list as it is now.
pub(super) fn unify_partial_values(lists: &mut [Vec<String>]) {
    for i in 0..lists.len() {
        let first = lists[i].clone();
        for j in 0..lists.len() {
            if let Some(unified) = unify(&first, &lists[j]) {
                lists[i] = unified.clone();
                lists[j] = unified;
            }
        }
    }
}

/// Two value lists unify when they share at least one equal position and
/// differ only where one side is empty.
fn unify(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() != b.len() {
        return None;
    }
    let mut shared = false;
    let mut unified = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        if x == y {
            shared = true;
            unified.push(x.clone());
        } else if !x.is_empty() && !y.is_empty() {
            return None;
        } else if x.is_empty() {
            unified.push(y.clone());
        } else {
            unified.push(x.clone());
        }
    }
    shared.then_some(unified)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn named(name: &str) -> Value {
        let mut m = crate::yaml::Mapping::new();
        m.insert("name".into(), name.into());
        Value::Map(m)
    }

    #[test]
    fn set_element_replaces_appends_and_removes() {
        let mut list: crate::yaml::Seq = thin_vec::thin_vec![named("a"), Value::Null, named("b")];
        set_element(
            &mut list,
            Some(&named("b")),
            &strings(&["name"]),
            &strings(&["b"]),
        )
        .unwrap();
        assert_eq!(list, vec![named("a"), named("b")]);
        set_element(
            &mut list,
            Some(&named("c")),
            &strings(&["name"]),
            &strings(&["c"]),
        )
        .unwrap();
        assert_eq!(list.len(), 3);
        set_element(&mut list, None, &strings(&["name"]), &strings(&["a"])).unwrap();
        assert_eq!(list, vec![named("b"), named("c")]);
        // An empty value matches every element that has the key.
        set_element(&mut list, None, &strings(&["name"]), &strings(&[""])).unwrap();
        assert!(list.is_empty());
    }

    #[test]
    fn set_element_without_values_keeps_nothing_else() {
        let mut list: crate::yaml::Seq = thin_vec::thin_vec![named("a"), named("b")];
        set_element(&mut list, Some(&named("x")), &strings(&["name"]), &[]).unwrap();
        assert_eq!(list.as_slice(), [named("x")]);
    }

    #[test]
    fn scalar_matching_rejects_mappings() {
        let mut list: crate::yaml::Seq = thin_vec::thin_vec![named("a")];
        let err = set_element(&mut list, None, &[], &strings(&["a"])).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("wrong node kind: expected ScalarNode"));
    }

    #[test]
    fn find_element_needs_exact_values() {
        let list = vec!["x".into(), named("a"), Value::Int(3)];
        assert_eq!(
            find_element(&list, &strings(&["name"]), &strings(&["a"])),
            Some(1)
        );
        assert_eq!(
            find_element(&list, &strings(&[""]), &strings(&["3"])),
            Some(2)
        );
        assert_eq!(
            find_element(&list, &strings(&["name"]), &strings(&[""])),
            None
        );
    }

    #[test]
    fn partial_values_unify() {
        let mut lists = vec![
            strings(&["80", ""]),
            strings(&["80", "TCP"]),
            strings(&["90", ""]),
        ];
        unify_partial_values(&mut lists);
        assert_eq!(lists[0], strings(&["80", "TCP"]));
        assert_eq!(lists[2], strings(&["90", ""]));
        let (k, v) = valid_keys(
            &[strings(&["100", ""])],
            &strings(&["100", ""]),
            &strings(&["port", "protocol"]),
        );
        assert_eq!((k, v), (strings(&["port"]), strings(&["100"])));
    }
}
