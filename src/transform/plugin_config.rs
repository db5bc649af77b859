//! Pieces shared by the transformers' configuration types.
//!
//! A builtin transformer's `transformers:` form is decoded the way kustomize
//! decodes plugin configs: YAML to JSON, then Go's lenient JSON decoder.
//! Unknown fields (`apiVersion`, `kind`, anything else) are ignored, and a
//! `null` leaves a field at its zero value.

use crate::fieldspec::FieldSpec;
use serde::{Deserialize, Deserializer};

/// Deserialises `null` as the type's default, as Go's JSON decoder does.
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A field spec as a plugin config holds it: like [`FieldSpec`], but unknown
/// fields are ignored rather than rejected.
#[derive(Deserialize)]
struct LenientFieldSpec {
    #[serde(default, deserialize_with = "nullable")]
    group: String,
    #[serde(default, deserialize_with = "nullable")]
    version: String,
    #[serde(default, deserialize_with = "nullable")]
    kind: String,
    #[serde(default, deserialize_with = "nullable")]
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
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    /// The config's namespace; the NamespaceTransformer's target namespace.
    #[serde(default, deserialize_with = "nullable")]
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
