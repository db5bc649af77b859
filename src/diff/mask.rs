//! Masking Secret values in diffs by value identity.
//!
//! Every sensitive part of a Secret is replaced by a marker,
//! `<hidden 0123456789abcdef>`: 64 bits of HMAC-SHA256 over the part's
//! printed YAML. The parts are each value under `data` and `stringData`
//! (scalars, sequences and mappings alike; the whole field when it is not a
//! mapping) and the annotations that embed them (see [`is_embedding`]).
//!
//! The HMAC key is derived from all the secret material of both sides of
//! one comparison (and from `KRUST_DIFF_MASK_KEY` when set), so:
//!
//! * the same inputs give the same markers on every run, and within one
//!   comparison equal values get equal markers on both sides: a value that
//!   did not change shows no change, and one that did always shows one;
//! * a marker cannot be checked against guesses without guessing *all* the
//!   secret material of the comparison at once. When that material is small
//!   (a single short password), a dictionary attack on the marker remains
//!   possible; a secret `KRUST_DIFF_MASK_KEY` (a CI secret, say) closes it.
//!
//! Equal values show equal markers, so a reviewer can see that two keys
//! hold the same value, or that a value moved to another key; nothing else
//! about a value is revealed.

use super::secret::is_secret;
use crate::yaml::{print_document, Value};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// The environment variable holding an extra secret for the masking key.
pub const MASK_KEY_ENV: &str = "KRUST_DIFF_MASK_KEY";

/// Annotations that hold a copy of the whole object.
const EMBEDDING_ANNOTATIONS: [&str; 2] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    "kapp.k14s.io/original",
];

/// Secret texts shorter than this are not looked for inside annotations
/// (they would match everywhere).
const MIN_EMBEDDED_LEN: usize = 4;

/// Fields of a Secret that hold its values.
const VALUE_FIELDS: [&str; 2] = ["data", "stringData"];

/// Replaces Secret values by keyed markers.
pub struct Masker {
    key: [u8; 32],
}

/// One sensitive part of a Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    /// The value of `<field>.<key>`.
    Entry(&'static str, String),
    /// The whole of `<field>`, when it is not a mapping.
    Field(&'static str),
    /// `metadata.annotations.<key>`.
    Annotation(String),
}

impl Masker {
    /// A masker whose key is derived from the secret material of both
    /// renders, and from `extra_key` when given.
    pub fn for_renders(old: &[Value], new: &[Value], extra_key: Option<&[u8]>) -> Masker {
        let mut digests = BTreeSet::new();
        for value in old.iter().chain(new) {
            for slot in sensitive_slots(value) {
                if let Some(part) = get(value, &slot) {
                    digests.insert(<[u8; 32]>::from(Sha256::digest(canonical(part))));
                }
            }
        }
        let mut hasher = Sha256::new();
        hasher.update(b"krust diff masking key v1\0");
        let extra = extra_key.unwrap_or_default();
        hasher.update((extra.len() as u64).to_be_bytes());
        hasher.update(extra);
        for digest in &digests {
            hasher.update(digest);
        }
        Masker {
            key: hasher.finalize().into(),
        }
    }

    /// A masked copy of `value` when it is a Secret with something to
    /// hide, else `None`.
    pub fn mask(&self, value: &Value) -> Option<Value> {
        let slots = sensitive_slots(value);
        if slots.is_empty() {
            return None;
        }
        let mut masked = value.clone();
        for slot in &slots {
            if let Some(part) = get_mut(&mut masked, slot) {
                *part = Value::String(self.marker(part).into());
            }
        }
        Some(masked)
    }

    fn marker(&self, value: &Value) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(&canonical(value));
        let tag = mac.finalize().into_bytes();
        let hex: String = tag[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("<hidden {hex}>")
    }
}

/// The bytes a part is identified by: its printed YAML, which is what the
/// diff would have shown (mapping keys sorted, so equal values print alike).
fn canonical(value: &Value) -> Vec<u8> {
    let mut text = String::new();
    match print_document(value, &mut text) {
        Ok(()) => text.into_bytes(),
        // A value kustomize could not print never reaches a diff through a
        // build; from a YAML file it may. Its debug form identifies it too.
        Err(_) => format!("{value:?}").into_bytes(),
    }
}

/// The sensitive parts of `value`, none unless it is a Secret.
fn sensitive_slots(value: &Value) -> Vec<Slot> {
    if !is_secret(value) {
        return Vec::new();
    }
    let mut slots = Vec::new();
    for field in VALUE_FIELDS {
        match value.get(field) {
            None | Some(Value::Null) => {}
            Some(Value::Map(map)) => {
                slots.extend(map.keys().map(|k| Slot::Entry(field, k.to_string())));
            }
            Some(_) => slots.push(Slot::Field(field)),
        }
    }
    if let Some(annotations) = value
        .get_path(&["metadata", "annotations"])
        .and_then(Value::as_map)
    {
        let texts = secret_texts(value);
        for (name, annotation) in annotations.iter() {
            if is_embedding(name, annotation, &texts) {
                slots.push(Slot::Annotation(name.to_string()));
            }
        }
    }
    slots
}

/// True when a Secret's annotation may carry its values: a known
/// object-embedding annotation, a JSON object with `data` or `stringData`,
/// or any text that contains one of the Secret's values (as written, or
/// decoded from base64).
fn is_embedding(name: &str, annotation: &Value, texts: &[String]) -> bool {
    if EMBEDDING_ANNOTATIONS.contains(&name) {
        return true;
    }
    let Some(text) = annotation.as_str() else {
        return false;
    };
    let embeds_object = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|json| json.as_object().cloned())
        .is_some_and(|object| VALUE_FIELDS.iter().any(|f| object.contains_key(*f)));
    embeds_object || texts.iter().any(|secret| text.contains(secret.as_str()))
}

/// Every string under `data` and `stringData` long enough to look for, and
/// the UTF-8 text of each `data` string that decodes from base64.
fn secret_texts(value: &Value) -> Vec<String> {
    let mut texts = Vec::new();
    for field in VALUE_FIELDS {
        if let Some(part) = value.get(field) {
            collect_strings(part, field == "data", &mut texts);
        }
    }
    texts.retain(|t| t.len() >= MIN_EMBEDDED_LEN);
    texts.sort();
    texts.dedup();
    texts
}

fn collect_strings(value: &Value, decode: bool, texts: &mut Vec<String>) {
    match value {
        Value::String(s) => {
            texts.push(s.to_string());
            if decode {
                if let Some(text) = super::secret::decode_utf8(s) {
                    texts.push(text);
                }
            }
        }
        Value::Seq(items) => items.iter().for_each(|v| collect_strings(v, decode, texts)),
        Value::Map(map) => map.values().for_each(|v| collect_strings(v, decode, texts)),
        other => texts.extend(other.scalar_text()),
    }
}

fn get<'v>(value: &'v Value, slot: &Slot) -> Option<&'v Value> {
    match slot {
        Slot::Entry(field, key) => value.get(field)?.get(key),
        Slot::Field(field) => value.get(field),
        Slot::Annotation(name) => value.get_path(&["metadata", "annotations", name]),
    }
}

fn get_mut<'v>(value: &'v mut Value, slot: &Slot) -> Option<&'v mut Value> {
    match slot {
        Slot::Entry(field, key) => value.get_mut(field)?.get_mut(key),
        Slot::Field(field) => value.get_mut(field),
        Slot::Annotation(name) => value.get_path_mut(&["metadata", "annotations", name]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    fn doc(yaml: &str) -> Value {
        parse_documents(yaml, std::path::Path::new("t.yaml"))
            .unwrap()
            .remove(0)
    }

    fn masked(masker: &Masker, yaml: &str) -> String {
        let mut text = String::new();
        print_document(&masker.mask(&doc(yaml)).unwrap(), &mut text).unwrap();
        text
    }

    const NESTED: &str = "kind: Secret\nstringData:\n  n:\n    deep: OLD\n";

    #[test]
    fn nested_values_get_their_own_marker() {
        let (old, new) = (doc(NESTED), doc(&NESTED.replace("OLD", "NEW")));
        let masker =
            Masker::for_renders(std::slice::from_ref(&old), std::slice::from_ref(&new), None);
        let (a, b) = (masker.mask(&old).unwrap(), masker.mask(&new).unwrap());
        assert_ne!(a, b);
        let text = masked(&masker, NESTED);
        assert!(
            text.starts_with("kind: Secret\nstringData:\n  \"n\": <hidden "),
            "{text}"
        );
        assert!(!text.contains("OLD"), "{text}");
    }

    #[test]
    fn scalar_and_list_data_are_masked_whole() {
        let masker = Masker::for_renders(&[], &[], None);
        let scalar = masked(&masker, "kind: Secret\ndata: c2VjcmV0\n");
        assert!(scalar.starts_with("data: <hidden "), "{scalar}");
        let list = masked(&masker, "kind: Secret\ndata:\n- c2VjcmV0\n- b3RoZXI=\n");
        assert!(list.starts_with("data: <hidden "), "{list}");
        assert!(!list.contains("c2VjcmV0"), "{list}");
    }

    #[test]
    fn embedding_annotations_are_masked() {
        let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    \
            kubectl.kubernetes.io/last-applied-configuration: '{\"data\":{\"p\":\"aHVudGVyMg==\"}}'\n    \
            note: the password is hunter2\n    other.example/json: '{\"stringData\":{}}'\n    \
            team: payments\ndata:\n  p: aHVudGVyMg==\n";
        let masker = Masker::for_renders(&[doc(secret)], &[], None);
        let text = masked(&masker, secret);
        assert!(!text.contains("aHVudGVyMg"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("stringData\":{}"), "{text}");
        assert!(text.contains("team: payments"), "{text}");
    }

    #[test]
    fn markers_are_stable_and_depend_on_all_secret_material() {
        let one = doc("kind: Secret\ndata:\n  a: b25l\n");
        let two = doc("kind: Secret\ndata:\n  a: b25l\n  b: dHdv\n");
        let first = masked(
            &Masker::for_renders(std::slice::from_ref(&one), std::slice::from_ref(&two), None),
            "kind: Secret\ndata:\n  a: b25l\n",
        );
        let again = masked(
            &Masker::for_renders(std::slice::from_ref(&one), std::slice::from_ref(&two), None),
            "kind: Secret\ndata:\n  a: b25l\n",
        );
        assert_eq!(first, again);
        let other = masked(
            &Masker::for_renders(std::slice::from_ref(&one), std::slice::from_ref(&one), None),
            "kind: Secret\ndata:\n  a: b25l\n",
        );
        assert_ne!(first, other);
        let keyed = masked(
            &Masker::for_renders(
                std::slice::from_ref(&one),
                std::slice::from_ref(&two),
                Some(b"k"),
            ),
            "kind: Secret\ndata:\n  a: b25l\n",
        );
        assert_ne!(first, keyed);
    }

    #[test]
    fn other_kinds_and_empty_secrets_are_left_alone() {
        let masker = Masker::for_renders(&[], &[], None);
        assert!(masker
            .mask(&doc("kind: ConfigMap\ndata:\n  a: b\n"))
            .is_none());
        assert!(masker
            .mask(&doc("kind: Secret\ndata: null\nstringData: {}\n"))
            .is_none());
    }
}
