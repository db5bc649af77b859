//! krust under ArgoCD, invoked exactly as ArgoCD invokes it:
//!
//! * as a config management plugin: `krust argocd generate` in the
//!   application's directory, settings in `ARGOCD_ENV_*` / `PARAM_*`;
//! * as a custom kustomize binary (`kustomize.path.<version>` in argocd-cm):
//!   `version --short`, the `edit` commands ArgoCD runs in the application
//!   directory, then `build <abs path> <buildOptions>` from the repository
//!   root.

mod common;

use common::{krust_bin, kubectl_available, repo_root};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs krust in `dir` with a clean ArgoCD-like environment plus `vars`.
fn run_in(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut command = Command::new(krust_bin());
    command.args(args).current_dir(dir);
    for (name, _) in std::env::vars() {
        if name.starts_with("ARGOCD_") || name.starts_with("PARAM_") || name.starts_with("KUBE_") {
            command.env_remove(name);
        }
    }
    command.envs(vars.iter().copied());
    command.output().expect("krust binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn example_expected(env: &str) -> Vec<u8> {
    fs::read(repo_root().join(format!("fixtures/example-{env}/expected.yaml"))).unwrap()
}

const APP: (&str, &str) = ("ARGOCD_APP_NAME", "example-prod");

#[test]
fn generate_builds_the_application_directory() {
    let dir = repo_root().join("deployments/example/overlays/production");
    let output = run_in(&dir, &["argocd", "generate"], &[APP]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout == example_expected("production"));
    assert_eq!(stderr(&output), "", "nothing on stderr on success");
}

#[test]
fn generate_honours_the_path_setting_parameter_first() {
    let dir = repo_root().join("deployments/example");
    let env_entry = ("ARGOCD_ENV_KRUST_PATH", "overlays/staging");
    let output = run_in(&dir, &["argocd", "generate"], &[APP, env_entry]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout == example_expected("staging"));

    let parameter = ("PARAM_PATH", "overlays/development");
    let output = run_in(&dir, &["argocd", "generate"], &[APP, env_entry, parameter]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout == example_expected("development"));
}

#[test]
fn generate_passes_build_options_through() {
    let dir = repo_root().join("deployments/example/overlays/production");
    let options = (
        "ARGOCD_ENV_KRUST_BUILD_OPTIONS",
        "--load-restrictor=LoadRestrictionsNone --enable-helm=false --reorder none --strict=true",
    );
    let output = run_in(&dir, &["argocd", "generate"], &[APP, options]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let direct = Command::new(krust_bin())
        .args(["build", ".", "--reorder", "none"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(output.stdout == direct.stdout, "same as krust build");
    assert!(stderr(&output).contains("--reorder has been deprecated"));
}

#[test]
fn failed_build_exits_one_with_the_application_in_the_message() {
    let temp = tempfile::tempdir().unwrap();
    fs::write(
        temp.path().join("kustomization.yaml"),
        "resources:\n- missing.yaml\n",
    )
    .unwrap();
    let vars = [APP, ("ARGOCD_APP_SOURCE_PATH", "apps/shop")];
    let output = run_in(temp.path(), &["argocd", "generate"], &vars);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "no manifests on failure");
    let err = stderr(&output);
    assert!(
        err.starts_with("Error: application example-prod (path apps/shop): "),
        "{err}"
    );
    assert!(err.contains("missing.yaml"), "{err}");
}

#[test]
fn invalid_settings_exit_two() {
    let dir = repo_root().join("deployments/example");
    for (var, value, expected) in [
        ("PARAM_PATH", "../../..", "must be relative"),
        (
            "ARGOCD_ENV_KRUST_BUILD_OPTIONS",
            "--no-such-flag",
            "--no-such-flag",
        ),
        (
            "PARAM_BUILD_OPTIONS",
            "--output out.yaml",
            "may not contain --output",
        ),
    ] {
        let output = run_in(&dir, &["argocd", "generate"], &[APP, (var, value)]);
        assert_eq!(output.status.code(), Some(2), "{var}={value}");
        assert!(output.stdout.is_empty());
        let err = stderr(&output);
        assert!(err.starts_with("Error: application example-prod"), "{err}");
        assert!(err.contains(expected), "{err}");
    }
}

/// ArgoCD's parse of `kustomize version --short`: trim, drop the braces,
/// squeeze double spaces, drop `kustomize/`, then take the first
/// semver-looking word.
fn argocd_version(stdout: &str) -> String {
    let version = stdout.trim();
    let version = version.trim_start_matches('{').trim_end_matches('}').trim();
    let version = version.replace("  ", " ");
    let version = version.strip_prefix("kustomize/").unwrap_or(&version);
    version
        .split(' ')
        .find(|w| w.trim_start_matches('v').split('.').count() == 3)
        .unwrap_or_default()
        .to_string()
}

#[test]
fn version_short_parses_as_kustomize_v5_5_0() {
    let output = run_in(&repo_root(), &["version", "--short"], &[]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("{kustomize/v5.5.0 "), "{stdout}");
    assert_eq!(argocd_version(&stdout), "v5.5.0");
}

/// A repository checkout with an application that uses a base and a
/// component, as ArgoCD's repo server would have it.
fn checkout() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let files = [
        (
            "base/kustomization.yaml",
            "resources:\n- deployment.yaml\n",
        ),
        (
            "base/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n",
        ),
        (
            "components/team/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations:\n  team: shop\n",
        ),
        ("apps/web/kustomization.yaml", "resources:\n- ../../base\n"),
    ];
    common::write_files(root.path(), &files);
    root
}

/// The commands ArgoCD runs in the application directory for an
/// Application with every `spec.source.kustomize` field set.
const ARGOCD_EDITS: [&[&str]; 9] = [
    &["edit", "set", "nameprefix", "--", "shop-"],
    &["edit", "set", "namesuffix", "--", "-v2"],
    &["edit", "set", "image", "nginx=registry.example/nginx:1.27"],
    &["edit", "set", "replicas", "web=3"],
    &[
        "edit",
        "add",
        "label",
        "--force",
        "env:prod",
        "tier:frontend",
    ],
    &[
        "edit",
        "add",
        "label",
        "--without-selector",
        "--include-templates",
        "team:shop",
    ],
    &["edit", "add", "annotation", "--force", "revision:abc123"],
    &["edit", "set", "namespace", "--", "shop-prod"],
    &["edit", "add", "component", "../../components/team"],
];

/// What ArgoCD sends to build, with a `kustomize.buildOptions` of every
/// flag it documents and the helm versions it appends.
fn argocd_build_args(app: &Path) -> Vec<String> {
    let mut args = vec!["build".to_string(), app.display().to_string()];
    args.extend(
        [
            "--load-restrictor",
            "LoadRestrictionsRootOnly",
            "--enable-alpha-plugins",
            "--enable-exec",
            "--enable-helm",
            "--helm-kube-version",
            "1.32.0",
            "--helm-api-versions",
            "v1",
            "--helm-api-versions",
            "apps/v1",
        ]
        .map(String::from),
    );
    args
}

#[test]
fn custom_kustomize_route_accepts_argocds_command_lines() {
    let root = checkout();
    let app: PathBuf = root.path().join("apps/web");
    for args in ARGOCD_EDITS {
        let output = run_in(&app, args, &[]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?} printed on stdout");
    }
    let kustomization = fs::read_to_string(app.join("kustomization.yaml")).unwrap();
    for expected in [
        "namePrefix: shop-",
        "nameSuffix: -v2",
        "newName: registry.example/nginx",
        "- count: 3\n  name: web",
        "commonLabels:\n  env: prod\n  tier: frontend",
        "labels:\n- includeTemplates: true\n  pairs:\n    team: shop",
        "commonAnnotations:\n  revision: abc123",
        "namespace: shop-prod",
        "components:\n- ../../components/team",
    ] {
        assert!(
            kustomization.contains(expected),
            "{expected:?} not in:\n{kustomization}"
        );
    }

    let args = argocd_build_args(&app);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run_in(root.path(), &args, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    for expected in [
        "name: shop-web-v2",
        "namespace: shop-prod",
        "replicas: 3",
        "image: registry.example/nginx:1.27",
        "team: shop",
        "revision: abc123",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    if kubectl_available() {
        let reference = Command::new("kubectl")
            .args(["kustomize"])
            .arg(&app)
            .output()
            .unwrap();
        assert!(reference.status.success());
        assert!(
            reference.stdout == output.stdout,
            "differs from kubectl kustomize"
        );
    }
}

/// The ConfigMap form of the plugin configuration must carry exactly
/// `plugin.yaml`, and both must run the generate command tested above.
#[test]
fn plugin_files_agree() {
    let docs = repo_root().join("docs/argocd");
    let plugin = fs::read_to_string(docs.join("plugin.yaml")).unwrap();
    assert!(plugin.contains("command: [krust, argocd, generate]"));
    let configmap = fs::read_to_string(docs.join("plugin-configmap.yaml")).unwrap();
    let (_, embedded) = configmap
        .split_once("  plugin.yaml: |\n")
        .expect("ConfigMap has a plugin.yaml key");
    let unindented: String = embedded
        .lines()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(unindented, plugin);
}
