//! The final resource order: kustomize's `sortOptions` and `--reorder`.
//!
//! The legacy order puts well-known kinds first (namespaces before the
//! things in them, services before workloads), webhook configurations last,
//! and everything else in between, ordered by group/version/kind and then
//! by namespace and name. Unlike kustomize's comparator-on-an-unstable-sort,
//! this is a total order over distinct resource ids, so the result does not
//! depend on the input order.

use crate::gojson::nullable;
use crate::resource::{Gvk, ResId, ResourceList};
use crate::yaml::keyorder::apply_permutation;
use crate::yaml::{Key, Str};
use anyhow::{bail, Result};
use serde::Deserialize;
use std::cmp::Ordering;
use std::collections::HashMap;

/// `sortOptions`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SortOptions {
    #[serde(default, deserialize_with = "nullable")]
    pub order: String,
    #[serde(default, deserialize_with = "nullable")]
    pub legacy_sort_options: Option<LegacySortOptions>,
}

/// `sortOptions.legacySortOptions`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LegacySortOptions {
    #[serde(default, deserialize_with = "nullable")]
    pub order_first: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub order_last: Vec<String>,
}

/// Kinds the legacy order puts first, in this order.
pub const DEFAULT_ORDER_FIRST: [&str; 22] = [
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

/// Kinds the legacy order puts last, in this order.
pub const DEFAULT_ORDER_LAST: [&str; 2] = [
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// The `--reorder` flag (deprecated in kustomize, still accepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reorder {
    /// Not given: legacy order unless the kustomization sets `sortOptions`.
    #[default]
    Unspecified,
    /// `--reorder legacy`.
    Legacy,
    /// `--reorder none`: keep the depth-first input order.
    None,
}

/// How the final list is ordered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortOrder {
    /// Keep the order resources were accumulated in.
    Fifo,
    /// The legacy kind order with these first and last kinds.
    Legacy {
        /// Kinds that come first, in order.
        first: Vec<String>,
        /// Kinds that come last, in order.
        last: Vec<String>,
    },
}

impl SortOrder {
    /// The legacy order with kustomize's default kind lists.
    pub fn default_legacy() -> SortOrder {
        SortOrder::Legacy {
            first: DEFAULT_ORDER_FIRST.iter().map(|s| s.to_string()).collect(),
            last: DEFAULT_ORDER_LAST.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Validates a kustomization's `sortOptions` the way kustomize's
    /// SortOrderTransformer does, filling in the default kind lists.
    pub fn from_options(options: &SortOptions) -> Result<SortOrder> {
        match options.order.as_str() {
            "fifo" => {
                if options.legacy_sort_options.is_some() {
                    bail!(
                        "the field 'sortOptions.legacySortOptions' is set but the selected \
                         sort order is 'fifo', not 'legacy'"
                    );
                }
                Ok(SortOrder::Fifo)
            }
            "legacy" => Ok(match &options.legacy_sort_options {
                Some(l) => SortOrder::Legacy {
                    first: l.order_first.clone(),
                    last: l.order_last.clone(),
                },
                None => SortOrder::default_legacy(),
            }),
            _ => bail!("the field 'sortOptions.order' must be one of [fifo, legacy]"),
        }
    }

    /// Picks the order from the top kustomization's `sortOptions` (which win)
    /// and the `--reorder` flag. Returns a warning when both are given.
    pub fn choose(
        options: Option<&SortOptions>,
        flag: Reorder,
    ) -> Result<(SortOrder, Option<&'static str>)> {
        if let Some(options) = options {
            let warning = (flag != Reorder::Unspecified).then_some(
                "Warning: Sorting order is set both in 'kustomization.yaml' ('sortOptions') \
                 and in a CLI flag ('--reorder'). Using the kustomization file over the CLI flag.",
            );
            return Ok((SortOrder::from_options(options)?, warning));
        }
        Ok(match flag {
            Reorder::None => (SortOrder::Fifo, None),
            Reorder::Legacy | Reorder::Unspecified => (SortOrder::default_legacy(), None),
        })
    }

    /// Reorders `resources` in place.
    pub fn apply(&self, resources: &mut ResourceList) {
        let SortOrder::Legacy { first, last } = self else {
            return;
        };
        let ranks = kind_ranks(first, last);
        let mut items = resources.items_mut();
        // Sorting positions and then moving the resources in place keeps
        // the sort's scratch space small: a position, not a resource.
        let keys: Vec<SortKey> = items
            .iter()
            .map(|r| SortKey::new(&r.id(), &ranks))
            .collect();
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by(|&a, &b| keys[a].cmp_legacy(&keys[b]));
        drop(keys);
        apply_permutation(&mut items, order);
    }
}

/// What the legacy comparison reads of one resource, worked out once so
/// that comparing allocates nothing. Compact (interned type parts, inline
/// text), since every resource has one while the list is sorted.
struct SortKey {
    rank: i64,
    group: Key,
    version: Key,
    kind: Key,
    /// The type's sort text, from [`gvk_sort_key`].
    gvk_text: Key,
    /// `namespace|name` with `~` placeholders: what decides between two
    /// ids of the same type (their `gvk|` prefixes being equal).
    namespace_name: Str,
}

impl SortKey {
    fn new(id: &ResId, ranks: &HashMap<&str, i64>) -> SortKey {
        let g = &id.gvk;
        SortKey {
            rank: ranks.get(g.kind.as_str()).copied().unwrap_or(0),
            group: Key::new(&g.group),
            version: Key::new(&g.version),
            kind: Key::new(&g.kind),
            gvk_text: Key::new(&gvk_sort_key(g)),
            namespace_name: namespace_name_key(id),
        }
    }

    /// kustomize's legacy comparison: by type (ranked kinds first), then by
    /// namespace and name.
    fn cmp_legacy(&self, other: &SortKey) -> Ordering {
        let same_type =
            self.group == other.group && self.version == other.version && self.kind == other.kind;
        if same_type {
            return self.namespace_name.cmp(&other.namespace_name);
        }
        if self.rank != other.rank {
            return self.rank.cmp(&other.rank);
        }
        let order = self.gvk_text.cmp(&other.gvk_text);
        // kustomize reverses the comparison between two Namespace types when
        // either is in the core group, so core `v1 Namespace` sorts first.
        if self.kind == "Namespace"
            && other.kind == "Namespace"
            && (self.group.is_empty() || other.group.is_empty())
        {
            order.reverse()
        } else {
            order
        }
    }
}

/// Kind → rank: negative for the first kinds (in order), positive for the
/// last kinds, zero for every other kind.
fn kind_ranks<'a>(first: &'a [String], last: &'a [String]) -> HashMap<&'a str, i64> {
    let mut ranks = HashMap::new();
    let n = first.len() as i64;
    for (i, kind) in first.iter().enumerate() {
        ranks.insert(kind.as_str(), i as i64 - n);
    }
    for (i, kind) in last.iter().enumerate() {
        ranks.insert(kind.as_str(), i as i64 + 1);
    }
    ranks
}

/// `group_version_kind` with `~` placeholders, which sort after letters.
fn gvk_sort_key(g: &Gvk) -> String {
    let or = |s: &str, d: &str| {
        if s.is_empty() {
            d.to_string()
        } else {
            s.to_string()
        }
    };
    format!(
        "{}_{}_{}",
        or(&g.group, "~G"),
        or(&g.version, "~V"),
        or(&g.kind, "~K")
    )
}

/// `namespace|name` with `~` placeholders for blanks: the part of
/// kustomize's `gvk|namespace|name` sort key that differs between two ids
/// of the same type.
fn namespace_name_key(id: &ResId) -> Str {
    let ns = if id.namespace.is_empty() {
        "~X"
    } else {
        &id.namespace
    };
    let name = if id.name.is_empty() { "~N" } else { &id.name };
    let mut key = Str::with_capacity(ns.len() + 1 + name.len());
    key.push_str(ns);
    key.push('|');
    key.push_str(name);
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;
    use crate::yaml::{Mapping, Value};

    fn res(api: &str, kind: &str, name: &str, ns: &str) -> Resource {
        let mut meta = Mapping::new();
        meta.insert("name".into(), name.into());
        if !ns.is_empty() {
            meta.insert("namespace".into(), ns.into());
        }
        let mut m = Mapping::new();
        m.insert("apiVersion".into(), api.into());
        m.insert("kind".into(), kind.into());
        m.insert("metadata".into(), Value::Map(meta));
        Resource::new(Value::Map(m), None)
    }

    fn names(list: &ResourceList) -> Vec<String> {
        list.iter()
            .map(|r| format!("{}/{}", r.kind(), r.name()))
            .collect()
    }

    #[test]
    fn legacy_order_puts_known_kinds_first_and_webhooks_last() {
        let mut list = ResourceList::new();
        for r in [
            res(
                "admissionregistration.k8s.io/v1",
                "ValidatingWebhookConfiguration",
                "w",
                "",
            ),
            res("apps/v1", "Deployment", "d", ""),
            res("example.com/v1", "Widget", "x", ""),
            res("v1", "Service", "b", ""),
            res("v1", "Service", "a", ""),
            res("v1", "Namespace", "ns", ""),
        ] {
            list.push(r).unwrap();
        }
        SortOrder::default_legacy().apply(&mut list);
        assert_eq!(
            names(&list),
            [
                "Namespace/ns",
                "Service/a",
                "Service/b",
                "Deployment/d",
                "Widget/x",
                "ValidatingWebhookConfiguration/w"
            ]
        );
    }

    #[test]
    fn sort_options_validation() {
        let bad = SortOptions {
            order: "random".into(),
            legacy_sort_options: None,
        };
        assert!(SortOrder::from_options(&bad).is_err());
        let fifo_with_legacy = SortOptions {
            order: "fifo".into(),
            legacy_sort_options: Some(Default::default()),
        };
        assert!(SortOrder::from_options(&fifo_with_legacy).is_err());
    }

    #[test]
    fn flag_and_options_precedence() {
        let (order, warning) = SortOrder::choose(None, Reorder::None).unwrap();
        assert_eq!(order, SortOrder::Fifo);
        assert!(warning.is_none());
        let fifo = SortOptions {
            order: "fifo".into(),
            legacy_sort_options: None,
        };
        let (order, warning) = SortOrder::choose(Some(&fifo), Reorder::Legacy).unwrap();
        assert_eq!(order, SortOrder::Fifo);
        assert!(warning.is_some());
    }
}
