//! Helpers shared by the integration tests: fixture discovery, writing and
//! copying input trees, running the `krust` binary and a compact line diff
//! for failure reports.
//!
//! Each test crate uses a different subset of these helpers, so unused ones
//! are expected in any single crate.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where Cargo.toml lives).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes `text` to `name` under `dir`, creating the directories it needs.
pub fn write_file(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Writes each `(name, text)` of `files` under `root`.
pub fn write_files<T: AsRef<[u8]>>(root: &Path, files: &[(&str, T)]) {
    for (name, text) in files {
        write_file(root, name, text);
    }
}

/// A new temporary directory holding `files`.
pub fn temp_tree<T: AsRef<[u8]>>(files: &[(&str, T)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), files);
    dir
}

/// Copies the directory tree `from` to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The krust binary cargo built for these tests.
pub fn krust_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_krust"))
}

/// Runs krust with `args` in `dir`: (success, stdout, stderr).
pub fn krust_in(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(krust_bin())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("krust runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("krust prints UTF-8");
    (out.status.success(), text(out.stdout), text(out.stderr))
}

/// What a fixture expects from a build.
pub enum Expectation {
    /// The build succeeds and prints exactly these bytes.
    Output(Vec<u8>),
    /// The build fails (as kustomize's does, whose message is kept in
    /// `kustomize-error.txt`) and prints exactly this on stderr, with the
    /// repository's path left out (see [`normalize_stderr`]).
    Error(String),
}

/// One case under `fixtures/`.
pub struct Fixture {
    /// Directory name under `fixtures/`.
    pub name: String,
    /// Directory to build.
    pub build_dir: PathBuf,
    /// Extra build flags from the optional `args` file.
    pub args: Vec<String>,
    /// Expected outcome.
    pub expectation: Expectation,
}

/// Every fixture, sorted by name. A directory counts as a fixture when it has
/// an `input/` folder or a `build` file; it must also have an expectation.
///
/// `KRUST_FIXTURES_FILTER`, when set, keeps only fixtures whose name contains it.
pub fn load_fixtures() -> Vec<Fixture> {
    let root = repo_root().join("fixtures");
    let filter = std::env::var("KRUST_FIXTURES_FILTER").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .map(|entry| entry.expect("readable fixtures entry").path())
        .filter(|p| p.join("input").is_dir() || p.join("build").is_file())
        .collect();
    dirs.sort();
    dirs.iter()
        .map(|dir| load_fixture(dir))
        .filter(|f| f.name.contains(&filter))
        .collect()
}

fn load_fixture(dir: &Path) -> Fixture {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let build_dir = match fs::read_to_string(dir.join("build")) {
        Ok(text) => dir.join(text.lines().next().unwrap_or("").trim()),
        Err(_) => dir.join("input"),
    };
    let args = fs::read_to_string(dir.join("args"))
        .map(|text| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let expectation = if let Ok(bytes) = fs::read(dir.join("expected.yaml")) {
        Expectation::Output(bytes)
    } else if let Ok(text) = fs::read_to_string(dir.join("expected-error.txt")) {
        assert!(
            dir.join("kustomize-error.txt").is_file(),
            "fixture {name} expects an error but has no kustomize-error.txt (the reference's \
             message); run tools/regen-fixtures {name}"
        );
        Expectation::Error(text)
    } else {
        panic!(
            "fixture {name} has neither expected.yaml nor expected-error.txt; run tools/regen-fixtures {name}"
        )
    };
    Fixture {
        name,
        build_dir,
        args,
        expectation,
    }
}

/// A failing build's stderr as a fixture records it: the repository's
/// absolute path removed, so paths read `fixtures/<case>/...`.
pub fn normalize_stderr(stderr: &[u8]) -> String {
    let root = repo_root();
    let root = root.to_string_lossy();
    String::from_utf8_lossy(stderr)
        .replace(&format!("{root}/"), "")
        .replace(root.as_ref(), ".")
}

/// Runs `krust build DIR ARGS...`.
pub fn run_krust_build(dir: &Path, args: &[String]) -> Output {
    Command::new(krust_bin())
        .arg("build")
        .arg(dir)
        .args(args)
        .output()
        .expect("krust binary runs")
}

/// True when `kubectl` can be started.
pub fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Says loudly, past the test harness's output capture, that a comparison
/// with kubectl did not run; fails instead when `KRUST_REQUIRE_KUBECTL` is
/// set.
pub fn announce_kubectl_skip(what: &str) {
    use std::io::Write;
    let banner = "=".repeat(72);
    let _ = writeln!(
        std::io::stderr(),
        "\n{banner}\nSKIPPED: kubectl not on PATH -- {what} did not run\n{banner}\n"
    );
    assert!(
        std::env::var_os("KRUST_REQUIRE_KUBECTL").is_none(),
        "KRUST_REQUIRE_KUBECTL is set but kubectl is not on PATH"
    );
}

/// Runs `kubectl kustomize DIR ARGS...`.
pub fn run_kubectl_kustomize(dir: &Path, args: &[String]) -> Output {
    Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .args(args)
        .output()
        .expect("kubectl runs")
}

/// The last non-empty line of a process's stderr, for one-line reports.
pub fn last_stderr_line(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect()
}

/// A short report of where two texts first differ: the line number and a few
/// lines of each side from there. Enough to locate a mismatch without
/// flooding the report when many fixtures fail at once.
pub fn short_diff(expected: &[u8], actual: &[u8]) -> String {
    const CONTEXT: usize = 6;
    let expected = String::from_utf8_lossy(expected);
    let actual = String::from_utf8_lossy(actual);
    let exp_lines: Vec<&str> = expected.split_inclusive('\n').collect();
    let act_lines: Vec<&str> = actual.split_inclusive('\n').collect();
    let first = exp_lines
        .iter()
        .zip(&act_lines)
        .position(|(e, a)| e != a)
        .unwrap_or(exp_lines.len().min(act_lines.len()));
    let start = first.saturating_sub(1);
    let mut report = format!(
        "    first difference at line {} (expected {} lines, got {})\n",
        first + 1,
        exp_lines.len(),
        act_lines.len()
    );
    for (label, lines) in [("-", &exp_lines), ("+", &act_lines)] {
        for line in lines.iter().skip(start).take(CONTEXT) {
            report.push_str(&format!("    {label} {:?}\n", line));
        }
        if lines.len() <= first {
            report.push_str(&format!("    {label} <end of output>\n"));
        }
    }
    report
}

/// A small deterministic pseudo-random source (xorshift64*) for the
/// generated-input tests: the same seed gives the same cases everywhere.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True about once in `one_in` calls.
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::short_diff;

    #[test]
    fn short_diff_points_at_first_differing_line() {
        let report = short_diff(b"a\nb\nc\n", b"a\nB\nc\n");
        assert!(report.contains("line 2"), "{report}");
        assert!(report.contains("- \"b\\n\""), "{report}");
        assert!(report.contains("+ \"B\\n\""), "{report}");
    }

    #[test]
    fn short_diff_reports_missing_tail() {
        let report = short_diff(b"a\nb\n", b"a\n");
        assert!(report.contains("<end of output>"), "{report}");
    }
}
