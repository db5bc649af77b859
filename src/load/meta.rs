//! The metadata checks kustomize applies to every resource it reads
//! (kyaml's `GetMeta` / `GetValidatedMetadata`), with its error texts.

use crate::yaml::{Mapping, Value};
use std::fmt::Write;

/// True for what kyaml calls "nil or empty": null, `{}` and `[]`. Such
/// documents and list items are skipped, not rejected.
pub(crate) fn is_nil_or_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Map(m) => m.is_empty(),
        Value::Seq(s) => s.is_empty(),
        _ => false,
    }
}

/// Checks that a resource has what kustomize requires: some metadata at all,
/// a `kind`, and a `metadata.name` unless the kind ends in `List`. Returns
/// kustomize's message on failure.
pub(crate) fn check_resource_meta(value: &Value) -> Result<(), String> {
    let meta = ResourceMeta::read(value).ok_or("missing Resource metadata")?;
    if meta.kind.is_empty() {
        return Err(format!("missing kind in object {}", meta.go_format()));
    }
    if !meta.kind.ends_with("List") && meta.name.is_empty() {
        return Err(format!(
            "missing metadata.name in object {}",
            meta.go_format()
        ));
    }
    Ok(())
}

/// The identifying fields as kyaml reads them: scalar text, with `null`,
/// mappings and sequences reading as empty.
struct ResourceMeta {
    api_version: String,
    kind: String,
    name: String,
    namespace: String,
    labels: Option<Vec<(String, String)>>,
    annotations: Option<Vec<(String, String)>>,
}

impl ResourceMeta {
    /// Reads the fields; `None` when the object carries none of them (or is
    /// not a mapping), which kyaml reports as "missing Resource metadata".
    fn read(value: &Value) -> Option<ResourceMeta> {
        let map = value.as_map()?;
        let metadata = map.get("metadata").and_then(Value::as_map);
        let field = |key: &str| metadata.and_then(|m| m.get(key));
        let meta = ResourceMeta {
            api_version: text(map.get("apiVersion")),
            kind: text(map.get("kind")),
            name: text(field("name")),
            namespace: text(field("namespace")),
            labels: string_pairs(field("labels")),
            annotations: string_pairs(field("annotations")),
        };
        let found = !(meta.api_version.is_empty()
            && meta.kind.is_empty()
            && meta.name.is_empty()
            && meta.namespace.is_empty()
            && meta.labels.is_none()
            && meta.annotations.is_none());
        found.then_some(meta)
    }

    /// Go's `%v` of kyaml's `ResourceMeta`, as it appears in kustomize's
    /// messages: `{{apiVersion kind} {{name namespace} map[..] map[..]}}`.
    fn go_format(&self) -> String {
        format!(
            "{{{{{} {}}} {{{{{} {}}} {} {}}}}}",
            self.api_version,
            self.kind,
            self.name,
            self.namespace,
            go_map(self.labels.as_deref()),
            go_map(self.annotations.as_deref()),
        )
    }
}

/// The text kyaml reads from a scalar; empty for anything else.
fn text(value: Option<&Value>) -> String {
    value.and_then(Value::scalar_text).unwrap_or_default()
}

/// Labels or annotations as kyaml collects them: present when the field is
/// not nil or empty; the pairs of a mapping (any other shape yields none).
fn string_pairs(value: Option<&Value>) -> Option<Vec<(String, String)>> {
    let value = value.filter(|v| !is_nil_or_empty(v))?;
    let pairs = value.as_map().map_or_else(Vec::new, |m: &Mapping| {
        m.iter()
            .map(|(k, v)| (k.to_string(), text(Some(v))))
            .collect()
    });
    Some(pairs)
}

/// Go's `%v` of a `map[string]string`: `map[k1:v1 k2:v2]`, keys sorted.
fn go_map(pairs: Option<&[(String, String)]>) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.unwrap_or_default().iter().collect();
    sorted.sort();
    let mut out = String::from("map[");
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{k}:{v}");
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: serde_json::Value) -> Result<(), String> {
        check_resource_meta(&Value::from(&v))
    }

    #[test]
    fn messages_match_kustomize() {
        assert_eq!(
            check(json!({"apiVersion": "v1", "metadata": {"name": "a"}})).unwrap_err(),
            "missing kind in object {{v1 } {{a } map[] map[]}}"
        );
        assert_eq!(
            check(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"namespace": "x"}}))
                .unwrap_err(),
            "missing metadata.name in object {{v1 ConfigMap} {{ x} map[] map[]}}"
        );
        assert_eq!(
            check(json!({"foo": "bar"})).unwrap_err(),
            "missing Resource metadata"
        );
        assert_eq!(
            check(json!("hello")).unwrap_err(),
            "missing Resource metadata"
        );
        assert_eq!(
            check(json!([{"kind": "ConfigMap"}])).unwrap_err(),
            "missing Resource metadata"
        );
    }

    #[test]
    fn labels_print_sorted() {
        let err = check(json!({"kind": "ConfigMap", "metadata": {"labels": {"b": "2", "a": 1}}}))
            .unwrap_err();
        assert_eq!(
            err,
            "missing metadata.name in object {{ ConfigMap} {{ } map[a:1 b:2] map[]}}"
        );
    }

    #[test]
    fn scalar_names_and_kinds_count() {
        assert!(check(json!({"kind": "ConfigMap", "metadata": {"name": 123}})).is_ok());
        assert!(check(json!({"kind": "ConfigMap", "metadata": {"name": true}})).is_ok());
        assert!(check(json!({"kind": 7, "metadata": {"name": "a"}})).is_ok());
        for bad in [json!(null), json!(""), json!({"a": "b"})] {
            assert!(check(json!({"kind": "ConfigMap", "metadata": {"name": bad}})).is_err());
        }
        assert!(check(json!({"kind": "ConfigMap", "metadata": "foo"})).is_err());
    }

    #[test]
    fn list_kinds_need_no_name() {
        assert!(check(json!({"kind": "FooList"})).is_ok());
    }

    #[test]
    fn empties() {
        assert!(is_nil_or_empty(&Value::Null));
        assert!(is_nil_or_empty(&Value::from(&json!({}))));
        assert!(is_nil_or_empty(&Value::from(&json!([]))));
        assert!(!is_nil_or_empty(&Value::from(&json!(""))));
    }
}
