//! Plumbing over gix: open the repository, flatten trees and the index into
//! path maps, resolve revisions, and diff two maps. Porcelain (hooks,
//! commands) builds on these.

use crate::snapshot::{GitEntry, GitKind};
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Open the repository containing `dir`, honouring `GIT_DIR` and friends
/// (git sets them when it runs hooks).
pub fn open(dir: &Path) -> Result<gix::Repository> {
    gix::discover_with_environment_overrides(dir).map_err(|e| {
        Error::usage(format!(
            "{} is not inside a git repository ({e})",
            dir.display()
        ))
    })
}

/// The worktree's top level, or an error for a bare repository.
pub fn workdir(repo: &gix::Repository) -> Result<PathBuf> {
    repo.workdir()
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::usage("this is a bare repository: there is no working tree to check"))
}

/// The registry root's path inside the repository, as a `dir/` prefix
/// ("" when the registry sits at the top level).
pub fn prefix_of(repo: &gix::Repository, registry_root: &Path) -> String {
    let Some(top) = repo.workdir() else {
        return String::new();
    };
    let (Ok(top), Ok(root)) = (top.canonicalize(), registry_root.canonicalize()) else {
        return String::new();
    };
    match root.strip_prefix(&top) {
        Ok(rel) if rel.as_os_str().is_empty() => String::new(),
        Ok(rel) => format!("{}/", rel.to_string_lossy().replace('\\', "/")),
        Err(_) => String::new(),
    }
}

/// The index file git is using right now: `GIT_INDEX_FILE` when set
/// (relative to the current directory, as git defines it), else the
/// repository's own.
pub fn index_path(repo: &gix::Repository) -> PathBuf {
    match std::env::var_os("GIT_INDEX_FILE") {
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            if p.is_absolute() {
                p
            } else {
                std::env::current_dir().map(|d| d.join(&p)).unwrap_or(p)
            }
        }
        _ => repo.index_path(),
    }
}

/// Read the index as a path map of stage-0 entries (an unborn repository's
/// missing index is empty).
pub fn index_entries(repo: &gix::Repository) -> Result<BTreeMap<String, GitEntry>> {
    let path = index_path(repo);
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let file = gix::index::File::at(&path, repo.object_hash(), false, Default::default())
        .map_err(|e| Error::git(format!("cannot read the index {}: {e}", path.display())))?;
    let mut out = BTreeMap::new();
    for entry in file.entries() {
        if entry.stage_raw() != 0 {
            continue;
        }
        let kind = match entry.mode {
            gix::index::entry::Mode::SYMLINK => GitKind::Symlink,
            gix::index::entry::Mode::COMMIT => GitKind::Submodule,
            _ => GitKind::File,
        };
        let path = String::from_utf8_lossy(entry.path(&file)).into_owned();
        out.insert(
            path,
            GitEntry {
                oid: entry.id,
                kind,
            },
        );
    }
    Ok(out)
}

/// Resolve a revision to a commit id, with a clear error for unknown ones.
pub fn resolve_commit(repo: &gix::Repository, rev: &str) -> Result<gix::ObjectId> {
    let id = repo
        .rev_parse_single(rev)
        .map_err(|e| Error::usage(format!("cannot resolve revision `{rev}`: {e}")))?;
    let commit = id
        .object()
        .map_err(Error::git)?
        .peel_to_commit()
        .map_err(|e| Error::usage(format!("`{rev}` does not name a commit: {e}")))?;
    Ok(commit.id)
}

/// `HEAD`'s commit, or `None` in a repository without commits yet.
pub fn head_commit(repo: &gix::Repository) -> Option<gix::ObjectId> {
    repo.head_commit().ok().map(|c| c.id)
}

/// Flatten a commit's tree into a path map (blobs, symlinks, submodules).
pub fn tree_entries(
    repo: &gix::Repository,
    commit: gix::ObjectId,
) -> Result<BTreeMap<String, GitEntry>> {
    let commit = repo.find_commit(commit).map_err(Error::git)?;
    let tree = commit.tree().map_err(Error::git)?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut recorder)
        .map_err(Error::git)?;
    let mut out = BTreeMap::new();
    for e in recorder.records {
        let kind = if e.mode.is_link() {
            GitKind::Symlink
        } else if e.mode.is_commit() {
            GitKind::Submodule
        } else if e.mode.is_tree() {
            continue;
        } else {
            GitKind::File
        };
        out.insert(
            String::from_utf8_lossy(&e.filepath).into_owned(),
            GitEntry { oid: e.oid, kind },
        );
    }
    Ok(out)
}

/// The best common ancestor of two commits, if any.
pub fn merge_base(
    repo: &gix::Repository,
    a: gix::ObjectId,
    b: gix::ObjectId,
) -> Result<Option<gix::ObjectId>> {
    Ok(repo
        .merge_base(a, b)
        .map_err(Error::git)?
        .map(|id| id.detach()))
}

/// How one path differs between two maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added,
    Modified,
    Deleted,
}

/// Paths that differ between `old` and `new`, with the kind of change.
pub fn diff(
    old: &BTreeMap<String, GitEntry>,
    new: &BTreeMap<String, GitEntry>,
) -> Vec<(String, Change)> {
    let mut out = Vec::new();
    for (path, e) in new {
        match old.get(path) {
            None => out.push((path.clone(), Change::Added)),
            Some(o) if o != e => out.push((path.clone(), Change::Modified)),
            _ => {}
        }
    }
    for path in old.keys() {
        if !new.contains_key(path) {
            out.push((path.clone(), Change::Deleted));
        }
    }
    out.sort();
    out
}

/// Strip the registry root's prefix from repository paths, dropping paths
/// outside it.
pub fn relative_to_root(changes: Vec<(String, Change)>, prefix: &str) -> Vec<(String, Change)> {
    changes
        .into_iter()
        .filter_map(|(p, c)| p.strip_prefix(prefix).map(|r| (r.to_string(), c)))
        .collect()
}
