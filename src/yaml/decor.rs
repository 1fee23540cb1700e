//! Where a value's own text ends.
//!
//! The ranges the two trees give for a value can run past it: the scanner
//! keeps a value it hands to the strict parser (`2025-1-1`, `!!str x`,
//! `{a: [b]}`) up to the end of its last line, and both trees end a block
//! collection after its last line's comment. What follows the value on its
//! lines (blanks, a comment, comment lines) is its decoration, as
//! `toml_edit` calls it, and belongs to no edit of the value. [`repr_end`]
//! separates the two, reading the range the way YAML does: a `#` after a
//! blank starts a comment, except inside a quoted scalar or a block
//! scalar's content; a quote or `|`/`>` starts a scalar only where a node
//! starts, not inside a plain scalar. It allocates nothing and reads the
//! range in one pass (looking back along a line for the key a scalar
//! belongs to, and ahead at the next line's indentation).
//!
//! [`decorated`] gives the whole split for one value: its own text (what an
//! edit of the value replaces) and the decoration on either side of it on
//! its lines (what every edit keeps).

use std::ops::Range;

fn blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// A value's place in its text, split as `toml_edit` splits a value's
/// `repr` from its `decor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decorated {
    /// The value's own text: what replacing the value replaces.
    pub repr: Range<usize>,
    /// The blanks between the indicator before the value (`:`, `-`) and
    /// the value, on its first line.
    pub before: Range<usize>,
    /// The blanks and the comment after the value on its last line, up to
    /// the line break; empty when more of the document follows on that
    /// line (inside a flow collection).
    pub after: Range<usize>,
}

/// Split the value whose raw range (from either tree, which may run on
/// past it) is `raw` into its text and its decoration. Offsets past the
/// end of `text` are clamped to it.
pub fn decorated(text: &str, raw: Range<usize>) -> Decorated {
    let b = text.as_bytes();
    let start = raw.start.min(b.len());
    let end = repr_end(text, raw);
    let lead = b[..start]
        .iter()
        .rev()
        .take_while(|c| matches!(c, b' ' | b'\t'))
        .count();
    let line_end = super::lines::line_content_end(text, end);
    let rest = &b[end..line_end];
    let blanks = rest
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t'))
        .count();
    let trailing = blanks == rest.len() || (blanks > 0 && rest[blanks] == b'#');
    Decorated {
        repr: start..end,
        before: start - lead..start,
        after: end..if trailing { line_end } else { end },
    }
}

/// The end of the value whose raw range is `span` (which starts where the
/// value starts): past its last byte that is neither a blank nor in a
/// comment. `span.start` when there is no such byte; never past the end of
/// `text`.
pub fn repr_end(text: &str, span: Range<usize>) -> usize {
    let b = text.as_bytes();
    let limit = span.end.min(b.len());
    let span = span.start.min(limit)..limit;
    let mut lex = Lexer {
        b,
        start: span.start,
        limit,
        last: span.start,
        depth: 0,
        plain: None,
        opens: None,
    };
    let mut i = span.start;
    while i < limit {
        i = lex.step(i);
    }
    lex.last
}

/// The flow collection a parse error at `at` sits in and that the text
/// never closes: the offset of its `[` or `{` (the innermost such one),
/// read the way [`repr_end`] reads (brackets in quoted scalars, comments,
/// block scalars and plain scalars are text). `None` when every flow
/// collection open at `at` is closed after it, or none is open.
pub fn unclosed_flow(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut lex = Lexer {
        b,
        start: 0,
        limit: b.len(),
        last: 0,
        depth: 0,
        plain: None,
        opens: Some(Vec::new()),
    };
    let mut i = 0;
    while i < b.len() && i <= at {
        i = lex.step(i);
    }
    let open_at = lex.opens.clone().unwrap_or_default();
    // Brackets are closed last-opened first: the ones never closed after
    // `at` are those below the lowest the stack falls to.
    let mut lowest = open_at.len();
    while i < b.len() {
        i = lex.step(i);
        lowest = lowest.min(lex.opens.as_ref().map_or(0, Vec::len));
    }
    lowest.checked_sub(1).map(|k| open_at[k])
}

/// The offset where the line holding `i` starts.
fn line_start(b: &[u8], i: usize) -> usize {
    b[..i]
        .iter()
        .rposition(|c| *c == b'\n')
        .map_or(0, |p| p + 1)
}

/// On the line starting at `ls`, before `i`: the column of the key whose
/// value follows (`k: `), else of the last `- `; `None` when there is
/// neither (the text before `i` is indentation only).
fn line_owner(b: &[u8], ls: usize, i: usize) -> Option<isize> {
    let mut j = ls;
    while j < i && b[j] == b' ' {
        j += 1;
    }
    let mut dash = None;
    while j < i && b[j] == b'-' && b.get(j + 1).is_some_and(|c| *c == b' ' || *c == b'\t') {
        dash = Some(j - ls);
        j += 1;
        while j < i && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
    }
    let key = b[j..i]
        .windows(2)
        .any(|w| w[0] == b':' && matches!(w[1], b' ' | b'\t' | b'\r' | b'\n'));
    match dash {
        _ if j < i && key => Some((j - ls) as isize),
        Some(d) => Some(d as isize),
        None => None,
    }
}

struct Lexer<'t> {
    b: &'t [u8],
    start: usize,
    limit: usize,
    /// Just past the last byte of the value seen so far.
    last: usize,
    /// Flow nesting (`[`, `{`).
    depth: usize,
    /// Inside a plain scalar: the column its continuation lines must be
    /// indented past (in block context).
    plain: Option<isize>,
    /// Where each open flow collection opened, innermost last; kept only
    /// by [`unclosed_flow`] (reading a value's end allocates nothing).
    opens: Option<Vec<usize>>,
}

impl Lexer<'_> {
    /// Read the token at `i`; returns where the next one may start.
    fn step(&mut self, i: usize) -> usize {
        let b = self.b;
        let c = b[i];
        let after_blank = i == self.start || blank(b[i - 1]);
        if blank(c) {
            if c == b'\n' && self.depth == 0 {
                self.line_break(i + 1);
            }
            return i + 1;
        }
        if c == b'#' && after_blank {
            self.plain = None;
            return self.line_content_end(i);
        }
        let significant = |lex: &mut Self, to: usize| {
            lex.last = to;
            to
        };
        if self.plain.is_some() {
            if self.ends_plain(i) {
                self.plain = None;
            }
            if self.depth > 0 && matches!(c, b',' | b'[' | b']' | b'{' | b'}') {
                return self.flow_indicator(i);
            }
            return significant(self, i + 1);
        }
        let node_start = after_blank || (self.depth > 0 && matches!(b[i - 1], b'[' | b'{' | b','));
        match c {
            b'\'' | b'"' if node_start || self.depth > 0 => significant(self, self.quoted_end(i)),
            b'|' | b'>' if self.depth == 0 && after_blank => match self.block_scalar(i) {
                Some(next) => next,
                None => self.start_plain(i),
            },
            b'[' | b'{' if node_start => self.flow_indicator(i),
            b',' | b']' | b'}' if self.depth > 0 => self.flow_indicator(i),
            b'-' | b'?' | b':' if self.indicator(i) => significant(self, i + 1),
            // `{"a":b}`: after a quoted key in flow, `:` needs no blank.
            b':' if self.depth > 0 && self.last == i && matches!(b[i - 1], b'"' | b'\'') => {
                significant(self, i + 1)
            }
            b'!' | b'&' | b'*' if node_start => {
                // A tag, an anchor or an alias: one token up to a blank.
                let mut j = i + 1;
                while j < self.limit
                    && !blank(b[j])
                    && !(self.depth > 0 && b",[]{}".contains(&b[j]))
                {
                    j += 1;
                }
                significant(self, j)
            }
            _ => self.start_plain(i),
        }
    }

    /// Whether the `-`, `?` or `:` at `i` is an indicator (followed by a
    /// blank, the end, or in flow a flow indicator), not part of a scalar.
    fn indicator(&self, i: usize) -> bool {
        match self.b.get(i + 1) {
            None => true,
            Some(&n) if blank(n) => true,
            Some(&n) => self.b[i] == b':' && self.depth > 0 && b",[]{}".contains(&n),
        }
    }

    fn flow_indicator(&mut self, i: usize) -> usize {
        match self.b[i] {
            b'[' | b'{' => {
                self.depth += 1;
                if let Some(opens) = &mut self.opens {
                    opens.push(i);
                }
            }
            b']' | b'}' => {
                self.depth = self.depth.saturating_sub(1);
                if let Some(opens) = &mut self.opens {
                    opens.pop();
                }
            }
            _ => {}
        }
        self.plain = None;
        self.last = i + 1;
        i + 1
    }

    fn start_plain(&mut self, i: usize) -> usize {
        let b = self.b;
        let marker = (i == 0 || b[i - 1] == b'\n')
            && b[i..].starts_with(b"---")
            && b.get(i + 3).is_none_or(|c| blank(*c));
        if marker {
            // The document start marker, not a scalar.
            self.last = i + 3;
            return i + 3;
        }
        self.plain = Some(if self.depth > 0 { -1 } else { self.owner(i) });
        self.last = i + 1;
        i + 1
    }

    /// Whether the byte at `i`, inside a plain scalar, ends it: `: ` (or
    /// in flow `:` before a flow indicator) ends a key, and in flow a flow
    /// indicator ends any scalar.
    fn ends_plain(&self, i: usize) -> bool {
        match self.b[i] {
            b':' => self.indicator(i),
            b',' | b'[' | b']' | b'{' | b'}' => self.depth > 0,
            _ => false,
        }
    }

    /// At the start `at` of a line in block context: a plain scalar goes
    /// on only onto a line indented past its owner that is not a comment.
    fn line_break(&mut self, at: usize) {
        let Some(owner) = self.plain else { return };
        let b = self.b;
        let mut p = at;
        loop {
            let indent = b[p.min(self.limit)..self.limit]
                .iter()
                .take_while(|c| **c == b' ')
                .count();
            let q = p + indent;
            match b.get(q).filter(|_| q < self.limit) {
                None => return,
                Some(b'\r' | b'\n' | b'\t') => {
                    // A blank line: the scalar may go on after it.
                    p = self.line_content_end(q);
                    p = (p + 1).min(self.limit);
                    if p >= self.limit {
                        return;
                    }
                }
                Some(b'#') => {
                    self.plain = None;
                    return;
                }
                Some(_) => {
                    if indent as isize <= owner {
                        self.plain = None;
                    }
                    return;
                }
            }
        }
    }

    /// The column a scalar starting at `i` belongs to: the key on its line
    /// when it is that key's value, else the last `- ` before it; a value
    /// on a line of its own belongs to the key or dash of the nearest line
    /// above indented less (`a:` then `  --` then ` x`: ` x` goes on the
    /// scalar, being indented past `a`), and at the top to no column.
    fn owner(&self, i: usize) -> isize {
        let b = self.b;
        let ls = line_start(b, i);
        match line_owner(b, ls, i) {
            Some(col) => col,
            None => {
                let col = i - ls;
                let mut end = ls;
                while end > 0 {
                    let above = line_start(b, end - 1);
                    let text = &b[above..end - 1];
                    let indent = text.iter().take_while(|c| **c == b' ').count();
                    let content = text.get(indent).copied();
                    end = above;
                    if matches!(content, None | Some(b'#' | b'\r' | b'\t')) || indent >= col {
                        continue;
                    }
                    // With its line break, so a key ending the line counts.
                    return line_owner(b, above, above + text.len() + 1).unwrap_or(indent as isize);
                }
                -1
            }
        }
    }

    /// Just past the quoted scalar starting at `i` (or the end of the
    /// range when it does not close there).
    fn quoted_end(&self, i: usize) -> usize {
        let b = self.b;
        let q = b[i];
        let mut j = i + 1;
        while j < self.limit {
            match b[j] {
                b'\\' if q == b'"' => j += 2,
                c if c == q => {
                    if q == b'\'' && b.get(j + 1) == Some(&b'\'') && j + 1 < self.limit {
                        j += 2;
                    } else {
                        return j + 1;
                    }
                }
                _ => j += 1,
            }
        }
        self.limit
    }

    /// Where the line holding `i` ends (before its line break).
    fn line_content_end(&self, i: usize) -> usize {
        self.b[i..self.limit]
            .iter()
            .position(|c| *c == b'\n')
            .map_or(self.limit, |p| i + p)
    }

    /// A block scalar whose header starts at `i`: records its last content
    /// byte and returns the start of the first line after its content.
    /// `None` when the text at `i` is not a block scalar header.
    fn block_scalar(&mut self, i: usize) -> Option<usize> {
        let b = self.b;
        let line_end = self.line_content_end(i);
        let mut j = i + 1;
        let mut indicator = None;
        while j < line_end && j < i + 3 {
            match b[j] {
                d @ b'1'..=b'9' if indicator.is_none() => indicator = Some((d - b'0') as isize),
                b'+' | b'-' => {}
                _ => break,
            }
            j += 1;
        }
        let header_end = j;
        while j < line_end && blank(b[j]) {
            j += 1;
        }
        if j < line_end && !(b[j] == b'#' && j > header_end) {
            return None;
        }
        self.last = header_end;
        let owner = self.owner(i);
        let mut p = (line_end + 1).min(self.limit);
        let mut content = indicator.map(|d| owner.max(0) + d);
        while p < self.limit {
            let end = self.line_content_end(p);
            let indent = b[p..end].iter().take_while(|c| **c == b' ').count();
            let text_end = p + b[p..end]
                .iter()
                .rposition(|c| !blank(*c))
                .map_or(0, |k| k + 1);
            if text_end > p + indent {
                let m = *content.get_or_insert(indent as isize);
                if m <= owner || (indent as isize) < m {
                    break;
                }
                self.last = text_end;
            }
            p = (end + 1).min(self.limit);
        }
        Some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value's text in `text`, whose value starts at the first `@`
    /// (removed) and runs at most to the end.
    fn repr(text: &str) -> String {
        let at = text.find('@').expect("marker");
        let text = text.replacen('@', "", 1);
        let end = repr_end(&text, at..text.len());
        text[at..end].to_string()
    }

    #[test]
    fn trailing_comments_and_blanks_are_decoration() {
        assert_eq!(repr("k: @2025-1-1  # it's old\n"), "2025-1-1");
        assert_eq!(repr("k: @{a: [b, c]}  # don't [edit]\n"), "{a: [b, c]}");
        assert_eq!(repr("k: @[a, b] # c ]\r\n"), "[a, b]");
        assert_eq!(repr("k: @value#notacomment # c\n"), "value#notacomment");
        assert_eq!(repr("k: @'a # b' # c\n"), "'a # b'");
        assert_eq!(repr("k: @\"a \\\" # b\" # c\n"), "\"a \\\" # b\"");
        assert_eq!(repr("k: @\"a # x\n  b\" # c\n"), "\"a # x\n  b\"");
        assert_eq!(repr("k: @it's 'x # c'\n"), "it's 'x");
        assert_eq!(repr("k: @a\n  'b # c\n"), "a\n  'b");
        assert_eq!(repr("k: @!!str 5\t# c\n"), "!!str 5");
        assert_eq!(repr("k: @~  # c\n"), "~");
        assert_eq!(repr("k: @{\"a\":'b # c'} # d\n"), "{\"a\":'b # c'}");
        assert_eq!(
            repr("k: @[!!str 'a # b', &x \"c\"] # d\n"),
            "[!!str 'a # b', &x \"c\"]"
        );
        assert_eq!(
            repr("k: @[a,\n  'b # c' # d\n  ]  # e\n"),
            "[a,\n  'b # c' # d\n  ]"
        );
        assert_eq!(repr("k: @  # c\n"), "");
    }

    #[test]
    fn block_collections_end_at_their_last_value() {
        assert_eq!(
            repr("t:\n  @- b\n  - 'c # x'  # don't [edit]\n  # after\n\n"),
            "- b\n  - 'c # x'"
        );
        assert_eq!(
            repr("@a: 1 # c\nb:\n  - [x, 'y # z'] # w\n"),
            "a: 1 # c\nb:\n  - [x, 'y # z']"
        );
        assert_eq!(
            repr("m:\n  @k: v\n  'q # k': w  # c\n"),
            "k: v\n  'q # k': w"
        );
        assert_eq!(repr("- @k: a\n  'b': c # d\n"), "k: a\n  'b': c");
        assert_eq!(repr("@- a\n  'b # c'\n"), "- a\n  'b");
    }

    /// The value, what comes before it and what comes after it in `text`,
    /// whose raw range starts at `@` (removed) and runs to the end.
    fn split(text: &str) -> (String, String, String) {
        let at = text.find('@').expect("marker");
        let text = text.replacen('@', "", 1);
        let d = decorated(&text, at..text.len());
        let s = |r: Range<usize>| text[r].to_string();
        (s(d.before), s(d.repr), s(d.after))
    }

    #[test]
    fn decoration_is_split_from_the_value_on_both_sides() {
        let parts = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            split("updated: @2025-1-1  # it's old\n"),
            parts(" ", "2025-1-1", "  # it's old")
        );
        assert_eq!(
            split("t:\t@{a: [b, c]}\t# don't [edit]\r\n"),
            parts("\t", "{a: [b, c]}", "\t# don't [edit]")
        );
        // A value at the end of the text without a line break.
        assert_eq!(split("k: @v # c"), parts(" ", "v", " # c"));
        assert_eq!(split("k: @v"), parts(" ", "v", ""));
        // Inside a flow collection what follows is not decoration.
        let text = "k: [a, b] # c\n";
        let d = decorated(text, 4..5);
        assert_eq!((&text[d.repr.clone()], d.after.is_empty()), ("a", true));
        // `#` not after a blank is text.
        assert_eq!(split("k: @a#b\n"), parts(" ", "a#b", ""));
    }

    #[test]
    fn ranges_past_the_end_are_clamped() {
        assert_eq!(repr_end("k: v", 9..20), 4);
        assert_eq!(repr_end("k: v", 3..20), 4);
        let d = decorated("k: v", 9..20);
        assert_eq!((d.repr, d.after), (4..4, 4..4));
    }

    #[test]
    fn block_scalar_content_is_text() {
        assert_eq!(repr("k: @|  # c\n  a\n  # b\n"), "|  # c\n  a\n  # b");
        assert_eq!(repr("k: @>-\n    a # b\n  # trail\n"), ">-\n    a # b");
        assert_eq!(
            repr("- @k: |\n    x # y\n  j: 1 # c\n"),
            "k: |\n    x # y\n  j: 1"
        );
        assert_eq!(repr("k: @|2\n    a\n  b # c\n"), "|2\n    a\n  b # c");
        assert_eq!(repr("k: @a\n  |b # c\n"), "a\n  |b");
    }

    #[test]
    fn a_plain_scalar_on_its_own_line_goes_on_past_its_key() {
        // Found by the scanner fuzz target: the `"` of the last line is
        // text of the scalar (indented past `a`), not an unclosed quote.
        let text = "a:\n  --\n  [-  -x\n  - - y\n \"  - z\n";
        assert_eq!(repr_end(text, 0..text.len()), text.len() - 1);
        // Under `- k:` the scalar belongs to `k` (column 2): a line at
        // column 3 goes on with it, quote and all.
        let text = "- k:\n    v\n   \"w\n";
        assert_eq!(
            crate::yaml::block::strict_value(text).unwrap()[0]["k"],
            "v \"w"
        );
        assert_eq!(repr_end(text, 9..text.len()), text.len() - 1);
    }
}
