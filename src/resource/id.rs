//! Resource identities: group/version/kind plus name and namespace.

use super::scope::is_cluster_scoped;
use super::Resource;
use std::fmt;

/// The effective namespace of a cluster-scoped type.
const NON_NAMESPACEABLE: &str = "_non_namespaceable_";

/// The effective namespace of a namespaced object written with none.
const DEFAULT_NAMESPACE: &str = "default";

/// Group, version and kind of a resource type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Gvk {
    /// API group; empty for the core group.
    pub group: String,
    /// API version.
    pub version: String,
    /// Kind.
    pub kind: String,
}

impl Gvk {
    /// Splits an `apiVersion` (`group/version` or `version`) and pairs it
    /// with `kind`.
    pub fn from_api_version(api_version: &str, kind: &str) -> Gvk {
        let (group, version) = split_api_version(api_version);
        Gvk {
            group: group.to_string(),
            version: version.to_string(),
            kind: kind.to_string(),
        }
    }

    /// The `apiVersion` text: `group/version`, or `version` in the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// True when the embedded schema knows this type to be cluster-scoped.
    pub fn is_cluster_scoped(&self) -> bool {
        if self.group.is_empty() {
            // The core group's apiVersion is the version: no need to build it.
            is_cluster_scoped(&self.version, &self.kind)
        } else {
            is_cluster_scoped(&self.api_version(), &self.kind)
        }
    }
}

impl fmt::Display for Gvk {
    /// kustomize's form: `Kind.version.group` with placeholders for blanks.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or = |s: &str, d: &'static str| if s.is_empty() { d } else { "" };
        write!(
            f,
            "{}{}.{}{}.{}{}",
            self.kind,
            or(&self.kind, "[noKind]"),
            self.version,
            or(&self.version, "[noVer]"),
            self.group,
            or(&self.group, "[noGrp]"),
        )
    }
}

/// The identity of one resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ResId {
    /// Group, version and kind.
    pub gvk: Gvk,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` as written (may be empty).
    pub namespace: String,
}

impl ResId {
    /// Builds an id.
    pub fn new(gvk: Gvk, name: &str, namespace: &str) -> ResId {
        ResId {
            gvk,
            name: name.to_string(),
            namespace: namespace.to_string(),
        }
    }

    /// The namespace used for equality, as kustomize defines it: cluster-scoped
    /// types have none, and an empty namespace means `default`.
    pub fn effective_namespace(&self) -> &str {
        effective_namespace(self.gvk.is_cluster_scoped(), &self.namespace)
    }

    /// [`ResId::effective_namespace`] for a type whose scope the caller
    /// knows (a build's custom schema may declare more kinds
    /// cluster-scoped than the builtin list).
    pub fn effective_namespace_if(&self, cluster_scoped: bool) -> &str {
        effective_namespace(cluster_scoped, &self.namespace)
    }

    /// The id in the form two resources conflict on, borrowed.
    pub fn identity_key(&self) -> IdentityKey<'_> {
        IdentityKey {
            group: &self.gvk.group,
            version: &self.gvk.version,
            kind: &self.gvk.kind,
            name: &self.name,
            namespace: self.effective_namespace(),
        }
    }

    /// The key two resources conflict on: same type, same name, same
    /// effective namespace.
    pub fn conflict_key(&self) -> (Gvk, String, String) {
        (
            self.gvk.clone(),
            self.name.clone(),
            self.effective_namespace().to_string(),
        )
    }

    /// True when both ids name the same object (kustomize's `ResId.Equals`).
    pub fn same_object(&self, other: &ResId) -> bool {
        self.gvk == other.gvk
            && self.name == other.name
            && self.effective_namespace() == other.effective_namespace()
    }
}

/// An identity in the form two resources conflict on (kustomize's
/// `ResId.Equals`): group, version, kind, name and effective namespace,
/// borrowed from a resource or an id so that hashing and comparing it
/// allocate nothing. Two keys are equal exactly when
/// [`ResId::conflict_key`] gives equal keys for the two identities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdentityKey<'a> {
    /// API group; empty for the core group.
    pub group: &'a str,
    /// API version.
    pub version: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// `metadata.name`.
    pub name: &'a str,
    /// The effective namespace (see [`ResId::effective_namespace`]).
    pub namespace: &'a str,
}

impl Resource {
    /// The current identity in the form two resources conflict on, read in
    /// place: the same as `self.id().identity_key()`, without copying.
    pub fn identity_key(&self) -> IdentityKey<'_> {
        let api_version = self.api_version();
        let (group, version) = split_api_version(api_version);
        let kind = self.kind();
        // The apiVersion a Gvk would print: the raw text but for a blank
        // group, which prints as the bare version.
        let printed_api_version = if group.is_empty() {
            version
        } else {
            api_version
        };
        let cluster_scoped = is_cluster_scoped(printed_api_version, kind);
        IdentityKey {
            group,
            version,
            kind,
            name: self.name(),
            namespace: effective_namespace(cluster_scoped, self.namespace()),
        }
    }
}

/// Splits `group/version` at its first slash; a bare `version` is in the
/// core group.
fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

/// The namespace used for equality: none for cluster-scoped types, and
/// `default` for a namespaced object written with none.
fn effective_namespace(cluster_scoped: bool, namespace: &str) -> &str {
    if cluster_scoped {
        NON_NAMESPACEABLE
    } else if namespace.is_empty() {
        DEFAULT_NAMESPACE
    } else {
        namespace
    }
}

impl fmt::Display for ResId {
    /// kustomize's form: `Kind.version.group/name.namespace`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if self.name.is_empty() {
            "[noName]"
        } else {
            &self.name
        };
        let ns = if self.namespace.is_empty() {
            "[noNs]"
        } else {
            &self.namespace
        };
        write!(f, "{}/{}.{}", self.gvk, name, ns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_api_version() {
        let g = Gvk::from_api_version("apps/v1", "Deployment");
        assert_eq!((g.group.as_str(), g.version.as_str()), ("apps", "v1"));
        assert_eq!(g.api_version(), "apps/v1");
        let core = Gvk::from_api_version("v1", "Service");
        assert_eq!(core.group, "");
        assert_eq!(core.api_version(), "v1");
    }

    #[test]
    fn effective_namespace_rules() {
        let cm = Gvk::from_api_version("v1", "ConfigMap");
        let a = ResId::new(cm.clone(), "x", "");
        let b = ResId::new(cm.clone(), "x", "default");
        let c = ResId::new(cm, "x", "other");
        assert!(a.same_object(&b));
        assert!(!a.same_object(&c));
        let ns = Gvk::from_api_version("v1", "Namespace");
        let d = ResId::new(ns.clone(), "n", "foo");
        let e = ResId::new(ns, "n", "");
        assert!(d.same_object(&e));
    }

    #[test]
    fn identity_keys_agree_with_conflict_keys() {
        let object = |api_version: &str, kind: &str, ns: &str| {
            let value = crate::yaml::Value::from(&serde_json::json!({
                "apiVersion": api_version, "kind": kind,
                "metadata": {"name": "n", "namespace": ns}
            }));
            Resource::new(value, None)
        };
        let cases = [
            ("v1", "ConfigMap", ""),
            ("v1", "ConfigMap", "default"),
            ("v1", "Namespace", "x"),
            ("/v1", "Namespace", ""),
            ("rbac.authorization.k8s.io/v1", "ClusterRole", "x"),
            ("a/b/c", "Foo", "ns"),
        ];
        for (api_version, kind, ns) in cases {
            let r = object(api_version, kind, ns);
            let id = r.id();
            assert_eq!(r.identity_key(), id.identity_key());
            let key = id.identity_key();
            let (gvk, name, namespace) = id.conflict_key();
            assert_eq!(
                (key.group, key.version, key.kind),
                (gvk.group.as_str(), gvk.version.as_str(), gvk.kind.as_str())
            );
            assert_eq!(
                (key.name, key.namespace),
                (name.as_str(), namespace.as_str())
            );
        }
    }

    #[test]
    fn display_matches_kustomize() {
        let id = ResId::new(Gvk::from_api_version("v1", "ConfigMap"), "cm", "");
        assert_eq!(id.to_string(), "ConfigMap.v1.[noGrp]/cm.[noNs]");
    }
}
