//! Path helpers shared by the loader: lexical joining (Go's `filepath.Join`)
//! and symlink resolution.

use super::Loader;
use anyhow::{anyhow, bail, Result};
use std::io;
use std::path::{Component, Path, PathBuf};

/// Joins `entry` onto `base` and cleans the result lexically, as Go's
/// `filepath.Join` does: `.` segments vanish and `..` removes the previous
/// segment *before* any symlink is followed. An absolute `entry` replaces
/// `base`.
pub(crate) fn lexical_join(base: &Path, entry: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for component in base.join(entry).components() {
        match component {
            Component::CurDir => {}
            // `..` removes a name; at the root it stays at the root, and
            // a relative path keeps leading `..`s, as in Go.
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    out
}

/// Resolves every symlink in `path`. A path that does not exist (or runs
/// through a file) yields `Ok(None)`; other I/O failures are errors.
pub(crate) fn resolve_existing(path: &Path) -> Result<Option<PathBuf>> {
    match std::fs::canonicalize(path) {
        Ok(real) => Ok(Some(real)),
        Err(e) if is_missing(&e) => Ok(None),
        Err(e) => Err(anyhow!("cannot resolve '{}': {e}", path.display())),
    }
}

/// True for the errors that mean "nothing there": a missing path, a dangling
/// symlink, or a path that continues below a file.
fn is_missing(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

/// True when `path` is `root` or lies below it (both already resolved).
pub(crate) fn is_within(path: &Path, root: &Path) -> bool {
    path.starts_with(root)
}

impl Loader {
    /// The directory a build starts from, with symlinks resolved and made
    /// absolute: kustomize's "must build at directory" check.
    pub fn confirm_root(&self, target: &Path) -> Result<PathBuf> {
        match resolve_existing(target)? {
            None => bail!(
                "must build at directory: not a valid directory: '{}' does not exist",
                target.display()
            ),
            Some(real) if !real.is_dir() => bail!(
                "must build at directory: '{}': file is not directory",
                target.display()
            ),
            Some(real) => Ok(real),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_join_cleans_like_go() {
        let base = Path::new("/a/b");
        assert_eq!(lexical_join(base, "c/./d"), Path::new("/a/b/c/d"));
        assert_eq!(lexical_join(base, "../x"), Path::new("/a/x"));
        assert_eq!(lexical_join(base, "../../../x"), Path::new("/x"));
        assert_eq!(lexical_join(base, "/abs/./f"), Path::new("/abs/f"));
        assert_eq!(lexical_join(base, "."), Path::new("/a/b"));
        assert_eq!(lexical_join(base, "link/../y"), Path::new("/a/b/y"));
        assert_eq!(lexical_join(Path::new("rel"), "../../z"), Path::new("../z"));
    }

    #[test]
    fn within_is_component_wise() {
        assert!(is_within(Path::new("/a/b/c"), Path::new("/a/b")));
        assert!(is_within(Path::new("/a/b"), Path::new("/a/b")));
        assert!(!is_within(Path::new("/a/bc"), Path::new("/a/b")));
        assert!(is_within(Path::new("/a"), Path::new("/")));
    }

    #[test]
    fn confirm_root_rules() {
        let tmp = tempfile::tempdir().unwrap();
        let loader = Loader::default();
        let real = tmp.path().canonicalize().unwrap();
        assert_eq!(loader.confirm_root(tmp.path()).unwrap(), real);
        let file = tmp.path().join("f.yaml");
        std::fs::write(&file, "a: 1\n").unwrap();
        let err = loader.confirm_root(&file).unwrap_err().to_string();
        assert!(err.contains("file is not directory"), "{err}");
        let err = loader
            .confirm_root(&tmp.path().join("nope"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("must build at directory"), "{err}");
    }
}
