//! husky's recipe: one line per hook in the user's own `.husky/NAME`
//! scripts, which husky runs with `sh -e` (arguments and stdin passed on)
//! from the `.husky/_/NAME` stubs it rewrites on every `npx husky`. Our
//! line lives in the user's file, so those rewrites never drop it.

use std::path::{Path, PathBuf};

use super::{Edit, read_optional};
use crate::Result;
use crate::install::layout::Layout;

/// Each hook and the line that runs our check from it.
const LINES: &[(&str, &str)] = &[
    ("pre-commit", "reuse-surface hook pre-commit"),
    ("pre-push", "reuse-surface hook pre-push \"$@\""),
    ("post-merge", "reuse-surface hook post-merge \"$@\""),
    ("post-rewrite", "reuse-surface hook post-rewrite \"$@\""),
];

const COMMENT: &str =
    "# reuse-surface: the registry gate (`reuse-surface install --manager husky`)";

/// The directory of the user's husky scripts: the parent of the `_`
/// directory `core.hooksPath` names, else `.husky` at the top level.
pub(super) fn husky_dir(layout: &Layout) -> PathBuf {
    let configured = layout
        .hooks_path_origin
        .as_ref()
        .map(|o| Path::new(o.value.trim_end_matches('/')).to_path_buf())
        .filter(|p| p.file_name().is_some_and(|n| n == "_"))
        .and_then(|p| p.parent().map(Path::to_path_buf));
    let dir = configured.unwrap_or_else(|| PathBuf::from(".husky"));
    if dir.is_absolute() {
        dir
    } else {
        layout.toplevel.join(dir)
    }
}

/// The scripts that lack our line, with it appended (created when absent).
pub(super) fn edits(layout: &Layout) -> Result<Vec<Edit>> {
    let dir = husky_dir(layout);
    let mut edits = Vec::new();
    for &(hook, line) in LINES {
        let path = dir.join(hook);
        let existing = read_optional(&path)?;
        let mut text = existing.clone().unwrap_or_default();
        if text.contains(&format!("reuse-surface hook {hook}")) {
            continue;
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!("{COMMENT}\n{line}\n"));
        edits.push(Edit {
            created: existing.is_none(),
            path,
            bytes: text.into_bytes(),
        });
    }
    Ok(edits)
}
