//! The git hooks (SPEC §5.1): `pre-commit` gates and patches what is
//! staged, `pre-push` gates what is pushed, `post-merge` re-derives the
//! index after a merge or pull. The shims in `hooks/` call these through
//! `reuse-surface hook NAME`.

mod agent_stop;
pub mod cache;
mod post_merge;
mod pre_commit;
mod pre_push;
mod staged;

pub use agent_stop::agent_stop;
pub use post_merge::post_merge;
pub use pre_commit::pre_commit;
pub use pre_push::pre_push;

use crate::diagnostics::{self, Problem, Style, Summary};
use crate::model::INDEX_PATH;
use crate::registry::{self, Registry};
use crate::snapshot::Snapshot;
use std::io::Write;

/// Whether `REUSE_SURFACE_SKIP` names this hook (`1`, `all`, or a comma
/// list). The shims check this before starting the binary; the binary
/// checks again for direct calls.
pub fn skipped(hook: &str) -> bool {
    let Ok(value) = std::env::var("REUSE_SURFACE_SKIP") else {
        return false;
    };
    value
        .split([',', ' '])
        .map(str::trim)
        .any(|v| v == "1" || v == "all" || v == hook)
}

/// Where the registry sits inside a git tree (given its paths), as a `dir/` prefix: the
/// deepest one that contains `cwd_rel` (the current directory relative to
/// the top level), else the top-level one, else the only one.
pub fn registry_prefix<'a>(
    paths: impl IntoIterator<Item = &'a str>,
    cwd_rel: &str,
) -> Option<String> {
    let candidates: Vec<&str> = paths
        .into_iter()
        .filter_map(|k| k.strip_suffix(INDEX_PATH))
        .filter(|p| p.is_empty() || p.ends_with('/'))
        .collect();
    let cwd = format!("{}/", cwd_rel.trim_end_matches('/'));
    candidates
        .iter()
        .filter(|p| cwd.starts_with(*p))
        .max_by_key(|p| p.len())
        .or_else(|| candidates.iter().find(|p| p.is_empty()))
        .or_else(|| {
            if candidates.len() == 1 {
                candidates.first()
            } else {
                None
            }
        })
        .map(|p| p.to_string())
}

/// Run the checks; for problems in entries loaded as cache stubs, parse
/// those few files fully so the problems get their line and column.
pub fn check_located(reg: &mut Registry, snap: &dyn Snapshot) -> crate::Result<Vec<Problem>> {
    let mut problems = crate::checks::run(reg, snap);
    let unlocated: Vec<String> = problems
        .iter()
        .filter(|p| p.line.is_none() && p.anchor.is_some())
        .filter_map(|p| p.file.clone())
        .collect();
    if !unlocated.is_empty() {
        registry::hydrate(reg, snap, &unlocated)?;
        registry::locate_problems(reg, &mut problems);
        diagnostics::sort(&mut problems);
    }
    Ok(problems)
}

/// Print problems for a hook on `err`, prefixing file paths with the
/// registry's place in the repository so they are clickable from the top.
pub fn print_problems(
    err: &mut dyn Write,
    reg: &Registry,
    snap: &dyn Snapshot,
    problems: &[Problem],
    prefix: &str,
    style: Style,
) -> std::io::Result<Summary> {
    let summary = Summary::of(problems, reg.entries.len());
    let lookup = reg.text_lookup(snap);
    let source = |file: &str| lookup(file.strip_prefix(prefix).unwrap_or(file));
    let shown: Vec<Problem> = problems
        .iter()
        .cloned()
        .map(|mut p| {
            p.file = p.file.map(|f| format!("{prefix}{f}"));
            p
        })
        .collect();
    for p in &shown {
        writeln!(err, "{}", diagnostics::render(p, style, &source))?;
    }
    Ok(summary)
}
