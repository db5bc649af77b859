//! A path as it was at a git revision.
//!
//! A revision is extracted into a temporary directory with git itself: its
//! tree is read into a private index file (`GIT_INDEX_FILE`) and checked out
//! under the temporary directory with `checkout-index --prefix`. This needs
//! no `tar`, leaves the repository's own index and worktree list untouched,
//! and applies the repository's checkout filters like a normal checkout.
//! The whole tree is extracted, since a kustomization may reach anywhere in
//! the repository (`../../base`). Submodules are not extracted.

use anyhow::{bail, Context, Result};
use std::ffi::{OsStr, OsString};
use std::path::{Component, Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// A repository's tree at one revision, extracted into a temporary
/// directory that is deleted when this is dropped.
#[derive(Debug)]
pub struct Snapshot {
    /// Keeps the temporary directory alive.
    _temp: TempDir,
    /// The root of the extracted tree.
    root: PathBuf,
}

impl Snapshot {
    /// Where a path relative to the repository root is in the snapshot
    /// (whether or not it existed at that revision).
    pub fn path_of(&self, relative: &Path) -> PathBuf {
        self.root.join(relative)
    }
}

/// Where a path lies in its git work tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoPath {
    /// The work tree's root.
    pub top: PathBuf,
    /// The path relative to that root.
    pub relative: PathBuf,
}

/// Locates `path` in the git work tree holding it. The path need not exist
/// any more (an environment deleted in the working tree): its nearest
/// existing parent directory is what git is asked about.
pub fn locate(path: &Path) -> Result<RepoPath> {
    let absolute =
        std::path::absolute(path).with_context(|| format!("resolving {}", path.display()))?;
    let existing = absolute
        .ancestors()
        .find(|a| a.is_dir())
        .with_context(|| format!("{}: no parent directory exists", path.display()))?;
    let rest = absolute
        .strip_prefix(existing)
        .expect("an ancestor is a prefix");
    if rest
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        bail!(
            "{}: `..` in a part of the path that does not exist cannot be resolved",
            path.display()
        );
    }
    let located = git(existing, ["rev-parse", "--show-toplevel", "--show-prefix"])
        .with_context(|| format!("{} is not inside a git work tree", path.display()))?;
    let mut lines = located.lines();
    let top = PathBuf::from(lines.next().unwrap_or_default());
    let prefix = PathBuf::from(lines.next().unwrap_or_default());
    Ok(RepoPath {
        top,
        relative: prefix.join(rest),
    })
}

/// Extracts the work tree rooted at `top` as of `revision` (a branch, tag,
/// commit or any expression git accepts).
pub fn snapshot(top: &Path, revision: &str) -> Result<Snapshot> {
    let commit = git(
        top,
        [
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{revision}^{{commit}}"),
        ],
    )
    .map_err(|_| anyhow::anyhow!("unknown git revision {revision:?}"))?;
    let commit = commit.trim().to_string();
    let temp = tempfile::Builder::new()
        .prefix("krust-diff-")
        .tempdir()
        .context("creating a temporary directory")?;
    extract(top, &commit, temp.path())
        .with_context(|| format!("extracting revision {revision} of {}", top.display()))?;
    let root = temp.path().join("tree");
    Ok(Snapshot { _temp: temp, root })
}

/// Checks out `commit`'s tree under `temp/tree/` through a private index.
fn extract(top: &Path, commit: &str, temp: &Path) -> Result<()> {
    let index = temp.join("index");
    let mut prefix = OsString::from("--prefix=");
    prefix.push(temp.join("tree"));
    prefix.push("/");
    let mut read_tree = git_command(top, ["read-tree", commit]);
    run(read_tree.env("GIT_INDEX_FILE", &index))?;
    let mut checkout = git_command(top, ["checkout-index", "--all", "--force"]);
    run(checkout.arg(prefix).env("GIT_INDEX_FILE", &index))?;
    // An empty tree checks nothing out; the root still exists.
    std::fs::create_dir_all(temp.join("tree")).context("creating the snapshot root")?;
    Ok(())
}

fn git_command<I, S>(cwd: &Path, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new("git");
    command.arg("-C").arg(cwd).args(args);
    command
}

fn git<I, S>(cwd: &Path, args: I) -> Result<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run(&mut git_command(cwd, args))
}

/// Runs a command, returning its stdout, or an error with its stderr.
fn run(command: &mut Command) -> Result<String> {
    let output = command
        .output()
        .with_context(|| format!("running {:?}", command.get_program()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("git failed ({}): {}", output.status, stderr.trim());
    }
    String::from_utf8(output.stdout).context("git printed invalid UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn git_ok(dir: &Path, args: &[&str]) {
        git(dir, args).unwrap();
    }

    fn git_available() -> bool {
        Command::new("git").arg("--version").output().is_ok()
    }

    fn commit_all(root: &Path) {
        git_ok(root, &["add", "-A"]);
        git_ok(
            root,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@e",
                "commit",
                "-qm",
                "c",
            ],
        );
    }

    /// A repository with `files` committed; `None` without git.
    fn repo_with(files: &[(&str, &str)]) -> Option<tempfile::TempDir> {
        if !git_available() {
            eprintln!("SKIPPED: git not on PATH");
            return None;
        }
        let repo = tempfile::tempdir().unwrap();
        git_ok(repo.path(), &["init", "-q"]);
        for (path, text) in files {
            let path = repo.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        commit_all(repo.path());
        Some(repo)
    }

    #[test]
    fn snapshot_sees_committed_content_only() {
        let Some(repo) = repo_with(&[("app/file.txt", "old\n")]) else {
            return;
        };
        let root = repo.path();
        fs::write(root.join("app/file.txt"), "new\n").unwrap();
        let located = locate(&root.join("app")).unwrap();
        assert_eq!(located.relative, Path::new("app"));
        let snapshot = snapshot(&located.top, "HEAD").unwrap();
        let file = snapshot.path_of(&located.relative).join("file.txt");
        assert_eq!(fs::read_to_string(file).unwrap(), "old\n");
        assert!(self::snapshot(&located.top, "no-such-ref").is_err());
    }

    #[test]
    fn deleted_paths_are_located_through_their_parent() {
        let Some(repo) = repo_with(&[("envs/prod/k.yaml", "x\n")]) else {
            return;
        };
        let root = repo.path();
        fs::remove_dir_all(root.join("envs")).unwrap();
        let located = locate(&root.join("envs/prod")).unwrap();
        assert_eq!(located.relative, Path::new("envs/prod"));
        let snapshot = snapshot(&located.top, "HEAD").unwrap();
        assert!(snapshot.path_of(&located.relative).join("k.yaml").is_file());
        let err = locate(&root.join("gone/../x")).unwrap_err();
        assert!(err.to_string().contains("`..`"), "{err}");
        let outside = tempfile::tempdir().unwrap();
        let err = locate(&outside.path().join("x")).unwrap_err();
        assert!(
            err.to_string().contains("not inside a git work tree"),
            "{err}"
        );
    }
}
