//! The builtin transformers, one module each. Each is a function over the
//! resource list, configured by one config type that both its kustomization
//! field and its `transformers:` plugin form deserialize into.

pub mod annotations;
mod entries;
pub mod hash_suffix;
pub mod images;
pub mod labels;
pub mod name_reference;
pub mod namespace;
pub mod patch;
pub mod patch_legacy;
mod plugin_config;
pub mod prefix_suffix;
pub mod replacement;
pub mod replicas;
pub mod value_add;
pub mod vars;

use crate::openapi::custom::SchemaScope;
use crate::resource::ResourceList;

/// A transformer: a function over the resource list.
pub trait Transform {
    /// Applies the transformation to every resource it selects, in the
    /// build described by `cx`.
    fn apply(
        &self,
        cx: &mut TransformContext<'_>,
        resources: &mut ResourceList,
    ) -> anyhow::Result<()>;
}

/// What a transformer may use of the build it runs in, handed to every
/// [`Transform::apply`]: nothing a transformer reads comes from anywhere
/// else.
pub struct TransformContext<'a> {
    schema: &'a SchemaScope,
    notes: Vec<String>,
}

impl<'a> TransformContext<'a> {
    /// A context for transformers of a build whose OpenAPI schema state is
    /// `schema`.
    pub fn new(schema: &'a SchemaScope) -> TransformContext<'a> {
        TransformContext {
            schema,
            notes: Vec::new(),
        }
    }

    /// The build's OpenAPI schema: strategic-merge keys, and the scope of
    /// kinds only a custom schema knows.
    pub fn schema(&self) -> &'a SchemaScope {
        self.schema
    }

    /// Records that something in a transformer's configuration had no
    /// effect (a patch target that selects nothing), for the build's
    /// warnings ([`crate::warning`]).
    pub fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// The notes recorded so far, leaving none.
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }
}

/// Applies `transform` alone, in a build with the builtin schema and no
/// interest in notes (unit tests).
#[cfg(test)]
pub(crate) fn apply_alone(
    transform: &dyn Transform,
    resources: &mut ResourceList,
) -> anyhow::Result<()> {
    let scope = SchemaScope::parallel();
    transform.apply(&mut TransformContext::new(&scope), resources)
}
