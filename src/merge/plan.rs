//! The three-way merge proper: compares base, ours and theirs node by node
//! and describes the result relative to ours ([`MergedNode`]), without
//! touching any text. The description says, for every node of ours, whether it stays,
//! is replaced by theirs' node or a computed scalar, has entries or items
//! added, removed or reordered, or is in conflict.

use super::order::{self, El};
use super::{FastMap, FastSet};
use crate::yaml::block::{Entry, Item, Kind, Node, Style, node_eq};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A node of theirs together with where its value text starts (just past
/// the `:` or `-` that introduces it) and the column its lines are
/// indented relative to, so it can be copied into ours' layout. It exists
/// because a node alone does not say where its text sits in theirs' file.
#[derive(Debug, Clone, Copy)]
pub struct TheirsNode<'a> {
    pub node: &'a Node<'a>,
    pub head: usize,
    pub col: usize,
}

impl<'a> TheirsNode<'a> {
    pub fn entry(e: &'a Entry<'a>) -> Self {
        TheirsNode {
            node: &e.value,
            head: e.colon_end,
            col: e.key_span.start - e.line_start,
        }
    }

    pub fn item(i: &'a Item<'a>) -> Self {
        TheirsNode {
            node: &i.value,
            head: i.dash + 1,
            col: i.dash - i.line_start,
        }
    }
}

/// The merged value of one node of ours: the plan the renderer turns into
/// edits of ours' text, kept separate so the merge decides without
/// touching text and the renderer writes without deciding.
#[derive(Debug)]
pub enum MergedNode<'a> {
    /// Ours as it is.
    Same,
    /// Theirs' value replaces ours.
    Take(TheirsNode<'a>),
    /// A computed scalar (`updated`, `vector`) replaces ours.
    Scalar(Value),
    /// Ours is a mapping; its entries in output order.
    Map(Vec<MergedEntry<'a>>),
    /// Ours is a sequence; its items in output order.
    Seq(Vec<MergedItem<'a>>),
    /// Both sides changed the node incompatibly: the parent writes the
    /// entry or item holding it as a conflict.
    Conflict,
}

/// One entry of a merged mapping, in output order: an entry of ours kept
/// (with its merged value), an entry only theirs added, or a conflict.
/// `o` indexes ours' entries (an index, so the renderer can find the
/// entry's text); `t` and `b` are the matching entries of theirs and base,
/// when they exist.
#[derive(Debug)]
pub enum MergedEntry<'a> {
    Keep {
        o: usize,
        t: Option<&'a Entry<'a>>,
        b: Option<&'a Entry<'a>>,
        m: MergedNode<'a>,
    },
    Add(&'a Entry<'a>),
    Conflict {
        o: Option<usize>,
        t: Option<&'a Entry<'a>>,
        b: Option<&'a Entry<'a>>,
    },
}

/// One item of a merged sequence, like [`MergedEntry`] for a mapping's
/// entries; its own type because items and entries lay out differently
/// (an [`Item`] starts at its dash, an [`Entry`] at its key).
#[derive(Debug)]
pub enum MergedItem<'a> {
    Keep {
        o: usize,
        t: Option<&'a Item<'a>>,
        b: Option<&'a Item<'a>>,
        m: MergedNode<'a>,
    },
    Add(&'a Item<'a>),
    Conflict {
        o: Option<usize>,
        t: Option<&'a Item<'a>>,
        b: Option<&'a Item<'a>>,
    },
}

/// Walks the three trees. `keys` maps the dotted path of a list (mapping
/// keys only, list levels skipped: `capabilities`, `modules.instances`) to
/// the field identifying its rows; `id` when absent.
pub struct Merger<'a, 'k> {
    keys: &'k BTreeMap<String, String>,
    path: Vec<&'a str>,
}

const DEFAULT_KEY: &str = "id";

impl<'a, 'k> Merger<'a, 'k> {
    pub fn new(keys: &'k BTreeMap<String, String>) -> Self {
        Merger {
            keys,
            path: Vec::new(),
        }
    }

    /// Merge one node: `b` is base's node (absent when the node is new on
    /// both sides), `o` ours', `t` theirs'.
    pub fn value(
        &mut self,
        b: Option<&'a Node<'a>>,
        o: &'a Node<'a>,
        t: TheirsNode<'a>,
    ) -> MergedNode<'a> {
        let tn = t.node;
        let same_kind = (o.is_map() && tn.is_map()) || (o.is_seq() && tn.is_seq());
        // A base the scanner could only read as a whole (an opaque
        // collection) cannot be merged into: never treat it as absent.
        let opaque_base =
            b.is_some_and(|b| matches!(&b.kind, Kind::Opaque(v) if v.is_object() || v.is_array()));
        // Block collections of the same kind merge entry by entry or row by
        // row (which also finds when nothing changed) without comparing
        // the whole subtrees first.
        if same_kind && o.style == Style::Block && !opaque_base {
            return self.descend(b, o, t);
        }
        if node_eq(o, tn) {
            return MergedNode::Same;
        }
        let ours_unchanged = b.is_some_and(|b| node_eq(b, o));
        // A flow collection ours did not touch is simply replaced by
        // theirs (keeps theirs' layout, e.g. `[]` growing into block rows).
        if same_kind && !ours_unchanged && !opaque_base {
            return self.descend(b, o, t);
        }
        if ours_unchanged {
            return MergedNode::Take(t);
        }
        if b.is_some_and(|b| node_eq(b, tn)) {
            return MergedNode::Same;
        }
        self.special(b, o, t).unwrap_or(MergedNode::Conflict)
    }

    fn descend(
        &mut self,
        b: Option<&'a Node<'a>>,
        o: &'a Node<'a>,
        t: TheirsNode<'a>,
    ) -> MergedNode<'a> {
        if o.is_map() {
            self.map(b.filter(|b| b.is_map()), o, t.node)
        } else {
            self.seq(b.filter(|b| b.is_seq()), o, t)
        }
    }

    /// `updated` takes the later date; `vector` merges per dimension.
    fn special(&self, b: Option<&Node>, o: &Node, t: TheirsNode<'a>) -> Option<MergedNode<'a>> {
        let field = *self.path.last()?;
        let ov = o.as_str()?;
        let tv = t.node.as_str()?;
        match field {
            "updated" => {
                if !is_date_like(ov) || !is_date_like(tv) {
                    return None;
                }
                Some(if ov >= tv {
                    MergedNode::Same
                } else {
                    MergedNode::Take(t)
                })
            }
            "vector" => {
                let ovec = parse_vector(ov)?;
                let tvec = parse_vector(tv)?;
                let bvec = b.and_then(|b| b.as_str()).and_then(parse_vector);
                let mut out = [0u32; 4];
                for d in 0..4 {
                    let (x, y) = (ovec[d], tvec[d]);
                    out[d] = match bvec {
                        _ if x == y => x,
                        Some(bv) if bv[d] == x => y,
                        Some(bv) if bv[d] == y => x,
                        _ => x.max(y),
                    };
                }
                let merged = format!("D{}/A{}/C{}/R{}", out[0], out[1], out[2], out[3]);
                Some(if merged == ov {
                    MergedNode::Same
                } else if merged == tv {
                    MergedNode::Take(t)
                } else {
                    MergedNode::Scalar(Value::String(merged))
                })
            }
            _ => None,
        }
    }

    fn map(&mut self, b: Option<&'a Node<'a>>, o: &'a Node<'a>, t: &'a Node<'a>) -> MergedNode<'a> {
        let (oes, tes) = (o.entries(), t.entries());
        let bes = b.map_or(&[][..], |b| b.entries());
        let (oi_of, ti_of, bi_of) = (Index::new(oes), Index::new(tes), Index::new(bes));
        let mut per_ours: Vec<Option<MergedEntry<'a>>> = Vec::with_capacity(oes.len());
        for (oi, oe) in oes.iter().enumerate() {
            let te = ti_of.get(tes, &oe.key);
            let be = bi_of.get(bes, &oe.key);
            self.path.push(oe.key.as_ref());
            let el = match (te, be) {
                (Some(te), _) => {
                    match self.value(be.map(|e| &e.value), &oe.value, TheirsNode::entry(te)) {
                        MergedNode::Conflict => Some(MergedEntry::Conflict {
                            o: Some(oi),
                            t: Some(te),
                            b: be,
                        }),
                        m => Some(MergedEntry::Keep {
                            o: oi,
                            t: Some(te),
                            b: be,
                            m,
                        }),
                    }
                }
                (None, Some(be)) if node_eq(&be.value, &oe.value) => None,
                (None, Some(be)) => Some(MergedEntry::Conflict {
                    o: Some(oi),
                    t: None,
                    b: Some(be),
                }),
                (None, None) => Some(MergedEntry::Keep {
                    o: oi,
                    t: None,
                    b: None,
                    m: MergedNode::Same,
                }),
            };
            self.path.pop();
            per_ours.push(el);
        }
        // Entries only theirs has go after the nearest preceding entry of
        // theirs that ours also has.
        let mut after: Vec<Vec<MergedEntry<'a>>> = (0..=oes.len()).map(|_| Vec::new()).collect();
        let mut anchor = 0;
        for te in tes {
            if let Some(oi) = oi_of.position(oes, &te.key) {
                anchor = oi + 1;
                continue;
            }
            let el = match bi_of.get(bes, &te.key) {
                Some(be) if node_eq(&be.value, &te.value) => continue,
                Some(be) => MergedEntry::Conflict {
                    o: None,
                    t: Some(te),
                    b: Some(be),
                },
                None => MergedEntry::Add(te),
            };
            after[anchor].push(el);
        }
        let mut out = Vec::with_capacity(oes.len() + 4);
        let mut after = after.into_iter();
        out.extend(after.next().unwrap_or_default());
        for (el, more) in per_ours.into_iter().zip(after) {
            out.extend(el);
            out.extend(more);
        }
        let unchanged = out.len() == oes.len()
            && out.iter().enumerate().all(
                |(i, e)| matches!(e, MergedEntry::Keep { o, m: MergedNode::Same, .. } if *o == i),
            );
        if unchanged {
            MergedNode::Same
        } else {
            MergedNode::Map(out)
        }
    }

    fn seq(
        &mut self,
        b: Option<&'a Node<'a>>,
        o: &'a Node<'a>,
        t: TheirsNode<'a>,
    ) -> MergedNode<'a> {
        let (ois, tis) = (o.items(), t.node.items());
        let bis = b.map_or(&[][..], |b| b.items());
        let field = if self.keys.is_empty() {
            DEFAULT_KEY
        } else {
            self.keys
                .get(&self.path.join("."))
                .map_or(DEFAULT_KEY, String::as_str)
        };
        let row_keys = |items: &'a [Item<'a>]| keys_of(items, |n| row_key(n, field));
        let scalar_keys = |items: &'a [Item<'a>]| keys_of(items, scalar_key);
        let (keys, rows) = match (row_keys(ois), row_keys(tis), row_keys(bis)) {
            (Some(ok), Some(tk), Some(bk)) => (Some((ok, tk, bk)), true),
            _ => match (scalar_keys(ois), scalar_keys(tis), scalar_keys(bis)) {
                (Some(ok), Some(tk), Some(bk)) => (Some((ok, tk, bk)), false),
                _ => (None, false),
            },
        };
        let Some((okeys, tkeys, bkeys)) = keys else {
            // Not a keyed list: a value like any other.
            if node_eq(o, t.node) {
                return MergedNode::Same;
            }
            if b.is_some_and(|b| node_eq(b, o)) {
                return MergedNode::Take(t);
            }
            if b.is_some_and(|b| node_eq(b, t.node)) {
                return MergedNode::Same;
            }
            return MergedNode::Conflict;
        };
        let bpos: FastMap<&str, usize> = bkeys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.as_ref(), i))
            .collect();
        let tpos: FastMap<&str, usize> = tkeys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.as_ref(), i))
            .collect();
        let opos: FastMap<&str, usize> = okeys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.as_ref(), i))
            .collect();
        let mut els: Vec<El<'a, '_>> = Vec::with_capacity(ois.len() + 8);
        for (oi, key) in okeys.iter().enumerate() {
            let (on, bi) = (&ois[oi], bpos.get(key.as_ref()).map(|&i| &bis[i]));
            let el = match tpos.get(key.as_ref()).map(|&i| &tis[i]) {
                Some(ti) => {
                    let item = if !rows || node_eq(&on.value, &ti.value) {
                        MergedItem::Keep {
                            o: oi,
                            t: Some(ti),
                            b: bi,
                            m: MergedNode::Same,
                        }
                    } else if bi.is_none() {
                        // The same new key added differently on both sides.
                        MergedItem::Conflict {
                            o: Some(oi),
                            t: Some(ti),
                            b: None,
                        }
                    } else {
                        match self.value(bi.map(|i| &i.value), &on.value, TheirsNode::item(ti)) {
                            MergedNode::Conflict => MergedItem::Conflict {
                                o: Some(oi),
                                t: Some(ti),
                                b: bi,
                            },
                            m => MergedItem::Keep {
                                o: oi,
                                t: Some(ti),
                                b: bi,
                                m,
                            },
                        }
                    };
                    El {
                        key,
                        oi: Some(oi),
                        ti: tpos.get(key.as_ref()).copied(),
                        item,
                    }
                }
                None => match bi {
                    Some(bi) if node_eq(&bi.value, &on.value) => continue,
                    Some(bi) => El {
                        key,
                        oi: Some(oi),
                        ti: None,
                        item: MergedItem::Conflict {
                            o: Some(oi),
                            t: None,
                            b: Some(bi),
                        },
                    },
                    None => El {
                        key,
                        oi: Some(oi),
                        ti: None,
                        item: MergedItem::Keep {
                            o: oi,
                            t: None,
                            b: None,
                            m: MergedNode::Same,
                        },
                    },
                },
            };
            els.push(el);
        }
        for (ti, key) in tkeys.iter().enumerate() {
            if opos.contains_key(key.as_ref()) {
                continue;
            }
            let tn = &tis[ti];
            let item = match bpos.get(key.as_ref()).map(|&i| &bis[i]) {
                Some(bi) if node_eq(&bi.value, &tn.value) => continue,
                Some(bi) => MergedItem::Conflict {
                    o: None,
                    t: Some(tn),
                    b: Some(bi),
                },
                None => MergedItem::Add(tn),
            };
            els.push(El {
                key,
                oi: None,
                ti: Some(ti),
                item,
            });
        }
        let items = order::order(els, &bkeys, &okeys, &tkeys);
        let unchanged = items.len() == ois.len()
            && items.iter().enumerate().all(
                |(i, e)| matches!(e, MergedItem::Keep { o, m: MergedNode::Same, .. } if *o == i),
            );
        if unchanged {
            MergedNode::Same
        } else {
            MergedNode::Seq(items)
        }
    }
}

/// Look entries up by key: linear for the handful of fields a row has,
/// hashed for big mappings.
enum Index<'a> {
    Linear,
    Hashed(FastMap<&'a str, usize>),
}

impl<'a> Index<'a> {
    fn new(entries: &'a [Entry<'a>]) -> Self {
        if entries.len() <= 16 {
            Index::Linear
        } else {
            Index::Hashed(
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.key.as_ref(), i))
                    .collect(),
            )
        }
    }

    fn position(&self, entries: &[Entry], key: &str) -> Option<usize> {
        match self {
            Index::Linear => entries.iter().position(|e| e.key == key),
            Index::Hashed(m) => m.get(key).copied(),
        }
    }

    fn get<'e, 't>(&self, entries: &'e [Entry<'t>], key: &str) -> Option<&'e Entry<'t>> {
        self.position(entries, key).map(|i| &entries[i])
    }
}

/// The keys of a list's items, or `None` when an item has none or two
/// items share one.
fn keys_of<'a>(
    items: &'a [Item<'a>],
    key: impl Fn(&'a Node<'a>) -> Option<Cow<'a, str>>,
) -> Option<Vec<Cow<'a, str>>> {
    let keys: Vec<Cow<'a, str>> = items.iter().map(|i| key(&i.value)).collect::<Option<_>>()?;
    let mut seen = FastSet::with_capacity_and_hasher(keys.len(), Default::default());
    keys.iter().all(|k| seen.insert(k.as_ref())).then_some(keys)
}

/// A row's identity: its key field, when it is a scalar.
fn row_key<'a>(node: &'a Node, field: &str) -> Option<Cow<'a, str>> {
    if !matches!(node.kind, Kind::Map(_)) {
        return None;
    }
    scalar_key(&node.get(field)?.value)
}

/// A scalar's identity in an ordered set. Strings are themselves, so
/// sorting keys sorts the list; other scalars are tagged so `5` and `"5"`
/// stay different.
fn scalar_key<'a>(node: &'a Node) -> Option<Cow<'a, str>> {
    match &node.kind {
        Kind::Str(s) => Some(Cow::Borrowed(s.as_ref())),
        Kind::Opaque(v) if v.is_string() => v.as_str().map(Cow::Borrowed),
        Kind::Scalar(v) => Some(Cow::Owned(format!("\u{0}{v}"))),
        Kind::Opaque(v) if !v.is_object() && !v.is_array() => Some(Cow::Owned(format!("\u{0}{v}"))),
        _ => None,
    }
}

fn is_date_like(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// `D<n>/A<n>/C<n>/R<n>`.
fn parse_vector(s: &str) -> Option<[u32; 4]> {
    let mut out = [0u32; 4];
    let mut parts = s.split('/');
    for (i, dim) in ['D', 'A', 'C', 'R'].iter().enumerate() {
        let part = parts.next()?;
        let digits = part.strip_prefix(*dim)?;
        if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        out[i] = digits.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_and_dates_parse() {
        assert_eq!(parse_vector("D5/A4/C5/R3"), Some([5, 4, 5, 3]));
        assert_eq!(parse_vector("D5/A4/C5"), None);
        assert_eq!(parse_vector("D5/A4/C5/R3/X1"), None);
        assert_eq!(parse_vector("A5/D4/C5/R3"), None);
        assert!(is_date_like("2026-06-17"));
        assert!(!is_date_like("June 17"));
    }
}
