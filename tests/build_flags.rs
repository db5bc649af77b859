//! `krust build` accepts every flag line `kubectl kustomize` accepts (Go
//! pflag syntax: `--flag`, `--flag=true|false|1|0|t|F|TRUE|False`, string
//! flags as `--flag value` or `--flag=value`, flags before or after DIR, the
//! last of repeated flags winning, `_` for `-` in names) and rejects what it
//! rejects. With kubectl on PATH, each line's output is compared with
//! kubectl's byte for byte; without it, lines with the same meaning must
//! print the same bytes.

mod common;

use common::{announce_kubectl_skip, krust_bin, kubectl_available};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// What a flag line does to the build of the test tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Effect {
    /// The default build.
    Plain,
    /// The managed-by label on every resource.
    ManagedBy,
    /// Input order instead of kind order.
    InputOrder,
    /// Fails: the line is not accepted (or the build fails).
    Fails,
}

use Effect::*;

/// Flag lines in the form they are typed; `DIR` stands for the directory.
const LINES: &[(&str, Effect)] = &[
    ("DIR", Plain),
    ("", Plain),
    ("-- DIR", Plain),
    ("DIR --", Plain),
    ("DIR --enable-helm", Plain),
    ("--enable-helm DIR", Plain),
    ("DIR --enable-helm=true", Plain),
    ("--enable-helm=true DIR", Plain),
    ("DIR --enable-helm=false", Plain),
    ("DIR --enable-helm=1", Plain),
    ("DIR --enable-helm=0", Plain),
    ("DIR --enable-helm=t", Plain),
    ("DIR --enable-helm=F", Plain),
    ("DIR --enable-helm=TRUE", Plain),
    ("DIR --enable-helm=False", Plain),
    ("DIR --enable_helm", Plain),
    ("DIR --enable-helm=true --enable-helm=false", Plain),
    ("DIR --enable-alpha-plugins=false", Plain),
    ("--enable-alpha-plugins=true DIR", Plain),
    ("DIR --helm-debug=true", Plain),
    ("DIR --network=true --network-name=host", Plain),
    ("DIR --network-name host", Plain),
    ("DIR --as-current-user=1", Plain),
    ("DIR --helm-command helm --helm-kube-version=1.30.0", Plain),
    ("DIR --helm-command=helm", Plain),
    (
        "DIR --helm-api-versions=v1,apps/v1 --helm-api-versions batch/v1",
        Plain,
    ),
    ("DIR -e FOO=1 --env=BAR -e=BAZ=2 -eQUX", Plain),
    ("DIR --mount=type=bind,src=/a,dst=/b", Plain),
    ("DIR --load-restrictor LoadRestrictionsNone", Plain),
    ("DIR --load-restrictor=LoadRestrictionsRootOnly", Plain),
    ("--load-restrictor= DIR", Plain),
    ("DIR --load_restrictor=LoadRestrictionsNone", Plain),
    ("DIR --reorder legacy", Plain),
    ("DIR --enable-managedby-label", ManagedBy),
    ("DIR --enable-managedby-label=true", ManagedBy),
    ("--enable-managedby-label=T DIR", ManagedBy),
    ("DIR --enable-managedby-label=false", Plain),
    ("DIR --enable-managedby-label=0", Plain),
    ("DIR --reorder none", InputOrder),
    ("--reorder=none DIR", InputOrder),
    ("DIR --reorder=bogus --reorder=none", InputOrder),
    ("DIR --reorder=legacy --reorder none", InputOrder),
    ("DIR --enable-helm=yes", Fails),
    ("DIR --enable-helm=tRue", Fails),
    ("DIR --enable-helm=", Fails),
    ("DIR --enable-helm false", Fails),
    ("DIR extra", Fails),
    ("DIR --bogus", Fails),
    ("DIR --Enable-helm", Fails),
    ("DIR --reorder=bogus", Fails),
    ("DIR --reorder=", Fails),
    ("DIR --load-restrictor=none", Fails),
    ("DIR --load-restrictor", Fails),
    ("DIR --helm-command", Fails),
];

/// Lines only krust accepts: standalone kustomize's flags that kubectl's
/// embedded kustomize lacks, and krust's own.
const KRUST_ONLY: &[(&str, Effect)] = &[
    ("DIR --enable-exec", Plain),
    ("DIR --enable-alpha-plugins --enable-exec=false", Plain),
    ("--enable-exec=true DIR", Plain),
    ("DIR --strict=false", Plain),
    ("DIR --decrypt=0", Plain),
];

/// A kustomization whose resources are listed out of kind order, so the
/// order flags show.
fn tree() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let files = [
        ("kustomization.yaml", "resources:\n- service.yaml\n- namespace.yaml\n"),
        (
            "service.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n",
        ),
        (
            "namespace.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
        ),
    ];
    for (name, text) in files {
        fs::write(root.path().join(name), text).unwrap();
    }
    root
}

/// Runs `program ... LINE` in `dir`, with `DIR` replaced by `.`.
fn run(program: &mut Command, dir: &Path, line: &str) -> Output {
    let words = line
        .split_whitespace()
        .map(|w| if w == "DIR" { "." } else { w });
    program
        .args(words)
        .current_dir(dir)
        .env_remove("KUSTOMIZE_ENABLE_MANAGEDBY_LABEL")
        .output()
        .expect("command runs")
}

fn krust(dir: &Path, line: &str) -> Output {
    run(Command::new(krust_bin()).arg("build"), dir, line)
}

fn kubectl(dir: &Path, line: &str) -> Output {
    run(Command::new("kubectl").arg("kustomize"), dir, line)
}

/// Checks one line's exit status and stdout; returns the output for
/// comparison between lines of the same effect.
fn check_krust(dir: &Path, line: &str, effect: Effect) -> Vec<u8> {
    let output = krust(dir, line);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if effect == Fails {
        assert_eq!(output.status.code(), Some(1), "{line:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{line:?} printed on failure");
        assert!(!stderr.trim().is_empty(), "{line:?}: no diagnostic");
    } else {
        assert_eq!(output.status.code(), Some(0), "{line:?}: {stderr}");
        let text = String::from_utf8_lossy(&output.stdout);
        let labelled = text.contains("app.kubernetes.io/managed-by");
        assert_eq!(labelled, effect == ManagedBy, "{line:?}:\n{text}");
        let service_first = text.starts_with("apiVersion: v1\nkind: Service");
        assert_eq!(service_first, effect == InputOrder, "{line:?}:\n{text}");
    }
    output.stdout
}

#[test]
fn every_kubectl_flag_form_builds_the_same() {
    let root = tree();
    let dir = root.path();
    let mut by_effect: BTreeMap<Effect, (&str, Vec<u8>)> = BTreeMap::new();
    for &(line, effect) in LINES.iter().chain(KRUST_ONLY) {
        let stdout = check_krust(dir, line, effect);
        match by_effect.get(&effect) {
            Some((first, expected)) => assert!(
                *expected == stdout,
                "{line:?} prints other bytes than {first:?}"
            ),
            None => {
                by_effect.insert(effect, (line, stdout));
            }
        }
    }
    if !kubectl_available() {
        announce_kubectl_skip("the comparison of build flag forms with kubectl kustomize");
        return;
    }
    for &(line, effect) in LINES {
        let reference = kubectl(dir, line);
        let ours = krust(dir, line);
        assert_eq!(
            reference.status.success(),
            effect != Fails,
            "kubectl kustomize {line}: {}",
            String::from_utf8_lossy(&reference.stderr)
        );
        assert!(
            reference.stdout == ours.stdout,
            "{line:?}: krust's output differs from kubectl kustomize's"
        );
    }
}

#[test]
fn every_output_flag_form_writes_the_file() {
    let root = tree();
    let dir = root.path();
    let expected = krust(dir, "DIR").stdout;
    for line in [
        "DIR -o out.yaml",
        "DIR -o=out.yaml",
        "DIR -oout.yaml",
        "--output out.yaml DIR",
        "DIR --output=out.yaml",
    ] {
        let _ = fs::remove_file(dir.join("out.yaml"));
        let output = krust(dir, line);
        assert_eq!(output.status.code(), Some(0), "{line:?}: {output:?}");
        assert!(output.stdout.is_empty(), "{line:?} printed on stdout");
        let written = fs::read(dir.join("out.yaml")).unwrap();
        assert!(written == expected, "{line:?} wrote other bytes");
    }
    // kustomize takes an empty path as stdout.
    let output = krust(dir, "DIR --output=");
    assert!(output.status.success() && output.stdout == expected);
}
