//! The build pipeline, in kustomize's documented order:
//!
//! 1. **load** the kustomization file of a directory;
//! 2. **accumulate** its `resources` (files, and directories built
//!    recursively as kustomizations of their own);
//! 3. **generate** (configMapGenerator, secretGenerator, `generators:`);
//! 4. **transform** with the builtin transformers in kustomize's fixed order,
//!    then the `transformers:` plugins;
//! 5. at the top only: **resolve names** (hash suffixes, back references);
//! 6. **order** the result (`sortOptions` / `--reorder`).
//!
//! Printing is [`crate::output`]'s job.

use crate::buildmeta::BuildMetadata;
use crate::fieldspec::TransformerConfig;
pub use crate::generate::helm::HelmOptions;
pub use crate::load::LoadRestrictor;
use crate::load::{BuildChain, Loader};
use crate::openapi::custom::SchemaScope;
pub use crate::order::Reorder;
use crate::order::SortOrder;
pub use crate::plugin::{ContainerOptions, PluginOptions};
pub use crate::remote::RemoteOptions;
use crate::remote::Session;
use crate::resource::ResourceList;
use crate::transform::{self, Transform, TransformContext};
use crate::warning::Warning;
use anyhow::{anyhow, bail, Result};
use std::path::Path;
use std::sync::atomic::AtomicUsize;

mod accumulate;
pub(crate) mod builtins;
mod remote;
mod schema_plan;
mod steps;

use accumulate::Builder;

/// Options of a build (the `krust build` flags).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// `--load-restrictor`.
    pub load_restrictor: LoadRestrictor,
    /// `--reorder`.
    pub reorder: Reorder,
    /// What plugins may do: `--enable-alpha-plugins`, `--enable-exec`,
    /// `--enable-helm` and the helm and function settings.
    pub plugins: PluginOptions,
    /// `--enable-managedby-label`: label every resource with
    /// `app.kubernetes.io/managed-by`.
    pub managed_by_label: bool,
    /// `--decrypt` (or `KRUST_DECRYPT=1`): decrypt resources that carry SOPS
    /// metadata instead of passing them through.
    pub decrypt: bool,
    /// How remote bases and files are fetched (`--offline`, the cache).
    pub remote: RemoteOptions,
    /// `--strict`: fail the build on warnings about inputs that had no
    /// effect ([`crate::warning::WarningKind::NoEffect`]).
    pub strict: bool,
}

/// The result of a build: the resources, and the warnings for stderr
/// (kustomize's, such as deprecated fields, and krust's about inputs that
/// had no effect; see [`crate::warning`]).
#[derive(Debug, Default)]
pub struct Built {
    /// The rendered resources, in output order.
    pub resources: ResourceList,
    /// Warnings for the user, in the order they arose.
    pub warnings: Vec<Warning>,
}

/// Builds the kustomization in `dir` and returns its resources.
///
/// ```
/// use std::fs;
/// let dir = tempfile::tempdir()?;
/// fs::write(dir.path().join("kustomization.yaml"), "namePrefix: prod-\nresources:\n- cm.yaml\n")?;
/// fs::write(
///     dir.path().join("cm.yaml"),
///     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
/// )?;
/// let resources = krust::build(dir.path(), &krust::BuildOptions::default())?;
/// assert_eq!(resources.as_slice()[0].name(), "prod-settings");
/// assert_eq!(
///     krust::output::render(resources)?,
///     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prod-settings\n"
/// );
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn build(dir: &Path, options: &BuildOptions) -> Result<ResourceList> {
    Ok(build_with_warnings(dir, options)?.resources)
}

/// Builds the kustomization in `dir`, keeping the warnings. With
/// `options.strict`, warnings about inputs that had no effect fail it.
///
/// ```
/// use std::fs;
/// let dir = tempfile::tempdir()?;
/// fs::write(dir.path().join("kustomization.yaml"), "commonLabels:\n  app: web\nresources:\n- cm.yaml\n")?;
/// fs::write(dir.path().join("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")?;
/// let built = krust::build_with_warnings(dir.path(), &krust::BuildOptions::default())?;
/// assert_eq!(built.resources.len(), 1);
/// // `commonLabels` is deprecated: kustomize says so, and so does krust.
/// assert!(built.warnings.iter().any(|w| w.message.contains("commonLabels")));
///
/// let strict = krust::BuildOptions { strict: true, ..Default::default() };
/// fs::write(dir.path().join("kustomization.yaml"), "resources:\n- cm.yaml\npatches:\n- target: {kind: Secret}\n  patch: '[]'\n")?;
/// assert!(krust::build_with_warnings(dir.path(), &strict).is_err());
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn build_with_warnings(dir: &Path, options: &BuildOptions) -> Result<Built> {
    let mut builder = Builder {
        loader: Loader::new(options.load_restrictor),
        options: options.clone(),
        encrypted_passed: AtomicUsize::new(0),
        schema: SchemaScope::parallel(),
        remote: Session::new(options.remote.clone()),
        read_ahead: Default::default(),
    };
    let built = build_target(&mut builder, dir, options);
    // No fetch may outlive the build, failed or not.
    builder.remote.finish();
    let mut built = built?;
    let mut warnings: Vec<Warning> = builder
        .remote
        .take_warnings()
        .into_iter()
        .map(Warning::note)
        .collect();
    warnings.append(&mut built.warnings);
    built.warnings = warnings;
    Ok(built)
}

/// The build of the target `dir`: a directory, or a repository URL as
/// kustomize accepts one.
fn build_target(builder: &mut Builder, dir: &Path, options: &BuildOptions) -> Result<Built> {
    let mut top = builder.load_root(dir)?;
    crate::buildmeta::start_tracking(&mut top);
    let metadata = BuildMetadata::new(&top.kustomization, options.managed_by_label);
    let chain = BuildChain::new(top.dir.clone());
    if top.kustomization.openapi.is_empty() && builder.nested_schema_request(&top, &chain) {
        // A base or component chooses the OpenAPI schema: only a build in
        // kustomize's order knows which patches it applies to.
        builder.schema = SchemaScope::sequential();
    }
    let mut acc = builder.accumulate_top(&top, &chain)?;
    if builder.schema.missed_nested_request() {
        bail!("internal error: a nested openapi field was not found before the build");
    }
    let config = acc
        .config
        .take()
        .unwrap_or_else(TransformerConfig::defaults);
    let mut cx = TransformContext::new(&builder.schema);
    resolve_names(&mut cx, &mut acc.resources, &config)?;
    let unused = transform::vars::resolve(&mut acc.resources, &acc.vars, &config.var_reference)?;
    acc.warnings.extend(
        transform::vars::unused_warning(&unused).map(|message| Warning {
            kind: crate::warning::WarningKind::NoEffect,
            message,
        }),
    );
    crate::plugin::drop_local_configs(&mut acc.resources);
    crate::finalize::clean_annotations(&mut acc.resources, metadata.keep());
    let (order, warning) =
        SortOrder::choose(top.kustomization.sort_options.as_ref(), options.reorder)?;
    order.apply(&mut acc.resources);
    if metadata.managed_by_label {
        crate::buildmeta::add_managed_by_label(&mut cx, &mut acc.resources)?;
    }
    let mut warnings = acc.warnings;
    warnings.extend(warning.map(Warning::note));
    warnings.extend(builder.encrypted_note().map(Warning::note));
    crate::warning::check_strict(&warnings, options.strict)?;
    Ok(Built {
        resources: acc.resources,
        warnings,
    })
}

/// The steps kustomize runs once, at the top, after accumulation: hash
/// suffixes on generated names, then every reference to a renamed object
/// (with the name references of the merged configuration).
fn resolve_names(
    cx: &mut TransformContext<'_>,
    resources: &mut ResourceList,
    config: &TransformerConfig,
) -> Result<()> {
    // A transformation can take away what every resource must have (a JSON
    // patch removing `/kind` or `/metadata/name`); kustomize checks again
    // here and refuses such an object.
    for res in resources.iter() {
        // The common case reads two strings; only a doubtful resource is
        // decoded for the full check and its message.
        let kind = res.kind();
        let plainly_valid = !kind.is_empty() && (kind.ends_with("List") || !res.name().is_empty());
        if !plainly_valid && !res.is_empty_object() {
            crate::load::check_resource_meta(&res.value()).map_err(|message| {
                anyhow!(message).context(format!("after transformation, {}", res.describe()))
            })?;
        }
    }
    transform::hash_suffix::HashSuffix.apply(cx, resources)?;
    transform::name_reference::fix_back_references(cx, resources, &config.name_reference)?;
    Ok(())
}
