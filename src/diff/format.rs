//! Printing a [`DiffReport`]: unified-diff text for terminals and pipes,
//! or Markdown for pull-request comments.

use super::{DiffReport, ResourceChange};
use std::fmt::Write;

/// GitHub rejects comments over 65,536 characters; this leaves room for a
/// bot's own wrapper text.
pub const MARKDOWN_LIMIT: usize = 65_000;

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
    /// Markdown for a pull-request comment, at most 65,000 characters.
    Markdown,
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

/// The report as unified diffs, one per resource, each under a title line
/// and `---`/`+++` headers, followed by the summary line.
pub fn to_text(report: &DiffReport, color: bool) -> String {
    let mut out = String::new();
    for change in &report.changes {
        write_text_change(&mut out, change, color);
        out.push('\n');
    }
    out.push_str(&report.summary());
    out.push('\n');
    out
}

fn write_text_change(out: &mut String, change: &ResourceChange, color: bool) {
    let (old_label, new_label) = header_labels(change);
    let paint = |out: &mut String, style: &str, line: &str| {
        if color {
            let _ = writeln!(out, "{style}{line}{RESET}");
        } else {
            let _ = writeln!(out, "{line}");
        }
    };
    paint(out, BOLD, &change.title());
    paint(out, BOLD, &format!("--- {old_label}"));
    paint(out, BOLD, &format!("+++ {new_label}"));
    for line in change.hunks.lines() {
        let style = match line.as_bytes().first() {
            Some(b'@') => CYAN,
            Some(b'-') => RED,
            Some(b'+') => GREEN,
            _ => "",
        };
        if style.is_empty() {
            let _ = writeln!(out, "{line}");
        } else {
            paint(out, style, line);
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

/// The report as Markdown: a summary line, then one collapsible section
/// with a `diff` code block per resource. Stays within `limit` bytes (so
/// within `limit` characters): sections that do not fit are listed by name
/// only, and a note says the output was truncated.
pub fn to_markdown(report: &DiffReport, title: &str, limit: usize) -> String {
    let mut out = format!("### {title}\n\n**{}**\n", report.summary());
    if report.is_empty() {
        out.push_str("\nNo differences.\n");
        return out;
    }
    let mut omitted: Vec<&ResourceChange> = Vec::new();
    for change in &report.changes {
        let section = markdown_section(change);
        // Keep room for the truncation note and the list of omitted names.
        if omitted.is_empty() && out.len() + section.len() + NOTE_RESERVE <= limit {
            out.push_str(&section);
        } else {
            omitted.push(change);
        }
    }
    if !omitted.is_empty() {
        push_omitted(&mut out, &omitted, report.changes.len(), limit);
    }
    out
}

/// Bytes kept free for the truncation note.
const NOTE_RESERVE: usize = 400;

fn markdown_section(change: &ResourceChange) -> String {
    let fence = fence_for(&change.hunks);
    format!(
        "\n<details><summary>{}</summary>\n\n{fence}diff\n{}{fence}\n\n</details>\n",
        escape_html(&change.title()),
        change.hunks
    )
}

/// Lists omitted resources by title while they fit, then the note.
fn push_omitted(out: &mut String, omitted: &[&ResourceChange], total: usize, limit: usize) {
    let note_for = |listed: usize| {
        let unlisted = match omitted.len() - listed {
            0 => String::new(),
            n => format!(", {n} of them not listed"),
        };
        format!(
            "\n_Output truncated to stay under {limit} characters: {} of {total} resource diffs \
             not shown{unlisted}. Run `krust diff` locally for the full diff._\n",
            omitted.len(),
        )
    };
    let mut listed = String::from("\nNot shown:\n\n");
    let mut shown = 0;
    for change in omitted {
        let line = format!("- {}\n", escape_html(&change.title()));
        let worst_note = note_for(0).len();
        if out.len() + listed.len() + line.len() + worst_note > limit {
            break;
        }
        listed.push_str(&line);
        shown += 1;
    }
    if shown > 0 {
        out.push_str(&listed);
    }
    let note = note_for(shown);
    if out.len() + note.len() <= limit {
        out.push_str(&note);
    }
}

/// A backtick fence longer than any run of backticks in `text`.
fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Escapes the characters that would start HTML inside `<summary>`.
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::super::{ChangeKind, ResourceKey};
    use super::*;

    fn change(name: &str, hunks: &str) -> ResourceChange {
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
            hunks: hunks.into(),
        }
    }

    fn report(changes: Vec<ResourceChange>) -> DiffReport {
        DiffReport {
            changes,
            unchanged: 0,
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
    fn text_has_headers_hunks_and_summary() {
        let text = to_text(&report(vec![change("a", "@@ -1 +1 @@\n-x\n+y\n")]), false);
        assert_eq!(
            text,
            "changed v1 ConfigMap ns/a\n--- a/v1/ConfigMap/ns/a\n+++ b/v1/ConfigMap/ns/a\n\
             @@ -1 +1 @@\n-x\n+y\n\n1 changed, 0 added, 0 removed\n"
        );
        let colored = to_text(&report(vec![change("a", "-x\n")]), true);
        assert!(colored.contains("\x1b[31m-x\x1b[0m\n"), "{colored:?}");
    }

    #[test]
    fn markdown_stays_under_the_limit() {
        let big = "+line\n".repeat(2000);
        let changes = (0..100).map(|i| change(&format!("r{i}"), &big)).collect();
        let md = to_markdown(&report(changes), "diff", MARKDOWN_LIMIT);
        assert!(md.len() <= MARKDOWN_LIMIT, "{}", md.len());
        assert!(md.contains("Output truncated"), "no note");
        assert!(
            md.contains("- changed v1 ConfigMap ns/r99"),
            "omitted not listed"
        );
    }

    #[test]
    fn markdown_fence_outgrows_backticks_in_content() {
        assert_eq!(fence_for("+a ```` b\n"), "`````");
        assert_eq!(fence_for("+plain\n"), "```");
        let md = to_markdown(&report(vec![change("a", "+x\n")]), "t", MARKDOWN_LIMIT);
        assert!(md.contains("```diff\n+x\n```\n"), "{md}");
    }
}
