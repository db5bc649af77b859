//! Adding string entries (labels or annotations) at field specs, shared by
//! the label and annotation transformers.

use crate::fieldspec::{CompiledSpec, CreateKind, FieldSpec, NodeKind, SetError, WalkStep};
use crate::resource::{LinkPath, LinkSharing, Resource, ResourceList};
use crate::yaml::resolve::{resolve_text, Resolved, Schema};
use crate::yaml::{PathStep, Value};
use std::collections::BTreeMap;

/// Sets every `key: value` of `entries` in the mapping each of `specs`
/// reaches in each resource, creating mappings where a spec says so.
/// Values are always strings.
///
/// kustomize goes key by key (sorted), each key through every spec. When no
/// spec's path runs through another's target, one walk per spec setting
/// all keys gives the same result, and that is what happens here; otherwise
/// the keys go one at a time.
pub(crate) fn add_entries(
    resources: &mut ResourceList,
    entries: &BTreeMap<String, String>,
    specs: &[FieldSpec],
) -> anyhow::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    if let Some(key) = entries.keys().find(|k| !is_plain_string(k)) {
        if !resources.is_empty() {
            anyhow::bail!(
                "key {key:?} reads as {} when written unquoted, which kustomize does for the \
                 keys it sets, and then fails to print the object (json: unsupported type: \
                 map[interface {{}}]interface {{}})",
                non_string_kind(key)
            );
        }
    }
    let compiled: Vec<CompiledSpec<'_>> = specs.iter().map(CompiledSpec::new).collect();
    let key_by_key = some_path_extends_another(&compiled);
    let entries: Vec<(&str, &str)> = entries
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut matching: Vec<&CompiledSpec<'_>> = Vec::with_capacity(compiled.len());
    let mut paths = PathCache::default();
    let mut sharing = LinkSharing::default();
    resources.try_for_each_mut(|resource| {
        matching.clear();
        let (api_version, kind) = (resource.api_version(), resource.kind());
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        matching.extend(
            compiled
                .iter()
                .filter(|c| c.spec().matches_parts(group, version, kind)),
        );
        let mut slots = Slots::new(entries.len(), resource.has_links());
        if key_by_key {
            for (i, entry) in entries.iter().enumerate() {
                let mut setter = |path: &[WalkStep<'_>], node: &mut Value| {
                    slots.set(node, path, i, std::slice::from_ref(entry), &mut paths)
                };
                for spec in &matching {
                    spec.apply_at(resource.value_mut(), CreateKind::Map, &mut setter)?;
                }
            }
        } else {
            let mut setter = |path: &[WalkStep<'_>], node: &mut Value| {
                slots.set(node, path, 0, &entries, &mut paths)
            };
            for spec in &matching {
                spec.apply_matched_at(resource.value_mut(), CreateKind::Map, &mut setter)?;
            }
        }
        slots.finish(resource, &entries);
        sharing.share(resource);
        Ok(())
    })
}

/// Where one transformer run put its entries in one resource. kustomize
/// puts one node per key at every place the key was missing, so those
/// places stay linked (see [`crate::resource::LinkGroup`]); where the key
/// existed, its node is overwritten in place, which shows at every place
/// linked with it.
struct Slots {
    /// Per entry, the places it was added.
    created: Vec<Vec<LinkPath>>,
    /// Places an existing value was overwritten; only kept when the
    /// resource has links to spread the writes to.
    written: Option<Vec<LinkPath>>,
}

impl Slots {
    fn new(entries: usize, has_links: bool) -> Slots {
        Slots {
            created: vec![Vec::new(); entries],
            written: has_links.then(Vec::new),
        }
    }

    /// Sets `entries` (numbered from `first`) in the mapping `node` at
    /// `path`; see [`set_entry`].
    fn set(
        &mut self,
        node: &mut Value,
        path: &[WalkStep<'_>],
        first: usize,
        entries: &[(&str, &str)],
        paths: &mut PathCache,
    ) -> Result<(), SetError> {
        let Value::Map(map) = node else {
            return entries.iter().try_for_each(|(k, v)| set_entry(node, k, v));
        };
        for (i, (key, value)) in entries.iter().enumerate() {
            match map.get_mut(key) {
                Some(slot) => {
                    *slot = Value::String((*value).into());
                    if let Some(written) = &mut self.written {
                        written.push(paths.get(path, key));
                    }
                }
                None => {
                    map.insert((*key).into(), Value::String((*value).into()));
                    self.created[first + i].push(paths.get(path, key));
                }
            }
        }
        Ok(())
    }

    /// Spreads the in-place writes and links the new places.
    fn finish(self, resource: &mut Resource, entries: &[(&str, &str)]) {
        if let Some(written) = self.written {
            resource.spread_writes(&written);
        }
        for (places, (_, value)) in self.created.into_iter().zip(entries) {
            resource.link(places, Value::String((*value).into()));
        }
    }
}

/// The paths one transformer run writes, made once and shared by every
/// resource (most resources of a kind get the same paths).
#[derive(Default)]
struct PathCache(Vec<LinkPath>);

impl PathCache {
    /// The path of `key` in the mapping at `path`.
    fn get(&mut self, path: &[WalkStep<'_>], key: &str) -> LinkPath {
        let same = |known: &LinkPath| {
            known.len() == path.len() + 1
                && matches!(known.last(), Some(PathStep::Key(k)) if k == key)
                && known.iter().zip(path).all(|(a, b)| match (a, b) {
                    (PathStep::Key(a), WalkStep::Key(b)) => a == b,
                    (PathStep::Index(a), WalkStep::Index(b)) => a == b,
                    _ => false,
                })
        };
        if let Some(known) = self.0.iter().find(|k| same(k)) {
            return LinkPath::clone(known);
        }
        let made: LinkPath = path
            .iter()
            .map(|step| match step {
                WalkStep::Key(k) => PathStep::Key(k.to_string()),
                WalkStep::Index(i) => PathStep::Index(*i),
            })
            .chain(std::iter::once(PathStep::Key(key.to_string())))
            .collect();
        // Paths through lists differ from object to object; keep only a
        // bounded number so a long list cannot make lookups slow.
        if self.0.len() < 64 {
            self.0.push(LinkPath::clone(&made));
        }
        made
    }
}

/// True when `key`, written as a plain scalar, reads back as a string.
/// kustomize writes the keys it adds unquoted, so a key such as `1`,
/// `true`, `~` or `2024-01-01` becomes a number, boolean, null or time.
fn is_plain_string(key: &str) -> bool {
    crate::yaml::resolve::plain_reads_as_string(key)
}

/// What a key that is not [`is_plain_string`] reads as, for messages.
fn non_string_kind(key: &str) -> &'static str {
    match resolve_text(key, true, Schema::V3) {
        Resolved::Null => "null",
        Resolved::Bool(_) => "a boolean",
        Resolved::Int(_) | Resolved::UInt(_) => "an integer",
        Resolved::Float(_) => "a float",
        Resolved::Timestamp(_) => "a timestamp",
        Resolved::Str => "a string",
    }
}

/// True when two specs could apply to the same object and one's path is a
/// strict prefix of the other's: then writing a key through the first can
/// change what the second walks through.
fn some_path_extends_another(specs: &[CompiledSpec<'_>]) -> bool {
    specs.iter().enumerate().any(|(i, a)| {
        specs
            .iter()
            .enumerate()
            .any(|(j, b)| i != j && types_overlap(a.spec(), b.spec()) && is_strict_prefix(a, b))
    })
}

fn types_overlap(a: &FieldSpec, b: &FieldSpec) -> bool {
    let compatible = |x: &str, y: &str| x.is_empty() || y.is_empty() || x == y;
    compatible(&a.group, &b.group)
        && compatible(&a.version, &b.version)
        && compatible(&a.kind, &b.kind)
}

fn is_strict_prefix(a: &CompiledSpec<'_>, b: &CompiledSpec<'_>) -> bool {
    let (a_len, b_len) = (a.field_names().count(), b.field_names().count());
    a_len < b_len && a.field_names().zip(b.field_names()).all(|(x, y)| x == y)
}

/// Sets `key: value` in a mapping. A null is left alone (kustomize appends
/// to the null node, which still prints as null); anything else is an
/// error.
pub(crate) fn set_entry(node: &mut Value, key: &str, value: &str) -> Result<(), SetError> {
    match node {
        Value::Null => Ok(()),
        Value::Map(map) => {
            match map.get_mut(key) {
                Some(slot) => *slot = Value::String(value.into()),
                None => {
                    map.insert(key.into(), Value::String(value.into()));
                }
            }
            Ok(())
        }
        other => Err(SetError::wrong_kind(NodeKind::Mapping, other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;

    fn list(docs: serde_json::Value) -> ResourceList {
        let mut l = ResourceList::new();
        for d in docs.as_array().unwrap() {
            l.push(Resource::new(Value::from(d), None)).unwrap();
        }
        l
    }

    #[test]
    fn sets_strings_and_keeps_positions() {
        let mut l = list(serde_json::json!([
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "labels": {"x": 1, "z": "q"}}}
        ]));
        let entries = BTreeMap::from([
            ("x".to_string(), "1".to_string()),
            ("b".to_string(), "2".to_string()),
        ]);
        add_entries(&mut l, &entries, &[FieldSpec::new("metadata/labels", true)]).unwrap();
        let labels = l
            .iter()
            .next()
            .unwrap()
            .string_map("labels")
            .unwrap()
            .clone();
        let keys: Vec<&str> = labels.keys().collect();
        assert_eq!(keys, ["x", "z", "b"]);
        assert_eq!(labels.get("x"), Some(&Value::String("1".into())));
    }

    #[test]
    fn nested_specs_go_key_by_key() {
        let nested = [
            FieldSpec::new("metadata/labels", true),
            FieldSpec::new("metadata/labels/b", true),
        ];
        let compiled: Vec<CompiledSpec<'_>> = nested.iter().map(CompiledSpec::new).collect();
        assert!(some_path_extends_another(&compiled));
        let defaults = crate::fieldspec::TransformerConfig::defaults().common_labels;
        let compiled: Vec<CompiledSpec<'_>> = defaults.iter().map(CompiledSpec::new).collect();
        assert!(!some_path_extends_another(&compiled));
        // Key by key: the mapping the second spec creates at `labels.z`
        // comes between the two keys the first spec adds.
        let nested = [
            FieldSpec::new("metadata/labels", true),
            FieldSpec::new("metadata/labels/z", true),
        ];
        let mut l = list(
            serde_json::json!([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}]),
        );
        let entries = BTreeMap::from([
            ("a".to_string(), "1".to_string()),
            ("b".to_string(), "2".to_string()),
        ]);
        add_entries(&mut l, &entries, &nested).unwrap();
        let labels = l
            .iter()
            .next()
            .unwrap()
            .string_map("labels")
            .unwrap()
            .clone();
        let keys: Vec<&str> = labels.keys().collect();
        assert_eq!(keys, ["a", "z", "b"]);
        let z: serde_json::Value = labels.get("z").unwrap().into();
        assert_eq!(z, serde_json::json!({"a": "1", "b": "2"}));
    }

    #[test]
    fn null_targets_stay_null_and_scalars_are_errors() {
        let mut n = Value::Null;
        set_entry(&mut n, "k", "v").unwrap();
        assert_eq!(n, Value::Null);
        let mut s = Value::Int(5);
        let err = set_entry(&mut s, "k", "v").unwrap_err();
        assert_eq!(
            err.to_string(),
            "wrong node kind: expected MappingNode but got ScalarNode: node contents:\n5\n"
        );
    }
}
