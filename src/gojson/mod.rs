//! Go's `encoding/json` behaviour where kustomize's results depend on it:
//! how configuration documents decode ([`nullable`]) and how values are
//! written as Go writes them ([`encode`]).

mod decode;
mod decode_error;
pub(crate) mod encode;
pub(crate) mod fold;
mod locate;

pub use decode::decode;
pub use decode_error::DecodeError;
pub use locate::{locate, Location};

use serde::{Deserialize, Deserializer};

/// Deserialises `null` as the type's default, as Go's JSON decoder does.
/// Shared by every configuration schema (kustomization, plugin configs,
/// field specs, vars).
pub(crate) fn nullable<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
