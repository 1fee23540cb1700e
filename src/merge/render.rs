//! Writes a merge plan ([`MergedNode`]) into ours' text as byte-range edits.
//!
//! Everything the plan keeps stays byte for byte as ours wrote it
//! (comments, blank lines, quoting, line endings); replaced values, added
//! entries and rows are copied from theirs' text, re-indented to ours'
//! columns and converted to ours' line ending. Conflicts are whole lines:
//! the disputed entry (field) or item (row), with standard markers. A row
//! whose dash-line entry goes away or is disputed gets another of its
//! entries moved onto the dash line (key order is not data). A conflict
//! that cannot be placed on whole lines of the node it belongs to (a field
//! inside a one-line flow mapping) escalates to the enclosing entry or row.
//! A block scalar keeping its final line breaks (`|+`) owns the blank lines
//! after it, so edits never leave other blank lines right behind one.

use super::Options;
use super::plan::{MergedEntry, MergedItem, MergedNode, TheirsNode};
use crate::yaml::block::{Entry, Item, Kind, Node, Style, to_value};
use serde_json::Value;

/// A conflict that could not be written at this level.
#[derive(Debug)]
pub struct Escalate;

struct Edit {
    start: usize,
    end: usize,
    text: String,
    /// The text ends with a block scalar keeping its final line breaks:
    /// blank lines of ours right after it must go (they would join it).
    open: bool,
}

/// Texts of the three sides and the output settings.
pub struct Renderer<'a> {
    pub ours: &'a str,
    pub theirs: &'a str,
    pub base: &'a str,
    pub nl: &'static str,
    pub opts: &'a Options,
    /// Conflict blocks written so far.
    pub conflicts: usize,
}

impl<'a> Renderer<'a> {
    /// The merged text for ours' top-level node.
    pub fn root(&mut self, root: &Node, m: &MergedNode) -> Result<String, Escalate> {
        let mut edits = Vec::new();
        match m {
            MergedNode::Same => {}
            MergedNode::Take(_) if root.style == Style::Flow => return Ok(self.theirs.to_string()),
            MergedNode::Map(ments) if ments.is_empty() => edits.push(Edit {
                start: root.span.start,
                end: root.span.end,
                text: "{}".into(),
                open: false,
            }),
            MergedNode::Map(ments) if root.style == Style::Flow && root.entries().is_empty() => {
                // `{}` gaining keys: write them as a block mapping.
                let mut text = String::new();
                for el in ments {
                    text.push_str(&match el {
                        MergedEntry::Add(te) => self.theirs_entry(te, 0, ""),
                        MergedEntry::Conflict { o: None, t, b } => {
                            self.entry_conflict(None, *t, *b, 0)
                        }
                        _ => return Err(Escalate),
                    });
                }
                let open = matches!(ments.last(), Some(MergedEntry::Add(te)) if te.value.open);
                let (end, text) = if open {
                    (line_next(self.ours, root.span.end), text)
                } else {
                    let text = text.strip_suffix(self.nl).unwrap_or(&text).to_string();
                    (root.span.end, text)
                };
                edits.push(Edit {
                    start: root.span.start,
                    end,
                    text,
                    open,
                });
            }
            MergedNode::Map(_) if root.style == Style::Flow => {
                let text = self.flow(root, m)?;
                edits.push(Edit {
                    start: root.span.start,
                    end: root.span.end,
                    text,
                    open: false,
                });
            }
            MergedNode::Map(ments) => self.block_map(root, ments, &mut edits)?,
            _ => return Err(Escalate),
        }
        apply(self.ours, 0, self.ours.len(), edits).ok_or(Escalate)
    }

    /// Render the merged value of ours' node `o`, whose header (`:` or
    /// `-`) ends at `head`, in a parent indented to column `col`.
    fn value(
        &mut self,
        o: &Node,
        head: usize,
        col: usize,
        m: &MergedNode,
        edits: &mut Vec<Edit>,
    ) -> Result<(), Escalate> {
        match m {
            MergedNode::Same => Ok(()),
            MergedNode::Take(f) => {
                self.take(o, head, col, f, edits);
                Ok(())
            }
            MergedNode::Scalar(v) => {
                let edit = match (o.style, v) {
                    // A one-line scalar: replace its token, in its quoting.
                    (Style::Plain | Style::Single | Style::Double, _) => Edit {
                        start: o.span.start,
                        end: o.span.end,
                        text: match v {
                            Value::String(s) => {
                                crate::yaml::render_like(&self.ours[o.span.clone()], s)
                            }
                            other => scalar_text(other),
                        },
                        open: false,
                    },
                    _ => Edit {
                        start: head,
                        end: self.value_end(o, head, true),
                        text: format!(" {}", scalar_text(v)),
                        open: false,
                    },
                };
                edits.push(edit);
                Ok(())
            }
            MergedNode::Seq(mitems)
                if o.style == Style::Flow && o.items().is_empty() && !mitems.is_empty() =>
            {
                // `key: []` gaining rows: write them as a block sequence.
                let icol = col + 2;
                let mut text = String::new();
                for el in mitems {
                    text.push_str(&self.item_text_new(el, icol)?);
                }
                let open = matches!(mitems.last(), Some(MergedItem::Add(ti)) if ti.value.open);
                edits.push(self.block_in_place(o, head, text, open));
                Ok(())
            }
            MergedNode::Map(ments)
                if o.style == Style::Flow && o.entries().is_empty() && !ments.is_empty() =>
            {
                let icol = col + 2;
                let mut text = String::new();
                for el in ments {
                    text.push_str(&match el {
                        MergedEntry::Add(te) => self.theirs_entry(te, icol, &" ".repeat(icol)),
                        MergedEntry::Conflict { o: None, t, b } => {
                            self.entry_conflict(None, *t, *b, icol)
                        }
                        _ => return Err(Escalate),
                    });
                }
                let open = matches!(ments.last(), Some(MergedEntry::Add(te)) if te.value.open);
                edits.push(self.block_in_place(o, head, text, open));
                Ok(())
            }
            MergedNode::Map(_) | MergedNode::Seq(_) if o.style == Style::Flow => {
                let text = self.flow(o, m)?;
                edits.push(Edit {
                    start: o.span.start,
                    end: o.span.end,
                    text,
                    open: false,
                });
                Ok(())
            }
            MergedNode::Map(ments) if ments.is_empty() => {
                edits.push(Edit {
                    start: head,
                    end: self.value_end(o, head, true),
                    text: " {}".into(),
                    open: false,
                });
                Ok(())
            }
            MergedNode::Seq(items) if items.is_empty() => {
                edits.push(Edit {
                    start: head,
                    end: self.value_end(o, head, true),
                    text: " []".into(),
                    open: false,
                });
                Ok(())
            }
            MergedNode::Map(ments) => self.block_map(o, ments, edits),
            MergedNode::Seq(items) => self.block_seq(o, items, edits),
            MergedNode::Conflict => Err(Escalate),
        }
    }

    /// Replace ours' empty flow value after `head` by block lines `text`
    /// (each ending with a line break) starting on the next line.
    fn block_in_place(&self, o: &Node, head: usize, text: String, open: bool) -> Edit {
        let end = self.value_end(o, head, true);
        if open {
            // Ends with a `|+` scalar: take ours' line break too, and let
            // blank lines after it go.
            Edit {
                start: head,
                end: line_next(self.ours, end),
                text: format!("{}{text}", self.nl),
                open,
            }
        } else {
            let text = format!("{}{}", self.nl, text.strip_suffix(self.nl).unwrap_or(&text));
            Edit {
                start: head,
                end,
                text,
                open,
            }
        }
    }

    /// Where ours' value ends when it is replaced; `multi` when the new
    /// text spans lines (then a trailing comment on ours' line goes too).
    fn value_end(&self, o: &Node, head: usize, multi: bool) -> usize {
        let end = o.span.end.max(head);
        if o.style == Style::Block || o.multiline || !multi {
            return end;
        }
        let line_end = self.ours[end..]
            .find('\n')
            .map_or(self.ours.len(), |p| end + p);
        if line_end > end && self.ours.as_bytes()[line_end - 1] == b'\r' {
            line_end - 1
        } else {
            line_end
        }
    }

    /// Replace ours' value with theirs', keeping ours' key or dash.
    fn take(&self, o: &Node, head: usize, col: usize, f: &TheirsNode, edits: &mut Vec<Edit>) {
        let open = f.node.open;
        let src_end = if open {
            line_next(self.theirs, f.node.span.end)
        } else {
            f.node.span.end.max(f.head)
        };
        let src = if f.node.style == Style::Empty {
            ""
        } else {
            &self.theirs[f.head..src_end]
        };
        let multi = src.contains('\n');
        let text = reindent(src, col as isize - f.col as isize, false, self.nl);
        let mut end = self.value_end(o, head, multi);
        if open {
            // Theirs' value keeps its final line breaks: it ends a line of
            // its own, and blank lines of ours after it must go.
            end = line_next(self.ours, end);
        }
        edits.push(Edit {
            start: head,
            end,
            text,
            open,
        });
    }

    /// Where deleting lines up to `next` must stop: past the blank lines
    /// after them too when the previous sibling keeps trailing line breaks
    /// (they would join it), but never past `limit`, the end of the
    /// enclosing collection.
    fn deletion_end(&self, next: usize, after_open: bool, limit: usize) -> usize {
        if after_open {
            skip_blank_lines(self.ours, next, limit.max(next))
        } else {
            next
        }
    }

    fn block_map(
        &mut self,
        o: &Node,
        ments: &[MergedEntry],
        edits: &mut Vec<Edit>,
    ) -> Result<(), Escalate> {
        let es = o.entries();
        let dash_line = self.ours[es[0].line_start..es[0].key_span.start].contains('-');
        if !dash_line {
            return self.block_map_lines(o, ments, edits, false);
        }
        // A mapping that starts on a dash line: splice when the entry on
        // the dash line survives as it is, else rewrite the entries with a
        // surviving one on the dash line (key order is not data).
        let saved = self.conflicts;
        let mut sub = Vec::new();
        match self.block_map_lines(o, ments, &mut sub, true) {
            Ok(()) => {
                edits.extend(sub);
                Ok(())
            }
            Err(Escalate) => {
                self.conflicts = saved;
                self.block_map_rewrite(o, ments, edits)
            }
        }
    }

    fn block_map_rewrite(
        &mut self,
        o: &Node,
        ments: &[MergedEntry],
        edits: &mut Vec<Edit>,
    ) -> Result<(), Escalate> {
        let es = o.entries();
        let col = es[0].key_span.start - es[0].line_start;
        let pad = " ".repeat(col);
        let mut first = None;
        for (k, el) in ments.iter().enumerate() {
            if let MergedEntry::Keep { o: oi, m, .. } = el {
                let (saved, mut sub) = (self.conflicts, Vec::new());
                if self
                    .value(&es[*oi].value, es[*oi].colon_end, col, m, &mut sub)
                    .is_ok()
                {
                    first = Some((k, *oi, sub));
                    break;
                }
                self.conflicts = saved;
            }
        }
        let (k0, oi0, sub0) = first.ok_or(Escalate)?;
        let lines = |r: &Self, e: &Entry, sub: Vec<Edit>| {
            let mut s = apply(r.ours, e.key_span.start, e.next, sub).ok_or(Escalate)?;
            if !s.ends_with('\n') {
                s.push_str(r.nl);
            }
            Ok(s)
        };
        let mut out = lines(self, &es[oi0], sub0)?;
        for (k, el) in ments.iter().enumerate() {
            if k == k0 {
                continue;
            }
            match el {
                MergedEntry::Keep { o: oi, t, b, m } => {
                    let e = &es[*oi];
                    let (saved, mut sub) = (self.conflicts, Vec::new());
                    match self.value(&e.value, e.colon_end, col, m, &mut sub) {
                        Ok(()) => {
                            out.push_str(&pad);
                            out.push_str(&lines(self, e, sub)?);
                        }
                        Err(Escalate) => {
                            self.conflicts = saved;
                            let t = t.ok_or(Escalate)?;
                            out.push_str(&self.entry_conflict_at(
                                Some(e),
                                Some(t),
                                *b,
                                col,
                                Some(&pad),
                            ));
                        }
                    }
                }
                MergedEntry::Add(te) => out.push_str(&self.theirs_entry(te, col, &pad)),
                MergedEntry::Conflict { o: oi, t, b } => out.push_str(&self.entry_conflict_at(
                    oi.map(|i| &es[i]),
                    *t,
                    *b,
                    col,
                    Some(&pad),
                )),
            }
        }
        let end = es.last().map_or(es[0].next, |e| e.next);
        let last = ments
            .iter()
            .enumerate()
            .rfind(|(k, _)| *k != k0)
            .map(|(_, el)| el);
        let open = match last {
            Some(MergedEntry::Keep { o: oi, m, .. }) => ends_open(&es[*oi].value, m),
            Some(MergedEntry::Add(te)) => te.value.open,
            Some(MergedEntry::Conflict { .. }) => false,
            None => match &ments[k0] {
                MergedEntry::Keep { m, .. } => ends_open(&es[oi0].value, m),
                _ => false,
            },
        };
        edits.push(Edit {
            start: es[0].key_span.start,
            end,
            text: out,
            open,
        });
        Ok(())
    }

    /// Splice a block mapping's entries in place. On a dash line, the
    /// first surviving entry of ours must be able to stay on it.
    fn block_map_lines(
        &mut self,
        o: &Node,
        ments: &[MergedEntry],
        edits: &mut Vec<Edit>,
        dash_line: bool,
    ) -> Result<(), Escalate> {
        let es = o.entries();
        let col = es[0].key_span.start - es[0].line_start;
        let limit = es.last().map_or(es[0].next, |e| e.next);
        let mut present = vec![false; es.len()];
        // Whether each surviving entry ends with a `|+` scalar once merged.
        let mut open_of = vec![false; es.len()];
        for el in ments {
            match el {
                MergedEntry::Keep { o, m, .. } => {
                    present[*o] = true;
                    open_of[*o] = ends_open(&es[*o].value, m);
                }
                MergedEntry::Conflict { o: Some(o), .. } => present[*o] = true,
                _ => {}
            }
        }
        let mut order: Vec<&MergedEntry> = ments.iter().collect();
        let first_kept = present.iter().position(|p| *p);
        // On a dash line, the first surviving entry of ours (`j`) stays on
        // the dash line; entries before it are cut from the dash line to it.
        let j = if dash_line {
            first_kept.ok_or(Escalate)?
        } else {
            0
        };
        if dash_line {
            let at = order
                .iter()
                .position(|el| matches!(el, MergedEntry::Keep { o, .. } | MergedEntry::Conflict { o: Some(o), .. } if *o == j))
                .ok_or(Escalate)?;
            let el = order.remove(at);
            if let MergedEntry::Conflict { t, .. } = el
                && (j != 0 || t.is_none())
            {
                return Err(Escalate);
            }
            order.insert(0, el);
            if j > 0 {
                edits.push(Edit {
                    start: es[0].key_span.start,
                    end: es[j].key_span.start,
                    text: String::new(),
                    open: false,
                });
            }
            let mut prev_open = false;
            for (i, e) in es.iter().enumerate().skip(j) {
                if present[i] {
                    prev_open = open_of[i];
                } else {
                    let end = self.deletion_end(e.next, prev_open, limit);
                    edits.push(Edit {
                        start: e.line_start,
                        end,
                        text: String::new(),
                        open: prev_open,
                    });
                }
            }
        } else {
            let mut prev_open = false;
            for (i, e) in es.iter().enumerate() {
                if present[i] {
                    prev_open = open_of[i];
                } else {
                    let end = self.deletion_end(e.next, prev_open, limit);
                    edits.push(Edit {
                        start: e.line_start,
                        end,
                        text: String::new(),
                        open: prev_open,
                    });
                }
            }
        }
        let mut pos = es[0].line_start;
        for el in order {
            match el {
                MergedEntry::Keep { o: oi, t, b, m } => {
                    let e = &es[*oi];
                    pos = e.next;
                    let (saved, mut sub) = (self.conflicts, Vec::new());
                    match self.value(&e.value, e.colon_end, col, m, &mut sub) {
                        Ok(()) => edits.extend(sub),
                        Err(Escalate) => {
                            self.conflicts = saved;
                            let t = t.ok_or(Escalate)?;
                            if dash_line && *oi == j && j > 0 {
                                return Err(Escalate);
                            }
                            let block = self.entry_conflict(Some(e), Some(t), *b, col);
                            edits.push(Edit {
                                start: e.line_start,
                                end: e.next,
                                text: block,
                                open: false,
                            });
                        }
                    }
                }
                MergedEntry::Add(te) => {
                    let text = self.insert_at(pos, self.theirs_entry(te, col, &" ".repeat(col)));
                    edits.push(Edit {
                        start: pos,
                        end: pos,
                        text,
                        open: te.value.open,
                    });
                }
                MergedEntry::Conflict { o: Some(oi), t, b } => {
                    let e = &es[*oi];
                    pos = e.next;
                    let block = self.entry_conflict(Some(e), *t, *b, col);
                    edits.push(Edit {
                        start: e.line_start,
                        end: e.next,
                        text: block,
                        open: false,
                    });
                }
                MergedEntry::Conflict { o: None, t, b } => {
                    let block = self.entry_conflict(None, *t, *b, col);
                    let text = self.insert_at(pos, block);
                    edits.push(Edit {
                        start: pos,
                        end: pos,
                        text,
                        open: false,
                    });
                }
            }
        }
        Ok(())
    }

    fn block_seq(
        &mut self,
        o: &Node,
        mitems: &[MergedItem],
        edits: &mut Vec<Edit>,
    ) -> Result<(), Escalate> {
        let items = o.items();
        let col = items[0].dash - items[0].line_start;
        let ours_order: Vec<usize> = mitems
            .iter()
            .filter_map(|el| match el {
                MergedItem::Keep { o, .. } | MergedItem::Conflict { o: Some(o), .. } => Some(*o),
                _ => None,
            })
            .collect();
        if ours_order.windows(2).all(|w| w[0] < w[1]) {
            // Ours' rows keep their order: splice around them.
            let mut present = vec![false; items.len()];
            let mut open_of = vec![false; items.len()];
            for el in mitems {
                match el {
                    MergedItem::Keep { o, m, .. } => {
                        present[*o] = true;
                        open_of[*o] = ends_open(&items[*o].value, m);
                    }
                    MergedItem::Conflict { o: Some(o), .. } => present[*o] = true,
                    _ => {}
                }
            }
            let limit = items.last().map_or(items[0].next, |i| i.next);
            let mut prev_open = false;
            for (i, it) in items.iter().enumerate() {
                if present[i] {
                    prev_open = open_of[i];
                } else {
                    let end = self.deletion_end(it.next, prev_open, limit);
                    edits.push(Edit {
                        start: it.lead,
                        end,
                        text: String::new(),
                        open: prev_open,
                    });
                }
            }
            let mut pos = items[0].lead;
            for el in mitems {
                match el {
                    MergedItem::Keep { o: oi, .. } | MergedItem::Conflict { o: Some(oi), .. } => {
                        let it = &items[*oi];
                        pos = it.next;
                        let text = self.item_text(it, el, col, edits)?;
                        if let Some(text) = text {
                            edits.push(Edit {
                                start: it.lead,
                                end: it.next,
                                text,
                                open: false,
                            });
                        }
                    }
                    MergedItem::Add(_) | MergedItem::Conflict { o: None, .. } => {
                        let open = matches!(el, MergedItem::Add(ti) if ti.value.open);
                        let text = self.item_text_new(el, col)?;
                        let text = self.insert_at(pos, text);
                        edits.push(Edit {
                            start: pos,
                            end: pos,
                            text,
                            open,
                        });
                    }
                }
            }
            return Ok(());
        }
        // A side reordered ours' rows: rewrite the list, each of ours' rows
        // moving with the blank and comment lines above it.
        let start = items[0].lead;
        let end = items.last().map_or(start, |i| i.next);
        let mut out = String::with_capacity(end - start + 256);
        let mut open = false;
        for el in mitems {
            match el {
                MergedItem::Keep { o: oi, .. } | MergedItem::Conflict { o: Some(oi), .. } => {
                    let it = &items[*oi];
                    let mut chunk_start = if *oi == 0 {
                        items[0].lead
                    } else {
                        items[oi - 1].next
                    };
                    if open {
                        // Blank lines would join the `|+` scalar before.
                        chunk_start = skip_blank_lines(self.ours, chunk_start, it.lead);
                    }
                    let mut sub = Vec::new();
                    let text = self.item_text(it, el, col, &mut sub)?;
                    open = match (el, &text) {
                        (MergedItem::Keep { m, .. }, None) => ends_open(&it.value, m),
                        _ => false,
                    };
                    let chunk = match text {
                        Some(block) => format!("{}{block}", &self.ours[chunk_start..it.lead]),
                        None => apply(self.ours, chunk_start, it.next, sub).ok_or(Escalate)?,
                    };
                    out.push_str(&chunk);
                    if !out.ends_with('\n') {
                        out.push_str(self.nl);
                    }
                }
                MergedItem::Add(ti) => {
                    out.push_str(&self.item_text_new(el, col)?);
                    open = ti.value.open;
                }
                MergedItem::Conflict { o: None, .. } => {
                    out.push_str(&self.item_text_new(el, col)?);
                    open = false;
                }
            }
        }
        edits.push(Edit {
            start,
            end,
            text: out,
            open,
        });
        Ok(())
    }

    /// For one of ours' items in the output: push its inner edits onto
    /// `edits`, or return the conflict block that replaces its lines.
    fn item_text(
        &mut self,
        it: &Item,
        el: &MergedItem,
        col: usize,
        edits: &mut Vec<Edit>,
    ) -> Result<Option<String>, Escalate> {
        match el {
            MergedItem::Keep { t, b, m, .. } => {
                let (saved, mut sub) = (self.conflicts, Vec::new());
                match self.value(&it.value, it.dash + 1, col, m, &mut sub) {
                    Ok(()) => {
                        edits.extend(sub);
                        Ok(None)
                    }
                    Err(Escalate) => {
                        self.conflicts = saved;
                        let t = t.ok_or(Escalate)?;
                        Ok(Some(self.item_conflict(Some(it), Some(t), *b, col)))
                    }
                }
            }
            MergedItem::Conflict { t, b, .. } => {
                Ok(Some(self.item_conflict(Some(it), *t, *b, col)))
            }
            MergedItem::Add(_) => Err(Escalate),
        }
    }

    /// Text for an output item ours does not have.
    fn item_text_new(&mut self, el: &MergedItem, col: usize) -> Result<String, Escalate> {
        match el {
            MergedItem::Add(ti) => Ok(self.theirs_item(ti, col, self.theirs)),
            MergedItem::Conflict { o: None, t, b } => Ok(self.item_conflict(None, *t, *b, col)),
            _ => Err(Escalate),
        }
    }

    /// Text inserted at `pos`: on a line of its own.
    fn insert_at(&self, pos: usize, text: String) -> String {
        if pos == self.ours.len() && !self.ours.is_empty() && !self.ours.ends_with('\n') {
            format!("{}{text}", self.nl)
        } else {
            text
        }
    }

    /// Theirs' (or base's) entry as whole lines for a mapping of ours
    /// indented to `col`, starting with `prefix` (the indentation, or ours'
    /// `- ` when it replaces the dash line).
    fn side_entry(&self, text: &str, e: &Entry, col: usize, prefix: &str) -> String {
        if e.in_flow {
            let value = if e.value.style == Style::Flow || !e.value.multiline {
                text[e.value.span.clone()].to_string()
            } else {
                flow_value(&to_value(&e.value))
            };
            return format!("{prefix}{}: {value}{}", &text[e.key_span.clone()], self.nl);
        }
        let ecol = e.key_span.start - e.line_start;
        let mut out = String::from(prefix);
        out.push_str(&reindent(
            &text[e.key_span.start..e.next],
            col as isize - ecol as isize,
            false,
            self.nl,
        ));
        if !out.ends_with('\n') {
            out.push_str(self.nl);
        }
        out
    }

    fn theirs_entry(&self, e: &Entry, col: usize, prefix: &str) -> String {
        self.side_entry(self.theirs, e, col, prefix)
    }

    /// Theirs' (or base's) item as whole lines for a sequence of ours with
    /// dashes in column `col`, comment lines above it included.
    fn theirs_item(&self, it: &Item, col: usize, text: &str) -> String {
        if it.in_flow {
            let value = &text[it.value.span.clone()];
            return format!("{}- {value}{}", " ".repeat(col), self.nl);
        }
        let icol = it.dash - it.line_start;
        let mut out = reindent(
            &text[it.lead..it.next],
            col as isize - icol as isize,
            true,
            self.nl,
        );
        if !out.ends_with('\n') {
            out.push_str(self.nl);
        }
        out
    }

    fn entry_conflict(
        &mut self,
        o: Option<&Entry>,
        t: Option<&Entry>,
        b: Option<&Entry>,
        col: usize,
    ) -> String {
        self.entry_conflict_at(o, t, b, col, None)
    }

    /// A conflict block for one entry; with `pad`, ours' entry is written
    /// from its key on, after `pad` (for entries being moved).
    fn entry_conflict_at(
        &mut self,
        o: Option<&Entry>,
        t: Option<&Entry>,
        b: Option<&Entry>,
        col: usize,
        pad: Option<&str>,
    ) -> String {
        let prefix = match (o, pad) {
            (_, Some(pad)) => pad.to_string(),
            (Some(e), None) => self.ours[e.line_start..e.key_span.start].to_string(),
            (None, None) => " ".repeat(col),
        };
        let ours = match (o, pad) {
            (Some(e), Some(pad)) => format!("{pad}{}", self.ours_lines(e.key_span.start, e.next)),
            (Some(e), None) => self.ours_lines(e.line_start, e.next),
            (None, _) => String::new(),
        };
        let theirs = t.map_or(String::new(), |e| {
            self.side_entry(self.theirs, e, col, &prefix)
        });
        let base = b.map_or(String::new(), |e| {
            self.side_entry(self.base, e, col, &prefix)
        });
        self.markers(&ours, &base, &theirs)
    }

    fn item_conflict(
        &mut self,
        o: Option<&Item>,
        t: Option<&Item>,
        b: Option<&Item>,
        col: usize,
    ) -> String {
        let ours = o.map_or(String::new(), |it| self.ours_lines(it.lead, it.next));
        let theirs = t.map_or(String::new(), |it| self.theirs_item(it, col, self.theirs));
        let base = b.map_or(String::new(), |it| self.theirs_item(it, col, self.base));
        self.markers(&ours, &base, &theirs)
    }

    fn ours_lines(&self, start: usize, end: usize) -> String {
        let mut s = self.ours[start..end].to_string();
        if !s.is_empty() && !s.ends_with('\n') {
            s.push_str(self.nl);
        }
        s
    }

    fn markers(&mut self, ours: &str, base: &str, theirs: &str) -> String {
        self.conflicts += 1;
        let n = self.opts.marker_size;
        let nl = self.nl;
        let labels = &self.opts.labels;
        let mut out = format!("{} {}{nl}{ours}", "<".repeat(n), labels.ours);
        if self.opts.diff3 {
            out.push_str(&format!("{} {}{nl}{base}", "|".repeat(n), labels.base));
        }
        out.push_str(&format!(
            "{}{nl}{theirs}{} {}{nl}",
            "=".repeat(n),
            ">".repeat(n),
            labels.theirs
        ));
        out
    }

    /// A merged flow collection (or a value inside one), written on one line.
    fn flow(&self, o: &Node, m: &MergedNode) -> Result<String, Escalate> {
        match m {
            MergedNode::Same => Ok(self.ours[o.span.clone()].to_string()),
            MergedNode::Take(f) => Ok(self.theirs_flow(f.node)),
            MergedNode::Scalar(v) => Ok(flow_value(v)),
            MergedNode::Map(ments) => {
                let es = o.entries();
                let mut parts = Vec::with_capacity(ments.len());
                for el in ments {
                    parts.push(match el {
                        MergedEntry::Keep { o: oi, m, .. } => {
                            let e = &es[*oi];
                            format!("{}: {}", flow_key(&e.key), self.flow(&e.value, m)?)
                        }
                        MergedEntry::Add(te) => {
                            format!("{}: {}", flow_key(&te.key), self.theirs_flow(&te.value))
                        }
                        MergedEntry::Conflict { .. } => return Err(Escalate),
                    });
                }
                Ok(format!("{{{}}}", parts.join(", ")))
            }
            MergedNode::Seq(mitems) => {
                let items = o.items();
                let mut parts = Vec::with_capacity(mitems.len());
                for el in mitems {
                    parts.push(match el {
                        MergedItem::Keep { o: oi, m, .. } => self.flow(&items[*oi].value, m)?,
                        MergedItem::Add(ti) => self.theirs_flow(&ti.value),
                        MergedItem::Conflict { .. } => return Err(Escalate),
                    });
                }
                Ok(format!("[{}]", parts.join(", ")))
            }
            MergedNode::Conflict => Err(Escalate),
        }
    }

    /// Theirs' node as flow text: its own text when that is valid inside a
    /// flow collection, else rendered from its value.
    fn theirs_flow(&self, n: &Node) -> String {
        let raw = &self.theirs[n.span.clone()];
        let ok = match n.style {
            Style::Flow | Style::Single | Style::Double => true,
            Style::Plain => !raw.contains([',', '[', ']', '{', '}']),
            _ => false,
        };
        if ok {
            raw.to_string()
        } else {
            flow_value(&to_value(n))
        }
    }
}

/// Whether ours' node `o` merged as `m` ends with a block scalar keeping
/// its final line breaks (blank lines right after it would join it). When
/// unsure, says yes: dropping a blank line is harmless, adding one is not.
fn ends_open(o: &Node, m: &MergedNode) -> bool {
    match m {
        MergedNode::Same => o.open,
        MergedNode::Take(f) => f.node.open,
        MergedNode::Scalar(_) | MergedNode::Conflict => false,
        MergedNode::Map(ments) => match ments.last() {
            Some(MergedEntry::Keep { o: oi, m, .. }) => ends_open(&o.entries()[*oi].value, m),
            Some(MergedEntry::Add(te)) => te.value.open,
            Some(MergedEntry::Conflict { .. }) | None => false,
        },
        MergedNode::Seq(mitems) => match mitems.last() {
            Some(MergedItem::Keep { o: oi, m, .. }) => ends_open(&o.items()[*oi].value, m),
            Some(MergedItem::Add(ti)) => ti.value.open,
            Some(MergedItem::Conflict { .. }) | None => false,
        },
    }
}

/// Apply edits to `text[start..end]`. `None` when an edit falls outside
/// the range or overlaps another (a bug caught, never a panic: the caller
/// escalates and the driver falls back to git's merge).
fn apply(text: &str, start: usize, end: usize, mut edits: Vec<Edit>) -> Option<String> {
    edits.sort_by_key(|e| (e.start, e.end));
    let extra: usize = edits.iter().map(|e| e.text.len()).sum();
    let mut out = String::with_capacity(end.saturating_sub(start) + extra);
    let mut pos = start;
    let mut open = false;
    for e in &edits {
        if e.start < pos || e.end < e.start || e.end > end {
            return None;
        }
        if open {
            pos = skip_blank_lines(text, pos, e.start);
        }
        open &= pos == e.start;
        out.push_str(text.get(pos..e.start)?);
        out.push_str(&e.text);
        // A deletion leaves what preceded it open or not; it only says so
        // when it is open.
        if !e.text.is_empty() || e.open {
            open = e.open;
        }
        pos = e.end;
    }
    if open {
        pos = skip_blank_lines(text, pos, end);
    }
    out.push_str(text.get(pos..end)?);
    Some(out)
}

/// The start of the line after the one holding `pos`.
fn line_next(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |p| pos + p + 1)
}

/// Past the whole blank lines of `text` from `pos` (a line start), not
/// beyond `limit`.
fn skip_blank_lines(text: &str, mut pos: usize, limit: usize) -> usize {
    let b = text.as_bytes();
    while pos < limit {
        let end = text[pos..limit].find('\n').map(|p| pos + p + 1);
        match end {
            Some(end)
                if b[pos..end]
                    .iter()
                    .all(|c| matches!(c, b' ' | b'\r' | b'\n')) =>
            {
                pos = end
            }
            _ => break,
        }
    }
    pos
}

/// Shift every line of `src` but the first (all lines when `full`) by
/// `delta` columns and give it line ending `nl`.
fn reindent(src: &str, delta: isize, full: bool, nl: &str) -> String {
    let mut out = String::with_capacity(src.len() + 16);
    let mut lines = src.split('\n').peekable();
    let mut first = true;
    while let Some(line) = lines.next() {
        let last = lines.peek().is_none();
        let line = line.strip_suffix('\r').unwrap_or(line);
        if (full || !first) && !line.is_empty() {
            if delta > 0 {
                out.extend(std::iter::repeat_n(' ', delta as usize));
                out.push_str(line);
            } else {
                let cut = line
                    .bytes()
                    .take(delta.unsigned_abs())
                    .take_while(|b| *b == b' ')
                    .count();
                out.push_str(&line[cut..]);
            }
        } else {
            out.push_str(line);
        }
        if !last {
            out.push_str(nl);
        }
        first = false;
    }
    out
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => crate::yaml::render_scalar(s),
        other => flow_value(other),
    }
}

fn flow_key(k: &str) -> String {
    flow_value(&Value::String(k.to_string()))
}

/// Any value as one-line flow YAML.
fn flow_value(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => crate::yaml::render_flow_scalar(s),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(flow_value).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => {
            format!(
                "{{{}}}",
                m.iter()
                    .map(|(k, v)| format!("{}: {}", flow_key(k), flow_value(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }
}

/// Whether the scanned output `out` holds exactly what the plan says:
/// ours' node `o` merged as `m`.
pub fn check(out: &Node, o: &Node, m: &MergedNode) -> bool {
    use crate::yaml::block::{node_eq, value_eq};
    if let (Kind::Opaque(v), MergedNode::Map(_) | MergedNode::Seq(_)) = (&out.kind, m) {
        // Written in a form the scanner reads only as a whole.
        return merged_value(o, m).is_some_and(|want| want == **v);
    }
    match m {
        MergedNode::Same => node_eq(out, o),
        MergedNode::Take(f) => node_eq(out, f.node),
        MergedNode::Scalar(v) => value_eq(v, out),
        MergedNode::Map(ments) => {
            let Kind::Map(oes) = &out.kind else {
                return false;
            };
            let es = o.entries();
            let mut count = 0;
            let index: Option<std::collections::HashMap<&str, &Node>> =
                (oes.len() > 16).then(|| oes.iter().map(|e| (e.key.as_ref(), &e.value)).collect());
            let find = |k: &str| match &index {
                Some(ix) => ix.get(k).copied(),
                None => oes.iter().find(|e| e.key == k).map(|e| &e.value),
            };
            for el in ments {
                count += 1;
                let ok = match el {
                    MergedEntry::Keep { o: oi, m, .. } => {
                        find(&es[*oi].key).is_some_and(|n| check(n, &es[*oi].value, m))
                    }
                    MergedEntry::Add(te) => find(&te.key).is_some_and(|n| node_eq(n, &te.value)),
                    MergedEntry::Conflict { .. } => false,
                };
                if !ok {
                    return false;
                }
            }
            count == oes.len()
        }
        MergedNode::Seq(mitems) => {
            let Kind::Seq(ois) = &out.kind else {
                return false;
            };
            let items = o.items();
            ois.len() == mitems.len()
                && ois.iter().zip(mitems).all(|(n, el)| match el {
                    MergedItem::Keep { o: oi, m, .. } => check(&n.value, &items[*oi].value, m),
                    MergedItem::Add(ti) => node_eq(&n.value, &ti.value),
                    MergedItem::Conflict { .. } => false,
                })
        }
        MergedNode::Conflict => false,
    }
}

/// The plain value of ours' node `o` merged as `m` (`None` with conflicts).
fn merged_value(o: &Node, m: &MergedNode) -> Option<Value> {
    Some(match m {
        MergedNode::Same => to_value(o),
        MergedNode::Take(f) => to_value(f.node),
        MergedNode::Scalar(v) => v.clone(),
        MergedNode::Map(ments) => {
            let es = o.entries();
            let mut map = serde_json::Map::new();
            for el in ments {
                match el {
                    MergedEntry::Keep { o: oi, m, .. } => {
                        map.insert(es[*oi].key.to_string(), merged_value(&es[*oi].value, m)?)
                    }
                    MergedEntry::Add(te) => map.insert(te.key.to_string(), to_value(&te.value)),
                    MergedEntry::Conflict { .. } => return None,
                };
            }
            Value::Object(map)
        }
        MergedNode::Seq(mitems) => {
            let items = o.items();
            let mut out = Vec::with_capacity(mitems.len());
            for el in mitems {
                out.push(match el {
                    MergedItem::Keep { o: oi, m, .. } => merged_value(&items[*oi].value, m)?,
                    MergedItem::Add(ti) => to_value(&ti.value),
                    MergedItem::Conflict { .. } => return None,
                });
            }
            Value::Array(out)
        }
        MergedNode::Conflict => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reindent_shifts_and_converts_line_endings() {
        assert_eq!(reindent("a\r\n  b\r\n", 2, false, "\n"), "a\n    b\n");
        assert_eq!(
            reindent("    a\n      b\n", -2, true, "\r\n"),
            "  a\r\n    b\r\n"
        );
        assert_eq!(reindent(" x", 4, false, "\n"), " x");
    }

    #[test]
    fn flow_values_stay_flow_safe() {
        assert_eq!(
            flow_value(&serde_json::json!(["a,b", "c", 1, null])),
            r#"["a,b", c, 1, null]"#
        );
    }
}
