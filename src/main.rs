//! The `krust` command line: a thin clap layer over the `krust` library.

use anyhow::Result;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use krust::cli::build::BuildArgs;
use krust::cli::render::RenderArgs;
use krust::cli::{exit_status, fail, is_broken_pipe, usage_error, write_stdout};
use krust::diff::cli::DiffArgs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// mimalloc: the build allocates many small strings and maps from several
/// threads at once, where glibc's allocator spends much of its time growing
/// per-thread arenas.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tells mimalloc to hand freed pages back to the system after a short
/// delay and to commit its arenas as they fill rather than up front, and
/// switches off transparent huge pages (a page touched once would keep 2 MB
/// resident). A build frees a lot between stages (file text, parse
/// scratch, transient indexes); mimalloc's default delay (10 ms, 100 ms
/// for arena blocks) keeps about 20 MB more resident on the 10 MB
/// benchmark tree. Purging at once (delay 0) costs the other way: a tree
/// of many small resources frees and refills the same pages constantly,
/// and refaulting them was a sixth of its CPU time. A 2 ms delay (20 ms
/// for arena blocks) removes three quarters of those faults at the same
/// peak on that tree; a few large documents keep one more freed block
/// resident for a while (about 6 MB more on 8 MB of CRDs).
///
/// On Linux this runs as an ELF initialiser, before the Rust runtime's
/// first allocation makes mimalloc reserve its first arena; elsewhere it
/// runs first thing in `main`.
#[cfg(feature = "mimalloc")]
extern "C" fn tune_allocator() {
    // Numbers of `mi_option_t` in mimalloc.h. The enum only ever grows
    // (retired options keep their slots), and the sys crate names neither.
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option is a plain store in mimalloc's option table,
    // allowed at any time.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 2);
    }
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and only changes how
    // later page faults of this process are served.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(all(feature = "mimalloc", target_os = "linux"))]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_ALLOCATOR_EARLY: extern "C" fn() = tune_allocator;

/// Where the initialiser above cannot run, tune as early as `main` can.
fn tune_allocator_late() {
    #[cfg(all(feature = "mimalloc", not(target_os = "linux")))]
    tune_allocator();
}

/// The kustomize release whose output krust reproduces.
const KUSTOMIZE_VERSION: &str = "v5.5.0";

#[derive(Parser)]
#[command(
    name = "krust",
    version,
    about = "Kustomize-compatible Kubernetes manifest renderer",
    long_about = "Renders kustomize trees byte-for-byte like kustomize v5, much faster.",
    after_help = MAIN_EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a kustomization target from a directory.
    #[command(after_help = krust::cli::build::EXAMPLES)]
    Build(BuildArgs),
    /// Edit the kustomization file in the current directory.
    #[command(after_help = krust::edit::cli::EDIT_EXAMPLES)]
    Edit(krust::edit::cli::EditArgs),
    /// Create a new kustomization in the current directory.
    #[command(alias = "init", after_help = krust::edit::cli::CREATE_EXAMPLES)]
    Create(krust::edit::cli::CreateArgs),
    /// Render many kustomization directories in parallel, one file each.
    #[command(after_help = krust::cli::render::EXAMPLES)]
    Render(RenderArgs),
    /// Compare two renders resource by resource (exit 0: same, 1: different, 2: error).
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Commands for running krust inside ArgoCD (docs/argocd.md).
    #[command(subcommand, after_help = ARGOCD_EXAMPLES)]
    Argocd(ArgocdCommand),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command.
    #[command(after_help = MAN_EXAMPLES)]
    Man {
        /// Write krust.1 and krust-<command>.1 files into this directory
        /// instead of printing krust.1.
        #[arg(long, value_name = "DIR")]
        output_dir: Option<PathBuf>,
    },
    /// Copy a kustomization tree with its remote bases into local files.
    #[command(after_help = LOCALIZE_EXAMPLES)]
    Localize(LocalizeArgs),
    /// Show or clean the cache of remote bases and files.
    #[command(subcommand, after_help = CACHE_EXAMPLES)]
    Cache(CacheCommand),
    /// Print the version.
    #[command(after_help = VERSION_EXAMPLES)]
    Version {
        /// Short form, as `kustomize version --short` prints it.
        #[arg(long)]
        short: bool,
    },
}

/// The command line with `build` as its only subcommand (with the same
/// attributes as in [`Cli`]), parsed when `build` is the first argument:
/// building every other subcommand's arguments and help texts was a tenth
/// of the time of a small build, which CI pipelines run by the hundred.
#[derive(Parser)]
#[command(
    name = "krust",
    version,
    about = "Kustomize-compatible Kubernetes manifest renderer",
    long_about = "Renders kustomize trees byte-for-byte like kustomize v5, much faster.",
    after_help = MAIN_EXAMPLES
)]
struct BuildCli {
    #[command(subcommand)]
    command: BuildOnly,
}

/// [`Command::Build`] alone.
#[derive(Subcommand)]
enum BuildOnly {
    /// Build a kustomization target from a directory.
    #[command(after_help = krust::cli::build::EXAMPLES)]
    Build(BuildArgs),
}

/// Parses the command line of `args` (program name first), building only
/// the `build` subcommand when that is the one named. Every command takes
/// pflag's flag forms (`--flag=false`), as kustomize's.
fn parse_cli<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let go_style = krust::cli::pflag::go_style;
    if args.get(1).is_some_and(|a| a == "build") {
        let matches = go_style(BuildCli::command()).try_get_matches_from(args)?;
        let BuildOnly::Build(build) = BuildCli::from_arg_matches(&matches)?.command;
        return Ok(Cli {
            command: Command::Build(build),
        });
    }
    let matches = go_style(Cli::command()).try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

#[derive(clap::Args)]
struct LocalizeArgs {
    /// The kustomization directory, or a repository URL with a ref.
    #[arg(default_value = ".")]
    target: String,
    /// Where to write the copy (must not exist); default
    /// localized-<target>[-<ref>].
    new_dir: Option<PathBuf>,
    /// The directory local references may not leave (default: the target).
    #[arg(long, value_name = "DIR")]
    scope: Option<PathBuf>,
    /// Do not build the copy and the original to compare them.
    #[arg(long)]
    no_verify: bool,
    /// Use only the cache for remote content.
    #[arg(long)]
    offline: bool,
}

const LOCALIZE_EXAMPLES: &str = "\
Examples:
  krust localize overlays/prod vendored-prod
  krust localize overlays/prod out --scope .      # copy ../base too
  krust localize 'https://github.com/org/repo//deploy?ref=v1.2.0'";

/// `krust cache` subcommands.
#[derive(Subcommand)]
enum CacheCommand {
    /// Print the cache directory.
    #[command(after_help = CACHE_DIR_EXAMPLES)]
    Dir,
    /// List the cached repository trees (commit, size, URL).
    #[command(after_help = CACHE_LIST_EXAMPLES)]
    List,
    /// Remove cached content unused for some days (default 30), or all.
    #[command(after_help = CACHE_PRUNE_EXAMPLES)]
    Prune {
        /// Remove everything.
        #[arg(long)]
        all: bool,
        /// Remove what was not used for this many days.
        #[arg(
            long,
            value_name = "DAYS",
            default_value_t = 30,
            conflicts_with = "all"
        )]
        unused_days: u64,
    },
}

const CACHE_DIR_EXAMPLES: &str = "\
Examples:
  krust cache dir                       # $KRUST_CACHE_DIR, $XDG_CACHE_HOME/krust or ~/.cache/krust
  du -sh \"$(krust cache dir)\"";

const CACHE_LIST_EXAMPLES: &str = "\
Examples:
  krust cache list                      # commit, size and URL of each cached tree";

const CACHE_PRUNE_EXAMPLES: &str = "\
Examples:
  krust cache prune                     # drop what no build used for 30 days
  krust cache prune --unused-days 7
  krust cache prune --all               # empty the cache";

const CACHE_EXAMPLES: &str = "\
Examples:
  krust cache dir                      # where remote bases are cached
  krust cache list                     # what is cached
  krust cache prune --unused-days 7    # drop what no build used for a week
  KRUST_CACHE_DIR=/tmp/c krust build . # use another cache";

fn main() -> ExitCode {
    tune_allocator_late();
    let cli = match parse_cli(std::env::args_os()) {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err, usage_error_status()),
    };
    let result = match cli.command {
        Command::Argocd(ArgocdCommand::Generate { dir }) => {
            return krust::cli::argocd::run_generate(&dir)
        }
        Command::Completions { shell } => print_completions(shell),
        Command::Man { output_dir } => print_man(output_dir.as_deref()),
        Command::Build(args) => krust::cli::build::run_build(&args),
        Command::Render(args) => krust::cli::render::run_render(&args),
        Command::Diff(args) => return run_diff(&args).unwrap_or_else(|err| fail(&err, 2)),
        Command::Version { short } => print_version(short),
        Command::Cache(command) => run_cache(&command),
        Command::Localize(args) => run_localize(&args),
        Command::Edit(args) => args.run(Path::new(".")),
        Command::Create(args) => args.run(Path::new(".")),
    };
    exit_status(result)
}

/// The exit status of a command line that does not parse: 1, as kubectl
/// and kustomize exit, except for `diff`, whose 1 means "different".
fn usage_error_status() -> u8 {
    match std::env::args().nth(1).as_deref() {
        Some("diff") => 2,
        _ => 1,
    }
}

fn run_diff(args: &DiffArgs) -> Result<ExitCode> {
    let outcome = args.run()?;
    let code = ExitCode::from(u8::from(outcome.differs));
    match write_stdout(&outcome.text) {
        Err(err) if !is_broken_pipe(&err) => Err(err),
        _ => Ok(code),
    }
}

fn run_localize(args: &LocalizeArgs) -> Result<()> {
    let options = krust::localize::LocalizeOptions {
        target: args.target.clone(),
        new_dir: args.new_dir.clone(),
        scope: args.scope.clone(),
        verify: !args.no_verify,
        remote: krust::build::RemoteOptions {
            offline: args.offline,
            cache_dir: None,
        },
    };
    let dir = krust::localize::localize(&options)?;
    eprintln!(
        "SUCCESS: localized \"{}\" to directory {}",
        args.target,
        dir.display()
    );
    Ok(())
}

fn run_cache(command: &CacheCommand) -> Result<()> {
    use krust::cache;
    let dir = cache::cache_dir()?;
    let lines = match command {
        CacheCommand::Dir => vec![dir.display().to_string()],
        CacheCommand::List => cache::list_lines(&dir)?,
        CacheCommand::Prune { all, unused_days } => {
            let age = (!all).then(|| std::time::Duration::from_secs(unused_days * 86_400));
            let pruned = cache::prune(&dir, age)?;
            eprintln!(
                "removed {} tree(s) and {} other file(s) from {}",
                pruned.trees,
                pruned.files,
                dir.display()
            );
            Vec::new()
        }
    };
    lines
        .iter()
        .try_for_each(|line| write_stdout(&format!("{line}\n")))
}

fn print_version(short: bool) -> Result<()> {
    let krust = env!("CARGO_PKG_VERSION");
    let line = if short {
        format!("{{kustomize/{KUSTOMIZE_VERSION}  krust/{krust}   }}")
    } else {
        format!("{KUSTOMIZE_VERSION} (krust {krust})")
    };
    write_stdout(&format!("{line}\n"))
}

#[derive(Subcommand)]
enum ArgocdCommand {
    /// Print the manifests of the application in DIR (the plugin's generate
    /// command; settings come from ARGOCD_ENV_KRUST_* and PARAM_*).
    #[command(after_help = krust::cli::argocd::GENERATE_HELP)]
    Generate {
        /// The application's source directory (ArgoCD runs the command there).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

/// The whole command tree, as the parser sees it (for completions and
/// manual pages).
fn cli_command() -> clap::Command {
    krust::cli::pflag::go_style(Cli::command())
}

fn print_completions(shell: clap_complete::Shell) -> Result<()> {
    let mut command = cli_command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "krust", &mut script);
    write_stdout(&String::from_utf8_lossy(&script))
}

fn print_man(output_dir: Option<&Path>) -> Result<()> {
    let command = cli_command();
    match output_dir {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(command, dir))
            .map_err(|e| anyhow::anyhow!("writing manual pages into {}: {e}", dir.display())),
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            write_stdout(&String::from_utf8_lossy(&page))
        }
    }
}

const DIFF_EXAMPLES: &str = "\
Examples:
  # two environments: resources pair across namespaces and name prefixes
  krust diff overlays/staging overlays/production
  krust diff --base origin/main deployments/example/overlays/production
  # every environment below deployments/ (added and deleted ones included)
  krust diff --base origin/main deployments
  krust diff --base origin/main --output markdown --comment-dir comments deployments
  krust diff --output json old-rendered/ new-rendered/ | jq .summary";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  krust completions bash > /etc/bash_completion.d/krust
  krust completions zsh > \"${fpath[1]}/_krust\"
  krust completions fish > ~/.config/fish/completions/krust.fish";

const MAN_EXAMPLES: &str = "\
Examples:
  krust man | man -l -
  krust man --output-dir /usr/local/share/man/man1";

const MAIN_EXAMPLES: &str = "\
Examples:
  krust build overlays/production | kubectl apply -f -
  krust render --output-dir deployments/rendered deployments
  krust diff --base origin/main overlays/production
  krust edit set image web=registry.example/web:1.2.3";

const VERSION_EXAMPLES: &str = "\
Examples:
  krust version              # the kustomize release reproduced, and krust's version
  krust version --short      # the form ArgoCD parses, like `kustomize version --short`";

const ARGOCD_EXAMPLES: &str = "\
Examples:
  # the plugin's generate command (docs/argocd/plugin.yaml), run by ArgoCD in the app directory
  krust argocd generate
  PARAM_PATH=overlays/production krust argocd generate";

#[cfg(test)]
mod tests {
    use super::*;

    /// What `krust build ARGS` prints when it does not run a build (help,
    /// usage errors), parsed through the full command line.
    fn full_outcome(args: &[&str]) -> String {
        let command = krust::cli::pflag::go_style(Cli::command());
        let parsed = command
            .try_get_matches_from(args)
            .and_then(|matches| Cli::from_arg_matches(&matches));
        described(parsed)
    }

    /// The parsed build arguments, or the error's kind and text.
    fn described(parsed: Result<Cli, clap::Error>) -> String {
        match parsed {
            Ok(Cli {
                command: Command::Build(args),
            }) => format!("{args:?}"),
            Ok(_) => "another command".to_string(),
            Err(err) => format!("{:?} {}", err.kind(), err.render()),
        }
    }

    /// The `build`-only command line must behave exactly as the full one.
    #[test]
    fn build_alone_parses_and_fails_as_the_full_command_line() {
        let cases: &[&[&str]] = &[
            &["krust", "build", "--help"],
            &["krust", "build", "-h"],
            &["krust", "build", "--bogus"],
            &["krust", "build", "a", "b"],
            &["krust", "build", "--enable-helm=maybe"],
            &["krust", "build", "--load-restrictor", "x"],
            &["krust", "build", "--enable_helm=false", "dir"],
            &["krust", "build"],
        ];
        for args in cases {
            assert_eq!(
                described(parse_cli(args.iter())),
                full_outcome(args),
                "{args:?}"
            );
        }
    }
}
