//! Building one document's [`Value`] from parser events: scalar
//! resolution, anchors and aliases, `<<` merge keys, duplicate and
//! non-string keys.

use super::alias::AliasBudget;
use super::depth::{Indents, TOO_DEEP};
use super::folded::{folded_round_trip, writable_as_block};
use super::source::SourceChars;
use super::text::json_round_trip_string;
use crate::yaml::resolve::{resolve_scalar, resolve_text, Resolved, Schema, TagKind};
use crate::yaml::{BareNullPath, Key, Mapping, PathStep, Scalar, Value};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span, Tag};
use std::borrow::Cow;
use std::collections::HashMap;

/// An error inside one document, located in that document's text.
#[derive(Debug)]
pub struct TreeError {
    /// What was wrong.
    pub message: String,
    /// Where, in the parsed text (line 1-based, column 0-based).
    pub marker: Option<Marker>,
}

impl TreeError {
    fn at(marker: Marker, message: impl Into<String>) -> TreeError {
        TreeError {
            message: message.into(),
            marker: Some(marker),
        }
    }
}

impl From<ScanError> for TreeError {
    fn from(e: ScanError) -> TreeError {
        TreeError::at(*e.marker(), e.info().to_string())
    }
}

/// What a mapping is waiting for.
enum Pending {
    /// Its next key.
    Key,
    /// The value of the key at this index.
    Value(usize),
    /// The value of a `<<` merge key.
    Merge(Marker),
    /// A value to discard (the key was a quoted `<<`, which kustomize
    /// deletes when it expands merge keys).
    Discard,
}

struct MapFrame {
    map: Mapping,
    anchor: usize,
    pending: Pending,
    /// Merge sources in the order they were listed (yaml.v3 rules apply
    /// them when the mapping ends).
    merges: Vec<Mapping>,
    seen_merge: bool,
    is_root: bool,
    flow: bool,
}

enum Frame {
    /// Items, anchor, written in flow style.
    Seq(Vec<Value>, usize, bool),
    Map(MapFrame),
}

impl Frame {
    fn is_flow(&self) -> bool {
        match self {
            Frame::Seq(_, _, flow) => *flow,
            Frame::Map(m) => m.flow,
        }
    }
}

/// Reads the first document of `text`. `None` when there is none.
#[cfg(test)]
pub fn read_first_document(text: &str, schema: Schema) -> Result<Option<Value>, TreeError> {
    read_first_document_keys(text, schema, false).map(|(doc, _)| doc)
}

/// [`read_first_document`], also returning the paths of the mapping fields
/// written with no value (see [`BareNullPath`]). With `first_key_wins`, a
/// key written twice in a mapping is no error and its first value is kept
/// (as kustomize reads patches: field lookups find the first one).
pub fn read_first_document_keys(
    text: &str,
    schema: Schema,
    first_key_wins: bool,
) -> Result<(Option<Value>, Vec<BareNullPath>), TreeError> {
    let mut parser = Parser::new_from_str(text);
    let mut builder = Builder {
        schema,
        first_key_wins,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        source: SourceChars::new(text),
        bare_nulls: Vec::new(),
        indents: Indents::default(),
        budget: AliasBudget::new(text.len()),
    };
    // yaml.v3 has no `\/` escape; only look for one when the text could
    // hold it.
    let check_slash_escapes = text.contains("\\/");
    let check_tabs = text.contains('\t');
    while let Some(next) = parser.next_event() {
        let (event, span) = next?;
        match event {
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => {}
            Event::Scalar(_, ScalarStyle::DoubleQuoted, ..)
                if check_slash_escapes && has_slash_escape(&mut builder.source, span) =>
            {
                return Err(TreeError::at(
                    span.start,
                    "found unknown escape character `\\/` in a double-quoted scalar",
                ));
            }
            Event::Scalar(ref value, ScalarStyle::Literal | ScalarStyle::Folded, ..)
                if value.trim_start_matches('\n').starts_with('\t')
                    && !block_header_sets_indent(&mut builder.source, span) =>
            {
                return Err(TreeError::at(
                    span.start,
                    "found a tab character where an indentation space is expected (the first line of a block scalar sets its indentation)",
                ));
            }
            Event::Scalar(
                value,
                style @ (ScalarStyle::Literal | ScalarStyle::Folded),
                anchor,
                tag,
            ) if value.ends_with('\n') && ends_unterminated_text(&mut builder.source, span) => {
                // The parser gives a block scalar on the text's last line a
                // line break the text does not have; yaml.v3 does not.
                let mut value = value.into_owned();
                value.pop();
                let event = Event::Scalar(Cow::Owned(value), style, anchor, tag);
                builder.on_event(event, span.start)?;
            }
            event => {
                if check_tabs && builder.tab_before_item(span.start) {
                    return Err(TreeError::at(
                        span.start,
                        "found a tab after `-`, a character that cannot start any token",
                    ));
                }
                builder.on_event(event, span.start)?
            }
        }
    }
    Ok((builder.root, builder.bare_nulls))
}

/// Whether the block scalar at `span` ends the text on a line with no line
/// break after it (only blanks may follow the span), where the parser adds
/// a break that yaml.v3 does not. A last line of blanks alone counts when it
/// reaches the block's indentation: the parser then takes it as a content
/// line and gives it a break; a shorter one it already leaves out.
fn ends_unterminated_text(source: &mut SourceChars<'_>, span: Span) -> bool {
    let reaches_end = match source.byte_offset(span.end.index()) {
        Some(offset) => source.text[offset..].trim_matches([' ', '\t']).is_empty(),
        None => true,
    };
    if !reaches_end || source.text.ends_with('\n') {
        return false;
    }
    let last_line = source.text.rsplit('\n').next().unwrap_or_default();
    if !last_line.trim_matches([' ', '\t']).is_empty() {
        return true;
    }
    // The parser's span starts at the block's indentation, whether found
    // from the first line or given by an indicator (`|2`).
    let spaces = last_line.len() - last_line.trim_start_matches(' ').len();
    spaces >= span.start.col()
}

/// Whether the header of the block scalar whose content starts at `span`
/// (`|2`, `>-1`…, on the last non-blank line before the content) gives an
/// explicit indentation. Without one, yaml.v3 refuses a tab at the start
/// of the first content line.
fn block_header_sets_indent(source: &mut SourceChars<'_>, span: Span) -> bool {
    let Some(start) = source.byte_offset(span.start.index()) else {
        return true;
    };
    let before = source.text[..start].trim_end();
    let header_line = before.rsplit('\n').next().unwrap_or_default();
    let header_line = header_line.split(" #").next().unwrap_or_default();
    match header_line.rfind(['|', '>']) {
        Some(i) => header_line[i..].bytes().any(|b| b.is_ascii_digit()),
        None => true,
    }
}

/// Whether the double-quoted scalar at `span` uses the `\/` escape. The
/// span's character positions are turned into byte offsets by the source's
/// cursor, which moves forward with the events (walking from the start of
/// the text for each scalar made large documents quadratic).
fn has_slash_escape(source: &mut SourceChars<'_>, span: Span) -> bool {
    let text_len = source.text.len();
    let start = source.byte_offset(span.start.index()).unwrap_or(text_len);
    let end = source.byte_offset(span.end.index()).unwrap_or(text_len);
    let bytes = &source.text.as_bytes()[start..end.max(start)];
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'/') => return true,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    false
}

struct Builder<'t> {
    schema: Schema,
    first_key_wins: bool,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    root: Option<Value>,
    source: SourceChars<'t>,
    bare_nulls: Vec<BareNullPath>,
    indents: Indents,
    budget: AliasBudget,
}

impl Builder<'_> {
    fn on_event(&mut self, event: Event<'_>, at: Marker) -> Result<(), TreeError> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.budget.scalar(text.len(), anchor);
                self.on_scalar(text, style, anchor, tag, at)
            }
            Event::Alias(id) => {
                // Counted before the copy is made: a refused expansion
                // never takes memory.
                self.budget.alias(id).map_err(|m| TreeError::at(at, m))?;
                self.on_alias(id, at)
            }
            Event::SequenceStart(anchor, _) => {
                self.budget.enter();
                self.refuse_collection_key(at)?;
                let flow = self.source.char_at(at.index()) == Some('[');
                self.enter_collection(at, flow)?;
                self.stack.push(Frame::Seq(Vec::new(), anchor, flow));
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                self.budget.enter();
                self.refuse_collection_key(at)?;
                let flow = self.source.char_at(at.index()) == Some('{');
                self.enter_collection(at, flow)?;
                let frame = MapFrame {
                    // Room for a typical mapping up front; the spare room is
                    // given back when the mapping ends.
                    map: Mapping::with_capacity(8),
                    anchor,
                    pending: Pending::Key,
                    merges: Vec::new(),
                    seen_merge: false,
                    is_root: self.stack.is_empty(),
                    flow,
                };
                self.stack.push(Frame::Map(frame));
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => self.on_collection_end(),
            _ => Ok(()),
        }
    }

    fn in_v3_flow(&self) -> bool {
        self.schema == Schema::V3 && self.stack.last().is_some_and(Frame::is_flow)
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map(m)) if matches!(m.pending, Pending::Key))
    }

    fn enter_collection(&mut self, at: Marker, flow: bool) -> Result<(), TreeError> {
        match self.indents.enter(self.stack.len(), at.col(), flow) {
            true => Ok(()),
            false => Err(TreeError::at(at, TOO_DEEP)),
        }
    }

    fn refuse_collection_key(&self, at: Marker) -> Result<(), TreeError> {
        if self.expecting_key() {
            return Err(TreeError::at(
                at,
                "expected a scalar mapping key, found a sequence or mapping (complex keys are not supported)",
            ));
        }
        Ok(())
    }

    fn on_scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<Cow<'_, Tag>>,
        at: Marker,
    ) -> Result<(), TreeError> {
        let tag = tag.map_or(TagKind::Untagged, |t| {
            TagKind::classify(&t.handle, &t.suffix)
        });
        let quoted = style != ScalarStyle::Plain;
        if self.expecting_key() {
            let merge = !quoted && text == "<<" && tag == TagKind::Untagged;
            return self.on_key(KeyText::Scalar(text, quoted, tag, merge), at);
        }
        if text.is_empty() && !quoted && tag == TagKind::Untagged && self.in_v3_flow() {
            // yaml.v3 writes an empty null inside a flow collection as ''
            // when kustomize re-encodes the resource, so it reads back as
            // an empty string.
            return self.attach(Value::String(String::new().into()), anchor);
        }
        if !quoted && tag == TagKind::Untagged && self.in_v3_flow() && text.contains(':') {
            // yaml.v3 quotes a plain scalar holding ':' inside a flow
            // collection when kustomize re-encodes the resource, so a
            // timestamp with a time part reads back as the string it was.
            let value = self.json_string(Value::String(text.into()), at)?;
            return self.attach(value, anchor);
        }
        let bare = text.is_empty() && !quoted && matches!(tag, TagKind::Untagged | TagKind::Null);
        if bare {
            self.note_bare_null();
            if self.schema == Schema::V3 && self.in_metadata_string_map() {
                // A label or annotation read as text is empty, not "null".
                return self.attach(Scalar::keep_empty_null(), anchor);
            }
        }
        let mut value =
            resolve_scalar(text, quoted, tag, self.schema).map_err(|e| TreeError::at(at, e.0))?;
        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) && self.schema == Schema::V3
        {
            value = block_round_trip(value, style, at)?;
        }
        let value = self.json_string(value, at)?;
        if quoted && matches!(value, Value::String(_)) && self.schema == Schema::V3 {
            self.note_quoted();
        }
        self.attach(value, anchor)
    }

    /// Marks the mapping field about to be attached as written in quotes.
    fn note_quoted(&mut self) {
        if let Some(Frame::Map(frame)) = self.stack.last_mut() {
            if let Pending::Value(index) = frame.pending {
                if let Some(key) = frame.map.entries().get(index).map(|(k, _)| *k) {
                    frame.map.set_quoted(key, true);
                }
            }
        }
    }

    /// True when the node starting at `at` is an item of a block sequence
    /// written after `-` and blanks that hold a tab.
    fn tab_before_item(&mut self, at: Marker) -> bool {
        if !matches!(self.stack.last(), Some(Frame::Seq(_, _, false))) {
            return false;
        }
        let offset = self.source.byte_offset(at.index());
        offset.is_some_and(|o| super::text::tab_after_block_entry(self.source.text, o))
    }

    /// True when the innermost mapping is `metadata.labels` or
    /// `metadata.annotations` of the document.
    fn in_metadata_string_map(&self) -> bool {
        let pending_key = |frame: &Frame| match frame {
            Frame::Map(map) => match map.pending {
                Pending::Value(index) => map.map.get_index(index).map(|(k, _)| k.to_string()),
                _ => None,
            },
            Frame::Seq(..) => None,
        };
        match self.stack.as_slice() {
            [root, meta, _] => {
                pending_key(root).as_deref() == Some("metadata")
                    && matches!(pending_key(meta).as_deref(), Some("labels" | "annotations"))
            }
            _ => false,
        }
    }

    /// Records the path of the value about to be attached, when it is a
    /// mapping field in block style. Content of `<<` merge sources is left
    /// out: it is copied, not walked in place.
    fn note_bare_null(&mut self) {
        let mut path = Vec::with_capacity(self.stack.len());
        for frame in &self.stack {
            match frame {
                Frame::Seq(items, ..) => path.push(PathStep::Index(items.len())),
                Frame::Map(map) => match map.pending {
                    Pending::Value(index) => match map.map.get_index(index) {
                        Some((key, _)) => path.push(PathStep::Key(key.to_string())),
                        None => return,
                    },
                    _ => return,
                },
            }
        }
        if matches!(path.last(), Some(PathStep::Key(_))) {
            self.bare_nulls.push(path);
        }
    }

    fn on_alias(&mut self, id: usize, at: Marker) -> Result<(), TreeError> {
        let value =
            self.anchors.get(&id).cloned().ok_or_else(|| {
                TreeError::at(at, "alias refers to an unknown or unfinished anchor")
            })?;
        if self.expecting_key() {
            return self.on_key(KeyText::Alias(value), at);
        }
        self.attach(value, 0)
    }

    /// Strings pass through JSON in kustomize; apply what that does.
    fn json_string(&self, value: Value, at: Marker) -> Result<Value, TreeError> {
        match value {
            Value::String(s) if self.schema == Schema::V3 => json_round_trip_string(s.to_string())
                .map(Value::from)
                .map_err(|c| control_char_error(c, at)),
            v => Ok(v),
        }
    }

    fn on_key(&mut self, key: KeyText<'_>, at: Marker) -> Result<(), TreeError> {
        let schema = self.schema;
        // kustomize decodes a patch's labels and annotations into maps,
        // where a repeated key is still an error.
        let first_key_wins = self.first_key_wins && !self.in_metadata_string_map();
        let Some(Frame::Map(frame)) = self.stack.last_mut() else {
            return Ok(());
        };
        if let KeyText::Scalar(_, _, _, true) = key {
            if frame.seen_merge && schema == Schema::V3 {
                return Err(TreeError::at(at, "duplicate merge key `<<`"));
            }
            frame.seen_merge = true;
            frame.pending = Pending::Merge(at);
            return Ok(());
        }
        let text = key_text(key, frame.is_root, schema).map_err(|m| TreeError::at(at, m))?;
        if schema == Schema::V3 && text == "<<" {
            frame.pending = Pending::Discard;
            return Ok(());
        }
        let text = match schema {
            Schema::V3 => json_round_trip_key(text, at)?,
            Schema::V2 => text,
        };
        // The key takes its place now (one hash lookup) and gets its value
        // when that is complete.
        let (index, previous) = frame.map.insert_full(Key::new(&text), Value::Null);
        if let (Some(first), true) = (&previous, first_key_wins) {
            if let Some((_, slot)) = frame.map.get_index_mut(index) {
                *slot = first.clone();
            }
            frame.pending = Pending::Discard;
            return Ok(());
        }
        if previous.is_some() && schema == Schema::V3 {
            let key = frame.map.get_index(index).map_or("", |(k, _)| k);
            return Err(TreeError::at(
                at,
                format!("mapping key {key:?} already defined (keys must be unique)"),
            ));
        }
        frame.pending = Pending::Value(index);
        Ok(())
    }

    fn on_collection_end(&mut self) -> Result<(), TreeError> {
        self.indents.leave(self.stack.len().saturating_sub(1));
        let (value, anchor) = match self.stack.pop() {
            // Converting copies the items into a block of exactly their
            // number.
            Some(Frame::Seq(items, anchor, _)) => (Value::Seq(items.into()), anchor),
            Some(Frame::Map(frame)) => {
                let mut map = apply_v3_merges(frame.map, frame.merges);
                map.shrink_to_fit();
                (Value::Map(map), frame.anchor)
            }
            None => return Ok(()),
        };
        self.budget.leave(anchor);
        self.attach(value, anchor)
    }

    /// Records an anchored value and hands a finished value to its parent.
    fn attach(&mut self, mut value: Value, anchor: usize) -> Result<(), TreeError> {
        if let Value::String(s) = &mut value {
            s.shrink_to_fit();
        }
        if anchor != 0 {
            self.anchors.insert(anchor, value.clone());
        }
        let schema = self.schema;
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq(items, ..)) => items.push(value),
            Some(Frame::Map(frame)) => match std::mem::replace(&mut frame.pending, Pending::Key) {
                Pending::Value(index) => {
                    if let Some((_, slot)) = frame.map.get_index_mut(index) {
                        *slot = value;
                    }
                }
                Pending::Merge(key_at) => {
                    let sources = merge_sources(value).map_err(|m| TreeError::at(key_at, m))?;
                    match schema {
                        Schema::V3 => frame.merges.extend(sources),
                        Schema::V2 => apply_v2_merge(&mut frame.map, sources),
                    }
                }
                Pending::Discard | Pending::Key => {}
            },
        }
        Ok(())
    }
}

/// kustomize re-encodes block scalars in their style before printing. A
/// value starting with a tab is written without an indentation indicator
/// and cannot be read back (an error in kustomize); folded values change
/// (see [`folded_round_trip`]).
fn block_round_trip(value: Value, style: ScalarStyle, at: Marker) -> Result<Value, TreeError> {
    let Value::String(s) = value else {
        return Ok(value);
    };
    if s.starts_with('\t') && writable_as_block(&s) {
        return Err(TreeError::at(
            at,
            "found a tab character where an indentation space is expected: a block scalar starting with a tab cannot be re-encoded by kustomize (quote it instead)",
        ));
    }
    Ok(Value::String(match style {
        ScalarStyle::Folded => folded_round_trip(s.to_string()).into(),
        _ => s,
    }))
}

/// A mapping key as it arrives: a scalar (text, quoted?, tag, merge key?)
/// or an alias's value.
enum KeyText<'a> {
    Scalar(Cow<'a, str>, bool, TagKind, bool),
    Alias(Value),
}

/// The string a key becomes. yaml.v3 decodes a resource's top-level keys
/// into Go strings (so `1` is the key "1", null is refused); nested
/// mappings with any non-string key cannot be written as JSON. yaml.v2
/// (kustomization files) ends up with the key's text.
fn key_text(key: KeyText<'_>, is_root: bool, schema: Schema) -> Result<String, String> {
    let (text, quoted, tag) = match key {
        KeyText::Scalar(text, quoted, tag, _) => (text, quoted, tag),
        KeyText::Alias(Value::String(s)) => return Ok(s.to_string()),
        KeyText::Alias(v) => {
            return Err(format!(
                "expected a string mapping key, found an alias to a {}",
                v.type_name()
            ))
        }
    };
    if schema == Schema::V2 {
        return Ok(text.into_owned());
    }
    if is_root {
        return match resolve_scalar(Cow::Borrowed(&text), quoted, tag, schema)
            .map_err(|e| e.0)?
            .into_resolved()
        {
            Value::Null => Err("expected a mapping key, found null".into()),
            _ => Ok(text.into_owned()),
        };
    }
    let is_string = match tag {
        TagKind::Str => true,
        TagKind::Untagged => quoted || resolve_text(&text, true, schema) == Resolved::Str,
        _ => false,
    };
    if !is_string {
        return Err(format!(
            "expected a string mapping key, found `{text}` (quote it to make it a string; JSON \
             cannot hold non-string keys)"
        ));
    }
    Ok(text.into_owned())
}

/// A key's trip through JSON: like a string value's, except that a NEL
/// (a line break to the YAML reader) cannot be part of a key.
fn json_round_trip_key(text: String, at: Marker) -> Result<String, TreeError> {
    if text.is_ascii() {
        return Ok(text);
    }
    if text.contains('\u{85}') {
        return Err(TreeError::at(
            at,
            "a mapping key may not contain NEL (U+0085): kustomize turns it into a line break",
        ));
    }
    json_round_trip_string(text).map_err(|c| control_char_error(c, at))
}

fn control_char_error(c: char, at: Marker) -> TreeError {
    TreeError::at(
        at,
        format!(
            "control characters are not allowed (U+{:04X} in a string)",
            u32::from(c)
        ),
    )
}

/// The mappings a `<<` value names: one mapping, or a sequence of them.
fn merge_sources(value: Value) -> Result<Vec<Mapping>, String> {
    match value {
        Value::Map(m) => Ok(vec![m]),
        Value::Seq(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Map(m) => Ok(m),
                Value::Seq(_) => Err("invalid map merge: received a nested sequence".to_string()),
                _ => Err("map merge requires map or sequence of maps as the value".to_string()),
            })
            .collect(),
        _ => Err("map merge requires map or sequence of maps as the value".into()),
    }
}

/// kustomize's merge expansion: the mapping's own keys win and keep their
/// places; of the merged mappings, the earliest listed wins, and new keys
/// are appended starting from the last listed mapping.
fn apply_v3_merges(mut own: Mapping, merges: Vec<Mapping>) -> Mapping {
    let own_len = own.len();
    for source in merges.into_iter().rev() {
        for (key, value) in source {
            match own.get_index_of(&key) {
                Some(i) if i < own_len => {}
                _ => {
                    own.insert(key, value);
                }
            }
        }
    }
    own
}

/// yaml.v2's merge: merged keys overwrite what came before the `<<`, later
/// keys overwrite them, and earlier listed mappings win.
fn apply_v2_merge(map: &mut Mapping, sources: Vec<Mapping>) {
    for source in sources.into_iter().rev() {
        map.extend(source);
    }
}

#[cfg(test)]
#[path = "tree_tests.rs"]
mod tests;
