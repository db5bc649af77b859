//! `krust edit` and `krust create`: changing a kustomization file the way
//! `kustomize edit` and `kustomize create` do, down to the bytes written.
//!
//! Every edit is read → change → write: [`KustFile::open`] decodes the
//! kustomization of a directory (with kustomize's schema checks and
//! read-time fix-ups) into a mapping with JSON field names; the functions
//! below change that mapping; [`KustFile::save`] writes it back with
//! kustomize's layout (which comments and field orders survive, and which
//! values are written, as kustomize's Go types decide).
//!
//! As `kustomize edit set image` does, this also writes the `apiVersion` and
//! `kind` a kustomization left out:
//!
//! ```
//! use krust::edit::{set_images, KustFile};
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("kustomization.yaml"), "resources:\n- deploy.yaml\n")?;
//! let mut file = KustFile::open(dir.path())?;
//! set_images(file.doc_mut(), &["nginx=registry.example/nginx:1.27".to_string()])?;
//! file.save()?;
//! assert_eq!(
//!     std::fs::read_to_string(dir.path().join("kustomization.yaml"))?,
//!     "resources:\n- deploy.yaml\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n\
//!      images:\n- name: nginx\n  newName: registry.example/nginx\n  newTag: \"1.27\"\n"
//! );
//! # Ok::<(), anyhow::Error>(())
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
