//! Writing a build's result: as one YAML stream, or (`-o DIR`) as one file
//! per resource named the way kustomize names them.

use crate::resource::{Resource, ResourceList};
use crate::yaml::print_document;
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Resources below this count are printed on one thread; spawning work
/// costs more than it saves for small builds.
const PARALLEL_THRESHOLD: usize = 64;

/// Prints every resource, joined with `---\n`, exactly as kustomize does.
pub fn render(resources: &ResourceList) -> Result<String> {
    let docs = render_each(resources.as_slice())?;
    let total: usize = docs.iter().map(|d| d.len() + 4).sum();
    let mut out = String::with_capacity(total);
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(doc);
    }
    Ok(out)
}

/// Prints every resource into its own string, in output order. All of them
/// are printed before anything is written, so a failure leaves the output
/// untouched; writing them with [`write_documents`] avoids joining them into
/// one more copy of the whole stream.
pub fn render_documents(resources: &ResourceList) -> Result<Vec<String>> {
    render_each(resources.as_slice())
}

/// Writes documents from [`render_documents`] joined with `---\n`, exactly
/// as [`render`] would print them.
pub fn write_documents(docs: &[String], out: &mut impl std::io::Write) -> std::io::Result<()> {
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            out.write_all(b"---\n")?;
        }
        out.write_all(doc.as_bytes())?;
    }
    Ok(())
}

/// Prints each resource on its own, in parallel for large lists.
fn render_each(resources: &[Resource]) -> Result<Vec<String>> {
    let print_one = |r: &Resource| -> Result<String> {
        let mut s = String::new();
        print_document(&r.value, &mut s).with_context(|| format!("printing {}", r.id()))?;
        Ok(s)
    };
    if resources.len() < PARALLEL_THRESHOLD {
        resources.iter().map(print_one).collect()
    } else {
        resources.par_iter().map(print_one).collect()
    }
}

/// Writes one file per resource into `dir`, named like kustomize's
/// `build -o DIR`: `<group_version_kind>_<name>.yaml` in lower case, prefixed
/// with `<namespace>_` when the resources span more than one namespace.
/// Returns the paths written, in resource order.
pub fn write_individual_files(resources: &ResourceList, dir: &Path) -> Result<Vec<PathBuf>> {
    let docs = render_each(resources.as_slice())?;
    let namespaces: BTreeMap<&str, ()> = resources
        .iter()
        .filter(|r| !r.gvk().is_cluster_scoped())
        .map(|r| (effective_namespace(r), ()))
        .collect();
    let mut written = Vec::with_capacity(docs.len());
    for (r, doc) in resources.iter().zip(&docs) {
        let mut name = file_name(r);
        if namespaces.len() > 1 && !r.gvk().is_cluster_scoped() {
            name = format!("{}_{}", effective_namespace(r).to_lowercase(), name);
        }
        let path = dir.join(name);
        std::fs::write(&path, doc).with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

fn effective_namespace(r: &Resource) -> &str {
    match r.namespace() {
        "" => "default",
        ns => ns,
    }
}

/// `group_version_kind_name.yaml` in lower case, blank parts left out.
fn file_name(r: &Resource) -> String {
    let gvk = r.gvk();
    let parts: Vec<&str> = [gvk.group.as_str(), gvk.version.as_str(), gvk.kind.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    format!("{}_{}.yaml", parts.join("_"), r.name()).to_lowercase()
}
