//! The command-line shape of `krust edit` and `krust create` (kustomize
//! v5.5's commands, flags and argument forms), mapped onto the library
//! calls. As in kustomize, arguments are checked before the kustomization
//! file is read where kustomize checks them first, notes go to stderr, and
//! `fix` prints its report on stdout.

mod add;
mod examples;
mod remove;
mod set;

use super::create::{create, fix, CreateOptions};
use super::kustfile::KustFile;
use super::lists::PatchSpec;
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::Path;

pub use examples::{CREATE_EXAMPLES, EDIT_EXAMPLES};

/// `krust edit`: edits the kustomization file of the current directory.
#[derive(Debug, Args)]
pub struct EditArgs {
    #[command(subcommand)]
    command: EditCommand,
}

#[derive(Debug, Subcommand)]
enum EditCommand {
    /// Sets the value of different fields in the kustomization file.
    #[command(subcommand, after_help = examples::SET)]
    Set(set::SetCommand),
    /// Adds an item to the kustomization file.
    #[command(subcommand, after_help = examples::ADD)]
    Add(add::AddCommand),
    /// Removes items from the kustomization file.
    #[command(subcommand, after_help = examples::REMOVE)]
    Remove(remove::RemoveCommand),
    /// Fixes the missing and deprecated fields in the kustomization file.
    #[command(after_help = examples::FIX)]
    Fix {
        /// Also convert vars to replacements; this rewrites the resource and
        /// patch files that use them (`$(VAR)` becomes `VAR_PLACEHOLDER`).
        #[arg(long)]
        vars: bool,
    },
    /// Lists kustomize's builtin plugins.
    #[command(
        name = "alpha-list-builtin-plugin",
        visible_alias = "list-builtin-plugin",
        after_help = examples::LIST_BUILTIN
    )]
    ListBuiltinPlugin,
}

/// Positional arguments, passed on as given (checked by the library).
#[derive(Debug, Args)]
struct Values {
    values: Vec<String>,
}

/// The patch of `edit add|remove patch`.
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
    /// Runs the edit in `dir`: notes go to stderr, `fix`'s report and the
    /// plugin list to stdout.
    pub fn run(self, dir: &Path) -> Result<()> {
        let notes = match self.command {
            EditCommand::Set(command) => set::run(dir, command)?,
            EditCommand::Add(command) => add::run(dir, command)?,
            EditCommand::Remove(command) => remove::run(dir, command)?,
            EditCommand::Fix { vars } => {
                crate::cli::write_stdout(&fix(dir, vars)?)?;
                Vec::new()
            }
            EditCommand::ListBuiltinPlugin => {
                crate::cli::write_stdout(&builtin_plugin_list())?;
                Vec::new()
            }
        };
        for note in notes {
            eprintln!("{note}");
        }
        Ok(())
    }
}

/// What `alpha-list-builtin-plugin` prints: generators, then transformers.
/// (kustomize lists them from Go maps, in an order that varies per run.)
fn builtin_plugin_list() -> String {
    use crate::plugin::builtin::{Builtin, BUILTIN_KINDS};
    let is_generator = |name: &str| Builtin::from_kind(name).is_some_and(Builtin::is_generator);
    let generators = BUILTIN_KINDS.iter().filter(|n| is_generator(n));
    let transformers = BUILTIN_KINDS.iter().filter(|n| !is_generator(n));
    let mut out = String::from("Builtin plugins:\n\n");
    for name in generators.chain(transformers) {
        out.push_str(&format!(" * {name}\n"));
    }
    out
}

/// What an edit decided: notes to print, and whether to write the file.
type Outcome = (Vec<String>, bool);

/// Opens the kustomization of `dir`, applies `apply`, and writes the file
/// when it says so.
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

/// A note instead of a write, or a write.
fn note(note: Option<String>) -> Result<Outcome> {
    Ok(match note {
        Some(text) => (vec![text], false),
        None => (Vec::new(), true),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_plugins_are_listed_generators_first() {
        let list = builtin_plugin_list();
        assert!(
            list.starts_with("Builtin plugins:\n\n * ConfigMapGenerator\n"),
            "{list}"
        );
        assert_eq!(list.lines().filter(|l| l.starts_with(" * ")).count(), 18);
        let generator = list.find("HelmChartInflationGenerator").unwrap();
        let transformer = list.find("AnnotationsTransformer").unwrap();
        assert!(generator < transformer, "{list}");
    }
}
