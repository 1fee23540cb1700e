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
//!
//! The renderer is a client of the YAML document layer: its edits are one
//! [`Splice`] of ours' text, its line arithmetic and scalar rendering are
//! those of [`crate::yaml`]. Submodules: [`block`] (block mappings and
//! sequences spliced in place or rewritten), [`flow`] (one-line flow
//! collections), [`sides`] (theirs' and base's text moved into ours, and
//! conflict blocks), [`check`] (the merged text read back against the plan).

mod block;
mod check;
mod flow;
mod sides;

pub use check::check;

use super::Options;
use super::plan::{MergedEntry, MergedItem, MergedNode, TheirsNode};
use crate::yaml::block::{Node, Style};
use crate::yaml::{Splice, line_content_end, line_end, reindent, render_like, render_value};
use serde_json::Value;

/// A conflict that could not be written at this level.
#[derive(Debug)]
pub struct Escalate;

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
        let mut edits = Splice::new();
        match m {
            MergedNode::Same => {}
            MergedNode::Take(_) if root.style == Style::Flow => return Ok(self.theirs.to_string()),
            MergedNode::Map(ments) if ments.is_empty() => edits.replace(root.span.clone(), "{}"),
            MergedNode::Map(ments) if root.style == Style::Flow && root.entries().is_empty() => {
                // `{}` gaining keys: write them as a block mapping.
                let (text, open) = self.new_entries(ments, 0, "")?;
                if open {
                    edits.replace_open(
                        root.span.start..line_end(self.ours, root.span.end),
                        text,
                        true,
                    );
                } else {
                    let text = text.strip_suffix(self.nl).unwrap_or(&text).to_string();
                    edits.replace(root.span.clone(), text);
                }
            }
            MergedNode::Map(_) if root.style == Style::Flow => {
                edits.replace(root.span.clone(), self.flow(root, m)?)
            }
            MergedNode::Map(ments) => self.block_map(root, ments, &mut edits)?,
            _ => return Err(Escalate),
        }
        edits.apply(self.ours).map_err(|_| Escalate)
    }

    /// Render the merged value of ours' node `o`, whose header (`:` or
    /// `-`) ends at `head`, in a parent indented to column `col`.
    fn value(
        &mut self,
        o: &Node,
        head: usize,
        col: usize,
        m: &MergedNode,
        edits: &mut Splice,
    ) -> Result<(), Escalate> {
        let flow = o.style == Style::Flow;
        match m {
            MergedNode::Same => {}
            MergedNode::Take(f) => self.take(o, head, col, f, edits),
            MergedNode::Scalar(v) => self.scalar(o, head, v, edits),
            MergedNode::Seq(mitems) if flow && o.items().is_empty() && !mitems.is_empty() => {
                // `key: []` gaining rows: write them as a block sequence.
                let mut text = String::new();
                for el in mitems {
                    text.push_str(&self.item_text_new(el, col + 2)?);
                }
                let open = matches!(mitems.last(), Some(MergedItem::Add(ti)) if ti.value.open);
                self.block_in_place(o, head, text, open, edits);
            }
            MergedNode::Map(ments) if flow && o.entries().is_empty() && !ments.is_empty() => {
                let (text, open) = self.new_entries(ments, col + 2, &" ".repeat(col + 2))?;
                self.block_in_place(o, head, text, open, edits);
            }
            MergedNode::Map(_) | MergedNode::Seq(_) if flow => {
                edits.replace(o.span.clone(), self.flow(o, m)?)
            }
            MergedNode::Map(ments) if ments.is_empty() => {
                edits.replace(head..self.value_end(o, head, true), " {}")
            }
            MergedNode::Seq(items) if items.is_empty() => {
                edits.replace(head..self.value_end(o, head, true), " []")
            }
            MergedNode::Map(ments) => self.block_map(o, ments, edits)?,
            MergedNode::Seq(items) => self.block_seq(o, items, edits)?,
            MergedNode::Lines {
                text, conflicts, ..
            } => {
                let items = o.items();
                let (Some(first), Some(last)) = (items.first(), items.last()) else {
                    return Err(Escalate);
                };
                edits.replace(first.lead..last.next, text.clone());
                self.conflicts += conflicts;
            }
            MergedNode::Conflict => return Err(Escalate),
        }
        Ok(())
    }

    /// [`Renderer::value`] into edits of its own, for a caller that has a
    /// fallback: on escalation the conflicts it counted are taken back.
    fn try_value(
        &mut self,
        o: &Node,
        head: usize,
        col: usize,
        m: &MergedNode,
    ) -> Result<Splice, Escalate> {
        let (saved, mut sub) = (self.conflicts, Splice::new());
        match self.value(o, head, col, m, &mut sub) {
            Ok(()) => Ok(sub),
            Err(e) => {
                self.conflicts = saved;
                Err(e)
            }
        }
    }

    /// A scalar replacing ours' value: a one-line scalar's token in its
    /// quoting, anything else from the header on.
    fn scalar(&self, o: &Node, head: usize, v: &Value, edits: &mut Splice) {
        match (o.style, v) {
            (Style::Plain | Style::Single | Style::Double, Value::String(s)) => {
                edits.replace(o.span.clone(), render_like(&self.ours[o.span.clone()], s))
            }
            (Style::Plain | Style::Single | Style::Double, other) => {
                edits.replace(o.span.clone(), render_value(other))
            }
            _ => edits.replace(
                head..self.value_end(o, head, true),
                format!(" {}", render_value(v)),
            ),
        }
    }

    /// The block lines of entries ours' empty flow mapping gains (added or
    /// in conflict), indented to `col` after `prefix`, and whether they end
    /// open.
    fn new_entries(
        &mut self,
        ments: &[MergedEntry],
        col: usize,
        prefix: &str,
    ) -> Result<(String, bool), Escalate> {
        let mut text = String::new();
        for el in ments {
            text.push_str(&match el {
                MergedEntry::Add(te) => self.theirs_entry(te, col, prefix),
                MergedEntry::Conflict { o: None, t, b } => self.entry_conflict(None, *t, *b, col),
                _ => return Err(Escalate),
            });
        }
        let open = matches!(ments.last(), Some(MergedEntry::Add(te)) if te.value.open);
        Ok((text, open))
    }

    /// Replace ours' empty flow value after `head` by block lines `text`
    /// (each ending with a line break) starting on the next line.
    fn block_in_place(&self, o: &Node, head: usize, text: String, open: bool, edits: &mut Splice) {
        let end = self.value_end(o, head, true);
        if open {
            // Ends with a `|+` scalar: take ours' line break too, and let
            // blank lines after it go.
            edits.replace_open(
                head..line_end(self.ours, end),
                format!("{}{text}", self.nl),
                true,
            );
        } else {
            let text = format!("{}{}", self.nl, text.strip_suffix(self.nl).unwrap_or(&text));
            edits.replace(head..end, text);
        }
    }

    /// Where ours' value ends when it is replaced; `multi` when the new
    /// text spans lines (then a trailing comment on ours' line goes too).
    fn value_end(&self, o: &Node, head: usize, multi: bool) -> usize {
        let end = o.span.end.max(head);
        if o.style == Style::Block || o.multiline || !multi {
            return end;
        }
        line_content_end(self.ours, end)
    }

    /// Replace ours' value with theirs', keeping ours' key or dash.
    fn take(&self, o: &Node, head: usize, col: usize, f: &TheirsNode, edits: &mut Splice) {
        let open = f.node.open;
        let src_end = if open {
            line_end(self.theirs, f.node.span.end)
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
            end = line_end(self.ours, end);
        }
        edits.replace_open(head..end, text, open);
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
        MergedNode::Lines { .. } => true,
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
