//! Field specs from `crds:` files.
//!
//! A `crds:` file is kustomize's legacy form of OpenAPI definitions: a map
//! from type name (`github.com/org/pkg/apis/group/v1.MyKind`) to an object
//! with a `Schema` (and `Dependencies`, unused). Every definition whose
//! properties include `kind`, `apiVersion` and `metadata` is a resource
//! type, whose kind is the part of its name after the last dot. Its
//! properties (followed through `$ref`s naming other definitions of the
//! file) may carry extensions that become field specs for that kind:
//!
//! * `x-kubernetes-object-ref-api-version` with `x-kubernetes-object-ref-kind`
//!   (and optionally `x-kubernetes-object-ref-name-key`, default `name`): a
//!   name reference to that type at `<property path>/<name key>`;
//! * `x-kubernetes-annotation`: a `commonAnnotations` spec;
//! * `x-kubernetes-label-selector`: a `commonLabels` spec;
//! * `x-kubernetes-identity`: a `namePrefix` spec.
//!
//! Extension values count only when they are strings. The file is JSON when
//! its first byte is `{`, YAML otherwise.

use super::{merge_one, FieldSpec, NameBackReferences, TransformerConfig};
use crate::resource::Gvk;
use anyhow::{anyhow, bail, Result};
use serde_json::{Map, Value};

/// How deep `$ref`s are followed; kustomize has no limit (and overflows its
/// stack on a reference cycle), so any real file stays well below this.
const MAX_DEPTH: usize = 64;

const ANNOTATION: &str = "x-kubernetes-annotation";
const LABEL_SELECTOR: &str = "x-kubernetes-label-selector";
const IDENTITY: &str = "x-kubernetes-identity";
const REF_VERSION: &str = "x-kubernetes-object-ref-api-version";
const REF_KIND: &str = "x-kubernetes-object-ref-kind";
const REF_NAME_KEY: &str = "x-kubernetes-object-ref-name-key";

/// The definitions of one file: type name → its schema (null when absent).
type Definitions = Map<String, Value>;

/// Reads a `crds:` file's text into the field specs it declares.
pub fn config_from_crd_text(text: &str) -> Result<TransformerConfig> {
    let definitions = parse_definitions(text)?;
    let mut result = TransformerConfig::default();
    for (name, schema) in &definitions {
        if !looks_like_resource(schema) {
            continue;
        }
        let kind = name.rsplit('.').next().unwrap_or(name);
        let mut one = TransformerConfig::default();
        let mut walk = CrdWalk {
            config: &mut one,
            definitions: &definitions,
            kind,
        };
        walk.visit(name, &mut Vec::new())?;
        result.merge(&one)?;
    }
    Ok(result)
}

/// Decodes the file into type name → schema, as Go decodes it into
/// `map[string]OpenAPIDefinition` (field names matched case-insensitively).
fn parse_definitions(text: &str) -> Result<Definitions> {
    let document: Value = if text.starts_with('{') {
        serde_json::from_str(text).map_err(|e| anyhow!("invalid JSON: {e}"))?
    } else {
        let docs = crate::yaml::parse_documents(text, std::path::Path::new("crds"))
            .map_err(|e| anyhow!(e))?;
        docs.first().map(Value::from).unwrap_or(Value::Null)
    };
    let entries = match document {
        Value::Null => return Ok(Map::new()),
        Value::Object(map) => map,
        other => bail!(
            "cannot unmarshal {} into a map of OpenAPI definitions",
            json_type(&other)
        ),
    };
    let mut definitions = Map::new();
    for (name, entry) in entries {
        let schema = match entry {
            Value::Null => Value::Null,
            Value::Object(fields) => schema_field(fields),
            other => bail!(
                "cannot unmarshal {} into an OpenAPI definition ('{name}')",
                json_type(&other)
            ),
        };
        definitions.insert(name, schema);
    }
    Ok(definitions)
}

/// The `Schema` field of a definition, matched case-insensitively; the
/// last matching key wins.
fn schema_field(fields: Map<String, Value>) -> Value {
    fields
        .into_iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("schema"))
        .map(|(_, v)| v)
        .next_back()
        .unwrap_or(Value::Null)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn properties(schema: &Value) -> Option<&Map<String, Value>> {
    schema.get("properties")?.as_object()
}

/// A resource type's schema has `kind`, `apiVersion` and `metadata`.
fn looks_like_resource(schema: &Value) -> bool {
    properties(schema).is_some_and(|p| {
        ["kind", "apiVersion", "metadata"]
            .iter()
            .all(|k| p.contains_key(*k))
    })
}

/// A string-valued extension of a property.
fn extension<'a>(property: &'a Value, key: &str) -> Option<&'a str> {
    property.get(key)?.as_str()
}

/// Walks one resource type's definition, collecting its specs.
struct CrdWalk<'a> {
    config: &'a mut TransformerConfig,
    definitions: &'a Definitions,
    kind: &'a str,
}

impl<'a> CrdWalk<'a> {
    fn spec(&self, path: &[&str]) -> FieldSpec {
        FieldSpec {
            kind: self.kind.to_string(),
            ..FieldSpec::new(&path.join("/"), false)
        }
    }

    /// Visits the definition `type_name` found at `path` (property names
    /// from the resource's root); unknown names contribute nothing.
    fn visit(&mut self, type_name: &str, path: &mut Vec<&'a str>) -> Result<()> {
        let definitions: &'a Definitions = self.definitions;
        let Some(props) = definitions.get(type_name).and_then(properties) else {
            return Ok(());
        };
        if path.len() > MAX_DEPTH {
            return Ok(());
        }
        for (name, property) in props {
            path.push(name.as_str());
            self.add_specs(property, path)?;
            if let Some(reference) = property.get("$ref").and_then(Value::as_str) {
                self.visit(reference, path)?;
            }
            path.pop();
        }
        Ok(())
    }

    /// The specs one property's extensions declare.
    fn add_specs(&mut self, property: &Value, path: &[&str]) -> Result<()> {
        let conflict = |e| anyhow!("{e}");
        if extension(property, ANNOTATION).is_some() {
            let spec = self.spec(path);
            merge_one(&mut self.config.common_annotations, &spec).map_err(conflict)?;
        }
        if extension(property, LABEL_SELECTOR).is_some() {
            let spec = self.spec(path);
            merge_one(&mut self.config.common_labels, &spec).map_err(conflict)?;
        }
        if extension(property, IDENTITY).is_some() {
            let spec = self.spec(path);
            merge_one(&mut self.config.name_prefix, &spec).map_err(conflict)?;
        }
        let (Some(version), Some(kind)) = (
            extension(property, REF_VERSION),
            extension(property, REF_KIND),
        ) else {
            return Ok(());
        };
        let name_key = extension(property, REF_NAME_KEY).unwrap_or("name");
        let mut full = path.to_vec();
        full.push(name_key);
        let backref = NameBackReferences {
            gvk: Gvk {
                group: String::new(),
                version: version.to_string(),
                kind: kind.to_string(),
            },
            referrers: vec![self.spec(&full)],
        };
        add_back_reference(&mut self.config.name_reference, backref).map_err(conflict)
    }
}

/// Adds referrers to the entry for the same type, or a new entry.
fn add_back_reference(
    list: &mut Vec<NameBackReferences>,
    incoming: NameBackReferences,
) -> Result<(), super::ConflictingFieldSpecs> {
    match list.iter_mut().find(|b| b.gvk == incoming.gvk) {
        Some(existing) => super::merge_all(&mut existing.referrers, &incoming.referrers),
        None => {
            list.push(incoming);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRD: &str = r#"{
      "example.com/v1.MyKind": {"Schema": {"properties": {
          "apiVersion": {}, "kind": {}, "metadata": {},
          "spec": {"$ref": "example.com/v1.MyKindSpec"}}}},
      "example.com/v1.MyKindSpec": {"Schema": {"properties": {
          "beeRef": {"x-kubernetes-object-ref-api-version": "v1beta1",
                     "x-kubernetes-object-ref-kind": "Bee"},
          "secret": {"x-kubernetes-object-ref-api-version": "v1",
                     "x-kubernetes-object-ref-kind": "Secret",
                     "x-kubernetes-object-ref-name-key": "secretName"},
          "sel": {"x-kubernetes-label-selector": ""},
          "notes": {"x-kubernetes-annotation": ""},
          "id": {"x-kubernetes-identity": ""},
          "ignored": {"x-kubernetes-annotation": true}}}}
    }"#;

    #[test]
    fn extensions_become_field_specs() {
        let c = config_from_crd_text(CRD).unwrap();
        let paths = |specs: &[FieldSpec]| specs.iter().map(|s| s.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&c.common_labels), ["spec/sel"]);
        assert_eq!(paths(&c.common_annotations), ["spec/notes"]);
        assert_eq!(paths(&c.name_prefix), ["spec/id"]);
        let bee = c
            .name_reference
            .iter()
            .find(|b| b.gvk.kind == "Bee")
            .unwrap();
        assert_eq!(bee.gvk.version, "v1beta1");
        assert_eq!(bee.referrers[0].path, "spec/beeRef/name");
        assert_eq!(bee.referrers[0].kind, "MyKind");
        let secret = c
            .name_reference
            .iter()
            .find(|b| b.gvk.kind == "Secret")
            .unwrap();
        assert_eq!(secret.referrers[0].path, "spec/secret/secretName");
    }

    #[test]
    fn yaml_form_and_non_resources() {
        let yaml = "a.v1.Spec:\n  Schema:\n    properties:\n      x:\n        x-kubernetes-identity: \"\"\n";
        assert_eq!(
            config_from_crd_text(yaml).unwrap(),
            TransformerConfig::default()
        );
        assert_eq!(
            config_from_crd_text("").unwrap(),
            TransformerConfig::default()
        );
    }

    #[test]
    fn malformed_files_are_errors() {
        assert!(config_from_crd_text("[1]").is_err());
        assert!(config_from_crd_text("a: [1]\n").is_err());
        assert!(config_from_crd_text("{").is_err());
    }

    #[test]
    fn reference_cycles_terminate() {
        let text = r#"{"a.K": {"Schema": {"properties": {"kind": {}, "apiVersion": {},
            "metadata": {}, "self": {"$ref": "a.K",
            "x-kubernetes-annotation": ""}}}}}"#;
        let c = config_from_crd_text(text).unwrap();
        assert!(!c.common_annotations.is_empty());
    }
}
