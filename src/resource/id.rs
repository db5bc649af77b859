//! Resource identities: group/version/kind plus name and namespace.

use super::scope::is_cluster_scoped;
use std::fmt;

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
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
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
        is_cluster_scoped(&self.api_version(), &self.kind)
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
        if self.gvk.is_cluster_scoped() {
            "_non_namespaceable_"
        } else if self.namespace.is_empty() {
            "default"
        } else {
            &self.namespace
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
    fn display_matches_kustomize() {
        let id = ResId::new(Gvk::from_api_version("v1", "ConfigMap"), "cm", "");
        assert_eq!(id.to_string(), "ConfigMap.v1.[noGrp]/cm.[noNs]");
    }
}
