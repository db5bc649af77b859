//! What a comparison produces: resource keys, per-resource changes with
//! their hunks, and the report of one environment.

use std::fmt;

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
    /// The key of a resource's object.
    pub fn of(value: &crate::yaml::Value) -> ResourceKey {
        let text = |path: &[&str]| value.str_at(path).unwrap_or_default().to_string();
        ResourceKey {
            api_version: text(&["apiVersion"]),
            kind: text(&["kind"]),
            namespace: text(&["metadata", "namespace"]),
            name: text(&["metadata", "name"]),
        }
    }

    /// The API group: `apps` for `apps/v1`, empty for the core group (`v1`).
    /// Kubernetes identifies an object by group, kind, namespace and name;
    /// the version is only how it is written.
    pub fn group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
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
    /// In both, with different content (or under a different key).
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

/// Why an old and a new resource were taken for the same object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PairedBy {
    /// The same group, kind, namespace and name (the version may differ).
    Key,
    /// Names that differ only in a kustomize content-hash suffix.
    HashSuffix,
    /// The same name in another namespace.
    Namespace,
    /// A name prefix/suffix rewrite seen on several resources.
    Rename,
}

impl PairedBy {
    /// `key`, `hash-suffix`, `namespace` or `rename`.
    pub fn label(self) -> &'static str {
        match self {
            PairedBy::Key => "key",
            PairedBy::HashSuffix => "hash-suffix",
            PairedBy::Namespace => "namespace",
            PairedBy::Rename => "rename",
        }
    }
}

/// One hunk of a unified diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// First old line shown (1-based; 0 when the old side is empty).
    pub old_start: usize,
    /// Old lines shown.
    pub old_lines: usize,
    /// First new line shown (1-based; 0 when the new side is empty).
    pub new_start: usize,
    /// New lines shown.
    pub new_lines: usize,
    /// The YAML path the changed lines share
    /// (`spec.template.spec.containers[name=web].image`), when there is one.
    pub path: Option<String>,
    /// The lines, each starting with ` `, `-` or `+`, without line breaks.
    pub lines: Vec<String>,
}

impl Hunk {
    /// `@@ -a,b +c,d @@`, followed by the path when known (where `git diff`
    /// puts the enclosing function).
    pub fn header(&self) -> String {
        let range = |start: usize, len: usize| match len {
            1 => start.to_string(),
            _ => format!("{start},{len}"),
        };
        let mut header = format!(
            "@@ -{} +{} @@",
            range(self.old_start, self.old_lines),
            range(self.new_start, self.new_lines)
        );
        if let Some(path) = &self.path {
            header.push(' ');
            header.push_str(path);
        }
        header
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
    /// How old and new were paired (none when added or removed).
    pub paired_by: Option<PairedBy>,
    /// The unified diff hunks.
    pub hunks: Vec<Hunk>,
}

impl ResourceChange {
    /// The key to show: the new one, or the old one for removals.
    pub fn key(&self) -> &ResourceKey {
        self.new
            .as_ref()
            .or(self.old.as_ref())
            .expect("a change has at least one side")
    }

    /// What the old key was, when the pairing matched a different one: the
    /// old name, `namespace/name` when the namespace differs, and the old
    /// apiVersion in front when that differs.
    pub fn renamed_from(&self) -> Option<String> {
        let (Some(old), Some(new)) = (&self.old, &self.new) else {
            return None;
        };
        if old == new {
            return None;
        }
        let name = if old.namespace == new.namespace {
            old.name.clone()
        } else {
            old.qualified_name()
        };
        Some(if old.api_version == new.api_version {
            name
        } else {
            format!("{} {name}", old.api_version)
        })
    }

    /// One line naming the change: `changed apps/v1 Deployment shop/web`,
    /// with `(was <old>)` when the pairing matched a different key.
    pub fn title(&self) -> String {
        match self.renamed_from() {
            Some(old) => format!("{} {} (was {old})", self.kind.label(), self.key()),
            None => format!("{} {}", self.kind.label(), self.key()),
        }
    }

    /// The hunks as unified-diff text (header and lines, each ending in a
    /// line break).
    pub fn hunk_text(&self) -> String {
        let mut text = String::new();
        for hunk in &self.hunks {
            text.push_str(&hunk.header());
            text.push('\n');
            for line in &hunk.lines {
                text.push_str(line);
                text.push('\n');
            }
        }
        text
    }
}

/// Counts of a comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Resources on both sides whose YAML differs.
    pub changed: usize,
    /// Resources only in the new render.
    pub added: usize,
    /// Resources only in the old render.
    pub removed: usize,
    /// Resources on both sides with the same YAML.
    pub unchanged: usize,
}

impl Counts {
    /// True when nothing was changed, added or removed.
    pub fn is_clean(&self) -> bool {
        self.changed + self.added + self.removed == 0
    }

    /// `N changed, N added, N removed`.
    pub fn summary(&self) -> String {
        format!(
            "{} changed, {} added, {} removed",
            self.changed, self.added, self.removed
        )
    }
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.changed += other.changed;
        self.added += other.added;
        self.removed += other.removed;
        self.unchanged += other.unchanged;
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

    /// The counts of each kind of change.
    pub fn counts(&self) -> Counts {
        Counts {
            changed: self.count(ChangeKind::Changed),
            added: self.count(ChangeKind::Added),
            removed: self.count(ChangeKind::Removed),
            unchanged: self.unchanged,
        }
    }

    /// `N changed, N added, N removed`.
    pub fn summary(&self) -> String {
        self.counts().summary()
    }
}

/// Whether an environment exists on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// On both sides.
    Both,
    /// Only on the new side: every resource is added.
    Added,
    /// Only on the old side: every resource is removed.
    Deleted,
}

/// The comparison of one environment.
#[derive(Debug, Clone)]
pub struct EnvironmentDiff {
    /// The environment's name (its path).
    pub name: String,
    /// Whether it exists on both sides.
    pub presence: Presence,
    /// What differs.
    pub report: DiffReport,
}

impl EnvironmentDiff {
    /// `changed`, `unchanged`, `added` or `deleted`.
    pub fn status(&self) -> &'static str {
        match self.presence {
            Presence::Added => "added",
            Presence::Deleted => "deleted",
            Presence::Both if self.report.is_empty() => "unchanged",
            Presence::Both => "changed",
        }
    }

    /// The counts, followed by `(environment added)` or `(environment
    /// deleted)` when it exists on one side only.
    pub fn summary(&self) -> String {
        let counts = self.report.summary();
        match self.presence {
            Presence::Both => counts,
            Presence::Added => format!("{counts} (environment added)"),
            Presence::Deleted => format!("{counts} (environment deleted)"),
        }
    }
}

/// Everything one call compared.
#[derive(Debug, Clone, Default)]
pub struct DiffSet {
    /// What was compared with what, for headings.
    pub title: String,
    /// Each environment, sorted by name.
    pub environments: Vec<EnvironmentDiff>,
}

impl DiffSet {
    /// The counts over every environment.
    pub fn counts(&self) -> Counts {
        let mut total = Counts::default();
        for env in &self.environments {
            total += env.report.counts();
        }
        total
    }

    /// True when some environment differs.
    pub fn differs(&self) -> bool {
        self.environments
            .iter()
            .any(|e| !e.report.is_empty() || e.presence != Presence::Both)
    }

    /// The environments that differ.
    pub fn differing(&self) -> impl Iterator<Item = &EnvironmentDiff> {
        self.environments
            .iter()
            .filter(|e| !e.report.is_empty() || e.presence != Presence::Both)
    }

    /// One line over all environments: the counts, and with several
    /// environments how many of them differ.
    pub fn summary(&self) -> String {
        match self.environments.as_slice() {
            [one] => one.summary(),
            all => format!(
                "{} of {} environments differ: {}",
                self.differing().count(),
                all.len(),
                self.counts().summary()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(api_version: &str, namespace: &str, name: &str) -> ResourceKey {
        ResourceKey {
            api_version: api_version.into(),
            kind: "Deployment".into(),
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    fn changed(old: ResourceKey, new: ResourceKey) -> ResourceChange {
        ResourceChange {
            kind: ChangeKind::Changed,
            old: Some(old),
            new: Some(new),
            paired_by: Some(PairedBy::Key),
            hunks: Vec::new(),
        }
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
        assert_eq!(key.group(), "");
        assert_eq!(self::key("apps/v1", "a", "b").group(), "apps");
    }

    #[test]
    fn titles_say_what_the_old_key_was() {
        let same = changed(key("apps/v1", "a", "web"), key("apps/v1", "a", "web"));
        assert_eq!(same.title(), "changed apps/v1 Deployment a/web");
        let renamed = changed(key("apps/v1", "a", "old"), key("apps/v1", "a", "web"));
        assert_eq!(
            renamed.title(),
            "changed apps/v1 Deployment a/web (was old)"
        );
        let moved = changed(key("apps/v1", "a", "web"), key("apps/v1", "b", "web"));
        assert_eq!(
            moved.title(),
            "changed apps/v1 Deployment b/web (was a/web)"
        );
        let version = changed(key("apps/v1beta1", "a", "w"), key("apps/v1", "a", "w"));
        assert_eq!(
            version.title(),
            "changed apps/v1 Deployment a/w (was apps/v1beta1 w)"
        );
    }

    #[test]
    fn hunk_headers_follow_unified_diff() {
        let hunk = Hunk {
            old_start: 3,
            old_lines: 1,
            new_start: 3,
            new_lines: 2,
            path: Some("spec.replicas".into()),
            lines: vec!["-a".into(), "+b".into(), "+c".into()],
        };
        assert_eq!(hunk.header(), "@@ -3 +3,2 @@ spec.replicas");
        let change = ResourceChange {
            hunks: vec![hunk],
            ..changed(key("v1", "", "x"), key("v1", "", "x"))
        };
        assert_eq!(
            change.hunk_text(),
            "@@ -3 +3,2 @@ spec.replicas\n-a\n+b\n+c\n"
        );
    }
}
