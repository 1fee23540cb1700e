//! `pre-receive` and `update`: the server-side gate. A clone's own hooks
//! can be skipped (`--no-verify`, a clone that never ran `install`); the
//! repository everyone pushes to cannot. Gitea, GitLab and plain git
//! servers run these hooks in the bare repository before any ref moves:
//! every commit a push brings is validated with the same diagnostics as
//! `validate --rev`, and a push whose registry has errors is rejected.

use super::pre_push::{check_commit, hook_lines, is_zero};
use super::skipped;
use crate::diagnostics::TermStyle;
use crate::target::Target;
use crate::{Error, Result, git};
use std::io::{BufRead, Write};
use std::path::Path;

/// One ref a push moves: `<old> <new> <ref>` on `pre-receive`'s stdin,
/// or `update`'s three arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub old: String,
    pub new: String,
    pub refname: String,
}

/// Parse `pre-receive`'s stdin; a malformed line is an error naming it.
pub fn parse_received(input: impl BufRead) -> Result<Vec<Received>> {
    Ok(
        hook_lines(input, "pre-receive", "<old oid> <new oid> <ref>")?
            .into_iter()
            .map(|[old, new, refname]| Received { old, new, refname })
            .collect(),
    )
}

/// `update REFNAME OLD NEW`: git runs it once per ref.
pub fn parse_update_args(args: &[String]) -> Result<Received> {
    let [refname, old, new] = args else {
        return Err(Error::usage(format!(
            "hook update takes the three arguments git passes (REFNAME OLD NEW), got {}",
            args.len()
        )));
    };
    Ok(Received {
        old: old.clone(),
        new: new.clone(),
        refname: refname.clone(),
    })
}

/// Validate every commit the pushed refs bring. Returns 1 (reject the
/// push) when any of them has registry errors.
pub fn pre_receive(
    cwd: &Path,
    received: &[Received],
    err: &mut dyn Write,
    style: TermStyle,
) -> Result<i32> {
    if skipped("pre-receive") {
        writeln!(
            err,
            "reuse-surface: pre-receive skipped (REUSE_SURFACE_SKIP)"
        )?;
        return Ok(0);
    }
    let repo = git::open(cwd)?;
    let cache = Target::open_cache(&repo);
    let mut refused: Vec<&str> = Vec::new();
    for r in received.iter().filter(|r| !is_zero(&r.new)) {
        // A tag of a tree or blob brings no commit to validate.
        if repo.pushed_commit(&r.new)?.is_none() {
            continue;
        }
        // Oldest first; the first commit with errors is the one to fix (the
        // later ones usually carry the same problems), so stop there.
        let commits = git::cmd::new_commits(cwd, &r.new)?;
        for (n, hex) in commits.iter().enumerate() {
            let commit = repo.resolve_commit(hex)?;
            if !check_commit(&repo, commit, &r.refname, "", &cache, err, style)? {
                let later = commits.len() - n - 1;
                if later > 0 {
                    writeln!(
                        err,
                        "reuse-surface: {later} later commit(s) of {} not checked",
                        r.refname
                    )?;
                }
                refused.push(&r.refname);
                break;
            }
        }
    }
    cache.save();
    if refused.is_empty() {
        return Ok(0);
    }
    writeln!(
        err,
        "reuse-surface: push rejected: the registry in {} has errors (fix them in a new commit and push again)",
        refused.join(", ")
    )?;
    Ok(1)
}
