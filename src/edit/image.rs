//! `edit set image`: parsing `NAME[=NEWNAME][:TAG][@DIGEST]` arguments and
//! merging them into `images`.

use super::doc::str_at;
use crate::yaml::{Mapping, Value};
use anyhow::{bail, Result};
use std::collections::BTreeMap;

/// A `*` new name, tag or digest keeps the value already in the file.
const KEEP: &str = "*";

const FORMATS: &str = "use one of the following options:
- <image>=<newimage>:<newtag>
- <image>=<newimage>@<digest>
- <image>=<newimage>:<newtag>@<digest>
- <image>=<newimage>
- <image>:<newtag>
- <image>:<newtag>@<digest>
- <image>@<digest>";

/// kustomize's message for an argument it cannot split.
fn invalid_format() -> anyhow::Error {
    anyhow::anyhow!("invalid format of image, {FORMATS}")
}

/// One `images` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageEntry {
    /// The image name to match.
    pub name: String,
    /// Replacement name.
    pub new_name: String,
    /// Suffix appended to the tag (kept only for entries the command does
    /// not touch).
    pub tag_suffix: String,
    /// Replacement tag.
    pub new_tag: String,
    /// Replacement digest.
    pub digest: String,
}

impl ImageEntry {
    fn from_map(map: &Mapping) -> ImageEntry {
        ImageEntry {
            name: str_at(map, "name").into(),
            new_name: str_at(map, "newName").into(),
            tag_suffix: str_at(map, "tagSuffix").into(),
            new_tag: str_at(map, "newTag").into(),
            digest: str_at(map, "digest").into(),
        }
    }

    fn to_value(&self) -> Value {
        let fields = [
            ("name", &self.name),
            ("newName", &self.new_name),
            ("tagSuffix", &self.tag_suffix),
            ("newTag", &self.new_tag),
            ("digest", &self.digest),
        ];
        let map = fields
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), Value::String(v.as_str().into())))
            .collect();
        Value::Map(map)
    }
}

/// Parses one `set image` argument.
///
/// kustomize v5.5 also accepts arguments with an empty part (`nginx@`,
/// `nginx:`, `=nginx`, `nginx=`, `:v1`) and writes an entry that names no
/// image or changes nothing; krust refuses them, saying which part is
/// empty.
pub fn parse_image_arg(arg: &str) -> Result<ImageEntry> {
    let (key, value) = match arg.split_once('=') {
        Some((key, value)) => (key, value),
        None => ("", arg),
    };
    let (name, tag, digest) = split_image_name(value);
    if name == arg {
        return Err(invalid_format());
    }
    if let Some(reason) = empty_part(arg, key, value, (name, tag, digest)) {
        bail!("invalid format of image {arg:?}: {reason}; {FORMATS}");
    }
    let mut entry = ImageEntry {
        new_tag: tag.into(),
        digest: digest.into(),
        ..ImageEntry::default()
    };
    if key.is_empty() {
        entry.name = name.into();
    } else {
        entry.name = key.into();
        entry.new_name = name.into();
    }
    Ok(entry)
}

/// The empty part of an argument whose parts are `key` (before `=`) and
/// `value` split into `parts`, if any.
fn empty_part(
    arg: &str,
    key: &str,
    value: &str,
    parts: (&str, &str, &str),
) -> Option<&'static str> {
    let (name, tag, digest) = parts;
    let has_key = arg.contains('=');
    if has_key && key.is_empty() {
        return Some("the image name before '=' is empty");
    }
    if name.is_empty() && !(has_key && value.is_empty()) {
        return Some("the image name is empty");
    }
    if has_key && value.is_empty() {
        return Some("the new image after '=' is empty");
    }
    // The value starts with the name; what follows holds the separators.
    let rest = &value[name.len()..];
    if rest.starts_with(':') && tag.is_empty() {
        return Some("the tag after ':' is empty");
    }
    if rest.contains('@') && digest.is_empty() {
        return Some("the digest after '@' is empty");
    }
    None
}

/// Splits `name[:tag][@digest]`; a `:` or `@` before the first `/` (after
/// its first character) belongs to the name, so a registry port stays in
/// the name.
pub fn split_image_name(image: &str) -> (&str, &str, &str) {
    let offset = match image.find('/') {
        Some(slash) if slash > 0 => slash,
        _ => 0,
    };
    let search = &image[offset..];
    let at = search.find('@').map(|i| i + offset);
    let colon = search.find(':').map(|i| i + offset);
    match (colon, at) {
        (None, None) => (image, "", ""),
        (Some(c), Some(at)) if c < at => (&image[..c], &image[c + 1..at], &image[at + 1..]),
        (_, Some(at)) => (&image[..at], "", &image[at + 1..]),
        (Some(c), None) => (&image[..c], &image[c + 1..], ""),
    }
}

/// Applies `set image` to a kustomization: each argument replaces the
/// entry of the same name (its `*` parts keep the old values; other parts
/// of the old entry, `tagSuffix` included, are dropped), other entries
/// stay, and the list comes out sorted by name. Later arguments win.
pub fn set_images(doc: &mut Mapping, args: &[String]) -> Result<()> {
    if args.is_empty() {
        bail!("no image specified");
    }
    let mut by_name = BTreeMap::new();
    for arg in args {
        let entry = parse_image_arg(arg)?;
        by_name.insert(entry.name.clone(), entry);
    }
    let existing = match doc.get("images") {
        Some(Value::Seq(items)) => items.clone(),
        _ => Vec::new().into(),
    };
    for old in existing
        .iter()
        .map(|v| v.as_map().map(ImageEntry::from_map))
    {
        let old = old.unwrap_or_default();
        // kustomize looks names up in a map that also holds the old
        // entries already seen, so of duplicate old entries the first wins.
        match by_name.get_mut(&old.name) {
            Some(new) => keep_starred(new, &old),
            None => {
                by_name.insert(old.name.clone(), old);
            }
        }
    }
    let images = by_name
        .into_values()
        .map(|mut entry| {
            keep_starred(&mut entry, &ImageEntry::default());
            entry.to_value()
        })
        .collect();
    doc.insert("images".into(), Value::Seq(images));
    Ok(())
}

/// Replaces each `*` part of `new` with `old`'s value; any replacement
/// drops `tagSuffix`, as kustomize rebuilds the entry from four fields.
fn keep_starred(new: &mut ImageEntry, old: &ImageEntry) {
    for (part, old_part) in [
        (&mut new.new_name, &old.new_name),
        (&mut new.new_tag, &old.new_tag),
        (&mut new.digest, &old.digest),
    ] {
        if part == KEEP {
            part.clone_from(old_part);
            new.tag_suffix.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_names_tags_and_digests() {
        assert_eq!(split_image_name("nginx"), ("nginx", "", ""));
        assert_eq!(split_image_name("nginx:1.2"), ("nginx", "1.2", ""));
        assert_eq!(
            split_image_name("nginx@sha256:ab"),
            ("nginx", "", "sha256:ab")
        );
        assert_eq!(split_image_name("n:t@sha256:ab"), ("n", "t", "sha256:ab"));
        assert_eq!(
            split_image_name("reg:5000/app:v1"),
            ("reg:5000/app", "v1", "")
        );
    }

    #[test]
    fn parses_every_argument_form() {
        let e = parse_image_arg("app=reg/app:v1@sha256:ab").unwrap();
        assert_eq!(
            (&*e.name, &*e.new_name, &*e.new_tag, &*e.digest),
            ("app", "reg/app", "v1", "sha256:ab")
        );
        let e = parse_image_arg("app:*").unwrap();
        assert_eq!((&*e.name, &*e.new_tag), ("app", "*"));
        assert!(parse_image_arg("app").is_err());
    }

    #[test]
    fn arguments_with_an_empty_part_are_refused() {
        for (arg, reason) in [
            ("nginx@", "the digest after '@' is empty"),
            ("nginx:", "the tag after ':' is empty"),
            ("nginx:@sha256:ab", "the tag after ':' is empty"),
            ("=foo", "the image name before '=' is empty"),
            ("nginx=", "the new image after '=' is empty"),
            (":v1", "the image name is empty"),
            ("app=reg/app@", "the digest after '@' is empty"),
            ("app:v1@", "the digest after '@' is empty"),
        ] {
            let err = parse_image_arg(arg).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!(
                    "invalid format of image {arg:?}: {reason}; use one"
                )),
                "{arg}: {err}"
            );
        }
        for arg in [
            "app=reg:5000/app",
            "reg:5000/app:v1",
            "app=*",
            "app:*",
            "app@*",
            "a:v1@sha256:x",
        ] {
            assert!(parse_image_arg(arg).is_ok(), "{arg}");
        }
    }

    #[test]
    fn later_parts_keep_old_values_only_where_starred() {
        let mut new = parse_image_arg("app=*:v2").unwrap();
        let old = ImageEntry {
            name: "app".into(),
            new_name: "reg/app".into(),
            tag_suffix: "-x".into(),
            new_tag: "v1".into(),
            digest: "sha256:ab".into(),
        };
        keep_starred(&mut new, &old);
        assert_eq!(
            (&*new.new_name, &*new.new_tag, &*new.digest),
            ("reg/app", "v2", "")
        );
        assert!(new.tag_suffix.is_empty());
    }
}
