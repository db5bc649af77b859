//! Reading YAML files in the encodings yaml.v3 detects: UTF-8, and UTF-16
//! (little or big endian) when the file starts with its byte order mark.

use anyhow::{anyhow, Result};

/// `bytes` as text: UTF-16 with a byte order mark is converted to UTF-8,
/// anything else must be UTF-8.
pub fn decode_text(bytes: Vec<u8>) -> Result<String> {
    let utf16 = match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => Some((rest, u16::from_le_bytes as fn([u8; 2]) -> u16)),
        [0xFE, 0xFF, rest @ ..] => Some((rest, u16::from_be_bytes as fn([u8; 2]) -> u16)),
        _ => None,
    };
    let Some((rest, unit)) = utf16 else {
        return String::from_utf8(bytes).map_err(|_| anyhow!("stream did not contain valid UTF-8"));
    };
    if rest.len() % 2 != 0 {
        return Err(anyhow!("incomplete UTF-16 character at the end"));
    }
    let units = rest.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| anyhow!("invalid UTF-16 text"))
}

#[cfg(test)]
mod tests {
    use super::decode_text;

    fn utf16(bom: [u8; 2], text: &str, le: bool) -> Vec<u8> {
        let mut out = bom.to_vec();
        for unit in text.encode_utf16() {
            out.extend(if le {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        out
    }

    #[test]
    fn decodes_utf16_with_a_byte_order_mark() {
        let text = "a: é😀\n";
        assert_eq!(decode_text(utf16([0xFF, 0xFE], text, true)).unwrap(), text);
        assert_eq!(decode_text(utf16([0xFE, 0xFF], text, false)).unwrap(), text);
        assert_eq!(decode_text(text.as_bytes().to_vec()).unwrap(), text);
        assert!(decode_text(vec![0xFF, 0xFE, 0x61]).is_err());
        assert!(decode_text(vec![0x80]).is_err());
    }
}
