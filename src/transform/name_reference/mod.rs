//! Name references (kustomize's `FixBackReferences`): once every rename is
//! done, fields that hold the name of another object are made to follow
//! that object's new name.
//!
//! The configuration's name back-references say, per referenced type, which
//! fields of which kinds hold such names. Every resource whose original type
//! one of those field specs selects is a referrer; in each such field:
//!
//! * a scalar is an old name: the resource it named is looked up and its
//!   current name written back;
//! * a mapping has a `name` (and maybe a `namespace`) field: both are
//!   updated from the resource found, which must be in that namespace;
//! * a sequence holds scalars or mappings, each handled as above.
//!
//! A reference points at a resource that had that name before a rename, had
//! the referenced type, and lives where the referrer can see it (same
//! namespace, cluster-scoped, a ServiceAccount, or a namespace a RoleBinding
//! names in its subjects). Ties are broken by comparing the prefixes and
//! suffixes both sides received; a tie that remains between different
//! objects is an error.

mod targets;

use crate::fieldspec::{CompiledSpec, CreateKind, NameBackReferences, SetError, WalkError};
use crate::resource::{BuildState, Gvk, Resource, ResourceList};
use crate::transform::TransformContext;
use crate::yaml::{print_document, Value};
use anyhow::{anyhow, bail, Result};
use std::collections::{HashMap, HashSet};
use targets::{Ambiguous, Lookup, Referrer, Sameness, Targets};

/// Updates every name reference in `resources` (see the module docs).
pub fn fix_back_references(
    cx: &mut TransformContext<'_>,
    resources: &mut ResourceList,
    back_references: &[NameBackReferences],
) -> Result<()> {
    let rules = Rules::new(back_references);
    let mut items = resources.items_mut();
    // The summaries take the resources' build state for the pass (nothing
    // here changes it) and hand it back after, instead of copying it.
    let mut targets = Targets::new(&mut items, cx.schema());
    let result = fix_referrers(&mut items, &rules, &targets);
    targets.restore(&mut items);
    result
}

/// Updates the references held by each resource in turn.
fn fix_referrers(items: &mut [Resource], rules: &Rules<'_>, targets: &Targets) -> Result<()> {
    for i in 0..items.len() {
        let applicable = rules.selecting(targets.get(i).original_type());
        if applicable.is_empty() {
            continue;
        }
        let referrer = Referrer::new(targets, i, subject_namespaces(&items[i])?);
        for rule in applicable {
            update_field(items, i, rule, &referrer, targets)?;
        }
        items[i].rest();
    }
    Ok(())
}

/// One field spec of one back reference: where a referrer may hold a name
/// of the target type.
struct Rule<'a> {
    target: &'a Gvk,
    field: CompiledSpec<'a>,
}

/// The rules in configuration order, indexed by the kind of referrer they
/// select.
struct Rules<'a> {
    all: Vec<Rule<'a>>,
    by_kind: HashMap<&'a str, Vec<usize>>,
    any_kind: Vec<usize>,
}

impl<'a> Rules<'a> {
    fn new(back_references: &'a [NameBackReferences]) -> Rules<'a> {
        let mut rules = Rules {
            all: Vec::new(),
            by_kind: HashMap::new(),
            any_kind: Vec::new(),
        };
        for back_reference in back_references {
            for spec in &back_reference.referrers {
                let n = rules.all.len();
                if spec.kind.is_empty() {
                    rules.any_kind.push(n);
                } else {
                    rules.by_kind.entry(&spec.kind).or_default().push(n);
                }
                rules.all.push(Rule {
                    target: &back_reference.gvk,
                    field: CompiledSpec::new(spec),
                });
            }
        }
        rules
    }

    /// The rules whose field spec selects resources of this group,
    /// version and kind, in configuration order.
    fn selecting(&self, (group, version, kind): (&str, &str, &str)) -> Vec<&Rule<'a>> {
        let by_kind = self.by_kind.get(kind).map_or(&[][..], Vec::as_slice);
        let mut indexes: Vec<usize> = by_kind.iter().chain(&self.any_kind).copied().collect();
        indexes.sort_unstable();
        indexes
            .into_iter()
            .map(|n| &self.all[n])
            .filter(|rule| rule.field.spec().matches_parts(group, version, kind))
            .collect()
    }
}

/// For a RoleBinding, the namespaces of its ServiceAccount subjects. A
/// subject that has a namespace field without a string in it is an error.
fn subject_namespaces(r: &Resource) -> Result<HashSet<String>> {
    let mut namespaces = HashSet::new();
    if r.kind() != "RoleBinding" {
        return Ok(namespaces);
    }
    let subjects = r.value_at(&["subjects"]);
    let Some(Value::Seq(subjects)) = subjects.as_deref() else {
        return Ok(namespaces);
    };
    for subject in subjects.iter().filter_map(Value::as_map) {
        let (Some(namespace), Some(kind)) = (subject.get("namespace"), subject.get("kind")) else {
            continue;
        };
        if kind.as_str() != Some("ServiceAccount") {
            continue;
        }
        match namespace.as_str() {
            Some(ns) => {
                namespaces.insert(ns.to_string());
            }
            None => bail!(
                "Invalid Input: namespace is blank for resource {:?}\n",
                r.id().to_string()
            ),
        }
    }
    Ok(namespaces)
}

/// Applies one rule to referrer `i`.
fn update_field(
    items: &mut [Resource],
    i: usize,
    rule: &Rule<'_>,
    referrer: &Referrer,
    targets: &Targets,
) -> Result<()> {
    let path = &rule.field.spec().path;
    let role_ref = path
        .ends_with("roleRef/name")
        .then(|| role_ref_type(&items[i].value()))
        .flatten();
    let context = FieldContext {
        targets,
        referrer,
        target_type: rule.target,
        role_ref: role_ref.as_ref(),
    };
    let mut ambiguity = None;
    let mut setter = |node: &mut Value| context.set(node, &mut ambiguity);
    let result = rule
        .field
        .apply_matched(items[i].value_mut(), CreateKind::Nothing, &mut setter);
    let Err(mut error) = result else {
        return Ok(());
    };
    if let Some(Ambiguous(candidates)) = ambiguity {
        let message = ambiguity_message(items, targets, i, &candidates);
        fill_setter_message(&mut error.cause, message);
    }
    Err(anyhow!(
        "updating name reference in '{path}' field of '{}': {error}",
        items[i].id()
    ))
}

/// The type a RoleBinding's `roleRef` names (`apiGroup` and `kind`), if
/// both are there.
fn role_ref_type(object: &Value) -> Option<Gvk> {
    let role_ref = object.get("roleRef")?.as_map()?;
    let text = |key: &str| role_ref.get(key).filter(|v| !v.is_null()).map(text_of);
    Some(Gvk {
        group: text("apiGroup")?,
        version: String::new(),
        kind: text("kind")?,
    })
}

/// A node's text as kustomize reads it: scalars as written, anything else
/// as empty text.
fn text_of(node: &Value) -> String {
    node.scalar_text().unwrap_or_default()
}

/// What the setter of one rule application needs.
struct FieldContext<'a> {
    targets: &'a Targets,
    referrer: &'a Referrer,
    target_type: &'a Gvk,
    role_ref: Option<&'a Gvk>,
}

impl FieldContext<'_> {
    /// The setter: the node the field spec reached.
    fn set(&self, node: &mut Value, ambiguity: &mut Option<Ambiguous>) -> Result<(), SetError> {
        match node {
            Value::Null => Ok(()),
            Value::Map(_) => self.set_mapping(node, ambiguity),
            Value::Seq(items) => items.iter_mut().try_for_each(|item| match item {
                Value::Null => Ok(()),
                Value::Map(_) => self.set_mapping(item, ambiguity),
                Value::Seq(_) => Err(SetError::Other(format!(
                    "{} is expected to be either a string or a map of string",
                    go_json_text(item)
                ))),
                _ => self.set_scalar(item, ambiguity),
            }),
            _ => self.set_scalar(node, ambiguity),
        }
    }

    fn lookup<'n>(
        &'n self,
        old_name: &'n str,
        namespace: Option<&'n str>,
        sameness: Sameness,
    ) -> Lookup<'n> {
        Lookup {
            old_name,
            target_type: self.target_type,
            role_ref: self.role_ref,
            namespace,
            sameness,
        }
    }

    fn choose(
        &self,
        lookup: &Lookup<'_>,
        ambiguity: &mut Option<Ambiguous>,
    ) -> Result<Option<&targets::Target>, SetError> {
        match self.referrer.select(self.targets, lookup) {
            Ok(found) => Ok(found.map(|j| self.targets.get(j))),
            Err(ambiguous) => {
                *ambiguity = Some(ambiguous);
                Err(SetError::Other(String::new()))
            }
        }
    }

    fn set_scalar(
        &self,
        node: &mut Value,
        ambiguity: &mut Option<Ambiguous>,
    ) -> Result<(), SetError> {
        let old_name = text_of(node);
        let lookup = self.lookup(&old_name, None, Sameness::Name);
        if let Some(referral) = self.choose(&lookup, ambiguity)? {
            if referral.name != old_name {
                *node = Value::String(referral.name.as_str().into());
            }
        }
        Ok(())
    }

    fn set_mapping(
        &self,
        node: &mut Value,
        ambiguity: &mut Option<Ambiguous>,
    ) -> Result<(), SetError> {
        let Value::Map(map) = node else {
            return Err(SetError::Other("expect a mapping node".to_string()));
        };
        let Some(name) = map.get("name") else {
            return Err(SetError::Other(
                "path config error; no 'name' field in node".to_string(),
            ));
        };
        let old_name = text_of(name);
        // The referral gives both name and namespace, so equal candidates
        // must agree on both; a namespace field narrows the candidates.
        let namespace = map.get("namespace").map(text_of);
        let lookup = self.lookup(&old_name, namespace.as_deref(), Sameness::NameAndNamespace);
        let Some(referral) = self.choose(&lookup, ambiguity)? else {
            return Ok(());
        };
        if referral.name == old_name && referral.namespace.is_empty() {
            return Ok(());
        }
        map.insert("name".into(), Value::String(referral.name.as_str().into()));
        if !referral.namespace.is_empty() {
            map.insert(
                "namespace".into(),
                Value::String(referral.namespace.as_str().into()),
            );
        }
        Ok(())
    }
}

/// A node in the compact JSON form kustomize's messages use.
fn go_json_text(node: &Value) -> String {
    crate::gojson::encode::to_string(node)
}

/// Puts `message` in the setter failure at the bottom of a walk error.
fn fill_setter_message(error: &mut WalkError, message: String) {
    match error {
        WalkError::InSequence { inner, .. } => fill_setter_message(inner, message),
        WalkError::Set(SetError::Other(text)) => *text = message,
        _ => {}
    }
}

/// kustomize's "found multiple possible referrals" message: the candidates'
/// ids, then the referrer and every candidate as YAML with their build
/// state in annotations.
fn ambiguity_message(
    items: &[Resource],
    targets: &Targets,
    referrer: usize,
    candidates: &[usize],
) -> String {
    let as_yaml = |i: usize| as_yaml(&items[i], targets.get(i).state());
    let ids: Vec<String> = candidates
        .iter()
        .map(|&j| items[j].id().to_string())
        .collect();
    let mut out = format!(
        "found multiple possible referrals: {}\n\n**** Too many possible referral targets to referrer:\n{}\n",
        ids.join(", "),
        as_yaml(referrer)
    );
    for (n, &j) in candidates.iter().enumerate() {
        out.push_str(&format!("--- possible referral {n}:\n{}\n", as_yaml(j)));
    }
    out
}

fn as_yaml(r: &Resource, state: &BuildState) -> String {
    let value = r.annotated_value_with(state);
    let mut out = String::new();
    match print_document(&value, &mut out) {
        Ok(()) => out,
        Err(_) => go_json_text(&value),
    }
}

#[cfg(test)]
mod tests;
