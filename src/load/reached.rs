//! Which kustomizations led to a failing one.
//!
//! A build descends from the kustomization it was asked for into bases
//! (`resources:`) and components (`components:`). When something fails
//! down there, the user needs the way it was reached (overlay -> base ->
//! component), not only the file that failed. Each descent wraps the errors
//! of the kustomization below in a [`ReachedFrom`] link; [`describe`] then
//! prints the failure followed by the links, innermost first.

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
/// base/kustomization.yaml:3:5: invalid Kustomization: ...
///   in components entry '../comp' of base/kustomization.yaml
///   in resources entry '../base' of overlay/kustomization.yaml
/// ```
///
/// The context layers between links only say that a nested build was
/// under way, which the links say better, so they are left out.
pub fn describe(err: &anyhow::Error) -> String {
    let layers: Vec<&(dyn std::error::Error + 'static)> = err.chain().collect();
    let links: Vec<&ReachedFrom> = layers
        .iter()
        .filter_map(|layer| layer.downcast_ref::<ReachedFrom>())
        .collect();
    let Some(innermost) = layers.iter().rposition(|layer| layer.is::<ReachedFrom>()) else {
        return format!("{err:#}");
    };
    let failure: Vec<String> = layers[innermost + 1..]
        .iter()
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
            .context("accumulating components")
            .reached_from(
                Path::new("overlay/kustomization.yaml"),
                "resources",
                "../base",
            )
            .context("accumulating resources")
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
