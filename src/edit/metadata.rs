//! `edit set|add|remove label|annotation`: `commonLabels`,
//! `commonAnnotations` and (with `--without-selector`) `labels` entries.

use super::doc::map_mut;
use crate::yaml::{Mapping, Value};
use anyhow::{bail, Result};
use indexmap::IndexMap;

/// Which metadata a command edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataKind {
    /// `commonLabels` (or a `labels` entry).
    Label,
    /// `commonAnnotations`.
    Annotation,
}

impl MetadataKind {
    fn word(self) -> &'static str {
        match self {
            MetadataKind::Label => "label",
            MetadataKind::Annotation => "annotation",
        }
    }

    fn common_field(self) -> &'static str {
        match self {
            MetadataKind::Label => "commonLabels",
            MetadataKind::Annotation => "commonAnnotations",
        }
    }
}

/// Options of `edit add label|annotation`.
#[derive(Debug, Clone, Copy, Default)]
pub struct AddOptions {
    /// Overwrite keys already present instead of failing.
    pub force: bool,
    /// Add a `labels` entry without selectors instead of `commonLabels`.
    pub without_selector: bool,
    /// With `without_selector`: also label pod templates.
    pub include_templates: bool,
}

/// Parses `key:value` arguments (a value may be wrapped in double quotes;
/// a bare `key` has an empty value). A later duplicate key wins.
pub fn parse_pairs(args: &[String], kind: MetadataKind) -> Result<IndexMap<String, String>> {
    let mut pairs = IndexMap::new();
    for arg in args {
        match arg.find(':') {
            Some(0) => bail!(
                "invalid {}: '{arg}' (need k:v pair where v may be quoted)",
                kind.word()
            ),
            None => pairs.insert(arg.clone(), String::new()),
            Some(colon) => pairs.insert(
                arg[..colon].to_string(),
                trim_quotes(&arg[colon + 1..]).to_string(),
            ),
        };
    }
    Ok(pairs)
}

/// [`parse_pairs`] on one comma-separated argument ("" gives no pairs).
pub fn parse_pair_list(arg: &str, kind: MetadataKind) -> Result<IndexMap<String, String>> {
    if arg.is_empty() {
        return Ok(IndexMap::new());
    }
    let items: Vec<String> = arg.split(',').map(str::to_string).collect();
    parse_pairs(&items, kind)
}

fn trim_quotes(s: &str) -> &str {
    match s.strip_prefix('"').and_then(|rest| rest.strip_suffix('"')) {
        Some(inner) if s.len() >= 2 => inner,
        _ => s,
    }
}

/// `edit set label|annotation`: sets the pairs, overwriting existing keys.
pub fn set_metadata(doc: &mut Mapping, kind: MetadataKind, args: &[String]) -> Result<()> {
    if args.is_empty() {
        bail!("must specify {}", kind.word());
    }
    let pairs = parse_pairs(args, kind)?;
    if kind == MetadataKind::Annotation {
        check_annotation_keys(&pairs)?;
    }
    write_pairs(map_mut(doc, kind.common_field()), &pairs, kind, true)
}

/// `edit add label|annotation`: adds the pairs; a key already present is
/// an error unless `force`.
pub fn add_metadata(
    doc: &mut Mapping,
    kind: MetadataKind,
    args: &[String],
    options: AddOptions,
) -> Result<()> {
    if args.is_empty() {
        bail!("must specify {}", kind.word());
    }
    if !options.without_selector && options.include_templates {
        bail!("--without-selector flag must be specified for --include-templates to work");
    }
    let pairs = parse_pairs(args, kind)?;
    if kind == MetadataKind::Label && options.without_selector {
        let mut entry = Mapping::new();
        entry.insert("pairs".into(), Value::new_map());
        entry.insert(
            "includeTemplates".into(),
            Value::Bool(options.include_templates),
        );
        let labels = super::doc::seq_mut(doc, "labels");
        labels.push(Value::Map(entry));
        let Some(Value::Map(entry)) = labels.last_mut() else {
            unreachable!("an entry was just pushed");
        };
        return write_pairs(map_mut(entry, "pairs"), &pairs, kind, options.force);
    }
    write_pairs(
        map_mut(doc, kind.common_field()),
        &pairs,
        kind,
        options.force,
    )
}

fn write_pairs(
    target: &mut Mapping,
    pairs: &IndexMap<String, String>,
    kind: MetadataKind,
    overwrite: bool,
) -> Result<()> {
    for (key, value) in pairs {
        if !overwrite && target.contains_key(key) {
            bail!("{} {key} already in kustomization file", kind.word());
        }
        target.insert(key.clone().into(), Value::String(value.as_str().into()));
    }
    Ok(())
}

/// `edit remove label|annotation`: removes the comma-separated keys of the
/// single argument; a missing key (or field) is an error unless `ignore`.
pub fn remove_metadata(
    doc: &mut Mapping,
    kind: MetadataKind,
    args: &[String],
    ignore: bool,
) -> Result<()> {
    // kustomize words these argument errors as "label" for both kinds.
    let [arg] = args else {
        if args.is_empty() {
            bail!("must specify label");
        }
        bail!("labels must be comma-separated, with no spaces");
    };
    let keys: Vec<&str> = arg.split(',').collect();
    if keys.iter().any(|k| k.is_empty()) {
        bail!("invalid label: '' (name is empty)");
    }
    let field = kind.common_field();
    let target = match doc.get_mut(field) {
        Some(Value::Map(map)) => Some(map),
        _ if ignore => None,
        _ => bail!("{field} is not defined in kustomization file"),
    };
    let mut empty = Mapping::new();
    let target = target.unwrap_or(&mut empty);
    for key in keys {
        if target.shift_remove(key).is_none() && !ignore {
            bail!("{} {key} is not defined in kustomization file", kind.word());
        }
    }
    Ok(())
}

/// kustomize's annotation key syntax: an optional DNS-like prefix and `/`,
/// then a name of up to 63 characters.
fn check_annotation_keys(pairs: &IndexMap<String, String>) -> Result<()> {
    if pairs.keys().all(|key| is_valid_annotation_key(key)) {
        return Ok(());
    }
    bail!(
        "invalid annotation key: see the syntax and character set rules at \
         https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/"
    )
}

fn is_valid_annotation_key(key: &str) -> bool {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    let prefix_ok = prefix.is_none_or(|p| {
        p.len() <= 253
            && p.starts_with(|c: char| c.is_ascii_alphabetic())
            && p.ends_with(|c: char| c.is_ascii_alphanumeric())
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    });
    let name_ok = (1..=63).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    prefix_ok && name_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn pairs_split_at_the_first_colon_and_lose_quotes() {
        let pairs = parse_pairs(
            &args(&["a:b", "c:\"d\"", "e:\"f:g\"", "h"]),
            MetadataKind::Label,
        );
        let pairs = pairs.unwrap();
        let flat: Vec<_> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(flat, [("a", "b"), ("c", "d"), ("e", "f:g"), ("h", "")]);
        let err = parse_pairs(&args(&[":x"]), MetadataKind::Annotation).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid annotation: ':x' (need k:v pair where v may be quoted)"
        );
    }

    #[test]
    fn adding_an_existing_key_needs_force() {
        let mut doc = Mapping::new();
        let kv = args(&["app:web"]);
        add_metadata(&mut doc, MetadataKind::Label, &kv, AddOptions::default()).unwrap();
        let err = add_metadata(&mut doc, MetadataKind::Label, &kv, AddOptions::default());
        assert_eq!(
            err.unwrap_err().to_string(),
            "label app already in kustomization file"
        );
    }

    #[test]
    fn annotation_keys_are_checked() {
        assert!(is_valid_annotation_key("example.com/a_b"));
        assert!(!is_valid_annotation_key("-a"));
        assert!(!is_valid_annotation_key("a/b/c"));
    }
}
