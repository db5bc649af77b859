//! Native decryption of SOPS-encrypted files with age keys.
//!
//! A SOPS file keeps its structure in the clear and replaces each value with
//! `ENC[AES256_GCM,…]`, encrypted under a random 32-byte data key with the
//! value's path as additional data. The data key is stored once per
//! recipient under `sops`; krust unwraps the `sops.age[]` copies with the
//! user's age identities ([`Keys`]). A SHA-512 MAC over the plaintext,
//! itself encrypted with `sops.lastmodified` as additional data, is checked
//! before anything is returned.
//!
//! Formats: YAML and JSON documents ([`decrypt_yaml`], [`decrypt_json`]),
//! and dotenv and binary files ([`decrypt_bytes`]). Errors name the file and
//! the path of a failing value, never a decrypted value.

pub(crate) mod age;
mod bech32;
mod cipher;
mod detect;
mod dotenv;
pub mod encrypt;
mod keys;
mod metadata;
mod sops_yaml;
mod walk;

pub use cipher::is_encrypted_value;
pub use detect::{
    count_encrypted_documents, decrypt_if_encrypted, env_keys, looks_encrypted, ENC_MARKER,
};
pub use keys::{Keys, AGE_KEY_ENV, AGE_KEY_FILE_ENV};

use crate::yaml::Value;
use metadata::Metadata;
use std::path::{Path, PathBuf};
use walk::Walker;

/// The kinds of SOPS files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YAML, metadata under a top-level `sops` key.
    Yaml,
    /// JSON, metadata under a top-level `sops` key.
    Json,
    /// dotenv, metadata in `sops_…` lines.
    Dotenv,
    /// Any other file, stored as JSON with its content under `data`.
    Binary,
}

impl Format {
    /// The format SOPS picks for a file name: by its ending (`.yaml`,
    /// `.yml`, `.json`, `.env`, so a file named `.env` is dotenv), binary
    /// otherwise.
    pub fn from_path(path: &Path) -> Format {
        let name = path.to_string_lossy();
        if name.ends_with(".yaml") || name.ends_with(".yml") {
            Format::Yaml
        } else if name.ends_with(".json") {
            Format::Json
        } else if name.ends_with(".env") {
            Format::Dotenv
        } else {
            Format::Binary
        }
    }
}

/// What went wrong, for callers that react differently to each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file does not parse in its format.
    Syntax,
    /// The file has no SOPS metadata.
    NotEncrypted,
    /// The metadata is malformed or uses something unsupported.
    Metadata,
    /// The data key has no age recipient (only PGP, KMS, …).
    NoAgeRecipient,
    /// No age identity is configured.
    NoIdentity,
    /// No configured identity can unwrap the data key.
    WrongKey,
    /// A value does not decrypt (altered, or not encrypted where it should be).
    Value,
    /// The MAC does not authenticate or does not match the content.
    MacMismatch,
}

/// A decryption failure, naming the file. Never contains plaintext.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: {message}", file.display())]
pub struct SopsError {
    /// The encrypted file.
    pub file: PathBuf,
    /// The kind of failure.
    pub kind: ErrorKind,
    /// What was wrong.
    pub message: String,
}

impl SopsError {
    fn new(file: &Path, kind: ErrorKind, message: impl Into<String>) -> SopsError {
        SopsError {
            file: file.to_path_buf(),
            kind,
            message: message.into(),
        }
    }
}

/// True when a parsed document carries SOPS metadata: a top-level `sops`
/// mapping with `mac` and `lastmodified`.
pub fn is_sops_document(doc: &Value) -> bool {
    doc.get("sops").is_some_and(is_sops_metadata)
}

/// True for the value of a `sops` field as SOPS writes it: a mapping with
/// at least `mac` and `lastmodified`.
pub fn is_sops_metadata(sops: &Value) -> bool {
    sops.as_map()
        .is_some_and(|m| m.contains_key("mac") && m.contains_key("lastmodified"))
}

/// Decrypts a SOPS YAML stream into its documents, without the `sops`
/// entries. Values keep their types (SOPS's `int`, `float`, `bool` tags);
/// comments are not part of the value model and are dropped, as kustomize
/// drops them when it reads decrypted YAML.
pub fn decrypt_yaml(text: &str, file: &Path, keys: &Keys) -> Result<Vec<Value>, SopsError> {
    let documents = crate::yaml::parse_documents(text, file)
        .map_err(|e| SopsError::new(file, ErrorKind::Syntax, e.message))?;
    decrypt_documents(documents, file, keys)
}

/// Decrypts a SOPS JSON file into its value, without the `sops` entry.
pub fn decrypt_json(text: &str, file: &Path, keys: &Keys) -> Result<Value, SopsError> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let at = format!("line {} column {}", e.line(), e.column());
        SopsError::new(file, ErrorKind::Syntax, format!("invalid JSON at {at}"))
    })?;
    let mut documents = decrypt_documents(vec![Value::from(&json)], file, keys)?;
    Ok(documents.pop().unwrap_or_default())
}

/// Decrypts parsed documents whose first one carries the `sops` metadata
/// (the form SOPS's YAML and JSON stores use). `sops` entries are removed
/// from every document, as SOPS does.
pub fn decrypt_documents(
    mut documents: Vec<Value>,
    file: &Path,
    keys: &Keys,
) -> Result<Vec<Value>, SopsError> {
    let sops = documents
        .iter_mut()
        .map(|doc| doc.as_map_mut().and_then(|m| m.shift_remove("sops")))
        .collect::<Vec<_>>()
        .into_iter()
        .next()
        .flatten()
        .ok_or_else(|| no_metadata(file))?;
    let metadata = read_metadata(&sops, file)?;
    let key = data_key(&metadata, file, keys)?;
    let mut walker = Walker::new(&key, &metadata.rule, metadata.mac_only_encrypted);
    for doc in &mut documents {
        walker
            .walk(doc, &mut Vec::new())
            .map_err(|e| value_error(file, &e))?;
    }
    check_mac(walker.finish(), &metadata, &key, file)?;
    Ok(documents)
}

/// Decrypts a SOPS file to the bytes SOPS would write: dotenv lines with
/// encrypted comments restored, or a binary file's content. Simple YAML
/// (mappings of plain scalars) is written in SOPS's layout; other YAML and
/// JSON are printed by krust's own printers (the values are exact; the
/// layout is krust's, not SOPS's).
pub fn decrypt_bytes(
    bytes: &[u8],
    format: Format,
    file: &Path,
    keys: &Keys,
) -> Result<Vec<u8>, SopsError> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        SopsError::new(
            file,
            ErrorKind::Syntax,
            "an encrypted SOPS file must be UTF-8 text",
        )
    })?;
    match format {
        Format::Dotenv => decrypt_dotenv(text, file, keys),
        Format::Binary => decrypt_binary(text, file, keys),
        Format::Json => {
            let value = decrypt_json(text, file, keys)?;
            let json = serde_json::Value::from(&value);
            let mut out = serde_json::to_vec_pretty(&json).unwrap_or_default();
            out.push(b'\n');
            Ok(out)
        }
        Format::Yaml => {
            let documents = decrypt_yaml(text, file, keys)?;
            if let Some(text) = sops_yaml::emit(&documents) {
                return Ok(text.into_bytes());
            }
            crate::yaml::print_documents(&documents)
                .map(String::into_bytes)
                .map_err(|e| SopsError::new(file, ErrorKind::Syntax, e.to_string()))
        }
    }
}

fn decrypt_dotenv(text: &str, file: &Path, keys: &Keys) -> Result<Vec<u8>, SopsError> {
    let mut lines = dotenv::parse(text).map_err(|line| {
        SopsError::new(
            file,
            ErrorKind::Syntax,
            format!("line {line} is not KEY=VALUE or a # comment"),
        )
    })?;
    let sops = dotenv::take_metadata(&mut lines)
        .map_err(|e| SopsError::new(file, ErrorKind::Metadata, e))?
        .ok_or_else(|| no_metadata(file))?;
    let metadata = read_metadata(&sops, file)?;
    let key = data_key(&metadata, file, keys)?;
    let mut walker = Walker::new(&key, &metadata.rule, metadata.mac_only_encrypted);
    for line in &mut lines {
        match line {
            dotenv::Line::Comment(text) => {
                if let Some(plain) = walker.comment(text, &[]) {
                    *text = plain;
                }
            }
            dotenv::Line::Pair(name, value) => {
                let path = [name.as_str()];
                walker
                    .leaf(value, &path)
                    .map_err(|e| value_error(file, &e))?;
            }
        }
    }
    check_mac(walker.finish(), &metadata, &key, file)?;
    Ok(dotenv::emit(&lines))
}

fn decrypt_binary(text: &str, file: &Path, keys: &Keys) -> Result<Vec<u8>, SopsError> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|_| {
        SopsError::new(
            file,
            ErrorKind::Syntax,
            "a SOPS binary file must be JSON with `data` and `sops` keys",
        )
    })?;
    let mut document = Value::from(&json);
    let sops = document
        .as_map_mut()
        .and_then(|m| m.shift_remove("sops"))
        .ok_or_else(|| no_metadata(file))?;
    let metadata = read_metadata(&sops, file)?;
    let key = data_key(&metadata, file, keys)?;
    let mut walker = Walker::new(&key, &metadata.rule, metadata.mac_only_encrypted);
    walker
        .walk(&mut document, &mut Vec::new())
        .map_err(|e| value_error(file, &e))?;
    let raw = std::mem::take(&mut walker.raw_values);
    check_mac(walker.finish(), &metadata, &key, file)?;
    if let Some((_, bytes)) = raw.into_iter().find(|(path, _)| path == "data:") {
        return Ok(bytes);
    }
    match document.get("data") {
        Some(Value::String(s)) => Ok(s.as_bytes().to_vec()),
        _ => Err(SopsError::new(
            file,
            ErrorKind::Syntax,
            "a SOPS binary file needs a string `data` entry",
        )),
    }
}

fn no_metadata(file: &Path) -> SopsError {
    SopsError::new(
        file,
        ErrorKind::NotEncrypted,
        "has no SOPS metadata (`sops` entry)",
    )
}

fn read_metadata(sops: &Value, file: &Path) -> Result<Metadata, SopsError> {
    Metadata::from_value(sops).map_err(|e| SopsError::new(file, ErrorKind::Metadata, e))
}

fn value_error(file: &Path, e: &walk::WalkError) -> SopsError {
    SopsError::new(
        file,
        ErrorKind::Value,
        format!("the value at `{}` {}", e.path, e.reason),
    )
}

/// Unwraps the data key from the first age recipient an identity matches.
fn data_key(metadata: &Metadata, file: &Path, keys: &Keys) -> Result<Vec<u8>, SopsError> {
    if metadata.age.is_empty() {
        let message = if metadata.other_recipients.is_empty() {
            "has no recipients for its data key".to_string()
        } else {
            format!(
                "encrypted for {} only; krust decrypts age recipients",
                metadata.other_recipients.join(", ")
            )
        };
        return Err(SopsError::new(file, ErrorKind::NoAgeRecipient, message));
    }
    let recipients = metadata
        .age
        .iter()
        .map(|a| a.recipient.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let problems = keys_problems(keys);
    if keys.is_empty() {
        let message = format!(
            "no age identity found to decrypt it (searched {}){problems}; it is encrypted for \
             {recipients}: set {} to a file holding the matching identity \
             (AGE-SECRET-KEY-1...), or {} to the identity itself",
            keys.searched().join(", "),
            keys::AGE_KEY_FILE_ENV,
            keys::AGE_KEY_ENV,
        );
        return Err(SopsError::new(file, ErrorKind::NoIdentity, message));
    }
    let mut failures = Vec::new();
    for entry in &metadata.age {
        match keys.unwrap_data_key(&entry.enc) {
            Ok(Some(key)) => return Ok(key),
            Ok(None) => {}
            Err(e) => failures.push(format!("{}: {e}", entry.recipient)),
        }
    }
    if !failures.is_empty() {
        return Err(SopsError::new(
            file,
            ErrorKind::Metadata,
            failures.join("; "),
        ));
    }
    let message = format!(
        "none of the {} age identities can decrypt it{problems}; it is encrypted for {recipients}",
        keys.len()
    );
    Err(SopsError::new(file, ErrorKind::WrongKey, message))
}

/// The identity sources that failed to load, as a message suffix.
fn keys_problems(keys: &Keys) -> String {
    if keys.problems().is_empty() {
        return String::new();
    }
    format!(" (could not load: {})", keys.problems().join("; "))
}

/// Compares the computed MAC with the file's, decrypted with
/// `lastmodified` as additional data.
fn check_mac(
    computed: String,
    metadata: &Metadata,
    key: &[u8],
    file: &Path,
) -> Result<(), SopsError> {
    let stored =
        cipher::decrypt_value(&metadata.mac, key, &metadata.last_modified).map_err(|e| {
            SopsError::new(
                file,
                ErrorKind::MacMismatch,
                format!("the MAC (`sops.mac`) {e}"),
            )
        })?;
    let matches = matches!(&stored, cipher::Plain::Str(s) if !s.is_empty() && *s == computed);
    if matches {
        return Ok(());
    }
    Err(SopsError::new(
        file,
        ErrorKind::MacMismatch,
        "MAC mismatch: the content does not match `sops.mac` (the file was altered after encryption)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_extension() {
        assert_eq!(Format::from_path(Path::new("a.enc.yaml")), Format::Yaml);
        assert_eq!(Format::from_path(Path::new("a.json")), Format::Json);
        assert_eq!(Format::from_path(Path::new(".env")), Format::Dotenv);
        assert_eq!(Format::from_path(Path::new("x.env")), Format::Dotenv);
        assert_eq!(Format::from_path(Path::new("key.pem")), Format::Binary);
    }

    #[test]
    fn sops_documents_are_recognised() {
        let doc = crate::yaml::parse_documents(
            "a: 1\nsops:\n  mac: x\n  lastmodified: y\n",
            Path::new("f"),
        )
        .unwrap()
        .remove(0);
        assert!(is_sops_document(&doc));
        assert!(!is_sops_document(&Value::from("sops")));
    }

    #[test]
    fn missing_metadata_is_named() {
        let err = decrypt_yaml("a: 1\n", Path::new("f.yaml"), &Keys::default()).unwrap_err();
        assert_eq!(err.kind, ErrorKind::NotEncrypted);
        assert!(err.to_string().starts_with("f.yaml: "));
    }

    #[test]
    fn pgp_only_files_name_what_is_missing() {
        let text = "a: ENC[x]\nsops:\n  pgp:\n  - fp: ABC\n    enc: x\n  mac: m\n  lastmodified: '2024-01-01T00:00:00Z'\n";
        let err = decrypt_yaml(text, Path::new("f.yaml"), &Keys::default()).unwrap_err();
        assert_eq!(err.kind, ErrorKind::NoAgeRecipient);
        assert!(err
            .message
            .contains("encrypted for PGP only; krust decrypts age recipients"));
    }
}
