//! Reading the entries of `generators:`, `transformers:` and `validators:`
//! into plugin config documents.
//!
//! An entry is tried first as inline YAML: when it reads as one or more
//! resources, those are configs. Otherwise it is a path, resolved as a
//! `resources` entry is: a file holds config documents, and a directory is
//! a kustomization whose built output is the list of configs. As in
//! kustomize, every inline config comes before every config read from a
//! path, whatever the order of the entries.

use crate::kustomization::LoadedKustomization;
use crate::load::{resources_from_documents, Entry, Loader};
use crate::resource::{Resource, ResourceList};
use anyhow::{Context, Result};
use std::path::Path;

/// The plugin configs named by `entries` of the kustomization `kust`.
/// `build_other` loads an entry that is not a local file (a directory,
/// built as a kustomization of its own with its generators and
/// transformers but without the final name fixes, or a remote entry).
pub fn collect_configs(
    entries: &[String],
    kust: &LoadedKustomization,
    loader: &Loader,
    mut build_other: impl FnMut(&str, Entry) -> Result<ResourceList>,
) -> Result<ResourceList> {
    let mut configs = ResourceList::new();
    let mut paths = Vec::new();
    for entry in entries {
        match inline_configs(entry, &kust.file) {
            Some(resources) => {
                let origin = kust.origin.inline(&kust.file);
                for mut r in resources {
                    if let Some(origin) = &origin {
                        r.set_origin(origin.clone());
                    }
                    configs.push(r)?;
                }
            }
            None => paths.push(entry),
        }
    }
    for entry in paths {
        let part = match kust.resolve(loader, entry)? {
            Entry::File(path) => {
                let mut list = ResourceList::new();
                let origin = kust.origin.file(entry);
                for mut r in crate::load::read_resources(&path)? {
                    if let Some(origin) = &origin {
                        r.set_origin(origin.clone());
                    }
                    list.push(r)?;
                }
                list
            }
            other => build_other(entry, other)?,
        };
        configs
            .append(part)
            .with_context(|| format!("merging resources from '{entry}'"))?;
    }
    Ok(configs)
}

/// The resources an entry holds when it is inline YAML; `None` when it does
/// not read as resources (and so names a file or directory).
fn inline_configs(entry: &str, kust_file: &Path) -> Option<Vec<Resource>> {
    let docs = crate::yaml::parse_documents(entry, kust_file).ok()?;
    resources_from_documents(docs, kust_file).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_yaml_is_a_config_and_a_path_is_not() {
        let file = Path::new("kustomization.yaml");
        let inline = "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: x\n";
        let configs = inline_configs(inline, file).expect("inline config");
        assert_eq!(configs.len(), 1);
        assert_eq!(configs[0].kind(), "LabelTransformer");
        assert!(inline_configs("prefixer.yaml", file).is_none());
        assert!(inline_configs("../patches", file).is_none());
    }
}
