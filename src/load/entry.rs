//! Resolving the paths a kustomization lists (`resources`, `components`,
//! patch and generator files) the way kustomize's file loader does.

use super::paths::{is_within, lexical_join, resolve_existing};
use super::{LoadRestrictor, Loader};
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// What a `resources` entry names, with symlinks resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A file of resources to read.
    File(PathBuf),
    /// A directory holding a kustomization to build.
    Dir(PathBuf),
}

impl Loader {
    /// Resolves one `resources` entry of the kustomization in `kust_dir`.
    ///
    /// Relative entries are taken from `kust_dir`. A file must pass the load
    /// restrictor against `root_for_restrictor` (normally `kust_dir` itself);
    /// a directory is exempt, as it becomes the root of its own build, but
    /// may not be written as an absolute path. Both directories must already
    /// be resolved (as [`Loader::load_kustomization`] returns them).
    ///
    /// Like kustomize, an entry that exists locally as a file is a file even
    /// when it looks like a URL; otherwise anything that looks remote is
    /// rejected, since remote resources cannot be fetched.
    pub fn resolve_entry(
        &self,
        kust_dir: &Path,
        root_for_restrictor: &Path,
        entry: &str,
    ) -> Result<Entry> {
        if entry.is_empty() {
            bail!(
                "empty path in the list of resources of '{}'",
                kust_dir.display()
            );
        }
        reject_http(entry)?;
        let joined = lexical_join(kust_dir, entry);
        let Some(real) = resolve_existing(&joined)? else {
            reject_remote(entry)?;
            bail!(
                "resource '{entry}' not found: '{}' does not exist",
                joined.display()
            );
        };
        if !real.is_dir() {
            self.restrict(&joined, &real, root_for_restrictor)?;
            return Ok(Entry::File(real));
        }
        reject_remote(entry)?;
        if Path::new(entry).is_absolute() {
            bail!("new root '{entry}' cannot be absolute");
        }
        Ok(Entry::Dir(real))
    }

    /// Resolves an entry that must be a file (a patch, a generator's file, a
    /// `configurations` or `crds` file), restricted to `root_for_restrictor`.
    pub fn resolve_file(
        &self,
        kust_dir: &Path,
        root_for_restrictor: &Path,
        entry: &str,
    ) -> Result<PathBuf> {
        match self.resolve_entry(kust_dir, root_for_restrictor, entry) {
            Ok(Entry::File(path)) => Ok(path),
            Ok(Entry::Dir(path)) => bail!("'{}' must resolve to a file", path.display()),
            Err(e) => Err(e),
        }
    }

    /// Resolves a `components` entry, which must be a directory.
    pub fn resolve_dir(&self, kust_dir: &Path, entry: &str) -> Result<PathBuf> {
        match self.resolve_entry(kust_dir, kust_dir, entry) {
            Ok(Entry::Dir(path)) => Ok(path),
            Ok(Entry::File(path)) => bail!(
                "must build at directory: '{}': file is not directory",
                path.display()
            ),
            Err(e) => Err(e),
        }
    }

    /// The load restrictor: under `RootOnly`, the resolved file must lie in
    /// or below the root. The message shows the path as written, joined.
    fn restrict(&self, joined: &Path, real: &Path, root: &Path) -> Result<()> {
        if self.restrictor() == LoadRestrictor::None {
            return Ok(());
        }
        let dir = real.parent().unwrap_or(real);
        if !is_within(dir, root) {
            bail!(
                "security; file '{}' is not in or below '{}'",
                joined.display(),
                root.display()
            );
        }
        Ok(())
    }
}

/// kustomize fetches `http://` and `https://` files over the network before
/// looking at the disk; there is no network here.
fn reject_http(entry: &str) -> Result<()> {
    let lower = entry.get(..8).unwrap_or(entry).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        bail!("remote resource '{entry}' is not supported: only local files and directories can be loaded");
    }
    Ok(())
}

fn reject_remote(entry: &str) -> Result<()> {
    if looks_remote(entry) {
        bail!("remote resource '{entry}' is not supported: only local files and directories can be loaded");
    }
    Ok(())
}

/// True when kustomize would read `entry` as a git repository URL (its
/// `NewRepoSpecFromURL` accepting it): a URL scheme it clones from, an
/// `scp`-like `user@host:path`, or a `github.com` path. A `?ref=` query and
/// the `git::` prefix are ignored, as kustomize ignores them for this test.
pub fn looks_remote(entry: &str) -> bool {
    if Path::new(entry).is_absolute() {
        return false;
    }
    let spec = entry.split_once('?').map_or(entry, |(before, _)| before);
    let spec = strip_prefix_ignore_case(spec, "git::").unwrap_or(spec);
    const SCHEMES: [&str; 4] = ["ssh://", "https://", "http://", "file://"];
    if let Some(rest) = SCHEMES
        .iter()
        .find_map(|scheme| strip_prefix_ignore_case(spec, scheme))
    {
        return !rest.is_empty();
    }
    let after_user = strip_username(spec);
    let github = strip_prefix_ignore_case(after_user, "github.com/")
        .or_else(|| strip_prefix_ignore_case(after_user, "github.com:"));
    if let Some(path) = github {
        return has_repo_path(path);
    }
    if after_user.len() != spec.len() {
        // `user@host:org/repo` or `user@host/org/repo`.
        return after_user
            .find([':', '/'])
            .is_some_and(|sep| sep > 0 && has_repo_path(&after_user[sep + 1..]));
    }
    false
}

/// kustomize needs an `org/repo` (two segments) after the host.
fn has_repo_path(path: &str) -> bool {
    path.trim_start_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .count()
        >= 2
        || path.contains(".git")
}

/// Strips a leading `user@` (a letter, then letters, digits or dashes).
fn strip_username(s: &str) -> &str {
    let Some((user, rest)) = s.split_once('@') else {
        return s;
    };
    let mut chars = user.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid {
        rest
    } else {
        s
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::symlink;

    /// `root/` (the kustomization), `root/sub/`, `outside/`, with a file in
    /// each and symlinks from `root` to the others.
    struct Tree {
        _tmp: tempfile::TempDir,
        base: PathBuf,
        root: PathBuf,
    }

    fn tree() -> Tree {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        let root = base.join("root");
        for dir in [root.join("sub"), base.join("outside")] {
            fs::create_dir_all(dir).unwrap();
        }
        for file in ["root/r.yaml", "root/sub/s.yaml", "outside/o.yaml"] {
            fs::write(base.join(file), "kind: X\n").unwrap();
        }
        symlink("../outside/o.yaml", root.join("link-out.yaml")).unwrap();
        symlink("r.yaml", root.join("link-in.yaml")).unwrap();
        symlink("../outside", root.join("outdir")).unwrap();
        symlink("missing.yaml", root.join("dangling.yaml")).unwrap();
        Tree {
            _tmp: tmp,
            base,
            root,
        }
    }

    fn resolve(restrictor: LoadRestrictor, t: &Tree, entry: &str) -> Result<Entry> {
        Loader::new(restrictor).resolve_entry(&t.root, &t.root, entry)
    }

    fn err(restrictor: LoadRestrictor, t: &Tree, entry: &str) -> String {
        format!("{:#}", resolve(restrictor, t, entry).unwrap_err())
    }

    #[test]
    fn files_and_dirs_resolve_relative_to_the_kustomization() {
        let t = tree();
        let strict = LoadRestrictor::RootOnly;
        assert_eq!(
            resolve(strict, &t, "r.yaml").unwrap(),
            Entry::File(t.root.join("r.yaml"))
        );
        assert_eq!(
            resolve(strict, &t, "./sub/../sub/s.yaml").unwrap(),
            Entry::File(t.root.join("sub/s.yaml"))
        );
        assert_eq!(
            resolve(strict, &t, "sub").unwrap(),
            Entry::Dir(t.root.join("sub"))
        );
        assert_eq!(
            resolve(strict, &t, "../outside").unwrap(),
            Entry::Dir(t.base.join("outside"))
        );
    }

    #[test]
    fn symlinks_are_resolved() {
        let t = tree();
        assert_eq!(
            resolve(LoadRestrictor::RootOnly, &t, "link-in.yaml").unwrap(),
            Entry::File(t.root.join("r.yaml"))
        );
        assert_eq!(
            resolve(LoadRestrictor::RootOnly, &t, "outdir").unwrap(),
            Entry::Dir(t.base.join("outside"))
        );
    }

    #[test]
    fn root_only_rejects_files_leaving_the_root() {
        let t = tree();
        for entry in ["link-out.yaml", "../outside/o.yaml", "outdir/o.yaml"] {
            let e = err(LoadRestrictor::RootOnly, &t, entry);
            assert!(e.starts_with("security; file '"), "{e}");
            assert!(e.ends_with(&format!("' is not in or below '{}'", t.root.display())));
        }
        let abs = t.base.join("outside/o.yaml");
        assert!(resolve(LoadRestrictor::RootOnly, &t, abs.to_str().unwrap()).is_err());
        // The message shows the path as written (joined, not resolved).
        let e = err(LoadRestrictor::RootOnly, &t, "link-out.yaml");
        assert!(e.contains(&t.root.join("link-out.yaml").display().to_string()));
    }

    #[test]
    fn no_restriction_allows_files_anywhere() {
        let t = tree();
        let outside = Entry::File(t.base.join("outside/o.yaml"));
        for entry in ["link-out.yaml", "../outside/o.yaml", "outdir/o.yaml"] {
            assert_eq!(resolve(LoadRestrictor::None, &t, entry).unwrap(), outside);
        }
    }

    #[test]
    fn absolute_files_allowed_inside_but_absolute_dirs_never() {
        let t = tree();
        let inside = t.root.join("r.yaml");
        assert_eq!(
            resolve(LoadRestrictor::RootOnly, &t, inside.to_str().unwrap()).unwrap(),
            Entry::File(inside.clone())
        );
        let dir = t.root.join("sub");
        let e = err(LoadRestrictor::None, &t, dir.to_str().unwrap());
        assert!(e.contains("cannot be absolute"), "{e}");
    }

    #[test]
    fn missing_and_empty_entries() {
        let t = tree();
        for entry in ["nope.yaml", "dangling.yaml", "r.yaml/below"] {
            let e = err(LoadRestrictor::RootOnly, &t, entry);
            assert!(e.contains(&format!("'{entry}' not found")), "{e}");
        }
        assert!(err(LoadRestrictor::RootOnly, &t, "").contains("empty path"));
    }

    #[test]
    fn remote_entries_are_rejected() {
        let t = tree();
        for entry in [
            "https://example.com/deploy.yaml",
            "HTTP://example.com/x",
            "github.com/org/repo/path?ref=v1",
            "git@github.com:org/repo.git",
            "ssh://git@host/org/repo",
            "package@v1.28.0.example/configs/base",
        ] {
            let e = err(LoadRestrictor::None, &t, entry);
            assert!(e.contains("remote resource"), "{entry}: {e}");
        }
    }

    #[test]
    fn remote_detection() {
        for remote in [
            "github.com/kubernetes-sigs/kustomize/examples/multibases?ref=v1.0.6",
            "git::https://gitlab.com/org/repo",
            "file:///srv/repos/app",
            "user@host.example:org/repo",
        ] {
            assert!(looks_remote(remote), "{remote}");
        }
        for local in [
            "base",
            "../base",
            "sub/dir/x.yaml",
            "/abs/path",
            "a@b",
            "my@dir",
        ] {
            assert!(!looks_remote(local), "{local}");
        }
    }

    #[test]
    fn file_and_dir_only_variants() {
        let t = tree();
        let loader = Loader::default();
        assert!(loader.resolve_file(&t.root, &t.root, "r.yaml").is_ok());
        let e = loader.resolve_file(&t.root, &t.root, "sub").unwrap_err();
        assert!(e.to_string().contains("must resolve to a file"));
        assert_eq!(
            loader.resolve_dir(&t.root, "sub").unwrap(),
            t.root.join("sub")
        );
        let e = loader.resolve_dir(&t.root, "r.yaml").unwrap_err();
        assert!(e.to_string().contains("file is not directory"));
    }
}
