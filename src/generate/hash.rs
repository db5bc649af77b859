//! kustomize's content hash, the 10-character suffix of generated names.
//!
//! kustomize hashes a small JSON document built from the final object, not
//! the object itself:
//!
//! * ConfigMap: `{"binaryData":B,"data":D,"kind":"ConfigMap","name":""}`,
//!   where `binaryData` is present only when that field is a mapping (or a
//!   sequence, which encodes as `null`);
//! * Secret: `{"data":D,"kind":"Secret","name":"","stringData":S,"type":T}`,
//!   with `stringData` likewise present only when it is a collection.
//!
//! `name` is always empty: kustomize looks the name up with a path that
//! never matches, so renaming (prefixes, suffixes) never changes the hash.
//! Labels, annotations, namespace and `immutable` do not take part either.
//! A field that is missing encodes as `""`, a scalar as its text in a JSON
//! string (so `data: null` hashes as `"null"`), a mapping as a JSON object
//! with sorted keys.
//!
//! The JSON is Go's `encoding/json` output: no spaces, keys sorted
//! bytewise, `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u....`, control
//! characters as `\n`, `\r`, `\t`, `\b`, `\f` or `\u00xx`, numbers as Go
//! prints a float64. Its SHA-256 is taken in hex, the first 10 hex digits
//! are kept and `0 1 3 a e` become `g h k m t` (so the suffix never looks
//! like a number or contains a vowel that could spell words).

use crate::gojson::encode as go_json;
use crate::yaml::Value;

/// The name-suffix hash of a ConfigMap or Secret object, as kustomize
/// computes it. Other kinds hash their whole object in Go's JSON form (an
/// approximation: kustomize hashes an internal node structure there, which
/// only matters for plugins that ask for hashes on other kinds).
pub fn content_hash(object: &Value) -> String {
    let json = match object.str_at(&["kind"]) {
        Some("ConfigMap") => configmap_json(object),
        Some("Secret") => secret_json(object),
        _ => {
            let mut out = String::new();
            write_json(&mut out, object);
            out
        }
    };
    suffix_from_hex(&hex_sha256(json.as_bytes()))
}

/// The document kustomize hashes for a ConfigMap.
pub fn configmap_json(object: &Value) -> String {
    let mut out = String::from("{");
    if let Some(binary) = object.get("binaryData").filter(|v| !v.is_scalar()) {
        out.push_str("\"binaryData\":");
        write_field(&mut out, Some(binary));
        out.push(',');
    }
    out.push_str("\"data\":");
    write_field(&mut out, object.get("data"));
    out.push_str(",\"kind\":\"ConfigMap\",\"name\":\"\"}");
    out
}

/// The document kustomize hashes for a Secret.
pub fn secret_json(object: &Value) -> String {
    let mut out = String::from("{\"data\":");
    write_field(&mut out, object.get("data"));
    out.push_str(",\"kind\":\"Secret\",\"name\":\"\",");
    if let Some(string_data) = object.get("stringData").filter(|v| !v.is_scalar()) {
        out.push_str("\"stringData\":");
        write_field(&mut out, Some(string_data));
        out.push(',');
    }
    out.push_str("\"type\":");
    write_field(&mut out, object.get("type"));
    out.push('}');
    out
}

/// Turns a hex digest into the 10-character suffix.
pub fn suffix_from_hex(hex: &str) -> String {
    hex.chars()
        .take(10)
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            other => other,
        })
        .collect()
}

/// One top-level field as kustomize reads it for hashing.
fn write_field(out: &mut String, field: Option<&Value>) {
    match field {
        None => out.push_str("\"\""),
        Some(map @ Value::Map(_)) => write_json(out, map),
        // A sequence fails to decode into the map kustomize expects, which
        // leaves a nil map behind: JSON null.
        Some(Value::Seq(_)) => out.push_str("null"),
        Some(Value::Null) => write_string(out, "null"),
        Some(scalar) => write_string(out, &scalar.scalar_text().unwrap_or_default()),
    }
}

/// Writes `value` as Go's `encoding/json` would after a round trip through
/// `interface{}` (all numbers become float64).
fn write_json(out: &mut String, value: &Value) {
    go_json::write_value(value, go_json::Numbers::Float64, out);
}

fn write_string(out: &mut String, s: &str) {
    go_json::write_string(s, out);
}

#[cfg(test)]
#[path = "hash_tests.rs"]
mod tests;

/// Lower-case hex of the SHA-256 digest of `data`.
fn hex_sha256(data: &[u8]) -> String {
    use sha2::Digest;
    use std::fmt::Write;
    let digest = sha2::Sha256::digest(data);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}
