//! The bytes of a git index file (`DIRC`, versions 2 to 4) decoded in
//! place: a compact table of entries pointing into the file, and the
//! cache-tree extension (`TREE`). gix decodes every entry into an owned
//! record with its stat data (about 90 bytes each, plus the paths copied);
//! the hook's fast path needs only paths, modes, ids and three flags, and
//! at 100,000 files that difference is tens of megabytes written before
//! the first question is asked. What this decoder does not know (a split
//! index, an extension git itself would require) it declines, and the
//! caller hands the file to gix.
//!
//! Format: `Documentation/gitformat-index.txt` in git's sources.

use std::cmp::Ordering;

/// One entry, 20 bytes: where its path and id are, its mode and flags.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    /// Start of the path, in the file or (with [`IN_EXTRA`]) in `extra`.
    pub path_at: u32,
    pub path_len: u32,
    /// Start of the object id, in the file or (with [`OID_EXTRA`]) in `extra`.
    pub oid_at: u32,
    pub mode: u32,
    pub flags: u8,
}

/// The merge stage (0 for an ordinary entry, 1 to 3 for a conflict).
pub(crate) const STAGE: u8 = 0b11;
/// `git add -N`: a placeholder, not content a commit would record.
pub(crate) const INTENT_TO_ADD: u8 = 1 << 2;
/// Sparse checkout: git does not check the path out.
pub(crate) const SKIP_WORKTREE: u8 = 1 << 3;
/// The path lives in `extra` (version 4's compressed names, expanded
/// sparse directories), not in the file.
pub(crate) const IN_EXTRA: u8 = 1 << 4;
/// The object id lives in `extra` (expanded sparse directories).
pub(crate) const OID_EXTRA: u8 = 1 << 5;

/// A sparse index's directory entry (`dir/`, a whole tree outside the cone).
pub(crate) const MODE_TREE: u32 = 0o040000;

/// One node of the cache tree: a directory whose tree id the index still
/// vouches for (`valid`), or one a staged change invalidated (`None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CacheTree {
    pub name: Vec<u8>,
    pub valid: Option<gix::ObjectId>,
    pub children: Vec<CacheTree>,
}

/// An index decoded in place.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub slots: Vec<Slot>,
    /// Paths that are not in the file (version 4).
    pub extra: Vec<u8>,
    pub tree: Option<CacheTree>,
    /// Whether any entry is a sparse directory (to expand).
    pub sparse: bool,
}

/// Why the file was not decoded here.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Declined {
    /// Valid, but not ours to read (a split index, an unknown required
    /// extension, a future version): gix reads it or says why not.
    Unsupported(String),
    /// Not a well-formed index: the message says where.
    Corrupt(String),
}

const HEADER: usize = 12;
/// Stat data before the object id: ctime, mtime (8 each), dev, ino, mode,
/// uid, gid, size (4 each).
const STAT: usize = 40;
const EXTENDED: u16 = 0x4000;
const NAME_MASK: u16 = 0x0fff;
/// Deepest cache tree accepted: a path of 4,096 bytes has at most 2,048
/// directories, and the parser recurses once per level.
const MAX_DEPTH: usize = 2048;

fn corrupt(at: usize, what: &str) -> Declined {
    Declined::Corrupt(format!("{what} at byte {at}"))
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Git's offset varint (version 4's "bytes to drop from the last path").
fn varint(b: &[u8], at: &mut usize) -> Option<usize> {
    let mut byte = *b.get(*at)?;
    *at += 1;
    let mut value = usize::from(byte & 0x7f);
    while byte & 0x80 != 0 {
        byte = *b.get(*at)?;
        *at += 1;
        value = value.checked_add(1)?.checked_mul(128)? | usize::from(byte & 0x7f);
    }
    Some(value)
}

/// Decode `bytes`, the whole file, for ids of `hash_len` bytes. The
/// trailing checksum is not verified (git verified the data when it wrote
/// it, and gix's reader skipped it too); everything else is bounds-checked,
/// and entries must be in git's order, as git itself insists.
pub(crate) fn decode(bytes: &[u8], hash_len: usize) -> Result<Decoded, Declined> {
    if bytes.len() < HEADER + hash_len || &bytes[..4] != b"DIRC" {
        return Err(corrupt(0, "not an index file (no `DIRC` header)"));
    }
    if bytes.len() > u32::MAX as usize {
        return Err(Declined::Unsupported("an index over 4 GiB".into()));
    }
    let version = be32(bytes, 4).expect("header length checked");
    if !(2..=4).contains(&version) {
        return Err(Declined::Unsupported(format!("index version {version}")));
    }
    let count = be32(bytes, 8).expect("header length checked") as usize;
    let end = bytes.len() - hash_len; // the checksum follows
    let fixed = STAT + hash_len + 2;
    // Never trust the header's count for an allocation.
    let mut slots = Vec::with_capacity(count.min(end / (fixed + 1)));
    let mut extra = Vec::new();
    let mut sparse = false;
    // A split index's entries may have empty names (they replace entries
    // of the shared index) and need not be in order: such problems count
    // only once the extensions show no `link`.
    let mut disorder = None;
    let mut at = HEADER;
    for _ in 0..count {
        let start = at;
        if start + fixed > end {
            return Err(corrupt(start, "truncated index entry"));
        }
        let mode = canonical_mode(be32(bytes, start + 24).expect("bounds checked"));
        let disk_flags = be16(bytes, start + STAT + hash_len).expect("bounds checked");
        let mut flags = ((disk_flags >> 12) & 0b11) as u8;
        let mut name_at = start + fixed;
        if disk_flags & EXTENDED != 0 {
            if version < 3 {
                return Err(corrupt(start, "extended flags in a version 2 index"));
            }
            let ext =
                be16(bytes, name_at).ok_or_else(|| corrupt(start, "truncated index entry"))?;
            if ext & 0x8000 != 0 {
                return Err(corrupt(start, "unknown index entry flags"));
            }
            if ext & 0x4000 != 0 {
                flags |= SKIP_WORKTREE;
            }
            if ext & 0x2000 != 0 {
                flags |= INTENT_TO_ADD;
            }
            name_at += 2;
        }
        let slot = if version == 4 {
            let strip = varint(bytes, &mut name_at)
                .ok_or_else(|| corrupt(start, "truncated path length"))?;
            let suffix_len = nul_at(bytes, name_at, end)
                .ok_or_else(|| corrupt(start, "unterminated path"))?
                - name_at;
            let previous = slots.last().map_or(0..0, |s: &Slot| {
                s.path_at as usize..(s.path_at + s.path_len) as usize
            });
            if strip > previous.len() {
                return Err(corrupt(start, "path shares more than the previous one has"));
            }
            let path_at = extra.len();
            extra.extend_from_within(previous.start..previous.end - strip);
            extra.extend_from_slice(&bytes[name_at..name_at + suffix_len]);
            at = name_at + suffix_len + 1;
            let path_len = extra.len() - path_at;
            if path_at > u32::MAX as usize || extra.len() > u32::MAX as usize {
                return Err(Declined::Unsupported("paths over 4 GiB".into()));
            }
            Slot {
                path_at: path_at as u32,
                path_len: path_len as u32,
                oid_at: (start + STAT) as u32,
                mode,
                flags: flags | IN_EXTRA,
            }
        } else {
            let short = (disk_flags & NAME_MASK) as usize;
            let path_len = if short < NAME_MASK as usize {
                short
            } else {
                // 0xfff: the path is at least that long; find its end.
                nul_at(bytes, name_at, end).ok_or_else(|| corrupt(start, "unterminated path"))?
                    - name_at
            };
            if bytes.get(name_at + path_len) != Some(&0) || name_at + path_len >= end {
                return Err(corrupt(start, "path length does not match its name"));
            }
            // Padded with 1 to 8 NULs to a multiple of eight bytes.
            at = start + ((name_at - start + path_len + 8) & !7);
            if at > end {
                return Err(corrupt(start, "truncated index entry"));
            }
            Slot {
                path_at: name_at as u32,
                path_len: path_len as u32,
                oid_at: (start + STAT) as u32,
                mode,
                flags,
            }
        };
        sparse |= mode == MODE_TREE;
        if disorder.is_none() {
            if slot.path_len == 0 {
                disorder = Some(corrupt(start, "an entry without a path"));
            } else if let Some(last) = slots.last() {
                let order = path_of(bytes, &extra, last)
                    .cmp(path_of(bytes, &extra, &slot))
                    .then((last.flags & STAGE).cmp(&(slot.flags & STAGE)));
                if order != Ordering::Less {
                    let path = String::from_utf8_lossy(path_of(bytes, &extra, &slot));
                    disorder = Some(corrupt(start, &format!("entry `{path}` out of order")));
                }
            }
        }
        slots.push(slot);
    }
    let tree = extensions(bytes, at, end, hash_len)?;
    if let Some(problem) = disorder {
        return Err(problem);
    }
    Ok(Decoded {
        slots,
        extra,
        tree,
        sparse,
    })
}

/// A mode as git means it (git's `canon_mode`): a regular file is 644 or
/// 755 by its owner's exec bit, whatever else the stat data said.
pub(crate) fn canonical_mode(mode: u32) -> u32 {
    match mode & 0o170000 {
        0o100000 if mode & 0o100 != 0 => 0o100755,
        0o100000 => 0o100644,
        0o120000 => 0o120000,
        0o040000 => MODE_TREE,
        _ => 0o160000,
    }
}

/// The path of `slot`, in `file` or `extra` as its flags say.
pub(crate) fn path_of<'a>(file: &'a [u8], extra: &'a [u8], slot: &Slot) -> &'a [u8] {
    let range = slot.path_at as usize..(slot.path_at + slot.path_len) as usize;
    if slot.flags & IN_EXTRA != 0 {
        &extra[range]
    } else {
        &file[range]
    }
}

fn nul_at(bytes: &[u8], from: usize, end: usize) -> Option<usize> {
    let rest = bytes.get(from..end)?;
    rest.iter().position(|&b| b == 0).map(|i| from + i)
}

/// Walk the extensions between the entries and the checksum; return the
/// cache tree. A malformed cache tree is dropped, as git drops it: it only
/// saves reading trees, and every tree is read without it.
fn extensions(
    bytes: &[u8],
    mut at: usize,
    end: usize,
    hash_len: usize,
) -> Result<Option<CacheTree>, Declined> {
    let mut tree = None;
    while at < end {
        if at + 8 > end {
            return Err(corrupt(at, "truncated extension header"));
        }
        let signature = &bytes[at..at + 4];
        let size = be32(bytes, at + 4).expect("bounds checked") as usize;
        let data = bytes
            .get(at + 8..(at + 8).saturating_add(size))
            .filter(|_| at + 8 + size <= end)
            .ok_or_else(|| corrupt(at, "extension longer than the file"))?;
        match signature {
            b"TREE" => {
                let mut pos = 0;
                tree = cache_tree(data, &mut pos, hash_len, 0).filter(|_| pos == data.len());
            }
            b"link" => return Err(Declined::Unsupported("a split index".into())),
            b"sdir" => {} // says entries may be sparse directories: we look
            // Upper case first: optional, ignorable (EOIE, IEOT, UNTR, ...).
            [b'A'..=b'Z', ..] => {}
            other => {
                let name = String::from_utf8_lossy(other).into_owned();
                return Err(Declined::Unsupported(format!(
                    "the index extension `{name}`"
                )));
            }
        }
        at += 8 + size;
    }
    Ok(tree)
}

/// One node of the `TREE` extension and, depth first, its subtrees:
/// `name NUL entry-count SP subtree-count LF [id]`, the id present unless
/// the count is negative (invalidated).
fn cache_tree(data: &[u8], pos: &mut usize, hash_len: usize, depth: usize) -> Option<CacheTree> {
    if depth > MAX_DEPTH {
        return None;
    }
    let name_end = *pos + data.get(*pos..)?.iter().position(|&b| b == 0)?;
    let name = data[*pos..name_end].to_vec();
    *pos = name_end + 1;
    let entries = decimal(data, pos, b' ')?;
    let subtrees = decimal(data, pos, b'\n')?;
    let valid = if entries >= 0 {
        let id = data.get(*pos..*pos + hash_len)?;
        *pos += hash_len;
        Some(gix::ObjectId::from_bytes_or_panic(id))
    } else {
        None // git writes -1; any negative count means invalidated to git
    };
    let subtrees = usize::try_from(subtrees).ok()?;
    // Each subtree takes at least four bytes: never trust the count.
    let mut children = Vec::with_capacity(subtrees.min(data.len() / 4));
    for _ in 0..subtrees {
        children.push(cache_tree(data, pos, hash_len, depth + 1)?);
    }
    // Two subtrees of one name: not a tree git wrote.
    let mut names: Vec<&[u8]> = children.iter().map(|c| &c.name[..]).collect();
    names.sort_unstable();
    if names.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    Some(CacheTree {
        name,
        valid,
        children,
    })
}

/// An ASCII decimal (optionally `-`) ended by `stop`.
fn decimal(data: &[u8], pos: &mut usize, stop: u8) -> Option<i64> {
    let rest = data.get(*pos..)?;
    let len = rest.iter().position(|&b| b == stop)?;
    let text = std::str::from_utf8(&rest[..len]).ok()?;
    *pos += len + 1;
    if text.is_empty() || text.starts_with('+') {
        return None;
    }
    text.parse().ok()
}
