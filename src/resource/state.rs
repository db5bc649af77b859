//! What the build remembers about a resource between steps: earlier
//! identities and the name prefixes and suffixes applied to it.
//!
//! kustomize keeps these facts in internal annotations on the object; krust
//! keeps them in [`BuildState`] and only writes them out as annotations where
//! kustomize shows them to the user (objects quoted in error messages).

use super::{BuildState, Gvk, PreviousId, ResId, Resource};
use crate::yaml::Value;
use thin_vec::ThinVec;

/// The internal annotations kustomize uses for the build state, as they
/// appear in objects quoted in its error messages.
const PREFIXES: &str = "internal.config.kubernetes.io/prefixes";
const SUFFIXES: &str = "internal.config.kubernetes.io/suffixes";
const PREVIOUS_KINDS: &str = "internal.config.kubernetes.io/previousKinds";
const PREVIOUS_NAMES: &str = "internal.config.kubernetes.io/previousNames";
const PREVIOUS_NAMESPACES: &str = "internal.config.kubernetes.io/previousNamespaces";

impl Resource {
    /// The identity the resource had when it was first read or generated
    /// (kustomize's `OrgId`).
    pub fn original_id(&self) -> ResId {
        match self.state.previous_ids.first() {
            Some(first) => self.with_current_group_version(first),
            None => self.id(),
        }
    }

    /// The identities the resource had before renames, oldest first
    /// (kustomize's `PrevIds`). kustomize only records the kind, name and
    /// namespace of each, so every one carries the current group and
    /// version.
    pub fn previous_ids(&self) -> Vec<ResId> {
        self.state
            .previous_ids
            .iter()
            .map(|id| self.with_current_group_version(id))
            .collect()
    }

    fn with_current_group_version(&self, previous: &PreviousId) -> ResId {
        let current = self.gvk();
        ResId::new(
            Gvk {
                kind: previous.kind().to_string(),
                ..current
            },
            previous.name(),
            previous.namespace(),
        )
    }

    /// Remembers the current identity before a rename, as kustomize's
    /// `StorePreviousId` does: the namespace is stored in its effective form
    /// (`default` for none, a marker for cluster-scoped kinds).
    pub fn store_previous_id(&mut self) {
        let key = self.identity_key();
        let previous = PreviousId::new(key.kind, key.name, key.namespace);
        push_one(&mut self.state.previous_ids, previous);
    }

    /// True when `id` names this resource now or named it before a rename.
    pub fn answers_to(&self, id: &ResId) -> bool {
        self.id().same_object(id) || self.previous_ids().iter().any(|p| p.same_object(id))
    }

    /// Records a name prefix applied to the resource; empty ones are not
    /// recorded.
    pub fn add_name_prefix(&mut self, prefix: &str) {
        if !prefix.is_empty() {
            push_one(&mut self.state.prefixes, prefix.to_string());
        }
    }

    /// Records a name suffix applied to the resource; empty ones are not
    /// recorded.
    pub fn add_name_suffix(&mut self, suffix: &str) {
        if !suffix.is_empty() {
            push_one(&mut self.state.suffixes, suffix.to_string());
        }
    }

    /// A copy of the object with the build state written into its
    /// annotations, the way kustomize's objects look in its error messages.
    pub fn annotated_value(&self) -> Value {
        self.annotated_value_with(&self.state)
    }

    /// As [`Resource::annotated_value`], with `state` in place of the
    /// resource's own (a pass that holds the state elsewhere for a while).
    pub fn annotated_value_with(&self, state: &BuildState) -> Value {
        let mut value = self.value().into_owned();
        let entries = state.annotations();
        if entries.is_empty() {
            return value;
        }
        let Some(metadata) = value.ensure_map("metadata") else {
            return value;
        };
        let slot = metadata
            .entry("annotations".into())
            .or_insert_with(Value::new_map);
        if !matches!(slot, Value::Map(_)) {
            *slot = Value::new_map();
        }
        if let Value::Map(annotations) = slot {
            for (key, text) in entries {
                annotations.insert(key.into(), Value::String(text.into()));
            }
        }
        value
    }
}

impl BuildState {
    /// The internal annotations kustomize would carry for this state, each
    /// list joined with commas.
    fn annotations(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let joined = |items: &mut dyn Iterator<Item = &str>| items.collect::<Vec<_>>().join(",");
        if !self.prefixes.is_empty() {
            out.push((PREFIXES, self.prefixes.join(",")));
        }
        if !self.suffixes.is_empty() {
            out.push((SUFFIXES, self.suffixes.join(",")));
        }
        if !self.previous_ids.is_empty() {
            let ids = &self.previous_ids;
            out.push((
                PREVIOUS_KINDS,
                joined(&mut ids.iter().map(PreviousId::kind)),
            ));
            out.push((
                PREVIOUS_NAMES,
                joined(&mut ids.iter().map(PreviousId::name)),
            ));
            out.push((
                PREVIOUS_NAMESPACES,
                joined(&mut ids.iter().map(PreviousId::namespace)),
            ));
        }
        out
    }

    /// True when both resources were named in the same context: their
    /// prefix lists end the same way, and so do their suffix lists
    /// (kustomize's `PrefixesSuffixesEquals`). With `allow_empty`, a side
    /// with no prefixes (or no suffixes) matches anything.
    pub fn prefixes_suffixes_equal(&self, other: &BuildState, allow_empty: bool) -> bool {
        let matches = |mine: &[String], theirs: &[String]| {
            (allow_empty && (mine.is_empty() || theirs.is_empty())) || same_ending(mine, theirs)
        };
        matches(&self.prefixes, &other.prefixes) && matches(&self.suffixes, &other.suffixes)
    }
}

/// Appends to a list of the build state, growing it by one: a resource is
/// renamed or prefixed a handful of times at most, and the default growth
/// would reserve room for four items at the first push on every resource.
fn push_one<T>(list: &mut ThinVec<T>, item: T) {
    list.reserve_exact(1);
    list.push(item);
}

/// True when the shorter list equals the end of the longer one; an empty
/// list only matches an empty list.
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (shorter, longer) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if shorter.is_empty() {
        return longer.is_empty();
    }
    longer.ends_with(shorter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_map(name: &str, api_version: &str) -> Resource {
        let value = Value::from(&serde_json::json!({
            "apiVersion": api_version, "kind": "ConfigMap", "metadata": {"name": name}
        }));
        Resource::new(value, None)
    }

    fn strings(items: &[&str]) -> thin_vec::ThinVec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn previous_ids_take_the_current_group_and_version() {
        let mut r = config_map("a", "v1");
        r.store_previous_id();
        r.set_name("p-a");
        r.map_mut().insert("apiVersion".into(), "v2".into());
        let ids = r.previous_ids();
        assert_eq!(ids.len(), 1);
        assert_eq!(ids[0].gvk.version, "v2");
        assert_eq!(ids[0].namespace, "default");
        assert_eq!(r.original_id().name, "a");
        assert!(r.answers_to(&ResId::new(r.gvk(), "a", "")));
        assert!(r.answers_to(&ResId::new(r.gvk(), "p-a", "default")));
        assert!(!r.answers_to(&ResId::new(r.gvk(), "a", "other")));
    }

    #[test]
    fn same_ending_rules() {
        assert!(same_ending(&strings(&[]), &strings(&[])));
        assert!(!same_ending(&strings(&[]), &strings(&["a"])));
        assert!(same_ending(&strings(&["b"]), &strings(&["a", "b"])));
        assert!(!same_ending(&strings(&["a"]), &strings(&["a", "b"])));
    }

    #[test]
    fn prefix_suffix_context_equality() {
        let with = |p: &[&str], s: &[&str]| BuildState {
            prefixes: strings(p),
            suffixes: strings(s),
            ..BuildState::default()
        };
        let bare = with(&[], &[]);
        let a = with(&["a-"], &[]);
        assert!(bare.prefixes_suffixes_equal(&a, true));
        assert!(!bare.prefixes_suffixes_equal(&a, false));
        let ab = with(&["x-", "a-"], &["-s"]);
        assert!(a.prefixes_suffixes_equal(&ab, true));
        assert!(!a.prefixes_suffixes_equal(&ab, false));
    }

    #[test]
    fn annotated_value_shows_the_state() {
        let mut r = config_map("a", "v1");
        r.store_previous_id();
        r.add_name_prefix("p-");
        r.add_name_prefix("");
        r.set_name("p-a");
        let v = r.annotated_value();
        let annotations = v.get_path(&["metadata", "annotations"]).unwrap();
        assert_eq!(annotations.str_at(&[PREFIXES]), Some("p-"));
        assert_eq!(annotations.str_at(&[PREVIOUS_NAMES]), Some("a"));
        assert_eq!(annotations.str_at(&[PREVIOUS_NAMESPACES]), Some("default"));
        assert!(r.value().get_path(&["metadata", "annotations"]).is_none());
    }
}
