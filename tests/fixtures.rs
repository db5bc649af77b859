//! Runs `krust build` on every case under `fixtures/` and compares the result
//! with the committed expectation: stdout byte for byte for `expected.yaml`
//! cases, a failing exit with empty stdout for `expected-error.txt` cases.
//!
//! All fixtures are checked before failing, and the failure message lists
//! every mismatch with a short diff. Set `KRUST_FIXTURES_FILTER=name` to run
//! a subset. Expectations come from `tools/regen-fixtures`.

mod common;

use common::{last_stderr_line, load_fixtures, run_krust_build, short_diff, Expectation, Fixture};

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
        Expectation::Error => {
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
            if output.stderr.is_empty() {
                return Some(format!(
                    "{}: failing build printed no diagnostic",
                    fixture.name
                ));
            }
            None
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
        .filter(|f| matches!(f.expectation, Expectation::Error))
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
