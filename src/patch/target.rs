//! Patch targets: kustomize's `Selector` (group, version, kind, name and
//! namespace as regular expressions, plus label and annotation selectors)
//! compiled once and matched against resources.

use super::label_selector::LabelSelector;
use crate::gojson::nullable;
use crate::resource::{Resource, ResourceList};
use crate::yaml::Value;
use anyhow::{Context, Result};
use regex::Regex;
use serde::Deserialize;
use std::borrow::Cow;

/// A resource selector: a (regular-expression) id plus label and annotation
/// selectors.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Selector {
    #[serde(default, deserialize_with = "nullable")]
    pub group: String,
    #[serde(default, deserialize_with = "nullable")]
    pub version: String,
    #[serde(default, deserialize_with = "nullable")]
    pub kind: String,
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub namespace: String,
    #[serde(default, deserialize_with = "nullable")]
    pub annotation_selector: String,
    #[serde(default, deserialize_with = "nullable")]
    pub label_selector: String,
}

/// A compiled [`Selector`].
#[derive(Debug, Clone)]
pub struct Target {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: LabelSelector,
    annotations: LabelSelector,
    /// The selector as written (`kind=Deployment, name=web`), for messages.
    text: String,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// The non-empty fields of `selector` as `field=value` pairs.
fn describe(selector: &Selector) -> String {
    let fields = [
        ("group", &selector.group),
        ("version", &selector.version),
        ("kind", &selector.kind),
        ("name", &selector.name),
        ("namespace", &selector.namespace),
        ("labelSelector", &selector.label_selector),
        ("annotationSelector", &selector.annotation_selector),
    ];
    let pairs: Vec<String> = fields
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(field, value)| format!("{field}={value}"))
        .collect();
    if pairs.is_empty() {
        "any resource".to_string()
    } else {
        pairs.join(", ")
    }
}

/// A pattern anchored at both ends, as kustomize anchors them; `None` for
/// an empty pattern, which matches anything.
fn anchored(field: &str, pattern: &str) -> Result<Option<Regex>> {
    if pattern.is_empty() {
        return Ok(None);
    }
    Regex::new(&format!("^(?:{pattern})$"))
        .map(Some)
        .with_context(|| format!("invalid regular expression for target {field}: '{pattern}'"))
}

fn is_match(re: &Option<Regex>, text: &str) -> bool {
    re.as_ref().is_none_or(|re| re.is_match(text))
}

impl Target {
    /// Compiles a selector; fails on a bad regular expression or label
    /// selector.
    pub fn new(selector: &Selector) -> Result<Target> {
        Ok(Target {
            group: anchored("group", &selector.group)?,
            version: anchored("version", &selector.version)?,
            kind: anchored("kind", &selector.kind)?,
            name: anchored("name", &selector.name)?,
            namespace: anchored("namespace", &selector.namespace)?,
            labels: LabelSelector::parse(&selector.label_selector)
                .with_context(|| format!("invalid labelSelector '{}'", selector.label_selector))?,
            annotations: LabelSelector::parse(&selector.annotation_selector).with_context(
                || {
                    format!(
                        "invalid annotationSelector '{}'",
                        selector.annotation_selector
                    )
                },
            )?,
            text: describe(selector),
        })
    }

    /// True when `resource` is selected. Name and namespace may match the
    /// resource's original identity or its current one (in the effective
    /// form: `default` for none); the type and the labels and annotations
    /// are the current ones.
    pub fn matches(&self, resource: &Resource) -> bool {
        let current = resource.id();
        let original = resource.original_id();
        if self.namespace.is_some()
            && !is_match(&self.namespace, original.effective_namespace())
            && !is_match(&self.namespace, current.effective_namespace())
        {
            return false;
        }
        if self.name.is_some()
            && !is_match(&self.name, &original.name)
            && !is_match(&self.name, &current.name)
        {
            return false;
        }
        let gvk = &current.gvk;
        is_match(&self.group, &gvk.group)
            && is_match(&self.version, &gvk.version)
            && is_match(&self.kind, &gvk.kind)
            && self.labels.matches(|k| string_entry(resource, "labels", k))
            && self
                .annotations
                .matches(|k| string_entry(resource, "annotations", k))
    }

    /// The positions of the selected resources, in list order.
    pub fn select(&self, resources: &ResourceList) -> Vec<usize> {
        resources
            .iter()
            .enumerate()
            .filter(|(_, r)| self.matches(r))
            .map(|(i, _)| i)
            .collect()
    }
}

/// A label or annotation value as text: non-string scalars by their text,
/// as kustomize reads them, and null as the empty string.
fn string_entry<'a>(resource: &'a Resource, field: &str, key: &str) -> Option<Cow<'a, str>> {
    match resource.string_map(field)?.get(key)? {
        Value::String(s) => Some(Cow::Owned(s.to_string())),
        Value::Text(t) => Some(Cow::Owned(t.text.to_string())),
        Value::Null => Some(Cow::Borrowed("")),
        other => Some(Cow::Owned(other.scalar_text().unwrap_or_default())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn res(j: serde_json::Value) -> Resource {
        Resource::new(Value::from(&j), None)
    }

    fn sel(j: serde_json::Value) -> Target {
        Target::new(&serde_json::from_value(j).unwrap()).unwrap()
    }

    fn deployment() -> Resource {
        res(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"team": "a"}}}))
    }

    #[test]
    fn patterns_are_anchored() {
        let d = deployment();
        assert!(sel(json!({"kind": "Deploy.*"})).matches(&d));
        assert!(!sel(json!({"kind": "Deploy"})).matches(&d));
        assert!(sel(json!({"name": "web|db"})).matches(&d));
        assert!(!sel(json!({"name": "we"})).matches(&d));
        assert!(sel(json!({"group": "apps", "version": "v1"})).matches(&d));
        assert!(!sel(json!({"group": "^$"})).matches(&d));
    }

    #[test]
    fn namespace_matches_in_effective_form() {
        let d = deployment();
        assert!(sel(json!({"namespace": "default"})).matches(&d));
        assert!(!sel(json!({"namespace": "other"})).matches(&d));
    }

    #[test]
    fn renamed_resources_match_their_original_name() {
        let mut d = deployment();
        d.store_previous_id();
        d.set_name("p-web");
        assert!(sel(json!({"name": "web"})).matches(&d));
        assert!(sel(json!({"name": "p-web"})).matches(&d));
    }

    #[test]
    fn label_and_annotation_selectors() {
        let d = deployment();
        assert!(sel(json!({"labelSelector": "app=web"})).matches(&d));
        assert!(!sel(json!({"labelSelector": "app!=web"})).matches(&d));
        assert!(sel(json!({"annotationSelector": "team in (a,b)"})).matches(&d));
        assert!(!sel(json!({"annotationSelector": "team=b"})).matches(&d));
    }

    #[test]
    fn bad_patterns_are_errors() {
        let bad: Selector = serde_json::from_value(json!({"name": "("})).unwrap();
        assert!(Target::new(&bad).is_err());
        let bad: Selector = serde_json::from_value(json!({"labelSelector": "a in b"})).unwrap();
        assert!(Target::new(&bad).is_err());
    }
}
