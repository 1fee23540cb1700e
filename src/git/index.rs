//! The one index reader: stage-0 entries, their kinds and exec bits.

use super::{GitEntry, GitKind, Oid, kind_of};
use crate::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A git index as read from disk.
pub struct Index {
    pub(super) file: gix::index::File,
}

impl Index {
    /// Read the index file at `path`. The checksum is not verified (git
    /// verified it when it wrote the file) and one thread decodes it (the
    /// hook's fast path must not pay for a thread pool); a missing file is
    /// `None` (an unborn repository).
    pub(super) fn read(repo: &gix::Repository, path: &Path) -> Result<Option<Index>> {
        if !path.exists() {
            return Ok(None);
        }
        let options = gix::index::decode::Options {
            thread_limit: Some(1),
            ..Default::default()
        };
        let mut file = gix::index::File::at(path, repo.object_hash(), true, options)
            .map_err(|e| Error::git(format!("cannot read the index {}: {e}", path.display())))?;
        if file.entries().iter().any(|e| e.mode.is_sparse()) {
            expand_sparse(repo, &mut file)?;
        }
        Ok(Some(Index { file }))
    }

    /// Stage-0 entries with their paths.
    fn stage0(&self) -> impl Iterator<Item = (&[u8], &gix::index::Entry)> {
        self.file
            .entries()
            .iter()
            .filter(|e| e.stage_raw() == 0)
            .map(|e| (&**e.path(&self.file), e))
    }

    /// Every entry, in path order, when the index is exactly a tree: no
    /// conflicted stages and no intent-to-add placeholder (`git add -N`),
    /// so the entries are what a commit would record. `None` otherwise.
    pub fn plain_files(&self) -> Option<impl Iterator<Item = (&[u8], GitEntry)>> {
        use gix::index::entry::Flags;
        let plain = self
            .file
            .entries()
            .iter()
            .all(|e| e.stage_raw() == 0 && !e.flags.contains(Flags::INTENT_TO_ADD));
        plain.then(|| self.stage0().map(|(p, e)| (p, entry_of(e))))
    }

    /// The index as a path map of stage-0 entries.
    pub fn entries(&self) -> BTreeMap<String, GitEntry> {
        self.stage0()
            .map(|(path, e)| (String::from_utf8_lossy(path).into_owned(), entry_of(e)))
            .collect()
    }

    /// Stage-0 paths ending in `suffix` (registry candidates), without
    /// building the whole map.
    pub fn paths_ending<'a>(&'a self, suffix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.stage0()
            .filter(move |(p, _)| p.ends_with(suffix.as_bytes()))
            .filter_map(|(p, _)| std::str::from_utf8(p).ok())
    }

    /// Whether any stage-0 path lies below `dir` (`a/b/`).
    pub fn has_path_under(&self, dir: &str) -> bool {
        self.stage0().any(|(p, _)| p.starts_with(dir.as_bytes()))
    }

    /// Stage-0 paths with the executable bit (a patched file keeps it).
    pub fn executables(&self) -> BTreeSet<String> {
        self.stage0()
            .filter(|(_, e)| e.mode == gix::index::entry::Mode::FILE_EXECUTABLE)
            .map(|(p, _)| String::from_utf8_lossy(p).into_owned())
            .collect()
    }

    /// Stage-0 paths git does not check out (sparse checkout's
    /// skip-worktree bit): a restaged file must keep the bit, or `git
    /// status` shows it deleted.
    pub fn skip_worktree(&self) -> BTreeSet<String> {
        self.stage0()
            .filter(|(_, e)| e.flags.contains(gix::index::entry::Flags::SKIP_WORKTREE))
            .map(|(p, _)| String::from_utf8_lossy(p).into_owned())
            .collect()
    }

    /// The stage-0 entry at `path`, if any.
    pub fn entry(&self, path: &str) -> Option<GitEntry> {
        self.file
            .entry_by_path_and_stage(path.into(), gix::index::entry::Stage::Unconflicted)
            .map(entry_of)
    }
}

pub(super) fn entry_of(e: &gix::index::Entry) -> GitEntry {
    GitEntry {
        oid: Oid(e.id),
        kind: kind_of(e.mode.bits()).unwrap_or(GitKind::File),
    }
}

/// Replace a sparse index's directory entries (one entry for a whole tree
/// outside the cone, `registry/` say) by the files of their trees, marked
/// skip-worktree as git marks them when it expands the index itself: every
/// reader then sees every staged path, and a registry outside the cone is
/// checked, not missed. The cache tree stays valid (the trees are the same).
fn expand_sparse(repo: &gix::Repository, file: &mut gix::index::File) -> Result<()> {
    use gix::index::entry::{Flags, Mode, Stat};
    let dirs: Vec<(Vec<u8>, gix::ObjectId)> = file
        .entries()
        .iter()
        .filter(|e| e.mode.is_sparse())
        .map(|e| (e.path(file).to_vec(), e.id))
        .collect();
    for (dir, tree) in &dirs {
        let tree = repo.find_tree(*tree).map_err(Error::git)?;
        let mut recorder = gix::traverse::tree::Recorder::default();
        tree.traverse()
            .breadthfirst(&mut recorder)
            .map_err(Error::git)?;
        for r in recorder.records.into_iter().filter(|r| !r.mode.is_tree()) {
            let mode = Mode::from_bits_truncate(u32::from(r.mode.value()));
            let path = [dir.as_slice(), r.filepath.as_slice()].concat();
            file.dangerously_push_entry(
                Stat::default(),
                r.oid,
                Flags::SKIP_WORKTREE | Flags::EXTENDED,
                mode,
                path.as_slice().into(),
            );
        }
    }
    file.remove_entries(|_, _, e| e.mode.is_sparse());
    file.sort_entries();
    Ok(())
}
