//! Reading kustomizations and their resources from disk.
//!
//! The pieces the build recursion calls, in the order it needs them:
//!
//! * [`Loader::confirm_root`]: the directory being built, symlinks resolved.
//! * [`crate::kustomization::LoadedKustomization::load`]: find and decode the
//!   kustomization file of a directory, with kustomize's checks and
//!   deprecation warnings.
//! * [`Loader::resolve_entry`] (or [`LoadedKustomization::resolve`]): turn a
//!   `resources` entry into a file to read or a directory to build, applying
//!   the load restrictor.
//! * [`read_resources`] / [`read_resources_parallel`]: parse resource files,
//!   expanding `List` kinds and validating what kustomize validates.
//! * [`BuildChain`]: the chain of kustomization directories being built, to
//!   reject cycles as kustomize does.

mod chain;
mod entry;
mod input;
mod meta;
pub(crate) use meta::check_resource_meta;
mod paths;
pub(crate) use paths::{is_within, resolve_existing};
mod reached;
mod resources;

pub use chain::BuildChain;
pub use entry::{looks_remote, Entry};
pub use input::{read_input, read_input_text, set_max_input_bytes};
pub use reached::{describe, ReachedFromExt, StepExt};
pub use resources::{
    read_resources, read_resources_finding, resources_from_documents, resources_from_text,
};

/// Which files a kustomization may read (kustomize's `--load-restrictor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LoadRestrictor {
    /// Files must be in or below the directory of the kustomization that
    /// lists them, after resolving symlinks. Directories (other
    /// kustomizations) are exempt: each becomes a root of its own.
    #[default]
    RootOnly,
    /// Any file may be read.
    None,
}

/// Reads kustomizations and resolves their entries under one load
/// restrictor. Cheap to copy; holds no state besides the restrictor.
#[derive(Debug, Clone, Copy, Default)]
pub struct Loader {
    restrictor: LoadRestrictor,
}

impl Loader {
    /// A loader applying `restrictor`.
    pub fn new(restrictor: LoadRestrictor) -> Loader {
        Loader { restrictor }
    }

    /// The restrictor this loader applies.
    pub fn restrictor(&self) -> LoadRestrictor {
        self.restrictor
    }
}

/// Helpers for tests that need the YAML parser.
#[cfg(test)]
pub(crate) mod test_support {
    /// True once the YAML parser can parse a trivial document. Tests that go
    /// through files skip themselves while it cannot.
    pub(crate) fn parser_available() -> bool {
        std::panic::catch_unwind(|| {
            crate::yaml::parse_documents("a: 1\n", std::path::Path::new("probe.yaml")).is_ok()
        })
        .unwrap_or(false)
    }
}
