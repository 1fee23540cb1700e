//! Lists the merge cannot key (a row without the key field, a key used
//! twice, a row that is a flow mapping holding a collection, scalars that
//! repeat): never one opaque value, so never a conflict over the whole
//! list where git's line merge is clean (issue 13, item 1).
//!
//! When both sides kept every item at its position (same length as base,
//! no item moved), the items merge by position, field by field. Otherwise
//! the list's lines merge three-way, git's algorithm on that region alone
//! ([`crate::merge::lines`]), so a conflict is never larger than git's.

use super::{Merged, MergedNode, Merger, TheirsNode, is_ours_unchanged};
use crate::merge::lines::merge_lines;
use crate::yaml::block::{Item, Node, Style, node_eq};
use crate::yaml::reindent;

/// Longest list whose items are matched by position (the check that no
/// item moved compares every pair).
const MAX_POSITIONAL: usize = 200;

impl<'a> Merger<'a, '_> {
    /// Merge a list that has no usable key on some side.
    pub(super) fn unkeyed(
        &mut self,
        b: Option<&'a Node<'a>>,
        o: &'a Node<'a>,
        t: TheirsNode<'a>,
    ) -> MergedNode<'a> {
        if node_eq(o, t.node) || b.is_some_and(|b| node_eq(b, t.node)) {
            return MergedNode::Same;
        }
        if b.is_some_and(|b| node_eq(b, o)) {
            return MergedNode::Take(t);
        }
        if let Some(m) = self.by_position(b, o, t) {
            return m;
        }
        self.by_lines(b, o, t).unwrap_or(MergedNode::Conflict)
    }

    /// Items merged by position, when every side has base's length and
    /// layout (block or flow) and no item of a side sits where a different
    /// item of base was.
    fn by_position(
        &mut self,
        b: Option<&'a Node<'a>>,
        o: &'a Node<'a>,
        t: TheirsNode<'a>,
    ) -> Option<MergedNode<'a>> {
        let b = b?;
        if b.style != o.style || t.node.style != o.style {
            return None;
        }
        let (bis, ois, tis) = (b.items(), o.items(), t.node.items());
        let n = bis.len();
        if n == 0 || n > MAX_POSITIONAL || ois.len() != n || tis.len() != n {
            return None;
        }
        if moved(bis, ois) || moved(bis, tis) {
            return None;
        }
        // An item one side left as base had it is the other side's item
        // whole (its text too, so a mapping's first key never has to move).
        let items: Vec<_> = (0..n)
            .map(|i| {
                let (bi, oi, ti) = (&bis[i], &ois[i], &tis[i]);
                let whole = |m| Merged::Keep {
                    o: i,
                    t: Some(ti),
                    b: Some(bi),
                    m,
                };
                if node_eq(&bi.value, &ti.value) {
                    whole(MergedNode::Same)
                } else if node_eq(&bi.value, &oi.value) {
                    whole(MergedNode::Take(TheirsNode::item(ti)))
                } else {
                    self.both_have(i, oi, ti, Some(bi))
                }
            })
            .collect();
        Some(if is_ours_unchanged(&items, n) {
            MergedNode::Same
        } else {
            MergedNode::Seq(items)
        })
    }

    /// The list's lines merged three-way. `None` when a side's list is not
    /// a block sequence on lines of its own.
    fn by_lines(
        &mut self,
        b: Option<&'a Node<'a>>,
        o: &'a Node<'a>,
        t: TheirsNode<'a>,
    ) -> Option<MergedNode<'a>> {
        let [base, ours, theirs] = self.texts;
        let (ours_region, col) = region(ours, o)?;
        let nl = crate::yaml::line_ending(ours);
        let moved_to = |text: &str, n: &Node| -> Option<String> {
            let (src, from) = region(text, n)?;
            Some(reindent(src, col as isize - from as isize, true, nl))
        };
        let theirs_region = moved_to(theirs, t.node)?;
        let base_region = match b {
            Some(b) if !b.items().is_empty() => moved_to(base, b)?,
            _ => String::new(),
        };
        let (text, conflicts) =
            merge_lines(&base_region, ours_region, &theirs_region, self.opts, nl);
        Some(MergedNode::Lines { text, conflicts })
    }
}

/// Whether an item of `side` that differs from base's item at its
/// position equals base's item at another position (a move, an insertion
/// or a deletion shifted the items).
fn moved(bis: &[Item], side: &[Item]) -> bool {
    side.iter().enumerate().any(|(i, s)| {
        !node_eq(&s.value, &bis[i].value)
            && bis
                .iter()
                .enumerate()
                .any(|(j, b)| j != i && node_eq(&s.value, &b.value))
    })
}

/// A block sequence's whole lines (from the comments above its first item
/// to its last item's line break) and its dash column; `None` unless
/// every item starts a line of its own.
fn region<'t>(text: &'t str, n: &Node) -> Option<(&'t str, usize)> {
    let items = n.items();
    let (first, last) = (items.first()?, items.last()?);
    let own_line = |it: &Item| !it.in_flow && text[it.line_start..it.dash].trim().is_empty();
    if n.style != Style::Block || !items.iter().all(own_line) {
        return None;
    }
    Some((&text[first.lead..last.next], first.dash - first.line_start))
}
