//! Tests of generator configs. Expectations were measured with
//! `kubectl kustomize` (kustomize v5.5.0).

use super::*;
use crate::generate::tests::{map, options};

fn args(name: &str) -> GeneratorArgs {
    GeneratorArgs {
        name: name.into(),
        ..GeneratorArgs::default()
    }
}

#[test]
fn local_options_win_and_flags_combine() {
    let mut local = options(&[("both", "fromlocal"), ("l", "local")], &[], false);
    local.disable_name_suffix_hash = true;
    let global = options(
        &[("both", "fromglobal"), ("g", "global")],
        &[("ga", "1")],
        true,
    );
    let merged = merge_options(Some(&local), Some(&global));
    assert_eq!(merged.labels["both"], "fromlocal");
    assert_eq!(merged.labels["g"], "global");
    assert_eq!(merged.annotations["ga"], "1");
    assert!(merged.immutable && merged.disable_name_suffix_hash);
    let only_global = merge_options(None, Some(&global));
    assert_eq!(only_global.labels["both"], "fromglobal");
    let neither = merge_options(None, None);
    assert!(neither.labels.is_empty() && !neither.immutable);
}

#[test]
fn type_on_a_configmap_entry_is_rejected() {
    // kubectl: invalid Kustomization: json: unknown field "type"
    let mut entry = args("c");
    entry.kind = "foo".into();
    let err = GeneratorConfig::from_args(GeneratorKind::ConfigMap, &entry, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid Kustomization: json: unknown field \"type\""
    );
    let secret = GeneratorConfig::from_args(GeneratorKind::Secret, &entry, None).unwrap();
    assert_eq!(secret.secret_type, "foo");
}

#[test]
fn characters_that_cannot_round_trip_are_rejected() {
    // kubectl: builtin ConfigMapGenerator marshal: yaml: control characters
    // are not allowed — for U+007F, U+0080, U+009F, U+FFFE, U+FFFF in a
    // literal, a label value, or (SecretGenerator) the name; U+0085,
    // U+0000, U+0001, \b, U+FEFF and U+00A0 were accepted.
    for bad in ['\u{7f}', '\u{80}', '\u{9f}', '\u{fffe}', '\u{ffff}'] {
        let mut entry = args("c");
        entry.literals = vec![format!("c=a{bad}b")];
        let err = GeneratorConfig::from_args(GeneratorKind::ConfigMap, &entry, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "builtin ConfigMapGenerator marshal: yaml: control characters are not allowed"
        );
    }
    for fine in ['\u{85}', '\u{0}', '\u{1}', '\u{8}', '\u{feff}', '\u{a0}'] {
        let mut entry = args("c");
        entry.literals = vec![format!("c=a{fine}b")];
        assert!(GeneratorConfig::from_args(GeneratorKind::ConfigMap, &entry, None).is_ok());
    }
    let label = options(&[("a", "\u{7f}")], &[], false);
    assert!(
        GeneratorConfig::from_args(GeneratorKind::ConfigMap, &args("c"), Some(&label)).is_err()
    );
    let err =
        GeneratorConfig::from_args(GeneratorKind::Secret, &args("c\u{7f}"), None).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("builtin SecretGenerator marshal"));
}

#[test]
fn singular_env_joins_envs_in_a_kustomization() {
    let mut entry = args("c");
    entry.envs = vec!["a.env".into()];
    entry.env = "b.env".into();
    let config = GeneratorConfig::from_args(GeneratorKind::ConfigMap, &entry, None).unwrap();
    assert_eq!(config.envs, ["a.env", "b.env"]);
}

#[test]
fn plugin_form_is_lenient() {
    // kubectl, with generatorOptions {labels: {glob: "1"}} in the
    // kustomization and this ConfigMapGenerator under `generators:`, printed
    // metaname-h29d89cmmt in namespace metans with only the label ol: "2"
    // and data {a: "1"} (env, type, unknown fields and metadata labels
    // ignored).
    let doc = map(&[
        ("apiVersion", "builtin".into()),
        ("kind", "ConfigMapGenerator".into()),
        (
            "metadata",
            map(&[
                ("name", "metaname".into()),
                ("namespace", "metans".into()),
                ("labels", map(&[("ml", "x".into())])),
            ]),
        ),
        ("env", "a.env".into()),
        ("literals", Value::Seq(vec!["a=1".into()].into())),
        ("type", "ignored".into()),
        ("unknownfield", Value::Int(3)),
        ("options", map(&[("labels", map(&[("ol", "2".into())]))])),
    ]);
    let config = GeneratorConfig::from_plugin(&doc).unwrap();
    assert_eq!(config.kind, GeneratorKind::ConfigMap);
    assert_eq!(
        (config.name.as_str(), config.namespace.as_str()),
        ("metaname", "metans")
    );
    assert!(config.envs.is_empty());
    assert_eq!(config.secret_type, "");
    assert_eq!(config.options.labels.len(), 1);
    assert_eq!(config.literals, ["a=1"]);
}

#[test]
fn plugin_top_level_name_wins_over_metadata() {
    // kubectl: topname-c877ccm548 in namespace topns, type mytype.
    let doc = map(&[
        ("apiVersion", "builtin".into()),
        ("kind", "SecretGenerator".into()),
        ("metadata", map(&[("name", "metaname".into())])),
        ("name", "topname".into()),
        ("namespace", "topns".into()),
        ("type", "mytype".into()),
        ("literals", Value::Seq(vec!["a=1".into()].into())),
        ("behavior", "create".into()),
        ("options", Value::Null),
    ]);
    let config = GeneratorConfig::from_plugin(&doc).unwrap();
    assert_eq!(config.kind, GeneratorKind::Secret);
    assert_eq!(config.name, "topname");
    assert_eq!(config.namespace, "topns");
    assert_eq!(config.secret_type, "mytype");
    assert_eq!(config.behavior, Behavior::Create);
    let generated = crate::generate::generate(
        &config,
        &|_: &str| -> anyhow::Result<Vec<u8>> { unreachable!() },
        None,
    )
    .unwrap();
    assert_eq!(
        crate::generate::content_hash(&generated.resource.value()),
        "c877ccm548"
    );
}

#[test]
fn plugin_errors() {
    let wrong_kind = map(&[("kind", "Deployment".into())]);
    assert!(GeneratorConfig::from_plugin(&wrong_kind).is_err());
    let wrong_type = map(&[
        ("kind", "ConfigMapGenerator".into()),
        ("name", Value::Int(1)),
    ]);
    assert!(GeneratorConfig::from_plugin(&wrong_type).is_err());
    // kubectl: ...marshalling yaml from res ConfigMapGenerator.builtin.[noGrp]/x.[noNs]:
    // yaml: control characters are not allowed
    let control = map(&[
        ("kind", "ConfigMapGenerator".into()),
        ("literals", Value::Seq(vec!["a=\u{7f}".into()].into())),
    ]);
    let err = GeneratorConfig::from_plugin(&control).unwrap_err();
    assert!(err
        .to_string()
        .ends_with("yaml: control characters are not allowed"));
}

#[test]
fn behavior_words_are_exact() {
    assert_eq!(Behavior::parse("merge"), Behavior::Merge);
    assert_eq!(Behavior::parse("replace"), Behavior::Replace);
    assert_eq!(Behavior::parse("create"), Behavior::Create);
    assert_eq!(Behavior::parse("Merge"), Behavior::Unspecified);
    assert_eq!(Behavior::parse(""), Behavior::Unspecified);
}

#[test]
fn nel_folds_like_a_yaml_line_break() {
    // kubectl printed, for literals "c=a\u0085b", "c=a\u0085", "c=\u0085b",
    // "c=a \u0085 b", "c=a  \u0085  \u0085 b \u0085",
    // "d=\u0085 \u0085\u0085x\ty \u0085z":
    //   a b | 'a ' | ' b' | a b | "a\nb " | "\n\nx\ty z"
    let cases = [
        ("a\u{85}b", "a b"),
        ("a\u{85}", "a "),
        ("\u{85}b", " b"),
        ("a \u{85} b", "a b"),
        ("a  \u{85}  \u{85} b \u{85}", "a\nb "),
        ("\u{85} \u{85}\u{85}x\ty \u{85}z", "\n\nx\ty z"),
        ("plain  text ", "plain  text "),
    ];
    for (input, expected) in cases {
        assert_eq!(fold_nel(input), expected, "{input:?}");
    }
    let mut entry = args("c");
    entry.literals = vec!["c=a\u{85}b".into()];
    let config = GeneratorConfig::from_args(GeneratorKind::ConfigMap, &entry, None).unwrap();
    assert_eq!(config.literals, ["c=a b"]);
}
