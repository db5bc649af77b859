//! Pieces shared by the transformers' configuration types.
//!
//! A builtin transformer's `transformers:` form is decoded the way kustomize
//! decodes plugin configs: YAML to JSON, then Go's lenient JSON decoder.
//! Unknown fields (`apiVersion`, `kind`, anything else) are ignored, a
//! `null` leaves a field at its zero value, and a number or boolean given
//! where a string belongs becomes its text (kustomize's YAML-to-JSON step
//! converts scalars toward the target field's type).

use crate::fieldspec::FieldSpec;
pub(crate) use crate::gojson::nullable;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// A string field of a plugin config: null is empty, numbers and booleans
/// become their text.
pub(crate) fn lenient_string<'de, D>(d: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    let value = serde_json::Value::deserialize(d)?;
    scalar_to_string(&value).map_err(D::Error::custom)
}

/// A string-to-string map of a plugin config (labels, annotations), with
/// values read as [`lenient_string`] does.
pub(crate) fn lenient_string_map<'de, D>(d: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw: BTreeMap<String, serde_json::Value> = nullable(d)?;
    raw.into_iter()
        .map(|(k, v)| Ok((k, scalar_to_string(&v).map_err(D::Error::custom)?)))
        .collect()
}

fn scalar_to_string(value: &serde_json::Value) -> Result<String, String> {
    match value {
        serde_json::Value::Null => Ok(String::new()),
        serde_json::Value::String(s) => Ok(s.clone()),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        serde_json::Value::Number(n) if n.is_f64() => Ok(float_text(n.as_f64().unwrap_or(0.0))),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Array(_) => {
            Err("cannot unmarshal array into a string field".to_string())
        }
        serde_json::Value::Object(_) => {
            Err("cannot unmarshal object into a string field".to_string())
        }
    }
}

/// A float's text after kustomize's round trip: JSON writes integral values
/// below 1e21 as integers, which read back as integers; other floats are
/// formatted by [`format_float32_g`].
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e21 && f.abs() <= i64::MAX as f64 {
        return (f as i64).to_string();
    }
    format_float32_g(f)
}

/// Go's `FormatFloat(f, 'g', -1, 32)`: the shortest digits that identify
/// the value as a 32-bit float, in exponent form when the exponent is below
/// -4 or at least 6.
fn format_float32_g(f: f64) -> String {
    let f = f as f32;
    if f == 0.0 {
        return "0".to_string();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    format!("{f}")
}

/// A field spec as a plugin config holds it: like [`FieldSpec`], but unknown
/// fields are ignored rather than rejected.
#[derive(Deserialize)]
struct LenientFieldSpec {
    #[serde(default, deserialize_with = "lenient_string")]
    group: String,
    #[serde(default, deserialize_with = "lenient_string")]
    version: String,
    #[serde(default, deserialize_with = "lenient_string")]
    kind: String,
    #[serde(default, deserialize_with = "lenient_string")]
    path: String,
    #[serde(default, deserialize_with = "nullable")]
    create: bool,
}

/// Deserialises a plugin config's `fieldSpecs` list.
pub(crate) fn lenient_field_specs<'de, D>(d: D) -> Result<Vec<FieldSpec>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw: Vec<LenientFieldSpec> = nullable(d)?;
    Ok(raw
        .into_iter()
        .map(|s| FieldSpec {
            group: s.group,
            version: s.version,
            kind: s.kind,
            path: s.path,
            create_if_missing: s.create,
        })
        .collect())
}

/// The `metadata` of a plugin config (only `name` and `namespace` matter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PluginMetadata {
    /// The config's name.
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
    /// The config's namespace; the NamespaceTransformer's target namespace.
    #[serde(default, deserialize_with = "lenient_string")]
    pub namespace: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Holder {
        #[serde(default, deserialize_with = "lenient_field_specs")]
        specs: Vec<FieldSpec>,
    }

    #[derive(Deserialize)]
    struct Strings {
        #[serde(default, deserialize_with = "lenient_string_map")]
        map: BTreeMap<String, String>,
    }

    #[test]
    fn scalars_become_strings() {
        let json = serde_json::json!({"map": {"a": null, "b": 1, "c": true, "d": 1.5, "e": 1e7, "f": 0.1, "g": "x", "h": 1.5e-7}});
        let m = serde_json::from_value::<Strings>(json).unwrap().map;
        let got: Vec<&str> = m.values().map(String::as_str).collect();
        assert_eq!(
            got,
            ["", "1", "true", "1.5", "10000000", "0.1", "x", "1.5e-07"]
        );
        assert!(serde_json::from_value::<Strings>(serde_json::json!({"map": {"a": [1]}})).is_err());
    }

    #[test]
    fn field_specs_ignore_unknown_fields_and_nulls() {
        let json =
            serde_json::json!({"specs": [{"path": "a", "create": true, "extra": 1, "kind": null}]});
        let h: Holder = serde_json::from_value(json).unwrap();
        assert_eq!(h.specs, vec![FieldSpec::new("a", true)]);
        let h: Holder = serde_json::from_value(serde_json::json!({"specs": null})).unwrap();
        assert!(h.specs.is_empty());
    }
}
