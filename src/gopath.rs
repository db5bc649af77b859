//! Go's lexical path operations (`path/filepath` on a Unix system), for the
//! places where kustomize's output spells a path as Go computes it: origin
//! annotations, repository paths, localized file names.
//!
//! They work on text only: nothing here looks at the file system.

/// Go's `filepath.Join(dir, entry)` on a Unix system: the non-empty parts
/// joined with `/` and cleaned; empty when both are empty.
pub(crate) fn go_join(dir: &str, entry: &str) -> String {
    match (dir.is_empty(), entry.is_empty()) {
        (true, true) => String::new(),
        (true, false) => go_clean(entry),
        (false, true) => go_clean(dir),
        (false, false) => go_clean(&format!("{dir}/{entry}")),
    }
}

/// Go's `filepath.Clean` on a Unix system: repeated and trailing slashes,
/// `.` elements and `..` elements that follow a name are removed; `..` at
/// the start of a rooted path is dropped; an empty result is `.`.
pub(crate) fn go_clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            name => parts.push(name),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_follows_go() {
        for (input, want) in [
            ("", "."),
            (".", "."),
            ("a/./b/", "a/b"),
            ("a//b", "a/b"),
            ("a/../..", ".."),
            ("../base/../x", "../x"),
            ("../../a", "../../a"),
            ("/..", "/"),
            ("/a/../../b", "/b"),
            ("./service.yaml", "service.yaml"),
        ] {
            assert_eq!(go_clean(input), want, "{input}");
        }
    }

    #[test]
    fn join_skips_empty_parts() {
        assert_eq!(go_join("", ""), "");
        assert_eq!(go_join("", "./a.yaml"), "a.yaml");
        assert_eq!(go_join("../base/", ""), "../base");
        assert_eq!(go_join("../base", "ns.yaml"), "../base/ns.yaml");
        // An absolute entry under a relative directory is simply appended.
        assert_eq!(go_join("../base", "/abs/x.yaml"), "../base/abs/x.yaml");
    }
}
