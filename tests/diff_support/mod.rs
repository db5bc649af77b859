//! Helpers shared by the `krust diff` test crates: running the binary,
//! copies of the example system, edits, git repositories.
#![allow(dead_code)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `krust ARGS` in `cwd`, with colour left to `--color` and without
/// any masking key from the caller's environment.
pub fn krust(bin: &Path, args: &[&str], cwd: &Path) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("KRUST_DIFF_MASK_KEY")
        .output()
        .expect("krust binary runs")
}

#[allow(unused_imports)] // not every diff test copies trees
pub use crate::common::copy_tree as copy_dir;

/// Replaces the first `from` in a file by `to`.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Writes a file, creating its directory.
pub fn write(path: &Path, text: &str) {
    let name = path.file_name().unwrap().to_str().unwrap();
    crate::common::write_file(path.parent().unwrap(), name, text);
}

/// Stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Lines a unified diff removes and adds, leaving out the file headers.
pub fn changed_lines(text: &str) -> (Vec<&str>, Vec<&str>) {
    let minus = text
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        .collect();
    let plus = text
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    (minus, plus)
}

/// Runs git in `dir` with a fixed identity; false when it fails or is
/// missing.
pub fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Makes `dir` a git repository with everything in it committed; false
/// (after a loud SKIPPED line) when git is not available.
pub fn commit_all(dir: &Path) -> bool {
    if !git(dir, &["init", "-q"]) {
        eprintln!("SKIPPED: git not on PATH; `krust diff --base` not tested");
        return false;
    }
    assert!(git(dir, &["add", "-A"]));
    assert!(git(dir, &["commit", "-qm", "initial"]));
    true
}

/// A Secret manifest with the given body after its metadata.
pub fn secret(name: &str, body: &str) -> String {
    format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n{body}")
}
