//! Running krust for the hostile-input tests: exit code, output, peak
//! memory (from GNU time when installed) and a 60 s limit; writing trees
//! and SOPS-encrypted inputs.

use crate::common::{krust_bin, repo_root};
use krust::sops::encrypt::{encrypt_bytes, EncryptOptions};
use krust::sops::Format;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const TEST_RECIPIENT: &str = "age1fjlskl92elh5e3c7zypnn33wzpr96try9hf6w0desku0wzdnuecsyjz3te";

/// What one run of krust did.
pub struct Run {
    /// The exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Everything printed on stdout.
    pub stdout: Vec<u8>,
    /// Everything printed on stderr.
    pub stderr: String,
    /// The child's own peak resident set, in KiB (0 when not measured).
    pub max_rss_kib: i64,
}

/// Where GNU time is installed: it measures krust's own peak RSS (a child
/// forked from the test process would inherit the test's peak).
pub const TIME: &str = "/usr/bin/time";

/// Runs krust in `dir` with `env` (and no user SOPS key), killing it
/// after 60 s; the peak RSS comes from GNU time when it is installed.
pub fn krust(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let home = dir.join(".home");
    let rss_file = tempfile::NamedTempFile::new().unwrap();
    let timed = Path::new(TIME).exists();
    let mut command = if timed {
        let mut c = Command::new(TIME);
        c.args(["-f", "%M", "-o"])
            .arg(rss_file.path())
            .arg(krust_bin());
        c
    } else {
        Command::new(krust_bin())
    };
    let mut child = command
        .args(args)
        .current_dir(dir)
        .env_remove("SOPS_AGE_KEY")
        .env_remove("SOPS_AGE_KEY_FILE")
        .env_remove("KRUST_DECRYPT")
        .env_remove("KRUST_MAX_INPUT_BYTES")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("krust runs");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let code = wait(&mut child);
    let max_rss_kib = std::fs::read_to_string(rss_file.path())
        .ok()
        .and_then(|text| text.lines().last()?.trim().parse().ok())
        .unwrap_or(0);
    Run {
        code,
        stdout: stdout.join().unwrap(),
        stderr: String::from_utf8_lossy(&stderr.join().unwrap()).into_owned(),
        max_rss_kib,
    }
}

/// Waits for `child` (killing it after 60 s): its exit code.
pub fn wait(child: &mut std::process::Child) -> Option<i32> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for krust") {
            return status.code();
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Exit status 1, nothing on stdout, `file` named on stderr, and at most
/// `max_mib` MiB of peak memory.
pub fn assert_refused(run: &Run, file: &str, max_mib: i64) {
    assert_eq!(run.code, Some(1), "stderr: {}", run.stderr);
    assert_refused_with_any_code(run, file, max_mib);
}

/// [`assert_refused`] for commands with their own failure codes.
pub fn assert_refused_with_any_code(run: &Run, file: &str, max_mib: i64) {
    eprintln!("{file}: peak RSS {} KiB", run.max_rss_kib);
    assert!(
        matches!(run.code, Some(c) if c != 0),
        "stderr: {}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "stdout must stay empty");
    assert!(
        run.stderr.contains(file),
        "{file} not named: {}",
        run.stderr
    );
    assert!(
        run.max_rss_kib < max_mib * 1024,
        "peak RSS {} KiB above {max_mib} MiB",
        run.max_rss_kib
    );
}

pub use crate::common::write_file as write;

pub fn encrypted(name: &str, plain: &[u8], regex: Option<&str>) -> Vec<u8> {
    let options = EncryptOptions {
        recipients: vec![TEST_RECIPIENT.to_string()],
        encrypted_regex: regex.map(str::to_string),
    };
    encrypt_bytes(plain, Format::from_path(Path::new(name)), &options).unwrap()
}

pub fn test_key_file() -> PathBuf {
    repo_root().join("fixtures/sops-test-key/keys.txt")
}

pub fn with_key() -> Vec<(&'static str, String)> {
    vec![(
        "SOPS_AGE_KEY_FILE",
        test_key_file().to_string_lossy().into_owned(),
    )]
}

pub fn krust_with_key(dir: &Path, args: &[&str]) -> Run {
    let key = with_key();
    let env: Vec<(&str, &str)> = key.iter().map(|(k, v)| (*k, v.as_str())).collect();
    krust(dir, args, &env)
}
