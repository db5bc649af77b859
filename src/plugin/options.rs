//! The plugin flags of a build (`--enable-alpha-plugins`, `--enable-exec`,
//! `--enable-helm` and the helm and function settings), as one value the
//! build hands to every plugin it runs.

use crate::generate::helm::HelmOptions;

/// The plugin settings of a build, named after kustomize's flags.
#[derive(Debug, Clone, Default)]
pub struct PluginOptions {
    /// `--enable-alpha-plugins`: allow `generators:`/`transformers:` entries
    /// that are not builtin plugins.
    pub enable_alpha_plugins: bool,
    /// `--enable-exec`: allow exec KRM functions (with alpha plugins).
    pub enable_exec: bool,
    /// `--enable-helm` and the other helm flags.
    pub helm: HelmOptions,
    /// `-e/--env`: environment variables passed to functions (`NAME=value`,
    /// or `NAME` to pass the current value).
    pub function_env: Vec<String>,
    /// `--mount`, `--network`, `--network-name`, `--as-current-user`.
    pub container: ContainerOptions,
    /// `--sops=passthrough`: Secret generator sources that are SOPS files
    /// are read as they are, ciphertext and all, as kustomize reads them.
    /// By default they are decrypted, and a file that cannot be decrypted
    /// fails the build.
    pub sops_passthrough: bool,
}

/// The flags that only concern container functions, which krust accepts
/// but cannot run.
#[derive(Debug, Clone, Default)]
pub struct ContainerOptions {
    /// `--mount`: storage mounts.
    pub mounts: Vec<String>,
    /// `--network`: allow network access.
    pub network: bool,
    /// `--network-name`: the docker network (kustomize's default: bridge).
    pub network_name: String,
    /// `--as-current-user`: run as the current uid and gid.
    pub as_current_user: bool,
}
