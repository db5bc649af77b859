//! SOPS decryption against files written by the `sops` tool, and against
//! dotenv, JSON and binary files written by a test-only encryptor (below)
//! whose data key was wrapped with the `age` command-line tool.

use aes_gcm::aead::generic_array::{typenum::U32, GenericArray};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::aes::Aes256;
use aes_gcm::AesGcm;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use krust::sops::{self, ErrorKind, Format, Keys, SopsError};
use krust::yaml::{parse_documents, Value};
use sha2::{Digest, Sha512};
use std::path::{Path, PathBuf};

const VECTORS: [&str; 7] = [
    "age_empty_value",
    "age_encrypted_regex",
    "age_encrypted_suffix",
    "age_example",
    "age_mac_only_encrypted",
    "age_unencrypted_regex",
    "age_unencrypted_suffix",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sops")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

fn test_keys() -> Keys {
    Keys::from_identity_text(&read("vectors/test-age-key.txt"), "test key").unwrap()
}

fn decrypt_vector(name: &str, text: &str) -> Result<Vec<Value>, SopsError> {
    sops::decrypt_yaml(text, Path::new(name), &test_keys())
}

#[test]
fn every_sops_vector_decrypts_to_its_plaintext() {
    for name in VECTORS {
        let encrypted = read(&format!("vectors/{name}.yaml"));
        let plain = read(&format!("vectors/{name}_plaintext.yaml"));
        let expected = parse_documents(&plain, Path::new("plain")).unwrap();
        assert!(sops::is_sops_document(
            &parse_documents(&encrypted, Path::new("e")).unwrap()[0]
        ));
        let decrypted = decrypt_vector(name, &encrypted).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(decrypted, expected, "{name}");
    }
}

#[test]
fn typed_values_are_restored() {
    let docs = decrypt_vector("example", &read("vectors/age_example.yaml")).unwrap();
    assert_eq!(
        docs[0].get("example_number"),
        Some(&Value::Float(1234.56789))
    );
    let booleans = docs[0]
        .get("example_booleans")
        .and_then(Value::as_seq)
        .unwrap();
    assert_eq!(booleans, &vec![Value::Bool(true), Value::Bool(false)]);
}

/// Replaces the character right after the first `marker` with `with`.
fn tamper(text: &str, marker: &str, with: impl Fn(char) -> char) -> String {
    let at = text.find(marker).unwrap_or_else(|| panic!("no {marker}")) + marker.len();
    let old = text[at..].chars().next().unwrap();
    let new = with(old);
    assert_ne!(old, new);
    format!("{}{new}{}", &text[..at], &text[at + old.len_utf8()..])
}

fn other_base64_char(c: char) -> char {
    if c == 'A' {
        'B'
    } else {
        'A'
    }
}

fn assert_refused(name: &str, text: &str, kind: ErrorKind) -> SopsError {
    let err = decrypt_vector(name, text).expect_err("tampered file was accepted");
    assert_eq!(err.kind, kind, "{err}");
    assert!(err.to_string().starts_with(&format!("{name}: ")), "{err}");
    err
}

#[test]
fn a_flipped_byte_in_a_value_is_refused() {
    let text = tamper(
        &read("vectors/age_example.yaml"),
        "hello: ENC[AES256_GCM,data:",
        other_base64_char,
    );
    let err = assert_refused("example.yaml", &text, ErrorKind::Value);
    assert!(err.message.contains("`hello:`"), "{err}");
    let text = tamper(
        &read("vectors/age_example.yaml"),
        "tag:F7JDsbSt",
        other_base64_char,
    );
    assert_refused("example.yaml", &text, ErrorKind::Value);
}

#[test]
fn a_flipped_byte_in_the_mac_is_refused() {
    let text = tamper(
        &read("vectors/age_example.yaml"),
        "mac: ENC[AES256_GCM,data:",
        other_base64_char,
    );
    assert_refused("example.yaml", &text, ErrorKind::MacMismatch);
}

#[test]
fn a_changed_lastmodified_is_refused() {
    let text = tamper(
        &read("vectors/age_example.yaml"),
        "lastmodified: 2023-12-25T10:31:0",
        |_| '2',
    );
    assert_refused("example.yaml", &text, ErrorKind::MacMismatch);
}

#[test]
fn changed_clear_values_are_refused_by_the_mac() {
    let text = tamper(
        &read("vectors/age_unencrypted_regex.yaml"),
        "    a: aa",
        |_| 'b',
    );
    assert_refused("unencrypted_regex.yaml", &text, ErrorKind::MacMismatch);
    let text = read("vectors/age_example.yaml").replace("- ENC[AES256_GCM,data:QN1RgWA", "- ENC[AES256_GCM,data:fY3cXA==,iv:WD5F3zC+JSGMrYuDv0mwxIJ5/8IuAr1pTn3Hw3xcNBk=,tag:8sXFUDmSoRi+Hrlo5HxM6g==,type:bool]\n- ENC[AES256_GCM,data:QN1RgWA");
    assert_refused("example.yaml", &text, ErrorKind::MacMismatch);
}

#[test]
fn mac_only_encrypted_ignores_clear_values_but_not_encrypted_ones() {
    let original = read("vectors/age_mac_only_encrypted.yaml");
    let text = original.replace("d_unencrypted: aaa", "d_unencrypted: changed");
    assert!(decrypt_vector("m.yaml", &text).is_ok());
    let text = original.replace("  mac_only_encrypted: true\n", "");
    assert_refused("m.yaml", &text, ErrorKind::MacMismatch);
}

#[test]
fn a_wrong_key_gives_a_clear_error() {
    let other = Keys::from_identity_text(&read("other-age-key.txt"), "other").unwrap();
    let err = sops::decrypt_yaml(
        &read("vectors/age_example.yaml"),
        Path::new("s.yaml"),
        &other,
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::WrongKey);
    assert!(
        err.message
            .contains("age1se5ghfycr4n8kcwc3qwf234ymvmr2lex2a99wh8gpfx97glwt9hqch4569"),
        "{err}"
    );
    let err = sops::decrypt_yaml(
        &read("vectors/age_example.yaml"),
        Path::new("s.yaml"),
        &Keys::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NoIdentity);
}

#[test]
fn errors_never_contain_plaintext() {
    let cases = [
        tamper(
            &read("vectors/age_example.yaml"),
            "mac: ENC[AES256_GCM,data:",
            other_base64_char,
        ),
        tamper(
            &read("vectors/age_example.yaml"),
            "example_key: ENC[AES256_GCM,data:",
            other_base64_char,
        ),
        read("vectors/age_example.yaml")
            .replace("example_key: ENC", "example_key: example_valueENC"),
    ];
    for text in cases {
        let err = decrypt_vector("example.yaml", &text)
            .unwrap_err()
            .to_string();
        for secret in ["Welcome", "example_value", "1234.56789"] {
            assert!(!err.contains(secret), "{err}");
        }
    }
}

#[test]
fn keys_come_from_sops_environment_and_config_dir() {
    // The only test in this binary that touches the environment.
    let config = tempfile::tempdir().unwrap();
    std::env::remove_var(sops::AGE_KEY_ENV);
    std::env::remove_var(sops::AGE_KEY_FILE_ENV);
    std::env::set_var("XDG_CONFIG_HOME", config.path());
    assert!(Keys::from_env().is_empty());
    let dir = config.path().join("sops/age");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(fixture("vectors/test-age-key.txt"), dir.join("keys.txt")).unwrap();
    assert_eq!(Keys::from_env().len(), 1);
    std::env::set_var(sops::AGE_KEY_FILE_ENV, fixture("other-age-key.txt"));
    std::env::set_var(sops::AGE_KEY_ENV, read("vectors/test-age-key.txt"));
    let keys = Keys::from_env();
    assert_eq!(keys.len(), 3);
    assert!(sops::decrypt_yaml(&read("vectors/age_example.yaml"), Path::new("s"), &keys).is_ok());
    std::env::set_var(sops::AGE_KEY_FILE_ENV, config.path().join("missing.txt"));
    let keys = Keys::from_env();
    assert_eq!((keys.len(), keys.problems().len()), (2, 1), "{keys:?}");
    assert!(keys.problems()[0].contains("missing.txt"));
    std::env::remove_var(sops::AGE_KEY_ENV);
    std::env::remove_var(sops::AGE_KEY_FILE_ENV);
}

// ---------------------------------------------------------------------
// Test-only encryptor for the dotenv, JSON and binary fixtures.

const TEST_RECIPIENT: &str = "age1se5ghfycr4n8kcwc3qwf234ymvmr2lex2a99wh8gpfx97glwt9hqch4569";
const LAST_MODIFIED: &str = "2026-01-02T03:04:05Z";

/// Seals values like SOPS, with a deterministic IV so fixtures are
/// reproducible (never do this outside tests), and hashes the MAC.
struct Encryptor {
    key: Vec<u8>,
    mac: Sha512,
}

impl Encryptor {
    fn new() -> Encryptor {
        let hex = read("test-data-key.hex");
        let key = (0..32)
            .map(|i| u8::from_str_radix(&hex.trim()[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        Encryptor {
            key,
            mac: Sha512::new(),
        }
    }

    fn seal(&self, plain: &[u8], kind: &str, additional_data: &str) -> String {
        if plain.is_empty() {
            return String::new();
        }
        let iv_source = Sha512::digest([additional_data.as_bytes(), plain].concat());
        let iv = &iv_source[..32];
        let cipher = AesGcm::<Aes256, U32>::new(GenericArray::from_slice(&self.key));
        let payload = Payload {
            msg: plain,
            aad: additional_data.as_bytes(),
        };
        let sealed = cipher
            .encrypt(GenericArray::from_slice(iv), payload)
            .unwrap();
        let (data, tag) = sealed.split_at(sealed.len() - 16);
        let b64 = |b: &[u8]| BASE64.encode(b);
        format!(
            "ENC[AES256_GCM,data:{},iv:{},tag:{},type:{kind}]",
            b64(data),
            b64(iv),
            b64(tag)
        )
    }

    /// Encrypts and hashes one value (the default `_unencrypted` rule).
    fn value(&mut self, plain: &[u8], kind: &str, path: &[&str]) -> Option<String> {
        self.mac.update(plain);
        let clear = path.iter().any(|k| k.ends_with("_unencrypted"));
        let ad: String = path.iter().map(|k| format!("{k}:")).collect();
        (!clear).then(|| self.seal(plain, kind, &ad))
    }

    fn json(&mut self, value: &serde_json::Value, path: &mut Vec<String>) -> serde_json::Value {
        use serde_json::Value as J;
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        let (bytes, kind) = match value {
            J::Null => return J::Null,
            J::Object(map) => {
                let mut out = serde_json::Map::new();
                for (k, v) in map {
                    path.push(k.clone());
                    out.insert(k.clone(), self.json(v, path));
                    path.pop();
                }
                return J::Object(out);
            }
            J::Array(items) => return J::Array(items.iter().map(|i| self.json(i, path)).collect()),
            J::String(s) => (s.clone().into_bytes(), "str"),
            J::Bool(b) => ((if *b { "True" } else { "False" }).into(), "bool"),
            J::Number(n) if n.is_i64() => (n.to_string().into_bytes(), "int"),
            J::Number(n) => (format!("{}", n.as_f64().unwrap()).into_bytes(), "float"),
        };
        match self.value(&bytes, kind, &keys) {
            Some(sealed) => J::String(sealed),
            None => value.clone(),
        }
    }

    fn finish_mac(&mut self) -> String {
        let hex: String = std::mem::take(&mut self.mac)
            .finalize()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        self.seal(hex.as_bytes(), "str", LAST_MODIFIED)
    }

    fn metadata_json(&mut self) -> serde_json::Value {
        serde_json::json!({
            "age": [{"recipient": TEST_RECIPIENT, "enc": read("test-data-key.age")}],
            "lastmodified": LAST_MODIFIED,
            "mac": self.finish_mac(),
            "unencrypted_suffix": "_unencrypted",
            "version": "3.9.4",
        })
    }
}

fn encrypt_json(plain: &str) -> String {
    let mut encryptor = Encryptor::new();
    let value: serde_json::Value = serde_json::from_str(plain).unwrap();
    let mut encrypted = encryptor.json(&value, &mut Vec::new());
    encrypted["sops"] = encryptor.metadata_json();
    serde_json::to_string_pretty(&encrypted).unwrap() + "\n"
}

fn encrypt_binary(plain: &[u8]) -> String {
    let mut encryptor = Encryptor::new();
    let data = encryptor.value(plain, "str", &["data"]).unwrap();
    let file = serde_json::json!({"data": data, "sops": encryptor.metadata_json()});
    serde_json::to_string_pretty(&file).unwrap() + "\n"
}

fn encrypt_dotenv(plain: &str) -> String {
    let mut encryptor = Encryptor::new();
    let mut out = String::new();
    for line in plain.lines() {
        if let Some(comment) = line.strip_prefix('#') {
            // The first comment is encrypted as SOPS does; later ones stay in
            // the clear, as older SOPS versions left them.
            let sealed = encryptor.seal(comment.as_bytes(), "comment", ":");
            let keep = out.contains("type:comment");
            out += &format!("#{}\n", if keep { comment } else { &sealed });
            continue;
        }
        let (key, value) = line.split_once('=').unwrap();
        let value = value.replace("\\n", "\n");
        let sealed = encryptor.value(value.as_bytes(), "str", &[key]);
        out += &format!("{key}={}\n", sealed.unwrap_or(value).replace('\n', "\\n"));
    }
    let enc = read("test-data-key.age").replace('\n', "\\n");
    out += &format!(
        "sops_age__list_0__map_enc={enc}\nsops_age__list_0__map_recipient={TEST_RECIPIENT}\n"
    );
    out += &format!(
        "sops_lastmodified={LAST_MODIFIED}\nsops_mac={}\n",
        encryptor.finish_mac()
    );
    out + "sops_unencrypted_suffix=_unencrypted\nsops_version=3.9.4\n"
}

/// The encrypted fixtures, regenerated; they must equal the committed ones.
fn generated_fixtures() -> Vec<(&'static str, String)> {
    vec![
        ("app.env", encrypt_dotenv(&read("app_plaintext.env"))),
        ("config.json", encrypt_json(&read("config_plaintext.json"))),
        (
            "blob.bin",
            encrypt_binary(&std::fs::read(fixture("blob_plaintext.bin")).unwrap()),
        ),
    ]
}

#[test]
fn encrypted_fixtures_are_reproducible() {
    for (name, text) in generated_fixtures() {
        if std::env::var_os("KRUST_REGENERATE_SOPS_FIXTURES").is_some() {
            std::fs::write(fixture(name), &text).unwrap();
        }
        assert_eq!(read(name), text, "{name} differs from its regenerated form");
    }
}

#[test]
fn multi_document_yaml_shares_one_mac() {
    // Keys are already in printing order, so the MAC order survives printing.
    let plain = "a: 1\nb:\n- x\n- 2.5\n---\nc: true\nd_unencrypted: keep\n";
    let docs = parse_documents(plain, Path::new("plain")).unwrap();
    let mut encryptor = Encryptor::new();
    let mut encrypted: Vec<Value> = docs
        .iter()
        .map(|doc| Value::from(&encryptor.json(&doc.into(), &mut Vec::new())))
        .collect();
    let metadata = Value::from(&encryptor.metadata_json());
    for doc in &mut encrypted {
        doc.as_map_mut()
            .unwrap()
            .insert("sops".into(), metadata.clone());
    }
    let text = krust::yaml::print_documents(&encrypted).unwrap();
    assert!(text.contains("c: ENC[AES256_GCM"), "{text}");
    let decrypted = sops::decrypt_yaml(&text, Path::new("multi.yaml"), &test_keys()).unwrap();
    assert_eq!(decrypted, docs);
    let first_only = format!("{}\n", text.split("\n---\n").next().unwrap());
    let err = sops::decrypt_yaml(&first_only, Path::new("multi.yaml"), &test_keys()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::MacMismatch);
}

fn decrypt_fixture(name: &str, keys: &Keys) -> Result<Vec<u8>, SopsError> {
    let bytes = std::fs::read(fixture(name)).unwrap();
    sops::decrypt_bytes(
        &bytes,
        Format::from_path(Path::new(name)),
        Path::new(name),
        keys,
    )
}

#[test]
fn dotenv_decrypts_with_comments_restored() {
    let plain = decrypt_fixture("app.env", &test_keys()).unwrap();
    assert_eq!(String::from_utf8(plain).unwrap(), read("app_plaintext.env"));
}

#[test]
fn json_decrypts_to_its_plaintext_values() {
    let decrypted =
        sops::decrypt_json(&read("config.json"), Path::new("config.json"), &test_keys()).unwrap();
    let plain: serde_json::Value = serde_json::from_str(&read("config_plaintext.json")).unwrap();
    assert_eq!(decrypted, Value::from(&plain));
    assert_eq!(decrypted.get("replicas"), Some(&Value::Int(3)));
    let bytes = decrypt_fixture("config.json", &test_keys()).unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(),
        plain
    );
}

#[test]
fn binary_decrypts_to_its_exact_bytes() {
    let plain = decrypt_fixture("blob.bin", &test_keys()).unwrap();
    assert_eq!(plain, std::fs::read(fixture("blob_plaintext.bin")).unwrap());
}

#[test]
fn own_fixtures_refuse_tampering_and_wrong_keys() {
    let other = Keys::from_identity_text(&read("other-age-key.txt"), "other").unwrap();
    let json_markers = [
        "\"mac\": \"ENC[AES256_GCM,data:",
        "\"lastmodified\": \"2026-01-02T03:04:0",
    ];
    let cases = [
        (
            "app.env",
            "DB_USER=ENC[AES256_GCM,data:",
            [
                "sops_mac=ENC[AES256_GCM,data:",
                "sops_lastmodified=2026-01-02T03:04:0",
            ],
        ),
        (
            "config.json",
            "\"name\": \"ENC[AES256_GCM,data:",
            json_markers,
        ),
        ("blob.bin", "\"data\": \"ENC[AES256_GCM,data:", json_markers),
    ];
    for (name, value_marker, [mac_marker, time_marker]) in cases {
        assert_eq!(
            decrypt_fixture(name, &other).unwrap_err().kind,
            ErrorKind::WrongKey
        );
        let text = read(name);
        let tampered = [
            (
                tamper(&text, value_marker, other_base64_char),
                ErrorKind::Value,
            ),
            (
                tamper(&text, mac_marker, other_base64_char),
                ErrorKind::MacMismatch,
            ),
            (tamper(&text, time_marker, |_| '3'), ErrorKind::MacMismatch),
        ];
        for (text, kind) in tampered {
            let format = Format::from_path(Path::new(name));
            let result =
                sops::decrypt_bytes(text.as_bytes(), format, Path::new(name), &test_keys());
            assert_eq!(result.unwrap_err().kind, kind, "{name}");
        }
    }
}

#[test]
fn simple_yaml_decrypts_to_sops_layout_in_file_order() {
    let name = "vectors/age_encrypted_suffix.yaml";
    let bytes = sops::decrypt_bytes(
        read(name).as_bytes(),
        Format::Yaml,
        Path::new(name),
        &test_keys(),
    )
    .unwrap();
    // SOPS's emitter indents by 4; the plaintext file by 2.
    let expected: String = read("vectors/age_encrypted_suffix_plaintext.yaml")
        .lines()
        .map(|line| {
            let indent = line.len() - line.trim_start().len();
            format!("{}{}\n", " ".repeat(indent * 2), line.trim_start())
        })
        .collect();
    assert_eq!(String::from_utf8(bytes).unwrap(), expected);
}
