//! The output cursor of the printer and the writers for each scalar style,
//! following go-yaml v2's emitter: its column bookkeeping decides where
//! lines are folded and where indentation goes.

use super::quote::{is_break, is_printable};

/// Lines are folded at a space once they are longer than this many
/// characters.
const BEST_WIDTH: usize = 80;

/// Indentation step.
pub(super) const INDENT_STEP: isize = 2;

/// The text written so far and the emitter state that depends on it.
pub(super) struct Cursor<'o> {
    pub out: &'o mut String,
    /// Characters (not bytes) on the current line.
    pub column: usize,
    /// Indentation of the current node; negative before the root node.
    pub indent: isize,
    /// The last thing written was whitespace (or nothing on this line).
    pub whitespace: bool,
    /// The current line holds only indentation (and indicators allowed there).
    pub indention: bool,
}

impl<'o> Cursor<'o> {
    /// A cursor at the start of a document.
    pub fn new(out: &'o mut String) -> Self {
        Cursor {
            out,
            column: 0,
            indent: -1,
            whitespace: true,
            indention: true,
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// Writes a break from the value: LF as a newline, the other breaks raw.
    fn write_break(&mut self, c: char) {
        self.out.push(c);
        self.column = 0;
    }

    /// Moves to the current indentation, starting a new line unless the
    /// cursor already sits in this line's indentation.
    pub fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        self.pad_to(indent);
        self.whitespace = true;
        self.indention = true;
    }

    fn pad_to(&mut self, column: usize) {
        const SPACES: &str = "                                                                ";
        while self.column < column {
            let n = (column - self.column).min(SPACES.len());
            self.out.push_str(&SPACES[..n]);
            self.column += n;
        }
    }

    /// Writes an ASCII indicator such as `-`, `:`, `?`, `[` or a quote.
    pub fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(indicator);
        self.column += indicator.len();
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// Writes a plain scalar that has no spaces or breaks (numbers, `null`,
    /// booleans) and is ASCII.
    pub fn write_plain_word(&mut self, word: &str) {
        if !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(word);
        self.column += word.len();
        self.whitespace = false;
        self.indention = false;
    }

    /// True when no space of a `chars`-long scalar starting here can be past
    /// the fold width, so it can be copied without checking each space.
    fn cannot_fold(&self, chars: usize) -> bool {
        self.column + chars <= BEST_WIDTH + 2
    }

    /// Writes `value` unquoted; `allow_breaks` is false for simple keys.
    pub fn write_plain(&mut self, value: &str, chars: usize, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        if !allow_breaks || self.cannot_fold(chars) {
            self.out.push_str(value);
            self.column += chars;
        } else {
            self.write_plain_folding(value);
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_plain_folding(&mut self, value: &str) {
        // Plain style is only chosen for strings without line breaks and
        // without leading or trailing spaces.
        let mut spaces = false;
        let mut chars = value.chars().peekable();
        while let Some(c) = chars.next() {
            if c == ' ' {
                let next_is_space = chars.peek() == Some(&' ');
                if !spaces && self.column > BEST_WIDTH && !next_is_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
    }

    /// Writes `value` in single quotes, folding long lines at single spaces.
    pub fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let mut chars = value.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|(_, n)| *n);
            if c == ' ' {
                let inner = i > 0 && next.is_some();
                if allow_breaks && !spaces && self.column > BEST_WIDTH && inner && next != Some(' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// Writes `value` in double quotes with escapes, folding long lines at
    /// spaces (a `\` keeps a space that starts the continuation line).
    pub fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // go-yaml v2 tests for a byte order mark at the start of the whole
        // value instead of at each character, so such a value is escaped
        // entirely.
        let escape_all = value.starts_with('\u{feff}');
        let mut spaces = false;
        let mut chars = value.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            if escape_all || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.write_escape(c);
                spaces = false;
            } else if c == ' ' {
                let next = chars.peek().map(|(_, n)| *n);
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && next.is_some() {
                    self.write_indent();
                    if next == Some(' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_escape(&mut self, c: char) {
        self.put('\\');
        let short = match c {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{b}' => Some('v'),
            '\u{c}' => Some('f'),
            '\r' => Some('r'),
            '\u{1b}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{a0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        if let Some(letter) = short {
            self.put(letter);
            return;
        }
        let code = c as u32;
        let (letter, digits) = match code {
            0..=0xff => ('x', 2),
            0x100..=0xffff => ('u', 4),
            _ => ('U', 8),
        };
        self.put(letter);
        for k in (0..digits).rev() {
            let digit = (code >> (4 * k)) & 0xf;
            self.put(char::from_digit(digit, 16).map_or('0', |d| d.to_ascii_uppercase()));
        }
    }

    /// Writes `value` as a `|` block scalar with its indentation and
    /// chomping indicators; the content lines are never folded.
    pub fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        let first = value.chars().next();
        if first.is_some_and(|c| c == ' ' || is_break(c)) {
            self.write_indicator("2", false, false, false);
        }
        if let Some(chomp) = chomping_indicator(value) {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        let mut rest = value;
        while !rest.is_empty() {
            // Copy whole lines at a time: only breaks and line starts need
            // attention.
            let line_end = rest.find(is_break).unwrap_or(rest.len());
            if line_end > 0 {
                if breaks {
                    self.write_indent();
                }
                let line = &rest[..line_end];
                self.out.push_str(line);
                self.column += line.chars().count();
                self.indention = false;
                breaks = false;
            }
            rest = &rest[line_end..];
            if let Some(c) = rest.chars().next() {
                self.write_break(c);
                self.indention = true;
                breaks = true;
                rest = &rest[c.len_utf8()..];
            }
        }
    }
}

/// `-` when the value does not end with a break, `+` when it ends with two
/// or more (or is a single break), nothing for exactly one.
fn chomping_indicator(value: &str) -> Option<&'static str> {
    let mut tail = value.chars().rev();
    match (tail.next(), tail.next()) {
        (None, _) => Some("-"),
        (Some(last), _) if !is_break(last) => Some("-"),
        (Some(_), None) => Some("+"),
        (Some(_), Some(before)) if is_break(before) => Some("+"),
        _ => None,
    }
}
