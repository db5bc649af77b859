//! The `sops` metadata of an encrypted file: recipients, the MAC, and the
//! rule that decides which values are encrypted.

use crate::yaml::{Mapping, Value};
use regex::Regex;

/// One age recipient of the data key.
#[derive(Debug, Clone)]
pub struct AgeEntry {
    /// The recipient's public key (`age1…`), for messages.
    pub recipient: String,
    /// The data key, as an armored age file.
    pub enc: String,
}

/// Which values of the tree are encrypted. SOPS allows at most one rule;
/// without one, keys ending in `_unencrypted` are left in the clear.
#[derive(Debug, Clone)]
pub enum CryptRule {
    /// Values under a key ending with the suffix are not encrypted.
    UnencryptedSuffix(String),
    /// Only values under a key ending with the suffix are encrypted.
    EncryptedSuffix(String),
    /// Values under a key matching the pattern are not encrypted.
    UnencryptedRegex(Regex),
    /// Only values under a key matching the pattern are encrypted.
    EncryptedRegex(Regex),
}

impl CryptRule {
    /// SOPS's decision for a value at `path` (the keys leading to it;
    /// sequence items take their parent's path).
    pub fn is_encrypted(&self, path: &[&str]) -> bool {
        match self {
            CryptRule::UnencryptedSuffix(s) => !path.iter().any(|k| k.ends_with(s.as_str())),
            CryptRule::EncryptedSuffix(s) => path.iter().any(|k| k.ends_with(s.as_str())),
            CryptRule::UnencryptedRegex(r) => !path.iter().any(|k| r.is_match(k)),
            CryptRule::EncryptedRegex(r) => path.iter().any(|k| r.is_match(k)),
        }
    }
}

/// The parsed `sops` section.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// Age recipients, in file order.
    pub age: Vec<AgeEntry>,
    /// Names of the other kinds of recipients the file has.
    pub other_recipients: Vec<&'static str>,
    /// `lastmodified`, the MAC's additional data (normalised as SOPS does).
    pub last_modified: String,
    /// `mac`: the encrypted MAC.
    pub mac: String,
    /// The encryption rule.
    pub rule: CryptRule,
    /// `mac_only_encrypted`: the MAC covers only encrypted values.
    pub mac_only_encrypted: bool,
}

/// The recipient kinds krust cannot use, with their metadata keys.
const OTHER_KINDS: [(&str, &str); 6] = [
    ("pgp", "PGP"),
    ("kms", "AWS KMS"),
    ("gcp_kms", "GCP KMS"),
    ("azure_kv", "Azure Key Vault"),
    ("hc_vault", "HashiCorp Vault"),
    ("hckms", "HuaweiCloud KMS"),
];

impl Metadata {
    /// Reads the `sops` mapping. Errors name the offending field only.
    pub fn from_value(sops: &Value) -> Result<Metadata, String> {
        let map = sops.as_map().ok_or("the `sops` entry is not a mapping")?;
        let mut metadata = Metadata {
            age: Vec::new(),
            other_recipients: Vec::new(),
            last_modified: canonical_rfc3339(required_str(map, "lastmodified")?)
                .ok_or("`sops.lastmodified` is not an RFC 3339 time")?,
            mac: required_str(map, "mac")?.to_string(),
            rule: crypt_rule(map)?,
            mac_only_encrypted: flag(map.get("mac_only_encrypted"))?,
        };
        match map.get("key_groups").and_then(Value::as_seq) {
            Some(groups) if groups.len() > 1 => {
                return Err(format!(
                    "the data key is split across {} key groups (Shamir secret sharing), \
                     which krust does not support",
                    groups.len()
                ))
            }
            Some(groups) => groups.iter().try_for_each(|g| metadata.add_recipients(g))?,
            None => metadata.add_recipients(sops)?,
        }
        Ok(metadata)
    }

    fn add_recipients(&mut self, group: &Value) -> Result<(), String> {
        for (key, name) in OTHER_KINDS {
            let present = group
                .get(key)
                .and_then(Value::as_seq)
                .is_some_and(|s| !s.is_empty());
            if present && !self.other_recipients.contains(&name) {
                self.other_recipients.push(name);
            }
        }
        let entries = group
            .get("age")
            .and_then(Value::as_seq)
            .map(|s| s.as_slice());
        for entry in entries.unwrap_or_default() {
            let field = |name| entry.get(name).and_then(Value::as_str).unwrap_or_default();
            if field("enc").is_empty() {
                return Err("a `sops.age` entry has no `enc` data key".into());
            }
            self.age.push(AgeEntry {
                recipient: field("recipient").to_string(),
                enc: field("enc").to_string(),
            });
        }
        Ok(())
    }
}

fn required_str<'a>(map: &'a Mapping, key: &str) -> Result<&'a str, String> {
    map.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("`sops.{key}` is missing or not a string"))
}

/// A boolean field; the flattened dotenv form stores it as text.
fn flag(value: Option<&Value>) -> Result<bool, String> {
    match value {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) => match s.as_str() {
            "1" | "t" | "T" | "true" | "True" | "TRUE" => Ok(true),
            "0" | "f" | "F" | "false" | "False" | "FALSE" | "" => Ok(false),
            _ => Err("`sops.mac_only_encrypted` is not a boolean".into()),
        },
        Some(_) => Err("`sops.mac_only_encrypted` is not a boolean".into()),
    }
}

/// The single encryption rule, or SOPS's default `_unencrypted` suffix.
fn crypt_rule(map: &Mapping) -> Result<CryptRule, String> {
    let text = |key| {
        map.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    for key in ["unencrypted_comment_regex", "encrypted_comment_regex"] {
        if text(key).is_some() {
            return Err(format!("`sops.{key}` is not supported by krust"));
        }
    }
    let regex = |key: &str, pattern: &str| {
        Regex::new(pattern)
            .map_err(|e| format!("`sops.{key}` is not a valid regular expression: {e}"))
    };
    let mut rules = Vec::new();
    if let Some(s) = text("unencrypted_suffix") {
        rules.push(CryptRule::UnencryptedSuffix(s.to_string()));
    }
    if let Some(s) = text("encrypted_suffix") {
        rules.push(CryptRule::EncryptedSuffix(s.to_string()));
    }
    if let Some(p) = text("unencrypted_regex") {
        rules.push(CryptRule::UnencryptedRegex(regex("unencrypted_regex", p)?));
    }
    if let Some(p) = text("encrypted_regex") {
        rules.push(CryptRule::EncryptedRegex(regex("encrypted_regex", p)?));
    }
    if rules.len() > 1 {
        return Err(
            "more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex \
                    and unencrypted_regex is set"
                .into(),
        );
    }
    Ok(rules
        .pop()
        .unwrap_or_else(|| CryptRule::UnencryptedSuffix("_unencrypted".into())))
}

/// `lastmodified` the way SOPS uses it as additional data: parsed as
/// RFC 3339 and formatted back, which drops fractional seconds and writes a
/// zero offset as `Z`.
pub fn canonical_rfc3339(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let shape_ok = digits(0..4)
        && bytes.get(4) == Some(&b'-')
        && digits(5..7)
        && bytes.get(7) == Some(&b'-')
        && digits(8..10)
        && bytes.get(10) == Some(&b'T')
        && digits(11..13)
        && bytes.get(13) == Some(&b':')
        && digits(14..16)
        && bytes.get(16) == Some(&b':')
        && digits(17..19);
    if !shape_ok {
        return None;
    }
    let (seconds, mut zone) = text.split_at(19);
    if let Some(fraction) = zone.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        if end == 0 {
            return None;
        }
        zone = &fraction[end..];
    }
    let zone_ok = zone == "Z"
        || (zone.len() == 6
            && matches!(zone.as_bytes()[0], b'+' | b'-')
            && zone.as_bytes()[3] == b':'
            && zone
                .bytes()
                .enumerate()
                .all(|(i, b)| matches!(i, 0 | 3) || b.is_ascii_digit()));
    if !zone_ok {
        return None;
    }
    let zone = if matches!(zone, "+00:00" | "-00:00") {
        "Z"
    } else {
        zone
    };
    Some(format!("{seconds}{zone}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lastmodified_is_normalised_like_go() {
        assert_eq!(
            canonical_rfc3339("2023-12-25T10:31:01Z").unwrap(),
            "2023-12-25T10:31:01Z"
        );
        assert_eq!(
            canonical_rfc3339("2023-12-25T10:31:01.25Z").unwrap(),
            "2023-12-25T10:31:01Z"
        );
        assert_eq!(
            canonical_rfc3339("2023-12-25T10:31:01+00:00").unwrap(),
            "2023-12-25T10:31:01Z"
        );
        assert_eq!(
            canonical_rfc3339("2023-12-25T10:31:01+02:00").unwrap(),
            "2023-12-25T10:31:01+02:00"
        );
        assert!(canonical_rfc3339("2023-12-25 10:31:01").is_none());
        assert!(canonical_rfc3339("2023-12-25T10:31:01").is_none());
    }

    #[test]
    fn rules_follow_sops() {
        let default = CryptRule::UnencryptedSuffix("_unencrypted".into());
        assert!(default.is_encrypted(&["a", "b"]));
        assert!(!default.is_encrypted(&["a_unencrypted", "b"]));
        let only = CryptRule::EncryptedRegex(Regex::new("^data$").unwrap());
        assert!(only.is_encrypted(&["data", "x"]));
        assert!(!only.is_encrypted(&["metadata", "name"]));
        assert!(!only.is_encrypted(&[]));
    }

    #[test]
    fn two_rules_are_refused() {
        let mut map = Mapping::new();
        map.insert("encrypted_suffix".into(), "_e".into());
        map.insert("unencrypted_regex".into(), "^u".into());
        assert!(crypt_rule(&map).is_err());
    }
}
