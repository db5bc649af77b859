//! Build warnings: everything a build tells the user on stderr without
//! failing. All of them travel in [`crate::build::Built::warnings`], in the
//! order they arose, and the command line prints them.
//!
//! Some warnings are kustomize's own (deprecated fields, vars nothing
//! referenced); others point at inputs that had no effect where kustomize
//! stays silent: a patch whose target selects no resource, an exec KRM
//! function that did not run because `--enable-exec` was not given. With
//! `--strict` those fail the build ([`check_strict`]).

use anyhow::{bail, Result};
use std::fmt;
use std::path::Path;

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    /// A deprecated field or setting; kustomize prints these too.
    Deprecated,
    /// Part of the input had no effect: likely a mistake. `--strict` makes
    /// these errors.
    NoEffect,
    /// Information about the build (such as resources left encrypted).
    Note,
}

/// One warning, printed as its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// The text, as printed.
    pub message: String,
}

impl Warning {
    /// A deprecation warning, worded as kustomize words it.
    pub fn deprecated(message: impl Into<String>) -> Warning {
        Warning {
            kind: WarningKind::Deprecated,
            message: message.into(),
        }
    }

    /// A note about the build.
    pub fn note(message: impl Into<String>) -> Warning {
        Warning {
            kind: WarningKind::Note,
            message: message.into(),
        }
    }

    /// Something in the kustomization `file` had no effect: `what`.
    pub fn no_effect(file: &Path, what: &str) -> Warning {
        Warning {
            kind: WarningKind::NoEffect,
            message: format!("warning: {}: {what}", file.display()),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// With `strict`, fails when any warning says part of the input had no
/// effect, listing them all.
pub fn check_strict(warnings: &[Warning], strict: bool) -> Result<()> {
    if !strict {
        return Ok(());
    }
    let no_effect: Vec<&str> = warnings
        .iter()
        .filter(|w| w.kind == WarningKind::NoEffect)
        .map(|w| w.message.strip_prefix("warning: ").unwrap_or(&w.message))
        .collect();
    if no_effect.is_empty() {
        return Ok(());
    }
    bail!(
        "--strict: {} part(s) of the input had no effect:\n  {}",
        no_effect.len(),
        no_effect.join("\n  ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_no_effect_warnings_fail_strict_builds() {
        let warnings = vec![
            Warning::deprecated("# Warning: 'bases' is deprecated."),
            Warning::note("note: 1 encrypted resource"),
            Warning::no_effect(Path::new("k/kustomization.yaml"), "patch selects nothing"),
        ];
        assert_eq!(
            warnings[2].to_string(),
            "warning: k/kustomization.yaml: patch selects nothing"
        );
        assert!(check_strict(&warnings, false).is_ok());
        let err = check_strict(&warnings, true).unwrap_err().to_string();
        assert_eq!(
            err,
            "--strict: 1 part(s) of the input had no effect:\n  k/kustomization.yaml: patch selects nothing"
        );
        assert!(check_strict(&warnings[..2], true).is_ok());
    }
}
