//! Pairing resources renamed by a name prefix or suffix, as kustomize's
//! `namePrefix`/`nameSuffix` do when two environments set different ones
//! (`staging-web` in one, `prod-web` in the other).
//!
//! A *rewrite* replaces a leading part `a` of a name by `b` and a trailing
//! part `c` by `d`, keeping the core between them. Candidate rewrites come
//! from each unmatched old name and each unmatched new name of the same
//! group and kind that share a core; the parts are cut at `-` or `.`, the
//! separators kustomize users put in prefixes and suffixes. A rewrite is
//! used only when it explains at least [`MIN_SUPPORT`] old resources, so one
//! removed and one added resource that merely look alike stay apart. The
//! best-supported rewrites are applied first, and each pairs only where the
//! rewritten name points at exactly one new resource (the namespace moves
//! found so far break ties).
//!
//! Hash suffixes are set aside: a generated `staging-env-5bg9dh6dgh` pairs
//! with `prod-env-t2kdm48fcb`.

use super::{stem, Matcher, PairedBy};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Old resources a rewrite must explain before it is used.
const MIN_SUPPORT: usize = 2;

/// Cut positions considered at each end of a name.
const MAX_CUTS: usize = 12;

/// Candidate comparisons above which rename pairing is skipped (a render
/// of thousands of look-alike names); the outcome then stays exact.
const BUDGET: usize = 2_000_000;

/// A rewrite `a + core + c` → `b + core + d`.
type Rewrite<'k> = (&'k str, &'k str, &'k str, &'k str);

/// What must match besides the core: group and kind.
type Family<'k> = (&'k str, &'k str);

/// A name as (leading part, core, trailing part).
type Split<'k> = (&'k str, &'k str, &'k str);

/// The ways to split `name` into (leading part, core, trailing part) with
/// the cuts right after or right before a `-` or `.` and a non-empty core.
fn splits(name: &str) -> Vec<Split<'_>> {
    let is_separator = |b: u8| b == b'-' || b == b'.';
    let bytes = name.as_bytes();
    let starts: Vec<usize> = std::iter::once(0)
        .chain((1..bytes.len()).filter(|&i| is_separator(bytes[i - 1])))
        .take(MAX_CUTS)
        .collect();
    let ends: Vec<usize> = std::iter::once(bytes.len())
        .chain((1..bytes.len()).rev().filter(|&j| is_separator(bytes[j])))
        .take(MAX_CUTS)
        .collect();
    let mut found = Vec::new();
    for &i in &starts {
        for &j in &ends {
            if i < j {
                found.push((&name[..i], &name[i..j], &name[j..]));
            }
        }
    }
    found
}

/// Applies a rewrite to a name, when the name has its old parts.
fn apply(rewrite: &Rewrite, name: &str) -> Option<String> {
    let (a, b, c, d) = *rewrite;
    let core = name.strip_prefix(a)?.strip_suffix(c)?;
    (!core.is_empty()).then(|| format!("{b}{core}{d}"))
}

/// Stage 4: pairs what the rewrites explain.
pub(super) fn pair_renames(m: &mut Matcher, moves: &BTreeMap<&str, &str>) {
    for rewrite in supported_rewrites(m) {
        apply_rewrite(m, &rewrite, moves);
    }
}

/// Rewrites explaining at least [`MIN_SUPPORT`] old resources, best
/// supported first (ties in text order, so the result never depends on
/// hashing).
fn supported_rewrites<'k>(m: &Matcher<'k>) -> Vec<Rewrite<'k>> {
    let mut by_core: HashMap<(Family, &str), Vec<(&str, &str)>> = HashMap::new();
    for (_, key) in m.new_left() {
        let name = stem(&key.name);
        for (b, core, d) in splits(name) {
            let family = (key.group(), key.kind.as_str());
            by_core.entry((family, core)).or_default().push((b, d));
        }
    }
    let mut support: HashMap<Rewrite, usize> = HashMap::new();
    let mut work = 0;
    for (_, key) in m.old_left() {
        let family = (key.group(), key.kind.as_str());
        let mine = rewrites_of(stem(&key.name), |core| {
            by_core.get(&(family, core)).map_or(&[][..], Vec::as_slice)
        });
        work += mine.len();
        if work > BUDGET {
            return Vec::new();
        }
        for rewrite in mine {
            *support.entry(rewrite).or_default() += 1;
        }
    }
    let mut rewrites: Vec<(usize, Rewrite)> = support
        .into_iter()
        .filter(|&(_, count)| count >= MIN_SUPPORT)
        .map(|(rewrite, count)| (count, rewrite))
        .collect();
    rewrites.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    rewrites.into_iter().map(|(_, rewrite)| rewrite).collect()
}

/// The rewrites taking `name` to the new names that share its longest
/// core with it (`partners(core)` lists their other parts): the longest
/// shared core is the likeliest explanation, and looking no further keeps
/// names that share a short common part (`-web`) from all pairing with
/// each other.
fn rewrites_of<'k, 'p>(
    name: &'k str,
    partners: impl Fn(&'k str) -> &'p [(&'k str, &'k str)],
) -> BTreeSet<Rewrite<'k>>
where
    'k: 'p,
{
    let mut splits = splits(name);
    splits.sort_by_key(|(_, core, _)| std::cmp::Reverse(core.len()));
    let mut found = BTreeSet::new();
    let mut found_len = None;
    for (a, core, c) in splits {
        if found_len.is_some_and(|len| len > core.len()) {
            break;
        }
        for &(b, d) in partners(core) {
            if (a, c) != (b, d) {
                found.insert((a, b, c, d));
                found_len = Some(core.len());
            }
        }
    }
    found
}

/// Pairs each unmatched old resource with the one new resource its
/// rewritten name points at; a new resource two old ones point at pairs
/// with neither.
fn apply_rewrite(m: &mut Matcher, rewrite: &Rewrite, moves: &BTreeMap<&str, &str>) {
    let mut new_by_name: HashMap<(Family, &str), Vec<usize>> = HashMap::new();
    for (n, key) in m.new_left() {
        let name = stem(&key.name);
        let family = (key.group(), key.kind.as_str());
        new_by_name.entry((family, name)).or_default().push(n);
    }
    let mut claims: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (o, key) in m.old_left() {
        let name = stem(&key.name);
        let Some(target) = apply(rewrite, name) else {
            continue;
        };
        let family = (key.group(), key.kind.as_str());
        let Some(candidates) = new_by_name.get(&(family, target.as_str())) else {
            continue;
        };
        let namespace = moves
            .get(key.namespace.as_str())
            .copied()
            .unwrap_or(&key.namespace);
        let partner = match candidates.as_slice() {
            [n] => Some(*n),
            several => {
                let mut here = several.iter().filter(|&&n| m.new[n].namespace == namespace);
                match (here.next(), here.next()) {
                    (Some(&n), None) => Some(n),
                    _ => None,
                }
            }
        };
        if let Some(n) = partner {
            claims.entry(n).or_default().push(o);
        }
    }
    for (n, olds) in claims {
        if let [o] = olds.as_slice() {
            m.add(*o, n, PairedBy::Rename);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{key, named};
    use super::super::{pair, PairModes};
    use super::*;

    #[test]
    fn splits_cut_at_separators() {
        assert_eq!(
            splits("prod-web"),
            [
                ("", "prod-web", ""),
                ("", "prod", "-web"),
                ("prod-", "web", "")
            ]
        );
        assert_eq!(splits("web"), [("", "web", "")]);
        assert_eq!(
            splits("a.b"),
            [("", "a.b", ""), ("", "a", ".b"), ("a.", "b", "")]
        );
    }

    #[test]
    fn rewrites_apply_to_names_with_the_old_parts() {
        let rewrite = ("staging-", "prod-", "", "-v2");
        assert_eq!(
            apply(&rewrite, "staging-web").as_deref(),
            Some("prod-web-v2")
        );
        assert_eq!(apply(&rewrite, "web"), None);
        assert_eq!(apply(&rewrite, "staging-"), None);
    }

    #[test]
    fn prefix_and_namespace_changes_pair_together() {
        let old = [
            key("Namespace", "", "staging"),
            key("Deployment", "staging", "staging-web"),
            key("Service", "staging", "staging-web"),
            key("ConfigMap", "staging", "staging-env-5bg9dh6dgh"),
            key("ConfigMap", "staging", "staging-only"),
        ];
        let new = [
            key("Namespace", "", "prod"),
            key("Deployment", "prod", "prod-web"),
            key("Service", "prod", "prod-web"),
            key("ConfigMap", "prod", "prod-env-t2kdm48fcb"),
            key("ConfigMap", "prod", "prod-extra"),
        ];
        let p = pair(&old, &new, PairModes::ALL);
        assert_eq!(
            named(&p, &old, &new),
            [
                "staging -> prod (namespace)",
                "staging/staging-env-5bg9dh6dgh -> prod/prod-env-t2kdm48fcb (rename)",
                "staging/staging-web -> prod/prod-web (rename)",
                "staging/staging-web -> prod/prod-web (rename)",
            ]
        );
        assert_eq!((p.removed, p.added), (vec![4], vec![4]));
    }

    #[test]
    fn suffixes_pair_too() {
        let old = [
            key("Service", "ns", "web-blue"),
            key("Service", "ns", "api-blue"),
        ];
        let new = [
            key("Service", "ns", "web-green"),
            key("Service", "ns", "api-green"),
        ];
        let p = pair(&old, &new, PairModes::ALL);
        assert_eq!(
            named(&p, &old, &new),
            [
                "ns/api-blue -> ns/api-green (rename)",
                "ns/web-blue -> ns/web-green (rename)"
            ]
        );
    }

    #[test]
    fn a_single_look_alike_is_not_a_rename() {
        let old = [key("Service", "ns", "web-blue")];
        let new = [key("Service", "ns", "web-green")];
        let p = pair(&old, &new, PairModes::ALL);
        assert!(p.pairs.is_empty());
        let off = PairModes {
            rename: false,
            ..PairModes::ALL
        };
        let old = [key("Service", "ns", "a-x"), key("Service", "ns", "b-x")];
        let new = [key("Service", "ns", "a-y"), key("Service", "ns", "b-y")];
        assert!(pair(&old, &new, off).pairs.is_empty());
    }

    #[test]
    fn a_name_two_old_resources_point_at_stays_unpaired() {
        // Two generations of one generated ConfigMap both rewrite to the
        // new one.
        let old = [
            key("ConfigMap", "ns", "staging-env-5bg9dh6dgh"),
            key("ConfigMap", "ns", "staging-env-t2kdm48fcb"),
            key("Service", "ns", "staging-web"),
            key("Service", "ns", "staging-api"),
        ];
        let new = [
            key("ConfigMap", "ns", "prod-env-gggggggggg"),
            key("Service", "ns", "prod-web"),
            key("Service", "ns", "prod-api"),
        ];
        let p = pair(&old, &new, PairModes::ALL);
        assert_eq!(
            named(&p, &old, &new),
            [
                "ns/staging-api -> ns/prod-api (rename)",
                "ns/staging-web -> ns/prod-web (rename)"
            ]
        );
    }
}
