//! The kustomization fields that hold paths, as `kustomize localize` walks
//! them, each with what its paths name.

use crate::yaml::{Mapping, Value};
use anyhow::Result;

/// What a path in a kustomization names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A `resources` entry: a file, a directory or a remote URL.
    Resource,
    /// A `components` (or legacy `bases`) entry: a kustomization directory.
    Root,
    /// A file that must exist.
    File,
    /// A `patchesStrategicMerge` entry: a file, or an inline patch.
    FileOrInline,
    /// A `generators`/`transformers`/`validators` entry: a file, a
    /// directory, a remote URL, or an inline config.
    Plugin,
}

/// Calls `visit` on every path of `doc` (a decoded kustomization) and
/// replaces the path with what it returns.
pub fn rewrite_paths(
    doc: &mut Mapping,
    visit: &mut dyn FnMut(PathKind, &str) -> Result<String>,
) -> Result<()> {
    for (field, kind) in [
        ("resources", PathKind::Resource),
        ("bases", PathKind::Root),
        ("components", PathKind::Root),
        ("configurations", PathKind::File),
        ("crds", PathKind::File),
        ("patchesStrategicMerge", PathKind::FileOrInline),
        ("generators", PathKind::Plugin),
        ("transformers", PathKind::Plugin),
        ("validators", PathKind::Plugin),
    ] {
        for_each_string(doc.get_mut(field), &mut |s| visit(kind, s))?;
    }
    if let Some(Value::Map(openapi)) = doc.get_mut("openapi") {
        rewrite_key(openapi, "path", visit)?;
    }
    for field in ["patches", "patchesJson6902", "replacements"] {
        for item in maps_in(doc.get_mut(field)) {
            rewrite_key(item, "path", visit)?;
        }
    }
    for field in ["configMapGenerator", "secretGenerator"] {
        for generator in maps_in(doc.get_mut(field)) {
            rewrite_key(generator, "env", visit)?;
            for_each_string(generator.get_mut("envs"), &mut |s| visit(PathKind::File, s))?;
            for_each_string(generator.get_mut("files"), &mut |s| file_source(s, visit))?;
        }
    }
    for chart in maps_in(doc.get_mut("helmCharts")) {
        rewrite_key(chart, "valuesFile", visit)?;
        for_each_string(chart.get_mut("additionalValuesFiles"), &mut |s| {
            visit(PathKind::File, s)
        })?;
    }
    for chart in maps_in(doc.get_mut("helmChartInflationGenerator")) {
        rewrite_key(chart, "values", visit)?;
    }
    Ok(())
}

/// A generator's `files` entry: `path` or `key=path`, read as the
/// generator reads it (a URL with `=` in its query is refused there too).
/// A `path` whose localized form would give another key (a URL's query
/// is part of the key, not of the localized file name) gets its key
/// written out.
fn file_source(
    source: &str,
    visit: &mut dyn FnMut(PathKind, &str) -> Result<String>,
) -> Result<String> {
    use crate::generate::kv::parse_file_source;
    let (key, path) = parse_file_source(source)?;
    let localized = visit(PathKind::File, &path)?;
    let same_key = parse_file_source(&localized).is_ok_and(|(k, _)| k == key);
    if path == source && same_key {
        Ok(localized)
    } else {
        Ok(format!("{key}={localized}"))
    }
}

fn rewrite_key(
    map: &mut Mapping,
    key: &str,
    visit: &mut dyn FnMut(PathKind, &str) -> Result<String>,
) -> Result<()> {
    if let Some(Value::String(path)) = map.get_mut(key) {
        if !path.is_empty() {
            *path = visit(PathKind::File, path)?.into();
        }
    }
    Ok(())
}

fn for_each_string(
    value: Option<&mut Value>,
    visit: &mut dyn FnMut(&str) -> Result<String>,
) -> Result<()> {
    if let Some(Value::Seq(items)) = value {
        for item in items.iter_mut() {
            if let Value::String(text) = item {
                if !text.is_empty() {
                    *text = visit(text)?.into();
                }
            }
        }
    }
    Ok(())
}

fn maps_in(value: Option<&mut Value>) -> Vec<&mut Mapping> {
    match value {
        Some(Value::Seq(items)) => items
            .iter_mut()
            .filter_map(|item| match item {
                Value::Map(map) => Some(map),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_field_is_visited() {
        let text = "resources: [a.yaml, ../base]\ncomponents: [c]\nconfigurations: [cfg.yaml]\n\
            openapi: {path: schema.json}\npatches: [{path: p.yaml}, {patch: inline}]\n\
            patchesStrategicMerge: [s.yaml]\nreplacements: [{path: r.yaml}]\n\
            configMapGenerator: [{name: x, files: [k=f.txt, g.txt, 'http://h/q.txt?v'], envs: [e.env], env: old.env}]\n\
            helmCharts: [{name: h, valuesFile: v.yaml, additionalValuesFiles: [w.yaml]}]\n\
            generators: [gen.yaml]\n";
        let doc = crate::yaml::parse_documents(text, std::path::Path::new("k.yaml")).unwrap();
        let Value::Map(mut doc) = doc.into_iter().next().unwrap() else {
            panic!("a mapping");
        };
        let mut seen = Vec::new();
        rewrite_paths(&mut doc, &mut |kind, path| {
            seen.push((kind, path.to_string()));
            Ok(format!("L/{path}"))
        })
        .unwrap();
        let paths: Vec<&str> = seen.iter().map(|(_, p)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "a.yaml",
                "../base",
                "c",
                "cfg.yaml",
                "s.yaml",
                "gen.yaml",
                "schema.json",
                "p.yaml",
                "r.yaml",
                "old.env",
                "e.env",
                "f.txt",
                "g.txt",
                "http://h/q.txt?v",
                "v.yaml",
                "w.yaml"
            ]
        );
        assert_eq!(seen[1].0, PathKind::Resource);
        assert_eq!(seen[2].0, PathKind::Root);
        let Some(Value::Seq(gens)) = doc.get("configMapGenerator") else {
            panic!()
        };
        let Value::Map(generator) = &gens[0] else {
            panic!()
        };
        let Some(Value::Seq(files)) = generator.get("files") else {
            panic!()
        };
        assert_eq!(files[0].as_str(), Some("k=L/f.txt"));
        assert_eq!(files[1].as_str(), Some("L/g.txt"));
        assert_eq!(files[2].as_str(), Some("L/http://h/q.txt?v"));
    }

    #[test]
    fn a_file_source_keeps_its_key() {
        let mut drop_query =
            |_: PathKind, path: &str| Ok(format!("localized/{}", path.split('?').next().unwrap()));
        // The key stays the URL's last element, query included.
        assert_eq!(
            file_source("http://h/q.txt?v", &mut drop_query).unwrap(),
            "q.txt?v=localized/http://h/q.txt"
        );
        assert_eq!(
            file_source("http://h/q.txt", &mut drop_query).unwrap(),
            "localized/http://h/q.txt"
        );
        assert_eq!(
            file_source("k=http://h/q.txt?v", &mut drop_query).unwrap(),
            "k=localized/http://h/q.txt"
        );
        assert!(file_source("k=http://h/q.txt?v=1", &mut drop_query).is_err());
    }
}
