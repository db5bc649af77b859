//! Keeping secret values out of messages.
//!
//! Many error paths quote the value they failed on (a replacement's type
//! error, a patch conflict, a var, a JSON 6902 `test`); when that value came
//! from a Secret, a secret generator or a decryption, quoting it would print
//! the secret on stderr, into CI logs. Rather than trusting every message,
//! the build notes each sensitive value as it is read or made, and every
//! error, warning or note the command line prints is scrubbed: each noted
//! value (and its base64 form) is replaced by `<redacted>`. The messages
//! still say which field and file failed.
//!
//! Values shorter than [`MIN_LEN`] bytes are not noted: scrubbing `1` or
//! `true` from every message would garble them, and such values are no
//! secrets worth the name.

use crate::yaml::Value;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::RwLock;

/// Shorter values are not scrubbed.
pub const MIN_LEN: usize = 6;

/// What replaces a secret value in a message.
pub const REDACTED: &str = "<redacted>";

static NOTED: RwLock<BTreeSet<String>> = RwLock::new(BTreeSet::new());

/// Notes `value` (and its base64 encoding) as secret.
pub fn note(value: &str) {
    if value.len() < MIN_LEN {
        return;
    }
    let mut forms = vec![value.to_string(), BASE64.encode(value)];
    // Messages quote values with escapes (`{:?}`); note that form too.
    let escaped = format!("{value:?}");
    let escaped = &escaped[1..escaped.len() - 1];
    if escaped != value {
        forms.push(escaped.to_string());
    }
    // A value over several lines may be quoted one line at a time.
    forms.extend(
        value
            .lines()
            .map(str::trim)
            .filter(|line| line.len() >= MIN_LEN && line.len() < value.len())
            .map(String::from),
    );
    if let Ok(mut noted) = NOTED.write() {
        noted.extend(forms);
    }
}

/// Notes base64 `data` text: the text as written and what it decodes to.
pub fn note_base64(text: &str) {
    note(text);
    let compact: String = text.split_whitespace().collect();
    if let Ok(bytes) = BASE64.decode(compact.as_bytes()) {
        note(&String::from_utf8_lossy(&bytes));
    }
}

/// Notes every value a document holds when it is a Secret: the leaves of
/// `data` (base64) and `stringData`.
pub fn note_secret_document(doc: &Value) {
    if doc.str_at(&["kind"]) != Some("Secret") {
        return;
    }
    if let Some(data) = doc.get("data") {
        each_leaf(data, &mut |text| note_base64(text));
    }
    if let Some(data) = doc.get("stringData") {
        each_leaf(data, &mut |text| note(text));
    }
}

/// Notes every scalar leaf of a decrypted value.
pub fn note_value(value: &Value) {
    each_leaf(value, &mut note);
}

fn each_leaf(value: &Value, f: &mut dyn FnMut(&str)) {
    match value {
        Value::Map(map) => map.values().for_each(|v| each_leaf(v, f)),
        Value::Seq(items) => items.iter().for_each(|v| each_leaf(v, f)),
        scalar => {
            if let Some(text) = scalar.scalar_text() {
                f(&text);
            }
        }
    }
}

/// `message` with every noted value replaced by [`REDACTED`], longest
/// first (so a value containing another is replaced whole).
pub fn scrub(message: &str) -> Cow<'_, str> {
    let Ok(noted) = NOTED.read() else {
        return Cow::Borrowed(message);
    };
    let mut found: Vec<&String> = noted
        .iter()
        .filter(|value| message.contains(value.as_str()))
        .collect();
    if found.is_empty() {
        return Cow::Borrowed(message);
    }
    found.sort_by_key(|value| std::cmp::Reverse(value.len()));
    let mut out = message.to_string();
    for value in found {
        out = out.replace(value.as_str(), REDACTED);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noted_values_and_their_base64_are_scrubbed() {
        note("canary-7f3a-scrub-test");
        let b64 = BASE64.encode("canary-7f3a-scrub-test");
        let message = format!("cannot decode !!str `{b64}` or canary-7f3a-scrub-test here");
        let clean = scrub(&message);
        assert!(
            !clean.contains("canary") && !clean.contains(&b64),
            "{clean}"
        );
        assert!(
            clean.contains("cannot decode !!str `<redacted>`"),
            "{clean}"
        );
        assert_eq!(scrub("nothing secret"), "nothing secret");
    }

    #[test]
    fn short_values_are_left_alone() {
        note("no");
        assert_eq!(scrub("no change"), "no change");
    }
}
