//! Splitting a resource file into documents the way kustomize does before
//! any YAML parsing: on every line that starts with `---`.
//!
//! kustomize (kyaml's byte reader) turns CRLF into LF, then cuts the text
//! at each `\n---<anything>\n`; the rest of a separator line may only be
//! blanks or a comment, anything else is an error. Matches do not overlap,
//! so in `\n---\n---\n` only the first line is a separator and the second
//! reaches the YAML parser as an explicit document start. Each piece but
//! the last keeps the newline before its separator. Only the first YAML
//! document of each piece is read.

/// One piece of a split file.
#[derive(Debug, PartialEq, Eq)]
pub struct Chunk<'a> {
    /// The piece's text.
    pub text: &'a str,
    /// 1-based line, in the whole file, of the piece's first line.
    pub first_line: usize,
}

/// A separator line carrying content.
#[derive(Debug, PartialEq, Eq)]
pub struct BadSeparator {
    /// The separator line, trimmed.
    pub line: String,
    /// Its 1-based line number.
    pub line_number: usize,
}

/// Splits LF-normalised text into pieces at separator lines.
pub fn split_documents(text: &str) -> Result<Vec<Chunk<'_>>, BadSeparator> {
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    // Line numbers are only needed at separators: the newlines between two
    // candidates are counted in one pass instead of line by line.
    let mut line = 1;
    let mut counted = 0;
    let mut search = 0;
    // A candidate is a line starting `---`: found by a substring search
    // rather than by stopping at every newline.
    let search_text = Search::for_len(bytes.len());
    while let Some(rel) = search_text.separator(&text[search..]) {
        let nl = search + rel;
        line += count_newlines(&bytes[counted..=nl]);
        let rest = &text[nl + 1..];
        // The separator needs a newline after it; `---` on the file's last
        // line is left to the YAML parser.
        let Some(end_rel) = search_text.newline(rest) else {
            break;
        };
        let sep_end = nl + 1 + end_rel;
        check_separator(&text[nl + 1..sep_end], line)?;
        chunks.push(Chunk {
            text: &text[start..=nl],
            first_line: start_line,
        });
        start = sep_end + 1;
        line += 1;
        counted = sep_end + 1;
        start_line = line;
        search = sep_end + 1;
    }
    chunks.push(Chunk {
        text: &text[start..],
        first_line: start_line,
    });
    Ok(chunks)
}

/// How a text is searched. memchr's vectorised search first asks the CPU
/// for its features, a dozen `cpuid` instructions; under a hypervisor (most
/// CI runners) each one traps, and together they cost more than the
/// standard library's word-at-a-time search takes over a small file. Only
/// texts of [`Search::VECTOR_MIN`] bytes or more pay that, once.
enum Search {
    Vector(Box<memchr::memmem::Finder<'static>>),
    Plain,
}

impl Search {
    const VECTOR_MIN: usize = 256 * 1024;

    fn for_len(len: usize) -> Search {
        if len >= Search::VECTOR_MIN {
            Search::Vector(Box::new(memchr::memmem::Finder::new(b"\n---")))
        } else {
            Search::Plain
        }
    }

    /// Offset of the next `\n---`.
    fn separator(&self, hay: &str) -> Option<usize> {
        match self {
            Search::Vector(finder) => finder.find(hay.as_bytes()),
            Search::Plain => {
                let mut from = 0;
                loop {
                    let at = from + hay[from..].find('\n')?;
                    if hay[at..].starts_with("\n---") {
                        return Some(at);
                    }
                    from = at + 1;
                }
            }
        }
    }

    /// Offset of the next newline.
    fn newline(&self, hay: &str) -> Option<usize> {
        match self {
            Search::Vector(_) => memchr::memchr(b'\n', hay.as_bytes()),
            Search::Plain => hay.find('\n'),
        }
    }
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

fn check_separator(sep_line: &str, line_number: usize) -> Result<(), BadSeparator> {
    let after = sep_line[3..].trim();
    if after.is_empty() || after.starts_with('#') {
        Ok(())
    } else {
        Err(BadSeparator {
            line: sep_line.trim().to_string(),
            line_number,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(&str, usize)> {
        split_documents(s)
            .unwrap()
            .into_iter()
            .map(|c| (c.text, c.first_line))
            .collect()
    }

    #[test]
    fn splits_on_separator_lines() {
        assert_eq!(texts("a: 1\n---\nb: 2\n"), [("a: 1\n", 1), ("b: 2\n", 3)]);
        assert_eq!(texts("---\na: 1\n"), [("---\na: 1\n", 1)]);
        assert_eq!(
            texts("a: 1\n--- # x\nb\n---"),
            [("a: 1\n", 1), ("b\n---", 3)]
        );
        assert_eq!(texts(""), [("", 1)]);
    }

    #[test]
    fn consecutive_separators_do_not_overlap() {
        assert_eq!(
            texts("a\n---\n---\n---\nb\n"),
            [("a\n", 1), ("---\n", 3), ("b\n", 5)]
        );
    }

    #[test]
    fn content_after_a_separator_is_an_error() {
        let err = split_documents("a\n---x\nb\n").unwrap_err();
        assert_eq!(err.line, "---x");
        assert_eq!(err.line_number, 2);
        assert!(split_documents("a\n---- \nb\n").is_err());
        assert!(split_documents("a\n--- |\nb\n").is_err());
    }
}
