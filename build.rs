//! Prepares the builtin OpenAPI schema at compile time (see
//! `src/openapi/builtin.rs`): every definition's JSON on its own, sorted by
//! name, and the resource-type index, so that a process parses only the few
//! definitions its strategic merges walk instead of the whole document.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

const SOURCE: &str = "src/openapi/kubernetes_v1_21_2.json";

fn main() {
    println!("cargo:rerun-if-changed={SOURCE}");
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string(SOURCE).expect("the builtin OpenAPI data is readable");
    let document: serde_json::Value =
        serde_json::from_str(&text).expect("the builtin OpenAPI data is valid JSON");
    // The runtime index has no scopes: the reduced document has no paths.
    assert!(
        document.get("paths").is_none(),
        "builtin OpenAPI data has paths"
    );
    let definitions = document["definitions"]
        .as_object()
        .expect("the builtin OpenAPI data has definitions");
    let sorted: BTreeMap<&str, &serde_json::Value> =
        definitions.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut out = String::new();
    out.push_str("/// Builtin definitions, sorted by name, each with its JSON.\n");
    out.push_str("pub static DEFINITIONS: &[(&str, &str)] = &[\n");
    for (name, node) in &sorted {
        let json = serde_json::to_string(node).expect("a definition serializes");
        writeln!(out, "    ({name:?}, {json:?}),").unwrap();
    }
    out.push_str("];\n");
    // As the runtime index is filled: definitions in name order, a later one
    // taking over a resource type an earlier one claimed.
    let mut resources: BTreeMap<(String, String), &str> = BTreeMap::new();
    for (name, node) in &sorted {
        let gvks = node.get("x-kubernetes-group-version-kind");
        for gvk in gvks.and_then(|g| g.as_array()).into_iter().flatten() {
            let field = |k: &str| gvk.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            let api_version = match field("group") {
                "" => field("version").to_string(),
                group => format!("{group}/{}", field("version")),
            };
            resources.insert((api_version, field("kind").to_string()), name);
        }
    }
    out.push_str("/// `(apiVersion, kind)` → definition name, sorted.\n");
    out.push_str("pub static RESOURCES: &[((&str, &str), &str)] = &[\n");
    for ((api_version, kind), name) in &resources {
        writeln!(out, "    (({api_version:?}, {kind:?}), {name:?}),").unwrap();
    }
    out.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("openapi_builtin.rs"), out)
        .expect("the generated schema index is writable");
}
