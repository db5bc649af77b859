//! Encryption into SOPS files, for tooling and tests.
//!
//! krust's build only ever decrypts. This module exists so that fixtures
//! and example trees can be (re-)encrypted without the `sops` tool, and so
//! tests can produce encrypted inputs on the fly. It writes what SOPS
//! writes: a fresh random data key wrapped for each age recipient, every
//! selected value sealed with AES-256-GCM (random 32-byte IV, the value's
//! path as additional data) and the MAC over the plaintext values.
//!
//! The layout of YAML output is krust's printer's (keys sorted), not
//! SOPS's; the values, metadata and MAC are what `sops --decrypt` expects.

use super::cipher::DATA_KEY_LEN;
use super::metadata::CryptRule;
use super::walk::{additional_data, for_each_leaf, leaf_text};
use super::Format;
use crate::yaml::{Mapping, Value};
use aes_gcm::aead::generic_array::typenum::U32;
use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::aes::Aes256;
use aes_gcm::AesGcm;
use anyhow::{anyhow, bail, Context, Result};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use sha2::{Digest, Sha512};
use std::path::Path;

/// The SOPS version written into the metadata.
const WRITTEN_VERSION: &str = "3.9.4";

/// What to encrypt for, and which values.
#[derive(Debug, Clone, Default)]
pub struct EncryptOptions {
    /// age recipients (`age1…` public keys); at least one.
    pub recipients: Vec<String>,
    /// `encrypted_regex`: encrypt only values under matching keys (for
    /// Kubernetes Secrets typically `^(data|stringData)$`). Without it,
    /// SOPS's default applies: everything except keys ending in
    /// `_unencrypted`.
    pub encrypted_regex: Option<String>,
}

/// Encrypts a file's plaintext into the SOPS form of `format`.
pub fn encrypt_bytes(plain: &[u8], format: Format, options: &EncryptOptions) -> Result<Vec<u8>> {
    let mut sealer = Sealer::new(options)?;
    let text = || std::str::from_utf8(plain).context("the plaintext must be UTF-8");
    let out = match format {
        Format::Yaml => sealer.yaml(text()?)?,
        Format::Json => sealer.json(text()?)?,
        Format::Dotenv => sealer.dotenv(text()?)?,
        Format::Binary => sealer.binary(plain)?,
    };
    Ok(out.into_bytes())
}

/// Seals values under one data key and accumulates the MAC.
struct Sealer<'o> {
    options: &'o EncryptOptions,
    rule: CryptRule,
    key: [u8; DATA_KEY_LEN],
    mac: Sha512,
}

impl<'o> Sealer<'o> {
    fn new(options: &'o EncryptOptions) -> Result<Sealer<'o>> {
        if options.recipients.is_empty() {
            bail!("at least one age recipient is needed");
        }
        let rule = match &options.encrypted_regex {
            Some(pattern) => CryptRule::EncryptedRegex(
                regex::Regex::new(pattern).context("invalid encrypted_regex")?,
            ),
            None => CryptRule::UnencryptedSuffix("_unencrypted".into()),
        };
        let mut key = [0u8; DATA_KEY_LEN];
        getrandom::getrandom(&mut key).map_err(|e| anyhow!("no randomness: {e}"))?;
        Ok(Sealer {
            options,
            rule,
            key,
            mac: Sha512::new(),
        })
    }

    /// `ENC[AES256_GCM,…]` for one plaintext under `aad`.
    fn seal(&self, plain: &[u8], kind: &str, aad: &str) -> Result<String> {
        if plain.is_empty() {
            return Ok(String::new());
        }
        let mut iv = [0u8; 32];
        getrandom::getrandom(&mut iv).map_err(|e| anyhow!("no randomness: {e}"))?;
        let cipher = AesGcm::<Aes256, U32>::new(GenericArray::from_slice(&self.key));
        let payload = Payload {
            msg: plain,
            aad: aad.as_bytes(),
        };
        let sealed = cipher
            .encrypt(GenericArray::from_slice(&iv), payload)
            .map_err(|_| anyhow!("AES-GCM encryption failed"))?;
        let (data, tag) = sealed.split_at(sealed.len() - 16);
        Ok(format!(
            "ENC[AES256_GCM,data:{},iv:{},tag:{},type:{kind}]",
            BASE64.encode(data),
            BASE64.encode(iv),
            BASE64.encode(tag)
        ))
    }

    /// Hashes a leaf and seals it when the rule selects its path.
    fn leaf(&mut self, value: &mut Value, path: &[&str]) -> Result<()> {
        let Some((bytes, kind)) = leaf_text(value) else {
            return Ok(());
        };
        self.mac.update(&bytes);
        if self.rule.is_encrypted(path) {
            *value = Value::String(self.seal(&bytes, kind, &additional_data(path))?.into());
        }
        Ok(())
    }

    fn walk<'v>(&mut self, value: &'v mut Value, path: &mut Vec<&'v str>) -> Result<()> {
        for_each_leaf(value, path, &mut |leaf, path| self.leaf(leaf, path))
    }

    /// The `sops` metadata, with the MAC sealed under `lastmodified`.
    fn metadata(&mut self) -> Result<Value> {
        let last_modified = rfc3339_now();
        let digest = std::mem::take(&mut self.mac).finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02X}")).collect();
        let mut age_entries = Vec::new();
        for recipient in &self.options.recipients {
            let mut entry = Mapping::new();
            entry.insert("recipient".into(), recipient.as_str().into());
            entry.insert("enc".into(), wrap_key(&self.key, recipient)?.into());
            age_entries.push(Value::Map(entry));
        }
        let mut sops = Mapping::new();
        sops.insert("age".into(), Value::Seq(age_entries.into()));
        sops.insert("lastmodified".into(), last_modified.as_str().into());
        let mac = self.seal(hex.as_bytes(), "str", &last_modified)?;
        sops.insert("mac".into(), mac.into());
        match &self.options.encrypted_regex {
            Some(p) => sops.insert("encrypted_regex".into(), p.as_str().into()),
            None => sops.insert("unencrypted_suffix".into(), "_unencrypted".into()),
        };
        sops.insert("version".into(), WRITTEN_VERSION.into());
        Ok(Value::Map(sops))
    }

    fn yaml(&mut self, text: &str) -> Result<String> {
        let source = Path::new("plaintext");
        // Print first: the printer orders keys, and the MAC must follow the
        // order the encrypted file will be read back in.
        let parsed = crate::yaml::parse_documents(text, source).map_err(|e| anyhow!(e))?;
        let printed = crate::yaml::print_documents(&parsed)?;
        let mut docs = crate::yaml::parse_documents(&printed, source).map_err(|e| anyhow!(e))?;
        for doc in &mut docs {
            self.walk(doc, &mut Vec::new())?;
        }
        let sops = self.metadata()?;
        for doc in &mut docs {
            if let Some(map) = doc.as_map_mut() {
                map.insert("sops".into(), sops.clone());
            }
        }
        Ok(crate::yaml::print_documents(&docs)?)
    }

    fn json(&mut self, text: &str) -> Result<String> {
        let json: serde_json::Value = serde_json::from_str(text).context("invalid JSON")?;
        let mut doc = Value::from(&json);
        self.walk(&mut doc, &mut Vec::new())?;
        let sops = self.metadata()?;
        doc.as_map_mut()
            .ok_or_else(|| anyhow!("a SOPS JSON file must be an object"))?
            .insert("sops".into(), sops);
        Ok(serde_json::to_string_pretty(&serde_json::Value::from(&doc))? + "\n")
    }

    fn binary(&mut self, plain: &[u8]) -> Result<String> {
        self.mac.update(plain);
        let data = self.seal(plain, "str", "data:")?;
        let mut doc = Mapping::new();
        doc.insert("data".into(), data.into());
        doc.insert("sops".into(), self.metadata()?);
        let json = serde_json::Value::from(&Value::Map(doc));
        Ok(serde_json::to_string_pretty(&json)? + "\n")
    }

    fn dotenv(&mut self, text: &str) -> Result<String> {
        let mut out = String::new();
        for line in text.lines() {
            // Comments and blank lines stay in the clear.
            if line.is_empty() || line.starts_with('#') {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            let (key, raw) = line
                .split_once('=')
                .ok_or_else(|| anyhow!("a dotenv line is not KEY=VALUE"))?;
            let mut value = Value::String(raw.replace("\\n", "\n").into());
            self.leaf(&mut value, &[key])?;
            let written = value.as_str().unwrap_or_default().replace('\n', "\\n");
            out.push_str(&format!("{key}={written}\n"));
        }
        let sops = self.metadata()?;
        flatten_metadata(&sops, "sops", &mut out);
        Ok(out)
    }
}

/// Writes metadata as SOPS's flattened dotenv keys
/// (`sops_age__list_0__map_enc=…`).
fn flatten_metadata(value: &Value, prefix: &str, out: &mut String) {
    match value {
        Value::Map(map) => {
            for (key, child) in map {
                let sep = if prefix == "sops" { "_" } else { "__map_" };
                flatten_metadata(child, &format!("{prefix}{sep}{key}"), out);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten_metadata(item, &format!("{prefix}__list_{i}"), out);
            }
        }
        other => {
            let text = other.as_str().unwrap_or_default().replace('\n', "\\n");
            out.push_str(&format!("{prefix}={text}\n"));
        }
    }
}

/// The data key as an armored age file for one recipient.
fn wrap_key(key: &[u8], recipient: &str) -> Result<String> {
    let recipient = super::age::Recipient::parse(recipient)?;
    Ok(super::age::encrypt_armored(key, &recipient)?)
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
fn rfc3339_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sops::{decrypt_bytes, Keys};

    fn identity() -> (Keys, String) {
        let identity = crate::sops::age::Identity::generate().unwrap();
        let public = identity.recipient().to_string();
        let secret = identity.to_secret_string().to_string();
        (Keys::from_identity_text(&secret, "test").unwrap(), public)
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn every_format_round_trips() {
        let (keys, public) = identity();
        let options = EncryptOptions {
            recipients: vec![public],
            encrypted_regex: None,
        };
        let cases: [(&[u8], Format); 4] = [
            (b"A=1\n# note\nB=two words\n", Format::Dotenv),
            (b"\x00\x01binary\xff", Format::Binary),
            (b"a: 1\nb:\n- x\n- true\n", Format::Yaml),
            (b"{\n  \"a\": 1.5,\n  \"b\": \"x\"\n}\n", Format::Json),
        ];
        for (plain, format) in cases {
            let sealed = encrypt_bytes(plain, format, &options).unwrap();
            let opened = decrypt_bytes(&sealed, format, Path::new("f"), &keys).unwrap();
            assert_eq!(opened, plain, "{format:?}");
        }
    }

    #[test]
    fn encrypted_regex_leaves_other_values_clear() {
        let (keys, public) = identity();
        let options = EncryptOptions {
            recipients: vec![public],
            encrypted_regex: Some("^data$".into()),
        };
        let plain = b"kind: Secret\ndata:\n  k: dg==\n";
        let sealed = encrypt_bytes(plain, Format::Yaml, &options).unwrap();
        let text = String::from_utf8(sealed.clone()).unwrap();
        // The value is sealed; the random ciphertext may itself contain any
        // base64 text, so look at the value rather than search the file.
        assert!(text.contains("kind: Secret"), "{text}");
        assert!(text.contains("  k: ENC[AES256_GCM,data:"), "{text}");
        let opened = decrypt_bytes(&sealed, Format::Yaml, Path::new("f"), &keys).unwrap();
        assert_eq!(opened, b"data:\n    k: dg==\nkind: Secret\n");
    }
}
