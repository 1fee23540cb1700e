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
use gix_imara_diff::{Algorithm as Imara, Diff, InternedInput};
use similar::{Algorithm, DiffTag, capture_diff_slices};
use std::ops::Range;

/// One change of a side against base: base lines `b` became side lines `s`.
#[derive(Debug, Clone)]
struct Change {
    b: Range<usize>,
    s: Range<usize>,
}

/// Base's lines interned once (each distinct line a number), so that both
/// sides are diffed against them without hashing base twice.
struct Differ<'t> {
    input: InternedInput<&'t str>,
    diff: Diff,
}

impl<'t> Differ<'t> {
    fn new(base: &[&'t str]) -> Self {
        let mut input = InternedInput::default();
        input.update_before(base.iter().copied());
        Differ {
            input,
            diff: Diff::default(),
        }
    }

    /// The changes that turn base into `side`: git's Myers diff (xdiff's,
    /// as ported for gitoxide, with its preprocessing and heuristics)
    /// whose groups of changed lines are then slid as xdiff slides them
    /// ([`compact`]), so the same three texts split into the same regions
    /// as in `git merge-file`.
    fn changes(&mut self, base: &[&str], side: &[&'t str]) -> Vec<Change> {
        let (mut in_base, mut in_side) = self.changed_lines(side);
        compact(&mut in_base, &mut in_side, base);
        compact(&mut in_side, &mut in_base, side);
        let mut out: Vec<Change> = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < base.len() || j < side.len() {
            if !in_base.get(i) && !in_side.get(j) {
                i += 1;
                j += 1;
                continue;
            }
            let (b0, s0) = (i, j);
            while in_base.get(i) {
                i += 1;
            }
            while in_side.get(j) {
                j += 1;
            }
            out.push(Change { b: b0..i, s: s0..j });
        }
        out
    }

    /// The lines of each file outside the common subsequence the diff
    /// found.
    fn changed_lines(&mut self, side: &[&'t str]) -> (Changed, Changed) {
        let input = &mut self.input;
        input.update_after(side.iter().copied());
        let tokens = input.interner.num_tokens();
        self.diff
            .compute_with(Imara::Myers, &input.before, &input.after, tokens);
        let mark = |len: usize, changed: &dyn Fn(u32) -> bool| {
            let mut c = Changed::new(len);
            (0..len)
                .filter(|&i| changed(i as u32))
                .for_each(|i| c.set(i, true));
            c
        };
        (
            mark(input.before.len(), &|i| self.diff.is_removed(i)),
            mark(input.after.len(), &|i| self.diff.is_added(i)),
        )
    }
}

/// The changes that turn `base` into `side` (see [`Differ::changes`]).
#[cfg(test)]
fn changes<'t>(base: &[&'t str], side: &[&'t str]) -> Vec<Change> {
    Differ::new(base).changes(base, side)
}

/// Which lines of one file a diff marks changed, with an unchanged line
/// before the first and after the last (xdiff's `rchg` with its guards),
/// so a group's neighbours can always be read.
struct Changed(Vec<bool>);

impl Changed {
    fn new(len: usize) -> Self {
        Changed(vec![false; len + 2])
    }
    fn len(&self) -> usize {
        self.0.len() - 2
    }
    /// Line `i` (`-1` and `len` are the guards, never changed).
    fn at(&self, i: isize) -> bool {
        self.0[(i + 1) as usize]
    }
    fn get(&self, i: usize) -> bool {
        self.at(i as isize)
    }
    fn set(&mut self, i: usize, v: bool) {
        self.0[i + 1] = v;
    }
}

/// A run of changed lines `start..end` of one file (empty between two
/// unchanged lines).
#[derive(Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
}

impl Group {
    fn first(c: &Changed) -> Group {
        let mut end = 0;
        while c.get(end) {
            end += 1;
        }
        Group { start: 0, end }
    }
    fn is_empty(self) -> bool {
        self.start == self.end
    }
    /// The next group; `false` when this was the last.
    fn next(&mut self, c: &Changed) -> bool {
        if self.end == c.len() {
            return false;
        }
        self.start = self.end + 1;
        self.end = self.start;
        while c.get(self.end) {
            self.end += 1;
        }
        true
    }
    /// The previous group; `false` when this was the first.
    fn previous(&mut self, c: &Changed) -> bool {
        if self.start == 0 {
            return false;
        }
        self.end = self.start - 1;
        self.start = self.end;
        while c.at(self.start as isize - 1) {
            self.start -= 1;
        }
        true
    }
    /// Slide one line toward the end (the line after equals the first),
    /// swallowing a group it then touches.
    fn slide_down(&mut self, c: &mut Changed, lines: &[&str]) -> bool {
        if self.end < c.len() && lines[self.start] == lines[self.end] {
            c.set(self.start, false);
            c.set(self.end, true);
            self.start += 1;
            self.end += 1;
            while c.get(self.end) {
                self.end += 1;
            }
            true
        } else {
            false
        }
    }
    /// Slide one line toward the start, swallowing a group it then touches.
    fn slide_up(&mut self, c: &mut Changed, lines: &[&str]) -> bool {
        if self.start > 0 && lines[self.start - 1] == lines[self.end - 1] {
            self.start -= 1;
            self.end -= 1;
            c.set(self.start, true);
            c.set(self.end, false);
            while c.at(self.start as isize - 1) {
                self.start -= 1;
            }
            true
        } else {
            false
        }
    }
}

/// xdiff's `xdl_change_compact` (without the indent heuristic, which
/// `git merge-file` does not use): each group of changed lines of `this`
/// is slid up and then down as far as equal lines allow, merging with the
/// groups it meets, and left at the last place where it lines up with a
/// change of `other`, else as far down as it goes.
fn compact(this: &mut Changed, other: &mut Changed, lines: &[&str]) {
    let mut g = Group::first(this);
    let mut go = Group::first(other);
    loop {
        if !g.is_empty() {
            let mut end_matching_other;
            let mut earliest_end;
            loop {
                let size = g.end - g.start;
                end_matching_other = None;
                while g.slide_up(this, lines) {
                    go.previous(other);
                }
                earliest_end = g.end;
                if !go.is_empty() {
                    end_matching_other = Some(g.end);
                }
                while g.slide_down(this, lines) {
                    go.next(other);
                    if !go.is_empty() {
                        end_matching_other = Some(g.end);
                    }
                }
                if size == g.end - g.start {
                    break;
                }
            }
            if g.end != earliest_end && end_matching_other.is_some() {
                while go.is_empty() {
                    g.slide_up(this, lines);
                    go.previous(other);
                }
            }
        }
        if !g.next(this) {
            break;
        }
        go.next(other);
    }
}

/// Lines with their line breaks (the last one may lack its break).
fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        out.push(&text[start..=end]);
        start = end + 1;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
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
    let mut differ = Differ::new(&b);
    let (oc, tc) = (differ.changes(&b, &o), differ.changes(&b, &t));
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

    /// The shape of a case the "never worse than git" property found: ours
    /// copies a row whose last line equals base's last line. Plain Myers
    /// puts the copy after base's last line, touching theirs' addition
    /// there (a conflict); git slides it up onto ours' deletion, and the
    /// merge is clean.
    #[test]
    fn groups_slide_to_line_up_with_a_change_as_gits_do() {
        // `git merge-file -p` on these three gives the expected text, clean.
        let base = "id\nname\nimage\nargs\nx\npull\n";
        let ours = "id\nname\nimage\npull\nid\nname\nimage\npull\n";
        let theirs = "id\nNAME\nimage\nargs\nx\npull\nextra\n";
        let c = changes(&lines(base), &lines(ours));
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!((c[0].b.clone(), c[0].s.clone()), (3..5, 3..7), "{c:?}");
        assert_eq!(
            merge(base, ours, theirs),
            (
                "id\nNAME\nimage\npull\nid\nname\nimage\npull\nextra\n".into(),
                0
            )
        );
    }

    #[test]
    fn a_missing_last_line_break_gets_one_before_a_marker() {
        let (text, n) = merge("a\nb", "a\nc", "a\nd");
        assert_eq!(n, 1);
        assert_eq!(text, "a\n<<<<<<< ours\nc\n=======\nd\n>>>>>>> theirs\n");
    }
}
