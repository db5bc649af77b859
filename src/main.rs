//! The `krust` command line: a thin clap layer over the `krust` library.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use krust::diff::format::{self, ColorChoice, DiffFormat};
use krust::diff::{diff_renders, source, DiffOptions};
use krust::load::LoadRestrictor;
use krust::order::Reorder;
use krust::render_all::{self, ProgressLine, RenderAllOptions};
use krust::BuildOptions;
use std::io::{IsTerminal, Write};
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
    long_about = "Renders kustomize trees byte-for-byte like kustomize v5, much faster."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a kustomization target from a directory.
    #[command(after_help = BUILD_EXAMPLES)]
    Build(BuildArgs),
    /// Edit the kustomization file in the current directory.
    #[command(after_help = EDIT_EXAMPLES)]
    Edit(krust::edit::cli::EditArgs),
    /// Create a new kustomization in the current directory.
    #[command(alias = "init")]
    Create(krust::edit::cli::CreateArgs),
    /// Render many kustomization directories into <output-dir>/<system>/<env>.yaml.
    #[command(after_help = RENDER_EXAMPLES)]
    Render(RenderArgs),
    /// Compare two renders resource by resource (exit 0: same, 1: different, 2: error).
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Commands for running krust inside ArgoCD (docs/argocd.md).
    #[command(subcommand)]
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
    Version {
        /// Short form, as `kustomize version --short` prints it.
        #[arg(long)]
        short: bool,
    },
}

#[derive(clap::Args)]
struct BuildArgs {
    /// Directory holding a kustomization file.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Where to write the output: a file, or an existing directory for one
    /// file per resource. Default: stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Whether files must lie in or below the kustomization's directory.
    #[arg(long, value_enum, default_value = "LoadRestrictionsRootOnly")]
    load_restrictor: RestrictorArg,
    /// Resource order (deprecated in kustomize: use `sortOptions`).
    #[arg(long, value_enum)]
    reorder: Option<ReorderArg>,
    /// Enable generators and transformers that are not builtin plugins.
    #[arg(long)]
    enable_alpha_plugins: bool,
    /// Enable exec KRM functions (needs --enable-alpha-plugins).
    #[arg(long)]
    enable_exec: bool,
    /// Enable the helm chart inflator (`helmCharts`).
    #[arg(long)]
    enable_helm: bool,
    /// Helm command (path to executable).
    #[arg(long, value_name = "COMMAND")]
    helm_command: Option<String>,
    /// Kubernetes version used by helm for Capabilities.KubeVersion.
    #[arg(long, value_name = "VERSION")]
    helm_kube_version: Option<String>,
    /// Kubernetes api versions used by helm for Capabilities.APIVersions.
    #[arg(long, value_name = "VERSIONS", value_delimiter = ',')]
    helm_api_versions: Vec<String>,
    /// Enable debug output from the helm chart inflator.
    #[arg(long)]
    helm_debug: bool,
    /// Environment variables for functions: NAME=value, or NAME to pass
    /// the current value.
    #[arg(short = 'e', long = "env", value_name = "ENV")]
    env: Vec<String>,
    /// Storage mounts for container functions (accepted; krust runs no
    /// container functions).
    #[arg(long = "mount", value_name = "MOUNT")]
    mount: Vec<String>,
    /// Let container functions that declare it use the network (accepted).
    #[arg(long)]
    network: bool,
    /// The docker network for container functions (accepted).
    #[arg(long, value_name = "NAME", default_value = "bridge")]
    network_name: String,
    /// Run container functions as the current user (accepted).
    #[arg(long)]
    as_current_user: bool,
    /// Add the label app.kubernetes.io/managed-by to every resource.
    #[arg(long)]
    enable_managedby_label: bool,
    /// Decrypt resources that carry SOPS metadata (also KRUST_DECRYPT=1).
    #[arg(long)]
    decrypt: bool,
}

#[derive(clap::Args)]
struct RenderArgs {
    /// Kustomization directories, one per environment; a directory without
    /// a kustomization file stands for every environment below its
    /// `overlays` directories.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Root of the rendered tree.
    #[arg(long, default_value = "rendered")]
    output_dir: PathBuf,
    /// Write nothing; fail listing files that are stale, missing or extra.
    #[arg(long)]
    check: bool,
    /// Delete .yaml files under the output directory that no directory renders to.
    #[arg(long, conflicts_with = "check")]
    prune: bool,
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

#[derive(Clone, Copy, ValueEnum)]
enum RestrictorArg {
    #[value(name = "LoadRestrictionsRootOnly")]
    RootOnly,
    #[value(name = "LoadRestrictionsNone")]
    None,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReorderArg {
    Legacy,
    None,
}

fn main() -> ExitCode {
    tune_allocator_late();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Argocd(ArgocdCommand::Generate { dir }) => return run_argocd_generate(&dir),
        Command::Completions { shell } => print_completions(shell),
        Command::Man { output_dir } => print_man(output_dir.as_deref()),
        Command::Build(args) => run_build(&args),
        Command::Render(args) => run_render(&args),
        Command::Diff(args) => return run_diff(&args).unwrap_or_else(|err| fail(&err, 2)),
        Command::Version { short } => print_version(short),
        Command::Edit(args) => args.run(Path::new(".")),
        Command::Create(args) => args.run(Path::new(".")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => fail(&err, 1),
    }
}

fn fail(err: &anyhow::Error, code: u8) -> ExitCode {
    eprintln!("Error: {}", krust::load::describe(err));
    ExitCode::from(code)
}

fn run_build(args: &BuildArgs) -> Result<()> {
    let options = BuildOptions {
        load_restrictor: match args.load_restrictor {
            RestrictorArg::RootOnly => LoadRestrictor::RootOnly,
            RestrictorArg::None => LoadRestrictor::None,
        },
        reorder: match args.reorder {
            None => Reorder::Unspecified,
            Some(ReorderArg::Legacy) => Reorder::Legacy,
            Some(ReorderArg::None) => Reorder::None,
        },
        plugins: krust::build::PluginOptions {
            enable_alpha_plugins: args.enable_alpha_plugins,
            enable_exec: args.enable_exec,
            enable_helm: args.enable_helm,
            helm_command: args.helm_command.clone(),
            helm_kube_version: args.helm_kube_version.clone(),
            helm_api_versions: args.helm_api_versions.clone(),
            helm_debug: args.helm_debug,
            function_env: args.env.clone(),
            container: krust::build::ContainerOptions {
                mounts: args.mount.clone(),
                network: args.network,
                network_name: args.network_name.clone(),
                as_current_user: args.as_current_user,
            },
        },
        managed_by_label: args.enable_managedby_label,
        decrypt: args.decrypt || std::env::var("KRUST_DECRYPT").is_ok_and(|v| v == "1"),
    };
    if args.reorder.is_some() {
        eprintln!(
            "Flag --reorder has been deprecated, use the new 'sortOptions' field in kustomization.yaml instead."
        );
    }
    if args.enable_managedby_label {
        eprintln!(
            "Flag --enable-managedby-label has been deprecated, The flag `enable-managedby-label` has been deprecated. Use the `managedByLabel` option in the `buildMetadata` field instead."
        );
    }
    let built = krust::build::build_with_warnings(&args.dir, &options)?;
    for warning in &built.warnings {
        eprintln!("{warning}");
    }
    match &args.output {
        Some(path) if path.is_dir() => {
            krust::output::write_individual_files(built.resources, path)?;
        }
        Some(path) => {
            let docs = krust::output::render_documents(built.resources)?;
            write_documents_to_file(path, &docs)?;
            std::mem::forget(docs);
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            krust::output::write_stream(built.resources, &mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}

fn run_render(args: &RenderArgs) -> Result<()> {
    let progress = ProgressLine::on_stderr();
    let update = |done, total| progress.update(done, total);
    let options = RenderAllOptions {
        prune: args.prune,
        progress: Some(&update),
        ..RenderAllOptions::default()
    };
    let out = &args.output_dir;
    let dirs = &render_all::expand_dirs(&args.dirs, out)?;
    let result = if args.check {
        render_all::check(dirs, out, &options)
            .map(|(r, report)| (r, render_all::check_outcome(&report, &rerun_command(args))))
    } else {
        render_all::render_all(dirs, out, &options)
            .map(|(r, summary)| (r, Ok(render_all::write_outcome(&summary, out))))
    };
    progress.finish();
    let (rendered, outcome) = result?;
    for r in &rendered {
        r.warnings
            .iter()
            .for_each(|w| eprintln!("{}: {w}", r.env.dir.display()));
    }
    eprintln!("{}", outcome?);
    Ok(())
}

/// The command that rewrites what `args` checked: the same call without
/// `--check`.
fn rerun_command(args: &RenderArgs) -> String {
    let mut words = vec![
        "krust render --prune --output-dir".to_string(),
        args.output_dir.display().to_string(),
    ];
    words.extend(args.dirs.iter().map(|d| d.display().to_string()));
    words.join(" ")
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

/// Writes a build's documents to `path`, created only once all of them
/// printed.
fn write_documents_to_file(path: &Path, docs: &[String]) -> Result<()> {
    let write = || -> std::io::Result<()> {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(path)?);
        krust::output::write_documents(docs, &mut out)?;
        out.flush()
    };
    write().with_context(|| format!("writing {}", path.display()))
}

/// Writes all of the output at once, after the build succeeded, so a failed
/// build never leaves half a render on stdout.
fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
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

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[derive(Subcommand)]
enum ArgocdCommand {
    /// Print the manifests of the application in DIR (the plugin's generate
    /// command; settings come from ARGOCD_ENV_KRUST_* and PARAM_*).
    #[command(after_help = ARGOCD_GENERATE_HELP)]
    Generate {
        /// The application's source directory (ArgoCD runs the command there).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

/// `krust argocd generate`: exit 0 with manifests on stdout, 1 when the
/// build fails, 2 when the plugin settings are invalid; every message on
/// stderr names the application.
fn run_argocd_generate(dir: &Path) -> ExitCode {
    let env = |name: &str| std::env::var(name).ok();
    let app = &krust::argocd::AppContext::from_env(&env);
    let request = match krust::argocd::generate_request(dir, &env) {
        Ok(request) => request,
        Err(err) => {
            let err = err.context(format!("{app}: invalid krust plugin settings"));
            return fail(&err, 2);
        }
    };
    let mut argv = vec![
        "krust".into(),
        "build".into(),
        request.dir.clone().into_os_string(),
    ];
    argv.extend(request.build_flags.iter().map(Into::into));
    let args = match Cli::try_parse_from(argv) {
        Ok(Cli {
            command: Command::Build(args),
        }) => args,
        Ok(_) => unreachable!("the argument list starts with `build`"),
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
    match run_build(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => fail(&err.context(app.to_string()), 1),
    }
}

fn print_completions(shell: clap_complete::Shell) -> Result<()> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "krust", &mut script);
    write_stdout(&String::from_utf8_lossy(&script))
}

fn print_man(output_dir: Option<&Path>) -> Result<()> {
    let command = <Cli as clap::CommandFactory>::command();
    match output_dir {
        Some(dir) => clap_mangen::generate_to(command, dir)
            .map_err(|e| anyhow::anyhow!("writing manual pages into {}: {e}", dir.display())),
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            write_stdout(&String::from_utf8_lossy(&page))
        }
    }
}

const BUILD_EXAMPLES: &str = "\
Examples:
  krust build deployments/example/overlays/production
  krust build . --load-restrictor LoadRestrictionsNone
  krust build overlays/prod -o out/            # one file per resource
  krust build overlays/prod | kubectl apply -f -";

const RENDER_EXAMPLES: &str = "\
Examples:
  # every environment below deployments/, into deployments/rendered/<system>/<env>.yaml
  krust render --output-dir deployments/rendered deployments
  # CI: fail, listing stale, missing and extra files, when the committed tree is out of date
  krust render --check --output-dir deployments/rendered deployments
  # chosen environments only; --prune deletes files no environment renders to
  krust render --output-dir rendered --prune shop/overlays/staging shop/overlays/production";

const DIFF_EXAMPLES: &str = "\
Examples:
  krust diff overlays/staging overlays/production
  krust diff --base origin/main deployments/example/overlays/production
  krust diff --base origin/main --output markdown overlays/prod > comment.md";

const EDIT_EXAMPLES: &str = "\
Examples:
  krust edit set image nginx=registry.example/nginx:1.27
  krust edit set image app=*:v2 cache@sha256:0123abcd
  krust edit set namespace -- shop-prod
  krust edit add label --without-selector team:payments
  krust edit add resource deployment.yaml service.yaml
  krust edit fix                  # commonLabels -> labels, patchesStrategicMerge -> patches";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  krust completions bash > /etc/bash_completion.d/krust
  krust completions zsh > \"${fpath[1]}/_krust\"
  krust completions fish > ~/.config/fish/completions/krust.fish";

const MAN_EXAMPLES: &str = "\
Examples:
  krust man | man -l -
  krust man --output-dir /usr/local/share/man/man1";

const ARGOCD_GENERATE_HELP: &str = "\
Settings (plugin parameter, else plugin env entry):
  path            / ARGOCD_ENV_KRUST_PATH           directory to build, relative to DIR
  build-options   / ARGOCD_ENV_KRUST_BUILD_OPTIONS  extra `krust build` flags
ARGOCD_APP_NAME and ARGOCD_APP_SOURCE_PATH label error messages; with
--enable-helm, KUBE_VERSION and KUBE_API_VERSIONS are passed on to helm.
Exit status: 0 manifests printed, 1 build failed, 2 invalid settings.";
