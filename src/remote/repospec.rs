//! kustomize's grammar of git repository URLs (its `RepoSpec`): which
//! entries name a remote kustomization, the URL handed to git, the
//! directory inside the repository, and the query's ref, timeout and
//! submodules switch.
//!
//! The grammar is kustomize v5.5's, quirks included, because the same
//! decision tells a remote entry from a local path:
//!
//! * an optional `git::` prefix (ignored, with a warning);
//! * a scheme among `ssh://`, `https://`, `http://`, `file://` (any case),
//!   or none for scp-like `user@host:org/repo` and bare `github.com/...`;
//! * an optional `user@` (a letter, then letters, digits and `-`);
//! * the host, up to the first `/` (or, scp-like, a `:` before it);
//! * the repository path, cut from the directory inside it at `_git/<name>`
//!   (Azure), else at `//`, else just after the first `.git`, else after
//!   two segments (all segments for `file://`);
//! * `github.com` hosts are normalised to `https://github.com/` or, with a
//!   user or `ssh://`, to `user@github.com:`.

use super::query::Query;
use std::fmt;
use std::time::Duration;

/// Why an entry is not a repository URL. kustomize reads such an entry as
/// a local path, so these are rarely shown to users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError(String);

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SpecError {}

fn err<T>(message: impl Into<String>) -> Result<T, SpecError> {
    Err(SpecError(message.into()))
}

/// A parsed remote kustomization URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSpec {
    /// The entry exactly as written (kustomize compares these to find
    /// cycles of remote bases).
    pub raw: String,
    /// Scheme, user and host with their trailing separator, e.g.
    /// `https://github.com/` or `git@gitlab.com:`; `file://` for local
    /// repositories.
    pub host: String,
    /// The repository path on the host, e.g. `org/repo.git`.
    pub repo_path: String,
    /// The directory of the kustomization inside the repository, as
    /// written (possibly empty, possibly with a trailing `/`).
    pub kust_root_path: String,
    /// `ref` or `version` from the query; empty for the default branch.
    pub git_ref: String,
    /// Whether submodules are fetched too.
    pub submodules: bool,
    /// The limit for each git command.
    pub timeout: Duration,
    /// The entry started with `git::`, which kustomize strips with a
    /// warning.
    pub forced_git_prefix: bool,
}

impl RepoSpec {
    /// Parses `entry` with kustomize's rules; an error means kustomize
    /// treats the entry as a local path.
    pub fn parse(entry: &str) -> Result<RepoSpec, SpecError> {
        if entry.starts_with('/') {
            return err(format!("uri looks like abs path: {entry}"));
        }
        let (before_query, query) = entry.split_once('?').unwrap_or((entry, ""));
        let query = Query::parse(query);
        let (stripped, forced_git_prefix) = match strip_prefix_ignore_case(before_query, "git::") {
            Some(rest) => (rest, true),
            None => (before_query, false),
        };
        let (host, path) = split_host(stripped)?;
        let default_segments = if host.starts_with(FILE) {
            None
        } else {
            Some(2)
        };
        let (repo_path, kust_root_path) = split_path(path, default_segments)?;
        Ok(RepoSpec {
            raw: entry.to_string(),
            host,
            repo_path,
            kust_root_path,
            git_ref: query.git_ref,
            submodules: query.submodules,
            timeout: query.timeout,
            forced_git_prefix,
        })
    }

    /// The URL handed to `git fetch`: host and repository path.
    pub fn clone_spec(&self) -> String {
        format!("{}{}", self.host, self.repo_path)
    }

    /// The kustomization's directory inside the repository, cleaned and
    /// relative; `""` for the repository root.
    pub fn dir_in_repo(&self) -> String {
        let cleaned = crate::gopath::go_clean(&format!("/{}", self.kust_root_path));
        cleaned.trim_start_matches('/').to_string()
    }

    /// The path kustomize records in origin annotations for this URL. It
    /// computes it from a placeholder clone directory `/notCloned`, so the
    /// repository root itself comes out as `notCloned`.
    pub fn origin_path(&self) -> String {
        match self.dir_in_repo().as_str() {
            "" => "notCloned".to_string(),
            dir => dir.to_string(),
        }
    }

    /// The `ref` as git is asked for it: `HEAD` when none is given.
    pub fn ref_or_head(&self) -> &str {
        if self.git_ref.is_empty() {
            "HEAD"
        } else {
            &self.git_ref
        }
    }
}

const SSH: &str = "ssh://";
const HTTPS: &str = "https://";
const HTTP: &str = "http://";
const FILE: &str = "file://";

/// Splits off the host part (scheme, user, host and separator) from the
/// rest of the URL, checking that the scheme is one git fetches from.
fn split_host(url: &str) -> Result<(String, &str), SpecError> {
    let (scheme, rest) = [SSH, HTTPS, HTTP, FILE]
        .iter()
        .find_map(|s| strip_prefix_ignore_case(url, s).map(|rest| (*s, rest)))
        .unwrap_or(("", url));
    let (user, rest) = split_username(rest);
    let github = is_standard_github(rest);
    let accept_scp = scheme.is_empty() && (!user.is_empty() || github);
    if scheme.is_empty() && !accept_scp {
        return err("failed to parse scheme");
    }
    if scheme == FILE {
        // Everything after `file://`, a user-like prefix included, is the
        // path of a local repository.
        return Ok((
            FILE.to_string(),
            &url[url.len() - user.len() - rest.len()..],
        ));
    }
    let (mut host, path) = match find_path_separator(rest, accept_scp) {
        Some(i) => (&rest[..=i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let (scheme, user) = if github {
        let (scheme, user, normalized) = normalize_github(scheme, user);
        host = normalized;
        (scheme, user)
    } else {
        (scheme, user)
    };
    if host.is_empty() {
        return err("failed to parse host segment");
    }
    Ok((format!("{scheme}{user}{host}"), path))
}

/// A leading `user@` where the user is a letter followed by letters,
/// digits or dashes.
fn split_username(s: &str) -> (&str, &str) {
    let Some(at) = s.find('@') else {
        return ("", s);
    };
    let user = &s[..at];
    let mut chars = user.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid {
        (&s[..=at], &s[at + 1..])
    } else {
        ("", s)
    }
}

fn is_standard_github(s: &str) -> bool {
    strip_prefix_ignore_case(s, "github.com/").is_some()
        || strip_prefix_ignore_case(s, "github.com:").is_some()
}

/// Where the host ends: the first `/`, or for scp-like URLs a `:` that
/// comes before any `/`.
fn find_path_separator(s: &str, accept_scp: bool) -> Option<usize> {
    let slash = s.find('/');
    if accept_scp {
        let colon = s.find(':');
        let colon_first = matches!((colon, slash), (Some(c), Some(sl)) if c > 0 && c < sl);
        if slash.is_none() || colon_first {
            return colon;
        }
    }
    slash
}

/// github.com URLs are rewritten: with a user or `ssh://` to the scp form
/// `user@github.com:`, otherwise to `https://github.com/`.
fn normalize_github<'a>(scheme: &str, user: &'a str) -> (&'static str, &'a str, &'static str) {
    if scheme == SSH || !user.is_empty() {
        ("", user, "github.com:")
    } else {
        (HTTPS, "", "github.com/")
    }
}

/// Splits the path after the host into the repository path and the
/// directory inside it: at an explicit marker, else after
/// `default_segments` segments (`None`: all of it).
fn split_path(path: &str, default_segments: Option<usize>) -> Result<(String, String), SpecError> {
    let split = explicit_split(path).or_else(|| default_split(path, default_segments));
    let Some((repo, dir)) = split.filter(|(repo, _)| !repo.is_empty()) else {
        return err("failed to parse repo path segment");
    };
    if exits_repo(&dir) {
        return err(format!("url path exits repo: {path}"));
    }
    let dir = dir.strip_prefix('/').unwrap_or(&dir).to_string();
    Ok((repo, dir))
}

fn explicit_split(path: &str) -> Option<(String, String)> {
    if let Some(i) = path.find("_git/") {
        // Azure: the repository is the segment after `_git/`.
        let after = &path[i + "_git/".len()..];
        let (name, dir) = after.split_once('/').unwrap_or((after, ""));
        return Some((
            format!("{}{name}", &path[..i + "_git/".len()]),
            dir.to_string(),
        ));
    }
    if let Some(i) = path.find("//") {
        return Some((path[..i].to_string(), path[i + 2..].to_string()));
    }
    if let Some(i) = path.find(".git") {
        let end = i + ".git".len();
        return Some((path[..end].to_string(), path[end..].to_string()));
    }
    None
}

fn default_split(path: &str, segments: Option<usize>) -> Option<(String, String)> {
    let Some(n) = segments else {
        return Some((path.to_string(), String::new()));
    };
    let parts: Vec<&str> = path.split('/').collect();
    (parts.len() >= n).then(|| (parts[..n].join("/"), parts[n..].join("/")))
}

/// True when the directory, cleaned, starts by leaving the repository.
fn exits_repo(dir: &str) -> bool {
    let cleaned = crate::gopath::go_clean(dir.strip_prefix('/').unwrap_or(dir));
    cleaned.split('/').next() == Some("..")
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
#[path = "repospec_tests.rs"]
mod tests;
