//! The build pipeline: load → accumulate → generate → transform → resolve
//! names → order → print.

/// Options of a build (the `krust build` flags).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {}

/// Builds the kustomization in `dir`.
pub fn build(
    dir: &std::path::Path,
    options: &BuildOptions,
) -> anyhow::Result<crate::resource::ResourceList> {
    let _ = (dir, options);
    todo!("pipeline")
}
