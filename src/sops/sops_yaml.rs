//! The YAML `sops --decrypt` writes, for the simple documents where krust
//! can reproduce it exactly: mappings only (keys in file order, nested
//! ones indented by 4, as SOPS's emitter does) with plain strings, integers
//! and booleans. Anything else returns `None` and the caller prints with
//! krust's own printer.

use crate::yaml::Value;
use std::path::Path;

/// The document as SOPS prints it, when it is simple enough.
pub fn emit(documents: &[Value]) -> Option<String> {
    let [document] = documents else {
        return None;
    };
    let map = document.as_map().filter(|m| !m.is_empty())?;
    let mut out = String::new();
    emit_map(map, 0, &mut out)?;
    Some(out)
}

fn emit_map(map: &crate::yaml::Mapping, depth: usize, out: &mut String) -> Option<()> {
    for (key, value) in map {
        if !is_plain(key) {
            return None;
        }
        out.push_str(&" ".repeat(4 * depth));
        out.push_str(key);
        out.push(':');
        match value {
            Value::Map(inner) if !inner.is_empty() => {
                out.push('\n');
                emit_map(inner, depth + 1, out)?;
            }
            scalar => {
                out.push(' ');
                out.push_str(&scalar_text(scalar)?);
                out.push('\n');
            }
        }
    }
    Some(())
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if is_plain(s) => Some(s.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::UInt(u) => Some(u.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A string YAML reads back as the same string without quotes: a
/// conservative character set, no leading indicator, and no other type.
fn is_plain(text: &str) -> bool {
    let safe = |c: char| c.is_ascii_alphanumeric() || "._/-@+=".contains(c);
    let Some(first) = text.chars().next() else {
        return false;
    };
    if !text.chars().all(safe) || "-.".contains(first) {
        return false;
    }
    let probe = format!("k: {text}\n");
    match crate::yaml::parse_documents(&probe, Path::new("probe")) {
        Ok(docs) => docs.first().and_then(|d| d.get("k")) == Some(&Value::String(text.into())),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(yaml: &str) -> Vec<Value> {
        crate::yaml::parse_documents(yaml, Path::new("t")).unwrap()
    }

    #[test]
    fn simple_documents_keep_order_and_indent_by_four() {
        let got = emit(&doc(
            "username: admin\npassword: 1f2d1e2e67df\nnested:\n  b: 1\n  a: true\n",
        ));
        assert_eq!(
            got.as_deref(),
            Some("username: admin\npassword: 1f2d1e2e67df\nnested:\n    b: 1\n    a: true\n")
        );
    }

    #[test]
    fn anything_needing_quotes_or_lists_falls_back() {
        for yaml in [
            "a: 'true'\n",
            "a: '123'\n",
            "a: [x]\n",
            "a: 'x y'\n",
            "a: ''\n",
            "a: 1.5\n",
        ] {
            assert_eq!(emit(&doc(yaml)), None, "{yaml}");
        }
    }
}
