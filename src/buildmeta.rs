//! kustomize's `buildMetadata` kustomization field and the
//! `--enable-managedby-label` flag.
//!
//! * `originAnnotations`: every resource carries `config.kubernetes.io/origin`
//!   (the file it was read from, or the generator that made it);
//! * `transformerAnnotations`: every resource carries
//!   `alpha.config.kubernetes.io/transformations`, the transformers that
//!   ran on it;
//! * `managedByLabel` (or the flag): every resource is labelled
//!   `app.kubernetes.io/managed-by: kustomize-(devel)`.
//!
//! Only the top kustomization's field counts: kustomize hands it down to
//! every base and component. Any entry at all (even an unknown one) turns on
//! origin tracking for the whole build; the annotations are then stripped at
//! the end unless listed.
//!
//! Tracking works through [`OriginScope`] (where each kustomization sits,
//! set on [`LoadedKustomization::origin`] as the build descends) and the
//! origins kept in each resource's build state; see
//! [`crate::resource::origin`] for the rules.
//!
//! For plugin dispatch (`generators:`/`transformers:` entries), the calls are:
//!
//! * give each config resource its origin: `kust.origin.file(entry)` for a
//!   file entry (shared by every config in the file), `kust.origin.inline(&kust.file)`
//!   for an inline one (configs loaded from a directory entry get theirs
//!   from the nested build);
//! * [`Origin::from_plugin_config`] turns a config into the origin of what
//!   it generates or transforms (None when not tracking);
//! * generated resources: set it with
//!   [`crate::resource::Resource::set_origin_if_missing`] *before*
//!   absorbing them, so that `merge`/`replace` see it;
//! * after each plugin transformer runs:
//!   [`crate::resource::origin::record_transformation`] on every resource.
//!   Plugin transformers run after the builtin ones, whose records
//!   [`record_builtin_transformers`] writes.

use crate::fieldspec::FieldSpec;
use crate::kustomization::Kustomization;
use crate::kustomization::LoadedKustomization;
use crate::resource::origin::record_transformation;
use crate::resource::{Origin, OriginScope, ResourceList};
use crate::transform::labels::LabelTransformer;
use crate::transform::{Transform, TransformContext};
use anyhow::Result;
use std::collections::BTreeMap;

/// The `buildMetadata` entry that keeps origin annotations.
pub const ORIGIN_ANNOTATIONS: &str = "originAnnotations";
/// The `buildMetadata` entry that keeps transformer annotations.
pub const TRANSFORMER_ANNOTATIONS: &str = "transformerAnnotations";
/// The `buildMetadata` entry that adds the managed-by label.
pub const MANAGED_BY_LABEL: &str = "managedByLabel";

/// The label key the managed-by option sets.
pub const MANAGED_BY_KEY: &str = "app.kubernetes.io/managed-by";

/// The managed-by label's value. kustomize writes `kustomize-` and its own
/// module version; inside kubectl that version is unset, so kubectl (the
/// reference krust matches byte for byte) writes `(devel)`.
pub const MANAGED_BY_VALUE: &str = "kustomize-(devel)";

/// What the top kustomization's `buildMetadata` (and the flag) ask for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildMetadata {
    /// Keep `config.kubernetes.io/origin` on the output.
    pub origin_annotations: bool,
    /// Keep `alpha.config.kubernetes.io/transformations` on the output.
    pub transformer_annotations: bool,
    /// Label every resource with [`MANAGED_BY_KEY`].
    pub managed_by_label: bool,
}

impl BuildMetadata {
    /// Reads the top kustomization's field; `managed_by_flag` is
    /// `--enable-managedby-label`.
    pub fn new(k: &Kustomization, managed_by_flag: bool) -> BuildMetadata {
        let has = |option: &str| k.build_metadata.iter().any(|entry| entry == option);
        BuildMetadata {
            origin_annotations: has(ORIGIN_ANNOTATIONS),
            transformer_annotations: has(TRANSFORMER_ANNOTATIONS),
            managed_by_label: managed_by_flag || has(MANAGED_BY_LABEL),
        }
    }

    /// Which tracked annotations survive the final clean-up.
    pub fn keep(&self) -> crate::finalize::Keep {
        crate::finalize::Keep {
            origin: self.origin_annotations,
            transformations: self.transformer_annotations,
        }
    }
}

/// Starts origin tracking at the build root when the top kustomization's
/// `buildMetadata` lists anything.
pub fn start_tracking(top: &mut LoadedKustomization) {
    top.origin = OriginScope::for_build_root(&top.kustomization.build_metadata);
}

/// The builtin transformers kustomize configures from a kustomization's
/// fields, in the order it runs them, by name. Some entries are listed even
/// when they change nothing: a `labels` list always comes with one more
/// LabelTransformer for `commonLabels`, empty or not.
pub fn builtin_transformer_kinds(k: &Kustomization) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    let mut add = |kind: &'static str, count: usize| kinds.extend((0..count).map(|_| kind));
    add(
        "PatchStrategicMergeTransformer",
        usize::from(!k.patches_strategic_merge.is_empty()),
    );
    add("PatchTransformer", k.patches.len());
    add("NamespaceTransformer", usize::from(!k.namespace.is_empty()));
    add("PrefixTransformer", usize::from(!k.name_prefix.is_empty()));
    add("SuffixTransformer", usize::from(!k.name_suffix.is_empty()));
    let any_labels = !k.labels.is_empty() || !k.common_labels.is_empty();
    add(
        "LabelTransformer",
        if any_labels { k.labels.len() + 1 } else { 0 },
    );
    add(
        "AnnotationsTransformer",
        usize::from(!k.common_annotations.is_empty()),
    );
    add("PatchJson6902Transformer", k.patches_json6902.len());
    add("ReplicaCountTransformer", k.replicas.len());
    add("ImageTagTransformer", k.images.len());
    add(
        "ReplacementTransformer",
        usize::from(!k.replacements.is_empty()),
    );
    kinds
}

/// Records the builtin transformers of `kust` on every resource, once they
/// have all run. Builtin transformers never add resources, so recording
/// each one on the resources left at the end is what recording after each
/// step gives.
pub fn record_builtin_transformers(kust: &LoadedKustomization, resources: &mut ResourceList) {
    if !kust.origin.is_tracking() {
        return;
    }
    for kind in builtin_transformer_kinds(&kust.kustomization) {
        if let Some(origin) = kust.origin.builtin(&kust.file, kind) {
            record_transformation(resources.items_mut().iter_mut(), &origin);
        }
    }
}

/// The origin of what the builtin generator `kind` (`ConfigMapGenerator`,
/// `SecretGenerator`, `HelmChartInflationGenerator`) of `kust` makes; None
/// when origins are not tracked.
pub fn builtin_generator_origin(
    kust: &LoadedKustomization,
    kind: &str,
) -> Option<std::sync::Arc<Origin>> {
    kust.origin.builtin(&kust.file, kind)
}

/// Labels every resource `app.kubernetes.io/managed-by: kustomize-(devel)`
/// at `metadata/labels`, creating the map where needed (kustomize does this
/// after ordering; the label does not change the order).
pub fn add_managed_by_label(
    cx: &mut TransformContext<'_>,
    resources: &mut ResourceList,
) -> Result<()> {
    let labels = BTreeMap::from([(MANAGED_BY_KEY.to_string(), MANAGED_BY_VALUE.to_string())]);
    LabelTransformer {
        labels,
        field_specs: vec![FieldSpec::new("metadata/labels", true)],
    }
    .apply(cx, resources)
}

#[cfg(test)]
#[path = "buildmeta_tests.rs"]
mod tests;
