//! Unified-diff hunks between two printed resources, each labelled with the
//! YAML path its changed lines share.

use super::paths::{hunk_path, LinePaths};
use super::Hunk;
use similar::{Algorithm, ChangeTag, TextDiff};

/// The hunks between `old` and `new` with `context` unchanged lines around
/// each change. Paths are given when both sides exist; a resource added or
/// removed whole is all one path.
pub(super) fn hunks(old: &str, new: &str, context: usize) -> Vec<Hunk> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_lines(old, new);
    let labelled = !old.is_empty() && !new.is_empty();
    let (old_paths, new_paths) = if labelled {
        (LinePaths::of(old), LinePaths::of(new))
    } else {
        Default::default()
    };
    let mut out = Vec::new();
    for group in diff.grouped_ops(context) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (old_range, new_range) = (
            first.old_range().start..last.old_range().end,
            first.new_range().start..last.new_range().end,
        );
        let mut lines = Vec::new();
        let (mut old_changed, mut new_changed) = (Vec::new(), Vec::new());
        for op in &group {
            for change in diff.iter_changes(op) {
                let text = change.value().strip_suffix('\n').unwrap_or(change.value());
                let sign = match change.tag() {
                    ChangeTag::Equal => ' ',
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                };
                lines.push(format!("{sign}{text}"));
                match (change.old_index(), change.new_index()) {
                    (Some(i), None) => old_changed.push(i + 1),
                    (None, Some(i)) => new_changed.push(i + 1),
                    _ => {}
                }
            }
        }
        let path = labelled
            .then(|| hunk_path(&old_paths, &old_changed, &new_paths, &new_changed))
            .flatten();
        out.push(Hunk {
            old_start: start(&old_range),
            old_lines: old_range.len(),
            new_start: start(&new_range),
            new_lines: new_range.len(),
            path,
            lines,
        });
    }
    out
}

/// Unified diff numbering: 1-based, and an empty range starts at the line
/// before it.
fn start(range: &std::ops::Range<usize>) -> usize {
    if range.is_empty() {
        range.start
    } else {
        range.start + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_carry_ranges_lines_and_paths() {
        let old = "a: 1\nspec:\n  image: x\n  replicas: 1\nz: 1\n";
        let new = "a: 1\nspec:\n  image: y\n  replicas: 1\nz: 1\n";
        let hunks = hunks(old, new, 1);
        assert_eq!(hunks.len(), 1);
        let hunk = &hunks[0];
        assert_eq!(hunk.header(), "@@ -2,3 +2,3 @@ spec.image");
        assert_eq!(
            hunk.lines,
            [" spec:", "-  image: x", "+  image: y", "   replicas: 1"]
        );
    }

    #[test]
    fn whole_resources_have_no_path() {
        let hunks = hunks("", "a: 1\nb: 2\n", 3);
        assert_eq!(hunks[0].header(), "@@ -0,0 +1,2 @@");
        assert_eq!(hunks[0].lines, ["+a: 1", "+b: 2"]);
        assert!(super::hunks("a: 1\n", "a: 1\n", 3).is_empty());
    }
}
