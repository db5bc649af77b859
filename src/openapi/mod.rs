//! The Kubernetes OpenAPI schema, as kustomize uses it for strategic merge.
//!
//! kustomize embeds the Kubernetes v1.21.2 OpenAPI definitions and walks them
//! alongside a resource: the resource's `apiVersion`/`kind` pick a definition
//! (through its `x-kubernetes-group-version-kind` extension), and each field
//! below it is found through `properties`, `additionalProperties`, `items`
//! and `$ref`. The patch extensions on a field
//! (`x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`,
//! `x-kubernetes-list-map-keys`, `x-kubernetes-list-type`) then decide how
//! a strategic merge treats it.
//!
//! The builtin data (`kubernetes_v1_21_2.json`) is the Kubernetes swagger
//! reduced to what that walk reads: `definitions` with their `properties`,
//! `$ref`, `items`, `additionalProperties`, the `array` type marker and the
//! `x-kubernetes-*` extensions above, with descriptions, formats and other
//! types dropped. It is split per definition at compile time, and each
//! definition is parsed the first time a walk reaches it (see [`builtin`]):
//! parsing it all took about 4 ms, which every process with a strategic
//! merge paid.
//!
//! A custom schema (the kustomization `openapi:` field) is a swagger document
//! in the same shape; [`Schema::from_swagger_json`] reads one and
//! [`Schema::extend`] layers one schema's definitions over another's.

mod builtin;
pub mod custom;

use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;
/// How deep a chain of `$ref`s may go before it is treated as unresolvable
/// (guards against reference cycles in custom schemas).
const MAX_REF_DEPTH: usize = 64;

/// A set of OpenAPI definitions, indexed by name and by resource type.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Whether the builtin definitions stand under the ones below, read on
    /// demand (the maps then hold only what was layered over them).
    lazy_builtin: bool,
    definitions: HashMap<String, SchemaNode>,
    /// `(apiVersion, kind)` → definition name.
    resources: HashMap<(String, String), String>,
    /// `(apiVersion, kind)` → namespaced, from the document's `paths`.
    namespaced: HashMap<(String, String), bool>,
}

/// One schema object of the swagger document (a definition or anything
/// nested in one). Only the keys the strategic merge walk reads are kept.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SchemaNode {
    #[serde(rename = "$ref", default)]
    reference: Option<String>,
    #[serde(rename = "type", default)]
    types: Option<TypeList>,
    #[serde(default)]
    properties: IndexMap<String, SchemaNode>,
    #[serde(default)]
    items: Option<Items>,
    #[serde(rename = "additionalProperties", default)]
    additional_properties: Option<AdditionalProperties>,
    #[serde(rename = "x-kubernetes-patch-strategy", default)]
    patch_strategy: Option<String>,
    #[serde(rename = "x-kubernetes-patch-merge-key", default)]
    patch_merge_key: Option<String>,
    #[serde(rename = "x-kubernetes-list-type", default)]
    list_type: Option<String>,
    #[serde(rename = "x-kubernetes-list-map-keys", default)]
    list_map_keys: Option<Vec<String>>,
    #[serde(rename = "x-kubernetes-group-version-kind", default)]
    group_version_kinds: Vec<GroupVersionKind>,
}

/// `type` is a string or a list of strings in OpenAPI v2.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum TypeList {
    One(String),
    Many(Vec<String>),
}

/// `items` is a schema or (for tuples) a list of schemas.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Items {
    One(Box<SchemaNode>),
    Tuple(serde::de::IgnoredAny),
}

/// `additionalProperties` is a schema or a boolean (which gives fields no
/// schema).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum AdditionalProperties {
    Schema(Box<SchemaNode>),
    Other(serde::de::IgnoredAny),
}

/// One entry of `x-kubernetes-group-version-kind`.
#[derive(Debug, Clone, Deserialize)]
struct GroupVersionKind {
    #[serde(default)]
    group: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    kind: String,
}

#[derive(Deserialize)]
struct SwaggerDocument {
    #[serde(default)]
    definitions: HashMap<String, SchemaNode>,
    /// Kept loose: only the `get` operations' type extension is read.
    #[serde(default)]
    paths: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Schema {
    /// The builtin Kubernetes v1.21.2 schema; its definitions are parsed
    /// as walks reach them.
    pub fn builtin() -> &'static Schema {
        static BUILTIN: OnceLock<Schema> = OnceLock::new();
        BUILTIN.get_or_init(|| Schema {
            lazy_builtin: true,
            ..Schema::default()
        })
    }

    /// The builtin schema with every definition parsed and owned, for
    /// layering over another schema.
    fn builtin_owned() -> Schema {
        let mut schema = Schema::default();
        for (name, node) in builtin::all_definitions() {
            schema.definitions.insert(name.to_string(), node);
        }
        for (api_version, kind, name) in builtin::all_resources() {
            let key = (api_version.to_string(), kind.to_string());
            schema.resources.insert(key, name.to_string());
        }
        schema
    }

    /// Reads a swagger (OpenAPI v2) JSON document's `definitions`, indexing
    /// every definition that names resource types in its
    /// `x-kubernetes-group-version-kind` extension.
    pub fn from_swagger_json(text: &str) -> anyhow::Result<Schema> {
        let document: SwaggerDocument = serde_json::from_str(text)
            .map_err(|e| anyhow::anyhow!("invalid OpenAPI document: {e}"))?;
        Ok(Schema::from_document(document))
    }

    /// Reads a swagger document given as JSON (when its first byte is `{`)
    /// or YAML, as kustomize reads an `openapi: {path: ...}` file.
    pub fn from_swagger_text(text: &str) -> anyhow::Result<Schema> {
        if text.starts_with('{') {
            return Schema::from_swagger_json(text);
        }
        let docs = crate::yaml::parse_documents(text, std::path::Path::new("openapi"))
            .map_err(|e| anyhow::anyhow!(e))?;
        let json = docs
            .first()
            .map(serde_json::Value::from)
            .unwrap_or_default();
        let document: SwaggerDocument = serde_json::from_value(json)
            .map_err(|e| anyhow::anyhow!("invalid OpenAPI document: {e}"))?;
        Ok(Schema::from_document(document))
    }

    fn from_document(document: SwaggerDocument) -> Schema {
        let mut schema = Schema::default();
        schema.add_definitions(document.definitions);
        if let Some(paths) = &document.paths {
            schema.add_namespaceability(paths);
        }
        schema
    }

    /// Adds `other`'s definitions on top of these: a definition or resource
    /// type present in both takes `other`'s version. Scopes combine: a type
    /// is namespaced when either says so.
    pub fn extend(&mut self, other: Schema) {
        let other = match other.lazy_builtin {
            true => Schema::builtin_owned().layered_with(other),
            false => other,
        };
        self.add_definitions(other.definitions);
        for (key, namespaced) in other.namespaced {
            let entry = self.namespaced.entry(key).or_insert(namespaced);
            *entry |= namespaced;
        }
    }

    /// Records, from the API paths, which resource types are namespaced: a
    /// type with any `get` path under `namespaces/{namespace}` is; one with
    /// only other paths is cluster-scoped.
    fn add_namespaceability(&mut self, paths: &serde_json::Map<String, serde_json::Value>) {
        for (path, item) in paths {
            let Some(gvk) = item
                .get("get")
                .and_then(|op| op.get("x-kubernetes-group-version-kind"))
            else {
                continue;
            };
            let Some(key) = type_key(gvk) else { continue };
            let namespaced = path.contains("namespaces/{namespace}");
            let entry = self.namespaced.entry(key).or_insert(namespaced);
            *entry |= namespaced;
        }
    }

    /// Whether the document's paths declare `apiVersion`/`kind` namespaced
    /// (`Some(true)`), cluster-scoped (`Some(false)`), or say nothing.
    pub fn is_namespaced(&self, api_version: &str, kind: &str) -> Option<bool> {
        if self.namespaced.is_empty() {
            return None;
        }
        self.namespaced
            .get(&(api_version.to_string(), kind.to_string()))
            .copied()
    }

    /// `self` with `other` layered over it, where `other` is known to hold
    /// owned maps only (what a lazy schema layered over the builtin holds).
    fn layered_with(mut self, other: Schema) -> Schema {
        self.add_definitions(other.definitions);
        self.resources.extend(other.resources);
        self.namespaced.extend(other.namespaced);
        self
    }

    fn add_definitions(&mut self, definitions: HashMap<String, SchemaNode>) {
        // Sorted so that two definitions claiming one resource type resolve
        // the same way on every run.
        let mut names: Vec<_> = definitions.into_iter().collect();
        names.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, node) in names {
            for gvk in &node.group_version_kinds {
                let api_version = if gvk.group.is_empty() {
                    gvk.version.clone()
                } else {
                    format!("{}/{}", gvk.group, gvk.version)
                };
                self.resources
                    .insert((api_version, gvk.kind.clone()), name.clone());
            }
            self.definitions.insert(name, node);
        }
    }

    /// The schema of a resource type, if the schema knows it.
    pub fn resource(&self, api_version: &str, kind: &str) -> Option<SchemaRef<'_>> {
        let key = (api_version.to_string(), kind.to_string());
        match self.resources.get(&key) {
            Some(name) => self.definition(name),
            None if self.lazy_builtin => {
                self.definition(builtin::resource_name(api_version, kind)?)
            }
            None => None,
        }
    }

    /// A definition by its name (`io.k8s.api.core.v1.PodSpec`).
    pub fn definition(&self, name: &str) -> Option<SchemaRef<'_>> {
        let node = self.node_named(name)?;
        SchemaRef { root: self, node }.resolved()
    }

    /// Follows a `#/definitions/NAME` reference.
    fn follow(&self, reference: &str) -> Option<&SchemaNode> {
        let name = reference.strip_prefix("#/definitions/")?;
        self.node_named(name)
    }

    /// A definition by name: one layered here, else the builtin one.
    fn node_named(&self, name: &str) -> Option<&SchemaNode> {
        match self.definitions.get(name) {
            Some(node) => Some(node),
            None if self.lazy_builtin => builtin::definition(name),
            None => None,
        }
    }
}

/// `(apiVersion, kind)` of a `x-kubernetes-group-version-kind` object.
fn type_key(gvk: &serde_json::Value) -> Option<(String, String)> {
    let text = |k: &str| gvk.get(k).and_then(|v| v.as_str()).unwrap_or_default();
    let (group, version, kind) = (text("group"), text("version"), text("kind"));
    let api_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    gvk.is_object().then(|| (api_version, kind.to_string()))
}

/// A position in a [`Schema`]: the schema of one resource or field, with
/// `$ref`s already followed.
#[derive(Debug, Clone, Copy)]
pub struct SchemaRef<'a> {
    root: &'a Schema,
    node: &'a SchemaNode,
}

impl<'a> SchemaRef<'a> {
    /// Replaces a reference by what it points to, as often as needed. An
    /// unresolvable reference yields no schema.
    fn resolved(self) -> Option<SchemaRef<'a>> {
        let mut node = self.node;
        for _ in 0..MAX_REF_DEPTH {
            match &node.reference {
                Some(reference) => node = self.root.follow(reference)?,
                None => return Some(SchemaRef { node, ..self }),
            }
        }
        None
    }

    fn at(self, node: &'a SchemaNode) -> Option<SchemaRef<'a>> {
        SchemaRef { node, ..self }.resolved()
    }

    /// The schema of field `name` of an object: its entry in `properties`,
    /// else the `additionalProperties` schema (maps), else none.
    pub fn field(self, name: &str) -> Option<SchemaRef<'a>> {
        if let Some(node) = self.node.properties.get(name) {
            return self.at(node);
        }
        match &self.node.additional_properties {
            Some(AdditionalProperties::Schema(node)) => self.at(node),
            _ => None,
        }
    }

    /// The schema of a list's elements. Only a schema whose type is exactly
    /// `array` has one.
    pub fn elements(self) -> Option<SchemaRef<'a>> {
        let is_array = match &self.node.types {
            Some(TypeList::One(t)) => t == "array",
            Some(TypeList::Many(ts)) => ts.len() == 1 && ts[0] == "array",
            None => false,
        };
        if !is_array {
            return None;
        }
        match self.node.items.as_ref()? {
            Items::One(node) => self.at(node),
            Items::Tuple(_) => None,
        }
    }

    /// Follows a path of field names; `[]` steps into list elements.
    pub fn lookup(self, path: &[&str]) -> Option<SchemaRef<'a>> {
        path.iter().try_fold(self, |schema, step| {
            if *step == "[]" {
                schema.elements()
            } else {
                schema.field(step)
            }
        })
    }

    /// `x-kubernetes-patch-strategy`, as written (`merge`, `replace`,
    /// `retainKeys`, or a comma-separated combination).
    pub fn patch_strategy(self) -> Option<&'a str> {
        self.node.patch_strategy.as_deref()
    }

    /// True when the patch strategy includes `merge`: the list is merged
    /// element by element rather than replaced.
    pub fn has_merge_strategy(self) -> bool {
        self.patch_strategy()
            .is_some_and(|s| s.split(',').any(|part| part == "merge"))
    }

    /// `x-kubernetes-patch-merge-key`.
    pub fn patch_merge_key(self) -> Option<&'a str> {
        self.node.patch_merge_key.as_deref()
    }

    /// `x-kubernetes-list-type` (`atomic`, `set`, `map`).
    pub fn list_type(self) -> Option<&'a str> {
        self.node.list_type.as_deref()
    }

    /// `x-kubernetes-list-map-keys`.
    pub fn list_map_keys(self) -> Option<&'a [String]> {
        self.node.list_map_keys.as_deref()
    }

    /// The keys a merging list's elements are matched by, as kustomize picks
    /// them: none without a patch strategy; else the list-map keys when
    /// present, else the single merge key, else none (a list of scalars).
    pub fn merge_keys(self) -> Vec<&'a str> {
        if self.patch_strategy().is_none() {
            return Vec::new();
        }
        if let Some(keys) = self.list_map_keys() {
            return keys.iter().map(String::as_str).collect();
        }
        self.patch_merge_key().into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_resolves_resource_fields_and_lists() {
        let schema = Schema::builtin();
        let deployment = schema.resource("apps/v1", "Deployment").unwrap();
        let containers = deployment
            .lookup(&["spec", "template", "spec", "containers"])
            .unwrap();
        assert!(containers.has_merge_strategy());
        assert_eq!(containers.merge_keys(), vec!["name"]);
        let ports = containers.lookup(&["[]", "ports"]).unwrap();
        assert_eq!(ports.merge_keys(), vec!["containerPort", "protocol"]);
        assert_eq!(ports.list_type(), Some("map"));
        let volumes = deployment
            .lookup(&["spec", "template", "spec", "volumes"])
            .unwrap();
        assert_eq!(volumes.patch_strategy(), Some("merge,retainKeys"));
    }

    #[test]
    fn maps_use_additional_properties_and_scalars_have_no_elements() {
        let schema = Schema::builtin();
        let cm = schema.resource("v1", "ConfigMap").unwrap();
        assert!(cm.lookup(&["data", "anything"]).is_some());
        assert!(cm.lookup(&["data", "anything", "[]"]).is_none());
        assert!(cm.field("nonexistent").is_none());
        assert!(schema.resource("example.com/v1", "Foo").is_none());
    }

    #[test]
    fn primitive_merge_lists_have_no_keys() {
        let schema = Schema::builtin();
        let finalizers = schema
            .resource("v1", "Pod")
            .and_then(|p| p.lookup(&["metadata", "finalizers"]))
            .unwrap();
        assert!(finalizers.has_merge_strategy());
        assert!(finalizers.merge_keys().is_empty());
    }

    #[test]
    fn custom_definitions_layer_over_builtin() {
        let custom = r##"{"definitions":{"com.example.Foo":{
            "x-kubernetes-group-version-kind":[{"group":"example.com","version":"v1","kind":"Foo"}],
            "properties":{"items":{"type":"array","x-kubernetes-patch-strategy":"merge",
              "x-kubernetes-patch-merge-key":"id","items":{"$ref":"#/definitions/com.example.Item"}}}},
            "com.example.Item":{"properties":{"id":{"type":"string"}}, "additionalProperties": false}}}"##;
        let mut schema = Schema::builtin().clone();
        schema.extend(Schema::from_swagger_json(custom).unwrap());
        let items = schema
            .resource("example.com/v1", "Foo")
            .unwrap()
            .field("items")
            .unwrap();
        assert_eq!(items.merge_keys(), vec!["id"]);
        assert!(items.elements().unwrap().field("id").is_some());
        assert!(items.elements().unwrap().field("other").is_none());
        assert!(schema.resource("apps/v1", "Deployment").is_some());
    }

    #[test]
    fn reference_cycles_yield_no_schema() {
        let text =
            r##"{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}}}"##;
        let schema = Schema::from_swagger_json(text).unwrap();
        assert!(schema.definition("a").is_none());
        assert!(Schema::from_swagger_json("[").is_err());
    }
}
