//! A commit the checks cannot tell from a tree already found clean is
//! answered without loading the registry (see [`crate::target::clean_trees`]).
//!
//! Two ways to know: the staged tree itself was found clean (a commit
//! tried again), or HEAD's tree was and every staged change is *unseen*:
//! an entry file edited so that it parses, without a problem before or
//! after, to the same model (a summary or body rewritten, say). The
//! checks, the patches and the catalog read an entry only through its
//! model, and its path's state stays "a file", so such a tree answers as
//! HEAD's does. Anything else (a change outside the entries, a manifest,
//! a file a declared kind reads, a model that differs) is checked in full,
//! and a full run that finds the tree clean remembers it for the next.

use super::Commit;
use crate::Result;
use crate::config::Config;
use crate::git::{Change, GitKind};
use crate::model::ENTRIES_DIR;
use crate::registry::{is_entry_name, parse_entry};
use crate::target::clean_trees::{CleanTrees, Digests};

/// What a full run may remember once it has found the staged tree clean.
pub(super) struct Memory {
    trees: CleanTrees,
    digests: Digests,
    /// Whether the changes are unseen, when recalling already asked (it
    /// reads and parses both sides of every changed entry: once is enough).
    unseen: Option<bool>,
}

pub(super) enum Recall {
    /// The tree is one a run found clean: nothing to say, nothing to patch.
    Clean,
    /// Check it in full (remembering it, when it can be named).
    Check(Option<Memory>),
}

/// Whether this commit's answer is known already.
/// Never an error: what cannot be recalled is checked in full.
pub(super) fn recall(commit: &Commit) -> Recall {
    let Some(index) = commit.index.as_ref() else {
        return Recall::Check(None);
    };
    if crate::target::cache_off() || !commit.not_utf8.is_empty() {
        return Recall::Check(None);
    }
    let mut trees = CleanTrees::open(commit.repo.common_dir());
    let Some(digests) = trees.digests(index, &commit.changed, &commit.prefix) else {
        return Recall::Check(None);
    };
    let mut asked = None;
    // Patches collected from the HEAD → index diff depend on HEAD, not
    // only on the tree: a commit with path signals is never recalled.
    if !super::has_signals(&commit.changes) {
        let known = if trees.contains(digests.staged) {
            Some("this staged tree was found clean")
        } else if trees.contains(digests.head) && *asked.insert(unseen(commit)) {
            trees.insert(digests.head);
            trees.insert(digests.staged);
            trees.save();
            Some("HEAD's tree was found clean, and the staged edits change nothing a check reads")
        } else {
            None
        };
        if let Some(what) = known {
            trace(&format!("recalled: {what}"));
            return Recall::Clean;
        }
    }
    Recall::Check(Some(Memory {
        trees,
        digests,
        unseen: asked,
    }))
}

impl Memory {
    /// After a full run: remember the staged tree when it was `clean`, and
    /// HEAD's too when the changes are unseen (it answers the same).
    pub(super) fn learn(mut self, commit: &Commit, clean: bool) {
        if !clean {
            return;
        }
        self.trees.insert(self.digests.staged);
        if self.unseen.unwrap_or_else(|| unseen(commit)) {
            self.trees.insert(self.digests.head);
        }
        self.trees.save();
    }
}

/// `REUSE_SURFACE_TRACE=1`: say on stderr how the hook reached its answer.
fn trace(what: &str) {
    if std::env::var_os("REUSE_SURFACE_TRACE").is_some_and(|v| v == "1") {
        eprintln!("reuse-surface: trace: {what}");
    }
}

/// Whether every staged change is an entry file whose model is the same
/// on both sides, each parsing without a problem. A blob that cannot be
/// read means "seen": the full run then reads it and says what is wrong.
fn unseen(commit: &Commit) -> bool {
    unseen_or_unreadable(commit).unwrap_or(false)
}

fn unseen_or_unreadable(commit: &Commit) -> Result<bool> {
    for c in &commit.changed {
        let Some(rel) = c.path.strip_prefix(commit.prefix.as_str()) else {
            return Ok(false);
        };
        let (Change::Modified, Some(old)) = (c.change, &c.old) else {
            return Ok(false);
        };
        if !is_entry_path(rel) || read_by_a_kind(&commit.config, rel) {
            return Ok(false);
        }
        let Some(new) = commit.index.as_ref().and_then(|i| i.entry(&c.path)) else {
            return Ok(false);
        };
        if old.kind != GitKind::File || new.kind != GitKind::File {
            return Ok(false);
        }
        let model = |oid| -> Result<Option<crate::model::Entry>> {
            let bytes = commit.repo.read_blob(oid)?;
            let (loaded, problems) = parse_entry(rel, &bytes);
            Ok(loaded.entry.filter(|_| problems.is_empty()))
        };
        match (model(old.oid)?, model(new.oid)?) {
            (Some(a), Some(b)) if a == b => {}
            _ => return Ok(false),
        }
    }
    Ok(true)
}

/// An entry file by the loader's rule: a file directly in the entries
/// directory that [`is_entry_name`] accepts.
fn is_entry_path(rel: &str) -> bool {
    rel.strip_prefix(ENTRIES_DIR)
        .and_then(|r| r.strip_prefix('/'))
        .is_some_and(|name| !name.contains('/') && is_entry_name(name))
}

/// Whether a declared kind reads `rel` as one of its files.
fn read_by_a_kind(config: &Config, rel: &str) -> bool {
    config.kinds.values().any(|k| k.holds(rel))
}

#[cfg(test)]
mod tests {
    use super::is_entry_path;

    #[test]
    fn entry_paths_are_the_loaders() {
        assert!(is_entry_path("registry/capabilities/a.md"));
        for not in [
            "registry/capabilities/_template.md",
            "registry/capabilities/a.yaml",
            "registry/capabilities/sub/a.md",
            "registry/capabilitiesx/a.md",
            "registry/indexes/capabilities.yaml",
            "registry/config.yaml",
        ] {
            assert!(!is_entry_path(not), "{not}");
        }
    }
}
