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

    /// A node on one line (no block scalar in it) spanning `span`, and the
    /// offset after it: what the readers of one-line values return.
    pub(super) fn one_line(kind: Kind<'a>, style: Style, span: Span) -> (Node<'a>, usize) {
        let end = span.end;
        let node = Node {
            kind,
            style,
            span,
            multiline: false,
            open: false,
        };
        (node, end)
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

/// `v` in an allocation of exactly its length. A scanned tree lives until
/// the run ends and a large file has hundreds of thousands of nodes: a
/// collection's spare capacity (a mapping of five entries sits in room for
/// eight, a list's last doubling up to half) is memory the kernel must
/// zero and fault in, a large share of the merge driver's time. Shrinking
/// in place does not help: the allocator keeps a block that is at least
/// half used. The copy is cheap beside that.
fn exact<T>(v: Vec<T>) -> Vec<T> {
    if v.capacity() == v.len() {
        return v;
    }
    let mut out = Vec::with_capacity(v.len());
    out.extend(v);
    out
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
        entries: Vec::new(),
        items: Vec::new(),
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
        entries: Vec::new(),
        items: Vec::new(),
    };
    scanner
        .flow_value(at, end, 0)
        .ok()
        .flatten()
        .map(|(node, _)| node)
}

mod flow;
mod lines;
mod nodes;
mod opaque;
mod scalars;
#[cfg(test)]
mod tests;

use lines::{LineKind, Lines, check_chars, line_of, split_lines, unsupported};
pub use scalars::resolve_plain;
use scalars::*;

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
    /// The entries of the block mappings being read, innermost last: a
    /// mapping pushes its entries above its parent's and moves them out
    /// into an allocation of exactly their number when it ends, so no
    /// collection grows by reallocation (a tenth of the merge driver's
    /// time on a 10,000-row index went to growing and then copying). An
    /// error ends the scan, so what an unfinished mapping left here is
    /// never read.
    entries: Vec<Entry<'a>>,
    /// The same for the items of block sequences.
    items: Vec<Item<'a>>,
}
