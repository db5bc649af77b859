//! Field specs: where each transformer looks in each kind.
//!
//! A field spec names a type (group, version, kind; blanks match anything)
//! and a slash-separated path inside objects of that type. kustomize's
//! defaults are embedded as data ([`TransformerConfig::defaults`]); a
//! kustomization's `configurations:` files extend them with
//! [`TransformerConfig::merge`], and its `crds:` files add the specs their
//! OpenAPI extensions declare ([`merge_kustomization_config`]).
//! [`apply_field_spec`] walks a path in one
//! object and hands every field it reaches to a setter.

mod config;
mod crds;
mod defaults;
mod error;
mod files;
mod gosort;
mod walk;

pub use config::{NameBackReferences, TransformerConfig};
pub use error::{FieldSpecError, NodeKind, SetError, WalkError};
pub use files::merge_kustomization_config;
pub use gosort::go_sort;
pub use walk::{CompiledSpec, CreateKind, WalkStep};

use crate::gojson::nullable;
use crate::resource::Gvk;
use serde::Deserialize;
use std::fmt;

/// One place a transformer acts on: a path in resources of a kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// API group to match; empty matches any.
    #[serde(default, deserialize_with = "nullable")]
    pub group: String,
    /// API version to match; empty matches any.
    #[serde(default, deserialize_with = "nullable")]
    pub version: String,
    /// Kind to match; empty matches any.
    #[serde(default, deserialize_with = "nullable")]
    pub kind: String,
    /// Slash-separated path; `[]` marks a sequence.
    #[serde(default, deserialize_with = "nullable")]
    pub path: String,
    /// Create the field when it is missing.
    #[serde(default, rename = "create", deserialize_with = "nullable")]
    pub create_if_missing: bool,
}

/// Two field specs name the same field but disagree on `create`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("conflicting fieldspecs")]
pub struct ConflictingFieldSpecs;

impl FieldSpec {
    /// A spec for any type.
    pub fn new(path: &str, create: bool) -> FieldSpec {
        FieldSpec {
            path: path.to_string(),
            create_if_missing: create,
            ..FieldSpec::default()
        }
    }

    /// The spec's type, blanks included.
    pub fn gvk(&self) -> Gvk {
        Gvk {
            group: self.group.clone(),
            version: self.version.clone(),
            kind: self.kind.clone(),
        }
    }

    /// True when an object with this `apiVersion` and `kind` is one the spec
    /// applies to: every non-blank part of the spec's type must be equal.
    pub fn matches(&self, api_version: &str, kind: &str) -> bool {
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        self.matches_parts(group, version, kind)
    }

    /// [`FieldSpec::matches`] with the `apiVersion` already split.
    pub fn matches_parts(&self, group: &str, version: &str, kind: &str) -> bool {
        (self.kind.is_empty() || self.kind == kind)
            && (self.group.is_empty() || self.group == group)
            && (self.version.is_empty() || self.version == version)
    }

    /// True when `selector`'s non-blank parts all equal this spec's
    /// (kustomize's `Gvk.IsSelected`).
    fn is_selected_by(&self, selector: &FieldSpec) -> bool {
        (selector.group.is_empty() || self.group == selector.group)
            && (selector.version.is_empty() || self.version == selector.version)
            && (selector.kind.is_empty() || self.kind == selector.kind)
    }

    /// kustomize's notion of "the same field": same path, and the other
    /// spec's type selects this one's. Note the asymmetry: a spec for any
    /// type is the same as an existing spec for one kind, not the reverse.
    fn same_field_as(&self, other: &FieldSpec) -> bool {
        self.path == other.path && self.is_selected_by(other)
    }
}

impl fmt::Display for FieldSpec {
    /// kustomize's form: `Kind.version.group:create:path`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.gvk(), self.create_if_missing, self.path)
    }
}

/// Adds `spec` to `specs` unless the same field is already there; fails when
/// it is there with a different `create` flag (kustomize's `MergeOne`).
pub fn merge_one(
    specs: &mut Vec<FieldSpec>,
    spec: &FieldSpec,
) -> Result<(), ConflictingFieldSpecs> {
    match specs.iter().find(|s| s.same_field_as(spec)) {
        Some(existing) if existing.create_if_missing != spec.create_if_missing => {
            Err(ConflictingFieldSpecs)
        }
        Some(_) => Ok(()),
        None => {
            specs.push(spec.clone());
            Ok(())
        }
    }
}

/// Adds each of `incoming` in turn with [`merge_one`].
pub fn merge_all(
    specs: &mut Vec<FieldSpec>,
    incoming: &[FieldSpec],
) -> Result<(), ConflictingFieldSpecs> {
    incoming.iter().try_for_each(|s| merge_one(specs, s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(group: &str, version: &str, kind: &str, path: &str, create: bool) -> FieldSpec {
        FieldSpec {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
            path: path.into(),
            create_if_missing: create,
        }
    }

    #[test]
    fn blank_parts_match_anything() {
        let any = FieldSpec::new("metadata/labels", true);
        assert!(any.matches("apps/v1", "Deployment"));
        assert!(any.matches("", ""));
        let deploy = spec("apps", "", "Deployment", "x", false);
        assert!(deploy.matches("apps/v1", "Deployment"));
        assert!(deploy.matches("apps/v1beta2", "Deployment"));
        assert!(!deploy.matches("extensions/v1beta1", "Deployment"));
        assert!(!deploy.matches("v1", "Deployment"));
        let core = spec("", "v1", "Service", "x", false);
        assert!(core.matches("v1", "Service"));
        assert!(!core.matches("v2", "Service"));
    }

    #[test]
    fn merge_dedups_and_detects_conflicts() {
        let mut specs = vec![spec("", "", "Deployment", "metadata/labels", true)];
        // A spec for any kind selects the Deployment one: a duplicate.
        merge_one(&mut specs, &FieldSpec::new("metadata/labels", true)).unwrap();
        assert_eq!(specs.len(), 1);
        // ... and a conflict when `create` differs.
        assert!(merge_one(&mut specs, &FieldSpec::new("metadata/labels", false)).is_err());
        // A narrower spec does not select the existing one: it is added.
        let mut any = vec![FieldSpec::new("metadata/labels", true)];
        merge_one(&mut any, &spec("", "", "Service", "metadata/labels", false)).unwrap();
        assert_eq!(any.len(), 2);
    }

    #[test]
    fn deserializes_kustomize_form() {
        let json = serde_json::json!({"kind": "Service", "path": "spec/selector", "create": true, "group": null});
        let s: FieldSpec = serde_json::from_value(json).unwrap();
        assert_eq!(s, spec("", "", "Service", "spec/selector", true));
        assert_eq!(s.to_string(), "Service.[noVer].[noGrp]:true:spec/selector");
        let bad = serde_json::json!({"paths": "x"});
        assert!(serde_json::from_value::<FieldSpec>(bad).is_err());
    }
}
