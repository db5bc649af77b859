//! `krust edit add ...`.

use super::{edit_file, examples, note, written, PatchArgs, Values};
use crate::edit::generator::{add_generator, prepare, GeneratorFlags};
use crate::edit::kustfile::KustFile;
use crate::edit::lists::{
    add_bases, add_build_metadata, add_patch, add_paths, entry_word, expand_paths,
    expand_plugin_paths, parse_build_metadata,
};
use crate::edit::metadata::{add_metadata, AddOptions, MetadataKind};
use crate::generate::GeneratorKind;
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use std::path::Path;

#[derive(Debug, Subcommand)]
pub(super) enum AddCommand {
    /// Adds resource files or directories (globs allowed).
    #[command(after_help = examples::ADD_RESOURCE)]
    Resource {
        #[command(flatten)]
        paths: Values,
        /// Add the paths without checking that they exist.
        #[arg(long)]
        no_verify: bool,
    },
    /// Adds components (globs allowed).
    #[command(after_help = examples::ADD_COMPONENT)]
    Component(Values),
    /// Adds base directories to resources (one comma-separated argument).
    #[command(after_help = examples::ADD_BASE)]
    Base(Values),
    /// Adds an entry to patches.
    #[command(after_help = examples::ADD_PATCH)]
    Patch(PatchArgs),
    /// Adds a configMapGenerator entry, or sources to an existing one.
    #[command(after_help = examples::ADD_CONFIGMAP)]
    Configmap(GeneratorArgs),
    /// Adds a secretGenerator entry, or sources to an existing one.
    #[command(after_help = examples::ADD_SECRET)]
    Secret {
        #[command(flatten)]
        generator: GeneratorArgs,
        /// The secret type.
        #[arg(long = "type", default_value = "Opaque")]
        secret_type: String,
    },
    /// Adds commonLabels (or, with --without-selector, a labels entry).
    #[command(after_help = examples::ADD_LABEL)]
    Label {
        #[command(flatten)]
        pairs: Values,
        /// Overwrite labels that already exist.
        #[arg(short, long)]
        force: bool,
        /// Add a labels entry that leaves selectors alone.
        #[arg(long)]
        without_selector: bool,
        /// With --without-selector: also label pod templates.
        #[arg(long)]
        include_templates: bool,
    },
    /// Adds commonAnnotations.
    #[command(after_help = examples::ADD_ANNOTATION)]
    Annotation {
        #[command(flatten)]
        pairs: Values,
        /// Overwrite annotations that already exist.
        #[arg(short, long)]
        force: bool,
    },
    /// Adds buildMetadata options (one comma-separated argument).
    #[command(after_help = examples::ADD_BUILDMETADATA)]
    Buildmetadata(Values),
    /// Adds files holding transformer configurations (globs allowed).
    #[command(after_help = examples::ADD_TRANSFORMER)]
    Transformer(Values),
    /// Adds files holding generator configurations (globs allowed).
    #[command(after_help = examples::ADD_GENERATOR)]
    Generator(Values),
}

/// The arguments of `add configmap|secret`.
#[derive(Debug, Args)]
pub(super) struct GeneratorArgs {
    #[command(flatten)]
    name: Values,
    /// [KEY=]PATH sources (comma-separated or repeated; globs allowed).
    #[arg(long = "from-file", value_delimiter = ',')]
    from_file: Vec<String>,
    /// KEY=VALUE sources.
    #[arg(long = "from-literal", allow_hyphen_values = true)]
    from_literal: Vec<String>,
    /// An env file of KEY=VALUE lines.
    #[arg(long = "from-env-file", default_value = "")]
    from_env_file: String,
    /// create, merge or replace.
    #[arg(long, default_value = "")]
    behavior: String,
    /// The object's namespace.
    #[arg(long, default_value = "")]
    namespace: String,
    /// Do not append a content hash to the name.
    #[arg(long = "disableNameSuffixHash")]
    disable_name_suffix_hash: bool,
}

impl GeneratorArgs {
    fn flags(self, secret_type: String) -> (GeneratorFlags, Vec<String>) {
        let flags = GeneratorFlags {
            name: String::new(),
            files: self.from_file,
            literals: self.from_literal,
            env_file: self.from_env_file,
            behavior: self.behavior,
            secret_type,
            namespace: self.namespace,
            disable_name_suffix_hash: self.disable_name_suffix_hash,
        };
        (flags, self.name.values)
    }
}

/// Runs an `add` command in `dir`.
pub(super) fn run(dir: &Path, command: AddCommand) -> Result<Vec<String>> {
    match command {
        AddCommand::Resource { paths, no_verify } => {
            add_listed(dir, "resources", &paths, no_verify)
        }
        AddCommand::Component(paths) => add_listed(dir, "components", &paths, false),
        AddCommand::Base(args) => {
            let [arg] = args.values.as_slice() else {
                bail!("must specify a base directory");
            };
            edit_file(dir, |f| {
                add_bases(f.doc_mut(), dir, arg)?;
                written()
            })
        }
        AddCommand::Patch(args) => edit_file(dir, |f| note(add_patch(f.doc_mut(), &args.spec())?)),
        AddCommand::Configmap(args) => add_generated(dir, GeneratorKind::ConfigMap, args, ""),
        AddCommand::Secret {
            generator,
            secret_type,
        } => add_generated(dir, GeneratorKind::Secret, generator, &secret_type),
        AddCommand::Label {
            pairs,
            force,
            without_selector,
            include_templates,
        } => {
            let options = AddOptions {
                force,
                without_selector,
                include_templates,
            };
            add_pairs(dir, MetadataKind::Label, &pairs, options)
        }
        AddCommand::Annotation { pairs, force } => {
            let options = AddOptions {
                force,
                ..AddOptions::default()
            };
            add_pairs(dir, MetadataKind::Annotation, &pairs, options)
        }
        AddCommand::Buildmetadata(args) => {
            let options = parse_build_metadata(&args.values)?;
            edit_file(dir, |f| {
                add_build_metadata(f.doc_mut(), &options)?;
                written()
            })
        }
        AddCommand::Transformer(args) => add_plugin_files(dir, "transformers", &args),
        AddCommand::Generator(args) => add_plugin_files(dir, "generators", &args),
    }
}

fn add_pairs(
    dir: &Path,
    kind: MetadataKind,
    pairs: &Values,
    options: AddOptions,
) -> Result<Vec<String>> {
    edit_file(dir, |f| {
        add_metadata(f.doc_mut(), kind, &pairs.values, options)?;
        written()
    })
}

fn add_listed(dir: &Path, field: &str, paths: &Values, no_verify: bool) -> Result<Vec<String>> {
    if paths.values.is_empty() {
        bail!("must specify a {} file", entry_word(field));
    }
    let expanded = expand_paths(dir, &paths.values, no_verify)?;
    if expanded.is_empty() {
        return Ok(Vec::new());
    }
    edit_file(dir, |f| {
        let name = f.name();
        Ok((add_paths(f.doc_mut(), field, &expanded, name), true))
    })
}

/// `add transformer|generator`: globs first (a pattern matching nothing is
/// only noted); nothing found means the file is left alone.
fn add_plugin_files(dir: &Path, field: &str, patterns: &Values) -> Result<Vec<String>> {
    if patterns.values.is_empty() {
        bail!(
            "must specify a yaml file which contains a {} plugin resource",
            entry_word(field)
        );
    }
    let (paths, mut notes) = expand_plugin_paths(dir, &patterns.values)?;
    if paths.is_empty() {
        return Ok(notes);
    }
    notes.extend(edit_file(dir, |f| {
        let name = f.name();
        Ok((add_paths(f.doc_mut(), field, &paths, name), true))
    })?);
    Ok(notes)
}

fn add_generated(
    dir: &Path,
    kind: GeneratorKind,
    args: GeneratorArgs,
    secret_type: &str,
) -> Result<Vec<String>> {
    let (flags, names) = args.flags(secret_type.to_string());
    let flags = prepare(dir, flags, &names)?;
    let mut file =
        KustFile::open(dir).map_err(|e| e.context("failed to load kustomization file"))?;
    add_generator(file.doc_mut(), kind, &flags, dir)?;
    file.save()
        .map_err(|e| e.context("failed to write kustomization file"))?;
    Ok(Vec::new())
}
