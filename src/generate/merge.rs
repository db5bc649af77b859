//! Adding a generated object to the accumulated resources, honouring its
//! behavior (kustomize's "append, replace or merge").
//!
//! The generated object's identity (kind, name as generated, namespace) is
//! looked up among the accumulated entries, by their current identity or any
//! identity they had before renames (the caller decides through
//! [`AbsorbTarget::answers_to`]). Then:
//!
//! * no match: `create` (or no behavior) appends; `merge`/`replace` fail;
//! * one match: `create` fails; `replace` and `merge` overwrite the match in
//!   place with the generated object, which takes the old object's name and
//!   namespace, the union of both label sets and of both annotation sets
//!   (the generated side wins on equal keys; kustomize's internal build
//!   annotations come from the old side only), and for `merge` also the
//!   union of both `data` maps and of both `binaryData` maps (old values
//!   turned to strings, the generated side winning). Every other field comes
//!   from the generated object alone: a `merge` drops the old `immutable`
//!   and takes the generated Secret `type`. The result needs a hash suffix
//!   only if both the old entry and the generated object did. Tracked
//!   origins follow the annotation rules: `replace` takes the generated
//!   object's, `merge` keeps the old one's;
//! * several matches: an error.

use super::spec::Behavior;
use super::GeneratedResource;
use crate::resource::{ResId, Resource};
use crate::yaml::{Mapping, Value};
use anyhow::{bail, Result};

/// kustomize's internal build annotations: on `merge`/`replace` they are
/// taken from the old object only.
use crate::finalize::INTERNAL_ANNOTATIONS as BUILD_ANNOTATIONS;

/// One entry of the accumulated resources, as far as absorbing generated
/// objects is concerned.
pub trait AbsorbTarget {
    /// The entry's object.
    fn resource(&self) -> &Resource;

    /// Whether the entry's name still needs a content-hash suffix.
    fn needs_hash(&self) -> bool;

    /// True when `id` names this entry. The default compares with the
    /// current identity only; kustomize also accepts every identity the
    /// entry had before renames (prefixes, suffixes, namespaces).
    fn answers_to(&self, id: &ResId) -> bool {
        self.resource().id().same_object(id)
    }

    /// Replaces the entry's object and hash flag in place, keeping whatever
    /// else the entry tracks (such as its earlier identities).
    fn replace_object(&mut self, resource: Resource, needs_hash: bool);
}

impl AbsorbTarget for GeneratedResource {
    fn resource(&self) -> &Resource {
        &self.resource
    }

    fn needs_hash(&self) -> bool {
        self.needs_hash
    }

    fn replace_object(&mut self, resource: Resource, needs_hash: bool) {
        self.resource = resource;
        self.needs_hash = needs_hash;
    }
}

/// Resources in the build's list: earlier identities count as matches, and
/// merging keeps the build state (previous names, prefixes) of the target.
impl AbsorbTarget for Resource {
    fn resource(&self) -> &Resource {
        self
    }

    fn needs_hash(&self) -> bool {
        self.state.needs_hash
    }

    fn answers_to(&self, id: &ResId) -> bool {
        Resource::answers_to(self, id)
    }

    fn replace_object(&mut self, resource: Resource, needs_hash: bool) {
        self.state.needs_hash = needs_hash;
        self.state.origin.clone_from(&resource.state.origin);
        self.state.transformations = resource.state.transformations.clone();
        self.set_value(resource.into_value());
    }
}

/// Adds `generated` to `items` according to its behavior (see the module
/// docs). `wrap` turns it into an entry when it is appended.
pub fn absorb<T: AbsorbTarget>(
    items: &mut Vec<T>,
    generated: GeneratedResource,
    wrap: impl FnOnce(GeneratedResource) -> T,
) -> Result<()> {
    let id = generated.resource.id();
    let mut matches = items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.answers_to(&id))
        .map(|(i, _)| i);
    let (first, second) = (matches.next(), matches.next());
    match (first, second, generated.behavior) {
        (None, _, Behavior::Merge | Behavior::Replace) => {
            bail!("id {id} does not exist; cannot merge or replace")
        }
        (None, _, _) => items.push(wrap(generated)),
        (Some(_), Some(_), _) => {
            bail!("found multiple objects that could accept merge of {id}")
        }
        (Some(_), None, Behavior::Create | Behavior::Unspecified) => {
            bail!("id {id} exists; behavior must be merge or replace")
        }
        (Some(i), None, _) => {
            let old = &items[i];
            let merge = generated.behavior == Behavior::Merge;
            let (resource, needs_hash) = combine(old.resource(), old.needs_hash(), generated);
            refuse_non_string_keys(&resource, merge)?;
            items[i].replace_object(resource, needs_hash);
        }
    }
    Ok(())
}

/// The object and hash flag that replace `old` when `generated` (whose
/// behavior is `merge` or `replace`) lands on it.
pub fn combine(
    old: &Resource,
    old_needs_hash: bool,
    generated: GeneratedResource,
) -> (Resource, bool) {
    let GeneratedResource {
        mut resource,
        behavior,
        needs_hash,
    } = generated;
    let labels = merged_strings(
        old.string_map("labels").as_deref(),
        resource.string_map("labels").as_deref(),
    );
    let annotations = merged_annotations(
        old.string_map("annotations").as_deref(),
        resource.string_map("annotations").as_deref(),
    );
    resource.state.origin = surviving_origin(old, &resource, behavior);
    resource.state.transformations = old.state.transformations.clone();
    set_or_remove(resource.metadata_mut(), "labels", labels);
    set_or_remove(resource.metadata_mut(), "annotations", annotations);
    resource.set_name(old.name());
    if old.namespace().is_empty() {
        resource.metadata_mut().shift_remove("namespace");
    } else {
        resource.set_namespace(old.namespace());
    }
    if behavior == Behavior::Merge {
        for field in ["data", "binaryData"] {
            let merged = merged_strings(
                old.value_at(&[field]).as_deref().and_then(Value::as_map),
                resource
                    .value_at(&[field])
                    .as_deref()
                    .and_then(Value::as_map),
            );
            set_or_remove(resource.map_mut(), field, merged);
        }
    }
    (resource, old_needs_hash && needs_hash)
}

/// kustomize writes the maps it combines (labels and annotations, and with
/// `merge` also `data` and `binaryData`) back key by key as plain scalars,
/// so a key such as `123` or `true` is no longer a string and the object
/// cannot be printed.
fn refuse_non_string_keys(resource: &Resource, merge: bool) -> Result<()> {
    let object = resource.value();
    let maps = [
        object.get_path(&["metadata", "labels"]),
        object.get_path(&["metadata", "annotations"]),
        object.get("data").filter(|_| merge),
        object.get("binaryData").filter(|_| merge),
    ];
    for map in maps.into_iter().flatten().filter_map(Value::as_map) {
        if let Some(key) = map
            .keys()
            .find(|k| !crate::yaml::resolve::plain_reads_as_string(k))
        {
            bail!(
                "merging into {}: key {:?} reads as a non-string when written unquoted, as \
                 kustomize writes it (json: unsupported type: map[interface {{}}]interface {{}})",
                resource.id(),
                key
            );
        }
    }
    Ok(())
}

/// The origin of the combined object: `replace` takes the generated
/// object's origin, `merge` keeps the old one's; either falls back to the
/// other side when its choice has none. (kustomize merges the annotations,
/// generated side winning, then puts back the old origin on `merge`.) The
/// old object's transformations always survive: generated objects have none.
fn surviving_origin(
    old: &Resource,
    generated: &Resource,
    behavior: Behavior,
) -> Option<std::sync::Arc<crate::resource::Origin>> {
    let (first, second) = match behavior {
        Behavior::Merge => (old, generated),
        _ => (generated, old),
    };
    first
        .state
        .origin
        .clone()
        .or_else(|| second.state.origin.clone())
}

/// `old` overlaid with `new`, every value as its scalar text (collections
/// and null become empty strings, as kustomize reads them).
fn merged_strings(old: Option<&Mapping>, new: Option<&Mapping>) -> Mapping {
    let mut merged = Mapping::new();
    for (key, value) in old.into_iter().chain(new).flatten() {
        let text = value.scalar_text().unwrap_or_default();
        merged.insert(key.into(), Value::String(text.into()));
    }
    merged
}

fn merged_annotations(old: Option<&Mapping>, new: Option<&Mapping>) -> Mapping {
    let mut merged = merged_strings(old, new);
    for key in BUILD_ANNOTATIONS {
        match old.and_then(|m| m.get(key)) {
            Some(value) => {
                let text = value.scalar_text().unwrap_or_default();
                merged.insert((*key).into(), Value::String(text.into()));
            }
            None => {
                merged.shift_remove(key);
            }
        }
    }
    merged
}

fn set_or_remove(map: &mut Mapping, field: &str, value: Mapping) {
    if value.is_empty() {
        map.shift_remove(field);
    } else {
        map.insert(field.into(), Value::Map(value));
    }
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
