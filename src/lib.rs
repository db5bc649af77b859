//! krust: a Kustomize-compatible Kubernetes manifest renderer.
//!
//! The build pipeline reads top to bottom like kustomize's documented order:
//! **load → accumulate → generate → transform → resolve names → order →
//! print**. Each stage lives in its own module:
//!
//! * [`yaml`]: parsing with yaml.v3's scalar rules, and a printer that writes
//!   exactly what kustomize writes.
//! * [`resource`]: resource identities and the ordered resource list.
//! * [`kustomization`]: the `kustomization.yaml` schema.
//! * [`load`]: reading kustomizations and their resources from disk.
//! * [`fieldspec`]: where each transformer looks in each kind.
//! * [`generate`]: configMapGenerator and secretGenerator, with kustomize's
//!   content hash.
//! * [`transform`]: the builtin transformers, one module each.
//! * [`buildmeta`]: the `buildMetadata` field (origin and transformer
//!   annotations, the managed-by label).
//! * [`finalize`]: kustomize's clean-up of internal annotations.
//! * [`order`]: the final resource order.
//! * [`sops`]: decryption of SOPS-encrypted files with age keys.
//! * [`build`]: the pipeline that ties them together.
//! * [`edit`]: `edit` and `create`, changing kustomization files as
//!   kustomize does.
//! * [`render_all`]: many environments at once, into a rendered-manifests tree.
//! * [`diff`]: comparing two renders resource by resource.
//! * [`cli`]: the command line of the `krust` binary (flags shared by
//!   `build`, `render` and the ArgoCD plugin, pflag's syntax, exit status),
//!   and the ArgoCD config management plugin's generate command.

pub mod build;
pub(crate) mod buildmeta;
pub mod cli;
pub mod diff;
pub mod edit;
pub(crate) mod fieldspec;
pub(crate) mod finalize;
pub(crate) mod generate;
mod gojson;
mod gopath;
pub(crate) mod kustomization;
pub(crate) mod load;
pub mod localize;
pub(crate) mod openapi;
pub(crate) mod order;
pub mod output;
pub(crate) mod patch;
pub(crate) mod plugin;
pub(crate) mod remote;
pub mod render_all;
pub mod resource;
pub(crate) mod sensitive;
pub mod sops;
pub(crate) mod transform;
pub mod warning;
pub mod yaml;

pub use build::{build, build_with_warnings, BuildOptions, Built};

/// The shared cache of remote bases and files (`krust cache`).
pub use remote::admin as cache;

/// Internals that the fuzz targets and integration tests drive directly.
/// Not part of krust's API: they may change at any time.
#[doc(hidden)]
pub mod internals {
    pub use crate::generate::ksops::is_ksops_config;
    pub use crate::kustomization::kustomization_from_document;
    pub use crate::openapi::Schema;
    pub use crate::patch::json6902::JsonPatch;
    pub use crate::patch::strategic_merge::merge_patch;
}
