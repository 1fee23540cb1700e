//! A fast, lossless scanner for the block-style YAML that registry files use.
//!
//! The strict parser ([`super::parse`]) is exact but costs ~150 ms on a
//! 10,000-row index, too slow for a merge driver that reads three of them.
//! This scanner reads the common subset in one linear pass and records, for
//! every mapping entry and sequence item, the byte ranges an editor needs
//! (key, value, the lines it covers, the comment lines above a row), and
//! decodes scalars itself:
//!
//! - block mappings and block sequences (including a mapping that starts on
//!   the dash line, `- id: x`), nested to any depth up to [`MAX_DEPTH`];
//! - plain, single-quoted and double-quoted scalars on one line;
//! - one-line flow sequences and flow mappings of such scalars;
//! - comments, blank lines, CRLF line endings, a leading `---`.
//!
//! Two more shapes are decoded here but kept whole, as [`Kind::Opaque`]
//! nodes that editors and the merge never look inside: one-line flow
//! collections nested in flow collections (`{date: .., evidence: [a, b]}`,
//! up to [`MAX_FLOW_DEPTH`] levels), and block scalars (`|`, `>`, with
//! `-` or `+` chomping) whose lines share one indentation.
//!
//! Any other value outside the subset (a block scalar with an indentation
//! indicator or more-indented folded lines, a multi-line scalar, a tag, an
//! anchor, a number in an unusual notation) is handled *exactly*: its lines
//! are cut out, re-indented, and decoded by the strict parser on their own,
//! and the node is also marked [`Kind::Opaque`]. What
//! cannot be decoded that way (aliases, directives, several documents, tabs
//! used for indentation, complex keys, non-string keys, duplicate keys,
//! control characters) is refused with [`Unsupported`], and callers take a
//! slower or more conservative path. The scanner never accepts a text the
//! strict parser rejects, and every value it returns is the value the
//! strict parser would return (tests hold it to that).

use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

/// Deepest block nesting accepted, matching the strict parser's budget.
pub const MAX_DEPTH: usize = 60;

/// Deepest nesting of flow collections read on the fast path (`[[a]]` is
/// two); deeper ones go to the strict parser and its budgets.
pub const MAX_FLOW_DEPTH: usize = 8;

/// Byte range into the scanned text.
pub type Span = Range<usize>;

/// Why a text is outside the subset this scanner reads (it may still be
/// valid YAML: callers fall back to another path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// 1-based line of the construct.
    pub line: usize,
    pub reason: &'static str,
}

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind<'a> {
    /// A one-line string scalar decoded by the scanner, borrowed from the
    /// text when it has no escapes.
    Str(Cow<'a, str>),
    /// A one-line scalar that is not a string (null, bool, number), or an
    /// empty value (null).
    Scalar(Box<Value>),
    /// A value outside the fast subset, decoded by the strict parser. It is
    /// compared and copied as a whole, never edited inside.
    Opaque(Box<Value>),
    Map(Vec<Entry<'a>>),
    Seq(Vec<Item<'a>>),
}

/// How a node is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Nothing after the indicator: null.
    Empty,
    Plain,
    Single,
    Double,
    /// `[...]` or `{...}` on one line.
    Flow,
    /// Block mapping or block sequence.
    Block,
    /// Decoded by the strict parser; see [`Kind::Opaque`].
    Opaque,
}

/// One value with its text range.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub kind: Kind<'a>,
    pub style: Style,
    /// The value's text: a scalar's token (quotes included), a flow
    /// collection's brackets, or a block collection from its first key or
    /// dash to the end of its last content line (line break excluded,
    /// trailing comment on that line included). A value kept whole
    /// ([`Style::Opaque`]) also runs to the end of its last line, comment
    /// included; [`super::Lossless::value_span`] gives the value alone.
    /// Empty for an empty value.
    pub span: Span,
    /// Whether the value's text covers more than one line.
    pub multiline: bool,
    /// Whether the value ends with a block scalar that keeps its final
    /// line breaks (`|+`): blank lines right after it belong to it, so an
    /// editor must not leave other blank lines there.
    pub open: bool,
}

/// One `key: value` of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    pub key: Cow<'a, str>,
    /// The key as written (quotes included).
    pub key_span: Span,
    /// Just past the `:`.
    pub colon_end: usize,
    pub value: Node<'a>,
    /// Start of the line holding the key (before the key when the entry is
    /// the first of a mapping that starts on a dash line).
    pub line_start: usize,
    /// End of the entry's last content line, line break excluded.
    pub end: usize,
    /// Start of the line after the entry's last content line.
    pub next: usize,
    /// Whether the entry sits inside a flow mapping (`{k: v}`); its line
    /// fields then all point at the entry itself.
    pub in_flow: bool,
}

/// One item of a sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<'a> {
    /// Offset of the `-` (of the value, for flow sequences).
    pub dash: usize,
    pub value: Node<'a>,
    /// Start of the comment lines directly above the item (no blank line
    /// between), or of the dash line when there are none.
    pub lead: usize,
    /// Start of the dash line.
    pub line_start: usize,
    /// End of the item's last content line, line break excluded.
    pub end: usize,
    /// Start of the line after the item's last content line.
    pub next: usize,
    /// Whether the item sits inside a flow sequence (`[a, b]`); its line
    /// fields then all point at the item itself.
    pub in_flow: bool,
}

/// A scanned document.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    pub text: &'a str,
    /// The top node; an empty document is an empty null scalar.
    pub root: Node<'a>,
}

impl<'a> Node<'a> {
    pub fn entries(&self) -> &[Entry<'a>] {
        match &self.kind {
            Kind::Map(e) => e,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Item<'a>] {
        match &self.kind {
            Kind::Seq(i) => i,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, Kind::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.kind, Kind::Seq(_))
    }

    /// The string a string scalar holds.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            Kind::Opaque(v) => v.as_str(),
            _ => None,
        }
    }

    /// Whether the node is a scalar (decoded or opaque).
    pub fn is_scalar(&self) -> bool {
        match &self.kind {
            Kind::Str(_) | Kind::Scalar(_) => true,
            Kind::Opaque(v) => !v.is_object() && !v.is_array(),
            _ => false,
        }
    }

    /// Find an entry of a mapping by key.
    pub fn get(&self, key: &str) -> Option<&Entry<'a>> {
        self.entries().iter().find(|e| e.key == key)
    }
}

/// The plain JSON value of a node (what [`super::parse`] returns for it).
pub fn to_value(node: &Node) -> Value {
    match &node.kind {
        Kind::Str(s) => Value::String(s.to_string()),
        Kind::Scalar(v) | Kind::Opaque(v) => Value::clone(v),
        Kind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key.to_string(), to_value(&e.value)))
                .collect(),
        ),
        Kind::Seq(items) => Value::Array(items.iter().map(|i| to_value(&i.value)).collect()),
    }
}

/// Whether two nodes hold the same data (mapping key order ignored).
pub fn node_eq(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Str(x), Kind::Str(y)) => x == y,
        (Kind::Scalar(x) | Kind::Opaque(x), Kind::Scalar(y) | Kind::Opaque(y)) => x == y,
        (Kind::Str(_), Kind::Scalar(_)) | (Kind::Scalar(_), Kind::Str(_)) => false,
        (Kind::Opaque(x), _) => value_eq(x, b),
        (_, Kind::Opaque(y)) => value_eq(y, a),
        (Kind::Map(x), Kind::Map(y)) => {
            if x.len() != y.len() {
                return false;
            }
            if x.len() > 32 {
                let index: std::collections::HashMap<&str, &Node> =
                    y.iter().map(|e| (e.key.as_ref(), &e.value)).collect();
                return x.iter().all(|e| {
                    index
                        .get(e.key.as_ref())
                        .is_some_and(|v| node_eq(&e.value, v))
                });
            }
            x.iter().all(|e| {
                y.iter()
                    .find(|f| f.key == e.key)
                    .is_some_and(|f| node_eq(&e.value, &f.value))
            })
        }
        (Kind::Seq(x), Kind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(i, j)| node_eq(&i.value, &j.value))
        }
        _ => false,
    }
}

/// Whether a node holds exactly `value`.
pub fn value_eq(value: &Value, node: &Node) -> bool {
    match (&node.kind, value) {
        (Kind::Str(s), _) => value.as_str() == Some(s.as_ref()),
        (Kind::Scalar(v) | Kind::Opaque(v), _) => **v == *value,
        (Kind::Map(entries), Value::Object(m)) => {
            entries.len() == m.len()
                && entries
                    .iter()
                    .all(|e| m.get(e.key.as_ref()).is_some_and(|v| value_eq(v, &e.value)))
        }
        (Kind::Seq(items), Value::Array(a)) => {
            items.len() == a.len() && items.iter().zip(a).all(|(i, v)| value_eq(v, &i.value))
        }
        _ => false,
    }
}

/// The strict parser alone (serde-saphyr with the crate's options), without
/// the fast path [`super::parse`] takes through [`scan`]: the authority
/// [`scan`] is held to, and what decodes the values it cannot.
pub fn strict_value(text: &str) -> Result<Value, String> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_saphyr::from_str_with_options::<Value>(text, super::strict_options())
        .map_err(|e| e.to_string())
}

/// Scan `text` (already decoded, byte-order mark removed).
pub fn scan(text: &str) -> Result<Doc<'_>, Unsupported> {
    check_chars(text)?;
    let lines = split_lines(text)?;
    let mut scanner = Scanner {
        text,
        b: text.as_bytes(),
        lines,
        depth: 0,
    };
    let root = scanner.root()?;
    Ok(Doc { text, root })
}

/// The one-line flow collection starting at `at` (a `[` or `{`), read
/// with the nodes inside it: what a caller needs to look into a value
/// [`scan`] kept whole. `None` when the text there is not one the scanner
/// reads.
pub fn flow_node(text: &str, at: usize) -> Option<Node<'_>> {
    if !matches!(text.as_bytes().get(at), Some(b'[' | b'{')) {
        return None;
    }
    let end = text[at..].find(['\r', '\n']).map_or(text.len(), |e| at + e);
    let scanner = Scanner {
        text,
        b: text.as_bytes(),
        lines: Lines(Vec::new()),
        depth: 0,
    };
    scanner
        .flow_value(at, end, 0)
        .ok()
        .flatten()
        .map(|(node, _)| node)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    Comment,
    Content,
}

/// One line of the text. Offsets are `u32` to keep the table small (the
/// scanner refuses texts over 4 GB; registry files are capped far lower).
#[derive(Debug, Clone, Copy)]
struct RawLine {
    start: u32,
    end: u32,
    next: u32,
    indent: u32,
    kind: LineKind,
}

#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    /// Content end: before `\r\n` or `\n`.
    end: usize,
    /// Start of the next line (or the text length).
    next: usize,
    indent: usize,
    kind: LineKind,
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
struct Lines(Vec<RawLine>);

impl std::ops::Index<usize> for Lines {
    type Output = RawLine;
    fn index(&self, i: usize) -> &RawLine {
        &self.0[i]
    }
}

impl Lines {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, i: usize) -> Line {
        self.0[i].into()
    }
}

fn unsupported<T>(line: usize, reason: &'static str) -> Result<T, Unsupported> {
    Err(Unsupported { line, reason })
}

fn line_of(text: &str, offset: usize) -> usize {
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
fn check_chars(text: &str) -> Result<(), Unsupported> {
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

fn split_lines(text: &str) -> Result<Lines, Unsupported> {
    if u32::try_from(text.len()).is_err() {
        return unsupported(1, "text too large");
    }
    let b = text.as_bytes();
    let mut lines = Vec::with_capacity(b.len() / 24 + 1);
    let mut pos = 0;
    let mut seen_content = false;
    while pos < b.len() {
        let nl = text[pos..].find('\n').map_or(b.len(), |p| pos + p);
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
            Some(_) => {
                let rest = &b[pos..end];
                let marker = |m: &[u8]| {
                    rest.starts_with(m) && (rest.len() == 3 || rest[3] == b' ' || rest[3] == b'\t')
                };
                if indent == 0 && rest[0] == b'%' {
                    return unsupported(lineno, "directive");
                }
                if indent == 0 && marker(b"...") {
                    return unsupported(lineno, "document end marker");
                }
                if indent == 0 && marker(b"---") {
                    let after = std::str::from_utf8(&rest[3..])
                        .unwrap_or("")
                        .trim_start_matches([' ', '\t']);
                    if seen_content || !(after.is_empty() || after.starts_with('#')) {
                        return unsupported(lineno, "several documents, or content after `---`");
                    }
                    seen_content = true;
                    // The start marker reads as a comment line.
                    LineKind::Comment
                } else {
                    seen_content = true;
                    LineKind::Content
                }
            }
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
    Ok(Lines(lines))
}

/// How a value whose text the scanner cannot decode is introduced.
#[derive(Clone, Copy)]
enum Header<'k> {
    Entry { key: &'k str, start: usize },
    Item { dash: usize },
}

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    lines: Lines,
    depth: usize,
}

impl<'a> Scanner<'a> {
    fn next_content(&self, after: usize) -> Option<usize> {
        (after + 1..self.lines.len()).find(|&i| self.lines.get(i).kind == LineKind::Content)
    }

    fn is_dash_at(&self, pos: usize, end: usize) -> bool {
        self.b[pos] == b'-'
            && (pos + 1 == end || self.b[pos + 1] == b' ' || self.b[pos + 1] == b'\t')
    }

    fn is_dash(&self, li: usize) -> bool {
        let l = self.lines.get(li);
        self.is_dash_at(l.start + l.indent, l.end)
    }

    fn root(&mut self) -> Result<Node<'a>, Unsupported> {
        let Some(first) = self.next_content_from(0) else {
            return Ok(empty(0));
        };
        let line = self.lines.get(first);
        if line.indent != 0 {
            return unsupported(first + 1, "indented top level");
        }
        let (node, last) = if self.is_dash(first) {
            self.seq(first, 0)?
        } else if self.key(first, line.start)?.is_some() {
            self.map(first, 0, line.start)?
        } else if matches!(self.b[line.start], b'{' | b'[')
            && let Some(node) = self.inline(line.start, line.end)?
            && !nests(&node)
        {
            (node, first)
        } else {
            return unsupported(first + 1, "top level is not a mapping or sequence");
        };
        if let Some(extra) = self.next_content(last) {
            return unsupported(
                extra + 1,
                "unexpected content after the top-level collection",
            );
        }
        Ok(node)
    }

    fn next_content_from(&self, from: usize) -> Option<usize> {
        (from..self.lines.len()).find(|&i| self.lines.get(i).kind == LineKind::Content)
    }

    fn enter(&mut self, li: usize) -> Result<(), Unsupported> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return unsupported(li + 1, "nesting too deep");
        }
        Ok(())
    }

    /// A block mapping whose first key starts at `off` on line `li`, with
    /// its keys in column `col`.
    fn map(&mut self, li: usize, col: usize, off: usize) -> Result<(Node<'a>, usize), Unsupported> {
        self.enter(li)?;
        let mut entries: Vec<Entry<'a>> = Vec::with_capacity(8);
        let mut seen: Option<HashSet<Cow<'a, str>>> = None;
        let (mut li, mut off) = (li, off);
        let last = loop {
            let (entry, last) = self.entry(li, off, col)?;
            let dup = match &mut seen {
                Some(set) => !set.insert(entry.key.clone()),
                None => {
                    let dup = entries.iter().any(|e| e.key == entry.key);
                    if entries.len() >= 8 {
                        seen = Some(
                            entries
                                .iter()
                                .map(|e| e.key.clone())
                                .chain([entry.key.clone()])
                                .collect(),
                        );
                    }
                    dup
                }
            };
            if dup {
                return unsupported(li + 1, "duplicate key");
            }
            entries.push(entry);
            match self.next_content(last) {
                Some(n) if self.lines.get(n).indent == col => {
                    if self.is_dash(n) {
                        return unsupported(n + 1, "sequence item where a key was expected");
                    }
                    li = n;
                    off = self.lines.get(n).start + col;
                }
                Some(n) if self.lines.get(n).indent > col => {
                    return unsupported(n + 1, "unexpected indentation");
                }
                _ => break last,
            }
        };
        self.depth -= 1;
        entries.shrink_to_fit();
        let start = entries[0].key_span.start;
        let end = entries.last().map_or(start, |e| e.end);
        let multiline = self.text[start..end].contains('\n');
        let open = entries.last().is_some_and(|e| e.value.open);
        Ok((
            Node {
                kind: Kind::Map(entries),
                style: Style::Block,
                span: start..end,
                multiline,
                open,
            },
            last,
        ))
    }

    /// A block sequence with its dashes in column `col`, starting on `li`.
    fn seq(&mut self, li: usize, col: usize) -> Result<(Node<'a>, usize), Unsupported> {
        self.enter(li)?;
        let mut items = Vec::new();
        let mut li = li;
        let last = loop {
            let line = self.lines.get(li);
            let dash = line.start + col;
            let mut lead = li;
            while lead > 0 && self.lines.get(lead - 1).kind == LineKind::Comment {
                lead -= 1;
            }
            // Never reach back past the previous item or the line that
            // introduced the sequence.
            let floor = items.last().map_or(0, |i: &Item| i.next);
            let lead_pos = self.lines.get(lead).start.max(floor).min(line.start);
            let mut p = dash + 1;
            p = self.skip_spaces(li, p, line.end)?;
            let (value, last) = if p == line.end || self.b[p] == b'#' {
                match self.next_content(li) {
                    Some(n) if self.lines.get(n).indent > col => {
                        let ncol = self.lines.get(n).indent;
                        self.block_value(n, ncol, li, col, Header::Item { dash })?
                    }
                    _ => (empty(dash + 1), li),
                }
            } else if self.is_dash_at(p, line.end) {
                self.opaque(li, col, Header::Item { dash }, p)?
            } else if self.key(li, p)?.is_some() {
                self.map(li, p - line.start, p)?
            } else {
                self.inline_value(li, col, p, Header::Item { dash })?
            };
            let end = self.lines.get(last).end.max(value.span.end);
            items.push(Item {
                dash,
                value,
                lead: lead_pos,
                line_start: line.start,
                end,
                next: self.lines.get(last).next,
                in_flow: false,
            });
            match self.next_content(last) {
                Some(n) if self.lines.get(n).indent == col && self.is_dash(n) => li = n,
                Some(n) if self.lines.get(n).indent > col => {
                    return unsupported(n + 1, "unexpected indentation");
                }
                _ => break last,
            }
        };
        self.depth -= 1;
        let start = items[0].dash;
        let end = items.last().map_or(start, |i| i.end);
        let multiline = self.text[start..end].contains('\n');
        let open = items.last().is_some_and(|i| i.value.open);
        Ok((
            Node {
                kind: Kind::Seq(items),
                style: Style::Block,
                span: start..end,
                multiline,
                open,
            },
            last,
        ))
    }

    fn skip_spaces(&self, li: usize, mut p: usize, end: usize) -> Result<usize, Unsupported> {
        while p < end && self.b[p] == b' ' {
            p += 1;
        }
        if p < end && self.b[p] == b'\t' {
            return unsupported(li + 1, "tab after an indicator");
        }
        Ok(p)
    }

    /// One `key: value` starting at `off` on line `li`, in a mapping whose
    /// keys are in column `col`.
    fn entry(
        &mut self,
        li: usize,
        off: usize,
        col: usize,
    ) -> Result<(Entry<'a>, usize), Unsupported> {
        let line = self.lines.get(li);
        let Some((key, key_span, colon)) = self.key(li, off)? else {
            return unsupported(li + 1, "expected a `key: value` line");
        };
        let colon_end = colon + 1;
        let p = self.skip_spaces(li, colon_end, line.end)?;
        let header = Header::Entry {
            key: &key,
            start: key_span.start,
        };
        let (value, last) = if p == line.end || self.b[p] == b'#' {
            match self.next_content(li) {
                Some(n) if self.lines.get(n).indent > col => {
                    let ncol = self.lines.get(n).indent;
                    self.block_value(n, ncol, li, col, header)?
                }
                Some(n) if self.lines.get(n).indent == col && self.is_dash(n) => {
                    self.seq(n, col)?
                }
                _ => (empty(colon_end), li),
            }
        } else {
            self.inline_value(li, col, p, header)?
        };
        let end = self.lines.get(last).end.max(value.span.end);
        let entry = Entry {
            key,
            key_span,
            colon_end,
            value,
            line_start: line.start,
            end,
            next: self.lines.get(last).next,
            in_flow: false,
        };
        Ok((entry, last))
    }

    /// A value starting on its own line `n` at column `ncol`, introduced by
    /// a header on line `hli` in column `hcol`.
    fn block_value(
        &mut self,
        n: usize,
        ncol: usize,
        hli: usize,
        hcol: usize,
        header: Header,
    ) -> Result<(Node<'a>, usize), Unsupported> {
        let start = self.lines.get(n).start + ncol;
        if self.is_dash(n) {
            self.seq(n, ncol)
        } else if self.key(n, start)?.is_some() {
            self.map(n, ncol, start)
        } else {
            self.opaque(hli, hcol, header, start)
        }
    }

    /// A value starting at `p` on the header's line `li`.
    fn inline_value(
        &mut self,
        li: usize,
        col: usize,
        p: usize,
        header: Header,
    ) -> Result<(Node<'a>, usize), Unsupported> {
        let line = self.lines.get(li);
        let continues = self
            .next_content(li)
            .is_some_and(|n| self.lines.get(n).indent > col);
        if !continues && let Some(node) = self.inline(p, line.end)? {
            if !nests(&node) {
                return Ok((node, li));
            }
            // Flow collections inside a flow collection are read here but
            // kept whole, as the strict parser's value would be: editors and
            // the merge only look inside one level of flow.
            let (last, _) = self.extent(li, col);
            let node = Node {
                kind: Kind::Opaque(Box::new(to_value(&node))),
                style: Style::Opaque,
                span: p..self.lines.get(last).end.max(p),
                multiline: last > li,
                open: false,
            };
            return Ok((node, last));
        }
        self.opaque(li, col, header, p)
    }

    /// The lines a value introduced on line `hli` (header in column `hcol`)
    /// may cover: every following line that is blank or indented past
    /// `hcol`. Returns the last non-blank one (`hli` when there is none)
    /// and the first line after the run.
    fn extent(&self, hli: usize, hcol: usize) -> (usize, usize) {
        let mut last_content = hli;
        let mut k = hli + 1;
        while k < self.lines.len()
            && (self.lines.get(k).kind == LineKind::Blank || self.lines.get(k).indent > hcol)
        {
            if self.lines.get(k).kind != LineKind::Blank {
                last_content = k;
            }
            k += 1;
        }
        (last_content, k)
    }

    /// Decode a value the fast path cannot read: block scalars of the
    /// common forms here, anything else by handing its lines to the strict
    /// parser on their own.
    fn opaque(
        &mut self,
        hli: usize,
        hcol: usize,
        header: Header,
        value_start: usize,
    ) -> Result<(Node<'a>, usize), Unsupported> {
        let (last_content, k) = self.extent(hli, hcol);
        if let (Header::Entry { .. }, Some(n)) = (header, self.next_content(last_content))
            && self.lines.get(n).indent == hcol
            && self.is_dash(n)
        {
            return unsupported(n + 1, "node properties before a same-column sequence");
        }
        let fast = if value_start < self.lines.get(hli).end
            && matches!(self.b[value_start], b'|' | b'>')
        {
            self.block_scalar(value_start, hli + 1..k)
        } else {
            None
        };
        let value = match fast {
            Some(s) => Value::String(s),
            None => self.strict_snippet(hli, k, hcol, header)?,
        };
        // A block scalar that keeps its final line breaks (`|+`, `>+`)
        // owns the blank lines after it.
        let first_line_end = self.text[value_start..]
            .find('\n')
            .map_or(self.text.len(), |p| value_start + p);
        let open = keeps_trailing_breaks(&self.text[value_start..first_line_end]);
        let last = if open && k - 1 > last_content {
            k - 1
        } else {
            last_content
        };
        let end = self.lines.get(last).end.max(value_start);
        let node = Node {
            kind: Kind::Opaque(Box::new(value)),
            style: Style::Opaque,
            span: value_start..end,
            multiline: last > hli,
            open,
        };
        Ok((node, last))
    }

    /// Decode the value introduced on line `hli` (lines up to `k`, not
    /// included) with the strict parser: its lines are cut out, re-indented
    /// to the header's column and parsed on their own.
    fn strict_snippet(
        &self,
        hli: usize,
        k: usize,
        hcol: usize,
        header: Header,
    ) -> Result<Value, Unsupported> {
        let start = match header {
            Header::Entry { start, .. } => start,
            Header::Item { dash } => dash,
        };
        let snippet_end = self.lines.get(k - 1).next;
        let mut snippet = String::with_capacity(snippet_end - start + 8);
        let first_end = self.lines.get(hli).next;
        snippet.push_str(&self.text[start..first_end]);
        for line in (hli + 1..k).map(|i| self.lines.get(i)) {
            let cut = line.indent.min(hcol);
            snippet.push_str(&self.text[line.start + cut..line.next]);
        }
        let parsed = strict_value(&snippet).map_err(|_| Unsupported {
            line: hli + 1,
            reason: "value does not parse",
        })?;
        match (header, parsed) {
            (Header::Entry { key, .. }, Value::Object(mut m))
                if m.len() == 1 && m.contains_key(key) =>
            {
                Ok(m.remove(key).unwrap_or(Value::Null))
            }
            (Header::Item { .. }, Value::Array(mut a)) if a.len() == 1 => {
                Ok(a.pop().unwrap_or(Value::Null))
            }
            _ => unsupported(hli + 1, "value outside the supported subset"),
        }
    }

    /// The string a block scalar holds, for the common forms: a header of
    /// `|` or `>` with an optional chomping indicator (`-`, `+`) and an
    /// optional comment, and content lines (`body`, every one blank or
    /// indented past the header's column) at one indentation, which for
    /// `>` means no more-indented lines. `None` for anything else
    /// (an indentation indicator, more-indented folded lines, lines of
    /// only spaces longer than the indentation, a less-indented comment
    /// after the content): the caller hands those to the strict parser.
    fn block_scalar(&self, at: usize, body: Range<usize>) -> Option<String> {
        let b = self.b;
        let header_end = self.text[at..]
            .find(['\r', '\n'])
            .map_or(b.len(), |e| at + e);
        let folded = b[at] == b'>';
        let mut p = at + 1;
        let chomp = match b.get(p) {
            Some(&c @ (b'-' | b'+')) if p < header_end => {
                p += 1;
                c
            }
            _ => b' ',
        };
        let rest = &self.text[p..header_end];
        let after = rest.trim_start_matches(' ');
        if !(after.is_empty() || (after.starts_with('#') && after.len() < rest.len())) {
            return None;
        }
        let lines = body.map(|i| self.lines.get(i));
        let mut indent = None;
        let mut out = String::new();
        // Line breaks owed before the next content line (or the end).
        let mut breaks = 0usize;
        let mut seen_content = false;
        let mut widest_blank = 0;
        for line in lines {
            if line.kind == LineKind::Blank {
                widest_blank = widest_blank.max(line.end - line.start);
                if indent.is_some_and(|n| widest_blank > n) {
                    return None;
                }
                breaks += 1;
                continue;
            }
            let n = *indent.get_or_insert(line.indent);
            if widest_blank > n {
                return None;
            }
            if line.indent != n && (folded || line.indent < n) {
                return None;
            }
            if seen_content {
                if folded && breaks == 1 {
                    out.push(' ');
                } else {
                    let owed = if folded { breaks - 1 } else { breaks };
                    out.extend(std::iter::repeat_n('\n', owed));
                }
            } else {
                // Leading blank lines: each one is a line break, and none
                // may hold more spaces than the content's indentation.
                out.extend(std::iter::repeat_n('\n', breaks));
            }
            out.push_str(&self.text[line.start + n..line.end]);
            seen_content = true;
            breaks = 1;
        }
        if !seen_content {
            return None;
        }
        match chomp {
            b'-' => {}
            b'+' => out.extend(std::iter::repeat_n('\n', breaks)),
            _ => out.push('\n'),
        }
        Some(out)
    }

    /// The key of a `key: value` line starting at `off`, or `None` when the
    /// text there is not a simple key.
    fn key(
        &self,
        li: usize,
        off: usize,
    ) -> Result<Option<(Cow<'a, str>, Span, usize)>, Unsupported> {
        let end = self.lines.get(li).end;
        let b = self.b;
        match b[off] {
            b'"' | b'\'' => {
                let Some((key, qend)) = self.quoted(off, end) else {
                    return Ok(None);
                };
                let mut p = qend;
                while p < end && b[p] == b' ' {
                    p += 1;
                }
                if p < end
                    && b[p] == b':'
                    && (p + 1 == end || b[p + 1] == b' ' || b[p + 1] == b'\t')
                {
                    if qend - off > 1024 {
                        return unsupported(li + 1, "key longer than 1024 characters");
                    }
                    return Ok(Some((key, off..qend, p)));
                }
                Ok(None)
            }
            b'[' | b'{' => Ok(None),
            _ => {
                let mut q = off;
                loop {
                    if q == end {
                        return Ok(None);
                    }
                    match b[q] {
                        b':' if q + 1 == end || b[q + 1] == b' ' || b[q + 1] == b'\t' => break,
                        b'#' if q > off && b[q - 1] == b' ' => return Ok(None),
                        b'\t' => return unsupported(li + 1, "tab in a key or plain scalar"),
                        _ => q += 1,
                    }
                }
                let raw = self.text[off..q].trim_end_matches(' ');
                if raw.is_empty() || !plain_start_ok(raw.as_bytes(), false) {
                    return unsupported(li + 1, "complex or unusual key");
                }
                if raw.len() > 1024 {
                    return unsupported(li + 1, "key longer than 1024 characters");
                }
                match plain_kind(raw) {
                    Some(Kind::Str(s)) => Ok(Some((s, off..off + raw.len(), q))),
                    _ => unsupported(li + 1, "key that is not a plain string"),
                }
            }
        }
    }

    /// A one-line value at `p` (up to `end`): a scalar or a flow collection
    /// of scalars followed only by blanks or a comment. `None` when the text
    /// there is outside that subset.
    fn inline(&self, p: usize, end: usize) -> Result<Option<Node<'a>>, Unsupported> {
        let b = self.b;
        let (node, after) = match b[p] {
            b'"' | b'\'' => {
                let Some((s, qend)) = self.quoted(p, end) else {
                    return Ok(None);
                };
                let style = if b[p] == b'"' {
                    Style::Double
                } else {
                    Style::Single
                };
                (
                    Node {
                        kind: Kind::Str(s),
                        style,
                        span: p..qend,
                        multiline: false,
                        open: false,
                    },
                    qend,
                )
            }
            b'[' => match self.flow_seq(p, end, 0)? {
                Some(x) => x,
                None => return Ok(None),
            },
            b'{' => match self.flow_map(p, end, 0)? {
                Some(x) => x,
                None => return Ok(None),
            },
            _ => {
                if !plain_start_ok(&b[p..end], false) {
                    return Ok(None);
                }
                let mut q = p;
                while q < end {
                    match b[q] {
                        b'#' if b[q - 1] == b' ' => break,
                        b':' if q + 1 == end || b[q + 1] == b' ' => return Ok(None),
                        b'\t' => return Ok(None),
                        _ => q += 1,
                    }
                }
                let raw = self.text[p..q].trim_end_matches(' ');
                let Some(kind) = plain_kind(raw) else {
                    return Ok(None);
                };
                (
                    Node {
                        kind,
                        style: Style::Plain,
                        span: p..p + raw.len(),
                        multiline: false,
                        open: false,
                    },
                    p + raw.len(),
                )
            }
        };
        // Only blanks and a comment may follow.
        let mut q = after;
        while q < end && b[q] == b' ' {
            q += 1;
        }
        if q < end && !(b[q] == b'#' && q > after) {
            return Ok(None);
        }
        Ok(Some(node))
    }

    /// A quoted scalar starting at `p`, closed on the same line.
    fn quoted(&self, p: usize, end: usize) -> Option<(Cow<'a, str>, usize)> {
        if self.b[p] == b'\'' {
            single_quoted(self.text, p, end)
        } else {
            double_quoted(self.text, p, end)
        }
    }

    /// A scalar inside a flow collection: quoted, or plain up to a flow
    /// indicator. Returns the node and the offset after it.
    fn flow_scalar(&self, p: usize, end: usize) -> Option<(Node<'a>, usize)> {
        let b = self.b;
        match b[p] {
            b'"' | b'\'' => {
                let (s, qend) = self.quoted(p, end)?;
                let style = if b[p] == b'"' {
                    Style::Double
                } else {
                    Style::Single
                };
                Some((
                    Node {
                        kind: Kind::Str(s),
                        style,
                        span: p..qend,
                        multiline: false,
                        open: false,
                    },
                    qend,
                ))
            }
            _ => {
                if !plain_start_ok(&b[p..end], true) {
                    return None;
                }
                let mut q = p;
                while q < end {
                    match b[q] {
                        b',' | b']' | b'}' => break,
                        b'[' | b'{' | b'\t' => return None,
                        b'#' if b[q - 1] == b' ' => return None,
                        b':' if q + 1 == end
                            || matches!(b[q + 1], b' ' | b',' | b'[' | b']' | b'{' | b'}') =>
                        {
                            break;
                        }
                        _ => q += 1,
                    }
                }
                let raw = self.text[p..q].trim_end_matches(' ');
                if raw.is_empty() {
                    return None;
                }
                let kind = plain_kind(raw)?;
                Some((
                    Node {
                        kind,
                        style: Style::Plain,
                        span: p..p + raw.len(),
                        multiline: false,
                        open: false,
                    },
                    p + raw.len(),
                ))
            }
        }
    }

    fn skip_flow_spaces(&self, mut q: usize, end: usize) -> usize {
        while q < end && self.b[q] == b' ' {
            q += 1;
        }
        q
    }

    /// A value inside a flow collection `depth` levels deep: a scalar, or
    /// a flow collection up to [`MAX_FLOW_DEPTH`] levels.
    fn flow_value(
        &self,
        p: usize,
        end: usize,
        depth: usize,
    ) -> Result<Option<(Node<'a>, usize)>, Unsupported> {
        match self.b[p] {
            b'[' | b'{' if depth >= MAX_FLOW_DEPTH => Ok(None),
            b'[' => self.flow_seq(p, end, depth + 1),
            b'{' => self.flow_map(p, end, depth + 1),
            _ => Ok(self.flow_scalar(p, end)),
        }
    }

    fn flow_seq(
        &self,
        p: usize,
        end: usize,
        depth: usize,
    ) -> Result<Option<(Node<'a>, usize)>, Unsupported> {
        let b = self.b;
        let mut items = Vec::new();
        let mut q = p + 1;
        loop {
            q = self.skip_flow_spaces(q, end);
            if q >= end {
                return Ok(None);
            }
            if b[q] == b']' {
                q += 1;
                break;
            }
            let Some((value, after)) = self.flow_value(q, end, depth)? else {
                return Ok(None);
            };
            let span = value.span.clone();
            items.push(Item {
                dash: span.start,
                value,
                lead: span.start,
                line_start: span.start,
                end: span.end,
                next: span.end,
                in_flow: true,
            });
            q = self.skip_flow_spaces(after, end);
            if q >= end {
                return Ok(None);
            }
            match b[q] {
                b',' => q += 1,
                b']' => {
                    q += 1;
                    break;
                }
                _ => return Ok(None),
            }
        }
        Ok(Some((
            Node {
                kind: Kind::Seq(items),
                style: Style::Flow,
                span: p..q,
                multiline: false,
                open: false,
            },
            q,
        )))
    }

    fn flow_map(
        &self,
        p: usize,
        end: usize,
        depth: usize,
    ) -> Result<Option<(Node<'a>, usize)>, Unsupported> {
        let b = self.b;
        let mut entries: Vec<Entry<'a>> = Vec::new();
        let mut q = p + 1;
        loop {
            q = self.skip_flow_spaces(q, end);
            if q >= end {
                return Ok(None);
            }
            if b[q] == b'}' {
                q += 1;
                break;
            }
            let Some((key_node, after)) = self.flow_scalar(q, end) else {
                return Ok(None);
            };
            let Kind::Str(key) = key_node.kind else {
                return Ok(None);
            };
            let key_span = key_node.span.clone();
            let c = self.skip_flow_spaces(after, end);
            if c + 1 >= end || b[c] != b':' || b[c + 1] != b' ' {
                return Ok(None);
            }
            let v = self.skip_flow_spaces(c + 1, end);
            if v >= end || matches!(b[v], b',' | b'}') {
                return Ok(None);
            }
            let Some((value, after)) = self.flow_value(v, end, depth)? else {
                return Ok(None);
            };
            if entries.iter().any(|e| e.key == key) {
                return unsupported(line_of(self.text, p), "duplicate key");
            }
            let vend = value.span.end;
            entries.push(Entry {
                key,
                key_span: key_span.clone(),
                colon_end: c + 1,
                value,
                line_start: key_span.start,
                end: vend,
                next: vend,
                in_flow: true,
            });
            q = self.skip_flow_spaces(after, end);
            if q >= end {
                return Ok(None);
            }
            match b[q] {
                b',' => q += 1,
                b'}' => {
                    q += 1;
                    break;
                }
                _ => return Ok(None),
            }
        }
        Ok(Some((
            Node {
                kind: Kind::Map(entries),
                style: Style::Flow,
                span: p..q,
                multiline: false,
                open: false,
            },
            q,
        )))
    }
}

/// Whether a flow collection holds another collection.
fn nests(node: &Node) -> bool {
    node.items().iter().any(|i| !i.value.is_scalar())
        || node.entries().iter().any(|e| !e.value.is_scalar())
}

/// Whether a value's first line opens a block scalar with keep chomping
/// (`|+`, `>2+`, possibly after a tag or anchor).
fn keeps_trailing_breaks(first_line: &str) -> bool {
    first_line
        .split(' ')
        .take_while(|t| !t.starts_with('#'))
        .any(|t| (t.starts_with('|') || t.starts_with('>')) && t.contains('+'))
}

fn empty(at: usize) -> Node<'static> {
    Node {
        kind: Kind::Scalar(Box::new(Value::Null)),
        style: Style::Empty,
        span: at..at,
        multiline: false,
        open: false,
    }
}

/// Whether a plain scalar may start with these bytes (YAML's indicator
/// rules, kept strict: anything doubtful is left to the strict parser).
fn plain_start_ok(s: &[u8], flow: bool) -> bool {
    let Some(&c) = s.first() else { return false };
    match c {
        b'-' | b'?' | b':' => {
            s.get(1).is_some_and(|n| !matches!(n, b' ' | b'\t')) && !(flow && c != b'-')
        }
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' => false,
        b'~' => false,
        _ => true,
    }
}

/// The YAML 1.2 core-schema value of a plain scalar, as the strict parser
/// reads it; `None` when the scalar is in a notation this fast path does
/// not decode (it is then decoded by the strict parser).
pub fn resolve_plain(s: &str) -> Option<Value> {
    plain_kind(s).map(|k| match k {
        Kind::Str(s) => Value::String(s.into_owned()),
        Kind::Scalar(v) => *v,
        _ => Value::Null,
    })
}

fn plain_kind(s: &str) -> Option<Kind<'_>> {
    let b = s.as_bytes();
    let first = *b.first()?;
    match first {
        b'a'..=b'z' | b'A'..=b'Z' => {
            match s {
                "true" | "True" | "TRUE" => return Some(Kind::Scalar(Box::new(Value::Bool(true)))),
                "false" | "False" | "FALSE" => {
                    return Some(Kind::Scalar(Box::new(Value::Bool(false))));
                }
                "null" | "Null" | "NULL" => return Some(Kind::Scalar(Box::new(Value::Null))),
                _ => {}
            }
            if b.len() <= 8
                && ["null", "true", "false", "inf", "nan", "infinity"]
                    .iter()
                    .any(|w| s.eq_ignore_ascii_case(w))
            {
                return None;
            }
            Some(Kind::Str(Cow::Borrowed(s)))
        }
        b'0'..=b'9' | b'-' | b'+' | b'.' => {
            if let Some(i) = simple_int(b) {
                return Some(Kind::Scalar(Box::new(Value::from(i))));
            }
            if is_date(b) {
                return Some(Kind::Str(Cow::Borrowed(s)));
            }
            if b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'+' | b'-' | b':'))
            {
                return None;
            }
            Some(Kind::Str(Cow::Borrowed(s)))
        }
        b'~' => None,
        _ => Some(Kind::Str(Cow::Borrowed(s))),
    }
}

/// `0` or `-?[1-9][0-9]{0,17}`: always an exact i64.
fn simple_int(b: &[u8]) -> Option<i64> {
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if digits[0] == b'0' && digits.len() > 1 {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// `YYYY-MM-DD` (dates stay strings under YAML 1.2 core).
fn is_date(b: &[u8]) -> bool {
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// A single-quoted scalar at `p`, closed before `end`.
fn single_quoted(text: &str, p: usize, end: usize) -> Option<(Cow<'_, str>, usize)> {
    let b = text.as_bytes();
    if let Some(close) = b[p + 1..end].iter().position(|c| *c == b'\'')
        && b.get(p + 2 + close)
            .is_none_or(|c| *c != b'\'' || p + 2 + close >= end)
    {
        return Some((Cow::Borrowed(&text[p + 1..p + 1 + close]), p + 2 + close));
    }
    let mut out = String::new();
    let mut q = p + 1;
    let mut run = q;
    while q < end {
        if b[q] == b'\'' {
            out.push_str(&text[run..q]);
            if q + 1 < end && b[q + 1] == b'\'' {
                out.push('\'');
                q += 2;
                run = q;
                continue;
            }
            return Some((Cow::Owned(out), q + 1));
        }
        q += 1;
    }
    None
}

/// A double-quoted scalar at `p`, closed before `end`, with YAML escapes.
fn double_quoted(text: &str, p: usize, end: usize) -> Option<(Cow<'_, str>, usize)> {
    let b = text.as_bytes();
    if let Some(close) = b[p + 1..end].iter().position(|c| *c == b'"' || *c == b'\\')
        && b[p + 1 + close] == b'"'
    {
        return Some((Cow::Borrowed(&text[p + 1..p + 1 + close]), p + 2 + close));
    }
    let mut out = String::new();
    let mut q = p + 1;
    let mut run = q;
    while q < end {
        match b[q] {
            b'"' => {
                out.push_str(&text[run..q]);
                return Some((Cow::Owned(out), q + 1));
            }
            b'\\' => {
                out.push_str(&text[run..q]);
                let e = *b.get(q + 1).filter(|_| q + 1 < end)?;
                let mut hex = |n: usize| -> Option<char> {
                    let digits = text.get(q + 2..q + 2 + n).filter(|_| q + 2 + n <= end)?;
                    if !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
                        return None;
                    }
                    let ch = char::from_u32(u32::from_str_radix(digits, 16).ok()?)?;
                    q += n;
                    Some(ch)
                };
                let ch = match e {
                    b'0' => '\0',
                    b'a' => '\u{7}',
                    b'b' => '\u{8}',
                    b't' | b'\t' => '\t',
                    b'n' => '\n',
                    b'v' => '\u{b}',
                    b'f' => '\u{c}',
                    b'r' => '\r',
                    b'e' => '\u{1b}',
                    b' ' => ' ',
                    b'"' => '"',
                    b'/' => '/',
                    b'\\' => '\\',
                    b'N' => '\u{85}',
                    b'_' => '\u{a0}',
                    b'L' => '\u{2028}',
                    b'P' => '\u{2029}',
                    b'x' => hex(2)?,
                    b'u' => hex(4)?,
                    b'U' => hex(8)?,
                    _ => return None,
                };
                out.push(ch);
                q += 2;
                run = q;
            }
            _ => q += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_strict(text: &str) {
        let fast = scan(text).unwrap_or_else(|e| panic!("{e} in {text:?}"));
        let strict = strict_value(text).unwrap();
        assert_eq!(to_value(&fast.root), strict, "{text:?}");
    }

    #[test]
    fn index_layout_decodes_like_the_strict_parser() {
        same_as_strict(
            "# header\nschema_version: 1\nupdated: 2026-06-17\ncapabilities:\n  - id: a.b\n    title: 'It''s'\n    status: active\n    vector: D5/A4/C5/R3\n    path: \"x\\ty\"  # c\n\n  # lead\n  - id: c.d\n    tags: [x, 'y', \"z\"]\n    m: {a: 1, b: -2}\n",
        );
        same_as_strict("a:\n- 1\n- b\nc: ~\nd:\ne: 007\nf: 0x1F\ng: 1.5\n");
        same_as_strict("k: |\n  a\n  # b\nj: 1\n");
        same_as_strict("k: |+\n  text\n\nj: 1\n");
        same_as_strict("- - a\n  - b\n- c\n");
        same_as_strict("k: \"a\n  b\"\nl: x\n  y\n");
        same_as_strict("---\nk: v\r\nl: [a, b, ]\r\n");
    }

    #[test]
    fn spans_point_at_rows_and_values() {
        let text = "caps:\n  # lead\n  - id: a\n    t: x  # c\n  - id: b\n";
        let doc = scan(text).unwrap();
        let caps = &doc.root.entries()[0].value;
        let items = caps.items();
        assert_eq!(items.len(), 2);
        assert_eq!(
            &text[items[0].lead..items[0].next],
            "  # lead\n  - id: a\n    t: x  # c\n"
        );
        let t = items[0].value.get("t").unwrap();
        assert_eq!(&text[t.value.span.clone()], "x");
        assert_eq!(&text[t.line_start..t.end], "    t: x  # c");
    }

    #[test]
    fn outside_the_subset_is_refused() {
        for text in [
            "a: 1\na: 2\n",
            "a: &x 1\nb: *x\n",
            "\ta: 1\n",
            "a: 1\n---\nb: 2\n",
            "? a\n: b\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: b: c\n",
            "just a scalar\n",
            "a: [1, 2\n",
            "a: 1\r2\n",
        ] {
            assert!(scan(text).is_err(), "{text:?} should be refused");
        }
    }
}
