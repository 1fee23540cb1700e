//! The change a command looks at (SPEC §4): the staged diff (HEAD → the
//! index) or the commits since a ref (merge base → HEAD), as changed paths
//! plus the tree before them, which the collectors compare manifests with.

use crate::git::{Change, GitTree};
use crate::snapshot::Snapshot;
use crate::{Error, Result};
use std::path::Path;

/// Where a command takes its diff signals from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeSource {
    None,
    Staged,
    Since(String),
}

/// Snapshots before and after the change whose paths feed the collectors.
pub struct ChangeSet {
    pub changes: Vec<(String, Change)>,
    pub old: Box<dyn Snapshot>,
}

/// Compute the change set for `signals` (staged: HEAD → index; since REF:
/// merge-base(REF, HEAD) → HEAD).
pub fn change_set(root: &Path, source: &ChangeSource) -> Result<Option<ChangeSet>> {
    let repo = match source {
        ChangeSource::None => return Ok(None),
        _ => crate::git::open(root)?,
    };
    let prefix = repo.prefix_of(root);
    let empty = std::collections::BTreeMap::new();
    let (old_entries, new_entries) = match source {
        ChangeSource::Staged => {
            let old = match repo.head_commit() {
                Some(head) => repo.tree_entries(head)?,
                None => empty,
            };
            (old, repo.index_entries()?)
        }
        ChangeSource::Since(rev) => {
            let since = repo.resolve_commit(rev)?;
            let head = repo
                .head_commit()
                .ok_or_else(|| Error::usage("HEAD has no commit yet"))?;
            let base = repo.merge_base(since, head)?.unwrap_or(since);
            (repo.tree_entries(base)?, repo.tree_entries(head)?)
        }
        ChangeSource::None => unreachable!("handled above"),
    };
    let changes =
        crate::git::relative_to_root(crate::git::diff(&old_entries, &new_entries), &prefix);
    let old = GitTree::from_entries(
        &repo,
        old_entries,
        root,
        "the tree before the change".into(),
    );
    Ok(Some(ChangeSet {
        changes,
        old: Box::new(old),
    }))
}

/// The files git tracks (the index), relative to the registry root: what
/// `maintain` may offer an LLM as citable evidence. Empty outside git.
pub fn tracked_files(root: &Path) -> Vec<String> {
    let Ok(repo) = crate::git::open(root) else {
        return Vec::new();
    };
    let prefix = repo.prefix_of(root);
    repo.index_entries()
        .map(|entries| {
            entries
                .into_keys()
                .filter_map(|p| p.strip_prefix(prefix.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
