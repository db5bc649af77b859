//! `edit set configmap|secret` and `edit remove configmap|secret`: changing
//! or dropping existing `configMapGenerator` / `secretGenerator` entries.
//!
//! An entry is found by name and namespace, an empty namespace meaning
//! `default` on either side.

use super::doc::{map_mut, str_at};
use super::generator::{check_by_generating, field_of, merge_global_options, same_namespace};
use crate::generate::GeneratorKind;
use crate::yaml::{Mapping, Value};
use anyhow::{anyhow, bail, Context, Result};
use std::path::Path;

/// The flags of `edit set configmap|secret`.
#[derive(Debug, Clone, Default)]
pub struct SetFlags {
    /// `--from-literal KEY=VALUE`: a new value for a key the entry has.
    pub literals: Vec<String>,
    /// `--namespace`: the entry's current namespace.
    pub namespace: String,
    /// `--new-namespace`: the namespace to give the entry.
    pub new_namespace: String,
}

/// The name of the object kind, as kustomize's messages write it.
fn title(kind: GeneratorKind) -> &'static str {
    match kind {
        GeneratorKind::ConfigMap => "ConfigMap",
        GeneratorKind::Secret => "Secret",
    }
}

/// The lower-case word for messages (`configmap`, `secret`).
pub fn word(kind: GeneratorKind) -> &'static str {
    match kind {
        GeneratorKind::ConfigMap => "configmap",
        GeneratorKind::Secret => "secret",
    }
}

/// Checks the `set` arguments before the file is read; returns the name.
pub fn validate_set(args: &[String], flags: &SetFlags) -> Result<String> {
    let check = || -> Result<String> {
        let [name] = args else {
            bail!("name must be specified once");
        };
        if flags.literals.is_empty() && flags.new_namespace.is_empty() {
            bail!("at least one of [--from-literal, --new-namespace] must be specified");
        }
        Ok(name.clone())
    };
    check().map_err(|e| anyhow!("failed to validate flags: {e}"))
}

/// `edit set configmap|secret NAME`: gives existing literal keys new
/// values and/or moves the entry to a new namespace, merges
/// `generatorOptions` into its options (as kustomize does) and generates
/// the object once from `dir` to check it.
pub fn set_generator(
    doc: &mut Mapping,
    kind: GeneratorKind,
    name: &str,
    flags: &SetFlags,
    dir: &Path,
) -> Result<()> {
    let global = doc.get("generatorOptions").cloned();
    let entry = find_entry(doc, kind, name, &flags.namespace).ok_or_else(|| {
        anyhow!(
            "could not set new {0} value: unable to find {0} with name {name:?}",
            title(kind)
        )
    })?;
    if !flags.literals.is_empty() {
        update_literals(entry, &flags.literals).context("failed to update literal sources")?;
    }
    if !flags.new_namespace.is_empty() {
        entry.insert("namespace".into(), flags.new_namespace.clone().into());
    }
    if let Some(Value::Map(global)) = global {
        merge_global_options(map_mut(entry, "options"), &global);
    }
    check_by_generating(entry, kind, dir)
        .with_context(|| format!("failed to validate {} structure", title(kind)))
}

fn find_entry<'a>(
    doc: &'a mut Mapping,
    kind: GeneratorKind,
    name: &str,
    namespace: &str,
) -> Option<&'a mut Mapping> {
    let Some(Value::Seq(entries)) = doc.get_mut(field_of(kind)) else {
        return None;
    };
    entries.iter_mut().find_map(|entry| match entry {
        Value::Map(map)
            if str_at(map, "name") == name
                && same_namespace(namespace, str_at(map, "namespace")) =>
        {
            Some(map)
        }
        _ => None,
    })
}

/// Splits a literal source at its one `=`.
fn literal_pair(source: &str) -> Result<(&str, &str)> {
    match source.split_once('=') {
        Some((key, value)) if !value.contains('=') => Ok((key, value)),
        _ => Err(anyhow!(
            "failed to update resource: invalid format: literal values must be specified in the key=value format"
        )),
    }
}

/// Replaces the values of existing literal keys. Every literal, old and
/// new, must have exactly one `=`; a new key is an error. kustomize
/// rebuilds the list from a Go map, so its order varies from run to run;
/// here each key keeps its first position (a repeated key is written once,
/// with its last value).
fn update_literals(entry: &mut Mapping, new: &[String]) -> Result<()> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let old: Vec<String> = match entry.get("literals") {
        Some(Value::Seq(items)) => items
            .iter()
            .map(|v| v.as_str().unwrap_or("").to_string())
            .collect(),
        _ => Vec::new(),
    };
    let put = |pairs: &mut Vec<(String, String)>, key: &str, value: &str| match pairs
        .iter_mut()
        .find(|(k, _)| k == key)
    {
        Some(pair) => pair.1 = value.to_string(),
        None => pairs.push((key.to_string(), value.to_string())),
    };
    for source in &old {
        let (key, value) = literal_pair(source)?;
        put(&mut pairs, key, value);
    }
    for source in new {
        let (key, value) = literal_pair(source)?;
        if !pairs.iter().any(|(k, _)| k == key) {
            bail!("key '{key}' not found in resource");
        }
        put(&mut pairs, key, value);
    }
    let literals = pairs
        .into_iter()
        .map(|(k, v)| Value::from(format!("{k}={v}")))
        .collect();
    entry.insert("literals".into(), Value::Seq(literals));
    Ok(())
}

/// Checks the `remove` arguments before the file is read: one argument,
/// a comma-separated list of names.
pub fn parse_remove_names(args: &[String], kind: GeneratorKind) -> Result<Vec<String>> {
    let word = word(kind);
    match args {
        [] => bail!("at least one {word} name must be specified"),
        [names] => Ok(names.split(',').map(str::to_string).collect()),
        _ => bail!(
            "too many arguments: [{}]; to provide multiple {word}s to remove, please separate {word} names by commas",
            args.join(" ")
        ),
    }
}

/// `edit remove configmap|secret NAMES`: drops the entries named in
/// `namespace`. Fails when none is found; returns a note for each name
/// that was not.
pub fn remove_generators(
    doc: &mut Mapping,
    kind: GeneratorKind,
    names: &[String],
    namespace: &str,
) -> Result<Vec<String>> {
    let word = word(kind);
    let mut found: Vec<String> = Vec::new();
    if let Some(Value::Seq(entries)) = doc.get_mut(field_of(kind)) {
        entries.retain(|entry| {
            let map = entry.as_map();
            let name = map.map(|m| str_at(m, "name")).unwrap_or("");
            let ns = map.map(|m| str_at(m, "namespace")).unwrap_or("");
            let doomed = names.iter().any(|n| n == name) && same_namespace(ns, namespace);
            if doomed {
                found.push(name.to_string());
            }
            !doomed
        });
    }
    if found.is_empty() {
        bail!("no specified {word}(s) were found in the kustomization.yaml file");
    }
    Ok(names
        .iter()
        .filter(|n| !found.contains(n))
        .map(|n| format!("{word} {n} doesn't exist in kustomization file"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::doc::strings_at;

    fn doc(yaml: &str) -> Mapping {
        let docs = crate::yaml::parse_documents(yaml, Path::new("k.yaml")).unwrap();
        docs[0].as_map().unwrap().clone()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    const TWO: &str = "configMapGenerator:
- literals: [a-key=a-value, key1=val1]
  name: test-cm
- literals: [key1=value-from-cm-2]
  name: test-cm
  namespace: another-ns
";

    fn set(yaml: &str, args: &[&str], flags: SetFlags) -> Result<Mapping> {
        let dir = tempfile::tempdir().unwrap();
        let mut doc = doc(yaml);
        let name = validate_set(&strings(args), &flags)?;
        set_generator(
            &mut doc,
            GeneratorKind::ConfigMap,
            &name,
            &flags,
            dir.path(),
        )?;
        Ok(doc)
    }

    fn literals(flags: &[&str]) -> SetFlags {
        SetFlags {
            literals: strings(flags),
            ..SetFlags::default()
        }
    }

    #[test]
    fn set_changes_values_of_existing_keys_in_the_default_namespace() {
        let doc = set(TWO, &["test-cm"], literals(&["key1=val2"])).unwrap();
        let entries = doc["configMapGenerator"].as_seq().unwrap();
        let first = entries[0].as_map().unwrap();
        assert_eq!(
            strings_at(first, "literals"),
            ["a-key=a-value", "key1=val2"]
        );
        let second = entries[1].as_map().unwrap();
        assert_eq!(strings_at(second, "literals"), ["key1=value-from-cm-2"]);
    }

    #[test]
    fn set_moves_an_entry_to_a_new_namespace() {
        for (yaml, namespace) in [
            (
                "configMapGenerator:\n- name: test-cm\n  namespace: test-ns\n  literals: [k=v]\n",
                "test-ns",
            ),
            (
                "configMapGenerator:\n- name: test-cm\n  literals: [k=v]\n",
                "default",
            ),
            (
                "configMapGenerator:\n- name: test-cm\n  namespace: default\n  literals: [k=v]\n",
                "",
            ),
        ] {
            let flags = SetFlags {
                namespace: namespace.into(),
                new_namespace: "test-new-ns".into(),
                ..SetFlags::default()
            };
            let doc = set(yaml, &["test-cm"], flags).unwrap();
            let entry = doc["configMapGenerator"].as_seq().unwrap()[0].clone();
            assert_eq!(str_at(entry.as_map().unwrap(), "namespace"), "test-new-ns");
        }
    }

    #[test]
    fn set_errors_are_worded_like_kustomize() {
        let cases: [(&str, &[&str], SetFlags, &str); 5] = [
            (
                TWO,
                &["test-cm"],
                literals(&["test-key=x"]),
                "key 'test-key' not found in resource",
            ),
            (
                TWO,
                &["nope"],
                literals(&["k=v"]),
                "unable to find ConfigMap with name \"nope\"",
            ),
            (
                TWO,
                &["test-cm"],
                SetFlags::default(),
                "at least one of [--from-literal, --new-namespace] must be specified",
            ),
            (
                TWO,
                &["test-cm"],
                literals(&["value"]),
                "literal values must be specified in the key=value format",
            ),
            (
                "configMapGenerator: []\n",
                &["test-cm"],
                literals(&["k=v"]),
                "unable to find ConfigMap with name \"test-cm\"",
            ),
        ];
        for (yaml, args, flags, message) in cases {
            let err = format!("{:#}", set(yaml, args, flags).unwrap_err());
            assert!(err.contains(message), "{err}");
        }
        let err = validate_set(&strings(&["a", "b"]), &literals(&["k=v"])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to validate flags: name must be specified once"
        );
    }

    #[test]
    fn remove_drops_named_entries_of_the_namespace() {
        let mut doc = doc(TWO);
        let names =
            parse_remove_names(&strings(&["test-cm,other"]), GeneratorKind::ConfigMap).unwrap();
        let notes = remove_generators(&mut doc, GeneratorKind::ConfigMap, &names, "").unwrap();
        assert_eq!(
            notes,
            ["configmap other doesn't exist in kustomization file"]
        );
        let entries = doc["configMapGenerator"].as_seq().unwrap();
        assert_eq!(entries.len(), 1);
        let err = remove_generators(&mut doc, GeneratorKind::ConfigMap, &names, "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no specified configmap(s) were found in the kustomization.yaml file"
        );
        let notes =
            remove_generators(&mut doc, GeneratorKind::ConfigMap, &names, "another-ns").unwrap();
        assert_eq!(notes.len(), 1);
        assert!(doc["configMapGenerator"].as_seq().unwrap().is_empty());
    }

    #[test]
    fn remove_arguments_are_checked() {
        let err = parse_remove_names(&[], GeneratorKind::Secret).unwrap_err();
        assert_eq!(
            err.to_string(),
            "at least one secret name must be specified"
        );
        let err = parse_remove_names(&strings(&["a", "b"]), GeneratorKind::Secret).unwrap_err();
        assert_eq!(
            err.to_string(),
            "too many arguments: [a b]; to provide multiple secrets to remove, please separate secret names by commas"
        );
    }
}
