//! Printing [`Value`]s exactly as kustomize prints them.

use super::Value;

/// A value that kustomize would refuse to print.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct PrintError {
    /// What was wrong.
    pub message: String,
}

/// Appends one document (without a `---` separator) to `out`.
pub fn print_document(value: &Value, out: &mut String) -> Result<(), PrintError> {
    let _ = (value, out);
    todo!("printer")
}

/// Prints documents joined with `---\n`, as kustomize does.
pub fn print_documents<'a>(
    docs: impl IntoIterator<Item = &'a Value>,
) -> Result<String, PrintError> {
    let mut out = String::new();
    for (i, doc) in docs.into_iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        print_document(doc, &mut out)?;
    }
    Ok(out)
}
