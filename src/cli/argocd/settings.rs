//! `krust argocd generate`: the generate command of krust's ArgoCD config
//! management plugin.
//!
//! ArgoCD runs a plugin's generate command in the application's source
//! directory, with the application's settings in the environment:
//!
//! * plugin parameters (`spec.source.plugin.parameters`) as `PARAM_<NAME>`;
//! * plugin environment entries (`spec.source.plugin.env`) as
//!   `ARGOCD_ENV_<NAME>`;
//! * the build environment: `ARGOCD_APP_NAME`, `ARGOCD_APP_NAMESPACE`,
//!   `ARGOCD_APP_SOURCE_PATH`, `KUBE_VERSION`, `KUBE_API_VERSIONS`, ...
//!
//! [`generate_request`] turns that environment into a `krust build` command
//! line: which directory to build (the `path` parameter or `KRUST_PATH`
//! entry, relative to the application directory) and which build flags to
//! add (the `build-options` parameter or `KRUST_BUILD_OPTIONS` entry, split
//! on whitespace like ArgoCD's `kustomize.buildOptions`). As ArgoCD's own
//! kustomize integration does, it passes the cluster's Kubernetes version
//! and API versions to helm when helm is enabled. The application's name and
//! source path label error messages ([`AppContext`]); the destination
//! namespace is deliberately not applied: ArgoCD's kustomize integration does
//! not apply it either (it sets a namespace only from
//! `spec.source.kustomize.namespace`), and ArgoCD itself places resources
//! without a namespace in the destination namespace when it syncs.

use anyhow::{bail, Result};
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// Variables naming the directory to build, in order of precedence.
pub const PATH_VARIABLES: [&str; 2] = ["PARAM_PATH", "ARGOCD_ENV_KRUST_PATH"];

/// Variables holding extra `krust build` flags, in order of precedence.
pub const BUILD_OPTION_VARIABLES: [&str; 2] =
    ["PARAM_BUILD_OPTIONS", "ARGOCD_ENV_KRUST_BUILD_OPTIONS"];

/// Flags that would send the manifests somewhere other than stdout, where
/// ArgoCD reads them.
const OUTPUT_FLAGS: [&str; 2] = ["-o", "--output"];

/// The application a generate call is for, for error messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppContext {
    /// `ARGOCD_APP_NAME`.
    pub name: Option<String>,
    /// `ARGOCD_APP_SOURCE_PATH`: the application's path in its repository.
    pub source_path: Option<String>,
}

impl AppContext {
    /// The application named by ArgoCD's build environment.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> AppContext {
        AppContext {
            name: first_set(env, &["ARGOCD_APP_NAME"]),
            source_path: first_set(env, &["ARGOCD_APP_SOURCE_PATH"]),
        }
    }
}

/// The value of the first of `names` that is set and not empty.
fn first_set(env: &dyn Fn(&str) -> Option<String>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| env(n).filter(|v| !v.is_empty()))
}

impl fmt::Display for AppContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.name, &self.source_path) {
            (Some(name), Some(path)) => write!(f, "application {name} (path {path})"),
            (Some(name), None) => write!(f, "application {name}"),
            (None, Some(path)) => write!(f, "path {path}"),
            (None, None) => f.write_str("application"),
        }
    }
}

/// What to build, decided from the ArgoCD environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateRequest {
    /// The kustomization directory to build.
    pub dir: PathBuf,
    /// Flags for `krust build`, after the directory.
    pub build_flags: Vec<String>,
    /// The application, for messages.
    pub app: AppContext,
}

/// Reads the ArgoCD environment through `env` (a variable's value, or
/// `None` when unset or empty) and decides what to build below `app_dir`.
/// Fails on a path that leaves the application directory and on flags that
/// would redirect the output.
pub fn generate_request(
    app_dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<GenerateRequest> {
    let first = |names: &[&str]| first_set(env, names);
    let app = AppContext::from_env(env);
    let dir = match first(&PATH_VARIABLES) {
        Some(path) => contained_dir(app_dir, checked_relative_path(&path)?, &path)?,
        None => app_dir.to_path_buf(),
    };
    let mut build_flags: Vec<String> = first(&BUILD_OPTION_VARIABLES)
        .map(|options| options.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    if let Some(flag) = build_flags.iter().find(|f| redirects_output(f)) {
        bail!("build options may not contain {flag}: ArgoCD reads the manifests from stdout");
    }
    add_helm_cluster_versions(&mut build_flags, &first);
    Ok(GenerateRequest {
        dir,
        build_flags,
        app,
    })
}

/// The `path` parameter is user input: it must name a directory inside the
/// application's directory.
fn checked_relative_path(path: &str) -> Result<&Path> {
    let candidate = Path::new(path);
    let escapes = candidate
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if escapes {
        bail!(
            "path {path:?} must be relative and stay inside the application directory (no `..`, no leading `/`)"
        );
    }
    Ok(candidate)
}

/// `app_dir/relative`, refused when symbolic links take it outside
/// `app_dir` (the text check alone lets `link -> ../other` through). A path
/// that does not exist is left for the build to report.
fn contained_dir(app_dir: &Path, relative: &Path, written: &str) -> Result<PathBuf> {
    let joined = app_dir.join(relative);
    let (Ok(real), Ok(root)) = (joined.canonicalize(), app_dir.canonicalize()) else {
        return Ok(joined);
    };
    if !real.starts_with(&root) {
        bail!(
            "path {written:?} resolves through a symbolic link to {}, outside the application \
             directory",
            real.display()
        );
    }
    Ok(joined)
}

fn redirects_output(flag: &str) -> bool {
    OUTPUT_FLAGS.iter().any(|o| {
        flag == *o || flag.starts_with(&format!("{o}=")) || (o.len() == 2 && flag.starts_with(o))
    })
}

/// With helm enabled, tells helm the cluster's versions (`KUBE_VERSION`,
/// `KUBE_API_VERSIONS`) unless the options already do, as ArgoCD does for
/// its own kustomize builds. The options are read as `krust build` reads
/// them (`--enable-helm=false` does not enable helm); options it cannot
/// parse are left for the build to report.
fn add_helm_cluster_versions(flags: &mut Vec<String>, env: &dyn Fn(&[&str]) -> Option<String>) {
    let Ok(parsed) = crate::cli::build::parse_build_args(flags.iter()) else {
        return;
    };
    let parsed = parsed.flags;
    if !parsed.enable_helm {
        return;
    }
    let kube_version = parsed
        .helm_kube_version
        .is_none()
        .then(|| env(&["KUBE_VERSION"]))
        .flatten();
    let api_versions = parsed
        .helm_api_versions
        .is_empty()
        .then(|| env(&["KUBE_API_VERSIONS"]))
        .flatten();
    if let Some(version) = kube_version {
        flags.extend(["--helm-kube-version".to_string(), version]);
    }
    for version in api_versions.iter().flat_map(|v| v.split(',')) {
        if !version.is_empty() {
            flags.extend(["--helm-api-versions".to_string(), version.to_string()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn request(vars: &[(&str, &str)]) -> Result<GenerateRequest> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        generate_request(Path::new("app"), &|name| vars.get(name).cloned())
    }

    #[test]
    fn without_settings_the_application_directory_is_built() {
        let r = request(&[]).unwrap();
        assert_eq!(r.dir, PathBuf::from("app"));
        assert!(r.build_flags.is_empty());
        assert_eq!(r.app.to_string(), "application");
    }

    #[test]
    fn parameters_win_over_plugin_environment_entries() {
        let r = request(&[
            ("ARGOCD_ENV_KRUST_PATH", "overlays/staging"),
            ("PARAM_PATH", "overlays/production"),
            (
                "ARGOCD_ENV_KRUST_BUILD_OPTIONS",
                " --load-restrictor  LoadRestrictionsNone ",
            ),
        ])
        .unwrap();
        assert_eq!(r.dir, PathBuf::from("app/overlays/production"));
        assert_eq!(r.build_flags, ["--load-restrictor", "LoadRestrictionsNone"]);
    }

    #[test]
    fn paths_outside_the_application_are_rejected() {
        for path in ["../other", "/etc", "a/../../b"] {
            let err = request(&[("PARAM_PATH", path)]).unwrap_err();
            assert!(err.to_string().contains("must be relative"), "{err}");
        }
    }

    #[test]
    fn output_redirection_is_rejected() {
        for flag in ["-o", "--output", "--output=x", "-ox"] {
            let err = request(&[("PARAM_BUILD_OPTIONS", flag)]).unwrap_err();
            assert!(err.to_string().contains("may not contain"), "{err}");
        }
    }

    #[test]
    fn helm_builds_get_the_cluster_versions() {
        let r = request(&[
            ("PARAM_BUILD_OPTIONS", "--enable-helm"),
            ("KUBE_VERSION", "1.32.1"),
            ("KUBE_API_VERSIONS", "v1,apps/v1"),
        ])
        .unwrap();
        assert_eq!(
            r.build_flags,
            [
                "--enable-helm",
                "--helm-kube-version",
                "1.32.1",
                "--helm-api-versions",
                "v1",
                "--helm-api-versions",
                "apps/v1"
            ]
        );
        let r = request(&[
            (
                "PARAM_BUILD_OPTIONS",
                "--enable-helm --helm-kube-version=1.30.0",
            ),
            ("KUBE_VERSION", "1.32.1"),
        ])
        .unwrap();
        assert_eq!(
            r.build_flags,
            ["--enable-helm", "--helm-kube-version=1.30.0"]
        );
        let r = request(&[("KUBE_VERSION", "1.32.1")]).unwrap();
        assert!(r.build_flags.is_empty());
        for options in ["--enable-helm=false", "--enable_helm=0 --bogus"] {
            let r =
                request(&[("PARAM_BUILD_OPTIONS", options), ("KUBE_VERSION", "1.32.1")]).unwrap();
            assert_eq!(r.build_flags.join(" "), options);
        }
        let r = request(&[
            (
                "PARAM_BUILD_OPTIONS",
                "--enable-helm=true --helm-api-versions=v1",
            ),
            ("KUBE_VERSION", "1.32.1"),
            ("KUBE_API_VERSIONS", "apps/v1"),
        ])
        .unwrap();
        assert_eq!(
            r.build_flags.join(" "),
            "--enable-helm=true --helm-api-versions=v1 --helm-kube-version 1.32.1"
        );
    }

    #[test]
    fn the_application_labels_messages() {
        let r = request(&[
            ("ARGOCD_APP_NAME", "shop-prod"),
            (
                "ARGOCD_APP_SOURCE_PATH",
                "deployments/shop/overlays/production",
            ),
        ])
        .unwrap();
        assert_eq!(
            r.app.to_string(),
            "application shop-prod (path deployments/shop/overlays/production)"
        );
    }
}
