//! The one index reader: stage-0 entries, their kinds and exec bits, and
//! the cache tree. [`decode`] reads the file in place (a memory map, a
//! 20-byte slot per entry); what it declines (a split index) gix reads,
//! converted to the same slots, so everything above sees one shape.

mod decode;
#[cfg(test)]
mod tests;

pub(crate) use decode::CacheTree;
use decode::{Declined, IN_EXTRA, INTENT_TO_ADD, MODE_TREE, OID_EXTRA, SKIP_WORKTREE, STAGE, Slot};

use super::{GitEntry, GitKind, Oid, kind_of};
use crate::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A git index as read from disk.
pub struct Index {
    file: Bytes,
    /// Paths and ids that are not in the file (see [`decode::IN_EXTRA`]).
    extra: Vec<u8>,
    /// Every entry, in git's order (path, then stage).
    slots: Vec<Slot>,
    tree: Option<CacheTree>,
    hash_len: usize,
}

/// The file's bytes: mapped, or (an empty file, a converted gix index)
/// owned.
enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

impl Index {
    /// Read the index file at `path`; a missing file is `None` (an unborn
    /// repository). The checksum is not verified (git verified the data
    /// when it wrote the file).
    pub(super) fn read(repo: &gix::Repository, path: &Path) -> Result<Option<Index>> {
        let cannot = |why: &dyn std::fmt::Display| cannot_read(path, why);
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(cannot(&e)),
        };
        let len = file.metadata().map_err(|e| cannot(&e))?.len();
        let bytes = if len == 0 {
            Bytes::Owned(Vec::new())
        } else {
            // SAFETY: git never writes into an index file in place (it
            // writes `index.lock` and renames it over), so the mapped file
            // does not change under us; gix's own reader maps it the same way.
            // Mapped whole at once (`MAP_POPULATE`): decoding reads every
            // page, and one call is cheaper than a fault per few pages.
            #[allow(unsafe_code)]
            let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }
                .map_err(|e| cannot(&e))?;
            Bytes::Mapped(map)
        };
        let hash_len = repo.object_hash().len_in_bytes();
        let (mut index, sparse) = match decode::decode(&bytes, hash_len) {
            Ok(d) => {
                let index = Index {
                    file: bytes,
                    extra: d.extra,
                    slots: d.slots,
                    tree: d.tree,
                    hash_len,
                };
                (index, d.sparse)
            }
            Err(Declined::Corrupt(why)) => return Err(cannot(&why)),
            Err(Declined::Unsupported(_)) => Index::from_gix(repo, path, hash_len)?,
        };
        if sparse {
            index.expand_sparse(repo)?;
        }
        index.slots.shrink_to_fit();
        Ok(Some(index))
    }

    /// What [`decode`] declines, read by gix (which resolves a split
    /// index's shared file) and converted, paths and ids into `extra`;
    /// with whether it holds sparse directories.
    fn from_gix(repo: &gix::Repository, path: &Path, hash_len: usize) -> Result<(Index, bool)> {
        use gix::index::entry::Flags;
        let options = gix::index::decode::Options {
            thread_limit: Some(1),
            ..Default::default()
        };
        let file = gix::index::File::at(path, repo.object_hash(), true, options)
            .map_err(|e| cannot_read(path, &e))?;
        let mut index = Index {
            file: Bytes::Owned(Vec::new()),
            extra: Vec::new(),
            slots: Vec::with_capacity(file.entries().len()),
            tree: file.tree().map(converted_tree),
            hash_len,
        };
        let mut sparse = false;
        for e in file.entries() {
            let mut flags = e.stage_raw() as u8;
            if e.flags.contains(Flags::INTENT_TO_ADD) {
                flags |= INTENT_TO_ADD;
            }
            if e.flags.contains(Flags::SKIP_WORKTREE) {
                flags |= SKIP_WORKTREE;
            }
            let mode = decode::canonical_mode(e.mode.bits());
            sparse |= mode == MODE_TREE;
            index.push_extra(e.path(&file), e.id.as_bytes(), mode, flags)?;
        }
        Ok((index, sparse))
    }

    /// Add an entry whose path and id are copied into `extra`.
    fn push_extra(&mut self, path: &[u8], oid: &[u8], mode: u32, flags: u8) -> Result<()> {
        let path_at = self.extra.len();
        self.extra.extend_from_slice(path);
        let oid_at = self.extra.len();
        self.extra.extend_from_slice(oid);
        if self.extra.len() > u32::MAX as usize {
            return Err(Error::git("the index holds over 4 GiB of paths"));
        }
        self.slots.push(Slot {
            path_at: path_at as u32,
            path_len: path.len() as u32,
            oid_at: oid_at as u32,
            mode,
            flags: flags | IN_EXTRA | OID_EXTRA,
        });
        Ok(())
    }

    /// Replace a sparse index's directory entries (one entry for a whole
    /// tree outside the cone, `registry/` say) by the files of their trees,
    /// marked skip-worktree as git marks them when it expands the index
    /// itself: every reader then sees every staged path, and a registry
    /// outside the cone is checked, not missed. The cache tree stays valid
    /// (the trees are the same).
    fn expand_sparse(&mut self, repo: &gix::Repository) -> Result<()> {
        let dirs: Vec<(Vec<u8>, gix::ObjectId)> = self
            .slots
            .iter()
            .filter(|s| s.mode == MODE_TREE)
            .map(|s| (self.path_of(s).to_vec(), self.oid_of(s)))
            .collect();
        for (dir, tree) in &dirs {
            let tree = repo.find_tree(*tree).map_err(Error::git)?;
            let mut recorder = gix::traverse::tree::Recorder::default();
            tree.traverse()
                .breadthfirst(&mut recorder)
                .map_err(Error::git)?;
            for r in recorder.records.into_iter().filter(|r| !r.mode.is_tree()) {
                let path = [dir.as_slice(), r.filepath.as_slice()].concat();
                let mode = u32::from(r.mode.value());
                self.push_extra(&path, r.oid.as_bytes(), mode, SKIP_WORKTREE)?;
            }
        }
        self.slots.retain(|s| s.mode != MODE_TREE);
        let (file, extra) = (&*self.file, &self.extra);
        self.slots.sort_by(|a, b| {
            decode::path_of(file, extra, a)
                .cmp(decode::path_of(file, extra, b))
                .then((a.flags & STAGE).cmp(&(b.flags & STAGE)))
        });
        Ok(())
    }

    fn path_of(&self, slot: &Slot) -> &[u8] {
        decode::path_of(&self.file, &self.extra, slot)
    }

    fn oid_of(&self, slot: &Slot) -> gix::ObjectId {
        let bytes = if slot.flags & OID_EXTRA != 0 {
            &self.extra[..]
        } else {
            &self.file[..]
        };
        let at = slot.oid_at as usize;
        gix::ObjectId::from_bytes_or_panic(&bytes[at..at + self.hash_len])
    }

    fn entry_of(&self, slot: &Slot) -> GitEntry {
        GitEntry {
            oid: Oid(self.oid_of(slot)),
            kind: kind_of(slot.mode).unwrap_or(GitKind::File),
        }
    }

    /// How many entries (all stages).
    pub(super) fn len(&self) -> usize {
        self.slots.len()
    }

    /// The path of entry `i`.
    pub(super) fn path(&self, i: usize) -> &[u8] {
        self.path_of(&self.slots[i])
    }

    /// The stage-0 entry among entries `range` (one path's stages).
    pub(super) fn stage0_in(&self, range: std::ops::Range<usize>) -> Option<GitEntry> {
        self.slots[range]
            .iter()
            .find(|s| s.flags & STAGE == 0)
            .map(|s| self.entry_of(s))
    }

    /// The cache tree (`TREE` extension), when the index has one.
    pub(super) fn cache_tree(&self) -> Option<&CacheTree> {
        self.tree.as_ref()
    }

    /// Stage-0 entries with their paths.
    fn stage0(&self) -> impl Iterator<Item = (&[u8], &Slot)> {
        self.slots
            .iter()
            .filter(|s| s.flags & STAGE == 0)
            .map(|s| (self.path_of(s), s))
    }

    /// Every entry, in path order, when the index is exactly a tree: no
    /// conflicted stages and no intent-to-add placeholder (`git add -N`),
    /// so the entries are what a commit would record. `None` otherwise.
    pub fn plain_files(&self) -> Option<impl Iterator<Item = (&[u8], GitEntry)>> {
        let plain = self
            .slots
            .iter()
            .all(|s| s.flags & (STAGE | INTENT_TO_ADD) == 0);
        plain.then(|| self.stage0().map(|(p, s)| (p, self.entry_of(s))))
    }

    /// The index as a path map of stage-0 entries.
    pub fn entries(&self) -> BTreeMap<String, GitEntry> {
        self.stage0()
            .map(|(path, s)| (String::from_utf8_lossy(path).into_owned(), self.entry_of(s)))
            .collect()
    }

    /// Stage-0 paths ending in `suffix` (registry candidates), without
    /// building the whole map.
    pub fn paths_ending<'a>(&'a self, suffix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.stage0()
            .filter(move |(p, _)| p.ends_with(suffix.as_bytes()))
            .filter_map(|(p, _)| std::str::from_utf8(p).ok())
    }

    /// Whether any stage-0 path lies below `dir` (`a/b/`): a binary search
    /// to where such paths start, then only those.
    pub fn has_path_under(&self, dir: &str) -> bool {
        let dir = dir.as_bytes();
        let first = self.slots.partition_point(|s| self.path_of(s) < dir);
        self.slots[first..]
            .iter()
            .take_while(|s| self.path_of(s).starts_with(dir))
            .any(|s| s.flags & STAGE == 0)
    }

    /// Stage-0 paths with the executable bit (a patched file keeps it).
    pub fn executables(&self) -> BTreeSet<String> {
        self.stage0()
            .filter(|(_, s)| s.mode == 0o100755)
            .map(|(p, _)| String::from_utf8_lossy(p).into_owned())
            .collect()
    }

    /// Stage-0 paths git does not check out (sparse checkout's
    /// skip-worktree bit): a restaged file must keep the bit, or `git
    /// status` shows it deleted.
    pub fn skip_worktree(&self) -> BTreeSet<String> {
        self.stage0()
            .filter(|(_, s)| s.flags & SKIP_WORKTREE != 0)
            .map(|(p, _)| String::from_utf8_lossy(p).into_owned())
            .collect()
    }

    /// The stage-0 entry at `path`, if any (a binary search).
    pub fn entry(&self, path: &str) -> Option<GitEntry> {
        let path = path.as_bytes();
        self.slots
            .binary_search_by(|s| self.path_of(s).cmp(path).then((s.flags & STAGE).cmp(&0)))
            .ok()
            .map(|i| self.entry_of(&self.slots[i]))
    }
}

/// The one wording of an index that cannot be read, by either decoder.
fn cannot_read(path: &Path, why: &dyn std::fmt::Display) -> Error {
    Error::git(format!("cannot read the index {}: {why}", path.display()))
}

fn by_name(mut tree: CacheTree) -> CacheTree {
    tree.children = tree.children.into_iter().map(by_name).collect();
    tree.children
        .sort_by(|a, b| (&a.name, a.valid).cmp(&(&b.name, b.valid)));
    tree
}

fn converted_tree(t: &gix::index::extension::Tree) -> CacheTree {
    CacheTree {
        name: t.name.to_vec(),
        valid: t.num_entries.map(|_| t.id),
        children: t.children.iter().map(converted_tree).collect(),
    }
}

/// One entry as a decoder read it, for comparing two decoders.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    path: Vec<u8>,
    stage: u8,
    mode: u32,
    oid: gix::ObjectId,
    intent_to_add: bool,
    skip_worktree: bool,
}

impl Index {
    fn seen(&self) -> Vec<Seen> {
        self.slots
            .iter()
            .map(|s| Seen {
                path: self.path_of(s).to_vec(),
                stage: s.flags & STAGE,
                mode: s.mode,
                oid: self.oid_of(s),
                intent_to_add: s.flags & INTENT_TO_ADD != 0,
                skip_worktree: s.flags & SKIP_WORKTREE != 0,
            })
            .collect()
    }
}

fn seen_by_gix(state: &gix::index::State) -> Vec<Seen> {
    use gix::index::entry::Flags;
    state
        .entries()
        .iter()
        .map(|e| Seen {
            path: e.path(state).to_vec(),
            stage: e.stage_raw() as u8,
            mode: decode::canonical_mode(e.mode.bits()),
            oid: e.id,
            intent_to_add: e.flags.contains(Flags::INTENT_TO_ADD),
            skip_worktree: e.flags.contains(Flags::SKIP_WORKTREE),
        })
        .collect()
}

/// The index fuzz target's check (SHA-1 ids): whatever both this decoder
/// and gix's accept, they read as the same entries and the same cache
/// tree. A panic in either is a finding too.
pub(crate) fn decoders_agree(data: &[u8]) -> std::result::Result<bool, String> {
    let Ok(ours) = decode::decode(data, 20) else {
        return Ok(false);
    };
    let options = gix::index::decode::Options {
        thread_limit: Some(1),
        alloc_limit_bytes: Some(64 << 20),
        ..Default::default()
    };
    let hash = gix::hash::Kind::Sha1;
    let Ok((state, _)) =
        gix::index::State::from_bytes(data, filetime::FileTime::zero(), hash, options)
    else {
        return Ok(false);
    };
    let index = Index {
        file: Bytes::Owned(data.to_vec()),
        extra: ours.extra,
        slots: ours.slots,
        tree: ours.tree,
        hash_len: 20,
    };
    let (mut mine, mut theirs) = (index.seen(), seen_by_gix(&state));
    // A mode git never writes (0o100600, type bits 0o170000) means nothing
    // either decoder could agree on: compare modes git writes.
    for ((m, t), slot) in mine.iter_mut().zip(theirs.iter_mut()).zip(&index.slots) {
        let at = slot.oid_at as usize - 16;
        let raw = u32::from_be_bytes(data[at..at + 4].try_into().expect("4 bytes"));
        if raw != m.mode {
            (m.mode, t.mode) = (0, 0);
        }
    }
    if mine != theirs {
        let at = mine.iter().zip(&theirs).position(|(a, b)| a != b);
        return Err(format!(
            "entries differ ({} here, {} by gix), first at {at:?}: {:?} vs {:?}",
            mine.len(),
            theirs.len(),
            at.map(|i| &mine[i]),
            at.map(|i| &theirs[i]),
        ));
    }
    // git writes subtrees shortest name first, gix sorts them by name:
    // the walk looks children up by name, so compare them in one order.
    let gix_tree = state.tree().map(converted_tree).map(by_name);
    if index.tree.clone().map(by_name) != gix_tree {
        return Err(format!(
            "cache trees differ: {:?} vs {gix_tree:?}",
            index.tree
        ));
    }
    Ok(true)
}
