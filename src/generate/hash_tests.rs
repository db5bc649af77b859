//! Hash tests. Every expected suffix is the one `kubectl kustomize`
//! (kustomize v5.5.0) appended to a generator named `g` with the same
//! sources; the kubectl name is quoted above each case.

use super::*;
use crate::generate::spec::{GeneratorConfig, GeneratorKind};
use crate::generate::tests::map;
use crate::kustomization::GeneratorArgs;
use anyhow::Result;

const CM: GeneratorKind = GeneratorKind::ConfigMap;
const SECRET: GeneratorKind = GeneratorKind::Secret;

/// `app.bin` holds 30 copies of this: binary, and long enough to wrap.
const LONG_BINARY: &[u8] = &[0xff, b'h', b'e', b'l', b'l', b'o'];

/// id, kind, literals, files (`source` → content), env files (path →
/// content), secret type, expected suffix.
#[allow(clippy::type_complexity)]
struct Case(
    &'static str,
    GeneratorKind,
    &'static [&'static str],
    &'static [(&'static str, &'static [u8])],
    &'static [(&'static str, &'static [u8])],
    &'static str,
    &'static str,
);

const CASES: &[Case] = &[
    // kubectl: g-h29d89cmmt
    Case("literal", CM, &["a=1"], &[], &[], "", "h29d89cmmt"),
    // kubectl: g-bg5tkh9hgt
    Case("unicode", CM, &["u=héllo ✓", "emoji=😀", "ключ=значение"], &[], &[], "", "bg5tkh9hgt"),
    // kubectl: g-9f2k2t2696
    Case("html", CM, &["h=<b>&amp;</b> > <"], &[], &[], "", "9f2k2t2696"),
    // kubectl: g-h566b98d2d
    Case("newline", CM, &["n=x\ny\n"], &[], &[], "", "h566b98d2d"),
    // kubectl: g-85fmck6tfh
    Case("quotes", CM, &["q=\"a\\b\"c", "s='x'y", "dq='\"'"], &[], &[], "", "85fmck6tfh"),
    // kubectl: g-8bdtb2dhk4
    Case("controls", CM, &["c=\u{8}\u{c}\u{1}\u{1f}\u{0}end"], &[], &[], "", "8bdtb2dhk4"),
    // kubectl: g-68229hf8k6
    Case("nel-bom-nbsp", CM, &["c=a\u{85}b\u{feff}c\u{a0}d", "r=x\ry"], &[], &[], "", "68229hf8k6"),
    // kubectl: g-h4c6tbh2h8
    Case("long-spaces", CM, &["l=word  with   spaces, and: colons # hash word  with   spaces, and: colons # hash word  with   spaces, and: colons # hash word  with   spaces, and: colons # hash word  with   spaces, and: colons # hash word  with   spaces, and: colons # hash   end "], &[], &[], "", "h4c6tbh2h8"),
    // kubectl: g-8g62mm2kgh
    Case("yamlish", CM, &["t=true", "n=null", "i=012", "f=1e3", "d=2001-12-14", "s=- item", "m={a: b}", "dash=---"], &[], &[], "", "8g62mm2kgh"),
    // kubectl: g-t8hh6chh7k
    Case("separators", CM, &["p=a\u{2028}b\u{2029}c"], &[], &[], "", "t8hh6chh7k"),
    // kubectl: g-5f9ht474tg
    Case("empty-value", CM, &["e="], &[], &[], "", "5f9ht474tg"),
    // kubectl: g-8dcm75c5gk
    Case("binary", CM, &[], &[("b.bin", b"\xff\xfe\x00bin")], &[], "", "8dcm75c5gk"),
    // kubectl: g-tcf6gfbkh7
    Case("long-binary", CM, &[], &[("app.bin", LONG_BINARY)], &[], "", "tcf6gfbkh7"),
    // kubectl: g-g8gkf8kk96
    Case("mixed-files", CM, &[], &[("x.txt", b"hello\n"), ("b.bin", b"\xff\xfe\x00bin")], &[], "", "g8gkf8kk96"),
    // kubectl: g-6ct58987ht
    Case("empty-cm", CM, &[], &[], &[], "", "6ct58987ht"),
    // kubectl: g-k476b6ghd5
    Case("env-file", CM, &[], &[], &[("a.env", b"A=1\r\nB=\ttab \nexport C=\"q\"\n# c\nD\n")], "", "k476b6ghd5"),
    // kubectl: g-cc2f8466tc
    Case("key-order", CM, &["B=1", "a=2", "_x=3", "Z9=4", ".dot=5", "-=6"], &[], &[], "", "cc2f8466tc"),
    // kubectl: g-m9kggmgfc5
    Case("secret", SECRET, &["a=x", "b=y"], &[], &[], "", "m9kggmgfc5"),
    // kubectl: g-td2b65gdb7
    Case("secret-tls", SECRET, &["tls.crt=abc", "tls.key=def"], &[], &[], "kubernetes.io/tls", "td2b65gdb7"),
    // kubectl: g-46f8b28mk5
    Case("secret-empty", SECRET, &[], &[], &[], "", "46f8b28mk5"),
    // kubectl: g-fgkk42fft8
    Case("secret-binary", SECRET, &[], &[("b.bin", b"\xff\xfd")], &[], "", "fgkk42fft8"),
    // kubectl: g-t5btk2f6g8
    Case("secret-long", SECRET, &["long=012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"], &[], &[], "", "t5btk2f6g8"),
    // kubectl: g-t6244dfkm7
    Case("secret-unicode", SECRET, &["u=héllo ✓ <&>"], &[], &[], "", "t6244dfkm7"),
    // kubectl: g-4692f2hdgc
    Case("trailing-space", CM, &["t=v  \t"], &[], &[], "", "4692f2hdgc"),
    // kubectl: g-h67dc8ktmh
    Case("text-file", CM, &[], &[("k=cfg.ini", b"[s]\nkey = value\n\ttabbed\n")], &[], "", "h67dc8ktmh"),
    // kubectl: g-m8b4tc765m
    Case("backslashes", CM, &["w=C:\\path\\to", "j={\"a\": [1, 2]}"], &[], &[], "", "m8b4tc765m"),
];

fn file_content(case: &Case, path: &str) -> Result<Vec<u8>> {
    if path == "app.bin" {
        return Ok(LONG_BINARY.repeat(30));
    }
    let from_files = case
        .3
        .iter()
        .find(|(source, _)| source.rsplit('=').next() == Some(path));
    let from_envs = case.4.iter().find(|(p, _)| *p == path);
    match from_files.or(from_envs) {
        Some((_, content)) => Ok(content.to_vec()),
        None => anyhow::bail!("no file {path}"),
    }
}

fn run(case: &Case) -> String {
    let args = GeneratorArgs {
        name: "g".into(),
        literals: case.2.iter().map(|s| s.to_string()).collect(),
        files: case.3.iter().map(|(s, _)| s.to_string()).collect(),
        envs: case.4.iter().map(|(s, _)| s.to_string()).collect(),
        kind: case.5.to_string(),
        ..GeneratorArgs::default()
    };
    let config = GeneratorConfig::from_args(case.1, &args, None).unwrap();
    let loader = |path: &str| file_content(case, path);
    let generated = crate::generate::generate(&config, &loader, None).unwrap();
    content_hash(&generated.resource.value())
}

#[test]
fn suffixes_match_kubectl() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|case| {
            let got = run(case);
            (got != case.6).then(|| format!("{}: got {got}, kubectl {}", case.0, case.6))
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn name_namespace_labels_and_immutable_do_not_count() {
    // kubectl: `a=1` gives g-h29d89cmmt; with namespace ns, immutable and a
    // label still g-h29d89cmmt; with namePrefix pre- it is pre-g-h29d89cmmt.
    let object = map(&[
        ("apiVersion", "v1".into()),
        ("kind", "ConfigMap".into()),
        (
            "metadata",
            map(&[
                ("name", "pre-other".into()),
                ("namespace", "ns".into()),
                ("labels", map(&[("l", "v".into())])),
            ]),
        ),
        ("data", map(&[("a", "1".into())])),
        ("immutable", Value::Bool(true)),
    ]);
    assert_eq!(content_hash(&object), "h29d89cmmt");
}

#[test]
fn hashed_documents() {
    let cm = map(&[
        ("kind", "ConfigMap".into()),
        (
            "data",
            map(&[("b", "<&>".into()), ("a", "x\u{2028}".into())]),
        ),
    ]);
    assert_eq!(
        configmap_json(&cm),
        r#"{"data":{"a":"x\u2028","b":"\u003c\u0026\u003e"},"kind":"ConfigMap","name":""}"#
    );
    let secret = map(&[("kind", "Secret".into())]);
    assert_eq!(
        secret_json(&secret),
        r#"{"data":"","kind":"Secret","name":"","type":""}"#
    );
}

#[test]
fn null_and_odd_fields() {
    // kubectl, after a JSON patch set `data: null` and `binaryData: null`
    // on a generated ConfigMap: a-g886t7dd28 (null data hashes as "null",
    // a scalar binaryData is left out).
    let object = map(&[
        ("kind", "ConfigMap".into()),
        ("data", Value::Null),
        ("binaryData", Value::Null),
    ]);
    assert_eq!(content_hash(&object), "g886t7dd28");
    // Empty ConfigMap (no data at all): kubectl g-6ct58987ht.
    assert_eq!(
        content_hash(&map(&[("kind", "ConfigMap".into())])),
        "6ct58987ht"
    );
    let seq = map(&[
        ("kind", "ConfigMap".into()),
        ("binaryData", Value::Seq(vec![].into())),
    ]);
    assert_eq!(
        configmap_json(&seq),
        r#"{"binaryData":null,"data":"","kind":"ConfigMap","name":""}"#
    );
}

#[test]
fn numbers_are_printed_like_go_float64() {
    let data = map(&[
        ("i", Value::Int(5)),
        ("big", Value::Int(i64::MAX)),
        ("f", Value::Float(1.5)),
        ("tiny", Value::Float(1e-7)),
        ("huge", Value::Float(1e21)),
        ("b", Value::Bool(true)),
        ("n", Value::Null),
    ]);
    let mut out = String::new();
    write_json(&mut out, &data);
    assert_eq!(
        out,
        r#"{"b":true,"big":9223372036854776000,"f":1.5,"huge":1e+21,"i":5,"n":null,"tiny":1e-7}"#
    );
}

#[test]
fn suffix_mapping() {
    assert_eq!(suffix_from_hex("0123456789abcdef"), "gh2k456789");
    assert_eq!(suffix_from_hex("abcdeabcde"), "mbcdtmbcdt");
    assert_eq!(suffix_from_hex("eeee0000"), "ttttgggg");
}
