//! The three-way merge proper: compares base, ours and theirs node by node
//! and describes the result relative to ours ([`MergedNode`]), without
//! touching any text. The description says, for every node of ours, whether it stays,
//! is replaced by theirs' node or a computed scalar, has entries or items
//! added, removed or reordered, or is in conflict.

mod derived;
mod identity;
mod unkeyed;

use super::order::{self, El};
use super::{FastMap, FastSet, Options};
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
    /// Ours is a block sequence the merge cannot key; `text` (its lines
    /// merged three-way, in ours' columns and line ending, with
    /// `conflicts` marker blocks) replaces its lines.
    Lines { text: String, conflicts: usize },
}

/// One element of a merged mapping or sequence, in output order: an
/// element of ours kept (with its merged value), an element only theirs
/// added, or a conflict. `o` indexes ours' elements (an index, so the
/// renderer can find the element's text); `t` and `b` are the matching
/// elements of theirs and base, when they exist. `E` is [`Entry`] or
/// [`Item`]: the merge decides the same way for both, and the type keeps
/// them apart because they lay out differently (an [`Item`] starts at its
/// dash, an [`Entry`] at its key).
#[derive(Debug)]
pub enum Merged<'a, E> {
    Keep {
        o: usize,
        t: Option<&'a E>,
        b: Option<&'a E>,
        m: MergedNode<'a>,
    },
    Add(&'a E),
    Conflict {
        o: Option<usize>,
        t: Option<&'a E>,
        b: Option<&'a E>,
    },
}

/// One entry of a merged mapping.
pub type MergedEntry<'a> = Merged<'a, Entry<'a>>;

/// One item of a merged sequence.
pub type MergedItem<'a> = Merged<'a, Item<'a>>;

/// What the merge needs of an entry or an item: its value, and its value
/// as theirs' node (which also says where its text sits in theirs' file).
pub trait Element<'a> {
    fn node(&'a self) -> &'a Node<'a>;
    fn theirs(&'a self) -> TheirsNode<'a>;
}

impl<'a> Element<'a> for Entry<'a> {
    fn node(&'a self) -> &'a Node<'a> {
        &self.value
    }
    fn theirs(&'a self) -> TheirsNode<'a> {
        TheirsNode::entry(self)
    }
}

impl<'a> Element<'a> for Item<'a> {
    fn node(&'a self) -> &'a Node<'a> {
        &self.value
    }
    fn theirs(&'a self) -> TheirsNode<'a> {
        TheirsNode::item(self)
    }
}

/// Walks the three trees. `keys` maps the dotted path of a list (mapping
/// keys only, list levels skipped: `capabilities`, `modules.instances`) to
/// the field identifying its rows; `id` when absent. `texts` are base's,
/// ours' and theirs' texts, read only for lists merged by lines.
pub struct Merger<'a, 'k> {
    keys: &'k BTreeMap<String, String>,
    opts: &'k Options,
    texts: [&'a str; 3],
    path: Vec<&'a str>,
    /// Ours' row of a keyed list being merged (for messages).
    row: Option<&'a Node<'a>>,
    /// What the merge decided on its own that the user should hear of.
    pub notes: Vec<String>,
}

const DEFAULT_KEY: &str = "id";

impl<'a, 'k> Merger<'a, 'k> {
    pub fn new(opts: &'k Options, texts: [&'a str; 3]) -> Self {
        Merger {
            keys: &opts.keys,
            opts,
            texts,
            path: Vec::new(),
            row: None,
            notes: Vec::new(),
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
            let el = match te {
                Some(te) => Some(self.both_have(oi, oe, te, be)),
                None => ours_only(oi, oe, be),
            };
            let el = el.and_then(|el| self.settle_derived(el));
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
            self.path.push(te.key.as_ref());
            let el =
                theirs_only(te, bi_of.get(bes, &te.key)).and_then(|el| self.settle_derived(el));
            self.path.pop();
            after[anchor].extend(el);
        }
        let mut out = Vec::with_capacity(oes.len() + 4);
        let mut after = after.into_iter();
        out.extend(after.next().unwrap_or_default());
        for (el, more) in per_ours.into_iter().zip(after) {
            out.extend(el);
            out.extend(more);
        }
        if is_ours_unchanged(&out, oes.len()) {
            MergedNode::Same
        } else {
            MergedNode::Map(out)
        }
    }

    /// The field identifying the rows of the list at the current path.
    fn row_key_field(&self) -> &'k str {
        if self.keys.is_empty() {
            DEFAULT_KEY
        } else {
            self.keys
                .get(&self.path.join("."))
                .map_or(DEFAULT_KEY, String::as_str)
        }
    }

    /// A sequence merges row by row when every item of all three sides has
    /// a distinct key (its key field, or the scalar itself); otherwise see
    /// [`unkeyed`].
    fn seq(
        &mut self,
        b: Option<&'a Node<'a>>,
        o: &'a Node<'a>,
        t: TheirsNode<'a>,
    ) -> MergedNode<'a> {
        let (ois, tis) = (o.items(), t.node.items());
        let bis = b.map_or(&[][..], |b| b.items());
        let field = self.row_key_field();
        let Some(mut keys) = ListKeys::of(ois, tis, bis, field) else {
            return self.unkeyed(b, o, t);
        };
        identity::follow_renames(&mut keys, ois, tis, bis, field);
        let clashes = identity::case_clashes(&keys);
        let (bpos, tpos, opos) = (
            order::positions(&keys.base),
            order::positions(&keys.theirs),
            order::positions(&keys.ours),
        );
        let mut els: Vec<El<'a, '_>> = Vec::with_capacity(ois.len() + 8);
        for (oi, key) in keys.ours.iter().enumerate() {
            let (on, bi) = (&ois[oi], bpos.get(key.as_ref()).map(|&i| &bis[i]));
            let clash = clashes.iter().find(|c| c.0 == oi).map(|c| c.1);
            let ti = tpos.get(key.as_ref()).copied().or(clash);
            let item = match (ti, clash) {
                (Some(ti), Some(_)) => MergedItem::Conflict {
                    o: Some(oi),
                    t: Some(&tis[ti]),
                    b: None,
                },
                (Some(ti), None) => self.both_have_row(oi, on, &tis[ti], bi, keys.rows),
                (None, _) => match ours_only(oi, on, bi) {
                    Some(item) => item,
                    None => continue,
                },
            };
            els.push(El {
                key,
                oi: Some(oi),
                ti,
                item,
            });
        }
        for (ti, key) in keys.theirs.iter().enumerate() {
            if opos.contains_key(key.as_ref()) || clashes.iter().any(|c| c.1 == ti) {
                continue;
            }
            let bi = bpos.get(key.as_ref()).map(|&i| &bis[i]);
            if let Some(item) = theirs_only(&tis[ti], bi) {
                els.push(El {
                    key,
                    oi: None,
                    ti: Some(ti),
                    item,
                });
            }
        }
        let items = order::order(els, &keys.base, &keys.ours, &keys.theirs);
        if is_ours_unchanged(&items, ois.len()) {
            MergedNode::Same
        } else {
            MergedNode::Seq(items)
        }
    }

    /// An element ours and theirs both have: its values merge, and a
    /// conflict inside makes the whole element a conflict.
    fn both_have<E: Element<'a>>(
        &mut self,
        oi: usize,
        oe: &'a E,
        te: &'a E,
        be: Option<&'a E>,
    ) -> Merged<'a, E> {
        match self.value(be.map(|e| e.node()), oe.node(), te.theirs()) {
            MergedNode::Conflict => Merged::Conflict {
                o: Some(oi),
                t: Some(te),
                b: be,
            },
            m => Merged::Keep {
                o: oi,
                t: Some(te),
                b: be,
                m,
            },
        }
    }

    /// A list item ours and theirs both have: equal items (and scalars,
    /// which are their own key) stay; a row both sides added differently
    /// is a conflict; otherwise the rows merge like [`Self::both_have`].
    fn both_have_row(
        &mut self,
        oi: usize,
        on: &'a Item<'a>,
        ti: &'a Item<'a>,
        bi: Option<&'a Item<'a>>,
        rows: bool,
    ) -> MergedItem<'a> {
        if !rows || node_eq(&on.value, &ti.value) {
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
            let outer = self.row.replace(&on.value);
            let merged = self.both_have(oi, on, ti, bi);
            self.row = outer;
            merged
        }
    }
}

/// An element only ours has: ours added it (kept), or theirs deleted it
/// (dropped when ours left it as base had it, a conflict when ours
/// changed it).
fn ours_only<'a, E: Element<'a>>(oi: usize, oe: &'a E, be: Option<&'a E>) -> Option<Merged<'a, E>> {
    match be {
        Some(be) if node_eq(be.node(), oe.node()) => None,
        Some(be) => Some(Merged::Conflict {
            o: Some(oi),
            t: None,
            b: Some(be),
        }),
        None => Some(Merged::Keep {
            o: oi,
            t: None,
            b: None,
            m: MergedNode::Same,
        }),
    }
}

/// An element only theirs has: theirs added it (added), or ours deleted
/// it (dropped when theirs left it as base had it, a conflict when theirs
/// changed it).
fn theirs_only<'a, E: Element<'a>>(te: &'a E, be: Option<&'a E>) -> Option<Merged<'a, E>> {
    match be {
        Some(be) if node_eq(be.node(), te.node()) => None,
        Some(be) => Some(Merged::Conflict {
            o: None,
            t: Some(te),
            b: Some(be),
        }),
        None => Some(Merged::Add(te)),
    }
}

/// Whether the merged elements are exactly ours' `ours_len` elements, in
/// ours' order and unchanged: then the node is [`MergedNode::Same`].
fn is_ours_unchanged<E>(merged: &[Merged<'_, E>], ours_len: usize) -> bool {
    merged.len() == ours_len
        && merged
            .iter()
            .enumerate()
            .all(|(i, e)| matches!(e, Merged::Keep { o, m: MergedNode::Same, .. } if *o == i))
}

/// The keys of a keyed list's items on each side; `rows` says they are
/// rows' key fields rather than scalars that are their own key.
struct ListKeys<'a> {
    ours: Vec<Cow<'a, str>>,
    theirs: Vec<Cow<'a, str>>,
    base: Vec<Cow<'a, str>>,
    rows: bool,
}

impl<'a> ListKeys<'a> {
    /// Rows keyed by `field` on all three sides, else scalars on all three,
    /// else `None`.
    fn of(
        ois: &'a [Item<'a>],
        tis: &'a [Item<'a>],
        bis: &'a [Item<'a>],
        field: &str,
    ) -> Option<Self> {
        let row_keys = |items: &'a [Item<'a>]| keys_of(items, |n| row_key(n, field));
        if let (Some(ours), Some(theirs), Some(base)) =
            (row_keys(ois), row_keys(tis), row_keys(bis))
        {
            return Some(ListKeys {
                ours,
                theirs,
                base,
                rows: true,
            });
        }
        let scalar_keys = |items: &'a [Item<'a>]| keys_of(items, scalar_key);
        match (scalar_keys(ois), scalar_keys(tis), scalar_keys(bis)) {
            (Some(ours), Some(theirs), Some(base)) => Some(ListKeys {
                ours,
                theirs,
                base,
                rows: false,
            }),
            _ => None,
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

/// A row's identity: its key field, when it is a scalar; also in a row
/// the scanner keeps whole (a flow mapping holding a collection).
fn row_key<'a>(node: &'a Node, field: &str) -> Option<Cow<'a, str>> {
    match &node.kind {
        Kind::Map(_) => scalar_key(&node.get(field)?.value),
        Kind::Opaque(v) => match v.get(field)? {
            Value::String(s) => Some(Cow::Borrowed(s.as_str())),
            Value::Array(_) | Value::Object(_) => None,
            other => Some(Cow::Owned(format!("\u{0}{other}"))),
        },
        _ => None,
    }
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
