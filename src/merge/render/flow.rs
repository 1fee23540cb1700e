//! One-line flow collections of ours, merged and written on one line.

use super::{Escalate, Renderer};
use crate::merge::plan::{MergedEntry, MergedItem, MergedNode};
use crate::yaml::block::{Node, Style, to_value};
use crate::yaml::{render_flow_scalar, render_flow_value};

impl Renderer<'_> {
    /// A merged flow collection (or a value inside one), written on one line.
    pub(super) fn flow(&self, o: &Node, m: &MergedNode) -> Result<String, Escalate> {
        match m {
            MergedNode::Same => Ok(self.ours[o.span.clone()].to_string()),
            MergedNode::Take(f) => Ok(self.theirs_flow(f.node)),
            MergedNode::Scalar(v) => Ok(render_flow_value(v)),
            MergedNode::Map(ments) => {
                let es = o.entries();
                let mut parts = Vec::with_capacity(ments.len());
                for el in ments {
                    parts.push(match el {
                        MergedEntry::Keep { o: oi, m, .. } => {
                            let e = &es[*oi];
                            format!(
                                "{}: {}",
                                render_flow_scalar(&e.key),
                                self.flow(&e.value, m)?
                            )
                        }
                        MergedEntry::Add(te) => {
                            format!(
                                "{}: {}",
                                render_flow_scalar(&te.key),
                                self.theirs_flow(&te.value)
                            )
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
            MergedNode::Conflict | MergedNode::Lines { .. } => Err(Escalate),
        }
    }

    /// Theirs' node as flow text: its own text when that is valid inside a
    /// flow collection, else rendered from its value.
    pub(super) fn theirs_flow(&self, n: &Node) -> String {
        let raw = &self.theirs[n.span.clone()];
        let ok = match n.style {
            Style::Flow | Style::Single | Style::Double => true,
            Style::Plain => !raw.contains([',', '[', ']', '{', '}']),
            _ => false,
        };
        if ok {
            raw.to_string()
        } else {
            render_flow_value(&to_value(n))
        }
    }
}
