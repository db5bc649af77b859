use super::*;
use std::path::PathBuf;

fn repo_file(path: &str) -> String {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The public test-only identity of fixtures/sops-test-key/.
fn test_identity() -> Identity {
    let text = repo_file("fixtures/sops-test-key/keys.txt");
    let line = text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .expect("an identity line");
    Identity::parse(line).unwrap()
}

const TEST_RECIPIENT: &str = "age1fjlskl92elh5e3c7zypnn33wzpr96try9hf6w0desku0wzdnuecsyjz3te";

#[test]
fn identity_text_and_recipient() {
    let identity = test_identity();
    assert_eq!(identity.recipient().to_string(), TEST_RECIPIENT);
    assert_eq!(
        Recipient::parse(TEST_RECIPIENT).unwrap(),
        identity.recipient()
    );
    let text = identity.to_secret_string();
    assert!(
        text.starts_with("AGE-SECRET-KEY-1"),
        "upper case as age writes it"
    );
    let again = Identity::parse(&text.to_ascii_lowercase()).unwrap();
    assert_eq!(again.recipient(), identity.recipient());
    // Debug shows the public half only.
    assert!(!format!("{identity:?}").contains(&text[16..]));
    for bad in [
        "AGE-SECRET-KEY-1",
        TEST_RECIPIENT,
        &text[..text.len() - 1],
        "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
    ] {
        assert!(Identity::parse(bad).is_err(), "{bad}");
    }
    assert!(Recipient::parse("age1notbech32").is_err());
}

/// The data key of a committed SOPS file, wrapped by another age
/// implementation, unwraps with the test key.
#[test]
fn unwraps_a_data_key_written_by_another_implementation() {
    let text = repo_file("deployments/k3s-platform/overlays/staging/secrets/backend.enc.env");
    let armored = text
        .lines()
        .find_map(|l| l.strip_prefix("sops_age__list_0__map_enc="))
        .expect("a wrapped data key")
        .replace("\\n", "\n");
    let key = decrypt(armored.as_bytes(), &[test_identity()])
        .unwrap()
        .unwrap();
    assert_eq!(key.len(), 32);
    let stranger = Identity::generate().unwrap();
    assert_eq!(decrypt(armored.as_bytes(), &[stranger]).unwrap(), None);
}

#[test]
fn round_trips_of_every_payload_shape() {
    let identity = Identity::generate().unwrap();
    let other = Identity::generate().unwrap();
    for len in [0, 1, 32, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 7] {
        let plaintext: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let armored = encrypt_armored(&plaintext, &identity.recipient()).unwrap();
        assert!(armored.starts_with(ARMOR_BEGIN) && armored.ends_with(&format!("{ARMOR_END}\n")));
        assert!(armored
            .lines()
            .all(|l| l.len() <= COLUMNS || l.starts_with("-----")));
        let opened = decrypt(
            armored.as_bytes(),
            &[identity_copy(&other), identity_copy(&identity)],
        )
        .unwrap()
        .unwrap();
        assert_eq!(opened.as_slice(), plaintext.as_slice(), "{len} bytes");
    }
}

fn identity_copy(identity: &Identity) -> Identity {
    Identity::parse(&identity.to_secret_string()).unwrap()
}

#[test]
fn altered_files_are_refused() {
    let identity = Identity::generate().unwrap();
    let armored =
        encrypt_armored(b"0123456789abcdef0123456789abcdef", &identity.recipient()).unwrap();
    let binary = dearmor(armored.as_bytes()).unwrap();
    let header_len = Header::parse(&binary).unwrap().len;
    // A changed header byte (the stanza's share): no longer for us, or a bad MAC.
    let mut header = binary.clone();
    header[header_len - 5] ^= 1;
    assert!(!matches!(
        decrypt(&header, &[identity_copy(&identity)]),
        Ok(Some(_))
    ));
    // A changed payload byte.
    let mut payload = binary.clone();
    let last = payload.len() - 1;
    payload[last] ^= 1;
    let e = decrypt(&payload, &[identity_copy(&identity)]).unwrap_err();
    assert!(e.to_string().contains("does not decrypt"), "{e}");
    // A truncated payload or header.
    assert!(decrypt(&binary[..header_len + 8], &[identity_copy(&identity)]).is_err());
    assert!(decrypt(&binary[..20], &[identity_copy(&identity)]).is_err());
    assert!(decrypt(b"-----BEGIN AGE ENCRYPTED FILE-----\nnope", &[]).is_err());
}

#[test]
fn foreign_stanzas_are_skipped() {
    let identity = Identity::generate().unwrap();
    let armored = encrypt_armored(b"key", &identity.recipient()).unwrap();
    let binary = dearmor(armored.as_bytes()).unwrap();
    let text = String::from_utf8_lossy(&binary[..Header::parse(&binary).unwrap().len]).into_owned();
    // Another kind of stanza before ours: parsed, skipped, and covered by
    // the MAC like any header line (so here the MAC no longer matches).
    let with_foreign = text.replacen("\n-> X25519", "\n-> scrypt c2FsdA 18\nAAAA\n-> X25519", 1);
    let mut changed = with_foreign.into_bytes();
    changed.extend_from_slice(&binary[Header::parse(&binary).unwrap().len..]);
    let header = Header::parse(&changed).unwrap();
    assert_eq!(header.stanzas.len(), 1);
    let e = decrypt(&changed, &[identity]).unwrap_err();
    assert!(e.to_string().contains("MAC"), "{e}");
}
