//! Remote kustomizations and files: git repositories named by URL (see
//! [`repospec`] for kustomize's URL grammar) and HTTP(S) file resources.
//!
//! * [`repospec`] and [`query`]: which entries are repository URLs, and what
//!   they ask for.
//! * [`git`]: fetching with the system git, as kustomize does.
//! * [`http`]: downloading file resources.
//! * [`cache`]: the content-addressed cache shared by all krust processes.
//! * [`session`]: one build's fetches, each done once, in parallel.
//! * [`admin`]: `krust cache dir|list|prune`.
//! * [`redact`]: keeping credentials out of messages.

pub mod admin;
pub mod cache;
pub mod git;
pub mod http;
pub mod query;
pub mod redact;
pub mod repospec;
pub mod session;

pub use repospec::RepoSpec;
pub use session::{read_remote_file, RemoteOptions, Session};

use std::path::PathBuf;

/// A remote entry of a kustomization, before anything is fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteEntry {
    /// A kustomization in a git repository.
    Git(RepoSpec),
    /// An `http://` or `https://` URL: a file of resources, or else (when
    /// the server does not answer 2xx and the URL reads as a repository) a
    /// git repository, as kustomize decides.
    Http(String),
}

impl RemoteEntry {
    /// What kind of remote entry `entry` is, if any. http(s) URLs that
    /// carry an explicit repository marker (a `//` after the host, `_git/`,
    /// a path segment ending in `.git`) go straight to git, without kustomize's first
    /// attempt to download them as a file (see docs/compatibility.md).
    pub fn classify(entry: &str) -> Option<RemoteEntry> {
        let spec = RepoSpec::parse(entry).ok();
        if is_http_url(entry) {
            return match spec {
                Some(spec) if has_repo_marker(&spec) => Some(RemoteEntry::Git(spec)),
                _ => Some(RemoteEntry::Http(entry.to_string())),
            };
        }
        spec.map(RemoteEntry::Git)
    }

    /// The text of the entry, as written.
    pub fn raw(&self) -> &str {
        match self {
            RemoteEntry::Git(spec) => &spec.raw,
            RemoteEntry::Http(url) => url,
        }
    }
}

/// kustomize's test for a remote file: Go's `url.Parse` accepts it and its
/// scheme is `http` or `https` (any case).
pub fn is_http_url(entry: &str) -> bool {
    let Some((scheme, _)) = entry.split_once("://") else {
        return false;
    };
    let http = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    http && valid_escapes(entry) && !entry.chars().any(|c| c.is_ascii_control() || c == ' ')
}

/// Every `%` starts a two-digit hex escape (Go's `url.Parse` rejects the
/// URL otherwise).
fn valid_escapes(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || (bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// The URL says in its own syntax that it names a repository.
fn has_repo_marker(spec: &RepoSpec) -> bool {
    let before_query = spec.raw.split('?').next().unwrap_or_default();
    let path = before_query
        .split_once("://")
        .map_or(before_query, |(_, rest)| rest);
    path.contains("//")
        || path.contains("_git/")
        || path.split('/').any(|segment| segment.ends_with(".git"))
}

/// Where a remote kustomization was checked out: what the loader needs to
/// keep its files inside the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteRoot {
    /// The repository's checked-out tree (symlinks resolved).
    pub repo_dir: PathBuf,
    /// The URLs of the remote kustomizations from the build root down to
    /// this one, as written: kustomize rejects a URL that is a prefix of
    /// one above it as a cycle.
    pub chain: Vec<String>,
}

impl RemoteRoot {
    /// kustomize's rule for a local base of a kustomization found in a
    /// checkout: it must lie inside the repository.
    pub fn check_contains(&self, dir: &std::path::Path) -> anyhow::Result<()> {
        if !dir.starts_with(&self.repo_dir) {
            anyhow::bail!(
                "security; bases in kustomizations found in cloned git repos must be within \
                 the repo, but base '{}' is outside '{}'",
                dir.display(),
                self.repo_dir.display()
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        let git = |e: &str| matches!(RemoteEntry::classify(e), Some(RemoteEntry::Git(_)));
        let http = |e: &str| matches!(RemoteEntry::classify(e), Some(RemoteEntry::Http(_)));
        assert!(git("github.com/org/repo//base?ref=v1"));
        assert!(git("https://github.com/org/repo//base"));
        assert!(http("https://github.com/org/repo/base?ref=v1"));
        assert!(http(
            "https://raw.githubusercontent.com/o/r/main/.github/x.yaml"
        ));
        assert!(git("https://dev.azure.com/o/p/_git/r/base"));
        assert!(git("https://host/org/repo.git/base"));
        assert!(git("git@github.com:org/repo"));
        assert!(http(
            "https://raw.githubusercontent.com/org/repo/main/x.yaml"
        ));
        assert!(http(
            "https://github.com/org/repo/releases/download/v1/install.yaml"
        ));
        assert!(http("https://example.com/x.yaml"));
        assert!(http("HTTPS://github.com/org/repo"));
        assert_eq!(RemoteEntry::classify("base"), None);
        assert_eq!(RemoteEntry::classify("../x.yaml"), None);
        // Not a URL Go parses: only the repository reading is left.
        assert!(git("https://authority/org/repo/%-invalid"));
    }
}
