//! Schema-level rules of kustomize's kustomization decoding that serde does
//! not express: Go's case-insensitive field matching, the deprecation
//! warnings, and the "is empty" test.

use crate::fieldspec::FieldSpec;
use crate::kustomization::{
    GeneratorArgs, GeneratorOptions, Image, Kustomization, Label, LegacySortOptions, ObjectMeta,
    Patch, Replica, Selector, SortOptions,
};
use serde::{Deserialize, Deserializer};

/// The deprecation warnings kustomize prints for a kustomization, in its
/// order. A field counts as used when present and not `null` (even when
/// empty), as Go's nil check sees it. `json` must have gone through
/// [`normalize_field_names`].
pub fn deprecation_warnings(json: &serde_json::Value) -> Vec<String> {
    const FIX: &str = "Run 'kustomize edit fix' to update your Kustomization automatically.";
    const DEPRECATED: [(&str, &str, &str); 6] = [
        ("bases", "resources", ""),
        ("commonLabels", "labels", ""),
        ("imageTags", "images", ""),
        ("patchesJson6902", "patches", ""),
        ("patchesStrategicMerge", "patches", ""),
        ("vars", "replacements", "[EXPERIMENTAL] "),
    ];
    DEPRECATED
        .iter()
        .filter(|(field, _, _)| json.get(field).is_some_and(|v| !v.is_null()))
        .map(|(field, successor, tag)| {
            format!(
                "# Warning: '{field}' is deprecated. Please use '{successor}' instead. {tag}{FIX}"
            )
        })
        .collect()
}

/// kustomize's "kustomization.yaml is empty" test: after its fix-ups, is
/// every field other than `kind` and `apiVersion` at Go's zero value?
///
/// Go keeps the difference between a missing list and an empty one, so
/// `resources: []` is *not* empty, while `bases: []` and `imageTags: []` are
/// (they are appended to their successors and then dropped). `json` must have
/// gone through [`normalize_field_names`].
pub fn is_effectively_empty(json: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    let Some(fields) = json.as_object() else {
        return json.is_null();
    };
    fields
        .iter()
        .all(|(name, value)| match (name.as_str(), value) {
            ("kind" | "apiVersion", _) | (_, J::Null) => true,
            ("bases" | "imageTags" | "helmChartInflationGenerator", J::Array(items)) => {
                items.is_empty()
            }
            ("namePrefix" | "nameSuffix" | "namespace", J::String(text)) => text.is_empty(),
            _ => false,
        })
}

/// Renames fields the way Go's JSON decoder matches them: a key that is not
/// exactly a field name but equals one ignoring ASCII case is that field
/// (`NamePrefix:` sets `namePrefix`). When two keys land on the same field the
/// later one wins, as in Go. Applied to the kustomization and every typed
/// structure inside it.
pub fn normalize_field_names(json: &mut serde_json::Value) {
    fold_keys::<Kustomization>(json);
    let Some(top) = json.as_object_mut() else {
        return;
    };
    let mut each = |field: &str, fold: fn(&mut serde_json::Value)| match top.get_mut(field) {
        Some(serde_json::Value::Array(items)) => items.iter_mut().for_each(fold),
        Some(single @ serde_json::Value::Object(_)) => fold(single),
        _ => {}
    };
    each("metadata", fold_keys::<ObjectMeta>);
    each("labels", |label| {
        fold_keys::<Label>(label);
        fold_list::<FieldSpec>(label, "fields");
    });
    for patches in ["patches", "patchesJson6902"] {
        each(patches, |patch| {
            fold_keys::<Patch>(patch);
            fold_list::<Selector>(patch, "target");
        });
    }
    each("images", fold_keys::<Image>);
    each("imageTags", fold_keys::<Image>);
    each("replicas", fold_keys::<Replica>);
    each("vars", |var| {
        use crate::transform::vars::{FieldRef, ObjectRef, Var};
        fold_keys::<Var>(var);
        fold_list::<ObjectRef>(var, "objref");
        fold_list::<FieldRef>(var, "fieldref");
    });
    each("sortOptions", |options| {
        fold_keys::<SortOptions>(options);
        fold_list::<LegacySortOptions>(options, "legacySortOptions");
    });
    for generators in ["configMapGenerator", "secretGenerator"] {
        each(generators, |args| {
            fold_keys::<GeneratorArgs>(args);
            fold_list::<GeneratorOptions>(args, "options");
        });
    }
    each("generatorOptions", fold_keys::<GeneratorOptions>);
}

/// Folds the keys of `parent[field]` (a mapping, or each mapping of a
/// sequence) as the fields of `T`.
fn fold_list<'de, T: Deserialize<'de>>(parent: &mut serde_json::Value, field: &str) {
    match parent.get_mut(field) {
        Some(serde_json::Value::Array(items)) => items.iter_mut().for_each(fold_keys::<T>),
        Some(single) => fold_keys::<T>(single),
        None => {}
    }
}

/// Renames the keys of one mapping to `T`'s field names where they match
/// ignoring ASCII case. Keys matching nothing are left for the decoder to
/// reject.
fn fold_keys<'de, T: Deserialize<'de>>(json: &mut serde_json::Value) {
    let Some(map) = json.as_object_mut() else {
        return;
    };
    let fields = field_names::<T>();
    let canonical = |key: &str| -> Option<&'static str> {
        if fields.contains(&key) {
            return None;
        }
        fields.iter().copied().find(|f| f.eq_ignore_ascii_case(key))
    };
    if map.keys().all(|k| canonical(k).is_none()) {
        return;
    }
    let old = std::mem::take(map);
    for (key, value) in old {
        let key = canonical(&key).map_or(key, str::to_string);
        map.insert(key, value);
    }
}

/// The serialized field names of a struct, read from its `Deserialize`
/// implementation (which announces them to the deserializer).
fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    #[derive(Debug)]
    struct Captured(&'static [&'static str]);
    impl std::fmt::Display for Captured {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("captured field names")
        }
    }
    impl std::error::Error for Captured {}
    impl serde::de::Error for Captured {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Captured(&[])
        }
    }
    struct Probe;
    impl<'de> Deserializer<'de> for Probe {
        type Error = Captured;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Captured> {
            Err(Captured(&[]))
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Captured> {
            Err(Captured(fields))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    match T::deserialize(Probe) {
        Err(Captured(fields)) => fields,
        Ok(_) => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn normalized(mut v: serde_json::Value) -> serde_json::Value {
        normalize_field_names(&mut v);
        v
    }

    #[test]
    fn field_names_match_ignoring_case() {
        let v = normalized(json!({
            "NAMEPREFIX": "p-",
            "Resources": ["a.yaml"],
            "configMapGenerator": [{"NAME": "x", "Options": {"DisableNameSuffixHash": true}}],
            "patches": [{"PATH": "p.yaml", "Target": {"KIND": "Deployment"}}],
            "labels": [{"Pairs": {"a": "b"}, "FIELDS": [{"PATH": "x", "Create": true}]}],
            "sortOptions": {"Order": "legacy", "LEGACYSORTOPTIONS": {"orderFirst": []}},
        }));
        assert_eq!(
            v,
            json!({
                "namePrefix": "p-",
                "resources": ["a.yaml"],
                "configMapGenerator": [{"name": "x", "options": {"disableNameSuffixHash": true}}],
                "patches": [{"path": "p.yaml", "target": {"kind": "Deployment"}}],
                "labels": [{"pairs": {"a": "b"}, "fields": [{"path": "x", "create": true}]}],
                "sortOptions": {"order": "legacy", "legacySortOptions": {"orderFirst": []}},
            })
        );
    }

    #[test]
    fn later_duplicate_wins_and_unknown_keys_stay() {
        let v = normalized(json!({"resources": ["a"], "RESOURCES": [], "resourcez": 1}));
        assert_eq!(v, json!({"resources": [], "resourcez": 1}));
        // User data inside maps is never renamed.
        let v = normalized(json!({"commonLabels": {"APP": "x"}}));
        assert_eq!(v, json!({"commonLabels": {"APP": "x"}}));
    }

    #[test]
    fn warnings_in_kustomize_order_for_non_null_fields() {
        let w = deprecation_warnings(&json!({
            "vars": [], "bases": ["../b"], "commonLabels": {}, "imageTags": null
        }));
        assert_eq!(
            w,
            [
                "# Warning: 'bases' is deprecated. Please use 'resources' instead. Run 'kustomize \
                 edit fix' to update your Kustomization automatically.",
                "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run \
                 'kustomize edit fix' to update your Kustomization automatically.",
                "# Warning: 'vars' is deprecated. Please use 'replacements' instead. \
                 [EXPERIMENTAL] Run 'kustomize edit fix' to update your Kustomization \
                 automatically.",
            ]
        );
        let w = deprecation_warnings(&json!({"patchesStrategicMerge": [], "patchesJson6902": []}));
        assert_eq!(w.len(), 2);
        assert!(w[0].contains("'patchesJson6902'"));
    }

    #[test]
    fn emptiness_follows_go_zero_values() {
        for empty in [
            json!(null),
            json!({}),
            json!({"kind": "Kustomization", "apiVersion": "x"}),
            json!({"bases": []}),
            json!({"imageTags": []}),
            json!({"helmChartInflationGenerator": []}),
            json!({"namePrefix": ""}),
            json!({"resources": null}),
        ] {
            assert!(is_effectively_empty(&empty), "{empty}");
        }
        for not_empty in [
            json!({"resources": []}),
            json!({"metadata": {}}),
            json!({"commonLabels": {}}),
            json!({"bases": ["x"]}),
            json!({"namespace": "n"}),
            json!([]),
        ] {
            assert!(!is_effectively_empty(&not_empty), "{not_empty}");
        }
    }
}
