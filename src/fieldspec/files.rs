//! The field specs a kustomization contributes: its `configurations:` files
//! (merged over the defaults) and the specs derived from its `crds:` files.
//!
//! kustomize merges, into the configuration accumulated from a
//! kustomization's resources, first the defaults extended by its
//! `configurations:` files, then what its `crds:` files declare. Each step
//! is a [`TransformerConfig::merge`], so duplicates collapse and specs that
//! differ only in `create` are an error.

use super::crds::config_from_crd_text;
use super::TransformerConfig;
use anyhow::{anyhow, Context, Result};
use std::path::Path;

/// Reads one configuration file's text: the first YAML (or JSON) document,
/// strictly (unknown fields are errors, as in kustomize). `path` names the
/// file in errors.
pub fn config_from_text(text: &str, path: &str) -> Result<TransformerConfig> {
    let docs = crate::yaml::parse_documents(text, Path::new(path)).map_err(|e| anyhow!(e))?;
    match docs.into_iter().next() {
        None | Some(crate::yaml::Value::Null) => Ok(TransformerConfig::default()),
        Some(doc) => TransformerConfig::from_value(&doc)
            .with_context(|| format!("invalid configurations file '{path}'")),
    }
}

/// kustomize's `MakeTransformerConfig`: the defaults, merged with the
/// union of the `configurations:` files (read with `read`, in order).
pub fn configurations_config(
    paths: &[String],
    read: &dyn Fn(&str) -> Result<String>,
) -> Result<TransformerConfig> {
    let defaults = TransformerConfig::defaults();
    if paths.is_empty() {
        return Ok(defaults);
    }
    let mut files = TransformerConfig::default();
    for path in paths {
        let text = read(path)?;
        files.merge(&config_from_text(&text, path)?)?;
    }
    let mut merged = defaults;
    merged.merge(&files)?;
    Ok(merged)
}

/// The specs declared by the `crds:` files (read with `read`, in order),
/// merged into one configuration.
pub fn crds_config(
    paths: &[String],
    read: &dyn Fn(&str) -> Result<String>,
) -> Result<TransformerConfig> {
    let mut merged = TransformerConfig::default();
    for path in paths {
        let text = read(path)?;
        let config = config_from_crd_text(&text)
            .with_context(|| format!("unable to parse open API definition from '{path}'"))?;
        merged.merge(&config)?;
    }
    Ok(merged)
}

/// Merges one kustomization's own field specs into `accumulated` (the
/// configuration gathered from its resources so far), in kustomize's order:
/// defaults plus `configurations:`, then `crds:`.
pub fn merge_kustomization_config(
    accumulated: &mut TransformerConfig,
    configurations: &[String],
    crds: &[String],
    read: &dyn Fn(&str) -> Result<String>,
) -> Result<()> {
    let own = configurations_config(configurations, read)?;
    accumulated.merge(&own).context("merging configurations")?;
    if crds.is_empty() {
        return Ok(());
    }
    let from_crds = crds_config(crds, read).with_context(|| format!("loading CRDs {crds:?}"))?;
    accumulated
        .merge(&from_crds)
        .with_context(|| format!("merging CRDs {crds:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn reader(files: &[(&str, &str)]) -> impl Fn(&str) -> Result<String> {
        let map: HashMap<String, String> = files
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |p: &str| {
            map.get(p)
                .cloned()
                .ok_or_else(|| anyhow!("'{p}' not found"))
        }
    }

    #[test]
    fn configurations_extend_defaults() {
        let read = reader(&[(
            "c.yaml",
            "nameReference:\n- kind: Bee\n  fieldSpecs:\n  - kind: Hive\n    path: spec/bee\n",
        )]);
        let config = configurations_config(&["c.yaml".into()], &read).unwrap();
        let defaults = TransformerConfig::defaults();
        assert_eq!(
            config.name_reference.len(),
            defaults.name_reference.len() + 1
        );
        assert_eq!(
            configurations_config(&[], &read).unwrap(),
            TransformerConfig::defaults()
        );
    }

    #[test]
    fn errors_name_the_problem() {
        let read = reader(&[
            ("bad.yaml", "nameRef: []\n"),
            (
                "conflict.yaml",
                "namePrefix:\n- path: metadata/name\n  create: true\n",
            ),
        ]);
        let err = configurations_config(&["missing.yaml".into()], &read).unwrap_err();
        assert!(err.to_string().contains("missing.yaml"));
        let err = configurations_config(&["bad.yaml".into()], &read).unwrap_err();
        assert!(format!("{err:#}").contains("bad.yaml"));
        let err = configurations_config(&["conflict.yaml".into()], &read).unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to merge NamePrefix fieldSpec: conflicting fieldspecs"
        );
    }

    #[test]
    fn empty_file_is_an_empty_configuration() {
        assert_eq!(
            config_from_text("", "e.yaml").unwrap(),
            TransformerConfig::default()
        );
    }

    #[test]
    fn own_config_then_crds() {
        let read = reader(&[(
            "crd.json",
            r#"{"x.v1.Hive": {"Schema": {"properties": {
                "kind": {}, "apiVersion": {}, "metadata": {},
                "beeRef": {"x-kubernetes-object-ref-api-version": "v1",
                           "x-kubernetes-object-ref-kind": "Bee"}}}}}"#,
        )]);
        let mut acc = TransformerConfig::default();
        merge_kustomization_config(&mut acc, &[], &["crd.json".into()], &read).unwrap();
        let bee = acc
            .name_reference
            .iter()
            .find(|b| b.gvk.kind == "Bee")
            .unwrap();
        assert_eq!(bee.referrers[0].path, "beeRef/name");
        assert_eq!(bee.referrers[0].kind, "Hive");
        let err =
            merge_kustomization_config(&mut acc, &[], &["no.json".into()], &read).unwrap_err();
        assert!(format!("{err:#}").starts_with("loading CRDs [\"no.json\"]"));
    }
}
