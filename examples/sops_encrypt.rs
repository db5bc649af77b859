//! Encrypts a file into SOPS form for age recipients, without the `sops`
//! tool: used to (re-)encrypt test fixtures and example trees.
//!
//! ```text
//! cargo run --example sops_encrypt -- --age age1… [--encrypted-regex RE] IN OUT
//! ```
//!
//! The format (YAML, JSON, dotenv or binary) follows OUT's name, as SOPS
//! picks it. See `krust::sops::encrypt` for what is written.

use anyhow::{bail, Context, Result};
use krust::sops::encrypt::{encrypt_bytes, EncryptOptions};
use krust::sops::Format;
use std::path::PathBuf;

fn main() -> Result<()> {
    let mut options = EncryptOptions::default();
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--age" => options
                .recipients
                .push(args.next().context("--age needs a recipient")?),
            "--encrypted-regex" => {
                options.encrypted_regex =
                    Some(args.next().context("--encrypted-regex needs a value")?)
            }
            _ => paths.push(arg.into()),
        }
    }
    let [input, output] = paths.as_slice() else {
        bail!("usage: sops_encrypt --age RECIPIENT [--encrypted-regex RE] IN OUT");
    };
    let plain = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    let sealed = encrypt_bytes(&plain, Format::from_path(output), &options)?;
    std::fs::write(output, sealed).with_context(|| format!("writing {}", output.display()))?;
    Ok(())
}
