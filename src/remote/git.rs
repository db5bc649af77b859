//! Running the system `git`, as kustomize does, so that the user's git
//! configuration applies unchanged: credential helpers, `url.*.insteadOf`,
//! `GIT_ASKPASS`, `GIT_SSH_COMMAND`, `GIT_SSL_*` and proxies.
//!
//! Only the variables that would point git at another repository than the
//! one being filled (`GIT_DIR`, `GIT_WORK_TREE`, ...) are removed, so a
//! build started from a git hook still clones into its own directory. git
//! never prompts on the terminal (`GIT_TERMINAL_PROMPT=0` unless set):
//! parallel fetches cannot share one. Each command is killed, with the
//! processes it started, when it outlives its timeout.

use super::redact::{one_line, redact};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Variables that make git work on a repository other than the one in its
/// working directory.
const REPOSITORY_VARIABLES: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_QUARANTINE_PATH",
];

/// Why a git command failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// `git` could not be started.
    Missing(String),
    /// The command ran longer than its timeout and was killed.
    Timeout(Duration),
    /// The command exited non-zero; git's message, on one line, redacted.
    Failed(String),
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::Missing(e) => write!(f, "cannot run git: {e}"),
            GitError::Timeout(t) => write!(f, "git timed out after {}", show_duration(*t)),
            GitError::Failed(message) => f.write_str(message),
        }
    }
}

/// A duration as Go prints it for whole seconds (`27s`, `1m1s`).
pub fn show_duration(d: Duration) -> String {
    let secs = d.as_secs();
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m0s"),
        (m, s) => format!("{m}m{s}s"),
    }
}

/// Runs `git args...` in `dir` and returns its standard output.
pub fn run(dir: &Path, args: &[&str], timeout: Duration) -> Result<String, GitError> {
    let mut cmd = Command::new("git");
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("LC_ALL", "C");
    for name in REPOSITORY_VARIABLES {
        cmd.env_remove(name);
    }
    if std::env::var_os("GIT_TERMINAL_PROMPT").is_none() {
        cmd.env("GIT_TERMINAL_PROMPT", "0");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().map_err(|e| GitError::Missing(e.to_string()))?;
    let pid = child.id();
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait());
    });
    let status = match finished.recv_timeout(timeout) {
        Ok(status) => status.map_err(|e| GitError::Failed(e.to_string()))?,
        Err(_) => {
            kill_group(pid);
            let _ = finished.recv();
            return Err(GitError::Timeout(timeout));
        }
    };
    let out = stdout.join().unwrap_or_default();
    let err = stderr.join().unwrap_or_default();
    if status.success() {
        Ok(out)
    } else {
        let message = one_line(&redact(&err));
        Err(GitError::Failed(if message.is_empty() {
            format!("git {} failed ({status})", args.first().unwrap_or(&""))
        } else {
            message
        }))
    }
}

/// Reads a child's pipe to the end on a thread of its own, so neither pipe
/// can fill up and block git.
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut text);
        }
        String::from_utf8_lossy(&text).into_owned()
    })
}

/// Kills git and everything it started (its process group).
fn kill_group(pid: u32) {
    #[cfg(unix)]
    {
        // SAFETY: kill(2) with a negative pid signals a process group; the
        // group was created for this child alone.
        unsafe {
            libc::kill(-(pid as i32), libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// One line of `git ls-remote` output: an object id and a ref name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteRef {
    /// The object id (a commit, or a tag object for annotated tags).
    pub oid: String,
    /// The full ref name (`refs/tags/v1`, `HEAD`, `refs/tags/v1^{}`).
    pub name: String,
}

/// `git ls-remote <url> <pattern> <pattern>^{}`: the refs of the remote
/// whose names end in `/pattern` (or equal it), with the commits annotated
/// tags among them point at.
pub fn ls_remote(url: &str, pattern: &str, timeout: Duration) -> Result<Vec<RemoteRef>, GitError> {
    let peeled = format!("{pattern}^{{}}");
    let out = run(
        &std::env::temp_dir(),
        &["ls-remote", "--", url, pattern, &peeled],
        timeout,
    )?;
    Ok(out
        .lines()
        .filter_map(|line| {
            let (oid, name) = line.split_once('\t')?;
            Some(RemoteRef {
                oid: oid.trim().to_string(),
                name: name.trim().to_string(),
            })
        })
        .collect())
}

/// The commit `git fetch <url> <wanted>` would fetch, from the refs
/// `ls-remote` listed: git's order of preference for an abbreviated name
/// (the name itself, `refs/`, `refs/tags/`, `refs/heads/`,
/// `refs/remotes/`, `refs/remotes/<name>/HEAD`), peeled to the commit an
/// annotated tag points at.
pub fn pick_commit(refs: &[RemoteRef], wanted: &str) -> Option<String> {
    let candidates = [
        wanted.to_string(),
        format!("refs/{wanted}"),
        format!("refs/tags/{wanted}"),
        format!("refs/heads/{wanted}"),
        format!("refs/remotes/{wanted}"),
        format!("refs/remotes/{wanted}/HEAD"),
    ];
    let find = |name: &str| refs.iter().find(|r| r.name == name).map(|r| r.oid.clone());
    candidates
        .iter()
        .find_map(|name| find(&format!("{name}^{{}}")).or_else(|| find(name)))
}

/// True for a full commit id (SHA-1 or SHA-256, lower or upper case).
pub fn is_full_commit_id(text: &str) -> bool {
    (text.len() == 40 || text.len() == 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Fills the empty directory `dir` with the tree of `wanted` at `url`, as
/// kustomize does (init, add the remote as `origin` so relative submodule
/// URLs resolve, shallow fetch, checkout, submodules when asked), and
/// returns the commit checked out. The `.git` directory is left in place.
pub fn fetch_tree(
    dir: &Path,
    url: &str,
    wanted: &str,
    submodules: bool,
    timeout: Duration,
) -> Result<String, GitError> {
    let git = |args: &[&str]| run(dir, args, timeout);
    git(&["-c", "init.defaultBranch=main", "init", "--quiet"])?;
    git(&["remote", "add", "origin", url])?;
    git(&["fetch", "--depth=1", "--quiet", "--", url, wanted])?;
    git(&[
        "-c",
        "advice.detachedHead=false",
        "-c",
        "core.hooksPath=/dev/null",
        "checkout",
        "--quiet",
        "FETCH_HEAD",
    ])?;
    if submodules {
        git(&["submodule", "update", "--init", "--recursive", "--quiet"])?;
    }
    Ok(git(&["rev-parse", "HEAD"])?.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(oid: &str, name: &str) -> RemoteRef {
        RemoteRef {
            oid: oid.into(),
            name: name.into(),
        }
    }

    #[test]
    fn tags_win_over_branches_and_are_peeled() {
        let refs = [
            r("b1", "refs/heads/v1"),
            r("t1", "refs/tags/v1"),
            r("c1", "refs/tags/v1^{}"),
            r("x", "refs/heads/feature/v1"),
        ];
        assert_eq!(pick_commit(&refs, "v1").as_deref(), Some("c1"));
        assert_eq!(pick_commit(&refs, "heads/v1").as_deref(), Some("b1"));
        assert_eq!(pick_commit(&refs, "refs/heads/v1").as_deref(), Some("b1"));
        assert_eq!(pick_commit(&refs, "feature/v1").as_deref(), Some("x"));
        assert_eq!(pick_commit(&refs, "v2"), None);
        assert_eq!(pick_commit(&[r("h", "HEAD")], "HEAD").as_deref(), Some("h"));
    }

    #[test]
    fn commit_ids() {
        assert!(is_full_commit_id(&"a".repeat(40)));
        assert!(is_full_commit_id(&"F".repeat(64)));
        assert!(!is_full_commit_id("abc1234"));
        assert!(!is_full_commit_id(&"g".repeat(40)));
    }

    #[test]
    fn durations_print_like_go() {
        assert_eq!(show_duration(Duration::from_secs(27)), "27s");
        assert_eq!(show_duration(Duration::from_secs(61)), "1m1s");
        assert_eq!(show_duration(Duration::from_secs(120)), "2m0s");
    }

    #[test]
    fn timeouts_kill_the_command() {
        let dir = std::env::temp_dir();
        // `git -c alias.x='!sleep 5' x` runs a shell that outlives the limit.
        let started = std::time::Instant::now();
        let e = run(
            &dir,
            &["-c", "alias.nap=!sleep 5", "nap"],
            Duration::from_millis(200),
        )
        .unwrap_err();
        assert_eq!(e, GitError::Timeout(Duration::from_millis(200)));
        assert!(started.elapsed() < Duration::from_secs(4));
    }
}
