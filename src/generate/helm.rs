//! `helmCharts` (with `helmGlobals`) and the HelmChartInflationGenerator:
//! inflate a chart with `helm template` and read its output as resources.
//!
//! As in kustomize: the chart lives in `<chartHome>/<name>` (`chartHome`
//! defaults to `charts` under the kustomization; with both `repo` and
//! `version` it is `<chartHome>/<name>-<version>`) and is pulled with
//! `helm pull` when missing; the values file (the chart's `values.yaml`
//! unless `valuesFile` says otherwise), merged with `valuesInline` per
//! `valuesMerge`, is written to a temporary file handed to helm with `-f`;
//! helm runs with `HELM_CONFIG_HOME` (and cache and data homes below it) in
//! a temporary directory unless `configHome` is set.

use super::{Behavior, DiskLoader, FileLoader, Generate, GeneratedResource};
use crate::load::resources_from_documents;
use crate::yaml::Value;
use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One chart to inflate: kustomize's `HelmGlobals` and `HelmChart` fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmChart {
    /// Where charts live (`helmGlobals.chartHome`).
    #[serde(default)]
    pub chart_home: String,
    /// helm's configuration home (`helmGlobals.configHome`).
    #[serde(default)]
    pub config_home: String,
    /// The chart's name.
    #[serde(default)]
    pub name: String,
    /// The chart's version, for `helm pull`.
    #[serde(default)]
    pub version: String,
    /// The repository to pull from (`oci://` or an index URL).
    #[serde(default)]
    pub repo: String,
    /// The release name; helm generates one when empty.
    #[serde(default)]
    pub release_name: String,
    /// `--namespace`.
    #[serde(default)]
    pub namespace: String,
    /// More values files, relative to the kustomization.
    #[serde(default)]
    pub additional_values_files: Vec<String>,
    /// The values file (default: the chart's `values.yaml`).
    #[serde(default)]
    pub values_file: String,
    /// Values given inline.
    #[serde(default)]
    pub values_inline: Option<serde_json::Map<String, serde_json::Value>>,
    /// `override` (default), `merge` or `replace`.
    #[serde(default)]
    pub values_merge: String,
    /// `--include-crds`.
    #[serde(default, rename = "includeCRDs")]
    pub include_crds: bool,
    /// `--no-hooks`.
    #[serde(default)]
    pub skip_hooks: bool,
    /// `--api-versions`, one per entry.
    #[serde(default)]
    pub api_versions: Vec<String>,
    /// `--kube-version`.
    #[serde(default)]
    pub kube_version: String,
    /// `--name-template`.
    #[serde(default)]
    pub name_template: String,
    /// `--skip-tests`.
    #[serde(default)]
    pub skip_tests: bool,
    /// `--debug`.
    #[serde(default)]
    pub debug: bool,
}

const MERGE_OPTIONS: [&str; 3] = ["merge", "override", "replace"];

impl HelmChart {
    /// The `helm template` arguments for a chart under `abs_chart_home`,
    /// with the values file already written.
    pub fn template_args(&self, abs_chart_home: &Path) -> Vec<String> {
        let mut args = vec!["template".to_string()];
        if self.release_name.is_empty() {
            args.push("--generate-name".into());
        } else {
            args.push(self.release_name.clone());
        }
        if !self.name.is_empty() {
            args.push(abs_chart_home.join(&self.name).display().to_string());
        }
        let mut pair = |flag: &str, value: &str| {
            args.push(flag.to_string());
            args.push(value.to_string());
        };
        if !self.namespace.is_empty() {
            pair("--namespace", &self.namespace);
        }
        if !self.name_template.is_empty() {
            pair("--name-template", &self.name_template);
        }
        if !self.values_file.is_empty() {
            pair("-f", &self.values_file);
        }
        for file in &self.additional_values_files {
            pair("-f", file);
        }
        for version in &self.api_versions {
            pair("--api-versions", version);
        }
        if !self.kube_version.is_empty() {
            pair("--kube-version", &self.kube_version);
        }
        for (on, flag) in [
            (self.include_crds, "--include-crds"),
            (self.skip_tests, "--skip-tests"),
            (self.skip_hooks, "--no-hooks"),
            (self.debug, "--debug"),
        ] {
            if on {
                args.push(flag.to_string());
            }
        }
        args
    }

    /// The `helm pull` arguments.
    fn pull_args(&self, abs_chart_home: &Path) -> Vec<String> {
        let mut args: Vec<String> = vec![
            "pull".into(),
            "--untar".into(),
            "--untardir".into(),
            abs_chart_home.display().to_string(),
        ];
        if self.repo.starts_with("oci://") {
            args.push(format!("{}/{}", self.repo.trim_end_matches('/'), self.name));
        } else {
            if !self.repo.is_empty() {
                args.push("--repo".into());
                args.push(self.repo.clone());
            }
            args.push(self.name.clone());
        }
        if !self.version.is_empty() {
            args.push("--version".into());
            args.push(self.version.clone());
        }
        args
    }
}

/// The helm flags of a build, named after kustomize's.
#[derive(Debug, Clone, Default)]
pub struct HelmOptions {
    /// `--enable-helm`: allow `helmCharts` and the HelmChartInflationGenerator.
    pub enabled: bool,
    /// `--helm-command`: the helm executable (default `helm`).
    pub command: Option<String>,
    /// `--helm-kube-version`: Capabilities.KubeVersion for helm.
    pub kube_version: Option<String>,
    /// `--helm-api-versions`: Capabilities.APIVersions for helm.
    pub api_versions: Vec<String>,
    /// `--helm-debug`.
    pub debug: bool,
}

/// A configured chart inflation.
#[derive(Debug)]
pub struct HelmGenerator {
    chart: HelmChart,
    command: String,
    root: PathBuf,
    files: DiskLoader,
}

/// The chart fields of a kustomization, as written.
#[derive(Debug, Clone, Copy)]
pub struct ChartFields<'a> {
    /// `helmCharts`.
    pub charts: &'a [serde_json::Value],
    /// `helmGlobals`.
    pub globals: Option<&'a serde_json::Value>,
    /// The deprecated `helmChartInflationGenerator`.
    pub legacy: &'a [serde_json::Value],
}

/// The generators of `helmCharts` (and of the deprecated
/// `helmChartInflationGenerator`, converted as kustomize converts it).
pub fn generators(
    fields: &ChartFields,
    options: &HelmOptions,
    root: &Path,
    files: &DiskLoader,
) -> Result<Vec<HelmGenerator>> {
    let (legacy_charts, legacy_globals) = split_legacy(fields.legacy);
    let globals = match fields.globals {
        Some(serde_json::Value::Object(g)) => g.clone(),
        _ => legacy_globals,
    };
    fields
        .charts
        .iter()
        .cloned()
        .chain(legacy_charts)
        .map(|chart| {
            let mut config = globals.clone();
            if let serde_json::Value::Object(fields) = chart {
                config.extend(fields);
            }
            let config = serde_json::Value::Object(config);
            HelmGenerator::from_plugin(config.clone(), options, root, files.clone()).with_context(|| {
                format!("trouble configuring builtin HelmChartInflationGenerator with config: `\n{config}`")
            })
        })
        .collect()
}

/// The fields of a deprecated `helmChartInflationGenerator` entry that
/// carry over to a `helmCharts` entry, with their new names.
pub const LEGACY_CHART_FIELDS: [(&str, &str); 7] = [
    ("chartName", "name"),
    ("chartVersion", "version"),
    ("chartRepoUrl", "repo"),
    ("values", "valuesFile"),
    ("valuesLocal", "valuesInline"),
    ("valuesMerge", "valuesMerge"),
    ("releaseName", "releaseName"),
];

/// kustomize's conversion of `helmChartInflationGenerator` entries into
/// charts and globals.
fn split_legacy(
    entries: &[serde_json::Value],
) -> (
    Vec<serde_json::Value>,
    serde_json::Map<String, serde_json::Value>,
) {
    let mut globals = serde_json::Map::new();
    let charts = entries
        .iter()
        .map(|old| {
            let field = |k: &str| old.get(k).cloned().unwrap_or(serde_json::Value::Null);
            for (from, to) in [("helmHome", "configHome"), ("chartHome", "chartHome")] {
                if old
                    .get(from)
                    .and_then(|v| v.as_str())
                    .is_some_and(|s| !s.is_empty())
                {
                    globals.insert(to.into(), field(from));
                }
            }
            let mut chart = serde_json::Map::new();
            for (from, to) in LEGACY_CHART_FIELDS {
                if let Some(v) = old.get(from) {
                    chart.insert(to.into(), v.clone());
                }
            }
            serde_json::Value::Object(chart)
        })
        .collect();
    (charts, globals)
}

impl HelmGenerator {
    /// Configures a chart from its config (a HelmChartInflationGenerator
    /// document, or a `helmCharts` entry merged with `helmGlobals`) listed
    /// by the kustomization in `root`, whose files `files` reads. The helm
    /// flags fill in what the config leaves unset.
    pub fn from_plugin(
        config: serde_json::Value,
        options: &HelmOptions,
        root: &Path,
        files: DiskLoader,
    ) -> Result<HelmGenerator> {
        if !options.enabled {
            bail!("must specify --enable-helm");
        }
        let command = options.command.clone().unwrap_or_else(|| "helm".into());
        if command.is_empty() {
            bail!("must specify --helm-command");
        }
        let mut chart: HelmChart = serde_json::from_value(config.clone())?;
        let has = |key: &str| config.get(key).is_some_and(|v| !v.is_null());
        if !has("kubeVersion") {
            chart.kube_version = options.kube_version.clone().unwrap_or_default();
        }
        if !has("apiVersions") && !options.api_versions.is_empty() {
            chart.api_versions = options.api_versions.clone();
        }
        chart.debug |= options.debug;
        let mut generator = HelmGenerator {
            chart,
            command,
            root: root.to_path_buf(),
            files,
        };
        generator.validate()?;
        Ok(generator)
    }

    fn validate(&mut self) -> Result<()> {
        let chart = &mut self.chart;
        if chart.name.is_empty() {
            bail!("chart name cannot be empty");
        }
        if chart.chart_home.is_empty() {
            chart.chart_home = "charts".into();
        }
        if chart.values_file.is_empty() {
            let home = self.abs_chart_home();
            self.chart.values_file = home
                .join(&self.chart.name)
                .join("values.yaml")
                .display()
                .to_string();
        }
        for file in &mut self.chart.additional_values_files {
            self.files
                .load(file)
                .context("could not load additionalValuesFile")?;
            *file = self.root.join(&*file).display().to_string();
        }
        if self.chart.values_merge.is_empty() {
            self.chart.values_merge = "override".into();
        } else if !MERGE_OPTIONS.contains(&self.chart.values_merge.as_str()) {
            bail!("valuesMerge must be one of {MERGE_OPTIONS:?}");
        }
        Ok(())
    }

    fn abs_chart_home(&self) -> PathBuf {
        let home = self.root.join(&self.chart.chart_home);
        if !self.chart.version.is_empty() && !self.chart.repo.is_empty() {
            return home.join(format!("{}-{}", self.chart.name, self.chart.version));
        }
        home
    }

    /// Runs helm with `args` and kustomize's helm environment.
    fn run_helm(&self, args: &[String], config_home: &Path) -> Result<String> {
        let env = [
            ("HELM_CONFIG_HOME", config_home.display().to_string()),
            (
                "HELM_CACHE_HOME",
                format!("{}/.cache", config_home.display()),
            ),
            ("HELM_DATA_HOME", format!("{}/.data", config_home.display())),
        ];
        let shown = || {
            let env: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!(
                "'{} {}' with env=[{}]",
                self.command,
                args.join(" "),
                env.join(" ")
            )
        };
        let output = Command::new(&self.command)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .map_err(|e| {
                anyhow!(
                    "unable to run: {} (is '{}' installed?): {e}",
                    shown(),
                    self.command
                )
            })?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            bail!(
                "{}: unable to run: {} (is '{}' installed?): {}",
                stderr.trim_end(),
                shown(),
                self.command,
                output.status
            );
        }
        Ok(stdout)
    }

    fn check_helm_version(&self, config_home: &Path) -> Result<()> {
        let out = self.run_helm(
            &["version".into(), "-c".into(), "--short".into()],
            config_home,
        )?;
        let pattern = regex::Regex::new(r"v?\d+(\.\d+)+").expect("valid pattern");
        let Some(found) = pattern.find(&out) else {
            bail!("cannot find version string in {out}");
        };
        let version = found.as_str().trim_start_matches('v');
        if version.split('.').next() != Some("3") {
            bail!("this plugin requires helm V3 but got v{version}");
        }
        Ok(())
    }

    /// The values file handed to helm: the chart's (or `valuesFile`),
    /// combined with `valuesInline` per `valuesMerge`, written to `dir`.
    fn write_values(&self, dir: &Path) -> Result<PathBuf> {
        let inline = self.chart.values_inline.as_ref().filter(|m| !m.is_empty());
        let text = match inline {
            None => {
                String::from_utf8_lossy(&self.files.load(&self.chart.values_file)?).into_owned()
            }
            Some(inline) => {
                let inline = serde_json::Value::Object(inline.clone());
                let merged = match self.chart.values_merge.as_str() {
                    "replace" => inline,
                    mode => {
                        let file = self.files.load(&self.chart.values_file)?;
                        let chart_values = parse_values(&file, &self.chart.values_file)?;
                        if mode == "merge" {
                            merge_values(inline, chart_values)
                        } else {
                            merge_values(chart_values, inline)
                        }
                    }
                };
                let mut out = String::new();
                crate::yaml::print_document(&Value::from(&merged), &mut out)
                    .map_err(|e| anyhow!("cannot write helm values: {}", e.message))?;
                out
            }
        };
        let path = dir.join(format!("{}-kustomize-values.yaml", self.chart.name));
        std::fs::write(&path, text).context("failed to write values file")?;
        Ok(path)
    }
}

fn parse_values(bytes: &[u8], origin: &str) -> Result<serde_json::Value> {
    let text = String::from_utf8_lossy(bytes);
    let docs = crate::yaml::parse_documents(&text, Path::new(origin))
        .map_err(|e| anyhow!("could not parse values file into rnode: {e}"))?;
    let doc = docs.into_iter().next().unwrap_or(Value::Null);
    Ok(match (&doc).into() {
        serde_json::Value::Null => serde_json::Value::Object(Default::default()),
        json => json,
    })
}

/// Merges `over` into `base`: mappings key by key, `over` winning; a null
/// in `over` removes the key; anything else is replaced whole.
pub fn merge_values(base: serde_json::Value, over: serde_json::Value) -> serde_json::Value {
    match (base, over) {
        (serde_json::Value::Object(mut base), serde_json::Value::Object(over)) => {
            for (key, value) in over {
                if value.is_null() {
                    base.remove(&key);
                    continue;
                }
                let merged = match base.remove(&key) {
                    Some(old) => merge_values(old, value),
                    None => value,
                };
                base.insert(key, merged);
            }
            serde_json::Value::Object(base)
        }
        (_, over) => over,
    }
}

impl Generate for HelmGenerator {
    fn generate(&self) -> Result<Vec<GeneratedResource>> {
        let tmp = tempfile::Builder::new()
            .prefix("kustomize-helm-")
            .tempdir()
            .context("unable to create tmp dir for HELM_CONFIG_HOME")?;
        let config_home = if self.chart.config_home.is_empty() {
            tmp.path().join("helm")
        } else {
            PathBuf::from(&self.chart.config_home)
        };
        self.check_helm_version(&config_home)?;
        let home = self.abs_chart_home();
        if !home.join(&self.chart.name).is_dir() {
            if self.chart.repo.is_empty() {
                bail!("no repo specified for pull, no chart found at ''");
            }
            self.run_helm(&self.chart.pull_args(&home), &config_home)?;
        }
        let mut chart = self.chart.clone();
        chart.values_file = self.write_values(tmp.path())?.display().to_string();
        let stdout = self.run_helm(&chart.template_args(&home), &config_home)?;
        let origin = Path::new("helm template output");
        let docs = crate::yaml::parse_documents(&stdout, origin).map_err(|e| anyhow!(e))?;
        Ok(resources_from_documents(docs, origin)?
            .into_iter()
            .map(|resource| GeneratedResource {
                resource,
                behavior: Behavior::Unspecified,
                needs_hash: false,
            })
            .collect())
    }
}

#[cfg(test)]
#[path = "helm_tests.rs"]
mod tests;
