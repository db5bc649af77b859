//! Patches: strategic merge (with the Kubernetes schema's merge keys) and
//! JSON 6902, and the selectors that pick their targets.

pub mod json6902;
pub mod label_selector;
pub mod source;
pub mod strategic_merge;
pub mod target;
