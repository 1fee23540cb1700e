//! The merged text read back against the plan: the driver writes its
//! output only when the scanned result holds exactly what the plan says.

use crate::merge::plan::{MergedEntry, MergedItem, MergedNode};
use crate::yaml::block::{Kind, Node, to_value};
use serde_json::Value;

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
        MergedNode::Lines { value, .. } => value.as_ref().is_some_and(|v| value_eq(v, out)),
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
        MergedNode::Lines { value, .. } => value.clone()?,
        MergedNode::Conflict => return None,
    })
}
