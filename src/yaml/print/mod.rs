//! Printing [`Value`]s exactly as kustomize prints them.
//!
//! kustomize prints each resource with go-yaml v2 after a JSON round trip.
//! The printer walks the value the way go-yaml v2's encoder emits events and
//! reproduces its emitter's layout decisions: block style with an indent of
//! 2, sequences under a mapping key not indented, empty collections as `{}`
//! and `[]`, keys sorted with [`key_less`](super::keyorder::key_less), long
//! or multi-line keys in the explicit `? key` form, and scalars styled and
//! folded as described in [`super::quote`] and [`super::print_scalar`].

pub(crate) mod float;
mod json;
pub(crate) mod keyorder;
mod quote;
mod resolve;
mod scalar;
#[cfg(test)]
mod tests;

use super::Value;
use float::{write_go_g, write_printed_float};
use json::{fold_raw_line_breaks, multiline_key_error, CONTROL_CHARACTERS};
use keyorder::sort_by_key_order;
use quote::{analyze, Analysis, Style};
use scalar::{Cursor, INDENT_STEP};
use std::borrow::Cow;

/// A value that kustomize would refuse to print.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct PrintError {
    /// What was wrong.
    pub message: String,
}

/// Keys longer than this many bytes are written in the explicit `? key` form.
const MAX_SIMPLE_KEY_LEN: usize = 128;

/// Appends one document (without a `---` separator) to `out`.
///
/// On error nothing is appended.
pub fn print_document(value: &Value, out: &mut String) -> Result<(), PrintError> {
    let start = out.len();
    let mut printer = Printer {
        cursor: Cursor::new(out),
        entries_pool: Vec::new(),
        json_error: None,
        control_characters: false,
        key_with_raw_break: false,
    };
    printer.node(value, Context::Root);
    printer.end_document();
    // The JSON encoder fails first, then go-yaml v2's reader, then its parser.
    let error = if let Some(message) = printer.json_error.take() {
        Some(message)
    } else if printer.control_characters {
        Some(CONTROL_CHARACTERS.to_string())
    } else if printer.key_with_raw_break {
        Some(multiline_key_error(value))
    } else {
        None
    };
    match error {
        Some(message) => {
            out.truncate(start);
            Err(PrintError { message })
        }
        None => Ok(()),
    }
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

/// Where a node sits, which changes how the emitter lays it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Root,
    SequenceItem,
    MappingValue,
}

type Entries<'a> = Vec<(&'a str, &'a Value)>;

struct Printer<'a, 'o> {
    cursor: Cursor<'o>,
    /// Reusable buffers for sorting mapping entries (one is in use per
    /// nesting level).
    entries_pool: Vec<Entries<'a>>,
    /// The first value JSON could not encode: kustomize fails on it before
    /// anything else.
    json_error: Option<String>,
    /// A string go-yaml v2 refuses to read back.
    control_characters: bool,
    /// A key with a NEL, which go-yaml v2 cannot read back as a JSON key.
    key_with_raw_break: bool,
}

impl<'a> Printer<'a, '_> {
    fn node(&mut self, value: &'a Value, context: Context) {
        match value {
            Value::Map(map) if map.is_empty() => self.empty_collection("{", "}"),
            Value::Seq(items) if items.is_empty() => self.empty_collection("[", "]"),
            Value::Map(map) => self.mapping(map.iter()),
            Value::Seq(items) => self.sequence(items, context),
            Value::String(s) => self.string(s),
            Value::Null => self.word("null"),
            Value::Bool(b) => self.word(if *b { "true" } else { "false" }),
            Value::Int(i) => self.integer(i.unsigned_abs(), *i < 0),
            Value::UInt(u) => self.integer(*u, false),
            Value::Float(f) => self.float(*f),
            Value::Text(t) => self.node(&t.value, context),
        }
    }

    fn end_document(&mut self) {
        self.cursor.indent = -1;
        self.cursor.write_indent();
    }

    /// `{}` or `[]`: the flow style go-yaml v2 uses for empty collections.
    fn empty_collection(&mut self, open: &str, close: &str) {
        self.cursor.write_indicator(open, true, true, false);
        self.cursor.write_indicator(close, false, false, false);
    }

    fn mapping(&mut self, entries: impl Iterator<Item = (&'a str, &'a Value)>) {
        let mut sorted = self.entries_pool.pop().unwrap_or_default();
        sorted.clear();
        sorted.extend(entries);
        sort_by_key_order(&mut sorted, |entry| entry.0);

        let saved_indent = self.cursor.indent;
        self.cursor.indent = increased(saved_indent, false);
        for &(key, value) in &sorted {
            self.entry(key, value);
        }
        self.cursor.indent = saved_indent;

        sorted.clear();
        self.entries_pool.push(sorted);
    }

    fn entry(&mut self, key: &'a str, value: &'a Value) {
        self.cursor.write_indent();
        let Some((key, analysis)) = self.prepare(key, true) else {
            // Nothing is printed after an error, but a JSON error in the
            // value would still take precedence.
            self.node(value, Context::MappingValue);
            return;
        };
        if !analysis.multiline && key.len() <= MAX_SIMPLE_KEY_LEN {
            self.scalar(&key, analysis.style, analysis.chars, false);
            self.cursor.write_indicator(":", false, false, false);
        } else {
            self.cursor.write_indicator("?", true, false, true);
            self.scalar(&key, analysis.style, analysis.chars, true);
            self.cursor.write_indent();
            self.cursor.write_indicator(":", true, false, true);
        }
        self.node(value, Context::MappingValue);
    }

    fn sequence(&mut self, items: &'a [Value], context: Context) {
        let saved_indent = self.cursor.indent;
        // A sequence that is a mapping value on the key's line is written at
        // the key's indentation (`key:\n- a`).
        let indentless = context == Context::MappingValue && !self.cursor.indention;
        self.cursor.indent = increased(saved_indent, indentless);
        for item in items {
            self.cursor.write_indent();
            self.cursor.write_indicator("-", true, false, true);
            self.node(item, Context::SequenceItem);
        }
        self.cursor.indent = saved_indent;
    }

    fn string(&mut self, s: &'a str) {
        if let Some((s, analysis)) = self.prepare(s, false) {
            self.scalar(&s, analysis.style, analysis.chars, true);
        }
    }

    /// The string as go-yaml v2 reads it back from JSON, with its analysis,
    /// or `None` (and the error recorded) when go-yaml v2 refuses it.
    fn prepare(&mut self, s: &'a str, is_key: bool) -> Option<(Cow<'a, str>, Analysis)> {
        let analysis = analyze(s);
        if analysis.control {
            self.control_characters = true;
            return None;
        }
        if !analysis.nel {
            return Some((Cow::Borrowed(s), analysis));
        }
        self.key_with_raw_break |= is_key;
        let folded = fold_raw_line_breaks(s);
        let analysis = analyze(&folded);
        Some((Cow::Owned(folded), analysis))
    }

    /// Writes a string scalar one indentation step deeper than its parent
    /// (the indentation its continuation lines use).
    fn scalar(&mut self, s: &str, style: Style, chars: usize, allow_breaks: bool) {
        let saved_indent = self.cursor.indent;
        self.cursor.indent = increased(saved_indent, false).max(INDENT_STEP);
        match style {
            Style::Plain => self.cursor.write_plain(s, chars, allow_breaks),
            Style::Single => self.cursor.write_single_quoted(s, allow_breaks),
            Style::Double => self.cursor.write_double_quoted(s, allow_breaks),
            Style::Literal => self.cursor.write_literal(s),
        }
        self.cursor.indent = saved_indent;
    }

    fn word(&mut self, word: &str) {
        self.cursor.write_plain_word(word);
    }

    /// Writes an integer without going through `fmt` (numbers are common).
    fn integer(&mut self, magnitude: u64, negative: bool) {
        let mut buffer = [0u8; 21];
        let mut start = buffer.len();
        let mut rest = magnitude;
        loop {
            start -= 1;
            buffer[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if negative {
            start -= 1;
            buffer[start] = b'-';
        }
        let digits = std::str::from_utf8(&buffer[start..]).unwrap_or("0");
        self.cursor.write_plain_word(digits);
    }

    fn float(&mut self, f: f64) {
        if !f.is_finite() {
            if self.json_error.is_none() {
                let mut message = String::from("json: unsupported value: ");
                write_go_g(f, &mut message);
                self.json_error = Some(message);
            }
            return;
        }
        let mut buffer = String::with_capacity(32);
        write_printed_float(f, &mut buffer);
        self.cursor.write_plain_word(&buffer);
    }
}

/// go-yaml v2's indentation increase for block collections and scalars: the
/// first level is 0 for collections, the next levels add 2 unless the
/// collection is indentless.
fn increased(indent: isize, indentless: bool) -> isize {
    if indent < 0 {
        0
    } else if indentless {
        indent
    } else {
        indent + INDENT_STEP
    }
}
