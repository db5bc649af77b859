//! kustomize's rule for objects a generator plugin returns (an exec KRM
//! function, or a third-party generator krust runs natively such as KSOPS):
//! they get no hash suffix and are created, unless they ask otherwise with
//! the needs-hash and behavior annotations, which are removed.

use super::{Behavior, GeneratedResource};
use crate::resource::Resource;
use crate::yaml::Value;
use anyhow::{anyhow, Result};

/// The annotation a plugin sets to ask for a hash suffix.
pub const NEEDS_HASH_ANNOTATION: &str = "kustomize.config.k8s.io/needs-hash";
/// The annotation a plugin sets to merge into or replace an object.
pub const BEHAVIOR_ANNOTATION: &str = "kustomize.config.k8s.io/behavior";

/// Reads and removes the hash and behavior annotations of a generated
/// object: it gets a hash suffix only when it asks for one.
pub fn from_plugin_output(mut resource: Resource) -> Result<GeneratedResource> {
    let behavior = take_annotation(resource.value_mut(), BEHAVIOR_ANNOTATION);
    let needs_hash = match take_annotation(resource.value_mut(), NEEDS_HASH_ANNOTATION) {
        None => false,
        Some(text) => parse_go_bool(&text).ok_or_else(|| {
            anyhow!(
                "the annotation \"{NEEDS_HASH_ANNOTATION}\" contains an invalid value (\"{text}\")"
            )
        })?,
    };
    Ok(GeneratedResource {
        resource,
        behavior: Behavior::parse(behavior.as_deref().unwrap_or("")),
        needs_hash,
    })
}

/// Go's `strconv.ParseBool`.
pub fn parse_go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Removes an annotation and returns its text; an annotations map left
/// empty is removed, as kustomize does.
pub fn take_annotation(value: &mut Value, key: &str) -> Option<String> {
    let metadata = value.get_path_mut(&["metadata"])?.as_map_mut()?;
    let Some(Value::Map(annotations)) = metadata.get_mut("annotations") else {
        return None;
    };
    let taken = annotations.shift_remove(key)?;
    if annotations.is_empty() {
        metadata.shift_remove("annotations");
    }
    Some(match taken {
        Value::String(s) => s.to_string(),
        other => serde_json::Value::from(&other).to_string(),
    })
}
