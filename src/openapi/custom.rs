//! The `openapi:` field: which schema a build's strategic merges (and scope
//! checks) use.
//!
//! kustomize keeps one schema for the whole build, chosen as it goes:
//!
//! * The kustomization being built decides first: `openapi: {path: f}` loads
//!   a custom schema, `openapi: {version: v}` picks a builtin version (only
//!   `v1.21.2` exists), and both at once is an error.
//! * Otherwise the first kustomization (base or component), in the order
//!   the build enters them, whose `openapi:` asks for a schema sets it, and
//!   it stays for the rest of the build: patches run before that point use
//!   the builtin schema, patches after it (anywhere, overlays included) the
//!   chosen one. Later requests are ignored (unless their file is missing,
//!   which is still an error).
//!
//! What a custom schema holds depends on what happened before it was
//! chosen, because kustomize parses schemas lazily into one global table:
//! chosen at the top, it is the custom document alone (so builtin kinds
//! lose their merge keys); chosen after a strategic merge already loaded the
//! builtin schema, it is layered over the builtin one; chosen after a
//! resource of a kind the builtin schema does not know was read, the builtin
//! one is layered over it.
//!
//! Since "first in build order" needs a deterministic order, a build whose
//! schema is not fixed at the top first looks for nested requests, and when
//! there is one it runs in order, with [`SchemaScope::sequential`].
//!
//! The scope is part of the build's context: the transformers that merge
//! patches or decide cluster scope ask it ([`SchemaScope::for_merge`],
//! [`SchemaScope::is_cluster_scoped`]); with nothing chosen (the usual
//! case) the builtin schema is used.

use super::Schema;
use anyhow::{bail, Result};
use indexmap::IndexMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The builtin OpenAPI versions `openapi: {version: ...}` may name.
pub const BUILTIN_VERSIONS: &[&str] = &["v1.21.2"];

/// Reads a file named by a kustomization (relative to it, restricted).
pub type ReadFile<'a> = &'a dyn Fn(&str) -> Result<String>;

/// The schema chosen so far.
#[derive(Debug, Clone, Default)]
enum Choice {
    /// Nothing chosen: the builtin schema is in use.
    #[default]
    Unset,
    /// A builtin version was chosen explicitly.
    Builtin,
    /// A custom schema.
    Custom(Arc<Schema>),
}

#[derive(Debug, Default)]
struct State {
    choice: Choice,
    /// A nested kustomization asked for a schema while none was chosen
    /// (parallel builds only note it).
    nested_request: bool,
    /// A strategic merge has run (the builtin schema is loaded).
    merged: bool,
    /// A resource of a kind unknown to the builtin schema has been read.
    unknown_kind_seen: bool,
}

/// The schema state of one build.
#[derive(Debug, Default)]
pub struct SchemaScope {
    state: Mutex<State>,
    /// Nested requests are applied (in build order) rather than noted.
    sequential: bool,
    /// Set once a custom schema is chosen, so that scope checks (made for
    /// every resource by several transformers) need no lock while none is,
    /// the usual case.
    custom_chosen: AtomicBool,
}

/// What one kustomization's `openapi:` field asks for.
enum Request {
    Nothing,
    Builtin,
    Custom(String),
}

/// Loads the file of an `openapi:` field, if it names one (always, as
/// kustomize does, even when the request will be ignored).
fn read_path(field: &IndexMap<String, String>, read: ReadFile) -> Result<Option<String>> {
    field.get("path").map(|p| read(p)).transpose()
}

/// What an `openapi:` field asks for, given its file's text.
fn request_from(field: &IndexMap<String, String>, text: Option<String>) -> Result<Request> {
    let version = field.get("version");
    match (text, version) {
        (Some(_), Some(_)) => bail!("builtin version and custom schema provided, cannot use both"),
        (Some(text), None) => Ok(Request::Custom(text)),
        (None, Some(v)) if v.is_empty() => Ok(Request::Nothing),
        (None, Some(v)) if BUILTIN_VERSIONS.contains(&v.as_str()) => Ok(Request::Builtin),
        (None, Some(_)) => bail!("the specified OpenAPI version is not built in"),
        (None, None) => Ok(Request::Nothing),
    }
}

impl SchemaScope {
    /// A scope for a build whose kustomizations are accumulated in
    /// parallel: nested requests are only noted.
    pub fn parallel() -> SchemaScope {
        SchemaScope::default()
    }

    /// A scope for a build run in order, applying nested requests.
    pub fn sequential() -> SchemaScope {
        SchemaScope {
            sequential: true,
            ..SchemaScope::default()
        }
    }

    /// True when kustomizations must be accumulated one after the other.
    pub fn is_sequential(&self) -> bool {
        self.sequential
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The top kustomization's `openapi:` field: it always decides when it
    /// asks for anything. Errors for a missing file, a path together with a
    /// version, an unknown version or an unreadable schema.
    pub fn enter_root(&self, field: &IndexMap<String, String>, read: ReadFile) -> Result<()> {
        let choice = match request_from(field, read_path(field, read)?)? {
            Request::Nothing => return Ok(()),
            Request::Builtin => Choice::Builtin,
            Request::Custom(text) => Choice::Custom(Arc::new(Schema::from_swagger_text(&text)?)),
        };
        self.choose(&mut self.lock(), choice);
        Ok(())
    }

    fn choose(&self, state: &mut State, choice: Choice) {
        if matches!(choice, Choice::Custom(_)) {
            self.custom_chosen.store(true, Ordering::Release);
        }
        state.choice = choice;
    }

    /// A base's or component's `openapi:` field, as the build enters it.
    pub fn enter_nested(&self, field: &IndexMap<String, String>, read: ReadFile) -> Result<()> {
        if field.is_empty() {
            return Ok(());
        }
        let text = read_path(field, read)?;
        if !matches!(self.lock().choice, Choice::Unset) {
            return Ok(());
        }
        let request = request_from(field, text)?;
        let mut state = self.lock();
        if matches!(request, Request::Nothing) {
            return Ok(());
        }
        if !self.sequential {
            state.nested_request = true;
            return Ok(());
        }
        let choice = match request {
            Request::Custom(text) => {
                let custom = Schema::from_swagger_text(&text)?;
                Choice::Custom(Arc::new(layer(custom, &state)))
            }
            _ => Choice::Builtin,
        };
        self.choose(&mut state, choice);
        Ok(())
    }

    /// True when a nested kustomization asked for a schema that a parallel
    /// build could not place in order. The build looks for such requests
    /// before it starts and runs in order when it finds one, so this means
    /// it missed one.
    pub fn missed_nested_request(&self) -> bool {
        !self.sequential && self.lock().nested_request
    }

    /// Notes resources read by a build run in order, whose kinds decide how
    /// a custom schema chosen later is layered.
    pub fn note_kinds<'a>(&self, kinds: impl IntoIterator<Item = (&'a str, &'a str)>) {
        if !self.sequential {
            return;
        }
        let mut state = self.lock();
        if state.unknown_kind_seen || !matches!(state.choice, Choice::Unset) {
            return;
        }
        let builtin = Schema::builtin();
        state.unknown_kind_seen = kinds
            .into_iter()
            .any(|(api_version, kind)| builtin.resource(api_version, kind).is_none());
    }

    /// The schema a strategic merge uses now: the chosen custom schema, or
    /// else the builtin one. Records that a merge ran, which decides how a
    /// custom schema chosen later is layered.
    pub fn for_merge(&self) -> MergeSchema {
        let mut state = self.lock();
        state.merged = true;
        match &state.choice {
            Choice::Custom(schema) => MergeSchema::Custom(schema.clone()),
            _ => MergeSchema::Builtin,
        }
    }

    /// True when `apiVersion`/`kind` is cluster-scoped: the builtin list
    /// knows it, or (for kinds the builtin schema does not know) the chosen
    /// custom schema says so through its API paths.
    pub fn is_cluster_scoped(&self, api_version: &str, kind: &str) -> bool {
        crate::resource::scope::is_cluster_scoped(api_version, kind)
            || self.custom_says_cluster_scoped(|| api_version.to_string(), kind)
    }

    /// [`SchemaScope::is_cluster_scoped`] for a type; builds the
    /// `apiVersion` text only when a custom schema is chosen.
    pub fn is_gvk_cluster_scoped(&self, gvk: &crate::resource::Gvk) -> bool {
        gvk.is_cluster_scoped() || self.custom_says_cluster_scoped(|| gvk.api_version(), &gvk.kind)
    }

    fn custom_says_cluster_scoped(&self, api_version: impl FnOnce() -> String, kind: &str) -> bool {
        if !self.custom_chosen.load(Ordering::Acquire) {
            return false;
        }
        let Choice::Custom(custom) = &self.lock().choice else {
            return false;
        };
        let api_version = api_version();
        custom.is_namespaced(&api_version, kind) == Some(false)
            && Schema::builtin().resource(&api_version, kind).is_none()
    }
}

/// The schema of one strategic merge ([`SchemaScope::for_merge`]).
#[derive(Debug, Clone)]
pub enum MergeSchema {
    /// The builtin Kubernetes schema.
    Builtin,
    /// A kustomization's custom schema.
    Custom(Arc<Schema>),
}

impl std::ops::Deref for MergeSchema {
    type Target = Schema;
    fn deref(&self) -> &Schema {
        match self {
            MergeSchema::Builtin => Schema::builtin(),
            MergeSchema::Custom(schema) => schema,
        }
    }
}

/// A custom schema chosen below the top, layered as kustomize's global
/// table would hold it at that point.
fn layer(custom: Schema, state: &State) -> Schema {
    if state.merged {
        let mut schema = Schema::builtin().clone();
        schema.extend(custom);
        schema
    } else if state.unknown_kind_seen {
        let mut schema = custom;
        schema.extend(Schema::builtin().clone());
        schema
    } else {
        custom
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CUSTOM: &str = r##"{"definitions":{"Foo":{
        "x-kubernetes-group-version-kind":[{"group":"example.com","version":"v1","kind":"Foo"}],
        "properties":{"items":{"type":"array","x-kubernetes-patch-strategy":"merge",
          "x-kubernetes-patch-merge-key":"id","items":{"type":"object"}}}}},
        "paths":{"/apis/example.com/v1/foos/{name}":{"get":{
          "x-kubernetes-group-version-kind":{"group":"example.com","version":"v1","kind":"Foo"}}}}}"##;

    fn field(pairs: &[(&str, &str)]) -> IndexMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn read(path: &str) -> Result<String> {
        match path {
            "s.json" => Ok(CUSTOM.to_string()),
            _ => bail!("'{path}' doesn't exist"),
        }
    }

    #[test]
    fn root_requests_and_errors() {
        let scope = SchemaScope::parallel();
        let both = field(&[("path", "s.json"), ("version", "v1.21.2")]);
        let err = scope.enter_root(&both, &read).unwrap_err();
        assert_eq!(
            err.to_string(),
            "builtin version and custom schema provided, cannot use both"
        );
        let err = scope
            .enter_root(&field(&[("version", "v1.14.1")]), &read)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the specified OpenAPI version is not built in"
        );
        let err = scope
            .enter_root(&field(&[("path", "missing.json")]), &read)
            .unwrap_err();
        assert!(err.to_string().contains("missing.json"));
        scope
            .enter_root(&field(&[("path", "s.json")]), &read)
            .unwrap();
        let MergeSchema::Custom(schema) = scope.for_merge() else {
            panic!("the custom schema is chosen");
        };
        assert!(schema.resource("example.com/v1", "Foo").is_some());
        assert!(schema.resource("apps/v1", "Deployment").is_none());
        assert!(scope.is_cluster_scoped("example.com/v1", "Foo"));
        assert!(!scope.is_cluster_scoped("v1", "ConfigMap"));
    }

    #[test]
    fn nested_requests_wait_for_an_ordered_build() {
        let scope = SchemaScope::parallel();
        scope
            .enter_nested(&field(&[("path", "s.json")]), &read)
            .unwrap();
        assert!(scope.missed_nested_request());
        assert!(matches!(scope.for_merge(), MergeSchema::Builtin));
        let ordered = SchemaScope::sequential();
        ordered.note_kinds([("example.com/v1", "Foo")]);
        ordered
            .enter_nested(&field(&[("path", "s.json")]), &read)
            .unwrap();
        // The builtin schema is layered over the custom one.
        let MergeSchema::Custom(schema) = ordered.for_merge() else {
            panic!("the custom schema is chosen");
        };
        assert!(schema.resource("apps/v1", "Deployment").is_some());
        assert!(!ordered.missed_nested_request());
    }

    #[test]
    fn first_request_wins() {
        let scope = SchemaScope::sequential();
        scope
            .enter_nested(&field(&[("version", "v1.21.2")]), &read)
            .unwrap();
        // Ignored, though a missing file still fails.
        scope
            .enter_nested(&field(&[("path", "s.json")]), &read)
            .unwrap();
        assert!(scope
            .enter_nested(&field(&[("path", "nope.json")]), &read)
            .is_err());
        assert!(matches!(scope.for_merge(), MergeSchema::Builtin));
        assert!(!scope.is_cluster_scoped("example.com/v1", "Foo"));
    }
}
