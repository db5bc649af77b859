//! `--show-secrets`: a Secret's `data` values shown as the text they
//! encode rather than as base64, so a reviewer reads what changed.
//!
//! A value that decodes to printable UTF-8 text is shown as that text; any
//! other value keeps its base64 behind a note saying why
//! (`(binary, 12 bytes, base64) AAEC…` or `(not base64) …`). `stringData`
//! and annotations are text already and are shown as they are.

use crate::yaml::{print_document, Value};
use base64::Engine;

/// A copy of `value` with its `data` strings decoded when it is a Secret
/// that has any, else `None`.
pub(super) fn reveal(value: &Value) -> Option<Value> {
    if !super::secret::is_secret(value) {
        return None;
    }
    value.get("data").and_then(Value::as_map)?;
    let mut shown = value.clone();
    let data = shown.get_mut("data").and_then(Value::as_map_mut)?;
    for entry in data.values_mut() {
        if let Value::String(encoded) = entry {
            *entry = Value::String(shown_text(encoded).into());
        }
    }
    Some(shown)
}

/// What to show for one base64 value.
fn shown_text(encoded: &str) -> String {
    let engine = &base64::engine::general_purpose::STANDARD;
    match engine.decode(encoded) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) if printable(&text) => text,
            Ok(text) => format!(
                "(not printable text, {} bytes, base64) {encoded}",
                text.len()
            ),
            Err(err) => format!(
                "(binary, {} bytes, base64) {encoded}",
                err.into_bytes().len()
            ),
        },
        Err(_) => format!("(not base64) {encoded}"),
    }
}

/// True when the printer can show the text (it refuses some control
/// characters, as kustomize does).
fn printable(text: &str) -> bool {
    print_document(&Value::String(text.into()), &mut String::new()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    fn shown(yaml: &str) -> String {
        let value = parse_documents(yaml, std::path::Path::new("t.yaml"))
            .unwrap()
            .remove(0);
        let mut text = String::new();
        print_document(&reveal(&value).unwrap(), &mut text).unwrap();
        text
    }

    #[test]
    fn data_is_decoded_where_it_is_text() {
        let text = shown(
            "kind: Secret\ndata:\n  a: aHVudGVyMg==\n  b: //79\n  c: '@@'\n  d: bGluZTEKbGluZTIK\n",
        );
        assert_eq!(
            text,
            "data:\n  a: hunter2\n  b: (binary, 3 bytes, base64) //79\n  c: (not base64) @@\n  \
             d: |\n    line1\n    line2\nkind: Secret\n"
        );
    }

    #[test]
    fn control_characters_stay_encoded() {
        let text = shown("kind: Secret\ndata:\n  a: wp8=\n");
        assert!(
            text.contains("(not printable text, 2 bytes, base64) wp8="),
            "{text}"
        );
    }

    #[test]
    fn only_secrets_with_data_are_touched() {
        let value = parse_documents(
            "kind: Secret\nstringData:\n  a: b\n",
            std::path::Path::new("t"),
        )
        .unwrap()
        .remove(0);
        assert!(reveal(&value).is_none());
    }
}
