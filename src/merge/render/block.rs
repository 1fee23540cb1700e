//! Block mappings and block sequences of ours, merged.
//!
//! Both kinds are written the same way: ours' children that the merge
//! drops are deleted with their lines (and the blank lines after a child
//! that ends open), children that stay are edited in place, new ones are
//! inserted as whole lines after the child before them. Each kind also has
//! a rewrite for what cannot be spliced: a mapping on a dash line whose
//! first entry cannot stay there, a sequence whose rows a side reordered.

use super::{Escalate, Renderer, ends_open};
use crate::merge::plan::{MergedEntry, MergedItem};
use crate::yaml::block::{Entry, Item, Node};
use crate::yaml::{Splice, break_before, close_line, skip_blank_lines};

/// For each of ours' children: `None` when the merge drops it, else
/// whether it ends open once merged. `kept` lists the children that stay.
fn survivors(len: usize, kept: impl Iterator<Item = (usize, bool)>) -> Vec<Option<bool>> {
    let mut out = vec![None; len];
    for (i, open) in kept {
        out[i] = Some(open);
    }
    out
}

impl Renderer<'_> {
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

    /// Delete the lines (`start..next` each) of ours' children from the
    /// `from`-th on that `survivors` marks as dropped.
    fn delete_dropped(
        &self,
        lines: impl Iterator<Item = (usize, usize)>,
        survivors: &[Option<bool>],
        from: usize,
        limit: usize,
        edits: &mut Splice,
    ) {
        let mut prev_open = false;
        for (i, (start, next)) in lines.enumerate().skip(from) {
            match survivors[i] {
                Some(open) => prev_open = open,
                None => {
                    let end = self.deletion_end(next, prev_open, limit);
                    edits.delete_after_open(start..end, prev_open);
                }
            }
        }
    }

    /// Insert whole lines `text` at `pos`, on a line of their own.
    fn insert_lines(&self, pos: usize, text: String, open: bool, edits: &mut Splice) {
        let text = format!("{}{text}", break_before(self.ours, pos, self.nl));
        edits.replace_open(pos..pos, text, open);
    }

    pub(super) fn block_map(
        &mut self,
        o: &Node,
        ments: &[MergedEntry],
        edits: &mut Splice,
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
        let mut sub = Splice::new();
        match self.block_map_lines(o, ments, &mut sub, true) {
            Ok(()) => {
                edits.append(sub);
                Ok(())
            }
            Err(Escalate) => {
                self.conflicts = saved;
                self.block_map_rewrite(o, ments, edits)
            }
        }
    }

    /// Rewrite a mapping that starts on a dash line from its first key on,
    /// with the first entry of ours that merges cleanly on the dash line.
    fn block_map_rewrite(
        &mut self,
        o: &Node,
        ments: &[MergedEntry],
        edits: &mut Splice,
    ) -> Result<(), Escalate> {
        let es = o.entries();
        let col = es[0].key_span.start - es[0].line_start;
        let pad = " ".repeat(col);
        let mut first = None;
        for (k, el) in ments.iter().enumerate() {
            if let MergedEntry::Keep { o: oi, m, .. } = el
                && let Ok(sub) = self.try_value(&es[*oi].value, es[*oi].colon_end, col, m)
            {
                first = Some((k, *oi, sub));
                break;
            }
        }
        let lines = |r: &Self, e: &Entry, sub: Splice| {
            let mut s = sub
                .apply_within(r.ours, e.key_span.start..e.next)
                .map_err(|_| Escalate)?;
            close_line(&mut s, r.nl);
            Ok(s)
        };
        // No entry of ours survives (theirs deleted them, or they conflict):
        // the first entry theirs added goes on the dash line instead.
        let (k0, mut out) = match first {
            Some((k, oi, sub)) => (k, lines(self, &es[oi], sub)?),
            None => ments
                .iter()
                .enumerate()
                .find_map(|(k, el)| match el {
                    MergedEntry::Add(te) => Some((k, self.theirs_entry(te, col, ""))),
                    _ => None,
                })
                .ok_or(Escalate)?,
        };
        for (k, el) in ments.iter().enumerate() {
            if k == k0 {
                continue;
            }
            match el {
                MergedEntry::Keep { o: oi, t, b, m } => {
                    let e = &es[*oi];
                    match self.try_value(&e.value, e.colon_end, col, m) {
                        Ok(sub) => {
                            out.push_str(&pad);
                            out.push_str(&lines(self, e, sub)?);
                        }
                        Err(Escalate) => {
                            let t = t.ok_or(Escalate)?;
                            let block =
                                self.entry_conflict_at(Some(e), Some(t), *b, col, Some(&pad));
                            out.push_str(&block);
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
                MergedEntry::Keep { o: oi, m, .. } => ends_open(&es[*oi].value, m),
                MergedEntry::Add(te) => te.value.open,
                _ => false,
            },
        };
        edits.replace_open(es[0].key_span.start..end, out, open);
        Ok(())
    }

    /// Splice a block mapping's entries in place. On a dash line, the
    /// first surviving entry of ours must be able to stay on it.
    fn block_map_lines(
        &mut self,
        o: &Node,
        ments: &[MergedEntry],
        edits: &mut Splice,
        dash_line: bool,
    ) -> Result<(), Escalate> {
        let es = o.entries();
        let col = es[0].key_span.start - es[0].line_start;
        let limit = es.last().map_or(es[0].next, |e| e.next);
        let kept = survivors(
            es.len(),
            ments.iter().filter_map(|el| match el {
                MergedEntry::Keep { o, m, .. } => Some((*o, ends_open(&es[*o].value, m))),
                MergedEntry::Conflict { o: Some(o), .. } => Some((*o, false)),
                _ => None,
            }),
        );
        let mut order: Vec<&MergedEntry> = ments.iter().collect();
        // On a dash line, the first surviving entry of ours (`j`) stays on
        // the dash line; entries before it are cut from the dash line to it.
        let j = if dash_line {
            let j = kept.iter().position(Option::is_some).ok_or(Escalate)?;
            first_on_dash_line(&mut order, j)?;
            if j > 0 {
                edits.delete(es[0].key_span.start..es[j].key_span.start);
            }
            j
        } else {
            0
        };
        let lines = es.iter().map(|e| (e.line_start, e.next));
        self.delete_dropped(lines, &kept, j, limit, edits);
        let mut pos = es[0].line_start;
        for el in order {
            match el {
                MergedEntry::Keep { o: oi, t, b, m } => {
                    let e = &es[*oi];
                    pos = e.next;
                    match self.try_value(&e.value, e.colon_end, col, m) {
                        Ok(sub) => edits.append(sub),
                        Err(Escalate) => {
                            let t = t.ok_or(Escalate)?;
                            if dash_line && *oi == j && j > 0 {
                                return Err(Escalate);
                            }
                            let block = self.entry_conflict(Some(e), Some(t), *b, col);
                            edits.replace(e.line_start..e.next, block);
                        }
                    }
                }
                MergedEntry::Add(te) => {
                    let text = self.theirs_entry(te, col, &" ".repeat(col));
                    self.insert_lines(pos, text, te.value.open, edits);
                }
                MergedEntry::Conflict { o: Some(oi), t, b } => {
                    let e = &es[*oi];
                    pos = e.next;
                    let block = self.entry_conflict(Some(e), *t, *b, col);
                    edits.replace(e.line_start..e.next, block);
                }
                MergedEntry::Conflict { o: None, t, b } => {
                    let block = self.entry_conflict(None, *t, *b, col);
                    self.insert_lines(pos, block, false, edits);
                }
            }
        }
        Ok(())
    }

    pub(super) fn block_seq(
        &mut self,
        o: &Node,
        mitems: &[MergedItem],
        edits: &mut Splice,
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
            self.block_seq_lines(items, mitems, col, edits)
        } else {
            self.block_seq_rewrite(items, mitems, col, edits)
        }
    }

    /// Ours' rows keep their order: splice around them.
    fn block_seq_lines(
        &mut self,
        items: &[Item],
        mitems: &[MergedItem],
        col: usize,
        edits: &mut Splice,
    ) -> Result<(), Escalate> {
        let kept = survivors(
            items.len(),
            mitems.iter().filter_map(|el| match el {
                MergedItem::Keep { o, m, .. } => Some((*o, ends_open(&items[*o].value, m))),
                MergedItem::Conflict { o: Some(o), .. } => Some((*o, false)),
                _ => None,
            }),
        );
        let limit = items.last().map_or(items[0].next, |i| i.next);
        let lines = items.iter().map(|it| (it.lead, it.next));
        self.delete_dropped(lines, &kept, 0, limit, edits);
        let mut pos = items[0].lead;
        for el in mitems {
            match el {
                MergedItem::Keep { o: oi, .. } | MergedItem::Conflict { o: Some(oi), .. } => {
                    let it = &items[*oi];
                    pos = it.next;
                    if let Some(text) = self.item_text(it, el, col, edits)? {
                        edits.replace(it.lead..it.next, text);
                    }
                }
                MergedItem::Add(_) | MergedItem::Conflict { o: None, .. } => {
                    let open = matches!(el, MergedItem::Add(ti) if ti.value.open);
                    let text = self.item_text_new(el, col)?;
                    self.insert_lines(pos, text, open, edits);
                }
            }
        }
        Ok(())
    }

    /// A side reordered ours' rows: rewrite the list, each of ours' rows
    /// moving with the blank and comment lines above it.
    fn block_seq_rewrite(
        &mut self,
        items: &[Item],
        mitems: &[MergedItem],
        col: usize,
        edits: &mut Splice,
    ) -> Result<(), Escalate> {
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
                    let mut sub = Splice::new();
                    let text = self.item_text(it, el, col, &mut sub)?;
                    open = match (el, &text) {
                        (MergedItem::Keep { m, .. }, None) => ends_open(&it.value, m),
                        _ => false,
                    };
                    let chunk = match text {
                        Some(block) => format!("{}{block}", &self.ours[chunk_start..it.lead]),
                        None => sub
                            .apply_within(self.ours, chunk_start..it.next)
                            .map_err(|_| Escalate)?,
                    };
                    out.push_str(&chunk);
                    close_line(&mut out, self.nl);
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
        edits.replace_open(start..end, out, open);
        Ok(())
    }

    /// For one of ours' items in the output: push its inner edits onto
    /// `edits`, or return the conflict block that replaces its lines.
    fn item_text(
        &mut self,
        it: &Item,
        el: &MergedItem,
        col: usize,
        edits: &mut Splice,
    ) -> Result<Option<String>, Escalate> {
        match el {
            MergedItem::Keep { t, b, m, .. } => {
                match self.try_value(&it.value, it.dash + 1, col, m) {
                    Ok(sub) => {
                        edits.append(sub);
                        Ok(None)
                    }
                    Err(Escalate) => {
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
    pub(super) fn item_text_new(
        &mut self,
        el: &MergedItem,
        col: usize,
    ) -> Result<String, Escalate> {
        match el {
            MergedItem::Add(ti) => Ok(self.theirs_item(ti, col, self.theirs)),
            MergedItem::Conflict { o: None, t, b } => Ok(self.item_conflict(None, *t, *b, col)),
            _ => Err(Escalate),
        }
    }
}

/// Move ours' entry `j`, the first that survives, to the front of the
/// output `order`, so that it stays on the dash line; a conflict can stay
/// there only as the first entry and with theirs' side to show.
fn first_on_dash_line(order: &mut Vec<&MergedEntry>, j: usize) -> Result<(), Escalate> {
    let at = order
        .iter()
        .position(|el| {
            matches!(el, MergedEntry::Keep { o, .. } | MergedEntry::Conflict { o: Some(o), .. } if *o == j)
        })
        .ok_or(Escalate)?;
    let el = order.remove(at);
    if let MergedEntry::Conflict { t, .. } = el
        && (j != 0 || t.is_none())
    {
        return Err(Escalate);
    }
    order.insert(0, el);
    Ok(())
}
