//! Comparing two renders resource by resource.
//!
//! Old and new resources are paired (see `pair`): by key (apiVersion,
//! kind, namespace, name), then, where unambiguous, across kustomize hash
//! suffixes, namespaces and name prefixes/suffixes. A pair whose printed
//! YAML differs is *changed*; the rest are *added* or *removed*. Every
//! entry carries unified-diff hunks of the printed YAML, each labelled with
//! the YAML path it changes.
//!
//! Secret values are masked unless [`DiffOptions::show_secrets`] (see
//! `mask` for how, and `reveal` for what is shown instead).
//!
//! * [`diff_renders`] compares two resource lists;
//! * `environments` finds and builds the environments of one call (two
//!   directories, files or trees; or paths at a git revision and now);
//! * [`format`] prints the result as text, Markdown or JSON;
//! * [`cli`] is the `krust diff` command line.

pub mod cli;
pub(crate) mod environments;
pub(crate) mod format;
mod hunks;
pub(crate) mod mask;
pub(crate) mod pair;
mod paths;
mod report;
mod reveal;
mod secret;
pub(crate) mod source;

pub use pair::PairModes;
pub use report::{
    ChangeKind, Counts, DiffReport, DiffSet, EnvironmentDiff, Hunk, PairedBy, Presence,
    ResourceChange, ResourceKey,
};

use crate::resource::ResourceList;
use crate::yaml::{print_document, Value};
use anyhow::{Context, Result};
use rayon::prelude::*;

/// Options of a comparison.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Unchanged lines shown around each change.
    pub context_lines: usize,
    /// Which pairings beyond exact keys to try.
    pub pairing: PairModes,
    /// Show Secret values instead of masking them (`--show-secrets`).
    pub show_secrets: bool,
    /// An extra secret mixed into the masking key
    /// (`mask::MASK_KEY_ENV`).
    pub mask_key: Option<Vec<u8>>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            context_lines: 3,
            pairing: PairModes::ALL,
            show_secrets: false,
            mask_key: None,
        }
    }
}

/// A resource with its printed (masked or revealed) YAML.
struct Printed {
    key: ResourceKey,
    text: String,
}

/// Prints each object after `shown` (masking or revealing) rewrote it.
fn print_all(
    values: &[Value],
    shown: &(dyn Fn(&Value) -> Option<Value> + Sync),
) -> Result<Vec<Printed>> {
    values
        .par_iter()
        .map(|value| {
            let key = ResourceKey::of(value);
            let rewritten = shown(value);
            let mut text = String::new();
            print_document(rewritten.as_ref().unwrap_or(value), &mut text)
                .with_context(|| format!("printing {key}"))?;
            Ok(Printed { key, text })
        })
        .collect()
}

/// Compares two renders resource by resource.
///
/// ```
/// use krust::diff::{diff_renders, DiffOptions};
/// use std::fs;
/// let dir = tempfile::tempdir()?;
/// let env = |replicas: u32| -> anyhow::Result<krust::resource::ResourceList> {
///     fs::write(dir.path().join("kustomization.yaml"), "resources:\n- d.yaml\n")?;
///     fs::write(
///         dir.path().join("d.yaml"),
///         format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n"),
///     )?;
///     krust::build(dir.path(), &krust::BuildOptions::default())
/// };
/// let (old, new) = (env(2)?, env(3)?);
/// let report = diff_renders(&old, &new, &DiffOptions::default())?;
/// assert_eq!(report.counts().changed, 1);
/// assert!(diff_renders(&old, &old, &DiffOptions::default())?.is_empty());
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn diff_renders(
    old: &ResourceList,
    new: &ResourceList,
    options: &DiffOptions,
) -> Result<DiffReport> {
    let values = |list: &ResourceList| -> Vec<Value> {
        list.as_slice()
            .par_iter()
            .map(|r| r.value().into_owned())
            .collect()
    };
    diff_values(&values(old), &values(new), options)
}

/// Compares one environment; a missing side counts as empty, and the
/// environment as added or deleted.
pub fn diff_environment(
    name: &str,
    old: Option<&[Value]>,
    new: Option<&[Value]>,
    options: &DiffOptions,
) -> Result<EnvironmentDiff> {
    let presence = match (old, new) {
        (None, Some(_)) => Presence::Added,
        (Some(_), None) => Presence::Deleted,
        _ => Presence::Both,
    };
    let report = diff_values(old.unwrap_or_default(), new.unwrap_or_default(), options)
        .with_context(|| format!("comparing {name}"))?;
    Ok(EnvironmentDiff {
        name: name.to_string(),
        presence,
        report,
    })
}

/// Compares two lists of objects resource by resource.
pub fn diff_values(old: &[Value], new: &[Value], options: &DiffOptions) -> Result<DiffReport> {
    let (old, new) = if options.show_secrets {
        (
            print_all(old, &reveal::reveal)?,
            print_all(new, &reveal::reveal)?,
        )
    } else {
        let masker = mask::Masker::for_renders(old, new, options.mask_key.as_deref());
        let masked = |v: &Value| masker.mask(v);
        (print_all(old, &masked)?, print_all(new, &masked)?)
    };
    let old_keys: Vec<ResourceKey> = old.iter().map(|p| p.key.clone()).collect();
    let new_keys: Vec<ResourceKey> = new.iter().map(|p| p.key.clone()).collect();
    let pairing = pair::pair(&old_keys, &new_keys, options.pairing);
    let context = options.context_lines;
    let mut changes: Vec<ResourceChange> = pairing
        .pairs
        .par_iter()
        .filter_map(|&(o, n, by)| {
            let (old, new) = (&old[o], &new[n]);
            (old.text != new.text || old.key != new.key).then(|| ResourceChange {
                kind: ChangeKind::Changed,
                old: Some(old.key.clone()),
                new: Some(new.key.clone()),
                paired_by: Some(by),
                hunks: hunks::hunks(&old.text, &new.text, context),
            })
        })
        .collect();
    let unchanged = pairing.pairs.len() - changes.len();
    changes.extend(pairing.removed.iter().map(|&o| ResourceChange {
        kind: ChangeKind::Removed,
        old: Some(old[o].key.clone()),
        new: None,
        paired_by: None,
        hunks: hunks::hunks(&old[o].text, "", context),
    }));
    changes.extend(pairing.added.iter().map(|&n| ResourceChange {
        kind: ChangeKind::Added,
        old: None,
        new: Some(new[n].key.clone()),
        paired_by: None,
        hunks: hunks::hunks("", &new[n].text, context),
    }));
    // Removed before added for the same key; keys are unique per side.
    changes.sort_by(|a, b| {
        a.key()
            .cmp(b.key())
            .then(a.old.is_none().cmp(&b.old.is_none()))
    });
    Ok(DiffReport { changes, unchanged })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    fn values(yaml: &str) -> Vec<Value> {
        parse_documents(yaml, std::path::Path::new("test.yaml")).unwrap()
    }

    fn config_map(name: &str, value: &str) -> String {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: ns\ndata:\n  key: {value}\n")
    }

    fn diff(old: &str, new: &str) -> DiffReport {
        diff_values(&values(old), &values(new), &DiffOptions::default()).unwrap()
    }

    fn body(report: &DiffReport) -> String {
        report
            .changes
            .iter()
            .map(ResourceChange::hunk_text)
            .collect()
    }

    #[test]
    fn identical_renders_have_no_changes() {
        let report = diff(&config_map("a", "1"), &config_map("a", "1"));
        assert!(report.is_empty());
        assert_eq!(report.unchanged, 1);
        assert_eq!(report.summary(), "0 changed, 0 added, 0 removed");
    }

    #[test]
    fn changed_value_gives_one_line_each_way_under_its_path() {
        let report = diff(&config_map("a", "1"), &config_map("a", "2"));
        assert_eq!(report.summary(), "1 changed, 0 added, 0 removed");
        let hunks = body(&report);
        assert!(hunks.starts_with("@@ -1,6 +1,6 @@ data.key\n"), "{hunks}");
        assert!(hunks.contains("\n-  key: 1\n+  key: 2\n"), "{hunks}");
    }

    #[test]
    fn added_and_removed_are_reported_by_key() {
        let report = diff(&config_map("a", "1"), &config_map("b", "1"));
        assert_eq!(report.summary(), "0 changed, 1 added, 1 removed");
        assert_eq!(report.changes[0].title(), "removed v1 ConfigMap ns/a");
        assert_eq!(report.changes[1].title(), "added v1 ConfigMap ns/b");
    }

    #[test]
    fn hash_suffixed_names_pair_as_one_change() {
        let report = diff(
            &config_map("app-5bg9dh6dgh", "1"),
            &config_map("app-t2kdm48fcb", "2"),
        );
        assert_eq!(report.summary(), "1 changed, 0 added, 0 removed");
        assert_eq!(
            report.changes[0].title(),
            "changed v1 ConfigMap ns/app-t2kdm48fcb (was app-5bg9dh6dgh)"
        );
    }

    #[test]
    fn another_namespace_pairs_unless_switched_off() {
        let old = config_map("a", "1");
        let new = old.replace("namespace: ns", "namespace: prod");
        let report = diff(&old, &new);
        assert_eq!(report.summary(), "1 changed, 0 added, 0 removed");
        assert_eq!(report.changes[0].paired_by, Some(PairedBy::Namespace));
        assert_eq!(
            report.changes[0].title(),
            "changed v1 ConfigMap prod/a (was ns/a)"
        );
        let exact = DiffOptions {
            pairing: PairModes::NONE,
            ..DiffOptions::default()
        };
        let report = diff_values(&values(&old), &values(&new), &exact).unwrap();
        assert_eq!(report.summary(), "0 changed, 1 added, 1 removed");
    }

    fn secret(data: &str) -> String {
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n{data}")
    }

    #[test]
    fn secret_values_are_masked_unless_asked() {
        let old = secret("data:\n  a: b2xk\n  b: c2FtZQ==\n");
        let new = secret("data:\n  a: bmV3\n  b: c2FtZQ==\n");
        let hunks = body(&diff(&old, &new));
        assert!(
            !hunks.contains("b2xk") && !hunks.contains("bmV3"),
            "{hunks}"
        );
        assert!(
            hunks.contains("-  a: <hidden ") && hunks.contains("+  a: <hidden "),
            "{hunks}"
        );
        assert!(!hunks.contains("+  b:"), "{hunks}");
        let options = DiffOptions {
            show_secrets: true,
            ..DiffOptions::default()
        };
        let shown = diff_values(&values(&old), &values(&new), &options).unwrap();
        let hunks = body(&shown);
        assert!(hunks.contains("-  a: old\n+  a: new\n"), "{hunks}");
    }

    #[test]
    fn nested_string_data_changes_are_changes() {
        let old = secret("stringData:\n  n:\n    deep: OLD\n");
        let new = secret("stringData:\n  n:\n    deep: NEW\n");
        let report = diff(&old, &new);
        assert_eq!(report.summary(), "1 changed, 0 added, 0 removed");
        let hunks = body(&report);
        assert!(!hunks.contains("OLD") && !hunks.contains("NEW"), "{hunks}");
        assert!(hunks.contains("@@ -3,4 +3,4 @@ stringData.n\n"), "{hunks}");
    }

    #[test]
    fn same_inputs_give_the_same_report() {
        let old = format!(
            "{}---\n{}",
            secret("data:\n  a: b2xk\n"),
            config_map("x", "1")
        );
        let new = format!(
            "{}---\n{}",
            secret("data:\n  a: bmV3\n"),
            config_map("x", "2")
        );
        let first = body(&diff(&old, &new));
        assert_eq!(first, body(&diff(&old, &new)));
    }
}
