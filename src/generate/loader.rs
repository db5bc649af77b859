//! How generators read the files named in `files` and `envs`.
//!
//! Generators only see the [`FileLoader`] trait, so the build can impose its
//! own load restrictions (kustomize's default: files must be in or under the
//! kustomization's directory). [`DiskLoader`] is the ordinary on-disk
//! implementation with kustomize's checks and messages; with a build's
//! remote session it also fetches sources named by `http(s)://` URL.

use crate::remote::{is_http_url, read_remote_file, Session};
use crate::sops::Keys;
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Reads a file named in a generator, given the path as written.
pub trait FileLoader {
    /// The file's bytes, or an error naming the path.
    fn load(&self, path: &str) -> Result<Vec<u8>>;

    /// Whether Secret generators decrypt the SOPS files this loader reads
    /// (false with `--sops=passthrough`).
    fn decrypts_sops(&self) -> bool {
        true
    }
}

impl<F> FileLoader for F
where
    F: Fn(&str) -> Result<Vec<u8>>,
{
    fn load(&self, path: &str) -> Result<Vec<u8>> {
        self(path)
    }
}

/// Reads files from disk relative to a base directory (the kustomization's
/// directory), optionally refusing files that resolve outside it. URLs are
/// fetched through the build's remote session, when it has one, whatever
/// the restriction (as kustomize's loader does).
#[derive(Debug, Clone)]
pub struct DiskLoader {
    root: PathBuf,
    restrict_to_root: bool,
    remote: Option<Arc<Session>>,
    decrypt_sops: bool,
}

impl DiskLoader {
    /// A loader rooted at `root` (which must exist). With
    /// `restrict_to_root`, a file whose real path (symlinks resolved) is not
    /// in or under the root's real path is refused.
    pub fn new(root: &Path, restrict_to_root: bool) -> Result<DiskLoader> {
        let root = std::fs::canonicalize(root)
            .with_context(|| format!("not a valid directory: '{}'", root.display()))?;
        Ok(DiskLoader {
            root,
            restrict_to_root,
            remote: None,
            decrypt_sops: true,
        })
    }

    /// The same loader, fetching URLs through `session`.
    pub fn with_remote(self, session: Option<Arc<Session>>) -> DiskLoader {
        DiskLoader {
            remote: session,
            ..self
        }
    }

    /// Whether Secret generators decrypt SOPS files read through this
    /// loader (the default) or use them as they are.
    pub fn decrypting_sops(self, decrypt_sops: bool) -> DiskLoader {
        DiskLoader {
            decrypt_sops,
            ..self
        }
    }
}

impl FileLoader for DiskLoader {
    fn decrypts_sops(&self) -> bool {
        self.decrypt_sops
    }

    fn load(&self, path: &str) -> Result<Vec<u8>> {
        if is_http_url(path) {
            return read_remote_file(self.remote.as_deref(), path);
        }
        let wanted = clean(&self.root.join(path));
        let real = std::fs::canonicalize(&wanted)
            .map_err(|e| anyhow!("evalsymlink failure on '{}' : {e}", wanted.display()))?;
        if real.is_dir() {
            bail!("'{}' must resolve to a file", wanted.display());
        }
        if self.restrict_to_root && !real.starts_with(&self.root) {
            bail!(
                "security; file '{}' is not in or below '{}'",
                wanted.display(),
                self.root.display()
            );
        }
        crate::load::read_input(&real)
            .with_context(|| format!("cannot read '{}'", wanted.display()))
    }
}

/// A loader for Secret generators: a source file that is SOPS-encrypted
/// (YAML or JSON with a top-level `sops` key, dotenv with `sops_` lines,
/// or SOPS's binary form) is decrypted before the Secret is built, so the
/// Secret holds, and its hash suffix is computed from, the plaintext.
/// Plain files cost one byte scan; keys are loaded only when needed.
pub struct DecryptingLoader<'a> {
    inner: &'a dyn FileLoader,
    keys: Option<&'a Keys>,
}

impl<'a> DecryptingLoader<'a> {
    /// Wraps `inner`; identities come from the environment
    /// ([`crate::sops::env_keys`]) unless `keys` are given.
    pub fn new(inner: &'a dyn FileLoader, keys: Option<&'a Keys>) -> DecryptingLoader<'a> {
        DecryptingLoader { inner, keys }
    }
}

impl FileLoader for DecryptingLoader<'_> {
    fn load(&self, path: &str) -> Result<Vec<u8>> {
        let bytes = self.inner.load(path)?;
        let file = Path::new(path);
        if !crate::sops::looks_encrypted(&bytes, crate::sops::Format::from_path(file)) {
            return Ok(bytes);
        }
        let keys = self.keys.unwrap_or_else(|| crate::sops::env_keys());
        Ok(crate::sops::decrypt_if_encrypted(bytes, file, keys)?)
    }
}

/// Removes `.` and resolves `..` lexically, as Go's `filepath.Clean` does
/// (a `..` at the root stays at the root).
fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (tempfile::TempDir, PathBuf) {
        let top = tempfile::tempdir().unwrap();
        let root = top.path().join("app");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/x.txt"), "hello\n").unwrap();
        std::fs::write(top.path().join("outside.txt"), "out\n").unwrap();
        (top, root)
    }

    #[test]
    fn reads_relative_and_absolute_paths() {
        let (_top, root) = tree();
        let loader = DiskLoader::new(&root, true).unwrap();
        assert_eq!(loader.load("sub/x.txt").unwrap(), b"hello\n");
        assert_eq!(loader.load("./sub/../sub/x.txt").unwrap(), b"hello\n");
        // A trailing slash on a file is accepted, as kustomize does.
        assert_eq!(loader.load("sub/x.txt/").unwrap(), b"hello\n");
        let abs = root.join("sub/x.txt");
        assert_eq!(loader.load(abs.to_str().unwrap()).unwrap(), b"hello\n");
    }

    #[test]
    fn directories_missing_files_and_escapes_are_errors() {
        let (_top, root) = tree();
        let loader = DiskLoader::new(&root, true).unwrap();
        let real_root = loader.root.display().to_string();
        // kubectl: '<root>/sub' must resolve to a file
        let err = loader.load("sub").unwrap_err().to_string();
        assert_eq!(err, format!("'{real_root}/sub' must resolve to a file"));
        // kubectl: evalsymlink failure on '<root>/missing.txt' : lstat ...
        let err = loader.load("missing.txt").unwrap_err().to_string();
        assert!(err.starts_with(&format!(
            "evalsymlink failure on '{real_root}/missing.txt' : "
        )));
        // kubectl: security; file '<parent>/outside.txt' is not in or below '<root>'
        let err = loader.load("../outside.txt").unwrap_err().to_string();
        let parent = loader.root.parent().unwrap().display().to_string();
        assert_eq!(
            err,
            format!("security; file '{parent}/outside.txt' is not in or below '{real_root}'")
        );
        let free = DiskLoader::new(&root, false).unwrap();
        assert_eq!(free.load("../outside.txt").unwrap(), b"out\n");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_judged_by_their_target() {
        let (_top, root) = tree();
        std::os::unix::fs::symlink("sub/x.txt", root.join("in.txt")).unwrap();
        std::os::unix::fs::symlink("../outside.txt", root.join("out.txt")).unwrap();
        let loader = DiskLoader::new(&root, true).unwrap();
        assert_eq!(loader.load("in.txt").unwrap(), b"hello\n");
        let err = loader.load("out.txt").unwrap_err().to_string();
        assert!(err.starts_with("security; file '"), "{err}");
        assert!(err.contains("/out.txt' is not in or below"), "{err}");
    }

    #[test]
    fn secret_loader_decrypts_sops_files_and_passes_plain_ones() {
        let identity = crate::sops::age::Identity::generate().unwrap();
        let secret = identity.to_secret_string().to_string();
        let keys = Keys::from_identity_text(&secret, "test").unwrap();
        let options = crate::sops::encrypt::EncryptOptions {
            recipients: vec![identity.recipient().to_string()],
            encrypted_regex: None,
        };
        let sealed = crate::sops::encrypt::encrypt_bytes(
            b"PASSWORD=hunter2\n",
            crate::sops::Format::Dotenv,
            &options,
        )
        .unwrap();
        let disk = move |path: &str| -> Result<Vec<u8>> {
            Ok(match path {
                "app.env" => sealed.clone(),
                _ => b"PLAIN=1\n".to_vec(),
            })
        };
        let loader = DecryptingLoader::new(&disk, Some(&keys));
        assert_eq!(loader.load("app.env").unwrap(), b"PASSWORD=hunter2\n");
        assert_eq!(loader.load("plain.env").unwrap(), b"PLAIN=1\n");
        let none = Keys::default();
        let refused = DecryptingLoader::new(&disk, Some(&none)).load("app.env");
        let message = refused.unwrap_err().to_string();
        assert!(
            message.contains("age1") && !message.contains("hunter2"),
            "{message}"
        );
    }

    #[test]
    fn closures_are_loaders() {
        let loader = |path: &str| -> Result<Vec<u8>> { Ok(path.as_bytes().to_vec()) };
        assert_eq!(FileLoader::load(&loader, "a").unwrap(), b"a");
    }
}
