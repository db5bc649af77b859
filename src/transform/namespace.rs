//! The NamespaceTransformer: moves namespaced resources into one namespace.
//!
//! kustomize's rules, per resource:
//!
//! 1. `metadata/namespace` is set on every resource the embedded schema does
//!    not know to be cluster-scoped (created if missing). Field specs for
//!    that path are ignored, and specs for `metadata/name` only apply to
//!    `apiVersion: v1` objects (so a core Namespace is renamed, a custom
//!    `Namespace` kind is not).
//! 2. In RoleBindings and ClusterRoleBindings (by kind, any group), subjects
//!    get the namespace according to `setRoleBindingSubjects`; field specs
//!    for `subjects/namespace` on those kinds are ignored.
//! 3. Every other field spec sets the namespace where it points.
//!
//! With `unsetOnly`, only blank fields are set. After each resource the
//! identities are checked: two resources may not end up the same.

use super::plugin_config::{lenient_field_specs, nullable, PluginMetadata};
use super::{Transform, TransformContext};
use crate::fieldspec::{CompiledSpec, CreateKind, FieldSpec, FieldSpecError, NodeKind, SetError};
use crate::openapi::custom::SchemaScope;
use crate::resource::{Gvk, ResId, Resource, ResourceList};
use crate::yaml::Value;
use anyhow::{anyhow, bail, Result};
use serde::Deserialize;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

/// Which RoleBinding / ClusterRoleBinding subjects get the namespace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum RoleBindingSubjects {
    /// Only subjects named `default` (the default).
    #[default]
    DefaultOnly,
    /// Every subject of kind `ServiceAccount`.
    AllServiceAccounts,
    /// No subject.
    None,
}

impl TryFrom<String> for RoleBindingSubjects {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "" | "defaultOnly" => Ok(RoleBindingSubjects::DefaultOnly),
            "allServiceAccounts" => Ok(RoleBindingSubjects::AllServiceAccounts),
            "none" => Ok(RoleBindingSubjects::None),
            other => Err(format!(
                "invalid value \"{other}\" for setRoleBindingSubjects: must be one of \
                 \"defaultOnly\", \"none\" or \"allServiceAccounts\""
            )),
        }
    }
}

/// Configuration of the NamespaceTransformer: from a kustomization's
/// `namespace`, or from a `transformers:` entry with `apiVersion: builtin`,
/// `kind: NamespaceTransformer` (the namespace is its `metadata.namespace`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceTransformer {
    /// `metadata.namespace` holds the target namespace.
    #[serde(default, deserialize_with = "nullable")]
    pub metadata: PluginMetadata,
    /// Namespace fields besides `metadata/namespace`.
    #[serde(default, deserialize_with = "lenient_field_specs")]
    pub field_specs: Vec<FieldSpec>,
    /// Only set fields that are missing or blank.
    #[serde(default, deserialize_with = "nullable")]
    pub unset_only: bool,
    /// Which role binding subjects to update.
    #[serde(default, deserialize_with = "nullable")]
    pub set_role_binding_subjects: RoleBindingSubjects,
}

impl NamespaceTransformer {
    /// Moves resources into `namespace`, at `metadata/namespace` and the
    /// configured `field_specs`, updating the default role binding subjects
    /// (a kustomization's `namespace` field).
    pub fn new(namespace: &str, field_specs: Vec<FieldSpec>) -> NamespaceTransformer {
        NamespaceTransformer {
            metadata: PluginMetadata {
                namespace: namespace.to_string(),
                ..PluginMetadata::default()
            },
            field_specs,
            unset_only: false,
            set_role_binding_subjects: RoleBindingSubjects::DefaultOnly,
        }
    }
}

static METADATA_NAMESPACE: LazyLock<FieldSpec> =
    LazyLock::new(|| FieldSpec::new("metadata/namespace", true));

impl Transform for NamespaceTransformer {
    fn apply(&self, cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        if self.namespace().is_empty() {
            return Ok(());
        }
        let schema = cx.schema();
        let id_hash = |r: &Resource| id_hash(r, schema);
        let conflict_key = |r: &Resource| conflict_key(&r.id(), schema);
        let metadata_namespace = CompiledSpec::new(&METADATA_NAMESPACE);
        let specs: Vec<CompiledSpec<'_>> = self.field_specs.iter().map(CompiledSpec::new).collect();
        let mut items = resources.items_mut();
        // Identities are tracked by hash; a shared hash triggers an exact
        // comparison, so collisions cost time, never correctness.
        let mut hashes: Vec<u64> = items.iter().map(id_hash).collect();
        let mut counts: HashMap<u64, u32> = HashMap::with_capacity(items.len());
        for h in &hashes {
            *counts.entry(*h).or_default() += 1;
        }
        for i in 0..items.len() {
            if items[i].is_empty_object() {
                continue;
            }
            // kustomize records the identity of every non-empty resource,
            // whether or not its namespace changes.
            items[i].store_previous_id();
            if !self.leaves_alone(schema, &items[i], &specs) {
                self.transform_one(schema, items[i].value_mut(), &metadata_namespace, &specs)?;
                items[i].rest();
            }
            let new_hash = id_hash(&items[i]);
            if new_hash != hashes[i] {
                if let Some(c) = counts.get_mut(&hashes[i]) {
                    *c -= 1;
                }
                *counts.entry(new_hash).or_default() += 1;
                hashes[i] = new_hash;
            }
            if counts.get(&new_hash) != Some(&1) {
                let key = conflict_key(&items[i]);
                let sharing = items.iter().filter(|r| conflict_key(r) == key).count();
                if sharing != 1 {
                    bail!(
                        "namespace transformation produces ID conflict: {}",
                        conflict_list(&items, &key, schema)
                    );
                }
            }
        }
        Ok(())
    }
}

/// The key two resources conflict on ([`ResId::conflict_key`]), with the
/// build's schema deciding which kinds are cluster-scoped.
fn conflict_key(id: &ResId, schema: &SchemaScope) -> (Gvk, String, String) {
    let cluster_scoped = schema.is_gvk_cluster_scoped(&id.gvk);
    let namespace = id.effective_namespace_if(cluster_scoped).to_string();
    (id.gvk.clone(), id.name.clone(), namespace)
}

/// A hash of an object's identity as [`conflict_key`] defines it, computed
/// without allocating.
fn id_hash(object: &Resource, schema: &SchemaScope) -> u64 {
    let text = |path: &[&str]| object.str_at(path).unwrap_or("");
    let api_version = text(&["apiVersion"]);
    let kind = text(&["kind"]);
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let namespace = text(&["metadata", "namespace"]);
    let effective = if schema.is_cluster_scoped(api_version, kind) {
        "_non_namespaceable_"
    } else if namespace.is_empty() {
        "default"
    } else {
        namespace
    };
    let mut hasher = DefaultHasher::new();
    (group, version, kind, text(&["metadata", "name"]), effective).hash(&mut hasher);
    hasher.finish()
}

impl NamespaceTransformer {
    /// Sets the namespace of one resource (no identity conflict check),
    /// as kustomize's namespace filter does when another transformer
    /// hands it a single resource.
    pub(crate) fn transform_resource(
        &self,
        schema: &SchemaScope,
        res: &mut Resource,
    ) -> Result<()> {
        if self.namespace().is_empty() || res.is_empty_object() {
            return Ok(());
        }
        let metadata_namespace = CompiledSpec::new(&METADATA_NAMESPACE);
        let specs: Vec<CompiledSpec<'_>> = self.field_specs.iter().map(CompiledSpec::new).collect();
        res.store_previous_id();
        self.transform_one(schema, res.value_mut(), &metadata_namespace, &specs)?;
        res.rest();
        Ok(())
    }

    /// True when [`Self::transform_one`] provably changes nothing in `res`,
    /// judged from a few fields read in place: a large cluster-scoped
    /// resource (a CRD) then needs no decoding and re-encoding. It must be
    /// cluster-scoped or already carry the namespace, no role binding, and
    /// every other spec that applies to it must neither create fields nor
    /// find its path: the walk stops at the first missing field. Anything
    /// else is left to the full walk.
    fn leaves_alone(
        &self,
        schema: &SchemaScope,
        res: &Resource,
        specs: &[CompiledSpec<'_>],
    ) -> bool {
        let api_version = res.str_at(&["apiVersion"]).unwrap_or("");
        let kind = res.str_at(&["kind"]).unwrap_or("");
        if kind == "RoleBinding" || kind == "ClusterRoleBinding" {
            return false;
        }
        if !schema.is_cluster_scoped(api_version, kind)
            && res.str_at(&["metadata", "namespace"]) != Some(self.namespace())
        {
            return false;
        }
        specs.iter().all(|compiled| {
            let spec = compiled.spec();
            let skipped = spec.path == "metadata/namespace"
                || (spec.path == "metadata/name" && api_version != "v1");
            skipped
                || !compiled.matches(api_version, kind)
                || (!spec.create_if_missing && finds_nothing(res, compiled))
        })
    }

    /// The target namespace.
    pub fn namespace(&self) -> &str {
        &self.metadata.namespace
    }

    fn transform_one(
        &self,
        schema: &SchemaScope,
        object: &mut Value,
        metadata_namespace: &CompiledSpec<'_>,
        specs: &[CompiledSpec<'_>],
    ) -> Result<()> {
        let api_version = object.str_at(&["apiVersion"]).unwrap_or("").to_string();
        let kind = object.str_at(&["kind"]).unwrap_or("").to_string();
        let namespace = self.namespace();
        let unset_only = self.unset_only;
        let mut setter = |node: &mut Value| set_namespace(node, namespace, unset_only);
        if !schema.is_cluster_scoped(&api_version, &kind) {
            metadata_namespace.apply_matched(object, CreateKind::Scalar, &mut setter)?;
        }
        let is_role_binding = kind == "RoleBinding" || kind == "ClusterRoleBinding";
        if is_role_binding {
            set_subjects(object, self.set_role_binding_subjects, &mut setter)?;
        }
        for compiled in specs {
            let spec = compiled.spec();
            let skip = spec.path == "metadata/namespace"
                || (spec.path == "metadata/name" && api_version != "v1")
                || (is_role_binding
                    && (spec.kind == "RoleBinding" || spec.kind == "ClusterRoleBinding")
                    && spec.path == "subjects/namespace");
            if !skip && compiled.matches(&api_version, &kind) {
                compiled
                    .apply_matched(object, CreateKind::Scalar, &mut setter)
                    .map_err(spec_error)?;
            }
        }
        Ok(())
    }
}

/// True when a non-creating spec's walk provably stops at a missing field
/// of `res`: its path's names are plain and lead through mappings only.
fn finds_nothing(res: &Resource, compiled: &CompiledSpec<'_>) -> bool {
    let names: Vec<&str> = compiled.field_names().collect();
    names.iter().all(|name| is_plain_name(name)) && res.lacks_path(&names)
}

/// A field name the walk looks up as it is: not a sequence index or
/// marker, a wildcard or a blank (see the walk's own checks).
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().any(|b| b.is_ascii_alphabetic())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Words a field-spec failure as kustomize does: wrong-kind targets get
/// their own message.
fn spec_error(e: FieldSpecError) -> anyhow::Error {
    match e.cause.wrong_kind() {
        Some(SetError::WrongKind { actual, .. }) if *actual != NodeKind::Scalar => {
            anyhow!("namespace field specs must target scalar nodes: {e}")
        }
        _ => anyhow!("namespace transformation failed: {e}"),
    }
}

/// Sets a namespace field. With `unset_only`, a field that already holds
/// text is left alone.
fn set_namespace(node: &mut Value, namespace: &str, unset_only: bool) -> Result<(), SetError> {
    if unset_only && has_value(node) {
        return Ok(());
    }
    match node {
        Value::Map(_) | Value::Seq(_) => Err(SetError::wrong_kind(NodeKind::Scalar, node)),
        _ => {
            *node = Value::String(namespace.into());
            Ok(())
        }
    }
}

/// kustomize's "already set" test: a scalar with text, or (oddly) a
/// mapping whose empty key holds text.
fn has_value(node: &Value) -> bool {
    match node {
        Value::Null | Value::Seq(_) => false,
        Value::Map(m) => m
            .get("")
            .and_then(Value::scalar_text)
            .is_some_and(|t| !t.is_empty()),
        scalar => scalar.scalar_text().is_some_and(|t| !t.is_empty()),
    }
}

/// Sets the namespace on the selected subjects of a (Cluster)RoleBinding.
fn set_subjects(
    object: &mut Value,
    mode: RoleBindingSubjects,
    setter: &mut dyn FnMut(&mut Value) -> Result<(), SetError>,
) -> Result<()> {
    let (field, wanted) = match mode {
        RoleBindingSubjects::None => return Ok(()),
        RoleBindingSubjects::DefaultOnly => ("name", "default"),
        RoleBindingSubjects::AllServiceAccounts => ("kind", "ServiceAccount"),
    };
    let prefix = "setting namespace on (cluster)role binding subjects";
    let items = match object.get_mut("subjects") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Seq(items)) => items,
        Some(other) => bail!(
            "{prefix}: {}",
            SetError::wrong_kind(NodeKind::Sequence, other)
        ),
    };
    for subject in items {
        set_subject(subject, field, wanted, setter).map_err(|e| anyhow!("{prefix}: {e}"))?;
    }
    Ok(())
}

/// Sets the namespace on one subject when its `field` equals `wanted`.
fn set_subject(
    subject: &mut Value,
    field: &str,
    wanted: &str,
    setter: &mut dyn FnMut(&mut Value) -> Result<(), SetError>,
) -> Result<(), String> {
    let looking_up =
        |e: SetError| format!("looking up {field} on (cluster)role binding subject: {e}");
    let map = match subject {
        Value::Null => return Ok(()),
        Value::Map(map) => map,
        other => return Err(looking_up(SetError::wrong_kind(NodeKind::Mapping, other))),
    };
    match map.get(field) {
        None | Some(Value::Null) => return Ok(()),
        Some(v @ (Value::Map(_) | Value::Seq(_))) => {
            return Err(looking_up(SetError::wrong_kind(NodeKind::Scalar, v)))
        }
        Some(v) if v.scalar_text().as_deref() != Some(wanted) => return Ok(()),
        Some(_) => {}
    }
    let slot = map.entry("namespace".into()).or_insert(Value::Null);
    setter(slot).map_err(|e| e.to_string())
}

/// The resources that share `key`, as kustomize lists them in its conflict
/// error: JSON, with their build state (the identities recorded so far)
/// in annotations.
fn conflict_list(items: &[Resource], key: &(Gvk, String, String), schema: &SchemaScope) -> String {
    let parts: Vec<String> = items
        .iter()
        .filter(|r| &conflict_key(&r.id(), schema) == key)
        .map(|r| crate::gojson::encode::to_string(&r.annotated_value()))
        .collect();
    format!("[{}]", parts.join(" "))
}

#[cfg(test)]
#[path = "namespace_tests.rs"]
mod tests;
