//! `pre-push`: validate the registry in the tree of every commit being
//! pushed (blobs from the object database, never the working tree).

use super::skipped;
use crate::diagnostics::TermStyle;
use crate::target::{Target, registry_prefix};
use crate::{Error, Result, git};
use std::io::{BufRead, Write};
use std::path::Path;

/// One line git writes on the hook's stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    pub local_ref: String,
    pub local_oid: String,
    pub remote_ref: String,
    pub remote_oid: String,
}

/// An all-zero object id (deletion or new branch), whatever its length:
/// SHA-1 and SHA-256 repositories differ only in how many zeros.
pub fn is_zero(oid: &str) -> bool {
    !oid.is_empty() && oid.bytes().all(|b| b == b'0')
}

/// The push the pre-commit framework describes in its environment when it
/// runs a `pre-push` stage hook (it does not pass git's stdin):
/// `PRE_COMMIT_TO_REF` is the commit pushed, `PRE_COMMIT_REMOTE_BRANCH`
/// where it goes.
fn from_pre_commit_framework() -> Option<RefUpdate> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // A first push leaves `PRE_COMMIT_TO_REF` empty: the local branch's
    // commit is the one pushed (resolved once the repository is open).
    let local_ref = var("PRE_COMMIT_LOCAL_BRANCH");
    let local_oid = var("PRE_COMMIT_TO_REF").or_else(|| local_ref.clone())?;
    Some(RefUpdate {
        local_ref: local_ref.unwrap_or_else(|| local_oid.clone()),
        local_oid,
        remote_ref: var("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_default(),
        remote_oid: var("PRE_COMMIT_FROM_REF").unwrap_or_default(),
    })
}

/// Whether `s` looks like an object id (hex of a SHA-1 or SHA-256 length).
fn is_object_id(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parse the ref lines; a malformed line is an error naming it.
pub fn parse_updates(input: impl BufRead) -> Result<Vec<RefUpdate>> {
    let shape = "<local ref> <local oid> <remote ref> <remote oid>";
    Ok(hook_lines(input, "pre-push", shape)?
        .into_iter()
        .map(|[local_ref, local_oid, remote_ref, remote_oid]| RefUpdate {
            local_ref,
            local_oid,
            remote_ref,
            remote_oid,
        })
        .collect())
}

/// The `N` whitespace-separated fields of each non-blank line git writes on
/// a hook's stdin (pre-push, pre-receive). A line of another shape is an
/// error naming the line and the expected `shape`.
pub(super) fn hook_lines<const N: usize>(
    input: impl BufRead,
    hook: &str,
    shape: &str,
) -> Result<Vec<[String; N]>> {
    let mut out = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line =
            line.map_err(|e| Error::other(format!("cannot read the refs git sent on stdin: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<String> = line.split_whitespace().map(String::from).collect();
        let fields: [String; N] = fields.try_into().map_err(|_| {
            Error::usage(format!(
                "{hook}: line {} of stdin is not `{shape}`: {line:?}",
                n + 1
            ))
        })?;
        out.push(fields);
    }
    Ok(out)
}

/// Run the pre-push hook: `args` are REMOTE_NAME REMOTE_URL, `input` the
/// ref lines. Returns 1 when any pushed tree has registry errors.
pub fn pre_push(
    cwd: &Path,
    args: &[String],
    input: impl BufRead,
    err: &mut dyn Write,
    style: TermStyle,
) -> Result<i32> {
    if skipped("pre-push") {
        writeln!(err, "reuse-surface: pre-push skipped (REUSE_SURFACE_SKIP)")?;
        return Ok(0);
    }
    let mut updates = parse_updates(input)?;
    if updates.is_empty() {
        match from_pre_commit_framework() {
            Some(u) => updates.push(u),
            None => {
                // git always sends the refs; no lines means a hook manager
                // ran us without git's stdin, and nothing can be checked.
                writeln!(
                    err,
                    "reuse-surface: warning: pre-push got no refs on stdin, so nothing was checked; \
                     pass git's stdin to `reuse-surface hook pre-push` (lefthook: `use_stdin: true`; \
                     pre-commit: the `reuse-surface-pre-push` hook id)"
                )?;
                return Ok(0);
            }
        }
    }
    let repo = git::open(cwd)?;
    let remote = args.first().map_or("the remote", String::as_str);
    let cwd_rel = std::env::var("GIT_PREFIX").unwrap_or_default();
    let mut refused = Vec::new();
    let cache = Target::open_cache(&repo);
    for u in updates.iter().filter(|u| !is_zero(&u.local_oid)) {
        let commit = if is_object_id(&u.local_oid) {
            repo.pushed_commit(&u.local_oid)?
        } else {
            Some(repo.resolve_commit(&u.local_oid)?) // a branch name (see above)
        };
        let Some(commit) = commit else {
            continue; // pushing a tag of a tree or blob: nothing to validate
        };
        if !check_commit(&repo, commit, &u.local_ref, &cwd_rel, &cache, err, style)? {
            refused.push(u.local_ref.clone());
        }
    }
    cache.save();
    if refused.is_empty() {
        return Ok(0);
    }
    writeln!(
        err,
        "reuse-surface: push to {remote} refused: the registry in {} has errors (fix them in a new commit, or bypass once with REUSE_SURFACE_SKIP=1 / --no-verify)",
        refused.join(", ")
    )?;
    Ok(1)
}

/// Validate the registry in `commit`'s tree and show its problems, labelled
/// with the ref it arrives as. `false` when the tree has registry errors;
/// a tree without a registry passes. The one check `pre-push`,
/// `pre-receive` and `update` share.
/// The registry in a commit's tree (the one above `cwd_rel`, else the
/// only one) as a target read through `cache`, with its prefix; `None`
/// when the commit holds no registry.
pub(super) fn commit_target(
    repo: &git::Repo,
    commit: git::Oid,
    cwd_rel: &str,
    label: String,
    cache: &std::rc::Rc<crate::target::cache::BlobCache>,
) -> Result<Option<(Target, String)>> {
    let entries = repo.tree_entries(commit)?;
    let Some(prefix) = registry_prefix(entries.keys().map(String::as_str), cwd_rel) else {
        return Ok(None);
    };
    let target = Target::in_tree(repo, entries, &prefix, label).with_cache(cache.clone());
    Ok(Some((target, prefix)))
}

pub(super) fn check_commit(
    repo: &git::Repo,
    commit: git::Oid,
    refname: &str,
    cwd_rel: &str,
    cache: &std::rc::Rc<crate::target::cache::BlobCache>,
    err: &mut dyn Write,
    style: TermStyle,
) -> Result<bool> {
    let short = commit.short(10);
    let label = format!("commit {short} ({refname})");
    let Some((target, prefix)) = commit_target(repo, commit, cwd_rel, label, cache)? else {
        return Ok(true);
    };
    let (reg, report) = target.validate()?;
    let report = report.from_repo_top(&prefix);
    report.write_problems(err, style, &reg, target.snapshot())?;
    if report.errors() > 0 {
        writeln!(
            err,
            "{} (in {refname} at {short})",
            report.summary_line(style)
        )?;
        return Ok(false);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_oids_of_any_length() {
        assert!(is_zero(&"0".repeat(40)));
        assert!(is_zero(&"0".repeat(64)));
        assert!(!is_zero(&format!("{}1", "0".repeat(39))));
        assert!(!is_zero(""));
    }

    #[test]
    fn parses_lines_and_rejects_junk() {
        let input = format!(
            "refs/heads/main {} refs/heads/main {}\n\n",
            "a".repeat(40),
            "0".repeat(40)
        );
        let u = parse_updates(input.as_bytes()).unwrap();
        assert_eq!(u.len(), 1);
        assert!(is_zero(&u[0].remote_oid));
        assert!(parse_updates("garbage\n".as_bytes()).is_err());
    }
}
