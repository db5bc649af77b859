//! JSON for tools (`--output json`). The schema, `krust.diff/v1`, is
//! documented in docs/diff.md; fields are only ever added to it.

use super::super::{Counts, DiffSet, EnvironmentDiff, Hunk, ResourceChange, ResourceKey};
use serde::Serialize;

/// The schema name written as `schema`.
pub const SCHEMA: &str = "krust.diff/v1";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    schema: &'static str,
    title: &'a str,
    summary: Summary,
    environments: Vec<Environment<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    environments: usize,
    environments_differing: usize,
    changed: usize,
    added: usize,
    removed: usize,
    unchanged: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Environment<'a> {
    name: &'a str,
    status: &'static str,
    changed: usize,
    added: usize,
    removed: usize,
    unchanged: usize,
    changes: Vec<Change<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Change<'a> {
    change: &'static str,
    title: String,
    paired_by: Option<&'static str>,
    old: Option<Key<'a>>,
    new: Option<Key<'a>>,
    hunks: Vec<JsonHunk<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Key<'a> {
    api_version: &'a str,
    kind: &'a str,
    namespace: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonHunk<'a> {
    old_start: usize,
    old_lines: usize,
    new_start: usize,
    new_lines: usize,
    path: Option<&'a str>,
    lines: &'a [String],
}

/// The set as one JSON document (pretty-printed, ending in a line break).
pub fn to_json(set: &DiffSet) -> String {
    let counts = set.counts();
    let document = Document {
        schema: SCHEMA,
        title: &set.title,
        summary: Summary {
            environments: set.environments.len(),
            environments_differing: set.differing().count(),
            changed: counts.changed,
            added: counts.added,
            removed: counts.removed,
            unchanged: counts.unchanged,
        },
        environments: set.environments.iter().map(environment).collect(),
    };
    let mut text = serde_json::to_string_pretty(&document).expect("plain data serializes");
    text.push('\n');
    text
}

fn environment(env: &EnvironmentDiff) -> Environment<'_> {
    let Counts {
        changed,
        added,
        removed,
        unchanged,
    } = env.report.counts();
    Environment {
        name: &env.name,
        status: env.status(),
        changed,
        added,
        removed,
        unchanged,
        changes: env.report.changes.iter().map(change).collect(),
    }
}

fn change(change: &ResourceChange) -> Change<'_> {
    Change {
        change: change.kind.label(),
        title: change.title(),
        paired_by: change.paired_by.map(|p| p.label()),
        old: change.old.as_ref().map(key),
        new: change.new.as_ref().map(key),
        hunks: change.hunks.iter().map(hunk).collect(),
    }
}

fn key(key: &ResourceKey) -> Key<'_> {
    Key {
        api_version: &key.api_version,
        kind: &key.kind,
        namespace: &key.namespace,
        name: &key.name,
    }
}

fn hunk(hunk: &Hunk) -> JsonHunk<'_> {
    JsonHunk {
        old_start: hunk.old_start,
        old_lines: hunk.old_lines,
        new_start: hunk.new_start,
        new_lines: hunk.new_lines,
        path: hunk.path.as_deref(),
        lines: &hunk.lines,
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::Presence;
    use super::super::tests::{change, env, set};
    use super::*;

    #[test]
    fn json_has_the_documented_shape() {
        let all = set(vec![
            env("dev", Presence::Deleted, vec![]),
            env("prod", Presence::Both, vec![change("a", &["-x", "+y"])]),
        ]);
        let json: serde_json::Value = serde_json::from_str(&to_json(&all)).unwrap();
        assert_eq!(json["schema"], "krust.diff/v1");
        assert_eq!(json["summary"]["environmentsDiffering"], 2);
        assert_eq!(json["summary"]["changed"], 1);
        assert_eq!(json["environments"][0]["status"], "deleted");
        let change = &json["environments"][1]["changes"][0];
        assert_eq!(change["change"], "changed");
        assert_eq!(change["pairedBy"], "key");
        assert_eq!(change["new"]["kind"], "ConfigMap");
        assert_eq!(change["hunks"][0]["path"], "data.x");
        assert_eq!(change["hunks"][0]["lines"][1], "+y");
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["schema", "title", "summary", "environments"]);
    }
}
