//! Where the rows of a merged keyed list go.
//!
//! When base, ours and theirs are all sorted by key, the result is sorted
//! by key. Otherwise the rows both sides have keep the order of the side
//! that reordered them (or the common order when neither did), and each row
//! only one side has goes right after the row that precedes it on that
//! side. Every tie is broken by the rows' keys, never by which side is
//! "ours", so swapping the sides gives the same order.

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
    let common: Vec<usize> = (0..n)
        .filter(|&i| els[i].oi.is_some() && els[i].ti.is_some())
        .collect();
    let mut p_o = common.clone();
    p_o.sort_by_key(|&i| els[i].oi);
    let mut p_t = common;
    p_t.sort_by_key(|&i| els[i].ti);
    let keyseq = |p: &[usize]| p.iter().map(|&i| els[i].key).collect::<Vec<&str>>();
    let skeleton = if p_o == p_t {
        p_o
    } else {
        let bpos: FastMap<&str, usize> = bkeys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.as_ref(), i))
            .collect();
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
    };
    let mut in_skeleton = vec![false; n];
    for &i in &skeleton {
        in_skeleton[i] = true;
    }
    // Rows one side has, grouped by the skeleton row they follow there.
    let runs = |pos: &dyn Fn(&El) -> Option<usize>| {
        let mut side: Vec<usize> = (0..n).filter(|&i| pos(&els[i]).is_some()).collect();
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
    };
    let mut ours_runs = runs(&|e: &El| e.oi);
    let mut theirs_runs = runs(&|e: &El| e.ti);
    let key = |i: usize| els[i].key;
    let mut combine = |anchor: Option<usize>, out: &mut Vec<usize>| {
        let a = ours_runs.remove(&anchor).unwrap_or_default();
        let b = theirs_runs.remove(&anchor).unwrap_or_default();
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
