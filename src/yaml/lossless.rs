//! The lossless view: where each value of a text is, as byte ranges.
//!
//! Two trees answer: the [`block`] scanner's spans (fast, for the subset
//! registry files use) and yaml-edit's tree (for the rest). Both give a
//! value's *raw* range, which may run on past it; the spans returned here
//! are the value's own text, its decoration left out (see [`decor`]).

use super::decor;
use super::{Seg, block, line_col, parse, unquote};
use serde_json::Value;
use std::str::FromStr;
use yaml_edit::{Document, YamlFile, YamlNode};

/// A byte range in the text a [`Lossless`] was built from.
pub type Span = std::ops::Range<usize>;

/// The lossless view of one YAML text: byte ranges of keys and values.
///
/// Both trees are built on first use: locating a diagnostic is answered
/// from the [`block`] scanner's spans when it can (a tenth of the cost),
/// and the yaml-edit tree is built only for what the scanner keeps whole
/// or cannot read, and for edits.
pub struct Lossless<'a> {
    text: &'a str,
    doc: std::cell::OnceCell<Option<Document>>,
    fast: std::cell::OnceCell<Option<block::Doc<'a>>>,
}

impl<'a> Lossless<'a> {
    /// Prepare the lossless view. Only call this on text that [`parse`]
    /// accepted: the strict parse is what bounds size and depth.
    pub fn new(text: &'a str) -> Self {
        Lossless {
            text,
            doc: Default::default(),
            fast: Default::default(),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    fn doc(&self) -> Option<&Document> {
        self.doc.get_or_init(|| only_document(self.text)).as_ref()
    }

    fn root(&self) -> Option<YamlNode> {
        let doc = self.doc()?;
        if let Some(m) = doc.as_mapping() {
            return Some(YamlNode::Mapping(m));
        }
        if let Some(s) = doc.as_sequence() {
            return Some(YamlNode::Sequence(s));
        }
        doc.as_scalar().map(YamlNode::Scalar)
    }

    fn node(&self, path: &[Seg]) -> Option<YamlNode> {
        let mut cur = self.root()?;
        for seg in path {
            cur = match (seg, cur) {
                (Seg::Key(k), YamlNode::Mapping(m)) => m
                    .entries()
                    .find(|e| {
                        e.key_node()
                            .is_some_and(|kn| unquote(&kn.to_string()) == *k)
                    })?
                    .value_node()?,
                (Seg::Index(i), YamlNode::Sequence(s)) => s.values().nth(*i)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    fn key_span(&self, path: &[Seg]) -> Option<Span> {
        let (last, parent) = path.split_last()?;
        let Seg::Key(k) = last else { return None };
        let YamlNode::Mapping(m) = self.node(parent)? else {
            return None;
        };
        let entry = m.entries().find(|e| {
            e.key_node()
                .is_some_and(|kn| unquote(&kn.to_string()) == *k)
        })?;
        entry.key_node().map(|n| span_of(&n))
    }

    fn fast_doc(&self) -> Option<&block::Doc<'a>> {
        self.fast
            .get_or_init(|| block::scan(self.text).ok())
            .as_ref()
    }

    /// Byte range of the value at `path`: its own text, without the blanks,
    /// the comment and the comment lines after it that either tree's range
    /// runs on into (the `decor` module reads where the value ends).
    pub fn value_span(&self, path: &[Seg]) -> Option<Span> {
        match self.fast_value_span(path) {
            Some(found) => found,
            None => self.slow_value_span(path),
        }
    }

    /// What replacing the value at `path` replaces: [`Lossless::value_span`],
    /// except that an empty value (`k:`, `-`) is placed just past its `:`
    /// or `-` when the scanner knows it; yaml-edit's tree may place it
    /// after a comment on the line.
    pub fn replaced_span(&self, path: &[Seg]) -> Option<Span> {
        let span = self.value_span(path)?;
        if !span.is_empty() {
            return Some(span);
        }
        let empty_at = self.fast_doc().and_then(|doc| {
            fast_visit(&doc.root, self.text, path, None, &mut |n, _| {
                Some((n.style == block::Style::Empty).then_some(n.span.start))
            })
        });
        // yaml-edit's tree alone: its empty value may sit after the
        // line's comment; the value's place is after the last token
        // before that comment (the `:`, the `-`, a lone flow key).
        let at = empty_at.flatten().flatten().unwrap_or_else(|| {
            let from = super::line_start(self.text, span.start);
            decor::repr_end(self.text, from..span.start)
        });
        Some(at..at)
    }

    /// The value at `path` with the decoration on its lines (the blanks
    /// before it, the blanks and comment after it): see [`decor::Decorated`].
    pub fn decorated(&self, path: &[Seg]) -> Option<decor::Decorated> {
        let span = self.value_span(path)?;
        Some(decor::decorated(self.text, span))
    }

    /// [`Lossless::value_span`] from the scanner's spans, when it can tell.
    fn fast_value_span(&self, path: &[Seg]) -> Option<Option<Span>> {
        let doc = self.fast_doc()?;
        fast_visit(&doc.root, self.text, path, None, &mut |n, _| {
            has_text(n, self.text).then(|| trim_node(self.text, n))
        })
    }

    fn slow_value_span(&self, path: &[Seg]) -> Option<Span> {
        let node = self.node(path)?;
        let span = span_of(&node);
        Some(trim_span(self.text, span))
    }

    /// Where a diagnostic about `path` should point: the value when it
    /// exists, else the nearest existing ancestor's key or value.
    pub fn locate(&self, path: &[Seg]) -> Option<(usize, usize)> {
        match self.fast_locate(path) {
            Some(found) => found,
            None => self.slow_locate(path),
        }
    }

    /// [`Lossless::locate`] answered from the yaml-edit tree.
    fn slow_locate(&self, path: &[Seg]) -> Option<(usize, usize)> {
        for len in (0..=path.len()).rev() {
            let p = &path[..len];
            let span = match p.last() {
                Some(Seg::Key(_)) if len < path.len() => {
                    self.key_span(p).or_else(|| self.value_span(p))
                }
                Some(Seg::Key(_)) => self.value_span(p).or_else(|| self.key_span(p)),
                _ => self.value_span(p),
            };
            if let Some(span) = span {
                return Some(line_col(self.text, span.start));
            }
        }
        None
    }

    /// [`Lossless::locate`] answered from the scanner's spans, by the same
    /// rule; `None` when the scanner cannot tell (the text is outside its
    /// subset, or the path reaches into a value it keeps whole, a quoted
    /// key or an empty value), and the yaml-edit tree must answer.
    fn fast_locate(&self, path: &[Seg]) -> Option<Option<(usize, usize)>> {
        let doc = self.fast_doc()?;
        for len in (0..=path.len()).rev() {
            let p = &path[..len];
            let (value, key) = fast_spans(&doc.root, self.text, p)?;
            let span = match p.last() {
                Some(Seg::Key(_)) if len < path.len() => key.or(value),
                Some(Seg::Key(_)) => value.or(key),
                _ => value,
            };
            if let Some(span) = span {
                return Some(Some(line_col(self.text, span.start)));
            }
        }
        Some(None)
    }

    /// Ranges of the items of the sequence at `path`, each trimmed as
    /// [`Lossless::value_span`] trims.
    pub fn item_spans(&self, path: &[Seg]) -> Option<Vec<Span>> {
        match self.fast_item_spans(path) {
            Some(found) => found,
            None => self.slow_item_spans(path),
        }
    }

    /// [`Lossless::item_spans`] from the scanner's spans, when it can tell.
    fn fast_item_spans(&self, path: &[Seg]) -> Option<Option<Vec<Span>>> {
        let doc = self.fast_doc()?;
        let found = fast_visit(
            &doc.root,
            self.text,
            path,
            None,
            &mut |n, _| match &n.kind {
                block::Kind::Seq(items) if items.iter().all(|i| has_text(&i.value, self.text)) => {
                    Some(Some(
                        items
                            .iter()
                            .map(|i| trim_node(self.text, &i.value))
                            .collect(),
                    ))
                }
                block::Kind::Seq(_) | block::Kind::Opaque(_) => None,
                _ => Some(None),
            },
        )?;
        Some(found.flatten())
    }

    fn slow_item_spans(&self, path: &[Seg]) -> Option<Vec<Span>> {
        let YamlNode::Sequence(s) = self.node(path)? else {
            return None;
        };
        Some(
            s.values()
                .map(|n| trim_span(self.text, span_of(&n)))
                .collect(),
        )
    }

    /// Whether the node at `path` is a flow collection (`[a, b]`, `{a: 1}`).
    pub fn is_flow(&self, path: &[Seg]) -> bool {
        self.value_span(path)
            .and_then(|s| self.text[s].chars().next())
            .is_some_and(|c| c == '[' || c == '{')
    }
}

/// The one document of `text` in yaml-edit's tree. Read as a stream, not
/// with `Document::from_str`, which refuses a `%YAML` directive or a
/// comment before the `---` marker: those are stream syntax around the
/// document, and its nodes' ranges are still ranges of the whole text.
fn only_document(text: &str) -> Option<Document> {
    let file = YamlFile::from_str(text).ok()?;
    let mut docs = file.documents();
    let first = docs.next()?;
    docs.next().is_none().then_some(first)
}

/// Walk `path` down from `node` in a scanned document and hand the node
/// found (with the span of the key that led to it) to `f`. `Some(None)`:
/// nothing at `path`. `None`: the scanner cannot answer as the yaml-edit
/// tree would (the path reaches into a value it keeps whole and cannot
/// re-read, a mapping with a quoted key, or `f` declines), and the
/// yaml-edit tree must answer.
fn fast_visit<R>(
    node: &block::Node,
    text: &str,
    path: &[Seg],
    key: Option<Span>,
    f: &mut dyn FnMut(&block::Node, Option<Span>) -> Option<R>,
) -> Option<Option<R>> {
    let Some((seg, rest)) = path.split_first() else {
        return f(node, key).map(Some);
    };
    match (&node.kind, seg) {
        // A flow collection the scanner kept whole: read it again with its
        // nodes (a block scalar or anything else: the slow path answers).
        (block::Kind::Opaque(_), _) => {
            let inner = block::flow_node(text, node.span.start)?;
            fast_visit(&inner, text, path, key, f)
        }
        (block::Kind::Map(entries), Seg::Key(k)) => {
            let quoted =
                |e: &block::Entry| matches!(text.as_bytes()[e.key_span.start], b'"' | b'\'');
            if entries.iter().any(quoted) {
                return None;
            }
            match entries.iter().find(|e| e.key == k.as_str()) {
                Some(e) => fast_visit(&e.value, text, rest, Some(e.key_span.clone()), f),
                None => Some(None),
            }
        }
        (block::Kind::Seq(items), Seg::Index(i)) => match items.get(*i) {
            Some(item) => fast_visit(&item.value, text, rest, None, f),
            None => Some(None),
        },
        _ => Some(None),
    }
}

/// Whether a scanned node has text of its own that the scanner's span
/// gives as yaml-edit's tree would. An empty value has none; a value with
/// an anchor or a tag (`&x 1`, `!!str 1`) has, but the scanner's span
/// starts at the property and the tree's at the value after it. Both are
/// left to the tree.
fn has_text(node: &block::Node, text: &str) -> bool {
    node.style != block::Style::Empty
        && !node.span.is_empty()
        && !matches!(text.as_bytes()[node.span.start], b'&' | b'!')
}

/// The value span and key span of the node at `path` (each `None` when
/// absent), or `None` when the scanner cannot answer: see [`fast_visit`].
fn fast_spans(
    root: &block::Node,
    text: &str,
    path: &[Seg],
) -> Option<(Option<Span>, Option<Span>)> {
    let found = fast_visit(root, text, path, None, &mut |n, key| {
        has_text(n, text).then(|| (n.span.clone(), key))
    })?;
    Some(match found {
        Some((value, key)) => (Some(value), key),
        None => (None, None),
    })
}

fn span_of(node: &YamlNode) -> Span {
    let r = node.byte_range();
    r.start as usize..r.end as usize
}

/// The value's own text in a raw range from either tree, which may run on
/// past it: trailing blanks, comment lines and the comment after the value
/// are its decoration, not part of it (see [`decor`]).
fn trim_span(text: &str, span: Span) -> Span {
    span.start..decor::repr_end(text, span)
}

/// [`trim_span`] for a node of the scanner's tree. Only what follows a
/// block collection's last value can be decoration inside its range, so
/// the reading starts there (at the last entry's key or item's dash when
/// that value is empty) instead of at the collection's start: the index's
/// row sequence is most of its file.
fn trim_node(text: &str, node: &block::Node) -> Span {
    let mut from = node.span.start;
    let mut last = node;
    while last.style == block::Style::Block {
        let next = match &last.kind {
            block::Kind::Map(entries) => entries.last().map(|e| (e.key_span.start, &e.value)),
            block::Kind::Seq(items) => items.last().map(|i| (i.dash, &i.value)),
            _ => None,
        };
        let Some((head, value)) = next else { break };
        if value.style == block::Style::Empty || value.span.is_empty() {
            from = head;
            break;
        }
        from = value.span.start;
        last = value;
    }
    node.span.start..decor::repr_end(text, from..node.span.end)
}

/// Every path into `v` (keys and indexes), plus paths that miss.
fn paths_of(v: &Value, at: Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    out.push(at.clone());
    let with = |seg: Seg| {
        let mut p = at.clone();
        p.push(seg);
        p
    };
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                paths_of(child, with(Seg::key(k)), out);
            }
            out.push(with(Seg::key("missing")));
            let mut deeper = with(Seg::key("missing"));
            deeper.push(Seg::key("deeper"));
            out.push(deeper);
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                paths_of(child, with(Seg::Index(i)), out);
            }
            out.push(with(Seg::Index(a.len())));
        }
        _ => out.push(with(Seg::key("under-a-scalar"))),
    }
}

/// Check, for every path into `text` (a document [`parse`] accepts), that
/// what the scanner's spans answer for [`Lossless::locate`],
/// [`Lossless::value_span`] and [`Lossless::item_spans`] is what the
/// yaml-edit tree answers. Returns how many paths the scanner answered.
/// For tests (unit and property tests hold the fast path to this).
#[doc(hidden)]
pub fn fast_spans_agree(text: &str) -> Result<usize, String> {
    let value = parse(text).map_err(|e| e.to_string())?;
    let mut paths = Vec::new();
    paths_of(&value, Vec::new(), &mut paths);
    let tree = Lossless::new(text);
    if tree.doc().is_none() {
        // yaml-edit cannot read the text at all: nothing to agree with.
        return Ok(0);
    }
    let mut answered = 0;
    for path in &paths {
        let differs = |what: &str| format!("{what} differs at {path:?} in {text:?}");
        if let Some(fast) = tree.fast_locate(path) {
            answered += 1;
            if fast != tree.slow_locate(path) {
                return Err(differs("locate"));
            }
        }
        if let Some(fast) = tree.fast_value_span(path)
            && fast != tree.slow_value_span(path)
        {
            return Err(differs("value_span"));
        }
        if let Some(fast) = tree.fast_item_spans(path)
            && fast != tree.slow_item_spans(path)
        {
            return Err(differs("item_spans"));
        }
    }
    Ok(answered)
}
