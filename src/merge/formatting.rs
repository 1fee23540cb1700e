//! One side's formatting change kept (issue 13, item 2): the structural
//! merge writes into ours' text, so a change theirs made only to bytes
//! (quoting, trailing whitespace, comments, blank lines, folding) would be
//! lost. After a clean merge, the merged text and theirs are merged by
//! lines against base: a region the merged text left byte-identical to
//! base takes theirs' bytes when theirs changed them; wherever both
//! changed, the merged text wins. The result is used only when it holds
//! exactly the merged data.

use super::lines::merge_lines_favoring_ours;
use crate::yaml::block::{self, Node, node_eq};
use crate::yaml::line_ending;

/// `merged` (a clean structural result whose scanned root is `merged_root`)
/// with theirs' byte-only changes of regions it kept as base had them.
pub fn with_theirs_formatting(base: &str, merged: String, theirs: &str) -> String {
    if merged == theirs || base == theirs || line_ending(&merged) != line_ending(theirs) {
        return merged;
    }
    let out = merge_lines_favoring_ours(base, &merged, theirs);
    if out == merged || !same_data(&out, &merged) {
        return merged;
    }
    out
}

/// Whether two texts read as the same data (and both read).
fn same_data(a: &str, b: &str) -> bool {
    let read = |t| block::scan(t).ok();
    match (read(a), read(b)) {
        (Some(x), Some(y)) => eq_exact(&x.root, &y.root),
        _ => false,
    }
}

/// [`node_eq`], and the same key order (key order is what a reader sees).
fn eq_exact(a: &Node, b: &Node) -> bool {
    node_eq(a, b)
        && a.entries().len() == b.entries().len()
        && a.entries()
            .iter()
            .zip(b.entries())
            .all(|(x, y)| x.key == y.key && eq_exact(&x.value, &y.value))
        && a.items()
            .iter()
            .zip(b.items())
            .all(|(x, y)| eq_exact(&x.value, &y.value))
}
