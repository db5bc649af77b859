//! Go's `filepath.Match` and `filepath.Glob`, which decide what `edit add
//! resource`, `edit remove resource` and `create --resources` accept.

use anyhow::{bail, Result};
use std::path::Path;

/// Go's `filepath.Match`: `*` (any run without `/`), `?` (one character
/// but `/`), `[...]` classes with ranges and `^` negation, `\` escapes.
/// A malformed pattern is an error.
pub fn glob_match(pattern: &str, name: &str) -> Result<bool> {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    match match_from(&pattern, &name) {
        Some(matched) => Ok(matched),
        None => bail!("syntax error in pattern"),
    }
}

/// Backtracking matcher; `None` means a malformed pattern.
fn match_from(pattern: &[char], name: &[char]) -> Option<bool> {
    let Some((&first, rest)) = pattern.split_first() else {
        return Some(name.is_empty());
    };
    match first {
        '*' => {
            for skip in 0..=name.len() {
                if skip > 0 && name[skip - 1] == '/' {
                    break;
                }
                if match_from(rest, &name[skip..])? {
                    return Some(true);
                }
            }
            // Go still reports a malformed remainder.
            match_from(rest, &[]).map(|_| false)
        }
        '?' => match name.split_first() {
            Some((&c, tail)) if c != '/' => match_from(rest, tail),
            _ => check_syntax(rest).map(|_| false),
        },
        '[' => {
            let (matched, after) = match_class(rest, name.first().copied())?;
            match (matched, name.split_first()) {
                (true, Some((_, tail))) => match_from(after, tail),
                _ => check_syntax(after).map(|_| false),
            }
        }
        '\\' => {
            let (&escaped, after) = rest.split_first()?;
            match name.split_first() {
                Some((&c, tail)) if c == escaped => match_from(after, tail),
                _ => check_syntax(after).map(|_| false),
            }
        }
        c => match name.split_first() {
            Some((&n, tail)) if n == c => match_from(rest, tail),
            _ => check_syntax(rest).map(|_| false),
        },
    }
}

fn check_syntax(pattern: &[char]) -> Option<()> {
    match_from(pattern, &[]).map(|_| ())
}

/// Matches one character against the class starting after `[`; returns
/// whether it matched and the pattern after the closing `]`.
fn match_class(class: &[char], c: Option<char>) -> Option<(bool, &[char])> {
    let (negated, mut rest) = match class.split_first() {
        Some(('^', tail)) => (true, tail),
        _ => (false, class),
    };
    let mut matched = false;
    let mut first = true;
    loop {
        match rest.split_first() {
            Some((']', tail)) if !first => {
                let hit = c.is_some_and(|c| c != '/') && matched != negated;
                return Some((hit, tail));
            }
            None => return None,
            _ => {}
        }
        first = false;
        let (lo, tail) = class_char(rest)?;
        let (hi, tail) = match tail.split_first() {
            Some(('-', range_tail)) => class_char(range_tail)?,
            _ => (lo, tail),
        };
        if c.is_some_and(|c| lo <= c && c <= hi) {
            matched = true;
        }
        rest = tail;
    }
}

fn class_char(pattern: &[char]) -> Option<(char, &[char])> {
    match pattern.split_first()? {
        ('-' | ']', _) => None,
        ('\\', tail) => tail.split_first().map(|(&c, t)| (c, t)),
        (&c, tail) => Some((c, tail)),
    }
}

fn has_meta(path: &str) -> bool {
    path.contains(['*', '?', '[', '\\'])
}

/// Go's `filepath.Glob` relative to `base`: the pattern itself when it has
/// no wildcards and exists; otherwise the sorted matches, joined to their
/// (cleaned) directory as Go joins them.
pub fn glob(base: &Path, pattern: &str) -> Result<Vec<String>> {
    if !has_meta(pattern) {
        let exists = std::fs::symlink_metadata(base.join(pattern)).is_ok();
        return Ok(if exists {
            vec![pattern.to_string()]
        } else {
            Vec::new()
        });
    }
    let (dir, file) = match pattern.rfind('/') {
        Some(slash) => (&pattern[..=slash], &pattern[slash + 1..]),
        None => ("", pattern),
    };
    let dir = clean_dir(dir);
    let dirs = if has_meta(&dir) {
        glob(base, &dir)?
    } else {
        vec![dir]
    };
    let mut out = Vec::new();
    for dir in dirs {
        out.extend(glob_in_dir(base, &dir, file)?);
    }
    Ok(out)
}

fn clean_dir(dir: &str) -> String {
    match dir {
        "" => ".".to_string(),
        "/" => "/".to_string(),
        _ => dir.trim_end_matches('/').to_string(),
    }
}

fn glob_in_dir(base: &Path, dir: &str, file_pattern: &str) -> Result<Vec<String>> {
    // Go checks the pattern's syntax before reading the directory.
    glob_match(file_pattern, "")?;
    let Ok(entries) = std::fs::read_dir(base.join(dir)) else {
        return Ok(Vec::new());
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        if glob_match(file_pattern, &name)? {
            out.push(if dir == "." {
                name
            } else {
                format!("{dir}/{name}")
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_like_go() {
        assert!(glob_match("*.yaml", "a.yaml").unwrap());
        assert!(!glob_match("*.yaml", "d/a.yaml").unwrap());
        assert!(glob_match("d/?.yaml", "d/a.yaml").unwrap());
        assert!(glob_match("[a-c]x", "bx").unwrap());
        assert!(!glob_match("[^a-c]x", "bx").unwrap());
        assert!(glob_match("a\\*", "a*").unwrap());
        assert!(glob_match("[", "a").is_err());
    }

    #[test]
    fn globs_files_in_sorted_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.yaml", "a.yaml", "c.txt"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        assert_eq!(glob(dir.path(), "*.yaml").unwrap(), ["a.yaml", "b.yaml"]);
        assert_eq!(glob(dir.path(), "c.txt").unwrap(), ["c.txt"]);
        assert!(glob(dir.path(), "missing").unwrap().is_empty());
    }
}
