//! Walking a SOPS tree: decrypting the values the file's rule says are
//! encrypted, and computing the MAC over the plaintext values in document
//! order, as SOPS does.
//!
//! SOPS's MAC is the upper-case hex SHA-512 of the concatenated plaintext
//! values, each in SOPS's byte form (integers in decimal, floats in Go's
//! shortest `'f'` form, booleans as `True`/`False`). Nulls and comments are
//! left out. With `mac_only_encrypted`, only values that are encrypted
//! count, and the hash starts with a fixed 32-byte prefix (SHA-256 of
//! "sops") so that the two kinds of MAC never coincide.

use super::cipher::{bool_mac_text, decrypt_value, float_mac_text, CipherError, Plain};
use super::metadata::CryptRule;
use crate::yaml::Value;
use sha2::{Digest, Sha512};

/// The prefix of a `mac_only_encrypted` MAC: SHA-256 of the text "sops".
const MAC_ONLY_ENCRYPTED_PREFIX: [u8; 32] = [
    0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b,
    0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
];

/// A value that could not be decrypted, located by its path.
#[derive(Debug)]
pub struct WalkError {
    /// The value's path, `key:key:` as SOPS writes additional data.
    pub path: String,
    /// Why.
    pub reason: CipherError,
}

/// Decrypts a tree in place and accumulates its MAC.
pub struct Walker<'k> {
    key: &'k [u8],
    rule: &'k CryptRule,
    mac_only_encrypted: bool,
    hasher: Sha512,
    /// Values whose plaintext is not UTF-8 (binary files), by path: the
    /// tree can only hold them lossily.
    pub raw_values: Vec<(String, Vec<u8>)>,
}

impl<'k> Walker<'k> {
    /// A walker for one file.
    pub fn new(key: &'k [u8], rule: &'k CryptRule, mac_only_encrypted: bool) -> Walker<'k> {
        let mut hasher = Sha512::new();
        if mac_only_encrypted {
            hasher.update(MAC_ONLY_ENCRYPTED_PREFIX);
        }
        Walker {
            key,
            rule,
            mac_only_encrypted,
            hasher,
            raw_values: Vec::new(),
        }
    }

    /// Decrypts every value of `value` (a document root), depth first.
    pub fn walk<'v>(
        &mut self,
        value: &'v mut Value,
        path: &mut Vec<&'v str>,
    ) -> Result<(), WalkError> {
        for_each_leaf(value, path, &mut |leaf, path| self.leaf(leaf, path))
    }

    /// Decrypts (when the rule says so) and hashes one scalar.
    pub fn leaf(&mut self, value: &mut Value, path: &[&str]) -> Result<(), WalkError> {
        if value.is_null() {
            return Ok(());
        }
        if !self.rule.is_encrypted(path) {
            if !self.mac_only_encrypted {
                self.hash_clear(value);
            }
            return Ok(());
        }
        let additional_data = additional_data(path);
        let fail = |reason| WalkError {
            path: additional_data.clone(),
            reason,
        };
        let Value::String(text) = value else {
            return Err(fail(CipherError::NotEncrypted));
        };
        let plain = decrypt_value(text, self.key, &additional_data).map_err(fail)?;
        *value = self.hash_plain(plain, &additional_data).map_err(fail)?;
        crate::sensitive::note_value(value);
        Ok(())
    }

    /// Decrypts a comment, as SOPS does, when the rule covers `path`; a
    /// comment that does not decrypt is kept as it is (older SOPS left
    /// comments in the clear). Comments never enter the MAC.
    pub fn comment(&self, text: &str, path: &[&str]) -> Option<String> {
        if !self.rule.is_encrypted(path) {
            return None;
        }
        match decrypt_value(text, self.key, &additional_data(path)) {
            Ok(Plain::Comment(c) | Plain::Str(c)) => Some(c),
            _ => None,
        }
    }

    /// The MAC of everything walked, in SOPS's upper-case hex form.
    pub fn finish(self) -> String {
        self.hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect()
    }

    fn hash_clear(&mut self, value: &Value) {
        if let Some((bytes, _)) = leaf_text(value) {
            self.hasher.update(bytes);
        }
    }

    fn hash_plain(&mut self, plain: Plain, path: &str) -> Result<Value, CipherError> {
        Ok(match plain {
            Plain::Str(s) | Plain::Time(s) => {
                self.hasher.update(s.as_bytes());
                Value::String(s.into())
            }
            Plain::Int(i) => {
                self.hasher.update(i.to_string());
                Value::Int(i)
            }
            Plain::Float(f) => {
                self.hasher.update(float_mac_text(f));
                Value::Float(f)
            }
            Plain::Bool(b) => {
                self.hasher.update(bool_mac_text(b));
                Value::Bool(b)
            }
            Plain::Bytes(bytes) => {
                self.hasher.update(&bytes);
                let text = String::from_utf8_lossy(&bytes).into_owned();
                self.raw_values.push((path.to_string(), bytes));
                Value::String(text.into())
            }
            Plain::Comment(_) => return Err(CipherError::UnknownType("comment".into())),
        })
    }
}

/// SOPS's additional data for a value: its keys joined by `:`, plus `:`.
pub fn additional_data(path: &[&str]) -> String {
    let mut out = String::with_capacity(path.iter().map(|k| k.len() + 1).sum::<usize>() + 1);
    for key in path {
        out.push_str(key);
        out.push(':');
    }
    if path.is_empty() {
        out.push(':');
    }
    out
}

/// Calls `visit` on every scalar of `value` (a document root), depth
/// first in document order, with its path of mapping keys: the order in
/// which SOPS encrypts, decrypts and hashes values. Sequence items share
/// their parent's path.
pub(super) fn for_each_leaf<'v, E>(
    value: &'v mut Value,
    path: &mut Vec<&'v str>,
    visit: &mut impl FnMut(&mut Value, &[&'v str]) -> Result<(), E>,
) -> Result<(), E> {
    match value {
        Value::Map(map) => {
            for (key, child) in map.iter_mut() {
                path.push(key);
                for_each_leaf(child, path, visit)?;
                path.pop();
            }
            Ok(())
        }
        Value::Seq(items) => items
            .iter_mut()
            .try_for_each(|item| for_each_leaf(item, path, visit)),
        leaf => visit(leaf, path),
    }
}

/// A scalar's bytes as SOPS hashes and encrypts them, with the type SOPS
/// records beside the ciphertext; `None` for null (never hashed).
pub(super) fn leaf_text(value: &Value) -> Option<(Vec<u8>, &'static str)> {
    // A kept scalar's text is not what SOPS hashes: its value is.
    Some(match value.resolved() {
        Value::Null | Value::Seq(_) | Value::Map(_) | Value::Text(_) => return None,
        Value::String(s) => (s.as_bytes().to_vec(), "str"),
        Value::Bool(b) => (bool_mac_text(*b).as_bytes().to_vec(), "bool"),
        Value::Int(i) => (i.to_string().into_bytes(), "int"),
        Value::UInt(u) => (u.to_string().into_bytes(), "int"),
        Value::Float(f) => (float_mac_text(*f).into_bytes(), "float"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn additional_data_joins_keys() {
        assert_eq!(additional_data(&["a", "b"]), "a:b:");
        assert_eq!(additional_data(&[]), ":");
    }

    #[test]
    fn clear_values_enter_the_mac_in_sops_form() {
        let rule = CryptRule::EncryptedSuffix("_never".into());
        let mut walker = Walker::new(&[0; 32], &rule, false);
        let mut doc = Value::Map(
            [
                ("a".to_string(), Value::Bool(true)),
                ("b".to_string(), Value::Float(2.5)),
                ("c".to_string(), Value::Null),
                (
                    "d".to_string(),
                    Value::Seq(vec![Value::Int(7), "x".into()].into()),
                ),
            ]
            .into_iter()
            .collect(),
        );
        walker.walk(&mut doc, &mut Vec::new()).unwrap();
        let expected: String = Sha512::digest(b"True2.57x")
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(walker.finish(), expected);
    }

    #[test]
    fn mac_only_encrypted_skips_clear_values_and_prefixes() {
        let rule = CryptRule::EncryptedSuffix("_never".into());
        let mut walker = Walker::new(&[0; 32], &rule, true);
        walker.leaf(&mut Value::from("x"), &["a"]).unwrap();
        let expected: String = Sha512::digest(MAC_ONLY_ENCRYPTED_PREFIX)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(walker.finish(), expected);
    }

    #[test]
    fn encrypted_path_with_clear_value_is_refused() {
        let rule = CryptRule::UnencryptedSuffix("_unencrypted".into());
        let mut walker = Walker::new(&[0; 32], &rule, false);
        let err = walker.leaf(&mut Value::Int(3), &["a"]).unwrap_err();
        assert_eq!(err.path, "a:");
        assert_eq!(err.reason, CipherError::NotEncrypted);
    }
}
