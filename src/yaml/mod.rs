//! The YAML layer: reading input the way kustomize (yaml.v3) reads it, and
//! printing output the way kustomize (go-yaml v2, after a JSON round trip)
//! prints it.
//!
//! * `parse`: documents split and read into [`Value`] trees (saphyr's events,
//!   yaml.v3's rules for aliases, depth, tabs and encodings);
//! * `resolve`: what a scalar's text means (yaml.v3's tag resolution);
//! * `print`: the printed form (key order, scalar styles, number formats);
//! * the value model the rest of krust works on: [`Value`], [`Mapping`],
//!   [`Key`] (interned mapping keys) and [`Frozen`] (a compact encoding
//!   for values at rest).

pub(crate) mod frozen;
pub(crate) mod key;
pub(crate) mod mapping;
mod parse;
mod print;
mod quoted_keys;
pub(crate) mod resolve;
mod value;

pub(crate) use parse::encoding;
pub(crate) use print::{float, keyorder};

pub use frozen::Frozen;
pub use key::Key;
pub use parse::{
    parse_documents, parse_documents_lenient, parse_documents_noting_bare_nulls,
    parse_patch_documents, YamlError,
};
pub use print::{print_document, print_documents, PrintError};
pub use value::{BareNullPath, Mapping, PathStep, Scalar, Seq, Str, Value};
