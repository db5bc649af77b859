//! Where a resource came from, and which transformers touched it: the facts
//! behind kustomize's `buildMetadata` annotations
//! `config.kubernetes.io/origin` and
//! `alpha.config.kubernetes.io/transformations`.
//!
//! An [`Origin`] is built once per source (a resource file, a generator or
//! transformer config) and shared by every resource it concerns through an
//! `Arc`, so tracking costs a pointer per resource. Its annotation text is
//! rendered once, on first use, in the layout kustomize's YAML encoder gives
//! the struct: fields in the order `path`, `configuredIn`, `configuredBy`
//! (`apiVersion`, `kind`, `name`, `namespace`), empty ones left out, an
//! indent of two spaces and a final line break.
//!
//! The rules for applying origins mirror kustomize's:
//!
//! * a resource read from a file gets the file's origin
//!   ([`Resource::set_origin`]);
//! * a generated resource gets its generator's origin unless it already has
//!   one ([`Resource::set_origin_if_missing`]);
//! * after each transformer runs, every resource present records it: as its
//!   origin when it has none (kustomize assumes the transformer made it),
//!   otherwise as one more transformation ([`record_transformation`]).

use super::Resource;
use crate::yaml::{print_document, Value};
use std::sync::{Arc, OnceLock};

/// The origin annotation key.
pub const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin";

/// The transformations annotation key.
pub const TRANSFORMER_ANNOTATION: &str = "alpha.config.kubernetes.io/transformations";

/// The `apiVersion` kustomize gives its builtin generators and transformers
/// in `configuredBy`.
pub const BUILTIN_API_VERSION: &str = "builtin";

/// The identity of the generator or transformer config that made or changed
/// a resource (kustomize's `configuredBy`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfiguredBy {
    /// `apiVersion` of the config (`builtin` for kustomization fields).
    pub api_version: String,
    /// `kind` of the config, e.g. `ConfigMapGenerator`.
    pub kind: String,
    /// `metadata.name` of the config; empty for kustomization fields.
    pub name: String,
    /// `metadata.namespace` of the config; usually empty.
    pub namespace: String,
}

/// Where a resource came from (kustomize's `Origin`). Paths are relative to
/// the directory being built, joined and cleaned as Go's `filepath.Join`
/// does.
#[derive(Debug, Default)]
pub struct Origin {
    /// The file the resource was read from; empty for generated resources
    /// and for transformer records.
    pub path: String,
    /// The repository of a remote base (its clone URL), else empty.
    pub repo: String,
    /// The ref of that repository as written in the URL, else empty.
    pub git_ref: String,
    /// The file holding the generator or transformer config.
    pub configured_in: String,
    /// The generator or transformer config itself.
    pub configured_by: Option<ConfiguredBy>,
    /// The rendered annotation text, made on first use.
    rendered: OnceLock<String>,
}

impl PartialEq for Origin {
    fn eq(&self, other: &Origin) -> bool {
        self.path == other.path
            && self.repo == other.repo
            && self.git_ref == other.git_ref
            && self.configured_in == other.configured_in
            && self.configured_by == other.configured_by
    }
}

impl Eq for Origin {}

impl Clone for Origin {
    fn clone(&self) -> Origin {
        Origin {
            path: self.path.clone(),
            repo: self.repo.clone(),
            git_ref: self.git_ref.clone(),
            configured_in: self.configured_in.clone(),
            configured_by: self.configured_by.clone(),
            rendered: self.rendered.clone(),
        }
    }
}

impl Origin {
    /// The origin of resources read from the file at `path`.
    pub fn file(path: String) -> Origin {
        Origin {
            path,
            ..Origin::default()
        }
    }

    /// The origin of what a config (generator or transformer) produced or
    /// changed: the file the config sits in, and its identity.
    pub fn configured(configured_in: String, configured_by: ConfiguredBy) -> Origin {
        Origin {
            configured_in,
            configured_by: Some(configured_by),
            ..Origin::default()
        }
    }

    /// The origin kustomize gives what a generator or transformer plugin
    /// config produced or changed: `configuredIn` is the file the config was
    /// read from (its own origin's path), `configuredBy` its apiVersion,
    /// kind, name and namespace. None when the config has no origin (origin
    /// tracking is off).
    pub fn from_plugin_config(config: &Resource) -> Option<Arc<Origin>> {
        let own = config.state.origin.as_ref()?;
        let mut origin = Origin::configured(
            own.path.clone(),
            ConfiguredBy {
                api_version: config.api_version().to_string(),
                kind: config.kind().to_string(),
                name: config.name().to_string(),
                namespace: config.namespace().to_string(),
            },
        );
        origin.repo = own.repo.clone();
        origin.git_ref = own.git_ref.clone();
        Some(Arc::new(origin))
    }

    /// The annotation text: a YAML mapping, one field a line, ending with a
    /// line break.
    pub fn annotation_text(&self) -> &str {
        self.rendered.get_or_init(|| self.render())
    }

    fn render(&self) -> String {
        let mut out = String::new();
        push_field(&mut out, "", "path", &self.path);
        push_field(&mut out, "", "repo", &self.repo);
        push_field(&mut out, "", "ref", &self.git_ref);
        push_field(&mut out, "", "configuredIn", &self.configured_in);
        if let Some(by) = self.configured_by.as_ref().filter(|by| !by.is_empty()) {
            out.push_str("configuredBy:\n");
            push_field(&mut out, "  ", "apiVersion", &by.api_version);
            push_field(&mut out, "  ", "kind", &by.kind);
            push_field(&mut out, "  ", "name", &by.name);
            push_field(&mut out, "  ", "namespace", &by.namespace);
        }
        if out.is_empty() {
            // The encoder's form of a struct with every field empty.
            out.push_str("{}\n");
        }
        out
    }
}

impl ConfiguredBy {
    /// A builtin generator or transformer of the given kind, as kustomize
    /// names the ones a kustomization's fields configure.
    pub fn builtin(kind: &str) -> ConfiguredBy {
        ConfiguredBy {
            api_version: BUILTIN_API_VERSION.to_string(),
            kind: kind.to_string(),
            ..ConfiguredBy::default()
        }
    }

    fn is_empty(&self) -> bool {
        self.api_version.is_empty()
            && self.kind.is_empty()
            && self.name.is_empty()
            && self.namespace.is_empty()
    }
}

/// Appends `indent key: value` and a line break, unless `value` is empty.
fn push_field(out: &mut String, indent: &str, key: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    out.push_str(indent);
    out.push_str(key);
    out.push_str(": ");
    out.push_str(&inline_scalar(value));
    out.push('\n');
}

/// A string as it appears after `key: ` on one line: plain when the YAML
/// printer would leave it plain, quoted otherwise. Text the printer would
/// spread over several lines is written double-quoted instead.
fn inline_scalar(value: &str) -> String {
    let mut printed = String::new();
    if print_document(&Value::String(value.into()), &mut printed).is_ok() {
        let single_line = printed.trim_end_matches('\n');
        if !single_line.contains('\n') && !single_line.starts_with(['|', '>']) {
            return single_line.to_string();
        }
    }
    serde_json::Value::String(value.to_string()).to_string()
}

/// The transformations annotation text for `records`: a YAML sequence of
/// origins, oldest first. Empty when there are none.
pub fn transformations_text(records: &[Arc<Origin>]) -> String {
    let mut out = String::new();
    for record in records {
        for (i, line) in record.annotation_text().lines().enumerate() {
            out.push_str(if i == 0 { "- " } else { "  " });
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

impl Resource {
    /// Where the resource came from, when origins are tracked.
    pub fn origin(&self) -> Option<&Arc<Origin>> {
        self.state.origin.as_ref()
    }

    /// Sets the resource's origin (a resource read from a file).
    pub fn set_origin(&mut self, origin: Arc<Origin>) {
        self.state.origin = Some(origin);
    }

    /// Sets the origin of a generated resource unless it already has one,
    /// either tracked or written in its own `config.kubernetes.io/origin`
    /// annotation (a plugin may emit objects that carry one).
    pub fn set_origin_if_missing(&mut self, origin: &Arc<Origin>) {
        if self.state.origin.is_none() && !self.has_annotation(ORIGIN_ANNOTATION) {
            self.state.origin = Some(Arc::clone(origin));
        }
    }

    /// The transformers recorded on the resource, oldest first.
    pub fn transformations(&self) -> &[Arc<Origin>] {
        &self.state.transformations
    }

    fn has_annotation(&self, key: &str) -> bool {
        self.string_map("annotations")
            .is_some_and(|annotations| annotations.contains_key(key))
    }
}

/// Records that the transformer described by `origin` ran on `resources`,
/// as kustomize does after each transformer: a resource without an origin
/// takes this one as its origin, any other gets it appended to its
/// transformations.
pub fn record_transformation<'a>(
    resources: impl IntoIterator<Item = &'a mut Resource>,
    origin: &Arc<Origin>,
) {
    for r in resources {
        // kustomize rewrites the whole annotations mapping to record this,
        // which unlinks the annotation values in it.
        r.unlink_under(&["metadata", "annotations"]);
        if r.state.origin.is_none() && !r.has_annotation(ORIGIN_ANNOTATION) {
            r.state.origin = Some(Arc::clone(origin));
        } else {
            r.state.transformations.push(Arc::clone(origin));
        }
    }
}

#[cfg(test)]
#[path = "origin_tests.rs"]
mod tests;
