//! The ImageTagTransformer: rewrites container images that match an
//! `images` entry (new name, new tag, digest, or a tag suffix).
//!
//! kustomize runs two passes for each entry, and both are visible in its
//! output (a `tagSuffix` is appended twice to images both passes reach):
//!
//! 1. a search of the whole object for `containers` and `initContainers`
//!    sequences at any depth, updating each element's `image`;
//! 2. the `images` field specs.
//!
//! CustomResourceDefinitions are left alone by both.

use super::plugin_config::{lenient_field_specs, lenient_string, nullable};
use super::{Transform, TransformContext};
use crate::fieldspec::{CompiledSpec, CreateKind, FieldSpec, NodeKind, SetError};
use crate::resource::ResourceList;
use crate::yaml::Value;
use anyhow::{anyhow, Context, Result};
use regex::Regex;
use serde::Deserialize;

/// One `images` entry: which image to rewrite, and how. A kustomization's
/// `images` (and `imageTags`) entries decode into it strictly, as Go's JSON
/// decoder does; the plugin form goes through `PluginImage`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Image {
    /// `name`: the image to match (as written before any tag or digest).
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    /// `newName`: the name to write instead.
    #[serde(default, deserialize_with = "nullable")]
    pub new_name: String,
    /// `tagSuffix`: text appended to the existing tag.
    #[serde(default, deserialize_with = "nullable")]
    pub tag_suffix: String,
    /// `newTag`: the tag to write instead.
    #[serde(default, deserialize_with = "nullable")]
    pub new_tag: String,
    /// `digest`: the digest to write instead of a tag.
    #[serde(default, deserialize_with = "nullable")]
    pub digest: String,
}

/// The plugin form of [`Image`]. kustomize decodes plugin configs from YAML,
/// which takes unknown fields and numbers or bools given for strings, while
/// a kustomization decodes with Go's JSON rules, which reject both; one
/// serde type cannot do both, so this shape only decodes and converts.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PluginImage {
    #[serde(default, deserialize_with = "lenient_string")]
    name: String,
    #[serde(default, deserialize_with = "lenient_string")]
    new_name: String,
    #[serde(default, deserialize_with = "lenient_string")]
    tag_suffix: String,
    #[serde(default, deserialize_with = "lenient_string")]
    new_tag: String,
    #[serde(default, deserialize_with = "lenient_string")]
    digest: String,
}

/// An `imageTag` of a plugin config (null is no rewrite).
fn plugin_image<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Image, D::Error> {
    let raw: Option<PluginImage> = Option::deserialize(d)?;
    Ok(raw.map_or_else(Image::default, |raw| Image {
        name: raw.name,
        new_name: raw.new_name,
        tag_suffix: raw.tag_suffix,
        new_tag: raw.new_tag,
        digest: raw.digest,
    }))
}

/// Configuration of one ImageTagTransformer: an `images` entry with the
/// configuration's `images` field specs, or a `transformers:` entry with
/// `apiVersion: builtin`, `kind: ImageTagTransformer`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTagTransformer {
    /// The rewrite.
    #[serde(default, deserialize_with = "plugin_image")]
    pub image_tag: Image,
    /// Where images are, besides every `containers`/`initContainers` list.
    #[serde(default, deserialize_with = "lenient_field_specs")]
    pub field_specs: Vec<FieldSpec>,
}

impl ImageTagTransformer {
    /// Rewrites the images `image_tag` names, in container lists and
    /// wherever `field_specs` point.
    pub fn new(image_tag: Image, field_specs: Vec<FieldSpec>) -> ImageTagTransformer {
        ImageTagTransformer {
            image_tag,
            field_specs,
        }
    }
}

impl Transform for ImageTagTransformer {
    fn apply(&self, _cx: &mut TransformContext<'_>, resources: &mut ResourceList) -> Result<()> {
        // kustomize uses the name unescaped inside its pattern; a name that
        // is not a valid expression makes it crash at the first image field
        // it meets (and only then).
        let pattern = format!(
            "^{}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$",
            self.image_tag.name
        );
        let matcher = Regex::new(&pattern).map_err(|e| {
            format!(
                "invalid image name '{}' (used as a regular expression): {e}",
                self.image_tag.name
            )
        });
        let rewrite = Rewrite {
            tag: &self.image_tag,
            matcher,
        };
        let specs: Vec<CompiledSpec<'_>> = self.field_specs.iter().map(CompiledSpec::new).collect();
        resources.try_for_each_mut(|res| {
            if res.kind() == "CustomResourceDefinition" {
                return Ok(());
            }
            rewrite
                .in_container_lists(res.value_mut())
                .with_context(|| format!("updating images of {}", res.id()))?;
            for spec in &specs {
                spec.apply(res.value_mut(), CreateKind::Nothing, &mut |node| {
                    rewrite.update(node)
                })?;
            }
            Ok(())
        })
    }
}

struct Rewrite<'a> {
    tag: &'a Image,
    /// The name pattern, or why it does not compile.
    matcher: Result<Regex, String>,
}

impl Rewrite<'_> {
    /// Pass 1: every `containers`/`initContainers` sequence, at any depth.
    /// Inner fields are visited before the field holding them.
    fn in_container_lists(&self, node: &mut Value) -> Result<()> {
        match node {
            Value::Map(m) => {
                for (key, value) in m.iter_mut() {
                    self.in_container_lists(value)?;
                    if key == "containers" || key == "initContainers" {
                        self.in_containers(value)?;
                    }
                }
            }
            Value::Seq(items) => {
                for item in items {
                    self.in_container_lists(item)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn in_containers(&self, list: &mut Value) -> Result<()> {
        let Value::Seq(items) = list else {
            return Ok(());
        };
        for item in items {
            if let Some(image) = item.get_mut("image") {
                self.update(image).map_err(|e| anyhow!(e))?;
            }
        }
        Ok(())
    }

    /// Rewrites one image field if its image matches.
    fn update(&self, node: &mut Value) -> Result<(), SetError> {
        let text = match &*node {
            Value::Map(_) | Value::Seq(_) => {
                return Err(SetError::wrong_kind(NodeKind::Scalar, node));
            }
            Value::Null => return Ok(()),
            other => other.scalar_text().unwrap_or_default(),
        };
        let matcher = self
            .matcher
            .as_ref()
            .map_err(|e| SetError::Other(e.clone()))?;
        if !matcher.is_match(&text) {
            return Ok(());
        }
        *node = Value::String(self.rewritten(&text).into());
        Ok(())
    }

    fn rewritten(&self, image: &str) -> String {
        let t = self.tag;
        let (name, mut tag, mut digest) = split_image(image);
        let mut out = if t.new_name.is_empty() {
            name.to_string()
        } else {
            t.new_name.clone()
        };
        if !t.new_tag.is_empty() {
            tag = t.new_tag.clone();
            digest = if t.digest.is_empty() {
                String::new()
            } else {
                t.digest.clone()
            };
        } else if !t.digest.is_empty() {
            tag = String::new();
            digest = t.digest.clone();
        } else if !t.tag_suffix.is_empty() {
            tag.push_str(&t.tag_suffix);
            digest = String::new();
        }
        if !tag.is_empty() {
            out.push(':');
            out.push_str(&tag);
        }
        if !digest.is_empty() {
            out.push('@');
            out.push_str(&digest);
        }
        out
    }
}

/// Splits an image into name, tag and digest. A `:` or `@` before the first
/// `/` (a registry port) does not count.
fn split_image(image: &str) -> (&str, String, String) {
    let offset = match image.find('/') {
        Some(i) if i > 0 => i,
        _ => 0,
    };
    let rest = &image[offset..];
    let at = rest.find('@').map(|i| i + offset);
    let colon = rest.find(':').map(|i| i + offset);
    match (colon, at) {
        (None, None) => (image, String::new(), String::new()),
        (c, Some(a)) if c.is_none_or(|c| a < c) => {
            (&image[..a], String::new(), image[a + 1..].to_string())
        }
        (Some(c), Some(a)) => (
            &image[..c],
            image[c + 1..a].to_string(),
            image[a + 1..].to_string(),
        ),
        (Some(c), None) => (&image[..c], image[c + 1..].to_string(), String::new()),
        (None, Some(_)) => unreachable!("covered by the digest-first arm"),
    }
}

#[cfg(test)]
#[path = "images_tests.rs"]
mod tests;
