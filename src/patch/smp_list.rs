//! Merging lists whose schema has the `merge` patch strategy.
//!
//! kustomize merges such a list element by element: it collects the merge
//! key values of every element (patch elements first, then the target's),
//! merges each target/patch element pair, and rebuilds the list with the
//! patch's elements first, followed by the target elements the patch did
//! not mention. Lists of scalars (no merge key) are merged as ordered sets
//! the same way.

use super::smp_elements::{
    element_key_values, find_element, raw_text, set_element, unify_partial_values, valid_keys,
    wrong_kind,
};
use super::{Walked, Walker};
use crate::openapi::SchemaRef;
use crate::yaml::Value;
use std::collections::HashSet;

/// The lists a merge reads: the target's list and the patch's, or (when the
/// patch's list is being added or replaces the target's) one list playing
/// both parts, so that changes to one are seen through the other.
pub(super) enum ListSources<'a> {
    /// A target list and, unless the patch lacks the field, a patch list.
    Pair(&'a mut crate::yaml::Seq, Option<&'a mut crate::yaml::Seq>),
    /// The patch's own list, merged with itself.
    Same(&'a mut crate::yaml::Seq),
}

impl ListSources<'_> {
    fn dest_mut(&mut self) -> &mut crate::yaml::Seq {
        match self {
            ListSources::Pair(dest, _) => dest,
            ListSources::Same(list) => list,
        }
    }

    /// The lists in the order kustomize scans them when it prepends patch
    /// elements: the patch's first, then the target's.
    fn scan_order(&self) -> Vec<&[Value]> {
        match self {
            ListSources::Pair(dest, Some(origin)) => vec![origin, dest],
            ListSources::Pair(dest, None) => vec![dest],
            ListSources::Same(list) => vec![list],
        }
    }
}

impl<'s> Walker<'s> {
    /// Merges a list whose schema has the `merge` strategy, in place in the
    /// target list.
    pub(super) fn merge_list(
        &self,
        mut lists: ListSources<'_>,
        schema: SchemaRef<'s>,
    ) -> anyhow::Result<()> {
        let keys: Vec<String> = schema.merge_keys().into_iter().map(String::from).collect();
        let element_schema = schema.elements();
        if keys.is_empty() {
            let values = primitive_values(&lists);
            return self.set_elements(&mut lists, values, &[String::new()], element_schema);
        }
        let values = keyed_values(&lists, &keys);
        self.set_elements(&mut lists, values, &keys, element_schema)
    }

    /// Merges the element of each key-value list, collects the results
    /// (patch order first) and then re-inserts the target's elements.
    fn set_elements(
        &self,
        lists: &mut ListSources<'_>,
        mut all_values: Vec<Vec<String>>,
        keys: &[String],
        element_schema: Option<SchemaRef<'s>>,
    ) -> anyhow::Result<()> {
        if all_values.is_empty() {
            return Ok(());
        }
        if keys.len() > 1 {
            unify_partial_values(&mut all_values);
        }
        let mut merged = crate::yaml::Seq::new();
        let mut last_keys = Vec::new();
        for values in &all_values {
            if values.is_empty() {
                continue;
            }
            let (keys, values) = valid_keys(&all_values, values, keys);
            last_keys.clone_from(&keys);
            let (lookup_keys, lookup_values) =
                valid_keys(std::slice::from_ref(&values), &values, &keys);
            let element =
                self.merge_element(lists, &lookup_keys, &lookup_values, element_schema)?;
            match element {
                Some(mut element) if !is_dropped(&element) => {
                    restore_keys(&mut element, &keys, &values);
                    set_element(&mut merged, Some(&element), &keys, &values)?;
                }
                _ => set_element(lists.dest_mut(), None, &keys, &values)?,
            }
        }
        let remaining = std::mem::take(lists.dest_mut());
        reinsert_target_elements(&mut merged, remaining, &last_keys)?;
        *lists.dest_mut() = merged;
        Ok(())
    }

    /// Finds the element with these key values in each list and merges the
    /// pair; `None` when the merge removed it (or neither list has it).
    fn merge_element(
        &self,
        lists: &mut ListSources<'_>,
        keys: &[String],
        values: &[String],
        schema: Option<SchemaRef<'s>>,
    ) -> anyhow::Result<Option<Value>> {
        match lists {
            ListSources::Pair(dest, origin) => {
                let at_dest = find_element(dest, keys, values);
                let at_origin = origin
                    .as_deref()
                    .and_then(|o| find_element(o, keys, values));
                let walked = match (at_dest, at_origin, origin) {
                    (Some(d), Some(o), Some(origin)) => {
                        self.walk_pair(&mut dest[d], &mut origin[o], schema)?
                    }
                    (Some(d), _, _) => self.refresh(&mut dest[d], schema)?,
                    (None, Some(o), Some(origin)) => {
                        self.walk_pair(&mut Value::Null, &mut origin[o], schema)?
                    }
                    _ => return Ok(None),
                };
                Ok(result_element(walked, at_dest.map(|d| &dest[d])))
            }
            ListSources::Same(list) => {
                let Some(at) = find_element(list, keys, values) else {
                    return Ok(None);
                };
                let walked = self.normalize(&mut list[at], schema)?;
                Ok(result_element(walked, Some(&list[at])))
            }
        }
    }
}

/// The merged element a walk produced.
fn result_element(walked: Walked, dest: Option<&Value>) -> Option<Value> {
    match walked {
        Walked::Clear => None,
        Walked::Kept => dest.cloned(),
        Walked::Replaced(value) => Some(value),
    }
}

/// Merge results that remove the element instead: null and `{}`.
fn is_dropped(element: &Value) -> bool {
    match element.resolved() {
        Value::Null => true,
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

/// Puts back a merge key the merge removed from an element.
fn restore_keys(element: &mut Value, keys: &[String], values: &[String]) {
    let Value::Map(map) = element else {
        return;
    };
    for (key, value) in keys.iter().zip(values) {
        if !value.is_empty() && !map.contains_key(key) {
            map.insert(key.clone().into(), Value::String(value.as_str().into()));
        }
    }
}

/// Each element's merge key values, patch elements first, without repeats.
fn keyed_values(lists: &ListSources<'_>, keys: &[String]) -> Vec<Vec<String>> {
    let mut seen = HashSet::new();
    let mut all = Vec::new();
    for list in lists.scan_order() {
        for values in element_key_values(list, keys) {
            if !values.is_empty() && seen.insert(values.clone()) {
                all.push(values);
            }
        }
    }
    all
}

/// The distinct scalar values of a list of scalars, patch values first.
fn primitive_values(lists: &ListSources<'_>) -> Vec<Vec<String>> {
    let mut seen = HashSet::new();
    let mut all = Vec::new();
    for list in lists.scan_order() {
        for item in list {
            let text = raw_text(item).into_owned();
            if seen.insert(text.clone()) {
                all.push(vec![text]);
            }
        }
    }
    all
}

/// Re-inserts the target's elements after the merged ones: each replaces the
/// merged element with its key values, or is appended. An element missing a
/// key is appended as it is and then (kustomize's quirk) re-set with no key
/// values, which drops every other element.
fn reinsert_target_elements(
    merged: &mut crate::yaml::Seq,
    remaining: crate::yaml::Seq,
    keys: &[String],
) -> anyhow::Result<()> {
    let scalar_list = keys.first().is_none_or(String::is_empty);
    for element in remaining {
        if scalar_list {
            let text = raw_text(&element).into_owned();
            set_element(merged, Some(&element), &[String::new()], &[text])?;
            continue;
        }
        let mut values = Vec::with_capacity(keys.len());
        for key in keys {
            match &element {
                Value::Null => merged.push(Value::Null),
                Value::Map(map) => match map.get(key) {
                    Some(value) => values.push(raw_text(value).into_owned()),
                    None => merged.push(element.clone()),
                },
                other => return Err(wrong_kind("MappingNode", other)),
            }
        }
        if keys.len() > 1 {
            set_element(merged, None, keys, &values)?;
        }
        set_element(merged, Some(&element), keys, &values)?;
    }
    Ok(())
}
