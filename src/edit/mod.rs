//! `krust edit` and `krust create`: changing a kustomization file the way
//! `kustomize edit` and `kustomize create` do, down to the bytes written.
//!
//! Every edit is read → change → write: [`KustFile::open`] decodes the
//! kustomization of a directory (with kustomize's schema checks and
//! read-time fix-ups) into a mapping with JSON field names; the functions
//! below change that mapping; [`KustFile::save`] writes it back with
//! kustomize's layout (see [`kustfile`] for which comments and field
//! orders survive, and [`gotype`] for which values are written).
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! use krust::edit::{set_images, KustFile};
//! let mut file = KustFile::open(std::path::Path::new("overlays/prod"))?;
//! set_images(file.doc_mut(), &["nginx=registry.example/nginx:1.27".to_string()])?;
//! file.save()?;
//! # Ok(())
//! # }
//! ```

pub mod cli;
pub(crate) mod create;
mod doc;
pub(crate) mod fixup;
pub(crate) mod generator;
pub(crate) mod generator_set;
pub(crate) mod glob;
pub(crate) mod gotype;
pub(crate) mod image;
pub(crate) mod kustfile;
pub(crate) mod lists;
pub(crate) mod metadata;
pub(crate) mod vars;

pub use create::{create, fix, CreateOptions};
pub use generator::{add_generator, GeneratorFlags};
pub use generator_set::{remove_generators, set_generator, SetFlags};
pub use image::{parse_image_arg, set_images, split_image_name, ImageEntry};
pub use kustfile::KustFile;
pub use lists::{
    add_bases, add_build_metadata, add_patch, add_paths, expand_paths, parse_build_metadata,
    remove_build_metadata, remove_listed, remove_patch, remove_resources, set_replicas,
    set_string_field, PatchSpec,
};
pub use metadata::{add_metadata, remove_metadata, set_metadata, AddOptions, MetadataKind};
pub use vars::convert_vars;
