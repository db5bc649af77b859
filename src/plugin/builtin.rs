//! kustomize's builtin plugins, configured from their plugin config
//! documents. Each runs on the very implementation its kustomization field
//! uses; this module only decodes the config and wraps the result.

use super::{Plugin, PluginContext};
use crate::generate::helm::HelmGenerator;
use crate::generate::iam_policy::IamPolicyGenerator;
use crate::generate::{DataGenerator, Generate, GeneratorConfig};
use crate::resource::Resource;
use crate::transform::{self, Transform};
use anyhow::Result;
use serde::de::DeserializeOwned;

/// The builtin plugin kinds kustomize accepts under `apiVersion: builtin`.
/// (SortOrderTransformer is deliberately not one: kustomize only applies
/// `sortOptions` at the top of a build.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// ConfigMapGenerator.
    ConfigMapGenerator,
    /// SecretGenerator.
    SecretGenerator,
    /// IAMPolicyGenerator.
    IamPolicyGenerator,
    /// HelmChartInflationGenerator.
    HelmChartInflationGenerator,
    /// AnnotationsTransformer.
    AnnotationsTransformer,
    /// HashTransformer.
    HashTransformer,
    /// ImageTagTransformer.
    ImageTagTransformer,
    /// LabelTransformer.
    LabelTransformer,
    /// NamespaceTransformer.
    NamespaceTransformer,
    /// PatchJson6902Transformer.
    PatchJson6902Transformer,
    /// PatchStrategicMergeTransformer.
    PatchStrategicMergeTransformer,
    /// PatchTransformer.
    PatchTransformer,
    /// PrefixSuffixTransformer (a prefix and a suffix transformer in one).
    PrefixSuffixTransformer,
    /// PrefixTransformer.
    PrefixTransformer,
    /// SuffixTransformer.
    SuffixTransformer,
    /// ReplacementTransformer.
    ReplacementTransformer,
    /// ReplicaCountTransformer.
    ReplicaCountTransformer,
    /// ValueAddTransformer.
    ValueAddTransformer,
}

/// The kinds of kustomize's builtin plugins, in kustomize's own order.
pub const BUILTIN_KINDS: [&str; 18] = [
    "AnnotationsTransformer",
    "ConfigMapGenerator",
    "IAMPolicyGenerator",
    "HashTransformer",
    "ImageTagTransformer",
    "LabelTransformer",
    "NamespaceTransformer",
    "PatchJson6902Transformer",
    "PatchStrategicMergeTransformer",
    "PatchTransformer",
    "PrefixSuffixTransformer",
    "PrefixTransformer",
    "SuffixTransformer",
    "ReplicaCountTransformer",
    "SecretGenerator",
    "ValueAddTransformer",
    "HelmChartInflationGenerator",
    "ReplacementTransformer",
];

impl Builtin {
    /// The builtin named by a config's `kind`.
    pub fn from_kind(kind: &str) -> Option<Builtin> {
        use Builtin::*;
        Some(match kind {
            "ConfigMapGenerator" => ConfigMapGenerator,
            "SecretGenerator" => SecretGenerator,
            "IAMPolicyGenerator" => IamPolicyGenerator,
            "HelmChartInflationGenerator" => HelmChartInflationGenerator,
            "AnnotationsTransformer" => AnnotationsTransformer,
            "HashTransformer" => HashTransformer,
            "ImageTagTransformer" => ImageTagTransformer,
            "LabelTransformer" => LabelTransformer,
            "NamespaceTransformer" => NamespaceTransformer,
            "PatchJson6902Transformer" => PatchJson6902Transformer,
            "PatchStrategicMergeTransformer" => PatchStrategicMergeTransformer,
            "PatchTransformer" => PatchTransformer,
            "PrefixSuffixTransformer" => PrefixSuffixTransformer,
            "PrefixTransformer" => PrefixTransformer,
            "SuffixTransformer" => SuffixTransformer,
            "ReplacementTransformer" => ReplacementTransformer,
            "ReplicaCountTransformer" => ReplicaCountTransformer,
            "ValueAddTransformer" => ValueAddTransformer,
            _ => return None,
        })
    }

    /// True for the generators; every other builtin is a transformer.
    pub fn is_generator(self) -> bool {
        matches!(
            self,
            Builtin::ConfigMapGenerator
                | Builtin::SecretGenerator
                | Builtin::IamPolicyGenerator
                | Builtin::HelmChartInflationGenerator
        )
    }
}

/// Configures a builtin from its config document. kustomize configures the
/// plugin before it checks the plugin's role, so configuration errors win
/// over "not a generator"; the caller reports a role mismatch by the
/// variant returned.
pub fn configure(kind: Builtin, config: &Resource, ctx: PluginContext<'_>) -> Result<Plugin> {
    let json: serde_json::Value = (&*config.value()).into();
    if kind.is_generator() {
        return Ok(Plugin::Generator(configure_generator(
            kind, config, json, ctx,
        )?));
    }
    Ok(Plugin::Transformer(configure_transformer(kind, json, ctx)?))
}

fn configure_generator(
    kind: Builtin,
    config: &Resource,
    json: serde_json::Value,
    ctx: PluginContext<'_>,
) -> Result<Box<dyn Generate>> {
    Ok(match kind {
        Builtin::ConfigMapGenerator | Builtin::SecretGenerator => {
            let spec = GeneratorConfig::from_plugin(&config.value())?;
            Box::new(DataGenerator::new(spec, ctx.data_files()?, ctx.file))
        }
        Builtin::IamPolicyGenerator => Box::new(IamPolicyGenerator::from_config(json)?),
        Builtin::HelmChartInflationGenerator => Box::new(HelmGenerator::from_plugin(
            json,
            &ctx.options.helm,
            ctx.dir,
            ctx.data_files()?,
        )?),
        _ => unreachable!("only called for generators"),
    })
}

fn configure_transformer(
    kind: Builtin,
    json: serde_json::Value,
    ctx: PluginContext<'_>,
) -> Result<Box<dyn Transform>> {
    use transform::*;
    let files = ctx.patch_files();
    Ok(match kind {
        Builtin::AnnotationsTransformer => boxed::<annotations::AnnotationsTransformer>(json)?,
        Builtin::HashTransformer => Box::new(hash_suffix::HashSuffix),
        Builtin::ImageTagTransformer => boxed::<images::ImageTagTransformer>(json)?,
        Builtin::LabelTransformer => boxed::<labels::LabelTransformer>(json)?,
        Builtin::NamespaceTransformer => boxed::<namespace::NamespaceTransformer>(json)?,
        Builtin::PatchJson6902Transformer => {
            Box::new(decode::<patch_legacy::PatchJson6902Transformer>(json)?.load(&files)?)
        }
        Builtin::PatchStrategicMergeTransformer => {
            Box::new(decode::<patch_legacy::PatchStrategicMergeTransformer>(json)?.load(&files)?)
        }
        Builtin::PatchTransformer => {
            Box::new(decode::<patch::PatchTransformer>(json)?.load(&files)?)
        }
        Builtin::PrefixSuffixTransformer => boxed::<prefix_suffix::PrefixSuffixTransformer>(json)?,
        Builtin::PrefixTransformer => boxed::<prefix_suffix::PrefixTransformer>(json)?,
        Builtin::SuffixTransformer => boxed::<prefix_suffix::SuffixTransformer>(json)?,
        Builtin::ReplacementTransformer => {
            Box::new(replacement::from_plugin_config(&json, &files)?)
        }
        Builtin::ReplicaCountTransformer => boxed::<replicas::ReplicaCountTransformer>(json)?,
        Builtin::ValueAddTransformer => {
            Box::new(decode::<value_add::ValueAddConfig>(json)?.load(&files, ctx.dir)?)
        }
        _ => unreachable!("only called for transformers"),
    })
}

/// Decodes a config document into a transformer's config type as
/// kustomize's plugin configs are read: unknown fields ignored, field names
/// matched ignoring case when no field has the exact name.
fn decode<T: DeserializeOwned>(json: serde_json::Value) -> Result<T> {
    Ok(crate::gojson::fold::decode(json)?)
}

fn boxed<T: DeserializeOwned + Transform + 'static>(
    json: serde_json::Value,
) -> Result<Box<dyn Transform>> {
    Ok(Box::new(decode::<T>(json)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_kind_is_a_builtin() {
        assert!(BUILTIN_KINDS
            .iter()
            .all(|k| Builtin::from_kind(k).is_some()));
    }

    #[test]
    fn kinds_and_roles() {
        assert_eq!(
            Builtin::from_kind("ConfigMapGenerator"),
            Some(Builtin::ConfigMapGenerator)
        );
        assert!(Builtin::from_kind("SortOrderTransformer").is_none());
        assert!(Builtin::from_kind("configmapgenerator").is_none());
        assert!(Builtin::IamPolicyGenerator.is_generator());
        assert!(!Builtin::PrefixSuffixTransformer.is_generator());
    }
}
