//! The `kustomization.yaml` schema (kustomize v5.5's `Kustomization` type).
//!
//! kustomize converts the YAML to JSON and decodes it with unknown fields
//! disallowed, so every struct here denies unknown fields, and every field
//! accepts `null` as "not set" (Go's JSON decoder leaves the zero value).

use crate::yaml::Value;
use anyhow::{bail, Result};
use indexmap::IndexMap;
use serde::Deserialize;
use std::path::Path;

/// The file names kustomize recognises, in the order it tries them.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// `apiVersion` of a Kustomization.
pub const KUSTOMIZATION_VERSION: &str = "kustomize.config.k8s.io/v1beta1";
/// `apiVersion` of a Component.
pub const COMPONENT_VERSION: &str = "kustomize.config.k8s.io/v1alpha1";

pub(crate) use crate::gojson::nullable;

mod read;
mod schema;
mod schema_error;
mod shapes;

pub use crate::generate::{GeneratorArgs, GeneratorOptions};
pub use crate::order::{LegacySortOptions, SortOptions};
pub use crate::patch::target::Selector;
pub use crate::transform::images::Image;
pub use crate::transform::labels::Label;
pub use crate::transform::patch::Patch;
pub use crate::transform::replicas::Replica;
pub use read::{kustomization_from_document, KustomizationRole, LoadedKustomization};
pub use schema::{deprecation_warnings, is_effectively_empty, normalize_field_names};
pub use schema_error::{locate_schema_error, SchemaError};
use shapes::check_loose_fields;

/// A string-to-string map that keeps the file's order.
pub type StringMap = IndexMap<String, String>;

/// A parsed kustomization (or component): kustomize v5.5's
/// `types.Kustomization`, field for field. Decoded with Go's JSON rules
/// ([`crate::gojson::decode`]): unknown fields are errors, `null` leaves a
/// field empty, field names match ignoring case when no field matches
/// exactly.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Kustomization {
    /// `apiVersion`: `kustomize.config.k8s.io/v1beta1` for a Kustomization,
    /// `kustomize.config.k8s.io/v1alpha1` for a Component (filled in when empty).
    #[serde(default, deserialize_with = "nullable")]
    pub api_version: String,
    /// `kind`: `Kustomization` (the default when empty) or `Component`.
    #[serde(default, deserialize_with = "nullable")]
    pub kind: String,
    /// `metadata`: a name and labels for the kustomization itself; kustomize
    /// reads it and does nothing with it.
    #[serde(default, deserialize_with = "nullable")]
    pub metadata: Option<ObjectMeta>,
    /// `openapi`: the schema for strategic merges, `{path: file}` for a custom
    /// OpenAPI document or `{version: v1.21.2}` for a builtin one.
    #[serde(default, deserialize_with = "nullable")]
    pub openapi: StringMap,
    /// `namePrefix`: prepended to the name of every resource (and to the
    /// references to it).
    #[serde(default, deserialize_with = "nullable")]
    pub name_prefix: String,
    /// `nameSuffix`: appended to the name of every resource (before any
    /// content-hash suffix).
    #[serde(default, deserialize_with = "nullable")]
    pub name_suffix: String,
    /// `namespace`: set on every namespaced resource (and on subjects of role
    /// bindings that name the default service account).
    #[serde(default, deserialize_with = "nullable")]
    pub namespace: String,
    /// `commonLabels` (deprecated for `labels`): labels added to every resource
    /// and to its selectors and pod templates.
    #[serde(default, deserialize_with = "nullable")]
    pub common_labels: StringMap,
    /// `labels`: label sets, each with its own reach (selectors, templates, or
    /// extra field specs).
    #[serde(default, deserialize_with = "nullable")]
    pub labels: Vec<Label>,
    /// `commonAnnotations`: annotations added to every resource and its pod
    /// templates.
    #[serde(default, deserialize_with = "nullable")]
    pub common_annotations: StringMap,
    /// `patchesStrategicMerge` (deprecated for `patches`): strategic-merge
    /// patch files, or inline patches, each applied to the resource it names.
    #[serde(default, deserialize_with = "nullable")]
    pub patches_strategic_merge: Vec<String>,
    /// `patchesJson6902` (deprecated for `patches`): JSON 6902 patches with an
    /// explicit target.
    #[serde(default, deserialize_with = "nullable", rename = "patchesJson6902")]
    pub patches_json6902: Vec<Patch>,
    /// `patches`: strategic-merge or JSON 6902 patches, inline or from a file,
    /// applied to the resources a target selects (or the one the patch names).
    #[serde(default, deserialize_with = "nullable")]
    pub patches: Vec<Patch>,
    /// `images`: image rewrites (new name, tag, digest or tag suffix) of
    /// matching container images.
    #[serde(default, deserialize_with = "nullable")]
    pub images: Vec<Image>,
    /// `imageTags`: the deprecated spelling of `images` (folded into it).
    #[serde(default, deserialize_with = "nullable")]
    pub image_tags: Vec<Image>,
    /// `replacements`: values copied from one resource field into others,
    /// inline or from a file; decoded by the replacement transformer.
    #[serde(default, deserialize_with = "nullable")]
    pub replacements: Vec<serde_json::Value>,
    /// `replicas`: replica counts set on the named workloads.
    #[serde(default, deserialize_with = "nullable")]
    pub replicas: Vec<Replica>,
    /// `vars` (deprecated for `replacements`): values read from resources and
    /// substituted into `$(NAME)` references.
    #[serde(default, deserialize_with = "nullable")]
    pub vars: Vec<crate::transform::vars::Var>,
    /// `sortOptions`: the output order, `legacy` (by kind) or `fifo` (input
    /// order); only the top kustomization's counts.
    #[serde(default, deserialize_with = "nullable")]
    pub sort_options: Option<SortOptions>,
    /// `resources`: files, directories (other kustomizations) and remote bases
    /// whose resources this kustomization starts from.
    #[serde(default, deserialize_with = "nullable")]
    pub resources: Vec<String>,
    /// `components`: Component kustomizations applied to the accumulated
    /// resources, in order.
    #[serde(default, deserialize_with = "nullable")]
    pub components: Vec<String>,
    /// `crds`: CustomResourceDefinition files whose schemas tell where names
    /// are referenced in custom resources.
    #[serde(default, deserialize_with = "nullable")]
    pub crds: Vec<String>,
    /// `bases`: the deprecated spelling of directory `resources` (folded into
    /// it).
    #[serde(default, deserialize_with = "nullable")]
    pub bases: Vec<String>,
    /// `configMapGenerator`: ConfigMaps made from literals, files and env
    /// files.
    #[serde(default, deserialize_with = "nullable")]
    pub config_map_generator: Vec<GeneratorArgs>,
    /// `secretGenerator`: Secrets made from literals, files and env files.
    #[serde(default, deserialize_with = "nullable")]
    pub secret_generator: Vec<GeneratorArgs>,
    /// `helmGlobals`: settings shared by every `helmCharts` entry (chart home,
    /// helm config home).
    #[serde(default, deserialize_with = "nullable")]
    pub helm_globals: Option<serde_json::Value>,
    /// `helmCharts`: charts inflated with `helm template` (with
    /// `--enable-helm`).
    #[serde(default, deserialize_with = "nullable")]
    pub helm_charts: Vec<serde_json::Value>,
    /// `helmChartInflationGenerator`: the deprecated form of `helmCharts`
    /// (converted as kustomize converts it).
    #[serde(default, deserialize_with = "nullable")]
    pub helm_chart_inflation_generator: Vec<serde_json::Value>,
    /// `generatorOptions`: labels, annotations and hash-suffix settings for
    /// every generator of this kustomization.
    #[serde(default, deserialize_with = "nullable")]
    pub generator_options: Option<GeneratorOptions>,
    /// `configurations`: files of extra field specs (where transformers look
    /// in custom kinds).
    #[serde(default, deserialize_with = "nullable")]
    pub configurations: Vec<String>,
    /// `generators`: generator plugin configs (files, directories or inline),
    /// run after the builtin generators.
    #[serde(default, deserialize_with = "nullable")]
    pub generators: Vec<String>,
    /// `transformers`: transformer plugin configs, run after the builtin
    /// transformers, in order.
    #[serde(default, deserialize_with = "nullable")]
    pub transformers: Vec<String>,
    /// `validators`: plugins that may inspect but not change the resources.
    #[serde(default, deserialize_with = "nullable")]
    pub validators: Vec<String>,
    /// `buildMetadata`: what to record on resources: `originAnnotations`,
    /// `transformerAnnotations`, `managedByLabel`.
    #[serde(default, deserialize_with = "nullable")]
    pub build_metadata: Vec<String>,
}

/// `metadata` of a kustomization.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectMeta {
    /// `metadata.name`.
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    /// `metadata.namespace`.
    #[serde(default, deserialize_with = "nullable")]
    pub namespace: String,
    /// `metadata.labels`.
    #[serde(default, deserialize_with = "nullable")]
    pub labels: StringMap,
    /// `metadata.annotations`.
    #[serde(default, deserialize_with = "nullable")]
    pub annotations: StringMap,
}

impl Kustomization {
    /// Parses a kustomization from its already-parsed YAML document, then
    /// applies kustomize's fix-ups (defaults for `kind`/`apiVersion`, `bases`
    /// into `resources`, `imageTags` into `images`, `env` into `envs`).
    pub fn from_value(doc: &Value, file: &Path) -> Result<Kustomization> {
        let mut json: serde_json::Value = doc.into();
        normalize_field_names(&mut json);
        let mut k = Kustomization::decode(json, file)?;
        k.apply_defaults(file)?;
        Ok(k)
    }

    /// Decodes a document whose field names went through
    /// [`normalize_field_names`], with no fix-ups applied.
    /// Unknown fields and wrongly typed values are errors, as in kustomize;
    /// the error is a [`SchemaError`] naming the field.
    pub fn decode(json: serde_json::Value, file: &Path) -> Result<Kustomization> {
        let schema_error = |e| anyhow::Error::new(SchemaError::new(file, e));
        let kustomization = crate::gojson::decode::<Kustomization>(&json).map_err(schema_error)?;
        check_loose_fields(&json).map_err(schema_error)?;
        Ok(kustomization)
    }

    /// True when this is a `kind: Component`.
    pub fn is_component(&self) -> bool {
        self.kind == "Component"
    }

    /// kustomize's fix-ups and field checks, in its order: defaults for
    /// `kind`/`apiVersion`, deprecated fields folded into their successors,
    /// then `kind`/`apiVersion` validated.
    pub fn apply_defaults(&mut self, file: &Path) -> Result<()> {
        if self.kind.is_empty() {
            self.kind = "Kustomization".into();
        }
        let required = if self.is_component() {
            COMPONENT_VERSION
        } else {
            KUSTOMIZATION_VERSION
        };
        if self.api_version.is_empty() {
            self.api_version = required.into();
        }
        let bases = std::mem::take(&mut self.bases);
        self.resources.extend(bases);
        let tags = std::mem::take(&mut self.image_tags);
        self.images.extend(tags);
        for g in self
            .config_map_generator
            .iter_mut()
            .chain(self.secret_generator.iter_mut())
        {
            if !g.env.is_empty() {
                g.envs.push(std::mem::take(&mut g.env));
            }
        }
        self.enforce_fields(file)
    }

    /// kustomize's `EnforceFields`: a known kind, and the apiVersion that
    /// kind requires.
    fn enforce_fields(&self, file: &Path) -> Result<()> {
        let mut problems = Vec::new();
        if self.kind != "Kustomization" && !self.is_component() {
            problems.push("kind should be Kustomization or Component".to_string());
        }
        let required = if self.is_component() {
            COMPONENT_VERSION
        } else {
            KUSTOMIZATION_VERSION
        };
        if !self.api_version.is_empty() && self.api_version != required {
            problems.push(format!("apiVersion for {} should be {required}", self.kind));
        }
        if problems.is_empty() {
            return Ok(());
        }
        let dir = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        bail!(
            "Failed to read kustomization file under {}:\n{}",
            dir.display(),
            problems.join("\n")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Mapping;

    fn parse(pairs: &[(&str, Value)]) -> Result<Kustomization> {
        let m: Mapping = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        Kustomization::from_value(&Value::Map(m), Path::new("kustomization.yaml"))
    }

    #[test]
    fn unknown_fields_are_errors() {
        let err = parse(&[("resourcez", Value::Seq(vec![].into()))]).unwrap_err();
        assert!(format!("{err:#}").contains("unknown field"));
    }

    #[test]
    fn null_fields_are_unset_and_bases_fold_into_resources() {
        let k = parse(&[
            ("resources", Value::Null),
            ("bases", Value::Seq(vec!["../base".into()].into())),
        ])
        .unwrap();
        assert_eq!(k.resources, vec!["../base".to_string()]);
        assert_eq!(k.kind, "Kustomization");
        assert_eq!(k.api_version, KUSTOMIZATION_VERSION);
    }

    #[test]
    fn numbers_are_not_strings() {
        let mut labels = Mapping::new();
        labels.insert("version".into(), Value::Int(1));
        assert!(parse(&[("commonLabels", Value::Map(labels))]).is_err());
    }

    #[test]
    fn field_names_are_matched_ignoring_case() {
        let k = parse(&[("NamePrefix", "p-".into())]).unwrap();
        assert_eq!(k.name_prefix, "p-");
    }

    #[test]
    fn only_mappings_decode() {
        let err = Kustomization::decode(serde_json::json!(["a"]), Path::new("k.yaml"));
        assert!(format!("{:#}", err.unwrap_err()).contains("expected a mapping, found a list"));
        let empty = Kustomization::decode(serde_json::Value::Null, Path::new("k.yaml")).unwrap();
        assert!(empty.resources.is_empty());
    }

    #[test]
    fn bad_kind_keeps_kustomization_api_version() {
        let err = parse(&[("kind", "Foo".into())]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Failed to read kustomization file under .:\nkind should be Kustomization or Component"
        );
    }
}
