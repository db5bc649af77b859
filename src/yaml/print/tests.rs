//! Printer tests: every expected string was captured from `kubectl kustomize`
//! (kustomize v5.5.0) given the same resource as a JSON file.

use super::{print_document, Value};

fn print(json: &str) -> String {
    let parsed: serde_json::Value = serde_json::from_str(json).expect("test JSON");
    let mut out = String::new();
    print_document(&Value::from(&parsed), &mut out).expect("printable");
    out
}

#[test]
fn layout_nesting_and_empty_collections() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "spec": {"list": ["a", {"x": 1, "y": [2, 3]}, [1, [2]], [], {}], "empty": {}, "none": [], "deep": {"m": {"n": [{"o": [{}]}]}}}}"##;
    let expected = "apiVersion: v1\nkind: K\nmetadata:\n  name: test\nspec:\n  deep:\n    m:\n      \"n\":\n      - o:\n        - {}\n  empty: {}\n  list:\n  - a\n  - x: 1\n    \"y\":\n    - 2\n    - 3\n  - - 1\n    - - 2\n  - []\n  - {}\n  none: []\n";
    assert_eq!(print(json), expected);
}

#[test]
fn key_order_at_every_level() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "data": {"b10": 1, "b9": 2, "B": 3, "a-b": 4, "_x": 5, "2": 6, "10": 7, "": 8, "\u00e4": 9, "a1b": 10, "a01": 11}}"##;
    let expected = "apiVersion: v1\ndata:\n  \"\": 8\n  _x: 5\n  \"2\": 6\n  \"10\": 7\n  B: 3\n  a-b: 4\n  a1b: 10\n  a01: 11\n  b9: 2\n  b10: 1\n  ä: 9\nkind: K\nmetadata:\n  name: test\n";
    assert_eq!(print(json), expected);
}

#[test]
fn keys_that_need_quotes_or_explicit_form() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "data": {"yes": 1, "1": 2, "a: b": 3, "-": 4, " lead": 5, "a\tb": 6, "multi\nline": 7, "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk": 8, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx": 9, "long key long key long key long key long key long key long key long key long key long key long key long key long key long key long key long key ": {"p": [1]}}}"##;
    let expected = "apiVersion: v1\ndata:\n  ' lead': 5\n  '-': 4\n  \"1\": 2\n  \"a\\tb\": 6\n  'a: b': 3\n  ? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n  : 8\n  ? 'long key long key long key long key long key long key long key long key long\n    key long key long key long key long key long key long key long key '\n  : p:\n    - 1\n  ? |-\n    multi\n    line\n  : 7\n  xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx: 9\n  \"yes\": 1\nkind: K\nmetadata:\n  name: test\n";
    assert_eq!(print(json), expected);
}

#[test]
fn literal_blocks_and_chomping() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "data": {"clip": "a\nb\n", "strip": "a\nb", "keep": "a\nb\n\n", "lead": " a\nb\n", "nl": "\n", "nl2": "\n\n", "blank": "a\n\n\nb", "deep": [["x\ny"]], "in": [{"k": "p\nq\n"}]}}"##;
    let expected = "apiVersion: v1\ndata:\n  blank: |-\n    a\n\n\n    b\n  clip: |\n    a\n    b\n  deep:\n  - - |-\n      x\n      y\n  in:\n  - k: |\n      p\n      q\n  keep: |+\n    a\n    b\n\n  lead: |2\n     a\n    b\n  nl: |2+\n\n  nl2: |2+\n\n\n  strip: |-\n    a\n    b\nkind: K\nmetadata:\n  name: test\n";
    assert_eq!(print(json), expected);
}

#[test]
fn literal_refused_for_trailing_spaces_and_specials() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "data": {"trail": "line one   \nline two\n", "end": "a\nb ", "tab": "a\n\tb", "emoji": "\ud83c\udf89\nx"}}"##;
    let expected = "apiVersion: v1\ndata:\n  emoji: \"\\U0001F389\\nx\"\n  end: \"a\\nb \"\n  tab: \"a\\n\\tb\"\n  trail: \"line one   \\nline two\\n\"\nkind: K\nmetadata:\n  name: test\n";
    assert_eq!(print(json), expected);
}

#[test]
fn double_quoted_escapes() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "data": {"tab": "a\tb", "cr": "a\rb", "nul": "\u0000x", "esc": "\u001b[0m", "emoji": "\ud83c\udf89 party", "bom": "\ufeffab", "midbom": "a\ufeffb", "ls": "a \u2028b", "q": "\"\t\\"}}"##;
    let expected = "apiVersion: v1\ndata:\n  bom: \"\\uFEFF\\x61\\x62\"\n  cr: \"a\\rb\"\n  emoji: \"\\U0001F389 party\"\n  esc: \"\\e[0m\"\n  ls: \"a \\Lb\"\n  midbom: \"a\\uFEFFb\"\n  nul: \"\\0x\"\n  q: \"\\\"\\t\\\\\"\n  tab: \"a\\tb\"\nkind: K\nmetadata:\n  name: test\n";
    assert_eq!(print(json), expected);
}

#[test]
fn single_quoted_indicators() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "data": {"a": " lead", "b": "trail ", "c": "#x", "d": "- x", "e": "a: b", "f": "a #b", "g": "---x", "h": "'q'", "i": "*ref", "j": "a\u2028b", "k": ":", "l": "-", "m": "@x"}}"##;
    let expected = "apiVersion: v1\ndata:\n  a: ' lead'\n  b: 'trail '\n  c: '#x'\n  d: '- x'\n  e: 'a: b'\n  f: 'a #b'\n  g: '---x'\n  h: '''q'''\n  i: '*ref'\n  j: 'a\u{2028}    b'\n  k: ':'\n  l: '-'\n  m: '@x'\nkind: K\nmetadata:\n  name: test\n";
    assert_eq!(print(json), expected);
}

#[test]
fn plain_lookalikes_stay_plain() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "data": {"a": "-a", "b": "?a", "c": "a:b", "d": "<<", "e": "inf", "f": "1e", "g": "10.0.0.1", "h": "2001-13-45", "i": "\u00e9\u65e5\u672c\u00a0", "j": "a#b", "k": "1:60"}}"##;
    let expected = "apiVersion: v1\ndata:\n  a: -a\n  b: ?a\n  c: a:b\n  d: <<\n  e: inf\n  f: 1e\n  g: 10.0.0.1\n  h: 2001-13-45\n  i: é日本\u{a0}\n  j: a#b\n  k: 1:60\nkind: K\nmetadata:\n  name: test\n";
    assert_eq!(print(json), expected);
}

#[test]
fn resolver_lookalikes_double_quoted() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "data": {"0": "", "1": "yes", "2": "Y", "3": "off", "4": "~", "5": "NULL", "6": ".inf", "7": "-.Inf", "8": ".nan", "9": ".5", "10": "012", "11": "0x1F", "12": "0b101", "13": "1_000", "14": "1e3", "15": "1.", "16": "2001-12-14", "17": "2001-1-2 3:04:05", "18": "1:20", "19": "+1", "20": "123456789012345678901234567890"}}"##;
    let expected = "apiVersion: v1\ndata:\n  \"0\": \"\"\n  \"1\": \"yes\"\n  \"2\": \"Y\"\n  \"3\": \"off\"\n  \"4\": \"~\"\n  \"5\": \"NULL\"\n  \"6\": \".inf\"\n  \"7\": \"-.Inf\"\n  \"8\": \".nan\"\n  \"9\": \".5\"\n  \"10\": \"012\"\n  \"11\": \"0x1F\"\n  \"12\": \"0b101\"\n  \"13\": \"1_000\"\n  \"14\": \"1e3\"\n  \"15\": \"1.\"\n  \"16\": \"2001-12-14\"\n  \"17\": \"2001-1-2 3:04:05\"\n  \"18\": \"1:20\"\n  \"19\": \"+1\"\n  \"20\": \"123456789012345678901234567890\"\nkind: K\nmetadata:\n  name: test\n";
    assert_eq!(print(json), expected);
}

#[test]
fn plain_folding_at_width_80() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "spec": {"a": "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna", "b": {"c": {"d": "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna"}}, "l": ["lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna", ["lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna"]], "nofold": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx y", "double": "a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  "}}"##;
    let expected = "apiVersion: v1\nkind: K\nmetadata:\n  name: test\nspec:\n  a: lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n    incididunt ut labore et dolore magna\n  b:\n    c:\n      d: lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n        incididunt ut labore et dolore magna lorem ipsum dolor sit amet consectetur\n        adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna\n  double: 'a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  a  '\n  l:\n  - lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt\n    ut labore et dolore magna\n  - - lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n      incididunt ut labore et dolore magna\n  nofold: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n    y\n";
    assert_eq!(print(json), expected);
}

#[test]
fn quoted_folding() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "spec": {"single": "'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna", "double": "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna\tlorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna", "backslash": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx  \tspaces", "key": {"'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna": 1}}}"##;
    let expected = "apiVersion: v1\nkind: K\nmetadata:\n  name: test\nspec:\n  backslash: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n    \\ \\tspaces\"\n  double: \"lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n    incididunt ut labore et dolore magna\\tlorem ipsum dolor sit amet consectetur adipiscing\n    elit sed do eiusmod tempor incididunt ut labore et dolore magna\"\n  key:\n    ? '''lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n      incididunt ut labore et dolore magna lorem ipsum dolor sit amet consectetur\n      adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna'\n    : 1\n  single: '''lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod\n    tempor incididunt ut labore et dolore magna lorem ipsum dolor sit amet consectetur\n    adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna'\n";
    assert_eq!(print(json), expected);
}

#[test]
fn numbers_after_json_round_trip() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "n": [1.0, -0.0, 10000000000.0, 1e+20, 1.5e+19, 1e+21, 1234567.5, 6.02e+23, 1e-07, 1e-06, 0.1, 100000.5, 1.152921504606847e+18, 9223372036854775807, 18446744073709551615, -5], "b": [true, false, null]}"##;
    let expected = "apiVersion: v1\nb:\n- true\n- false\n- null\nkind: K\nmetadata:\n  name: test\n\"n\":\n- 1\n- 0\n- 10000000000\n- 1e+20\n- 15000000000000000000\n- 1e+21\n- 1.2345675e+06\n- 6.02e+23\n- 1e-07\n- 1e-06\n- 0.1\n- 100000.5\n- 1152921504606847000\n- 9223372036854775807\n- 18446744073709551615\n- -5\n";
    assert_eq!(print(json), expected);
}

#[test]
fn explicit_keys_with_collection_values() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "data": {"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk": {"a": 1, "b": [1, 2]}, "multi\nkey": ["x", ["y"]], "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx": [], "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9": "v"}}"##;
    let expected = "apiVersion: v1\ndata:\n  ? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n  : a: 1\n    b:\n    - 1\n    - 2\n  ? |-\n    multi\n    key\n  : - x\n    - - \"y\"\n  ? xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n  : []\n  ? ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé\n  : v\nkind: K\nmetadata:\n  name: test\n";
    assert_eq!(print(json), expected);
}

#[test]
fn literal_ending_in_line_separator_ends_the_document() {
    let json =
        r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "zz": "a\nb\u2028"}"##;
    let expected = "apiVersion: v1\nkind: K\nmetadata:\n  name: test\nzz: |\n  a\n  b\u{2028}";
    assert_eq!(print(json), expected);
}

#[test]
fn nel_folds_and_line_separators() {
    let json = r##"{"apiVersion": "v1", "kind": "K", "metadata": {"name": "test"}, "data": {"nel": "x\u0085y", "nels": "p \u0085  \u0085\u0085 q", "ls": "a\u2028b", "ls2": "a\u2028\u2028b"}}"##;
    let expected = "apiVersion: v1\ndata:\n  ls: 'a\u{2028}    b'\n  ls2: 'a\u{2028}\u{2028}    b'\n  nel: x y\n  nels: |-\n    p\n\n    q\nkind: K\nmetadata:\n  name: test\n";
    assert_eq!(print(json), expected);
}

fn print_error(value: &Value) -> String {
    let mut out = String::from("kept");
    let err = print_document(value, &mut out).expect_err("must fail");
    assert_eq!(out, "kept", "nothing is appended on error");
    err.message
}

fn map_of(key: &str, value: Value) -> Value {
    let mut map = crate::yaml::Mapping::new();
    map.insert(key.to_string().into(), value);
    Value::Map(map)
}

#[test]
fn control_characters_are_errors_in_values_and_keys() {
    for s in ["a\u{7f}", "\u{80}", "\u{9f}", "\u{fffe}", "x\u{ffff}"] {
        let expected = "yaml: control characters are not allowed";
        assert_eq!(print_error(&map_of("k", Value::from(s))), expected);
        assert_eq!(print_error(&map_of(s, Value::Null)), expected);
    }
}

#[test]
fn non_finite_floats_are_json_errors_and_win() {
    let cases = [
        (f64::NAN, "json: unsupported value: NaN"),
        (f64::INFINITY, "json: unsupported value: +Inf"),
        (f64::NEG_INFINITY, "json: unsupported value: -Inf"),
    ];
    for (f, expected) in cases {
        let value = Value::Seq(vec![Value::from("\u{7f}"), Value::Float(f)].into());
        assert_eq!(print_error(&value), expected);
    }
}

#[test]
fn scalar_and_empty_documents() {
    let mut out = String::new();
    print_document(&Value::from("text"), &mut out).unwrap();
    print_document(&Value::new_map(), &mut out).unwrap();
    print_document(&Value::Seq(vec![].into()), &mut out).unwrap();
    print_document(&Value::from("a\nb\n\n"), &mut out).unwrap();
    assert_eq!(out, "text\n{}\n[]\n|+\n  a\n  b\n\n");
}

#[test]
fn documents_are_joined_with_separators() {
    let docs = [map_of("a", Value::Int(1)), map_of("b", Value::Bool(true))];
    let text = super::print_documents(docs.iter()).unwrap();
    assert_eq!(text, "a: 1\n---\nb: true\n");
}

#[test]
fn key_with_nel_is_a_parse_error_of_the_json() {
    // kustomize fails on the JSON text: the key spans two lines there.
    let value = map_of("a", map_of("x\u{85}y", Value::from("v")));
    assert_eq!(
        print_error(&value),
        "yaml: line 1: did not find expected ',' or '}'"
    );
}

#[test]
fn nel_key_error_counts_breaks_in_json_order() {
    // Captured from kubectl kustomize: JSON lists keys in byte order, and
    // every NEL before the end of the key starts a line.
    let json = r#"{"apiVersion":"v1","kind":"K","metadata":{"name":"x"},"a":"x\u0085\u0085y","b":{"k\u0085z":1},"c":"\u0085"}"#;
    let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
    let message = print_error(&Value::from(&parsed));
    assert_eq!(message, "yaml: line 3: did not find expected ',' or '}'");
}
