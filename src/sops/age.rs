//! The age file format (age-encryption.org/v1) for X25519 recipients, the
//! kind SOPS uses to wrap a file's data key.
//!
//! An age file is a text header, one stanza per recipient (each holding the
//! 16-byte file key encrypted to that recipient), a MAC over the header
//! keyed by the file key, then the payload encrypted with a key derived from
//! the file key, in 64 KiB ChaCha20-Poly1305 chunks. SOPS stores it ASCII
//! armored. Only the X25519 stanza is read; other stanzas (scrypt, SSH,
//! plugins) are skipped like stanzas for someone else.
//!
//! The primitives come from the RustCrypto and dalek crates; this module
//! only frames them. Secret bytes are wiped when dropped.

use super::bech32;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

const VERSION_LINE: &str = "age-encryption.org/v1";
const X25519_LABEL: &[u8] = b"age-encryption.org/v1/X25519";
const IDENTITY_HRP: &str = "age-secret-key-";
const RECIPIENT_HRP: &str = "age";
const ARMOR_BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";
const ARMOR_END: &str = "-----END AGE ENCRYPTED FILE-----";
/// Plaintext bytes per payload chunk.
const CHUNK: usize = 64 * 1024;
/// Poly1305 tag bytes.
const TAG: usize = 16;
const FILE_KEY_LEN: usize = 16;
/// Base64 columns per line, in stanza bodies and in armor.
const COLUMNS: usize = 64;

/// What went wrong reading or writing an age file. Never holds key
/// material or plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AgeError(String);

fn malformed(what: &str) -> AgeError {
    AgeError(format!("malformed age file: {what}"))
}

/// An X25519 identity (`AGE-SECRET-KEY-1…`): the secret that unwraps file
/// keys encrypted to its recipient.
pub struct Identity {
    secret: StaticSecret,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Identity({})", self.recipient())
    }
}

impl Identity {
    /// A new random identity (tests make their keys with it).
    #[cfg(test)]
    pub fn generate() -> Result<Identity, AgeError> {
        let bytes = random::<32>()?;
        Ok(Identity {
            secret: StaticSecret::from(*bytes),
        })
    }

    /// Reads `AGE-SECRET-KEY-1…` (Bech32; upper case as age writes it, or
    /// lower case).
    pub fn parse(text: &str) -> Result<Identity, AgeError> {
        let bytes = decode_key(text, IDENTITY_HRP)
            .map_err(|e| AgeError(format!("malformed age identity ({e})")))?;
        Ok(Identity {
            secret: StaticSecret::from(*bytes),
        })
    }

    /// The identity as age writes it (`AGE-SECRET-KEY-1…`).
    #[cfg(test)]
    pub fn to_secret_string(&self) -> Zeroizing<String> {
        let bytes = Zeroizing::new(self.secret.to_bytes());
        Zeroizing::new(bech32::encode(IDENTITY_HRP, bytes.as_slice()).to_ascii_uppercase())
    }

    /// The recipient files are encrypted to for this identity.
    pub fn recipient(&self) -> Recipient {
        Recipient(PublicKey::from(&self.secret))
    }

    /// The file key of an X25519 stanza addressed to this identity; `None`
    /// when the stanza is for someone else.
    fn unwrap_stanza(&self, share: &[u8; 32], body: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let share = PublicKey::from(*share);
        let shared = self.secret.diffie_hellman(&share);
        if !shared.was_contributory() {
            return None;
        }
        let key = wrap_key(
            shared.as_bytes(),
            share.as_bytes(),
            self.recipient().0.as_bytes(),
        );
        let cipher = ChaCha20Poly1305::new(Key::from_slice(key.as_slice()));
        let file_key = cipher.decrypt(Nonce::from_slice(&[0u8; 12]), body).ok()?;
        (file_key.len() == FILE_KEY_LEN).then(|| Zeroizing::new(file_key))
    }
}

/// An X25519 recipient (`age1…`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Recipient(PublicKey);

impl Recipient {
    /// Reads `age1…` (Bech32).
    pub fn parse(text: &str) -> Result<Recipient, AgeError> {
        let bytes = decode_key(text, RECIPIENT_HRP)
            .map_err(|e| AgeError(format!("`{text}` is not an age recipient ({e})")))?;
        Ok(Recipient(PublicKey::from(*bytes)))
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bech32::encode(RECIPIENT_HRP, self.0.as_bytes()))
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recipient({self})")
    }
}

/// 32 key bytes from a Bech32 string with the given human-readable part.
fn decode_key(text: &str, hrp: &str) -> Result<Zeroizing<[u8; 32]>, &'static str> {
    let (found, data) = bech32::decode(text)?;
    let data = Zeroizing::new(data);
    if found != hrp {
        return Err("wrong kind of key");
    }
    let mut bytes = Zeroizing::new([0u8; 32]);
    if data.len() != bytes.len() {
        return Err("wrong key length");
    }
    bytes.copy_from_slice(&data);
    Ok(bytes)
}

/// The key that wraps a file key for one recipient.
fn wrap_key(shared: &[u8; 32], share: &[u8; 32], recipient: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(share);
    salt[32..].copy_from_slice(recipient);
    hkdf(&salt, shared, X25519_LABEL)
}

fn hkdf(salt: &[u8], ikm: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is always a valid HKDF-SHA256 output length.
    let _ = hkdf::Hkdf::<Sha256>::new(Some(salt), ikm).expand(info, out.as_mut_slice());
    out
}

fn header_mac(file_key: &[u8], header: &[u8]) -> Hmac<Sha256> {
    let key = hkdf(&[], file_key, b"header");
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key.as_slice()).expect("HMAC accepts any key length");
    mac.update(header);
    mac
}

fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, AgeError> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::getrandom(bytes.as_mut_slice())
        .map_err(|e| AgeError(format!("no randomness: {e}")))?;
    Ok(bytes)
}

/// Decrypts an armored (or binary) age file with the first identity a
/// stanza is addressed to. `Ok(None)`: no stanza is for these identities.
pub fn decrypt(
    file: &[u8],
    identities: &[Identity],
) -> Result<Option<Zeroizing<Vec<u8>>>, AgeError> {
    let binary = dearmor(file)?;
    let header = Header::parse(&binary)?;
    let Some(file_key) = header.stanzas.iter().find_map(|(share, body)| {
        identities
            .iter()
            .find_map(|identity| identity.unwrap_stanza(share, body))
    }) else {
        return Ok(None);
    };
    header_mac(&file_key, &binary[..header.mac_input_len])
        .verify_slice(&header.mac)
        .map_err(|_| AgeError("the age header MAC does not match (altered file?)".into()))?;
    open_payload(&file_key, &binary[header.len..]).map(Some)
}

/// Encrypts `plaintext` to one recipient, ASCII armored.
pub fn encrypt_armored(plaintext: &[u8], recipient: &Recipient) -> Result<String, AgeError> {
    let file_key = random::<FILE_KEY_LEN>()?;
    let ephemeral = StaticSecret::from(*random::<32>()?);
    let share = PublicKey::from(&ephemeral);
    let shared = ephemeral.diffie_hellman(&recipient.0);
    let key = wrap_key(shared.as_bytes(), share.as_bytes(), recipient.0.as_bytes());
    let body = ChaCha20Poly1305::new(Key::from_slice(key.as_slice()))
        .encrypt(Nonce::from_slice(&[0u8; 12]), file_key.as_slice())
        .map_err(|_| AgeError("cannot wrap the file key".into()))?;
    let mut header = format!(
        "{VERSION_LINE}\n-> X25519 {}\n",
        STANDARD_NO_PAD.encode(share.as_bytes())
    );
    push_wrapped(&mut header, &STANDARD_NO_PAD.encode(body), true);
    header.push_str("---");
    let mac = header_mac(file_key.as_slice(), header.as_bytes()).finalize();
    header.push(' ');
    header.push_str(&STANDARD_NO_PAD.encode(mac.into_bytes()));
    header.push('\n');
    let mut binary = header.into_bytes();
    seal_payload(file_key.as_slice(), plaintext, &mut binary)?;
    let mut armored = format!("{ARMOR_BEGIN}\n");
    push_wrapped(&mut armored, &STANDARD.encode(&binary), false);
    armored.push_str(ARMOR_END);
    armored.push('\n');
    Ok(armored)
}

/// Appends base64 text in lines of [`COLUMNS`]. A stanza body always ends
/// with a short line, even an empty one; armor does not add one.
fn push_wrapped(out: &mut String, text: &str, end_short: bool) {
    let mut rest = text;
    while rest.len() >= COLUMNS {
        out.push_str(&rest[..COLUMNS]);
        out.push('\n');
        rest = &rest[COLUMNS..];
    }
    if end_short || !rest.is_empty() {
        out.push_str(rest);
        out.push('\n');
    }
}

/// The binary age file inside ASCII armor; binary input as it is.
fn dearmor(file: &[u8]) -> Result<Vec<u8>, AgeError> {
    let text = match std::str::from_utf8(file) {
        Ok(text) if text.trim_start().starts_with(ARMOR_BEGIN) => text.trim(),
        _ => return Ok(file.to_vec()),
    };
    let inner = text
        .strip_prefix(ARMOR_BEGIN)
        .and_then(|t| t.strip_suffix(ARMOR_END))
        .ok_or_else(|| malformed("unterminated armor"))?;
    let base64: String = inner.split_whitespace().collect();
    STANDARD
        .decode(base64.as_bytes())
        .or_else(|_| STANDARD_NO_PAD.decode(base64.as_bytes()))
        .map_err(|_| malformed("invalid base64 in armor"))
}

/// A parsed header: the X25519 stanzas (ephemeral share, wrapped file key)
/// and the MAC, with the byte lengths the MAC covers and the header spans.
struct Header {
    stanzas: Vec<([u8; 32], Vec<u8>)>,
    mac: Vec<u8>,
    mac_input_len: usize,
    len: usize,
}

impl Header {
    fn parse(binary: &[u8]) -> Result<Header, AgeError> {
        let mut lines = Lines {
            data: binary,
            pos: 0,
        };
        if lines.next()? != VERSION_LINE {
            return Err(malformed("not an age v1 file"));
        }
        let mut stanzas = Vec::new();
        loop {
            let start = lines.pos;
            let line = lines.next()?;
            if let Some(mac) = line.strip_prefix("--- ") {
                let mac = STANDARD_NO_PAD
                    .decode(mac)
                    .map_err(|_| malformed("invalid header MAC"))?;
                return Ok(Header {
                    stanzas,
                    mac,
                    mac_input_len: start + 3,
                    len: lines.pos,
                });
            }
            let arguments: Vec<&str> = line
                .strip_prefix("-> ")
                .ok_or_else(|| malformed("expected a stanza"))?
                .split(' ')
                .collect();
            let body = lines.stanza_body()?;
            if let ["X25519", share] = arguments.as_slice() {
                let share = STANDARD_NO_PAD
                    .decode(share)
                    .ok()
                    .and_then(|s| <[u8; 32]>::try_from(s).ok())
                    .ok_or_else(|| malformed("invalid X25519 share"))?;
                stanzas.push((share, body));
            }
        }
    }
}

/// Header lines of a binary age file.
struct Lines<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Lines<'a> {
    fn next(&mut self) -> Result<&'a str, AgeError> {
        let rest = &self.data[self.pos..];
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| malformed("truncated header"))?;
        self.pos += end + 1;
        std::str::from_utf8(&rest[..end]).map_err(|_| malformed("header is not text"))
    }

    /// A stanza body: full lines of base64, then one shorter line.
    fn stanza_body(&mut self) -> Result<Vec<u8>, AgeError> {
        let mut text = String::new();
        loop {
            let line = self.next()?;
            if line.len() > COLUMNS {
                return Err(malformed("stanza line too long"));
            }
            text.push_str(line);
            if line.len() < COLUMNS {
                break;
            }
        }
        STANDARD_NO_PAD
            .decode(text.as_bytes())
            .map_err(|_| malformed("invalid base64 in a stanza"))
    }
}

/// The payload's key and the STREAM nonce of chunk `index`.
fn payload_cipher(file_key: &[u8], nonce: &[u8]) -> ChaCha20Poly1305 {
    let key = hkdf(nonce, file_key, b"payload");
    ChaCha20Poly1305::new(Key::from_slice(key.as_slice()))
}

fn chunk_nonce(index: u64, last: bool) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[3..11].copy_from_slice(&index.to_be_bytes());
    nonce[11] = u8::from(last);
    nonce
}

fn open_payload(file_key: &[u8], payload: &[u8]) -> Result<Zeroizing<Vec<u8>>, AgeError> {
    if payload.len() < 16 + TAG {
        return Err(malformed("truncated payload"));
    }
    let (nonce, mut rest) = payload.split_at(16);
    let cipher = payload_cipher(file_key, nonce);
    let mut plaintext = Zeroizing::new(Vec::with_capacity(rest.len()));
    let mut index = 0u64;
    loop {
        let last = rest.len() <= CHUNK + TAG;
        let (chunk, after) = rest.split_at(rest.len().min(CHUNK + TAG));
        if last && chunk.len() == TAG && index > 0 {
            return Err(malformed("empty last chunk"));
        }
        let opened = cipher
            .decrypt(Nonce::from_slice(&chunk_nonce(index, last)), chunk)
            .map_err(|_| AgeError("the age payload does not decrypt (altered file?)".into()))?;
        plaintext.extend_from_slice(&Zeroizing::new(opened));
        if last {
            return Ok(plaintext);
        }
        rest = after;
        index += 1;
    }
}

fn seal_payload(file_key: &[u8], plaintext: &[u8], out: &mut Vec<u8>) -> Result<(), AgeError> {
    let nonce = random::<16>()?;
    out.extend_from_slice(nonce.as_slice());
    let cipher = payload_cipher(file_key, nonce.as_slice());
    let chunks: Vec<&[u8]> = match plaintext.is_empty() {
        true => vec![&[]],
        false => plaintext.chunks(CHUNK).collect(),
    };
    for (index, chunk) in chunks.iter().enumerate() {
        let last = index + 1 == chunks.len();
        let sealed = cipher
            .encrypt(Nonce::from_slice(&chunk_nonce(index as u64, last)), *chunk)
            .map_err(|_| AgeError("cannot encrypt the payload".into()))?;
        out.extend_from_slice(&sealed);
    }
    Ok(())
}

#[cfg(test)]
#[path = "age_tests.rs"]
mod tests;
