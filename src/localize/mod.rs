//! `krust localize`: a copy of a kustomization tree that builds without
//! network access, in `kustomize localize`'s layout.
//!
//! Every file a kustomization names is copied to the same place relative
//! to the scope (by default the target); every remote base is copied to
//! `localized-files/<host>/<repository path>/<ref>/<directory>` inside the
//! kustomization that names it, and an HTTP file to
//! `localized-files/<host>/<path>`; the entries are rewritten to those
//! relative paths. Kustomization files are written as `kustomize edit`
//! writes them. By default the result is then built and compared, byte
//! for byte, with a build of the original.

mod fields;
mod paths;

use crate::edit::kustfile::KustFile;
use crate::load::{Entry, LoadRestrictor, Loader};
use crate::remote::http::Answer;
use crate::remote::redact::redact;
use crate::remote::{RemoteEntry, RemoteOptions, RepoSpec, Session};
use anyhow::{anyhow, bail, Context, Result};
use fields::PathKind;
use paths::{clean_join, relative};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The directory kustomize localizes remote content into.
pub const LOCALIZE_DIR: &str = "localized-files";

/// What to localize, and where.
#[derive(Debug, Clone, Default)]
pub struct LocalizeOptions {
    /// The kustomization to localize: a directory or a repository URL
    /// (which must name a ref).
    pub target: String,
    /// Where to write; must not exist. Default: `localized-<target>` (with
    /// the ref for a remote target) in the current directory.
    pub new_dir: Option<PathBuf>,
    /// The directory local references may not leave (default: the
    /// target). Not allowed for a remote target.
    pub scope: Option<PathBuf>,
    /// Build the result and the original and compare them.
    pub verify: bool,
    /// How remote content is fetched.
    pub remote: RemoteOptions,
}

/// Localizes `options.target`; returns the directory written. Nothing is
/// left behind when it fails, except a tree that failed verification.
pub fn localize(options: &LocalizeOptions) -> Result<PathBuf> {
    let session = Session::new(options.remote.clone());
    let result = run(options, &session);
    session.finish();
    result
}

fn run(options: &LocalizeOptions, session: &Arc<Session>) -> Result<PathBuf> {
    let (target, scope, default_name) = establish(options, session)?;
    let new_dir = options
        .new_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(default_name));
    if new_dir.exists() {
        bail!(
            "localize destination '{}' already exists",
            new_dir.display()
        );
    }
    std::fs::create_dir(&new_dir)
        .with_context(|| format!("cannot create localize destination '{}'", new_dir.display()))?;
    let new_dir = new_dir.canonicalize()?;
    let dst = new_dir.join(relative(&scope, &target));
    let mut localizer = Localizer {
        session,
        scope: scope.clone(),
        new_dir: new_dir.clone(),
        done: BTreeSet::new(),
    };
    if let Err(e) = localizer.root(&target, &dst, false) {
        let _ = std::fs::remove_dir_all(&new_dir);
        return Err(e.context(format!(
            "unable to localize target '{}'",
            redact(&options.target)
        )));
    }
    if options.verify {
        verify(&options.target, &target, &dst, session)?;
    }
    Ok(new_dir)
}

/// The target's directory, the scope and the default destination name.
fn establish(options: &LocalizeOptions, session: &Session) -> Result<(PathBuf, PathBuf, String)> {
    if let Ok(spec) = RepoSpec::parse(&options.target) {
        if spec.git_ref.is_empty() {
            bail!(
                "localize remote root '{}' missing ref query string parameter",
                redact(&spec.raw)
            );
        }
        if options.scope.is_some() {
            bail!(
                "scope specified for remote localize target '{}'",
                redact(&spec.raw)
            );
        }
        let repo = session
            .repository(&spec)
            .map_err(|e| anyhow!(e))?
            .canonicalize()?;
        let target = repo.join(spec.dir_in_repo()).canonicalize()?;
        let base = if target == repo {
            let trimmed = spec.repo_path.trim_end_matches('/');
            trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
        } else {
            file_name(&target)
        };
        let name = format!("localized-{base}-{}", spec.git_ref.replace('/', "-"));
        return Ok((target, repo, name));
    }
    let target = Path::new(&options.target)
        .canonicalize()
        .with_context(|| format!("unable to establish localize target '{}'", options.target))?;
    let scope = match &options.scope {
        Some(scope) => scope
            .canonicalize()
            .with_context(|| format!("unable to establish localize scope '{}'", scope.display()))?,
        None => target.clone(),
    };
    if !target.starts_with(&scope) {
        bail!(
            "localize scope '{}' does not contain target '{}'",
            scope.display(),
            target.display()
        );
    }
    let name = match file_name(&target).as_str() {
        "" => "localized".to_string(),
        base => format!("localized-{base}"),
    };
    Ok((target, scope, name))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Builds the original and the localized target and compares the bytes.
fn verify(raw_target: &str, target: &Path, dst: &Path, session: &Session) -> Result<()> {
    let _ = session;
    let render = |dir: &Path| -> Result<Vec<u8>> {
        let built = crate::build::build(dir, &crate::BuildOptions::default())?;
        let mut out = Vec::new();
        crate::output::write_stream(built, &mut out)?;
        Ok(out)
    };
    let original = if RepoSpec::parse(raw_target).is_ok() {
        render(Path::new(raw_target))
    } else {
        render(target)
    }
    .context("verifying: building the original")?;
    let localized = render(dst).context("verifying: building the localized copy")?;
    if original != localized {
        bail!(
            "verifying: the localized copy in '{}' does not build to the same output as '{}' \
             (left in place for inspection; --no-verify skips this check)",
            dst.display(),
            redact(raw_target)
        );
    }
    Ok(())
}

/// One localization run.
struct Localizer<'a> {
    session: &'a Arc<Session>,
    scope: PathBuf,
    new_dir: PathBuf,
    /// Kustomization directories already written (source, destination).
    done: BTreeSet<(PathBuf, PathBuf)>,
}

impl Localizer<'_> {
    /// Localizes the kustomization in `src` into `dst`. `remote` is true
    /// inside a checked-out repository, where local references are bounded
    /// by the repository rather than the scope.
    fn root(&mut self, src: &Path, dst: &Path, remote: bool) -> Result<()> {
        if !self.done.insert((src.to_path_buf(), dst.to_path_buf())) {
            return Ok(());
        }
        let mut file = KustFile::open(src)?;
        std::fs::create_dir_all(dst)?;
        let mut visit = |kind: PathKind, path: &str| self.path(src, dst, remote, kind, path);
        fields::rewrite_paths(file.doc_mut(), &mut visit)?;
        if kustomization_uses_helm(&file) {
            self.copy_chart_home(src, dst)?;
        }
        let text = file.render()?;
        std::fs::write(dst.join(file.name()), text)?;
        Ok(())
    }

    /// Localizes one path of the kustomization in `src`; returns the path
    /// to write in its place.
    fn path(
        &mut self,
        src: &Path,
        dst: &Path,
        remote: bool,
        kind: PathKind,
        path: &str,
    ) -> Result<String> {
        let loader = Loader::new(LoadRestrictor::RootOnly);
        let resolved = loader.resolve_entry(src, src, path);
        let described = || format!("unable to localize '{}' of {}", redact(path), src.display());
        let may_be_root = matches!(kind, PathKind::Resource | PathKind::Root | PathKind::Plugin);
        let may_be_inline = matches!(kind, PathKind::FileOrInline | PathKind::Plugin);
        match resolved {
            Err(_) if may_be_inline && looks_inline(path) => Ok(path.to_string()),
            Err(e) => Err(e.context(described())),
            Ok(Entry::File(file)) if kind != PathKind::Root => self.copy_file(src, dst, &file),
            Ok(Entry::Dir(dir)) if may_be_root => self
                .local_root(src, dst, remote, &dir)
                .with_context(described),
            Ok(Entry::Remote(entry)) if may_be_root => {
                self.remote(src, dst, &entry).with_context(described)
            }
            Ok(Entry::Remote(RemoteEntry::Http(url))) if kind != PathKind::Root => {
                self.remote_file(src, dst, &url).with_context(described)
            }
            Ok(other) => Err(anyhow!("{}: not expected here: {other:?}", described())),
        }
    }

    /// Copies a file of the kustomization in `src` (already resolved and
    /// checked to lie below it) to the same place below `dst`.
    fn copy_file(&self, src: &Path, dst: &Path, file: &Path) -> Result<String> {
        let rel = relative(src, file);
        if file.starts_with(&self.new_dir) {
            bail!(
                "file '{}' enters localize destination '{}'",
                file.display(),
                self.new_dir.display()
            );
        }
        let target = dst.join(&rel);
        std::fs::create_dir_all(target.parent().unwrap_or(dst))?;
        std::fs::copy(file, &target).with_context(|| format!("cannot copy {}", file.display()))?;
        Ok(rel.to_string_lossy().into_owned())
    }

    /// A local kustomization directory: localized at the same relative place.
    fn local_root(&mut self, src: &Path, dst: &Path, remote: bool, dir: &Path) -> Result<String> {
        if !remote && !dir.starts_with(&self.scope) {
            bail!(
                "root '{}' outside localize scope '{}'",
                dir.display(),
                self.scope.display()
            );
        }
        if dir.starts_with(&self.new_dir) {
            bail!(
                "root '{}' references into localize destination",
                dir.display()
            );
        }
        let rel = relative(src, dir);
        self.root(dir, &clean_join(dst, &rel), remote)?;
        Ok(rel.to_string_lossy().into_owned())
    }

    /// A remote entry: checked out (or downloaded) into `localized-files`.
    fn remote(&mut self, src: &Path, dst: &Path, entry: &RemoteEntry) -> Result<String> {
        no_localized_files_yet(src)?;
        let spec = match entry {
            RemoteEntry::Git(spec) => spec.clone(),
            RemoteEntry::Http(url) => {
                if let Some(rel) = self.http_resources(dst, url)? {
                    return Ok(rel);
                }
                RepoSpec::parse(url)
                    .map_err(|e| anyhow!("'{url}' is neither a file nor a repository: {e}"))?
            }
        };
        if spec.git_ref.is_empty() {
            bail!(
                "localize remote root '{}' missing ref query string parameter",
                redact(&spec.raw)
            );
        }
        let repo = self
            .session
            .repository(&spec)
            .map_err(|e| anyhow!(e))?
            .canonicalize()?;
        let dir = repo.join(spec.dir_in_repo()).canonicalize()?;
        if !dir.starts_with(&repo) {
            bail!(
                "'{}' refers to a directory outside of the repository",
                redact(&spec.raw)
            );
        }
        let rel = paths::repo_location(&spec, &relative(&repo, &dir))?;
        self.root(&dir, &clean_join(dst, &rel), true)?;
        Ok(rel.to_string_lossy().into_owned())
    }

    /// Downloads `url`; when it is a file of resources, writes it below
    /// `localized-files` and returns its relative path.
    fn http_resources(&self, dst: &Path, url: &str) -> Result<Option<String>> {
        let Ok(answer) = self.session.download(url) else {
            return Ok(None);
        };
        let Answer::Body(body) = &*answer else {
            return Ok(None);
        };
        let readable = std::str::from_utf8(body)
            .ok()
            .is_some_and(|text| crate::load::resources_from_text(text, Path::new(url)).is_ok());
        if !readable {
            return Ok(None);
        }
        write_http_file(dst, url, body).map(Some)
    }

    /// A file named by URL in a field that names files (a patch, a
    /// generator's source, `configurations`, ...): downloaded, whatever it
    /// holds, below `localized-files`.
    fn remote_file(&self, src: &Path, dst: &Path, url: &str) -> Result<String> {
        no_localized_files_yet(src)?;
        let body = self.session.read_file(url).map_err(|e| anyhow!(e))?;
        write_http_file(dst, url, &body)
    }

    /// helm's default chart home (`charts/`), copied when it exists.
    fn copy_chart_home(&self, src: &Path, dst: &Path) -> Result<()> {
        let home = src.join("charts");
        if home.is_dir() {
            paths::copy_dir(&home, &dst.join("charts"))?;
        }
        Ok(())
    }
}

/// kustomize refuses to localize remote content into a kustomization
/// directory that already has a `localized-files` directory.
fn no_localized_files_yet(src: &Path) -> Result<()> {
    if src.join(LOCALIZE_DIR).exists() {
        bail!("{} already contains {LOCALIZE_DIR}", src.display());
    }
    Ok(())
}

/// Writes the body of `url` to its place below `localized-files` in
/// `dst`; returns that place relative to `dst`.
fn write_http_file(dst: &Path, url: &str, body: &[u8]) -> Result<String> {
    let rel = paths::url_location(url);
    let target = dst.join(&rel);
    std::fs::create_dir_all(target.parent().unwrap_or(dst))?;
    std::fs::write(&target, body)?;
    Ok(rel.to_string_lossy().into_owned())
}

fn kustomization_uses_helm(file: &KustFile) -> bool {
    file.doc().get("helmCharts").is_some_and(|v| !v.is_null())
}

/// An entry that is YAML rather than a path (an inline patch or config).
fn looks_inline(entry: &str) -> bool {
    entry.contains('\n') || entry.contains(": ")
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
