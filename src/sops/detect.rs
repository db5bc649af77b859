//! Telling SOPS files from plain ones cheaply, and decrypting them only
//! when they are. Plain files pay for one byte scan (no parsing) unless
//! they mention `sops` at the start of a line or as a JSON key.

use super::{decrypt_bytes, decrypt_documents, ErrorKind, Format, Keys, SopsError};
use std::path::Path;
use std::sync::OnceLock;

/// The age identities of this process's environment, loaded the first time
/// an encrypted file is met (so plain builds never touch key files).
pub fn env_keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(Keys::from_env)
}

/// True when `bytes` may be a SOPS file of `format`, damaged ones
/// included: they hold an `ENC[AES256_GCM,…]` value, or metadata where
/// SOPS puts it (dotenv `sops_…` lines, a YAML line starting with `sops:`,
/// a `"sops"` key in JSON and SOPS's binary form, which is JSON). A cheap
/// test: a positive answer goes to [`decrypt_if_encrypted`], which either
/// verifies the file or refuses it.
pub fn looks_encrypted(bytes: &[u8], format: Format) -> bool {
    if contains(bytes, ENC_PREFIX) {
        return true;
    }
    if !contains(bytes, b"sops") {
        return false;
    }
    match format {
        Format::Dotenv => line_starts(bytes, b"sops_"),
        Format::Yaml => line_starts(bytes, b"sops:"),
        Format::Json | Format::Binary => {
            bytes.trim_ascii_start().first() == Some(&b'{') && contains(bytes, b"\"sops\"")
        }
    }
}

/// How every value SOPS encrypts starts.
const ENC_PREFIX: &[u8] = ENC_MARKER.as_bytes();

/// `ENC_PREFIX` as text.
pub const ENC_MARKER: &str = "ENC[AES256_GCM,";

/// How many of a resource file's documents carry complete SOPS metadata,
/// given each document's `sops` entry and whether the file's text holds an
/// encrypted value. Damaged SOPS data is an error naming the file: a `sops`
/// entry without `mac` or `lastmodified` (or not a mapping), or encrypted
/// values in a file with no metadata at all.
pub fn count_encrypted_documents<V>(
    sops_entries: impl Iterator<Item = Option<V>>,
    holds_encrypted_values: bool,
    file: &Path,
) -> Result<usize, SopsError>
where
    V: std::ops::Deref<Target = crate::yaml::Value>,
{
    let mut count = 0;
    for entry in sops_entries.flatten() {
        if !super::is_sops_metadata(&entry) {
            return Err(SopsError::new(
                file,
                ErrorKind::Metadata,
                "its `sops` entry is not complete SOPS metadata (it needs `mac` and \
                 `lastmodified`): the file was damaged; re-encrypt it",
            ));
        }
        count += 1;
    }
    if count == 0 && holds_encrypted_values {
        return Err(SopsError::new(
            file,
            ErrorKind::NotEncrypted,
            "holds SOPS-encrypted values (ENC[…]) but no SOPS metadata: the file was damaged; \
             re-encrypt it",
        ));
    }
    Ok(count)
}

/// `bytes` decrypted when they are a SOPS file (the format chosen from
/// `file`'s name, as SOPS does), or returned unchanged when they are plain.
/// YAML is printed by krust's printer; dotenv and binary files come back
/// byte for byte.
///
/// Strict: a file that holds encrypted values or SOPS metadata but cannot
/// be verified (metadata emptied or cut short, the MAC line deleted, git
/// conflict markers, encrypted values with no metadata) is an error naming
/// the file, never ciphertext handed on as if it were plain data.
pub fn decrypt_if_encrypted(
    bytes: Vec<u8>,
    file: &Path,
    keys: &Keys,
) -> Result<Vec<u8>, SopsError> {
    let format = Format::from_path(file);
    if !looks_encrypted(&bytes, format) {
        return Ok(bytes);
    }
    if let Some(marker) = conflict_marker(&bytes) {
        return Err(SopsError::new(
            file,
            ErrorKind::Syntax,
            format!(
                "holds SOPS data and a merge conflict marker (`{marker}`): resolve the conflict \
                 and re-encrypt the file"
            ),
        ));
    }
    if format == Format::Yaml {
        return decrypt_yaml_if_encrypted(bytes, file, keys);
    }
    if matches!(format, Format::Json | Format::Binary) && !json_mentions_sops(&bytes) {
        return Ok(bytes);
    }
    decrypt_bytes(&bytes, format, file, keys)
}

/// YAML that holds SOPS data, decrypted and printed.
fn decrypt_yaml_if_encrypted(
    bytes: Vec<u8>,
    file: &Path,
    keys: &Keys,
) -> Result<Vec<u8>, SopsError> {
    let unverifiable = |why: &str| {
        SopsError::new(
            file,
            ErrorKind::Syntax,
            format!("holds SOPS data but {why}, so it cannot be verified"),
        )
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| unverifiable("is not UTF-8"))?;
    let docs = crate::yaml::parse_documents(text, file)
        .map_err(|e| unverifiable(&format!("is not valid YAML ({})", e.message)))?;
    if !docs.iter().any(|doc| doc.get("sops").is_some()) && !contains(&bytes, ENC_PREFIX) {
        // `sops:` started a line inside a scalar: plain data.
        return Ok(bytes);
    }
    let plain = decrypt_documents(docs, file, keys)?;
    if let Some(text) = super::sops_yaml::emit(&plain) {
        return Ok(text.into_bytes());
    }
    crate::yaml::print_documents(&plain)
        .map(String::into_bytes)
        .map_err(|e| SopsError::new(file, ErrorKind::Syntax, e.to_string()))
}

/// True when JSON text is (or tries to be) an object with a top-level
/// `sops` key or encrypted values; text that does not parse as JSON but
/// holds `ENC[` values counts too (the decryption then names the problem).
fn json_mentions_sops(bytes: &[u8]) -> bool {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(json) => json.get("sops").is_some() || contains(bytes, ENC_PREFIX),
        Err(_) => contains(bytes, ENC_PREFIX) || contains(bytes, b"\"sops\""),
    }
}

/// The first git merge-conflict marker at the start of a line, if any.
fn conflict_marker(bytes: &[u8]) -> Option<&'static str> {
    ["<<<<<<< ", "=======\n", ">>>>>>> "]
        .into_iter()
        .find(|marker| line_starts(bytes, marker.as_bytes()))
        .map(|marker| marker.trim_end())
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
        assert!(looks_encrypted(
            b"a: ENC[AES256_GCM,data:x]\n",
            Format::Yaml
        ));
        assert!(looks_encrypted(b"A=1\nsops_version=3\n", Format::Dotenv));
        assert!(!looks_encrypted(b"opsps", Format::Binary));
        assert!(looks_encrypted(b"A=1\nsops_mac=x\n", Format::Dotenv));
        assert!(looks_encrypted(b"a: 1\nsops:\n  mac: x\n", Format::Yaml));
        assert!(looks_encrypted(b" {\"sops\": {}}", Format::Binary));
    }

    #[test]
    fn plain_files_come_back_unchanged() {
        let keys = Keys::default();
        for (name, text) in [
            ("a.yaml", "a: sops\nb: 'sops: x'\n"),
            ("a.json", "{\"a\": \"sops\"}"),
            ("a.txt", "just text mentioning sops"),
        ] {
            let out = decrypt_if_encrypted(text.as_bytes().to_vec(), Path::new(name), &keys);
            assert_eq!(out.unwrap(), text.as_bytes(), "{name}");
        }
    }
}

#[cfg(test)]
mod strict_tests {
    use super::*;

    fn refused(name: &str, text: &str) -> String {
        let out = decrypt_if_encrypted(text.as_bytes().to_vec(), Path::new(name), &Keys::default());
        match out {
            Ok(_) => panic!("{name}: {text:?} accepted"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn damaged_sops_files_are_refused() {
        for (name, text) in [
            ("a.yaml", "a: 1\nsops: {}\n"),
            ("a.yaml", "sops: not metadata\n"),
            (
                "a.yaml",
                "a: ENC[AES256_GCM,data:eA==,iv:x,tag:y,type:str]\n",
            ),
            (
                "a.yaml",
                "<<<<<<< HEAD\na: 1\n=======\na: 2\n>>>>>>> x\nsops:\n  mac: m\n",
            ),
            (
                "a.env",
                "A=ENC[AES256_GCM,data:eA==,iv:x,tag:y,type:str]\nsops_version=3\n",
            ),
            ("a.json", "{\"sops\": 1}"),
            ("a.json", "{\"a\": \"ENC[AES256_GCM,data:eA==]\"}"),
        ] {
            let err = refused(name, text);
            assert!(err.starts_with(&format!("{name}: ")), "{err}");
        }
    }
}
