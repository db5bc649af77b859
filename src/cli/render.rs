//! `krust render`: many kustomization directories in one parallel call.

use super::build::{process_env, BuildFlags};
use crate::render_all::{self, Layout, ProgressLine, RenderAllOptions};
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// The arguments of `krust render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Kustomization directories; a directory without a kustomization file
    /// stands for every directory below it that the layout renders.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Root of the rendered tree.
    #[arg(long, default_value = "rendered")]
    pub output_dir: PathBuf,
    /// How output files are named: `environments` gives
    /// <system>/<env>.yaml from an overlays/ layout; `path` gives
    /// <path relative to --root>.yaml for any tree of kustomizations.
    #[arg(long, value_enum, default_value = "environments")]
    pub layout: LayoutArg,
    /// With --layout path: the directory output paths are relative to.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Write nothing; fail listing files that are stale, missing or extra.
    #[arg(long)]
    pub check: bool,
    /// Delete .yaml files under the output directory that no directory renders to.
    #[arg(long, conflicts_with = "check")]
    pub prune: bool,
    /// The build flags, applied to every directory.
    #[command(flatten)]
    pub build: BuildFlags,
}

/// The `--layout` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LayoutArg {
    /// <system>/<env>.yaml, from an overlays/ layout.
    Environments,
    /// <path relative to --root>.yaml.
    Path,
}

/// `krust render`: renders (or with `--check`, compares) every directory,
/// then prints the build warnings and a summary on stderr.
pub fn run_render(args: &RenderArgs) -> Result<()> {
    let layout = match args.layout {
        LayoutArg::Environments => Layout::Environments,
        LayoutArg::Path => Layout::path(&args.root)?,
    };
    for note in args.build.deprecation_notes() {
        eprintln!("{note}");
    }
    let progress = ProgressLine::on_stderr(layout.unit());
    let update = |done, total| progress.update(done, total);
    let out = &args.output_dir;
    let dirs = &render_all::expand_dirs(&args.dirs, out, &layout)?;
    let options = RenderAllOptions {
        build: args.build.options(&process_env)?,
        prune: args.prune,
        progress: Some(&update),
        layout,
    };
    let unit = options.layout.unit();
    let result = if args.check {
        render_all::check(dirs, out, &options)
            .map(|(r, report)| (r, render_all::check_outcome(&report, &rerun_command(args))))
    } else {
        render_all::render_all(dirs, out, &options)
            .map(|(r, summary)| (r, Ok(render_all::write_outcome(&summary, out, unit))))
    };
    progress.finish();
    let (rendered, outcome) = result?;
    for r in &rendered {
        r.warnings.iter().for_each(|w| {
            let w = w.to_string();
            eprintln!("{}: {}", r.env.dir.display(), crate::sensitive::scrub(&w));
        });
    }
    eprintln!("{}", outcome?);
    Ok(())
}

/// The command that rewrites what `args` checked: the same call without
/// `--check`.
fn rerun_command(args: &RenderArgs) -> String {
    let mut words = vec!["krust render --prune".to_string()];
    if let LayoutArg::Path = args.layout {
        words.push(format!("--layout path --root {}", args.root.display()));
    }
    words.push(format!("--output-dir {}", args.output_dir.display()));
    words.extend(args.dirs.iter().map(|d| d.display().to_string()));
    words.join(" ")
}

/// The examples at the end of `krust render --help`.
pub const EXAMPLES: &str = "\
Examples:
  # every environment below deployments/, into deployments/rendered/<system>/<env>.yaml
  krust render --output-dir deployments/rendered deployments
  # CI: fail, listing stale, missing and extra files, when the committed tree is out of date
  krust render --check --output-dir deployments/rendered deployments
  # chosen environments only; --prune deletes files no environment renders to
  krust render --output-dir rendered --prune shop/overlays/staging shop/overlays/production
  # every kustomization of a monorepo, as out/<path below repo>.yaml
  krust render --layout path --root repo --output-dir out repo";
