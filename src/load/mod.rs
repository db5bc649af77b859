//! Reading kustomizations and their resources from disk.
