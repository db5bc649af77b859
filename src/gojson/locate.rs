//! Finding where a field path points in a kustomization's text, to report
//! a decoding error at its line and column.
//!
//! Only a failed decode asks, so nothing is recorded while files are
//! parsed: the text is read again here into a small tree of positions
//! (anchors kept once, aliases followed on lookup), and the path is walked
//! through it with the decoder's rules for keys (exact name first, then
//! ignoring ASCII case; the last of duplicate keys wins; `<<` merges
//! searched after the mapping's own keys).

use super::decode_error::Segment;
use saphyr_parser::{Event, Marker, Parser};
use std::collections::HashMap;

/// A position in the text, 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Line.
    pub line: usize,
    /// Column, in characters.
    pub column: usize,
    /// The scalar found there, as written (plain scalars), if it is one.
    pub scalar: Option<String>,
}

/// Where `path` leads in the first document of `text`: the key of its last
/// step when `at_key` (an unknown field), otherwise the value. When the
/// path cannot be followed to its end, the deepest step found; `None` when
/// the text cannot be read.
pub fn locate(text: &str, path: &[Segment], at_key: bool) -> Option<Location> {
    let tree = PositionTree::read(text)?;
    tree.find(path, at_key)
}

/// A node of the position tree.
#[derive(Debug, Clone)]
enum Node {
    Scalar(Marker, String),
    Seq(Marker, Vec<Node>),
    /// Entries: key text, key position, value.
    Map(Marker, Vec<(String, Marker, Node)>),
    Alias(Marker, usize),
}

impl Node {
    fn start(&self) -> Marker {
        match self {
            Node::Scalar(m, _) | Node::Seq(m, _) | Node::Map(m, _) | Node::Alias(m, _) => *m,
        }
    }
}

/// A collection being read: its node and anchor, and for a mapping the key
/// waiting for its value.
struct Open {
    node: Node,
    anchor: usize,
    key: Option<(String, Marker)>,
}

struct PositionTree {
    root: Node,
    anchors: HashMap<usize, Node>,
}

/// Bounds the alias hops of one lookup, against alias chains built to
/// waste time.
const MAX_HOPS: usize = 64;

impl PositionTree {
    fn read(text: &str) -> Option<PositionTree> {
        let mut parser = Parser::new_from_str(text);
        let mut stack: Vec<Open> = Vec::new();
        let mut anchors = HashMap::new();
        let mut root = None;
        while let Some(next) = parser.next_event() {
            let (event, span) = next.ok()?;
            let at = span.start;
            let (node, anchor) = match event {
                Event::StreamEnd | Event::DocumentEnd => break,
                Event::Scalar(value, _, anchor, _) => {
                    (Node::Scalar(at, value.into_owned()), anchor)
                }
                Event::Alias(id) => (Node::Alias(at, id), 0),
                Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                    let node = match matches!(event, Event::SequenceStart(..)) {
                        true => Node::Seq(at, Vec::new()),
                        false => Node::Map(at, Vec::new()),
                    };
                    stack.push(Open {
                        node,
                        anchor,
                        key: None,
                    });
                    continue;
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let open = stack.pop()?;
                    (open.node, open.anchor)
                }
                _ => continue,
            };
            if anchor != 0 {
                anchors.insert(anchor, node.clone());
            }
            match stack.last_mut() {
                None => root = Some(node),
                Some(open) => attach(open, node),
            }
        }
        Some(PositionTree {
            root: root?,
            anchors,
        })
    }

    fn find(&self, path: &[Segment], at_key: bool) -> Option<Location> {
        let mut node = self.resolve(&self.root)?;
        let mut position = node.start();
        for (i, segment) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            let Some((key_at, child)) = self.step(node, segment, 0) else {
                return Some(location(position, None));
            };
            if last && at_key {
                return Some(location(key_at.unwrap_or(child.start()), None));
            }
            node = self.resolve(child)?;
            position = child.start();
        }
        let scalar = match node {
            Node::Scalar(_, text) => Some(text.clone()),
            _ => None,
        };
        Some(location(position, scalar))
    }

    /// The node an alias stands for (or the node itself).
    fn resolve<'a>(&'a self, mut node: &'a Node) -> Option<&'a Node> {
        for _ in 0..MAX_HOPS {
            match node {
                Node::Alias(_, id) => node = self.anchors.get(id)?,
                other => return Some(other),
            }
        }
        None
    }

    /// One step down from `node`: the child and, for a mapping, its key's
    /// position.
    fn step<'a>(
        &'a self,
        node: &'a Node,
        segment: &Segment,
        depth: usize,
    ) -> Option<(Option<Marker>, &'a Node)> {
        match (node, segment) {
            (Node::Seq(_, items), Segment::Index(i)) => items.get(*i).map(|item| (None, item)),
            (Node::Map(_, entries), Segment::Key(key)) => {
                let own = entries.iter().rev();
                let found = own
                    .clone()
                    .find(|(k, _, _)| k == key)
                    .or_else(|| own.clone().find(|(k, _, _)| k.eq_ignore_ascii_case(key)));
                if let Some((_, key_at, value)) = found {
                    return Some((Some(*key_at), value));
                }
                if depth >= MAX_HOPS {
                    return None;
                }
                entries
                    .iter()
                    .filter(|(k, _, _)| k == "<<")
                    .find_map(|(_, _, source)| self.step_merged(source, segment, depth + 1))
            }
            _ => None,
        }
    }

    /// A step through a `<<` value: one mapping, or a list of them.
    fn step_merged<'a>(
        &'a self,
        source: &'a Node,
        segment: &Segment,
        depth: usize,
    ) -> Option<(Option<Marker>, &'a Node)> {
        match self.resolve(source)? {
            Node::Seq(_, items) => items
                .iter()
                .find_map(|item| self.step(self.resolve(item)?, segment, depth)),
            other => self.step(other, segment, depth),
        }
    }
}

fn attach(open: &mut Open, node: Node) {
    match &mut open.node {
        Node::Seq(_, items) => items.push(node),
        Node::Map(_, entries) => match open.key.take() {
            Some((key, key_at)) => entries.push((key, key_at, node)),
            None => {
                // A key: only scalar keys can name fields.
                let key = match &node {
                    Node::Scalar(_, text) => text.clone(),
                    _ => String::new(),
                };
                open.key = Some((key, node.start()));
            }
        },
        _ => {}
    }
}

fn location(marker: Marker, scalar: Option<String>) -> Location {
    Location {
        line: marker.line(),
        column: marker.col() + 1,
        scalar,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.into())
    }

    fn at(text: &str, path: &[Segment], at_key: bool) -> (usize, usize) {
        let l = locate(text, path, at_key).unwrap();
        (l.line, l.column)
    }

    #[test]
    fn values_and_keys() {
        let text = "resources:\n- a.yaml\nimages:\n- name: nginx\n  newTag: 2.0\n";
        let path = [key("images"), Segment::Index(0), key("newTag")];
        assert_eq!(at(text, &path, false), (5, 11));
        assert_eq!(at(text, &path, true), (5, 3));
        let l = locate(text, &path, false).unwrap();
        assert_eq!(l.scalar.as_deref(), Some("2.0"));
        assert_eq!(
            at(text, &[key("resources"), Segment::Index(0)], false),
            (2, 3)
        );
    }

    #[test]
    fn flow_style_case_folding_and_last_duplicate() {
        let text = "replicas: [{name: web, count: three}]\nNamePrefix: a\nnamePrefix: b\n";
        let path = [key("replicas"), Segment::Index(0), key("count")];
        assert_eq!(at(text, &path, false), (1, 31));
        assert_eq!(at(text, &[key("namePrefix")], false), (3, 13));
        let text = "NAMEPREFIX: 1\n";
        assert_eq!(at(text, &[key("namePrefix")], false), (1, 13));
    }

    #[test]
    fn aliases_and_merge_keys() {
        let text = "x: &img\n  name: nginx\n  newTag: 1\nimages:\n- *img\n- <<: *img\n  name: b\n";
        let path = [key("images"), Segment::Index(0), key("newTag")];
        assert_eq!(at(text, &path, false), (3, 11));
        let path = [key("images"), Segment::Index(1), key("newTag")];
        assert_eq!(at(text, &path, false), (3, 11));
        let path = [key("images"), Segment::Index(1), key("name")];
        assert_eq!(at(text, &path, false), (7, 9));
    }

    #[test]
    fn unknown_paths_stop_at_the_deepest_step_found() {
        let text = "images:\n- name: nginx\n";
        let path = [key("images"), Segment::Index(3), key("newTag")];
        // The list's position is its first item's.
        assert_eq!(at(text, &path, false), (2, 3));
        assert!(locate("a: [", &path, false).is_none());
    }
}
