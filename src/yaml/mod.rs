//! The one place that knows which YAML crates we use.
//!
//! Two views of one text: a *strict* parse (serde-saphyr, YAML 1.2 core
//! schema, duplicate keys rejected, node and depth budgets) that yields plain
//! JSON values for schema validation and the model, and a *lossless* tree
//! (yaml-edit) that gives byte ranges for locating diagnostics and for
//! splicing edits into the original bytes. Edits never re-serialise a
//! document: they replace or insert byte ranges, so comments, key order,
//! quoting and line endings of untouched regions survive byte for byte.

pub mod block;
mod decor;
use serde_json::Value;
use std::str::FromStr;
use yaml_edit::{Document, YamlNode};

/// Largest registry file we agree to parse; bigger is refused before parsing
/// so a stray 50 MB file costs nothing and cannot exhaust memory.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Deepest nesting we accept: registry documents are shallow, and a bound
/// keeps recursive consumers far from the stack limit.
const MAX_DEPTH: usize = 64;

/// Why a YAML text was refused, with a 1-based position when one is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// One line, no snippet: diagnostics render their own source excerpt.
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Decode raw file bytes, refusing non-UTF-8 and oversized input with a
/// position, and dropping a leading byte-order mark (YAML allows one).
pub fn decode(bytes: &[u8]) -> Result<&str, YamlError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(YamlError {
            message: format!(
                "file is {:.1} MiB, larger than the {} MiB limit for registry files",
                bytes.len() as f64 / (1024.0 * 1024.0),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            line: None,
            column: None,
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let column =
                good.len() - good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1) + 1;
            Err(YamlError {
                message: format!(
                    "file is not valid UTF-8 (invalid byte at offset {})",
                    e.valid_up_to()
                ),
                line: Some(line),
                column: Some(column),
            })
        }
    }
}

fn strict_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_nodes = 4_000_000;
    budget.max_events = 8_000_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    // Registry files hardly use anchors; a low replay budget makes an alias
    // bomb fail in milliseconds instead of after a million copied events.
    budget.max_recorded_anchor_events = 100_000;
    budget.max_documents = 1;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.strict_booleans = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    options
}

/// Parse one YAML document strictly into a JSON value.
///
/// An empty document is `null`. Tabs used for indentation, duplicate keys,
/// alias bombs and absurd nesting all come back as a [`YamlError`]. The
/// parser is iterative and enforces its own nesting limits, and the budget
/// stops at `MAX_DEPTH`, so 100,000 `[` characters (flow) or `- ` (block)
/// are a quick error, never a stack overflow. Brackets inside quoted
/// scalars are text, not nesting.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(decode(text.as_bytes()).expect_err("oversized"));
    }
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    // Fast path: the block subset registry files are written in, decoded
    // exactly as the strict parser would decode it (`block` is held to that
    // by its tests). Anything outside the subset, including every error,
    // goes to the strict parser, which stays the authority.
    if let Ok(doc) = block::scan(text) {
        return Ok(block::to_value(&doc.root));
    }
    serde_saphyr::from_str_with_options::<Value>(text, strict_options()).map_err(|e| {
        let loc = e.location();
        let err = YamlError {
            message: error_message(&e),
            line: loc.as_ref().map(|l| l.line() as usize).filter(|l| *l > 0),
            column: loc.as_ref().map(|l| l.column() as usize).filter(|c| *c > 0),
        };
        point_at_tab(text, err)
    })
}

/// The parser may report a tab where a scalar it was reading started, a
/// line or more above the tab; point at the first line at or after that
/// position whose indentation holds a tab, which is what a person must fix.
fn point_at_tab(text: &str, err: YamlError) -> YamlError {
    let about_tabs = err
        .message
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w == "tab" || w == "tabs");
    if !about_tabs {
        return err;
    }
    let from = err.line.unwrap_or(1);
    let found = text
        .lines()
        .enumerate()
        .skip(from - 1)
        .find_map(|(i, line)| {
            let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
            indent.find('\t').map(|col| (i + 1, col + 1))
        });
    match found {
        Some((line, column)) => YamlError {
            message: "tab used for indentation (YAML indents with spaces only)".into(),
            line: Some(line),
            column: Some(column),
        },
        None => err,
    }
}

/// One line saying what is wrong, without the parser's own position
/// suffix (diagnostics print the position, mapped to the file's lines) and
/// without advice about parser options.
fn error_message(e: &serde_saphyr::Error) -> String {
    use serde_saphyr::MessageFormatter;
    use serde_saphyr::budget::BudgetBreach;
    let mut inner = e;
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = inner
    {
        inner = error;
    }
    let nesting = || format!("nesting deeper than {MAX_DEPTH} levels");
    match inner {
        serde_saphyr::Error::Budget { breach, .. } => match breach {
            BudgetBreach::Depth { .. } => nesting(),
            BudgetBreach::Documents { .. } => "more than one YAML document in one file".into(),
            BudgetBreach::Aliases { .. }
            | BudgetBreach::Anchors { .. }
            | BudgetBreach::AliasAnchorRatio { .. }
            | BudgetBreach::RecordedAnchorEvents { .. }
            | BudgetBreach::Nodes { .. }
            | BudgetBreach::Events { .. } => {
                "document expands to too many nodes through anchors and aliases (an alias bomb?)"
                    .into()
            }
            other => format!("document exceeds a parser limit ({other:?})"),
        },
        serde_saphyr::Error::DuplicateMappingKey { key: Some(key), .. } => {
            format!("duplicate key `{key}`")
        }
        serde_saphyr::Error::DuplicateMappingKey { key: None, .. } => "duplicate key".into(),
        other => {
            let text = serde_saphyr::DefaultMessageFormatter.format_message(other);
            let text = first_line(&text);
            if text == "recursion limit exceeded" {
                nesting()
            } else {
                text
            }
        }
    }
}

fn first_line(s: &str) -> String {
    let line = s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim();
    line.to_string()
}

/// One step of a path into a document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl Seg {
    pub fn key(k: &str) -> Seg {
        Seg::Key(k.to_string())
    }
}

/// Render a path as a JSON pointer, the form schema errors use.
pub fn pointer(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        out.push('/');
        match seg {
            Seg::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
            Seg::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// Parse a JSON pointer (from a schema error) back into segments, given the
/// value it points into so numeric keys of mappings stay keys.
pub fn segs_from_pointer(pointer: &str, value: &Value) -> Vec<Seg> {
    let mut segs = Vec::new();
    let mut cur = Some(value);
    for raw in pointer.split('/').skip(1) {
        let token = raw.replace("~1", "/").replace("~0", "~");
        let seg = match (cur, token.parse::<usize>()) {
            (Some(Value::Array(_)), Ok(i)) => Seg::Index(i),
            _ => Seg::Key(token),
        };
        cur = match (&seg, cur) {
            (Seg::Index(i), Some(Value::Array(a))) => a.get(*i),
            (Seg::Key(k), Some(Value::Object(m))) => m.get(k),
            _ => None,
        };
        segs.push(seg);
    }
    segs
}

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
        self.doc
            .get_or_init(|| Document::from_str(self.text).ok())
            .as_ref()
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

    /// [`Lossless::value_span`] from the scanner's spans, when it can tell.
    fn fast_value_span(&self, path: &[Seg]) -> Option<Option<Span>> {
        let doc = self.fast_doc()?;
        fast_visit(&doc.root, self.text, path, None, &mut |n, _| {
            has_text(n).then(|| trim_node(self.text, n))
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
                block::Kind::Seq(items) if items.iter().all(|i| has_text(&i.value)) => Some(Some(
                    items
                        .iter()
                        .map(|i| trim_node(self.text, &i.value))
                        .collect(),
                )),
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

/// Whether a scanned node has text of its own (an empty value has none,
/// and the yaml-edit tree's answer for it is left to that tree).
fn has_text(node: &block::Node) -> bool {
    node.style != block::Style::Empty && !node.span.is_empty()
}

/// The value span and key span of the node at `path` (each `None` when
/// absent), or `None` when the scanner cannot answer: see [`fast_visit`].
fn fast_spans(
    root: &block::Node,
    text: &str,
    path: &[Seg],
) -> Option<(Option<Span>, Option<Span>)> {
    let found = fast_visit(root, text, path, None, &mut |n, key| {
        has_text(n).then(|| (n.span.clone(), key))
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
        if !has_text(value) {
            from = head;
            break;
        }
        from = value.span.start;
        last = value;
    }
    node.span.start..decor::repr_end(text, from..node.span.end)
}

/// Strip one level of YAML quoting from a short scalar (keys, ids).
pub fn unquote(raw: &str) -> String {
    let raw = raw.trim();
    if raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\'') {
        return raw[1..raw.len() - 1].replace("''", "'");
    }
    if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
        if let Ok(Value::String(s)) = serde_json::from_str::<Value>(raw) {
            return s;
        }
        return raw[1..raw.len() - 1].to_string();
    }
    raw.to_string()
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Render a string as a YAML scalar: plain when that reads back as the same
/// string under YAML 1.2 core, double-quoted otherwise.
pub fn render_scalar(s: &str) -> String {
    if plain_is_safe(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("strings serialise")
    }
}

/// Render a string as a scalar inside a flow collection (`[a, b]`,
/// `{k: v}`), where `,`, `[`, `]`, `{` and `}` would end or split a plain
/// scalar: the one rule for the patch editor and the merge renderer.
pub fn render_flow_scalar(s: &str) -> String {
    let plain = render_scalar(s);
    if !plain.starts_with('"') && plain.contains([',', '[', ']', '{', '}']) {
        serde_json::to_string(s).expect("strings serialise")
    } else {
        plain
    }
}

/// Render `s` in the same quoting style as the scalar it replaces.
pub fn render_like(old_raw: &str, s: &str) -> String {
    let old = old_raw.trim_start();
    if old.starts_with('\'') && !s.contains('\n') {
        format!("'{}'", s.replace('\'', "''"))
    } else if old.starts_with('"') {
        serde_json::to_string(s).expect("strings serialise")
    } else {
        render_scalar(s)
    }
}

fn plain_is_safe(s: &str) -> bool {
    if s.is_empty() || s != s.trim() {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains('\n') || s.ends_with(':') {
        return false;
    }
    // Must read back as this same string, not a number, bool or null.
    matches!(parse(&format!("k: {s}\n")), Ok(Value::Object(m)) if m.get("k") == Some(&Value::String(s.to_string())))
}

/// The line ending a file already uses, so inserted lines match it.
pub fn line_ending(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// Byte offset of the start of the line holding `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |p| p + 1)
}

/// Byte offset just past the end of the line holding `offset` (after its
/// line break, or the end of the text).
pub fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |p| offset + p + 1)
}

/// A list of byte-range replacements against one original text.
///
/// Edits are collected, then applied back to front so ranges stay valid;
/// everything outside the ranges is copied unchanged.
#[derive(Debug, Default, Clone)]
pub struct Splice {
    edits: Vec<(Span, String)>,
}

impl Splice {
    pub fn replace(&mut self, span: Span, with: impl Into<String>) {
        self.edits.push((span, with.into()));
    }

    pub fn insert(&mut self, at: usize, with: impl Into<String>) {
        self.edits.push((at..at, with.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// Apply to `text`. Overlapping edits are a programming error and are
    /// refused rather than producing garbage.
    pub fn apply(mut self, text: &str) -> Result<String, String> {
        self.edits.sort_by_key(|(s, _)| (s.start, s.end));
        for pair in self.edits.windows(2) {
            if pair[0].0.end > pair[1].0.start {
                return Err("overlapping edits".into());
            }
        }
        let mut out = String::with_capacity(text.len() + 64);
        let mut pos = 0;
        for (span, with) in &self.edits {
            out.push_str(&text[pos..span.start]);
            out.push_str(with);
            pos = span.end;
        }
        out.push_str(&text[pos..]);
        Ok(out)
    }
}

/// Mutable YAML text edited through byte splices and re-checked after each
/// operation, so a patch can never leave a document that does not parse.
pub struct Editor {
    text: String,
}

impl Editor {
    pub fn new(text: impl Into<String>) -> Self {
        Editor { text: text.into() }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn into_text(self) -> String {
        self.text
    }

    fn commit(&mut self, splice: Splice) -> Result<(), String> {
        let next = splice.apply(&self.text)?;
        parse(&next).map_err(|e| format!("edit produced invalid YAML: {e}"))?;
        self.text = next;
        Ok(())
    }

    /// Replace the scalar at `path`, keeping its quoting style.
    pub fn set_scalar(&mut self, path: &[Seg], value: &str) -> Result<(), String> {
        let tree = Lossless::new(&self.text);
        if let Some(span) = tree.value_span(path) {
            let raw = &self.text[span.clone()];
            if raw.starts_with('|') || raw.starts_with('>') {
                return Err(format!(
                    "{} is a block scalar; refusing to rewrite it",
                    pointer(path)
                ));
            }
            let mut splice = Splice::default();
            splice.replace(span, render_like(raw, value));
            drop(tree);
            return self.commit(splice);
        }
        drop(tree);
        self.insert_key(path, &render_scalar(value))
    }

    /// Add a key that does not exist yet at the end of its parent mapping.
    /// `rendered` is the value as flow YAML (a scalar or `[a, b]`).
    fn insert_key(&mut self, path: &[Seg], rendered: &str) -> Result<(), String> {
        let (Seg::Key(key), parent) = path.split_last().ok_or("empty path")? else {
            return Err("cannot insert a sequence index".into());
        };
        let nl = line_ending(&self.text);
        let tree = Lossless::new(&self.text);
        let mut splice = Splice::default();
        match tree.value_span(parent) {
            Some(span) if tree.is_flow(parent) => {
                let inner = &self.text[span.clone()];
                let close = span.start + inner.rfind('}').ok_or("malformed flow mapping")?;
                let empty = inner[1..inner.len() - 1].trim().is_empty();
                let sep = if empty { "" } else { ", " };
                splice.insert(close, format!("{sep}{}: {rendered}", render_scalar(key)));
            }
            Some(span)
                if !self.text[span.clone()].trim().is_empty()
                    && !parent_is_null(&self.text[span.clone()]) =>
            {
                // Block mapping: indent like its first key, insert after the
                // end of its last line.
                let indent_col = span.start - line_start(&self.text, span.start);
                let indent = " ".repeat(indent_col);
                let at = line_end(&self.text, span.end.saturating_sub(1).max(span.start));
                let prefix = if at == self.text.len() && !self.text.ends_with('\n') {
                    nl
                } else {
                    ""
                };
                splice.insert(
                    at,
                    format!("{prefix}{indent}{}: {rendered}{nl}", render_scalar(key)),
                );
            }
            Some(span) => {
                // Parent key exists with a null value: give it a block mapping.
                let key_line = line_start(&self.text, span.start);
                let parent_indent =
                    self.text[key_line..].len() - self.text[key_line..].trim_start().len();
                let indent = " ".repeat(parent_indent + 2);
                let start = self.text[..span.start].trim_end_matches([' ', '\t']).len();
                splice.replace(
                    start..span.end,
                    format!("{nl}{indent}{}: {rendered}", render_scalar(key)),
                );
            }
            None if parent.is_empty() => {
                let prefix = if self.text.is_empty() || self.text.ends_with('\n') {
                    ""
                } else {
                    nl
                };
                splice.insert(
                    self.text.len(),
                    format!("{prefix}{}: {rendered}{nl}", render_scalar(key)),
                );
            }
            None => {
                drop(tree);
                // Create the parent first, then retry.
                self.insert_key(parent, "{}")?;
                let tree = Lossless::new(&self.text);
                let span = tree.value_span(parent).ok_or("parent vanished")?;
                let mut splice = Splice::default();
                splice.replace(span, format!("{{{}: {rendered}}}", render_scalar(key)));
                drop(tree);
                return self.commit(splice);
            }
        }
        drop(tree);
        self.commit(splice)
    }

    /// Append a scalar to the sequence at `path`, creating it if needed and
    /// following its style (flow or block) when it exists.
    pub fn append_scalar(&mut self, path: &[Seg], value: &str) -> Result<(), String> {
        let tree = Lossless::new(&self.text);
        // A missing or null sequence is created in flow style (`[x]`).
        let flow = tree
            .value_span(path)
            .is_none_or(|span| tree.is_flow(path) || parent_is_null(&self.text[span]));
        drop(tree);
        let rendered = if flow {
            render_flow_scalar(value)
        } else {
            render_scalar(value)
        };
        self.append_rendered(path, &rendered)
    }

    /// Append an already rendered flow item (a scalar or `{k: v}`) to the
    /// sequence at `path`.
    pub fn append_rendered(&mut self, path: &[Seg], rendered: &str) -> Result<(), String> {
        let nl = line_ending(&self.text);
        let tree = Lossless::new(&self.text);
        let Some(span) = tree.value_span(path) else {
            drop(tree);
            return self.insert_key(path, &format!("[{rendered}]"));
        };
        let raw = &self.text[span.clone()];
        let mut splice = Splice::default();
        if parent_is_null(raw) {
            splice.replace(span, format!("[{rendered}]"));
        } else if tree.is_flow(path) {
            let close = span.start + raw.rfind(']').ok_or("malformed flow sequence")?;
            let empty = raw[1..raw.len() - 1].trim().is_empty();
            let before = self.text[..close].trim_end_matches([' ', '\t']);
            let sep = if empty {
                ""
            } else if before.ends_with(',') {
                " "
            } else {
                ", "
            };
            splice.insert(close, format!("{sep}{rendered}"));
        } else {
            let items = tree
                .item_spans(path)
                .ok_or_else(|| format!("{} is not a sequence", pointer(path)))?;
            let last = items.last().ok_or("empty block sequence")?;
            let first = items.first().expect("non-empty");
            let line0 = line_start(&self.text, first.start);
            let dash = self.text[line0..first.start]
                .rfind('-')
                .ok_or("block item without dash")?;
            let indent = &self.text[line0..line0 + dash];
            if !indent.chars().all(|c| c == ' ') {
                return Err("unsupported layout for block sequence".into());
            }
            let at = line_end(&self.text, last.end.saturating_sub(1).max(last.start));
            let prefix = if at == self.text.len() && !self.text.ends_with('\n') {
                nl
            } else {
                ""
            };
            splice.insert(at, format!("{prefix}{indent}- {rendered}{nl}"));
        }
        drop(tree);
        self.commit(splice)
    }

    /// Insert a mapping as item `index` of the block sequence at `path`,
    /// laid out like the existing items (or two-space style when empty).
    pub fn insert_mapping_item(
        &mut self,
        path: &[Seg],
        index: usize,
        fields: &[(&str, String)],
    ) -> Result<(), String> {
        let nl = line_ending(&self.text);
        let tree = Lossless::new(&self.text);
        let span = tree.value_span(path);
        let items = tree.item_spans(path).unwrap_or_default();
        let mut splice = Splice::default();
        let render = |dash_indent: &str, key_indent: &str| {
            let mut out = String::new();
            for (i, (k, v)) in fields.iter().enumerate() {
                if i == 0 {
                    out.push_str(&format!("{dash_indent}- {}: {v}{nl}", render_scalar(k)));
                } else {
                    out.push_str(&format!("{key_indent}{}: {v}{nl}", render_scalar(k)));
                }
            }
            out
        };
        if let (Some(first), false) = (
            items.first(),
            span.as_ref().is_some_and(|_| tree.is_flow(path)),
        ) {
            let line0 = line_start(&self.text, first.start);
            let dash_rel = self.text[line0..first.start]
                .rfind('-')
                .ok_or("block item without dash")?;
            let dash_indent = self.text[line0..line0 + dash_rel].to_string();
            let key_indent = " ".repeat(first.start - line0);
            let text = render(&dash_indent, &key_indent);
            if index < items.len() {
                let at = line_start(&self.text, items[index].start);
                splice.insert(at, text);
            } else {
                let last = items.last().expect("non-empty");
                let at = line_end(&self.text, last.end.saturating_sub(1).max(last.start));
                let prefix = if at == self.text.len() && !self.text.ends_with('\n') {
                    nl
                } else {
                    ""
                };
                splice.insert(at, format!("{prefix}{text}"));
            }
        } else {
            match span {
                Some(span) if items.is_empty() => {
                    // `key: []` or `key:` with nothing: switch to block style.
                    let text = render("  ", "    ");
                    let trimmed = text.trim_end_matches(['\r', '\n']);
                    let start = self.text[..span.start].trim_end_matches([' ', '\t']).len();
                    splice.replace(start..span.end, format!("{nl}{trimmed}"));
                }
                Some(_) => {
                    return Err(format!(
                        "{} is a flow sequence of mappings; refusing to edit",
                        pointer(path)
                    ));
                }
                None => {
                    drop(tree);
                    self.insert_key(path, "[]")?;
                    return self.insert_mapping_item(path, index, fields);
                }
            }
        }
        drop(tree);
        self.commit(splice)
    }
}

impl Editor {
    /// Replace the value at `path` with already rendered YAML (a number):
    /// for values that a string rendering would quote and so change type.
    pub fn set_rendered(&mut self, path: &[Seg], rendered: &str) -> Result<(), String> {
        let tree = Lossless::new(&self.text);
        let Some(span) = tree.value_span(path) else {
            drop(tree);
            return self.insert_key(path, rendered);
        };
        drop(tree);
        let mut splice = Splice::default();
        splice.replace(span, rendered);
        self.commit(splice)
    }
}

fn parent_is_null(raw: &str) -> bool {
    matches!(raw.trim(), "" | "~" | "null" | "Null" | "NULL")
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Locating through the scanner's spans gives exactly what the
    /// yaml-edit tree gives, for every path into documents of the shapes
    /// registry files use (and some they do not).
    #[test]
    fn fast_locate_agrees_with_the_lossless_tree() {
        let docs = [
            "---\nid: capability.bench.cap-00001\ntitle: Synthetic\nsummary: \"Cap 1: generated.\"\nowner: team-1\nstatus: active\naliases: []\nsurface: [\"src/cap/**\", \"docs/cap.md\"]\nmaturity:\n  D: {current: 4, target: 6}\n  A: {current: 3}\nevidence:\n  tests:\n    - tests/cap_test.rs\n  documentation: [docs/cap.md]\nrelations:\n  depends_on: []\npromotion_history:\n  - {date: 2026-02-02, dimension: D, from: 3, to: 4, evidence: [docs/cap.md], by: maintain, rationale: \"documented\"}\nnotes: >-\n  Generated entry 1; the text\n  adds bulk.\nupdated: 2026-02-02\n",
            "# header\nschema_version: 1\nupdated: 2026-06-17\ncapabilities:\n  # first\n  - id: a.b\n    title: 'It''s'\n    vector: D5/A4/C5/R3\n    path: \"x\"  # c\n\n  - id: c.d\n    tags: [x, 'y', \"z\"]\n    m: {a: 1, b: -2}\n    empty:\n    nested:\n      deep:\n        - 1\n        - [2, 3]\n",
            "a:\n- 1\n- b\nc: ~\nd:\ne: 007\nlist:\n  -\n  - x\n  - - y\n    - z\n",
            "k: |\n  a\n  # b\nj: 1\nl: |+\n  text\n\nm: {x: [1, {y: 2}]}\n",
            "\"quoted\": 1\nplain: 2\n'single': {a: b}\n",
            "k: v\r\nl: [a, b, ]\r\nm:\r\n  - n: 1\r\n    o: 2\r\n",
            "- id: a\n  x: 1\n- id: b\n  y: [1, 2]\n",
            "evidence:\n  tests:\n  docs: []\nmaturity: {D: {current: 1}}\n",
        ];
        for text in docs {
            let answered = fast_spans_agree(text).unwrap_or_else(|e| panic!("{e}"));
            assert!(answered > 0, "the fast path answered nothing in {text:?}");
        }
    }

    #[test]
    fn yes_stays_a_string_and_dates_stay_strings() {
        let v = parse("a: yes\nb: on\nc: 2026-06-17\nd: true\n").unwrap();
        assert_eq!(v["a"], "yes");
        assert_eq!(v["b"], "on");
        assert_eq!(v["c"], "2026-06-17");
        assert_eq!(v["d"], true);
    }

    #[test]
    fn duplicate_key_is_an_error_with_position() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(e.message.to_lowercase().contains("duplicate"), "{e:?}");
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn set_scalar_keeps_everything_else() {
        let src = "# c\nx:   'old'  # keep\ny: 2\r\n";
        let mut ed = Editor::new(src);
        ed.set_scalar(&[Seg::key("x")], "new").unwrap();
        assert_eq!(ed.text(), "# c\nx:   'new'  # keep\ny: 2\r\n");
    }

    /// What `f` makes of `text` (it must succeed).
    fn edited(text: &str, f: impl FnOnce(&mut Editor) -> Result<(), String>) -> String {
        let mut ed = Editor::new(text);
        f(&mut ed).unwrap_or_else(|e| panic!("{e} in {text:?}"));
        ed.into_text()
    }

    fn k(key: &str) -> Seg {
        Seg::key(key)
    }

    /// Issue 8: a value the scanner hands to the strict parser kept the
    /// comment after it in its span, and replacing it deleted the comment.
    #[test]
    fn set_scalar_keeps_the_comment_after_a_strictly_parsed_value() {
        let set = |text: &str, path: &[Seg]| edited(text, |ed| ed.set_scalar(path, "2026-02-02"));
        assert_eq!(
            set("updated: 2025-1-1  # it's old\n", &[k("updated")]),
            "updated: 2026-02-02  # it's old\n"
        );
        assert_eq!(
            set(
                "a: 1\r\nupdated: 2025-1-1\t# it's [old]\r\nb: 2\r\n",
                &[k("updated")]
            ),
            "a: 1\r\nupdated: 2026-02-02\t# it's [old]\r\nb: 2\r\n"
        );
        assert_eq!(set("e: !!str 5 # c\n", &[k("e")]), "e: 2026-02-02 # c\n");
        assert_eq!(
            set("e: ~  # none yet\n", &[k("e")]),
            "e: 2026-02-02  # none yet\n"
        );
        assert_eq!(
            set("- 2025-1-1 # first\n- x\n", &[Seg::Index(0)]),
            "- 2026-02-02 # first\n- x\n"
        );
    }

    /// Issue 8: `# don't [edit]` after a nested flow value was part of its
    /// span, so an edit inside found its bracket in the comment.
    #[test]
    fn edits_of_a_nested_flow_value_keep_the_comment_after_it() {
        let text = "tests: {a: [b, c]}  # don't [edit]\n";
        assert_eq!(
            edited(text, |ed| ed.append_scalar(&[k("tests"), k("a")], "d")),
            "tests: {a: [b, c, d]}  # don't [edit]\n"
        );
        assert_eq!(
            edited(text, |ed| ed.set_scalar(&[k("tests")], "x")),
            "tests: x  # don't [edit]\n"
        );
        assert_eq!(
            edited(text, |ed| ed.set_scalar(&[k("tests"), k("n")], "v")),
            "tests: {a: [b, c], n: v}  # don't [edit]\n"
        );
        assert_eq!(
            edited("e: [a, [b]]  # c ]\n", |ed| ed
                .append_scalar(&[k("e")], "z")),
            "e: [a, [b], z]  # c ]\n"
        );
        assert_eq!(
            edited("e: {a: [1]}  # c {x}\r\n", |ed| ed
                .set_scalar(&[k("e"), k("n")], "v")),
            "e: {a: [1], n: v}  # c {x}\r\n"
        );
    }

    /// `#` inside quotes, or not after a blank, is text; the comment after
    /// a quoted scalar that spans lines is not.
    #[test]
    fn only_a_real_comment_is_kept_out_of_the_value() {
        let set = |text: &str| edited(text, |ed| ed.set_scalar(&[k("e")], "z"));
        assert_eq!(set("e: 'a # b' # c\n"), "e: 'z' # c\n");
        assert_eq!(set("e: \"a # x\n  b\" # c\n"), "e: \"z\" # c\n");
        assert_eq!(set("e: a#b\nf: 1\n"), "e: z\nf: 1\n");
        assert_eq!(set("e: 2025-1-1#b # c\n"), "e: z # c\n");
        assert_eq!(set("e: a\n  b # c\n"), "e: z # c\n");
    }

    /// The same texts where only the yaml-edit tree answers (an alias
    /// keeps the scanner out), and block collections on both paths.
    #[test]
    fn spans_exclude_trailing_comments_on_both_paths() {
        for prefix in ["", "x: &a 1\ny: *a\n"] {
            let text = format!(
                "{prefix}u: 2025-1-1  # it's old\nt: {{a: [b, c]}}  # don't [edit]\nl:\n  - b\n  - 'c # x'  # c ]\n  # after\nm:\n  n: |\n    v\n    # text\n  o: p  # q\n"
            );
            let tree = Lossless::new(&text);
            let span = |path: &[Seg]| tree.value_span(path).map(|s| &text[s]);
            assert_eq!(span(&[k("u")]), Some("2025-1-1"), "{text:?}");
            assert_eq!(span(&[k("t")]), Some("{a: [b, c]}"), "{text:?}");
            assert_eq!(span(&[k("l")]), Some("- b\n  - 'c # x'"), "{text:?}");
            assert_eq!(
                span(&[k("m"), k("n")]),
                Some("|\n    v\n    # text"),
                "{text:?}"
            );
            assert_eq!(span(&[k("m")]).map(|s| s.ends_with("o: p")), Some(true));
            let items = tree.item_spans(&[k("l")]).unwrap();
            let items: Vec<&str> = items.into_iter().map(|s| &text[s]).collect();
            assert_eq!(items, ["b", "'c # x'"], "{text:?}");
            if prefix.is_empty() {
                fast_spans_agree(&text).unwrap();
            }
        }
    }

    /// Texts the property `edits_keep_every_comment` (tests/integration/yaml_fast_path.rs)
    /// found losing or corrupting a comment before the fix: a tab before the
    /// comment sends even a plain or quoted scalar to the strict parser, and
    /// a comment line inside a block scalar was cut from its span, so a key
    /// added after it landed inside the scalar.
    #[test]
    fn issue_8_texts_found_by_the_property() {
        type Op = fn(&mut Editor) -> Result<(), String>;
        let set: Op = |ed| ed.set_scalar(&[k("k")], "2026-02-02");
        let add: Op = |ed| ed.set_scalar(&[k("added")], "v");
        let cases: [(&str, Op, &str); 10] = [
            ("k: abc\t# n1\n", set, "k: 2026-02-02\t# n1\n"),
            (
                "k: !!str 5\t# n {x}, [y\n",
                set,
                "k: 2026-02-02\t# n {x}, [y\n",
            ),
            (
                "k: 'it''s # [x]'\t# n 'open\n",
                set,
                "k: '2026-02-02'\t# n 'open\n",
            ),
            (
                "k: a\n  b 'c # n ]\nj: 1\n",
                set,
                "k: 2026-02-02 # n ]\nj: 1\n",
            ),
            (
                "k: \"a # x\r\n  b\"\t# n#\r\n",
                set,
                "k: \"2026-02-02\"\t# n#\r\n",
            ),
            (
                "k: ~  # n don't [edit]\n",
                set,
                "k: 2026-02-02  # n don't [edit]\n",
            ),
            (
                "k: {x: 1, y: '# z'}\t# n {x}, [y\n",
                |ed| ed.set_scalar(&[k("k"), k("added")], "v"),
                "k: {x: 1, y: '# z', added: v}\t# n {x}, [y\n",
            ),
            (
                "k: [x, {y: 'z # w'}]\t# n ]\n",
                |ed| ed.append_scalar(&[k("k")], "zz"),
                "k: [x, {y: 'z # w'}, zz]\t# n ]\n",
            ),
            (
                "k: | # n \"q\" # again\n  text # not a comment\n  # also text\n",
                add,
                "k: | # n \"q\" # again\n  text # not a comment\n  # also text\nadded: v\n",
            ),
            (
                "rows:\r\n  - id: first\r\n    k: 0x1F # n don't [edit]\r\n  - id: last  # n\r\n",
                |ed| ed.set_scalar(&[k("rows"), Seg::Index(0), k("k")], "2026-02-02"),
                "rows:\r\n  - id: first\r\n    k: 2026-02-02 # n don't [edit]\r\n  - id: last  # n\r\n",
            ),
        ];
        for (text, op, want) in cases {
            assert_eq!(edited(text, op), want, "{text:?}");
        }
    }

    /// Replacing or growing a block sequence keeps the comment after its
    /// last item.
    #[test]
    fn block_sequence_edits_keep_the_last_items_comment() {
        let text = "e:\r\n  - a\r\n  - 2025-1-1  # c [x]\r\nf: 1\r\n";
        assert_eq!(
            edited(text, |ed| ed.append_scalar(&[k("e")], "z")),
            "e:\r\n  - a\r\n  - 2025-1-1  # c [x]\r\n  - z\r\nf: 1\r\n"
        );
        assert_eq!(
            edited(text, |ed| ed.set_scalar(&[k("e")], "z")),
            "e:\r\n  z  # c [x]\r\nf: 1\r\n"
        );
        let rows = "caps:\n  - id: a\n    t: 2025-1-1  # c\n";
        assert_eq!(
            edited(rows, |ed| ed.insert_mapping_item(
                &[k("caps")],
                1,
                &[("id", "b".into())]
            )),
            "caps:\n  - id: a\n    t: 2025-1-1  # c\n  - id: b\n"
        );
    }

    #[test]
    fn append_to_block_and_flow_and_missing() {
        let mut ed = Editor::new("e:\n  t:\n    - a\n    - b\n  d: [x]\n");
        ed.append_scalar(&[Seg::key("e"), Seg::key("t")], "c")
            .unwrap();
        ed.append_scalar(&[Seg::key("e"), Seg::key("d")], "y")
            .unwrap();
        ed.append_scalar(&[Seg::key("e"), Seg::key("n")], "z")
            .unwrap();
        assert_eq!(
            ed.text(),
            "e:\n  t:\n    - a\n    - b\n    - c\n  d: [x, y]\n  n: [z]\n"
        );
        let mut ed = Editor::new("a: 1\n");
        ed.append_scalar(&[Seg::key("ev"), Seg::key("tests")], "t")
            .unwrap();
        assert_eq!(parse(ed.text()).unwrap()["ev"]["tests"][0], "t");
    }

    #[test]
    fn insert_row_follows_layout() {
        let src = "caps:\n  - id: a\n    t: 1\n  - id: c\n    t: 3\n";
        let mut ed = Editor::new(src);
        ed.insert_mapping_item(
            &[Seg::key("caps")],
            1,
            &[("id", "b".into()), ("t", "2".into())],
        )
        .unwrap();
        assert_eq!(
            ed.text(),
            "caps:\n  - id: a\n    t: 1\n  - id: b\n    t: 2\n  - id: c\n    t: 3\n"
        );
        let mut ed = Editor::new(src);
        ed.insert_mapping_item(&[Seg::key("caps")], 2, &[("id", "d".into())])
            .unwrap();
        assert!(
            ed.text().ends_with("  - id: c\n    t: 3\n  - id: d\n"),
            "{}",
            ed.text()
        );
        let mut ed = Editor::new("caps: []\n");
        ed.insert_mapping_item(
            &[Seg::key("caps")],
            0,
            &[("id", "a".into()), ("t", "1".into())],
        )
        .unwrap();
        assert_eq!(ed.text(), "caps:\n  - id: a\n    t: 1\n");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).unwrap_err().message.contains("nesting"));
        let mut block = String::new();
        for i in 0..200 {
            block.push_str(&" ".repeat(i));
            block.push_str("k:\n");
        }
        assert!(parse(&block).is_err());
        assert_eq!(
            parse(&"- ".repeat(100_000)).unwrap_err().message,
            "nesting deeper than 64 levels"
        );
    }

    #[test]
    fn brackets_in_quotes_are_text() {
        let text = format!("k: \"{}\"\n", "[".repeat(100));
        assert_eq!(parse(&text).unwrap()["k"].as_str().map(str::len), Some(100));
    }

    #[test]
    fn clear_messages_for_bombs_and_tabs() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let items = vec![format!("*a{}", i - 1); 9].join(", ");
            bomb.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        let started = std::time::Instant::now();
        assert!(parse(&bomb).unwrap_err().message.contains("alias bomb"));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // The parser stops at the scalar on line 1; the tab is on line 2.
        let e = parse("a: b\n\tc: d\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(1)), "{e:?}");
        assert!(e.message.starts_with("tab used for indentation"));
    }
}
