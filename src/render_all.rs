//! Rendering many environments in one call: the rendered-manifests pattern.
//!
//! Each kustomization directory is built in parallel and written to a file
//! under the output directory, byte for byte what `krust build DIR`
//! prints. [`check`] renders in memory and reports which committed files are
//! stale, missing or extra, so CI can insist that the rendered tree is current.
//!
//! The output file's name follows a [`Layout`]: by default
//! `<system>/<env>.yaml` from an `overlays/` layout
//! (`deployments/shop/overlays/prod` → `shop/prod.yaml`), or with
//! [`Layout::Path`] the directory's path below a root
//! (`apps/web/base` → `apps/web/base.yaml`), which suits any tree of
//! kustomizations.
//!
//! A directory without a kustomization file stands for every environment
//! below it (`discover`), so `krust render deployments` renders them all.

use crate::build::{build_with_warnings, BuildOptions};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub(crate) mod discover;
mod layout;
mod progress;

pub use discover::expand_dirs;
pub use layout::Layout;
pub use progress::ProgressLine;

/// One environment to render: where it is and where its output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// The kustomization directory, as given.
    pub dir: PathBuf,
    /// The output file, relative to the output directory: `<system>/<env>.yaml`.
    pub output: PathBuf,
}

/// One environment's rendered text.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The environment.
    pub env: Environment,
    /// Exactly what `krust build DIR` prints on stdout.
    pub text: String,
    /// Build warnings (deprecated fields and the like), for stderr.
    pub warnings: Vec<crate::warning::Warning>,
}

/// What [`render_all`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteSummary {
    /// Files created or rewritten because their content changed.
    pub written: Vec<PathBuf>,
    /// Files whose content was already current (left untouched).
    pub unchanged: Vec<PathBuf>,
    /// Extra `.yaml` files deleted (only with `prune`).
    pub pruned: Vec<PathBuf>,
}

/// A committed file whose content differs from a fresh render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleFile {
    /// The file, under the output directory.
    pub path: PathBuf,
    /// The first line (1-based) where the committed file and the render differ.
    pub first_line: usize,
    /// Lines a fresh render adds.
    pub added: usize,
    /// Lines a fresh render removes.
    pub removed: usize,
}

impl StaleFile {
    /// Compares the committed bytes with the fresh render line by line.
    fn compare(path: PathBuf, committed: &[u8], fresh: &str) -> StaleFile {
        let committed = String::from_utf8_lossy(committed);
        let diff = similar::TextDiff::from_lines(committed.as_ref(), fresh);
        let (mut added, mut removed, mut first_line) = (0, 0, None);
        for change in diff.iter_all_changes() {
            match change.tag() {
                similar::ChangeTag::Equal => continue,
                similar::ChangeTag::Insert => added += 1,
                similar::ChangeTag::Delete => removed += 1,
            }
            let line = change.old_index().or(change.new_index()).unwrap_or(0) + 1;
            first_line.get_or_insert(line);
        }
        StaleFile {
            path,
            first_line: first_line.unwrap_or(1),
            added,
            removed,
        }
    }
}

/// What [`check`] found, as paths under the output directory.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Files whose content differs from a fresh render.
    pub stale: Vec<StaleFile>,
    /// Files a fresh render would create.
    pub missing: Vec<PathBuf>,
    /// `.yaml` files under the output directory that no environment produces.
    pub extra: Vec<PathBuf>,
}

impl CheckReport {
    /// True when the output directory matches a fresh render exactly.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Options of a multi-environment render.
#[derive(Default)]
pub struct RenderAllOptions<'a> {
    /// Build options applied to every environment.
    pub build: BuildOptions,
    /// Delete `.yaml` files under the output directory that no environment
    /// produces (write mode only).
    pub prune: bool,
    /// Called with (finished, total) after each environment is built.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
    /// How output files are named.
    pub layout: Layout,
}

fn canonicalize(dir: &Path) -> Result<PathBuf> {
    dir.canonicalize()
        .with_context(|| format!("resolving directory {}", dir.display()))
}

/// Maps each directory to its output file under `layout`, sorted by output
/// path. The same directory given twice counts once; two directories
/// claiming one output file are an error.
pub fn environments(dirs: &[PathBuf], layout: &Layout) -> Result<Vec<Environment>> {
    let mut by_output: BTreeMap<PathBuf, (PathBuf, PathBuf)> = BTreeMap::new();
    for dir in dirs {
        let canonical = canonicalize(dir)?;
        let output = layout.output_path(&canonical, dir)?;
        if let Some((other, other_canonical)) = by_output.get(&output) {
            if *other_canonical == canonical {
                continue;
            }
            let hint = match layout {
                Layout::Environments => " (--layout path names files by their whole path)",
                Layout::Path { .. } => "",
            };
            bail!(
                "{} and {} would both render to {}{hint}",
                other.display(),
                dir.display(),
                output.display()
            );
        }
        by_output.insert(output, (dir.clone(), canonical));
    }
    Ok(by_output
        .into_iter()
        .map(|(output, (dir, _))| Environment { dir, output })
        .collect())
}

/// Builds every environment in parallel. Fails after all builds ran, with
/// one line per failed environment.
///
/// ```
/// use krust::render_all::{render_in_memory, Layout, RenderAllOptions};
/// use std::fs;
/// let root = tempfile::tempdir()?;
/// let shop = root.path().join("shop");
/// fs::create_dir_all(shop.join("base"))?;
/// fs::write(shop.join("base/kustomization.yaml"), "resources:\n- cm.yaml\n")?;
/// fs::write(shop.join("base/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n")?;
/// let mut dirs = Vec::new();
/// for env in ["staging", "prod"] {
///     let dir = shop.join("overlays").join(env);
///     fs::create_dir_all(&dir)?;
///     fs::write(dir.join("kustomization.yaml"), format!("namespace: {env}\nresources:\n- ../../base\n"))?;
///     dirs.push(dir);
/// }
/// let rendered = render_in_memory(&dirs, &RenderAllOptions::default())?;
/// assert_eq!(rendered.len(), 2);
/// assert!(rendered.iter().any(|r| r.text.contains("namespace: prod")));
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn render_in_memory(dirs: &[PathBuf], options: &RenderAllOptions) -> Result<Vec<Rendered>> {
    let envs = environments(dirs, &options.layout)?;
    let total = envs.len();
    let done = AtomicUsize::new(0);
    let results: Vec<Result<Rendered>> = envs
        .into_par_iter()
        .map(|env| {
            let result = render_one(env, &options.build);
            let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(progress) = options.progress {
                progress(finished, total);
            }
            result
        })
        .collect();
    let mut rendered = Vec::with_capacity(total);
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(r) => rendered.push(r),
            Err(e) => failures.push(format!("{e:#}")),
        }
    }
    if !failures.is_empty() {
        bail!(
            "{} of {total} {} failed:\n  {}",
            failures.len(),
            options.layout.unit(),
            failures.join("\n  ")
        );
    }
    Ok(rendered)
}

fn render_one(env: Environment, options: &BuildOptions) -> Result<Rendered> {
    let built =
        build_with_warnings(&env.dir, options).with_context(|| format!("{}", env.dir.display()))?;
    let text =
        crate::output::render(built.resources).with_context(|| format!("{}", env.dir.display()))?;
    Ok(Rendered {
        env,
        text,
        warnings: built.warnings,
    })
}

/// Renders every directory and writes `<output_dir>/<system>/<env>.yaml`.
/// Nothing is written unless every environment builds; files whose content
/// is already current are left untouched.
pub fn render_all(
    dirs: &[PathBuf],
    output_dir: &Path,
    options: &RenderAllOptions,
) -> Result<(Vec<Rendered>, WriteSummary)> {
    let rendered = render_in_memory(dirs, options)?;
    let mut summary = WriteSummary::default();
    for r in &rendered {
        let path = output_dir.join(&r.env.output);
        if std::fs::read(&path).is_ok_and(|old| old == r.text.as_bytes()) {
            summary.unchanged.push(path);
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, &r.text).with_context(|| format!("writing {}", path.display()))?;
        summary.written.push(path);
    }
    if options.prune {
        for path in extra_files(&rendered, output_dir)? {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
            summary.pruned.push(path);
        }
    }
    Ok((rendered, summary))
}

/// Renders every directory in memory and compares with `output_dir`,
/// writing nothing.
pub fn check(
    dirs: &[PathBuf],
    output_dir: &Path,
    options: &RenderAllOptions,
) -> Result<(Vec<Rendered>, CheckReport)> {
    let rendered = render_in_memory(dirs, options)?;
    let mut report = CheckReport::default();
    for r in &rendered {
        let path = output_dir.join(&r.env.output);
        match std::fs::read(&path) {
            Ok(old) if old == r.text.as_bytes() => {}
            Ok(old) => report.stale.push(StaleFile::compare(path, &old, &r.text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => report.missing.push(path),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }
    report.extra = extra_files(&rendered, output_dir)?;
    Ok((rendered, report))
}

/// The verdict of a check: a one-line success message, or an error listing
/// every stale, missing and extra file and ending with `rerun`, the command
/// that brings the files up to date.
pub fn check_outcome(report: &CheckReport, rerun: &str) -> Result<String> {
    if report.is_clean() {
        return Ok("rendered files are up to date".to_string());
    }
    let mut lines: Vec<String> = report
        .stale
        .iter()
        .map(|s| {
            format!(
                "  stale:   {} (+{} -{} lines, first difference at line {})",
                s.path.display(),
                s.added,
                s.removed,
                s.first_line
            )
        })
        .collect();
    for (label, paths) in [("missing:", &report.missing), ("extra:  ", &report.extra)] {
        lines.extend(paths.iter().map(|p| format!("  {label} {}", p.display())));
    }
    let count = report.stale.len() + report.missing.len() + report.extra.len();
    bail!(
        "{count} rendered file(s) out of date:\n{}\nto update them, run\n  {rerun}\nand commit the result",
        lines.join("\n")
    )
}

/// A one-line account of what [`render_all`] wrote; `unit` names what a
/// file stands for ([`Layout::unit`]).
pub fn write_outcome(summary: &WriteSummary, output_dir: &Path, unit: &str) -> String {
    let mut line = format!(
        "rendered {} {unit} into {} ({} written, {} unchanged",
        summary.written.len() + summary.unchanged.len(),
        output_dir.display(),
        summary.written.len(),
        summary.unchanged.len()
    );
    if !summary.pruned.is_empty() {
        line.push_str(&format!(", {} pruned", summary.pruned.len()));
    }
    line.push(')');
    line
}

/// `.yaml` files under `output_dir` that none of `rendered` produces, sorted.
fn extra_files(rendered: &[Rendered], output_dir: &Path) -> Result<Vec<PathBuf>> {
    let expected: BTreeSet<PathBuf> = rendered
        .iter()
        .map(|r| output_dir.join(&r.env.output))
        .collect();
    let mut found = Vec::new();
    if output_dir.is_dir() {
        collect_yaml_files(output_dir, &mut found)?;
    }
    found.retain(|p| !expected.contains(p));
    found.sort();
    Ok(found)
}

fn collect_yaml_files(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let path = entry.path();
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            collect_yaml_files(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "yaml") {
            found.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_outcome_lists_every_problem() {
        let stale = StaleFile::compare(PathBuf::from("r/a/dev.yaml"), b"a\nb\nc\n", "a\nB\nc\nd\n");
        assert_eq!((stale.first_line, stale.added, stale.removed), (2, 2, 1));
        let report = CheckReport {
            stale: vec![stale],
            missing: vec![PathBuf::from("r/a/prod.yaml")],
            extra: vec![PathBuf::from("r/old/x.yaml")],
        };
        let message = format!("{:#}", check_outcome(&report, "just render").unwrap_err());
        assert!(
            message.starts_with("3 rendered file(s) out of date"),
            "{message}"
        );
        assert!(
            message.contains("  stale:   r/a/dev.yaml (+2 -1 lines, first difference at line 2)"),
            "{message}"
        );
        assert!(message.contains("  missing: r/a/prod.yaml"), "{message}");
        assert!(message.contains("  extra:   r/old/x.yaml"), "{message}");
        assert!(
            message.ends_with("  just render\nand commit the result"),
            "{message}"
        );
    }

    #[test]
    fn clean_report_is_clean() {
        assert!(CheckReport::default().is_clean());
        let report = CheckReport {
            extra: vec![PathBuf::from("x.yaml")],
            ..CheckReport::default()
        };
        assert!(!report.is_clean());
    }
}
