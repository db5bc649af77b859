//! Cycle detection for the build recursion.

use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// The chain of kustomization directories from the build root down to the
/// one being built (resolved paths, outermost first).
///
/// kustomize refuses to descend into a directory that is, or contains, any
/// directory already on the chain: that catches real cycles (`a` → `b` →
/// `a`) and also a kustomization listing one of its own ancestors. Sibling
/// branches do not see each other, so two overlays may share a base.
///
/// kustomize clones every remote kustomization into a fresh directory, so
/// directories on either side of a remote boundary never contain one
/// another; krust shares one checkout per commit, so it compares a
/// directory only with those entered since the last remote boundary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildChain {
    roots: Vec<PathBuf>,
    /// Where the roots entered since the last remote boundary start.
    since_remote: usize,
}

impl BuildChain {
    /// A chain holding only the build root.
    pub fn new(root: PathBuf) -> BuildChain {
        BuildChain {
            roots: vec![root],
            since_remote: 0,
        }
    }

    /// The chain extended with `candidate`, or kustomize's cycle error when
    /// `candidate` is or contains a directory already on the chain. The
    /// innermost such directory is the one reported, as in kustomize.
    pub fn descend(&self, candidate: &Path) -> Result<BuildChain> {
        let comparable = &self.roots[self.since_remote..];
        if let Some(visited) = comparable.iter().rev().find(|r| r.starts_with(candidate)) {
            bail!(
                "cycle detected: candidate root '{}' contains visited root '{}'",
                candidate.display(),
                visited.display()
            );
        }
        let mut roots = Vec::with_capacity(self.roots.len() + 1);
        roots.extend_from_slice(&self.roots);
        roots.push(candidate.to_path_buf());
        Ok(BuildChain {
            roots,
            since_remote: self.since_remote,
        })
    }

    /// The chain extended with `candidate`, the checkout of a remote
    /// kustomization: a boundary no directory check crosses.
    pub fn descend_remote(&self, candidate: &Path) -> BuildChain {
        let mut roots = self.roots.clone();
        roots.push(candidate.to_path_buf());
        BuildChain {
            since_remote: roots.len() - 1,
            roots,
        }
    }

    /// The directories on the chain, outermost first.
    #[cfg(test)]
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// The directory being built (the innermost), if any.
    #[cfg(test)]
    pub fn current(&self) -> Option<&Path> {
        self.roots.last().map(PathBuf::as_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_reference_is_a_cycle() {
        let chain = BuildChain::new("/k/app".into());
        let err = chain.descend(Path::new("/k/app")).unwrap_err().to_string();
        assert_eq!(
            err,
            "cycle detected: candidate root '/k/app' contains visited root '/k/app'"
        );
    }

    #[test]
    fn ancestor_is_a_cycle_and_innermost_is_reported() {
        let chain = BuildChain::new("/k/overlay".into())
            .descend(Path::new("/k/base/inner"))
            .unwrap();
        let err = chain.descend(Path::new("/k")).unwrap_err().to_string();
        assert!(
            err.ends_with("contains visited root '/k/base/inner'"),
            "{err}"
        );
    }

    #[test]
    fn siblings_and_shared_bases_are_fine() {
        let root = BuildChain::new("/k/all".into());
        let a = root.descend(Path::new("/k/a")).unwrap();
        let b = root.descend(Path::new("/k/b")).unwrap();
        a.descend(Path::new("/k/base")).unwrap();
        b.descend(Path::new("/k/base")).unwrap();
        // A directory whose name merely starts with a visited one is not it.
        let deep = a.descend(Path::new("/k/allx")).unwrap();
        assert_eq!(deep.roots().len(), 3);
        assert_eq!(deep.current(), Some(Path::new("/k/allx")));
    }

    #[test]
    fn remote_boundaries_separate_checkouts() {
        let chain = BuildChain::new("/k/app".into()).descend_remote(Path::new("/cache/t/a/b"));
        // The same shared checkout entered again from inside is no cycle
        // across the boundary, but is one within it.
        let inner = chain.descend_remote(Path::new("/cache/t/a"));
        assert!(inner.descend(Path::new("/cache/t/a/c")).is_ok());
        assert!(chain.descend(Path::new("/cache/t/a")).is_err());
        assert_eq!(inner.current(), Some(Path::new("/cache/t/a")));
    }

    #[test]
    fn two_step_cycle() {
        let chain = BuildChain::new("/k/a".into())
            .descend(Path::new("/k/b"))
            .unwrap();
        assert!(chain.descend(Path::new("/k/a")).is_err());
    }
}
