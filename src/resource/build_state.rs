//! The storage of a resource's build state, kept small: most resources
//! carry little or none of it, and every byte of [`super::Resource`] is paid
//! once per resource in every resource list.
//!
//! [`LazyBuildState`] holds the state behind a pointer allocated on first
//! write, so an untouched resource pays one null pointer. The lists inside
//! [`BuildState`] are [`ThinVec`]s (one pointer each when empty), and an
//! earlier identity is one packed string ([`PreviousId`]).

use super::links::Links;
use super::origin::Origin;
use crate::yaml::BareNullPath;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use thin_vec::ThinVec;

/// Build-time facts about a resource that kustomize keeps in annotations:
/// earlier identities, applied name prefixes and suffixes, whether a
/// generated name still needs its hash (never printed), and where the
/// resource came from and what transformed it (printed on request, see
/// `super::origin`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuildState {
    /// Identities the resource had before renames, oldest first.
    pub previous_ids: ThinVec<PreviousId>,
    /// Name prefixes applied to it, in the order they were applied.
    pub prefixes: ThinVec<String>,
    /// Name suffixes applied to it, in the order they were applied.
    pub suffixes: ThinVec<String>,
    /// A generated ConfigMap or Secret whose name still needs a content-hash
    /// suffix at the end of the build.
    pub needs_hash: bool,
    /// Names of the `vars` whose object reference picked this resource; the
    /// vars read their values from it at the end of the build.
    pub var_names: ThinVec<String>,
    /// Where the resource came from; set only when origins are tracked.
    /// Shared by every resource of the same file or generator.
    pub origin: Option<Arc<Origin>>,
    /// The transformers that ran on it, oldest first; recorded only when
    /// origins are tracked.
    pub transformations: ThinVec<Arc<Origin>>,
    /// Fields the resource's file wrote with no value (`key:`), which the
    /// first strategic merge patch applied to it drops (see
    /// `crate::patch::strategic_merge::drop_bare_nulls`). Emptied by any
    /// patch, as kustomize's patches leave only spelled-out nulls behind.
    pub bare_nulls: ThinVec<BareNullPath>,
    /// Label and annotation values that share one node in kustomize (see
    /// `super::links`).
    pub links: Links,
}

impl BuildState {
    /// The state of a resource nothing has happened to yet.
    const EMPTY: BuildState = BuildState {
        previous_ids: ThinVec::new(),
        prefixes: ThinVec::new(),
        suffixes: ThinVec::new(),
        needs_hash: false,
        var_names: ThinVec::new(),
        origin: None,
        transformations: ThinVec::new(),
        bare_nulls: ThinVec::new(),
        links: Links::NONE,
    };
}

/// What an unallocated [`LazyBuildState`] reads as.
static EMPTY_STATE: BuildState = BuildState::EMPTY;

/// A [`BuildState`] allocated on first mutable use. It reads (through
/// `Deref`) as an empty state until then, and writes (through `DerefMut`)
/// allocate it, so `resource.state.field` works either way.
#[derive(Clone, Default)]
pub struct LazyBuildState(Option<Box<BuildState>>);

impl LazyBuildState {
    /// True when nothing has been written yet.
    pub fn is_unallocated(&self) -> bool {
        self.0.is_none()
    }
}

impl Deref for LazyBuildState {
    type Target = BuildState;
    fn deref(&self) -> &BuildState {
        self.0.as_deref().unwrap_or(&EMPTY_STATE)
    }
}

impl DerefMut for LazyBuildState {
    fn deref_mut(&mut self) -> &mut BuildState {
        self.0.get_or_insert_with(Box::default)
    }
}

impl From<BuildState> for LazyBuildState {
    fn from(state: BuildState) -> LazyBuildState {
        LazyBuildState(Some(Box::new(state)))
    }
}

impl PartialEq for LazyBuildState {
    /// Compares the states, an unallocated one being equal to an empty one.
    fn eq(&self, other: &LazyBuildState) -> bool {
        **self == **other
    }
}

impl fmt::Debug for LazyBuildState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

/// An identity a resource had before a rename, as kustomize records it:
/// kind, name and effective namespace. The group and version are not kept
/// (kustomize reads them from the resource as it is now, see
/// [`super::Resource::previous_ids`]).
///
/// The three texts share one allocation.
#[derive(Clone, PartialEq, Eq)]
pub struct PreviousId {
    /// Kind, name and namespace, one after the other.
    text: Box<str>,
    kind_end: usize,
    name_end: usize,
}

impl PreviousId {
    /// Packs an earlier identity.
    pub fn new(kind: &str, name: &str, namespace: &str) -> PreviousId {
        let mut text = String::with_capacity(kind.len() + name.len() + namespace.len());
        text.push_str(kind);
        text.push_str(name);
        text.push_str(namespace);
        PreviousId {
            text: text.into_boxed_str(),
            kind_end: kind.len(),
            name_end: kind.len() + name.len(),
        }
    }

    /// The kind.
    pub fn kind(&self) -> &str {
        &self.text[..self.kind_end]
    }

    /// `metadata.name`.
    pub fn name(&self) -> &str {
        &self.text[self.kind_end..self.name_end]
    }

    /// The effective namespace (`default` for none, a marker for
    /// cluster-scoped kinds).
    pub fn namespace(&self) -> &str {
        &self.text[self.name_end..]
    }
}

impl fmt::Debug for PreviousId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreviousId")
            .field("kind", &self.kind())
            .field("name", &self.name())
            .field("namespace", &self.namespace())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_id_unpacks_its_parts() {
        let id = PreviousId::new("ConfigMap", "cm", "default");
        assert_eq!(
            (id.kind(), id.name(), id.namespace()),
            ("ConfigMap", "cm", "default")
        );
        let blank = PreviousId::new("", "", "");
        assert_eq!(
            (blank.kind(), blank.name(), blank.namespace()),
            ("", "", "")
        );
        assert_ne!(id, PreviousId::new("ConfigMa", "pcm", "default"));
    }

    #[test]
    fn lazy_state_allocates_on_write_only() {
        let mut state = LazyBuildState::default();
        assert!(!state.needs_hash && state.prefixes.is_empty());
        assert!(state.is_unallocated());
        assert_eq!(state, LazyBuildState::from(BuildState::default()));
        state.needs_hash = true;
        assert!(!state.is_unallocated());
        assert!(state.needs_hash);
        assert_ne!(state, LazyBuildState::default());
    }

    #[test]
    fn sizes_stay_small() {
        assert_eq!(size_of::<LazyBuildState>(), size_of::<usize>());
        // Eight lists or pointers of one word each, and a flag.
        assert!(size_of::<BuildState>() <= size_of::<[usize; 9]>());
        // The object, its source, and one pointer for all the rest.
        let resource = size_of::<crate::yaml::Value>() + size_of::<[usize; 3]>();
        assert!(size_of::<super::super::Resource>() <= resource);
    }
}
