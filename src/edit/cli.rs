//! The command-line shape of `krust edit` and `krust create` (kustomize's
//! flags and argument forms), mapped onto the library calls.

use super::create::{create, fix, CreateOptions};
use super::generator::{add_generator, prepare, GeneratorFlags};
use super::image::set_images;
use super::kustfile::KustFile;
use super::lists::{
    add_patch, add_paths, expand_paths, parse_build_metadata, remove_patch, remove_resources,
    set_replicas, set_string_field, PatchSpec,
};
use super::metadata::{add_metadata, remove_metadata, set_metadata, AddOptions, MetadataKind};
use crate::generate::GeneratorKind;
use crate::yaml::Value;
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use std::path::Path;

/// `krust edit`: edits the kustomization file of the current directory.
#[derive(Debug, Args)]
pub struct EditArgs {
    #[command(subcommand)]
    command: EditCommand,
}

#[derive(Debug, Subcommand)]
enum EditCommand {
    /// Sets the value of different fields in the kustomization file.
    #[command(subcommand)]
    Set(SetCommand),
    /// Adds an item to the kustomization file.
    #[command(subcommand)]
    Add(AddCommand),
    /// Removes items from the kustomization file.
    #[command(subcommand)]
    Remove(RemoveCommand),
    /// Fixes the missing and deprecated fields in the kustomization file.
    Fix {
        /// Also convert vars to replacements (not supported by krust).
        #[arg(long)]
        vars: bool,
    },
}

/// Positional arguments, passed on as given (checked by the library).
#[derive(Debug, Args)]
struct Values {
    values: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum SetCommand {
    /// Sets images: NAME[=NEWNAME][:TAG][@DIGEST]; `*` keeps a part.
    Image(Values),
    /// Sets the namespace field.
    Namespace(Values),
    /// Sets the namePrefix field.
    Nameprefix(Values),
    /// Sets the nameSuffix field.
    Namesuffix(Values),
    /// Sets replica counts: NAME=COUNT.
    Replicas(Values),
    /// Sets commonLabels: KEY:VALUE.
    Label(Values),
    /// Sets commonAnnotations: KEY:VALUE.
    Annotation(Values),
    /// Replaces buildMetadata with a comma-separated list of options.
    Buildmetadata(Values),
}

#[derive(Debug, Subcommand)]
enum AddCommand {
    /// Adds resource files or directories (globs allowed).
    Resource {
        #[command(flatten)]
        paths: Values,
        /// Add the paths without checking that they exist.
        #[arg(long)]
        no_verify: bool,
    },
    /// Adds components (globs allowed).
    Component(Values),
    /// Adds an entry to patches.
    Patch(PatchArgs),
    /// Adds a configMapGenerator entry, or sources to an existing one.
    Configmap(GeneratorArgs),
    /// Adds a secretGenerator entry, or sources to an existing one.
    Secret {
        #[command(flatten)]
        generator: GeneratorArgs,
        /// The secret type.
        #[arg(long = "type", default_value = "Opaque")]
        secret_type: String,
    },
    /// Adds commonLabels (or, with --without-selector, a labels entry).
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
    Annotation {
        #[command(flatten)]
        pairs: Values,
        /// Overwrite annotations that already exist.
        #[arg(short, long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
enum RemoveCommand {
    /// Removes resources matching the given globs.
    Resource(Values),
    /// Removes patches equal to the one described.
    Patch(PatchArgs),
    /// Removes commonLabels keys (one comma-separated argument).
    Label {
        #[command(flatten)]
        keys: Values,
        /// Do not fail on keys that are not there.
        #[arg(short, long = "ignore-non-existence")]
        ignore: bool,
    },
    /// Removes commonAnnotations keys (one comma-separated argument).
    Annotation {
        #[command(flatten)]
        keys: Values,
        /// Do not fail on keys that are not there.
        #[arg(short, long = "ignore-non-existence")]
        ignore: bool,
    },
}

#[derive(Debug, Args)]
struct PatchArgs {
    /// Path to the patch file.
    #[arg(long, default_value = "")]
    path: String,
    /// Inline patch text.
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    patch: String,
    /// Target API group.
    #[arg(long, default_value = "")]
    group: String,
    /// Target API version.
    #[arg(long, default_value = "")]
    version: String,
    /// Target kind.
    #[arg(long, default_value = "")]
    kind: String,
    /// Target name.
    #[arg(long, default_value = "")]
    name: String,
    /// Target namespace.
    #[arg(long, default_value = "")]
    namespace: String,
    /// Target annotation selector.
    #[arg(long, default_value = "")]
    annotation_selector: String,
    /// Target label selector.
    #[arg(long, default_value = "")]
    label_selector: String,
}

impl PatchArgs {
    fn spec(self) -> PatchSpec {
        PatchSpec {
            path: self.path,
            patch: self.patch,
            target: vec![
                ("group", self.group),
                ("version", self.version),
                ("kind", self.kind),
                ("name", self.name),
                ("namespace", self.namespace),
                ("annotationSelector", self.annotation_selector),
                ("labelSelector", self.label_selector),
            ],
        }
    }
}

#[derive(Debug, Args)]
struct GeneratorArgs {
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

/// `krust create`: makes a new kustomization in the current directory.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Comma-separated resource paths (globs allowed).
    #[arg(long, default_value = "")]
    resources: String,
    /// The namespace field.
    #[arg(long, default_value = "")]
    namespace: String,
    /// Comma-separated KEY:VALUE commonAnnotations.
    #[arg(long, default_value = "")]
    annotations: String,
    /// Comma-separated KEY:VALUE commonLabels.
    #[arg(long, default_value = "")]
    labels: String,
    /// The namePrefix field.
    #[arg(long, default_value = "")]
    nameprefix: String,
    /// The nameSuffix field.
    #[arg(long, default_value = "")]
    namesuffix: String,
    /// Add the resource files found in the directory.
    #[arg(long)]
    autodetect: bool,
    /// With --autodetect, also search subdirectories.
    #[arg(long)]
    recursive: bool,
}

impl CreateArgs {
    /// Runs `create` in `dir`.
    pub fn run(self, dir: &Path) -> Result<()> {
        let options = CreateOptions {
            resources: self.resources,
            namespace: self.namespace,
            annotations: self.annotations,
            labels: self.labels,
            name_prefix: self.nameprefix,
            name_suffix: self.namesuffix,
            autodetect: self.autodetect,
            recursive: self.recursive,
        };
        create(dir, &options)
    }
}

impl EditArgs {
    /// Runs the edit in `dir`: notes go to stderr, `fix`'s report to stdout.
    pub fn run(self, dir: &Path) -> Result<()> {
        let notes = match self.command {
            EditCommand::Set(set) => edit_file(dir, |file| run_set(file, set))?,
            EditCommand::Add(add) => run_add(dir, add)?,
            EditCommand::Remove(remove) => edit_file(dir, |file| run_remove(file, remove))?,
            EditCommand::Fix { vars: true } => {
                bail!("converting vars to replacements (--vars) is not supported")
            }
            EditCommand::Fix { vars: false } => {
                print!("{}", fix(dir)?);
                Vec::new()
            }
        };
        for note in notes {
            eprintln!("{note}");
        }
        Ok(())
    }
}

/// What an edit decided: notes to print, and whether to write the file.
type Outcome = (Vec<String>, bool);

fn edit_file(
    dir: &Path,
    apply: impl FnOnce(&mut KustFile) -> Result<Outcome>,
) -> Result<Vec<String>> {
    let mut file = KustFile::open(dir)?;
    let (notes, write) = apply(&mut file)?;
    if write {
        file.save()?;
    }
    Ok(notes)
}

fn written() -> Result<Outcome> {
    Ok((Vec::new(), true))
}

fn note(note: Option<String>) -> Result<Outcome> {
    Ok(match note {
        Some(text) => (vec![text], false),
        None => (Vec::new(), true),
    })
}

fn run_set(file: &mut KustFile, command: SetCommand) -> Result<Outcome> {
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
    }
    written()
}

fn run_add(dir: &Path, command: AddCommand) -> Result<Vec<String>> {
    match command {
        AddCommand::Resource { paths, no_verify } => {
            add_listed(dir, "resources", &paths, no_verify)
        }
        AddCommand::Component(paths) => add_listed(dir, "components", &paths, false),
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
            edit_file(dir, |f| {
                add_metadata(f.doc_mut(), MetadataKind::Label, &pairs.values, options)?;
                written()
            })
        }
        AddCommand::Annotation { pairs, force } => {
            let options = AddOptions {
                force,
                ..AddOptions::default()
            };
            edit_file(dir, |f| {
                add_metadata(
                    f.doc_mut(),
                    MetadataKind::Annotation,
                    &pairs.values,
                    options,
                )?;
                written()
            })
        }
    }
}

fn add_listed(dir: &Path, field: &str, paths: &Values, no_verify: bool) -> Result<Vec<String>> {
    if paths.values.is_empty() {
        let what = if field == "components" {
            "component"
        } else {
            "resource"
        };
        bail!("must specify a {what} file");
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

fn run_remove(file: &mut KustFile, command: RemoveCommand) -> Result<Outcome> {
    let doc = file.doc_mut();
    match command {
        RemoveCommand::Resource(v) => Ok((Vec::new(), remove_resources(doc, &v.values)?)),
        RemoveCommand::Patch(args) => note(remove_patch(doc, &args.spec())?),
        RemoveCommand::Label { keys, ignore } => {
            remove_metadata(doc, MetadataKind::Label, &keys.values, ignore)?;
            written()
        }
        RemoveCommand::Annotation { keys, ignore } => {
            remove_metadata(doc, MetadataKind::Annotation, &keys.values, ignore)?;
            written()
        }
    }
}
