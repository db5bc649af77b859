//! Path arithmetic for `krust localize`: relative paths between resolved
//! directories, and kustomize's locations for remote content.

use super::LOCALIZE_DIR;
use crate::gopath::go_clean;
use crate::remote::RepoSpec;
use anyhow::{bail, Result};
use std::path::{Component, Path, PathBuf};

/// The path from the directory `from` to `to` (both absolute, resolved).
pub fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// `base` joined with `rel`, `.` and `..` resolved lexically.
pub fn clean_join(base: &Path, rel: &Path) -> PathBuf {
    let mut out = base.to_path_buf();
    for part in rel.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Where kustomize localizes the repository directory `in_repo` of
/// `spec`: `localized-files/<host>/<repository path>/<ref>/<in_repo>`, the
/// repository path without `.git`, `file://` repositories under
/// `file-schemed`.
pub fn repo_location(spec: &RepoSpec, in_repo: &Path) -> Result<PathBuf> {
    let host = repo_host(&spec.host);
    if host.is_empty() {
        bail!("unable to parse host of remote root '{}'", spec.raw);
    }
    let repo_path = spec
        .repo_path
        .strip_suffix(".git")
        .unwrap_or(&spec.repo_path);
    let repo_path = go_clean(&format!("/{repo_path}"));
    let mut out = PathBuf::from(LOCALIZE_DIR);
    out.push(host);
    out.push(repo_path.trim_start_matches('/'));
    out.push(&spec.git_ref);
    if in_repo != Path::new(".") {
        out.push(in_repo);
    }
    Ok(out)
}

/// The directory name kustomize gives a repository's host: `file-schemed`
/// for local repositories, else the host name without user, port or
/// scheme.
fn repo_host(host: &str) -> String {
    match host.split_once("://") {
        Some(("file", _)) => "file-schemed".to_string(),
        Some((_, rest)) => hostname(rest),
        None => hostname(host.trim_end_matches(':')),
    }
}

/// The host name of an authority (`user@host:port/...`).
fn hostname(authority: &str) -> String {
    let authority = authority.split('/').next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(bracketed) = host_port.strip_prefix('[') {
        return bracketed.split(']').next().unwrap_or_default().to_string();
    }
    host_port.split(':').next().unwrap_or_default().to_string()
}

/// Where kustomize localizes the HTTP file `url`:
/// `localized-files/<host>/<path>`, the path cleaned of dot segments.
pub fn url_location(url: &str) -> PathBuf {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (authority, path) = after_scheme.split_once('/').unwrap_or((after_scheme, ""));
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let cleaned = go_clean(&format!("/{path}"));
    let mut out = PathBuf::from(LOCALIZE_DIR);
    out.push(hostname(authority));
    out.push(cleaned.trim_start_matches('/'));
    out
}

/// Copies the directory `from` to `to`, skipping symlinks.
pub fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for item in std::fs::read_dir(from)? {
        let item = item?;
        let kind = item.file_type()?;
        let target = to.join(item.file_name());
        if kind.is_dir() {
            copy_dir(&item.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(item.path(), target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(url: &str) -> RepoSpec {
        RepoSpec::parse(url).unwrap()
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b/c/d")),
            Path::new("c/d")
        );
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/x")),
            Path::new("../x")
        );
        assert_eq!(relative(Path::new("/a"), Path::new("/a")), Path::new("."));
        assert_eq!(
            clean_join(Path::new("/n/t"), Path::new("../x/./y")),
            Path::new("/n/x/y")
        );
    }

    #[test]
    fn repository_locations() {
        let at = |url: &str, inside: &str| {
            repo_location(&spec(url), Path::new(inside))
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        assert_eq!(
            at(
                "https://github.com/org/repo//deploy/base?ref=v1.2",
                "deploy/base"
            ),
            "localized-files/github.com/org/repo/v1.2/deploy/base"
        );
        assert_eq!(
            at("git@gitlab.com:group/app.git//x?ref=release/1", "x"),
            "localized-files/gitlab.com/group/app/release/1/x"
        );
        assert_eq!(
            at("ssh://git@host.example:2222/a/b?ref=main", "."),
            "localized-files/host.example/a/b/main"
        );
        assert_eq!(
            at("file:///srv/repos/app//k?ref=v1", "k"),
            "localized-files/file-schemed/srv/repos/app/v1/k"
        );
    }

    #[test]
    fn url_locations() {
        assert_eq!(
            url_location("https://raw.githubusercontent.com/o/r/main/a/../x.yaml?token=1"),
            Path::new("localized-files/raw.githubusercontent.com/o/r/main/x.yaml")
        );
        assert_eq!(
            url_location("http://user@127.0.0.1:8080/raw/x.yaml"),
            Path::new("localized-files/127.0.0.1/raw/x.yaml")
        );
    }
}
