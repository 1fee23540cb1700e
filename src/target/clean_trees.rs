//! Staged trees a pre-commit run found clean, remembered by digest in
//! `<git common dir>/reuse-surface/clean-trees-v1.bin`, so that a commit
//! whose tree is one of them, or which differs from one only in ways no
//! check can see, is answered without loading the registry.
//!
//! A check's answer is a function of the tree being checked (the registry
//! prefix, and the binary doing the checking): a tree is named here by a
//! digest of every path, kind and object id the index holds, which is the
//! tree a commit would record. HEAD's tree is named the same way, from the
//! index and the HEAD → index diff the hook computes anyway, so a run can
//! ask both "was this exact tree clean?" and "was HEAD clean?".
//!
//! "Clean" is strict: no problem of any severity, nothing to patch, no
//! note. The digest is XXH3-128 (seeded with a number kept in the file),
//! over the binary's own stat data first, so another build never trusts
//! this one's answers. It is an optimisation, not a security boundary:
//! the hook can be skipped anyway, and CI runs `validate`. A missing,
//! corrupt or foreign-version file is ignored and replaced.

use crate::git::{Change, Changed, GitEntry, GitKind, Index};
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::{xxh3_64_with_seed, xxh3_128_with_seed};

/// The file's name inside `<git common dir>/reuse-surface/`.
pub const FILE_NAME: &str = "clean-trees-v1.bin";

/// The file's first line; bumped whenever what "clean" covers changes.
const FORMAT: &str = concat!(
    "reuse-surface-clean-trees-1/",
    env!("CARGO_PKG_VERSION"),
    "\n"
);

/// How many trees are remembered (the newest): a branch's recent commits
/// and the states a refused commit went through; 4 KiB on disk.
const KEEP: usize = 256;

/// A tree's name here.
pub type Digest = u128;

/// The staged tree's digest and HEAD's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digests {
    pub staged: Digest,
    pub head: Digest,
}

/// The remembered clean trees of one repository.
pub struct CleanTrees {
    path: PathBuf,
    seed: u64,
    known: Vec<Digest>,
    added: Vec<Digest>,
}

impl CleanTrees {
    /// Open the file in `git_dir`; anything unreadable means none known
    /// (and a fresh seed).
    pub fn open(git_dir: &Path) -> Self {
        let path = git_dir.join("reuse-surface").join(FILE_NAME);
        let (seed, known) = std::fs::read(&path)
            .ok()
            .and_then(|bytes| decode(&bytes))
            .unwrap_or_else(|| (fresh_seed(), Vec::new()));
        CleanTrees {
            path,
            seed,
            known,
            added: Vec::new(),
        }
    }

    pub fn contains(&self, digest: Digest) -> bool {
        self.known.contains(&digest) || self.added.contains(&digest)
    }

    /// Remember `digest` as clean, as the newest (written by
    /// [`CleanTrees::save`]): a tree remembered again is kept longest.
    pub fn insert(&mut self, digest: Digest) {
        self.known.retain(|d| *d != digest);
        if !self.added.contains(&digest) {
            self.added.push(digest);
        }
    }

    /// The digests of the staged tree and of HEAD's, or `None` when they
    /// cannot be named: an index that is not a plain tree, a changed path
    /// whose name is not UTF-8, a diff that does not fit the index, or no
    /// way to tell this binary from another.
    ///
    /// A tree's digest is the sum (modulo 2^128) of one hash per path, so
    /// HEAD's follows from the staged tree's in the size of the diff:
    /// take the staged side of each changed path out, put HEAD's in.
    pub fn digests(&self, index: &Index, changes: &[Changed], prefix: &str) -> Option<Digests> {
        let checker = crate::target::verdict::checker_bytes()?;
        let mut header = Vec::new();
        for part in [FORMAT.as_bytes(), &checker, prefix.as_bytes()] {
            header.extend_from_slice(&(part.len() as u64).to_le_bytes());
            header.extend_from_slice(part);
        }
        let seed = xxh3_64_with_seed(&header, self.seed);
        let mut buf = Vec::with_capacity(256);
        let mut staged: Digest = 0;
        for (path, entry) in index.plain_files()? {
            staged = staged.wrapping_add(path_hash(seed, &mut buf, path, &entry));
        }
        let mut head = staged;
        for c in changes {
            if c.not_utf8.is_some() {
                return None;
            }
            let path = c.path.as_bytes();
            let now = index.entry(&c.path);
            match (c.change, now, &c.old) {
                (Change::Added, Some(now), None) => {
                    head = head.wrapping_sub(path_hash(seed, &mut buf, path, &now));
                }
                (Change::Modified, Some(now), Some(old)) => {
                    head = head.wrapping_sub(path_hash(seed, &mut buf, path, &now));
                    head = head.wrapping_add(path_hash(seed, &mut buf, path, old));
                }
                (Change::Deleted, None, Some(old)) => {
                    head = head.wrapping_add(path_hash(seed, &mut buf, path, old));
                }
                _ => return None,
            }
        }
        Some(Digests { staged, head })
    }

    /// Write what was added, keeping the newest [`KEEP`]. A failure to
    /// write costs only speed.
    pub fn save(&self) {
        if self.added.is_empty() {
            return;
        }
        let mut all: Vec<Digest> = self.known.clone();
        all.extend(&self.added);
        let keep = &all[all.len().saturating_sub(KEEP)..];
        let mut bytes = Vec::with_capacity(FORMAT.len() + 8 + keep.len() * 16);
        bytes.extend_from_slice(FORMAT.as_bytes());
        bytes.extend_from_slice(&self.seed.to_le_bytes());
        for d in keep {
            bytes.extend_from_slice(&d.to_le_bytes());
        }
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = crate::atomic::replace_file(&self.path, &bytes);
    }
}

/// One path's part of a digest: its path, kind and id (a path holds no
/// NUL byte; the kind byte and the id follow it).
fn path_hash(seed: u64, buf: &mut Vec<u8>, path: &[u8], entry: &GitEntry) -> Digest {
    let kind = match entry.kind {
        GitKind::File => 1u8,
        GitKind::Symlink => 2,
        GitKind::Submodule => 3,
    };
    buf.clear();
    buf.extend_from_slice(path);
    buf.extend_from_slice(&[0, kind]);
    buf.extend_from_slice(entry.oid.as_bytes());
    xxh3_128_with_seed(buf, seed)
}

/// The seed and digests of a file this build wrote, or `None`.
fn decode(bytes: &[u8]) -> Option<(u64, Vec<Digest>)> {
    let rest = bytes.strip_prefix(FORMAT.as_bytes())?;
    let (seed, digests) = rest.split_first_chunk::<8>()?;
    if digests.len() % 16 != 0 {
        return None;
    }
    let known = digests
        .chunks_exact(16)
        .map(|c| Digest::from_le_bytes(c.try_into().expect("16 bytes")))
        .collect();
    Some((u64::from_le_bytes(*seed), known))
}

/// A seed for a new file (std's randomly keyed hasher, the OS's
/// randomness): repositories do not share digests.
fn fresh_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saving_keeps_the_newest_and_the_seed() {
        let dir = tempfile::tempdir().unwrap();
        let mut trees = CleanTrees::open(dir.path());
        let seed = trees.seed;
        for d in 0..(KEEP as u128 + 44) {
            trees.insert(d);
        }
        trees.insert(KEEP as u128 + 43); // added already: not twice
        trees.save();
        let again = CleanTrees::open(dir.path());
        assert_eq!(again.seed, seed);
        assert_eq!(again.known.len(), KEEP);
        assert!(!again.contains(43) && again.contains(44) && again.contains(KEEP as u128 + 43));

        // A later save puts what it learned last, and forgets the oldest.
        let mut more = again;
        more.insert(44); // remembered again: now the newest
        more.insert(1_000_000);
        more.save();
        let last = CleanTrees::open(dir.path());
        assert!(last.contains(44) && last.contains(1_000_000) && !last.contains(45));
        assert_eq!(last.known.len(), KEEP);
    }
}
