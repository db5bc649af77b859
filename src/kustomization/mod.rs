//! The `kustomization.yaml` schema (kustomize v5.5's `Kustomization` type).
//!
//! kustomize converts the YAML to JSON and decodes it with unknown fields
//! disallowed, so every struct here denies unknown fields, and every field
//! accepts `null` as "not set" (Go's JSON decoder leaves the zero value).

use crate::fieldspec::FieldSpec;
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
pub use read::{kustomization_from_document, KustomizationRole, LoadedKustomization};
pub use schema::{deprecation_warnings, is_effectively_empty, normalize_field_names};
pub use schema_error::{locate_schema_error, SchemaError};
use shapes::check_loose_fields;

/// A string-to-string map that keeps the file's order.
pub type StringMap = IndexMap<String, String>;

/// A parsed kustomization (or component).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Kustomization {
    #[serde(default, deserialize_with = "nullable")]
    pub api_version: String,
    #[serde(default, deserialize_with = "nullable")]
    pub kind: String,
    #[serde(default, deserialize_with = "nullable")]
    pub metadata: Option<ObjectMeta>,
    #[serde(default, deserialize_with = "nullable")]
    pub openapi: StringMap,
    #[serde(default, deserialize_with = "nullable")]
    pub name_prefix: String,
    #[serde(default, deserialize_with = "nullable")]
    pub name_suffix: String,
    #[serde(default, deserialize_with = "nullable")]
    pub namespace: String,
    #[serde(default, deserialize_with = "nullable")]
    pub common_labels: StringMap,
    #[serde(default, deserialize_with = "nullable")]
    pub labels: Vec<Label>,
    #[serde(default, deserialize_with = "nullable")]
    pub common_annotations: StringMap,
    #[serde(default, deserialize_with = "nullable")]
    pub patches_strategic_merge: Vec<String>,
    #[serde(default, deserialize_with = "nullable", rename = "patchesJson6902")]
    pub patches_json6902: Vec<Patch>,
    #[serde(default, deserialize_with = "nullable")]
    pub patches: Vec<Patch>,
    #[serde(default, deserialize_with = "nullable")]
    pub images: Vec<Image>,
    #[serde(default, deserialize_with = "nullable")]
    pub image_tags: Vec<Image>,
    #[serde(default, deserialize_with = "nullable")]
    pub replacements: Vec<serde_json::Value>,
    #[serde(default, deserialize_with = "nullable")]
    pub replicas: Vec<Replica>,
    #[serde(default, deserialize_with = "nullable")]
    pub vars: Vec<crate::transform::vars::Var>,
    #[serde(default, deserialize_with = "nullable")]
    pub sort_options: Option<SortOptions>,
    #[serde(default, deserialize_with = "nullable")]
    pub resources: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub components: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub crds: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub bases: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub config_map_generator: Vec<GeneratorArgs>,
    #[serde(default, deserialize_with = "nullable")]
    pub secret_generator: Vec<GeneratorArgs>,
    #[serde(default, deserialize_with = "nullable")]
    pub helm_globals: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "nullable")]
    pub helm_charts: Vec<serde_json::Value>,
    #[serde(default, deserialize_with = "nullable")]
    pub helm_chart_inflation_generator: Vec<serde_json::Value>,
    #[serde(default, deserialize_with = "nullable")]
    pub generator_options: Option<GeneratorOptions>,
    #[serde(default, deserialize_with = "nullable")]
    pub configurations: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub generators: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub transformers: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub validators: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub build_metadata: Vec<String>,
}

/// `metadata` of a kustomization.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectMeta {
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub namespace: String,
    #[serde(default, deserialize_with = "nullable")]
    pub labels: StringMap,
    #[serde(default, deserialize_with = "nullable")]
    pub annotations: StringMap,
}

/// One entry of `labels`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Label {
    #[serde(default, deserialize_with = "nullable")]
    pub pairs: StringMap,
    #[serde(default, deserialize_with = "nullable")]
    pub include_selectors: bool,
    #[serde(default, deserialize_with = "nullable")]
    pub include_templates: bool,
    #[serde(default, deserialize_with = "nullable", rename = "fields")]
    pub field_specs: Vec<FieldSpec>,
}

/// One entry of `patches` or `patchesJson6902`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    #[serde(default, deserialize_with = "nullable")]
    pub path: String,
    #[serde(default, deserialize_with = "nullable")]
    pub patch: String,
    #[serde(default, deserialize_with = "nullable")]
    pub target: Option<Selector>,
    #[serde(default, deserialize_with = "nullable")]
    pub options: IndexMap<String, bool>,
}

/// One entry of `images`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Image {
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub new_name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub tag_suffix: String,
    #[serde(default, deserialize_with = "nullable")]
    pub new_tag: String,
    #[serde(default, deserialize_with = "nullable")]
    pub digest: String,
}

/// One entry of `replicas`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replica {
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub count: i64,
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
