//! The mapping key order of kustomize's printer (go-yaml v2's `keyList.Less`).
