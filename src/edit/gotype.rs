//! The Go types behind a kustomization file, as far as writing one back
//! needs them.
//!
//! kustomize writes each top-level field by JSON-encoding its Go struct and
//! printing the result. What reaches the file is therefore decided by the Go
//! types: empty `omitempty` fields vanish, fields without `omitempty` are
//! always written (`count: 0`, `name: ""`), non-pointer structs are always
//! written (`fieldref: {}`), and `null` list items become zero values. Each
//! type is described here by its JSON fields; [`encode`] applies those
//! rules to a parsed [`Value`]. Keys are matched ignoring ASCII case, as
//! Go's decoder matches them, and come out spelled as the schema spells them.

use crate::yaml::{Mapping, Value};
use anyhow::{bail, Result};

/// A Go type, as the JSON encoder sees it.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    /// `string`.
    Str,
    /// `bool`.
    Bool,
    /// `int` / `int64`.
    Int,
    /// `[]string`.
    Strs,
    /// `map[string]string`.
    StrMap,
    /// `map[string]bool`.
    BoolMap,
    /// `map[string]interface{}`: written as it is.
    Any,
    /// A struct value (never omitted, even with `omitempty`).
    Obj(&'static [Field]),
    /// A pointer to a struct (`null` when nil).
    Ptr(&'static [Field]),
    /// A slice of the inner type.
    List(&'static Ty),
}

/// One JSON field of a Go struct: its name, type and whether it carries
/// `omitempty`.
#[derive(Debug, Clone, Copy)]
pub struct Field(pub &'static str, pub Ty, pub bool);

const fn s(name: &'static str) -> Field {
    Field(name, Ty::Str, true)
}

const fn b(name: &'static str) -> Field {
    Field(name, Ty::Bool, true)
}

const fn strs(name: &'static str) -> Field {
    Field(name, Ty::Strs, true)
}

/// `types.ObjectMeta`.
pub const OBJECT_META: &[Field] = &[
    s("name"),
    s("namespace"),
    Field("labels", Ty::StrMap, true),
    Field("annotations", Ty::StrMap, true),
];
const LEGACY_SORT: &[Field] = &[
    Field("orderFirst", Ty::Strs, false),
    Field("orderLast", Ty::Strs, false),
];
/// `types.SortOptions`.
pub const SORT_OPTIONS: &[Field] = &[
    s("order"),
    Field("legacySortOptions", Ty::Ptr(LEGACY_SORT), true),
];
const FIELD_SPEC: &[Field] = &[s("group"), s("version"), s("kind"), s("path"), b("create")];
/// `types.Label`.
pub const LABEL: &[Field] = &[
    Field("pairs", Ty::StrMap, true),
    b("includeSelectors"),
    b("includeTemplates"),
    Field("fields", Ty::List(&Ty::Obj(FIELD_SPEC)), true),
];
/// `types.Selector`.
pub const SELECTOR: &[Field] = &[
    s("group"),
    s("version"),
    s("kind"),
    s("name"),
    s("namespace"),
    s("annotationSelector"),
    s("labelSelector"),
];
/// `types.Patch`.
pub const PATCH: &[Field] = &[
    s("path"),
    s("patch"),
    Field("target", Ty::Ptr(SELECTOR), true),
    Field("options", Ty::BoolMap, true),
];
/// `types.Image`.
pub const IMAGE: &[Field] = &[
    s("name"),
    s("newName"),
    s("tagSuffix"),
    s("newTag"),
    s("digest"),
];
/// `types.Replica`: `count` has no `omitempty`.
pub const REPLICA: &[Field] = &[s("name"), Field("count", Ty::Int, false)];
/// `types.GeneratorOptions`.
pub const GENERATOR_OPTIONS: &[Field] = &[
    Field("labels", Ty::StrMap, true),
    Field("annotations", Ty::StrMap, true),
    b("disableNameSuffixHash"),
    b("immutable"),
];
/// `types.ConfigMapArgs` (GeneratorArgs and KvPairSources inlined).
pub const CONFIG_MAP_ARGS: &[Field] = &[
    s("namespace"),
    s("name"),
    s("behavior"),
    strs("literals"),
    strs("files"),
    strs("envs"),
    s("env"),
    Field("options", Ty::Ptr(GENERATOR_OPTIONS), true),
];
/// `types.SecretArgs`: ConfigMapArgs plus `type`.
pub const SECRET_ARGS: &[Field] = &[
    s("namespace"),
    s("name"),
    s("behavior"),
    strs("literals"),
    strs("files"),
    strs("envs"),
    s("env"),
    Field("options", Ty::Ptr(GENERATOR_OPTIONS), true),
    s("type"),
];
const HELM_GLOBALS: &[Field] = &[s("chartHome"), s("configHome")];
const HELM_CHART: &[Field] = &[
    s("name"),
    s("version"),
    s("repo"),
    s("releaseName"),
    s("namespace"),
    strs("additionalValuesFiles"),
    s("valuesFile"),
    Field("valuesInline", Ty::Any, true),
    s("valuesMerge"),
    b("includeCRDs"),
    b("skipHooks"),
    strs("apiVersions"),
    s("kubeVersion"),
    s("nameTemplate"),
    b("skipTests"),
    b("debug"),
];
const HELM_CHART_ARGS: &[Field] = &[
    s("chartName"),
    s("chartVersion"),
    s("chartRepoUrl"),
    s("chartHome"),
    s("chartRepoName"),
    s("helmBin"),
    s("helmHome"),
    s("values"),
    Field("valuesLocal", Ty::Any, true),
    s("valuesMerge"),
    s("releaseName"),
    s("releaseNamespace"),
    strs("extraArgs"),
];
const VAR_TARGET: &[Field] = &[
    s("apiVersion"),
    s("group"),
    s("version"),
    s("kind"),
    Field("name", Ty::Str, false),
    s("namespace"),
];
/// `types.Var`.
pub const VAR: &[Field] = &[
    Field("name", Ty::Str, false),
    Field("objref", Ty::Obj(VAR_TARGET), false),
    Field("fieldref", Ty::Obj(&[s("fieldPath")]), true),
];
const FIELD_OPTIONS: &[Field] = &[
    s("delimiter"),
    Field("index", Ty::Int, true),
    s("encoding"),
    b("create"),
];
const SOURCE_SELECTOR: &[Field] = &[
    s("group"),
    s("version"),
    s("kind"),
    s("name"),
    s("namespace"),
    s("fieldPath"),
    Field("options", Ty::Ptr(FIELD_OPTIONS), true),
];
const TARGET_SELECTOR: &[Field] = &[
    Field("select", Ty::Ptr(SELECTOR), false),
    Field("reject", Ty::List(&Ty::Ptr(SELECTOR)), true),
    strs("fieldPaths"),
    Field("options", Ty::Ptr(FIELD_OPTIONS), true),
];
const REPLACEMENT_FIELD: &[Field] = &[
    Field("source", Ty::Ptr(SOURCE_SELECTOR), true),
    Field("targets", Ty::List(&Ty::Ptr(TARGET_SELECTOR)), true),
    s("path"),
];

/// A top-level field of `types.Kustomization`: its Go name (what
/// kustomize's writer matches file lines against), JSON name and type.
#[derive(Debug, Clone, Copy)]
pub struct TopField {
    /// The Go field name.
    pub go_name: &'static str,
    /// The JSON (and YAML) key.
    pub json_name: &'static str,
    /// The field's type.
    pub ty: Ty,
}

const fn top(go_name: &'static str, json_name: &'static str, ty: Ty) -> TopField {
    TopField {
        go_name,
        json_name,
        ty,
    }
}

/// The fields kustomize writes, in the order it writes fields that were not
/// in the original file. `imageTags` is not listed: reading always folds it
/// into `images`.
pub const WRITE_ORDER: &[TopField] = &[
    top("APIVersion", "apiVersion", Ty::Str),
    top("Kind", "kind", Ty::Str),
    top("MetaData", "metadata", Ty::Ptr(OBJECT_META)),
    top("SortOptions", "sortOptions", Ty::Ptr(SORT_OPTIONS)),
    top("Resources", "resources", Ty::Strs),
    top("Bases", "bases", Ty::Strs),
    top("NamePrefix", "namePrefix", Ty::Str),
    top("NameSuffix", "nameSuffix", Ty::Str),
    top("Namespace", "namespace", Ty::Str),
    top("Crds", "crds", Ty::Strs),
    top("CommonLabels", "commonLabels", Ty::StrMap),
    top("Labels", "labels", Ty::List(&Ty::Obj(LABEL))),
    top("CommonAnnotations", "commonAnnotations", Ty::StrMap),
    top("PatchesStrategicMerge", "patchesStrategicMerge", Ty::Strs),
    top(
        "PatchesJson6902",
        "patchesJson6902",
        Ty::List(&Ty::Obj(PATCH)),
    ),
    top("Patches", "patches", Ty::List(&Ty::Obj(PATCH))),
    top(
        "ConfigMapGenerator",
        "configMapGenerator",
        Ty::List(&Ty::Obj(CONFIG_MAP_ARGS)),
    ),
    top(
        "SecretGenerator",
        "secretGenerator",
        Ty::List(&Ty::Obj(SECRET_ARGS)),
    ),
    top("HelmCharts", "helmCharts", Ty::List(&Ty::Obj(HELM_CHART))),
    top(
        "HelmChartInflationGenerator",
        "helmChartInflationGenerator",
        Ty::List(&Ty::Obj(HELM_CHART_ARGS)),
    ),
    top("HelmGlobals", "helmGlobals", Ty::Ptr(HELM_GLOBALS)),
    top(
        "GeneratorOptions",
        "generatorOptions",
        Ty::Ptr(GENERATOR_OPTIONS),
    ),
    top("Vars", "vars", Ty::List(&Ty::Obj(VAR))),
    top("Images", "images", Ty::List(&Ty::Obj(IMAGE))),
    top(
        "Replacements",
        "replacements",
        Ty::List(&Ty::Obj(REPLACEMENT_FIELD)),
    ),
    top("Replicas", "replicas", Ty::List(&Ty::Obj(REPLICA))),
    top("Configurations", "configurations", Ty::Strs),
    top("Generators", "generators", Ty::Strs),
    top("Transformers", "transformers", Ty::Strs),
    top("Validators", "validators", Ty::Strs),
    top("Components", "components", Ty::Strs),
    top("OpenAPI", "openapi", Ty::StrMap),
    top("BuildMetadata", "buildMetadata", Ty::Strs),
];

/// The value Go's JSON encoder writes for `value` decoded into `ty`, or
/// `None` when the field is omitted (`omitempty` and empty). Errors name
/// `field` when the value cannot be decoded into the type.
pub fn encode(field: &str, value: &Value, ty: Ty, omitempty: bool) -> Result<Option<Value>> {
    let encoded = match (ty, value) {
        (Ty::Obj(fields), Value::Null) => encode_struct(field, &Mapping::new(), fields)?,
        (Ty::Obj(fields) | Ty::Ptr(fields), Value::Map(map)) => encode_struct(field, map, fields)?,
        (Ty::Ptr(_) | Ty::Strs | Ty::StrMap | Ty::BoolMap | Ty::Any | Ty::List(_), Value::Null) => {
            Value::Null
        }
        (Ty::Str, Value::Null) => Value::String(String::new().into()),
        (Ty::Bool, Value::Null) => Value::Bool(false),
        (Ty::Int, Value::Null) => Value::Int(0),
        (Ty::Str, Value::String(_)) | (Ty::Bool, Value::Bool(_)) | (Ty::Int, Value::Int(_)) => {
            value.clone()
        }
        (Ty::Int, Value::Float(f)) if f.fract() == 0.0 => Value::Int(*f as i64),
        (Ty::Any, Value::Map(_)) => value.clone(),
        (Ty::Strs, Value::Seq(items)) => encode_list(field, items, Ty::Str)?,
        (Ty::List(inner), Value::Seq(items)) => encode_list(field, items, *inner)?,
        (Ty::StrMap, Value::Map(map)) => encode_map(field, map, Ty::Str)?,
        (Ty::BoolMap, Value::Map(map)) => encode_map(field, map, Ty::Bool)?,
        _ => bail!(
            "json: cannot unmarshal {} into Go struct field {field} of type {}",
            value.type_name(),
            go_type_name(ty)
        ),
    };
    // Go never omits a struct value, and omits a pointer only when nil.
    let omit = omitempty
        && match ty {
            Ty::Obj(_) => false,
            Ty::Ptr(_) => encoded.is_null(),
            _ => is_empty(&encoded),
        };
    Ok((!omit).then_some(encoded))
}

/// Go's `omitempty` test: false, 0, "", nil, and empty slices and maps.
fn is_empty(value: &Value) -> bool {
    match value.resolved() {
        Value::Text(t) => is_empty(&t.value),
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Int(i) => *i == 0,
        Value::UInt(u) => *u == 0,
        Value::Float(f) => *f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::Seq(items) => items.is_empty(),
        Value::Map(map) => map.is_empty(),
    }
}

fn encode_struct(field: &str, map: &Mapping, fields: &'static [Field]) -> Result<Value> {
    let mut decoded: Vec<Option<&Value>> = vec![None; fields.len()];
    for (key, value) in map {
        let Some(index) = find_field(fields, key) else {
            bail!("json: unknown field \"{key}\" in {field}");
        };
        decoded[index] = Some(value);
    }
    let mut out = Mapping::new();
    for (Field(name, ty, omitempty), value) in fields.iter().zip(decoded) {
        let value = value.unwrap_or(&Value::Null);
        if let Some(encoded) = encode(name, value, *ty, *omitempty)? {
            out.insert((*name).into(), encoded);
        }
    }
    Ok(Value::Map(out))
}

/// The field `key` sets: an exact match, else one equal ignoring case.
fn find_field(fields: &[Field], key: &str) -> Option<usize> {
    fields
        .iter()
        .position(|f| f.0 == key)
        .or_else(|| fields.iter().position(|f| f.0.eq_ignore_ascii_case(key)))
}

fn encode_list(field: &str, items: &[Value], inner: Ty) -> Result<Value> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        // List items are never omitted: a nil pointer item stays `null`.
        out.push(encode(field, item, inner, false)?.unwrap_or(Value::Null));
    }
    Ok(Value::Seq(out.into()))
}

fn encode_map(field: &str, map: &Mapping, inner: Ty) -> Result<Value> {
    let mut out = Mapping::with_capacity(map.len());
    for (key, value) in map {
        let encoded = encode(field, value, inner, false)?.unwrap_or(Value::Null);
        out.insert(key.into(), encoded);
    }
    Ok(Value::Map(out))
}

fn go_type_name(ty: Ty) -> &'static str {
    match ty {
        Ty::Str => "string",
        Ty::Bool => "bool",
        Ty::Int => "int64",
        Ty::Strs => "[]string",
        Ty::StrMap => "map[string]string",
        Ty::BoolMap => "map[string]bool",
        Ty::Any => "map[string]interface {}",
        Ty::Obj(_) | Ty::Ptr(_) => "struct",
        Ty::List(_) => "slice",
    }
}

/// The top-level field whose JSON name is `key`, or equals it ignoring
/// case.
#[allow(dead_code)]
pub fn top_field(key: &str) -> Option<&'static TopField> {
    WRITE_ORDER.iter().find(|f| f.json_name == key).or_else(|| {
        WRITE_ORDER
            .iter()
            .find(|f| f.json_name.eq_ignore_ascii_case(key))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        let docs = crate::yaml::parse_documents(text, std::path::Path::new("t.yaml")).unwrap();
        docs.into_iter().next().unwrap()
    }

    #[test]
    fn omitempty_fields_vanish_and_others_stay() {
        let replicas = yaml("- name: a\n- count: 2\n  name: \"\"\n");
        let ty = Ty::List(&Ty::Obj(REPLICA));
        let out = encode("replicas", &replicas, ty, true).unwrap().unwrap();
        assert_eq!(out, yaml("- name: a\n  count: 0\n- count: 2\n"));
    }

    #[test]
    fn struct_values_are_always_written() {
        let vars = yaml("- name: V\n  objref:\n    kind: Pod\n");
        let ty = Ty::List(&Ty::Obj(VAR));
        let out = encode("vars", &vars, ty, true).unwrap().unwrap();
        assert_eq!(
            out,
            yaml("- name: V\n  objref: {kind: Pod, name: \"\"}\n  fieldref: {}\n")
        );
    }

    #[test]
    fn keys_match_ignoring_case_and_empty_fields_are_omitted() {
        let images = yaml("- Name: a\n  NEWTAG: v1\n  digest: \"\"\n");
        let ty = Ty::List(&Ty::Obj(IMAGE));
        let out = encode("images", &images, ty, true).unwrap().unwrap();
        assert_eq!(out, yaml("- name: a\n  newTag: v1\n"));
        assert!(encode("images", &Value::Seq(vec![].into()), ty, true)
            .unwrap()
            .is_none());
    }

    #[test]
    fn wrong_types_are_errors() {
        let err = encode("namespace", &Value::Int(3), Ty::Str, true).unwrap_err();
        assert!(err.to_string().contains("namespace"), "{err}");
    }
}
