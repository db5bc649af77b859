//! Which kustomizations led to a failing one.
//!
//! A build descends from the kustomization it was asked for into bases
//! (`resources:`) and components (`components:`). When something fails
//! down there, the user needs the way it was reached (overlay -> base ->
//! component), not only the file that failed. Each descent wraps the errors
//! of the kustomization below in a [`ReachedFrom`] link; [`describe`] then
//! prints the failure followed by the links, innermost first. The build's
//! step contexts (kustomize's `accumulating resources` wording) are
//! [`Step`] layers, which the links make redundant.

use std::fmt;
use std::path::{Path, PathBuf};

/// An error inside a kustomization that another one lists.
#[derive(Debug)]
pub struct ReachedFrom {
    /// The kustomization file that lists it.
    pub parent: PathBuf,
    /// The field that lists it (`resources`, `components`).
    pub field: &'static str,
    /// The entry, as written.
    pub entry: String,
    source: anyhow::Error,
}

impl fmt::Display for ReachedFrom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "in {} entry '{}' of {}",
            self.field,
            self.entry,
            self.parent.display()
        )
    }
}

impl std::error::Error for ReachedFrom {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

/// A step of the build that an error happened in (`accumulating
/// resources`), in kustomize's words.
#[derive(Debug)]
pub struct Step {
    text: String,
    source: anyhow::Error,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Step {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

/// Marks errors with the build step they happened in.
pub trait StepExt<T> {
    /// The error, if any, as one of the step `text` (like anyhow's
    /// `with_context`, but recognisable by [`describe`]).
    fn step(self, text: impl FnOnce() -> String) -> anyhow::Result<T>;
}

impl<T> StepExt<T> for anyhow::Result<T> {
    fn step(self, text: impl FnOnce() -> String) -> anyhow::Result<T> {
        self.map_err(|source| {
            anyhow::Error::new(Step {
                text: text(),
                source,
            })
        })
    }
}

/// Marks the errors of a nested kustomization with the way it was reached.
pub trait ReachedFromExt<T> {
    /// The error, if any, as one of the kustomization listed as `entry`
    /// under `field` in `parent`.
    fn reached_from(self, parent: &Path, field: &'static str, entry: &str) -> anyhow::Result<T>;
}

impl<T> ReachedFromExt<T> for anyhow::Result<T> {
    fn reached_from(self, parent: &Path, field: &'static str, entry: &str) -> anyhow::Result<T> {
        self.map_err(|source| {
            anyhow::Error::new(ReachedFrom {
                parent: parent.to_path_buf(),
                field,
                entry: entry.to_string(),
                source,
            })
        })
    }
}

/// The text of a build error for the user. Without nested kustomizations
/// it is the usual context chain (`a: b: c`). Otherwise the failure inside
/// the innermost kustomization comes first, then one line per kustomization
/// that led there, innermost first:
///
/// ```text
/// comp/kustomization.yaml:3:5: invalid Kustomization: ...
///   in components entry '../comp' of base/kustomization.yaml
///   in resources entry '../base' of overlay/kustomization.yaml
/// ```
///
/// Outside the nested kustomizations, the build's [`Step`] layers only
/// say that a nested build was under way, which the links say better, so
/// they are left out; other layers there (an ArgoCD application's name)
/// stay in front. Inside the innermost kustomization everything stays.
pub fn describe(err: &anyhow::Error) -> String {
    let layers: Vec<&(dyn std::error::Error + 'static)> = err.chain().collect();
    let is_link = |layer: &&(dyn std::error::Error + 'static)| layer.is::<ReachedFrom>();
    let (Some(outermost), Some(innermost)) = (
        layers.iter().position(is_link),
        layers.iter().rposition(is_link),
    ) else {
        return format!("{err:#}");
    };
    let links: Vec<&ReachedFrom> = layers
        .iter()
        .filter_map(|layer| layer.downcast_ref::<ReachedFrom>())
        .collect();
    let outside = layers[..outermost].iter().filter(|l| !l.is::<Step>());
    let failure: Vec<String> = outside
        .chain(&layers[innermost + 1..])
        .map(ToString::to_string)
        .collect();
    let mut text = failure.join(": ");
    for link in links.iter().rev() {
        text.push_str(&format!("\n  {link}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::{anyhow, Context};

    #[test]
    fn links_follow_the_failure_innermost_first() {
        let failing: anyhow::Result<()> = Err(anyhow!("comp/kustomization.yaml:5:11: bad"));
        let err = failing
            .reached_from(
                Path::new("base/kustomization.yaml"),
                "components",
                "../comp",
            )
            .step(|| "accumulating components".into())
            .reached_from(
                Path::new("overlay/kustomization.yaml"),
                "resources",
                "../base",
            )
            .step(|| "accumulating resources".into())
            .unwrap_err();
        assert_eq!(
            describe(&err),
            "comp/kustomization.yaml:5:11: bad\n  \
             in components entry '../comp' of base/kustomization.yaml\n  \
             in resources entry '../base' of overlay/kustomization.yaml"
        );
        // The one-line form keeps every layer.
        assert_eq!(
            format!("{err:#}"),
            "accumulating resources: in resources entry '../base' of \
             overlay/kustomization.yaml: accumulating components: in components entry \
             '../comp' of base/kustomization.yaml: comp/kustomization.yaml:5:11: bad"
        );
    }

    #[test]
    fn steps_outside_go_and_other_contexts_stay() {
        let failing: anyhow::Result<()> = Err(anyhow!("bad"));
        let err = failing
            .step(|| "accumulating components".into())
            .reached_from(Path::new("o/kustomization.yaml"), "resources", "../b")
            .step(|| "accumulating resources from '../b'".into())
            .step(|| "accumulating resources".into())
            .context("application shop (path apps/shop)")
            .unwrap_err();
        assert_eq!(
            describe(&err),
            "application shop (path apps/shop): accumulating components: bad\n  \
             in resources entry '../b' of o/kustomization.yaml"
        );
        // Without a nested kustomization, steps are part of the message.
        let plain = Err::<(), _>(anyhow!("x")).step(|| "accumulating resources".into());
        assert_eq!(describe(&plain.unwrap_err()), "accumulating resources: x");
    }

    #[test]
    fn contexts_inside_the_innermost_kustomization_stay() {
        let failing: anyhow::Result<()> = Err(anyhow!("not found"));
        let err = failing
            .context("accumulating resources from 'a.yaml'")
            .reached_from(Path::new("o/kustomization.yaml"), "resources", "../b")
            .unwrap_err();
        assert_eq!(
            describe(&err),
            "accumulating resources from 'a.yaml': not found\n  \
             in resources entry '../b' of o/kustomization.yaml"
        );
        let plain = anyhow!("x").context("y");
        assert_eq!(describe(&plain), "y: x");
    }
}
