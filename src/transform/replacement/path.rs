//! Field paths as kustomize's replacements spell them
//! (`spec.containers.[name=app].image`, `a.*.b`, `metadata.annotations.[a.b]`),
//! read from a source with exact element matches and written to targets
//! with regular-expression element matches, wildcards and creation.

use crate::yaml::{Mapping, Value};
use anyhow::{anyhow, bail, Result};
use regex::Regex;

/// Splits a field path on `delimiter`: a backslash escapes a delimiter, a
/// leading delimiter is dropped, and a bracketed part keeps its delimiters
/// (its brackets too when it selects list elements with `=`).
pub fn split_path(path: &str, delimiter: &str) -> Vec<String> {
    let mut raw: Vec<String> = Vec::new();
    let mut parts: Vec<&str> = path.split(delimiter).collect();
    if parts.len() > 1 && parts[0].is_empty() {
        parts.remove(0);
    }
    for part in parts {
        match raw.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push_str(delimiter);
                last.push_str(part);
            }
            _ => raw.push(part.to_string()),
        }
    }
    join_brackets(raw, delimiter)
}

/// Rejoins the pieces of a bracketed part that the split cut apart.
fn join_brackets(raw: Vec<String>, delimiter: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pieces = raw.into_iter();
    while let Some(piece) = pieces.next() {
        if !piece.starts_with('[') || piece.ends_with(']') {
            out.push(piece);
            continue;
        }
        let mut joined = vec![piece];
        for next in pieces.by_ref() {
            let closes = next.ends_with(']');
            joined.push(next);
            if closes {
                break;
            }
        }
        let joined = joined.join(delimiter);
        if joined.contains('=') {
            out.push(joined);
        } else {
            out.push(joined.trim_matches(|c| c == '[' || c == ']').to_string());
        }
    }
    out
}

fn is_list_index(part: &str) -> bool {
    part.starts_with('[') && part.ends_with(']')
}

/// `[name=value]` as (name, value); `[=value]` matches scalar elements.
fn split_name_value(part: &str) -> Result<(&str, &str)> {
    let inner = part.strip_suffix(']').unwrap_or(part);
    let inner = inner.strip_prefix('[').unwrap_or(inner);
    inner.split_once('=').ok_or_else(|| {
        anyhow!("list path element must contain fieldName=fieldValue for element to match")
    })
}

/// YAML's name for a node's kind, as kustomize prints it in errors.
fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Map(_) => "MappingNode",
        Value::Seq(_) => "SequenceNode",
        _ => "ScalarNode",
    }
}

fn wrong_kind(expected: &str, v: &Value) -> anyhow::Error {
    anyhow!(
        "wrong node kind: expected {expected} but got {}",
        kind_name(v)
    )
}

/// An element's text for matching, as kustomize reads scalars.
fn element_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some("null".to_string()),
        other => other.scalar_text(),
    }
}

/// Reads the node at `path` (already split), as kustomize's path getter
/// does: numbers index sequences (`-` is the last element), `[k=v]` picks
/// the element whose field `k` is exactly `v`, anything else is a mapping
/// key. `None` when something along the way is missing.
pub fn lookup<'a>(root: &'a Value, path: &[String]) -> Result<Option<&'a Value>> {
    let mut node = root;
    for part in path.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let next = match part {
            "-" => seq_of(node)?.and_then(|s| s.last()),
            "*" => bail!("wildcard is not supported in PathGetter"),
            _ if is_list_index(part) => {
                let (name, value) = split_name_value(part)?;
                seq_of(node)?.and_then(|s| s.iter().find(|e| element_has(e, name, value)))
            }
            _ => match part.parse::<i64>() {
                Ok(i) if i < 0 => bail!("array index {i} cannot be negative"),
                Ok(i) => seq_of(node)?.and_then(|s| s.get(i as usize)),
                Err(_) => field_of(node, part)?,
            },
        };
        match next {
            Some(n) => node = n,
            None => return Ok(None),
        }
    }
    Ok(Some(node))
}

fn seq_of(node: &Value) -> Result<Option<&crate::yaml::Seq>> {
    match node {
        Value::Seq(s) => Ok(Some(s)),
        Value::Null => Ok(None),
        other => Err(wrong_kind("SequenceNode", other)),
    }
}

fn field_of<'a>(node: &'a Value, key: &str) -> Result<Option<&'a Value>> {
    match node {
        Value::Map(m) => Ok(m.get(key)),
        Value::Null => Ok(None),
        other => Err(wrong_kind("MappingNode", other)),
    }
}

/// Exact match of an element (or its field `name`) against `value`.
fn element_has(element: &Value, name: &str, value: &str) -> bool {
    let field = if name.is_empty() {
        Some(element)
    } else {
        element.as_map().and_then(|m| m.get(name))
    };
    field.and_then(element_text).is_some_and(|t| t == value)
}

/// What a matched target node is: a node found in the resource, or one the
/// walk just created (whose scalar content is then typed by its text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// The node existed.
    Existing,
    /// The node was created as a placeholder.
    Created,
}

/// The kind of node to create at the end of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateKind {
    /// Create nothing; missing parts mean no match.
    None,
    /// A scalar placeholder.
    Scalar,
    /// An empty mapping.
    Map,
    /// An empty sequence.
    Seq,
}

impl CreateKind {
    /// The placeholder node for a part whose next part is `next`.
    fn node_before(self, next: Option<&str>) -> Value {
        match next {
            Some(n) if is_list_index(n) || is_index_number(n) => Value::Seq(Vec::new().into()),
            Some(_) => Value::Map(Mapping::new()),
            None => match self {
                CreateKind::Map => Value::Map(Mapping::new()),
                CreateKind::Seq => Value::Seq(Vec::new().into()),
                _ => Value::Null,
            },
        }
    }
}

fn is_index_number(part: &str) -> bool {
    part.parse::<i64>().is_ok_and(|i| i >= 0)
}

/// Visits every node `path` matches in `root`, as kustomize's path matcher
/// does for replacement targets: numbers index sequences, `[k=v]` matches
/// elements whose field `k` matches the regular expression `v`, `*` every
/// element; with `create`, missing fields, a missing `[k=v]` element and
/// the element one past the end are created. Returns how many nodes were
/// visited.
pub fn visit_matches(
    root: &mut Value,
    path: &[String],
    create: CreateKind,
    visit: &mut dyn FnMut(&mut Value, Found) -> Result<()>,
) -> Result<usize> {
    walk(root, path, create, Found::Existing, visit)
}

fn walk(
    node: &mut Value,
    path: &[String],
    create: CreateKind,
    found: Found,
    visit: &mut dyn FnMut(&mut Value, Found) -> Result<()>,
) -> Result<usize> {
    let Some(part) = path.first() else {
        visit(node, found)?;
        return Ok(1);
    };
    let rest = &path[1..];
    if is_index_number(part) {
        walk_index(node, part, rest, create, visit)
    } else if is_list_index(part) {
        walk_elements(node, part, rest, create, visit)
    } else if part == "*" {
        let mut count = 0;
        for element in elements_mut(node)? {
            count += walk(element, rest, create, Found::Existing, visit)?;
        }
        Ok(count)
    } else {
        walk_field(node, part, rest, create, visit)
    }
}

fn elements_mut(node: &mut Value) -> Result<&mut [Value]> {
    match node {
        Value::Seq(s) => Ok(s.as_mut_slice()),
        Value::Null => Ok(&mut []),
        other => Err(wrong_kind("SequenceNode", other)),
    }
}

fn walk_field(
    node: &mut Value,
    key: &str,
    rest: &[String],
    create: CreateKind,
    visit: &mut dyn FnMut(&mut Value, Found) -> Result<()>,
) -> Result<usize> {
    if node.is_null() {
        if create == CreateKind::None {
            return Ok(0);
        }
        // kustomize creates the field on a detached node: the walk matches,
        // but the null field stays as it is.
        let mut detached = Value::Map(Mapping::new());
        return walk_field(&mut detached, key, rest, create, visit);
    }
    let Value::Map(map) = node else {
        return Err(wrong_kind("MappingNode", node));
    };
    let mut found = Found::Existing;
    if !map.contains_key(key) {
        if create == CreateKind::None {
            return Ok(0);
        }
        let placeholder = create.node_before(rest.first().map(String::as_str));
        map.insert(key.into(), placeholder);
        found = Found::Created;
    }
    match map.get_mut(key) {
        Some(child) => walk(child, rest, create, found, visit),
        None => Ok(0),
    }
}

fn walk_index(
    node: &mut Value,
    part: &str,
    rest: &[String],
    create: CreateKind,
    visit: &mut dyn FnMut(&mut Value, Found) -> Result<()>,
) -> Result<usize> {
    let index: usize = part.parse()?;
    if node.is_null() && create != CreateKind::None {
        *node = Value::Seq(Vec::new().into());
    }
    let Value::Seq(seq) = node else {
        if node.is_null() {
            bail!("index {index} specified but only 0 elements found");
        }
        return Err(wrong_kind("SequenceNode", node));
    };
    let mut found = Found::Existing;
    if seq.len() == index && create != CreateKind::None {
        seq.push(create.node_before(rest.first().map(String::as_str)));
        found = Found::Created;
    }
    let len = seq.len();
    match seq.get_mut(index) {
        Some(element) => walk(element, rest, create, found, visit),
        None => bail!("index {index} specified but only {len} elements found"),
    }
}

fn walk_elements(
    node: &mut Value,
    part: &str,
    rest: &[String],
    create: CreateKind,
    visit: &mut dyn FnMut(&mut Value, Found) -> Result<()>,
) -> Result<usize> {
    let (name, pattern) = split_name_value(part)?;
    let re = Regex::new(pattern).map_err(|e| anyhow!("error parsing regexp: {e}"))?;
    let matching: Vec<usize> = elements_mut(node)?
        .iter()
        .enumerate()
        .filter(|(_, e)| element_matches(e, name, &re))
        .map(|(i, _)| i)
        .collect();
    let mut count = 0;
    for &i in &matching {
        count += walk(
            &mut elements_mut(node)?[i],
            rest,
            create,
            Found::Existing,
            visit,
        )?;
    }
    if count > 0 || create == CreateKind::None {
        return Ok(count);
    }
    append_element(node, name, pattern);
    // The element just appended matches its own pattern, unless the
    // pattern is not literal text; look once more, without appending.
    let last = elements_mut(node)?.len() - 1;
    walk(
        &mut elements_mut(node)?[last],
        rest,
        create,
        Found::Created,
        visit,
    )
}

/// Element matching for targets: the element's text (or its field's)
/// contains a match of the pattern, as an unanchored regular expression.
fn element_matches(element: &Value, name: &str, re: &Regex) -> bool {
    let field = if name.is_empty() {
        Some(element)
    } else {
        element.as_map().and_then(|m| m.get(name))
    };
    field
        .and_then(encoded_text)
        .is_some_and(|t| re.is_match(t.trim()))
}

/// A scalar as YAML writes it, which is what kustomize matches target
/// patterns against: a string that would read back as another type is
/// quoted.
fn encoded_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s)
            if !matches!(crate::yaml::resolve::untyped_scalar(s), Value::String(_)) =>
        {
            Some(format!("\"{s}\""))
        }
        other => element_text(other),
    }
}

/// Appends the element a `[name=value]` part describes, its value typed by
/// its text.
fn append_element(node: &mut Value, name: &str, value: &str) {
    let scalar = crate::yaml::resolve::untyped_scalar(value);
    let element = if name.is_empty() {
        scalar
    } else {
        let mut m = Mapping::new();
        m.insert(name.into(), scalar);
        Value::Map(m)
    };
    if !matches!(node, Value::Seq(_)) {
        *node = Value::Seq(Vec::new().into());
    }
    if let Value::Seq(seq) = node {
        seq.push(element);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn split(p: &str) -> Vec<String> {
        split_path(p, ".")
    }

    #[test]
    fn splits_like_kustomize() {
        assert_eq!(split("a.b.c"), ["a", "b", "c"]);
        assert_eq!(
            split("spec.containers.[name=a.b].image"),
            ["spec", "containers", "[name=a.b]", "image"]
        );
        assert_eq!(
            split("metadata.annotations.[a.b/c]"),
            ["metadata", "annotations", "a.b/c"]
        );
        assert_eq!(split(r"a\.b.c"), ["a.b", "c"]);
        assert_eq!(split(".a.b"), ["a", "b"]);
    }

    #[test]
    fn lookup_reads_fields_indexes_and_exact_elements() {
        let v = Value::from(&json!({"a": {"l": [{"n": "x", "v": 1}, {"n": "xy", "v": 2}]}}));
        let get = |p: &str| lookup(&v, &split(p)).unwrap().map(serde_json::Value::from);
        assert_eq!(get("a.l.[n=xy].v"), Some(json!(2)));
        assert_eq!(get("a.l.0.v"), Some(json!(1)));
        assert_eq!(get("a.l.-.n"), Some(json!("xy")));
        assert_eq!(get("a.missing.b"), None);
        assert!(lookup(&v, &split("a.*")).is_err());
    }

    fn matched(v: &mut Value, p: &str, create: CreateKind) -> Result<usize> {
        visit_matches(v, &split(p), create, &mut |n, _| {
            *n = Value::from("X");
            Ok(())
        })
    }

    #[test]
    fn targets_match_by_regex_and_wildcard() {
        let mut v = Value::from(&json!({"l": [{"n": "app"}, {"n": "myapp"}, {"n": "db"}]}));
        assert_eq!(matched(&mut v, "l.[n=app].n", CreateKind::None).unwrap(), 2);
        assert_eq!(matched(&mut v, "l.*.n", CreateKind::None).unwrap(), 3);
        assert_eq!(matched(&mut v, "l.[n=zz].n", CreateKind::None).unwrap(), 0);
        let mut v = Value::from(&json!({"l": [{"n": "80"}, {"n": 80}]}));
        assert_eq!(
            matched(&mut v, "l.[n=^80$].n", CreateKind::None).unwrap(),
            1
        );
    }

    #[test]
    fn targets_create_missing_parts() {
        let mut v = Value::from(&json!({"a": {}}));
        matched(&mut v, "a.b.[name=x].c", CreateKind::Scalar).unwrap();
        matched(&mut v, "a.list.0", CreateKind::Scalar).unwrap();
        assert_eq!(
            serde_json::Value::from(&v),
            json!({"a": {"b": [{"name": "x", "c": "X"}], "list": ["X"]}})
        );
    }
}
