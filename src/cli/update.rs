//! `update`: list the deterministic patches, and write them with `--apply`.

use crate::change::{ChangeSource, change_set};
use crate::diagnostics::TermStyle;
use crate::error::exit;
use crate::patches::apply;
use crate::patches::collect::{self, Scope};
use crate::registry::{self, Registry};
use crate::report::Format;
use crate::snapshot::{Snapshot, WorkTree};
use crate::target::{Target, Which};
use crate::{Error, Result};
use std::io::Write;
use std::path::Path;

pub(super) fn update(
    root: Option<&Path>,
    scope: &Scope,
    signals: &ChangeSource,
    write: bool,
    format: Format,
    style: TermStyle,
    out: &mut dyn Write,
) -> Result<i32> {
    let which = if *signals == ChangeSource::Staged {
        Which::Staged
    } else {
        Which::WorkTree
    };
    let target = Target::resolve(&super::cwd()?, root, &which)?;
    let root = target.root().to_path_buf();
    let reg = target.load()?;
    let snap = target.snapshot();
    if let Scope::One(id) = scope
        && !reg.valid_entries().any(|(_, e)| &e.id == id)
    {
        return Err(Error::usage(format!(
            "no capability with id `{id}` in this registry"
        )));
    }
    let changes = change_set(&root, signals)?;
    let collected = collect::collect(
        &reg,
        snap,
        changes
            .as_ref()
            .map(|c| (c.changes.as_slice(), c.old.as_ref())),
        scope,
    );
    let today = apply::today();
    // Plan against the working tree: that is what gets written, and it may
    // hold unstaged edits that must survive.
    let own_work_tree;
    let (work_reg, work_snap): (Registry, &dyn Snapshot) = if which == Which::WorkTree {
        (reg, snap)
    } else {
        own_work_tree = WorkTree::new(&root)?;
        (registry::load(&own_work_tree)?, &own_work_tree)
    };
    let plan = apply::plan(&work_reg, &collected.patches, &today);
    if format == Format::Json {
        let doc = serde_json::json!({
            "patches": collected.patches,
            "unassigned": collected.unassigned,
            "skipped": plan.skipped.iter().map(|(p, why)| serde_json::json!({"patch": p, "reason": why})).collect::<Vec<_>>(),
            "applied": write && !plan.applied.is_empty(),
        });
        if write {
            apply::commit(&root, &work_reg, &plan, work_snap)?;
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&doc).expect("json"))?;
        return Ok(exit::OK);
    }
    print_plan(out, &collected, &plan, style)?;
    if write {
        apply::commit(&root, &work_reg, &plan, work_snap)?;
        let n = plan.outputs(&work_reg).len();
        writeln!(
            out,
            "applied {} patch(es) to {n} file(s)",
            plan.applied.len()
        )?;
    } else if !plan.applied.is_empty() {
        writeln!(out, "run with --apply to write these changes")?;
    }
    Ok(exit::OK)
}

/// `update`'s text: the patches, what could not be assigned or applied,
/// and the diff of every file the plan edits.
fn print_plan(
    out: &mut dyn Write,
    collected: &collect::Collected,
    plan: &apply::Plan,
    style: TermStyle,
) -> Result<()> {
    if collected.patches.is_empty() {
        writeln!(out, "no patches: the registry is in sync")?;
    }
    for p in &collected.patches {
        writeln!(
            out,
            "{} {} ({}): {}",
            style.bold(p.kind.as_str()),
            p.capability_id,
            if p.safe { "safe" } else { "needs review" },
            p.rationale
        )?;
    }
    for u in &collected.unassigned {
        writeln!(out, "unassigned: {} ({}): {}", u.path, u.signal, u.reason)?;
    }
    for (p, why) in &plan.skipped {
        writeln!(
            out,
            "skipped {} {}: {why}",
            p.kind.as_str(),
            p.capability_id
        )?;
    }
    for path in plan.files.keys() {
        let diff = plan.diff(path);
        if !diff.is_empty() {
            write!(out, "{diff}")?;
        }
    }
    Ok(())
}
