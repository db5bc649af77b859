//! The configuration of the ReplacementTransformer: the `replacements`
//! entries of a kustomization (inline or `path:` files) and the
//! `transformers:` plugin form, which holds the same list.

use crate::transform::plugin_config::{lenient_string, nullable};
use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;
use std::fmt;

/// The field path read from a source, and written in a target, when none is
/// given.
pub const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// How a value is split and joined, and whether missing target fields are
/// created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct FieldOptions {
    /// Splits the field's text into parts; empty for the whole value.
    #[serde(default, deserialize_with = "lenient_string")]
    pub delimiter: String,
    /// Which part of the split text (negative in a target: prepend).
    #[serde(default, deserialize_with = "nullable")]
    pub index: i64,
    /// Accepted and ignored, as kustomize does.
    #[serde(default, deserialize_with = "lenient_string")]
    pub encoding: String,
    /// Creates the target field when missing.
    #[serde(default, deserialize_with = "nullable")]
    pub create: bool,
}

impl FieldOptions {
    /// kustomize's text for options in messages; empty when there is
    /// neither a delimiter nor `create`.
    fn describe(&self) -> String {
        if self.delimiter.is_empty() && !self.create {
            return String::new();
        }
        format!("{}({}), create={}", self.delimiter, self.index, self.create)
    }
}

/// Exact-match resource identity fields; empty ones match anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct IdSelector {
    /// API group.
    #[serde(default, deserialize_with = "lenient_string")]
    pub group: String,
    /// API version.
    #[serde(default, deserialize_with = "lenient_string")]
    pub version: String,
    /// Kind.
    #[serde(default, deserialize_with = "lenient_string")]
    pub kind: String,
    /// `metadata.name`.
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
    /// `metadata.namespace`, compared in its effective form.
    #[serde(default, deserialize_with = "lenient_string")]
    pub namespace: String,
}

impl IdSelector {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        self.group.is_empty()
            && self.version.is_empty()
            && self.kind.is_empty()
            && self.name.is_empty()
            && self.namespace.is_empty()
    }

    /// The selector as a resource id, for namespace comparison and messages.
    pub fn as_res_id(&self) -> crate::resource::ResId {
        let gvk = crate::resource::Gvk {
            group: self.group.clone(),
            version: self.version.clone(),
            kind: self.kind.clone(),
        };
        crate::resource::ResId::new(gvk, &self.name, &self.namespace)
    }
}

/// Where a replacement's value comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceSelector {
    /// The one resource to read from.
    #[serde(flatten)]
    pub id: IdSelector,
    /// The field to read; [`DEFAULT_FIELD_PATH`] when empty.
    #[serde(default, deserialize_with = "lenient_string")]
    pub field_path: String,
    /// How to refine the value read.
    #[serde(default, deserialize_with = "nullable")]
    pub options: Option<FieldOptions>,
}

impl fmt::Display for SourceSelector {
    /// kustomize's form: the id, then `:fieldPath` and `:options` when set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.id.as_res_id())?;
        if !self.field_path.is_empty() {
            write!(f, ":{}", self.field_path)?;
        }
        let options = self
            .options
            .as_ref()
            .map(FieldOptions::describe)
            .unwrap_or_default();
        if !options.is_empty() {
            write!(f, ":{options}")?;
        }
        Ok(())
    }
}

/// Resources chosen by id fields and label and annotation selectors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selector {
    /// Exact-match id fields.
    #[serde(flatten)]
    pub id: IdSelector,
    /// A label selector (`a=b,c in (d)`); empty matches all.
    #[serde(default, deserialize_with = "lenient_string")]
    pub label_selector: String,
    /// An annotation selector, same syntax.
    #[serde(default, deserialize_with = "lenient_string")]
    pub annotation_selector: String,
}

/// Where a replacement's value goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetSelector {
    /// The resources to write to; required.
    #[serde(default, deserialize_with = "nullable")]
    pub select: Option<Selector>,
    /// Resources to leave alone among those selected.
    #[serde(default, deserialize_with = "nullable")]
    pub reject: Vec<Selector>,
    /// The fields to write; [`DEFAULT_FIELD_PATH`] when none.
    #[serde(default, deserialize_with = "nullable")]
    pub field_paths: Vec<String>,
    /// Splitting and creation options.
    #[serde(default, deserialize_with = "nullable")]
    pub options: Option<FieldOptions>,
}

/// One replacement: a value read from a source, written to targets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Replacement {
    /// The source; required.
    #[serde(default, deserialize_with = "nullable")]
    pub source: Option<SourceSelector>,
    /// The targets; required (an empty list is allowed).
    #[serde(default)]
    pub targets: Option<Vec<TargetSelector>>,
}

/// One `replacements` entry: an inline replacement or a file of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
struct ReplacementField {
    #[serde(flatten)]
    inline: Replacement,
    #[serde(default, deserialize_with = "lenient_string")]
    path: String,
}

/// The plugin form: `kind: ReplacementTransformer` with a `replacements`
/// list of entries.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReplacementPluginConfig {
    #[serde(default, deserialize_with = "nullable")]
    replacements: Vec<serde_json::Value>,
}

impl ReplacementPluginConfig {
    /// The raw entries, to resolve with [`resolve_entries`].
    pub fn entries(&self) -> &[serde_json::Value] {
        &self.replacements
    }
}

/// Turns `replacements` entries into replacements, reading `path:` entries
/// with `read` (which resolves a path relative to the kustomization and
/// returns the file's text). A file holds one replacement or a list.
pub fn resolve_entries(
    entries: &[serde_json::Value],
    read: &dyn Fn(&str) -> Result<String>,
) -> Result<Vec<Replacement>> {
    let mut out = Vec::new();
    for entry in entries {
        let mut entry = entry.clone();
        go_field_names(&mut entry, ENTRY_FIELDS);
        let field: ReplacementField = serde_json::from_value(entry)
            .map_err(|e| anyhow!("invalid replacements entry: {e}"))?;
        if field.path.is_empty() {
            out.push(field.inline);
            continue;
        }
        let inline = &field.inline;
        if inline.source.is_some() || inline.targets.as_ref().is_some_and(|t| !t.is_empty()) {
            bail!("cannot specify both path and inline replacement");
        }
        let text = read(&field.path)?;
        out.extend(parse_file(&text, &field.path)?);
    }
    Ok(out)
}

/// The replacements of a `path:` file: a list, or a single mapping.
fn parse_file(text: &str, path: &str) -> Result<Vec<Replacement>> {
    let docs = crate::yaml::parse_documents(text, std::path::Path::new(path))
        .map_err(|e| anyhow!(e))
        .with_context(|| format!("reading replacements file '{path}'"))?;
    let mut doc: serde_json::Value = docs.first().map(Into::into).unwrap_or_default();
    match &mut doc {
        serde_json::Value::Array(items) => {
            for item in items {
                go_field_names(item, ENTRY_FIELDS);
            }
        }
        single => go_field_names(single, ENTRY_FIELDS),
    }
    let parsed = match doc {
        serde_json::Value::Array(_) => serde_json::from_value(doc),
        serde_json::Value::Object(_) => serde_json::from_value(doc).map(|r| vec![r]),
        _ => bail!("unsupported replacement type encountered within replacement path: {path}"),
    };
    parsed.with_context(|| format!("invalid replacements in '{path}'"))
}

/// The field names of a `replacements` entry and of the objects in it.
const ENTRY_FIELDS: &[&str] = &["source", "targets", "path"];
const SOURCE_FIELDS: &[&str] = &[
    "group",
    "version",
    "kind",
    "name",
    "namespace",
    "fieldPath",
    "options",
];
const TARGET_FIELDS: &[&str] = &["select", "reject", "fieldPaths", "options"];
const SELECTOR_FIELDS: &[&str] = &[
    "group",
    "version",
    "kind",
    "name",
    "namespace",
    "labelSelector",
    "annotationSelector",
];
const OPTION_FIELDS: &[&str] = &["delimiter", "index", "encoding", "create"];

/// Renames the keys of a replacement object (`fields` are its declared
/// names) as Go's JSON decoding matches them: exactly, else ignoring case
/// (`Source:`, `FieldPaths:`, `select: {KIND: ...}`); a later key naming
/// the same field wins. kustomize also reads the kustomization's YAML
/// through JSON, where a whole float such as `index: 0.0` is written `0`,
/// so an `index` holding a whole number is taken as that integer.
fn go_field_names(value: &mut serde_json::Value, fields: &'static [&'static str]) {
    let serde_json::Value::Object(map) = value else {
        return;
    };
    let entries = std::mem::take(map);
    for (key, mut child) in entries {
        let name = crate::gojson::fold::field_for(&key, fields).to_string();
        match name.as_str() {
            "source" => go_field_names(&mut child, SOURCE_FIELDS),
            "select" => go_field_names(&mut child, SELECTOR_FIELDS),
            "options" => go_field_names(&mut child, OPTION_FIELDS),
            "targets" | "reject" => {
                let item_fields = if name == "targets" {
                    TARGET_FIELDS
                } else {
                    SELECTOR_FIELDS
                };
                if let serde_json::Value::Array(items) = &mut child {
                    items
                        .iter_mut()
                        .for_each(|i| go_field_names(i, item_fields));
                }
            }
            "index" => whole_number_as_integer(&mut child),
            _ => {}
        }
        map.shift_remove(&name);
        map.insert(name, child);
    }
}

/// A float with no fractional part, within `i64`'s range, as an integer.
fn whole_number_as_integer(value: &mut serde_json::Value) {
    let Some(f) = value.as_f64().filter(|_| value.is_f64()) else {
        return;
    };
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        *value = serde_json::Value::from(f as i64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_names_match_as_in_go() {
        let entries = vec![json!({
            "Source": {"KIND": "ConfigMap", "FieldPath": "data.x",
                       "Options": {"Delimiter": ".", "Index": 1.0}},
            "TARGETS": [{"Select": {"Kind": "Deployment", "LabelSelector": "a=b"},
                         "Reject": [{"NAME": "skip"}],
                         "FieldPaths": ["spec.replicas"], "Options": {"Create": true}}]
        })];
        let r = resolve_entries(&entries, &no_files).unwrap();
        let source = r[0].source.as_ref().unwrap();
        assert_eq!(
            (source.id.kind.as_str(), source.field_path.as_str()),
            ("ConfigMap", "data.x")
        );
        assert_eq!(source.options.as_ref().unwrap().index, 1);
        let target = &r[0].targets.as_ref().unwrap()[0];
        assert_eq!(target.select.as_ref().unwrap().label_selector, "a=b");
        assert_eq!(target.reject[0].id.name, "skip");
        assert!(target.options.as_ref().unwrap().create);
        let half = vec![json!({"source": {"options": {"index": 1.5}}, "targets": []})];
        assert!(resolve_entries(&half, &no_files).is_err());
    }

    fn no_files(path: &str) -> Result<String> {
        bail!("no file {path}")
    }

    #[test]
    fn inline_entries_deserialize() {
        let entries = vec![json!({
            "source": {"kind": "ConfigMap", "name": "c", "fieldPath": "data.x",
                       "options": {"delimiter": ".", "index": 1}},
            "targets": [{"select": {"kind": "Deployment", "labelSelector": "a=b"},
                         "reject": [{"name": "skip"}],
                         "fieldPaths": ["spec.replicas"], "options": {"create": true}}]
        })];
        let r = resolve_entries(&entries, &no_files).unwrap();
        let source = r[0].source.as_ref().unwrap();
        assert_eq!(source.id.kind, "ConfigMap");
        assert_eq!(source.options.as_ref().unwrap().index, 1);
        let target = &r[0].targets.as_ref().unwrap()[0];
        assert_eq!(target.select.as_ref().unwrap().label_selector, "a=b");
        assert_eq!(target.reject[0].id.name, "skip");
        assert!(target.options.as_ref().unwrap().create);
    }

    #[test]
    fn path_entries_read_one_or_many() {
        let read = |p: &str| -> Result<String> {
            Ok(match p {
                "one.yaml" => "source: {kind: A}\ntargets: []\n".to_string(),
                _ => "- source: {kind: B}\n- source: {kind: C}\n".to_string(),
            })
        };
        let entries = vec![json!({"path": "one.yaml"}), json!({"path": "many.yaml"})];
        let r = resolve_entries(&entries, &read).unwrap();
        let kinds: Vec<&str> = r
            .iter()
            .map(|r| r.source.as_ref().unwrap().id.kind.as_str())
            .collect();
        assert_eq!(kinds, ["A", "B", "C"]);
        let both = vec![json!({"path": "one.yaml", "source": {"kind": "A"}})];
        assert!(resolve_entries(&both, &read).is_err());
    }

    #[test]
    fn source_selector_text_matches_kustomize() {
        let s = SourceSelector {
            id: IdSelector {
                kind: "ConfigMap".into(),
                name: "c".into(),
                ..IdSelector::default()
            },
            field_path: "data.x".into(),
            options: Some(FieldOptions {
                delimiter: ".".into(),
                ..FieldOptions::default()
            }),
        };
        assert_eq!(
            s.to_string(),
            "ConfigMap.[noVer].[noGrp]/c.[noNs]:data.x:.(0), create=false"
        );
    }
}
