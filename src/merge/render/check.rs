//! The merged text read back against the plan: the driver writes its
//! output only when the scanned result holds exactly what the plan says.

use crate::merge::plan::{MergedEntry, MergedItem, MergedNode};
use crate::yaml::block::{self, Kind, Node, to_value};
use serde_json::Value;

/// Whether the scanned output `out` (a node of the output text `text`)
/// holds exactly what the plan says: ours' node `o` merged as `m`.
pub fn check(text: &str, out: &Node, o: &Node, m: &MergedNode) -> bool {
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
                        find(&es[*oi].key).is_some_and(|n| check(text, n, &es[*oi].value, m))
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
                    MergedItem::Keep { o: oi, m, .. } => {
                        check(text, &n.value, &items[*oi].value, m)
                    }
                    MergedItem::Add(ti) => node_eq(&n.value, &ti.value),
                    MergedItem::Conflict { .. } => false,
                })
        }
        MergedNode::Lines { text: lines, .. } => lines_hold(text, out, lines),
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
        MergedNode::Lines { text, .. } => region_value(text)?,
        MergedNode::Conflict => return None,
    })
}

/// A list merged by lines: the output's node is what the merged lines
/// say. When the scan gave the node exactly those bytes (from its first
/// item's comments to its last item's line break), it read them in the
/// place they were written, so it holds what they say; otherwise the
/// lines are read on their own and compared.
fn lines_hold(text: &str, out: &Node, lines: &str) -> bool {
    let items = out.items();
    if let (Some(first), Some(last)) = (items.first(), items.last())
        && matches!(out.kind, Kind::Seq(_))
        && text.get(first.lead..last.next) == Some(lines)
    {
        return true;
    }
    region_value(lines).is_some_and(|v| crate::yaml::block::value_eq(&v, out))
}

/// The value merged lines of a list hold, read as the value of a key;
/// `None` when they are not a document the strict parser reads.
fn region_value(lines: &str) -> Option<Value> {
    let doc = format!("k:{}{lines}", crate::yaml::line_ending(lines));
    let v = match block::scan(&doc) {
        Ok(d) => to_value(&d.root),
        Err(_) => block::strict_value(&doc).ok()?,
    };
    // Moved out, not cloned: the region may be most of a large file.
    match v {
        Value::Object(mut m) => m.swap_remove("k"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(text: &str) -> Node<'_> {
        let doc = block::scan(text).expect("scans");
        let Kind::Map(mut es) = doc.root.kind else {
            panic!("not a mapping")
        };
        es.remove(0).value
    }

    #[test]
    fn merged_lines_hold_by_their_bytes_or_by_what_they_read_as() {
        let text = "k:\n  # first\n  - a\n  - {b: 1}\n";
        let out = list(text);
        // The node holds exactly the merged lines: no second reading.
        let (first, last) = (&out.items()[0], &out.items()[1]);
        assert_eq!(
            &text[first.lead..last.next],
            "  # first\n  - a\n  - {b: 1}\n"
        );
        assert!(lines_hold(text, &out, "  # first\n  - a\n  - {b: 1}\n"));
        // Other bytes that read as the same list (the slow path).
        assert!(lines_hold(text, &out, "  - a\n\n  - b: 1\n"));
        // Other bytes that read as another list, or do not read at all.
        assert!(!lines_hold(text, &out, "  - a\n  - {b: 2}\n"));
        assert!(!lines_hold(text, &out, "  - a\n  - [b\n"));
    }
}
