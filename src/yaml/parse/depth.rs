//! yaml.v3's limit on how deeply block collections nest.
//!
//! yaml.v3 refuses a document whose block collections are nested more than
//! 10000 indentation levels deep ("exceeded max depth of 10000"), so
//! kustomize fails on one. Without the limit krust would build it, and a
//! deep enough document would exhaust the stack of the code that walks
//! trees recursively.
//!
//! yaml.v3 counts indentation levels, not collections: a collection adds a
//! level only when it starts to the right of the enclosing one, so a block
//! sequence written at its key's column (`key:` then `- item` below it)
//! adds none. Flow collections have their own limit, and the parser krust
//! uses stops at 255 levels of them.

/// Levels of indentation yaml.v3 accepts.
pub(super) const MAX_INDENTS: usize = 10000;

/// The message of the error past [`MAX_INDENTS`].
pub(super) const TOO_DEEP: &str = "exceeded max depth of 10000";

/// The open block collections that added an indentation level.
#[derive(Debug, Default)]
pub(super) struct Indents {
    /// (nesting depth of the collection, its column), innermost last.
    levels: Vec<(usize, usize)>,
}

impl Indents {
    /// Notes a collection starting at `column`, `depth` collections deep;
    /// false when that goes past yaml.v3's limit.
    pub fn enter(&mut self, depth: usize, column: usize, flow: bool) -> bool {
        if flow {
            return true;
        }
        let indent = self.levels.last().map(|&(_, col)| col);
        if indent.is_none_or(|indent| column > indent) {
            self.levels.push((depth, column));
        }
        self.levels.len() <= MAX_INDENTS
    }

    /// Notes that the collection `depth` deep has ended.
    pub fn leave(&mut self, depth: usize) {
        if self.levels.last().is_some_and(|&(d, _)| d == depth) {
            self.levels.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_collections_to_the_right_add_a_level() {
        let mut indents = Indents::default();
        assert!(indents.enter(0, 0, false));
        // A sequence at its key's column, then a flow mapping inside it.
        assert!(indents.enter(1, 0, false));
        assert!(indents.enter(2, 5, true));
        assert_eq!(indents.levels.len(), 1);
        indents.leave(2);
        indents.leave(1);
        assert_eq!(indents.levels.len(), 1);
        assert!(indents.enter(1, 2, false));
        assert_eq!(indents.levels.len(), 2);
        indents.leave(1);
        indents.leave(0);
        assert!(indents.levels.is_empty());
    }

    #[test]
    fn the_limit_is_yaml_v3s() {
        let mut indents = Indents::default();
        for depth in 0..MAX_INDENTS {
            assert!(indents.enter(depth, depth, false));
        }
        assert!(!indents.enter(MAX_INDENTS, MAX_INDENTS, false));
    }
}
