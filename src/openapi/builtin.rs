//! The builtin schema's data as prepared at compile time (by `build.rs`):
//! each definition's JSON apart, sorted by name, and the resource-type
//! index. A definition is parsed the first time a walk reaches it, so a
//! process pays for the handful of types its strategic merges touch, not
//! for the whole Kubernetes document.

use super::SchemaNode;
use std::sync::OnceLock;

mod data {
    include!(concat!(env!("OUT_DIR"), "/openapi_builtin.rs"));
}

/// The parsed definitions, one slot per entry of the table.
fn slots() -> &'static [OnceLock<SchemaNode>] {
    static SLOTS: OnceLock<Box<[OnceLock<SchemaNode>]>> = OnceLock::new();
    SLOTS.get_or_init(|| data::DEFINITIONS.iter().map(|_| OnceLock::new()).collect())
}

fn parse(json: &str) -> SchemaNode {
    serde_json::from_str(json).expect("the embedded OpenAPI data is valid")
}

/// The builtin definition called `name`, parsed on first use.
pub fn definition(name: &str) -> Option<&'static SchemaNode> {
    let index = data::DEFINITIONS
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()?;
    let json = data::DEFINITIONS[index].1;
    Some(slots()[index].get_or_init(|| parse(json)))
}

/// The name of the builtin definition of a resource type.
pub fn resource_name(api_version: &str, kind: &str) -> Option<&'static str> {
    let index = data::RESOURCES
        .binary_search_by(|((v, k), _)| (*v, *k).cmp(&(api_version, kind)))
        .ok()?;
    Some(data::RESOURCES[index].1)
}

/// Every builtin definition, parsed (for layering a custom schema under
/// the builtin one, which needs owned copies).
pub fn all_definitions() -> impl Iterator<Item = (&'static str, SchemaNode)> {
    data::DEFINITIONS
        .iter()
        .map(|(name, json)| (*name, parse(json)))
}

/// Every builtin resource type with its definition's name.
pub fn all_resources() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    data::RESOURCES
        .iter()
        .map(|((api_version, kind), name)| (*api_version, *kind, *name))
}
