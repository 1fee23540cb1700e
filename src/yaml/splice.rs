//! One list of byte-range edits against one original text.
//!
//! Edits never re-serialise a document: the patch editor and the merge
//! renderer collect replacements, insertions and deletions as ranges of
//! the text they read, and [`Splice::apply`] copies everything between
//! them unchanged, so comments, key order, quoting and line endings of
//! untouched regions survive byte for byte. Ranges are those of the
//! original text (edits are applied back to front in effect, by copying
//! front to back), so collecting them in any order is safe. An edit that
//! overlaps another or falls outside the text is refused as a
//! [`SpliceError`], never a panic: it is a bug in the caller, and the
//! caller falls back (the merge driver to git's merge, a patch to an
//! error) instead of writing garbage.

use super::lines::skip_blank_lines;
use std::ops::Range;

/// One replacement: `span` of the original text becomes `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Range<usize>,
    pub text: String,
    /// The new text ends with a block scalar keeping its final line
    /// breaks (`|+`): blank lines of the original right after it would
    /// join that scalar, so [`Splice::apply_within`] drops them.
    pub open: bool,
}

/// Why a splice was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpliceError {
    /// Two edits cover the same bytes (or one starts inside another).
    Overlap { at: usize },
    /// An edit reaches outside the range being rewritten, or ends before
    /// it starts.
    OutOfRange {
        span: Range<usize>,
        within: Range<usize>,
    },
    /// An edit boundary falls inside a UTF-8 character.
    NotCharBoundary { at: usize },
}

impl std::fmt::Display for SpliceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SpliceError::Overlap { at } => write!(f, "overlapping edits (at byte {at})"),
            SpliceError::OutOfRange { span, within } => write!(
                f,
                "edit of bytes {}..{} outside the text's {}..{}",
                span.start, span.end, within.start, within.end
            ),
            SpliceError::NotCharBoundary { at } => {
                write!(f, "edit boundary inside a character (at byte {at})")
            }
        }
    }
}

impl std::error::Error for SpliceError {}

/// A list of edits, applied together.
#[derive(Debug, Default, Clone)]
pub struct Splice {
    edits: Vec<Edit>,
}

impl Splice {
    pub fn new() -> Self {
        Splice::default()
    }

    pub fn push(&mut self, edit: Edit) {
        self.edits.push(edit);
    }

    /// Replace `span` by `with`.
    pub fn replace(&mut self, span: Range<usize>, with: impl Into<String>) {
        self.replace_open(span, with, false);
    }

    /// Replace `span` by `with`, which ends open (see [`Edit::open`]).
    pub fn replace_open(&mut self, span: Range<usize>, with: impl Into<String>, open: bool) {
        self.push(Edit {
            span,
            text: with.into(),
            open,
        });
    }

    /// Insert `with` at `at`. Insertions at one offset keep their order.
    pub fn insert(&mut self, at: usize, with: impl Into<String>) {
        self.replace(at..at, with);
    }

    /// Remove `span`.
    pub fn delete(&mut self, span: Range<usize>) {
        self.replace(span, String::new());
    }

    /// Remove `span`, which follows text that ends open: blank lines after
    /// it must go as well (see [`Edit::open`]).
    pub fn delete_after_open(&mut self, span: Range<usize>, open: bool) {
        self.replace_open(span, String::new(), open);
    }

    /// Move every edit of `other` into this list.
    pub fn append(&mut self, other: Splice) {
        self.edits.extend(other.edits);
    }

    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    pub fn len(&self) -> usize {
        self.edits.len()
    }

    /// The edited text.
    pub fn apply(self, text: &str) -> Result<String, SpliceError> {
        self.apply_within(text, 0..text.len())
    }

    /// The edited text of `text[within]` alone (every edit must lie inside
    /// it). After an edit that ends open, the blank lines of the original
    /// up to the next edit or the end of `within` are dropped.
    pub fn apply_within(mut self, text: &str, within: Range<usize>) -> Result<String, SpliceError> {
        let Range { start, end } = within;
        if start > end || end > text.len() {
            return Err(SpliceError::OutOfRange {
                span: within.clone(),
                within: 0..text.len(),
            });
        }
        self.edits.sort_by_key(|e| (e.span.start, e.span.end));
        let extra: usize = self.edits.iter().map(|e| e.text.len()).sum();
        let mut out = String::with_capacity(end - start + extra);
        let mut pos = start;
        let mut open = false;
        let slice = |from: usize, to: usize| {
            text.get(from..to)
                .ok_or(SpliceError::NotCharBoundary { at: from })
        };
        for e in &self.edits {
            let span = &e.span;
            if span.start < start || span.end < span.start || span.end > end {
                return Err(SpliceError::OutOfRange {
                    span: span.clone(),
                    within: start..end,
                });
            }
            if span.start < pos {
                return Err(SpliceError::Overlap { at: span.start });
            }
            if open {
                pos = skip_blank_lines(text, pos, span.start);
            }
            open &= pos == span.start;
            out.push_str(slice(pos, span.start)?);
            out.push_str(&e.text);
            // A deletion leaves what preceded it open or not; it only says
            // so when it is open.
            if !e.text.is_empty() || e.open {
                open = e.open;
            }
            pos = span.end;
        }
        if open {
            pos = skip_blank_lines(text, pos, end);
        }
        out.push_str(slice(pos, end)?);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn splice(edits: &[(Range<usize>, &str)]) -> Splice {
        let mut s = Splice::new();
        for (span, text) in edits {
            s.replace(span.clone(), *text);
        }
        s
    }

    #[test]
    fn edits_apply_in_any_order_and_keep_the_rest() {
        let text = "a: 1  # one\r\nb: 2\r\n";
        let s = splice(&[(16..17, "3"), (3..4, "10"), (13..13, "x: 0\r\n")]);
        assert_eq!(s.apply(text).unwrap(), "a: 10  # one\r\nx: 0\r\nb: 3\r\n");
        // Two insertions at one place stay in the order they were made.
        let s = splice(&[(0..0, "x"), (0..0, "y")]);
        assert_eq!(s.apply("z").unwrap(), "xyz");
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let s = splice(&[(0..3, "x"), (2..4, "y")]);
        assert_eq!(s.apply("abcdef"), Err(SpliceError::Overlap { at: 2 }));
        // An insertion inside a replaced range overlaps it too.
        let s = splice(&[(0..3, "x"), (1..1, "y")]);
        assert!(matches!(
            s.apply("abcdef"),
            Err(SpliceError::Overlap { .. })
        ));
        // Touching ranges do not overlap.
        let s = splice(&[(0..3, "x"), (3..4, "y")]);
        assert_eq!(s.apply("abcdef").unwrap(), "xyef");
    }

    #[test]
    fn edits_past_the_end_or_backwards_are_refused() {
        let s = splice(&[(4..9, "x")]);
        assert!(matches!(
            s.apply("abc"),
            Err(SpliceError::OutOfRange { .. })
        ));
        let s = splice(&[(9..9, "x")]);
        assert!(matches!(
            s.apply("abc"),
            Err(SpliceError::OutOfRange { .. })
        ));
        #[allow(clippy::reversed_empty_ranges)]
        let s = splice(&[(2..1, "x")]);
        assert!(matches!(
            s.apply("abc"),
            Err(SpliceError::OutOfRange { .. })
        ));
        assert!(matches!(
            Splice::new().apply_within("abc", 1..9),
            Err(SpliceError::OutOfRange { .. })
        ));
        // Outside a sub-range is out of range even inside the text.
        let s = splice(&[(0..1, "x")]);
        assert!(matches!(
            s.apply_within("abc", 1..3),
            Err(SpliceError::OutOfRange { .. })
        ));
    }

    #[test]
    fn an_edit_inside_a_character_is_refused() {
        let s = splice(&[(1..2, "x")]);
        assert_eq!(s.apply("é"), Err(SpliceError::NotCharBoundary { at: 0 }));
    }

    #[test]
    fn a_sub_range_is_rewritten_alone() {
        let text = "a: 1\nb: 2\nc: 3\n";
        let s = splice(&[(8..9, "20")]);
        assert_eq!(s.apply_within(text, 5..10).unwrap(), "b: 20\n");
        assert_eq!(Splice::new().apply_within(text, 5..5).unwrap(), "");
    }

    #[test]
    fn blank_lines_after_an_open_edit_are_dropped() {
        let text = "k: x\n\n\nj: 1\n";
        let mut s = Splice::new();
        s.replace_open(0..5, "k: |+\n  v\n", true);
        assert_eq!(s.apply(text).unwrap(), "k: |+\n  v\nj: 1\n");
        // Up to the next edit only, and not when the edit is not open.
        let mut s = Splice::new();
        s.replace_open(0..5, "k: |+\n  v\n", true);
        s.insert(6, "m: 2\n");
        assert_eq!(s.apply(text).unwrap(), "k: |+\n  v\nm: 2\n\nj: 1\n");
        let s = splice(&[(0..5, "k: y\n")]);
        assert_eq!(s.apply(text).unwrap(), "k: y\n\n\nj: 1\n");
        // A deletion after an open edit keeps it open.
        let mut s = Splice::new();
        s.replace_open(0..5, "k: |+\n  v\n", true);
        s.delete_after_open(5..6, true);
        assert_eq!(s.apply(text).unwrap(), "k: |+\n  v\nj: 1\n");
        // At the end of the range too.
        let mut s = Splice::new();
        s.replace_open(0..5, "k: |+\n  v\n", true);
        assert_eq!(s.apply_within(text, 0..7).unwrap(), "k: |+\n  v\n");
    }
}
