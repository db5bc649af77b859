//! The KSOPS generator (`apiVersion: viaduct.ai/v1`, `kind: ksops`), run
//! natively: no exec plugin, no `--enable-alpha-plugins`.
//!
//! KSOPS has two forms, both reproduced here exactly as KSOPS prints them
//! (before kustomize reads its output):
//!
//! * `files`: each file is a SOPS-encrypted manifest (YAML or JSON); its
//!   decrypted documents are the output.
//! * `secretFrom`: each entry builds one `v1` Secret with the given
//!   `metadata` (only `name`, `namespace`, `labels`, `annotations`) and
//!   `type`. Decrypted `files` (`path` or `key=path`) and `envs` (dotenv
//!   files) go into `stringData`, `binaryFiles` base64-encoded into `data`;
//!   empty maps and an empty type are left out.
//!
//! Like every generator plugin's output, the objects get no hash suffix and
//! behavior `create` unless they carry kustomize's annotations
//! `kustomize.config.k8s.io/needs-hash: "true"` and
//! `kustomize.config.k8s.io/behavior` ([`into_generated`]).
//!
//! File paths are relative to the kustomization's directory, which is
//! where kustomize runs KSOPS. Unlike KSOPS, krust applies the build's load
//! restrictor to them, as to every other file a kustomization names: an
//! encrypted file outside the tree is not decrypted into the output.

use super::{Generate, GeneratedResource};
use crate::load::Loader;
use crate::resource::Resource;
use crate::sops::{Format, Keys};
use crate::yaml::{Mapping, Value};
use anyhow::{anyhow, bail, Context, Result};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A KSOPS generator config, ready to run in process (KSOPS is a
/// third-party exec plugin; krust decrypts natively, with no flags).
pub struct KsopsGenerator {
    config: Value,
    dir: PathBuf,
    loader: Loader,
    label: String,
}

impl KsopsGenerator {
    /// The generator for `config`, listed by the kustomization in `dir`;
    /// `label` names it in errors.
    pub fn new(config: Value, dir: &Path, loader: Loader, label: String) -> KsopsGenerator {
        KsopsGenerator {
            config,
            dir: dir.to_path_buf(),
            loader,
            label,
        }
    }
}

impl Generate for KsopsGenerator {
    fn generate(&self) -> Result<Vec<GeneratedResource>> {
        let keys = crate::sops::env_keys();
        let generated = generate(&self.config, &self.dir, self.loader, keys)
            .with_context(|| format!("running the KSOPS generator {}", self.label))?;
        generated.into_iter().map(into_generated).collect()
    }
}

/// True when a document is a KSOPS generator config (`kind: ksops` in the
/// `viaduct.ai` group; KSOPS itself accepts `v1` and `v2`).
pub fn is_ksops_config(doc: &Value) -> bool {
    let group = doc.str_at(&["apiVersion"]).and_then(|v| v.split_once('/'));
    group.is_some_and(|(group, _)| group == "viaduct.ai") && doc.str_at(&["kind"]) == Some("ksops")
}

/// Runs one KSOPS config whose files are relative to `dir` and subject to
/// `loader`'s restrictor, decrypting with `keys`. Returns the objects KSOPS would print, in its order:
/// every `files` document, then one Secret per `secretFrom` entry.
/// Errors name the file that failed; they never contain plaintext.
pub fn generate(config: &Value, dir: &Path, loader: Loader, keys: &Keys) -> Result<Vec<Resource>> {
    let files_in = Files { dir, loader };
    let name = config.str_at(&["metadata", "name"]).unwrap_or_default();
    let files = string_list(config, "files")?;
    let secret_from = config.get("secretFrom").filter(|v| !v.is_null());
    if files.is_none() && secret_from.is_none() {
        bail!("ksops generator '{name}': missing the required 'files' or 'secretFrom' key");
    }
    let mut out = Vec::new();
    for file in files.unwrap_or_default() {
        out.extend(decrypt_manifest(&files_in.path(file)?, keys)?);
    }
    let entries = match secret_from {
        None => &[][..],
        Some(Value::Seq(items)) => items.as_slice(),
        Some(_) => bail!("ksops generator '{name}': 'secretFrom' must be a list"),
    };
    for entry in entries {
        let secret = secret_from_entry(entry, &files_in, keys)
            .with_context(|| format!("ksops generator '{name}': secretFrom"))?;
        out.push(Resource::new(secret, None));
    }
    Ok(out)
}

/// kustomize's treatment of a generator plugin's output object (see
/// [`super::plugin_output`]).
pub fn into_generated(resource: Resource) -> Result<GeneratedResource> {
    super::plugin_output::from_plugin_output(resource)
}

/// A list of strings under `field`; `None` when absent or null.
fn string_list<'v>(config: &'v Value, field: &str) -> Result<Option<Vec<&'v str>>> {
    match config.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Seq(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .ok_or_else(|| anyhow!("ksops '{field}' entries must be strings"))
            })
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => bail!("ksops '{field}' must be a list of strings"),
    }
}

/// The documents of one encrypted manifest, read as resources.
fn decrypt_manifest(path: &Path, keys: &Keys) -> Result<Vec<Resource>> {
    let text = crate::load::read_input_text(path)
        .with_context(|| format!("ksops: cannot read '{}'", path.display()))?;
    let docs = match Format::from_path(path) {
        Format::Yaml => crate::sops::decrypt_yaml(&text, path, keys)?,
        Format::Json => vec![crate::sops::decrypt_json(&text, path, keys)?],
        _ => bail!(
            "ksops: '{}' in 'files' must be a YAML or JSON manifest",
            path.display()
        ),
    };
    crate::load::resources_from_documents(docs, path)
}

/// Decrypts one file of a `secretFrom` entry to its bytes.
fn decrypt_file(files: &Files<'_>, file: &str, keys: &Keys) -> Result<Vec<u8>> {
    let path = files.path(file)?;
    let bytes = crate::load::read_input(&path)
        .with_context(|| format!("ksops: cannot read '{}'", path.display()))?;
    Ok(crate::sops::decrypt_bytes(
        &bytes,
        Format::from_path(&path),
        &path,
        keys,
    )?)
}

/// Where a config's files are, and the restrictor they are read under.
struct Files<'a> {
    dir: &'a Path,
    loader: Loader,
}

impl Files<'_> {
    /// The file `file` names, symlinks resolved; refused outside the
    /// kustomization's directory under `LoadRestrictionsRootOnly`.
    fn path(&self, file: &str) -> Result<std::path::PathBuf> {
        self.loader
            .resolve_file(self.dir, self.dir, file)
            .with_context(|| format!("ksops: file '{file}'"))
    }
}

/// `path` (key: the file name) or `key=path`.
fn key_and_path(source: &str) -> Result<(&str, &str)> {
    let mut parts = source.split('=');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(path), None, _) => Ok((path.rsplit('/').next().unwrap_or(path), path)),
        (Some(key), Some(path), None) => Ok((key, path)),
        _ => bail!("invalid format in file generator {source}"),
    }
}

/// One Secret of `secretFrom`, as KSOPS marshals it.
fn secret_from_entry(entry: &Value, dir: &Files<'_>, keys: &Keys) -> Result<Value> {
    let mut string_data: BTreeMap<String, String> = BTreeMap::new();
    let mut data: BTreeMap<String, String> = BTreeMap::new();
    for source in string_list(entry, "files")?.unwrap_or_default() {
        let (key, path) = key_and_path(source)?;
        let bytes = decrypt_file(dir, path, keys)?;
        string_data.insert(
            key.to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        );
    }
    for source in string_list(entry, "binaryFiles")?.unwrap_or_default() {
        let (key, path) = key_and_path(source)?;
        let bytes = decrypt_file(dir, path, keys)?;
        data.insert(key.to_string(), BASE64.encode(bytes));
    }
    for path in string_list(entry, "envs")?.unwrap_or_default() {
        let bytes = decrypt_file(dir, path, keys)?;
        let text = String::from_utf8_lossy(&bytes);
        let pairs = dotenv::parse(&text)
            .map_err(|line| anyhow!("error unmarshalling .env file \"{path}\": line {line}"))?;
        string_data.extend(pairs);
    }
    let mut secret = Mapping::new();
    secret.insert("apiVersion".into(), "v1".into());
    secret.insert("kind".into(), "Secret".into());
    secret.insert("metadata".into(), object_meta(entry.get("metadata")));
    if let Some(kind) = entry.str_at(&["type"]).filter(|t| !t.is_empty()) {
        secret.insert("type".into(), kind.into());
    }
    for (field, map) in [("stringData", string_data), ("data", data)] {
        if !map.is_empty() {
            let map: Mapping = map.into_iter().map(|(k, v)| (k, v.into())).collect();
            secret.insert(field.into(), Value::Map(map));
        }
    }
    Ok(Value::Map(secret))
}

/// kustomize's `ObjectMeta` as KSOPS reads it: name, namespace, labels and
/// annotations (empty ones left out); anything else is dropped.
fn object_meta(metadata: Option<&Value>) -> Value {
    let mut out = Mapping::new();
    for field in ["name", "namespace"] {
        if let Some(text) = metadata.and_then(|m| m.str_at(&[field])) {
            if !text.is_empty() {
                out.insert(field.into(), text.into());
            }
        }
    }
    for field in ["labels", "annotations"] {
        let Some(Value::Map(map)) = metadata.and_then(|m| m.get(field)) else {
            continue;
        };
        if map.is_empty() {
            continue;
        }
        let strings: Mapping = map
            .iter()
            .map(|(k, v)| (k.to_string(), v.scalar_text().unwrap_or_default().into()))
            .collect();
        out.insert(field.into(), Value::Map(strings));
    }
    Value::Map(out)
}

#[path = "ksops_dotenv.rs"]
mod dotenv;

#[cfg(test)]
#[path = "ksops_tests.rs"]
mod tests;
