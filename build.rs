//! Prepares the builtin OpenAPI schema at compile time (see
//! `src/openapi/builtin.rs`): every definition's JSON on its own, sorted by
//! name, and the resource-type index, so that a process parses only the few
//! definitions its strategic merges walk instead of the whole document.
//! Also links the `krust` binary as a position-dependent executable on
//! Linux with glibc (see [`link_binary_without_pie`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

const SOURCE: &str = "src/openapi/kubernetes_v1_21_2.json";

fn main() {
    println!("cargo:rerun-if-changed={SOURCE}");
    println!("cargo:rerun-if-changed=build.rs");
    link_binary_without_pie();
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

/// A position-independent `krust` carries about 23,000 relative
/// relocations that the dynamic loader applies at every start, writing
/// (and so copying) the pages that hold them: about a tenth of the CPU of
/// a small build, which CI and ArgoCD run by the hundred. Linked as a
/// position-dependent executable (the code itself is unchanged), the
/// linker resolves them once. The price is that the binary's own code is
/// not placed at a random address. Only for glibc targets: musl builds
/// are static executables already.
fn link_binary_without_pie() {
    let target = |key: &str| std::env::var(key).unwrap_or_default();
    if target("CARGO_CFG_TARGET_OS") == "linux" && target("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bin=krust=-no-pie");
    }
}
