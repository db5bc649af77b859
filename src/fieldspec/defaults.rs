//! kustomize's default field specs, as data.
//!
//! Each table lists its entries in the order kustomize declares them; the
//! configuration built from them sorts each list the way kustomize does (see
//! [`super::config`]), because that order decides which field a transformer
//! visits first.

use super::FieldSpec;

/// A field spec with static strings, for the tables below.
#[derive(Debug, Clone, Copy)]
pub(super) struct StaticSpec {
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    path: &'static str,
    create: bool,
}

impl StaticSpec {
    /// The owned [`FieldSpec`] this entry describes.
    pub(super) fn to_field_spec(self) -> FieldSpec {
        FieldSpec {
            group: self.group.to_string(),
            version: self.version.to_string(),
            kind: self.kind.to_string(),
            path: self.path.to_string(),
            create_if_missing: self.create,
        }
    }
}

/// A referenced type and the fields that may hold its name.
#[derive(Debug, Clone, Copy)]
pub(super) struct StaticBackRef {
    pub(super) group: &'static str,
    pub(super) version: &'static str,
    pub(super) kind: &'static str,
    pub(super) referrers: &'static [StaticSpec],
}

const fn spec(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    path: &'static str,
    create: bool,
) -> StaticSpec {
    StaticSpec {
        group,
        version,
        kind,
        path,
        create,
    }
}

/// Where `namePrefix` applies.
#[rustfmt::skip]
pub(super) static NAME_PREFIX: &[StaticSpec] = &[
    spec("", "", "", "metadata/name", false),
];

/// Where `nameSuffix` applies.
#[rustfmt::skip]
pub(super) static NAME_SUFFIX: &[StaticSpec] = &[
    spec("", "", "", "metadata/name", false),
];

/// Where `commonLabels` (and `labels` with `includeSelectors`) apply.
#[rustfmt::skip]
pub(super) static COMMON_LABELS: &[StaticSpec] = &[
    spec("", "v1", "Service", "spec/selector", true),
    spec("", "v1", "ReplicationController", "spec/selector", true),
    spec("", "", "Deployment", "spec/selector/matchLabels", true),
    spec("apps", "", "Deployment", "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false),
    spec("apps", "", "Deployment", "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false),
    spec("apps", "", "Deployment", "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false),
    spec("apps", "", "Deployment", "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false),
    spec("apps", "", "Deployment", "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels", false),
    spec("", "", "ReplicaSet", "spec/selector/matchLabels", true),
    spec("", "", "DaemonSet", "spec/selector/matchLabels", true),
    spec("apps", "", "StatefulSet", "spec/selector/matchLabels", true),
    spec("apps", "", "StatefulSet", "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false),
    spec("apps", "", "StatefulSet", "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false),
    spec("apps", "", "StatefulSet", "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false),
    spec("apps", "", "StatefulSet", "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false),
    spec("apps", "", "StatefulSet", "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels", false),
    spec("batch", "", "Job", "spec/selector/matchLabels", false),
    spec("batch", "", "CronJob", "spec/jobTemplate/spec/selector/matchLabels", false),
    spec("policy", "", "PodDisruptionBudget", "spec/selector/matchLabels", false),
    spec("networking.k8s.io", "", "NetworkPolicy", "spec/podSelector/matchLabels", false),
    spec("networking.k8s.io", "", "NetworkPolicy", "spec/ingress/from/podSelector/matchLabels", false),
    spec("networking.k8s.io", "", "NetworkPolicy", "spec/egress/to/podSelector/matchLabels", false),
    spec("", "", "", "metadata/labels", true),
    spec("", "v1", "ReplicationController", "spec/template/metadata/labels", true),
    spec("", "", "Deployment", "spec/template/metadata/labels", true),
    spec("", "", "ReplicaSet", "spec/template/metadata/labels", true),
    spec("", "", "DaemonSet", "spec/template/metadata/labels", true),
    spec("apps", "", "StatefulSet", "spec/template/metadata/labels", true),
    spec("apps", "", "StatefulSet", "spec/volumeClaimTemplates[]/metadata/labels", true),
    spec("batch", "", "Job", "spec/template/metadata/labels", true),
    spec("batch", "", "CronJob", "spec/jobTemplate/metadata/labels", true),
    spec("batch", "", "CronJob", "spec/jobTemplate/spec/template/metadata/labels", true),
];

/// Where `labels` with `includeTemplates` apply.
#[rustfmt::skip]
pub(super) static TEMPLATE_LABELS: &[StaticSpec] = &[
    spec("", "", "", "metadata/labels", true),
    spec("", "v1", "ReplicationController", "spec/template/metadata/labels", true),
    spec("", "", "Deployment", "spec/template/metadata/labels", true),
    spec("", "", "ReplicaSet", "spec/template/metadata/labels", true),
    spec("", "", "DaemonSet", "spec/template/metadata/labels", true),
    spec("apps", "", "StatefulSet", "spec/template/metadata/labels", true),
    spec("apps", "", "StatefulSet", "spec/volumeClaimTemplates[]/metadata/labels", true),
    spec("batch", "", "Job", "spec/template/metadata/labels", true),
    spec("batch", "", "CronJob", "spec/jobTemplate/metadata/labels", true),
    spec("batch", "", "CronJob", "spec/jobTemplate/spec/template/metadata/labels", true),
];

/// Where `commonAnnotations` apply.
#[rustfmt::skip]
pub(super) static COMMON_ANNOTATIONS: &[StaticSpec] = &[
    spec("", "", "", "metadata/annotations", true),
    spec("", "v1", "ReplicationController", "spec/template/metadata/annotations", true),
    spec("", "", "Deployment", "spec/template/metadata/annotations", true),
    spec("", "", "ReplicaSet", "spec/template/metadata/annotations", true),
    spec("", "", "DaemonSet", "spec/template/metadata/annotations", true),
    spec("", "", "StatefulSet", "spec/template/metadata/annotations", true),
    spec("batch", "", "Job", "spec/template/metadata/annotations", true),
    spec("batch", "", "CronJob", "spec/jobTemplate/metadata/annotations", true),
    spec("batch", "", "CronJob", "spec/jobTemplate/spec/template/metadata/annotations", true),
];

/// Namespace fields beyond `metadata/namespace`.
#[rustfmt::skip]
pub(super) static NAMESPACE: &[StaticSpec] = &[
    spec("", "", "Namespace", "metadata/name", true),
    spec("apiregistration.k8s.io", "", "APIService", "spec/service/namespace", true),
    spec("apiextensions.k8s.io", "", "CustomResourceDefinition", "spec/conversion/webhook/clientConfig/service/namespace", false),
];

/// Fields where `$(VAR)` references are expanded.
#[rustfmt::skip]
pub(super) static VAR_REFERENCE: &[StaticSpec] = &[
    spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/containers/args", false),
    spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/containers/command", false),
    spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/containers/env/value", false),
    spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/containers/volumeMounts/mountPath", false),
    spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/initContainers/args", false),
    spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/initContainers/command", false),
    spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/initContainers/env/value", false),
    spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/initContainers/volumeMounts/mountPath", false),
    spec("", "", "CronJob", "spec/jobTemplate/spec/template/volumes/nfs/server", false),
    spec("", "", "DaemonSet", "spec/template/spec/containers/args", false),
    spec("", "", "DaemonSet", "spec/template/spec/containers/command", false),
    spec("", "", "DaemonSet", "spec/template/spec/containers/env/value", false),
    spec("", "", "DaemonSet", "spec/template/spec/containers/volumeMounts/mountPath", false),
    spec("", "", "DaemonSet", "spec/template/spec/initContainers/args", false),
    spec("", "", "DaemonSet", "spec/template/spec/initContainers/command", false),
    spec("", "", "DaemonSet", "spec/template/spec/initContainers/env/value", false),
    spec("", "", "DaemonSet", "spec/template/spec/initContainers/volumeMounts/mountPath", false),
    spec("", "", "DaemonSet", "spec/template/spec/volumes/nfs/server", false),
    spec("", "", "Deployment", "spec/template/spec/containers/args", false),
    spec("", "", "Deployment", "spec/template/spec/containers/command", false),
    spec("", "", "Deployment", "spec/template/spec/containers/env/value", false),
    spec("", "", "Deployment", "spec/template/spec/containers/volumeMounts/mountPath", false),
    spec("", "", "Deployment", "spec/template/spec/initContainers/args", false),
    spec("", "", "Deployment", "spec/template/spec/initContainers/command", false),
    spec("", "", "Deployment", "spec/template/spec/initContainers/env/value", false),
    spec("", "", "Deployment", "spec/template/spec/initContainers/volumeMounts/mountPath", false),
    spec("", "", "Deployment", "spec/template/spec/volumes/nfs/server", false),
    spec("", "", "Deployment", "spec/template/metadata/annotations", false),
    spec("", "", "Ingress", "spec/rules/host", false),
    spec("", "", "Ingress", "spec/tls/hosts", false),
    spec("", "", "Ingress", "spec/tls/secretName", false),
    spec("", "", "Job", "spec/template/spec/containers/args", false),
    spec("", "", "Job", "spec/template/spec/containers/command", false),
    spec("", "", "Job", "spec/template/spec/containers/env/value", false),
    spec("", "", "Job", "spec/template/spec/containers/volumeMounts/mountPath", false),
    spec("", "", "Job", "spec/template/spec/initContainers/args", false),
    spec("", "", "Job", "spec/template/spec/initContainers/command", false),
    spec("", "", "Job", "spec/template/spec/initContainers/env/value", false),
    spec("", "", "Job", "spec/template/spec/initContainers/volumeMounts/mountPath", false),
    spec("", "", "Job", "spec/template/spec/volumes/nfs/server", false),
    spec("", "", "Pod", "spec/containers/args", false),
    spec("", "", "Pod", "spec/containers/command", false),
    spec("", "", "Pod", "spec/containers/env/value", false),
    spec("", "", "Pod", "spec/containers/volumeMounts/mountPath", false),
    spec("", "", "Pod", "spec/initContainers/args", false),
    spec("", "", "Pod", "spec/initContainers/command", false),
    spec("", "", "Pod", "spec/initContainers/env/value", false),
    spec("", "", "Pod", "spec/initContainers/volumeMounts/mountPath", false),
    spec("", "", "Pod", "spec/volumes/nfs/server", false),
    spec("", "", "ReplicaSet", "spec/template/spec/containers/args", false),
    spec("", "", "ReplicaSet", "spec/template/spec/containers/command", false),
    spec("", "", "ReplicaSet", "spec/template/spec/containers/env/value", false),
    spec("", "", "ReplicaSet", "spec/template/spec/containers/volumeMounts/mountPath", false),
    spec("", "", "ReplicaSet", "spec/template/spec/initContainers/args", false),
    spec("", "", "ReplicaSet", "spec/template/spec/initContainers/command", false),
    spec("", "", "ReplicaSet", "spec/template/spec/initContainers/env/value", false),
    spec("", "", "ReplicaSet", "spec/template/spec/initContainers/volumeMounts/mountPath", false),
    spec("", "", "ReplicaSet", "spec/template/spec/volumes/nfs/server", false),
    spec("", "", "Service", "spec/ports/port", false),
    spec("", "", "Service", "spec/ports/targetPort", false),
    spec("", "", "StatefulSet", "spec/template/spec/containers/args", false),
    spec("", "", "StatefulSet", "spec/template/spec/containers/command", false),
    spec("", "", "StatefulSet", "spec/template/spec/containers/env/value", false),
    spec("", "", "StatefulSet", "spec/template/spec/containers/volumeMounts/mountPath", false),
    spec("", "", "StatefulSet", "spec/template/spec/initContainers/args", false),
    spec("", "", "StatefulSet", "spec/template/spec/initContainers/command", false),
    spec("", "", "StatefulSet", "spec/template/spec/initContainers/env/value", false),
    spec("", "", "StatefulSet", "spec/template/spec/initContainers/volumeMounts/mountPath", false),
    spec("", "", "StatefulSet", "spec/volumeClaimTemplates/spec/nfs/server", false),
    spec("", "", "PersistentVolume", "spec/nfs/server", false),
    spec("", "", "", "metadata/labels", false),
    spec("", "", "", "metadata/annotations", false),
];

/// Where `images` apply.
#[rustfmt::skip]
pub(super) static IMAGES: &[StaticSpec] = &[
    spec("", "", "", "spec/containers[]/image", true),
    spec("", "", "", "spec/initContainers[]/image", true),
    spec("", "", "", "spec/template/spec/containers[]/image", true),
    spec("", "", "", "spec/template/spec/initContainers[]/image", true),
];

/// Where `replicas` apply.
#[rustfmt::skip]
pub(super) static REPLICAS: &[StaticSpec] = &[
    spec("", "", "Deployment", "spec/replicas", true),
    spec("", "", "ReplicationController", "spec/replicas", true),
    spec("", "", "ReplicaSet", "spec/replicas", true),
    spec("", "", "StatefulSet", "spec/replicas", true),
];

/// Which fields refer to objects of which type, for name references.
#[rustfmt::skip]
pub(super) static NAME_REFERENCE: &[StaticBackRef] = &[
    StaticBackRef {
        group: "", version: "", kind: "Deployment",
        referrers: &[
            spec("", "", "HorizontalPodAutoscaler", "spec/scaleTargetRef/name", false),
        ],
    },
    StaticBackRef {
        group: "", version: "", kind: "ReplicationController",
        referrers: &[
            spec("", "", "HorizontalPodAutoscaler", "spec/scaleTargetRef/name", false),
        ],
    },
    StaticBackRef {
        group: "", version: "", kind: "ReplicaSet",
        referrers: &[
            spec("", "", "HorizontalPodAutoscaler", "spec/scaleTargetRef/name", false),
        ],
    },
    StaticBackRef {
        group: "", version: "", kind: "StatefulSet",
        referrers: &[
            spec("", "", "HorizontalPodAutoscaler", "spec/scaleTargetRef/name", false),
        ],
    },
    StaticBackRef {
        group: "", version: "v1", kind: "ConfigMap",
        referrers: &[
            spec("", "v1", "Pod", "spec/volumes/configMap/name", false),
            spec("", "v1", "Pod", "spec/containers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "v1", "Pod", "spec/initContainers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "v1", "Pod", "spec/containers/envFrom/configMapRef/name", false),
            spec("", "v1", "Pod", "spec/initContainers/envFrom/configMapRef/name", false),
            spec("", "v1", "Pod", "spec/volumes/projected/sources/configMap/name", false),
            spec("", "", "PodTemplate", "template/spec/volumes/configMap/name", false),
            spec("", "", "PodTemplate", "template/spec/containers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "PodTemplate", "template/spec/initContainers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "PodTemplate", "template/spec/containers/envFrom/configMapRef/name", false),
            spec("", "", "PodTemplate", "template/spec/initContainers/envFrom/configMapRef/name", false),
            spec("", "", "PodTemplate", "template/spec/volumes/projected/sources/configMap/name", false),
            spec("", "", "Deployment", "spec/template/spec/volumes/configMap/name", false),
            spec("", "", "Deployment", "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "Deployment", "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "Deployment", "spec/template/spec/containers/envFrom/configMapRef/name", false),
            spec("", "", "Deployment", "spec/template/spec/initContainers/envFrom/configMapRef/name", false),
            spec("", "", "Deployment", "spec/template/spec/volumes/projected/sources/configMap/name", false),
            spec("", "", "ReplicaSet", "spec/template/spec/volumes/configMap/name", false),
            spec("", "", "ReplicaSet", "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "ReplicaSet", "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "ReplicaSet", "spec/template/spec/containers/envFrom/configMapRef/name", false),
            spec("", "", "ReplicaSet", "spec/template/spec/initContainers/envFrom/configMapRef/name", false),
            spec("", "", "ReplicaSet", "spec/template/spec/volumes/projected/sources/configMap/name", false),
            spec("", "", "DaemonSet", "spec/template/spec/volumes/configMap/name", false),
            spec("", "", "DaemonSet", "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "DaemonSet", "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "DaemonSet", "spec/template/spec/containers/envFrom/configMapRef/name", false),
            spec("", "", "DaemonSet", "spec/template/spec/initContainers/envFrom/configMapRef/name", false),
            spec("", "", "DaemonSet", "spec/template/spec/volumes/projected/sources/configMap/name", false),
            spec("", "", "StatefulSet", "spec/template/spec/volumes/configMap/name", false),
            spec("", "", "StatefulSet", "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "StatefulSet", "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "StatefulSet", "spec/template/spec/containers/envFrom/configMapRef/name", false),
            spec("", "", "StatefulSet", "spec/template/spec/initContainers/envFrom/configMapRef/name", false),
            spec("", "", "StatefulSet", "spec/template/spec/volumes/projected/sources/configMap/name", false),
            spec("", "", "Job", "spec/template/spec/volumes/configMap/name", false),
            spec("", "", "Job", "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "Job", "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "Job", "spec/template/spec/containers/envFrom/configMapRef/name", false),
            spec("", "", "Job", "spec/template/spec/initContainers/envFrom/configMapRef/name", false),
            spec("", "", "Job", "spec/template/spec/volumes/projected/sources/configMap/name", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/volumes/configMap/name", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/volumes/projected/sources/configMap/name", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/containers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/containers/envFrom/configMapRef/name", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/initContainers/envFrom/configMapRef/name", false),
            spec("", "", "Node", "spec/configSource/configMap", false),
            spec("", "", "Role", "rules/resourceNames", false),
            spec("", "", "ClusterRole", "rules/resourceNames", false),
            spec("", "", "Ingress", "metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap", false),
        ],
    },
    StaticBackRef {
        group: "", version: "v1", kind: "Secret",
        referrers: &[
            spec("", "v1", "Pod", "spec/volumes/secret/secretName", false),
            spec("", "v1", "Pod", "spec/containers/env/valueFrom/secretKeyRef/name", false),
            spec("", "v1", "Pod", "spec/initContainers/env/valueFrom/secretKeyRef/name", false),
            spec("", "v1", "Pod", "spec/containers/envFrom/secretRef/name", false),
            spec("", "v1", "Pod", "spec/initContainers/envFrom/secretRef/name", false),
            spec("", "v1", "Pod", "spec/imagePullSecrets/name", false),
            spec("", "v1", "Pod", "spec/volumes/projected/sources/secret/name", false),
            spec("", "", "PodTemplate", "template/spec/volumes/secret/secretName", false),
            spec("", "", "PodTemplate", "template/spec/containers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "PodTemplate", "template/spec/initContainers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "PodTemplate", "template/spec/containers/envFrom/secretRef/name", false),
            spec("", "", "PodTemplate", "template/spec/initContainers/envFrom/secretRef/name", false),
            spec("", "", "PodTemplate", "template/spec/imagePullSecrets/name", false),
            spec("", "", "PodTemplate", "template/spec/volumes/projected/sources/secret/name", false),
            spec("", "", "Deployment", "spec/template/spec/volumes/secret/secretName", false),
            spec("", "", "Deployment", "spec/template/spec/containers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "Deployment", "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "Deployment", "spec/template/spec/containers/envFrom/secretRef/name", false),
            spec("", "", "Deployment", "spec/template/spec/initContainers/envFrom/secretRef/name", false),
            spec("", "", "Deployment", "spec/template/spec/imagePullSecrets/name", false),
            spec("", "", "Deployment", "spec/template/spec/volumes/projected/sources/secret/name", false),
            spec("", "", "ReplicaSet", "spec/template/spec/volumes/secret/secretName", false),
            spec("", "", "ReplicaSet", "spec/template/spec/containers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "ReplicaSet", "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "ReplicaSet", "spec/template/spec/containers/envFrom/secretRef/name", false),
            spec("", "", "ReplicaSet", "spec/template/spec/initContainers/envFrom/secretRef/name", false),
            spec("", "", "ReplicaSet", "spec/template/spec/imagePullSecrets/name", false),
            spec("", "", "ReplicaSet", "spec/template/spec/volumes/projected/sources/secret/name", false),
            spec("", "", "DaemonSet", "spec/template/spec/volumes/secret/secretName", false),
            spec("", "", "DaemonSet", "spec/template/spec/containers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "DaemonSet", "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "DaemonSet", "spec/template/spec/containers/envFrom/secretRef/name", false),
            spec("", "", "DaemonSet", "spec/template/spec/initContainers/envFrom/secretRef/name", false),
            spec("", "", "DaemonSet", "spec/template/spec/imagePullSecrets/name", false),
            spec("", "", "DaemonSet", "spec/template/spec/volumes/projected/sources/secret/name", false),
            spec("", "", "StatefulSet", "spec/template/spec/volumes/secret/secretName", false),
            spec("", "", "StatefulSet", "spec/template/spec/containers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "StatefulSet", "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "StatefulSet", "spec/template/spec/containers/envFrom/secretRef/name", false),
            spec("", "", "StatefulSet", "spec/template/spec/initContainers/envFrom/secretRef/name", false),
            spec("", "", "StatefulSet", "spec/template/spec/imagePullSecrets/name", false),
            spec("", "", "StatefulSet", "spec/template/spec/volumes/projected/sources/secret/name", false),
            spec("", "", "Job", "spec/template/spec/volumes/secret/secretName", false),
            spec("", "", "Job", "spec/template/spec/containers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "Job", "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "Job", "spec/template/spec/containers/envFrom/secretRef/name", false),
            spec("", "", "Job", "spec/template/spec/initContainers/envFrom/secretRef/name", false),
            spec("", "", "Job", "spec/template/spec/imagePullSecrets/name", false),
            spec("", "", "Job", "spec/template/spec/volumes/projected/sources/secret/name", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/volumes/secret/secretName", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/volumes/projected/sources/secret/name", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/containers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/containers/envFrom/secretRef/name", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/initContainers/envFrom/secretRef/name", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/imagePullSecrets/name", false),
            spec("", "", "Ingress", "spec/tls/secretName", false),
            spec("", "", "Ingress", "metadata/annotations/ingress.kubernetes.io\\/auth-secret", false),
            spec("", "", "Ingress", "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret", false),
            spec("", "", "Ingress", "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret", false),
            spec("", "", "Ingress", "spec/tls/secretName", false),
            spec("", "", "ServiceAccount", "imagePullSecrets/name", false),
            spec("", "", "StorageClass", "parameters/secretName", false),
            spec("", "", "StorageClass", "parameters/adminSecretName", false),
            spec("", "", "StorageClass", "parameters/userSecretName", false),
            spec("", "", "StorageClass", "parameters/secretRef", false),
            spec("", "", "Role", "rules/resourceNames", false),
            spec("", "", "ClusterRole", "rules/resourceNames", false),
            spec("serving.knative.dev", "v1", "Service", "spec/template/spec/containers/env/valueFrom/secretKeyRef/name", false),
            spec("", "", "PersistentVolume", "spec/azureFile/secretName", false),
        ],
    },
    StaticBackRef {
        group: "", version: "v1", kind: "Service",
        referrers: &[
            spec("apps", "", "StatefulSet", "spec/serviceName", false),
            spec("", "", "Ingress", "spec/rules/http/paths/backend/serviceName", false),
            spec("", "", "Ingress", "spec/backend/serviceName", false),
            spec("", "", "Ingress", "spec/rules/http/paths/backend/service/name", false),
            spec("", "", "Ingress", "spec/defaultBackend/service/name", false),
            spec("apiregistration.k8s.io", "", "APIService", "spec/service/name", false),
            spec("admissionregistration.k8s.io", "", "ValidatingWebhookConfiguration", "webhooks/clientConfig/service", false),
            spec("admissionregistration.k8s.io", "", "MutatingWebhookConfiguration", "webhooks/clientConfig/service", false),
        ],
    },
    StaticBackRef {
        group: "rbac.authorization.k8s.io", version: "", kind: "Role",
        referrers: &[
            spec("rbac.authorization.k8s.io", "", "RoleBinding", "roleRef/name", false),
        ],
    },
    StaticBackRef {
        group: "rbac.authorization.k8s.io", version: "", kind: "ClusterRole",
        referrers: &[
            spec("rbac.authorization.k8s.io", "", "RoleBinding", "roleRef/name", false),
            spec("rbac.authorization.k8s.io", "", "ClusterRoleBinding", "roleRef/name", false),
        ],
    },
    StaticBackRef {
        group: "", version: "v1", kind: "ServiceAccount",
        referrers: &[
            spec("rbac.authorization.k8s.io", "", "RoleBinding", "subjects", false),
            spec("rbac.authorization.k8s.io", "", "ClusterRoleBinding", "subjects", false),
            spec("", "", "Pod", "spec/serviceAccountName", false),
            spec("", "", "StatefulSet", "spec/template/spec/serviceAccountName", false),
            spec("", "", "Deployment", "spec/template/spec/serviceAccountName", false),
            spec("", "", "ReplicationController", "spec/template/spec/serviceAccountName", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/serviceAccountName", false),
            spec("", "", "Job", "spec/template/spec/serviceAccountName", false),
            spec("", "", "DaemonSet", "spec/template/spec/serviceAccountName", false),
        ],
    },
    StaticBackRef {
        group: "", version: "v1", kind: "PersistentVolumeClaim",
        referrers: &[
            spec("", "", "Pod", "spec/volumes/persistentVolumeClaim/claimName", false),
            spec("", "", "StatefulSet", "spec/template/spec/volumes/persistentVolumeClaim/claimName", false),
            spec("", "", "Deployment", "spec/template/spec/volumes/persistentVolumeClaim/claimName", false),
            spec("", "", "ReplicationController", "spec/template/spec/volumes/persistentVolumeClaim/claimName", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/volumes/persistentVolumeClaim/claimName", false),
            spec("", "", "Job", "spec/template/spec/volumes/persistentVolumeClaim/claimName", false),
            spec("", "", "DaemonSet", "spec/template/spec/volumes/persistentVolumeClaim/claimName", false),
        ],
    },
    StaticBackRef {
        group: "", version: "v1", kind: "PersistentVolume",
        referrers: &[
            spec("", "", "PersistentVolumeClaim", "spec/volumeName", false),
            spec("", "", "ClusterRole", "rules/resourceNames", false),
        ],
    },
    StaticBackRef {
        group: "storage.k8s.io", version: "v1", kind: "StorageClass",
        referrers: &[
            spec("", "", "PersistentVolume", "spec/storageClassName", false),
            spec("", "", "PersistentVolumeClaim", "spec/storageClassName", false),
            spec("", "", "StatefulSet", "spec/volumeClaimTemplates/spec/storageClassName", false),
        ],
    },
    StaticBackRef {
        group: "scheduling.k8s.io", version: "v1", kind: "PriorityClass",
        referrers: &[
            spec("", "", "Pod", "spec/priorityClassName", false),
            spec("", "", "StatefulSet", "spec/template/spec/priorityClassName", false),
            spec("", "", "Deployment", "spec/template/spec/priorityClassName", false),
            spec("", "", "ReplicationController", "spec/template/spec/priorityClassName", false),
            spec("", "", "CronJob", "spec/jobTemplate/spec/template/spec/priorityClassName", false),
            spec("", "", "Job", "spec/template/spec/priorityClassName", false),
            spec("", "", "DaemonSet", "spec/template/spec/priorityClassName", false),
        ],
    },
    StaticBackRef {
        group: "networking.k8s.io/v1", version: "v1", kind: "IngressClass",
        referrers: &[
            spec("", "", "Ingress", "spec/ingressClassName", false),
        ],
    },
    StaticBackRef {
        group: "admissionregistration.k8s.io", version: "", kind: "ValidatingAdmissionPolicy",
        referrers: &[
            spec("admissionregistration.k8s.io", "", "ValidatingAdmissionPolicyBinding", "spec/policyName", false),
        ],
    },
];
