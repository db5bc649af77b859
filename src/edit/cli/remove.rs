//! `krust edit remove ...`.

use super::{edit_file, examples, note, written, Outcome, PatchArgs, Values};
use crate::edit::generator_set::{parse_remove_names, remove_generators};
use crate::edit::kustfile::KustFile;
use crate::edit::lists::{
    parse_build_metadata, remove_build_metadata, remove_listed, remove_patch,
};
use crate::edit::metadata::{remove_metadata, MetadataKind};
use crate::generate::GeneratorKind;
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::Path;

#[derive(Debug, Subcommand)]
pub(super) enum RemoveCommand {
    /// Removes resources matching the given globs.
    #[command(after_help = examples::REMOVE_RESOURCE)]
    Resource(Values),
    /// Removes patches equal to the one described.
    #[command(after_help = examples::REMOVE_PATCH)]
    Patch(PatchArgs),
    /// Removes commonLabels keys (one comma-separated argument).
    #[command(after_help = examples::REMOVE_LABEL)]
    Label {
        #[command(flatten)]
        keys: Values,
        /// Do not fail on keys that are not there.
        #[arg(short, long = "ignore-non-existence")]
        ignore: bool,
    },
    /// Removes commonAnnotations keys (one comma-separated argument).
    #[command(after_help = examples::REMOVE_ANNOTATION)]
    Annotation {
        #[command(flatten)]
        keys: Values,
        /// Do not fail on keys that are not there.
        #[arg(short, long = "ignore-non-existence")]
        ignore: bool,
    },
    /// Removes configMapGenerator entries (one comma-separated argument).
    #[command(after_help = examples::REMOVE_CONFIGMAP)]
    Configmap(RemoveGeneratorArgs),
    /// Removes secretGenerator entries (one comma-separated argument).
    #[command(after_help = examples::REMOVE_SECRET)]
    Secret(RemoveGeneratorArgs),
    /// Removes transformers matching the given globs.
    #[command(after_help = examples::REMOVE_TRANSFORMER)]
    Transformer(Values),
    /// Removes buildMetadata options (one comma-separated argument).
    #[command(after_help = examples::REMOVE_BUILDMETADATA)]
    Buildmetadata(Values),
}

/// The arguments of `remove configmap|secret`.
#[derive(Debug, Args)]
pub(super) struct RemoveGeneratorArgs {
    #[command(flatten)]
    names: Values,
    /// The namespace of the entries (empty means default).
    #[arg(long, default_value = "")]
    namespace: String,
}

/// Runs a `remove` command in `dir`.
pub(super) fn run(dir: &Path, command: RemoveCommand) -> Result<Vec<String>> {
    match command {
        RemoveCommand::Configmap(args) => remove_generated(dir, GeneratorKind::ConfigMap, args),
        RemoveCommand::Secret(args) => remove_generated(dir, GeneratorKind::Secret, args),
        RemoveCommand::Buildmetadata(args) => {
            let options = parse_build_metadata(&args.values)?;
            edit_file(dir, |f| {
                remove_build_metadata(f.doc_mut(), &options);
                written()
            })
        }
        other => edit_file(dir, |file| remove_from(file, other)),
    }
}

fn remove_from(file: &mut KustFile, command: RemoveCommand) -> Result<Outcome> {
    let doc = file.doc_mut();
    match command {
        RemoveCommand::Resource(v) => Ok((Vec::new(), remove_listed(doc, "resources", &v.values)?)),
        RemoveCommand::Transformer(v) => {
            Ok((Vec::new(), remove_listed(doc, "transformers", &v.values)?))
        }
        RemoveCommand::Patch(args) => note(remove_patch(doc, &args.spec())?),
        RemoveCommand::Label { keys, ignore } => {
            remove_metadata(doc, MetadataKind::Label, &keys.values, ignore)?;
            written()
        }
        RemoveCommand::Annotation { keys, ignore } => {
            remove_metadata(doc, MetadataKind::Annotation, &keys.values, ignore)?;
            written()
        }
        RemoveCommand::Configmap(_)
        | RemoveCommand::Secret(_)
        | RemoveCommand::Buildmetadata(_) => {
            unreachable!("handled before the file is opened")
        }
    }
}

/// `remove configmap|secret`: the names are checked first; kustomize's
/// messages name the step that failed.
fn remove_generated(
    dir: &Path,
    kind: GeneratorKind,
    args: RemoveGeneratorArgs,
) -> Result<Vec<String>> {
    let names = parse_remove_names(&args.names.values, kind)?;
    let mut file =
        KustFile::open(dir).map_err(|e| e.context("could not read kustomization file"))?;
    let notes = remove_generators(file.doc_mut(), kind, &names, &args.namespace)?;
    file.save()
        .map_err(|e| e.context("failed to write kustomization file"))?;
    Ok(notes)
}
