//! Where the rows of a merged keyed list go.
//!
//! When base, ours and theirs are all sorted by key, the result is sorted
//! by key. Otherwise the rows both sides have keep the order of the side
//! that reordered them (or the common order when neither did), and each row
//! only one side has goes right after the row that precedes it on that
//! side. Rows both sides put after the same row go in the order of the base
//! rows they follow on their side (even a row the other side deleted), as
//! git's line merge places them. Every remaining tie is broken by the rows'
//! keys, never by which side is "ours", so swapping the sides gives the
//! same order.

use super::FastMap;
use super::plan::MergedItem;
use std::borrow::Cow;

/// One row of the merged list before ordering: its key, its position in
/// ours and in theirs (when the side has it), and what to write.
pub struct El<'a, 'k> {
    pub key: &'k str,
    pub oi: Option<usize>,
    pub ti: Option<usize>,
    pub item: MergedItem<'a>,
}

fn sorted<S: AsRef<str>>(keys: &[S]) -> bool {
    keys.windows(2).all(|w| w[0].as_ref() < w[1].as_ref())
}

/// Each key's position in `keys`.
pub fn positions<'k>(keys: &'k [Cow<str>]) -> FastMap<&'k str, usize> {
    keys.iter()
        .enumerate()
        .map(|(i, k)| (k.as_ref(), i))
        .collect()
}

/// The merged list's rows in output order (see the module doc). `bkeys`,
/// `okeys` and `tkeys` are the keys of base, ours and theirs in their
/// order.
pub fn order<'a>(
    els: Vec<El<'a, '_>>,
    bkeys: &[Cow<str>],
    okeys: &[Cow<str>],
    tkeys: &[Cow<str>],
) -> Vec<MergedItem<'a>> {
    let mut els = els;
    if sorted(bkeys) && sorted(okeys) && sorted(tkeys) {
        els.sort_by(|a, b| a.key.cmp(b.key));
        return els.into_iter().map(|e| e.item).collect();
    }
    let n = els.len();
    let skeleton = skeleton(&els, bkeys);
    let mut in_skeleton = vec![false; n];
    for &i in &skeleton {
        in_skeleton[i] = true;
    }
    let mut ours_runs = runs_after_skeleton(&els, &in_skeleton, |e| e.oi);
    let mut theirs_runs = runs_after_skeleton(&els, &in_skeleton, |e| e.ti);
    let (ours_after, theirs_after) = (base_anchors(okeys, bkeys), base_anchors(tkeys, bkeys));
    let key = |i: usize| els[i].key;
    let anchor_of = |i: usize| {
        let e = &els[i];
        let (oa, ta) = (ours_after.get(e.key), theirs_after.get(e.key));
        oa.or(ta).copied().flatten()
    };
    let mut combine = |anchor: Option<usize>, out: &mut Vec<usize>| {
        let a = ours_runs.remove(&anchor).unwrap_or_default();
        let b = theirs_runs.remove(&anchor).unwrap_or_default();
        by_base_anchor(a, b, anchor_of, key, out);
    };
    let mut order = Vec::with_capacity(n);
    combine(None, &mut order);
    for &s in &skeleton {
        order.push(s);
        combine(Some(s), &mut order);
    }
    let mut slots: Vec<Option<MergedItem<'a>>> = els.into_iter().map(|e| Some(e.item)).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// The order of the rows both sides have (indexes into `els`): the order
/// of the side that reordered them against base, else whichever side's is
/// sorted by key, else the smaller key sequence, so swapping the sides
/// never changes the answer.
fn skeleton(els: &[El], bkeys: &[Cow<str>]) -> Vec<usize> {
    let common: Vec<usize> = (0..els.len())
        .filter(|&i| els[i].oi.is_some() && els[i].ti.is_some())
        .collect();
    let mut p_o = common.clone();
    p_o.sort_by_key(|&i| els[i].oi);
    let mut p_t = common;
    p_t.sort_by_key(|&i| els[i].ti);
    if p_o == p_t {
        return p_o;
    }
    let keyseq = |p: &[usize]| p.iter().map(|&i| els[i].key).collect::<Vec<&str>>();
    let bpos = positions(bkeys);
    let reordered = |p: &[usize]| {
        let pos: Vec<usize> = p
            .iter()
            .filter_map(|&i| bpos.get(els[i].key).copied())
            .collect();
        !pos.windows(2).all(|w| w[0] < w[1])
    };
    let (ro, rt) = (reordered(&p_o), reordered(&p_t));
    let (ko, kt) = (keyseq(&p_o), keyseq(&p_t));
    if ro && !rt {
        p_o
    } else if rt && !ro {
        p_t
    } else if sorted(&ko) {
        p_o
    } else if sorted(&kt) {
        p_t
    } else if ko <= kt {
        p_o
    } else {
        p_t
    }
}

/// The rows one side has outside the skeleton, grouped by the skeleton row
/// they follow on that side (`None`: before the first); `pos` is the
/// row's position on that side.
fn runs_after_skeleton(
    els: &[El],
    in_skeleton: &[bool],
    pos: impl Fn(&El) -> Option<usize>,
) -> FastMap<Option<usize>, Vec<usize>> {
    let mut side: Vec<usize> = (0..els.len()).filter(|&i| pos(&els[i]).is_some()).collect();
    side.sort_by_key(|&i| pos(&els[i]));
    let mut groups: FastMap<Option<usize>, Vec<usize>> = FastMap::default();
    let mut anchor = None;
    for i in side {
        if in_skeleton[i] {
            anchor = Some(i);
        } else {
            groups.entry(anchor).or_default().push(i);
        }
    }
    groups
}

/// For each row of a side, the base position it sits at or after: its own
/// when base has it, else that of the nearest row before it on the side
/// that base has (`None`: before all of them).
fn base_anchors<'k>(side: &'k [Cow<str>], bkeys: &[Cow<str>]) -> FastMap<&'k str, Option<usize>> {
    let bpos = positions(bkeys);
    let mut last = None;
    side.iter()
        .map(|k| {
            if let Some(&b) = bpos.get(k.as_ref()) {
                last = Some(b);
            }
            (k.as_ref(), last)
        })
        .collect()
}

/// Appends two runs that follow the same skeleton row, chunk by chunk of
/// rows after the same base row, the chunk after the earlier base row
/// first; chunks after the same base row go as [`interleave_runs`] says.
fn by_base_anchor<'k>(
    a: Vec<usize>,
    b: Vec<usize>,
    anchor: impl Fn(usize) -> Option<usize>,
    key: impl Fn(usize) -> &'k str + Copy,
    out: &mut Vec<usize>,
) {
    let chunks = |run: Vec<usize>| {
        let mut cs: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
        for i in run {
            match cs.last_mut() {
                Some((at, c)) if *at == anchor(i) => c.push(i),
                _ => cs.push((anchor(i), vec![i])),
            }
        }
        cs.into_iter().peekable()
    };
    let (mut x, mut y) = (chunks(a), chunks(b));
    loop {
        match (x.peek(), y.peek()) {
            (Some((p, _)), Some((q, _))) if p < q => out.extend(x.next().unwrap_or_default().1),
            (Some((p, _)), Some((q, _))) if q < p => out.extend(y.next().unwrap_or_default().1),
            (Some(_), Some(_)) => {
                let (c, d) = (
                    x.next().unwrap_or_default().1,
                    y.next().unwrap_or_default().1,
                );
                interleave_runs(c, d, key, out);
            }
            (Some(_), None) => out.extend(x.next().unwrap_or_default().1),
            (None, Some(_)) => out.extend(y.next().unwrap_or_default().1),
            (None, None) => break,
        }
    }
}

/// Appends two runs that follow the same skeleton row: merged by key when
/// both are sorted, else the run with the smaller first key first.
fn interleave_runs<'k>(
    a: Vec<usize>,
    b: Vec<usize>,
    key: impl Fn(usize) -> &'k str,
    out: &mut Vec<usize>,
) {
    if a.is_empty() || b.is_empty() {
        out.extend(a);
        out.extend(b);
    } else if sorted(&a.iter().map(|&i| key(i)).collect::<Vec<_>>())
        && sorted(&b.iter().map(|&i| key(i)).collect::<Vec<_>>())
    {
        let (mut x, mut y) = (a.into_iter().peekable(), b.into_iter().peekable());
        while let (Some(&i), Some(&j)) = (x.peek(), y.peek()) {
            if key(i) < key(j) {
                out.push(i);
                x.next();
            } else {
                out.push(j);
                y.next();
            }
        }
        out.extend(x);
        out.extend(y);
    } else if key(a[0]) < key(b[0]) {
        out.extend(a);
        out.extend(b);
    } else {
        out.extend(b);
        out.extend(a);
    }
}
