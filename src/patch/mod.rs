//! Patches: strategic merge (with the Kubernetes schema's merge keys) and
//! JSON 6902, and the selectors that pick their targets.

pub mod strategic_merge;
