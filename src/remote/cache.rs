//! The on-disk cache of remote content, shared by every krust process of a
//! user: `$KRUST_CACHE_DIR`, else `$XDG_CACHE_HOME/krust`, else
//! `~/.cache/krust`.
//!
//! Layout (`<key>` is a SHA-256 of what the entry stands for):
//!
//! * `git/<key>/` — one checked-out tree per (normalised repository URL,
//!   commit, submodules): `tree/` and `entry.json` naming what it holds.
//!   A commit's tree never changes, so an entry is never rewritten.
//! * `refs/<key>` — the commit a (repository, ref) resolved to when last
//!   online: what `--offline` builds use.
//! * `http/<key>` — the body of an HTTP resource as last fetched, for
//!   `--offline`.
//! * `tmp/` — entries being filled. Each is filled in a directory of its
//!   own and then renamed into place, so an entry appears whole or not at
//!   all; two processes filling the same entry both succeed and one copy
//!   wins. An entry whose `entry.json` is missing or does not match is
//!   corrupt: it is moved aside and filled again.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};

/// The cache directory the environment chooses, if it names one.
pub fn default_dir() -> Option<PathBuf> {
    dir_from_env(&|name| std::env::var_os(name))
}

/// [`default_dir`] with the environment given.
fn dir_from_env(env: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("KRUST_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = var("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("krust"));
    }
    var("HOME").map(|home| PathBuf::from(home).join(".cache").join("krust"))
}

/// An open cache directory.
#[derive(Debug)]
pub struct Cache {
    root: PathBuf,
    /// Set when the user's cache could not be used: a directory removed
    /// when the build ends.
    _temporary: Option<tempfile::TempDir>,
}

/// What a git tree entry holds, written as `entry.json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TreeEntry {
    /// The normalised repository URL (without credentials).
    pub url: String,
    /// The commit checked out.
    pub commit: String,
    /// Whether submodules were checked out too.
    pub submodules: bool,
}

impl Cache {
    /// Opens (creating it) the cache at `dir`, or the default one. When it
    /// cannot be created or written, the build uses a temporary directory
    /// instead and the second value is the warning to print.
    pub fn open(dir: Option<PathBuf>) -> Result<(Cache, Option<String>)> {
        let chosen = dir.or_else(default_dir);
        let problem = match &chosen {
            Some(dir) => match Cache::at(dir) {
                Ok(cache) => return Ok((cache, None)),
                Err(e) => format!("cannot use the cache directory {}: {e:#}", dir.display()),
            },
            None => "no cache directory (set KRUST_CACHE_DIR or HOME)".to_string(),
        };
        let temp = tempfile::Builder::new()
            .prefix("krust-cache-")
            .tempdir()
            .context("creating a temporary cache directory")?;
        let mut cache = Cache::at(temp.path())?;
        cache._temporary = Some(temp);
        let warning = format!(
            "Warning: {problem}; remote content is fetched into a temporary directory for this build only"
        );
        Ok((cache, Some(warning)))
    }

    /// The cache at `dir`, checked to be writable.
    pub fn at(dir: &Path) -> Result<Cache> {
        for sub in ["git", "refs", "http", "tmp"] {
            fs::create_dir_all(dir.join(sub))
                .with_context(|| format!("creating {}", dir.join(sub).display()))?;
        }
        // Creating a file is the only reliable test of write access.
        tempfile::NamedTempFile::new_in(dir.join("tmp")).context("writing a test file")?;
        Ok(Cache {
            root: dir.to_path_buf(),
            _temporary: None,
        })
    }

    /// The cache's directory without creating or checking anything: what
    /// `--offline` builds and `krust cache` read.
    pub fn read_only(dir: &Path) -> Cache {
        Cache {
            root: dir.to_path_buf(),
            _temporary: None,
        }
    }

    /// The cache's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The checked-out tree of (url, commit, submodules), if a whole,
    /// matching entry is present.
    pub fn tree(&self, want: &TreeEntry) -> Option<PathBuf> {
        let dir = self.tree_dir(want);
        if read_entry(&dir).as_ref() != Some(want) {
            return None;
        }
        mark_used(&dir.join("entry.json"));
        Some(dir.join("tree"))
    }

    fn tree_dir(&self, entry: &TreeEntry) -> PathBuf {
        let key = key(&[
            &entry.url,
            &entry.commit,
            if entry.submodules { "1" } else { "0" },
        ]);
        self.root.join("git").join(key)
    }

    /// A fresh directory in `tmp/` to fill an entry in; removed when
    /// dropped unless installed.
    pub fn staging(&self) -> Result<tempfile::TempDir> {
        tempfile::Builder::new()
            .prefix("fill-")
            .tempdir_in(self.root.join("tmp"))
            .with_context(|| format!("creating a directory in {}", self.root.display()))
    }

    /// Installs `tree` (a checked-out directory inside `staging`) as the
    /// entry for `entry`, and returns the entry's tree. When another
    /// process installed the same entry first, that copy is kept.
    pub fn install_tree(
        &self,
        staging: tempfile::TempDir,
        tree: &Path,
        entry: &TreeEntry,
    ) -> Result<PathBuf> {
        let filled = staging.path().join("entry");
        fs::create_dir(&filled)?;
        fs::rename(tree, filled.join("tree"))?;
        fs::write(filled.join("entry.json"), serde_json::to_vec(entry)?)?;
        let target = self.tree_dir(entry);
        for _ in 0..2 {
            match fs::rename(&filled, &target) {
                Ok(()) => return Ok(target.join("tree")),
                Err(_) if read_entry(&target).as_ref() == Some(entry) => {
                    return Ok(target.join("tree"));
                }
                Err(_) if target.exists() => self.discard(&target),
                Err(e) => {
                    return Err(e).with_context(|| format!("installing {}", target.display()))
                }
            }
        }
        anyhow::bail!("cannot install cache entry {}", target.display())
    }

    /// Moves a corrupt entry out of the way (a rename, so readers never
    /// see it half deleted), then deletes it.
    fn discard(&self, dir: &Path) {
        if let Ok(trash) = self.staging() {
            let aside = trash.path().join("discarded");
            if fs::rename(dir, &aside).is_ok() {
                return; // removed with `trash`
            }
        }
        let _ = fs::remove_dir_all(dir);
    }

    /// The commit `git_ref` of `url` resolved to when last fetched online.
    pub fn recorded_ref(&self, url: &str, git_ref: &str) -> Option<String> {
        let text = fs::read_to_string(self.ref_file(url, git_ref)).ok()?;
        let commit = text.trim();
        super::git::is_full_commit_id(commit).then(|| commit.to_string())
    }

    /// Records what `git_ref` of `url` resolves to, for offline builds.
    pub fn record_ref(&self, url: &str, git_ref: &str, commit: &str) -> Result<()> {
        self.write_atomically(&self.ref_file(url, git_ref), commit.as_bytes())
    }

    fn ref_file(&self, url: &str, git_ref: &str) -> PathBuf {
        self.root.join("refs").join(key(&[url, git_ref]))
    }

    /// The body of `url` as last fetched.
    pub fn http_body(&self, url: &str) -> Option<Vec<u8>> {
        fs::read(self.http_file(url)).ok()
    }

    /// Keeps the body of `url` for offline builds.
    pub fn record_http_body(&self, url: &str, body: &[u8]) -> Result<()> {
        self.write_atomically(&self.http_file(url), body)
    }

    fn http_file(&self, url: &str) -> PathBuf {
        self.root.join("http").join(key(&[url]))
    }

    fn write_atomically(&self, path: &Path, data: &[u8]) -> Result<()> {
        let mut file = tempfile::NamedTempFile::new_in(self.root.join("tmp"))?;
        std::io::Write::write_all(&mut file, data)?;
        file.persist(path)
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }
}

/// The entry description stored in `dir`, if it is readable and whole.
pub(super) fn read_entry(dir: &Path) -> Option<TreeEntry> {
    let text = fs::read(dir.join("entry.json")).ok()?;
    let entry: TreeEntry = serde_json::from_slice(&text).ok()?;
    dir.join("tree").is_dir().then_some(entry)
}

/// Records that an entry was used (its `entry.json` modification time,
/// which `krust cache prune --unused-days` reads), at most once a day so
/// that warm builds do not write.
fn mark_used(marker: &Path) {
    const DAY: std::time::Duration = std::time::Duration::from_secs(86_400);
    let now = std::time::SystemTime::now();
    let old = fs::metadata(marker)
        .and_then(|m| m.modified())
        .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > DAY));
    if old {
        if let Ok(file) = fs::File::options().append(true).open(marker) {
            let _ = file.set_modified(now);
        }
    }
}

/// A file name for the parts: hex SHA-256 of them, NUL-separated.
fn key(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.finalize()
        .iter()
        .take(20)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
