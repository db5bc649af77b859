//! The parse+print floor for `tools/bench`: reads YAML resource files (or
//! every `*.yaml`/`*.yml` below the directories named, leaving out
//! kustomization files), parses each with krust's parser and prints it
//! back, with no build in between. What a build of the same input cannot
//! beat, so the benchmark reports krust's speed against it.
//!
//! `cargo run --release --example parse_print -- DIR_OR_FILE... > out.yaml`

use std::path::{Path, PathBuf};

/// The same allocator as the `krust` binary, so the floor is comparable.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let mut files = Vec::new();
    for arg in std::env::args_os().skip(1) {
        collect(Path::new(&arg), &mut files)?;
    }
    files.sort();
    let mut out = String::new();
    for file in &files {
        let text = std::fs::read_to_string(file)?;
        let docs = krust::yaml::parse_documents(&text, file)?;
        for doc in &docs {
            if !out.is_empty() {
                out.push_str("---\n");
            }
            krust::yaml::print_document(doc, &mut out)?;
        }
    }
    krust::cli::write_stdout(&out)
}

/// Adds `path` (a file) or the resource files below it (a directory).
fn collect(path: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if !path.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(path)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            collect(&path, files)?;
        } else if (name.ends_with(".yaml") || name.ends_with(".yml"))
            && !name.starts_with("kustomization")
            && name != "Kustomization"
        {
            files.push(path);
        }
    }
    Ok(())
}
