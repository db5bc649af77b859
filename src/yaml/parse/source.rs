//! Character-indexed access to a document's text for the tree builder.

/// Character-indexed access to the source (parser positions count
/// characters). Positions are asked for in nearly increasing order, so a
/// cursor walks the text about once; ASCII text is indexed directly.
pub(super) struct SourceChars<'t> {
    pub text: &'t str,
    ascii: bool,
    char_pos: usize,
    byte_pos: usize,
}

impl<'t> SourceChars<'t> {
    pub fn new(text: &'t str) -> Self {
        SourceChars {
            text,
            ascii: text.is_ascii(),
            char_pos: 0,
            byte_pos: 0,
        }
    }

    pub fn char_at(&mut self, index: usize) -> Option<char> {
        if self.ascii {
            return self.text.as_bytes().get(index).map(|&b| char::from(b));
        }
        let offset = self.byte_offset(index)?;
        self.text[offset..].chars().next()
    }

    pub fn byte_offset(&mut self, index: usize) -> Option<usize> {
        if self.ascii {
            return (index <= self.text.len()).then_some(index);
        }
        // A position just behind the cursor (a scalar's start after the
        // previous one's end was asked for) is reached by stepping back,
        // not by walking again from the start of the text.
        let mut back = self.text[..self.byte_pos].chars();
        while index < self.char_pos {
            self.byte_pos -= back.next_back()?.len_utf8();
            self.char_pos -= 1;
        }
        let mut rest = self.text[self.byte_pos..].chars();
        for _ in self.char_pos..index {
            self.byte_pos += rest.next()?.len_utf8();
            self.char_pos += 1;
        }
        Some(self.byte_pos)
    }
}
