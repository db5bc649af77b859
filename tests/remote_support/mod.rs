//! The world the remote tests run in, all on this machine: bare git
//! repositories built from `fixtures/remote/repos/`, served over smart
//! HTTP from 127.0.0.1 and reachable as `file://` paths; a temporary HOME
//! whose git configuration rewrites `https://github.com/` and
//! `git@github.com:` to that server (`url.<base>.insteadOf`), so URLs that
//! look real resolve locally for krust and kubectl alike; and a proxy
//! setting that sends any other HTTPS request to the test server, which
//! refuses it.
#![allow(dead_code)]

pub mod server;

use server::Server;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixture directory of the remote tests.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/remote")
}

/// Says loudly that a test did not run, and why.
pub fn skip(what: &str, why: &str) {
    use std::io::Write;
    let banner = "=".repeat(72);
    let _ = writeln!(
        std::io::stderr(),
        "\n{banner}\nSKIPPED: {why} -- {what} did not run\n{banner}\n"
    );
}

/// True when `git` and its `http-backend` can run.
fn git_available() -> bool {
    let ok = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let exec_path = Command::new("git").arg("--exec-path").output();
    ok(&["--version"])
        && exec_path.is_ok_and(|o| {
            let dir = String::from_utf8_lossy(&o.stdout).trim().to_string();
            Path::new(&dir).join("git-http-backend").exists()
        })
}

/// A test world; everything lives in one temporary directory.
pub struct World {
    pub tmp: tempfile::TempDir,
    pub home: PathBuf,
    pub repos: PathBuf,
    pub cache: PathBuf,
    pub server: Server,
    /// `org/repo:tag` → commit.
    pub commits: BTreeMap<String, String>,
}

impl World {
    /// Builds the world, or says why it cannot (no git, no
    /// `git http-backend`) and returns `None`.
    pub fn new(what: &str) -> Option<World> {
        if !git_available() {
            skip(what, "git or git http-backend not available");
            return None;
        }
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let home = root.join("home");
        let repos = root.join("repos");
        let raw = fixtures().join("raw");
        fs::create_dir_all(&home).unwrap();
        fs::create_dir_all(&repos).unwrap();
        let server = Server::start(repos.clone(), raw);
        fs::write(
            home.join(".gitconfig"),
            format!(
                "[url \"{base}/\"]\n\tinsteadOf = https://github.com/\n\tinsteadOf = git@github.com:\n\
                 [protocol \"file\"]\n\tallow = always\n\
                 [user]\n\tname = Test\n\temail = test@example.com\n\
                 [init]\n\tdefaultBranch = main\n",
                base = server.base
            ),
        )
        .unwrap();
        let mut world = World {
            cache: root.join("cache"),
            tmp,
            home,
            repos,
            server,
            commits: BTreeMap::new(),
        };
        world.build_repositories(&root.join("work"));
        Some(world)
    }

    /// The environment every child (krust, kubectl, git) gets.
    pub fn env(&self, cmd: &mut Command) {
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy().to_string();
            if name.starts_with("GIT_") || name.to_ascii_lowercase().ends_with("_proxy") {
                cmd.env_remove(&name);
            }
        }
        cmd.env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("KRUST_CACHE_DIR", &self.cache)
            .env("HTTPS_PROXY", &self.server.base)
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env_remove("KRUST_OFFLINE")
            .env_remove("XDG_CACHE_HOME");
    }

    /// Runs git in `dir` with the world's environment and fixed dates.
    fn git(&self, dir: &Path, args: &[&str], when: usize) -> String {
        let mut cmd = Command::new("git");
        self.env(&mut cmd);
        let date = format!("{} +0000", 1_700_000_000 + when * 86_400);
        let out = cmd
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// One bare repository per `fixtures/remote/repos/<org>/<repo>/`: each
    /// `<n>-<tag>/` directory, in order, is one commit tagged `<tag>`
    /// (annotated, except tags starting with `light`); `main` is the last.
    /// `@HTTP@` in a file becomes the server's address, so a remote base
    /// can name files by URL (its commits then differ from run to run).
    fn build_repositories(&mut self, work: &Path) {
        let server = BTreeMap::from([("@HTTP@".to_string(), self.server.base.clone())]);
        for org in sorted_dirs(&fixtures().join("repos")) {
            for repo in sorted_dirs(&org) {
                let name = format!("{}/{}", file_name(&org), file_name(&repo));
                let dir = work.join(&name);
                fs::create_dir_all(&dir).unwrap();
                self.git(&dir, &["init", "--quiet"], 0);
                for (n, version) in sorted_dirs(&repo).iter().enumerate() {
                    for item in fs::read_dir(&dir).unwrap() {
                        let path = item.unwrap().path();
                        if file_name(&path) != ".git" {
                            remove(&path);
                        }
                    }
                    copy_tree(version, &dir, &server);
                    self.git(&dir, &["add", "-A"], n);
                    self.git(&dir, &["commit", "--quiet", "-m", &format!("v{n}")], n);
                    let tag = file_name(version);
                    let tag = tag.split_once('-').map_or(tag.as_str(), |(_, t)| t);
                    if tag.starts_with("light") {
                        self.git(&dir, &["tag", tag], n);
                    } else {
                        self.git(&dir, &["tag", "-a", "-m", tag, tag], n);
                    }
                    let commit = self.git(&dir, &["rev-parse", "HEAD"], n);
                    self.commits.insert(format!("{name}:{tag}"), commit);
                }
                let bare = self.repos.join(&name);
                fs::create_dir_all(bare.parent().unwrap()).unwrap();
                let source = dir.to_string_lossy().to_string();
                let target = bare.to_string_lossy().to_string();
                self.git(work, &["clone", "--quiet", "--bare", &source, &target], 0);
                std::os::unix::fs::symlink(&bare, bare.with_extension("git")).unwrap();
            }
        }
    }

    /// The text substitutions for case files: `@HTTP@` (the server),
    /// `@REPOS@` (the repositories' directory) and `@SHA:org/repo:tag@`.
    pub fn substitutions(&self) -> BTreeMap<String, String> {
        let mut subs = BTreeMap::new();
        subs.insert("@HTTP@".to_string(), self.server.base.clone());
        subs.insert("@REPOS@".to_string(), self.repos.display().to_string());
        for (name, commit) in &self.commits {
            subs.insert(format!("@SHA:{name}@"), commit.clone());
        }
        subs
    }

    /// A copy of the case `fixtures/remote/cases/<name>/` with the
    /// substitutions made, ready to build.
    pub fn case(&self, name: &str) -> PathBuf {
        let target = self.tmp.path().join("cases").join(name);
        if !target.exists() {
            copy_tree(
                &fixtures().join("cases").join(name),
                &target,
                &self.substitutions(),
            );
        }
        target.canonicalize().unwrap()
    }

    /// `krust ARGS...` in the world, with extra environment variables.
    pub fn krust(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_krust"));
        self.env(&mut cmd);
        cmd.args(args).envs(extra_env.iter().copied());
        cmd.output().expect("krust runs")
    }

    /// `kubectl kustomize DIR` in the world.
    pub fn kubectl(&self, dir: &Path) -> Output {
        let mut cmd = Command::new("kubectl");
        self.env(&mut cmd);
        cmd.arg("kustomize").arg(dir);
        cmd.output().expect("kubectl runs")
    }
}

/// The case names under `fixtures/remote/cases/`, sorted.
pub fn case_names() -> Vec<String> {
    sorted_dirs(&fixtures().join("cases"))
        .iter()
        .map(|d| file_name(d))
        .collect()
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn remove(path: &Path) {
    if path.is_dir() && !path.is_symlink() {
        fs::remove_dir_all(path).unwrap();
    } else {
        fs::remove_file(path).unwrap();
    }
}

/// Copies `from` into `to`, making the substitutions in every file and
/// recreating symlinks as they are.
fn copy_tree(from: &Path, to: &Path, subs: &BTreeMap<String, String>) {
    fs::create_dir_all(to).unwrap();
    for item in fs::read_dir(from).unwrap() {
        let path = item.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&path).unwrap(), &target).unwrap();
        } else if path.is_dir() {
            copy_tree(&path, &target, subs);
        } else {
            let mut text = fs::read_to_string(&path).unwrap();
            for (from, to) in subs {
                text = text.replace(from, to);
            }
            fs::write(&target, text).unwrap();
        }
    }
}
