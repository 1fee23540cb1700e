//! `post-merge`: after a merge or pull, re-derive the index from the merged
//! entries in the working tree. Git cannot undo a merge from here, so this
//! hook always exits 0; it reports what it changed and what is wrong.

use super::skipped;
use crate::diagnostics::TermStyle;
use crate::patches::PatchKind;
use crate::patches::apply;
use crate::patches::collect::derivation_patches;
use crate::target::Target;
use crate::{Result, registry};
use std::io::Write;
use std::path::Path;

/// Run the post-merge hook. Internal failures are printed, never returned
/// as a failing exit code.
pub fn post_merge(cwd: &Path, err: &mut dyn Write, style: TermStyle) -> i32 {
    if skipped("post-merge") {
        let _ = writeln!(
            err,
            "reuse-surface: post-merge skipped (REUSE_SURFACE_SKIP)"
        );
        return 0;
    }
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rederive(cwd, err, style)));
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            let _ = writeln!(
                err,
                "reuse-surface: post-merge could not re-derive the index: {e}"
            );
        }
        Err(_) => {
            let _ = writeln!(
                err,
                "reuse-surface: post-merge failed internally; run `reuse-surface update --apply` by hand"
            );
        }
    }
    0
}

fn rederive(cwd: &Path, err: &mut dyn Write, style: TermStyle) -> Result<()> {
    let Ok(root) = registry::find_root(cwd, None) else {
        return Ok(());
    };
    let target = Target::work_tree(root.clone())?;
    let reg = target.load()?;
    let patches = derivation_patches(&reg);
    // The one writer of patches: checked before anything is renamed into
    // place, and a generated catalog regenerated with them (or alone,
    // when the merge changed entries without any index row to re-derive).
    let plan = apply::plan(&reg, &patches, &apply::today());
    let stale_catalog = crate::catalog::is_current(&reg, target.snapshot()) == Some(false);
    let written = apply::commit(&root, &reg, &plan, target.snapshot())?;
    if written.is_some() && stale_catalog {
        writeln!(
            err,
            "reuse-surface: regenerated {} after the merge",
            crate::catalog::CATALOG_PATH
        )?;
    }
    if !patches.is_empty() {
        let count = |k: PatchKind| plan.applied.iter().filter(|p| p.kind == k).count();
        writeln!(
            err,
            "reuse-surface: re-derived the index after the merge: {} row(s) added, {} row(s) synced{}",
            count(PatchKind::IndexRowAdd),
            count(PatchKind::VectorSync),
            if count(PatchKind::IndexDateBump) > 0 {
                ", date bumped"
            } else {
                ""
            }
        )?;
        for (p, why) in &plan.skipped {
            writeln!(
                err,
                "reuse-surface: could not apply {} for {}: {why}",
                p.kind.as_str(),
                p.capability_id
            )?;
        }
    }
    // The same report `validate` prints, from the repository's top.
    let (reg, report) = target.validate()?;
    if report.errors() + report.summary().warnings > 0 {
        let prefix = crate::git::open(cwd)
            .map(|repo| repo.prefix_of(target.root()))
            .unwrap_or_default();
        let report = report.from_repo_top(&prefix);
        report.write_problems(err, style, &reg, target.snapshot())?;
        writeln!(
            err,
            "reuse-surface: {} after the merge",
            report.summary_line(style)
        )?;
    }
    Ok(())
}
