//! The `krust` command line: a thin clap layer over the `krust` library.

use anyhow::{bail, Result};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use krust::cli::build::BuildArgs;
use krust::cli::render::RenderArgs;
use krust::cli::{exit_status, fail, is_broken_pipe, usage_error, write_stdout};
use krust::diff::format::{self, ColorChoice, DiffFormat};
use krust::diff::{diff_renders, source, DiffOptions};
use krust::BuildOptions;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// mimalloc: the build allocates many small strings and maps from several
/// threads at once, where glibc's allocator spends much of its time growing
/// per-thread arenas.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tells mimalloc to hand freed pages back to the system at once and to
/// commit its arenas as they fill rather than up front, and switches off
/// transparent huge pages (a page touched once would keep 2 MB resident).
/// A build frees a lot between stages (file text, parse scratch, transient
/// indexes); with mimalloc's defaults those pages stay, which on the 10 MB
/// benchmark tree adds about 20 MB to the peak resident size at no
/// measurable gain in speed.
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
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
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
    /// Print the version.
    #[command(after_help = VERSION_EXAMPLES)]
    Version {
        /// Short form, as `kustomize version --short` prints it.
        #[arg(long)]
        short: bool,
    },
}

#[derive(clap::Args)]
struct DiffArgs {
    /// OLD_DIR NEW_DIR, or with --base a single DIR.
    #[arg(required = true, num_args = 1..=2)]
    dirs: Vec<PathBuf>,
    /// Compare DIR as of this git revision with DIR in the working tree.
    #[arg(long, value_name = "REF")]
    base: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    output: DiffFormat,
    /// Colour the text output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Show Secret `data`/`stringData` values (masked by default).
    #[arg(long)]
    show_secrets: bool,
}

fn main() -> ExitCode {
    tune_allocator_late();
    // Every command takes pflag's flag forms (`--flag=false`), as kustomize's.
    let command = krust::cli::pflag::go_style(Cli::command());
    let cli = match command
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
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
    let options = BuildOptions::default();
    let (old, new, title) = match (&args.base, args.dirs.as_slice()) {
        (Some(rev), [dir]) => {
            let (old, new) = source::build_against_revision(dir, rev, &options)?;
            if old.is_none() {
                eprintln!(
                    "{} does not exist at {rev}: every resource is new",
                    dir.display()
                );
            }
            let title = format!("`{}`: {rev} → working tree", dir.display());
            (old.unwrap_or_default(), new, title)
        }
        (None, [old, new]) => {
            let title = format!("`{}` → `{}`", old.display(), new.display());
            let (old, new) = source::build_dirs(old, new, &options)?;
            (old, new, title)
        }
        _ => bail!("expected OLD_DIR NEW_DIR, or --base REF DIR"),
    };
    let diff_options = DiffOptions {
        show_secrets: args.show_secrets,
        ..DiffOptions::default()
    };
    let report = diff_renders(&old, &new, &diff_options)?;
    let text = match args.output {
        DiffFormat::Text => {
            let no_color = std::env::var("NO_COLOR").ok();
            let color = args
                .color
                .resolve(std::io::stdout().is_terminal(), no_color.as_deref());
            format::to_text(&report, color)
        }
        DiffFormat::Markdown => format::to_markdown(&report, &title, format::MARKDOWN_LIMIT),
    };
    let code = ExitCode::from(u8::from(!report.is_empty()));
    match write_stdout(&text) {
        Err(err) if !is_broken_pipe(&err) => Err(err),
        _ => Ok(code),
    }
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
  krust diff overlays/staging overlays/production
  krust diff --base origin/main deployments/example/overlays/production
  krust diff --base origin/main --output markdown overlays/prod > comment.md";

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
