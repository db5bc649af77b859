//! yaml.v3's budget for alias expansion ("billion laughs").
//!
//! Every alias is expanded into a copy of the value it names, so a few
//! lines of nested aliases can stand for billions of nodes. yaml.v3 counts
//! the nodes it decodes, and those decoded inside an alias, and refuses a
//! document when the share of aliased nodes is above a ratio that starts
//! at 99 % and falls to 10 % for very large documents ("document contains
//! excessive aliasing"); kustomize, and so kubectl, refuse such a file.
//!
//! yaml.v3 checks node by node while it expands; the share only grows
//! while inside an alias, so checking once per alias, with the whole size
//! of the named value, refuses exactly the same documents, and does so
//! before the copy is made: memory stays bounded by the budget, not by the
//! expansion.
//!
//! Node counts alone let a long string be copied many times (each copy is
//! one node); expanded text is therefore also limited, to a multiple of the
//! document's own size.

use std::collections::HashMap;

/// The message of the error, as yaml.v3 words it.
pub(super) const EXCESSIVE_ALIASING: &str = "document contains excessive aliasing";

/// Below this many decoded nodes yaml.v3 allows 99 % aliased nodes.
const RATIO_RANGE_LOW: f64 = 400_000.0;
/// From this many decoded nodes on it allows 10 %.
const RATIO_RANGE_HIGH: f64 = 4_000_000.0;

/// Text that aliases may add, as a multiple of the document's length...
const TEXT_MULTIPLE: u64 = 16;
/// ...but at least this many bytes (small documents).
const TEXT_FLOOR: u64 = 16 << 20;

/// Counts made so far, for measuring a value from its start to its end.
#[derive(Debug, Clone, Copy, Default)]
struct Mark {
    nodes: u64,
    bytes: u64,
}

/// Counts of one document's nodes as they are read, and the expanded size
/// of each anchored value.
#[derive(Debug)]
pub(super) struct AliasBudget {
    /// Nodes decoded, aliases' copies included (yaml.v3's `decodeCount`).
    decoded: u64,
    /// Nodes decoded inside aliases (yaml.v3's `aliasCount`).
    aliased: u64,
    /// Scalar bytes read, aliases' copies included.
    bytes: u64,
    /// Scalar bytes that aliases copied.
    aliased_bytes: u64,
    /// The most bytes aliases may copy.
    byte_limit: u64,
    /// Where each open collection started.
    open: Vec<Mark>,
    /// The expanded size of each anchored value, by anchor id.
    sizes: HashMap<usize, Mark>,
}

impl AliasBudget {
    /// A budget for a document of `text_len` bytes.
    pub fn new(text_len: usize) -> AliasBudget {
        let text_len = u64::try_from(text_len).unwrap_or(u64::MAX);
        AliasBudget {
            // yaml.v3 counts the document node too.
            decoded: 1,
            aliased: 0,
            bytes: 0,
            aliased_bytes: 0,
            byte_limit: TEXT_FLOOR.max(text_len.saturating_mul(TEXT_MULTIPLE)),
            open: Vec::new(),
            sizes: HashMap::new(),
        }
    }

    fn mark(&self) -> Mark {
        Mark {
            nodes: self.decoded,
            bytes: self.bytes,
        }
    }

    /// Counts a scalar of `len` bytes, anchored as `anchor` (0: none).
    pub fn scalar(&mut self, len: usize, anchor: usize) {
        let start = self.mark();
        self.decoded += 1;
        self.bytes += len as u64;
        self.record(anchor, start);
    }

    /// Counts a collection's start.
    pub fn enter(&mut self) {
        self.open.push(self.mark());
        self.decoded += 1;
    }

    /// Notes the end of the innermost collection, anchored as `anchor`.
    pub fn leave(&mut self, anchor: usize) {
        if let Some(start) = self.open.pop() {
            self.record(anchor, start);
        }
    }

    fn record(&mut self, anchor: usize, start: Mark) {
        if anchor != 0 {
            let size = Mark {
                nodes: self.decoded - start.nodes,
                bytes: self.bytes - start.bytes,
            };
            self.sizes.insert(anchor, size);
        }
    }

    /// Counts an alias to `anchor` and the copy it stands for; an error
    /// when that goes past the budget (nothing is copied yet then).
    pub fn alias(&mut self, anchor: usize) -> Result<(), String> {
        let size = self.sizes.get(&anchor).copied().unwrap_or_default();
        self.decoded += 1 + size.nodes;
        self.aliased += size.nodes;
        self.bytes += size.bytes;
        self.aliased_bytes += size.bytes;
        if self.aliased > 100
            && self.decoded > 1000
            && self.aliased as f64 / self.decoded as f64 > allowed_ratio(self.decoded)
        {
            return Err(format!(
                "{EXCESSIVE_ALIASING} (aliases expand to {} of its {} nodes)",
                self.aliased, self.decoded
            ));
        }
        if self.aliased_bytes > self.byte_limit {
            return Err(format!(
                "{EXCESSIVE_ALIASING} (aliases copy more than {} bytes of text)",
                self.byte_limit
            ));
        }
        Ok(())
    }
}

/// The share of aliased nodes yaml.v3 allows in a document of `decoded`
/// nodes.
fn allowed_ratio(decoded: u64) -> f64 {
    let decoded = decoded as f64;
    if decoded <= RATIO_RANGE_LOW {
        0.99
    } else if decoded >= RATIO_RANGE_HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decoded - RATIO_RANGE_LOW) / (RATIO_RANGE_HIGH - RATIO_RANGE_LOW))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_aliases_are_fine() {
        let mut budget = AliasBudget::new(100);
        budget.enter();
        budget.scalar(3, 0);
        budget.scalar(3, 1);
        budget.leave(2);
        for _ in 0..50 {
            assert!(budget.alias(2).is_ok());
        }
    }

    #[test]
    fn nested_expansion_is_refused_before_it_is_made() {
        let mut budget = AliasBudget::new(1000);
        budget.scalar(3, 1);
        let mut anchor = 1;
        let mut refused = false;
        for level in 2..12 {
            budget.enter();
            for _ in 0..10 {
                if budget.alias(anchor).is_err() {
                    refused = true;
                }
            }
            budget.leave(level);
            anchor = level;
        }
        assert!(refused);
        assert!(budget.decoded < 1 << 40);
    }

    #[test]
    fn the_ratio_falls_with_size() {
        assert_eq!(allowed_ratio(1000), 0.99);
        assert_eq!(allowed_ratio(5_000_000), 0.10);
        let middle = allowed_ratio(2_200_000);
        assert!((middle - 0.545).abs() < 1e-9, "{middle}");
    }

    #[test]
    fn long_text_copied_many_times_is_refused() {
        let mut budget = AliasBudget::new(2 << 20);
        budget.scalar(2 << 20, 1);
        let refused = (0..40).any(|_| budget.alias(1).is_err());
        assert!(refused);
    }
}
