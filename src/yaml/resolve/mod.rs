//! Resolving plain and tagged scalars to values by yaml.v3's rules.
//!
//! Resources are read by yaml.v3 and then pushed through JSON, so a scalar's
//! final value is what yaml.v3 resolves it to, seen through JSON: integers
//! (base prefixes, underscores and YAML 1.1 octals included), floats,
//! exactly six spellings of booleans, five of null, and timestamps, which
//! JSON turns into RFC 3339 strings. Kustomization files are read by the
//! older yaml.v2 rules instead ([`Schema::V2`]), where `yes`/`no`/`on`/`off`
//! are booleans and timestamps stay as written.

pub(crate) mod num;
pub(crate) mod time;

use super::{Scalar, Value};
use num::{parse_go_int, parse_go_uint, parse_yaml_float, GoNumError};
use std::borrow::Cow;
use time::parse_timestamp;

/// Which YAML library's resolution rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// yaml.v3, used for resources.
    V3,
    /// yaml.v2, used for kustomization files.
    V2,
}

/// What a scalar's tag asks for, after `!!x` shorthands and verbatim
/// `!<tag:yaml.org,2002:x>` tags are reduced to one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// No tag, or the non-specific `!` tag: resolve by content.
    Untagged,
    /// `!!str`.
    Str,
    /// `!!int`.
    Int,
    /// `!!float`.
    Float,
    /// `!!bool`.
    Bool,
    /// `!!null`.
    Null,
    /// `!!timestamp`.
    Timestamp,
    /// `!!binary`: base64 text decoded to a string.
    Binary,
    /// Any other tag (custom `!foo`, or `!!seq` on a scalar): the text is a
    /// string.
    Other,
}

const CORE_PREFIX: &str = "tag:yaml.org,2002:";

impl TagKind {
    /// Classifies a tag given as its resolved handle and suffix.
    pub fn classify(handle: &str, suffix: &str) -> TagKind {
        let core = if handle == CORE_PREFIX {
            Some(suffix)
        } else if handle.is_empty() {
            if suffix == "!" || suffix.is_empty() {
                return TagKind::Untagged;
            }
            suffix.strip_prefix(CORE_PREFIX)
        } else {
            None
        };
        match core {
            Some("str") => TagKind::Str,
            Some("int") => TagKind::Int,
            Some("float") => TagKind::Float,
            Some("bool") => TagKind::Bool,
            Some("null") => TagKind::Null,
            Some("timestamp") => TagKind::Timestamp,
            Some("binary") => TagKind::Binary,
            _ => TagKind::Other,
        }
    }

    fn short_name(self) -> &'static str {
        match self {
            TagKind::Untagged | TagKind::Str | TagKind::Other => "!!str",
            TagKind::Int => "!!int",
            TagKind::Float => "!!float",
            TagKind::Bool => "!!bool",
            TagKind::Null => "!!null",
            TagKind::Timestamp => "!!timestamp",
            TagKind::Binary => "!!binary",
        }
    }
}

/// A scalar resolved by content, before it is checked against its tag.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// A null spelling.
    Null,
    /// A boolean spelling.
    Bool(bool),
    /// An integer within `i64`.
    Int(i64),
    /// An integer above `i64::MAX` within `u64`.
    UInt(u64),
    /// A float (possibly infinite or NaN: `.inf`, `.nan`).
    Float(f64),
    /// A timestamp, already formatted as JSON prints it (RFC 3339).
    Timestamp(String),
    /// Anything else: the text is a string.
    Str,
}

impl Resolved {
    fn tag(&self) -> TagKind {
        match self {
            Resolved::Null => TagKind::Null,
            Resolved::Bool(_) => TagKind::Bool,
            Resolved::Int(_) | Resolved::UInt(_) => TagKind::Int,
            Resolved::Float(_) => TagKind::Float,
            Resolved::Timestamp(_) => TagKind::Timestamp,
            Resolved::Str => TagKind::Str,
        }
    }
}

/// True when `text`, written as a plain (unquoted) scalar, reads back as a
/// string: not a number, boolean, null or timestamp.
pub fn plain_reads_as_string(text: &str) -> bool {
    resolve_text(text, true, Schema::V3) == Resolved::Str
}

/// Whether yaml.v3 writes a string node it made (a generated ConfigMap's
/// data, a resource rebuilt from JSON) in quotes or a block style:
/// multi-line text, and text that YAML 1.1 or 1.2 would read as something
/// other than a string (the empty string excepted). A strategic-merge patch
/// keeps a field's style (see [`crate::yaml::Mapping::is_quoted`]).
pub fn emitted_in_quotes(text: &str) -> bool {
    !text.is_empty()
        && (text.contains('\n')
            || !plain_reads_as_string(text)
            || matches!(resolve_text(text, false, Schema::V2), Resolved::Bool(_)))
}

/// Resolves a scalar's text by content, as yaml.v3's `resolve` does for an
/// untagged plain scalar (`allow_timestamp` true) or for a scalar carrying
/// a core tag other than `!!timestamp` (`allow_timestamp` false).
pub fn resolve_text(text: &str, allow_timestamp: bool, schema: Schema) -> Resolved {
    if let Some(r) = lookup_word(text, schema) {
        return r;
    }
    match text.as_bytes()[0] {
        b'.' => match parse_yaml_float(text, true) {
            Ok(f) => Resolved::Float(f),
            Err(_) => Resolved::Str,
        },
        b'0'..=b'9' | b'+' | b'-' => resolve_number(text, allow_timestamp, schema),
        _ => Resolved::Str,
    }
}

/// The spellings resolved through yaml's lookup table: booleans, nulls,
/// infinities and NaN.
fn lookup_word(text: &str, schema: Schema) -> Option<Resolved> {
    let r = match text {
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        "true" | "True" | "TRUE" => Resolved::Bool(true),
        "false" | "False" | "FALSE" => Resolved::Bool(false),
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ if schema == Schema::V2 => return lookup_v2_bool(text),
        _ => return None,
    };
    Some(r)
}

fn lookup_v2_bool(text: &str) -> Option<Resolved> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(Resolved::Bool(true)),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(Resolved::Bool(false)),
        _ => None,
    }
}

/// Text starting with a digit or a sign: a timestamp, an integer in Go's
/// base-0 syntax (underscores ignored), a YAML-style float, or a string.
fn resolve_number(text: &str, allow_timestamp: bool, schema: Schema) -> Resolved {
    if allow_timestamp {
        if let Some(ts) = parse_timestamp(text) {
            return Resolved::Timestamp(ts);
        }
    }
    let plain: Cow<str> = if text.contains('_') {
        Cow::Owned(text.replace('_', ""))
    } else {
        Cow::Borrowed(text)
    };
    if let Some(r) = resolve_integer(&plain, 0) {
        return r;
    }
    if let Ok(f) = parse_yaml_float(&plain, false) {
        return Resolved::Float(f);
    }
    resolve_prefixed_fallback(&plain, schema).unwrap_or(Resolved::Str)
}

/// Go's `ParseInt(s, base, 64)`, then `ParseUint(s, base, 64)`.
fn resolve_integer(s: &str, base: u32) -> Option<Resolved> {
    match parse_go_int(s, base) {
        Ok(i) => Some(Resolved::Int(i)),
        Err(GoNumError::Range | GoNumError::Syntax) => {
            parse_go_uint(s, base).ok().map(Resolved::UInt)
        }
    }
}

/// yaml's explicit `0b`/`0o` handling, reached only when base-0 parsing
/// failed: the digits after the prefix are parsed on their own, so a sign
/// after the prefix (`0b-101`) is accepted.
fn resolve_prefixed_fallback(plain: &str, schema: Schema) -> Option<Resolved> {
    let mut prefixes: &[(&str, u32)] = &[("0b", 2), ("0o", 8)];
    if schema == Schema::V2 {
        prefixes = &prefixes[..1];
    }
    for &(prefix, base) in prefixes {
        if let Some(rest) = plain.strip_prefix(prefix) {
            return resolve_integer(rest, base);
        }
        if let Some(rest) = plain.strip_prefix('-').and_then(|r| r.strip_prefix(prefix)) {
            return parse_go_int(&format!("-{rest}"), base)
                .ok()
                .map(Resolved::Int);
        }
    }
    None
}

/// Why a scalar could not become a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError(pub String);

/// The value a plain, untagged scalar with this text has (what kustomize's
/// replacements create, typed by their text).
pub(crate) fn untyped_scalar(text: &str) -> Value {
    resolve_scalar(Cow::Borrowed(text), false, TagKind::Untagged, Schema::V3)
        .unwrap_or_else(|_| Value::String(text.into()))
}

/// Resolves one scalar to a value: `text` is the scalar's content, `quoted`
/// says whether it was written in a quoted or block style, `tag` is its
/// tag. Strings reuse `text`'s allocation when it has one.
pub fn resolve_scalar(
    text: Cow<'_, str>,
    quoted: bool,
    tag: TagKind,
    schema: Schema,
) -> Result<Value, ResolveError> {
    match tag {
        TagKind::Str | TagKind::Other => return Ok(Value::String(text.into())),
        TagKind::Untagged if quoted => return Ok(Value::String(text.into())),
        TagKind::Binary => return decode_binary(&text).map(Value::from),
        _ => {}
    }
    let allow_timestamp = matches!(tag, TagKind::Untagged | TagKind::Timestamp);
    let resolved = resolve_text(&text, allow_timestamp, schema);
    let resolved = check_tag(resolved, tag, &text)?;
    // Resources keep a scalar's text where it differs from its value's
    // print: kustomize reads that text in a few places.
    let keep = |value: Value| match schema {
        Schema::V3 => Scalar::keep(&text, value),
        Schema::V2 => value,
    };
    match resolved {
        Resolved::Null => Ok(keep(Value::Null)),
        Resolved::Bool(b) => Ok(keep(Value::Bool(b))),
        Resolved::Int(i) => Ok(keep(Value::Int(i))),
        Resolved::UInt(u) => Ok(keep(Value::UInt(u))),
        Resolved::Float(f) if f.is_finite() => Ok(keep(Value::Float(f))),
        Resolved::Float(f) => Err(ResolveError(format!(
            "`{text}` is {}, which JSON cannot represent (json: unsupported value)",
            if f.is_nan() { "NaN" } else { "infinite" }
        ))),
        Resolved::Timestamp(ts) if schema == Schema::V3 => Ok(keep(Value::String(ts.into()))),
        Resolved::Timestamp(_) | Resolved::Str => Ok(Value::String(text.into())),
    }
}

/// An explicit core tag must agree with the content, except that `!!float`
/// accepts an integer within `i64` (and makes it a float).
fn check_tag(resolved: Resolved, tag: TagKind, text: &str) -> Result<Resolved, ResolveError> {
    let got = resolved.tag();
    if tag == TagKind::Untagged || tag == got {
        return Ok(resolved);
    }
    if let (TagKind::Float, Resolved::Int(i)) = (tag, &resolved) {
        return Ok(Resolved::Float(*i as f64));
    }
    Err(ResolveError(format!(
        "cannot decode {} `{text}` as a {}",
        got.short_name(),
        tag.short_name()
    )))
}

/// Decodes `!!binary` content like Go's standard base64 decoder (line
/// breaks ignored, padding required) and turns the bytes into a string the
/// way Go's JSON encoder does: every byte that is not part of valid UTF-8
/// becomes U+FFFD on its own.
pub fn decode_binary(text: &str) -> Result<String, ResolveError> {
    let bytes = decode_base64(text)
        .ok_or_else(|| ResolveError("!!binary value contains invalid base64 data".into()))?;
    Ok(go_lossy_utf8(bytes))
}

fn base64_digit(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = text.bytes().filter(|&b| b != b'\n' && b != b'\r').collect();
    if clean.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    let quads = clean.chunks_exact(4);
    let last = quads.len().saturating_sub(1);
    for (i, quad) in quads.enumerate() {
        let pad = quad.iter().rev().take_while(|&&b| b == b'=').count();
        if pad > 2 || (pad > 0 && i != last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &quad[..4 - pad] {
            n = (n << 6) | base64_digit(c)?;
        }
        n <<= 6 * pad as u32;
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&decoded[..3 - pad]);
    }
    Some(out)
}

/// Go's JSON encoder replaces each invalid byte with U+FFFD separately
/// (Rust's lossy conversion would merge a truncated sequence into one).
pub fn go_lossy_utf8(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let bytes = e.into_bytes();
            let mut out = String::with_capacity(bytes.len() + 8);
            let mut rest = &bytes[..];
            while !rest.is_empty() {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let valid = e.valid_up_to();
                        out.push_str(std::str::from_utf8(&rest[..valid]).unwrap_or_default());
                        out.push('\u{FFFD}');
                        rest = &rest[valid + 1..];
                    }
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests;
