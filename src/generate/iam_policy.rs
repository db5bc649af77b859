//! The builtin IAMPolicyGenerator: a ServiceAccount bound to a cloud
//! provider's service account (only GKE Workload Identity exists).

use super::{Behavior, Generate, GeneratedResource};
use crate::resource::Resource;
use crate::yaml::{Mapping, Value};
use anyhow::{bail, Result};
use serde::Deserialize;

/// The annotation GKE reads to bind a Kubernetes service account to a
/// Google service account.
const GKE_ANNOTATION: &str = "iam.gke.io/gcp-service-account";

/// The IAMPolicyGenerator config.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IamPolicyGenerator {
    /// The cloud provider; only `gke` is supported.
    #[serde(default)]
    cloud: String,
    /// The Kubernetes service account to make.
    #[serde(default)]
    kubernetes_service: KubernetesService,
    /// The cloud service account it stands for.
    #[serde(default)]
    service_account: CloudServiceAccount,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct KubernetesService {
    #[serde(default)]
    name: String,
    #[serde(default)]
    namespace: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CloudServiceAccount {
    #[serde(default)]
    name: String,
    #[serde(default)]
    project_id: String,
}

impl IamPolicyGenerator {
    /// Decodes the plugin config.
    pub fn from_config(json: serde_json::Value) -> Result<IamPolicyGenerator> {
        Ok(serde_json::from_value(json)?)
    }

    fn service_account(&self) -> Value {
        let mut annotations = Mapping::new();
        let account = format!(
            "{}@{}.iam.gserviceaccount.com",
            self.service_account.name, self.service_account.project_id
        );
        annotations.insert(GKE_ANNOTATION.into(), Value::String(account.into()));
        let mut metadata = Mapping::new();
        metadata.insert("annotations".into(), Value::Map(annotations));
        metadata.insert(
            "name".into(),
            Value::String(self.kubernetes_service.name.as_str().into()),
        );
        if !self.kubernetes_service.namespace.is_empty() {
            metadata.insert(
                "namespace".into(),
                Value::String(self.kubernetes_service.namespace.as_str().into()),
            );
        }
        let mut object = Mapping::new();
        object.insert("apiVersion".into(), "v1".into());
        object.insert("kind".into(), "ServiceAccount".into());
        object.insert("metadata".into(), Value::Map(metadata));
        Value::Map(object)
    }
}

impl Generate for IamPolicyGenerator {
    fn generate(&self) -> Result<Vec<GeneratedResource>> {
        if self.cloud != "gke" {
            bail!("cloud provider {} not supported yet", self.cloud);
        }
        Ok(vec![GeneratedResource {
            resource: Resource::new(self.service_account(), None),
            behavior: Behavior::Unspecified,
            needs_hash: false,
        }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_a_gke_service_account() {
        let config = serde_json::json!({
            "apiVersion": "builtin", "kind": "IAMPolicyGenerator",
            "metadata": {"name": "x"}, "cloud": "gke",
            "kubernetesService": {"name": "ksa", "namespace": "ns"},
            "serviceAccount": {"name": "gsa", "projectId": "proj"},
        });
        let out = IamPolicyGenerator::from_config(config)
            .unwrap()
            .generate()
            .unwrap();
        let r = &out[0].resource;
        assert_eq!(
            (r.kind(), r.name(), r.namespace()),
            ("ServiceAccount", "ksa", "ns")
        );
        let annotations = r.string_map("annotations").unwrap();
        let annotation = annotations.get(GKE_ANNOTATION);
        assert_eq!(
            annotation.and_then(Value::as_str),
            Some("gsa@proj.iam.gserviceaccount.com")
        );
    }

    #[test]
    fn other_clouds_fail() {
        let g = IamPolicyGenerator::from_config(serde_json::json!({"cloud": "aws"})).unwrap();
        assert!(g.generate().is_err());
    }
}
