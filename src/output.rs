//! Writing a build's result: as one YAML stream, or (`-o DIR`) as one file
//! per resource named the way kustomize names them.
//!
//! Printing consumes the resources: each one is dropped as soon as its
//! document is printed. A resource that cannot be printed must leave the
//! output untouched (a pipe into `kubectl apply` never gets half a render),
//! so either every document is printed before the first byte is written
//! ([`render_documents`]), or [`write_stream`] first makes sure every
//! document prints (looking for what the printer refuses) and then prints
//! and writes document by document (batch by batch in parallel), so the
//! whole stream is never held at once.

use crate::resource::{Resource, ResourceList};
use crate::yaml::print_document;
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Resources below this count are printed on one thread; spawning work
/// costs more than it saves for small builds.
const PARALLEL_THRESHOLD: usize = 64;

/// Resources printed per parallel batch. Batches run in order, so the first
/// failing resource of the stream is the one reported (as in kustomize,
/// which prints one resource after another), and printing stops there.
const BATCH_SIZE: usize = 256;

/// Prints every resource, joined with `---\n`, exactly as kustomize does.
pub fn render(resources: ResourceList) -> Result<String> {
    let docs = render_documents(resources)?;
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

/// Prints each resource into its own string, in output order, dropping each
/// resource once printed. Writing the result with [`write_documents`] gives
/// the bytes of [`render`] without joining them into one more copy of the
/// whole stream.
pub fn render_documents(resources: ResourceList) -> Result<Vec<String>> {
    collect_in_order(resources.into_vec())
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

/// Prints every resource and writes the stream to `out` exactly as
/// [`render`] would print it, one document at a time (a batch at a time for
/// large lists printed in parallel), so the whole stream is never held.
/// Nothing is written unless every resource prints (see
/// `check_printable`). An error from `out` is returned as the
/// `std::io::Error` itself.
pub fn write_stream(resources: ResourceList, out: &mut impl std::io::Write) -> Result<()> {
    let resources = resources.into_vec();
    check_printable(&resources)?;
    let mut first = true;
    print_in_order(resources, |doc| {
        if !std::mem::take(&mut first) {
            out.write_all(b"---\n")?;
        }
        out.write_all(doc.as_bytes())?;
        Ok(())
    })
}

/// Returns the error of the first resource (in order) that cannot be
/// printed. The printer refuses only non-finite floats and a few characters
/// (DEL, C1 controls, U+FFFE, U+FFFF; NEL in a key); resources are searched
/// for those in place first, and only when one may hold them is everything
/// printed once to find the failure. Printing every document just to check
/// it cost a second printing of the whole stream.
fn check_printable(resources: &[Resource]) -> Result<()> {
    let suspect = |r: &Resource| r.any_scalar(&|f| !f.is_finite(), &may_be_refused);
    let any_suspect = if resources.len() < PARALLEL_THRESHOLD {
        resources.iter().any(suspect)
    } else {
        resources.par_iter().any(suspect)
    };
    if !any_suspect {
        return Ok(());
    }
    let check = |scratch: &mut String, r: &Resource| {
        scratch.clear();
        print_document(&r.value(), scratch).with_context(|| format!("printing {}", r.id()))
    };
    if resources.len() < PARALLEL_THRESHOLD {
        let mut scratch = String::new();
        return resources.iter().try_for_each(|r| check(&mut scratch, r));
    }
    let failure = resources
        .par_iter()
        .map_init(String::new, check)
        .enumerate()
        .filter_map(|(i, result)| result.err().map(|e| (i, e)))
        .min_by_key(|(i, _)| *i);
    match failure {
        Some((_, error)) => Err(error),
        None => Ok(()),
    }
}

/// Whether printing may refuse a string holding this text (a superset of
/// what the printer refuses in values and keys).
fn may_be_refused(text: &str) -> bool {
    if text.is_ascii() {
        return text.as_bytes().contains(&0x7f);
    }
    text.chars()
        .any(|c| matches!(c, '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}'))
}

/// Prints resources in order into one string per document.
fn collect_in_order(resources: Vec<Resource>) -> Result<Vec<String>> {
    let mut docs = Vec::with_capacity(resources.len());
    print_in_order(resources, |doc| {
        docs.push(doc);
        Ok(())
    })?;
    Ok(docs)
}

/// Prints resources in order, in parallel batches for large lists, handing
/// each document to `sink` in order; stops at the first failure. Each
/// resource is dropped right after it is printed, on the thread that
/// printed it.
fn print_in_order(
    resources: Vec<Resource>,
    mut sink: impl FnMut(String) -> Result<()>,
) -> Result<()> {
    let parallel = resources.len() >= PARALLEL_THRESHOLD;
    let mut resources = resources.into_iter();
    loop {
        let batch: Vec<Resource> = resources.by_ref().take(BATCH_SIZE).collect();
        if batch.is_empty() {
            return Ok(());
        }
        if !parallel {
            // One document at a time: only one is ever held.
            let mut scratch = String::new();
            for resource in batch {
                sink(print_and_drop(&mut scratch, resource)?)?;
            }
            continue;
        }
        let printed: Vec<Result<String>> = batch
            .into_par_iter()
            .map_init(String::new, print_and_drop)
            .collect();
        for doc in printed {
            sink(doc?)?;
        }
    }
}

/// Prints one resource through `scratch` (which keeps its capacity from one
/// document to the next) into a string of exactly the document's size, then
/// drops the resource. A large document (a CRD of megabytes) is handed over
/// as printed instead: copying it cost a second copy's time, page faults and
/// memory at the peak, while the spare capacity of the scratch is address
/// space that was never touched.
fn print_and_drop(scratch: &mut String, resource: Resource) -> Result<String> {
    const LARGE: usize = 1 << 20;
    // A document's text is several times its frozen encoding (keys and
    // indentation written out: about 7x on deeply nested CRDs). Growing the
    // text by doubling copied it at each step and left the old block
    // resident until purged, the peak of a build of large CRDs; room
    // reserved up front and never written costs no memory.
    const TEXT_PER_FROZEN_BYTE: usize = 8;
    scratch.clear();
    if let Some(len) = resource.frozen_len().filter(|&len| len >= LARGE / 4) {
        scratch.reserve(len * TEXT_PER_FROZEN_BYTE);
    }
    print_document(&resource.value(), scratch)
        .with_context(|| format!("printing {}", resource.id()))?;
    drop(resource);
    if scratch.len() >= LARGE {
        return Ok(std::mem::take(scratch));
    }
    Ok(scratch.as_str().to_owned())
}

/// Writes one file per resource into `dir`, named like kustomize's
/// `build -o DIR`: `<group_version_kind>_<name>.yaml` in lower case, prefixed
/// with `<namespace>_` when the resources span more than one namespace.
/// Every resource is printed before any file is written. Returns the paths
/// written, in resource order.
///
/// File names come from resource names, which are input: every path is
/// checked to stay inside `dir` (symlinks resolved) before anything is
/// written.
pub fn write_individual_files(resources: ResourceList, dir: &Path) -> Result<Vec<PathBuf>> {
    let paths: Vec<PathBuf> = file_names(resources.as_slice())
        .into_iter()
        .map(|name| contained_file(dir, &name))
        .collect::<Result<_>>()?;
    let docs = render_documents(resources)?;
    for (path, doc) in paths.iter().zip(docs) {
        std::fs::write(path, doc).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(paths)
}

/// `dir/name`, refused when `name` (from a resource's name) would leave
/// `dir`: a `..` or absolute part, or a symbolic link on the way that
/// resolves outside it.
fn contained_file(dir: &Path, name: &str) -> Result<PathBuf> {
    let lexical_escape = Path::new(name)
        .components()
        .any(|c| !matches!(c, std::path::Component::Normal(_)));
    let refuse = || {
        anyhow::anyhow!(
            "cannot write {name:?}: the file name (from a resource's name) leads outside {}",
            dir.display()
        )
    };
    if lexical_escape {
        return Err(refuse());
    }
    let path = dir.join(name);
    let root = dir
        .canonicalize()
        .with_context(|| format!("writing into {}", dir.display()))?;
    // The deepest part of the path that exists decides where it leads.
    let mut existing = path.as_path();
    while std::fs::symlink_metadata(existing).is_err() {
        match existing.parent() {
            Some(parent) => existing = parent,
            None => break,
        }
    }
    let real = existing.canonicalize().map_err(|_| refuse())?;
    if !real.starts_with(&root) {
        return Err(refuse());
    }
    Ok(path)
}

/// The file name of each resource, in order.
fn file_names(resources: &[Resource]) -> Vec<String> {
    let namespaces: BTreeSet<&str> = resources
        .iter()
        .filter(|r| !r.gvk().is_cluster_scoped())
        .map(effective_namespace)
        .collect();
    let prefix_namespace = namespaces.len() > 1;
    resources
        .iter()
        .map(|r| {
            let name = file_name(r);
            if prefix_namespace && !r.gvk().is_cluster_scoped() {
                format!("{}_{}", effective_namespace(r).to_lowercase(), name)
            } else {
                name
            }
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{print_documents, Mapping, Value};

    fn config_map(name: &str, namespace: &str, data: &str) -> Resource {
        let mut meta = Mapping::new();
        meta.insert("name".into(), name.into());
        meta.insert("namespace".into(), namespace.into());
        let mut entries = Mapping::new();
        entries.insert("key".into(), data.into());
        let mut m = Mapping::new();
        m.insert("apiVersion".into(), "v1".into());
        m.insert("kind".into(), "ConfigMap".into());
        m.insert("metadata".into(), Value::Map(meta));
        m.insert("data".into(), Value::Map(entries));
        Resource::new(Value::Map(m), None)
    }

    /// `count` config maps; those whose index is in `failing` hold a DEL
    /// character, which the printer rejects.
    fn list(count: usize, failing: &[usize]) -> ResourceList {
        let mut list = ResourceList::new();
        for i in 0..count {
            let data = if failing.contains(&i) {
                "bad\u{7f}".to_string()
            } else {
                format!("value {i}\nsecond line")
            };
            list.push(config_map(&format!("cm-{i}"), "ns", &data))
                .unwrap();
        }
        list
    }

    fn expected(list: &ResourceList) -> String {
        let values: Vec<_> = list.iter().map(|r| r.value()).collect();
        print_documents(values.iter().map(|v| &**v)).unwrap()
    }

    #[test]
    fn consuming_render_keeps_the_bytes_of_printing_in_place() {
        // One thread, one parallel batch, and several batches.
        for count in [0, 1, 3, PARALLEL_THRESHOLD, BATCH_SIZE * 2 + 5] {
            let resources = list(count, &[]);
            let want = expected(&resources);
            assert_eq!(render(resources.clone()).unwrap(), want, "{count}");
            let mut written = Vec::new();
            write_documents(&render_documents(resources.clone()).unwrap(), &mut written).unwrap();
            assert_eq!(String::from_utf8(written).unwrap(), want, "{count}");
            let mut streamed = Vec::new();
            write_stream(resources, &mut streamed).unwrap();
            assert_eq!(String::from_utf8(streamed).unwrap(), want, "{count}");
        }
    }

    #[test]
    fn a_resource_that_cannot_be_printed_fails_the_whole_render() {
        for count in [3, BATCH_SIZE * 2 + 5] {
            let err = render_documents(list(count, &[count - 1])).unwrap_err();
            let message = format!("{err:#}");
            assert!(message.contains("control characters"), "{message}");
            assert!(
                message.contains(&format!("/cm-{}.", count - 1)),
                "{message}"
            );
        }
    }

    #[test]
    fn the_first_failing_resource_in_order_is_reported() {
        let failing = [BATCH_SIZE * 2 + 1, BATCH_SIZE + 200, BATCH_SIZE + 7];
        let err = render(list(BATCH_SIZE * 3, &failing)).unwrap_err();
        let message = format!("{err:#}");
        assert!(
            message.contains(&format!("/cm-{}.", BATCH_SIZE + 7)),
            "{message}"
        );
    }

    #[test]
    fn the_quick_check_covers_what_the_printer_refuses() {
        for s in ["a\u{7f}", "\u{85}", "x\u{9f}y", "\u{fffe}", "\u{ffff}"] {
            assert!(may_be_refused(s), "{s:?}");
        }
        for s in ["plain", "caf\u{e9} \u{2019}", "tab\tand\nbreak"] {
            assert!(!may_be_refused(s), "{s:?}");
        }
    }

    #[test]
    fn a_stream_with_an_unprintable_resource_writes_nothing() {
        // The failure sits in the last batch, after whole batches that
        // print, on one thread and in parallel.
        for count in [3, BATCH_SIZE * 3] {
            let failing = [count - 1, count - 2];
            let mut written = Vec::new();
            let err = write_stream(list(count, &failing), &mut written).unwrap_err();
            assert!(written.is_empty(), "{count}");
            let message = format!("{err:#}");
            assert!(
                message.contains(&format!("/cm-{}.", count - 2)),
                "{message}"
            );
        }
    }

    #[test]
    fn a_failing_writer_is_reported_as_its_io_error() {
        struct Closed;
        impl std::io::Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let err = write_stream(list(BATCH_SIZE * 2, &[]), &mut Closed).unwrap_err();
        let io = err.downcast_ref::<std::io::Error>().unwrap();
        assert_eq!(io.kind(), std::io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn individual_files_are_not_written_when_one_resource_fails() {
        let dir = std::env::temp_dir().join(format!("krust-output-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(write_individual_files(list(100, &[99]), &dir).is_err());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        let paths = write_individual_files(list(2, &[]), &dir).unwrap();
        let names: Vec<_> = paths.iter().map(|p| p.file_name().unwrap()).collect();
        assert_eq!(names, ["v1_configmap_cm-0.yaml", "v1_configmap_cm-1.yaml"]);
        let first = std::fs::read_to_string(&paths[0]).unwrap();
        assert_eq!(first, expected(&list(1, &[])));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
