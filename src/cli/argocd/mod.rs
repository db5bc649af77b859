//! `krust argocd generate`: the command ArgoCD runs as a config management
//! plugin (the settings are read by [`settings`]).

pub mod settings;

use super::build::{parse_build_args, run_build};
use super::{exit_status, fail};
use std::path::Path;
use std::process::ExitCode;

/// Runs the generate command for the application in `dir`: exit 0 with
/// manifests on stdout, 1 when the build fails, 2 when the plugin settings
/// are invalid; every message on stderr names the application.
pub fn run_generate(dir: &Path) -> ExitCode {
    let env = |name: &str| std::env::var(name).ok();
    let app = &settings::AppContext::from_env(&env);
    let request = match settings::generate_request(dir, &env) {
        Ok(request) => request,
        Err(err) => {
            let err = err.context(format!("{app}: invalid krust plugin settings"));
            return fail(&err, 2);
        }
    };
    let mut words = vec![request.dir.clone().into_os_string()];
    words.extend(request.build_flags.iter().map(Into::into));
    let args = match parse_build_args(words) {
        Ok(args) => args,
        Err(err) => {
            // clap's first line says what is wrong; the rest is usage advice
            // for a command line the user did not type.
            let rendered = err.render().to_string();
            let reason = rendered.lines().next().unwrap_or_default();
            let reason = reason.strip_prefix("error: ").unwrap_or(reason);
            let options = request.build_flags.join(" ");
            eprintln!("Error: {app}: invalid build options {options:?}: {reason}");
            return ExitCode::from(2);
        }
    };
    exit_status(run_build(&args).map_err(|err| err.context(app.to_string())))
}

/// The settings part of `krust argocd generate --help`.
pub const GENERATE_HELP: &str = "\
Settings (plugin parameter, else plugin env entry):
  path            / ARGOCD_ENV_KRUST_PATH           directory to build, relative to DIR
  build-options   / ARGOCD_ENV_KRUST_BUILD_OPTIONS  extra `krust build` flags
ARGOCD_APP_NAME and ARGOCD_APP_SOURCE_PATH label error messages; with
--enable-helm, KUBE_VERSION and KUBE_API_VERSIONS are passed on to helm.
Exit status: 0 manifests printed, 1 build failed, 2 invalid settings.

Examples:
  # what the plugin's generate command runs, in the application directory
  ARGOCD_APP_NAME=shop-prod PARAM_PATH=overlays/production krust argocd generate
  # build options as ArgoCD's kustomize.buildOptions spells them
  ARGOCD_ENV_KRUST_BUILD_OPTIONS='--enable-helm=true --load-restrictor=LoadRestrictionsNone' \\
    krust argocd generate";
