//! What went wrong when decoding a configuration document, said in the
//! words of the file rather than of Rust types: the field path
//! (`images[0].newTag`), what was expected (a string, an integer, a list, a
//! mapping), what was found, and for an unknown field the closest known
//! name.

use serde_json::Value as J;
use std::fmt;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// A field path, outermost step first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Segment>);

impl fmt::Display for FieldPath {
    /// `images[0].newTag`; keys that are not plain words are quoted
    /// (`commonLabels["app.kubernetes.io/name"]`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) if is_plain_word(key) && i == 0 => f.write_str(key)?,
                Segment::Key(key) if is_plain_word(key) => write!(f, ".{key}")?,
                Segment::Key(key) => write!(f, "[{key:?}]")?,
            }
        }
        Ok(())
    }
}

fn is_plain_word(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// What a field wants, in the file's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// A whole number, zero or more.
    UnsignedInteger,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A YAML sequence.
    List,
    /// A YAML mapping.
    Mapping,
    /// Nothing (`null`).
    Null,
    /// Something else, as the type describes itself.
    Other(String),
}

impl Expected {
    /// Reads serde's description of what a visitor expects ("a string",
    /// "i64", "struct Image", "a sequence") as one of the plain kinds.
    fn from_serde(text: &str) -> Expected {
        match text {
            "a string" | "a borrowed string" | "a character" | "a string or bytes" => {
                Expected::String
            }
            "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => Expected::Integer,
            "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => Expected::UnsignedInteger,
            "f32" | "f64" => Expected::Number,
            "a boolean" => Expected::Boolean,
            "a sequence" => Expected::List,
            "a map" => Expected::Mapping,
            "unit" => Expected::Null,
            _ if text.starts_with("struct ") || text.starts_with("a map") => Expected::Mapping,
            _ if text.starts_with("tuple") || text.starts_with("a sequence") => Expected::List,
            other => Expected::Other(other.to_string()),
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::String => "a string",
            Expected::Integer => "an integer",
            Expected::UnsignedInteger => "a non-negative integer",
            Expected::Number => "a number",
            Expected::Boolean => "true or false",
            Expected::List => "a list",
            Expected::Mapping => "a mapping",
            Expected::Null => "nothing (null)",
            Expected::Other(text) => text,
        })
    }
}

/// The kind of value found where another was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoundKind {
    /// A number.
    Number,
    /// A string.
    String,
    /// A boolean.
    Boolean,
    /// A list.
    List,
    /// A mapping.
    Mapping,
    /// `null`.
    Null,
    /// Something serde could not name more precisely.
    Other,
}

/// The value found where another was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Its kind.
    pub kind: FoundKind,
    /// Its text, for a scalar: as written in the file once located,
    /// otherwise as JSON.
    pub text: Option<String>,
}

impl Found {
    /// Describes a JSON value.
    pub fn of(value: &J) -> Found {
        let (kind, text) = match value {
            J::Null => (FoundKind::Null, None),
            J::Bool(b) => (FoundKind::Boolean, Some(b.to_string())),
            J::Number(n) => (FoundKind::Number, Some(n.to_string())),
            J::String(s) => (FoundKind::String, Some(s.clone())),
            J::Array(_) => (FoundKind::List, None),
            J::Object(_) => (FoundKind::Mapping, None),
        };
        Found { kind, text }
    }

    fn from_unexpected(unexpected: serde::de::Unexpected<'_>) -> Found {
        use serde::de::Unexpected as U;
        let (kind, text) = match unexpected {
            U::Bool(b) => (FoundKind::Boolean, Some(b.to_string())),
            U::Unsigned(n) => (FoundKind::Number, Some(n.to_string())),
            U::Signed(n) => (FoundKind::Number, Some(n.to_string())),
            U::Float(n) => (FoundKind::Number, Some(n.to_string())),
            U::Char(c) => (FoundKind::String, Some(c.to_string())),
            U::Str(s) => (FoundKind::String, Some(s.to_string())),
            U::Unit | U::Option => (FoundKind::Null, None),
            U::Seq => (FoundKind::List, None),
            U::Map => (FoundKind::Mapping, None),
            _ => (FoundKind::Other, Some(unexpected.to_string())),
        };
        Found { kind, text }
    }
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, &self.text) {
            (FoundKind::String, Some(text)) => write!(f, "the string {text:?}"),
            (FoundKind::Number, Some(text)) => write!(f, "the number {text}"),
            (FoundKind::Boolean, Some(text)) => write!(f, "the boolean {text}"),
            (FoundKind::List, _) => f.write_str("a list"),
            (FoundKind::Mapping, _) => f.write_str("a mapping"),
            (FoundKind::Null, _) => f.write_str("null"),
            (_, Some(text)) => f.write_str(text),
            (_, None) => f.write_str("something else"),
        }
    }
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// A value of the wrong kind.
    InvalidType {
        /// What the field wants.
        expected: Expected,
        /// What it got.
        found: Found,
        /// Why a value of the right kind still does not fit, if it does not.
        detail: Option<&'static str>,
    },
    /// A mapping key that is not a field of the structure.
    UnknownField {
        /// The structure's fields.
        known: &'static [&'static str],
    },
    /// Anything else, as the type reported it.
    Message(String),
}

/// A decoding failure and the path of the field where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Where: for an unknown field, the path ends with that field's name.
    pub path: FieldPath,
    /// What.
    pub kind: DecodeErrorKind,
}

impl DecodeError {
    pub(super) fn invalid_type(found: Found, expected: Expected) -> DecodeError {
        DecodeError::new(DecodeErrorKind::InvalidType {
            expected,
            found,
            detail: None,
        })
    }

    /// A number that is not a whole number, or one too large for the field.
    pub(super) fn out_of_range(value: &J, expected: Expected) -> DecodeError {
        let detail = match value.as_f64() {
            Some(f) if f.fract() != 0.0 => "not a whole number",
            Some(f) if f < 0.0 && expected == Expected::UnsignedInteger => "negative",
            _ => "out of range for a 64-bit integer",
        };
        DecodeError::new(DecodeErrorKind::InvalidType {
            expected,
            found: Found::of(value),
            detail: Some(detail),
        })
    }

    pub(super) fn message(text: impl Into<String>) -> DecodeError {
        DecodeError::new(DecodeErrorKind::Message(text.into()))
    }

    fn new(kind: DecodeErrorKind) -> DecodeError {
        DecodeError {
            path: FieldPath::default(),
            kind,
        }
    }

    /// The same error one level further out: `segment` leads to where the
    /// error was.
    pub(super) fn within(mut self, segment: Segment) -> DecodeError {
        self.path.0.insert(0, segment);
        self
    }

    /// True for an unknown field (whose position is its key's, not its
    /// value's).
    pub fn is_unknown_field(&self) -> bool {
        matches!(self.kind, DecodeErrorKind::UnknownField { .. })
    }

    /// Replaces the text of the scalar found with its text as written in
    /// the file (`2.0` rather than the number's JSON form).
    pub fn set_written_text(&mut self, text: &str) {
        if let DecodeErrorKind::InvalidType { found, .. } = &mut self.kind {
            if matches!(found.kind, FoundKind::Number | FoundKind::Boolean) {
                found.text = Some(text.to_string());
            }
        }
    }

    /// The known field closest to an unknown one, if one is close enough
    /// to be a likely misspelling.
    pub fn suggestion(&self) -> Option<&'static str> {
        let DecodeErrorKind::UnknownField { known } = &self.kind else {
            return None;
        };
        let Some(Segment::Key(field)) = self.path.0.last() else {
            return None;
        };
        closest(field, known)
    }
}

/// The candidate within a few edits of `word` (ignoring case), the nearest
/// first.
fn closest(word: &str, candidates: &[&'static str]) -> Option<&'static str> {
    let word = word.to_ascii_lowercase();
    let allowed = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (edit_distance(&word, &c.to_ascii_lowercase()), *c))
        .filter(|(d, _)| *d <= allowed)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edits (insertions, deletions, substitutions and swaps of neighbours)
/// that turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: distance between a[..i] and b[..j]; three rows suffice.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut current = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        before = std::mem::replace(&mut previous, current);
    }
    previous[b.len()]
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = &self.path;
        match &self.kind {
            DecodeErrorKind::UnknownField { known } => {
                write!(f, "unknown field {path}")?;
                match self.suggestion() {
                    Some(name) => write!(f, "; did you mean {name}?"),
                    None if known.len() <= 12 => write!(f, " (known fields: {})", known.join(", ")),
                    None => Ok(()),
                }
            }
            DecodeErrorKind::InvalidType {
                expected,
                found,
                detail,
            } => {
                if !path.0.is_empty() {
                    write!(f, "{path}: ")?;
                }
                write!(f, "expected {expected}, found {found}")?;
                match detail {
                    Some(detail) => write!(f, " ({detail})"),
                    None => write_hint(f, expected, found),
                }
            }
            DecodeErrorKind::Message(text) if path.0.is_empty() => f.write_str(text),
            DecodeErrorKind::Message(text) => write!(f, "{path}: {text}"),
        }
    }
}

/// A hint for the usual slips: an unquoted number or boolean where text
/// belongs, a quoted number or boolean, a single value for a list.
fn write_hint(f: &mut fmt::Formatter<'_>, expected: &Expected, found: &Found) -> fmt::Result {
    let text = found.text.as_deref().unwrap_or_default();
    match (expected, found.kind) {
        (Expected::String, FoundKind::Number | FoundKind::Boolean) => {
            write!(f, " (quote it to keep it text: \"{text}\")")
        }
        (Expected::Integer | Expected::UnsignedInteger, FoundKind::String)
            if text.trim().parse::<i64>().is_ok() =>
        {
            f.write_str(" (remove the quotes to make it a number)")
        }
        (Expected::Boolean, FoundKind::String)
            if matches!(text.to_ascii_lowercase().as_str(), "true" | "false") =>
        {
            f.write_str(" (remove the quotes to make it a boolean)")
        }
        (Expected::List, FoundKind::String | FoundKind::Number | FoundKind::Boolean) => {
            f.write_str(" (write a list as `- item` lines, or as [item, ...])")
        }
        _ => Ok(()),
    }
}

impl std::error::Error for DecodeError {}

impl serde::de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError::message(msg.to_string())
    }

    fn invalid_type(unexpected: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        DecodeError::invalid_type(
            Found::from_unexpected(unexpected),
            Expected::from_serde(&exp.to_string()),
        )
    }

    fn invalid_value(unexpected: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        let expected = Expected::from_serde(&exp.to_string());
        DecodeError::new(DecodeErrorKind::InvalidType {
            found: Found::from_unexpected(unexpected),
            detail: Some(match expected {
                Expected::Integer | Expected::UnsignedInteger => "out of range",
                _ => "not an accepted value",
            }),
            expected,
        })
    }

    fn unknown_field(_field: &str, expected: &'static [&'static str]) -> Self {
        // The field's name joins the path when the error leaves the key.
        DecodeError::new(DecodeErrorKind::UnknownField { known: expected })
    }
}
