//! Three-way merge of lines, git's algorithm (`git merge-file`): what the
//! structural merge falls back to inside a list it cannot key, so that such
//! a list is never worse than git (issue 13, item 1).
//!
//! Each side is diffed against base; changes of the two sides whose base
//! ranges overlap or touch form one region (as in git, touching changes
//! conflict: their order is ambiguous). A region only one side changed, or
//! both changed alike, takes that change; otherwise the two versions are
//! diffed against each other and only the lines that differ are written as
//! conflicts (git's "zealous" level), except in diff3 style, which shows
//! the whole region with base's lines.

use super::Options;
use similar::{Algorithm, DiffTag, capture_diff_slices};
use std::ops::Range;

/// One change of a side against base: base lines `b` became side lines `s`.
#[derive(Debug, Clone)]
struct Change {
    b: Range<usize>,
    s: Range<usize>,
}

/// The changes that turn `base` into `side`, runs of unequal lines merged,
/// each insertion or deletion slid down as far as it goes (as git's diff
/// does: deleting one of two equal rows deletes the last one's lines).
fn changes(base: &[&str], side: &[&str]) -> Vec<Change> {
    let mut out = raw_changes(base, side);
    for k in 0..out.len() {
        let (b_limit, s_limit) = out
            .get(k + 1)
            .map_or((base.len(), side.len()), |n| (n.b.start, n.s.start));
        let c = &mut out[k];
        if c.s.is_empty() {
            while c.b.end < b_limit && base[c.b.start] == base[c.b.end] {
                c.b = c.b.start + 1..c.b.end + 1;
                c.s = c.s.start + 1..c.s.end + 1;
            }
        } else if c.b.is_empty() {
            while c.s.end < s_limit && side[c.s.start] == side[c.s.end] {
                c.b = c.b.start + 1..c.b.end + 1;
                c.s = c.s.start + 1..c.s.end + 1;
            }
        }
    }
    out
}

fn raw_changes(base: &[&str], side: &[&str]) -> Vec<Change> {
    let mut out: Vec<Change> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, base, side) {
        let (tag, b, s) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.b.end == b.start && last.s.end == s.start => {
                last.b.end = b.end;
                last.s.end = s.end;
            }
            _ => out.push(Change { b, s }),
        }
    }
    out
}

/// Lines with their line breaks.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Three-way merge of `ours` and `theirs` against `base`, written with
/// ours' line ending `nl` where a marker or a missing last line break needs
/// one. Returns the merged text and the number of conflict blocks.
pub fn merge_lines(
    base: &str,
    ours: &str,
    theirs: &str,
    opts: &Options,
    nl: &str,
) -> (String, usize) {
    merge_with(base, ours, theirs, Some(opts), nl)
}

/// [`merge_lines`] with every conflicting region taken from ours: what
/// each side changed alone, with ours winning where both did.
pub fn merge_lines_favoring_ours(base: &str, ours: &str, theirs: &str) -> String {
    merge_with(base, ours, theirs, None, "\n").0
}

/// The merge; `opts` says how to write conflicts, `None` takes ours' side.
fn merge_with(
    base: &str,
    ours: &str,
    theirs: &str,
    opts: Option<&Options>,
    nl: &str,
) -> (String, usize) {
    let (b, o, t) = (lines(base), lines(ours), lines(theirs));
    let (oc, tc) = (changes(&b, &o), changes(&b, &t));
    let mut out = Merge {
        text: String::with_capacity(ours.len() + 64),
        conflicts: 0,
        opts,
        nl,
    };
    let (mut i, mut j) = (0, 0);
    // Side index of a base line outside every change, as offsets from it.
    let (mut od, mut td) = (0isize, 0isize);
    let mut pos = 0;
    let at = |x: usize, d: isize| (x as isize + d) as usize;
    while i < oc.len() || j < tc.len() {
        let start = match (oc.get(i), tc.get(j)) {
            (Some(x), Some(y)) => x.b.start.min(y.b.start),
            (Some(x), None) => x.b.start,
            (None, Some(y)) => y.b.start,
            (None, None) => break,
        };
        let (i0, j0) = (i, j);
        // Grow the region by every change that overlaps or touches it.
        let mut end = start;
        loop {
            if let Some(c) = oc.get(i).filter(|c| c.b.start <= end) {
                end = end.max(c.b.end);
                i += 1;
            } else if let Some(c) = tc.get(j).filter(|c| c.b.start <= end) {
                end = end.max(c.b.end);
                j += 1;
            } else {
                break;
            }
        }
        out.push_all(&o[at(pos, od)..at(start, od)]);
        let o_lines = &o[at(start, od)..at(end, od_after(&oc[i0..i], od))];
        let t_lines = &t[at(start, td)..at(end, od_after(&tc[j0..j], td))];
        let b_lines = &b[start..end];
        match (i > i0, j > j0) {
            (true, false) => out.push_all(o_lines),
            (false, true) => out.push_all(t_lines),
            _ if o_lines == t_lines => out.push_all(o_lines),
            _ => out.conflict(o_lines, b_lines, t_lines),
        }
        od = od_after(&oc[i0..i], od);
        td = od_after(&tc[j0..j], td);
        pos = end;
    }
    out.push_all(&o[at(pos, od)..]);
    (out.text, out.conflicts)
}

/// The offset of side lines after `region`'s changes (unchanged when it
/// has none).
fn od_after(region: &[Change], before: isize) -> isize {
    region
        .last()
        .map_or(before, |c| c.s.end as isize - c.b.end as isize)
}

/// The merged text being written.
struct Merge<'o> {
    text: String,
    conflicts: usize,
    opts: Option<&'o Options>,
    nl: &'o str,
}

impl Merge<'_> {
    fn push_all(&mut self, lines: &[&str]) {
        for l in lines {
            self.text.push_str(l);
        }
    }

    /// A region both sides changed differently: in merge style, only the
    /// lines where ours and theirs differ are in conflict.
    fn conflict(&mut self, o: &[&str], b: &[&str], t: &[&str]) {
        let Some(opts) = self.opts else {
            self.push_all(o);
            return;
        };
        if opts.diff3 {
            self.block(o, b, t);
            return;
        }
        let ops = capture_diff_slices(Algorithm::Myers, o, t);
        let mut k = 0;
        while k < ops.len() {
            let (tag, or, tr) = ops[k].as_tag_tuple();
            if tag == DiffTag::Equal {
                self.push_all(&o[or]);
                k += 1;
                continue;
            }
            let (mut oe, mut te) = (or.end, tr.end);
            while let Some((tag, or2, tr2)) = ops.get(k + 1).map(|op| op.as_tag_tuple())
                && tag != DiffTag::Equal
            {
                (oe, te) = (or2.end, tr2.end);
                k += 1;
            }
            self.block(&o[or.start..oe], b, &t[tr.start..te]);
            k += 1;
        }
    }

    /// One conflict block.
    fn block(&mut self, o: &[&str], b: &[&str], t: &[&str]) {
        let join = |ls: &[&str]| {
            let mut s = ls.concat();
            if !s.is_empty() && !s.ends_with('\n') {
                s.push_str(self.nl);
            }
            s
        };
        let Some(opts) = self.opts else {
            return self.push_all(o);
        };
        let block = conflict_block(opts, self.nl, &join(o), &join(b), &join(t));
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push_str(self.nl);
        }
        self.text.push_str(&block);
        self.conflicts += 1;
    }
}

/// A conflict block with standard markers around each side's whole lines
/// (`base` shown in diff3 style only).
pub fn conflict_block(opts: &Options, nl: &str, ours: &str, base: &str, theirs: &str) -> String {
    let n = opts.marker_size;
    let labels = &opts.labels;
    let mut out = format!("{} {}{nl}{ours}", "<".repeat(n), labels.ours);
    if opts.diff3 {
        out.push_str(&format!("{} {}{nl}{base}", "|".repeat(n), labels.base));
    }
    out.push_str(&format!(
        "{}{nl}{theirs}{} {}{nl}",
        "=".repeat(n),
        ">".repeat(n),
        labels.theirs
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merge(b: &str, o: &str, t: &str) -> (String, usize) {
        merge_lines(b, o, t, &Options::default(), "\n")
    }

    #[test]
    fn separate_changes_merge_and_touching_ones_conflict() {
        let base = "a\nb\nc\nd\ne\n";
        assert_eq!(
            merge(base, "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n"),
            ("A\nb\nc\nd\nE\n".into(), 0)
        );
        assert_eq!(
            merge(base, "b\nc\nd\ne\n", "a\nb\nc\nd\ne\nf\n"),
            ("b\nc\nd\ne\nf\n".into(), 0)
        );
        let (text, n) = merge(base, "a\nB\nc\nd\ne\n", "a\nb\nC\nd\ne\n");
        assert_eq!(n, 1, "{text}");
        assert_eq!(
            text,
            "a\n<<<<<<< ours\nB\nc\n=======\nb\nC\n>>>>>>> theirs\nd\ne\n"
        );
    }

    #[test]
    fn same_change_on_both_sides_is_clean_and_conflicts_are_refined() {
        let base = "a\nb\nc\n";
        assert_eq!(
            merge(base, "a\nX\nc\n", "a\nX\nc\n"),
            ("a\nX\nc\n".into(), 0)
        );
        let (text, n) = merge(base, "a\nX\nsame\nY\n", "a\nZ\nsame\nW\n");
        assert_eq!(n, 2, "{text}");
        assert!(
            text.contains("=======\nZ\n>>>>>>> theirs\nsame\n<<<<<<< ours\nY\n"),
            "{text}"
        );
    }

    #[test]
    fn deletions_and_insertions_slide_down_like_gits() {
        let base = "a\nx\nb\nx\nb\n";
        let ours = "a\nx\nb\n";
        let c = changes(&lines(base), &lines(ours));
        assert_eq!((c[0].b.clone(), c[0].s.clone()), (3..5, 3..3), "{c:?}");
        let c = changes(&lines(ours), &lines(base));
        assert_eq!((c[0].b.clone(), c[0].s.clone()), (3..3, 3..5), "{c:?}");
    }

    #[test]
    fn a_missing_last_line_break_gets_one_before_a_marker() {
        let (text, n) = merge("a\nb", "a\nc", "a\nd");
        assert_eq!(n, 1);
        assert_eq!(text, "a\n<<<<<<< ours\nc\n=======\nd\n>>>>>>> theirs\n");
    }
}
