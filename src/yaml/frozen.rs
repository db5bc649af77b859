//! [`Frozen`]: a tree encoded into one byte buffer, for resources at rest.
//!
//! A parsed tree is many small heap blocks: a vector per mapping and per
//! sequence, 32 bytes per mapping entry. For a large build that is several
//! times the size of the input, and every resource of the build is alive at
//! once. Between the steps that change it, a resource needs none of that
//! structure, so the resource list keeps it frozen: a compact encoding in a
//! single allocation, about the size of the input text. A step thaws a
//! resource, works on the tree, and the list freezes it again.
//!
//! The encoding is private to the process (keys are stored as the ids of
//! interned [`Key`]s), so it is never written anywhere. Each value is a tag
//! byte and its payload:
//!
//! | tag            | value                                        |
//! |----------------|----------------------------------------------|
//! | `NULL`/`FALSE`/`TRUE` | no payload                            |
//! | `INT`          | zigzag varint                                 |
//! | `UINT`         | varint                                        |
//! | `FLOAT`        | 8 bytes, little-endian bits                   |
//! | `SHORT_STR + n`| `n` bytes of text (`n` < 240)                 |
//! | `LONG_STR`     | varint length, then the text                  |
//! | `SEQ`          | varint count, then the items                  |
//! | `MAP`          | varint count, then per entry key id (varint) and value |
//! | `QMAP`         | varint count and key ids of the fields written in quotes, then as `MAP` |
//! | `TEXT`         | untagged flag byte, varint length, the written text, then the value it resolves to |
//!
//! Reading a few fields (kind, name, namespace) straight from the encoding,
//! without thawing, is what lets identity lookups and sorting stay cheap.

use crate::yaml::{Key, Mapping, Scalar, Seq, Str, Value};
use std::cell::RefCell;

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const UINT: u8 = 4;
const FLOAT: u8 = 5;
const LONG_STR: u8 = 6;
const SEQ: u8 = 7;
const MAP: u8 = 8;
const TEXT: u8 = 9;
const QMAP: u8 = 10;
/// Tags from here up are strings whose length is the tag minus this.
const SHORT_STR: u8 = 16;
const SHORT_STR_MAX: usize = (u8::MAX - SHORT_STR) as usize;

/// A value encoded into one exact-size buffer. Built only by
/// [`Frozen::new`], so its bytes are always a well-formed encoding.
#[derive(Clone, PartialEq, Eq)]
pub struct Frozen(Box<[u8]>);

thread_local! {
    /// The buffer encodings are written into before being copied out at
    /// their exact size: one allocation per frozen tree, no regrowth.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl Frozen {
    /// Encodes `value`.
    pub fn new(value: &Value) -> Frozen {
        SCRATCH.with(|scratch| {
            let mut buf = scratch.borrow_mut();
            buf.clear();
            encode(value, &mut buf);
            let frozen = Frozen(Box::from(&buf[..]));
            // A huge resource should not pin its buffer for the rest of the run.
            if buf.capacity() > 1 << 20 {
                *buf = Vec::new();
            }
            frozen
        })
    }

    /// Decodes the value.
    pub fn thaw(&self) -> Value {
        Reader::new(&self.0).value()
    }

    /// True when the value is a mapping with no entries.
    pub fn is_empty_map(&self) -> bool {
        self.0[..] == [MAP, 0]
    }

    /// Bytes the encoding takes.
    pub fn encoded_len(&self) -> usize {
        self.0.len()
    }

    /// True when following `path` (mapping keys from the top) meets only
    /// mappings and one of them lacks the next key; nothing is decoded.
    pub fn lacks_path(&self, path: &[&str]) -> bool {
        Reader::new(&self.0).lacks(path)
    }

    /// The value at `path` (mapping keys from the top), decoding only that
    /// part of the tree.
    pub fn thaw_at(&self, path: &[&str]) -> Option<Value> {
        let mut reader = Reader::new(&self.0);
        reader.seek(path)?;
        Some(reader.value())
    }

    /// Whether any float, string or mapping key of the tree passes its
    /// test, read in place (stopping at the first that does).
    pub fn any_scalar(&self, float: &dyn Fn(f64) -> bool, text: &dyn Fn(&str) -> bool) -> bool {
        Reader::new(&self.0).any_scalar(float, text)
    }

    /// The string at `path`, read in place; `None` when the path is missing
    /// or leads to anything but a string.
    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        let mut reader = Reader::new(&self.0);
        reader.seek(path)?;
        reader.string()
    }
}

impl std::fmt::Debug for Frozen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.thaw().fmt(f)
    }
}

fn encode(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Int(i) => {
            out.push(INT);
            put_varint(out, ((i << 1) ^ (i >> 63)) as u64);
        }
        Value::UInt(u) => {
            out.push(UINT);
            put_varint(out, *u);
        }
        Value::Float(f) => {
            out.push(FLOAT);
            out.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        Value::String(s) => {
            if s.len() <= SHORT_STR_MAX {
                out.push(SHORT_STR + s.len() as u8);
            } else {
                out.push(LONG_STR);
                put_varint(out, s.len() as u64);
            }
            out.extend_from_slice(s.as_bytes());
        }
        Value::Seq(items) => {
            out.push(SEQ);
            put_varint(out, items.len() as u64);
            items.iter().for_each(|item| encode(item, out));
        }
        Value::Map(map) => {
            let (quoted, keys) = map.quoted_keys();
            if quoted > 0 {
                out.push(QMAP);
                put_varint(out, quoted as u64);
                keys.for_each(|key| put_varint(out, u64::from(key.id())));
            }
            out.push(MAP);
            put_varint(out, map.len() as u64);
            for (key, value) in map.entries() {
                put_varint(out, u64::from(key.id()));
                encode(value, out);
            }
        }
        Value::Text(t) => {
            out.push(TEXT);
            out.push(u8::from(t.untagged));
            put_varint(out, t.text.len() as u64);
            out.extend_from_slice(t.text.as_bytes());
            encode(&t.value, out);
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A cursor over an encoding. The bytes always come from [`encode`], so a
/// malformed encoding is a bug in this module, and indexing panics on it.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    fn byte(&mut self) -> u8 {
        let b = self.bytes[self.at];
        self.at += 1;
        b
    }

    fn varint(&mut self) -> u64 {
        let mut n = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte();
            n |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return n;
            }
            shift += 7;
        }
    }

    fn count(&mut self) -> usize {
        self.varint() as usize
    }

    fn key(&mut self) -> Key {
        let id = self.varint() as u32;
        Key::from_id(id).expect("a frozen tree names only interned keys")
    }

    fn text(&mut self, len: usize) -> &'a str {
        let bytes = &self.bytes[self.at..self.at + len];
        self.at += len;
        // SAFETY: `encode` copied these bytes from a `str`, whole, and the
        // tag in front of them gave their exact length.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    fn value(&mut self) -> Value {
        match self.byte() {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            INT => {
                let z = self.varint();
                Value::Int(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
            UINT => Value::UInt(self.varint()),
            FLOAT => {
                let bits: [u8; 8] = self.bytes[self.at..self.at + 8].try_into().unwrap();
                self.at += 8;
                Value::Float(f64::from_bits(u64::from_le_bytes(bits)))
            }
            LONG_STR => {
                let len = self.count();
                Value::String(Str::from(self.text(len)))
            }
            SEQ => {
                let len = self.count();
                let mut items = Seq::with_capacity(len);
                for _ in 0..len {
                    items.push(self.value());
                }
                Value::Seq(items)
            }
            MAP => {
                let len = self.count();
                let mut map = Mapping::with_capacity(len);
                for _ in 0..len {
                    let key = self.key();
                    map.push_unique(key, self.value());
                }
                Value::Map(map)
            }
            QMAP => {
                let quoted: Vec<Key> = (0..self.count()).map(|_| self.key()).collect();
                let mut value = self.value();
                if let Value::Map(map) = &mut value {
                    quoted.into_iter().for_each(|key| map.set_quoted(key, true));
                }
                value
            }
            TEXT => {
                let untagged = self.byte() != 0;
                let len = self.count();
                let text = Str::from(self.text(len));
                Value::Text(Box::new(Scalar {
                    text,
                    value: self.value(),
                    untagged,
                }))
            }
            tag => Value::String(Str::from(self.text(usize::from(tag - SHORT_STR)))),
        }
    }

    /// Reads a string value in place, or skips any other value.
    fn string(&mut self) -> Option<&'a str> {
        match self.bytes[self.at] {
            LONG_STR => {
                self.at += 1;
                let len = self.count();
                Some(self.text(len))
            }
            tag if tag >= SHORT_STR => {
                self.at += 1;
                Some(self.text(usize::from(tag - SHORT_STR)))
            }
            TEXT => {
                self.at += 2;
                self.at += self.count();
                self.string()
            }
            _ => {
                self.skip();
                None
            }
        }
    }

    /// Moves past one value, telling whether a float, string or key in it
    /// passes its test (stopping there if one does).
    fn any_scalar(&mut self, float: &dyn Fn(f64) -> bool, text: &dyn Fn(&str) -> bool) -> bool {
        match self.byte() {
            NULL | FALSE | TRUE => false,
            INT | UINT => {
                self.varint();
                false
            }
            FLOAT => {
                let bits: [u8; 8] = self.bytes[self.at..self.at + 8]
                    .try_into()
                    .expect("a float has 8 bytes");
                self.at += 8;
                float(f64::from_bits(u64::from_le_bytes(bits)))
            }
            LONG_STR => {
                let len = self.count();
                text(self.text(len))
            }
            SEQ => (0..self.count()).any(|_| self.any_scalar(float, text)),
            MAP => (0..self.count()).any(|_| {
                let key = self.key();
                text(key.as_str()) || self.any_scalar(float, text)
            }),
            TEXT => {
                self.at += 1;
                self.at += self.count();
                self.any_scalar(float, text)
            }
            QMAP => {
                self.skip_quoted_keys();
                self.any_scalar(float, text)
            }
            tag => {
                let len = usize::from(tag - SHORT_STR);
                text(self.text(len))
            }
        }
    }

    /// Moves past one value.
    fn skip(&mut self) {
        match self.byte() {
            NULL | FALSE | TRUE => {}
            INT | UINT => {
                self.varint();
            }
            FLOAT => self.at += 8,
            LONG_STR => self.at += self.count(),
            SEQ => (0..self.count()).for_each(|_| self.skip()),
            MAP => {
                for _ in 0..self.count() {
                    self.varint();
                    self.skip();
                }
            }
            TEXT => {
                self.at += 1;
                self.at += self.count();
                self.skip();
            }
            QMAP => {
                self.skip_quoted_keys();
                self.skip();
            }
            tag => self.at += usize::from(tag - SHORT_STR),
        }
    }

    /// Moves past the quoted-field list of a `QMAP` (its tag already read).
    fn skip_quoted_keys(&mut self) {
        for _ in 0..self.count() {
            self.varint();
        }
    }

    /// Moves to the value at `path`, following mapping keys.
    /// See [`Frozen::lacks_path`].
    fn lacks(&mut self, path: &[&str]) -> bool {
        for step in path {
            if self.bytes[self.at] != MAP {
                return false;
            }
            self.at += 1;
            let mut left = self.count();
            loop {
                if left == 0 {
                    return true;
                }
                left -= 1;
                if self.key().as_str() == *step {
                    break;
                }
                self.skip();
            }
        }
        false
    }

    fn seek(&mut self, path: &[&str]) -> Option<()> {
        for step in path {
            if self.bytes[self.at] == QMAP {
                self.at += 1;
                self.skip_quoted_keys();
            }
            if self.bytes[self.at] != MAP {
                return None;
            }
            self.at += 1;
            let mut left = self.count();
            loop {
                if left == 0 {
                    return None;
                }
                left -= 1;
                if self.key().as_str() == *step {
                    break;
                }
                self.skip();
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    fn parse(text: &str) -> Value {
        parse_documents(text, std::path::Path::new("t.yaml"))
            .unwrap()
            .remove(0)
    }

    #[test]
    fn kept_texts_and_quoted_fields_round_trip() {
        let v = parse("a: 0x1F\nb: 'x'\nc: {d: \"5\", e: ~}\nf: x\n");
        let thawed = Frozen::new(&v).thaw();
        assert_eq!(thawed, v);
        let map = thawed.as_map().unwrap();
        assert!(map.is_quoted("b") && !map.is_quoted("f") && !map.is_quoted("a"));
        assert!(map["c"].as_map().unwrap().is_quoted("d"));
        assert_eq!(map["a"].scalar_text().as_deref(), Some("0x1F"));
        assert_eq!(Frozen::new(&v).str_at(&["c", "d"]), Some("5"));
    }

    #[test]
    fn every_kind_of_value_round_trips() {
        let long = "x".repeat(300);
        let text = format!(
            "a: null\nb: true\nc: false\nd: -12\ne: 18446744073709551615\n\
             f: 1.5\ng: ''\nh: short\ni: {long}\nj: [1, [2], {{k: v}}]\nk: {{}}\nl: []\n\
             m: {{x: {{y: -9223372036854775808}}}}\n"
        );
        let value = parse(&text);
        assert_eq!(Frozen::new(&value).thaw(), value);
    }

    #[test]
    fn a_path_is_lacking_only_where_mappings_lead_to_a_missing_key() {
        let frozen = Frozen::new(&parse("a: {b: {c: 1}, n: null, s: [x]}\n"));
        assert!(frozen.lacks_path(&["z"]));
        assert!(frozen.lacks_path(&["a", "z", "y"]));
        assert!(!frozen.lacks_path(&["a", "b", "c"]));
        // Null, scalars and sequences are not mappings: unknown, not lacking.
        assert!(!frozen.lacks_path(&["a", "n", "x"]));
        assert!(!frozen.lacks_path(&["a", "b", "c", "d"]));
        assert!(!frozen.lacks_path(&["a", "s", "x"]));
    }

    #[test]
    fn large_mappings_keep_their_index() {
        let text: String = (0..100).map(|i| format!("key{i}: {i}\n")).collect();
        let value = parse(&text);
        let thawed = Frozen::new(&value).thaw();
        assert_eq!(thawed.get("key77"), Some(&Value::Int(77)));
        assert_eq!(thawed, value);
    }

    #[test]
    fn strings_are_read_in_place() {
        let value = parse("kind: Foo\nmetadata:\n  labels: {a: b}\n  name: n\nspec: {x: 1}\n");
        let frozen = Frozen::new(&value);
        assert_eq!(frozen.str_at(&["kind"]), Some("Foo"));
        assert_eq!(frozen.str_at(&["metadata", "name"]), Some("n"));
        assert_eq!(frozen.str_at(&["metadata", "namespace"]), None);
        assert_eq!(frozen.str_at(&["spec"]), None);
        assert_eq!(frozen.str_at(&["kind", "x"]), None);
        assert_eq!(
            frozen.thaw_at(&["metadata", "labels"]),
            Some(parse("a: b\n"))
        );
        assert_eq!(frozen.thaw_at(&["spec", "y"]), None);
        assert!(!frozen.is_empty_map());
        assert!(Frozen::new(&Value::new_map()).is_empty_map());
    }

    #[test]
    fn the_encoding_is_smaller_than_the_tree() {
        let value = parse(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  \
             labels:\n    app: app\ndata:\n  LOG_LEVEL: warn\n",
        );
        // Tags, counts, one-byte key ids and the text itself.
        assert!(Frozen::new(&value).encoded_len() < 80);
    }
}
