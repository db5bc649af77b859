//! The last step before printing: kustomize's clean-up of annotations.
//!
//! kustomize tracks its own state (previous names, prefixes, origins, input
//! file indexes) in annotations and strips them at the end. Stripping goes
//! through its typed annotation setter, which has two visible effects that
//! krust reproduces on every resource:
//!
//! * annotation values are written back as strings (`x: 1` becomes
//!   `x: "1"`, a null value becomes `"null"`, a mapping or a sequence `""`);
//! * an `annotations` field left empty (or null) is removed.
//!
//! With `buildMetadata`, the origin and transformations krust tracked in the
//! build state are written out as annotations first, and kept.

use crate::resource::origin::transformations_text;
pub use crate::resource::origin::{ORIGIN_ANNOTATION, TRANSFORMER_ANNOTATION};
use crate::resource::{Resource, ResourceList};
use crate::yaml::{Mapping, Value};

/// Annotations kustomize uses internally and never prints.
pub const INTERNAL_ANNOTATIONS: &[&str] = &[
    "internal.config.kubernetes.io/previousKinds",
    "internal.config.kubernetes.io/previousNames",
    "internal.config.kubernetes.io/prefixes",
    "internal.config.kubernetes.io/suffixes",
    "internal.config.kubernetes.io/previousNamespaces",
    "internal.config.kubernetes.io/allowNameChange",
    "internal.config.kubernetes.io/allowKindChange",
    "internal.config.kubernetes.io/refBy",
    "internal.config.kubernetes.io/generatorBehavior",
    "internal.config.kubernetes.io/needsHashSuffix",
    "internal.config.kubernetes.io/path",
    "internal.config.kubernetes.io/index",
    "internal.config.kubernetes.io/seqindent",
    "internal.config.kubernetes.io/id",
    "internal.config.kubernetes.io/annotations-migration-resource-id",
    "config.kubernetes.io/path",
    "config.kubernetes.io/index",
    "config.k8s.io/id",
];

/// Which build-metadata annotations survive the clean-up.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    /// Keep `config.kubernetes.io/origin`.
    pub origin: bool,
    /// Keep `alpha.config.kubernetes.io/transformations`.
    pub transformations: bool,
}

/// Strips internal annotations from every resource, as kustomize does after
/// a build, after writing out the tracked origins and transformations that
/// `keep` asks for.
pub fn clean_annotations(resources: &mut ResourceList, keep: Keep) {
    for r in resources.items_mut().iter_mut() {
        // Most resources have nothing to strip; those stay frozen.
        if has_build_metadata(r, keep) || annotations_need_cleaning(r, keep) {
            write_build_metadata(r, keep);
            strip_annotations(r, keep);
            r.rest();
        }
    }
}

/// True when [`strip_annotations`] would change the resource: it has
/// annotations that are null, empty, internal, or not all strings.
fn annotations_need_cleaning(r: &Resource, keep: Keep) -> bool {
    match r.value_at(&["metadata", "annotations"]).as_deref() {
        Some(v) if v.is_null() => true,
        Some(Value::Map(map)) => {
            map.is_empty()
                || map
                    .iter()
                    .any(|(key, value)| !keeps(key, keep) || !matches!(value, Value::String(_)))
        }
        _ => false,
    }
}

/// Drops the annotations kustomize never prints, writes the others back as
/// strings, and removes the field when nothing is left.
fn strip_annotations(r: &mut Resource, keep: Keep) {
    let Some(Value::Map(meta)) = r.map_mut().get_mut("metadata") else {
        return;
    };
    let Some(annotations) = meta.get_mut("annotations") else {
        return;
    };
    let emptied = match annotations {
        Value::Map(map) => {
            map.retain(|k, _| keeps(k, keep));
            for v in map.values_mut() {
                stringify(v);
            }
            map.is_empty()
        }
        v => v.is_null(),
    };
    if emptied {
        meta.shift_remove("annotations");
    }
}

/// True when [`write_build_metadata`] has something to write.
fn has_build_metadata(r: &Resource, keep: Keep) -> bool {
    (keep.origin && r.state.origin.is_some())
        || (keep.transformations && !r.state.transformations.is_empty())
}

/// Writes the tracked origin (`config.kubernetes.io/origin`) and
/// transformations (`alpha.config.kubernetes.io/transformations`) into the
/// resource's annotations, when `keep` asks for them and they were tracked.
fn write_build_metadata(r: &mut Resource, keep: Keep) {
    let origin = match &r.state.origin {
        Some(origin) if keep.origin => Some(origin.annotation_text().to_string()),
        _ => None,
    };
    let transformations = match r.state.transformations.as_slice() {
        [] => None,
        records if keep.transformations => Some(transformations_text(records)),
        _ => None,
    };
    if origin.is_none() && transformations.is_none() {
        return;
    }
    let Some(annotations) = annotations_mut(r) else {
        return;
    };
    let entries = [
        (ORIGIN_ANNOTATION, origin),
        (TRANSFORMER_ANNOTATION, transformations),
    ];
    for (key, text) in entries {
        if let Some(text) = text {
            annotations.insert(key.into(), Value::String(text.into()));
        }
    }
}

/// `metadata.annotations` as a mapping, created (or replacing a null) when
/// needed.
fn annotations_mut(r: &mut Resource) -> Option<&mut Mapping> {
    let value = r.value_mut();
    value.ensure_map("metadata")?;
    value.get_mut("metadata")?.ensure_map("annotations")
}

fn keeps(key: &str, keep: Keep) -> bool {
    if INTERNAL_ANNOTATIONS.contains(&key) {
        return false;
    }
    match key {
        ORIGIN_ANNOTATION => keep.origin,
        TRANSFORMER_ANNOTATION => keep.transformations,
        _ => true,
    }
}

/// Scalars become their text (as written, when it was kept), collections "",
/// and `null` the string "null" (what the typed setter reads from the node).
fn stringify(v: &mut Value) {
    if !v.is_scalar() {
        // kustomize reads annotation values as text; a mapping or a
        // sequence has none, so it is written back empty.
        *v = Value::String("".into());
    } else if let Value::Text(t) = v {
        // Kept text (`~`, `0x1F`, `1.0`) is what the setter reads.
        *v = Value::String(std::mem::take(&mut t.text));
    } else if v.is_null() {
        *v = Value::String("null".into());
    } else if let Some(text) = v.scalar_text() {
        if !matches!(v, Value::String(_)) {
            *v = Value::String(text.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;
    use crate::yaml::Mapping;

    fn with_annotations(annotations: Value) -> ResourceList {
        let mut meta = Mapping::new();
        meta.insert("name".into(), "a".into());
        meta.insert("annotations".into(), annotations);
        let mut m = Mapping::new();
        m.insert("kind".into(), "ConfigMap".into());
        m.insert("metadata".into(), Value::Map(meta));
        let mut list = ResourceList::new();
        list.push(Resource::new(Value::Map(m), None)).unwrap();
        list
    }

    #[test]
    fn empty_and_null_annotations_are_removed() {
        for empty in [Value::Null, Value::new_map()] {
            let mut list = with_annotations(empty);
            clean_annotations(&mut list, Keep::default());
            let r = &list.as_slice()[0];
            assert!(r.value().get_path(&["metadata", "annotations"]).is_none());
        }
    }

    #[test]
    fn internal_annotations_go_and_values_become_strings() {
        let mut a = Mapping::new();
        a.insert("config.kubernetes.io/index".into(), "0".into());
        a.insert(ORIGIN_ANNOTATION.into(), "o".into());
        a.insert("x".into(), Value::Int(1));
        a.insert("z".into(), Value::Null);
        let mut list = with_annotations(Value::Map(a));
        clean_annotations(&mut list, Keep::default());
        let got = list.as_slice()[0]
            .value()
            .get_path(&["metadata", "annotations"])
            .cloned()
            .unwrap();
        let mut want = Mapping::new();
        want.insert("x".into(), "1".into());
        want.insert("z".into(), "null".into());
        assert_eq!(got, Value::Map(want));
    }
}
