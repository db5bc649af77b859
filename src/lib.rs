//! krust: a Kustomize-compatible Kubernetes manifest renderer.
//!
//! The public API:
//!
//! * [`build()`] / [`build_with_warnings`] with [`BuildOptions`]: build one
//!   kustomization, as `kustomize build` does, into a
//!   [`resource::ResourceList`]; [`output`] prints it exactly as kustomize
//!   prints.
//! * [`render_all`]: many environments at once, into a rendered-manifests
//!   tree; [`diff`]: two renders compared resource by resource.
//! * [`edit`]: `edit` and `create`, changing kustomization files as
//!   kustomize does; [`localize`]: a tree with its remote bases made local.
//! * [`yaml`]: reading and printing YAML documents with kustomize's rules;
//!   [`sops`]: SOPS-encrypted files with age keys; [`cache`]: the cache of
//!   remote bases.
//! * [`cli`]: the command line of the `krust` binary (flags shared by
//!   `build`, `render` and the ArgoCD plugin, pflag's syntax, exit status).
//!
//! Inside, the build pipeline reads top to bottom like kustomize's
//! documented order: **load → accumulate → generate → transform → resolve
//! names → order → print**, one crate-private module per stage (see
//! `docs/architecture.md`).
//!
//! ```
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("kustomization.yaml"), "namespace: shop\nresources:\n- svc.yaml\n")?;
//! std::fs::write(dir.path().join("svc.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n")?;
//! let resources = krust::build(dir.path(), &krust::BuildOptions::default())?;
//! let text = krust::output::render(resources)?;
//! assert_eq!(text, "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n");
//! # Ok::<(), anyhow::Error>(())
//! ```

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
