//! Strategic merge patches, as kustomize applies them.
//!
//! kustomize does not use Kubernetes' own strategic merge code: it walks the
//! target and the patch side by side (its `kyaml` merge), guided by the
//! OpenAPI schema of the target's type ([`crate::openapi`]). The rules:
//!
//! * Mappings merge field by field; a `null` in the patch removes the field.
//!   A target field holding `null` survives only if the patch leaves it
//!   alone.
//! * A list merges element by element only when its schema has the `merge`
//!   patch strategy (never for kinds the schema does not know: their lists
//!   are replaced). Elements are matched by `x-kubernetes-list-map-keys`,
//!   else by the merge key; lists of scalars merge as ordered sets. The
//!   result lists the patch's elements first (in patch order), then the
//!   target's remaining elements. Every such list in the target is rebuilt
//!   this way, so duplicates collapse (the last duplicate wins) even when
//!   the patch does not touch the list.
//! * `$patch: delete | replace | merge` works on mappings (and the whole
//!   object: [`Outcome::Delete`]); in a list, an element holding only
//!   `$patch` applies the directive to the list, and
//!   `{<key>: …, $patch: delete}` deletes that element. Any other `$patch`
//!   value is an error.
//!
//! Quirks reproduced because kustomize v5.5 shows them:
//!
//! * `$setElementOrder/<list>`, `$retainKeys` and
//!   `$deleteFromPrimitiveList/<list>` are not understood: they are merged
//!   like ordinary fields and appear in the output.
//! * A patch list element without the merge key (other than a bare
//!   `$patch`) removes every target element that has the key, and every
//!   target element missing the key removes all others when the list is
//!   rebuilt.
//! * `$patch: replace` on a list element has no effect when the target has
//!   that element (the target's element is put back).
//! * `$patch` inside a list that does not merge stays in the output.
//! * `$patch: replace` at the top level of a patch leaves the target
//!   unchanged.
//! * Nulls inside content the patch adds are dropped (except inside lists
//!   that do not merge).
//! * With several merge keys (ports: `containerPort` + `protocol`), an
//!   element missing one key is matched to one with it, in kustomize's
//!   order-dependent way.
//!
//! The merge itself changes `metadata.name`, `kind` and everything else the
//! patch sets; kustomize's patch transformers then restore the target's
//! name (unless `allowNameChange`), kind (unless `allowKindChange`) and
//! namespace (always). That is the caller's job.

#[cfg(test)]
#[path = "smp_bare_null_tests.rs"]
mod smp_bare_null_tests;
#[path = "smp_elements.rs"]
mod smp_elements;
#[path = "smp_list.rs"]
mod smp_list;
#[cfg(test)]
#[path = "smp_tests.rs"]
mod smp_tests;

use crate::openapi::{Schema, SchemaRef};
use crate::yaml::{BareNullPath, Key, Mapping, PathStep, Value};
use smp_elements::{raw_text, wrong_kind};
use smp_list::ListSources;

/// What applying a strategic merge patch did to the target object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The object was patched in place.
    Merged,
    /// The patch asked for the whole object to be deleted (`$patch: delete`
    /// at the top level, or a merge that leaves nothing); the caller removes
    /// it from the build.
    Delete,
}

/// Applies `patch` to `target` (both whole objects with apiVersion and kind),
/// using the merge keys and strategies of the target's type in `schema`
/// (the build's: `crate::openapi::custom::SchemaScope::for_merge`).
pub fn merge_patch(target: &mut Value, patch: &Value, schema: &Schema) -> anyhow::Result<Outcome> {
    // kustomize's merge looks each field up by name, and the lookup of an
    // empty name yields the mapping itself where a value is expected.
    for side in [&*target, patch] {
        if let Some(map) = map_with_empty_key(side) {
            return Err(wrong_kind("ScalarNode", map));
        }
    }
    // The walk consumes directives from the patch as it goes, so it works on
    // a copy; patches are small next to their targets.
    let mut patch = patch.clone();
    target.settle_untagged();
    let walker = Walker { schema };
    // A top-level `$patch: replace` yields the patch as a new object, which
    // kustomize never stores back: the target stays as it was.
    if let Walked::Clear = walker.walk_pair(target, &mut patch, None)? {
        return Ok(Outcome::Delete);
    }
    let empty = match target.resolved() {
        Value::Null => true,
        Value::Map(m) => m.is_empty(),
        _ => false,
    };
    Ok(if empty {
        Outcome::Delete
    } else {
        Outcome::Merged
    })
}

/// The first mapping reached through mappings alone (not through
/// sequences) that has an empty key.
fn map_with_empty_key(value: &Value) -> Option<&Value> {
    let map = value.as_map()?;
    if map.contains_key("") {
        return Some(value);
    }
    map.values().find_map(map_with_empty_key)
}

/// Removes from `target` the fields that its file wrote with no value
/// (`key:`) and that a strategic merge walks, before a patch is merged.
///
/// kustomize's merge keeps a target's `null` only when it was spelled out
/// (`null`, `~`): a field with no value at all is dropped wherever the merge
/// walks, whatever the patch says. The walk covers mappings and the elements
/// of merging lists, not lists that are replaced.
pub fn drop_bare_nulls(target: &mut Value, paths: &[BareNullPath], schema: &Schema) {
    let walker = Walker { schema };
    for path in paths {
        walker.drop_bare_null(target, path);
    }
}

/// What a walk decided for one node.
enum Walked {
    /// Remove the node (its field, or its list element).
    Clear,
    /// The target's node, possibly changed in place, is the result.
    Kept,
    /// The result is this new value.
    Replaced(Value),
}

impl Walked {
    /// The patch's value as the result: a null clears the field.
    fn from_patch(value: &Value) -> Walked {
        if value.is_null() {
            Walked::Clear
        } else {
            Walked::Replaced(value.clone())
        }
    }
}

/// A patch directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    Merge,
    Replace,
    Delete,
}

const DIRECTIVE_KEY: &str = "$patch";

/// The node kinds the walk distinguishes (null has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
    Scalar,
}

fn kind_of(value: &Value) -> Option<Kind> {
    match value.resolved() {
        Value::Null => None,
        Value::Map(_) => Some(Kind::Map),
        Value::Seq(_) => Some(Kind::Seq),
        _ => Some(Kind::Scalar),
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Map => "MappingNode",
        Kind::Seq => "SequenceNode",
        Kind::Scalar => "ScalarNode",
    }
}

/// Walks a target and a patch together, as kustomize's merge does.
struct Walker<'s> {
    schema: &'s Schema,
}

impl<'s> Walker<'s> {
    /// The schema of a node: the one its parent's schema gives, else the
    /// resource schema named by the node's own apiVersion and kind (tried on
    /// the target's node first).
    fn schema_for(
        &self,
        given: Option<SchemaRef<'s>>,
        nodes: [&Value; 2],
    ) -> Option<SchemaRef<'s>> {
        given.or_else(|| {
            nodes.iter().find_map(|node| {
                let api_version = node.get("apiVersion")?.as_str()?;
                let kind = node.get("kind")?.as_str()?;
                if api_version.is_empty() || kind.is_empty() {
                    return None;
                }
                self.schema.resource(api_version, kind)
            })
        })
    }

    /// Follows `path` from `node` and removes the field it ends at if that
    /// still holds a null and the merge walk reaches it.
    fn drop_bare_null(&self, node: &mut Value, path: &[PathStep]) {
        let mut node = node;
        let mut schema = None;
        for (depth, step) in path.iter().enumerate() {
            schema = self.schema_for(schema, [node, node]);
            match (step, node) {
                (PathStep::Key(key), Value::Map(map)) if depth + 1 == path.len() => {
                    if map.get(key).is_some_and(Value::is_null) {
                        map.shift_remove(key);
                    }
                    return;
                }
                (PathStep::Key(key), Value::Map(map)) => {
                    let Some(next) = map.get_mut(key) else { return };
                    schema = schema.and_then(|s| s.field(key));
                    node = next;
                }
                (PathStep::Index(index), Value::Seq(list)) => {
                    let Some(merging) = schema.filter(|s| s.has_merge_strategy()) else {
                        return;
                    };
                    let Some(next) = list.get_mut(*index) else {
                        return;
                    };
                    schema = merging.elements();
                    node = next;
                }
                _ => return,
            }
        }
    }

    /// Merges patch node `origin` into target node `dest` (either may be
    /// null; a missing target field is walked as null).
    fn walk_pair(
        &self,
        dest: &mut Value,
        origin: &mut Value,
        schema: Option<SchemaRef<'s>>,
    ) -> anyhow::Result<Walked> {
        let schema = self.schema_for(schema, [dest, origin]);
        let Some(kind) = kind_of(dest).or(kind_of(origin)) else {
            return Ok(Walked::Clear);
        };
        for node in [&*dest, &*origin] {
            if kind_of(node).is_some_and(|k| k != kind) {
                return Err(wrong_kind(kind_name(kind), node));
            }
        }
        match kind {
            Kind::Scalar => Ok(Walked::from_patch(origin)),
            Kind::Map => self.walk_map(dest, origin, schema),
            Kind::Seq => self.walk_seq(dest, origin, schema),
        }
    }

    fn walk_map(
        &self,
        dest: &mut Value,
        origin: &mut Value,
        schema: Option<SchemaRef<'s>>,
    ) -> anyhow::Result<Walked> {
        if dest.is_null() {
            // An added mapping: a bad directive is ignored here (and left in
            // place), but a delete still drops it.
            if map_directive(origin).ok() == Some(Directive::Delete) {
                return Ok(Walked::Clear);
            }
            self.normalize_fields(origin, schema)?;
            return Ok(Walked::from_patch(origin));
        }
        if origin.is_null() {
            return Ok(Walked::Clear);
        }
        match map_directive(origin)? {
            Directive::Delete => Ok(Walked::Clear),
            Directive::Replace => {
                self.normalize_fields(origin, schema)?;
                Ok(Walked::from_patch(origin))
            }
            Directive::Merge => {
                if let (Value::Map(d), Value::Map(o)) = (dest, origin) {
                    self.merge_fields(d, o, schema)?;
                }
                Ok(Walked::Kept)
            }
        }
    }

    fn walk_seq(
        &self,
        dest: &mut Value,
        origin: &mut Value,
        schema: Option<SchemaRef<'s>>,
    ) -> anyhow::Result<Walked> {
        let Some(schema) = schema.filter(|s| s.has_merge_strategy()) else {
            return Ok(Walked::from_patch(origin));
        };
        if dest.is_null() {
            // An added merging list: its directive is not looked at.
            if let Value::Seq(o) = origin {
                self.merge_list(ListSources::Same(o), schema)?;
            }
            return Ok(Walked::from_patch(origin));
        }
        if origin.is_null() {
            return Ok(Walked::Clear);
        }
        let (Value::Seq(d), Value::Seq(o)) = (dest, origin) else {
            return Ok(Walked::Kept);
        };
        match seq_directive(o)? {
            Directive::Delete => Ok(Walked::Clear),
            Directive::Replace => {
                self.merge_list(ListSources::Same(o), schema)?;
                Ok(Walked::Replaced(Value::Seq(o.clone())))
            }
            Directive::Merge => {
                self.merge_list(ListSources::Pair(d, Some(o)), schema)?;
                Ok(Walked::Kept)
            }
        }
    }

    /// Walks a target node the patch does not mention: only merging lists
    /// change (they are rebuilt, which drops duplicates).
    fn refresh(&self, dest: &mut Value, schema: Option<SchemaRef<'s>>) -> anyhow::Result<Walked> {
        let schema = self.schema_for(schema, [dest, dest]);
        match dest {
            // Fields are independent here and none is removed, so map order
            // is as good as kustomize's sorted order.
            Value::Map(map) => {
                for (key, value) in map.iter_mut() {
                    self.refresh(value, schema.and_then(|s| s.field(key)))?;
                }
            }
            Value::Seq(list) => {
                if let Some(schema) = schema.filter(|s| s.has_merge_strategy()) {
                    self.merge_list(ListSources::Pair(list, None), schema)?;
                }
            }
            _ => {}
        }
        Ok(Walked::Kept)
    }

    /// Walks patch content that has no target counterpart (it is added, or
    /// replaces the target's): the patch merged with itself. Directives are
    /// applied and removed, nulls dropped, merging lists rebuilt.
    fn normalize(&self, node: &mut Value, schema: Option<SchemaRef<'s>>) -> anyhow::Result<Walked> {
        let schema = self.schema_for(schema, [node, node]);
        match node {
            v if v.is_null() => Ok(Walked::Clear),
            Value::Map(_) => {
                if map_directive(node)? == Directive::Delete {
                    return Ok(Walked::Clear);
                }
                self.normalize_fields(node, schema)?;
                Ok(Walked::Kept)
            }
            Value::Seq(list) => {
                let Some(schema) = schema.filter(|s| s.has_merge_strategy()) else {
                    return Ok(Walked::Kept);
                };
                if seq_directive(list)? == Directive::Delete {
                    return Ok(Walked::Clear);
                }
                self.merge_list(ListSources::Same(list), schema)?;
                Ok(Walked::Kept)
            }
            _ => Ok(Walked::Kept),
        }
    }

    /// Normalizes every field of a patch mapping.
    fn normalize_fields(
        &self,
        node: &mut Value,
        schema: Option<SchemaRef<'s>>,
    ) -> anyhow::Result<()> {
        let Value::Map(map) = node else {
            return Ok(());
        };
        for key in sorted_union(map, None) {
            let field_schema = schema.and_then(|s| s.field(&key));
            if let Some(value) = map.get_mut(&key) {
                let walked = self.normalize(value, field_schema)?;
                apply_field(map, key, walked);
            }
        }
        Ok(())
    }

    /// Merges the fields of a patch mapping into a target mapping, in sorted
    /// key order (new fields are appended in that order).
    fn merge_fields(
        &self,
        dest: &mut Mapping,
        origin: &mut Mapping,
        schema: Option<SchemaRef<'s>>,
    ) -> anyhow::Result<()> {
        for key in sorted_union(dest, Some(origin)) {
            let field_schema = schema.and_then(|s| s.field(&key));
            let quoted = dest.is_quoted(&key);
            let added = !dest.contains_key(&key) && origin.is_quoted(&key);
            let walked = match (dest.get_mut(&key), origin.get_mut(&key)) {
                (Some(d), Some(o)) => {
                    let scalar = d.is_scalar() && !d.is_null();
                    let walked = self.walk_pair(d, o, field_schema)?;
                    smp_elements::in_style(walked, quoted && scalar)
                }
                (Some(d), None) => self.refresh(d, field_schema)?,
                (None, Some(o)) => self.walk_pair(&mut Value::Null, o, field_schema)?,
                (None, None) => continue,
            };
            let key = apply_field(dest, key, walked);
            if added {
                if let Some(key) = key {
                    dest.set_quoted(key, true);
                }
            }
        }
        Ok(())
    }
}

/// The keys of one or two mappings, without repeats, in byte order.
fn sorted_union(first: &Mapping, second: Option<&Mapping>) -> Vec<String> {
    let mut keys: Vec<String> = first
        .keys()
        .chain(second.into_iter().flat_map(|m| m.keys()))
        .map(str::to_string)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Stores a walk's result in a mapping field: kept in place, replaced (or
/// appended), or removed.
/// Returns the key when the field was written.
fn apply_field(map: &mut Mapping, key: String, walked: Walked) -> Option<Key> {
    match walked {
        Walked::Kept => None,
        Walked::Clear => {
            map.shift_remove(&key);
            None
        }
        Walked::Replaced(value) => {
            let key = Key::new(&key);
            map.insert(key, value);
            Some(key)
        }
    }
}

fn parse_directive(text: &str) -> anyhow::Result<Directive> {
    match text {
        "merge" => Ok(Directive::Merge),
        "replace" => Ok(Directive::Replace),
        "delete" => Ok(Directive::Delete),
        other => Err(anyhow::anyhow!("unknown patch strategy '{other}'")),
    }
}

/// A mapping's `$patch` directive, removed from it once recognised.
fn map_directive(node: &mut Value) -> anyhow::Result<Directive> {
    let Some(map) = node.as_map_mut() else {
        return Ok(Directive::Merge);
    };
    let Some(value) = map.get(DIRECTIVE_KEY) else {
        return Ok(Directive::Merge);
    };
    let directive = parse_directive(&raw_text(value))?;
    map.shift_remove(DIRECTIVE_KEY);
    Ok(directive)
}

/// A list's directive: the first mapping element holding `$patch`, if that
/// is all it holds. Recognised, every element carrying the same directive is
/// removed (with null and `{}` elements, as kustomize's element removal
/// does).
fn seq_directive(list: &mut crate::yaml::Seq) -> anyhow::Result<Directive> {
    let carrier = list
        .iter()
        .find_map(|e| e.as_map().filter(|m| m.contains_key(DIRECTIVE_KEY)));
    let Some(carrier) = carrier.filter(|m| m.len() == 1) else {
        return Ok(Directive::Merge);
    };
    let text = raw_text(&carrier[DIRECTIVE_KEY]).into_owned();
    let directive = parse_directive(&text)?;
    smp_elements::set_element(list, None, &[DIRECTIVE_KEY.to_string()], &[text])?;
    Ok(directive)
}
