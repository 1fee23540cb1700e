//! The scanner's first pass: the text cut into lines, each classified
//! (blank, comment, content) with its indentation, and the characters the
//! fast path refuses outright.

use super::Unsupported;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineKind {
    Blank,
    Comment,
    Content,
}

/// One line of the text. Offsets are `u32` to keep the table small (the
/// scanner refuses texts over 4 GB; registry files are capped far lower).
#[derive(Debug, Clone, Copy)]
pub(super) struct RawLine {
    pub(super) start: u32,
    pub(super) end: u32,
    pub(super) next: u32,
    pub(super) indent: u32,
    pub(super) kind: LineKind,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    pub(super) start: usize,
    /// Content end: before `\r\n` or `\n`.
    pub(super) end: usize,
    /// Start of the next line (or the text length).
    pub(super) next: usize,
    pub(super) indent: usize,
    pub(super) kind: LineKind,
}

impl From<RawLine> for Line {
    fn from(l: RawLine) -> Line {
        Line {
            start: l.start as usize,
            end: l.end as usize,
            next: l.next as usize,
            indent: l.indent as usize,
            kind: l.kind,
        }
    }
}

/// The line table.
pub(super) struct Lines(pub(super) Vec<RawLine>);

impl std::ops::Index<usize> for Lines {
    type Output = RawLine;
    fn index(&self, i: usize) -> &RawLine {
        &self.0[i]
    }
}

impl Lines {
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    pub(super) fn get(&self, i: usize) -> Line {
        self.0[i].into()
    }
}

pub(super) fn unsupported<T>(line: usize, reason: &'static str) -> Result<T, Unsupported> {
    Err(Unsupported { line, reason })
}

pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Refuse characters YAML does not allow in a stream (or that the strict
/// parser treats specially): C0 controls other than tab and line breaks, a
/// carriage return not followed by a line feed, DEL, C1 controls, the
/// Unicode line and paragraph separators, a byte-order mark inside the text,
/// and non-characters.
pub(super) fn check_chars(text: &str) -> Result<(), Unsupported> {
    let b = text.as_bytes();
    // Branch-free over 64-byte chunks (vectorised); only a chunk holding a
    // tab, a carriage return or a control character is looked at closely.
    for (n, chunk) in b.chunks(64).enumerate() {
        let suspect = chunk.iter().fold(false, |acc, &c| {
            acc | ((c < 0x20) & (c != b'\n')) | (c == 0x7f)
        });
        if !suspect {
            continue;
        }
        for (k, &c) in chunk.iter().enumerate() {
            let i = n * 64 + k;
            let bad = match c {
                b'\t' | b'\n' => false,
                b'\r' => b.get(i + 1) != Some(&b'\n'),
                0..0x20 | 0x7f => true,
                _ => false,
            };
            if bad {
                return unsupported(line_of(text, i), "control character");
            }
        }
    }
    if !text.is_ascii() {
        for (i, ch) in text.char_indices() {
            if matches!(
                ch,
                '\u{80}'
                    ..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            ) {
                return unsupported(line_of(text, i), "special Unicode character");
            }
        }
    }
    Ok(())
}

pub(super) fn split_lines(text: &str) -> Result<Lines, Unsupported> {
    if u32::try_from(text.len()).is_err() {
        return unsupported(1, "text too large");
    }
    let b = text.as_bytes();
    // Counted first: the table is allocated once, at its size (growing
    // it would touch, and have the kernel zero, twice the memory).
    let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', b).count() + 1);
    let mut breaks = memchr::memchr_iter(b'\n', b);
    let mut pos = 0;
    let mut stream = Stream::default();
    while pos < b.len() {
        let nl = breaks.next().unwrap_or(b.len());
        let next = if nl < b.len() { nl + 1 } else { nl };
        let end = if nl > pos && b[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        let indent = b[pos..end].iter().take_while(|c| **c == b' ').count();
        let first = b.get(pos + indent).copied().filter(|_| pos + indent < end);
        let lineno = lines.len() + 1;
        let kind = match first {
            None => LineKind::Blank,
            Some(b'\t') => return unsupported(lineno, "tab in indentation"),
            Some(b'#') => LineKind::Comment,
            Some(_) if indent == 0 => stream.line(lineno, &b[pos..end])?,
            Some(_) => stream.content(lineno)?,
        };
        lines.push(RawLine {
            start: pos as u32,
            end: end as u32,
            next: next as u32,
            indent: indent as u32,
            kind,
        });
        pos = next;
    }
    stream.finish(lines.len())?;
    Ok(Lines(lines))
}

/// Where a line stands in the one document a text may hold: the stream
/// syntax around it (a `%YAML 1.2` directive, the `---` start marker,
/// the `...` end marker) reads as comment lines, so the document's nodes
/// and spans are those of its body, and an editor or the merge splices
/// inside the markers.
#[derive(Default)]
struct Stream {
    /// The document started: a `---` marker or content was seen.
    started: bool,
    /// A directive waits for its `---` marker.
    directive: bool,
    /// The `...` marker ended the document: only comments may follow.
    ended: bool,
}

impl Stream {
    /// Classify a line whose first byte is in column 0 and is not `#`.
    fn line(&mut self, lineno: usize, rest: &[u8]) -> Result<LineKind, Unsupported> {
        let after = |m: &[u8]| {
            (rest.starts_with(m) && (rest.len() == 3 || matches!(rest[3], b' ' | b'\t')))
                .then(|| trim_blanks(&rest[3..]))
        };
        if rest[0] == b'%' {
            // Only the one directive that changes nothing: `%YAML 1.1`
            // would change how scalars resolve, `%TAG` what tags mean.
            let words = rest.split(|c| matches!(c, b' ' | b'\t'));
            let mut words = words.filter(|w| !w.is_empty());
            let yaml12 = words.next() == Some(b"%YAML")
                && words.next() == Some(b"1.2")
                && words.next().is_none_or(|w| w.starts_with(b"#"));
            if self.started || self.directive || !yaml12 {
                return unsupported(lineno, "directive");
            }
            self.directive = true;
            return Ok(LineKind::Comment);
        }
        if let Some(after) = after(b"...") {
            if !self.started || self.ended || !(after.is_empty() || after.starts_with(b"#")) {
                return unsupported(lineno, "document end marker");
            }
            self.ended = true;
            return Ok(LineKind::Comment);
        }
        if let Some(after) = after(b"---") {
            if self.started || !(after.is_empty() || after.starts_with(b"#")) {
                return unsupported(lineno, "several documents, or content after `---`");
            }
            self.started = true;
            self.directive = false;
            // The start marker reads as a comment line.
            return Ok(LineKind::Comment);
        }
        self.content(lineno)
    }

    /// A content line: the document has started, and must not have ended.
    fn content(&mut self, lineno: usize) -> Result<LineKind, Unsupported> {
        if self.ended {
            return unsupported(lineno, "content after the document end marker");
        }
        if self.directive {
            return unsupported(lineno, "directive without a `---` start marker");
        }
        self.started = true;
        Ok(LineKind::Content)
    }

    /// The text ended: a directive needs the document it announces.
    fn finish(&self, lines: usize) -> Result<(), Unsupported> {
        if self.directive {
            return unsupported(lines, "directive without a `---` start marker");
        }
        Ok(())
    }
}

fn trim_blanks(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|c| matches!(c, b' ' | b'\t')).count();
    &s[n..]
}
