//! `krust build`: its arguments, the build flags it shares with
//! `krust render` and the ArgoCD plugin, and the command itself.

use super::pflag;
use crate::build::{BuildOptions, ContainerOptions, PluginOptions};
use crate::generate::helm::HelmOptions;
use crate::load::LoadRestrictor;
use crate::order::Reorder;
use anyhow::{bail, Context, Result};
use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Command, FromArgMatches};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The arguments of `krust build` (and of kustomize's `build`).
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Directory holding a kustomization file.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Where to write the output: a file, or an existing directory for one
    /// file per resource. Default (or empty): stdout.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<OsString>,
    /// Everything that changes what is built.
    #[command(flatten)]
    pub flags: BuildFlags,
}

/// The flags that change what a build produces, named as kustomize names
/// them.
#[derive(Debug, Clone, Args)]
pub struct BuildFlags {
    /// Whether files must lie in or below the kustomization's directory.
    #[arg(long, value_name = "RESTRICTION", default_value = "LoadRestrictionsRootOnly",
          value_parser = RESTRICTOR)]
    pub load_restrictor: String,
    /// Resource order: `legacy` sorts by kind, `none` keeps the input
    /// order. A kustomization's `sortOptions` takes precedence (the flag is
    /// deprecated in kustomize). [default: legacy]
    #[arg(long, value_name = "ORDER",
          value_parser = REORDER)]
    pub reorder: Option<String>,
    /// Enable generators and transformers that are not builtin plugins.
    #[arg(long)]
    pub enable_alpha_plugins: bool,
    /// Enable exec KRM functions (needs --enable-alpha-plugins).
    #[arg(long)]
    pub enable_exec: bool,
    /// Enable the helm chart inflator (`helmCharts`).
    #[arg(long)]
    pub enable_helm: bool,
    /// Helm command (path to executable).
    #[arg(long, value_name = "COMMAND")]
    pub helm_command: Option<String>,
    /// Kubernetes version used by helm for Capabilities.KubeVersion.
    #[arg(long, value_name = "VERSION")]
    pub helm_kube_version: Option<String>,
    /// Kubernetes api versions used by helm for Capabilities.APIVersions.
    #[arg(long, value_name = "VERSIONS", value_delimiter = ',')]
    pub helm_api_versions: Vec<String>,
    /// Enable debug output from the helm chart inflator.
    #[arg(long)]
    pub helm_debug: bool,
    /// Environment variables for functions: NAME=value, or NAME to pass
    /// the current value.
    #[arg(short = 'e', long = "env", value_name = "ENV")]
    pub env: Vec<String>,
    /// Storage mounts for container functions (accepted; krust runs no
    /// container functions).
    #[arg(long = "mount", value_name = "MOUNT")]
    pub mount: Vec<String>,
    /// Let container functions that declare it use the network (accepted).
    #[arg(long)]
    pub network: bool,
    /// The docker network for container functions (accepted).
    #[arg(long, value_name = "NAME", default_value = "bridge")]
    pub network_name: String,
    /// Run container functions as the current user (accepted).
    #[arg(long)]
    pub as_current_user: bool,
    /// Add the label app.kubernetes.io/managed-by to every resource (also
    /// KUSTOMIZE_ENABLE_MANAGEDBY_LABEL=on). Deprecated in kustomize, which
    /// notes the flag whenever it is given, even as `=false`.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", value_parser = pflag::parse_bool)]
    pub enable_managedby_label: Option<bool>,
    /// Build remote bases and files from the cache only, without network
    /// access (also KRUST_OFFLINE=1).
    #[arg(long)]
    pub offline: bool,
    /// Decrypt resources that carry SOPS metadata (also KRUST_DECRYPT=1).
    #[arg(long)]
    pub decrypt: bool,
    /// The most bytes one input file may hold (also KRUST_MAX_INPUT_BYTES;
    /// default 256 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_input_bytes: Option<u64>,
    /// SOPS-encrypted secretGenerator sources: `decrypt` them (the default;
    /// a file that cannot be decrypted fails the build) or `passthrough`:
    /// use them as they are, ciphertext and all, as kustomize does.
    #[arg(
        long,
        value_name = "MODE",
        value_enum,
        default_value = "decrypt",
        conflicts_with = "decrypt"
    )]
    pub sops: SopsMode,
    /// Fail on warnings about inputs that had no effect (a patch whose
    /// target matches nothing, an exec function skipped without
    /// --enable-exec).
    #[arg(long)]
    pub strict: bool,
}

const RESTRICTOR: Choice = Choice {
    values: &["LoadRestrictionsRootOnly", "LoadRestrictionsNone"],
    empty_allowed: true,
};
const REORDER: Choice = Choice {
    values: &["legacy", "none"],
    empty_allowed: false,
};

/// One of a fixed set of words, shown in help and offered by completions.
/// As in kustomize, the value is checked once the command line is read
/// ([`BuildFlags::options`]): of `--reorder bad --reorder none`, the last
/// wins and the line is fine.
#[derive(Clone)]
struct Choice {
    values: &'static [&'static str],
    /// kustomize takes an empty `--load-restrictor=` as the default.
    empty_allowed: bool,
}

impl Choice {
    /// kustomize's check of a flag's final value.
    fn check(&self, flag: &str, value: &str) -> Result<()> {
        if self.values.contains(&value) || (self.empty_allowed && value.is_empty()) {
            return Ok(());
        }
        bail!(
            "illegal flag value --{flag} {value}; legal values: [{}]",
            self.values.join(" ")
        )
    }
}

impl TypedValueParser for Choice {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.values.iter().map(PossibleValue::new)))
    }
}

/// What `--sops` does with SOPS-encrypted generator sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SopsMode {
    /// Decrypt them; fail when that is not possible.
    #[default]
    Decrypt,
    /// Use them untouched, as kustomize does.
    Passthrough,
}

impl BuildFlags {
    /// The library's build options for these flags; `env` reads the
    /// environment variables that stand in for flags. Fails on a value
    /// kustomize does not accept.
    pub fn options(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<BuildOptions> {
        RESTRICTOR.check("load-restrictor", &self.load_restrictor)?;
        if let Some(reorder) = &self.reorder {
            REORDER.check("reorder", reorder)?;
        }
        if let Some(limit) = self.max_input_bytes {
            // A process-wide setting: every reader of input files, deep in
            // the build, checks it.
            crate::load::set_max_input_bytes(limit);
        }
        Ok(BuildOptions {
            load_restrictor: match self.load_restrictor.as_str() {
                "LoadRestrictionsNone" => LoadRestrictor::None,
                _ => LoadRestrictor::RootOnly,
            },
            reorder: match self.reorder.as_deref() {
                None => Reorder::Unspecified,
                Some("none") => Reorder::None,
                Some(_) => Reorder::Legacy,
            },
            plugins: PluginOptions {
                enable_alpha_plugins: self.enable_alpha_plugins,
                enable_exec: self.enable_exec,
                helm: HelmOptions {
                    enabled: self.enable_helm,
                    command: self.helm_command.clone(),
                    kube_version: self.helm_kube_version.clone(),
                    api_versions: self.helm_api_versions.clone(),
                    debug: self.helm_debug,
                },
                function_env: self.env.clone(),
                container: ContainerOptions {
                    mounts: self.mount.clone(),
                    network: self.network,
                    network_name: self.network_name.clone(),
                    as_current_user: self.as_current_user,
                },
                sops_passthrough: self.sops == SopsMode::Passthrough,
            },
            managed_by_label: self.enable_managedby_label == Some(true)
                || env("KUSTOMIZE_ENABLE_MANAGEDBY_LABEL").is_some_and(|v| v == "on"),
            decrypt: self.decrypt || env("KRUST_DECRYPT").is_some_and(|v| v == "1"),
            remote: crate::remote::RemoteOptions {
                offline: self.offline,
                cache_dir: None,
            },
            strict: self.strict,
        })
    }

    /// The notes kustomize prints for deprecated flags that were given
    /// (with any value).
    pub fn deprecation_notes(&self) -> Vec<&'static str> {
        let mut notes = Vec::new();
        if self.reorder.is_some() {
            notes.push(
                "Flag --reorder has been deprecated, use the new 'sortOptions' field in kustomization.yaml instead.",
            );
        }
        if self.enable_managedby_label.is_some() {
            notes.push(
                "Flag --enable-managedby-label has been deprecated, The flag `enable-managedby-label` has been deprecated. Use the `managedByLabel` option in the `buildMetadata` field instead.",
            );
        }
        notes
    }
}

/// The process environment, for [`BuildFlags::options`].
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Parses `words` (the words after `build`) as `krust build` does.
pub fn parse_build_args<I, T>(words: I) -> Result<BuildArgs, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let command = pflag::go_style(BuildArgs::augment_args(Command::new("build")));
    let argv = std::iter::once(OsString::from("build")).chain(words.into_iter().map(Into::into));
    BuildArgs::from_arg_matches(&command.try_get_matches_from(argv)?)
}

/// `krust build`: builds, prints the warnings on stderr, and writes the
/// output to stdout, a file, or one file per resource in a directory.
pub fn run_build(args: &BuildArgs) -> Result<()> {
    for note in args.flags.deprecation_notes() {
        eprintln!("{note}");
    }
    let options = args.flags.options(&process_env)?;
    let built = crate::build::build_with_warnings(&args.dir, &options)?;
    for warning in &built.warnings {
        eprintln!("{}", crate::sensitive::scrub(&warning.to_string()));
    }
    match args
        .output
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(Path::new)
    {
        Some(path) if path.is_dir() => {
            crate::output::write_individual_files(built.resources, path)?;
        }
        Some(path) => {
            let docs = crate::output::render_documents(built.resources)?;
            write_documents_to_file(path, &docs)?;
            // Freeing every document takes time and the process ends next.
            std::mem::forget(docs);
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            crate::output::write_stream(built.resources, &mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}

/// Writes a build's documents to `path`, created only once all of them
/// printed.
fn write_documents_to_file(path: &Path, docs: &[String]) -> Result<()> {
    let write = || -> std::io::Result<()> {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(path)?);
        crate::output::write_documents(docs, &mut out)?;
        out.flush()
    };
    write().with_context(|| format!("writing {}", path.display()))
}

/// The examples at the end of `krust build --help`.
pub const EXAMPLES: &str = "\
Examples:
  krust build deployments/example/overlays/production
  krust build . --load-restrictor LoadRestrictionsNone
  krust build overlays/prod --enable-helm=true    # kustomize's flag forms work
  krust build overlays/prod --strict              # a patch that matches nothing fails
  krust build overlays/prod -o out/               # one file per resource
  krust build overlays/prod | kubectl apply -f -";

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> BuildArgs {
        parse_build_args(words).unwrap_or_else(|e| panic!("{words:?}: {e}"))
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn kustomize_flag_forms_set_the_options() {
        let parsed = parse(&[
            "--enable-helm=true",
            "dir",
            "--enable-alpha-plugins=1",
            "--enable-exec",
            "--load-restrictor=LoadRestrictionsNone",
            "--reorder",
            "none",
            "--helm-api-versions=v1,apps/v1",
        ]);
        assert_eq!(parsed.dir, PathBuf::from("dir"));
        let options = parsed.flags.options(&no_env).unwrap();
        assert!(options.plugins.helm.enabled);
        assert!(options.plugins.enable_alpha_plugins);
        assert!(options.plugins.enable_exec);
        assert_eq!(options.load_restrictor, LoadRestrictor::None);
        assert_eq!(options.reorder, Reorder::None);
        assert_eq!(options.plugins.helm.api_versions, ["v1", "apps/v1"]);
    }

    #[test]
    fn defaults_and_empty_values() {
        let parsed = parse(&["--load-restrictor=", "--output="]);
        let options = parsed.flags.options(&no_env).unwrap();
        assert_eq!(options.load_restrictor, LoadRestrictor::RootOnly);
        assert_eq!(options.reorder, Reorder::Unspecified);
        assert!(!options.managed_by_label && !options.strict);
        for bad in [&["--reorder="][..], &["--load-restrictor=none"]] {
            let err = parse(bad).flags.options(&no_env).unwrap_err();
            assert!(
                err.to_string().starts_with("illegal flag value --"),
                "{err}"
            );
        }
        let last_wins = parse(&["--reorder", "bad", "--reorder=none"]);
        assert_eq!(
            last_wins.flags.options(&no_env).unwrap().reorder,
            Reorder::None
        );
    }

    #[test]
    fn deprecated_flags_are_noted_even_when_false() {
        let parsed = parse(&["--enable-managedby-label=false", "--reorder=legacy"]);
        assert_eq!(parsed.flags.deprecation_notes().len(), 2);
        assert!(!parsed.flags.options(&no_env).unwrap().managed_by_label);
        let parsed = parse(&[]);
        assert!(parsed.flags.deprecation_notes().is_empty());
    }

    #[test]
    fn environment_variables_stand_in_for_flags() {
        let env = |name: &str| match name {
            "KUSTOMIZE_ENABLE_MANAGEDBY_LABEL" => Some("on".to_string()),
            "KRUST_DECRYPT" => Some("1".to_string()),
            _ => None,
        };
        let options = parse(&[]).flags.options(&env).unwrap();
        assert!(options.managed_by_label && options.decrypt);
    }
}
