//! Block structure: mappings, sequences, entries and the one-line values
//! in them, read line by line from the classified [`Lines`].

use super::*;
use std::collections::HashSet;

impl<'a> Scanner<'a> {
    pub(super) fn next_content(&self, after: usize) -> Option<usize> {
        (after + 1..self.lines.len()).find(|&i| self.lines.get(i).kind == LineKind::Content)
    }

    pub(super) fn is_dash_at(&self, pos: usize, end: usize) -> bool {
        self.b[pos] == b'-'
            && (pos + 1 == end || self.b[pos + 1] == b' ' || self.b[pos + 1] == b'\t')
    }

    pub(super) fn is_dash(&self, li: usize) -> bool {
        let l = self.lines.get(li);
        self.is_dash_at(l.start + l.indent, l.end)
    }

    pub(super) fn root(&mut self) -> Result<Node<'a>, Unsupported> {
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

    pub(super) fn next_content_from(&self, from: usize) -> Option<usize> {
        (from..self.lines.len()).find(|&i| self.lines.get(i).kind == LineKind::Content)
    }

    pub(super) fn enter(&mut self, li: usize) -> Result<(), Unsupported> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return unsupported(li + 1, "nesting too deep");
        }
        Ok(())
    }

    /// A block mapping whose first key starts at `off` on line `li`, with
    /// its keys in column `col`.
    pub(super) fn map(
        &mut self,
        li: usize,
        col: usize,
        off: usize,
    ) -> Result<(Node<'a>, usize), Unsupported> {
        let base = self.entries.len();
        let last = self.map_entries(li, col, off, base)?;
        let entries: Vec<Entry<'a>> = self.entries.drain(base..).collect();
        let start = entries[0].key_span.start;
        let end = entries.last().map_or(start, |e| e.end);
        let open = entries.last().is_some_and(|e| e.value.open);
        Ok((self.block_node(Kind::Map(entries), start..end, open), last))
    }

    /// [`Self::map`]'s entries, pushed onto `self.entries` above `base`;
    /// the last line read.
    fn map_entries(
        &mut self,
        li: usize,
        col: usize,
        off: usize,
        base: usize,
    ) -> Result<usize, Unsupported> {
        self.enter(li)?;
        let mut seen: Option<HashSet<Cow<'a, str>>> = None;
        let (mut li, mut off) = (li, off);
        let last = loop {
            let (entry, last) = self.entry(li, off, col)?;
            let entries = &self.entries[base..];
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
            self.entries.push(entry);
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
        Ok(last)
    }

    /// A block sequence with its dashes in column `col`, starting on `li`.
    pub(super) fn seq(&mut self, li: usize, col: usize) -> Result<(Node<'a>, usize), Unsupported> {
        let base = self.items.len();
        let last = self.seq_items(li, col, base)?;
        let items: Vec<Item<'a>> = self.items.drain(base..).collect();
        let start = items[0].dash;
        let end = items.last().map_or(start, |i| i.end);
        let open = items.last().is_some_and(|i| i.value.open);
        Ok((self.block_node(Kind::Seq(items), start..end, open), last))
    }

    /// [`Self::seq`]'s items, pushed onto `self.items` above `base`; the
    /// last line read.
    fn seq_items(&mut self, li: usize, col: usize, base: usize) -> Result<usize, Unsupported> {
        self.enter(li)?;
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
            let floor = self.items[base..].last().map_or(0, |i: &Item| i.next);
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
            self.items.push(Item {
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
        Ok(last)
    }

    /// A block collection holding `kind` over `span`, ending open when its
    /// last value does.
    fn block_node(&self, kind: Kind<'a>, span: Span, open: bool) -> Node<'a> {
        Node {
            multiline: self.text[span.clone()].contains('\n'),
            kind,
            style: Style::Block,
            span,
            open,
        }
    }

    pub(super) fn skip_spaces(
        &self,
        li: usize,
        mut p: usize,
        end: usize,
    ) -> Result<usize, Unsupported> {
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
    pub(super) fn entry(
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
    pub(super) fn block_value(
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
    pub(super) fn inline_value(
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

    /// The key of a `key: value` line starting at `off`, or `None` when the
    /// text there is not a simple key.
    pub(super) fn key(
        &self,
        li: usize,
        off: usize,
    ) -> Result<Option<(Cow<'a, str>, Span, usize)>, Unsupported> {
        let end = self.lines.get(li).end;
        let b = self.b;
        match b[off] {
            b'"' | b'\'' => {
                let Some((
                    Node {
                        kind: Kind::Str(key),
                        ..
                    },
                    qend,
                )) = self.quoted(off, end)
                else {
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
                if raw == "<<" {
                    // The strict parser reads a plain `<<` as a merge key.
                    return unsupported(li + 1, "merge key `<<`");
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
    pub(super) fn inline(&self, p: usize, end: usize) -> Result<Option<Node<'a>>, Unsupported> {
        let b = self.b;
        let (node, after) = match b[p] {
            b'"' | b'\'' => match self.quoted(p, end) {
                Some(x) => x,
                None => return Ok(None),
            },
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
                Node::one_line(kind, Style::Plain, p..p + raw.len())
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

    /// A quoted scalar starting at `p`, closed on the same line, as a node,
    /// and the offset after it.
    pub(super) fn quoted(&self, p: usize, end: usize) -> Option<(Node<'a>, usize)> {
        let (s, style) = if self.b[p] == b'\'' {
            (single_quoted(self.text, p, end)?, Style::Single)
        } else {
            (double_quoted(self.text, p, end)?, Style::Double)
        };
        let (s, qend) = s;
        Some(Node::one_line(Kind::Str(s), style, p..qend))
    }
}
