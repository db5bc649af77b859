//! `krust cache dir|list|prune`: showing and cleaning the cache.

#[cfg(test)]
use super::cache::Cache;
use super::cache::{read_entry, TreeEntry};
use anyhow::{Context, Result};
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// One git tree in the cache, as `krust cache list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// What the entry holds.
    pub entry: TreeEntry,
    /// Bytes used by its files.
    pub bytes: u64,
}

/// Every whole git tree in the cache at `dir`, sorted by URL and commit.
pub fn list(dir: &Path) -> Result<Vec<Listed>> {
    let mut out = Vec::new();
    let git = dir.join("git");
    let Ok(entries) = fs::read_dir(&git) else {
        return Ok(out);
    };
    for item in entries {
        let path = item?.path();
        let Some(entry) = read_entry(&path) else {
            continue;
        };
        out.push(Listed {
            entry,
            bytes: disk_usage(&path),
        });
    }
    out.sort_by(|a, b| (&a.entry.url, &a.entry.commit).cmp(&(&b.entry.url, &b.entry.commit)));
    Ok(out)
}

/// The lines `krust cache list` prints: commit, size and URL per tree.
pub fn list_lines(dir: &Path) -> Result<Vec<String>> {
    Ok(list(dir)?
        .iter()
        .map(|l| {
            let commit = l.entry.commit.get(..12).unwrap_or(&l.entry.commit);
            let sub = if l.entry.submodules {
                ""
            } else {
                " (no submodules)"
            };
            format!("{commit}  {:>9}  {}{sub}", human_size(l.bytes), l.entry.url)
        })
        .collect())
}

/// What `krust cache prune` removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Git trees removed.
    pub trees: usize,
    /// Other files removed (recorded refs, downloads, leftovers).
    pub files: usize,
}

/// Removes from the cache at `dir` every entry not used for `unused_for`
/// (everything when `None`), and fills left behind by processes that died
/// more than an hour ago.
pub fn prune(dir: &Path, unused_for: Option<Duration>) -> Result<Pruned> {
    let mut pruned = Pruned::default();
    let stale = |path: &Path, age: Option<Duration>| match age {
        None => true,
        Some(age) => modified_before(path, age),
    };
    for (sub, is_tree) in [("git", true), ("refs", false), ("http", false)] {
        let Ok(items) = fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for item in items {
            let path = item?.path();
            let marker = if is_tree {
                path.join("entry.json")
            } else {
                path.clone()
            };
            if !stale(&marker, unused_for) {
                continue;
            }
            remove(&path).with_context(|| format!("removing {}", path.display()))?;
            if is_tree {
                pruned.trees += 1;
            } else {
                pruned.files += 1;
            }
        }
    }
    if let Ok(items) = fs::read_dir(dir.join("tmp")) {
        for item in items {
            let path = item?.path();
            if stale(&path, unused_for.map(|_| Duration::from_secs(3600))) {
                remove(&path).with_context(|| format!("removing {}", path.display()))?;
                pruned.files += 1;
            }
        }
    }
    Ok(pruned)
}

fn remove(path: &Path) -> std::io::Result<()> {
    if path.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// True when `path` was last modified longer than `age` ago (or cannot be
/// read: a broken entry is always stale).
fn modified_before(path: &Path, age: Duration) -> bool {
    let Ok(modified) = fs::metadata(path).and_then(|m| m.modified()) else {
        return true;
    };
    SystemTime::now()
        .duration_since(modified)
        .is_ok_and(|elapsed| elapsed > age)
}

fn disk_usage(path: &Path) -> u64 {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    fs::read_dir(path)
        .map(|items| {
            items
                .filter_map(|i| i.ok())
                .map(|i| disk_usage(&i.path()))
                .sum()
        })
        .unwrap_or(0)
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// The cache directory `krust cache` works on: the default one, which
/// need not exist yet.
pub fn cache_dir() -> Result<std::path::PathBuf> {
    super::cache::default_dir()
        .context("no cache directory: set KRUST_CACHE_DIR, XDG_CACHE_HOME or HOME")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(2048), "2.0 KiB");
        assert_eq!(human_size(3 << 20), "3.0 MiB");
    }

    #[test]
    fn prune_everything_and_by_age() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::at(tmp.path()).unwrap();
        let entry = TreeEntry {
            url: "https://example.com/org/repo".into(),
            commit: "a".repeat(40),
            submodules: true,
        };
        let staging = cache.staging().unwrap();
        let tree = staging.path().join("t");
        fs::create_dir(&tree).unwrap();
        fs::write(tree.join("k.yaml"), "x").unwrap();
        cache.install_tree(staging, &tree, &entry).unwrap();
        cache.record_ref(&entry.url, "v1", &entry.commit).unwrap();
        let lines = list_lines(tmp.path()).unwrap();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with("aaaaaaaaaaaa  "), "{}", lines[0]);
        assert!(lines[0].ends_with(" https://example.com/org/repo"));
        // Just used: an age limit keeps it.
        let kept = prune(tmp.path(), Some(Duration::from_secs(3600))).unwrap();
        assert_eq!(kept, Pruned::default());
        let all = prune(tmp.path(), None).unwrap();
        assert_eq!(all.trees, 1);
        assert_eq!(all.files, 1);
        assert!(list(tmp.path()).unwrap().is_empty());
    }
}
