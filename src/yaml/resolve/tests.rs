use super::*;

fn plain(text: &str) -> Value {
    resolve_scalar(Cow::Borrowed(text), false, TagKind::Untagged, Schema::V3)
        .unwrap()
        .into_resolved()
}

fn tagged(tag: TagKind, text: &str) -> Result<Value, ResolveError> {
    resolve_scalar(Cow::Borrowed(text), false, tag, Schema::V3).map(Value::into_resolved)
}

fn s(text: &str) -> Value {
    Value::String(text.to_string().into())
}

#[test]
fn integers_as_measured() {
    let cases: &[(&str, i64)] = &[
        ("42", 42),
        ("+17", 17),
        ("-17", -17),
        ("0", 0),
        ("-0", 0),
        ("00", 0),
        ("0x1F", 31),
        ("0X1F", 31),
        ("-0x1F", -31),
        ("+0x10", 16),
        ("012", 10),
        ("-012", -10),
        ("+012", 10),
        ("0_12", 10),
        ("0o12", 10),
        ("0O17", 15),
        ("-0o17", -15),
        ("0o1_7", 15),
        ("0b101", 5),
        ("0B11", 3),
        ("-0b101", -5),
        ("+0b11", 3),
        ("1_000", 1000),
        ("1__0", 10),
        ("1_", 1),
        ("0x_1F", 31),
        ("0b-101", -5),
        ("0o+17", 15),
        ("9223372036854775807", i64::MAX),
        ("-9223372036854775808", i64::MIN),
    ];
    for &(text, want) in cases {
        assert_eq!(plain(text), Value::Int(want), "{text}");
    }
}

#[test]
fn big_integers_become_unsigned_or_float() {
    assert_eq!(
        plain("9223372036854775808"),
        Value::UInt(9223372036854775808)
    );
    assert_eq!(plain("18446744073709551615"), Value::UInt(u64::MAX));
    let all_ones = format!("0b{}", "1".repeat(64));
    assert_eq!(plain(&all_ones), Value::UInt(u64::MAX));
    assert_eq!(
        plain("18446744073709551616"),
        Value::Float(18446744073709551616.0)
    );
    assert_eq!(
        plain("-9223372036854775809"),
        Value::Float(-9223372036854775809.0)
    );
    assert_eq!(
        plain("+18446744073709551615"),
        Value::Float(18446744073709551615.0)
    );
    assert_eq!(
        plain("123456789012345678901234567890"),
        Value::Float(1.2345678901234568e29)
    );
}

#[test]
fn floats_as_measured() {
    let cases: &[(&str, f64)] = &[
        ("09", 9.0),
        ("08.5", 8.5),
        ("1.0", 1.0),
        ("1.", 1.0),
        ("5.0e0", 5.0),
        ("1e10", 1e10),
        ("1E3", 1000.0),
        (".5e3", 500.0),
        ("3.25", 3.25),
        ("00.5", 0.5),
        (".5", 0.5),
        ("+.5", 0.5),
        ("-.5e3", -500.0),
        ("1.5E+3", 1500.0),
        ("1_e5", 1e5),
        ("1_0e1_0", 1e11),
        ("1_000.5", 1000.5),
        ("00012.5e1", 125.0),
        ("4.9e-324", 5e-324),
        ("1e-400", 0.0),
        ("0.1_5", 0.15),
        ("1e+5", 1e5),
    ];
    for &(text, want) in cases {
        assert_eq!(plain(text), Value::Float(want), "{text}");
    }
    let Value::Float(neg_zero) = plain("-0.0") else {
        panic!("-0.0 is a float")
    };
    assert!(neg_zero == 0.0 && neg_zero.is_sign_negative());
}

#[test]
fn number_lookalikes_stay_strings() {
    for text in [
        "1e400",
        "1e",
        "0x1p3",
        ".",
        "1.2.3",
        "-",
        "+",
        "0x1FFFFFFFFFFFFFFFF",
        "Infinity",
        "inf",
        "NaN",
        "_1",
        "0b",
        "0x",
        "0o",
        "0x1.8p1",
        "1:20",
        "1,000",
        "12abc",
    ] {
        assert_eq!(plain(text), s(text), "{text}");
    }
    let too_negative = format!("-0b{}", "1".repeat(64));
    assert_eq!(plain(&too_negative), s(&too_negative));
}

#[test]
fn booleans_and_nulls_by_exact_spelling() {
    for t in ["true", "True", "TRUE"] {
        assert_eq!(plain(t), Value::Bool(true));
    }
    for f in ["false", "False", "FALSE"] {
        assert_eq!(plain(f), Value::Bool(false));
    }
    for n in ["", "~", "null", "Null", "NULL"] {
        assert_eq!(plain(n), Value::Null);
    }
    for text in [
        "tRue", "yes", "no", "on", "off", "y", "n", "ON", "nULL", "NO",
    ] {
        assert_eq!(plain(text), s(text));
    }
}

#[test]
fn infinity_and_nan_are_errors() {
    for text in [".inf", "-.Inf", "+.INF", ".nan", ".NaN"] {
        assert!(
            resolve_scalar(Cow::Borrowed(text), false, TagKind::Untagged, Schema::V3).is_err(),
            "{text}"
        );
    }
    assert!(tagged(TagKind::Float, ".inf").is_err());
}

#[test]
fn timestamps_become_rfc3339_strings_only_when_plain() {
    assert_eq!(plain("2001-12-14"), s("2001-12-14T00:00:00Z"));
    assert_eq!(plain("2001-02-30"), s("2001-02-30"));
    assert_eq!(
        tagged(TagKind::Timestamp, "2001-12-14").unwrap(),
        s("2001-12-14T00:00:00Z")
    );
    assert_eq!(tagged(TagKind::Str, "2001-12-14").unwrap(), s("2001-12-14"));
    let quoted = resolve_scalar(
        Cow::Borrowed("2001-12-14"),
        true,
        TagKind::Untagged,
        Schema::V3,
    );
    assert_eq!(quoted.unwrap(), s("2001-12-14"));
    assert!(tagged(TagKind::Timestamp, "foo").is_err());
    assert!(tagged(TagKind::Int, "2001-12-14").is_err());
}

#[test]
fn quoted_scalars_are_strings() {
    for text in ["42", "true", "~", "", ".inf", "0x10"] {
        let v = resolve_scalar(Cow::Borrowed(text), true, TagKind::Untagged, Schema::V3).unwrap();
        assert_eq!(v, s(text));
    }
}

#[test]
fn core_tags_as_measured() {
    assert_eq!(tagged(TagKind::Str, "42").unwrap(), s("42"));
    assert_eq!(tagged(TagKind::Str, "").unwrap(), s(""));
    assert_eq!(tagged(TagKind::Int, "42").unwrap(), Value::Int(42));
    assert_eq!(tagged(TagKind::Int, "0x10").unwrap(), Value::Int(16));
    assert_eq!(tagged(TagKind::Int, "1_0").unwrap(), Value::Int(10));
    assert_eq!(tagged(TagKind::Float, "1").unwrap(), Value::Float(1.0));
    assert_eq!(tagged(TagKind::Float, "0x10").unwrap(), Value::Float(16.0));
    assert_eq!(tagged(TagKind::Float, "1.5").unwrap(), Value::Float(1.5));
    assert_eq!(tagged(TagKind::Bool, "true").unwrap(), Value::Bool(true));
    assert_eq!(tagged(TagKind::Null, "").unwrap(), Value::Null);
    assert_eq!(tagged(TagKind::Other, "42").unwrap(), s("42"));
    assert_eq!(tagged(TagKind::Other, "~").unwrap(), s("~"));
    assert_eq!(tagged(TagKind::Other, "").unwrap(), s(""));
    let quoted_int = resolve_scalar(Cow::Borrowed("42"), true, TagKind::Int, Schema::V3);
    assert_eq!(quoted_int.unwrap(), Value::Int(42));
}

#[test]
fn mismatched_core_tags_are_errors() {
    let err = tagged(TagKind::Int, "abc").unwrap_err();
    assert_eq!(err.0, "cannot decode !!str `abc` as a !!int");
    assert!(tagged(TagKind::Int, "1.5").is_err());
    assert!(tagged(TagKind::Int, "09").is_err());
    assert!(tagged(TagKind::Bool, "yes").is_err());
    assert!(tagged(TagKind::Null, "x").is_err());
    assert!(tagged(TagKind::Float, "abc").is_err());
    assert!(tagged(TagKind::Float, "18446744073709551615").is_err());
}

#[test]
fn tags_are_classified() {
    assert_eq!(TagKind::classify("tag:yaml.org,2002:", "str"), TagKind::Str);
    assert_eq!(
        TagKind::classify("tag:yaml.org,2002:", "seq"),
        TagKind::Other
    );
    assert_eq!(TagKind::classify("", "tag:yaml.org,2002:int"), TagKind::Int);
    assert_eq!(TagKind::classify("", "!"), TagKind::Untagged);
    assert_eq!(TagKind::classify("!", "custom"), TagKind::Other);
}

#[test]
fn binary_decodes_base64_with_go_replacement() {
    assert_eq!(tagged(TagKind::Binary, "aGVsbG8=").unwrap(), s("hello"));
    assert_eq!(tagged(TagKind::Binary, "aGVs\nbG8=\n").unwrap(), s("hello"));
    assert_eq!(tagged(TagKind::Binary, "").unwrap(), s(""));
    assert_eq!(
        tagged(TagKind::Binary, "gIGC/w==").unwrap(),
        s("\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}")
    );
    assert_eq!(
        tagged(TagKind::Binary, "4oI=").unwrap(),
        s("\u{FFFD}\u{FFFD}")
    );
    assert_eq!(tagged(TagKind::Binary, "w6k=").unwrap(), s("é"));
    for bad in [
        "a",
        "aGVsbG8",
        "aG=sbG8=",
        "aGVs bG8=",
        "====",
        "aGVsbG8=aGVs",
    ] {
        assert!(tagged(TagKind::Binary, bad).is_err(), "{bad}");
    }
}

#[test]
fn yaml_v2_schema_differs() {
    let v2 =
        |t: &str| resolve_scalar(Cow::Borrowed(t), false, TagKind::Untagged, Schema::V2).unwrap();
    for t in ["yes", "Yes", "YES", "on", "On", "ON", "y", "Y", "true"] {
        assert_eq!(v2(t), Value::Bool(true), "{t}");
    }
    for f in ["no", "No", "NO", "off", "Off", "OFF", "n", "N", "false"] {
        assert_eq!(v2(f), Value::Bool(false), "{f}");
    }
    assert_eq!(v2("2001-12-14"), s("2001-12-14"));
    assert_eq!(v2("012"), Value::Int(10));
    assert_eq!(v2("0o12"), Value::Int(10));
    assert_eq!(v2("0o+12"), s("0o+12"));
}
