//! The two sides of a diff: kustomization directories built with krust, or a
//! directory as it was at a git revision.
//!
//! A revision is extracted into a temporary directory with git itself: its
//! tree is read into a private index file (`GIT_INDEX_FILE`) and checked out
//! under the temporary directory with `checkout-index --prefix`. This needs
//! no `tar`, leaves the repository's own index and worktree list untouched,
//! and applies the repository's checkout filters like a normal checkout.
//! The whole tree is extracted, since a kustomization may reach anywhere in
//! the repository (`../../base`). Submodules are not extracted.

use crate::build::{build, BuildOptions};
use crate::resource::ResourceList;
use anyhow::{bail, Context, Result};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// A repository's tree at one revision, extracted into a temporary
/// directory that is deleted when this is dropped.
#[derive(Debug)]
pub struct Snapshot {
    /// Keeps the temporary directory alive.
    _temp: TempDir,
    /// The requested directory inside the snapshot.
    pub dir: PathBuf,
    /// The full commit id the revision named.
    pub commit: String,
}

impl Snapshot {
    /// True when the directory existed at that revision.
    pub fn dir_exists(&self) -> bool {
        self.dir.is_dir()
    }
}

/// Extracts the repository holding `dir` at `revision` (a branch, tag,
/// commit or any expression git accepts) and locates `dir` inside it.
pub fn snapshot_at(dir: &Path, revision: &str) -> Result<Snapshot> {
    let located = git(dir, ["rev-parse", "--show-toplevel", "--show-prefix"])
        .with_context(|| format!("{} is not inside a git work tree", dir.display()))?;
    let mut lines = located.lines();
    let top = PathBuf::from(lines.next().unwrap_or_default());
    let prefix = lines.next().unwrap_or_default().to_string();
    let commit = git(
        &top,
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
    extract(&top, &commit, temp.path())
        .with_context(|| format!("extracting revision {revision} of {}", top.display()))?;
    let dir = temp.path().join("tree").join(prefix);
    Ok(Snapshot {
        _temp: temp,
        dir,
        commit,
    })
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
    Ok(())
}

/// Builds `dir` as it was at `revision`; `None` when the directory did not
/// exist then (a new environment: everything in it is added).
pub fn build_at_revision(
    dir: &Path,
    revision: &str,
    options: &BuildOptions,
) -> Result<Option<ResourceList>> {
    let snapshot = snapshot_at(dir, revision)?;
    if !snapshot.dir_exists() {
        return Ok(None);
    }
    let resources = build(&snapshot.dir, options)
        .with_context(|| format!("building {} at {revision}", dir.display()))?;
    Ok(Some(resources))
}

/// Builds two directories at once, for `krust diff OLD_DIR NEW_DIR`.
pub fn build_dirs(
    old: &Path,
    new: &Path,
    options: &BuildOptions,
) -> Result<(ResourceList, ResourceList)> {
    let (old, new) = rayon::join(|| build(old, options), || build(new, options));
    Ok((old?, new?))
}

/// Builds `dir` at `revision` and in the working tree at once, for
/// `krust diff --base REF DIR`. The old side is `None` when `dir` did not
/// exist at that revision.
pub fn build_against_revision(
    dir: &Path,
    revision: &str,
    options: &BuildOptions,
) -> Result<(Option<ResourceList>, ResourceList)> {
    let (old, new) = rayon::join(
        || build_at_revision(dir, revision, options),
        || build(dir, options),
    );
    Ok((old?, new?))
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

    #[test]
    fn snapshot_sees_committed_content_only() {
        if !git_available() {
            return;
        }
        let repo = tempfile::tempdir().unwrap();
        let root = repo.path();
        git_ok(root, &["init", "-q"]);
        fs::create_dir_all(root.join("app")).unwrap();
        fs::write(root.join("app/file.txt"), "old\n").unwrap();
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
                "one",
            ],
        );
        fs::write(root.join("app/file.txt"), "new\n").unwrap();
        let snapshot = snapshot_at(&root.join("app"), "HEAD").unwrap();
        assert_eq!(
            fs::read_to_string(snapshot.dir.join("file.txt")).unwrap(),
            "old\n"
        );
        assert_eq!(snapshot.commit.len(), 40);
        assert!(snapshot_at(&root.join("app"), "no-such-ref").is_err());
    }
}
