//! The command line of the `krust` binary, below the top-level dispatch in
//! `main.rs`: the flags of `build` and `render` (shared with the ArgoCD
//! plugin, which reads build options from its settings), pflag's flag
//! syntax, and the exit-status conventions.
//!
//! Exit status: 0 on success; 1 when a command fails, including usage errors
//! (unknown flags, bad values), as kubectl and kustomize exit. `krust diff`
//! and `krust argocd generate` document their own codes.

pub mod argocd;
pub mod build;
pub mod pflag;
pub mod render;

use std::io::Write;
use std::process::ExitCode;

/// Prints `err` (with its causes) on stderr and returns exit status `code`.
pub fn fail(err: &anyhow::Error, code: u8) -> ExitCode {
    // A URL in a message may carry credentials (`https://user:token@...`).
    // Nor may a secret value quoted by a failing step.
    let message = crate::load::describe(err);
    eprintln!(
        "Error: {}",
        crate::sensitive::scrub(&crate::remote::redact::redact(&message))
    );
    ExitCode::from(code)
}

/// The exit status of a command's result: a reader that stopped reading
/// (`krust build | head`) is not a failure.
pub fn exit_status(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => fail(&err, 1),
    }
}

/// Reports a command line clap could not parse. Help and version requests
/// print on stdout and succeed; anything else is a usage error, printed on
/// stderr with status `code`.
pub fn usage_error(err: &clap::Error, code: u8) -> ExitCode {
    // Printing can only fail on a closed stream; the status still says what
    // happened.
    let _ = err.print();
    if err.use_stderr() {
        ExitCode::from(code)
    } else {
        ExitCode::SUCCESS
    }
}

/// True when `err` comes from writing into a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes all of `text` to stdout at once, after the command succeeded, so a
/// failure never leaves half an output on stdout.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
