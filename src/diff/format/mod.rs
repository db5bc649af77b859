//! Printing a [`DiffSet`]: unified-diff text for terminals and pipes,
//! Markdown for pull-request comments ([`markdown`]), or JSON for tools
//! ([`json`]). Every format starts with the summary.

pub mod json;
pub mod markdown;

use super::{DiffSet, EnvironmentDiff, ResourceChange};
use std::fmt::Write;

pub use markdown::{to_markdown, to_markdown_parts, MARKDOWN_LIMIT};

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// How to print a report (`--output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DiffFormat {
    /// Unified diffs, coloured on a terminal.
    #[default]
    Text,
    /// Markdown for pull-request comments, each under GitHub's size limit.
    Markdown,
    /// JSON for tools (schema in docs/diff.md).
    Json,
}

/// Whether to colour terminal output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when the output is a terminal and `NO_COLOR` is unset or empty.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Decides for an output that is (or is not) a terminal, given the value
    /// of `NO_COLOR`. An explicit `always` or `never` wins over `NO_COLOR`.
    pub fn resolve(self, is_terminal: bool, no_color: Option<&str>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && no_color.is_none_or(str::is_empty),
        }
    }
}

/// Writes lines, coloured or not.
struct Painter<'a> {
    out: &'a mut String,
    color: bool,
}

impl Painter<'_> {
    fn line(&mut self, style: &str, line: &str) {
        if self.color && !style.is_empty() {
            let _ = writeln!(self.out, "{style}{line}{RESET}");
        } else {
            let _ = writeln!(self.out, "{line}");
        }
    }
}

/// The set as text: the summary (with one line per differing environment
/// when there are several), then for each differing environment its
/// resources, each as a title line, `---`/`+++` headers and hunks.
pub fn to_text(set: &DiffSet, color: bool) -> String {
    let mut out = String::new();
    let mut paint = Painter {
        out: &mut out,
        color,
    };
    paint.line(BOLD, &set.summary());
    let several = set.environments.len() > 1;
    if several {
        for env in set.differing() {
            paint.line("", &format!("  {}: {}", env.name, env.summary()));
        }
    }
    for env in set.differing() {
        if several {
            paint.line("", "");
            paint.line(BOLD, &format!("=== {}", environment_heading(env)));
        }
        for change in &env.report.changes {
            paint.line("", "");
            write_text_change(&mut paint, change);
        }
    }
    out
}

/// The environment's name, with `(environment added)` or `(environment
/// deleted)` when it exists on one side only.
fn environment_heading(env: &EnvironmentDiff) -> String {
    match env.status() {
        status @ ("added" | "deleted") => format!("{} (environment {status})", env.name),
        _ => env.name.clone(),
    }
}

fn write_text_change(paint: &mut Painter, change: &ResourceChange) {
    let (old_label, new_label) = header_labels(change);
    paint.line(BOLD, &change.title());
    paint.line(BOLD, &format!("--- {old_label}"));
    paint.line(BOLD, &format!("+++ {new_label}"));
    for hunk in &change.hunks {
        paint.line(CYAN, &hunk.header());
        for line in &hunk.lines {
            let style = match line.as_bytes().first() {
                Some(b'-') => RED,
                Some(b'+') => GREEN,
                _ => "",
            };
            paint.line(style, line);
        }
    }
}

/// `a/<key>` and `b/<key>`, with `/dev/null` for the missing side.
fn header_labels(change: &ResourceChange) -> (String, String) {
    let label = |prefix: &str, key: Option<&super::ResourceKey>| match key {
        Some(key) => format!("{prefix}/{}", key.path()),
        None => "/dev/null".to_string(),
    };
    (
        label("a", change.old.as_ref()),
        label("b", change.new.as_ref()),
    )
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::{ChangeKind, DiffReport, Hunk, PairedBy, Presence, ResourceKey};
    use super::*;

    pub fn change(name: &str, lines: &[&str]) -> ResourceChange {
        let key = ResourceKey {
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            namespace: "ns".into(),
            name: name.into(),
        };
        ResourceChange {
            kind: ChangeKind::Changed,
            old: Some(key.clone()),
            new: Some(key),
            paired_by: Some(PairedBy::Key),
            hunks: vec![Hunk {
                old_start: 1,
                old_lines: 1,
                new_start: 1,
                new_lines: 1,
                path: Some("data.x".into()),
                lines: lines.iter().map(|l| l.to_string()).collect(),
            }],
        }
    }

    pub fn env(name: &str, presence: Presence, changes: Vec<ResourceChange>) -> EnvironmentDiff {
        EnvironmentDiff {
            name: name.into(),
            presence,
            report: DiffReport {
                changes,
                unchanged: 0,
            },
        }
    }

    pub fn set(environments: Vec<EnvironmentDiff>) -> DiffSet {
        DiffSet {
            title: "old → new".into(),
            environments,
        }
    }

    #[test]
    fn color_choice_respects_no_color_in_auto_only() {
        assert!(ColorChoice::Auto.resolve(true, None));
        assert!(ColorChoice::Auto.resolve(true, Some("")));
        assert!(!ColorChoice::Auto.resolve(true, Some("1")));
        assert!(!ColorChoice::Auto.resolve(false, None));
        assert!(ColorChoice::Always.resolve(false, Some("1")));
        assert!(!ColorChoice::Never.resolve(true, None));
    }

    #[test]
    fn text_starts_with_the_summary() {
        let one = set(vec![env(
            "e",
            Presence::Both,
            vec![change("a", &["-x", "+y"])],
        )]);
        assert_eq!(
            to_text(&one, false),
            "1 changed, 0 added, 0 removed\n\nchanged v1 ConfigMap ns/a\n\
             --- a/v1/ConfigMap/ns/a\n+++ b/v1/ConfigMap/ns/a\n@@ -1 +1 @@ data.x\n-x\n+y\n"
        );
        let colored = to_text(&one, true);
        assert!(colored.contains("\x1b[31m-x\x1b[0m\n"), "{colored:?}");
    }

    #[test]
    fn text_of_several_environments_lists_each_one_first() {
        let all = set(vec![
            env("dev", Presence::Deleted, vec![]),
            env("prod", Presence::Both, vec![change("a", &["-x", "+y"])]),
            env("qa", Presence::Both, vec![]),
        ]);
        let text = to_text(&all, false);
        assert!(
            text.starts_with(
                "2 of 3 environments differ: 1 changed, 0 added, 0 removed\n  \
                 dev: 0 changed, 0 added, 0 removed (environment deleted)\n  \
                 prod: 1 changed, 0 added, 0 removed\n\n=== dev (environment deleted)\n\n=== prod\n\n\
                 changed v1 ConfigMap ns/a\n"
            ),
            "{text}"
        );
        assert!(!text.contains("qa"), "{text}");
    }
}
