//! The YAML path of each line of a printed resource, so that each hunk can
//! say where it is: `spec.template.spec.containers[name=web].image`.
//!
//! The printed text is parsed again (it is valid YAML by construction) and
//! every mapping key and sequence item is noted with the line it starts on;
//! a line belongs to the last of these at or before it, which covers the
//! continuation lines of long or block scalars. A sequence item is named by
//! its first identity field found in [`IDENTITY_FIELDS`] order
//! (`[name=web]`, `[containerPort=8080]`), else by its 0-based position
//! (`[2]`). Keys that are not plain words are quoted:
//! `metadata.annotations["example.com/owner"]`.

use saphyr_parser::{Event, Parser};
use std::collections::BTreeMap;

/// Fields that name an item of a list, most telling first.
const IDENTITY_FIELDS: [&str; 8] = [
    "name",
    "mountPath",
    "devicePath",
    "containerPort",
    "port",
    "key",
    "ip",
    "type",
];

/// One step into a document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Item(usize),
}

/// A shown path segment: a key, or an item's `[label]`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Item(String),
}

/// Where the lines of one printed resource are.
#[derive(Debug, Default)]
pub(super) struct LinePaths {
    /// (1-based line, path) for each key and item, in document order.
    starts: Vec<(usize, Vec<Step>)>,
    /// The best identity of each sequence item that has one:
    /// (rank in [`IDENTITY_FIELDS`], `field=value`).
    labels: BTreeMap<Vec<Step>, (usize, String)>,
}

/// A collection being walked.
enum Frame {
    Map {
        path: Vec<Step>,
        /// The key whose value comes next.
        key: Option<String>,
    },
    Seq {
        path: Vec<Step>,
        next: usize,
    },
}

impl LinePaths {
    /// Maps the lines of a printed resource. Text that does not parse (it
    /// always should) gives no paths rather than an error: paths only
    /// annotate the diff.
    pub(super) fn of(text: &str) -> LinePaths {
        let mut paths = LinePaths::default();
        let mut frames: Vec<Frame> = Vec::new();
        for next in Parser::new_from_str(text) {
            let Ok((event, span)) = next else {
                return LinePaths::default();
            };
            let line = span.start.line();
            match event {
                Event::Scalar(value, ..) => {
                    paths.node(&mut frames, line, Some(&value));
                }
                Event::MappingStart(..) => {
                    let path = paths.node(&mut frames, line, None);
                    frames.push(Frame::Map { path, key: None });
                }
                Event::SequenceStart(..) => {
                    let path = paths.node(&mut frames, line, None);
                    frames.push(Frame::Seq { path, next: 0 });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    frames.pop();
                }
                Event::DocumentEnd | Event::StreamEnd => break,
                _ => {}
            }
        }
        paths
    }

    /// Notes a node starting on `line` (a scalar with its text, or a
    /// collection) and returns its path.
    fn node(&mut self, frames: &mut [Frame], line: usize, scalar: Option<&str>) -> Vec<Step> {
        match frames.last_mut() {
            None => Vec::new(),
            Some(Frame::Seq { path, next }) => {
                let mut item = path.clone();
                item.push(Step::Item(*next));
                *next += 1;
                self.starts.push((line, item.clone()));
                item
            }
            Some(Frame::Map { path, key }) => match key.take() {
                None => {
                    // A key. Printed resources only have scalar keys; a
                    // collection key is named `?`.
                    let name = scalar.unwrap_or("?").to_string();
                    let mut at = path.clone();
                    at.push(Step::Key(name.clone()));
                    self.starts.push((line, at.clone()));
                    *key = Some(name);
                    at
                }
                Some(name) => {
                    if let (Some(rank), Some(value)) =
                        (IDENTITY_FIELDS.iter().position(|f| *f == name), scalar)
                    {
                        self.label(path, rank, &name, value);
                    }
                    let mut at = path.clone();
                    at.push(Step::Key(name));
                    at
                }
            },
        }
    }

    /// Records an identity of the mapping at `path` when it is a sequence
    /// item and this field ranks above any seen before.
    fn label(&mut self, path: &[Step], rank: usize, field: &str, value: &str) {
        if !matches!(path.last(), Some(Step::Item(_))) {
            return;
        }
        let label = format!("{field}={}", quote_if_needed(value, is_label_char));
        let slot = self
            .labels
            .entry(path.to_vec())
            .or_insert((rank, label.clone()));
        if rank < slot.0 {
            *slot = (rank, label);
        }
    }

    /// The path a 1-based line belongs to, as shown segments.
    fn segments(&self, line: usize) -> Vec<Segment> {
        let at = self.starts.partition_point(|(start, _)| *start <= line);
        let Some((_, steps)) = at.checked_sub(1).map(|i| &self.starts[i]) else {
            return Vec::new();
        };
        let mut shown = Vec::with_capacity(steps.len());
        for (i, step) in steps.iter().enumerate() {
            shown.push(match step {
                Step::Key(key) => Segment::Key(key.clone()),
                Step::Item(index) => match self.labels.get(&steps[..=i]) {
                    Some((_, label)) => Segment::Item(label.clone()),
                    None => Segment::Item(index.to_string()),
                },
            });
        }
        shown
    }
}

/// The path shared by the changed lines of a hunk: the longest common
/// path; when they share none, up to three paths listed; else nothing.
/// `old_lines` and `new_lines` are 1-based line numbers in each text.
pub(super) fn hunk_path(
    old: &LinePaths,
    old_lines: &[usize],
    new: &LinePaths,
    new_lines: &[usize],
) -> Option<String> {
    let mut paths: Vec<Vec<Segment>> = Vec::new();
    let all = old_lines
        .iter()
        .map(|&l| old.segments(l))
        .chain(new_lines.iter().map(|&l| new.segments(l)));
    for path in all {
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    let first = paths.first()?;
    let common = paths.iter().skip(1).fold(first.len(), |len, path| {
        first
            .iter()
            .zip(path)
            .take(len)
            .take_while(|(a, b)| a == b)
            .count()
    });
    if common > 0 {
        return Some(render(&first[..common]));
    }
    (paths.len() <= 3 && paths.iter().all(|p| !p.is_empty())).then(|| {
        paths
            .iter()
            .map(|p| render(p))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// `a.b[name=web].c`, with keys that are not plain words quoted.
fn render(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) if key.bytes().all(is_word_byte) && !key.is_empty() => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Key(key) => {
                out.push('[');
                out.push_str(&serde_json::Value::from(key.as_str()).to_string());
                out.push(']');
            }
            Segment::Item(label) => {
                out.push('[');
                out.push_str(label);
                out.push(']');
            }
        }
    }
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn is_label_char(b: u8) -> bool {
    is_word_byte(b) || matches!(b, b'.' | b'/' | b':')
}

/// The text as it is when every byte passes `plain`, else JSON-quoted.
fn quote_if_needed(text: &str, plain: fn(u8) -> bool) -> String {
    if !text.is_empty() && text.bytes().all(plain) {
        text.to_string()
    } else {
        serde_json::Value::from(text).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    example.com/owner: team
  name: web
spec:
  template:
    spec:
      containers:
      - image: web:1
        name: web
        ports:
        - containerPort: 8080
      - args:
        - |
          first
          second
        image: sidecar:1
";

    fn at(line: usize) -> String {
        render(&LinePaths::of(DEPLOYMENT).segments(line))
    }

    #[test]
    fn lines_get_the_path_of_their_key_or_item() {
        assert_eq!(at(1), "apiVersion");
        assert_eq!(at(3), "metadata");
        assert_eq!(at(5), "metadata.annotations[\"example.com/owner\"]");
        assert_eq!(at(11), "spec.template.spec.containers[name=web].image");
        assert_eq!(at(12), "spec.template.spec.containers[name=web].name");
        assert_eq!(
            at(14),
            "spec.template.spec.containers[name=web].ports[containerPort=8080].containerPort"
        );
        assert_eq!(at(17), "spec.template.spec.containers[1].args[0]");
        assert_eq!(at(19), "spec.template.spec.containers[1].image");
    }

    #[test]
    fn hunk_paths_share_a_prefix_or_list_a_few() {
        let paths = LinePaths::of(DEPLOYMENT);
        assert_eq!(
            hunk_path(&paths, &[11], &paths, &[11, 12]).as_deref(),
            Some("spec.template.spec.containers[name=web]")
        );
        assert_eq!(
            hunk_path(&paths, &[1], &paths, &[6]).as_deref(),
            Some("apiVersion, metadata.name")
        );
        assert_eq!(hunk_path(&paths, &[], &paths, &[1, 2, 6, 11]), None);
        assert_eq!(hunk_path(&paths, &[], &paths, &[]), None);
    }

    #[test]
    fn odd_labels_are_quoted() {
        let text = "items:\n- name: a b\n- name: ''\n";
        let paths = LinePaths::of(text);
        assert_eq!(render(&paths.segments(2)), "items[name=\"a b\"].name");
        assert_eq!(render(&paths.segments(3)), "items[name=\"\"].name");
        assert!(LinePaths::of("a: [unclosed\n").starts.is_empty());
    }
}
