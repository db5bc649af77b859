//! Which implementation runs a plugin config.
//!
//! A config whose `apiVersion` is `builtin` (no group) names one of
//! kustomize's builtin plugins by its `kind`; those run on the same
//! implementations as the kustomization fields ([`super::builtin`]).
//! Anything else is an external plugin, allowed only with
//! `--enable-alpha-plugins`: a KRM function declared by annotation
//! ([`super::exec_fn`]) or a legacy exec/Go plugin, which krust does not
//! run. Third-party plugins that krust implements natively get one arm in
//! [`native_plugin`] and need no flag.

use super::builtin::{self, Builtin};
use super::exec_fn::{self, FunctionSpec};
use super::{Plugin, PluginContext};
use crate::generate::ksops::KsopsGenerator;
use crate::generate::Generate;
use crate::resource::{Resource, ResourceList};
use crate::transform::Transform;
use anyhow::{anyhow, bail, Context, Result};

/// What a plugin config is loaded as: kustomize checks that a config listed
/// under `generators:` makes a generator, and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Listed under `generators:`.
    Generator,
    /// Listed under `transformers:` or `validators:`.
    Transformer,
}

/// Configures every config of `configs` as a generator, in order.
pub fn load_generators(
    configs: &ResourceList,
    ctx: PluginContext<'_>,
) -> Result<Vec<Box<dyn Generate>>> {
    configs
        .iter()
        .map(|config| match configure(config, Role::Generator, ctx) {
            Ok(Plugin::Generator(g)) => Ok(g),
            Ok(Plugin::Transformer(_)) => Err(anyhow!("plugin {} not a generator", config.id())),
            Err(e) => Err(e),
        })
        .collect::<Result<_>>()
        .context("failed to load generator")
}

/// Configures every config of `configs` as a transformer, in order.
pub fn load_transformers(
    configs: &ResourceList,
    ctx: PluginContext<'_>,
) -> Result<Vec<Box<dyn Transform>>> {
    configs
        .iter()
        .map(|config| match configure(config, Role::Transformer, ctx)? {
            Plugin::Transformer(t) => Ok(t),
            Plugin::Generator(_) => bail!("plugin {} not a transformer", config.id()),
        })
        .collect()
}

/// Picks the implementation of one config and configures it.
pub fn configure(config: &Resource, role: Role, ctx: PluginContext<'_>) -> Result<Plugin> {
    let gvk = config.gvk();
    if gvk.group.is_empty() && gvk.version == "builtin" {
        let Some(kind) = Builtin::from_kind(&gvk.kind) else {
            bail!("unable to load builtin {gvk}");
        };
        return builtin::configure(kind, config, ctx)
            .with_context(|| format!("plugin {} fails configuration", config.id()));
    }
    if let Some(plugin) = native_plugin(config, role, ctx)? {
        return Ok(plugin);
    }
    if !ctx.options.enable_alpha_plugins {
        bail!(
            "external plugins disabled; unable to load external plugin '{}'",
            gvk.kind
        );
    }
    external_plugin(config, role, ctx)
}

/// Third-party plugins krust implements itself, matched on `apiVersion`
/// and `kind`; `None` for every other config.
fn native_plugin(config: &Resource, _role: Role, ctx: PluginContext<'_>) -> Result<Option<Plugin>> {
    if crate::generate::ksops::is_ksops_config(&config.value()) {
        // KSOPS: SOPS-encrypted Secrets, decrypted in process (no exec
        // plugin, no flags).
        let generator = KsopsGenerator::new(
            config.value().into_owned(),
            ctx.dir,
            ctx.loader,
            config.id().to_string(),
        );
        return Ok(Some(Plugin::Generator(Box::new(generator))));
    }
    Ok(None)
}

/// An external plugin: a KRM function, or a legacy exec/Go plugin.
fn external_plugin(config: &Resource, role: Role, ctx: PluginContext<'_>) -> Result<Plugin> {
    let spec = FunctionSpec::from_config(config)
        .with_context(|| format!("loader: failed to get FunctionSpec of {}", config.id()))?;
    let Some(spec) = spec else {
        bail!(
            "plugin {}: legacy exec and Go plugins are not supported; \
             declare a KRM function with the annotation config.kubernetes.io/function",
            config.id()
        );
    };
    let function = exec_fn::configure(spec, config, ctx)?;
    Ok(match role {
        Role::Generator => Plugin::Generator(Box::new(function)),
        Role::Transformer => Plugin::Transformer(Box::new(function)),
    })
}
