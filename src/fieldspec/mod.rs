//! Field specs: where each transformer looks in each kind.
//!
//! kustomize's defaults are embedded as data (the same YAML format a
//! kustomization's `configurations:` files use), so custom configurations can
//! extend them.

use serde::Deserialize;

/// One place a transformer acts on: a path in resources of a kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// API group to match; empty matches any.
    #[serde(default)]
    pub group: String,
    /// API version to match; empty matches any.
    #[serde(default)]
    pub version: String,
    /// Kind to match; empty matches any.
    #[serde(default)]
    pub kind: String,
    /// Slash-separated path; `[]` marks a sequence.
    #[serde(default)]
    pub path: String,
    /// Create the field when it is missing.
    #[serde(default, rename = "create")]
    pub create_if_missing: bool,
}
