//! The `krust diff` command line.

use super::environments::{self, Environment};
use super::format::{self, ColorChoice, DiffFormat};
use super::{diff_environment, mask, DiffOptions, DiffSet, PairModes};
use crate::build::BuildOptions;
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// `krust diff` arguments.
#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// OLD NEW: two kustomization directories, two YAML files, or two trees
    /// of them. With --base: one or more of these as PATHs.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Compare each PATH as of this git revision with the working tree
    /// (a PATH may be missing on one side: an environment added or deleted).
    #[arg(long, value_name = "REF")]
    base: Option<String>,
    /// Output format: unified diffs, Markdown comments, or JSON for tools.
    #[arg(long, value_enum, default_value = "text")]
    output: DiffFormat,
    /// Colour the text output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Show Secret values (masked by default), `data` decoded to text.
    #[arg(long)]
    show_secrets: bool,
    /// Pairings of resources whose keys differ, where unambiguous: kustomize
    /// hash suffixes, other namespaces, name prefix/suffix renames.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "all",
        value_name = "KIND,..."
    )]
    pair: Vec<PairArg>,
    /// Unchanged lines shown around each change.
    #[arg(short = 'U', long, default_value_t = 3, value_name = "LINES")]
    context: usize,
    /// With --output markdown: write the comments as DIR/comment-NN.md (each
    /// under GitHub's size limit) instead of printing one.
    #[arg(long, value_name = "DIR")]
    comment_dir: Option<PathBuf>,
    /// With --comment-dir: write at most this many comments; what does not
    /// fit is listed by title in the last one.
    #[arg(
        long,
        default_value_t = 10,
        value_name = "N",
        value_parser = clap::value_parser!(u64).range(1..=99)
    )]
    max_comments: u64,
}

/// A value of `--pair`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PairArg {
    /// Every pairing (the default).
    All,
    /// Exact keys only.
    None,
    /// Names that differ only in a kustomize hash suffix.
    Hash,
    /// The same name in another namespace.
    Namespace,
    /// Name prefix/suffix rewrites shared by several resources.
    Rename,
}

/// What to print and how to exit.
#[derive(Debug)]
pub struct Outcome {
    /// The text for stdout.
    pub text: String,
    /// True when some environment differs (exit status 1).
    pub differs: bool,
}

/// The pairings a `--pair` list asks for.
pub fn pair_modes(args: &[PairArg]) -> PairModes {
    let mut modes = PairModes::NONE;
    for arg in args {
        match arg {
            PairArg::All => modes = PairModes::ALL,
            PairArg::None => {}
            PairArg::Hash => modes.hash_suffix = true,
            PairArg::Namespace => modes.namespace = true,
            PairArg::Rename => modes.rename = true,
        }
    }
    modes
}

impl DiffArgs {
    /// Builds and compares every environment, and formats the result.
    pub fn run(&self) -> Result<Outcome> {
        if self.comment_dir.is_some() && self.output != DiffFormat::Markdown {
            bail!("--comment-dir needs --output markdown");
        }
        let (set, _snapshots) = self.compare()?;
        let differs = set.differs();
        let text = match (self.output, &self.comment_dir) {
            (DiffFormat::Text, _) => {
                let no_color = std::env::var("NO_COLOR").ok();
                let color = self
                    .color
                    .resolve(std::io::stdout().is_terminal(), no_color.as_deref());
                format::to_text(&set, color)
            }
            (DiffFormat::Json, _) => format::json::to_json(&set),
            (DiffFormat::Markdown, None) => format::to_markdown(&set, format::MARKDOWN_LIMIT),
            (DiffFormat::Markdown, Some(dir)) => {
                let parts = format::to_markdown_parts(
                    &set,
                    format::MARKDOWN_LIMIT,
                    self.max_comments as usize,
                );
                write_comments(dir, &parts)?;
                eprintln!("wrote {} comment(s) to {}", parts.len(), dir.display());
                String::new()
            }
        };
        Ok(Outcome { text, differs })
    }

    /// The comparison, with the snapshots it read (kept until the end).
    fn compare(&self) -> Result<(DiffSet, Vec<super::source::Snapshot>)> {
        let (snapshots, envs, title) = match (&self.base, self.paths.as_slice()) {
            (Some(rev), paths) => {
                let (snapshots, envs) = environments::for_revision(paths, rev)?;
                let title = match paths {
                    [one] => format!("`{}`: {rev} → working tree", one.display()),
                    _ => format!("{rev} → working tree"),
                };
                (snapshots, envs, title)
            }
            (None, [old, new]) => {
                let envs = environments::for_paths(old, new)?;
                let title = format!("`{}` → `{}`", old.display(), new.display());
                (Vec::new(), envs, title)
            }
            (None, _) => bail!("expected OLD NEW, or --base REF PATH..."),
        };
        let options = DiffOptions {
            context_lines: self.context,
            pairing: pair_modes(&self.pair),
            show_secrets: self.show_secrets,
            mask_key: std::env::var_os(mask::MASK_KEY_ENV).map(|k| k.into_encoded_bytes()),
        };
        let set = compare_environments(&envs, title, &options)?;
        Ok((set, snapshots))
    }
}

/// Loads and compares every environment.
pub fn compare_environments(
    envs: &[Environment],
    title: String,
    options: &DiffOptions,
) -> Result<DiffSet> {
    let loaded = environments::load_all(envs, &BuildOptions::default())?;
    let environments = envs
        .par_iter()
        .zip(loaded)
        .map(|(env, (old, new))| {
            diff_environment(&env.name, old.as_deref(), new.as_deref(), options)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DiffSet {
        title,
        environments,
    })
}

/// Writes `comment-01.md`, `comment-02.md`, ... into `dir` (created when
/// missing), first deleting the `comment-*.md` files an earlier run left.
fn write_comments(dir: &Path, parts: &[String]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("comment-") && name.ends_with(".md") {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    for (i, part) in parts.iter().enumerate() {
        let path = dir.join(format!("comment-{:02}.md", i + 1));
        std::fs::write(&path, part).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_lists_combine() {
        assert_eq!(pair_modes(&[PairArg::All]), PairModes::ALL);
        assert_eq!(pair_modes(&[PairArg::None]), PairModes::NONE);
        let some = pair_modes(&[PairArg::Hash, PairArg::Rename]);
        assert!(some.hash_suffix && some.rename && !some.namespace);
    }
}
