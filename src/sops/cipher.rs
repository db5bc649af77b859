//! SOPS's value cipher: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` strings,
//! AES-256-GCM under the file's data key with the value's path as
//! additional data.
//!
//! SOPS draws a 32-byte IV for every value, not GCM's usual 12 bytes; GCM
//! then derives its counter block by GHASHing the IV. 12-byte IVs are
//! accepted too, since the format allows any length and Go accepts both.

use aes_gcm::aead::generic_array::typenum::{U12, U32};
use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::aes::Aes256;
use aes_gcm::AesGcm;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

/// The SOPS cipher's size of a data key.
pub const DATA_KEY_LEN: usize = 32;

/// Why a value could not be decrypted. Never carries plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CipherError {
    /// The string is not in the `ENC[AES256_GCM,…]` format.
    NotEncrypted,
    /// A part of the envelope is malformed (named).
    Malformed(&'static str),
    /// The type tag is not one SOPS writes.
    UnknownType(String),
    /// Authentication failed: wrong key, wrong path, or altered bytes.
    Authentication,
    /// The plaintext does not parse as its declared type.
    BadTypedValue(&'static str),
}

impl std::fmt::Display for CipherError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CipherError::NotEncrypted => f.write_str("is not a SOPS-encrypted value"),
            CipherError::Malformed(part) => write!(f, "has a malformed `{part}` in its ENC[…] envelope"),
            CipherError::UnknownType(t) => write!(f, "has an unknown value type `{t}`"),
            CipherError::Authentication => f.write_str(
                "failed authentication (the value or its path was altered, or the data key is wrong)",
            ),
            CipherError::BadTypedValue(t) => write!(f, "does not decrypt to a valid {t}"),
        }
    }
}

/// A decrypted value with the type SOPS recorded for it.
#[derive(Debug, Clone, PartialEq)]
pub enum Plain {
    /// `type:str`.
    Str(String),
    /// `type:int`.
    Int(i64),
    /// `type:float` (always finite).
    Float(f64),
    /// `type:bool`.
    Bool(bool),
    /// `type:bytes`.
    Bytes(Vec<u8>),
    /// `type:time`: the timestamp's text, already in RFC 3339 form.
    Time(String),
    /// `type:comment`.
    Comment(String),
}

/// The parts of an `ENC[…]` envelope, still encoded.
struct Envelope<'a> {
    data: &'a str,
    iv: &'a str,
    tag: &'a str,
    kind: &'a str,
}

/// True when `text` looks like a SOPS-encrypted value.
pub fn is_encrypted_value(text: &str) -> bool {
    parse_envelope(text).is_some()
}

/// Splits `ENC[AES256_GCM,data:D,iv:I,tag:T,type:K]` into its parts.
/// Like SOPS, only the start is anchored: the closing bracket is the last one.
fn parse_envelope(text: &str) -> Option<Envelope<'_>> {
    let inner = text.strip_prefix("ENC[AES256_GCM,data:")?;
    let inner = &inner[..inner.rfind(']')?];
    let (data, rest) = inner.split_once(",iv:")?;
    let (iv, rest) = rest.split_once(",tag:")?;
    let (tag, kind) = rest.split_once(",type:")?;
    if [data, iv, tag, kind].iter().any(|part| part.is_empty()) {
        return None;
    }
    Some(Envelope {
        data,
        iv,
        tag,
        kind,
    })
}

/// Decrypts one SOPS value. An empty string is SOPS's encoding of an empty
/// value and decrypts to an empty string, as SOPS does.
pub fn decrypt_value(text: &str, key: &[u8], additional_data: &str) -> Result<Plain, CipherError> {
    if text.is_empty() {
        return Ok(Plain::Str(String::new()));
    }
    let envelope = parse_envelope(text).ok_or(CipherError::NotEncrypted)?;
    let decode = |part: &str, name| {
        BASE64
            .decode(part)
            .map_err(|_| CipherError::Malformed(name))
    };
    let mut sealed = decode(envelope.data, "data")?;
    let iv = decode(envelope.iv, "iv")?;
    let tag = decode(envelope.tag, "tag")?;
    if tag.len() != 16 {
        return Err(CipherError::Malformed("tag"));
    }
    sealed.extend_from_slice(&tag);
    let plaintext = open(key, &iv, &sealed, additional_data.as_bytes())?;
    typed_plain(envelope.kind, plaintext)
}

/// AES-256-GCM decryption for the IV lengths SOPS files carry.
fn open(key: &[u8], iv: &[u8], sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CipherError> {
    if key.len() != DATA_KEY_LEN {
        return Err(CipherError::Authentication);
    }
    let payload = Payload { msg: sealed, aad };
    let opened = match iv.len() {
        32 => AesGcm::<Aes256, U32>::new(GenericArray::from_slice(key))
            .decrypt(GenericArray::from_slice(iv), payload),
        12 => AesGcm::<Aes256, U12>::new(GenericArray::from_slice(key))
            .decrypt(GenericArray::from_slice(iv), payload),
        _ => return Err(CipherError::Malformed("iv")),
    };
    opened.map_err(|_| CipherError::Authentication)
}

/// Restores the value's type from SOPS's type tag, with Go's parsing rules.
fn typed_plain(kind: &str, bytes: Vec<u8>) -> Result<Plain, CipherError> {
    if kind == "bytes" {
        return Ok(Plain::Bytes(bytes));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        // Go strings are byte strings: binary files are stored as `str`.
        Err(e) if kind == "str" => return Ok(Plain::Bytes(e.into_bytes())),
        Err(_) => return Err(CipherError::BadTypedValue("UTF-8 text")),
    };
    match kind {
        "str" => Ok(Plain::Str(text)),
        "comment" => Ok(Plain::Comment(text)),
        "time" => Ok(Plain::Time(text)),
        "int" => text
            .parse::<i64>()
            .map(Plain::Int)
            .map_err(|_| CipherError::BadTypedValue("integer")),
        "float" => match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Plain::Float(f)),
            _ => Err(CipherError::BadTypedValue("finite float")),
        },
        "bool" => parse_go_bool(&text)
            .map(Plain::Bool)
            .ok_or(CipherError::BadTypedValue("boolean")),
        other => Err(CipherError::UnknownType(other.to_string())),
    }
}

/// Go's `strconv.ParseBool` spellings (SOPS itself writes `True`/`False`).
fn parse_go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// The bytes SOPS feeds its MAC for a float: Go's shortest decimal form
/// without an exponent (`strconv.FormatFloat(f, 'f', -1, 64)`), which is
/// what Rust's `Display` writes too.
pub fn float_mac_text(f: f64) -> String {
    format!("{f}")
}

/// The bytes SOPS feeds its MAC for a boolean (Python's spelling).
pub fn bool_mac_text(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_parts_are_split() {
        let e = parse_envelope("ENC[AES256_GCM,data:AAA=,iv:BBB=,tag:CCC=,type:str]").unwrap();
        assert_eq!(
            (e.data, e.iv, e.tag, e.kind),
            ("AAA=", "BBB=", "CCC=", "str")
        );
        assert!(parse_envelope("ENC[AES256_GCM,data:,iv:B,tag:C,type:str]").is_none());
        assert!(parse_envelope("plain").is_none());
        assert!(is_encrypted_value(
            "ENC[AES256_GCM,data:a,iv:b,tag:c,type:int]"
        ));
    }

    #[test]
    fn empty_value_decrypts_to_empty_string() {
        assert_eq!(
            decrypt_value("", &[0; 32], "a:"),
            Ok(Plain::Str(String::new()))
        );
    }

    #[test]
    fn not_encrypted_and_bad_base64_are_refused() {
        assert_eq!(
            decrypt_value("x", &[0; 32], "a:"),
            Err(CipherError::NotEncrypted)
        );
        let bad = "ENC[AES256_GCM,data:!!,iv:AAAA,tag:AAAA,type:str]";
        assert_eq!(
            decrypt_value(bad, &[0; 32], "a:"),
            Err(CipherError::Malformed("data"))
        );
    }

    #[test]
    fn typed_values_follow_go_parsing() {
        assert_eq!(typed_plain("bool", b"True".to_vec()), Ok(Plain::Bool(true)));
        assert_eq!(typed_plain("int", b"-12".to_vec()), Ok(Plain::Int(-12)));
        assert_eq!(
            typed_plain("float", b"1234.5".to_vec()),
            Ok(Plain::Float(1234.5))
        );
        assert!(typed_plain("float", b"NaN".to_vec()).is_err());
        assert!(typed_plain("zzz", b"x".to_vec()).is_err());
    }

    #[test]
    fn mac_texts_match_go_formatting() {
        assert_eq!(float_mac_text(1234.56789), "1234.56789");
        assert_eq!(float_mac_text(1.0), "1");
        assert_eq!(float_mac_text(1e21), "1000000000000000000000");
        assert_eq!(bool_mac_text(false), "False");
    }
}
