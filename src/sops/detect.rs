//! Telling SOPS files from plain ones cheaply, and decrypting them only
//! when they are. Plain files pay for one byte scan (no parsing) unless
//! they mention `sops` at the start of a line or as a JSON key.

use super::{decrypt_bytes, decrypt_documents, is_sops_document, Format, Keys, SopsError};
use std::path::Path;
use std::sync::OnceLock;

/// The age identities of this process's environment, loaded the first time
/// an encrypted file is met (so plain builds never touch key files).
pub fn env_keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(Keys::from_env)
}

/// True when `bytes` look like a SOPS file of `format`: dotenv with a
/// `sops_mac=` line, YAML with a top-level `sops:` key, JSON (and SOPS's
/// binary form, which is JSON) with a `"sops"` key. A cheap test: a
/// positive answer is confirmed by [`decrypt_if_encrypted`].
pub fn looks_encrypted(bytes: &[u8], format: Format) -> bool {
    if !contains(bytes, b"sops") {
        return false;
    }
    match format {
        Format::Dotenv => line_starts(bytes, b"sops_mac="),
        Format::Yaml => line_starts(bytes, b"sops:"),
        Format::Json | Format::Binary => {
            bytes.trim_ascii_start().first() == Some(&b'{') && contains(bytes, b"\"sops\"")
        }
    }
}

/// `bytes` decrypted when they are a SOPS file (the format chosen from
/// `file`'s name, as SOPS does), or returned unchanged. YAML is printed by
/// krust's printer; dotenv and binary files come back byte for byte.
pub fn decrypt_if_encrypted(
    bytes: Vec<u8>,
    file: &Path,
    keys: &Keys,
) -> Result<Vec<u8>, SopsError> {
    let format = Format::from_path(file);
    if !looks_encrypted(&bytes, format) {
        return Ok(bytes);
    }
    if format == Format::Yaml {
        return decrypt_yaml_if_encrypted(bytes, file, keys);
    }
    if matches!(format, Format::Json | Format::Binary) && !json_has_metadata(&bytes) {
        return Ok(bytes);
    }
    decrypt_bytes(&bytes, format, file, keys)
}

/// YAML whose first document carries SOPS metadata, decrypted and printed.
fn decrypt_yaml_if_encrypted(
    bytes: Vec<u8>,
    file: &Path,
    keys: &Keys,
) -> Result<Vec<u8>, SopsError> {
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(bytes);
    };
    let Ok(docs) = crate::yaml::parse_documents(text, file) else {
        return Ok(bytes);
    };
    if !docs.first().is_some_and(is_sops_document) {
        return Ok(bytes);
    }
    let plain = decrypt_documents(docs, file, keys)?;
    if let Some(text) = super::sops_yaml::emit(&plain) {
        return Ok(text.into_bytes());
    }
    crate::yaml::print_documents(&plain)
        .map(String::into_bytes)
        .map_err(|e| SopsError::new(file, super::ErrorKind::Syntax, e.to_string()))
}

/// True when JSON text has a top-level `sops` object with a MAC.
fn json_has_metadata(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes).is_ok_and(|json| {
        json.get("sops")
            .is_some_and(|s| s.get("mac").is_some() && s.get("lastmodified").is_some())
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn line_starts(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.starts_with(prefix)
        || bytes
            .windows(prefix.len() + 1)
            .any(|w| w[0] == b'\n' && &w[1..] == prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_files_are_not_suspected() {
        assert!(!looks_encrypted(b"A=1\n", Format::Dotenv));
        assert!(!looks_encrypted(b"a: sops\n", Format::Yaml));
        assert!(!looks_encrypted(b"opsps", Format::Binary));
        assert!(looks_encrypted(b"A=1\nsops_mac=x\n", Format::Dotenv));
        assert!(looks_encrypted(b"a: 1\nsops:\n  mac: x\n", Format::Yaml));
        assert!(looks_encrypted(b" {\"sops\": {}}", Format::Binary));
    }

    #[test]
    fn plain_files_come_back_unchanged() {
        let keys = Keys::default();
        for (name, text) in [
            ("a.yaml", "sops: not metadata\n"),
            ("a.json", "{\"sops\": 1}"),
            ("a.txt", "just text mentioning sops"),
        ] {
            let out = decrypt_if_encrypted(text.as_bytes().to_vec(), Path::new(name), &keys);
            assert_eq!(out.unwrap(), text.as_bytes(), "{name}");
        }
    }
}
