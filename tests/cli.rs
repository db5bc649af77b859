//! Command-line behaviour of the `krust` binary: exit codes, the stdout
//! contract (manifests only, nothing on failure), `version`, broken pipes and
//! the `-o/--output` destinations. File naming for `-o DIR` follows what
//! `kubectl kustomize -o DIR` writes (measured): `<group>_<version>_<kind>_<name>.yaml`
//! in lower case with empty fields left out, prefixed by `<namespace>_` when
//! the namespaced resources span more than one namespace (an unset namespace
//! counts as `default`); cluster-scoped resources never get a prefix.

mod common;

use common::{krust_bin, repo_root};
use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn krust(args: &[&str]) -> Output {
    Command::new(krust_bin())
        .args(args)
        .output()
        .expect("krust binary runs")
}

fn fixture_input(name: &str) -> String {
    repo_root()
        .join("fixtures")
        .join(name)
        .join("input")
        .to_string_lossy()
        .into_owned()
}

fn expected_output(name: &str) -> Vec<u8> {
    fs::read(
        repo_root()
            .join("fixtures")
            .join(name)
            .join("expected.yaml"),
    )
    .expect("fixture has expected.yaml")
}

fn assert_clean_failure(output: &Output, what: &str) {
    assert!(!output.status.success(), "{what}: expected failure");
    assert!(
        output.stdout.is_empty(),
        "{what}: stdout must be empty on failure"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.trim().is_empty(),
        "{what}: expected a diagnostic on stderr"
    );
    assert!(!stderr.contains("panicked"), "{what}: panicked: {stderr}");
}

/// Every file in `dir`, by name.
fn read_dir_files(dir: &Path) -> BTreeMap<String, String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn version_short_prints_the_package_version() {
    let output = krust(&["version", "--short"]);
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one line expected: {stdout:?}");
    assert!(stdout.contains(env!("CARGO_PKG_VERSION")), "{stdout:?}");
}

#[test]
fn version_prints_the_package_version() {
    let output = krust(&["version"]);
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains(env!("CARGO_PKG_VERSION")), "{stdout:?}");
}

#[test]
fn successful_build_exits_zero_with_manifests_only() {
    let output = krust(&["build", &fixture_input("multi-doc")]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout, expected_output("multi-doc"));
}

#[test]
fn build_without_a_directory_builds_the_current_one() {
    let output = Command::new(krust_bin())
        .arg("build")
        .current_dir(fixture_input("multi-doc"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout, expected_output("multi-doc"));
}

#[test]
fn failing_build_exits_one_with_empty_stdout() {
    let output = krust(&["build", &fixture_input("error-missing-resource")]);
    assert_eq!(output.status.code(), Some(1));
    assert_clean_failure(&output, "missing resource");
}

#[test]
fn missing_directory_exits_one_with_empty_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("does-not-exist");
    let output = krust(&["build", &missing.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    assert_clean_failure(&output, "missing directory");
}

#[test]
fn invalid_flag_values_are_rejected() {
    let input = fixture_input("multi-doc");
    for args in [
        vec!["build", input.as_str(), "--reorder", "sideways"],
        vec!["build", input.as_str(), "--load-restrictor", "Anything"],
        vec!["build", input.as_str(), "--no-such-flag"],
    ] {
        assert_clean_failure(&krust(&args), &args.join(" "));
    }
}

#[test]
fn load_restrictor_and_reorder_flags_are_accepted() {
    let root = repo_root().join("fixtures/load-restrictor-none/input/app");
    let output = krust(&[
        "build",
        &root.to_string_lossy(),
        "--load-restrictor",
        "LoadRestrictionsNone",
        "--reorder",
        "legacy",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout, expected_output("load-restrictor-none"));
}

/// A tree whose output (~1 MB) is far larger than a pipe buffer, so the
/// reader closing early really makes krust's writes fail.
fn large_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut resources = String::new();
    for i in 0..3000 {
        resources.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i:05}\n\
             data:\n  payload: some text to make the output of this tree comfortably large {i}\n"
        ));
    }
    common::write_files(
        dir.path(),
        &[
            ("kustomization.yaml", "resources:\n- all.yaml\n"),
            ("all.yaml", &resources),
        ],
    );
    dir
}

#[test]
fn closed_stdout_is_not_an_error() {
    let tree = large_tree();
    let mut child = Command::new(krust_bin())
        .arg("build")
        .arg(tree.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    // The reader (and so the pipe) is dropped here, like `head -1` exiting.
    let output = child.wait_with_output().unwrap();
    assert_eq!(first_line, "apiVersion: v1\n");
    assert!(output.status.success(), "exit status {}", output.status);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "unexpected stderr: {stderr}");
}

#[test]
fn piping_into_head_exits_quietly() {
    let tree = large_tree();
    let script = format!(
        "set -o pipefail; '{}' build '{}' | head -1",
        krust_bin().display(),
        tree.path().display()
    );
    let Ok(output) = Command::new("bash").args(["-c", &script]).output() else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: bash not available for the pipe test"
        );
        return;
    };
    assert!(output.status.success(), "pipeline status {}", output.status);
    assert_eq!(output.stdout, b"apiVersion: v1\n");
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

const SINGLE_NAMESPACE_TREE: &[(&str, &str)] = &[
    (
        "kustomization.yaml",
        "namespace: ns1\nresources:\n- resources.yaml\n",
    ),
    (
        "resources.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\n\
         apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr\n---\n\
         apiVersion: example.com/v1beta1\nkind: MyThing\nmetadata:\n  name: x.y\n---\n\
         apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Web_Upper\n",
    ),
];

#[test]
fn output_directory_gets_one_file_per_resource() {
    let tree = tempfile::tempdir().unwrap();
    common::write_files(tree.path(), SINGLE_NAMESPACE_TREE);
    let out = tempfile::tempdir().unwrap();
    let output = krust(&[
        "build",
        &tree.path().to_string_lossy(),
        "-o",
        &out.path().to_string_lossy(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stdout.is_empty(),
        "manifests go to files, not stdout"
    );
    let files = read_dir_files(out.path());
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "apps_v1_deployment_web.yaml",
            "example.com_v1beta1_mything_x.y.yaml",
            "rbac.authorization.k8s.io_v1_clusterrole_cr.yaml",
            "v1_configmap_web_upper.yaml",
        ]
    );
    assert_eq!(
        files["v1_configmap_web_upper.yaml"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Web_Upper\n  namespace: ns1\n"
    );
    assert_eq!(
        files["rbac.authorization.k8s.io_v1_clusterrole_cr.yaml"],
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr\n"
    );
}

#[test]
fn output_directory_prefixes_namespaces_when_there_are_several() {
    let tree = tempfile::tempdir().unwrap();
    common::write_files(
        tree.path(),
        &[
            ("kustomization.yaml", "resources:\n- resources.yaml\n"),
            (
                "resources.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: Prod\n---\n\
                 apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\n\
                 apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Prod\n",
            ),
        ],
    );
    let out = tempfile::tempdir().unwrap();
    let output = krust(&[
        "build",
        &tree.path().to_string_lossy(),
        "--output",
        &out.path().to_string_lossy(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let files = read_dir_files(out.path());
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "default_v1_configmap_b.yaml",
            "prod_v1_configmap_a.yaml",
            "v1_namespace_prod.yaml",
        ]
    );
    assert_eq!(
        files["prod_v1_configmap_a.yaml"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: Prod\n"
    );
}

#[test]
fn output_to_a_new_path_writes_one_file_with_the_stream() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("all.yaml");
    let output = krust(&[
        "build",
        &fixture_input("multi-doc"),
        "-o",
        &file.to_string_lossy(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty());
    assert_eq!(fs::read(&file).unwrap(), expected_output("multi-doc"));
}

#[test]
fn completions_are_generated_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_krust()"),
        ("zsh", "#compdef krust"),
        ("fish", "complete -c krust"),
    ] {
        let output = krust(&["completions", shell]);
        assert!(output.status.success(), "{shell}: {output:?}");
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: {marker} missing");
        assert!(script.contains("render"), "{shell}: subcommands missing");
    }
    assert_eq!(krust(&["completions", "tcsh"]).status.code(), Some(1));
}

#[test]
fn man_page_is_roff_generated_from_the_flags() {
    let output = krust(&["man"]);
    assert!(output.status.success(), "{output:?}");
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "roff header");
    assert!(page.contains(".TH krust 1"), "{page}");
    assert!(
        page.contains("krust\\-render(1)"),
        "subcommands are referenced"
    );

    let temp = tempfile::tempdir().unwrap();
    // A directory that does not exist yet is created.
    let dir = temp.path().join("share/man/man1");
    let output = krust(&["man", "--output-dir", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    for page in [
        "krust.1",
        "krust-build.1",
        "krust-render.1",
        "krust-argocd-generate.1",
    ] {
        assert!(dir.join(page).is_file(), "{page} not written");
    }
}

/// The subcommands listed in `help` (the lines under `Commands:`), except
/// clap's `help`.
fn listed_subcommands(help: &str) -> Vec<String> {
    let Some((_, listing)) = help.split_once("\nCommands:\n") else {
        return Vec::new();
    };
    listing
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_commands_help_ends_with_examples() {
    let mut pending = vec![Vec::<String>::new()];
    let mut seen = 0;
    while let Some(path) = pending.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let output = krust(&args);
        let command = path.join(" ");
        assert!(output.status.success(), "{command}: {output:?}");
        let help = String::from_utf8(output.stdout).unwrap();
        let (_, examples) = help
            .rsplit_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("`krust {command} --help` has no examples:\n{help}"));
        let lines: Vec<&str> = examples.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(
            !lines.is_empty() && lines.iter().all(|l| l.starts_with("  ")),
            "`krust {command} --help` does not end with its examples:\n{help}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.trim_start().starts_with("krust ") || l.contains(" krust ")),
            "`krust {command} --help` examples run no krust command:\n{examples}"
        );
        seen += 1;
        for sub in listed_subcommands(&help) {
            let mut child = path.clone();
            child.push(sub);
            pending.push(child);
        }
    }
    assert!(seen >= 40, "only {seen} commands found");
}

#[test]
fn usage_errors_exit_one_and_diff_usage_errors_two() {
    for args in [
        &["build", "--no-such-flag"][..],
        &["build", ".", "--enable-helm=maybe"],
        &["render"],
        &["edit", "set", "bogus"],
        &["no-such-command"],
        &[],
    ] {
        let output = krust(args);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {output:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
    let output = krust(&["diff", "--no-such-flag", "a", "b"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let output = krust(&["build", "--help"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("--enable-helm[=<BOOL>]"));
}
