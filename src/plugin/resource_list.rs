//! The KRM function wire format: a `ResourceList` (`config.kubernetes.io/v1`)
//! with the input objects under `items` and the plugin config under
//! `functionConfig`, written as YAML to the function's stdin; the function
//! answers with a `ResourceList` (or, leniently, a plain stream of objects)
//! on stdout.

use crate::yaml::{Mapping, Value};
use anyhow::{anyhow, bail, Context, Result};
use std::path::Path;

/// `apiVersion` of the ResourceList.
pub const API_VERSION: &str = "config.kubernetes.io/v1";
/// `kind` of the ResourceList.
pub const KIND: &str = "ResourceList";

/// The YAML text of a ResourceList holding `items` and `function_config`.
pub fn encode(items: Vec<Value>, function_config: &Value) -> Result<String> {
    let mut list = Mapping::new();
    list.insert("apiVersion".into(), API_VERSION.into());
    list.insert("kind".into(), KIND.into());
    list.insert("items".into(), Value::Seq(items.into()));
    list.insert("functionConfig".into(), function_config.clone());
    let mut out = String::new();
    crate::yaml::print_document(&Value::Map(list), &mut out)
        .map_err(|e| anyhow!("cannot write the function input: {}", e.message))?;
    Ok(out)
}

/// The objects of a function's output: the `items` of a ResourceList, or
/// every document of a plain YAML stream. A ResourceList whose `results`
/// hold an entry of severity `error` is a failure.
pub fn decode(text: &str, origin: &Path) -> Result<Vec<Value>> {
    let docs = crate::yaml::parse_documents(text, origin)
        .map_err(|e| anyhow!(e))
        .context("cannot read the function output")?;
    let docs: Vec<Value> = docs.into_iter().filter(|d| !d.is_null()).collect();
    if let [single] = docs.as_slice() {
        if single.str_at(&["kind"]) == Some(KIND) {
            return list_items(single);
        }
    }
    Ok(docs)
}

fn list_items(list: &Value) -> Result<Vec<Value>> {
    if let Some(Value::Seq(results)) = list.get_path(&["results"]) {
        let errors: Vec<&str> = results
            .iter()
            .filter(|r| r.str_at(&["severity"]) == Some("error"))
            .map(|r| r.str_at(&["message"]).unwrap_or("(no message)"))
            .collect();
        if !errors.is_empty() {
            bail!("function reported errors: {}", errors.join("; "));
        }
    }
    match list.get_path(&["items"]) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Seq(items)) => Ok(items.to_vec()),
        Some(_) => bail!("the function output's ResourceList items is not a list"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_map(name: &str) -> Value {
        let json = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}});
        Value::from(&json)
    }

    #[test]
    fn round_trip() {
        let text = encode(vec![config_map("a")], &config_map("cfg")).unwrap();
        assert!(text.contains("kind: ResourceList"));
        assert!(text.contains("functionConfig:"));
        let items = decode(&text, Path::new("out")).unwrap();
        assert_eq!(items, vec![config_map("a")]);
    }

    #[test]
    fn plain_streams_and_errors() {
        let stream = "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n";
        assert_eq!(decode(stream, Path::new("out")).unwrap().len(), 2);
        let failed = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nresults:\n- message: bad input\n  severity: error\n";
        let err = decode(failed, Path::new("out")).unwrap_err();
        assert!(err.to_string().contains("bad input"));
        assert!(decode("", Path::new("out")).unwrap().is_empty());
    }
}
