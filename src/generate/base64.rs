//! The line-wrapped base64 kustomize writes into Secret `data` and
//! ConfigMap `binaryData` (encoding itself is the `base64` crate's).

use base64::Engine;

/// Line length kustomize wraps encoded values at.
const WRAP_AT: usize = 70;

/// Standard base64 of `data`, padded with `=`.
pub fn encode(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Base64 of `data` as kustomize stores it: once the encoding reaches 70
/// characters it is cut into 70-character lines, each ending in `\n`
/// (including the last, shorter one). Shorter encodings stay on one line
/// with no newline.
pub fn encode_wrapped(data: &[u8]) -> String {
    let flat = encode(data);
    if flat.len() < WRAP_AT {
        return flat;
    }
    let mut out = String::with_capacity(flat.len() + flat.len() / WRAP_AT + 1);
    for line in flat.as_bytes().chunks(WRAP_AT) {
        // The alphabet is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding() {
        assert_eq!(encode(b""), "");
        assert_eq!(encode(b"x"), "eA==");
        assert_eq!(encode(b"ab"), "YWI=");
        assert_eq!(encode(b"abc"), "YWJj");
        assert_eq!(encode(b"Hello World"), "SGVsbG8gV29ybGQ=");
        assert_eq!(encode(&[0xff, 0xfd]), "//0=");
    }

    #[test]
    fn wrapping_starts_at_seventy_characters() {
        // 51 bytes encode to 68 characters, 52 bytes to 72.
        assert!(!encode_wrapped(&[0u8; 51]).contains('\n'));
        let wrapped = encode_wrapped(&[0u8; 52]);
        let lines: Vec<&str> = wrapped.split_terminator('\n').collect();
        assert_eq!(lines.iter().map(|l| l.len()).collect::<Vec<_>>(), [70, 2]);
        assert!(wrapped.ends_with('\n'));
        // 105 bytes encode to exactly 140 characters: two full lines.
        let exact = encode_wrapped(&[0u8; 105]);
        assert_eq!(exact.len(), 142);
        assert_eq!(exact.matches('\n').count(), 2);
    }
}
