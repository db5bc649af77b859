//! Whether a build must run in kustomize's order.
//!
//! kustomize builds one kustomization after another, and the first one it
//! enters whose `openapi:` field asks for a schema chooses the schema of
//! every strategic merge after that point (see [`crate::openapi::custom`]).
//! krust builds sibling bases in parallel, which keeps no such order. So
//! before a build starts, unless the top kustomization decides the schema
//! itself, this looks through the kustomizations below it (bases,
//! components, remote bases, and directories listed as plugin configs) for
//! one that asks; only then is the build run in order. The files read here
//! are kept for the build, which so reads each kustomization file once, and
//! never runs twice (plugins included).

use super::accumulate::Builder;
use crate::kustomization::{KustomizationRole, LoadedKustomization};
use crate::load::{looks_remote, BuildChain, Entry};
use crate::remote::RemoteEntry;
use rayon::prelude::*;

/// Entries of one kustomization from which its nested kustomizations are
/// read in parallel.
const PARALLEL_ENTRIES: usize = 4;

impl Builder {
    /// True when a kustomization below `kust` has an `openapi:` field.
    ///
    /// Entries that cannot be read are skipped: the build itself meets them
    /// again and reports them where kustomize would.
    pub(super) fn nested_schema_request(
        &self,
        kust: &LoadedKustomization,
        chain: &BuildChain,
    ) -> bool {
        let k = &kust.kustomization;
        let as_resources = k
            .resources
            .iter()
            .chain(&k.generators)
            .chain(&k.transformers)
            .chain(&k.validators)
            .map(|entry| (entry, KustomizationRole::Resource));
        let as_components = k
            .components
            .iter()
            .map(|entry| (entry, KustomizationRole::Component));
        let entries: Vec<(&String, KustomizationRole)> =
            as_resources.chain(as_components).collect();
        let requests = |&(entry, role): &(&String, KustomizationRole)| {
            self.entry_requests_schema(kust, entry, role, chain)
        };
        // Reading many bases is worth sharing out, as the build itself does;
        // what is read here is kept for the build (`Builder::read_ahead`).
        if entries.len() >= PARALLEL_ENTRIES {
            entries.par_iter().any(requests)
        } else {
            entries.iter().any(requests)
        }
    }

    /// True when `entry` of `kust` is a kustomization that has an
    /// `openapi:` field, or has one below it.
    fn entry_requests_schema(
        &self,
        kust: &LoadedKustomization,
        entry: &str,
        role: KustomizationRole,
        chain: &BuildChain,
    ) -> bool {
        // Most entries are files: one look at the file system rules them
        // out before the full resolution the build does anyway.
        if !kust.dir.join(entry).is_dir() && !looks_remote(entry) {
            return false;
        }
        let opened = match kust.resolve(&self.loader, entry) {
            Ok(Entry::Dir(dir)) => self.open_nested(kust, entry, &dir, role, chain, true),
            Ok(Entry::Remote(RemoteEntry::Git(spec))) => self.open_remote(kust, &spec, role, chain),
            _ => return false,
        };
        let Ok((nested, chain)) = opened else {
            return false;
        };
        !nested.kustomization.openapi.is_empty() || self.nested_schema_request(&nested, &chain)
    }
}
