//! Bech32 (BIP 173), the text form of age keys: a human-readable part, the
//! separator `1`, the data in a 32-letter alphabet, and a six-letter
//! checksum.

const ALPHABET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const CHECKSUM_LEN: usize = 6;

fn polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GENERATOR: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    let mut checksum: u32 = 1;
    for value in values {
        let top = checksum >> 25;
        checksum = ((checksum & 0x1ff_ffff) << 5) ^ u32::from(value);
        for (i, g) in GENERATOR.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                checksum ^= g;
            }
        }
    }
    checksum
}

/// The human-readable part as the checksum sees it.
fn expand(hrp: &str) -> impl Iterator<Item = u8> + '_ {
    let bytes = hrp.bytes();
    bytes
        .clone()
        .map(|b| b >> 5)
        .chain(std::iter::once(0))
        .chain(bytes.map(|b| b & 31))
}

/// Regroups bits: 8-bit bytes into 5-bit values (padding the last) or 5-bit
/// values back into bytes (refusing leftover bits that are not padding).
fn regroup(data: &[u8], from: u32, to: u32, pad: bool) -> Option<Vec<u8>> {
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    let mut out = Vec::with_capacity(data.len() * from as usize / to as usize + 1);
    let mask = (1u32 << to) - 1;
    for &value in data {
        acc = (acc << from) | u32::from(value);
        bits += from;
        while bits >= to {
            bits -= to;
            out.push(((acc >> bits) & mask) as u8);
        }
    }
    if pad {
        if bits > 0 {
            out.push(((acc << (to - bits)) & mask) as u8);
        }
    } else if bits >= from || (acc << (to - bits)) & mask != 0 {
        return None;
    }
    Some(out)
}

/// `hrp` (lower case) and `data` as a Bech32 string, in lower case.
pub fn encode(hrp: &str, data: &[u8]) -> String {
    let values = regroup(data, 8, 5, true).unwrap_or_default();
    let checksum = polymod(
        expand(hrp)
            .chain(values.iter().copied())
            .chain([0; CHECKSUM_LEN]),
    ) ^ 1;
    let mut out = String::with_capacity(hrp.len() + 1 + values.len() + CHECKSUM_LEN);
    out.push_str(hrp);
    out.push('1');
    for value in values {
        out.push(char::from(ALPHABET[usize::from(value)]));
    }
    for i in 0..CHECKSUM_LEN {
        let value = (checksum >> (5 * (5 - i))) & 31;
        out.push(char::from(ALPHABET[value as usize]));
    }
    out
}

/// The human-readable part (in lower case) and the data of a Bech32
/// string, which must be all upper or all lower case.
pub fn decode(text: &str) -> Result<(String, Vec<u8>), &'static str> {
    let has_lower = text.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = text.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper {
        return Err("mixed case");
    }
    if !text.bytes().all(|b| (33..=126).contains(&b)) {
        return Err("invalid character");
    }
    let text = text.to_ascii_lowercase();
    let separator = text.rfind('1').ok_or("no separator")?;
    let (hrp, rest) = (&text[..separator], &text[separator + 1..]);
    if hrp.is_empty() || rest.len() < CHECKSUM_LEN {
        return Err("too short");
    }
    let values: Vec<u8> = rest
        .bytes()
        .map(|b| ALPHABET.iter().position(|&a| a == b).map(|p| p as u8))
        .collect::<Option<_>>()
        .ok_or("invalid character")?;
    if polymod(expand(hrp).chain(values.iter().copied())) != 1 {
        return Err("bad checksum");
    }
    let data = regroup(&values[..values.len() - CHECKSUM_LEN], 5, 8, false).ok_or("bad padding")?;
    Ok((hrp.to_string(), data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bip173_valid_strings() {
        for valid in [
            "A12UEL5L",
            "a12uel5l",
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
            "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
            "?1ezyfcl",
        ] {
            let (hrp, data) = decode(valid).unwrap_or_else(|e| panic!("{valid}: {e}"));
            assert_eq!(encode(&hrp, &data), valid.to_ascii_lowercase());
        }
    }

    #[test]
    fn bip173_invalid_strings() {
        for invalid in [
            "pzry9x0s0muk",
            "1pzry9x0s0muk",
            "x1b4n0q5v",
            "li1dgmt3",
            "A1G7SGD8",
            "10a06t8",
            "1qzzfhee",
            "a12UEL5L",
        ] {
            assert!(decode(invalid).is_err(), "{invalid}");
        }
    }

    #[test]
    fn round_trip_of_key_sized_data() {
        let data: Vec<u8> = (0u8..32).collect();
        let text = encode("age", &data);
        assert!(text.starts_with("age1"));
        assert_eq!(decode(&text).unwrap(), ("age".to_string(), data));
        let mut broken = text.into_bytes();
        let last = broken.len() - 1;
        broken[last] = if broken[last] == b'q' { b'p' } else { b'q' };
        assert_eq!(
            decode(std::str::from_utf8(&broken).unwrap()),
            Err("bad checksum")
        );
    }
}
