//! Label and annotation values that kustomize keeps linked.
//!
//! kustomize's label and annotation transformers make one YAML node per key
//! and resource, and put that same node at every place of the resource
//! where the key was missing (`metadata.labels`, selectors, pod templates,
//! ...). A place where the key already existed gets the value copied into
//! its own node instead. Several later steps overwrite an existing scalar
//! node in place rather than replacing it, and then the change shows at
//! every place holding that node:
//!
//! * a later label or annotation transformer setting the same key,
//! * a strategic merge patch writing a scalar over it (targeted or not),
//! * a replacement writing into it.
//!
//! Other steps build new nodes and so break the link at the places they
//! rebuild: a strategic merge patch that deletes the field or replaces an
//! enclosing mapping or list, a JSON patch (kustomize round-trips the whole
//! object through JSON), a replacement that replaces an enclosing mapping,
//! and rewriting `metadata.annotations` as a whole (what kustomize does
//! when it records a transformer in the object's annotations).
//!
//! krust keeps no node graph: a resource remembers, per link group, the
//! paths that share one value and the value itself, and the steps above
//! call in here to spread a write or to drop paths from their group.

use super::Resource;
use crate::yaml::{PathStep, Value};
use std::cmp::Ordering;
use std::sync::Arc;

/// A path from the top of an object. Shared: one transformer writes the
/// same paths in many objects.
pub type LinkPath = Arc<[PathStep]>;

/// Places of one object that share one value.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkGroup {
    /// The value every member holds.
    value: Value,
    /// Where it sits; always at least two places.
    members: Vec<LinkPath>,
}

/// The link groups of one object. Most objects a transformer touches end
/// up with equal groups (same paths, same value), so they share one copy
/// (see [`LinkSharing`]), copied on write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Links(Option<Arc<Vec<LinkGroup>>>);

impl Links {
    /// No groups.
    pub const NONE: Links = Links(None);

    /// True when there are no groups.
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|groups| groups.is_empty())
    }

    fn iter(&self) -> std::slice::Iter<'_, LinkGroup> {
        self.0
            .as_deref()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
    }

    fn make_mut(&mut self) -> &mut Vec<LinkGroup> {
        Arc::make_mut(self.0.get_or_insert_with(Default::default))
    }

    fn drop_if_empty(&mut self) {
        if self.is_empty() {
            self.0 = None;
        }
    }

    fn into_groups(self) -> Vec<LinkGroup> {
        match self.0 {
            Some(groups) => Arc::try_unwrap(groups).unwrap_or_else(|shared| (*shared).clone()),
            None => Vec::new(),
        }
    }

    fn from_groups(groups: Vec<LinkGroup>) -> Links {
        Links((!groups.is_empty()).then(|| Arc::new(groups)))
    }
}

/// Equal link groups seen lately, so that objects holding equal ones can
/// share one copy.
#[derive(Default)]
pub struct LinkSharing(Vec<Arc<Vec<LinkGroup>>>);

impl LinkSharing {
    /// Makes `resource` share its link groups with an earlier object
    /// holding equal ones, or remembers them for later objects.
    pub fn share(&mut self, resource: &mut Resource) {
        let Some(groups) = resource.state.links.0.as_ref() else {
            return;
        };
        if let Some(known) = self
            .0
            .iter()
            .find(|k| Arc::ptr_eq(k, groups) || **k == *groups)
        {
            if !Arc::ptr_eq(known, groups) {
                resource.state.links = Links(Some(Arc::clone(known)));
            }
            return;
        }
        // A few kinds of object per transformer run; keep the latest.
        if self.0.len() == 8 {
            self.0.remove(0);
        }
        self.0.push(Arc::clone(groups));
    }
}

/// What a strategic merge patch does to one member of a link group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// The patch does not reach it.
    Untouched,
    /// The patch writes a scalar over it in place.
    Written,
    /// The patch deletes it or replaces something around it.
    Detached,
}

/// The effect of a strategic merge patch on each member of each link group
/// of a resource, worked out before the patch is merged.
#[derive(Debug)]
pub struct PatchPlan(Vec<Vec<Effect>>);

impl Resource {
    /// True when some values of the object are linked.
    pub fn has_links(&self) -> bool {
        !self.state.links.is_empty()
    }

    /// Links the places in `members`, which all hold `value` now (a
    /// transformer has just put one value there). Fewer than two places
    /// link nothing.
    pub fn link(&mut self, members: Vec<LinkPath>, value: Value) {
        if members.len() < 2 {
            return;
        }
        let links = self.state.links.make_mut();
        for group in links.iter_mut() {
            group.members.retain(|m| !members.contains(m));
        }
        links.retain(|g| g.members.len() >= 2);
        links.push(LinkGroup { value, members });
    }

    /// Spreads values just written in place at `paths` to the other places
    /// linked with them.
    pub fn spread_writes(&mut self, paths: &[LinkPath]) {
        let linked = |g: &LinkGroup| g.members.iter().any(|m| paths.contains(m));
        if !self.state.links.iter().any(linked) {
            return;
        }
        self.update_links(|root, group| {
            let effects: Vec<Effect> = group
                .members
                .iter()
                .map(|m| {
                    if paths.contains(m) {
                        Effect::Written
                    } else {
                        Effect::Untouched
                    }
                })
                .collect();
            if effects.contains(&Effect::Written) {
                settle(root, group, &effects);
            }
        });
    }

    /// Spreads every linked value a step changed in place (found by
    /// comparing with the value the group had).
    pub fn spread_changes(&mut self) {
        if !self.has_links() {
            return;
        }
        self.update_links(|root, group| {
            let effects: Vec<Effect> = group
                .members
                .iter()
                .map(|m| match value_at(root, m) {
                    Some(v) if *v != group.value => Effect::Written,
                    _ => Effect::Untouched,
                })
                .collect();
            if effects.contains(&Effect::Written) {
                settle(root, group, &effects);
            }
        });
    }

    /// Unlinks every place under the mapping field at `prefix` (keys from
    /// the top of the object), which is being rebuilt.
    pub fn unlink_under(&mut self, prefix: &[&str]) {
        if !self.has_links() {
            return;
        }
        let under = |m: &LinkPath| {
            m.len() > prefix.len()
                && prefix
                    .iter()
                    .zip(m.iter())
                    .all(|(k, step)| matches!(step, PathStep::Key(s) if s == k))
        };
        let links = self.state.links.make_mut();
        for group in links.iter_mut() {
            group.members.retain(|m| !under(m));
        }
        links.retain(|g| g.members.len() >= 2);
        self.state.links.drop_if_empty();
    }

    /// Unlinks everything: the whole object is being rebuilt.
    pub fn unlink_all(&mut self) {
        if self.has_links() {
            self.state.links = Links::default();
        }
    }

    /// What `patch` (a strategic merge patch about to be merged into this
    /// resource) does to each linked place; `None` when nothing is linked.
    pub fn plan_patch(&self, patch: &Value) -> Option<PatchPlan> {
        if !self.has_links() {
            return None;
        }
        let effects = self
            .state
            .links
            .iter()
            .map(|g| g.members.iter().map(|m| patch_effect(patch, m)).collect())
            .collect();
        Some(PatchPlan(effects))
    }

    /// Finishes a strategic merge patch planned with
    /// [`Resource::plan_patch`], once it is merged.
    pub fn finish_patch(&mut self, plan: Option<PatchPlan>) {
        let Some(PatchPlan(effects)) = plan else {
            return;
        };
        let mut effects = effects.into_iter();
        self.update_links(|root, group| {
            if let Some(effects) = effects.next() {
                settle(root, group, &effects);
            }
        });
    }

    /// Finishes the writes of a replacement recorded in `log`: a scalar
    /// written in place spreads to its linked places; places inside a
    /// mapping or list that was replaced are unlinked.
    pub fn finish_writes(&mut self, log: &WriteLog) {
        if !self.has_links() || log.0.is_empty() {
            return;
        }
        self.update_links(|root, group| {
            let effects: Vec<Effect> = group.members.iter().map(|m| log.effect(root, m)).collect();
            settle(root, group, &effects);
        });
    }

    /// Runs `update` on every link group with the object at hand, then
    /// forgets groups left with fewer than two places.
    fn update_links(&mut self, mut update: impl FnMut(&mut Value, &mut LinkGroup)) {
        let mut links = std::mem::take(&mut self.state.links).into_groups();
        let root = self.value_mut();
        for group in links.iter_mut() {
            update(root, group);
        }
        links.retain(|g| g.members.len() >= 2);
        self.state.links = Links::from_groups(links);
    }
}

/// The nodes a replacement wrote, by address, to be matched with linked
/// places once the walk is over (the tree does not move in between).
#[derive(Debug, Default)]
pub struct WriteLog(Vec<(usize, bool)>);

impl WriteLog {
    /// Records a write at `node`: a scalar written in place (`in_place`),
    /// or a node replaced as a whole.
    pub fn record(&mut self, node: &Value, in_place: bool) {
        self.0.push((node as *const Value as usize, in_place));
    }

    /// What the logged writes did to the place at `path`.
    fn effect(&self, root: &Value, path: &[PathStep]) -> Effect {
        let written = |node: &Value| {
            let address = node as *const Value as usize;
            self.0
                .iter()
                .rev()
                .find(|(a, _)| *a == address)
                .map(|(_, s)| *s)
        };
        let mut node = root;
        for step in path {
            if written(node) == Some(false) {
                return Effect::Detached;
            }
            node = match step_into(node, step) {
                Some(next) => next,
                None => return Effect::Untouched,
            };
        }
        match written(node) {
            Some(true) => Effect::Written,
            Some(false) => Effect::Detached,
            None => Effect::Untouched,
        }
    }
}

/// Brings a link group up to date after a step whose effect on each member
/// is `effects`: detached members leave the group; when some were written,
/// the last write in kustomize's walk order is what every member shows.
/// A member that no longer holds the group's value was changed by a step
/// that replaced its node, so it leaves the group too.
fn settle(root: &mut Value, group: &mut LinkGroup, effects: &[Effect]) {
    let last = (0..effects.len().min(group.members.len()))
        .filter(|&i| effects[i] == Effect::Written)
        .max_by(|&a, &b| walk_order(&group.members[a], &group.members[b]));
    let written = last.and_then(|i| {
        value_at(root, &group.members[i])
            .filter(|v| v.is_scalar())
            .cloned()
    });
    let members = std::mem::take(&mut group.members);
    for (member, effect) in members.into_iter().zip(effects.iter().copied()) {
        let Some(slot) = value_at_mut(root, &member) else {
            continue;
        };
        let keep = match effect {
            Effect::Detached => false,
            Effect::Written => written.is_some(),
            Effect::Untouched => *slot == group.value,
        };
        if keep {
            if let Some(value) = &written {
                *slot = value.clone();
            }
            group.members.push(member);
        }
    }
    if let Some(value) = written {
        group.value = value;
    }
}

/// What a strategic merge patch does to the place at `path`: it writes
/// there when it holds a non-null scalar at the same path through
/// mappings; it detaches the place when it deletes or replaces the field
/// or something around it (a null, a `$patch` directive, any list on the
/// way, which the merge may rebuild or reorder).
fn patch_effect(patch: &Value, path: &[PathStep]) -> Effect {
    let mut node = patch;
    for step in path {
        let Value::Map(map) = node else {
            return Effect::Detached;
        };
        if map.contains_key("$patch") {
            return Effect::Detached;
        }
        let PathStep::Key(key) = step else {
            return Effect::Detached;
        };
        node = match map.get(key) {
            None => return Effect::Untouched,
            Some(next) => next,
        };
    }
    match node {
        Value::Null | Value::Map(_) | Value::Seq(_) => Effect::Detached,
        _ => Effect::Written,
    }
}

/// The order in which kustomize's merge visits two places: mapping fields
/// sorted by name, list elements by position.
fn walk_order(a: &[PathStep], b: &[PathStep]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (x, y) {
            (PathStep::Key(x), PathStep::Key(y)) => x.as_bytes().cmp(y.as_bytes()),
            (PathStep::Index(x), PathStep::Index(y)) => x.cmp(y),
            (PathStep::Key(_), PathStep::Index(_)) => Ordering::Less,
            (PathStep::Index(_), PathStep::Key(_)) => Ordering::Greater,
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

fn step_into<'a>(node: &'a Value, step: &PathStep) -> Option<&'a Value> {
    match (node, step) {
        (Value::Map(map), PathStep::Key(key)) => map.get(key),
        (Value::Seq(items), PathStep::Index(i)) => items.get(*i),
        _ => None,
    }
}

/// The value at `path`, if it is there.
fn value_at<'a>(root: &'a Value, path: &[PathStep]) -> Option<&'a Value> {
    path.iter().try_fold(root, step_into)
}

/// The value at `path`, mutably, if it is there.
fn value_at_mut<'a>(root: &'a mut Value, path: &[PathStep]) -> Option<&'a mut Value> {
    path.iter().try_fold(root, |node, step| match (node, step) {
        (Value::Map(map), PathStep::Key(key)) => map.get_mut(key),
        (Value::Seq(items), PathStep::Index(i)) => items.get_mut(*i),
        _ => None,
    })
}

#[cfg(test)]
#[path = "links_tests.rs"]
mod tests;
