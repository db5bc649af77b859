//! Matching the resources of two renders.
//!
//! Stages, each over what the earlier ones left unmatched, and each pairing
//! only where exactly one old and one new resource qualify (anything
//! ambiguous stays added or removed):
//!
//! 1. the exact key; then group, kind, namespace and name with another
//!    version (`policy/v1beta1` → `policy/v1`);
//! 2. names that differ only in a kustomize content-hash suffix (or in
//!    having one);
//! 3. the same name in another namespace; the namespace moves this reveals
//!    (`staging` → `production`) then settle the remaining ambiguous ones;
//! 4. name prefix/suffix rewrites (`staging-web` → `prod-web`) that at least
//!    two resources share (see [`rename`]);
//! 5. `Namespace` objects themselves, along the namespace moves of the
//!    resources paired so far.
//!
//! Stages 2 to 5 can be switched off with [`PairModes`].

mod rename;

use super::{PairedBy, ResourceKey};
use std::collections::BTreeMap;

/// The characters of kustomize's name hash: the hex digits with `0`, `1`,
/// `3`, `a` and `e` replaced by `g`, `h`, `k`, `m` and `t` (to avoid
/// spelling words), so never vowels and never `0`, `1` or `3`.
const HASH_ALPHABET: &[u8] = b"2456789bcdfghkmt";

/// The length of kustomize's name hash.
const HASH_LEN: usize = 10;

/// Which pairings beyond the exact key a comparison tries (`--pair`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairModes {
    /// Names that differ only in a kustomize hash suffix.
    pub hash_suffix: bool,
    /// The same name in another namespace, and `Namespace` objects along
    /// the namespace moves found.
    pub namespace: bool,
    /// Name prefix/suffix rewrites shared by several resources.
    pub rename: bool,
}

impl PairModes {
    /// Every pairing.
    pub const ALL: PairModes = PairModes {
        hash_suffix: true,
        namespace: true,
        rename: true,
    };

    /// Exact keys only (and other versions of the same object).
    pub const NONE: PairModes = PairModes {
        hash_suffix: false,
        namespace: false,
        rename: false,
    };
}

impl Default for PairModes {
    fn default() -> Self {
        PairModes::ALL
    }
}

/// Indexes into the old and new lists.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Pairing {
    /// (old, new) pairs of the same object, with how they were found.
    pub pairs: Vec<(usize, usize, PairedBy)>,
    /// Old resources with no partner, in list order.
    pub removed: Vec<usize>,
    /// New resources with no partner, in list order.
    pub added: Vec<usize>,
}

/// The name without a trailing `-<hash>`, when it has one.
pub(super) fn strip_hash_suffix(name: &str) -> Option<&str> {
    let cut = name.len().checked_sub(HASH_LEN + 1)?;
    let (stem, suffix) = name.split_at_checked(cut)?;
    let hash = suffix.strip_prefix('-')?;
    let is_hash = hash.bytes().all(|b| HASH_ALPHABET.contains(&b));
    (is_hash && !stem.is_empty()).then_some(stem)
}

/// The name without its hash suffix, if it has one.
fn stem(name: &str) -> &str {
    strip_hash_suffix(name).unwrap_or(name)
}

/// Pairs old and new resources. Keys are unique within each list (a render
/// never holds the same object twice).
pub(super) fn pair<'k>(
    old: &'k [ResourceKey],
    new: &'k [ResourceKey],
    modes: PairModes,
) -> Pairing {
    let mut m = Matcher::new(old, new);
    m.pair_unique_by(Some, Some, PairedBy::Key);
    let identity = |k: &'k ResourceKey| {
        Some((
            k.group(),
            k.kind.as_str(),
            k.namespace.as_str(),
            k.name.as_str(),
        ))
    };
    m.pair_unique_by(identity, identity, PairedBy::Key);
    if modes.hash_suffix {
        // A generator that switched its hash suffix on or off pairs too.
        let hashed = |k: &'k ResourceKey| {
            Some((
                k.group(),
                k.kind.as_str(),
                k.namespace.as_str(),
                stem(&k.name),
            ))
        };
        m.pair_unique_by(hashed, hashed, PairedBy::HashSuffix);
    }
    if modes.namespace {
        m.pair_across_namespaces();
    }
    if modes.rename {
        let moves = m.namespace_moves();
        rename::pair_renames(&mut m, &moves);
    }
    if modes.namespace {
        m.pair_namespace_objects();
    }
    m.finish()
}

/// Which resources are matched so far.
pub(super) struct Matcher<'k> {
    old: &'k [ResourceKey],
    new: &'k [ResourceKey],
    old_done: Vec<bool>,
    new_done: Vec<bool>,
    pairs: Vec<(usize, usize, PairedBy)>,
}

impl<'k> Matcher<'k> {
    fn new(old: &'k [ResourceKey], new: &'k [ResourceKey]) -> Self {
        Matcher {
            old,
            new,
            old_done: vec![false; old.len()],
            new_done: vec![false; new.len()],
            pairs: Vec::new(),
        }
    }

    /// Unmatched old resources, in list order.
    fn old_left(&self) -> impl Iterator<Item = (usize, &'k ResourceKey)> + '_ {
        let old = self.old;
        old.iter().enumerate().filter(|(i, _)| !self.old_done[*i])
    }

    /// Unmatched new resources, in list order.
    fn new_left(&self) -> impl Iterator<Item = (usize, &'k ResourceKey)> + '_ {
        let new = self.new;
        new.iter().enumerate().filter(|(i, _)| !self.new_done[*i])
    }

    fn add(&mut self, o: usize, n: usize, by: PairedBy) {
        debug_assert!(!self.old_done[o] && !self.new_done[n]);
        self.old_done[o] = true;
        self.new_done[n] = true;
        self.pairs.push((o, n, by));
    }

    /// Pairs the unmatched resources whose keys (`None`: not a candidate)
    /// are equal, where exactly one old and one new resource have the key.
    fn pair_unique_by<K: Ord>(
        &mut self,
        old_key: impl Fn(&'k ResourceKey) -> Option<K>,
        new_key: impl Fn(&'k ResourceKey) -> Option<K>,
        by: PairedBy,
    ) {
        let mut groups: BTreeMap<K, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for (o, key) in self.old_left() {
            if let Some(group) = old_key(key) {
                groups.entry(group).or_default().0.push(o);
            }
        }
        for (n, key) in self.new_left() {
            if let Some(group) = new_key(key) {
                groups.entry(group).or_default().1.push(n);
            }
        }
        for (olds, news) in groups.into_values() {
            if let ([o], [n]) = (olds.as_slice(), news.as_slice()) {
                self.add(*o, *n, by);
            }
        }
    }

    /// Stage 3: same group, kind and name (hash suffix aside) in another
    /// namespace; then, for names several namespaces share, the partner in
    /// the namespace the other resources moved to.
    fn pair_across_namespaces(&mut self) {
        let anywhere = |k: &'k ResourceKey| Some((k.group(), k.kind.as_str(), stem(&k.name), ""));
        self.pair_unique_by(anywhere, anywhere, PairedBy::Namespace);
        let moves = self.namespace_moves();
        let moved = |k: &'k ResourceKey| {
            let to = *moves.get(k.namespace.as_str())?;
            Some((k.group(), k.kind.as_str(), stem(&k.name), to))
        };
        let here = |k: &'k ResourceKey| {
            Some((
                k.group(),
                k.kind.as_str(),
                stem(&k.name),
                k.namespace.as_str(),
            ))
        };
        self.pair_unique_by(moved, here, PairedBy::Namespace);
    }

    /// Stage 5: the `Namespace` object of a namespace whose resources moved
    /// pairs with the `Namespace` object they moved to.
    fn pair_namespace_objects(&mut self) {
        let moves = self.namespace_moves();
        let is_namespace = |k: &ResourceKey| k.kind == "Namespace" && k.group().is_empty();
        self.pair_unique_by(
            |k| {
                is_namespace(k)
                    .then(|| moves.get(k.name.as_str()).copied())
                    .flatten()
            },
            |k| is_namespace(k).then_some(k.name.as_str()),
            PairedBy::Namespace,
        );
    }

    /// The namespace moves the pairs so far show: old namespace → new
    /// namespace, where each is the other's most frequent partner (ties
    /// count as no move).
    pub(super) fn namespace_moves(&self) -> BTreeMap<&'k str, &'k str> {
        let mut votes: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for &(o, n, _) in &self.pairs {
            let (from, to) = (
                self.old[o].namespace.as_str(),
                self.new[n].namespace.as_str(),
            );
            if from != to && !from.is_empty() && !to.is_empty() {
                *votes.entry((from, to)).or_default() += 1;
            }
        }
        let forward = favourites(&votes, false);
        let backward = favourites(&votes, true);
        forward
            .into_iter()
            .filter(|(from, to)| backward.get(to) == Some(from))
            .collect()
    }

    fn finish(self) -> Pairing {
        let removed = (0..self.old.len()).filter(|&o| !self.old_done[o]).collect();
        let added = (0..self.new.len()).filter(|&n| !self.new_done[n]).collect();
        Pairing {
            pairs: self.pairs,
            removed,
            added,
        }
    }
}

/// For each namespace on one side (the old one, or the new one when
/// `backward`), the namespace on the other side it was most often paired
/// with; none when two are tied.
fn favourites<'a>(
    votes: &BTreeMap<(&'a str, &'a str), usize>,
    backward: bool,
) -> BTreeMap<&'a str, &'a str> {
    let mut best: BTreeMap<&str, (&str, usize, bool)> = BTreeMap::new();
    for (&(from, to), &count) in votes {
        let (this, other) = if backward { (to, from) } else { (from, to) };
        let entry = best.entry(this).or_insert((other, 0, false));
        if count > entry.1 {
            *entry = (other, count, false);
        } else if count == entry.1 {
            entry.2 = true;
        }
    }
    best.into_iter()
        .filter(|(_, (_, _, tied))| !tied)
        .map(|(this, (other, _, _))| (this, other))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn key(kind: &str, namespace: &str, name: &str) -> ResourceKey {
        ResourceKey {
            api_version: if kind == "Deployment" {
                "apps/v1"
            } else {
                "v1"
            }
            .into(),
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    fn cm(name: &str) -> ResourceKey {
        key("ConfigMap", "ns", name)
    }

    fn run(old: &[ResourceKey], new: &[ResourceKey]) -> Pairing {
        pair(old, new, PairModes::ALL)
    }

    /// The pairs as (old name, new name, how), sorted.
    pub(super) fn named(p: &Pairing, old: &[ResourceKey], new: &[ResourceKey]) -> Vec<String> {
        let mut pairs: Vec<String> = p
            .pairs
            .iter()
            .map(|&(o, n, by)| {
                format!(
                    "{} -> {} ({})",
                    old[o].qualified_name(),
                    new[n].qualified_name(),
                    by.label()
                )
            })
            .collect();
        pairs.sort();
        pairs
    }

    #[test]
    fn recognises_kustomize_hashes_only() {
        assert_eq!(
            strip_hash_suffix("app-config-5bg9dh6dgh"),
            Some("app-config")
        );
        assert_eq!(
            strip_hash_suffix("app-config-m2fdkh8ttc"),
            Some("app-config")
        );
        // `a`, `e`, `0`, `1` and `3` never appear in a kustomize hash.
        assert_eq!(strip_hash_suffix("app-config-abcdefghij"), None);
        assert_eq!(strip_hash_suffix("app-config-0123456789"), None);
        assert_eq!(strip_hash_suffix("app-5bg9dh6dg"), None);
        assert_eq!(strip_hash_suffix("-5bg9dh6dgh"), None);
        assert_eq!(strip_hash_suffix("x5bg9dh6dghh"), None);
        assert_eq!(strip_hash_suffix("é-5bg9dh6dgh"), Some("é"));
        assert_eq!(strip_hash_suffix("ééééé"), None);
    }

    #[test]
    fn exact_keys_pair_first() {
        let p = run(&[cm("a")], &[cm("a")]);
        assert_eq!(p.pairs, vec![(0, 0, PairedBy::Key)]);
        assert!(p.added.is_empty() && p.removed.is_empty());
    }

    #[test]
    fn another_version_of_the_same_object_pairs_by_key() {
        let mut old = key("PodDisruptionBudget", "ns", "pdb");
        old.api_version = "policy/v1beta1".into();
        let mut new = old.clone();
        new.api_version = "policy/v1".into();
        let p = pair(&[old], &[new], PairModes::NONE);
        assert_eq!(p.pairs, vec![(0, 0, PairedBy::Key)]);
    }

    #[test]
    fn hash_suffix_pairs_same_kind_only() {
        let p = run(
            &[cm("a-5bg9dh6dgh")],
            &[key("Secret", "ns", "a-t2kdm48fcb")],
        );
        assert!(p.pairs.is_empty());
        assert_eq!((p.removed, p.added), (vec![0], vec![0]));
        let p = run(&[cm("a-5bg9dh6dgh")], &[cm("a-t2kdm48fcb")]);
        assert_eq!(p.pairs, vec![(0, 0, PairedBy::HashSuffix)]);
        // disableNameSuffixHash switched on.
        let p = run(&[cm("a-5bg9dh6dgh")], &[cm("a")]);
        assert_eq!(p.pairs, vec![(0, 0, PairedBy::HashSuffix)]);
    }

    #[test]
    fn ambiguous_stems_stay_unpaired() {
        let p = run(
            &[cm("a-5bg9dh6dgh")],
            &[cm("a-t2kdm48fcb"), cm("a-gggggggggg")],
        );
        assert!(p.pairs.is_empty());
        assert_eq!(p.added, vec![0, 1]);
        assert_eq!(p.removed, vec![0]);
    }

    #[test]
    fn modes_switch_stages_off() {
        let old = [
            key("ConfigMap", "a", "x-5bg9dh6dgh"),
            key("Service", "a", "web"),
        ];
        let new = [
            key("ConfigMap", "a", "x-t2kdm48fcb"),
            key("Service", "b", "web"),
        ];
        let p = pair(&old, &new, PairModes::NONE);
        assert!(p.pairs.is_empty());
        let p = pair(
            &old,
            &new,
            PairModes {
                hash_suffix: true,
                ..PairModes::NONE
            },
        );
        assert_eq!(
            named(&p, &old, &new),
            ["a/x-5bg9dh6dgh -> a/x-t2kdm48fcb (hash-suffix)"]
        );
    }

    #[test]
    fn namespace_moves_pair_resources_and_namespace_objects() {
        let old = [
            key("Namespace", "", "shop-staging"),
            key("Deployment", "shop-staging", "web"),
            key("Service", "shop-staging", "web"),
            key("ConfigMap", "shop-staging", "env-5bg9dh6dgh"),
        ];
        let new = [
            key("Namespace", "", "shop-prod"),
            key("Deployment", "shop-prod", "web"),
            key("Service", "shop-prod", "web"),
            key("ConfigMap", "shop-prod", "env-t2kdm48fcb"),
            key("PodDisruptionBudget", "shop-prod", "web"),
        ];
        let p = run(&old, &new);
        assert_eq!(
            named(&p, &old, &new),
            [
                "shop-staging -> shop-prod (namespace)",
                "shop-staging/env-5bg9dh6dgh -> shop-prod/env-t2kdm48fcb (namespace)",
                "shop-staging/web -> shop-prod/web (namespace)",
                "shop-staging/web -> shop-prod/web (namespace)",
            ]
        );
        assert_eq!((p.removed, p.added), (vec![], vec![4]));
    }

    #[test]
    fn namespace_moves_settle_names_several_namespaces_share() {
        let old = [
            key("Service", "a-staging", "web"),
            key("Service", "b-staging", "web"),
            key("Deployment", "a-staging", "api"),
            key("Deployment", "b-staging", "worker"),
        ];
        let new = [
            key("Service", "a-prod", "web"),
            key("Service", "b-prod", "web"),
            key("Deployment", "a-prod", "api"),
            key("Deployment", "b-prod", "worker"),
        ];
        let p = run(&old, &new);
        assert_eq!(
            named(&p, &old, &new),
            [
                "a-staging/api -> a-prod/api (namespace)",
                "a-staging/web -> a-prod/web (namespace)",
                "b-staging/web -> b-prod/web (namespace)",
                "b-staging/worker -> b-prod/worker (namespace)",
            ]
        );
    }

    #[test]
    fn names_in_several_namespaces_without_a_move_stay_unpaired() {
        let old = [key("Service", "a", "web"), key("Service", "b", "web")];
        let new = [key("Service", "c", "web"), key("Service", "d", "web")];
        let p = run(&old, &new);
        assert!(p.pairs.is_empty(), "{p:?}");
    }
}
