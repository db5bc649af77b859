//! Reading and writing the kustomization file of a directory the way
//! `kustomize edit` does.
//!
//! kustomize does not edit the file in place. It decodes it, applies the
//! command to the decoded value, and writes every field again, one at a
//! time, each printed on its own by the same YAML printer as build output.
//! What survives of the original text is decided line by line:
//!
//! * a line starting (in column 0) with a known field name followed by `:`,
//!   compared ignoring case, records that field, in file order;
//! * comment and blank lines collected before such a line are written
//!   again just before that field;
//! * comment lines found inside a field's value move up to just before that
//!   field; comments after the last field are lost, and so is the last line
//!   when the file does not end with a line break;
//! * the fields recorded are written first, in the original order; every
//!   other non-empty field follows in the schema's order
//!   ([`WRITE_ORDER`]).
//!
//! Reading also applies kustomize's fix-ups ([`super::fixup::on_read`]), so
//! a written file always has `apiVersion` and `kind`, and `bases` and
//! `imageTags` are folded into `resources` and `images`.

use super::fixup;
use super::gotype::{encode, TopField, WRITE_ORDER};
use crate::kustomization::{Kustomization, FILE_NAMES};
use crate::yaml::{Mapping, Value};
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};

/// A field line of the original file with the comments written before it.
#[derive(Debug, Clone)]
struct CommentedField {
    field: &'static TopField,
    comment: String,
}

/// A kustomization file opened for editing.
#[derive(Debug, Clone)]
pub struct KustFile {
    dir: PathBuf,
    name: &'static str,
    doc: Mapping,
    original_fields: Vec<CommentedField>,
}

impl KustFile {
    /// Opens the one kustomization file of `dir`, decodes it and applies
    /// kustomize's read fix-ups.
    pub fn open(dir: &Path) -> Result<KustFile> {
        let name = find_file_name(dir)?;
        let path = dir.join(name);
        let bytes =
            crate::load::read_input(&path).with_context(|| format!("cannot read {name}"))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow!("invalid Kustomization: {name} is not UTF-8 text"))?;
        let doc = decode(&text, &path)?;
        let mut file = KustFile {
            dir: dir.to_path_buf(),
            name,
            doc,
            original_fields: parse_commented_fields(&text),
        };
        fixup::on_read(&mut file.doc);
        Ok(file)
    }

    /// The file's name inside its directory (`kustomization.yaml`, …).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The directory holding the file.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The decoded kustomization: JSON field names as keys.
    pub fn doc(&self) -> &Mapping {
        &self.doc
    }

    /// The decoded kustomization, for editing.
    pub fn doc_mut(&mut self) -> &mut Mapping {
        &mut self.doc
    }

    /// The text kustomize would write for the current content.
    pub fn render(&self) -> Result<String> {
        let mut out = String::new();
        for original in &self.original_fields {
            out.push_str(&original.comment);
            self.write_field(original.field, &mut out)?;
        }
        for field in WRITE_ORDER {
            let seen = self
                .original_fields
                .iter()
                .any(|o| o.field.go_name == field.go_name);
            if !seen {
                self.write_field(field, &mut out)?;
            }
        }
        Ok(out)
    }

    /// Writes [`KustFile::render`]'s text back to the file.
    pub fn save(&self) -> Result<()> {
        let text = self.render()?;
        let path = self.dir.join(self.name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", self.name))
    }

    fn write_field(&self, field: &TopField, out: &mut String) -> Result<()> {
        let Some(value) = self.doc.get(field.json_name) else {
            return Ok(());
        };
        let Some(encoded) = encode(field.json_name, value, field.ty, true)
            .with_context(|| format!("cannot write {}", self.name))?
        else {
            return Ok(());
        };
        let mut single = Mapping::with_capacity(1);
        single.insert(field.json_name.into(), encoded);
        crate::yaml::print_document(&Value::Map(single), out)
            .map_err(|e| anyhow!("cannot write {}: {e}", self.name))
    }
}

/// kustomize's check that the directory holds exactly one recognised
/// kustomization file, and that it is a file.
pub fn find_file_name(dir: &Path) -> Result<&'static str> {
    let found: Vec<&'static str> = FILE_NAMES
        .into_iter()
        .filter(|name| dir.join(name).exists())
        .collect();
    match found.as_slice() {
        [] => bail!("Missing kustomization file '{}'.\n", FILE_NAMES[0]),
        [name] if dir.join(name).is_dir() => bail!("{name} should be a file"),
        [name] => Ok(name),
        _ => bail!("Found multiple kustomization file: [{}]\n", found.join(" ")),
    }
}

/// Decodes the file's first document with kustomize's schema checks and
/// returns it with field names spelled as the schema spells them.
fn decode(text: &str, path: &Path) -> Result<Mapping> {
    let docs = crate::yaml::parse_documents_lenient(text, path)
        .map_err(|e| anyhow!("invalid Kustomization: {e}"))?;
    let first = docs.into_iter().next().unwrap_or(Value::Null);
    let mut json = serde_json::Value::from(&first);
    crate::kustomization::normalize_field_names(&mut json);
    Kustomization::decode(json.clone(), path)?;
    match Value::from(&json) {
        Value::Map(map) => Ok(map),
        _ => Ok(Mapping::new()),
    }
}

/// Records, line by line, which fields the file has and the comment and
/// blank lines that go with each (see the module docs).
fn parse_commented_fields(text: &str) -> Vec<CommentedField> {
    let mut fields: Vec<CommentedField> = Vec::new();
    let mut comments = String::new();
    // Only complete lines count: kustomize stops at the last line break.
    for line in text.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
        if is_comment_or_blank(line) {
            comments.push_str(line);
        } else if let Some(field) = matched_field(line) {
            fields.push(CommentedField {
                field,
                comment: std::mem::take(&mut comments),
            });
        } else if let (false, Some(last)) = (comments.is_empty(), fields.last_mut()) {
            last.comment.push_str(&std::mem::take(&mut comments));
        }
    }
    fields
}

fn is_comment_or_blank(line: &str) -> bool {
    let trimmed = line.trim_start_matches(' ').trim_end_matches('\n');
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// The field a line starts, when it begins with a field's Go name (any
/// case) directly followed by `:`.
fn matched_field(line: &str) -> Option<&'static TopField> {
    let bytes = line.as_bytes();
    WRITE_ORDER.iter().find(|field| {
        let name = field.go_name.as_bytes();
        bytes.len() > name.len()
            && bytes[..name.len()].eq_ignore_ascii_case(name)
            && bytes[name.len()] == b':'
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<(&'static str, String)> {
        parse_commented_fields(text)
            .into_iter()
            .map(|f| (f.field.json_name, f.comment))
            .collect()
    }

    #[test]
    fn comments_attach_to_the_next_field_or_move_up() {
        let text = "# top\n\nresources:\n# inside\n- a.yaml\nnamespace: x\n# lost\n";
        assert_eq!(
            fields(text),
            [
                ("resources", "# top\n\n# inside\n".to_string()),
                ("namespace", String::new()),
            ]
        );
    }

    #[test]
    fn field_names_match_ignoring_case_in_column_zero_only() {
        let text = "APIVERSION: v\n  kind: x\nnamePrefixx: y\nopenapi:\n";
        let names: Vec<_> = fields(text).into_iter().map(|f| f.0).collect();
        assert_eq!(names, ["apiVersion", "openapi"]);
    }

    #[test]
    fn a_last_line_without_line_break_is_not_recorded() {
        assert_eq!(fields("kind: K\nnamespace: x").len(), 1);
    }
}
