//! The `validators:` step: transformer plugins that must not change the
//! resources. kustomize runs each on the real resources (so a label it adds
//! stays), then compares, with its `validated-by` label removed, against a
//! copy taken before; any other difference fails the build.

use crate::resource::{Resource, ResourceList};
use crate::transform::{Transform, TransformContext};
use anyhow::{bail, Result};

/// The label a validator may add to the resources it checked.
pub const VALIDATED_BY_LABEL: &str = "validated-by";

/// Runs each validator in turn, failing when one changed anything besides
/// the `validated-by` label.
pub fn run_validators(
    validators: &[Box<dyn Transform>],
    cx: &mut TransformContext<'_>,
    resources: &mut ResourceList,
) -> Result<()> {
    for validator in validators {
        let before: Vec<Resource> = resources.as_slice().to_vec();
        validator.apply(cx, resources)?;
        if let Err(e) = same_except_label(&before, resources.as_slice()) {
            bail!("validator shouldn't modify the resource map: {e}");
        }
    }
    Ok(())
}

fn same_except_label(before: &[Resource], after: &[Resource]) -> Result<()> {
    if before.len() != after.len() {
        bail!(
            "lists have different number of entries: {} doesn't equal {}",
            before.len(),
            after.len()
        );
    }
    for old in before {
        let id = old.id();
        let mut matches = after.iter().filter(|r| r.id() == id);
        let (Some(new), None) = (matches.next(), matches.next()) else {
            bail!("id in self missing from other, or matched more than once; id: {id}");
        };
        let mut new_value = new.value().into_owned();
        remove_label(&mut new_value);
        if new_value != *old.value() {
            bail!("nodes unequal: {id}");
        }
    }
    Ok(())
}

fn remove_label(value: &mut crate::yaml::Value) {
    let Some(metadata) = value
        .get_path_mut(&["metadata"])
        .and_then(|m| m.as_map_mut())
    else {
        return;
    };
    if let Some(crate::yaml::Value::Map(labels)) = metadata.get_mut("labels") {
        if labels.shift_remove(VALIDATED_BY_LABEL).is_some() && labels.is_empty() {
            metadata.shift_remove("labels");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::custom::SchemaScope;
    use crate::yaml::Value;

    struct AddLabel(&'static str);

    impl Transform for AddLabel {
        fn apply(
            &self,
            _cx: &mut TransformContext<'_>,
            resources: &mut ResourceList,
        ) -> Result<()> {
            for r in resources.items_mut().iter_mut() {
                let labels = r
                    .metadata_mut()
                    .entry("labels".to_string().into())
                    .or_insert_with(Value::new_map);
                if let Value::Map(m) = labels {
                    m.insert(self.0.to_string().into(), "v".into());
                }
            }
            Ok(())
        }
    }

    fn list() -> ResourceList {
        let json =
            serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}});
        let mut list = ResourceList::new();
        list.push(Resource::new(Value::from(&json), None)).unwrap();
        list
    }

    fn cx(scope: &SchemaScope) -> TransformContext<'_> {
        TransformContext::new(scope)
    }

    #[test]
    fn the_validated_by_label_is_allowed_and_kept() {
        let scope = SchemaScope::parallel();
        let mut resources = list();
        let validators: Vec<Box<dyn Transform>> = vec![Box::new(AddLabel(VALIDATED_BY_LABEL))];
        run_validators(&validators, &mut cx(&scope), &mut resources).unwrap();
        assert!(resources.as_slice()[0]
            .value()
            .str_at(&["metadata", "labels", VALIDATED_BY_LABEL])
            .is_some());
    }

    #[test]
    fn other_changes_fail() {
        let scope = SchemaScope::parallel();
        let mut resources = list();
        let validators: Vec<Box<dyn Transform>> = vec![Box::new(AddLabel("other"))];
        let err = run_validators(&validators, &mut cx(&scope), &mut resources).unwrap_err();
        assert!(err.to_string().contains("shouldn't modify"));
    }
}
