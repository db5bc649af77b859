//! `edit add configmap|secret`: adding sources to a `configMapGenerator` or
//! `secretGenerator` entry, checked by generating the object once.

use super::doc::{is_set, map_mut, seq_mut, str_at};
use super::glob::glob;
use crate::generate::{generate, DiskLoader, GeneratorConfig, GeneratorKind};
use crate::kustomization::GeneratorArgs;
use crate::yaml::{Mapping, Value};
use anyhow::{anyhow, bail, Context, Result};
use std::path::Path;

/// The flags of `edit add configmap|secret`.
#[derive(Debug, Clone, Default)]
pub struct GeneratorFlags {
    /// The generated object's name.
    pub name: String,
    /// `--from-file` sources (`[key=]path`, globs allowed).
    pub files: Vec<String>,
    /// `--from-literal` sources (`key=value`).
    pub literals: Vec<String>,
    /// `--from-env-file` source.
    pub env_file: String,
    /// `--behavior`: create, merge or replace.
    pub behavior: String,
    /// `--type` (secrets only; kustomize defaults it to `Opaque`).
    pub secret_type: String,
    /// `--namespace`.
    pub namespace: String,
    /// `--disableNameSuffixHash`.
    pub disable_name_suffix_hash: bool,
}

/// Checks the flags, expands `--from-file` globs relative to `dir`, and
/// returns the flags to apply. `args` are the positional arguments.
pub fn prepare(dir: &Path, mut flags: GeneratorFlags, args: &[String]) -> Result<GeneratorFlags> {
    flags.files = expand_file_sources(dir, &flags.files)
        .map_err(|e| anyhow!("failed to expand file source: {e}"))?;
    validate(&mut flags, args).map_err(|e| anyhow!("failed to validate flags: {e}"))?;
    Ok(flags)
}

fn validate(flags: &mut GeneratorFlags, args: &[String]) -> Result<()> {
    let [name] = args else {
        bail!("name must be specified once");
    };
    flags.name.clone_from(name);
    if flags.env_file.is_empty() && flags.files.is_empty() && flags.literals.is_empty() {
        bail!("at least from-env-file, or from-file or from-literal must be set");
    }
    let has_other_sources = !flags.files.is_empty() || !flags.literals.is_empty();
    if !flags.env_file.is_empty() && has_other_sources {
        bail!("from-env-file cannot be combined with from-file or from-literal");
    }
    if !matches!(flags.behavior.as_str(), "" | "create" | "merge" | "replace") {
        bail!(r#"invalid behavior: must be one of "create", "merge", or "replace""#);
    }
    Ok(())
}

/// Globs each `[key=]pattern`; a pattern matching nothing is dropped, and
/// a keyed one must match exactly one file.
fn expand_file_sources(dir: &Path, sources: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for source in sources {
        let parts: Vec<&str> = source.split('=').collect();
        let (key, pattern) = match parts.as_slice() {
            [key, pattern] => (*key, *pattern),
            _ => ("", parts[0]),
        };
        let matches = glob(dir, pattern)?;
        if key.is_empty() {
            out.extend(matches);
        } else if let [only] = matches.as_slice() {
            out.push(format!("{key}={only}"));
        } else {
            bail!(
                "'pattern '{source}' catches files [{}], should catch only one",
                matches.join(" ")
            );
        }
    }
    Ok(out)
}

/// Adds the sources to the generator entry of that name and namespace
/// (made if missing), merges `generatorOptions` into its `options` as
/// kustomize does, and generates the object once from `dir` to check it.
pub fn add_generator(
    doc: &mut Mapping,
    kind: GeneratorKind,
    flags: &GeneratorFlags,
    dir: &Path,
) -> Result<()> {
    let global = doc.get("generatorOptions").cloned();
    let entry = find_or_make_entry(doc, kind, flags);
    merge_flags(entry, flags);
    if let Some(Value::Map(global)) = global {
        merge_global_options(map_mut(entry, "options"), &global);
    }
    check_by_generating(entry, kind, dir).with_context(|| {
        let word = match kind {
            GeneratorKind::ConfigMap => "configmap",
            GeneratorKind::Secret => "secret",
        };
        format!("failed to create {word}")
    })
}

fn find_or_make_entry<'a>(
    doc: &'a mut Mapping,
    kind: GeneratorKind,
    flags: &GeneratorFlags,
) -> &'a mut Mapping {
    let entries = seq_mut(doc, field_of(kind));
    let found = entries.iter().position(|e| {
        e.as_map().is_some_and(|e| {
            str_at(e, "name") == flags.name
                && same_namespace(str_at(e, "namespace"), &flags.namespace)
        })
    });
    let index = found.unwrap_or_else(|| {
        let mut entry = Mapping::new();
        entry.insert("name".into(), flags.name.clone().into());
        entry.insert("namespace".into(), flags.namespace.clone().into());
        if kind == GeneratorKind::Secret {
            entry.insert("type".into(), flags.secret_type.clone().into());
        }
        entries.push(Value::Map(entry));
        entries.len() - 1
    });
    match &mut entries[index] {
        Value::Map(entry) => entry,
        _ => unreachable!("entries were matched or made as mappings"),
    }
}

/// The kustomization field listing generators of `kind`.
pub(super) fn field_of(kind: GeneratorKind) -> &'static str {
    match kind {
        GeneratorKind::ConfigMap => "configMapGenerator",
        GeneratorKind::Secret => "secretGenerator",
    }
}

/// Namespaces compare with "" meaning `default`.
pub(super) fn same_namespace(a: &str, b: &str) -> bool {
    let or_default = |ns: &str| {
        if ns.is_empty() {
            "default".to_string()
        } else {
            ns.to_string()
        }
    };
    or_default(a) == or_default(b)
}

fn merge_flags(entry: &mut Mapping, flags: &GeneratorFlags) {
    let appends = [
        ("literals", flags.literals.as_slice()),
        ("files", flags.files.as_slice()),
        ("envs", std::slice::from_ref(&flags.env_file)),
    ];
    for (field, items) in appends {
        let items: Vec<Value> = items
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.clone().into())
            .collect();
        if !items.is_empty() {
            seq_mut(entry, field).extend(items);
        }
    }
    if flags.disable_name_suffix_hash {
        let mut options = Mapping::new();
        options.insert("disableNameSuffixHash".into(), Value::Bool(true));
        entry.insert("options".into(), Value::Map(options));
    }
    if !flags.behavior.is_empty() {
        entry.insert("behavior".into(), flags.behavior.clone().into());
    }
}

/// Global labels and annotations fill keys the entry lacks; the global
/// flags turn the entry's on.
pub(super) fn merge_global_options(local: &mut Mapping, global: &Mapping) {
    for field in ["labels", "annotations"] {
        let Some(Value::Map(global_pairs)) = global.get(field) else {
            continue;
        };
        let had = is_set(local, field);
        let pairs = map_mut(local, field);
        for (key, value) in global_pairs {
            if !had || !pairs.contains_key(key) {
                pairs.insert(key.into(), value.clone());
            }
        }
    }
    for flag in ["disableNameSuffixHash", "immutable"] {
        if global.get(flag) == Some(&Value::Bool(true)) {
            local.insert(flag.into(), Value::Bool(true));
        }
    }
}

pub(super) fn check_by_generating(entry: &Mapping, kind: GeneratorKind, dir: &Path) -> Result<()> {
    let json = serde_json::Value::from(&Value::Map(entry.clone()));
    let args: GeneratorArgs = serde_json::from_value(json)?;
    let config = GeneratorConfig::from_args(kind, &args, None)?;
    let loader = DiskLoader::new(dir, true)?;
    generate(&config, &loader, None)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_need_a_source_and_a_valid_behavior() {
        let mut flags = GeneratorFlags::default();
        let name = ["cm".to_string()];
        let err = validate(&mut flags, &name).unwrap_err();
        assert!(err.to_string().starts_with("at least from-env-file"));
        flags.literals = vec!["a=b".into()];
        flags.behavior = "upsert".into();
        assert!(validate(&mut flags, &name).is_err());
        flags.behavior = "merge".into();
        assert!(validate(&mut flags, &name).is_ok());
    }

    #[test]
    fn literals_join_the_entry_of_the_same_name_and_namespace() {
        let dir = tempfile::tempdir().unwrap();
        let mut doc = Mapping::new();
        let mut flags = GeneratorFlags {
            name: "cm".into(),
            literals: vec!["a=1".into()],
            ..GeneratorFlags::default()
        };
        add_generator(&mut doc, GeneratorKind::ConfigMap, &flags, dir.path()).unwrap();
        flags.literals = vec!["b=2".into()];
        flags.namespace = "default".into();
        add_generator(&mut doc, GeneratorKind::ConfigMap, &flags, dir.path()).unwrap();
        let entries = doc["configMapGenerator"].as_seq().unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(
            entries[0].get("literals").unwrap().as_seq().unwrap().len(),
            2
        );
    }

    #[test]
    fn missing_files_fail_the_generation_check() {
        let dir = tempfile::tempdir().unwrap();
        let mut doc = Mapping::new();
        let flags = GeneratorFlags {
            name: "cm".into(),
            env_file: "missing.env".into(),
            ..GeneratorFlags::default()
        };
        let err = add_generator(&mut doc, GeneratorKind::ConfigMap, &flags, dir.path());
        assert!(format!("{:#}", err.unwrap_err()).starts_with("failed to create configmap"));
    }
}
