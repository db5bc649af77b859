//! The YAML layer: reading input the way kustomize (yaml.v3) reads it, and
//! printing output the way kustomize (go-yaml v2, after a JSON round trip)
//! prints it.

pub mod encoding;
pub mod float;
pub mod frozen;
pub mod key;
pub mod keyorder;
pub mod mapping;
mod parse;
mod parse_alias;
mod parse_depth;
mod parse_folded;
mod parse_repair;
mod parse_source;
mod parse_split;
mod parse_text;
mod parse_tree;
mod print;
mod print_json;
mod print_resolve;
mod print_scalar;
#[cfg(test)]
mod print_tests;
mod quote;
mod quoted_keys;
pub mod resolve;
mod resolve_num;
mod resolve_time;
mod value;

pub use frozen::Frozen;
pub use key::Key;
pub use parse::{
    parse_documents, parse_documents_lenient, parse_documents_noting_bare_nulls,
    parse_patch_documents, YamlError,
};
pub use print::{print_document, print_documents, PrintError};
pub use value::{BareNullPath, Mapping, PathStep, Scalar, Seq, Str, Value};
