//! The builtin transformers and generators a kustomization asks for
//! through its fields: the one place that maps a kustomization field to
//! the builtin that implements it, with kustomize's rules for that mapping
//! (which field specs a builtin gets, which empty fields configure nothing).
//!
//! Each builtin is constructed from its own config values in its own
//! module; adding one is a new module plus one entry in [`TRANSFORMERS`]
//! (and the field in the kustomization schema).

use crate::fieldspec::{merge_all, merge_one, FieldSpec, TransformerConfig};
use crate::generate::helm::{self, HelmGenerator, HelmOptions};
use crate::generate::{DiskLoader, GeneratorConfig, GeneratorKind};
use crate::kustomization::Kustomization;
use crate::patch::source::PatchFiles;
use crate::transform::annotations::AnnotationsTransformer;
use crate::transform::images::ImageTagTransformer;
use crate::transform::labels::{to_sorted, LabelTransformer};
use crate::transform::namespace::NamespaceTransformer;
use crate::transform::patch::PatchTransformer;
use crate::transform::patch_legacy::{PatchJson6902Transformer, PatchStrategicMergeTransformer};
use crate::transform::prefix_suffix::{PrefixTransformer, SuffixTransformer, NIL_FIELD_SPECS};
use crate::transform::replacement;
use crate::transform::replicas::ReplicaCountTransformer;
use crate::transform::Transform;
use anyhow::{anyhow, bail, Result};
use std::path::Path;

/// Configured builtin transformers, in the order they run.
pub(crate) type Transformers = Vec<Box<dyn Transform>>;

/// What a kustomization field's builtins are configured from.
pub(crate) struct Fields<'a> {
    /// The kustomization.
    pub k: &'a Kustomization,
    /// The field specs in effect (defaults plus `configurations:`).
    pub tc: &'a TransformerConfig,
    /// Reads the patch and replacement files the fields name.
    pub files: &'a PatchFiles,
}

/// The transformer fields, in kustomize's fixed order.
const TRANSFORMERS: [fn(&Fields) -> Result<Transformers>; 11] = [
    patches_strategic_merge,
    patches,
    namespace,
    name_prefix,
    name_suffix,
    labels,
    common_annotations,
    patches_json6902,
    replicas,
    images,
    replacements,
];

/// The builtin transformers of a kustomization's fields, configured (and
/// their patch files read) before any of them runs.
pub(crate) fn transformers(fields: &Fields) -> Result<Transformers> {
    let mut out = Transformers::new();
    for field in TRANSFORMERS {
        out.extend(field(fields)?);
    }
    Ok(out)
}

/// One transformer as a list.
fn one(t: impl Transform + 'static) -> Result<Transformers> {
    Ok(vec![Box::new(t)])
}

/// Every transformer of a list field, or the first error.
fn each<T: Transform + 'static>(ts: impl IntoIterator<Item = Result<T>>) -> Result<Transformers> {
    ts.into_iter()
        .map(|t| t.map(|t| Box::new(t) as Box<dyn Transform>))
        .collect()
}

/// `patchesStrategicMerge`: one transformer for all the patches.
fn patches_strategic_merge(f: &Fields) -> Result<Transformers> {
    if f.k.patches_strategic_merge.is_empty() {
        return Ok(Vec::new());
    }
    one(PatchStrategicMergeTransformer::new(f.k.patches_strategic_merge.clone()).load(f.files)?)
}

/// `patches`: one transformer per entry.
fn patches(f: &Fields) -> Result<Transformers> {
    each(
        f.k.patches
            .iter()
            .map(|entry| PatchTransformer::from_entry(entry).load(f.files)),
    )
}

/// `namespace`, when set.
fn namespace(f: &Fields) -> Result<Transformers> {
    if f.k.namespace.is_empty() {
        return Ok(Vec::new());
    }
    one(NamespaceTransformer::new(
        &f.k.namespace,
        f.tc.namespace.clone(),
    ))
}

/// `namePrefix`, when set.
fn name_prefix(f: &Fields) -> Result<Transformers> {
    if f.k.name_prefix.is_empty() {
        return Ok(Vec::new());
    }
    one(PrefixTransformer::new(
        &f.k.name_prefix,
        configured_specs(&f.tc.name_prefix)?,
    ))
}

/// `nameSuffix`, when set.
fn name_suffix(f: &Fields) -> Result<Transformers> {
    if f.k.name_suffix.is_empty() {
        return Ok(Vec::new());
    }
    one(SuffixTransformer::new(
        &f.k.name_suffix,
        configured_specs(&f.tc.name_suffix)?,
    ))
}

/// kustomize hands the configured list to the affix plugins as JSON with
/// `omitempty`, so an empty list arrives as a missing one.
fn configured_specs(specs: &[FieldSpec]) -> Result<Vec<FieldSpec>> {
    if specs.is_empty() {
        bail!(NIL_FIELD_SPECS);
    }
    Ok(specs.to_vec())
}

/// `labels` then `commonLabels`: one transformer per `labels` entry with
/// pairs, then one for `commonLabels`.
///
/// A `labels` entry always reaches `metadata/labels`, plus its own `fields`
/// and the configuration's extra `labels` specs; `includeSelectors` adds
/// every `commonLabels` spec (selectors and templates), otherwise
/// `includeTemplates` adds the pod-template specs. Fails when an entry's
/// `fields` conflict with those defaults.
fn labels(f: &Fields) -> Result<Transformers> {
    let (k, tc) = (f.k, f.tc);
    let mut out = Transformers::new();
    if k.labels.is_empty() && k.common_labels.is_empty() {
        return Ok(out);
    }
    let merge_failure = |e| anyhow!("failed to merge labels: {e}");
    for label in &k.labels {
        let mut specs = label.field_specs.clone();
        merge_all(&mut specs, &tc.labels).map_err(merge_failure)?;
        if label.include_selectors {
            merge_all(&mut specs, &tc.common_labels).map_err(merge_failure)?;
        } else {
            if label.include_templates {
                merge_all(&mut specs, &tc.template_labels)
                    .map_err(|e| anyhow!("failed to merge template fieldSpec: {e}"))?;
            }
            merge_one(&mut specs, &FieldSpec::new("metadata/labels", true))
                .map_err(merge_failure)?;
        }
        if !label.pairs.is_empty() {
            out.push(Box::new(LabelTransformer::new(
                to_sorted(&label.pairs),
                specs,
            )));
        }
    }
    if !k.common_labels.is_empty() {
        let common = to_sorted(&k.common_labels);
        out.push(Box::new(LabelTransformer::new(
            common,
            tc.common_labels.clone(),
        )));
    }
    Ok(out)
}

/// `commonAnnotations`, when any.
fn common_annotations(f: &Fields) -> Result<Transformers> {
    if f.k.common_annotations.is_empty() {
        return Ok(Vec::new());
    }
    let annotations = to_sorted(&f.k.common_annotations);
    one(AnnotationsTransformer::new(
        annotations,
        f.tc.common_annotations.clone(),
    ))
}

/// `patchesJson6902`: one transformer per entry.
fn patches_json6902(f: &Fields) -> Result<Transformers> {
    each(f.k.patches_json6902.iter().map(|entry| {
        PatchJson6902Transformer::new(entry.target.clone(), &entry.path, &entry.patch).load(f.files)
    }))
}

/// `replicas`: one transformer per entry.
fn replicas(f: &Fields) -> Result<Transformers> {
    each(f.k.replicas.iter().map(|r| {
        Ok(ReplicaCountTransformer::new(
            r.clone(),
            f.tc.replicas.clone(),
        ))
    }))
}

/// `images`: one transformer per entry.
fn images(f: &Fields) -> Result<Transformers> {
    each(
        f.k.images
            .iter()
            .map(|i| Ok(ImageTagTransformer::new(i.clone(), f.tc.images.clone()))),
    )
}

/// `replacements`, when any; `path:` entries are read through the files.
fn replacements(f: &Fields) -> Result<Transformers> {
    if f.k.replacements.is_empty() {
        return Ok(Vec::new());
    }
    one(replacement::from_entries(&f.k.replacements, f.files)?)
}

/// The ConfigMap and Secret generator configs of a kustomization, in the
/// order kustomize runs them: every `configMapGenerator` entry, then every
/// `secretGenerator` entry, each with `generatorOptions` merged in.
pub(crate) fn data_generators(k: &Kustomization) -> Result<Vec<GeneratorConfig>> {
    let global = k.generator_options.as_ref();
    let config_maps = k
        .config_map_generator
        .iter()
        .map(|args| GeneratorConfig::from_args(GeneratorKind::ConfigMap, args, global));
    let secrets = k
        .secret_generator
        .iter()
        .map(|args| GeneratorConfig::from_args(GeneratorKind::Secret, args, global));
    config_maps.chain(secrets).collect()
}

/// The generators of a kustomization's `helmCharts` (with `helmGlobals`,
/// and the deprecated `helmChartInflationGenerator`), for the kustomization
/// in `root` whose files `files` reads.
pub(crate) fn helm_generators(
    k: &Kustomization,
    options: &HelmOptions,
    root: &Path,
    files: &DiskLoader,
) -> Result<Vec<HelmGenerator>> {
    let charts = helm::ChartFields {
        charts: &k.helm_charts,
        globals: k.helm_globals.as_ref(),
        legacy: &k.helm_chart_inflation_generator,
    };
    helm::generators(&charts, options, root, files)
}

/// The builtin transformers of `k` with the default field specs, patch
/// files read from the current directory.
#[cfg(test)]
pub(crate) fn of_kustomization(k: &Kustomization) -> Result<Transformers> {
    let tc = TransformerConfig::defaults();
    let files = PatchFiles::new(crate::load::Loader::default(), Path::new("."));
    transformers(&Fields {
        k,
        tc: &tc,
        files: &files,
    })
}

#[cfg(test)]
#[path = "builtins_tests.rs"]
mod tests;
