//! What one ConfigMap or Secret generator is asked to do, whichever way it
//! was written: a `configMapGenerator`/`secretGenerator` entry of a
//! kustomization (with `generatorOptions` merged in), or a builtin plugin
//! config listed under `generators:`.

use crate::gojson::nullable;
use crate::yaml::Value;
use anyhow::{bail, Context, Result};
use indexmap::IndexMap;
use serde::Deserialize;

/// One entry of `configMapGenerator` or `secretGenerator` (`type` is only
/// meaningful for Secrets, and kustomize accepts it on both).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorArgs {
    #[serde(default, deserialize_with = "nullable")]
    pub namespace: String,
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub behavior: String,
    #[serde(default, deserialize_with = "nullable")]
    pub literals: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub files: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub envs: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub env: String,
    #[serde(default, deserialize_with = "nullable")]
    pub options: Option<GeneratorOptions>,
    #[serde(default, deserialize_with = "nullable", rename = "type")]
    pub kind: String,
}

/// `generatorOptions`, or a generator's `options`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GeneratorOptions {
    #[serde(default, deserialize_with = "nullable")]
    pub labels: IndexMap<String, String>,
    #[serde(default, deserialize_with = "nullable")]
    pub annotations: IndexMap<String, String>,
    #[serde(default, deserialize_with = "nullable")]
    pub disable_name_suffix_hash: bool,
    #[serde(default, deserialize_with = "nullable")]
    pub immutable: bool,
}

/// Which object a generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GeneratorKind {
    /// A `v1` ConfigMap.
    #[default]
    ConfigMap,
    /// A `v1` Secret.
    Secret,
}

impl GeneratorKind {
    /// The generated object's `kind`.
    pub fn object_kind(self) -> &'static str {
        match self {
            GeneratorKind::ConfigMap => "ConfigMap",
            GeneratorKind::Secret => "Secret",
        }
    }

    /// The builtin plugin's kind (`ConfigMapGenerator`, `SecretGenerator`),
    /// as origin annotations name it.
    pub fn plugin_kind(self) -> &'static str {
        match self {
            GeneratorKind::ConfigMap => "ConfigMapGenerator",
            GeneratorKind::Secret => "SecretGenerator",
        }
    }
}

/// What to do when an object with the generated identity already exists.
///
/// Only the exact lowercase words are recognised; anything else (including
/// `Merge` or an empty string) is "unspecified", which acts like `create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Behavior {
    /// No (recognised) behavior given: create.
    #[default]
    Unspecified,
    /// Create a new object; an existing one is an error.
    Create,
    /// Replace the existing object's content, keeping its name, namespace,
    /// and merged labels and annotations.
    Replace,
    /// Merge into the existing object, key by key.
    Merge,
}

impl Behavior {
    /// Parses kustomize's behavior words.
    pub fn parse(text: &str) -> Behavior {
        match text {
            "create" => Behavior::Create,
            "replace" => Behavior::Replace,
            "merge" => Behavior::Merge,
            _ => Behavior::Unspecified,
        }
    }
}

/// One generator, ready to run.
///
/// Deserialising this type reads the plugin form (`apiVersion: builtin`,
/// `kind: ConfigMapGenerator` or `SecretGenerator`). As in kustomize, that
/// form is read leniently: unknown fields are ignored, the singular `env`
/// is ignored, `metadata.name`/`metadata.namespace` only fill in a missing
/// top-level `name`/`namespace`, `type` only counts for Secrets, and the
/// kustomization's `generatorOptions` do not apply.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(try_from = "PluginForm")]
pub struct GeneratorConfig {
    /// ConfigMap or Secret.
    pub kind: GeneratorKind,
    /// `metadata.name` of the object, before any hash suffix.
    pub name: String,
    /// `metadata.namespace`, empty for none.
    pub namespace: String,
    /// What to do when the object exists already.
    pub behavior: Behavior,
    /// `key=value` sources.
    pub literals: Vec<String>,
    /// `path` or `key=path` sources.
    pub files: Vec<String>,
    /// Env-file sources.
    pub envs: Vec<String>,
    /// Labels, annotations and flags, already combined with any
    /// kustomization-wide options.
    pub options: GeneratorOptions,
    /// Secret `type`; empty means `Opaque`. Always empty for ConfigMaps.
    pub secret_type: String,
}

impl GeneratorConfig {
    /// The config of one `configMapGenerator` or `secretGenerator` entry,
    /// with the kustomization's `generatorOptions` merged in: the entry's
    /// own labels and annotations win on equal keys, and either side's
    /// `disableNameSuffixHash` or `immutable` turns that flag on.
    ///
    /// kustomize rejects `type` on a `configMapGenerator` entry (its schema
    /// has no such field), so a non-empty one is an error here.
    pub fn from_args(
        kind: GeneratorKind,
        args: &GeneratorArgs,
        global: Option<&GeneratorOptions>,
    ) -> Result<GeneratorConfig> {
        if kind == GeneratorKind::ConfigMap && !args.kind.is_empty() {
            bail!("invalid Kustomization: json: unknown field \"type\"");
        }
        if args_strings(args, global).any(breaks_yaml_round_trip) {
            bail!(
                "builtin {}Generator marshal: yaml: control characters are not allowed",
                kind.object_kind()
            );
        }
        let mut envs = args.envs.clone();
        if !args.env.is_empty() {
            envs.push(args.env.clone());
        }
        let config = GeneratorConfig {
            kind,
            name: args.name.clone(),
            namespace: args.namespace.clone(),
            behavior: Behavior::parse(&args.behavior),
            literals: args.literals.clone(),
            files: args.files.clone(),
            envs,
            options: merge_options(args.options.as_ref(), global),
            secret_type: args.kind.clone(),
        };
        Ok(config.after_yaml_round_trip())
    }

    /// kustomize hands every builtin generator its config as JSON re-read
    /// as YAML. JSON escapes every line break but NEL (U+0085), which YAML
    /// then folds like a line break inside a double-quoted scalar; apply
    /// that to every string.
    fn after_yaml_round_trip(mut self) -> GeneratorConfig {
        if !self.all_strings().any(|s| s.contains('\u{85}')) {
            return self;
        }
        for text in [&mut self.name, &mut self.namespace, &mut self.secret_type] {
            *text = fold_nel(text);
        }
        for list in [&mut self.literals, &mut self.files, &mut self.envs] {
            list.iter_mut().for_each(|text| *text = fold_nel(text));
        }
        for map in [&mut self.options.labels, &mut self.options.annotations] {
            *map = map
                .iter()
                .map(|(k, v)| (fold_nel(k), fold_nel(v)))
                .collect();
        }
        self
    }

    fn all_strings(&self) -> impl Iterator<Item = &String> {
        let singles = [&self.name, &self.namespace, &self.secret_type];
        let lists = [&self.literals, &self.files, &self.envs]
            .into_iter()
            .flatten();
        let maps = [&self.options.labels, &self.options.annotations]
            .into_iter()
            .flat_map(|m| m.iter().flat_map(|(k, v)| [k, v]));
        singles.into_iter().chain(lists).chain(maps)
    }

    /// Reads the plugin form from an already-parsed document.
    pub fn from_plugin(doc: &Value) -> Result<GeneratorConfig> {
        if value_strings(doc).any(breaks_yaml_round_trip) {
            bail!(
                "marshalling yaml from generator config: yaml: control characters are not allowed"
            );
        }
        let json: serde_json::Value = doc.into();
        let config: GeneratorConfig =
            serde_json::from_value(json).context("invalid builtin generator config")?;
        Ok(config.after_yaml_round_trip())
    }
}

/// True for text kustomize cannot pass to a builtin generator: it writes the
/// config out as JSON-turned-YAML and reads it back, and the YAML reader
/// rejects DEL, the C1 controls other than NEL, U+FFFE and U+FFFF, which
/// JSON leaves unescaped. (Other control characters survive: JSON escapes
/// them.)
pub fn breaks_yaml_round_trip(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}'))
}

/// Folds NEL (U+0085) the way YAML folds line breaks in a double-quoted
/// scalar: in each run of spaces and NELs that holds at least one NEL, the
/// spaces vanish and the NELs become one space (a single NEL) or one newline
/// fewer than there are NELs.
pub fn fold_nel(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let mut breaks = 0;
    let flush = |out: &mut String, run: &mut String, breaks: &mut usize| {
        match *breaks {
            0 => out.push_str(run),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
        run.clear();
        *breaks = 0;
    };
    for c in text.chars() {
        match c {
            ' ' => run.push(c),
            '\u{85}' => breaks += 1,
            _ => {
                flush(&mut out, &mut run, &mut breaks);
                out.push(c);
            }
        }
    }
    flush(&mut out, &mut run, &mut breaks);
    out
}

/// Every string of an entry and of the options merged into it.
fn args_strings<'a>(
    args: &'a GeneratorArgs,
    global: Option<&'a GeneratorOptions>,
) -> impl Iterator<Item = &'a str> {
    let singles = [
        &args.namespace,
        &args.name,
        &args.behavior,
        &args.env,
        &args.kind,
    ];
    let lists = [&args.literals, &args.files, &args.envs];
    let option_maps = [args.options.as_ref(), global]
        .into_iter()
        .flatten()
        .flat_map(|o| [&o.labels, &o.annotations]);
    singles
        .into_iter()
        .chain(lists.into_iter().flatten())
        .chain(option_maps.flat_map(|m| m.iter().flat_map(|(k, v)| [k, v])))
        .map(String::as_str)
}

/// Every string (keys included) inside a parsed document.
fn value_strings(value: &Value) -> Box<dyn Iterator<Item = &str> + '_> {
    match value {
        Value::String(s) => Box::new(std::iter::once(s.as_str())),
        Value::Seq(items) => Box::new(items.iter().flat_map(value_strings)),
        Value::Map(map) => Box::new(
            map.iter()
                .flat_map(|(k, v)| std::iter::once(k).chain(value_strings(v))),
        ),
        _ => Box::new(std::iter::empty()),
    }
}

/// Combines an entry's options with the kustomization-wide ones.
pub fn merge_options(
    local: Option<&GeneratorOptions>,
    global: Option<&GeneratorOptions>,
) -> GeneratorOptions {
    let mut merged = local.cloned().unwrap_or_default();
    if let Some(global) = global {
        add_missing(&mut merged.labels, &global.labels);
        add_missing(&mut merged.annotations, &global.annotations);
        merged.disable_name_suffix_hash |= global.disable_name_suffix_hash;
        merged.immutable |= global.immutable;
    }
    merged
}

fn add_missing(local: &mut IndexMap<String, String>, global: &IndexMap<String, String>) {
    for (key, value) in global {
        local.entry(key.clone()).or_insert_with(|| value.clone());
    }
}

/// The plugin form as written; unknown fields are ignored.
#[derive(Debug, Default, Deserialize)]
struct PluginForm {
    #[serde(default, deserialize_with = "nullable")]
    kind: String,
    #[serde(default, deserialize_with = "nullable")]
    metadata: PluginMetadata,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    namespace: String,
    #[serde(default, deserialize_with = "nullable")]
    behavior: String,
    #[serde(default, deserialize_with = "nullable")]
    literals: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    files: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    envs: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    options: LenientOptions,
    #[serde(default, deserialize_with = "nullable", rename = "type")]
    secret_type: String,
}

#[derive(Debug, Default, Deserialize)]
struct PluginMetadata {
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    namespace: String,
}

/// Generator options without the strictness of the kustomization schema.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LenientOptions {
    #[serde(default, deserialize_with = "nullable")]
    labels: IndexMap<String, String>,
    #[serde(default, deserialize_with = "nullable")]
    annotations: IndexMap<String, String>,
    #[serde(default, deserialize_with = "nullable")]
    disable_name_suffix_hash: bool,
    #[serde(default, deserialize_with = "nullable")]
    immutable: bool,
}

impl TryFrom<PluginForm> for GeneratorConfig {
    type Error = String;

    fn try_from(form: PluginForm) -> std::result::Result<Self, Self::Error> {
        let kind = match form.kind.as_str() {
            "ConfigMapGenerator" => GeneratorKind::ConfigMap,
            "SecretGenerator" => GeneratorKind::Secret,
            other => {
                return Err(format!(
                    "not a ConfigMap or Secret generator: kind {other:?}"
                ))
            }
        };
        let pick = |own: String, meta: String| if own.is_empty() { meta } else { own };
        Ok(GeneratorConfig {
            kind,
            name: pick(form.name, form.metadata.name),
            namespace: pick(form.namespace, form.metadata.namespace),
            behavior: Behavior::parse(&form.behavior),
            literals: form.literals,
            files: form.files,
            envs: form.envs,
            options: GeneratorOptions {
                labels: form.options.labels,
                annotations: form.options.annotations,
                disable_name_suffix_hash: form.options.disable_name_suffix_hash,
                immutable: form.options.immutable,
            },
            secret_type: match kind {
                GeneratorKind::Secret => form.secret_type,
                GeneratorKind::ConfigMap => String::new(),
            },
        })
    }
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
