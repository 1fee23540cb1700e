//! The one tree reader: a git tree or the index as a [`Snapshot`], with
//! symlinks followed inside the tree the way git checks them out.

use super::{GitEntry, GitKind, Repo};
use crate::Result;
use crate::snapshot::{PathState, Snapshot};
use std::collections::BTreeMap;
use std::path::Path;

/// A flat map of a git tree or of the index, plus the object database to
/// read blobs from. Paths are relative to the registry root, which may sit
/// below the repository's top level (`prefix`).
pub struct GitTree {
    repo: Repo,
    entries: BTreeMap<String, GitEntry>,
    prefix: String,
    label: String,
    /// Whether any entry is a symlink: without one, resolving a path is
    /// only normalising it (no lookup per component).
    has_symlinks: bool,
}

impl GitTree {
    /// A tree from an already flattened map (the index's, or a commit's),
    /// with the registry root at `prefix` (`""` or `dir/`) inside the
    /// repository.
    pub fn with_prefix(
        repo: &Repo,
        entries: BTreeMap<String, GitEntry>,
        prefix: &str,
        label: String,
    ) -> Self {
        let has_symlinks = entries.values().any(|e| e.kind == GitKind::Symlink);
        GitTree {
            repo: repo.clone(),
            has_symlinks,
            entries,
            prefix: prefix.to_string(),
            label,
        }
    }

    /// [`GitTree::with_prefix`], measuring the prefix from a registry root
    /// on disk.
    pub fn from_entries(
        repo: &Repo,
        entries: BTreeMap<String, GitEntry>,
        registry_root: &Path,
        label: String,
    ) -> Self {
        let prefix = repo.prefix_of(registry_root);
        Self::with_prefix(repo, entries, &prefix, label)
    }

    pub fn entries(&self) -> &BTreeMap<String, GitEntry> {
        &self.entries
    }

    fn full(&self, path: &str) -> String {
        format!("{}{}", self.prefix, path)
    }

    /// The repository path that holds `path`'s content once symlinks in
    /// the tree are followed (the path itself when none is involved), so a
    /// new version of a symlinked file is stored at its target and the
    /// link stays a link. `None` when a link leaves the repository.
    pub fn content_path(&self, path: &str) -> Option<String> {
        self.resolve(&self.full(path))
    }

    /// Follow symlinks component by component inside the tree. Returns the
    /// resolved full path, or `None` when a link leaves the repository.
    fn resolve(&self, full: &str) -> Option<String> {
        if !self.has_symlinks {
            return normalized(full);
        }
        let mut parts: Vec<String> = Vec::new();
        let mut pending: Vec<String> = full.split('/').rev().map(str::to_string).collect();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            match part.as_str() {
                "" | "." => continue,
                ".." => {
                    parts.pop()?;
                    continue;
                }
                _ => {}
            }
            parts.push(part);
            let here = parts.join("/");
            if let Some(GitEntry {
                kind: GitKind::Symlink,
                oid,
            }) = self.entries.get(&here)
            {
                hops += 1;
                if hops > 40 {
                    return None;
                }
                let target = self.repo.read_blob(*oid).ok()?;
                let target = String::from_utf8(target).ok()?;
                if target.starts_with('/') {
                    return None;
                }
                parts.pop();
                for seg in target.split('/').rev() {
                    pending.push(seg.to_string());
                }
            }
        }
        Some(parts.join("/"))
    }

    fn is_dir(&self, full: &str) -> bool {
        let dir = format!("{full}/");
        self.entries
            .range(dir.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&dir))
    }
}

/// `full` with empty and `.` components dropped and `..` applied, as the
/// symlink walk reads it; `None` when `..` climbs out of the tree.
fn normalized(full: &str) -> Option<String> {
    if !full.split('/').any(|p| matches!(p, "" | "." | "..")) {
        return Some(full.to_string());
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in full.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

impl Snapshot for GitTree {
    fn describe(&self) -> String {
        self.label.clone()
    }

    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let Some(full) = self.resolve(&self.full(path)) else {
            return Ok(None);
        };
        match self.entries.get(&full) {
            Some(GitEntry {
                kind: GitKind::File,
                oid,
            }) => Ok(Some(self.repo.read_blob(*oid)?)),
            _ => Ok(None),
        }
    }

    fn state(&self, path: &str) -> PathState {
        let Some(full) = self.resolve(&self.full(path)) else {
            return PathState::Escapes;
        };
        match self.entries.get(&full) {
            Some(GitEntry {
                kind: GitKind::File,
                ..
            }) => PathState::File,
            Some(GitEntry {
                kind: GitKind::Submodule,
                ..
            }) => PathState::Dir,
            Some(GitEntry {
                kind: GitKind::Symlink,
                ..
            }) => PathState::Missing,
            None if full.is_empty() || self.is_dir(&full) => PathState::Dir,
            None => PathState::Missing,
        }
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let prefix = format!("{}/", self.full(dir));
        self.entries
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, e)| !k[prefix.len()..].contains('/') && e.kind != GitKind::Submodule)
            .map(|(k, _)| k[prefix.len()..].to_string())
            .collect()
    }

    /// The id of the blob [`Snapshot::read`] returns: symlinks followed,
    /// so a cache keyed by it sees a link's target change (issue 8).
    fn blob_id(&self, path: &str) -> Option<String> {
        let full = self.resolve(&self.full(path))?;
        match self.entries.get(&full) {
            Some(GitEntry {
                kind: GitKind::File,
                oid,
            }) => Some(oid.to_string()),
            _ => None,
        }
    }
}
