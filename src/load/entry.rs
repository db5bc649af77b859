//! Resolving the paths a kustomization lists (`resources`, `components`,
//! patch and generator files) the way kustomize's file loader does.

use super::paths::{is_within, lexical_join, resolve_existing};
use super::{LoadRestrictor, Loader};
use crate::remote::{is_http_url, RemoteEntry, RepoSpec};
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// What a `resources` entry names, with symlinks resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A file of resources to read.
    File(PathBuf),
    /// A directory holding a kustomization to build.
    Dir(PathBuf),
    /// A git repository or HTTP(S) URL, to be fetched.
    Remote(RemoteEntry),
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
    /// Like kustomize, an `http(s)://` URL is remote first of all; any other
    /// entry that exists locally as a file is a file even when it looks
    /// like a repository URL; otherwise a repository URL is remote, even
    /// when a directory of that name exists.
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
        if is_http_url(entry) {
            return Ok(Entry::Remote(
                RemoteEntry::classify(entry).expect("an http URL"),
            ));
        }
        let joined = lexical_join(kust_dir, entry);
        let real = resolve_existing(&joined)?;
        if let Some(real) = real.as_ref().filter(|real| !real.is_dir()) {
            self.restrict(&joined, real, root_for_restrictor)?;
            return Ok(Entry::File(real.clone()));
        }
        if let Some(remote) = RemoteEntry::classify(entry) {
            return Ok(Entry::Remote(remote));
        }
        let Some(real) = real else {
            bail!(
                "resource '{entry}' not found: '{}' does not exist",
                joined.display()
            );
        };
        if Path::new(entry).is_absolute() {
            bail!("new root '{entry}' cannot be absolute");
        }
        Ok(Entry::Dir(real))
    }

    /// Resolves an entry that must be a local file (a patch, a generator's
    /// file, a `configurations` or `crds` file), restricted to
    /// `root_for_restrictor`. Callers fetch `http(s)://` URLs themselves;
    /// a git repository URL cannot name a file, and is read as a local path
    /// that does not exist, as kustomize reads it.
    pub fn resolve_file(
        &self,
        kust_dir: &Path,
        root_for_restrictor: &Path,
        entry: &str,
    ) -> Result<PathBuf> {
        match self.resolve_entry(kust_dir, root_for_restrictor, entry) {
            Ok(Entry::File(path)) => Ok(path),
            Ok(Entry::Dir(path)) => bail!("'{}' must resolve to a file", path.display()),
            Ok(Entry::Remote(RemoteEntry::Http(url))) => {
                bail!("'{url}' is a URL, not a local file")
            }
            Ok(Entry::Remote(RemoteEntry::Git(_))) => bail!(
                "file '{entry}' not found: '{}' does not exist (a git repository URL \
                 cannot name a file)",
                lexical_join(kust_dir, entry).display()
            ),
            Err(e) => Err(e),
        }
    }

    /// Resolves a `components` entry, which must be a directory (local, or
    /// in a git repository).
    pub fn resolve_dir(&self, kust_dir: &Path, entry: &str) -> Result<Entry> {
        match self.resolve_entry(kust_dir, kust_dir, entry)? {
            Entry::File(path) => bail!(
                "must build at directory: '{}': file is not directory",
                path.display()
            ),
            Entry::Remote(RemoteEntry::Http(url)) => match RepoSpec::parse(&url) {
                // kustomize builds every component as a directory.
                Ok(spec) => Ok(Entry::Remote(RemoteEntry::Git(spec))),
                Err(e) => bail!("'{url}' is not a git repository URL: {e}"),
            },
            other => Ok(other),
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

/// True when kustomize would fetch `entry` rather than read it from disk:
/// an `http(s)://` URL or a git repository URL.
pub fn looks_remote(entry: &str) -> bool {
    is_http_url(entry) || RepoSpec::parse(entry).is_ok()
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
    fn remote_entries_are_recognised() {
        let t = tree();
        for entry in [
            "https://example.com/deploy.yaml",
            "HTTP://example.com/x",
            "github.com/org/repo/path?ref=v1",
            "git@github.com:org/repo.git",
            "ssh://git@host/org/repo",
            "package@v1.28.0.example/configs/base",
        ] {
            let resolved = resolve(LoadRestrictor::None, &t, entry).unwrap();
            assert!(matches!(resolved, Entry::Remote(_)), "{entry}");
        }
        // A local file wins over the repository reading; a directory does not.
        fs::create_dir_all(t.root.join("github.com/org/repo")).unwrap();
        fs::write(t.root.join("github.com/org/f.yaml"), "kind: X\n").unwrap();
        assert!(matches!(
            resolve(LoadRestrictor::None, &t, "github.com/org/f.yaml").unwrap(),
            Entry::File(_)
        ));
        assert!(matches!(
            resolve(LoadRestrictor::None, &t, "github.com/org/repo").unwrap(),
            Entry::Remote(_)
        ));
        let e = Loader::default()
            .resolve_file(&t.root, &t.root, "https://h/p.yaml")
            .unwrap_err();
        assert!(e.to_string().contains("not a local file"), "{e}");
        let e = Loader::default()
            .resolve_file(&t.root, &t.root, "github.com/org/repo/p.yaml")
            .unwrap_err();
        assert!(e.to_string().contains("not found"), "{e}");
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
            Entry::Dir(t.root.join("sub"))
        );
        assert!(matches!(
            loader.resolve_dir(&t.root, "https://h/org/repo").unwrap(),
            Entry::Remote(RemoteEntry::Git(_))
        ));
        let e = loader.resolve_dir(&t.root, "r.yaml").unwrap_err();
        assert!(e.to_string().contains("file is not directory"));
    }
}
