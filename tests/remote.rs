//! Remote bases and files, end to end, on loopback only: the cases under
//! `fixtures/remote/cases/` against their expected output (and, where
//! kubectl is installed, against `kubectl kustomize` live), the cache's
//! behaviour (no network for commit refs, one ref lookup per build,
//! `--offline`, concurrent processes, an unusable cache directory) and
//! `krust cache`.
//!
//! `KRUST_REGEN_REMOTE=1` rewrites each success case's `expected.yaml`
//! with kubectl's output.

mod common;
mod remote_support;

use remote_support::{case_names, fixtures, World};
use std::fs;
use std::path::Path;
use std::process::Output;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn build(world: &World, dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut args = vec!["build", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    world.krust(&args, env)
}

/// Checks a failed build: exit 1, nothing on stdout, one line on stderr
/// that names the referencing kustomization and what the case expects.
fn check_failure(world: &World, name: &str, dir: &Path, out: &Output) -> Result<(), String> {
    let stderr = text(&out.stderr);
    let message: Vec<&str> = stderr.lines().filter(|l| l.starts_with("Error:")).collect();
    let expected = fs::read_to_string(
        fixtures()
            .join("cases")
            .join(name)
            .join("expected-error.txt"),
    )
    .unwrap_or_default();
    let mut problems = Vec::new();
    if out.status.code() != Some(1) || !out.stdout.is_empty() {
        problems.push(format!(
            "exit {:?}, {} bytes on stdout",
            out.status.code(),
            out.stdout.len()
        ));
    }
    if message.len() != 1 || stderr.lines().count() > 2 {
        problems.push("not one line".to_string());
    }
    let kustomization = dir.join("kustomization.yaml").display().to_string();
    let subs = world.substitutions();
    let wanted = expected.lines().map(|line| {
        subs.iter()
            .fold(line.to_string(), |l, (from, to)| l.replace(from, to))
    });
    for want in wanted.chain([kustomization]) {
        if !stderr.contains(&want) {
            problems.push(format!("no {want:?}"));
        }
    }
    if stderr.contains("s3cr3t") {
        problems.push("a credential is shown".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{name}: {}: {stderr}", problems.join(", ")))
    }
}

#[test]
fn cases_build_as_kustomize_does() {
    let Some(world) = World::new("remote cases") else {
        return;
    };
    let regen = std::env::var_os("KRUST_REGEN_REMOTE").is_some();
    let mut failures = Vec::new();
    for name in case_names() {
        let dir = world.case(&name);
        let case = fixtures().join("cases").join(&name);
        let out = build(&world, &dir, &[], &[]);
        if regen && !name.starts_with("err-") {
            let reference = world.kubectl(&dir);
            assert!(
                reference.status.success(),
                "{name}: {}",
                text(&reference.stderr)
            );
            fs::write(case.join("expected.yaml"), &reference.stdout).unwrap();
        }
        let result = match fs::read(case.join("expected.yaml")) {
            Ok(expected) if out.stdout == expected && out.status.success() => Ok(()),
            Ok(expected) => Err(format!(
                "{name}: output differs (exit {:?}): {}\n--- expected\n{}--- got\n{}",
                out.status.code(),
                text(&out.stderr),
                text(&expected),
                text(&out.stdout)
            )),
            Err(_) => check_failure(&world, &name, &dir, &out),
        };
        if let Err(e) = result {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn cases_match_kubectl_kustomize() {
    if !common::kubectl_available() {
        common::announce_kubectl_skip("remote differential test");
        return;
    }
    let Some(world) = World::new("remote differential test") else {
        return;
    };
    let (mut passed, mut failed) = (0, Vec::new());
    for name in case_names() {
        let dir = world.case(&name);
        let reference = world.kubectl(&dir);
        let ours = build(&world, &dir, &[], &[]);
        let same = match (reference.status.success(), ours.status.success()) {
            (true, true) => reference.stdout == ours.stdout,
            (false, false) => true,
            _ => false,
        };
        if same {
            passed += 1;
        } else {
            failed.push(format!(
                "{name}: kubectl {} / krust {}\n{}",
                reference.status,
                ours.status,
                text(&ours.stderr) + &text(&reference.stderr)
            ));
        }
    }
    eprintln!(
        "remote differential: {passed} passed, {} failed",
        failed.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// Requests that fetch content (not ref listings).
fn upload_packs(world: &World) -> usize {
    world
        .server
        .requests()
        .iter()
        .filter(|r| r.starts_with("POST") && r.ends_with("git-upload-pack"))
        .count()
}

#[test]
fn warm_builds_use_the_network_only_to_resolve_refs() {
    let Some(world) = World::new("cache network test") else {
        return;
    };
    let sha = world.case("commit-sha-ref");
    assert!(build(&world, &sha, &[], &[]).status.success());
    assert!(!world.server.requests().is_empty());
    world.server.reset();
    let warm = build(&world, &sha, &[], &[]);
    assert!(warm.status.success(), "{}", text(&warm.stderr));
    assert_eq!(
        world.server.requests(),
        Vec::<String>::new(),
        "a commit ref is served from the cache"
    );

    // A tag: one ref listing per build, no fetch once cached.
    let tag = world.case("github-tag");
    assert!(build(&world, &tag, &[], &[]).status.success());
    world.server.reset();
    assert!(build(&world, &tag, &[], &[]).status.success());
    let listing = world.server.requests();
    assert!(
        listing.iter().any(|r| r.contains("info/refs")),
        "{listing:?}"
    );
    assert_eq!(
        listing.iter().filter(|r| r.contains("info/refs")).count(),
        1,
        "{listing:?}"
    );
    // Protocol v2 lists refs with one POST; a fetch would need another.
    assert!(upload_packs(&world) <= 1, "{listing:?}");

    // Two refs of one repository, one of them used twice: two trees.
    let shared = world.case("two-refs-one-repo");
    let cache = world.tmp.path().join("shared-cache");
    let env = [("KRUST_CACHE_DIR", cache.to_str().unwrap())];
    let out = build(&world, &shared, &[], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(fs::read_dir(cache.join("git")).unwrap().count(), 2);
    assert_eq!(fs::read_dir(cache.join("tmp")).unwrap().count(), 0);
}

#[test]
fn offline_builds_use_only_the_cache() {
    let Some(world) = World::new("offline test") else {
        return;
    };
    let dir = world.case("two-refs-one-repo");
    let online = build(&world, &dir, &[], &[]);
    assert!(online.status.success(), "{}", text(&online.stderr));
    world.server.reset();
    let offline = build(&world, &dir, &["--offline"], &[]);
    assert_eq!(text(&offline.stderr), "");
    assert_eq!(offline.stdout, online.stdout);
    let by_env = build(&world, &dir, &[], &[("KRUST_OFFLINE", "1")]);
    assert_eq!(by_env.stdout, online.stdout);
    assert!(
        world.server.requests().is_empty(),
        "{:?}",
        world.server.requests()
    );

    let stderr = offline_miss(&world, &dir, "https://github.com/acme/base");
    assert!(
        stderr.contains("'v1'") || stderr.contains("'v2'"),
        "{stderr}"
    );
    let empty = world.tmp.path().join(EMPTY_CACHE);
    assert!(!empty.join("git").exists(), "offline builds create nothing");
}

/// A cache directory no build of the world has used.
const EMPTY_CACHE: &str = "empty-cache";

/// Builds `dir` `--offline` with an empty cache: checks that it fails with
/// nothing on stdout and no request, saying it is offline and naming
/// `url`; returns its stderr.
fn offline_miss(world: &World, dir: &Path, url: &str) -> String {
    let empty = world.tmp.path().join(EMPTY_CACHE);
    let env = [("KRUST_CACHE_DIR", empty.to_str().unwrap())];
    let missing = build(world, dir, &["--offline"], &env);
    assert_eq!(missing.status.code(), Some(1));
    assert!(missing.stdout.is_empty());
    let stderr = text(&missing.stderr);
    assert!(
        stderr.contains("offline") && stderr.contains(url),
        "{stderr}"
    );
    assert!(world.server.requests().is_empty());
    stderr
}

#[test]
fn files_named_by_url_are_fetched_once_and_kept_for_offline_builds() {
    let Some(world) = World::new("HTTP files offline test") else {
        return;
    };
    let dir = world.case("http-file-generators");
    let online = build(&world, &dir, &[], &[]);
    assert!(online.status.success(), "{}", text(&online.stderr));
    // Named twice (a ConfigMap and a Secret read it), downloaded once.
    let requests = world.server.requests();
    let env_file = requests
        .iter()
        .filter(|r| r.ends_with("/raw/files/app.env"));
    assert_eq!(env_file.count(), 1, "{requests:?}");

    // Online builds always download: kustomize has no cache, and a file
    // cannot be checked against a cached copy without fetching it.
    world.server.reset();
    assert!(build(&world, &dir, &[], &[]).status.success());
    assert_eq!(
        world.server.requests().len(),
        3,
        "{:?}",
        world.server.requests()
    );

    world.server.reset();
    let offline = build(&world, &dir, &["--offline"], &[]);
    assert!(offline.status.success(), "{}", text(&offline.stderr));
    assert_eq!(offline.stdout, online.stdout);
    assert!(world.server.requests().is_empty());

    let url = format!("{}/raw/files/app.env", world.server.base);
    offline_miss(&world, &dir, &url);
}

#[test]
fn concurrent_processes_share_one_entry() {
    let Some(world) = World::new("concurrency test") else {
        return;
    };
    let dir = world.case("github-tag");
    let cache = world.tmp.path().join("race-cache");
    let children: Vec<_> = (0..8)
        .map(|_| {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_krust"));
            world.env(&mut cmd);
            cmd.args(["build", dir.to_str().unwrap()])
                .env("KRUST_CACHE_DIR", &cache)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for out in &outputs {
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(out.stdout, outputs[0].stdout);
    }
    assert!(!outputs[0].stdout.is_empty());
    assert_eq!(fs::read_dir(cache.join("git")).unwrap().count(), 1);
    assert_eq!(fs::read_dir(cache.join("tmp")).unwrap().count(), 0);
}

#[test]
fn an_unusable_cache_directory_still_builds() {
    let Some(world) = World::new("unusable cache test") else {
        return;
    };
    let file = world.tmp.path().join("a-file");
    fs::write(&file, "").unwrap();
    let cache = file.join("cache");
    let dir = world.case("two-refs-one-repo");
    let out = build(
        &world,
        &dir,
        &[],
        &[("KRUST_CACHE_DIR", cache.to_str().unwrap())],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("Warning: cannot use the cache directory"),
        "{stderr}"
    );
    let leftovers = fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().starts_with("krust-cache-")
        })
        .count();
    // Other test processes may hold one at this moment; none of ours stays.
    assert!(leftovers <= 8, "temporary caches left behind: {leftovers}");
}

#[test]
fn a_repository_url_can_be_the_build_target() {
    let Some(world) = World::new("remote target test") else {
        return;
    };
    let out = world.krust(&["build", "https://github.com/acme/base//app?ref=v1"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let expected = fs::read(fixtures().join("cases/github-tag/expected.yaml")).unwrap();
    assert_eq!(text(&out.stdout), text(&expected));
}

#[test]
fn cache_command_lists_and_prunes() {
    let Some(world) = World::new("cache command test") else {
        return;
    };
    let dir = world.case("two-refs-one-repo");
    assert!(build(&world, &dir, &[], &[]).status.success());
    let shown = world.krust(&["cache", "dir"], &[]);
    assert_eq!(
        text(&shown.stdout).trim(),
        world.cache.display().to_string()
    );
    let listed = text(&world.krust(&["cache", "list"], &[]).stdout);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    let v1 = &world.commits["acme/base:v1"][..12];
    assert!(
        listed.contains(v1) && listed.contains("https://github.com/acme/base"),
        "{listed}"
    );
    let kept = world.krust(&["cache", "prune"], &[]);
    assert!(kept.status.success());
    assert_eq!(
        text(&world.krust(&["cache", "list"], &[]).stdout)
            .lines()
            .count(),
        2
    );
    assert!(world
        .krust(&["cache", "prune", "--all"], &[])
        .status
        .success());
    assert_eq!(text(&world.krust(&["cache", "list"], &[]).stdout), "");
}

#[test]
fn localize_vendors_remote_bases_in_kustomizes_layout() {
    let Some(world) = World::new("localize test") else {
        return;
    };
    for (case, expected_files) in [
        (
            "two-refs-one-repo",
            &[
                "a/localized-files/github.com/acme/base/v1/app/kustomization.yaml",
                "b/localized-files/github.com/acme/base/v2/app/deployment.yaml",
                "b/localized-files/github.com/acme/base/v2/common/configmap.yaml",
            ][..],
        ),
        (
            "remote-of-remote",
            &["localized-files/github.com/acme/stack/v1/overlay/localized-files/github.com/acme/base/v1/app/service.yaml"][..],
        ),
        ("http-file", &["localized-files/127.0.0.1/raw/extra.yaml"][..]),
        (
            "http-file-patches",
            &[
                "localized-files/127.0.0.1/raw/files/patch-json.yaml",
                "localized-files/127.0.0.1/raw/files/psm.yaml",
                "localized-files/127.0.0.1/raw/files/p6902.yaml",
                "localized-files/127.0.0.1/raw/files/replacement.yaml",
            ][..],
        ),
        (
            "http-file-generators",
            &[
                "localized-files/127.0.0.1/raw/files/motd.txt",
                "localized-files/127.0.0.1/raw/files/app.env",
            ][..],
        ),
        (
            "http-file-schemas",
            &[
                "localized-files/127.0.0.1/raw/files/configurations.yaml",
                "localized-files/127.0.0.1/raw/files/crd.json",
                "localized-files/127.0.0.1/raw/files/widget-schema.yaml",
            ][..],
        ),
        (
            "http-files-in-remote-base",
            &[
                "localized-files/127.0.0.1/raw/files/patch-json.yaml",
                "localized-files/github.com/acme/files/v1/app/localized-files/127.0.0.1/raw/files/motd.txt",
            ][..],
        ),
    ] {
        let dir = world.case(case);
        let out = world.tmp.path().join(format!("localized-{case}"));
        let done = world.krust(&["localize", dir.to_str().unwrap(), out.to_str().unwrap()], &[]);
        assert!(done.status.success(), "{case}: {}", text(&done.stderr));
        for file in expected_files {
            assert!(out.join(file).is_file(), "{case}: no {file}");
        }
        // The copy builds to the same bytes with no cache and no network.
        let empty = world.tmp.path().join(format!("no-cache-{case}"));
        world.server.reset();
        let env = [("KRUST_CACHE_DIR", empty.to_str().unwrap()), ("KRUST_OFFLINE", "1")];
        let built = build(&world, &out, &[], &env);
        assert!(built.status.success(), "{case}: {}", text(&built.stderr));
        let expected = fs::read(fixtures().join("cases").join(case).join("expected.yaml")).unwrap();
        assert_eq!(text(&built.stdout), text(&expected), "{case}");
        assert!(world.server.requests().is_empty(), "{case}");
    }
    // A remote target needs a ref and gets kustomize's default name.
    let no_ref = world.krust(&["localize", "https://github.com/acme/base//app"], &[]);
    assert!(
        text(&no_ref.stderr).contains("missing ref"),
        "{}",
        text(&no_ref.stderr)
    );
    let named = world.tmp.path().join("named");
    fs::create_dir(&named).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_krust"));
    world.env(&mut cmd);
    let remote = cmd
        .args(["localize", "https://github.com/acme/base//app?ref=v1"])
        .current_dir(&named)
        .output()
        .unwrap();
    assert!(remote.status.success(), "{}", text(&remote.stderr));
    // The repository is the scope: the target keeps its place in it.
    assert!(named
        .join("localized-app-v1/app/kustomization.yaml")
        .is_file());
}
