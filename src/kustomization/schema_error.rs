//! A kustomization that does not fit kustomize's schema, reported at the
//! line and column of the offending field.

use crate::gojson::{locate, DecodeError, Location};
use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

/// A kustomization file that failed to decode: the file, the field path
/// and what was wrong, and (once [`SchemaError::locate_in`] has read the
/// text) where.
#[derive(Debug, Clone)]
pub struct SchemaError {
    /// The kustomization file.
    pub file: PathBuf,
    /// The field and what was wrong with it.
    pub error: DecodeError,
    /// Where the field is in the file, when known.
    pub location: Option<Location>,
}

impl SchemaError {
    /// An error in `file`, not located yet.
    pub fn new(file: &Path, error: DecodeError) -> SchemaError {
        SchemaError {
            file: file.to_path_buf(),
            error,
            location: None,
        }
    }

    /// Finds the field in the file's text (as read from disk).
    pub fn locate_in(&mut self, text: &str) {
        // The YAML reader counts a NEL as a line break, as kustomize does.
        let text = match text.contains('\u{85}') {
            true => Cow::Owned(text.replace('\u{85}', "\n")),
            false => Cow::Borrowed(text),
        };
        self.location = locate(&text, &self.error.path.0, self.error.is_unknown_field());
        if let Some(written) = self.location.as_ref().and_then(|l| l.scalar.as_deref()) {
            self.error.set_written_text(written);
        }
    }
}

/// Locates the [`SchemaError`] inside `err`, if it holds one, in `text`.
pub fn locate_schema_error(mut err: anyhow::Error, text: &str) -> anyhow::Error {
    if let Some(schema) = err.downcast_mut::<SchemaError>() {
        schema.locate_in(text);
    }
    err
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(at) => write!(
                f,
                "{}:{}:{}: invalid Kustomization: {}",
                self.file.display(),
                at.line,
                at.column,
                self.error
            ),
            None => write!(
                f,
                "{}: invalid Kustomization: {}",
                self.file.display(),
                self.error
            ),
        }
    }
}

impl std::error::Error for SchemaError {}
