//! Markdown for pull-request comments.
//!
//! A comment starts with [`COMMENT_MARKER`] (so CI can find and replace its
//! earlier comments), a heading, the summary in bold and, with several
//! environments, a table of those that differ. Then each differing
//! environment gets a heading and each resource a collapsible `<details>`
//! section holding a `diff` code block.
//!
//! GitHub refuses comments over 65,536 characters. Every comment stays
//! within a byte limit (so within as many characters): sections go into up
//! to `max_parts` comments in order; a section too big for a comment of its
//! own is cut with a note; sections that fit in no comment are listed by
//! title in the last one, under a note saying how many were left out.

use super::super::{DiffSet, EnvironmentDiff, ResourceChange};

/// GitHub rejects comments over 65,536 characters; this leaves room for a
/// bot's own wrapper text.
pub const MARKDOWN_LIMIT: usize = 65_000;

/// The first line of every comment.
pub const COMMENT_MARKER: &str = "<!-- krust diff -->";

/// Bytes kept free in each comment for the part line and the final note.
const RESERVE: usize = 600;

/// Bytes the `_Part i of n._` line takes at most.
const PART_LINE_MAX: usize = 40;

/// Environments listed in the summary table at most.
const TABLE_ROWS: usize = 60;

/// The whole set as one comment of at most `limit` bytes.
pub fn to_markdown(set: &DiffSet, limit: usize) -> String {
    to_markdown_parts(set, limit, 1).remove(0)
}

/// The set as one or more comments (at most `max_parts`, at least one),
/// each of at most `limit` bytes.
pub fn to_markdown_parts(set: &DiffSet, limit: usize, max_parts: usize) -> Vec<String> {
    let several = set.environments.len() > 1;
    let head = format!("{COMMENT_MARKER}\n{}", head(set));
    let mut packer = Packer {
        head_len: head.len(),
        parts: vec![head],
        limit,
        max_parts: max_parts.max(1),
        current_env: None,
        started_envs: Vec::new(),
        omitted: Vec::new(),
        total: 0,
    };
    if !set.differs() {
        packer.parts[0].push_str("\nNo differences.\n");
    }
    for (index, env) in set.differing().enumerate() {
        if env.report.changes.is_empty() {
            packer.place(several.then_some((index, env)), None);
        }
        for change in &env.report.changes {
            packer.place(several.then_some((index, env)), Some(change));
        }
    }
    packer.finish()
}

/// The heading, summary and environment table.
fn head(set: &DiffSet) -> String {
    let mut out = format!("### {}\n\n**{}**\n", set.title, set.summary());
    if set.environments.len() > 1 && set.differs() {
        out.push_str("\n| environment | changed | added | removed | |\n|---|--:|--:|--:|---|\n");
        for env in set.differing().take(TABLE_ROWS) {
            let counts = env.report.counts();
            let status = match env.status() {
                "changed" => "",
                other => other,
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {status} |\n",
                code(&env.name).replace('|', "\\|"),
                counts.changed,
                counts.added,
                counts.removed
            ));
        }
        let more = set.differing().count().saturating_sub(TABLE_ROWS);
        if more > 0 {
            out.push_str(&format!(
                "\n_… and {more} more environments that differ._\n"
            ));
        }
    }
    out
}

/// Fills comments in order.
struct Packer {
    /// The comments so far, each starting with [`COMMENT_MARKER`].
    parts: Vec<String>,
    /// The length of the first comment's head.
    head_len: usize,
    limit: usize,
    max_parts: usize,
    /// The environment whose heading the current comment shows last.
    current_env: Option<usize>,
    /// Environments whose heading some comment showed.
    started_envs: Vec<usize>,
    /// Titles of the sections that fit nowhere.
    omitted: Vec<String>,
    /// Resource sections seen.
    total: usize,
}

impl Packer {
    /// Places one resource section (or, with no change, just the heading of
    /// an environment that has no resources).
    fn place(&mut self, env: Option<(usize, &EnvironmentDiff)>, change: Option<&ResourceChange>) {
        self.total += usize::from(change.is_some());
        if self.omitted.is_empty() && self.put(env, change) {
            return;
        }
        self.omitted.extend(change.map(|c| match env {
            Some((_, e)) => format!("{}: {}", e.name, c.title()),
            None => c.title(),
        }));
    }

    /// Adds the section to the current comment, or to a new one when it
    /// does not fit and another may be started; a section too big for a
    /// comment of its own is cut. False when it fits nowhere.
    fn put(
        &mut self,
        env: Option<(usize, &EnvironmentDiff)>,
        change: Option<&ResourceChange>,
    ) -> bool {
        let heading = self.heading(env);
        let part = self.parts.last().expect("one part at least");
        let room = self
            .limit
            .saturating_sub(part.len() + heading.len() + RESERVE);
        let full = change.map(section).unwrap_or_default();
        let fresh = part.len() <= self.fresh_len();
        let body = if full.len() <= room {
            full
        } else if !fresh && self.parts.len() < self.max_parts {
            self.parts.push(COMMENT_MARKER.to_string());
            self.current_env = None;
            return self.put(env, change);
        } else {
            match change.filter(|_| fresh).and_then(|c| cut_section(c, room)) {
                Some(cut) => cut,
                None => return false,
            }
        };
        let part = self.parts.last_mut().expect("one part at least");
        part.push_str(&heading);
        part.push_str(&body);
        if let Some((index, _)) = env {
            self.current_env = Some(index);
            if !self.started_envs.contains(&index) {
                self.started_envs.push(index);
            }
        }
        true
    }

    /// The length of the current comment before any section: the head in
    /// the first one, the marker in the others.
    fn fresh_len(&self) -> usize {
        match self.parts.len() {
            1 => self.head_len,
            _ => COMMENT_MARKER.len(),
        }
    }

    /// The environment heading to write before a section, if the current
    /// comment does not show it yet.
    fn heading(&self, env: Option<(usize, &EnvironmentDiff)>) -> String {
        let Some((index, env)) = env else {
            return String::new();
        };
        if self.current_env == Some(index) {
            return String::new();
        }
        let status = match env.status() {
            "added" | "deleted" => format!(" (environment {})", env.status()),
            _ => String::new(),
        };
        let continued = if self.started_envs.contains(&index) {
            " (continued)"
        } else {
            ""
        };
        format!("\n#### {}{status}{continued}\n", code(&env.name))
    }

    /// Adds the note on left-out sections and the part lines.
    fn finish(mut self) -> Vec<String> {
        if !self.omitted.is_empty() {
            let last = self.parts.last_mut().expect("one part at least");
            push_omitted(last, &self.omitted, self.total, self.limit);
        }
        let count = self.parts.len();
        if count == 1 {
            return self.parts;
        }
        self.parts
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                let body = part.strip_prefix(COMMENT_MARKER).unwrap_or(&part);
                format!("{COMMENT_MARKER}\n_Part {} of {count}._\n{body}", i + 1)
            })
            .collect()
    }
}

/// One resource's collapsible section.
fn section(change: &ResourceChange) -> String {
    let (open, text, close) = section_pieces(change);
    format!("{open}{text}{close}")
}

/// The section cut to at most `room` bytes, with a note on the lines left
/// out; `None` when not even one line fits.
fn cut_section(change: &ResourceChange, room: usize) -> Option<String> {
    let (open, text, close) = section_pieces(change);
    let note_room = 80;
    let budget = room.checked_sub(open.len() + close.len() + note_room)?;
    let mut kept = String::new();
    let mut shown = 0;
    for line in text.lines() {
        if kept.len() + line.len() + 1 > budget {
            break;
        }
        kept.push_str(line);
        kept.push('\n');
        shown += 1;
    }
    let left_out = text.lines().count() - shown;
    (shown > 0)
        .then(|| format!("{open}{kept}{close}\n_{left_out} more lines of this diff not shown._\n"))
}

/// The opening (summary and fence), the diff text and the closing.
fn section_pieces(change: &ResourceChange) -> (String, String, String) {
    let text = change.hunk_text();
    let fence = fence_for(&text);
    let open = format!(
        "\n<details><summary>{}</summary>\n\n{fence}diff\n",
        escape_html(&change.title())
    );
    let close = format!("{fence}\n\n</details>\n");
    (open, text, close)
}

/// Lists omitted sections by title while they fit, then the note; `out`
/// stays within `limit` less room for a part line.
fn push_omitted(out: &mut String, omitted: &[String], total: usize, shown_limit: usize) {
    let limit = shown_limit.saturating_sub(PART_LINE_MAX);
    let note_for = |listed: usize| {
        let unlisted = match omitted.len() - listed {
            0 => String::new(),
            n => format!(", {n} of them not listed"),
        };
        format!(
            "\n_Output truncated to stay under {shown_limit} characters: {} of {total} resource diffs \
             not shown{unlisted}. Run `krust diff` locally for the full diff._\n",
            omitted.len(),
        )
    };
    let worst_note = note_for(0).len();
    let mut listed = String::from("\nNot shown:\n\n");
    let mut shown = 0;
    for title in omitted {
        let line = format!("- {}\n", escape_html(title));
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

/// Inline code that survives backticks in the text.
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{ticks}{text}{ticks}")
    } else {
        format!("{ticks} {text} {ticks}")
    }
}

/// Escapes the characters that would start HTML inside `<summary>`.
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::super::super::Presence;
    use super::super::tests::{change, env, set};
    use super::*;

    fn big_changes(count: usize, lines: usize) -> Vec<ResourceChange> {
        let body: Vec<String> = (0..lines).map(|i| format!("+line {i}")).collect();
        let body: Vec<&str> = body.iter().map(String::as_str).collect();
        (0..count)
            .map(|i| change(&format!("r{i}"), &body))
            .collect()
    }

    #[test]
    fn one_comment_stays_under_the_limit_and_lists_the_rest() {
        let all = set(vec![env("e", Presence::Both, big_changes(100, 1000))]);
        let md = to_markdown(&all, MARKDOWN_LIMIT);
        assert!(md.len() <= MARKDOWN_LIMIT, "{}", md.len());
        assert!(
            md.starts_with("<!-- krust diff -->\n### old → new\n\n**100 changed"),
            "{md}"
        );
        assert!(md.contains("Output truncated"), "no note");
        assert!(
            md.contains("- changed v1 ConfigMap ns/r99"),
            "omitted not listed"
        );
    }

    #[test]
    fn parts_carry_everything_that_fits_in_them() {
        let all = set(vec![
            env("a", Presence::Both, big_changes(30, 300)),
            env("b", Presence::Deleted, vec![]),
        ]);
        let parts = to_markdown_parts(&all, 20_000, 10);
        assert!(parts.len() > 2, "{}", parts.len());
        for (i, part) in parts.iter().enumerate() {
            assert!(part.len() <= 20_000, "{}", part.len());
            assert!(
                part.starts_with(&format!("{COMMENT_MARKER}\n_Part {} of ", i + 1)),
                "{part}"
            );
        }
        let joined = parts.concat();
        assert!(!joined.contains("Output truncated"));
        for i in 0..30 {
            assert!(
                joined.contains(&format!("ns/r{i}</summary>")),
                "r{i} missing"
            );
        }
        assert!(parts[1].contains("#### `a` (continued)"), "{}", parts[1]);
        assert!(joined.contains("#### `b` (environment deleted)"));
        assert!(
            parts[0].contains("| `b` | 0 | 0 | 0 | deleted |"),
            "{}",
            parts[0]
        );
    }

    #[test]
    fn a_section_too_big_for_any_comment_is_cut() {
        let all = set(vec![env("e", Presence::Both, big_changes(1, 5000))]);
        let md = to_markdown(&all, 10_000);
        assert!(md.len() <= 10_000, "{}", md.len());
        assert!(md.contains("more lines of this diff not shown"), "{md}");
        assert!(!md.contains("Output truncated"), "{md}");
    }

    #[test]
    fn fences_and_code_outgrow_backticks() {
        assert_eq!(fence_for("+a ```` b\n"), "`````");
        assert_eq!(fence_for("+plain\n"), "```");
        assert_eq!(code("a`b"), "`` a`b ``");
        let md = to_markdown(
            &set(vec![env("e", Presence::Both, vec![change("a", &["+x"])])]),
            MARKDOWN_LIMIT,
        );
        assert!(
            md.contains("```diff\n@@ -1 +1 @@ data.x\n+x\n```\n"),
            "{md}"
        );
    }

    #[test]
    fn no_differences_say_so() {
        let md = to_markdown(&set(vec![env("e", Presence::Both, vec![])]), MARKDOWN_LIMIT);
        assert!(
            md.ends_with("**0 changed, 0 added, 0 removed**\n\nNo differences.\n"),
            "{md}"
        );
    }
}
