//! `krust edit set ...`.

use super::{edit_file, examples, written, Outcome, Values};
use crate::edit::generator_set::{set_generator, validate_set, word, SetFlags};
use crate::edit::image::set_images;
use crate::edit::kustfile::KustFile;
use crate::edit::lists::{parse_build_metadata, set_replicas, set_string_field};
use crate::edit::metadata::{set_metadata, MetadataKind};
use crate::generate::GeneratorKind;
use crate::yaml::Value;
use anyhow::{anyhow, Result};
use clap::{Args, Subcommand};
use std::path::Path;

#[derive(Debug, Subcommand)]
pub(super) enum SetCommand {
    /// Sets images: NAME[=NEWNAME][:TAG][@DIGEST]; `*` keeps a part.
    #[command(after_help = examples::SET_IMAGE)]
    Image(Values),
    /// Sets the namespace field.
    #[command(after_help = examples::SET_NAMESPACE)]
    Namespace(Values),
    /// Sets the namePrefix field.
    #[command(after_help = examples::SET_NAMEPREFIX)]
    Nameprefix(Values),
    /// Sets the namesuffix field.
    #[command(after_help = examples::SET_NAMESUFFIX)]
    Namesuffix(Values),
    /// Sets replica counts: NAME=COUNT.
    #[command(after_help = examples::SET_REPLICAS)]
    Replicas(Values),
    /// Sets commonLabels: KEY:VALUE.
    #[command(after_help = examples::SET_LABEL)]
    Label(Values),
    /// Sets commonAnnotations: KEY:VALUE.
    #[command(after_help = examples::SET_ANNOTATION)]
    Annotation(Values),
    /// Replaces buildMetadata with a comma-separated list of options.
    #[command(after_help = examples::SET_BUILDMETADATA)]
    Buildmetadata(Values),
    /// Changes literal values or the namespace of an existing configMapGenerator entry.
    #[command(after_help = examples::SET_CONFIGMAP)]
    Configmap(SetGeneratorArgs),
    /// Changes literal values or the namespace of an existing secretGenerator entry.
    #[command(after_help = examples::SET_SECRET)]
    Secret(SetGeneratorArgs),
}

/// The arguments of `set configmap|secret`.
#[derive(Debug, Args)]
pub(super) struct SetGeneratorArgs {
    #[command(flatten)]
    name: Values,
    /// KEY=VALUE: a new value for a literal key the entry has.
    #[arg(long = "from-literal", allow_hyphen_values = true)]
    from_literal: Vec<String>,
    /// The entry's current namespace (empty means default).
    #[arg(long, default_value = "")]
    namespace: String,
    /// The namespace to move the entry to.
    #[arg(long = "new-namespace", default_value = "")]
    new_namespace: String,
}

/// Runs a `set` command in `dir`.
pub(super) fn run(dir: &Path, command: SetCommand) -> Result<Vec<String>> {
    match command {
        SetCommand::Configmap(args) => set_generated(dir, GeneratorKind::ConfigMap, args),
        SetCommand::Secret(args) => set_generated(dir, GeneratorKind::Secret, args),
        other => edit_file(dir, |file| set_field(file, other)),
    }
}

fn set_field(file: &mut KustFile, command: SetCommand) -> Result<Outcome> {
    let doc = file.doc_mut();
    match command {
        SetCommand::Image(v) => set_images(doc, &v.values)?,
        SetCommand::Namespace(v) => set_string_field(doc, "namespace", &v.values)?,
        SetCommand::Nameprefix(v) => set_string_field(doc, "namePrefix", &v.values)?,
        SetCommand::Namesuffix(v) => set_string_field(doc, "nameSuffix", &v.values)?,
        SetCommand::Replicas(v) => set_replicas(doc, &v.values)?,
        SetCommand::Label(v) => set_metadata(doc, MetadataKind::Label, &v.values)?,
        SetCommand::Annotation(v) => set_metadata(doc, MetadataKind::Annotation, &v.values)?,
        SetCommand::Buildmetadata(v) => {
            let options = parse_build_metadata(&v.values)?;
            let options = options.into_iter().map(Value::from).collect();
            doc.insert("buildMetadata".into(), Value::Seq(options));
        }
        SetCommand::Configmap(_) | SetCommand::Secret(_) => {
            unreachable!("generator entries are set by set_generated")
        }
    }
    written()
}

/// `set configmap|secret`: the arguments are checked first, then the
/// entry is changed and checked by generating it.
fn set_generated(dir: &Path, kind: GeneratorKind, args: SetGeneratorArgs) -> Result<Vec<String>> {
    let flags = SetFlags {
        literals: args.from_literal,
        namespace: args.namespace,
        new_namespace: args.new_namespace,
    };
    let name = validate_set(&args.name.values, &flags)?;
    let mut file =
        KustFile::open(dir).map_err(|e| e.context("failed to load kustomization file"))?;
    set_generator(file.doc_mut(), kind, &name, &flags, dir)
        .map_err(|e| anyhow!("failed to create {}: {e:#}", word(kind)))?;
    file.save()
        .map_err(|e| e.context("failed to write kustomization file"))?;
    Ok(Vec::new())
}
