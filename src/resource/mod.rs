//! The resource model: identities, resources and the ordered resource list.

mod build_state;
mod id;
mod list;
pub mod origin;
pub mod origin_path;
pub mod scope;
mod state;

pub use build_state::{BuildState, LazyBuildState, PreviousId};
pub use id::{Gvk, IdentityKey, ResId};
pub use list::ResourceList;
pub use origin::{ConfiguredBy, Origin};
pub use origin_path::OriginScope;

use crate::yaml::{Mapping, Value};
use std::path::Path;
use std::sync::Arc;

/// One Kubernetes object flowing through the build.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The object itself; always a mapping.
    pub value: Value,
    /// The file it was read from (or the kustomization that generated it),
    /// for error messages.
    pub source: Option<Arc<Path>>,
    /// What the build has done to it so far; allocated on first write, so
    /// an untouched resource pays one pointer.
    pub state: LazyBuildState,
}

impl Resource {
    /// Wraps a parsed object. The caller has checked it is a mapping.
    pub fn new(value: Value, source: Option<Arc<Path>>) -> Resource {
        debug_assert!(value.as_map().is_some());
        Resource {
            value,
            source,
            state: LazyBuildState::default(),
        }
    }

    /// The object's top-level mapping.
    pub fn map(&self) -> &Mapping {
        self.value.as_map().expect("a resource is always a mapping")
    }

    /// The object's top-level mapping, mutably.
    pub fn map_mut(&mut self) -> &mut Mapping {
        self.value
            .as_map_mut()
            .expect("a resource is always a mapping")
    }

    /// `apiVersion`, or "" when missing.
    pub fn api_version(&self) -> &str {
        self.value.str_at(&["apiVersion"]).unwrap_or("")
    }

    /// `kind`, or "" when missing.
    pub fn kind(&self) -> &str {
        self.value.str_at(&["kind"]).unwrap_or("")
    }

    /// `metadata.name`, or "" when missing.
    pub fn name(&self) -> &str {
        self.value.str_at(&["metadata", "name"]).unwrap_or("")
    }

    /// `metadata.namespace`, or "" when missing.
    pub fn namespace(&self) -> &str {
        self.value.str_at(&["metadata", "namespace"]).unwrap_or("")
    }

    /// Group, version and kind.
    pub fn gvk(&self) -> Gvk {
        Gvk::from_api_version(self.api_version(), self.kind())
    }

    /// The current identity: kind, name and namespace as they are now.
    pub fn id(&self) -> ResId {
        ResId::new(self.gvk(), self.name(), self.namespace())
    }

    /// The mapping at `metadata`, created when missing.
    pub fn metadata_mut(&mut self) -> &mut Mapping {
        self.value
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
    pub fn string_map(&self, field: &str) -> Option<&Mapping> {
        self.value
            .get_path(&["metadata", field])
            .and_then(Value::as_map)
    }

    /// A display name for errors: the source file when known, else the id.
    pub fn describe(&self) -> String {
        match &self.source {
            Some(path) => format!("{} (from {})", self.id(), path.display()),
            None => self.id().to_string(),
        }
    }
}
