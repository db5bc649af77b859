//! Comparing two renders resource by resource.
//!
//! Resources are keyed by apiVersion, kind, namespace and name. Each key
//! present on both sides whose printed YAML differs is *changed*; the rest
//! are *added* or *removed*, except that a removed and an added resource
//! whose names differ only in a kustomize content-hash suffix (a generated
//! ConfigMap or Secret whose data changed) are paired as one changed
//! resource. Every entry carries a unified diff of the printed YAML.
//!
//! Secret values (`data`, `stringData`) are masked unless
//! [`DiffOptions::show_secrets`]: each value is replaced by a fingerprint
//! that is the same for equal values within one comparison (so changed keys
//! still show) but reveals nothing across runs.
//!
//! * [`diff_renders`] compares two resource lists;
//! * [`format`] prints a report as terminal text or as Markdown;
//! * [`source`] builds the two sides: directories, or a directory as of a
//!   git revision.

pub mod format;
mod mask;
mod pair;
pub mod source;

use crate::resource::{Resource, ResourceList};
use crate::yaml::print_document;
use anyhow::{Context, Result};
use rayon::prelude::*;
use similar::{Algorithm, TextDiff};
use std::fmt;

/// Options of a comparison.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Unchanged lines shown around each change.
    pub context_lines: usize,
    /// Pair names that differ only in a kustomize hash suffix.
    pub pair_hash_suffixes: bool,
    /// Show Secret `data`/`stringData` values instead of masking them
    /// (`--show-secrets`).
    pub show_secrets: bool,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            context_lines: 3,
            pair_hash_suffixes: true,
            show_secrets: false,
        }
    }
}

/// The identity a diff matches resources on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceKey {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace` as printed (empty when unset).
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
}

impl ResourceKey {
    /// The key of a resource.
    pub fn of(resource: &Resource) -> ResourceKey {
        ResourceKey {
            api_version: resource.api_version().to_string(),
            kind: resource.kind().to_string(),
            namespace: resource.namespace().to_string(),
            name: resource.name().to_string(),
        }
    }

    /// `namespace/name`, or just the name for resources without namespace.
    pub fn qualified_name(&self) -> String {
        if self.namespace.is_empty() {
            self.name.clone()
        } else {
            format!("{}/{}", self.namespace, self.name)
        }
    }

    /// A path-like form for diff headers:
    /// `apiVersion/kind/namespace/name`, with `_` for no namespace.
    pub fn path(&self) -> String {
        let namespace = if self.namespace.is_empty() {
            "_"
        } else {
            &self.namespace
        };
        format!(
            "{}/{}/{}/{}",
            self.api_version, self.kind, namespace, self.name
        )
    }
}

impl fmt::Display for ResourceKey {
    /// `apps/v1 Deployment shop/web`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.api_version,
            self.kind,
            self.qualified_name()
        )
    }
}

/// How a resource differs between the renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Only in the new render.
    Added,
    /// Only in the old render.
    Removed,
    /// In both, with different content (or a different hash suffix).
    Changed,
}

impl ChangeKind {
    /// `added`, `removed` or `changed`.
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One resource that differs.
#[derive(Debug, Clone)]
pub struct ResourceChange {
    /// What happened to it.
    pub kind: ChangeKind,
    /// Its key in the old render (none when added).
    pub old: Option<ResourceKey>,
    /// Its key in the new render (none when removed).
    pub new: Option<ResourceKey>,
    /// The unified diff hunks (`@@` lines and body), without file headers.
    pub hunks: String,
}

impl ResourceChange {
    /// The key to show: the new one, or the old one for removals.
    pub fn key(&self) -> &ResourceKey {
        self.new
            .as_ref()
            .or(self.old.as_ref())
            .expect("a change has at least one side")
    }

    /// The old name when a hash-suffix pairing renamed the resource.
    pub fn renamed_from(&self) -> Option<&str> {
        match (&self.old, &self.new) {
            (Some(old), Some(new)) if old.name != new.name => Some(&old.name),
            _ => None,
        }
    }

    /// One line naming the change: `changed apps/v1 Deployment shop/web`.
    pub fn title(&self) -> String {
        match self.renamed_from() {
            Some(old) => format!("{} {} (was {old})", self.kind.label(), self.key()),
            None => format!("{} {}", self.kind.label(), self.key()),
        }
    }
}

/// The outcome of a comparison.
#[derive(Debug, Clone, Default)]
pub struct DiffReport {
    /// Every resource that differs, sorted by key.
    pub changes: Vec<ResourceChange>,
    /// Resources present and identical on both sides.
    pub unchanged: usize,
}

impl DiffReport {
    /// True when the renders are identical resource by resource.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many entries are of `kind`.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }

    /// `N changed, N added, N removed`.
    pub fn summary(&self) -> String {
        format!(
            "{} changed, {} added, {} removed",
            self.count(ChangeKind::Changed),
            self.count(ChangeKind::Added),
            self.count(ChangeKind::Removed)
        )
    }
}

/// A resource with its printed YAML.
struct Printed {
    key: ResourceKey,
    text: String,
}

fn print_all(resources: &ResourceList, masker: Option<&mask::Masker>) -> Result<Vec<Printed>> {
    resources
        .as_slice()
        .par_iter()
        .map(|r| {
            let mut text = String::new();
            let masked = masker.and_then(|m| m.mask(&r.value()));
            let whole = r.value();
            let value = masked.as_ref().unwrap_or(&whole);
            print_document(value, &mut text).with_context(|| format!("printing {}", r.id()))?;
            Ok(Printed {
                key: ResourceKey::of(r),
                text,
            })
        })
        .collect()
}

/// Compares two renders resource by resource.
pub fn diff_renders(
    old: &ResourceList,
    new: &ResourceList,
    options: &DiffOptions,
) -> Result<DiffReport> {
    let masker = (!options.show_secrets).then(mask::Masker::new);
    let old = print_all(old, masker.as_ref())?;
    let new = print_all(new, masker.as_ref())?;
    let old_keys: Vec<&ResourceKey> = old.iter().map(|p| &p.key).collect();
    let new_keys: Vec<&ResourceKey> = new.iter().map(|p| &p.key).collect();
    let pairing = pair::pair(&old_keys, &new_keys, options.pair_hash_suffixes);
    let mut report = DiffReport::default();
    let mut changes: Vec<ResourceChange> = pairing
        .pairs
        .par_iter()
        .filter_map(|&(o, n)| {
            let (old, new) = (&old[o], &new[n]);
            (old.text != new.text || old.key != new.key).then(|| ResourceChange {
                kind: ChangeKind::Changed,
                old: Some(old.key.clone()),
                new: Some(new.key.clone()),
                hunks: unified(&old.text, &new.text, options.context_lines),
            })
        })
        .collect();
    report.unchanged = pairing.pairs.len() - changes.len();
    changes.extend(pairing.removed.iter().map(|&o| ResourceChange {
        kind: ChangeKind::Removed,
        old: Some(old[o].key.clone()),
        new: None,
        hunks: unified(&old[o].text, "", options.context_lines),
    }));
    changes.extend(pairing.added.iter().map(|&n| ResourceChange {
        kind: ChangeKind::Added,
        old: None,
        new: Some(new[n].key.clone()),
        hunks: unified("", &new[n].text, options.context_lines),
    }));
    changes.sort_by(|a, b| a.key().cmp(b.key()));
    report.changes = changes;
    Ok(report)
}

/// The unified diff hunks between two texts, without file headers.
fn unified(old: &str, new: &str, context_lines: usize) -> String {
    TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(context_lines)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    fn resources(yaml: &str) -> ResourceList {
        let mut list = ResourceList::new();
        for value in parse_documents(yaml, std::path::Path::new("test.yaml")).unwrap() {
            list.push(Resource::new(value, None)).unwrap();
        }
        list
    }

    fn config_map(name: &str, value: &str) -> String {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: ns\ndata:\n  key: {value}\n")
    }

    fn diff(old: &str, new: &str) -> DiffReport {
        diff_renders(&resources(old), &resources(new), &DiffOptions::default()).unwrap()
    }

    #[test]
    fn identical_renders_have_no_changes() {
        let report = diff(&config_map("a", "1"), &config_map("a", "1"));
        assert!(report.is_empty());
        assert_eq!(report.unchanged, 1);
        assert_eq!(report.summary(), "0 changed, 0 added, 0 removed");
    }

    #[test]
    fn changed_value_gives_one_line_each_way() {
        let report = diff(&config_map("a", "1"), &config_map("a", "2"));
        assert_eq!(report.summary(), "1 changed, 0 added, 0 removed");
        let hunks = &report.changes[0].hunks;
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
    fn secret_values_are_masked_unless_asked() {
        let secret = |v: &str| {
            format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  a: {v}\n  b: c2FtZQ==\n")
        };
        let report = diff(&secret("b2xk"), &secret("bmV3"));
        let hunks = &report.changes[0].hunks;
        assert!(
            !hunks.contains("b2xk") && !hunks.contains("bmV3"),
            "{hunks}"
        );
        assert!(hunks.contains("-  a: ") && hunks.contains("+  a: ") && !hunks.contains("+  b:"));
        let options = DiffOptions {
            show_secrets: true,
            ..DiffOptions::default()
        };
        let shown = diff_renders(
            &resources(&secret("b2xk")),
            &resources(&secret("bmV3")),
            &options,
        );
        assert!(shown.unwrap().changes[0].hunks.contains("+  a: bmV3"));
    }

    #[test]
    fn key_formats() {
        let key = ResourceKey {
            api_version: "v1".into(),
            kind: "Namespace".into(),
            namespace: String::new(),
            name: "shop".into(),
        };
        assert_eq!(key.to_string(), "v1 Namespace shop");
        assert_eq!(key.path(), "v1/Namespace/_/shop");
    }
}
