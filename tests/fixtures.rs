//! Runs `krust build` on every case under `fixtures/` and compares the result
//! with the committed expectation: stdout byte for byte for `expected.yaml`
//! cases; for `expected-error.txt` cases a failing exit, empty stdout and
//! exactly the recorded message on stderr.
//!
//! All fixtures are checked before failing, and the failure message lists
//! every mismatch with a short diff. Set `KRUST_FIXTURES_FILTER=name` to run
//! a subset. Expected output comes from `tools/regen-fixtures` (kustomize);
//! expected messages are krust's own: after changing one on purpose, record
//! them with `KRUST_BLESS=1 cargo test --test fixtures` and review the diff.

mod common;

use common::{
    last_stderr_line, load_fixtures, normalize_stderr, repo_root, run_krust_build, short_diff,
    Expectation, Fixture,
};

/// Checks one fixture; returns a description of the mismatch, if any.
fn check_fixture(fixture: &Fixture) -> Option<String> {
    let output = run_krust_build(&fixture.build_dir, &fixture.args);
    match &fixture.expectation {
        Expectation::Output(expected) => {
            if !output.status.success() {
                return Some(format!(
                    "{}: expected success, got {} ({})",
                    fixture.name,
                    output.status,
                    last_stderr_line(&output)
                ));
            }
            if &output.stdout != expected {
                return Some(format!(
                    "{}: output differs from expected.yaml\n{}",
                    fixture.name,
                    short_diff(expected, &output.stdout)
                ));
            }
            None
        }
        Expectation::Error(message) => {
            if output.status.code() != Some(1) {
                return Some(format!(
                    "{}: expected exit code 1, got {}",
                    fixture.name, output.status
                ));
            }
            if !output.stdout.is_empty() {
                return Some(format!(
                    "{}: failing build printed {} bytes on stdout",
                    fixture.name,
                    output.stdout.len()
                ));
            }
            let actual = normalize_stderr(&output.stderr);
            if &actual == message {
                return None;
            }
            if std::env::var_os("KRUST_BLESS").is_some() {
                let file = repo_root()
                    .join("fixtures")
                    .join(&fixture.name)
                    .join("expected-error.txt");
                std::fs::write(&file, &actual).expect("expected-error.txt is writable");
                return None;
            }
            Some(format!(
                "{}: error message differs from expected-error.txt\n{}",
                fixture.name,
                short_diff(message.as_bytes(), actual.as_bytes())
            ))
        }
    }
}

#[test]
fn every_fixture_builds_as_expected() {
    let fixtures = load_fixtures();
    assert!(
        !fixtures.is_empty(),
        "no fixtures found (filter too narrow?)"
    );
    let failures: Vec<String> = fixtures.iter().filter_map(check_fixture).collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n")
    );
}

#[test]
fn fixture_set_covers_successes_and_errors() {
    let fixtures = load_fixtures();
    if std::env::var_os("KRUST_FIXTURES_FILTER").is_some() {
        return;
    }
    let errors = fixtures
        .iter()
        .filter(|f| matches!(f.expectation, Expectation::Error(_)))
        .count();
    assert!(
        errors >= 3,
        "expected several error fixtures, found {errors}"
    );
    assert!(
        fixtures.len() - errors >= 15,
        "expected at least 15 output fixtures"
    );
}

/// The recorded messages themselves keep their promises, so that recording
/// a worse message with `KRUST_BLESS` fails too: a schema error names file,
/// line, column and field path; a misspelt field gets a suggestion; a
/// failure in a nested kustomization lists the way it was reached.
#[test]
fn schema_error_messages_point_at_the_field() {
    let fixtures = load_fixtures();
    let message = |name: &str| {
        fixtures
            .iter()
            .find(|f| f.name == name)
            .map(|f| match &f.expectation {
                Expectation::Error(text) => text.clone(),
                Expectation::Output(_) => panic!("{name} should be an error fixture"),
            })
    };
    let cases = [
        (
            "error-schema-string",
            "/kustomization.yaml:5:11: ",
            "images[0].newTag: expected a string",
        ),
        (
            "error-schema-integer",
            "/kustomization.yaml:5:10: ",
            "replicas[0].count: expected an integer",
        ),
        (
            "error-unknown-field-typo",
            "/kustomization.yaml:3:1: ",
            "did you mean commonLabels?",
        ),
        (
            "error-nested-chain",
            "pinned/kustomization.yaml:5:3: ",
            "unknown field images[0].newTagg",
        ),
    ];
    for (name, location, what) in cases {
        let Some(text) = message(name) else {
            continue; // filtered out
        };
        assert!(
            text.contains(location),
            "{name}: no file:line:col in {text:?}"
        );
        assert!(
            text.contains(what),
            "{name}: {what:?} missing from {text:?}"
        );
    }
    if let Some(text) = message("error-nested-chain") {
        let links: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(
            links,
            [
                "  in components entry '../components/pinned' of fixtures/error-nested-chain/input/base/kustomization.yaml",
                "  in resources entry '../base' of fixtures/error-nested-chain/input/overlay/kustomization.yaml",
            ],
            "{text}"
        );
    }
}
