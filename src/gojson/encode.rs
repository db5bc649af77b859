//! Compact JSON as Go's `encoding/json` writes a decoded object: mapping
//! keys sorted, `<`, `>` and `&` escaped. Used where kustomize quotes whole
//! resources in error messages, and for the content hash of generated
//! objects.

use crate::yaml::Value;

/// How numbers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Numbers {
    /// Integers as integers, floats in Go's float form: an object as
    /// decoded into typed fields.
    AsDecoded,
    /// Every number as Go's float64 form: an object after a round trip
    /// through `interface{}` (kustomize's content hash sees this).
    Float64,
}

/// `value` as compact JSON with Go's key order and escaping.
pub(crate) fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, Numbers::AsDecoded, &mut out);
    out
}

/// Writes `value` as compact JSON with Go's key order and escaping.
pub(crate) fn write_value(value: &Value, numbers: Numbers, out: &mut String) {
    match value.resolved() {
        Value::Text(t) => write_value(&t.value, numbers, out),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) if numbers == Numbers::Float64 => write_float(*i as f64, out),
        Value::UInt(u) if numbers == Numbers::Float64 => write_float(*u as f64, out),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::UInt(u) => out.push_str(&u.to_string()),
        Value::Float(f) => write_float(*f, out),
        Value::String(s) => write_string(s, out),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, numbers, out);
            }
            out.push(']');
        }
        Value::Map(map) => {
            let mut entries: Vec<(&str, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(value, numbers, out);
            }
            out.push('}');
        }
    }
}

/// A JSON string with Go's escaping (HTML-safe, as `json.Marshal` does).
pub(crate) fn write_string(s: &str, out: &mut String) {
    use std::fmt::Write as _;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's JSON float form: plain decimals between 1e-6 and 1e21, otherwise
/// exponent form with the shortest exponent and an explicit sign.
pub(crate) fn write_float(f: f64, out: &mut String) {
    use std::fmt::Write as _;
    let magnitude = f.abs();
    if magnitude == 0.0 || (1e-6..1e21).contains(&magnitude) {
        let _ = write!(out, "{f}");
        return;
    }
    let text = format!("{f:e}");
    match text.split_once('e') {
        Some((mantissa, exponent)) if !exponent.starts_with('-') => {
            let _ = write!(out, "{mantissa}e+{exponent}");
        }
        _ => out.push_str(&text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go_float(f: f64) -> String {
        let mut out = String::new();
        write_float(f, &mut out);
        out
    }

    #[test]
    fn sorted_compact_escaped() {
        let v = Value::from(&serde_json::json!({"b": [1, 2.5, null, true], "a": "x<y>&\"z\""}));
        assert_eq!(
            to_string(&v),
            r#"{"a":"x\u003cy\u003e\u0026\"z\"","b":[1,2.5,null,true]}"#
        );
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1e-7), "1e-7");
        assert_eq!(go_float(3.0), "3");
    }
}
