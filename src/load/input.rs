//! Reading one input file safely: only regular files, and at most a set
//! number of bytes.
//!
//! kustomize opens whatever a path names: a FIFO listed as a resource
//! blocks the build forever, and `/dev/zero` (reachable with
//! `LoadRestrictionsNone`) is read until memory runs out. krust opens a file
//! without blocking, checks on the open handle that it is a regular file
//! (so a path swapped between check and read cannot slip through), and
//! reads no more than the limit.

use anyhow::{bail, Result};
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable that sets the limit, in bytes.
pub const MAX_INPUT_ENV: &str = "KRUST_MAX_INPUT_BYTES";

/// The default limit on one input file: far above any real manifest, low
/// enough that a runaway input fails quickly.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 256 << 20;

/// The limit set by the command line; 0 when not set.
static FLAG_LIMIT: AtomicU64 = AtomicU64::new(0);

/// Sets the limit for this process (the `--max-input-bytes` flag); it
/// takes precedence over [`MAX_INPUT_ENV`].
pub fn set_max_input_bytes(limit: u64) {
    FLAG_LIMIT.store(limit.max(1), Ordering::Relaxed);
}

/// The most bytes one input file may hold: the flag, else the
/// environment variable, else [`DEFAULT_MAX_INPUT_BYTES`].
pub fn max_input_bytes() -> u64 {
    match FLAG_LIMIT.load(Ordering::Relaxed) {
        0 => std::env::var(MAX_INPUT_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(DEFAULT_MAX_INPUT_BYTES),
        n => n,
    }
}

/// The bytes of the regular file at `path`. Errors: it is not a regular
/// file (a FIFO, a device, a socket, a directory), it is larger than
/// [`max_input_bytes`], or it cannot be read. Callers add the file's name
/// (as they did for any read error).
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        bail!(
            "not a regular file ({}); krust reads only regular files and directories",
            describe(&meta.file_type())
        );
    }
    let limit = max_input_bytes();
    if meta.len() > limit {
        bail!(too_large(limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        bail!(too_large(limit));
    }
    Ok(bytes)
}

/// [`read_input`] as text: UTF-8, or UTF-16 when the file starts with its
/// byte order mark (yaml.v3 reads both).
pub fn read_input_text(path: &Path) -> Result<String> {
    let bytes = read_input(path)?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return crate::yaml::encoding::decode_text(bytes);
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "stream did not contain valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

fn too_large(limit: u64) -> String {
    format!(
        "larger than the input limit of {limit} bytes (raise it with --max-input-bytes or \
         {MAX_INPUT_ENV})"
    )
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Opening a FIFO for reading blocks until a writer appears; without
    // blocking it opens at once and the type check refuses it.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

fn describe(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused() {
        let err = read_input(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(err.contains("not a regular file (a device)"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let err = read_input(dir.path()).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }

    #[test]
    fn regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "a: 1\n").unwrap();
        assert_eq!(read_input_text(&file).unwrap(), "a: 1\n");
    }
}
