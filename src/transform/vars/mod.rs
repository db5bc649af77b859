//! kustomize's `vars`: values read from one object's field and substituted
//! for `$(NAME)` in the fields the `varReference` field specs list.
//!
//! The feature has two moments, as in kustomize:
//!
//! 1. **Declaration**, at the end of each kustomization's accumulation
//!    (after its transformers): each var marks the resource its object
//!    reference names, matched by current or earlier identity, so the
//!    reference may use the name from before prefixes and namespaces. The
//!    declared vars then travel up to the root with the resources, a name
//!    being declared only once in the whole build ([`VarSet`]).
//! 2. **Resolution**, once at the root, after hash suffixes and name
//!    references are settled: every var reads its value from its marked
//!    resource and is substituted ([`resolve`]).

mod declaration;
mod expand;
mod set;
mod substitute;
mod value;

pub use declaration::{FieldRef, ObjectRef, Var};
pub use set::VarSet;
pub use substitute::resolve;

/// The warning kustomize logs for vars that no field referenced, or `None`
/// when all were used. `unused` is sorted by name.
pub fn unused_warning(unused: &[String]) -> Option<String> {
    (!unused.is_empty()).then(|| {
        format!(
            "well-defined vars that were never replaced: {}",
            unused.join(",")
        )
    })
}
