//! The resource model: identities, resources and the ordered resource list.

mod build_state;
mod id;
mod links;
mod list;
pub(crate) mod origin;
pub(crate) mod origin_path;
pub(crate) mod scope;
mod state;

pub use build_state::{BuildState, LazyBuildState, PreviousId};
pub use id::{Gvk, IdentityKey, ResId};
pub use links::{LinkGroup, LinkPath, LinkSharing, Links, PatchPlan, WriteLog};
pub use list::{ItemsMut, ResourceList};
pub use origin::{ConfiguredBy, Origin};
pub use origin_path::OriginScope;

use crate::yaml::{Frozen, Mapping, Value};
use std::borrow::Cow;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Bytes of resource text this process has read so far.
static INPUT_BYTES: AtomicUsize = AtomicUsize::new(0);

/// Resource text a build reads before its resources rest frozen (see
/// [`Resource::rest`]).
pub const FREEZE_FROM_BYTES: usize = 512 * 1024;

/// Counts `len` bytes of resource text read by the build.
pub fn note_input_bytes(len: usize) {
    INPUT_BYTES.fetch_add(len, Ordering::Relaxed);
}

/// One Kubernetes object flowing through the build.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The object itself (always a mapping), as a tree while something works
    /// on it and frozen at rest (see [`crate::yaml::frozen`]).
    body: Body,
    /// The file it was read from (or the kustomization that generated it),
    /// for error messages.
    pub source: Option<Arc<Path>>,
    /// What the build has done to it so far; allocated on first write, so
    /// an untouched resource pays one pointer.
    pub state: LazyBuildState,
}

/// The two forms of a resource's object.
#[derive(Debug, Clone)]
enum Body {
    Tree(Value),
    Frozen(Frozen),
}

impl Resource {
    /// Wraps a parsed object. The caller has checked it is a mapping.
    pub fn new(value: Value, source: Option<Arc<Path>>) -> Resource {
        debug_assert!(value.as_map().is_some());
        Resource {
            body: Body::Tree(value),
            source,
            state: LazyBuildState::default(),
        }
    }

    /// The object. Borrowed when it is a tree; decoded into a copy when the
    /// resource is frozen, which costs a full decode: code that reads one
    /// field should use [`Resource::value_at`] or [`Resource::str_at`].
    pub fn value(&self) -> Cow<'_, Value> {
        match &self.body {
            Body::Tree(value) => Cow::Borrowed(value),
            Body::Frozen(frozen) => Cow::Owned(frozen.thaw()),
        }
    }

    /// Whether any float, string or mapping key of the object passes its
    /// test; read without thawing.
    pub fn any_scalar(&self, float: &dyn Fn(f64) -> bool, text: &dyn Fn(&str) -> bool) -> bool {
        fn in_tree(
            value: &Value,
            float: &dyn Fn(f64) -> bool,
            text: &dyn Fn(&str) -> bool,
        ) -> bool {
            match value {
                Value::Float(f) => float(*f),
                Value::String(s) => text(s),
                Value::Seq(items) => items.iter().any(|v| in_tree(v, float, text)),
                Value::Map(map) => map.iter().any(|(k, v)| text(k) || in_tree(v, float, text)),
                _ => false,
            }
        }
        match &self.body {
            Body::Tree(value) => in_tree(value, float, text),
            Body::Frozen(frozen) => frozen.any_scalar(float, text),
        }
    }

    /// The object, mutably; thaws the resource if it is frozen. It stays a
    /// tree until [`Resource::freeze`] (the resource list freezes what its
    /// passes thaw).
    pub fn value_mut(&mut self) -> &mut Value {
        if let Body::Frozen(frozen) = &self.body {
            self.body = Body::Tree(frozen.thaw());
        }
        match &mut self.body {
            Body::Tree(value) => value,
            Body::Frozen(_) => unreachable!("thawed above"),
        }
    }

    /// Replaces the object (with new nodes: nothing stays linked).
    pub fn set_value(&mut self, value: Value) {
        debug_assert!(value.as_map().is_some());
        self.unlink_all();
        self.body = Body::Tree(value);
    }

    /// Takes the object out.
    pub fn into_value(self) -> Value {
        match self.body {
            Body::Tree(value) => value,
            Body::Frozen(frozen) => frozen.thaw(),
        }
    }

    /// Encodes the object into its compact form, until it is next changed.
    pub fn freeze(&mut self) {
        if let Body::Tree(value) = &self.body {
            self.body = Body::Frozen(Frozen::new(value));
        }
    }

    /// Bytes of the compact form, while the object is in it.
    pub fn frozen_len(&self) -> Option<usize> {
        match &self.body {
            Body::Frozen(frozen) => Some(frozen.encoded_len()),
            Body::Tree(_) => None,
        }
    }

    /// Puts the object at rest: frozen, once the build has read
    /// [`FREEZE_FROM_BYTES`] of resource text. Below that its trees take a
    /// few megabytes at most, and encoding each one and decoding it again
    /// for every step and for printing cost more time (a twentieth of a
    /// typical build) than the memory is worth; above it, memory is what
    /// freezing saves. Either form gives the same bytes out.
    pub fn rest(&mut self) {
        if INPUT_BYTES.load(Ordering::Relaxed) >= FREEZE_FROM_BYTES {
            self.freeze();
        }
    }

    /// True while the object is in its compact form.
    pub fn is_frozen(&self) -> bool {
        matches!(self.body, Body::Frozen(_))
    }

    /// True when the object is an empty mapping.
    pub fn is_empty_object(&self) -> bool {
        match &self.body {
            Body::Tree(value) => value.as_map().is_some_and(Mapping::is_empty),
            Body::Frozen(frozen) => frozen.is_empty_map(),
        }
    }

    /// The value at `path` (mapping keys from the top), decoding only that
    /// part when the resource is frozen.
    pub fn value_at(&self, path: &[&str]) -> Option<Cow<'_, Value>> {
        match &self.body {
            Body::Tree(value) => value.get_path(path).map(Cow::Borrowed),
            Body::Frozen(frozen) => frozen.thaw_at(path).map(Cow::Owned),
        }
    }

    /// True when following `path` (mapping keys from the top) meets only
    /// mappings and one of them lacks the next key; read in place in
    /// either form.
    pub fn lacks_path(&self, path: &[&str]) -> bool {
        match &self.body {
            Body::Tree(value) => {
                let mut node = value;
                for step in path {
                    match node.as_map().map(|map| map.get(step)) {
                        Some(Some(next)) => node = next,
                        Some(None) => return true,
                        None => return false,
                    }
                }
                false
            }
            Body::Frozen(frozen) => frozen.lacks_path(path),
        }
    }

    /// The string at `path`, read in place in either form.
    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        match &self.body {
            Body::Tree(value) => value.str_at(path),
            Body::Frozen(frozen) => frozen.str_at(path),
        }
    }

    /// The object's top-level mapping, mutably (thaws the resource).
    pub fn map_mut(&mut self) -> &mut Mapping {
        self.value_mut()
            .as_map_mut()
            .expect("a resource is always a mapping")
    }

    /// `apiVersion`, or "" when missing.
    pub fn api_version(&self) -> &str {
        self.str_at(&["apiVersion"]).unwrap_or("")
    }

    /// `kind`, or "" when missing.
    pub fn kind(&self) -> &str {
        self.str_at(&["kind"]).unwrap_or("")
    }

    /// `metadata.name`, or "" when missing.
    pub fn name(&self) -> &str {
        self.str_at(&["metadata", "name"]).unwrap_or("")
    }

    /// `metadata.namespace`, or "" when missing.
    pub fn namespace(&self) -> &str {
        self.str_at(&["metadata", "namespace"]).unwrap_or("")
    }

    /// Group, version and kind. An `apiVersion` that is a number or a
    /// boolean counts by its text, as kustomize reads it into a string.
    pub fn gvk(&self) -> Gvk {
        if let Some(api_version) = self.str_at(&["apiVersion"]) {
            return Gvk::from_api_version(api_version, self.kind());
        }
        let text = self
            .value_at(&["apiVersion"])
            .and_then(|v| v.scalar_text())
            .unwrap_or_default();
        Gvk::from_api_version(&text, self.kind())
    }

    /// The current identity: kind, name and namespace as they are now.
    pub fn id(&self) -> ResId {
        ResId::new(self.gvk(), self.name(), self.namespace())
    }

    /// The mapping at `metadata`, created when missing.
    pub fn metadata_mut(&mut self) -> &mut Mapping {
        self.value_mut()
            .ensure_map("metadata")
            .expect("metadata is a mapping (checked on load)")
    }

    /// Sets `metadata.name`.
    pub fn set_name(&mut self, name: &str) {
        self.metadata_mut()
            .insert("name".into(), Value::String(name.into()));
    }

    /// Sets `metadata.namespace`.
    pub fn set_namespace(&mut self, namespace: &str) {
        self.metadata_mut()
            .insert("namespace".into(), Value::String(namespace.into()));
    }

    /// The string map at `metadata.<field>` (labels or annotations), if any.
    pub fn string_map(&self, field: &str) -> Option<Cow<'_, Mapping>> {
        match self.value_at(&["metadata", field])? {
            Cow::Borrowed(value) => value.as_map().map(Cow::Borrowed),
            Cow::Owned(Value::Map(map)) => Some(Cow::Owned(map)),
            Cow::Owned(_) => None,
        }
    }

    /// A display name for errors: the source file when known, else the id.
    pub fn describe(&self) -> String {
        match &self.source {
            Some(path) => format!("{} (from {})", self.id(), path.display()),
            None => self.id().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    fn resource(text: &str) -> Resource {
        let value = parse_documents(text, Path::new("r.yaml"))
            .unwrap()
            .remove(0);
        Resource::new(value, None)
    }

    #[test]
    fn both_forms_read_the_same() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  \
                    namespace: prod\n  labels: {app: web}\nspec: {replicas: 2}\n";
        let tree = resource(text);
        let mut frozen = tree.clone();
        frozen.freeze();
        assert!(frozen.is_frozen() && !tree.is_frozen());
        for r in [&tree, &frozen] {
            assert_eq!(r.id(), tree.id());
            assert_eq!(r.api_version(), "apps/v1");
            assert_eq!(r.str_at(&["metadata", "labels", "app"]), Some("web"));
            assert_eq!(
                r.value_at(&["spec", "replicas"]).as_deref(),
                Some(&Value::Int(2))
            );
            assert_eq!(r.string_map("labels").unwrap().len(), 1);
            assert!(r.string_map("annotations").is_none());
            assert!(!r.is_empty_object());
            assert_eq!(*r.value(), *tree.value());
        }
        frozen.set_namespace("dev");
        assert!(!frozen.is_frozen());
        frozen.freeze();
        assert_eq!(frozen.namespace(), "dev");
        assert_eq!(
            frozen.into_value().str_at(&["metadata", "name"]),
            Some("web")
        );
    }

    #[test]
    fn an_empty_object_is_empty_in_either_form() {
        let mut empty = Resource::new(Value::new_map(), None);
        assert!(empty.is_empty_object());
        empty.freeze();
        assert!(empty.is_empty_object());
        assert_eq!(empty.kind(), "");
    }
}
