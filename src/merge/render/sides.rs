//! Theirs' and base's text moved into ours, and conflict blocks.
//!
//! An entry or row copied from another side is re-indented to ours'
//! column and converted to ours' line ending; a conflict block shows each
//! side's whole lines between standard markers.

use super::Renderer;
use crate::merge::lines::conflict_block;
use crate::yaml::block::{Entry, Item, Style, to_value};
use crate::yaml::{close_line, reindent, render_flow_value};

impl Renderer<'_> {
    /// Theirs' (or base's) entry as whole lines for a mapping of ours
    /// indented to `col`, starting with `prefix` (the indentation, or ours'
    /// `- ` when it replaces the dash line).
    pub(super) fn side_entry(&self, text: &str, e: &Entry, col: usize, prefix: &str) -> String {
        if e.in_flow {
            let value = if e.value.style == Style::Flow || !e.value.multiline {
                text[e.value.span.clone()].to_string()
            } else {
                render_flow_value(&to_value(&e.value))
            };
            return format!("{prefix}{}: {value}{}", &text[e.key_span.clone()], self.nl);
        }
        let src = &text[e.key_span.start..e.next];
        self.moved(prefix, src, e.key_span.start - e.line_start, col, false)
    }

    /// Lines `src` of another side, written in ours after `prefix`: moved
    /// from column `from` to `to` (all lines when `full`, else all but the
    /// first), in ours' line ending, the last one closed.
    fn moved(&self, prefix: &str, src: &str, from: usize, to: usize, full: bool) -> String {
        let mut out = String::from(prefix);
        out.push_str(&reindent(src, to as isize - from as isize, full, self.nl));
        close_line(&mut out, self.nl);
        out
    }

    pub(super) fn theirs_entry(&self, e: &Entry, col: usize, prefix: &str) -> String {
        self.side_entry(self.theirs, e, col, prefix)
    }

    /// Theirs' (or base's) item as whole lines for a sequence of ours with
    /// dashes in column `col`, comment lines above it included.
    pub(super) fn theirs_item(&self, it: &Item, col: usize, text: &str) -> String {
        if it.in_flow {
            let value = &text[it.value.span.clone()];
            return format!("{}- {value}{}", " ".repeat(col), self.nl);
        }
        let src = &text[it.lead..it.next];
        self.moved("", src, it.dash - it.line_start, col, true)
    }

    pub(super) fn entry_conflict(
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
    pub(super) fn entry_conflict_at(
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

    pub(super) fn item_conflict(
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

    pub(super) fn ours_lines(&self, start: usize, end: usize) -> String {
        let mut s = self.ours[start..end].to_string();
        if !s.is_empty() {
            close_line(&mut s, self.nl);
        }
        s
    }

    pub(super) fn markers(&mut self, ours: &str, base: &str, theirs: &str) -> String {
        self.conflicts += 1;
        conflict_block(self.opts, self.nl, ours, base, theirs)
    }
}
