//! Building a generated Secret object.

use super::{base64, new_object, set_options};
use crate::generate::GeneratorOptions;
use crate::yaml::{Mapping, Value};
use std::collections::BTreeMap;

/// The Secret kustomize generates from already-validated pairs.
///
/// Every value is base64-encoded into `data` (wrapped at 70 characters once
/// the encoding is that long), whether or not it is text; `data` exists even
/// when empty. `type` is the given one, or `Opaque`. Options add labels,
/// annotations and `immutable: true`.
pub fn secret_object(
    name: &str,
    namespace: &str,
    secret_type: &str,
    pairs: BTreeMap<String, Vec<u8>>,
    options: &GeneratorOptions,
) -> Value {
    let mut object = new_object("Secret", name, namespace);
    let secret_type = if secret_type.is_empty() {
        "Opaque"
    } else {
        secret_type
    };
    object.insert("type".into(), Value::String(secret_type.into()));
    let data: Mapping = pairs
        .into_iter()
        .map(|(key, bytes)| {
            crate::sensitive::note(&String::from_utf8_lossy(&bytes));
            (key, Value::String(base64::encode_wrapped(&bytes).into()))
        })
        .collect();
    object.insert("data".into(), Value::Map(data));
    set_options(&mut object, options);
    Value::Map(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::tests::{map, options};

    #[test]
    fn empty_secret_keeps_empty_data_and_opaque_type() {
        // kubectl: data: {} / kind: Secret / type: Opaque
        let got = secret_object("s", "", "", BTreeMap::new(), &GeneratorOptions::default());
        let expected = map(&[
            ("apiVersion", "v1".into()),
            ("kind", "Secret".into()),
            ("metadata", map(&[("name", "s".into())])),
            ("type", "Opaque".into()),
            ("data", Value::new_map()),
        ]);
        assert_eq!(got, expected);
    }

    #[test]
    fn values_are_base64_and_type_is_kept() {
        // kubectl: data: {tls.crt: YWJj, tls.key: ZGVm}, type: kubernetes.io/tls,
        // immutable: true
        let pairs: BTreeMap<String, Vec<u8>> = [
            ("tls.crt".to_string(), b"abc".to_vec()),
            ("tls.key".to_string(), b"def".to_vec()),
            ("bin".to_string(), vec![0xff, 0xfd]),
        ]
        .into_iter()
        .collect();
        let opts = options(&[], &[], true);
        let got = secret_object("s", "", "kubernetes.io/tls", pairs, &opts);
        assert_eq!(got.str_at(&["data", "tls.crt"]), Some("YWJj"));
        assert_eq!(got.str_at(&["data", "tls.key"]), Some("ZGVm"));
        assert_eq!(got.str_at(&["data", "bin"]), Some("//0="));
        assert_eq!(got.str_at(&["type"]), Some("kubernetes.io/tls"));
        assert_eq!(got.get("immutable"), Some(&Value::Bool(true)));
    }
}
