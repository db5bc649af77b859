//! The objects a name reference may point at, and how one is chosen.
//!
//! Before any reference is fixed, every resource is summed up once as a
//! [`Target`] (names, namespaces, earlier identities, prefixes and
//! suffixes), and indexed by the names it had before renames: only a
//! resource that was renamed can need a reference updated, and only
//! references holding one of its earlier names can point at it. Fixing
//! references never renames anything, so the summaries stay valid.

use crate::openapi::custom::SchemaScope;
use crate::resource::{BuildState, Gvk, LazyBuildState, PreviousId, Resource};
use crate::yaml::{Key, Str};
use std::collections::{HashMap, HashSet};

/// kustomize's effective namespace of cluster-scoped objects.
const NOT_A_NAMESPACE: &str = "_non_namespaceable_";

/// What reference selection needs to know about one resource. Every
/// resource has one during the pass, so text is kept inline where it fits.
#[derive(Debug)]
pub(super) struct Target {
    /// Current `metadata.name`.
    pub name: Str,
    /// Current `metadata.namespace` as written.
    pub namespace: Key,
    /// Current kind.
    pub kind: Key,
    group: Key,
    version: Key,
    cluster_scoped: bool,
    effective_namespace: Key,
    /// Effective namespace of the original identity; `None` when that
    /// identity is cluster-scoped.
    original_namespace: Option<Key>,
    /// Kind of the original identity.
    original_kind: Key,
    /// The resource's build state, taken for the pass.
    state: LazyBuildState,
}

impl Target {
    /// Sums up `r`, taking its build state until [`Targets::restore`].
    fn new(r: &mut Resource, schema: &SchemaScope) -> Target {
        let id = r.id();
        let original = r.original_id();
        let original_cluster_scoped = schema.is_gvk_cluster_scoped(&original.gvk);
        let original_namespace =
            (!original_cluster_scoped).then(|| original.effective_namespace_if(false).into());
        let cluster_scoped = schema.is_gvk_cluster_scoped(&id.gvk);
        Target {
            original_kind: original.gvk.kind.as_str().into(),
            cluster_scoped,
            effective_namespace: id.effective_namespace_if(cluster_scoped).into(),
            name: id.name.into(),
            namespace: id.namespace.as_str().into(),
            kind: id.gvk.kind.as_str().into(),
            group: id.gvk.group.as_str().into(),
            version: id.gvk.version.as_str().into(),
            original_namespace,
            state: std::mem::take(&mut r.state),
        }
    }

    /// Group, version and kind of the original identity: the original
    /// kind, with the current group and version (kustomize keeps no
    /// earlier ones).
    pub fn original_type(&self) -> (&str, &str, &str) {
        (&self.group, &self.version, &self.original_kind)
    }

    /// The resource's build state.
    pub fn state(&self) -> &BuildState {
        &self.state
    }

    /// True when one of the earlier identities (kind as it was, group and
    /// version as they are) is of a type `selector` selects.
    fn previously_of_type(&self, selector: &Gvk) -> bool {
        let group_ok = selector.group.is_empty() || selector.group == self.group;
        let version_ok = selector.version.is_empty() || selector.version == self.version;
        group_ok
            && version_ok
            && self
                .state
                .previous_ids
                .iter()
                .map(PreviousId::kind)
                .any(|kind| selector.kind.is_empty() || selector.kind == kind)
    }
}

/// Every resource summed up, with the indexes selection needs.
#[derive(Debug)]
pub(super) struct Targets {
    items: Vec<Target>,
    /// (earlier name, resource that had it), sorted by name and then
    /// resource order, searched by bisection: one compact entry per
    /// renamed resource instead of a hash-map slot and a vector each.
    by_previous_name: Vec<(Str, usize)>,
    /// Original effective namespace -> resources, in resource order
    /// (cluster-scoped originals left out).
    by_original_namespace: HashMap<Key, Vec<usize>>,
}

impl Targets {
    /// Sums up every resource, taking each one's build state for the pass.
    pub fn new(resources: &mut [Resource], schema: &SchemaScope) -> Targets {
        let items: Vec<Target> = resources
            .iter_mut()
            .map(|r| Target::new(r, schema))
            .collect();
        let mut by_previous_name: Vec<(Str, usize)> = Vec::new();
        let mut by_original_namespace: HashMap<Key, Vec<usize>> = HashMap::new();
        for (i, t) in items.iter().enumerate() {
            for id in &t.state.previous_ids {
                by_previous_name.push((id.name().into(), i));
            }
            if let Some(ns) = t.original_namespace {
                by_original_namespace.entry(ns).or_default().push(i);
            }
        }
        // Stable, so each name's resources stay in resource order, and a
        // resource that had one name twice appears once.
        by_previous_name.sort_by(|a, b| a.0.cmp(&b.0));
        by_previous_name.dedup();
        by_previous_name.shrink_to_fit();
        Targets {
            items,
            by_previous_name,
            by_original_namespace,
        }
    }

    /// Gives every resource its build state back.
    pub fn restore(&mut self, resources: &mut [Resource]) {
        for (r, t) in resources.iter_mut().zip(&mut self.items) {
            r.state = std::mem::take(&mut t.state);
        }
    }

    pub fn get(&self, i: usize) -> &Target {
        &self.items[i]
    }

    /// The resources that once had `name`, in resource order.
    fn previously_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        let start = self
            .by_previous_name
            .partition_point(|(n, _)| n.as_str() < name);
        self.by_previous_name[start..]
            .iter()
            .take_while(move |(n, _)| n == name)
            .map(|&(_, i)| i)
    }
}

/// The resource holding references, as selection sees it.
#[derive(Debug)]
pub(super) struct Referrer {
    index: usize,
    cluster_scoped: bool,
    effective_namespace: Key,
    /// Namespaces of the ServiceAccount subjects of a RoleBinding: objects
    /// there may be referenced across namespaces.
    subject_namespaces: HashSet<String>,
}

/// How candidates that are all equally good count as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sameness {
    /// Same current name.
    Name,
    /// Same current name and namespace.
    NameAndNamespace,
}

/// Why no single referral could be chosen.
#[derive(Debug)]
pub(super) struct Ambiguous(pub Vec<usize>);

/// What the reference field asks for.
pub(super) struct Lookup<'a> {
    /// The name the field holds now.
    pub old_name: &'a str,
    /// The referenced type.
    pub target_type: &'a Gvk,
    /// For `roleRef/name` fields, the type the role ref names.
    pub role_ref: Option<&'a Gvk>,
    /// For mapping references with a `namespace` field, its value.
    pub namespace: Option<&'a str>,
    /// When equal candidates count as one.
    pub sameness: Sameness,
}

impl Referrer {
    /// Sums up resource `index`; `subject_namespaces` comes from
    /// [`super::subject_namespaces`].
    pub fn new(targets: &Targets, index: usize, subject_namespaces: HashSet<String>) -> Referrer {
        let t = targets.get(index);
        Referrer {
            index,
            cluster_scoped: t.cluster_scoped,
            effective_namespace: t.effective_namespace,
            subject_namespaces,
        }
    }

    /// kustomize's `SubsetThatCouldBeReferencedByResource`.
    fn could_reference(&self, t: &Target) -> bool {
        self.cluster_scoped
            || t.cluster_scoped
            || t.effective_namespace == self.effective_namespace
            || self.subject_namespaces.contains(t.namespace.as_str())
    }

    /// The namespace rule of selection proper: cluster-scoped objects and
    /// ServiceAccounts may be referenced from anywhere.
    fn same_namespace_rule(&self, t: &Target) -> bool {
        self.cluster_scoped
            || t.cluster_scoped
            || t.kind == "ServiceAccount"
            || t.effective_namespace == self.effective_namespace
    }

    /// Chooses the resource the reference points at, if any.
    pub fn select(
        &self,
        targets: &Targets,
        lookup: &Lookup<'_>,
    ) -> Result<Option<usize>, Ambiguous> {
        let in_namespace = self.namespace_filter(targets, lookup.namespace);
        let mut candidates: Vec<usize> = targets
            .previously_named(lookup.old_name)
            .filter(|&j| {
                let t = targets.get(j);
                self.could_reference(t)
                    && in_namespace(t)
                    && t.previously_of_type(lookup.target_type)
                    && lookup.role_ref.is_none_or(|g| t.previously_of_type(g))
                    && self.same_namespace_rule(t)
            })
            .collect();
        if candidates.len() == 1 {
            return Ok(Some(candidates[0]));
        }
        let mine = &targets.get(self.index).state;
        let same_context = |j: &usize, allow_empty: bool| {
            targets
                .get(*j)
                .state
                .prefixes_suffixes_equal(mine, allow_empty)
        };
        candidates.retain(|j| same_context(j, true));
        if candidates.len() > 1 {
            candidates.retain(|j| same_context(j, false));
        }
        match candidates.len() {
            0 => Ok(None),
            1 => Ok(Some(candidates[0])),
            _ if all_same(targets, &candidates, lookup.sameness) => Ok(Some(candidates[0])),
            _ => Err(Ambiguous(candidates)),
        }
    }

    /// For a reference with a `namespace` field: candidates whose original
    /// namespace is that one when any object the referrer could reference
    /// was there originally, else candidates currently there.
    fn namespace_filter<'t>(
        &self,
        targets: &'t Targets,
        namespace: Option<&'t str>,
    ) -> Box<dyn Fn(&Target) -> bool + 't> {
        let Some(ns) = namespace else {
            return Box::new(|_| true);
        };
        if ns == NOT_A_NAMESPACE {
            return Box::new(|_| false);
        }
        let originally_there = targets
            .by_original_namespace
            .get(ns)
            .is_some_and(|group| group.iter().any(|&j| self.could_reference(targets.get(j))));
        if originally_there {
            Box::new(move |t| t.original_namespace.as_deref() == Some(ns))
        } else {
            Box::new(move |t| !t.cluster_scoped && t.effective_namespace == ns)
        }
    }
}

fn all_same(targets: &Targets, candidates: &[usize], sameness: Sameness) -> bool {
    let first = targets.get(candidates[0]);
    candidates[1..].iter().all(|&j| {
        let t = targets.get(j);
        t.name == first.name && (sameness == Sameness::Name || t.namespace == first.namespace)
    })
}
