//! External plugins declared as KRM functions: a config annotated with
//! `config.kubernetes.io/function` (or the older `config.k8s.io/function`,
//! `metadata.configFn`, or `config.kubernetes.io/container`).
//!
//! Only exec functions run, and only with `--enable-exec`: the executable
//! gets a [`super::resource_list`] on stdin, in the directory of the
//! kustomization listing it, and answers on stdout. Without
//! `--enable-exec` kustomize runs no function at all, so the plugin passes
//! its input through unchanged. Container functions need a container
//! runtime, which krust does not drive: they are an error.

use super::{resource_list, Generate, PluginContext, LOCAL_CONFIG_ANNOTATION};
use crate::generate::plugin_output::{from_plugin_output, take_annotation};
#[cfg(test)]
use crate::generate::plugin_output::{parse_go_bool, BEHAVIOR_ANNOTATION, NEEDS_HASH_ANNOTATION};
use crate::generate::GeneratedResource;
use crate::load::resources_from_documents;
use crate::resource::{ResId, Resource, ResourceList};
use crate::transform::{Transform, TransformContext};
use crate::yaml::{Mapping, Value};
use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where kustomize looks for a function declaration, newest first.
const FUNCTION_ANNOTATIONS: [&str; 2] = ["config.kubernetes.io/function", "config.k8s.io/function"];
/// The oldest form: just a container image.
const CONTAINER_ANNOTATION: &str = "config.kubernetes.io/container";
/// Set by kustomize on a transformer function's inputs; removed from its
/// outputs.
const ID_ANNOTATION: &str = "kustomize.config.k8s.io/id";

/// A function declaration, as the annotation spells it (unknown fields are
/// errors, as in kustomize).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FunctionSpec {
    /// Accepted, not used: a failing function always fails the build.
    #[serde(default)]
    pub defer_failure: bool,
    /// A container function.
    #[serde(default)]
    pub container: ContainerSpec,
    /// An exec function.
    #[serde(default)]
    pub exec: ExecSpec,
}

/// The `container` part of a function declaration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerSpec {
    /// The image to run.
    #[serde(default)]
    pub image: String,
    /// Whether the container may use the network.
    #[serde(default)]
    pub network: bool,
    /// Storage mounts.
    #[serde(default)]
    pub mounts: Vec<serde_json::Value>,
    /// Environment variables.
    #[serde(default)]
    pub envs: Vec<String>,
}

/// The `exec` part of a function declaration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecSpec {
    /// The executable, relative to the kustomization's directory.
    #[serde(default)]
    pub path: String,
}

impl FunctionSpec {
    /// The function a config declares, if any.
    pub fn from_config(config: &Resource) -> Result<Option<FunctionSpec>> {
        let annotations = config.string_map("annotations");
        let annotation = |key: &str| {
            annotations
                .as_deref()
                .and_then(|a| a.get(key))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        for key in FUNCTION_ANNOTATIONS {
            if let Some(text) = annotation(key) {
                return parse_spec(text, key).map(Some);
            }
        }
        if let Some(config_fn) = config.value_at(&["metadata", "configFn"]) {
            if !config_fn.is_null() {
                let json: serde_json::Value = (&*config_fn).into();
                let spec = serde_json::from_value(json)
                    .map_err(|e| anyhow!("configFn unmarshal error: {e}"))?;
                return Ok(Some(spec));
            }
        }
        Ok(annotation(CONTAINER_ANNOTATION).map(|image| FunctionSpec {
            container: ContainerSpec {
                image: image.to_string(),
                ..ContainerSpec::default()
            },
            ..FunctionSpec::default()
        }))
    }
}

fn parse_spec(text: &str, key: &str) -> Result<FunctionSpec> {
    let docs = crate::yaml::parse_documents(text, Path::new(key))
        .map_err(|e| anyhow!("{key} unmarshal error: {e}"))?;
    let doc = docs.into_iter().next().unwrap_or(Value::Null);
    let json: serde_json::Value = (&doc).into();
    serde_json::from_value(json).map_err(|e| anyhow!("{key} unmarshal error: {e}"))
}

/// A configured KRM function plugin.
#[derive(Debug, Clone)]
pub struct KrmFunction {
    /// The executable to run; `None` when kustomize would run nothing.
    program: Option<PathBuf>,
    /// True when an executable is declared but `--enable-exec` is off.
    skipped: bool,
    /// The plugin config, handed over as `functionConfig`.
    config: Value,
    work_dir: PathBuf,
    env: Vec<(String, String)>,
    /// `api: ..., kind: ..., name: ...`, for messages.
    name: String,
}

/// Configures the function `spec` declared by `config`.
pub fn configure(
    spec: FunctionSpec,
    config: &Resource,
    ctx: PluginContext<'_>,
) -> Result<KrmFunction> {
    if !spec.container.image.is_empty() {
        bail!(
            "plugin {}: container functions are not supported (image '{}'): \
             krust runs no container runtime; use an exec function instead",
            config.id(),
            spec.container.image
        );
    }
    let declared = !spec.exec.path.is_empty();
    let program =
        (ctx.options.enable_exec && declared).then(|| resolve_program(&spec.exec.path, ctx.dir));
    Ok(KrmFunction {
        skipped: declared && program.is_none(),
        program,
        config: config.value().into_owned(),
        work_dir: ctx.dir.to_path_buf(),
        env: parse_env(&ctx.options.function_env),
        name: format!(
            "api: {}, kind: {}, name: {}",
            config.api_version(),
            config.kind(),
            config.name()
        ),
    })
}

/// A path with a directory part is relative to the kustomization's
/// directory; a bare name is looked up on `PATH`.
fn resolve_program(path: &str, dir: &Path) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() || path.components().count() == 1 {
        path.to_path_buf()
    } else {
        dir.join(path)
    }
}

/// `-e NAME=value` sets a variable; a bare `-e NAME` passes the current
/// value, which the function inherits anyway.
fn parse_env(entries: &[String]) -> Vec<(String, String)> {
    entries
        .iter()
        .filter_map(|e| e.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl KrmFunction {
    /// Runs the function over `items`; without a program, returns them.
    fn run(&self, items: Vec<Value>, function_config: &Value) -> Result<Vec<Value>> {
        let Some(program) = &self.program else {
            return Ok(items);
        };
        let input = resource_list::encode(items, function_config)?;
        let mut child = Command::new(program)
            .current_dir(&self.work_dir)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("couldn't execute function {}", program.display()))?;
        let mut stdin = child.stdin.take().expect("stdin was piped");
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let output = child
            .wait_with_output()
            .with_context(|| format!("couldn't execute function {}", program.display()))?;
        // A function that exits without reading its input is not an error.
        let _ = writer.join();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            bail!(
                "couldn't execute function {} ({}): {}\n{}",
                program.display(),
                self.name,
                output.status,
                stderr.trim_end()
            );
        }
        if !stderr.is_empty() {
            eprint!("{stderr}");
        }
        let stdout = String::from_utf8(output.stdout)
            .map_err(|_| anyhow!("function {} wrote invalid UTF-8", program.display()))?;
        resource_list::decode(&stdout, program)
            .with_context(|| format!("function {}", program.display()))
    }

    fn origin(&self) -> &Path {
        self.program
            .as_deref()
            .unwrap_or(Path::new("function output"))
    }
}

impl KrmFunction {
    /// The note for a function that does not run: kustomize then passes
    /// its input through, silently.
    fn skipped_note(&self) -> Option<String> {
        self.skipped.then(|| {
            format!(
                "exec function ({}) did not run: exec functions need --enable-exec",
                self.name
            )
        })
    }
}

impl Generate for KrmFunction {
    fn generate_noting(&self, notes: &mut Vec<String>) -> Result<Vec<GeneratedResource>> {
        notes.extend(self.skipped_note());
        self.generate()
    }

    /// The function gets its own config (marked local, so that it vanishes
    /// from the output if passed through) as its only item.
    fn generate(&self) -> Result<Vec<GeneratedResource>> {
        let mut config = self.config.clone();
        set_annotation(&mut config, LOCAL_CONFIG_ANNOTATION, "true");
        let items = self.run(vec![config.clone()], &config)?;
        resources_from_documents(items, self.origin())?
            .into_iter()
            .map(from_plugin_output)
            .collect()
    }
}

impl Transform for KrmFunction {
    /// Every resource goes in, tagged with its identity; what comes out
    /// replaces the resource of the same identity (keeping its build
    /// state), is appended when new, and resources missing from the output
    /// are removed.
    fn apply(&self, cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        if let Some(note) = self.skipped_note() {
            cx.note(note);
        }
        let items = resources
            .iter()
            .map(|r| {
                let mut value = r.value().into_owned();
                set_annotation(&mut value, ID_ANNOTATION, &id_yaml(&r.id()));
                value
            })
            .collect();
        let output = self.run(items, &self.config)?;
        let mut outputs = resources_from_documents(output, self.origin())?;
        for r in &mut outputs {
            take_annotation(r.value_mut(), ID_ANNOTATION);
        }
        merge_outputs(&self.name, resources, outputs)
    }
}

fn merge_outputs(name: &str, resources: &mut ResourceList, outputs: Vec<Resource>) -> Result<()> {
    let mut seen: Vec<ResId> = Vec::with_capacity(outputs.len());
    for r in &outputs {
        let id = r.id();
        if seen.iter().any(|s| s.same_object(&id)) {
            bail!("plugin {name} generated duplicate resource: {id}");
        }
        seen.push(id);
    }
    let mut items = resources.items_mut();
    for out in outputs {
        let id = out.id();
        match items.iter_mut().find(|r| r.id().same_object(&id)) {
            Some(existing) => existing.set_value(out.into_value()),
            None => items.push(out),
        }
    }
    items.retain(|r| {
        let id = r.id();
        seen.iter().any(|s| s.same_object(&id))
    });
    Ok(())
}

/// A resource id as kustomize writes it into the id annotation (YAML of
/// its JSON form: sorted keys, empty fields left out).
fn id_yaml(id: &ResId) -> String {
    let fields = [
        ("group", &id.gvk.group),
        ("kind", &id.gvk.kind),
        ("name", &id.name),
        ("namespace", &id.namespace),
        ("version", &id.gvk.version),
    ];
    let mut out = String::new();
    for (key, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
        out.push_str(&format!("{key}: {value}\n"));
    }
    out
}

fn set_annotation(value: &mut Value, key: &str, text: &str) {
    let Some(metadata) = value.ensure_map("metadata") else {
        return;
    };
    let annotations = metadata
        .entry("annotations".into())
        .or_insert_with(|| Value::Map(Mapping::new()));
    if !matches!(annotations, Value::Map(_)) {
        *annotations = Value::Map(Mapping::new());
    }
    if let Value::Map(map) = annotations {
        map.insert(key.into(), Value::String(text.into()));
    }
}

#[cfg(test)]
#[path = "exec_fn_tests.rs"]
mod tests;
