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

/// Parse the ref lines; a malformed line is an error naming it.
pub fn parse_updates(input: impl BufRead) -> Result<Vec<RefUpdate>> {
    let mut out = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line =
            line.map_err(|e| Error::other(format!("cannot read the refs git sent on stdin: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [local_ref, local_oid, remote_ref, remote_oid] = parts[..] else {
            return Err(Error::usage(format!(
                "pre-push: line {} of stdin is not `<local ref> <local oid> <remote ref> <remote oid>`: {line:?}",
                n + 1
            )));
        };
        out.push(RefUpdate {
            local_ref: local_ref.into(),
            local_oid: local_oid.into(),
            remote_ref: remote_ref.into(),
            remote_oid: remote_oid.into(),
        });
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
    let updates = parse_updates(input)?;
    let repo = git::open(cwd)?;
    let remote = args.first().map_or("the remote", String::as_str);
    let cwd_rel = std::env::var("GIT_PREFIX").unwrap_or_default();
    let mut refused = Vec::new();
    let cache = Target::open_cache(&repo);
    for u in updates.iter().filter(|u| !is_zero(&u.local_oid)) {
        let Some(commit) = repo.pushed_commit(&u.local_oid)? else {
            continue; // pushing a tag of a tree or blob: nothing to validate
        };
        let entries = repo.tree_entries(commit)?;
        let Some(prefix) = registry_prefix(entries.keys().map(String::as_str), &cwd_rel) else {
            continue;
        };
        let short = commit.short(10);
        let label = format!("commit {short} ({})", u.local_ref);
        let target = Target::in_tree(&repo, entries, &prefix, label).with_cache(cache.clone());
        let (reg, report) = target.validate()?;
        let report = report.from_repo_top(&prefix);
        report.write_problems(err, style, &reg, target.snapshot())?;
        if report.errors() > 0 {
            writeln!(
                err,
                "{} (in {} at {short})",
                report.summary_line(style),
                u.local_ref
            )?;
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
