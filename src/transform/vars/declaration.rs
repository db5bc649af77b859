//! The `vars:` entries of a kustomization: what a var is called, which
//! object it reads and which field of it.
//!
//! The text forms reproduce how kustomize prints its `Var` values in error
//! messages (Go's `%v` of the struct): `{NAME Kind.version.group {path}}`,
//! where the object reference shows only its type, because that is the only
//! part with a string form.

use crate::gojson::nullable;
use crate::resource::{Gvk, ResId};
use serde::Deserialize;
use std::fmt;

/// The field a var reads when `fieldref` names none.
pub const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// One `vars` entry, as written in the kustomization.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Var {
    /// The name used in `$(NAME)` references.
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    /// The object the value comes from.
    #[serde(default, deserialize_with = "nullable")]
    pub objref: ObjectRef,
    /// The field of that object holding the value.
    #[serde(default, deserialize_with = "nullable")]
    pub fieldref: FieldRef,
}

/// The object a var reads: a type, a name and optionally a namespace. The
/// type may be given as `apiVersion` or as `group` and `version`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ObjectRef {
    /// `group/version` or `version`; when set it overrides `group` and
    /// `version`.
    #[serde(default, deserialize_with = "nullable")]
    pub api_version: String,
    /// API group.
    #[serde(default, deserialize_with = "nullable")]
    pub group: String,
    /// API version.
    #[serde(default, deserialize_with = "nullable")]
    pub version: String,
    /// Kind.
    #[serde(default, deserialize_with = "nullable")]
    pub kind: String,
    /// The object's name as written in its base (before prefixes).
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    /// The object's namespace; empty matches any namespace.
    #[serde(default, deserialize_with = "nullable")]
    pub namespace: String,
}

/// The field a var reads.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FieldRef {
    /// Dot-separated path (`spec.ports[0].port`); empty means
    /// [`DEFAULT_FIELD_PATH`].
    #[serde(default, deserialize_with = "nullable")]
    pub field_path: String,
}

impl ObjectRef {
    /// The type as written: `group` and `version` only, `apiVersion`
    /// ignored.
    pub fn written_gvk(&self) -> Gvk {
        Gvk {
            group: self.group.clone(),
            version: self.version.clone(),
            kind: self.kind.clone(),
        }
    }

    /// The type the reference selects: `apiVersion` of the form
    /// `group/version` sets both, a bare `version` sets only the version,
    /// and any other form (more than one slash) changes nothing.
    pub fn gvk(&self) -> Gvk {
        let mut gvk = self.written_gvk();
        if self.api_version.is_empty() {
            return gvk;
        }
        let parts: Vec<&str> = self.api_version.split('/').collect();
        match parts.as_slice() {
            [group, version] => {
                gvk.group = group.to_string();
                gvk.version = version.to_string();
            }
            [version] => gvk.version = version.to_string(),
            _ => {}
        }
        gvk
    }

    /// True when the resource identity `id` is the object referred to: same
    /// type and name, and the same effective namespace when the reference
    /// names one (a resource without namespace is in `default`).
    pub fn selects(&self, gvk: &Gvk, id: &ResId) -> bool {
        if id.gvk != *gvk || id.name != self.name {
            return false;
        }
        if self.namespace.is_empty() {
            return true;
        }
        // The reference's own type never counts as cluster-scoped, so its
        // namespace is compared as written.
        id.effective_namespace() == self.namespace
    }
}

impl Var {
    /// The var with its type resolved from `apiVersion` (what kustomize
    /// prints while matching the reference).
    pub fn with_resolved_type(&self) -> Var {
        let mut var = self.clone();
        let gvk = self.objref.gvk();
        var.objref.group = gvk.group;
        var.objref.version = gvk.version;
        var.objref.api_version.clear();
        var
    }

    /// The var as kustomize stores it once declared: the type resolved and
    /// the field path defaulted.
    pub fn normalized(&self) -> Var {
        let mut var = self.with_resolved_type();
        if var.fieldref.field_path.is_empty() {
            var.fieldref.field_path = DEFAULT_FIELD_PATH.to_string();
        }
        var
    }

    /// The field path to read, defaulted.
    pub fn field_path(&self) -> &str {
        if self.fieldref.field_path.is_empty() {
            DEFAULT_FIELD_PATH
        } else {
            &self.fieldref.field_path
        }
    }
}

impl fmt::Display for Var {
    /// `{NAME Kind.version.group {fieldPath}}`, with the type as written
    /// (group and version fields, not `apiVersion`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{{} {} {{{}}}}}",
            self.name,
            self.objref.written_gvk(),
            self.fieldref.field_path
        )
    }
}

/// A list of vars as Go prints a slice of them: `[{..} {..}]`.
pub fn display_list(vars: &[Var]) -> String {
    let items: Vec<String> = vars.iter().map(Var::to_string).collect();
    format!("[{}]", items.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(json: serde_json::Value) -> Var {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn api_version_forms() {
        let mut r = ObjectRef {
            group: "g".into(),
            version: "v9".into(),
            kind: "K".into(),
            ..ObjectRef::default()
        };
        assert_eq!(r.gvk().to_string(), "K.v9.g");
        r.api_version = "v1".into();
        assert_eq!(r.gvk().to_string(), "K.v1.g");
        r.api_version = "apps/v2".into();
        assert_eq!(r.gvk().to_string(), "K.v2.apps");
        r.api_version = "a/b/c".into();
        assert_eq!(r.gvk().to_string(), "K.v9.g");
    }

    #[test]
    fn prints_as_kustomize_does() {
        let v = var(serde_json::json!({
            "name": "X", "objref": {"kind": "Service", "name": "s", "apiVersion": "v1"}
        }));
        assert_eq!(v.to_string(), "{X Service.[noVer].[noGrp] {}}");
        assert_eq!(
            v.normalized().to_string(),
            "{X Service.v1.[noGrp] {metadata.name}}"
        );
        assert_eq!(
            display_list(&[v.clone(), v]),
            "[{X Service.[noVer].[noGrp] {}} {X Service.[noVer].[noGrp] {}}]"
        );
    }

    #[test]
    fn rejects_unknown_fields_and_accepts_nulls() {
        let bad = serde_json::json!({"name": "X", "bogus": 1});
        assert!(serde_json::from_value::<Var>(bad).is_err());
        let v = var(serde_json::json!({"name": "X", "objref": null, "fieldref": null}));
        assert_eq!(v.field_path(), DEFAULT_FIELD_PATH);
    }

    #[test]
    fn namespace_selection() {
        let r = ObjectRef {
            api_version: "v1".into(),
            kind: "Service".into(),
            name: "s".into(),
            namespace: "default".into(),
            ..ObjectRef::default()
        };
        let gvk = r.gvk();
        assert!(r.selects(&gvk, &ResId::new(gvk.clone(), "s", "")));
        assert!(!r.selects(&gvk, &ResId::new(gvk.clone(), "s", "dev")));
        let any = ObjectRef {
            namespace: String::new(),
            ..r
        };
        assert!(any.selects(&gvk, &ResId::new(gvk.clone(), "s", "dev")));
        assert!(!any.selects(&gvk, &ResId::new(gvk.clone(), "t", "dev")));
    }
}
