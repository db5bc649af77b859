//! SOPS decryption with the public test key: YAML, JSON, dotenv and binary
//! forms, chosen by the first byte. Damaged files must be refused with an
//! error, never a panic; anything that decrypts is a valid SOPS file.
#![no_main]

use krust::sops::{Format, Keys};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let identity = include_str!("../../fixtures/sops-test-key/keys.txt");
        Keys::from_identity_text(identity, "fuzz test key").expect("the test key loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let name = match selector % 4 {
        0 => "secret.yaml",
        1 => "secret.json",
        2 => "secret.env",
        _ => "secret.bin",
    };
    let path = Path::new(name);
    let _ = krust::sops::decrypt_if_encrypted(body.to_vec(), path, keys());
    let _ = krust::sops::decrypt_bytes(body, Format::from_path(path), path, keys());
});
