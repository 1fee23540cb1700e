//! `post-rewrite`: after a rebase, check the commits it wrote. A rebase
//! picks commits without running `pre-commit` (and a conflicted
//! `rebase --continue` commits a hand-resolved registry unchecked), so a
//! rewritten commit can carry an index out of sync with its entries, or
//! errors. Git cannot undo a rewrite from here: this hook always exits 0,
//! names each commit that needs repair and prints the one command that
//! repairs them. `commit --amend` is not checked: `pre-commit` ran for it.

use super::pre_push::commit_target;
use super::skipped;
use crate::diagnostics::TermStyle;
use crate::patches::collect::derivation_patches;
use crate::target::Target;
use crate::{Result, git};
use std::io::{BufRead, Write};
use std::path::Path;

/// What one rewritten commit needs.
struct Finding {
    commit: git::Oid,
    errors: usize,
    drift: usize,
    prefix: String,
}

/// Run the hook: `args` holds what git passes (`amend` or `rebase`;
/// under the pre-commit framework `PRE_COMMIT_REWRITE_COMMAND` says it),
/// `input` the `<old> <new> [extra]` lines. Hook managers that pass no
/// stdin get the rebased range from `ORIG_HEAD..HEAD`. It prints counts
/// and the repair, never diagnostics, so `_style` goes unused (the
/// signature is every hook's).
pub fn post_rewrite(
    cwd: &Path,
    args: &[String],
    input: impl BufRead,
    err: &mut dyn Write,
    _style: TermStyle,
) -> i32 {
    if skipped("post-rewrite") {
        let _ = writeln!(
            err,
            "reuse-surface: post-rewrite skipped (REUSE_SURFACE_SKIP)"
        );
        return 0;
    }
    let command = args
        .first()
        .cloned()
        .or_else(|| std::env::var("PRE_COMMIT_REWRITE_COMMAND").ok())
        .unwrap_or_default();
    if command == "amend" {
        return 0;
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check_rewritten(cwd, input, err)
    }));
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            let _ = writeln!(
                err,
                "reuse-surface: post-rewrite could not check the rewritten commits: {e}; \
                 run `reuse-surface validate` by hand"
            );
        }
        Err(_) => {
            let _ = writeln!(
                err,
                "reuse-surface: post-rewrite failed internally; run `reuse-surface validate` by hand"
            );
        }
    }
    0
}

/// The new commit ids of git's `<old> <new> [extra]` lines, each once, in
/// order (a squash maps several old commits to one new one).
fn rewritten(input: impl BufRead) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line = line.map_err(|e| {
            crate::Error::other(format!("cannot read the rewritten commits on stdin: {e}"))
        })?;
        let mut fields = line.split_whitespace();
        let (Some(_old), Some(new)) = (fields.next(), fields.next()) else {
            if line.trim().is_empty() {
                continue;
            }
            return Err(crate::Error::usage(format!(
                "post-rewrite: line {} of stdin is not `<old oid> <new oid>`: {line:?}",
                n + 1
            )));
        };
        if !out.iter().any(|c| c == new) {
            out.push(new.to_string());
        }
    }
    Ok(out)
}

fn check_rewritten(cwd: &Path, input: impl BufRead, err: &mut dyn Write) -> Result<()> {
    let repo = git::open(cwd)?;
    let mut commits = rewritten(input)?;
    if commits.is_empty() {
        // No stdin (a hook manager that does not pass it): what the rebase
        // made is what HEAD has that the branch's old tip has not.
        commits = git::cmd::rev_list(cwd, &["ORIG_HEAD..HEAD"]).unwrap_or_default();
    }
    let cwd_rel = repo.prefix_of(cwd);
    let cache = Target::open_cache(&repo);
    let mut findings: Vec<Finding> = Vec::new();
    for hex in &commits {
        let Ok(commit) = repo.resolve_commit(hex) else {
            continue; // gone already (a later rewrite, gc): nothing to repair
        };
        let label = format!("commit {}", commit.short(10));
        let Some((target, prefix)) = commit_target(&repo, commit, &cwd_rel, label, &cache)? else {
            continue;
        };
        let (reg, report) = target.validate()?;
        let drift = derivation_patches(&reg).len();
        if report.errors() > 0 || drift > 0 {
            findings.push(Finding {
                commit,
                errors: report.errors(),
                drift,
                prefix,
            });
        }
    }
    cache.save();
    if findings.is_empty() {
        return Ok(());
    }
    writeln!(
        err,
        "reuse-surface: the rebase wrote {} commit(s) without pre-commit; {} need repair:",
        commits.len(),
        findings.len()
    )?;
    for f in &findings {
        let short = f.commit.short(10);
        let mut what: Vec<String> = Vec::new();
        if f.drift > 0 {
            what.push(format!(
                "the index is out of sync with its entries ({} fix(es))",
                f.drift
            ));
        }
        if f.errors > 0 {
            what.push(format!(
                "{} error(s) (`reuse-surface validate --rev {short}` shows them)",
                f.errors
            ));
        }
        writeln!(err, "reuse-surface:   {short}: {}", what.join(", "))?;
    }
    let drifted: Vec<&Finding> = findings.iter().filter(|f| f.drift > 0).collect();
    let Some(first) = drifted.first() else {
        writeln!(
            err,
            "reuse-surface: fix the errors, then `git commit --amend` (or `git rebase -i` for earlier commits)"
        )?;
        return Ok(());
    };
    let tip_only = drifted.len() == 1 && repo.head_commit() == Some(first.commit);
    let repair = if tip_only {
        format!(
            "reuse-surface update --apply && git commit --amend --no-edit --only -- ':/{}{}'",
            first.prefix,
            crate::model::INDEX_PATH
        )
    } else {
        let base = match repo.parents(first.commit)?.first() {
            Some(parent) => parent.short(10),
            None => "--root".to_string(),
        };
        format!(
            "git rebase --exec 'reuse-surface update --apply && {{ git diff --quiet || git commit -a --amend --no-edit; }}' {base}"
        )
    };
    writeln!(err, "reuse-surface: repair with: {repair}")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_once_in_order_and_junk_refused() {
        let input = "a1 b1\na2 b2 extra\n\na3 b1\n";
        assert_eq!(rewritten(input.as_bytes()).unwrap(), ["b1", "b2"]);
        assert!(rewritten("lonely\n".as_bytes()).is_err());
    }
}
