//! Walking a field spec's path through one object.
//!
//! The rules are kustomize's (its field-spec filter over kyaml lookups):
//!
//! * The path splits on `/`; a leading `/` is ignored and `\/` escapes a
//!   slash inside a key. An empty element is an error.
//! * `name[]` names a sequence field. The brackets never make the walk
//!   create anything, but a null found there becomes an empty sequence.
//! * Whenever the walk meets a sequence, with or without `[]`, it walks the
//!   rest of the path in every element.
//! * A missing field ends the walk quietly unless the spec says `create`
//!   and the caller allows creation: intermediate fields become mappings and
//!   the last one becomes the caller's [`CreateKind`]. A null found where a
//!   field would be created is turned into that kind instead.
//! * A null in the middle of the path ends the walk; a scalar there is an
//!   error. At the end of the path the setter gets whatever is there,
//!   including null.

use super::error::{FieldSpecError, NodeKind, SetError, WalkError};
use super::FieldSpec;
use crate::resource::{Gvk, ResId};
use crate::yaml::Value;
use std::borrow::Cow;

/// What a walk may create at the end of a missing path (kustomize's
/// `CreateKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateKind {
    /// Never create anything, whatever the spec says.
    Nothing,
    /// Create a scalar. It is handed to the setter as [`Value::Null`] (an
    /// empty scalar), which prints as `null` unless the setter replaces it.
    Scalar,
    /// Create an empty mapping.
    Map,
}

/// The setter a walk calls on every field it reaches.
pub type Setter<'a> = dyn FnMut(&mut Value) -> Result<(), SetError> + 'a;

/// One step of the path a walk has taken from the top of the object: a
/// mapping key (borrowed from the spec) or a sequence position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkStep<'p> {
    /// A field of a mapping.
    Key(&'p str),
    /// An element of a sequence.
    Index(usize),
}

/// A setter that is also told where the field is.
pub type PathSetter<'a> = dyn FnMut(&[WalkStep<'_>], &mut Value) -> Result<(), SetError> + 'a;

/// Splits a field-spec path into its elements: on `/`, ignoring one leading
/// `/`, with `\/` standing for a slash inside an element.
pub fn split_path(path: &str) -> Vec<Cow<'_, str>> {
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 1 && parts[0].is_empty() {
        parts.remove(0);
    }
    let mut out: Vec<Cow<'_, str>> = Vec::with_capacity(parts.len());
    for part in parts {
        match out.last_mut() {
            Some(last) if last.ends_with('\\') => {
                let joined = last.to_mut();
                joined.pop();
                joined.push('/');
                joined.push_str(part);
            }
            _ => out.push(Cow::Borrowed(part)),
        }
    }
    out
}

/// A field spec with its path split, ready to apply to many objects.
#[derive(Debug, Clone)]
pub struct CompiledSpec<'a> {
    spec: &'a FieldSpec,
    parts: Vec<Cow<'a, str>>,
}

impl<'a> CompiledSpec<'a> {
    /// Splits `spec`'s path once.
    pub fn new(spec: &'a FieldSpec) -> CompiledSpec<'a> {
        CompiledSpec {
            spec,
            parts: split_path(&spec.path),
        }
    }

    /// The spec itself.
    pub fn spec(&self) -> &'a FieldSpec {
        self.spec
    }

    /// The path's elements as the walk looks them up: `[]` suffixes removed,
    /// spaces trimmed.
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.parts
            .iter()
            .map(|p| p.strip_suffix("[]").unwrap_or(p).trim())
    }

    /// True when the spec applies to objects of this `apiVersion` and kind.
    pub fn matches(&self, api_version: &str, kind: &str) -> bool {
        self.spec.matches(api_version, kind)
    }

    /// Applies `set` to every field the spec reaches in `object` (a
    /// resource's top-level mapping), if the spec's type matches it.
    pub fn apply(
        &self,
        object: &mut Value,
        create: CreateKind,
        set: &mut Setter<'_>,
    ) -> Result<(), FieldSpecError> {
        if !self.matches_object(object) {
            return Ok(());
        }
        self.apply_matched(object, create, set)
    }

    /// True when the spec applies to `object`'s `apiVersion` and kind.
    fn matches_object(&self, object: &Value) -> bool {
        let api_version = object.str_at(&["apiVersion"]).unwrap_or("");
        let kind = object.str_at(&["kind"]).unwrap_or("");
        self.matches(api_version, kind)
    }

    /// [`CompiledSpec::apply`] with a setter that also gets the path of each
    /// field it is handed.
    pub fn apply_at(
        &self,
        object: &mut Value,
        create: CreateKind,
        set: &mut PathSetter<'_>,
    ) -> Result<(), FieldSpecError> {
        if !self.matches_object(object) {
            return Ok(());
        }
        self.apply_matched_at(object, create, set)
    }

    /// [`CompiledSpec::apply`] for an object the caller has already checked
    /// with [`CompiledSpec::matches`].
    pub fn apply_matched(
        &self,
        object: &mut Value,
        create: CreateKind,
        set: &mut Setter<'_>,
    ) -> Result<(), FieldSpecError> {
        self.apply_matched_at(object, create, &mut |_, node| set(node))
    }

    /// [`CompiledSpec::apply_matched`] with a setter that also gets the
    /// path of each field it is handed.
    pub fn apply_matched_at(
        &self,
        object: &mut Value,
        create: CreateKind,
        set: &mut PathSetter<'_>,
    ) -> Result<(), FieldSpecError> {
        let walker = Walker {
            parts: &self.parts,
            create: if self.spec.create_if_missing {
                create
            } else {
                CreateKind::Nothing
            },
        };
        let mut path = Vec::with_capacity(self.parts.len());
        walker
            .visit(object, 0, &mut path, set)
            .map_err(|cause| FieldSpecError {
                path: self.spec.path.clone(),
                object: object_id(object).to_string(),
                cause: Box::new(cause),
            })
    }
}

/// An object's identity as kustomize reads it from the node.
fn object_id(object: &Value) -> ResId {
    let text = |path: &[&str]| object.str_at(path).unwrap_or("");
    ResId::new(
        Gvk::from_api_version(text(&["apiVersion"]), text(&["kind"])),
        text(&["metadata", "name"]),
        text(&["metadata", "namespace"]),
    )
}

struct Walker<'p> {
    parts: &'p [Cow<'p, str>],
    /// What to create at the end of the path; `Nothing` when the spec does
    /// not ask for creation.
    create: CreateKind,
}

impl<'p> Walker<'p> {
    fn visit(
        &self,
        node: &mut Value,
        depth: usize,
        path: &mut Vec<WalkStep<'p>>,
        set: &mut PathSetter<'_>,
    ) -> Result<(), WalkError> {
        if depth == self.parts.len() {
            return set(path, node).map_err(WalkError::Set);
        }
        match node {
            Value::Null => Ok(()),
            Value::Seq(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    path.push(WalkStep::Index(i));
                    let walked = self.visit(item, depth, path, set);
                    path.pop();
                    walked.map_err(|inner| WalkError::InSequence {
                        remaining: self.parts[depth..].iter().map(|p| p.to_string()).collect(),
                        inner: Box::new(inner),
                    })?;
                }
                Ok(())
            }
            Value::Map(_) => self.visit_field(node, depth, path, set),
            _ => Err(WalkError::NotACollection),
        }
    }

    /// Looks up (or creates) the field named by `parts[depth]` in the
    /// mapping `node` and walks on from it.
    fn visit_field(
        &self,
        node: &mut Value,
        depth: usize,
        path: &mut Vec<WalkStep<'p>>,
        set: &mut PathSetter<'_>,
    ) -> Result<(), WalkError> {
        let part: &'p str = &self.parts[depth];
        let (name, is_seq) = match part.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (part, false),
        };
        if name.is_empty() {
            return Err(WalkError::EmptyFieldName);
        }
        // kyaml trims path elements before looking them up; a name of only
        // spaces looks up nothing and stays on the same node.
        let key = name.trim();
        if key.is_empty() {
            return self.visit(node, depth + 1, path, set);
        }
        check_plain_field(name, key, node)?;
        let last = depth + 1 == self.parts.len();
        // What a missing or null field turns into, if anything.
        let shape = match (self.create, is_seq, last) {
            (_, true, _) => Shape::Seq,
            (CreateKind::Nothing, false, _) => Shape::Keep,
            (CreateKind::Scalar, false, true) => Shape::Scalar,
            (_, false, _) => Shape::Map,
        };
        let map = node
            .as_map_mut()
            .expect("visit_field is only called on mappings");
        let may_create = !is_seq && self.create != CreateKind::Nothing;
        let index = match map.get_index_of(key) {
            Some(index) => index,
            None if may_create => map.insert_full(key.into(), Value::Null).0,
            None => return Ok(()),
        };
        let field = &mut map[index];
        if field.is_null() {
            match shape {
                Shape::Seq => *field = Value::Seq(Vec::new().into()),
                Shape::Map => *field = Value::new_map(),
                Shape::Scalar | Shape::Keep => {}
            }
        }
        path.push(WalkStep::Key(key));
        let walked = self.visit(field, depth + 1, path, set);
        path.pop();
        walked
    }
}

/// What a null field becomes before the walk goes on.
#[derive(Clone, Copy)]
enum Shape {
    Keep,
    Scalar,
    Map,
    Seq,
}

/// kyaml reads some path elements as list selectors rather than field
/// names (numbers, `-`, `*`, `[k=v]`). In a mapping they all fail; this
/// reports them as kyaml does.
fn check_plain_field(name: &str, key: &str, node: &Value) -> Result<(), WalkError> {
    let lookup_error = |cause: SetError| WalkError::Lookup {
        field: name.to_string(),
        cause,
    };
    if let Some(index) = parse_go_int(key) {
        if index < 0 {
            return Err(lookup_error(SetError::Other(format!(
                "array index {index} cannot be negative"
            ))));
        }
        return Err(lookup_error(SetError::wrong_kind(NodeKind::Sequence, node)));
    }
    if key == "*" {
        return Err(lookup_error(SetError::Other(
            "wildcard is not supported in PathGetter".to_string(),
        )));
    }
    if key == "-" || (key.starts_with('[') && key.ends_with(']')) {
        return Err(lookup_error(SetError::wrong_kind(NodeKind::Sequence, node)));
    }
    Ok(())
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits.
fn parse_go_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply_field_spec(
        object: &mut Value,
        spec: &FieldSpec,
        create: CreateKind,
        set: &mut Setter<'_>,
    ) -> Result<(), FieldSpecError> {
        CompiledSpec::new(spec).apply(object, create, set)
    }
    use crate::yaml::Mapping;

    fn v(json: serde_json::Value) -> Value {
        Value::from(&json)
    }

    fn spec(kind: &str, path: &str, create: bool) -> FieldSpec {
        FieldSpec {
            kind: kind.into(),
            path: path.into(),
            create_if_missing: create,
            ..FieldSpec::default()
        }
    }

    /// A setter that adds `k: v` to mappings and ignores nulls.
    fn add_label(node: &mut Value) -> Result<(), SetError> {
        match node {
            Value::Null => Ok(()),
            Value::Map(m) => {
                m.insert("k".into(), "v".into());
                Ok(())
            }
            other => Err(SetError::wrong_kind(NodeKind::Mapping, other)),
        }
    }

    fn run(obj: &mut Value, s: &FieldSpec, create: CreateKind) -> Result<(), FieldSpecError> {
        apply_field_spec(obj, s, create, &mut add_label)
    }

    #[test]
    fn splits_paths_like_kustomize() {
        let p = |s| {
            split_path(s)
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(p("a/b/c"), ["a", "b", "c"]);
        assert_eq!(p("/a/b"), ["a", "b"]);
        assert_eq!(
            p("metadata/annotations/a.b\\/c"),
            ["metadata", "annotations", "a.b/c"]
        );
        assert_eq!(p("a\\/b\\/c/d"), ["a/b/c", "d"]);
        assert_eq!(p(""), [""]);
        assert_eq!(p("a/"), ["a", ""]);
    }

    #[test]
    fn creates_missing_paths_only_when_asked() {
        let mut obj = v(serde_json::json!({"kind": "Deployment"}));
        run(
            &mut obj,
            &spec("", "spec/selector/matchLabels", false),
            CreateKind::Map,
        )
        .unwrap();
        assert!(obj.get("spec").is_none());
        run(
            &mut obj,
            &spec("", "spec/selector/matchLabels", true),
            CreateKind::Nothing,
        )
        .unwrap();
        assert!(obj.get("spec").is_none());
        run(
            &mut obj,
            &spec("", "spec/selector/matchLabels", true),
            CreateKind::Map,
        )
        .unwrap();
        assert_eq!(
            obj.str_at(&["spec", "selector", "matchLabels", "k"]),
            Some("v")
        );
    }

    #[test]
    fn gvk_must_match() {
        let mut obj = v(serde_json::json!({"apiVersion": "v1", "kind": "Service"}));
        run(
            &mut obj,
            &spec("Deployment", "metadata/labels", true),
            CreateKind::Map,
        )
        .unwrap();
        assert!(obj.get("metadata").is_none());
    }

    #[test]
    fn sequences_are_walked_with_or_without_brackets() {
        let mut obj =
            v(serde_json::json!({"kind": "X", "a": [{"b": {}}, {"c": 1}, null, {"b": {}}]}));
        run(&mut obj, &spec("", "a/b", false), CreateKind::Map).unwrap();
        run(&mut obj, &spec("", "a[]/b", false), CreateKind::Map).unwrap();
        let expected = serde_json::json!([{"b": {"k": "v"}}, {"c": 1}, null, {"b": {"k": "v"}}]);
        assert_eq!(obj.get("a"), Some(&v(expected)));
        // With create, each element gets the field.
        run(&mut obj, &spec("", "a/m", true), CreateKind::Map).unwrap();
        assert_eq!(obj.str_at(&["a"]), None);
        let elems = obj.get("a").and_then(Value::as_seq).unwrap();
        assert_eq!(elems[1].str_at(&["m", "k"]), Some("v"));
    }

    #[test]
    fn bracketed_null_becomes_empty_sequence_but_missing_stays_missing() {
        let mut obj = v(serde_json::json!({"kind": "X", "spec": {"vct": null}}));
        run(
            &mut obj,
            &spec("", "spec/vct[]/metadata/labels", true),
            CreateKind::Map,
        )
        .unwrap();
        run(
            &mut obj,
            &spec("", "spec/other[]/metadata/labels", true),
            CreateKind::Map,
        )
        .unwrap();
        assert_eq!(obj.get("spec"), Some(&v(serde_json::json!({"vct": []}))));
    }

    #[test]
    fn nulls_become_mappings_when_creating_and_stay_otherwise() {
        let mut obj = v(serde_json::json!({"kind": "X", "a": null, "b": {"c": null}}));
        run(&mut obj, &spec("", "a/x", true), CreateKind::Map).unwrap();
        run(&mut obj, &spec("", "b/c", false), CreateKind::Map).unwrap();
        assert_eq!(obj.get("a"), Some(&v(serde_json::json!({"x": {"k": "v"}}))));
        assert_eq!(obj.get("b"), Some(&v(serde_json::json!({"c": null}))));
    }

    #[test]
    fn scalar_leaf_is_created_as_null_for_the_setter() {
        let mut obj = v(serde_json::json!({"kind": "X"}));
        let mut seen = Vec::new();
        let mut setter = |n: &mut Value| {
            seen.push(n.clone());
            *n = "set".into();
            Ok(())
        };
        apply_field_spec(
            &mut obj,
            &spec("", "spec/ns", true),
            CreateKind::Scalar,
            &mut setter,
        )
        .unwrap();
        assert_eq!(seen, vec![Value::Null]);
        assert_eq!(obj.str_at(&["spec", "ns"]), Some("set"));
    }

    #[test]
    fn errors_name_the_field_and_object() {
        let mut obj = v(
            serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "d"}, "spec": "foo"}),
        );
        let err = run(
            &mut obj,
            &spec("", "spec/selector/matchLabels", true),
            CreateKind::Map,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "considering field 'spec/selector/matchLabels' of object \
             Deployment.v1.apps/d.[noNs]: expected sequence or mapping node"
        );
        let mut obj = v(serde_json::json!({"kind": "D", "spec": [{"x": 1}, "a"]}));
        let err = run(
            &mut obj,
            &spec("", "spec/template/m", false),
            CreateKind::Map,
        )
        .unwrap_err();
        assert!(err
            .to_string()
            .ends_with("visit traversal on path: [template m]: expected sequence or mapping node"));
        let mut obj = v(serde_json::json!({"kind": "D", "metadata": {"labels": 5}}));
        let err = run(
            &mut obj,
            &spec("", "metadata/labels", true),
            CreateKind::Map,
        )
        .unwrap_err();
        assert!(err.to_string().ends_with(
            "wrong node kind: expected MappingNode but got ScalarNode: node contents:\n5\n"
        ));
    }

    #[test]
    fn empty_elements_and_list_selectors_are_errors() {
        let mut obj = v(serde_json::json!({"kind": "D", "a": {}}));
        let err = run(&mut obj, &spec("", "a//b", false), CreateKind::Map).unwrap_err();
        assert_eq!(*err.cause, WalkError::EmptyFieldName);
        let err = run(&mut obj, &spec("", "a/-1", false), CreateKind::Map).unwrap_err();
        assert!(err
            .to_string()
            .ends_with("fieldName: -1: array index -1 cannot be negative"));
        let err = run(&mut obj, &spec("", "a/0", false), CreateKind::Map).unwrap_err();
        assert!(matches!(*err.cause, WalkError::Lookup { .. }));
        // A missing first element is still an error only if reached.
        let mut empty = Value::Map(Mapping::new());
        run(&mut empty, &spec("", "", false), CreateKind::Map).unwrap_err();
    }
}
