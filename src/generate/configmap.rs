//! Building a generated ConfigMap object.

use super::{base64, new_object, set_options};
use crate::generate::GeneratorOptions;
use crate::yaml::{Mapping, Value};
use std::collections::BTreeMap;

/// The ConfigMap kustomize generates from already-validated pairs.
///
/// Values that are valid UTF-8 go to `data` as they are; others go to
/// `binaryData`, base64-encoded (wrapped at 70 characters once the encoding
/// is that long). Each map exists only when it has an entry, so an empty
/// generator has neither. Options add labels, annotations and
/// `immutable: true`.
pub fn configmap_object(
    name: &str,
    namespace: &str,
    pairs: BTreeMap<String, Vec<u8>>,
    options: &GeneratorOptions,
) -> Value {
    let mut object = new_object("ConfigMap", name, namespace);
    let mut data = Mapping::new();
    let mut binary = Mapping::new();
    for (key, bytes) in pairs {
        match String::from_utf8(bytes) {
            Ok(text) => {
                let quoted = crate::yaml::resolve::emitted_in_quotes(&text);
                let key = crate::yaml::Key::new(&key);
                data.insert(key, Value::String(text.into()));
                data.set_quoted(key, quoted);
            }
            Err(err) => {
                let encoded = base64::encode_wrapped(err.as_bytes());
                binary.insert(key.into(), Value::String(encoded.into()));
            }
        }
    }
    if !data.is_empty() {
        object.insert("data".into(), Value::Map(data));
    }
    if !binary.is_empty() {
        object.insert("binaryData".into(), Value::Map(binary));
    }
    set_options(&mut object, options);
    Value::Map(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::tests::{map, options};

    fn pairs(list: &[(&str, &[u8])]) -> BTreeMap<String, Vec<u8>> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_vec()))
            .collect()
    }

    #[test]
    fn empty_generator_has_no_data() {
        // kubectl: apiVersion: v1 / kind: ConfigMap / metadata: {name: ...}
        let got = configmap_object("empty", "", BTreeMap::new(), &GeneratorOptions::default());
        let expected = map(&[
            ("apiVersion", "v1".into()),
            ("kind", "ConfigMap".into()),
            ("metadata", map(&[("name", "empty".into())])),
        ]);
        assert_eq!(got, expected);
    }

    #[test]
    fn text_goes_to_data_and_binary_to_wrapped_binary_data() {
        // kubectl for files b.bin (ff fe 00 'bin') and x.txt:
        //   binaryData: {b.bin: //4AYmlu}   data: {x.txt: "hello\n"}
        let long: Vec<u8> = std::iter::repeat_n(&[0xffu8, b'h', b'e', b'l', b'l', b'o'], 30)
            .flatten()
            .copied()
            .collect();
        let got = configmap_object(
            "f",
            "ns",
            pairs(&[
                ("b.bin", b"\xff\xfe\x00bin"),
                ("x.txt", b"hello\n"),
                ("long", &long),
            ]),
            &GeneratorOptions::default(),
        );
        assert_eq!(got.str_at(&["data", "x.txt"]), Some("hello\n"));
        assert_eq!(got.str_at(&["binaryData", "b.bin"]), Some("//4AYmlu"));
        let wrapped = got.str_at(&["binaryData", "long"]).unwrap();
        assert!(wrapped.starts_with(
            "/2hlbGxv/2hlbGxv/2hlbGxv/2hlbGxv/2hlbGxv/2hlbGxv/2hlbGxv/2hlbGxv/2hlbG\nxv/2"
        ));
        assert!(wrapped.ends_with("hlbGxv/2hlbGxv/2hlbGxv/2hlbGxv\n"));
        assert_eq!(got.str_at(&["metadata", "namespace"]), Some("ns"));
    }

    #[test]
    fn options_add_labels_annotations_and_immutable() {
        let opts = options(&[("both", "l")], &[("la", "x")], true);
        let got = configmap_object("c", "", pairs(&[("a", b"1")]), &opts);
        assert_eq!(got.str_at(&["metadata", "labels", "both"]), Some("l"));
        assert_eq!(got.str_at(&["metadata", "annotations", "la"]), Some("x"));
        assert_eq!(got.get("immutable"), Some(&Value::Bool(true)));
        let plain = configmap_object("c", "", pairs(&[("a", b"1")]), &GeneratorOptions::default());
        assert!(plain.get("immutable").is_none());
        assert!(plain.get_path(&["metadata", "labels"]).is_none());
    }
}
