//! The ReplicaCountTransformer: sets the replica count of the resources
//! with a given name, wherever the `replicas` field specs point.

use super::plugin_config::{lenient_field_specs, lenient_string, nullable};
use super::{Transform, TransformContext};
use crate::fieldspec::{CompiledSpec, CreateKind, FieldSpec};
use crate::resource::{Resource, ResourceList};
use crate::yaml::Value;
use anyhow::{bail, Result};
use serde::Deserialize;

/// One `replicas` entry: which workloads to scale, and to what. A
/// kustomization's `replicas` entries decode into it strictly, as Go's JSON
/// decoder does; the plugin form goes through `PluginReplica`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replica {
    /// `name`: the workload whose replicas are set.
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    /// `count`: the replica count.
    #[serde(default, deserialize_with = "nullable")]
    pub count: i64,
}

/// The plugin form of [`Replica`]. kustomize decodes plugin configs from
/// YAML, which takes unknown fields and a number or bool given for the name,
/// while a kustomization decodes with Go's JSON rules, which reject both;
/// one serde type cannot do both, so this shape only decodes and converts.
#[derive(Deserialize)]
struct PluginReplica {
    #[serde(default, deserialize_with = "lenient_string")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    count: i64,
}

/// The `replica` of a plugin config (null is the default).
fn plugin_replica<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Replica, D::Error> {
    let raw: Option<PluginReplica> = Option::deserialize(d)?;
    Ok(raw.map_or_else(Replica::default, |raw| Replica {
        name: raw.name,
        count: raw.count,
    }))
}

/// Configuration of one ReplicaCountTransformer: a `replicas` entry with
/// the configuration's `replicas` field specs, or a `transformers:` entry
/// with `apiVersion: builtin`, `kind: ReplicaCountTransformer`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaCountTransformer {
    /// Which resources, and the count.
    #[serde(default, deserialize_with = "plugin_replica")]
    pub replica: Replica,
    /// Where the count goes, per kind.
    #[serde(default, deserialize_with = "lenient_field_specs")]
    pub field_specs: Vec<FieldSpec>,
}

impl ReplicaCountTransformer {
    /// Sets the count of `replica` wherever `field_specs` point.
    pub fn new(replica: Replica, field_specs: Vec<FieldSpec>) -> ReplicaCountTransformer {
        ReplicaCountTransformer {
            replica,
            field_specs,
        }
    }
}

impl ReplicaCountTransformer {
    /// True when the resource is named `replica.name` now or was before a
    /// rename, under a type the spec selects.
    fn selects(&self, res: &Resource, spec: &FieldSpec) -> bool {
        std::iter::once(res.id())
            .chain(res.previous_ids())
            .any(|id| {
                id.name == self.replica.name
                    && spec.matches_parts(&id.gvk.group, &id.gvk.version, &id.gvk.kind)
            })
    }
}

impl Transform for ReplicaCountTransformer {
    /// Fails when no resource of any spec's type has the name, as kustomize
    /// does.
    fn apply(&self, _cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        let mut found = false;
        for spec in &self.field_specs {
            let compiled = CompiledSpec::new(spec);
            resources.try_for_each_mut(|res| {
                if !self.selects(res, spec) {
                    return Ok(());
                }
                found = true;
                compiled.apply(res.value_mut(), CreateKind::Scalar, &mut |node| {
                    *node = Value::Int(self.replica.count);
                    Ok(())
                })
            })?;
        }
        if !found {
            let gvks: Vec<String> = self
                .field_specs
                .iter()
                .map(|s| s.gvk().to_string())
                .collect();
            bail!(
                "resource with name {} does not match a config with the following GVK [{}]",
                self.replica.name,
                gvks.join(" ")
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list(docs: serde_json::Value) -> ResourceList {
        let mut l = ResourceList::new();
        for d in docs.as_array().unwrap() {
            l.push(Resource::new(Value::from(d), None)).unwrap();
        }
        l
    }

    fn run(
        k: &crate::kustomization::Kustomization,
        docs: serde_json::Value,
    ) -> Result<Vec<serde_json::Value>> {
        let mut l = list(docs);
        for t in crate::build::builtins::of_kustomization(k)? {
            crate::transform::apply_alone(t.as_ref(), &mut l)?;
        }
        Ok(l.iter().map(|r| (&*r.value()).into()).collect())
    }

    fn kust(name: &str, count: i64) -> crate::kustomization::Kustomization {
        crate::kustomization::Kustomization {
            replicas: vec![Replica {
                name: name.into(),
                count,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn sets_and_creates_the_count_on_matching_kinds() {
        let out = run(
            &kust("web", 5),
            json!([
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 1}},
                {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"}},
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}}
            ]),
        )
        .unwrap();
        assert_eq!(out[0]["spec"]["replicas"], json!(5));
        assert_eq!(out[1]["spec"]["replicas"], json!(5));
        assert!(out[2].get("spec").is_none());
    }

    #[test]
    fn unknown_name_is_an_error() {
        // The message and its order were measured with kubectl kustomize.
        let err = run(
            &kust("nope", 1),
            json!([{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}]),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "resource with name nope does not match a config with the following GVK \
             [Deployment.[noVer].[noGrp] StatefulSet.[noVer].[noGrp] \
             ReplicaSet.[noVer].[noGrp] ReplicationController.[noVer].[noGrp]]"
        );
    }

    #[test]
    fn renamed_resources_are_found_by_their_original_name() {
        let mut l = list(
            json!([{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}]),
        );
        for r in l.items_mut().iter_mut() {
            r.store_previous_id();
            r.set_name("p-web");
        }
        for t in crate::build::builtins::of_kustomization(&kust("web", 2)).unwrap() {
            crate::transform::apply_alone(t.as_ref(), &mut l).unwrap();
        }
        let out: serde_json::Value = (&*l.iter().next().unwrap().value()).into();
        assert_eq!(out["spec"]["replicas"], json!(2));
    }

    #[test]
    fn plugin_form_deserializes() {
        let cfg = json!({"apiVersion": "builtin", "kind": "ReplicaCountTransformer",
            "metadata": {"name": "r"}, "replica": {"name": "web", "count": 3},
            "fieldSpecs": [{"path": "spec/replicas", "kind": "Deployment", "create": true}]});
        let t: ReplicaCountTransformer = serde_json::from_value(cfg).unwrap();
        assert_eq!(t.replica.count, 3);
        assert_eq!(t.field_specs.len(), 1);
        // One Replica type: the plugin form ignores unknown fields and reads
        // a number as the name's text, the kustomization form rejects both.
        let loose = json!({"replica": {"name": 7, "count": 2, "unknown": 1}});
        let t: ReplicaCountTransformer = serde_json::from_value(loose).unwrap();
        assert_eq!(t.replica.name, "7");
        assert!(serde_json::from_value::<Replica>(json!({"name": "a", "unknown": 1})).is_err());
        assert!(serde_json::from_value::<Replica>(json!({"name": 7})).is_err());
    }
}
