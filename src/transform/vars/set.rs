//! The vars in force for a kustomization: its own and those of everything
//! below it, each name declared once in the whole build.
//!
//! Declaring a var also picks its object right away: at the end of the
//! declaring kustomization, the one resource answering to the reference
//! (by its current identity or any earlier one) is marked with the var's
//! name, and the mark travels with the resource up to the root, where the
//! value is read. A var whose object is not there yet (declared in a base
//! but naming an overlay's object) marks nothing and fails at the root.

use super::declaration::{display_list, Var};
use crate::resource::{Resource, ResourceList};
use anyhow::{anyhow, bail, Result};
use std::collections::BTreeMap;

/// Declared vars by name, each normalized (type resolved, field path
/// defaulted). Iteration is by name, in byte order.
#[derive(Debug, Clone, Default)]
pub struct VarSet {
    vars: BTreeMap<String, Var>,
}

impl VarSet {
    /// An empty set.
    pub fn new() -> VarSet {
        VarSet::default()
    }

    /// The vars, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Var> {
        self.vars.values()
    }

    /// Declares one kustomization's `vars` at the end of its accumulation:
    /// marks the resource each one names, then adds them to the set. Fails
    /// when a reference matches several resources, or a name is already
    /// declared here or below.
    pub fn declare(&mut self, declared: &[Var], resources: &mut ResourceList) -> Result<()> {
        self.declare_unwrapped(declared, resources)
            .map_err(|e| anyhow!("merging vars {}: {e}", display_list(declared)))
    }

    fn declare_unwrapped(&mut self, declared: &[Var], resources: &mut ResourceList) -> Result<()> {
        for var in declared {
            mark_target(var, resources)?;
        }
        for var in declared {
            self.insert(var.normalized())?;
        }
        Ok(())
    }

    /// Adds the vars of a resource's accumulation (a base), failing on a
    /// name declared on both sides.
    pub fn absorb(&mut self, other: VarSet) -> Result<()> {
        other
            .vars
            .into_values()
            .try_for_each(|var| self.insert(var))
    }

    fn insert(&mut self, var: Var) -> Result<()> {
        if self.vars.contains_key(&var.name) {
            bail!("var '{}' already encountered", var.name);
        }
        self.vars.insert(var.name.clone(), var);
        Ok(())
    }
}

/// Marks the single resource `var` refers to with its name. Nothing is
/// marked when none matches; several matches are an error.
fn mark_target(var: &Var, resources: &mut ResourceList) -> Result<()> {
    let gvk = var.objref.gvk();
    let mut items = resources.items_mut();
    let mut matched = items
        .iter_mut()
        .filter(|r| answers_to(r, var, &gvk))
        .collect::<Vec<_>>();
    match matched.len() {
        0 => Ok(()),
        1 => {
            matched[0].state.var_names.push(var.name.clone());
            Ok(())
        }
        n => bail!(
            "found {n} resId matches for var {} (unable to disambiguate)",
            var.with_resolved_type()
        ),
    }
}

/// True when the resource's current identity, or one it had before a
/// rename, is the var's object.
fn answers_to(resource: &Resource, var: &Var, gvk: &crate::resource::Gvk) -> bool {
    var.objref.selects(gvk, &resource.id())
        || resource
            .previous_ids()
            .iter()
            .any(|id| var.objref.selects(gvk, id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Value;

    fn resource(json: serde_json::Value) -> Resource {
        Resource::new(Value::from(&json), None)
    }

    fn service(name: &str, namespace: &str) -> Resource {
        resource(serde_json::json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": namespace}
        }))
    }

    fn list(items: Vec<Resource>) -> ResourceList {
        let mut l = ResourceList::new();
        for r in items {
            l.push(r).unwrap();
        }
        l
    }

    fn var(name: &str, target: &str, namespace: &str) -> Var {
        serde_json::from_value(serde_json::json!({
            "name": name,
            "objref": {"apiVersion": "v1", "kind": "Service", "name": target, "namespace": namespace}
        }))
        .unwrap()
    }

    #[test]
    fn marks_the_named_resource() {
        let mut resources = list(vec![service("a", ""), service("b", "")]);
        let mut set = VarSet::new();
        set.declare(&[var("B", "b", "")], &mut resources).unwrap();
        assert!(resources.as_slice()[0].state.var_names.is_empty());
        assert_eq!(resources.as_slice()[1].state.var_names, vec!["B"]);
        assert_eq!(set.iter().next().unwrap().field_path(), "metadata.name");
    }

    #[test]
    fn matches_earlier_names() {
        let mut renamed = service("a", "");
        renamed.store_previous_id();
        renamed.set_name("p-a");
        let mut resources = list(vec![renamed]);
        VarSet::new()
            .declare(&[var("A", "a", "")], &mut resources)
            .unwrap();
        assert_eq!(resources.as_slice()[0].state.var_names, vec!["A"]);
    }

    #[test]
    fn ambiguity_and_namespaces() {
        let mut resources = list(vec![service("s", "dev"), service("s", "test")]);
        let err = VarSet::new()
            .declare(&[var("S", "s", "")], &mut resources)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "merging vars [{S Service.[noVer].[noGrp] {}}]: found 2 resId matches \
             for var {S Service.v1.[noGrp] {}} (unable to disambiguate)"
        );
        VarSet::new()
            .declare(&[var("S", "s", "test")], &mut resources)
            .unwrap();
        assert_eq!(resources.as_slice()[1].state.var_names, vec!["S"]);
    }

    #[test]
    fn duplicate_names_fail() {
        let mut resources = list(vec![service("a", "")]);
        let mut set = VarSet::new();
        let err = set
            .declare(&[var("A", "a", ""), var("A", "a", "")], &mut resources)
            .unwrap_err();
        assert!(err.to_string().ends_with("var 'A' already encountered"));
        let mut below = VarSet::new();
        below.declare(&[var("B", "a", "")], &mut resources).unwrap();
        let mut above = VarSet::new();
        above.declare(&[var("B", "a", "")], &mut resources).unwrap();
        assert_eq!(
            above.absorb(below).unwrap_err().to_string(),
            "var 'B' already encountered"
        );
    }
}
