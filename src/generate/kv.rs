//! Key/value sources of ConfigMap and Secret generators: `literals`,
//! `files` and `envs`, read with kustomize's exact rules.
//!
//! Values are bytes, not strings: file contents may be binary, and only the
//! ConfigMap builder decides what to do with bytes that are not UTF-8.
//!
//! kustomize v5.5 does not validate keys at all (its key validator is a
//! no-op), so keys such as `sp key` or `export FOO` are accepted as they
//! are; the only key errors are the syntactic ones below and duplicates.

use super::loader::FileLoader;
use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeMap;

/// One key/value pair read from a generator source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvPair {
    /// The key, exactly as written or derived.
    pub key: String,
    /// The value's bytes.
    pub value: Vec<u8>,
}

impl KvPair {
    fn new(key: impl Into<String>, value: impl Into<Vec<u8>>) -> KvPair {
        KvPair {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// The three source lists of one generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct KvSources<'a> {
    /// `key=value` entries.
    pub literals: &'a [String],
    /// `path` or `key=path` entries.
    pub files: &'a [String],
    /// Paths of env files.
    pub envs: &'a [String],
}

/// bufio.Scanner's default token limit: kustomize reads env files with it
/// and stops (silently) at the first line that does not fit.
const MAX_ENV_LINE: usize = 64 * 1024 - 1;

/// Reads every pair, in kustomize's order: env files first, then literals,
/// then files. Errors carry kustomize's prefixes (`loading KV pairs: ...`).
pub fn load_pairs(sources: KvSources<'_>, loader: &dyn FileLoader) -> Result<Vec<KvPair>> {
    load_all(sources, loader).context("loading KV pairs")
}

fn load_all(sources: KvSources<'_>, loader: &dyn FileLoader) -> Result<Vec<KvPair>> {
    let mut pairs = Vec::new();
    for path in sources.envs {
        let content = loader
            .load(path)
            .and_then(|c| parse_env_file(&c))
            .with_context(|| format!("env source files: {}", go_list(sources.envs)))?;
        pairs.extend(content);
    }
    for literal in sources.literals {
        let (key, value) = parse_literal(literal)
            .with_context(|| format!("literal sources {}", go_list(sources.literals)))?;
        pairs.push(KvPair::new(key, value));
    }
    for source in sources.files {
        let (key, path) = parse_file_source(source)
            .and_then(|(key, path)| Ok((key, loader.load(&path)?)))
            .with_context(|| format!("file sources: {}", go_list(sources.files)))?;
        pairs.push(KvPair::new(key, path));
    }
    Ok(pairs)
}

/// Collects pairs into a key-sorted map, rejecting a repeated key with
/// kustomize's message (which says "configmap" for Secrets too).
pub fn unique_pairs(name: &str, pairs: Vec<KvPair>) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut map = BTreeMap::new();
    for pair in pairs {
        if map.contains_key(&pair.key) {
            bail!("configmap {name} illegally repeats the key `{}`", pair.key);
        }
        map.insert(pair.key, pair.value);
    }
    Ok(map)
}

/// Splits a literal source at its first `=`. The value may contain more
/// `=`; one pair of matching surrounding quotes (`"` or `'`) is removed.
pub fn parse_literal(source: &str) -> Result<(String, String)> {
    match source.split_once('=') {
        Some((key, value)) if !key.is_empty() => {
            Ok((key.to_string(), strip_matching_quotes(value).to_string()))
        }
        _ => bail!("invalid literal source {source}, expected key=value"),
    }
}

fn strip_matching_quotes(value: &str) -> &str {
    let bytes = value.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last))
            if bytes.len() >= 2 && first == last && (first == b'"' || first == b'\'') =>
        {
            &value[1..value.len() - 1]
        }
        _ => value,
    }
}

/// Splits a file source into key and path: `path` (the key is the path's
/// last element) or `key=path`. Any other use of `=` is an error.
pub fn parse_file_source(source: &str) -> Result<(String, String)> {
    let separators = source.matches('=').count();
    if separators == 0 {
        return Ok((path_base(source).to_string(), source.to_string()));
    }
    if separators > 1 {
        bail!("source {source:?} key name or file path contains '='");
    }
    match source.split_once('=') {
        Some(("", path)) => {
            bail!("missing key name for file path {path:?} in source {source:?}")
        }
        Some((key, "")) => {
            bail!("missing file path for key name {key:?} in source {source:?}")
        }
        Some((key, path)) => Ok((key.to_string(), path.to_string())),
        None => Err(anyhow!("source {source:?} has no '='")),
    }
}

/// The last element of a slash-separated path, as Go's `path.Base`:
/// trailing slashes are ignored, `""` gives `"."` and all-slashes `"/"`.
fn path_base(path: &str) -> &str {
    if path.is_empty() {
        return ".";
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

/// Parses an env file with kustomize's rules:
///
/// * lines end at `\n`; one `\r` before it (or at the end of the file) is
///   dropped, any other `\r` stays in the value;
/// * a line longer than 65535 bytes ends the file silently: it and every
///   later line are ignored (kustomize's line scanner gives up there);
/// * a line that is not valid UTF-8 is an error, even inside a comment;
/// * a UTF-8 byte order mark is removed from the first line only;
/// * leading Unicode whitespace is removed; trailing whitespace is kept;
/// * blank lines and lines starting with `#` are skipped;
/// * the key is everything before the first `=` (spaces and an `export `
///   prefix included), the value everything after it, with no quote
///   removal; a line without `=` gives the empty value (the process
///   environment is never consulted);
/// * a line with an empty key (`=value`) is skipped.
pub fn parse_env_file(content: &[u8]) -> Result<Vec<KvPair>> {
    let mut pairs = Vec::new();
    for (index, raw) in scan_lines(content).enumerate() {
        let Some(line) = raw else { break };
        if let Some(pair) = parse_env_line(line, index)? {
            pairs.push(pair);
        }
    }
    Ok(pairs)
}

/// Lines as Go's `bufio.ScanLines` yields them; `None` marks a line too long
/// for the scanner, after which it stops.
fn scan_lines(content: &[u8]) -> impl Iterator<Item = Option<&[u8]>> {
    let mut rest = content;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        if line.len() > MAX_ENV_LINE {
            rest = &[];
            return Some(None);
        }
        Some(Some(line.strip_suffix(b"\r").unwrap_or(line)))
    })
}

fn parse_env_line(line: &[u8], index: usize) -> Result<Option<KvPair>> {
    let Ok(text) = std::str::from_utf8(line) else {
        bail!(
            "line {} has invalid utf8 bytes : {}",
            go_bytes(line),
            String::from_utf8_lossy(line)
        );
    };
    let text = if index == 0 {
        text.strip_prefix('\u{feff}').unwrap_or(text)
    } else {
        text
    };
    let text = text.trim_start();
    if text.is_empty() || text.starts_with('#') {
        return Ok(None);
    }
    let (key, value) = text.split_once('=').unwrap_or((text, ""));
    if key.is_empty() {
        return Ok(None);
    }
    Ok(Some(KvPair::new(key, value)))
}

/// A string list as Go's `%v` prints it: `[a b c]`.
fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// A byte slice as Go's `%d` prints it: `[35 32 255]`.
fn go_bytes(bytes: &[u8]) -> String {
    let parts: Vec<String> = bytes.iter().map(u8::to_string).collect();
    format!("[{}]", parts.join(" "))
}

#[cfg(test)]
#[path = "kv_tests.rs"]
mod tests;
