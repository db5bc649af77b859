//! The distribution steps that can run here: the container image's
//! filesystem (`packaging/dist.sh image`, run by `packaging/Dockerfile`),
//! the release archive for the host (`packaging/dist.sh archive`, run by
//! `.github/workflows/release.yml` for each platform), and the crate as
//! `cargo package` would upload it.

mod common;

use common::{krust_bin, repo_root};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn run(command: &mut Command) -> Output {
    let output = command.output().expect("command starts");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `packaging/dist.sh STEP ...`.
fn dist(step: &str) -> Command {
    let mut command = Command::new(repo_root().join("packaging/dist.sh"));
    command.arg(step);
    command
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn image_filesystem_serves_the_plugin_sidecar() {
    let tmp = tempfile::tempdir().unwrap();
    let rootfs = tmp.path().join("rootfs");
    run(dist("image").arg(krust_bin()).arg(&rootfs));

    let krust = rootfs.join("usr/local/bin/krust");
    #[cfg(unix)]
    assert_eq!(mode(&krust), 0o755);
    let plugin = rootfs.join("home/argocd/cmp-server/config/plugin.yaml");
    assert_eq!(
        read(&plugin),
        read(&repo_root().join("docs/argocd/plugin.yaml"))
    );
    assert!(rootfs.join("home/argocd/cmp-server/plugins").is_dir());

    // The plugin's generate command, as the CMP server runs it (in the
    // application directory, settings in the environment), with the
    // image's binary: the example's production manifests.
    let docs = krust::yaml::parse_documents(&read(&plugin), &plugin).unwrap();
    let command = docs[0]
        .get_path(&["spec", "generate", "command"])
        .and_then(|c| c.as_seq())
        .expect("spec.generate.command");
    let words: Vec<&str> = command.iter().filter_map(|w| w.as_str()).collect();
    assert_eq!(words, ["krust", "argocd", "generate"]);
    let output = run(Command::new(&krust)
        .args(&words[1..])
        .current_dir(repo_root().join("deployments/example"))
        .env("PARAM_PATH", "overlays/production")
        .env("ARGOCD_APP_NAME", "example-production"));
    assert_eq!(
        output.stdout,
        fs::read(repo_root().join("fixtures/example-production/expected.yaml")).unwrap()
    );
}

#[test]
fn dockerfile_installs_what_the_script_lays_out_as_user_999() {
    let dockerfile = read(&repo_root().join("packaging/Dockerfile"));
    let lines: Vec<&str> = dockerfile
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .collect();
    let last_stage = lines
        .iter()
        .rposition(|l| l.starts_with("FROM "))
        .expect("a FROM line");
    let final_stage = &lines[last_stage..];
    assert!(
        dockerfile.contains("packaging/dist.sh image target/dist/krust /rootfs"),
        "the build stage runs the assembly script on the dist binary"
    );
    for copied in [
        "COPY --from=build /rootfs/usr/local/bin/krust /usr/local/bin/krust",
        "COPY --from=build --chown=999:999 /rootfs/home/argocd /home/argocd",
    ] {
        assert!(final_stage.contains(&copied), "missing: {copied}");
    }
    assert_eq!(
        final_stage.iter().rfind(|l| l.starts_with("USER ")),
        Some(&"USER 999:999")
    );
    // Everything the build stage copies in is let through .dockerignore.
    let ignore = read(&repo_root().join(".dockerignore"));
    for source in [
        "Cargo.toml",
        "Cargo.lock",
        "src/",
        "docs/argocd/plugin.yaml",
        "packaging/",
    ] {
        assert!(
            ignore.lines().any(|l| l == format!("!{source}")),
            ".dockerignore leaves out {source}"
        );
    }
}

#[test]
fn release_archive_for_the_host() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let target = format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS);
    run(dist("archive").arg(&target).arg(krust_bin()).arg(&out));

    let version = env!("CARGO_PKG_VERSION");
    let name = format!("krust-{version}-{target}");
    let archive = out.join(format!("{name}.tar.gz"));
    let checksum = read(&out.join(format!("{name}.tar.gz.sha256")));
    assert!(
        checksum.ends_with(&format!("  {name}.tar.gz\n")),
        "{checksum}"
    );
    // The checksum file verifies with the tool that wrote it.
    let verify = match Command::new("sha256sum").arg("--version").output() {
        Ok(_) => run(Command::new("sha256sum")
            .arg("-c")
            .arg(format!("{name}.tar.gz.sha256"))
            .current_dir(&out)),
        Err(_) => run(Command::new("shasum")
            .args(["-a", "256", "-c"])
            .arg(format!("{name}.tar.gz.sha256"))
            .current_dir(&out)),
    };
    assert!(String::from_utf8_lossy(&verify.stdout).contains("OK"));

    let unpacked = tmp.path().join("unpacked");
    fs::create_dir(&unpacked).unwrap();
    run(Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpacked));
    let listing: Vec<String> = fs::read_dir(unpacked.join(&name))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(listing, ["LICENSE", "README.md", "krust"]);
    let version_line = run(Command::new(unpacked.join(&name).join("krust")).arg("version"));
    assert!(String::from_utf8_lossy(&version_line.stdout).contains(version));

    // Packing the same binary again gives the same bytes (GNU tar).
    let again = tmp.path().join("again");
    run(dist("archive").arg(&target).arg(krust_bin()).arg(&again));
    let gnu_tar = Command::new("tar")
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("GNU tar"));
    if gnu_tar {
        assert_eq!(
            fs::read(&archive).unwrap(),
            fs::read(again.join(format!("{name}.tar.gz"))).unwrap()
        );
    }
}

#[test]
fn release_workflow_packs_every_platform_with_the_script() {
    let workflow = read(&repo_root().join(".github/workflows/release.yml"));
    for target in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
    ] {
        assert!(workflow.contains(&format!("target: {target}")), "{target}");
    }
    for step in [
        "cargo build --profile dist --locked",
        "packaging/dist.sh archive",
        "sha256sum *.tar.gz > SHA256SUMS",
        "file: packaging/Dockerfile",
    ] {
        assert!(workflow.contains(step), "missing: {step}");
    }
}

/// `cargo package` ships the sources and docs only: no fixtures, example
/// deployments, tests or tools, and nothing the build reads from outside
/// what is shipped.
#[test]
fn crate_package_holds_sources_only() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = run(Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(repo_root()));
    let files: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    for required in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "LICENSE",
        "src/main.rs",
        "src/lib.rs",
    ] {
        assert!(
            files.iter().any(|f| f == required),
            "{required} is not packaged"
        );
    }
    let stray: Vec<&String> = files
        .iter()
        .filter(|f| {
            [
                "fixtures/",
                "deployments/",
                "tests/",
                "tools/",
                "examples/",
                "packaging/",
                ".ci/",
            ]
            .iter()
            .any(|dir| f.starts_with(dir))
        })
        .collect();
    assert!(stray.is_empty(), "packaged: {stray:?}");
    // Every file the sources embed is inside what is packaged.
    for file in files
        .iter()
        .filter(|f| f.starts_with("src/") && f.ends_with(".rs"))
    {
        let text = read(&repo_root().join(file));
        for (i, _) in text.match_indices("include_str!(\"") {
            let rest = &text[i + "include_str!(\"".len()..];
            let embedded = &rest[..rest.find('"').unwrap()];
            let dir = Path::new(file).parent().unwrap();
            let path = dir.join(embedded);
            let normalized = path.to_string_lossy().replace('\\', "/");
            assert!(
                files.contains(&normalized),
                "{file} embeds {embedded}, which is not packaged"
            );
        }
    }
}

#[test]
fn dist_script_refuses_bad_arguments() {
    let usage = dist("bogus").output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
    let tmp = tempfile::tempdir().unwrap();
    let missing = dist("image")
        .arg(tmp.path().join("no-such-binary"))
        .arg(tmp.path().join("rootfs"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("is not an executable file"));
    assert!(!tmp.path().join("rootfs").exists());
}
