//! What masking and `--show-secrets` agree on about a Secret: which
//! resources are Secrets, and how a `data` value reads as text.

use crate::yaml::Value;
use base64::Engine;

/// True for a Secret.
pub(super) fn is_secret(value: &Value) -> bool {
    value.str_at(&["kind"]) == Some("Secret")
}

/// The text a base64 string decodes to, when it decodes to UTF-8.
pub(super) fn decode_utf8(encoded: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    String::from_utf8(bytes).ok()
}
