//! Row identity beyond equal keys: a key one side changed (issue 13, item
//! 6) and keys two sides added that differ only in case (item 3).

use super::ListKeys;
use super::order::positions;
use crate::yaml::block::{Item, Kind, Node, node_eq};
use std::borrow::Cow;

/// A row one side deleted and a row the same side added at the same place
/// (the same row before or after it), every field but the key equal (and
/// there is at least one): that side changed the row's key. So is such a pair with the same rows both
/// before and after it and at least half of base's other fields kept (a
/// key changed along with an edit: git's line merge reads it the same
/// way). The other side's row (and base's) is then known by the new key,
/// so its edits merge into the renamed row instead of conflicting as an
/// edit of a deleted row.
pub(super) fn follow_renames<'a>(
    keys: &mut ListKeys<'a>,
    ois: &'a [Item<'a>],
    tis: &'a [Item<'a>],
    bis: &'a [Item<'a>],
    field: &str,
) {
    if !keys.rows {
        return;
    }
    for ours_side in [true, false] {
        let renames = {
            let (side, items) = if ours_side {
                (&keys.ours, ois)
            } else {
                (&keys.theirs, tis)
            };
            let other = if ours_side { &keys.theirs } else { &keys.ours };
            renames_on(side, items, other, &keys.base, bis, field)
        };
        for (old, new) in renames {
            let other = if ours_side {
                &mut keys.theirs
            } else {
                &mut keys.ours
            };
            for list in [&mut keys.base, other] {
                if let Some(k) = list.iter_mut().find(|k| **k == *old) {
                    *k = new.clone();
                }
            }
        }
    }
}

/// The (old key, new key) pairs of the renames `side` made.
fn renames_on<'a>(
    side: &[Cow<'a, str>],
    items: &'a [Item<'a>],
    other: &[Cow<'a, str>],
    base: &[Cow<'a, str>],
    bis: &'a [Item<'a>],
    field: &str,
) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
    let (spos, opos, bpos) = (positions(side), positions(other), positions(base));
    let mut out = Vec::new();
    for (si, new) in side.iter().enumerate() {
        if bpos.contains_key(new.as_ref()) || opos.contains_key(new.as_ref()) {
            continue;
        }
        let (s_before, s_after) = neighbours(side, si);
        let old = base.iter().enumerate().find(|&(bi, old)| {
            let (b_before, b_after) = neighbours(base, bi);
            let (kept, of) = fields_kept(&items[si].value, &bis[bi].value, field);
            !spos.contains_key(old.as_ref())
                && opos.contains_key(old.as_ref())
                && kept > 0
                && ((kept == of && (s_before == b_before || s_after == b_after))
                    || (2 * kept >= of && s_before == b_before && s_after == b_after))
        });
        if let Some((_, old)) = old
            && !out.iter().any(|(o, _): &(Cow<str>, Cow<str>)| o == old)
        {
            out.push((old.clone(), new.clone()));
        }
    }
    out
}

/// The keys before and after the `i`-th of `keys`.
fn neighbours<'k>(keys: &'k [Cow<str>], i: usize) -> (Option<&'k str>, Option<&'k str>) {
    let before = i.checked_sub(1).map(|p| keys[p].as_ref());
    (before, keys.get(i + 1).map(|k| k.as_ref()))
}

/// How many of base row `b`'s fields other than the key row `a` has with
/// the same value, and how many such fields there are on either row
/// (`(0, 1)` when either is not a mapping).
fn fields_kept(a: &Node, b: &Node, field: &str) -> (usize, usize) {
    let (Kind::Map(x), Kind::Map(y)) = (&a.kind, &b.kind) else {
        return (0, 1);
    };
    let kept = y
        .iter()
        .filter(|f| f.key != field)
        .filter(|f| {
            x.iter()
                .any(|e| e.key == f.key && node_eq(&e.value, &f.value))
        })
        .count();
    let of = x.len().max(y.len()).saturating_sub(1);
    (kept, of)
}

/// Pairs (index in ours, index in theirs) of rows the two sides added with
/// keys that differ only in case (`Testkube`, `TestKube`): one row two
/// ways, a conflict rather than two rows.
pub(super) fn case_clashes(keys: &ListKeys) -> Vec<(usize, usize)> {
    if !keys.rows {
        return Vec::new();
    }
    let (bpos, opos, tpos) = (
        positions(&keys.base),
        positions(&keys.ours),
        positions(&keys.theirs),
    );
    let added = |keys: &[Cow<str>], other: &super::FastMap<&str, usize>| -> Vec<(usize, String)> {
        keys.iter()
            .enumerate()
            .filter(|(_, k)| !bpos.contains_key(k.as_ref()) && !other.contains_key(k.as_ref()))
            .map(|(i, k)| (i, k.to_lowercase()))
            .collect()
    };
    let theirs_added = added(&keys.theirs, &opos);
    let mut out = Vec::new();
    for (oi, lower) in added(&keys.ours, &tpos) {
        if let Some((ti, _)) = theirs_added.iter().find(|(_, l)| *l == lower)
            && !out.iter().any(|&(_, t)| t == *ti)
        {
            out.push((oi, *ti));
        }
    }
    out
}
