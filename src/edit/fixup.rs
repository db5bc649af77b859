//! kustomize's fix-ups of a decoded kustomization: those applied on every
//! read (`FixKustomization`) and those `edit fix` adds before writing
//! (`FixKustomizationPreMarshalling`).

use super::doc::{fold_list_into, is_set, seq_mut, str_at, string_mapping, strings_at};
use crate::kustomization::{COMPONENT_VERSION, KUSTOMIZATION_VERSION};
use crate::yaml::{Mapping, Value};
use anyhow::{bail, Result};
use std::path::Path;

/// The fix-ups of every read: default `kind` and `apiVersion`, `bases`
/// into `resources`, `imageTags` into `images`, generators' `env` into
/// `envs`, and `helmChartInflationGenerator` into `helmCharts` and
/// `helmGlobals`.
pub fn on_read(doc: &mut Mapping) {
    if str_at(doc, "kind").is_empty() {
        doc.insert("kind".into(), "Kustomization".into());
    }
    if str_at(doc, "apiVersion").is_empty() {
        let version = if str_at(doc, "kind") == "Component" {
            COMPONENT_VERSION
        } else {
            KUSTOMIZATION_VERSION
        };
        doc.insert("apiVersion".into(), version.into());
    }
    fold_list_into(doc, "bases", "resources");
    fold_list_into(doc, "imageTags", "images");
    for generators in ["configMapGenerator", "secretGenerator"] {
        if let Some(Value::Seq(items)) = doc.get_mut(generators) {
            items
                .iter_mut()
                .filter_map(Value::as_map_mut)
                .for_each(fold_env);
        }
    }
    fold_helm_args(doc);
}

/// A generator's single `env` becomes the last of its `envs`.
fn fold_env(args: &mut Mapping) {
    let env = str_at(args, "env").to_string();
    if !env.is_empty() {
        seq_mut(args, "envs").push(Value::String(env.into()));
        args.shift_remove("env");
    }
}

/// Converts the deprecated helm generator entries: each becomes a chart,
/// and the last non-empty `helmHome`/`chartHome` become the globals unless
/// `helmGlobals` is already set.
fn fold_helm_args(doc: &mut Mapping) {
    let Some(Value::Seq(old)) = doc.shift_remove("helmChartInflationGenerator") else {
        return;
    };
    let (mut chart_home, mut config_home) = (String::new(), String::new());
    let mut charts = Vec::with_capacity(old.len());
    for args in old.iter().map(|v| v.as_map().cloned().unwrap_or_default()) {
        let chart: Mapping = crate::generate::helm::LEGACY_CHART_FIELDS
            .iter()
            .filter_map(|(from, to)| args.get(from).map(|v| (*to, v.clone())))
            .collect();
        charts.push(Value::Map(chart));
        if !str_at(&args, "helmHome").is_empty() {
            config_home = str_at(&args, "helmHome").to_string();
        }
        if !str_at(&args, "chartHome").is_empty() {
            chart_home = str_at(&args, "chartHome").to_string();
        }
    }
    let has_homes = !chart_home.is_empty() || !config_home.is_empty();
    if !is_set(doc, "helmGlobals") && has_homes {
        let globals = string_mapping([("chartHome", &*chart_home), ("configHome", &*config_home)]);
        doc.insert("helmGlobals".into(), Value::Map(globals));
    }
    if !charts.is_empty() {
        seq_mut(doc, "helmCharts").extend(charts);
    }
}

/// The extra fix-ups of `edit fix`: `patchesJson6902` and
/// `patchesStrategicMerge` into `patches` (an entry naming a readable file
/// under `dir` becomes a `path`, any other an inline `patch`), and
/// `commonLabels` into a `labels` entry that includes selectors.
pub fn before_fix_write(doc: &mut Mapping, dir: &Path) -> Result<()> {
    fold_list_into(doc, "patchesJson6902", "patches");
    if is_set(doc, "patchesStrategicMerge") {
        for entry in strings_at(doc, "patchesStrategicMerge") {
            let key = if std::fs::read(dir.join(&entry)).is_ok() {
                "path"
            } else {
                "patch"
            };
            let patch = string_mapping([(key, entry.as_str())]);
            seq_mut(doc, "patches").push(Value::Map(patch));
        }
        doc.shift_remove("patchesStrategicMerge");
    }
    fold_common_labels(doc)
}

fn fold_common_labels(doc: &mut Mapping) -> Result<()> {
    let common = match doc.get("commonLabels") {
        Some(Value::Map(pairs)) if !pairs.is_empty() => pairs.clone(),
        _ => return Ok(()),
    };
    if let Some(Value::Seq(labels)) = doc.get("labels") {
        for label in labels {
            let pairs = label.get("pairs").and_then(Value::as_map);
            if let Some(name) = pairs.and_then(|p| p.keys().find(|k| common.contains_key(k))) {
                bail!("label name '{name}' exists in both commonLabels and labels");
            }
        }
    }
    let mut label = Mapping::new();
    label.insert("pairs".into(), Value::Map(common));
    label.insert("includeSelectors".into(), Value::Bool(true));
    seq_mut(doc, "labels").push(Value::Map(label));
    doc.shift_remove("commonLabels");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Mapping {
        let docs = crate::yaml::parse_documents(text, Path::new("k.yaml")).unwrap();
        docs.into_iter().next().unwrap().as_map().unwrap().clone()
    }

    #[test]
    fn reads_fill_type_fields_and_fold_deprecated_lists() {
        let mut doc = map("kind: Component\nbases: [b]\nresources: [a]\nimageTags: [{name: x}]\n");
        on_read(&mut doc);
        assert_eq!(str_at(&doc, "apiVersion"), COMPONENT_VERSION);
        assert_eq!(strings_at(&doc, "resources"), ["a", "b"]);
        assert!(!doc.contains_key("bases") && !doc.contains_key("imageTags"));
        assert_eq!(doc["images"], map("l: [{name: x}]\n")["l"]);
    }

    #[test]
    fn helm_generator_entries_become_charts_and_globals() {
        let mut doc = map("helmChartInflationGenerator:\n- chartName: c\n  chartHome: h\n");
        on_read(&mut doc);
        assert_eq!(doc["helmCharts"], map("l: [{name: c}]\n")["l"]);
        assert_eq!(
            doc["helmGlobals"],
            map("g: {chartHome: h, configHome: ''}\n")["g"]
        );
    }

    #[test]
    fn common_labels_conflicting_with_labels_are_an_error() {
        let mut doc = map("commonLabels: {a: b}\nlabels: [{pairs: {a: c}}]\n");
        let err = before_fix_write(&mut doc, Path::new(".")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "label name 'a' exists in both commonLabels and labels"
        );
    }
}
