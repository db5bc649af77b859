//! Matching the resources of two renders: first by exact key, then by key
//! with a kustomize content-hash suffix removed from the name.

use super::ResourceKey;
use std::collections::HashMap;

/// The characters of kustomize's name hash: the hex digits with `0`, `1`,
/// `3`, `a` and `e` replaced by `g`, `h`, `k`, `m` and `t` (to avoid
/// spelling words), so never vowels and never `0`, `1` or `3`.
const HASH_ALPHABET: &[u8] = b"2456789bcdfghkmt";

/// The length of kustomize's name hash.
const HASH_LEN: usize = 10;

/// Indexes into the old and new lists.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Pairing {
    /// (old, new) pairs of the same resource, in new-list order; exact
    /// matches first, then hash-suffix matches.
    pub pairs: Vec<(usize, usize)>,
    /// Old resources with no partner.
    pub removed: Vec<usize>,
    /// New resources with no partner.
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

/// Pairs old and new resources. Keys are unique within each list (a render
/// never holds the same object twice).
pub(super) fn pair(old: &[&ResourceKey], new: &[&ResourceKey], by_hash: bool) -> Pairing {
    let old_index: HashMap<&ResourceKey, usize> =
        old.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let mut matched_old = vec![false; old.len()];
    let mut pairing = Pairing::default();
    let mut unmatched_new = Vec::new();
    for (n, key) in new.iter().enumerate() {
        match old_index.get(key) {
            Some(&o) => {
                matched_old[o] = true;
                pairing.pairs.push((o, n));
            }
            None => unmatched_new.push(n),
        }
    }
    let unmatched_old: Vec<usize> = (0..old.len()).filter(|&o| !matched_old[o]).collect();
    if by_hash {
        pair_by_stem(old, new, unmatched_old, unmatched_new, &mut pairing);
    } else {
        pairing.removed = unmatched_old;
        pairing.added = unmatched_new;
    }
    pairing
}

/// Identity with the hash suffix removed from the name.
type StemKey<'a> = (&'a str, &'a str, &'a str, &'a str);

fn stem_key(key: &ResourceKey) -> Option<StemKey<'_>> {
    let stem = strip_hash_suffix(&key.name)?;
    Some((&key.api_version, &key.kind, &key.namespace, stem))
}

/// Pairs leftovers that share a stem, when exactly one resource on each side
/// has it; anything ambiguous stays added or removed.
fn pair_by_stem(
    old: &[&ResourceKey],
    new: &[&ResourceKey],
    unmatched_old: Vec<usize>,
    unmatched_new: Vec<usize>,
    pairing: &mut Pairing,
) {
    let mut old_by_stem: HashMap<StemKey, Vec<usize>> = HashMap::new();
    for &o in &unmatched_old {
        if let Some(stem) = stem_key(old[o]) {
            old_by_stem.entry(stem).or_default().push(o);
        }
    }
    let mut new_per_stem: HashMap<StemKey, usize> = HashMap::new();
    for &n in &unmatched_new {
        if let Some(stem) = stem_key(new[n]) {
            *new_per_stem.entry(stem).or_default() += 1;
        }
    }
    let mut paired_old = vec![false; old.len()];
    for n in unmatched_new {
        let partner = stem_key(new[n])
            .filter(|stem| new_per_stem[stem] == 1)
            .and_then(|stem| match old_by_stem.get(&stem).map(Vec::as_slice) {
                Some(&[o]) => Some(o),
                _ => None,
            });
        match partner {
            Some(o) => {
                paired_old[o] = true;
                pairing.pairs.push((o, n));
            }
            None => pairing.added.push(n),
        }
    }
    pairing.removed = unmatched_old
        .into_iter()
        .filter(|&o| !paired_old[o])
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: &str, name: &str) -> ResourceKey {
        ResourceKey {
            api_version: "v1".into(),
            kind: kind.into(),
            namespace: "ns".into(),
            name: name.into(),
        }
    }

    fn run(old: &[ResourceKey], new: &[ResourceKey]) -> Pairing {
        let old: Vec<&ResourceKey> = old.iter().collect();
        let new: Vec<&ResourceKey> = new.iter().collect();
        pair(&old, &new, true)
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
        let p = run(&[key("ConfigMap", "a")], &[key("ConfigMap", "a")]);
        assert_eq!(p.pairs, vec![(0, 0)]);
        assert!(p.added.is_empty() && p.removed.is_empty());
    }

    #[test]
    fn hash_suffix_pairs_same_kind_only() {
        let p = run(
            &[key("ConfigMap", "a-5bg9dh6dgh")],
            &[key("Secret", "a-t2kdm48fcb")],
        );
        assert!(p.pairs.is_empty());
        assert_eq!((p.removed, p.added), (vec![0], vec![0]));
        let p = run(
            &[key("ConfigMap", "a-5bg9dh6dgh")],
            &[key("ConfigMap", "a-t2kdm48fcb")],
        );
        assert_eq!(p.pairs, vec![(0, 0)]);
    }

    #[test]
    fn ambiguous_stems_stay_unpaired() {
        let p = run(
            &[key("ConfigMap", "a-5bg9dh6dgh")],
            &[
                key("ConfigMap", "a-t2kdm48fcb"),
                key("ConfigMap", "a-gggggggggg"),
            ],
        );
        assert!(p.pairs.is_empty());
        assert_eq!(p.added, vec![0, 1]);
        assert_eq!(p.removed, vec![0]);
    }
}
