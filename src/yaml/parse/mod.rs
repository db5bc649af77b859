//! Parsing YAML streams into [`Value`]s with yaml.v3's rules.
//!
//! Resources ([`parse_documents`]) are read the way kustomize reads them:
//! split on `---` lines first, then each piece parsed by yaml.v3 and
//! passed through JSON. Kustomization files ([`parse_documents_lenient`])
//! take kustomize's other path, through yaml.v2.

mod alias;
mod depth;
pub(crate) mod encoding;
mod folded;
mod repair;
mod source;
mod split;
mod text;
mod tree;

use super::resolve::Schema;
use super::BareNullPath;
use super::Value;
use repair::repair_for_retry;
use split::{split_documents, Chunk};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use text::{find_forbidden_raw_char, line_col};
use tree::{read_first_document_keys, TreeError};

/// A YAML syntax or content error, located in its file.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}{}: {message}", file.display(), location.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
pub struct YamlError {
    /// The file the text came from.
    pub file: PathBuf,
    /// 1-based line and column, when the parser knows them.
    pub location: Option<(usize, usize)>,
    /// What was wrong.
    pub message: String,
}

impl YamlError {
    fn new(file: &Path, location: Option<(usize, usize)>, message: impl Into<String>) -> YamlError {
        YamlError {
            file: file.to_path_buf(),
            location,
            message: message.into(),
        }
    }
}

/// Parses every document of a resource file. Empty, comment-only and null
/// documents are dropped; a document whose root is a scalar or a sequence
/// is returned as it is.
///
/// Scalars are resolved by yaml.v3's rules and then changed the way
/// kustomize's JSON round trip changes them (timestamps become RFC 3339
/// strings, NEL becomes a space). Errors: YAML syntax, a separator line
/// with content (`--- x`), directives (`%YAML`), duplicate keys, null keys,
/// non-string keys below the top level, complex keys, bad merge keys,
/// `.inf`/`.nan`, tags that do not fit their scalar, and control
/// characters.
pub fn parse_documents(text: &str, file: &Path) -> Result<Vec<Value>, YamlError> {
    let documents = parse_documents_noting_bare_nulls(text, file)?;
    Ok(documents.into_iter().map(|(doc, _)| doc).collect())
}

/// [`parse_documents`], with each document the paths of its mapping fields
/// written with no value at all (see [`BareNullPath`]); usually none.
pub fn parse_documents_noting_bare_nulls(
    text: &str,
    file: &Path,
) -> Result<Vec<(Value, Vec<BareNullPath>)>, YamlError> {
    parse_documents_keys(text, file, false)
}

/// [`parse_documents`] for strategic merge patches: kustomize reads those
/// without decoding them into maps, so a key written twice in a mapping is
/// no error, and its first value is the one that counts.
pub fn parse_patch_documents(text: &str, file: &Path) -> Result<Vec<Value>, YamlError> {
    let documents = parse_documents_keys(text, file, true)?;
    Ok(documents.into_iter().map(|(doc, _)| doc).collect())
}

fn parse_documents_keys(
    text: &str,
    file: &Path,
    first_key_wins: bool,
) -> Result<Vec<(Value, Vec<BareNullPath>)>, YamlError> {
    check_raw_chars(text, file)?;
    let text = normalize_line_ends(text);
    let chunks = split_documents(&text).map_err(|e| {
        YamlError::new(
            file,
            Some((e.line_number, 1)),
            format!(
                "invalid document separator: {} (only a comment may follow `---`)",
                e.line
            ),
        )
    })?;
    let mut documents = Vec::with_capacity(chunks.len());
    for chunk in &chunks {
        refuse_directives(chunk, file)?;
        match parse_first(&nel_as_line_break(chunk.text), Schema::V3, first_key_wins) {
            Ok((None, _)) => {}
            Ok((Some(doc), _)) if doc.is_null() => {}
            Ok((Some(doc), bare_nulls)) => documents.push((doc, bare_nulls)),
            Err(e) => return Err(locate(e, chunk.first_line, file)),
        }
    }
    Ok(documents)
}

/// Parses a kustomization file the way kustomize reads one (through
/// yaml.v2 and JSON), which is more forgiving than [`parse_documents`]:
///
/// * a duplicate key is not an error: the last value wins (and a `<<`
///   merge overwrites keys written before it);
/// * `yes`/`no`/`on`/`off`/`y`/`n` (any of their case forms) are booleans,
///   and timestamps stay strings as written;
/// * `%YAML`/`%TAG` directives are allowed, and `---` lines are ordinary
///   document markers;
/// * only the first document counts: the result holds at most one value
///   (none when that document is empty or null);
/// * escaped control characters are left in strings (they only fail later,
///   if they reach a resource).
pub fn parse_documents_lenient(text: &str, file: &Path) -> Result<Vec<Value>, YamlError> {
    check_raw_chars(text, file)?;
    refuse_leading_document_end(text, file)?;
    let text = normalize_line_ends(text);
    match parse_first(&nel_as_line_break(&text), Schema::V2, false) {
        Ok((Some(Value::Null) | None, _)) => Ok(Vec::new()),
        Ok((Some(doc), _)) => Ok(vec![doc]),
        Err(e) => Err(locate(e, 1, file)),
    }
}

/// Parses the first document of `text`. Where the event parser is
/// stricter than yaml.v3, the text is repaired and parsed again (see
/// [`repair_for_retry`]).
fn parse_first(
    text: &str,
    schema: Schema,
    first_key_wins: bool,
) -> Result<(Option<Value>, Vec<BareNullPath>), TreeError> {
    // Each repair fixes one scalar; the cap bounds the work on hostile
    // input.
    const MAX_REPAIRS: usize = 256;
    let mut text = Cow::Borrowed(text);
    for _ in 0..MAX_REPAIRS {
        let err = match read_first_document_keys(&text, schema, first_key_wins) {
            Ok(doc) => return Ok(doc),
            Err(e) => e,
        };
        match repair_for_retry(&text, &err) {
            Some(fixed) => text = Cow::Owned(fixed),
            None => return Err(err),
        }
    }
    read_first_document_keys(&text, schema, first_key_wins)
}

fn check_raw_chars(text: &str, file: &Path) -> Result<(), YamlError> {
    match find_forbidden_raw_char(text) {
        None => Ok(()),
        Some(offset) => {
            let c = text[offset..].chars().next().unwrap_or_default();
            Err(YamlError::new(
                file,
                Some(line_col(text, offset)),
                format!(
                    "control characters are not allowed (found U+{:04X})",
                    u32::from(c)
                ),
            ))
        }
    }
}

/// kustomize replaces every CRLF with LF before splitting.
fn normalize_line_ends(text: &str) -> Cow<'_, str> {
    if text.contains("\r\n") {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The YAML readers kustomize uses count a raw NEL (U+0085) as a line
/// break, in comments and scalars alike. (Only after splitting: the
/// document splitter itself knows only LF.)
fn nel_as_line_break(text: &str) -> Cow<'_, str> {
    if text.contains('\u{85}') {
        Cow::Owned(text.replace('\u{85}', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A directive can never be valid in a piece: its `---` line was the
/// separator that ended the previous piece.
fn refuse_directives(chunk: &Chunk<'_>, file: &Path) -> Result<(), YamlError> {
    match first_content_line(chunk.text) {
        Some((i, line)) if line.starts_with('%') => Err(YamlError::new(
            file,
            Some((chunk.first_line + i, 1)),
            "did not find expected <document start>: directives such as %YAML are not supported in resource files",
        )),
        Some((i, line)) if is_document_end(line) => Err(leading_document_end(file, chunk.first_line + i)),
        _ => Ok(()),
    }
}

/// The first line of `text` that is neither blank nor a comment, with its
/// index (0 for the first line).
fn first_content_line(text: &str) -> Option<(usize, &str)> {
    text.trim_start_matches('\u{FEFF}')
        .lines()
        .enumerate()
        .find(|(_, line)| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('#')
        })
}

/// True for a `...` document end marker line (at the start of the line,
/// followed by nothing but blanks or a comment).
fn is_document_end(line: &str) -> bool {
    line.strip_prefix("...")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// yaml.v3 reads a `...` before any content as the end of a document that
/// never started, and fails.
fn leading_document_end(file: &Path, line: usize) -> YamlError {
    YamlError::new(
        file,
        Some((line, 1)),
        "did not find expected node content (a `...` document end marker comes before any document)",
    )
}

/// [`leading_document_end`] for the first content line of `text`, if it is
/// a `...` marker.
fn refuse_leading_document_end(text: &str, file: &Path) -> Result<(), YamlError> {
    match first_content_line(text) {
        Some((i, line)) if is_document_end(line) => Err(leading_document_end(file, i + 1)),
        _ => Ok(()),
    }
}

fn locate(e: TreeError, first_line: usize, file: &Path) -> YamlError {
    let location = e.marker.map(|m| (first_line + m.line() - 1, m.col() + 1));
    YamlError::new(file, location, e.message)
}

#[cfg(test)]
mod tests;
