//! Derived index fields (SPEC §2.1): an index row's `title`, `status`,
//! `vector` and `path` are copies of its entry's, so both sides changing
//! one differently is never a human question (issue 13, item 5). The merge
//! takes one side's value, writes no markers, and says which; the
//! re-derivation
//! from the merged entry (the `post-merge` hook after a clean merge, the
//! merge commit's `pre-commit` after a conflicted one, `update --apply`)
//! then writes the right value.

use super::{Element, Merged, MergedNode, Merger};
use crate::yaml::block::{Node, to_value};
use serde_json::Value;
use std::cmp::Ordering;

/// The list holding the index's rows, and its derived fields.
const INDEX_LIST: &str = "capabilities";
const DERIVED: &[&str] = &["title", "status", "vector", "path"];

impl<'a> Merger<'a, '_> {
    /// Whether the entry being merged is a derived field of an index row.
    fn at_derived_field(&self) -> bool {
        matches!(self.path.as_slice(), [list, field] if *list == INDEX_LIST && DERIVED.contains(field))
    }

    /// A conflict over a derived field settled by taking one side: the
    /// value that sorts last when both sides have one, else the side that
    /// changed it rather than the side that deleted it. Which side never
    /// depends on which is ours, so swapping the sides gives the same
    /// data. `None` drops the entry.
    pub(super) fn settle_derived<E: Element<'a>>(
        &mut self,
        el: Merged<'a, E>,
    ) -> Option<Merged<'a, E>> {
        let Merged::Conflict { o, t, b } = el else {
            return Some(el);
        };
        if !self.at_derived_field() {
            return Some(Merged::Conflict { o, t, b });
        }
        let (kept, settled) = match (o, t) {
            (Some(oi), Some(te)) => {
                let ours = self.ours_value(oi);
                if ours.is_some_and(|ov| later(&to_value(te.node()), &ov)) {
                    let m = MergedNode::Take(te.theirs());
                    ("theirs", Merged::Keep { o: oi, t, b, m })
                } else {
                    let m = MergedNode::Same;
                    ("ours", Merged::Keep { o: oi, t, b, m })
                }
            }
            (Some(oi), None) => {
                let m = MergedNode::Same;
                ("ours", Merged::Keep { o: oi, t, b, m })
            }
            (None, Some(te)) => ("theirs", Merged::Add(te)),
            (None, None) => return None,
        };
        let field = self.path.last().copied().unwrap_or_default();
        let row = self
            .row
            .and_then(|r| row_id(r, self.row_key_field()))
            .unwrap_or_else(|| "?".into());
        self.notes.push(format!(
            "{INDEX_LIST}[{row}].{field}: both sides changed this derived field; kept {kept}' \
             value, the merged entry decides (the post-merge or pre-commit hook re-derives it, \
             or run `reuse-surface update --apply`)"
        ));
        Some(settled)
    }

    /// The value of field `oi` of ours' row being merged.
    fn ours_value(&self, oi: usize) -> Option<Value> {
        self.row?.entries().get(oi).map(|e| to_value(&e.value))
    }
}

/// Whether `a` sorts after `b` (strings as strings, anything else by its
/// JSON text).
fn later(a: &Value, b: &Value) -> bool {
    let ord = match (a, b) {
        (Value::String(x), Value::String(y)) => x.cmp(y),
        _ => a.to_string().cmp(&b.to_string()),
    };
    ord == Ordering::Greater
}

/// A row's key, for messages.
fn row_id(row: &Node, field: &str) -> Option<String> {
    row.get(field)?.value.as_str().map(String::from)
}
