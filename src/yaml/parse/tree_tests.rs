use super::*;

fn doc(text: &str, schema: Schema) -> Result<Value, TreeError> {
    read_first_document(text, schema).map(|v| v.unwrap_or(Value::Null))
}

fn v3(text: &str) -> Value {
    doc(text, Schema::V3).unwrap_or_else(|e| panic!("{text}: {}", e.message))
}

fn v3_err(text: &str) -> String {
    match doc(text, Schema::V3) {
        Ok(v) => panic!("{text}: expected an error, got {v:?}"),
        Err(e) => e.message,
    }
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_map().unwrap().keys().collect()
}

fn json(v: &Value) -> String {
    serde_json::Value::from(v).to_string()
}

#[test]
fn merge_keys_follow_kustomize() {
    let v = v3("b: &b {x: 1, y: 2}\nc: &c {y: 3, z: 4}\nm:\n  <<: [*b, *c]\n  x: 0\n  w: 9\n");
    let m = v.get("m").unwrap();
    assert_eq!(json(m), r#"{"x":0,"w":9,"y":2,"z":4}"#);
    let v = v3("c: &c {y: 3, z: 4}\nn:\n  <<: *c\n  z: 5\nq:\n  <<: [{a: 1}, {a: 2, b: 2}]\n");
    assert_eq!(json(v.get("n").unwrap()), r#"{"z":5,"y":3}"#);
    assert_eq!(json(v.get("q").unwrap()), r#"{"a":1,"b":2}"#);
    let v = v3("s:\n  <<: []\n  k: 1\nt:\n  <<: !!merge {a: 1}\nu:\n  ! <<: {a: 1}\n");
    assert_eq!(json(&v), r#"{"s":{"k":1},"t":{"a":1},"u":{"a":1}}"#);
}

#[test]
fn quoted_merge_key_is_dropped() {
    let v = v3("c: &c {y: 3}\no:\n  \"<<\": *c\n");
    assert_eq!(json(v.get("o").unwrap()), "{}");
}

#[test]
fn bad_merge_values_are_errors() {
    assert!(v3_err("b: &b [1]\nm:\n  <<: *b\n").contains("map merge"));
    assert!(v3_err("m:\n  <<: [{a: 1}, [{b: 1}]]\n").contains("nested sequence"));
    assert!(v3_err("m:\n  <<: x\n").contains("map merge"));
    assert!(v3_err("m:\n  <<: ~\n").contains("map merge"));
    assert!(v3_err("m:\n  <<: {a: 1}\n  <<: {b: 1}\n").contains("duplicate merge key"));
    assert!(v3_err("m:\n  <<: {a: 1}\n  a: 2\n  a: 3\n").contains("already defined"));
}

#[test]
fn yaml_v2_merge_and_duplicates() {
    let v = doc("a: 1\n<<: {a: 2, b: 2}\nb: 3\nc: 1\nc: 2\n", Schema::V2).unwrap();
    assert_eq!(json(&v), r#"{"a":2,"b":3,"c":2}"#);
    let v = doc("<<: [{a: 1}, {a: 2}]\n", Schema::V2).unwrap();
    assert_eq!(json(&v), r#"{"a":1}"#);
    let v = doc("x:\n  yes: on\n  1: 2001-12-14\n", Schema::V2).unwrap();
    assert_eq!(json(&v), r#"{"x":{"yes":true,"1":"2001-12-14"}}"#);
}

#[test]
fn aliases_expand_and_anchors_can_be_redefined() {
    let v = v3("m: &x\n  k: &y v\nn: *x\no: *y\n");
    assert_eq!(json(&v), r#"{"m":{"k":"v"},"n":{"k":"v"},"o":"v"}"#);
    let v = v3("n:\n  - &a 1\n  - *a\n  - &a 2\n  - *a\n");
    assert_eq!(json(&v), r#"{"n":[1,1,2,2]}"#);
    let v = v3("k: &k key\n*k : v\n");
    assert_eq!(keys(&v), ["k", "key"]);
}

#[test]
fn unknown_alias_is_an_error() {
    let err = doc("a: *nope\n", Schema::V3).unwrap_err();
    assert!(err.marker.is_some());
}

#[test]
fn duplicate_keys_are_errors_in_v3() {
    assert!(v3_err("a: 1\na: 2\n").contains("\"a\" already defined"));
    assert!(v3_err("m:\n  name: a\n  name: b\n").contains("already defined"));
    assert!(v3_err("x:\n  \"1\": a\n  '1': b\n").contains("already defined"));
    assert!(v3_err("\"1\": a\n1: b\n").contains("already defined"));
}

#[test]
fn top_level_keys_are_stringified_from_their_text() {
    let v = v3("true: a\n1.5: b\n2001-12-14: c\n0x10: d\n!!int 7: e\n\"\": f\n");
    assert_eq!(keys(&v), ["true", "1.5", "2001-12-14", "0x10", "7", ""]);
    assert!(v3_err("~: a\n").contains("null"));
    assert!(v3_err("null: a\n").contains("null"));
    assert!(v3_err(": a\n").contains("null"));
    assert!(v3_err("!!int abc: a\n").contains("cannot decode"));
}

#[test]
fn nested_keys_must_be_strings() {
    for text in [
        "x:\n  1: a\n",
        "x:\n  true: a\n",
        "x:\n  ~: a\n",
        "x:\n  1.5: a\n",
        "x:\n  2001-12-14: a\n",
    ] {
        assert!(v3_err(text).contains("string mapping key"), "{text}");
    }
    assert!(v3_err("- 1: a\n").contains("string mapping key"));
    assert!(v3_err("x:\n  !!binary eA==: a\n").contains("string mapping key"));
    assert!(v3_err("x:\n  !custom k: a\n").contains("string mapping key"));
    assert!(v3_err("x:\n  \"a\\Nb\": a\n").contains("NEL"));
    let v = v3("x:\n  \"1\": a\n  !!str 2: b\n  yes: c\n");
    assert_eq!(keys(v.get("x").unwrap()), ["1", "2", "yes"]);
}

#[test]
fn complex_keys_are_errors() {
    assert!(v3_err("? [a, b]\n: c\n").contains("complex keys"));
    assert!(v3_err("x:\n  ? {a: 1}\n  : c\n").contains("complex keys"));
}

#[test]
fn collection_tags_are_ignored() {
    let v = v3("a: !custom {b: 1}\nc: !custom [1]\nd: !!map {e: f}\n");
    assert_eq!(json(&v), r#"{"a":{"b":1},"c":[1],"d":{"e":"f"}}"#);
}

#[test]
fn strings_get_the_json_round_trip() {
    let v = v3("x: \"a \\N  b\"\ny: \"a\\N\\Nb\"\nz: \"a\\x01\"\n");
    assert_eq!(json(&v), r#"{"x":"a b","y":"a\nb","z":"a\u0001"}"#);
    assert!(v3_err("x: \"a\\x80b\"\n").contains("control characters"));
    assert!(v3_err("x: \"a\\uFFFEb\"\n").contains("control characters"));
    assert!(v3_err("\"k\\x9F\": v\n").contains("control characters"));
    assert!(v3_err("x: !!binary woA=\n").contains("control characters"));
    let lenient = doc("x: \"a\\x80b\"\n", Schema::V2).unwrap();
    assert_eq!(lenient.str_at(&["x"]), Some("a\u{80}b"));
}

#[test]
fn error_positions_point_at_the_scalar() {
    let err = doc("a: 1\nb: .inf\n", Schema::V3).unwrap_err();
    let m = err.marker.unwrap();
    assert_eq!((m.line(), m.col()), (2, 3));
}

#[test]
fn slash_escape_is_refused_like_yaml_v3() {
    assert!(v3_err("a: \"x\\/y\"\n").contains("escape"));
    let v = v3("a: 'x\\/y'\nb: x\\/y\nc: \"\\\\/\"\n");
    assert_eq!(json(&v), r#"{"a":"x\\/y","b":"x\\/y","c":"\\/"}"#);
}

#[test]
fn empty_values_in_flow_collections_are_empty_strings() {
    let v = v3("x: {a, b: , c: ~}\ny:\n  d:\nz: [é, {e: }]\n");
    assert_eq!(
        json(&v),
        r#"{"x":{"a":"","b":"","c":null},"y":{"d":null},"z":["é",{"e":""}]}"#
    );
    let v2 = doc("x: {a: }\n", Schema::V2).unwrap();
    assert_eq!(json(&v2), r#"{"x":{"a":null}}"#);
}

#[test]
fn block_scalar_starting_with_a_tab_needs_an_indentation_indicator() {
    assert!(v3_err("x: >-\n  \ta\n  b\n").contains("tab character"));
    assert!(v3_err("x: |\n\n  \ta\n").contains("tab character"));
    assert!(v3_err("x: |2\n  \ta\n").contains("re-encoded"));
    let v = v3("x: |2\n  \ta \ny: |\n  a\n  \tb\nz: |2\n\n  \tc\n");
    assert_eq!(json(&v), r#"{"x":"\ta \n","y":"a\n\tb\n","z":"\n\tc\n"}"#);
}

#[test]
fn flow_timestamps_with_a_time_stay_strings() {
    // Measured: inside flow collections only date-only timestamps convert.
    let v = v3("l: [2001-12-14T21:59:43.10-05:00, 2001-12-14]\nb: 2001-12-14T21:59:43.10-05:00\n");
    assert_eq!(
        json(&v),
        r#"{"l":["2001-12-14T21:59:43.10-05:00","2001-12-14T00:00:00Z"],"b":"2001-12-14T21:59:43.1-05:00"}"#
    );
}

/// The stack `krust build` does its deep work on: the main thread's, which
/// on Linux is 8 MiB by default (`ulimit -s`). The trees below are 10000
/// levels deep, and dropping one recurses once per level; test threads get
/// only 2 MiB, not enough for that in the unoptimised dev profile.
const MAIN_THREAD_STACK: usize = 8 << 20;

/// Runs `check` on a thread with the binary's main-thread stack.
fn with_main_thread_stack(check: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(MAIN_THREAD_STACK)
        .spawn(check)
        .expect("a thread starts")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

#[test]
fn block_nesting_stops_at_yaml_v3s_depth() {
    with_main_thread_stack(|| {
        // Each `- ` starts a sequence two columns to the right of the last.
        let nested = |levels: usize| format!("{}v\n", "- ".repeat(levels));
        assert!(doc(&nested(10000), Schema::V3).is_ok());
        assert_eq!(v3_err(&nested(10001)), "exceeded max depth of 10000");
        // A sequence at its key's column adds no level: the root mapping and
        // 9999 sequences to the right of it make 10000.
        let at_key_column = |more: usize| format!("k:\n- {}v\n", "- ".repeat(more));
        assert!(doc(&at_key_column(9999), Schema::V3).is_ok());
        assert!(doc(&at_key_column(10000), Schema::V3).is_err());
    });
}
