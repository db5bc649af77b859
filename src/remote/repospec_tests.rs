//! kustomize v5.5's table of repository URLs, as facts: every accepted
//! form with the host, repository path, directory and ref it yields, and
//! every rejected form with the reason.

use super::*;
use crate::remote::query::{DEFAULT_SUBMODULES, DEFAULT_TIMEOUT};

fn parse(url: &str) -> RepoSpec {
    RepoSpec::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"))
}

/// Every host spelling, repository, directory and ref combined: the
/// host spellings with the host each normalises to.
#[test]
fn hosts_paths_and_refs_combined() {
    let hosts = [
        ("gitHub.com/", "https://github.com/"),
        ("github.com:", "https://github.com/"),
        ("http://github.com/", "https://github.com/"),
        ("https://github.com/", "https://github.com/"),
        ("hTTps://github.com/", "https://github.com/"),
        (
            "https://git-codecommit.us-east-2.amazonaws.com/",
            "https://git-codecommit.us-east-2.amazonaws.com/",
        ),
        (
            "https://fabrikops2.visualstudio.com/",
            "https://fabrikops2.visualstudio.com/",
        ),
        ("ssh://git.example.com:7999/", "ssh://git.example.com:7999/"),
        ("git::https://gitlab.com/", "https://gitlab.com/"),
        ("git::http://git.example.com/", "http://git.example.com/"),
        ("git::https://git.example.com/", "https://git.example.com/"),
        ("git@github.com:", "git@github.com:"),
        ("git@github.com/", "git@github.com:"),
        ("git::git@github.com:", "git@github.com:"),
        ("org-12345@github.com:", "org-12345@github.com:"),
        ("org-12345@github.com/", "org-12345@github.com:"),
    ];
    let mut count = 0;
    for (raw_host, host) in hosts {
        for repo in ["someOrg/someRepo", "kubernetes/website"] {
            for dir in ["README.md", "foo/krusty.txt", ""] {
                for git_ref in ["group/version", "someBranch", "master", "v0.1.0", ""] {
                    let mut url = format!("{raw_host}{repo}");
                    if !dir.is_empty() {
                        url = format!("{url}/{dir}");
                    }
                    if !git_ref.is_empty() {
                        url = format!("{url}?ref={git_ref}");
                    }
                    let spec = parse(&url);
                    assert_eq!(spec.host, host, "{url}");
                    assert_eq!(spec.repo_path, repo, "{url}");
                    assert_eq!(spec.kust_root_path, dir, "{url}");
                    assert_eq!(spec.git_ref, git_ref, "{url}");
                    count += 1;
                }
            }
        }
    }
    assert_eq!(count, 16 * 2 * 3 * 5);
}

#[test]
fn rejected_forms() {
    for (url, reason) in [
        ("/tmp", "uri looks like abs path"),
        ("../../tmp", "failed to parse scheme"),
        ("src/github.com/org/repo/path", "failed to parse scheme"),
        ("iauhsdiuashduas", "failed to parse scheme"),
        ("htxxxtp://github.com/", "failed to parse scheme"),
        ("ssh://git.example.com", "failed to parse repo path segment"),
        ("git::___", "failed to parse scheme"),
        (
            "https://host?ref=group/version/minor_version",
            "failed to parse repo path segment",
        ),
        (
            "https://github.com/org/repo.git//path/../../exits/repo",
            "url path exits repo",
        ),
        ("github.com!org/repo.git//path", "failed to parse scheme"),
        ("gh:org/repo", "failed to parse scheme"),
        (
            "https://github.com/thisisa404.yaml",
            "failed to parse repo path segment",
        ),
        (
            "file:////tmp//path/to/whatever",
            "failed to parse repo path segment",
        ),
        (
            "git@scp://github.com/org/repo.git//path",
            "failed to parse repo path segment",
        ),
        (
            "git@ssh://github.com/org/repo.git//path",
            "failed to parse repo path segment",
        ),
    ] {
        let e = RepoSpec::parse(url).expect_err(url).to_string();
        assert!(e.contains(reason), "{url}: {e}");
    }
}

/// (url, clone URL, host, repository path, directory as written, ref).
const ACCEPTED: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo/somedir",
        "https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo",
        "https://git-codecommit.us-east-2.amazonaws.com/",
        "someorg/somerepo",
        "somedir",
        "",
    ),
    (
        "https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo/somedir?ref=testbranch",
        "https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo",
        "https://git-codecommit.us-east-2.amazonaws.com/",
        "someorg/somerepo",
        "somedir",
        "testbranch",
    ),
    (
        "https://fabrikops2.visualstudio.com/someorg/somerepo?ref=master",
        "https://fabrikops2.visualstudio.com/someorg/somerepo",
        "https://fabrikops2.visualstudio.com/",
        "someorg/somerepo",
        "",
        "master",
    ),
    (
        "http://github.com/someorg/somerepo/somedir",
        "https://github.com/someorg/somerepo",
        "https://github.com/",
        "someorg/somerepo",
        "somedir",
        "",
    ),
    (
        "git@github.com:someorg/somerepo/somedir",
        "git@github.com:someorg/somerepo",
        "git@github.com:",
        "someorg/somerepo",
        "somedir",
        "",
    ),
    (
        "http://github.com/someorg/somerepo.git/somedir",
        "https://github.com/someorg/somerepo.git",
        "https://github.com/",
        "someorg/somerepo.git",
        "somedir",
        "",
    ),
    (
        "git@github.com:someorg/somerepo.git/somedir",
        "git@github.com:someorg/somerepo.git",
        "git@github.com:",
        "someorg/somerepo.git",
        "somedir",
        "",
    ),
    (
        "git@gitlab2.sqtools.ru:infra/kubernetes/thanos-base.git?ref=v0.1.0",
        "git@gitlab2.sqtools.ru:infra/kubernetes/thanos-base.git",
        "git@gitlab2.sqtools.ru:",
        "infra/kubernetes/thanos-base.git",
        "",
        "v0.1.0",
    ),
    (
        "git@bitbucket.org:company/project.git//path?ref=branch",
        "git@bitbucket.org:company/project.git",
        "git@bitbucket.org:",
        "company/project.git",
        "path",
        "branch",
    ),
    (
        "git@bitbucket.org/company/project.git//path?ref=branch",
        "git@bitbucket.org/company/project.git",
        "git@bitbucket.org/",
        "company/project.git",
        "path",
        "branch",
    ),
    (
        "ssh://git@bitbucket.org/company/project.git//path?ref=branch",
        "ssh://git@bitbucket.org/company/project.git",
        "ssh://git@bitbucket.org/",
        "company/project.git",
        "path",
        "branch",
    ),
    (
        "https://itfs.mycompany.com/collection/project/_git/somerepos",
        "https://itfs.mycompany.com/collection/project/_git/somerepos",
        "https://itfs.mycompany.com/",
        "collection/project/_git/somerepos",
        "",
        "",
    ),
    (
        "https://itfs.mycompany.com/collection/project/_git/somerepos?version=v1.0.0",
        "https://itfs.mycompany.com/collection/project/_git/somerepos",
        "https://itfs.mycompany.com/",
        "collection/project/_git/somerepos",
        "",
        "v1.0.0",
    ),
    (
        "https://itfs.mycompany.com/collection/project/_git/somerepos/somedir?version=v1.0.0",
        "https://itfs.mycompany.com/collection/project/_git/somerepos",
        "https://itfs.mycompany.com/",
        "collection/project/_git/somerepos",
        "somedir",
        "v1.0.0",
    ),
    (
        "git::https://itfs.mycompany.com/collection/project/_git/somerepos",
        "https://itfs.mycompany.com/collection/project/_git/somerepos",
        "https://itfs.mycompany.com/",
        "collection/project/_git/somerepos",
        "",
        "",
    ),
    (
        "https://bitbucket.example.com/scm/project/repository.git",
        "https://bitbucket.example.com/scm/project/repository.git",
        "https://bitbucket.example.com/",
        "scm/project/repository.git",
        "",
        "",
    ),
    (
        "ssh://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo/somepath",
        "ssh://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo",
        "ssh://git-codecommit.us-east-2.amazonaws.com/",
        "someorg/somerepo",
        "somepath",
        "",
    ),
    (
        "git@github.com/someorg/somerepo/somepath",
        "git@github.com:someorg/somerepo",
        "git@github.com:",
        "someorg/somerepo",
        "somepath",
        "",
    ),
    (
        "https://github.com/kubernetes-sigs/kustomize//examples/multibases/dev/?ref=v1.0.6",
        "https://github.com/kubernetes-sigs/kustomize",
        "https://github.com/",
        "kubernetes-sigs/kustomize",
        "examples/multibases/dev/",
        "v1.0.6",
    ),
    (
        "file://a/b/c/someRepo.git/somepath?ref=someBranch",
        "file://a/b/c/someRepo.git",
        "file://",
        "a/b/c/someRepo.git",
        "somepath",
        "someBranch",
    ),
    (
        "file://a/b/c/someRepo//somepath?ref=someBranch",
        "file://a/b/c/someRepo",
        "file://",
        "a/b/c/someRepo",
        "somepath",
        "someBranch",
    ),
    (
        "file://a/b/c/someRepo?ref=someBranch",
        "file://a/b/c/someRepo",
        "file://",
        "a/b/c/someRepo",
        "",
        "someBranch",
    ),
    (
        "file:///a/b/c/someRepo?ref=someBranch",
        "file:///a/b/c/someRepo",
        "file://",
        "/a/b/c/someRepo",
        "",
        "someBranch",
    ),
    (
        "ssh://git@github.com/kubernetes-sigs/kustomize//examples/multibases/dev?ref=v1.0.6",
        "git@github.com:kubernetes-sigs/kustomize",
        "git@github.com:",
        "kubernetes-sigs/kustomize",
        "examples/multibases/dev",
        "v1.0.6",
    ),
    (
        "file:///a/b/c/someRepo",
        "file:///a/b/c/someRepo",
        "file://",
        "/a/b/c/someRepo",
        "",
        "",
    ),
    ("file:///", "file:///", "file://", "/", "", ""),
    (
        "https://example.org/path/to/repo//examples/multibases/dev",
        "https://example.org/path/to/repo",
        "https://example.org/",
        "path/to/repo",
        "examples/multibases/dev",
        "",
    ),
    (
        "https://example.org/path/to/repo.git/examples/multibases/dev",
        "https://example.org/path/to/repo.git",
        "https://example.org/",
        "path/to/repo.git",
        "examples/multibases/dev",
        "",
    ),
    (
        "ssh://alice@example.com/path/to/repo//examples/multibases/dev",
        "ssh://alice@example.com/path/to/repo",
        "ssh://alice@example.com/",
        "path/to/repo",
        "examples/multibases/dev",
        "",
    ),
    (
        "https://authority/org/repo?ref=group/version",
        "https://authority/org/repo",
        "https://authority/",
        "org/repo",
        "",
        "group/version",
    ),
    (
        "https://authority/org/repo/?ref=includes_git/for_some_reason",
        "https://authority/org/repo",
        "https://authority/",
        "org/repo",
        "",
        "includes_git/for_some_reason",
    ),
    (
        "https://authority/org/repo/?ref=includes.git/for_some_reason",
        "https://authority/org/repo",
        "https://authority/",
        "org/repo",
        "",
        "includes.git/for_some_reason",
    ),
    (
        "https://authority/org/repo/%-invalid-uri-so-not-parsable-by-net/url.Parse",
        "https://authority/org/repo",
        "https://authority/",
        "org/repo",
        "%-invalid-uri-so-not-parsable-by-net/url.Parse",
        "",
    ),
    (
        "ssh://myusername@bitbucket.org/ourteamname/ourrepositoryname.git//path?ref=branch",
        "ssh://myusername@bitbucket.org/ourteamname/ourrepositoryname.git",
        "ssh://myusername@bitbucket.org/",
        "ourteamname/ourrepositoryname.git",
        "path",
        "branch",
    ),
    (
        "file://git@home/path/to/repository.git//path?ref=branch",
        "file://git@home/path/to/repository.git",
        "file://",
        "git@home/path/to/repository.git",
        "path",
        "branch",
    ),
    (
        "http://git@home.com/path/to/repository.git//path?ref=branch",
        "http://git@home.com/path/to/repository.git",
        "http://git@home.com/",
        "path/to/repository.git",
        "path",
        "branch",
    ),
    (
        "https://git@home.com/path/to/repository.git//path?ref=branch",
        "https://git@home.com/path/to/repository.git",
        "https://git@home.com/",
        "path/to/repository.git",
        "path",
        "branch",
    ),
    (
        "ssh://git@ssh.github.com:443/YOUR-USERNAME/YOUR-REPOSITORY.git",
        "ssh://git@ssh.github.com:443/YOUR-USERNAME/YOUR-REPOSITORY.git",
        "ssh://git@ssh.github.com:443/",
        "YOUR-USERNAME/YOUR-REPOSITORY.git",
        "",
        "",
    ),
    (
        "git@gitlab.com/user:name/YOUR-REPOSITORY.git/path",
        "git@gitlab.com/user:name/YOUR-REPOSITORY.git",
        "git@gitlab.com/",
        "user:name/YOUR-REPOSITORY.git",
        "path",
        "",
    ),
    (
        "git@gitlab.com:gitlab-tests/sample-project.git",
        "git@gitlab.com:gitlab-tests/sample-project.git",
        "git@gitlab.com:",
        "gitlab-tests/sample-project.git",
        "",
        "",
    ),
    (
        "git@gitlab.com:gitlab-tests/sample-project",
        "git@gitlab.com:gitlab-tests/sample-project",
        "git@gitlab.com:",
        "gitlab-tests/sample-project",
        "",
        "",
    ),
    (
        "https://username@dev.azure.com/org/project/_git/repo//path/to/kustomization/root",
        "https://username@dev.azure.com/org/project/_git/repo",
        "https://username@dev.azure.com/",
        "org/project/_git/repo",
        "path/to/kustomization/root",
        "",
    ),
    (
        "https://org.visualstudio.com/project/_git/repo/path/to/kustomization/root",
        "https://org.visualstudio.com/project/_git/repo",
        "https://org.visualstudio.com/",
        "project/_git/repo",
        "path/to/kustomization/root",
        "",
    ),
    (
        "ssh://org-12345@github.com/kubernetes-sigs/kustomize",
        "org-12345@github.com:kubernetes-sigs/kustomize",
        "org-12345@github.com:",
        "kubernetes-sigs/kustomize",
        "",
        "",
    ),
    (
        "org-12345@github.com/kubernetes-sigs/kustomize",
        "org-12345@github.com:kubernetes-sigs/kustomize",
        "org-12345@github.com:",
        "kubernetes-sigs/kustomize",
        "",
        "",
    ),
    (
        "git@gist.github.com:bc7947cb727d7f9217e7862d961a1ffd.git",
        "git@gist.github.com:bc7947cb727d7f9217e7862d961a1ffd.git",
        "git@gist.github.com:",
        "bc7947cb727d7f9217e7862d961a1ffd.git",
        "",
        "",
    ),
    (
        "https://gist.github.com/bc7947cb727d7f9217e7862d961a1ffd.git",
        "https://gist.github.com/bc7947cb727d7f9217e7862d961a1ffd.git",
        "https://gist.github.com/",
        "bc7947cb727d7f9217e7862d961a1ffd.git",
        "",
        "",
    ),
];

#[test]
fn accepted_forms() {
    for &(url, clone, host, repo, dir, git_ref) in ACCEPTED {
        let spec = parse(url);
        assert_eq!(spec.clone_spec(), clone, "{url}");
        assert_eq!(spec.host, host, "{url}");
        assert_eq!(spec.repo_path, repo, "{url}");
        assert_eq!(spec.kust_root_path, dir, "{url}");
        assert_eq!(spec.git_ref, git_ref, "{url}");
        assert_eq!(spec.raw, url);
    }
}

#[test]
fn defaults_and_prefix() {
    let spec = parse("https://github.com/org/repo");
    assert_eq!(spec.submodules, DEFAULT_SUBMODULES);
    assert_eq!(spec.timeout, DEFAULT_TIMEOUT);
    assert!(!spec.forced_git_prefix);
    assert_eq!(spec.ref_or_head(), "HEAD");
    assert!(parse("GIT::https://github.com/org/repo").forced_git_prefix);
}

#[test]
fn directories_and_origin_paths() {
    let spec = parse("https://github.com/org/repo//a/./b/?ref=v1");
    assert_eq!(spec.dir_in_repo(), "a/b");
    assert_eq!(spec.origin_path(), "a/b");
    // The repository root is recorded as kustomize's placeholder.
    assert_eq!(parse("github.com/org/repo").origin_path(), "notCloned");
    assert_eq!(parse("github.com/org/repo//").dir_in_repo(), "");
    assert_eq!(parse("github.com/org/repo///x").dir_in_repo(), "x");
}

#[test]
fn local_looking_entries_are_not_urls() {
    for local in ["base", "../base", "a@b", "my@dir", "sub/dir/x.yaml"] {
        assert!(RepoSpec::parse(local).is_err(), "{local}");
    }
    // `.git` anywhere splits the path, as in kustomize.
    let spec = parse("https://example.com/org/site.github.io/deploy");
    assert_eq!(spec.repo_path, "org/site.git");
    assert_eq!(spec.kust_root_path, "hub.io/deploy");
}
