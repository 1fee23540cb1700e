//! The index decoder against real indexes written by the `git` binary (each
//! version, every flag, conflicts, long paths, sparse and split indexes),
//! with `git ls-files --stage` and gix's decoder as the two oracles, and
//! against damaged copies of them (no panic, and agreement whenever both
//! decoders accept).

use super::decode::{self, Declined};
use super::*;
use crate::git::test_repo::{git, write};
use std::path::Path;

fn read(dir: &Path) -> Index {
    let repo = gix::open(dir).unwrap();
    Index::read(&repo, &dir.join(".git/index"))
        .unwrap()
        .expect("an index")
}

fn version(dir: &Path) -> u32 {
    let bytes = std::fs::read(dir.join(".git/index")).unwrap();
    u32::from_be_bytes(bytes[4..8].try_into().unwrap())
}

/// What `git ls-files --stage` says: mode, id, stage and path per entry.
fn ls_files(dir: &Path) -> Vec<(u32, String, u8, Vec<u8>)> {
    git(dir, &["ls-files", "--stage", "-z"])
        .split('\0')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (meta, path) = l.split_once('\t').unwrap();
            let mut f = meta.split(' ');
            let mode = u32::from_str_radix(f.next().unwrap(), 8).unwrap();
            let oid = f.next().unwrap().to_string();
            let stage = f.next().unwrap().parse().unwrap();
            (mode, oid, stage, path.as_bytes().to_vec())
        })
        .collect()
}

/// The index read here agrees with git's listing and, when this decoder
/// read the file itself, with gix's decoder of the same bytes.
fn assert_agrees(dir: &Path, what: &str) -> Index {
    let index = read(dir);
    let ours: Vec<(u32, String, u8, Vec<u8>)> = index
        .seen()
        .into_iter()
        .map(|s| (s.mode, s.oid.to_string(), s.stage, s.path))
        .collect();
    assert_eq!(ours, ls_files(dir), "{what}: against git ls-files");
    let bytes = std::fs::read(dir.join(".git/index")).unwrap();
    if decode::decode(&bytes, 20).is_ok() && !matches!(index.file, Bytes::Owned(_)) {
        // gix 0.90 cannot decode a version 2 or 3 path of 4,095 bytes or
        // more (the length field's limit): git's listing is the oracle then.
        let agreed = decoders_agree(&bytes);
        if what.contains("long path") {
            assert!(agreed.is_ok(), "{what}: {agreed:?}");
        } else {
            assert_eq!(agreed, Ok(true), "{what}: against gix");
        }
    }
    index
}

/// A repository with nested directories, committed.
fn committed(d: &Path) {
    git(d, &["init", "-q", "-b", "main"]);
    for i in 0..12 {
        write(d, &format!("src/m{i}/lib.c"), &format!("{i}\n"));
    }
    write(d, "a", "a\n");
    write(d, "a-b/x", "x\n");
    write(d, "deep/er/still/f.txt", "f\n");
    write(d, "x.txt", "x\n");
    std::os::unix::fs::symlink("a", d.join("link")).unwrap();
    git(d, &["add", "-A"]);
    git(d, &["update-index", "--chmod=+x", "a"]);
    git(d, &["commit", "-q", "-m", "one"]);
}

#[test]
fn version_2_with_a_cache_tree_partly_invalidated() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    committed(d);
    let index = assert_agrees(d, "clean");
    assert_eq!(version(d), 2);
    let tree = index
        .cache_tree()
        .expect("git writes a cache tree on commit");
    assert!(tree.valid.is_some(), "clean: the root is valid");
    assert_eq!(index.executables().len(), 1);
    write(d, "src/m3/lib.c", "changed\n");
    git(d, &["add", "src/m3/lib.c"]);
    let index = assert_agrees(d, "one file staged");
    let tree = index.cache_tree().unwrap();
    assert!(tree.valid.is_none(), "the root is invalidated");
    let src = tree.children.iter().find(|c| c.name == b"src").unwrap();
    assert!(src.valid.is_none(), "src/ is invalidated");
    let valid = src.children.iter().filter(|c| c.valid.is_some()).count();
    assert_eq!(valid, 11, "src/'s other subtrees stay valid");
    assert!(index.has_path_under("src/m3/"));
    assert!(!index.has_path_under("src/m3/lib.c/"));
    assert!(!index.has_path_under("nothing/"));
    assert!(index.entry("src/m3/lib.c").is_some());
    assert!(index.entry("src/m3").is_none());
}

#[test]
fn version_3_flags_intent_to_add_and_skip_worktree() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    committed(d);
    write(d, "later.txt", "later\n");
    git(d, &["add", "-N", "later.txt"]);
    git(d, &["update-index", "--skip-worktree", "x.txt"]);
    assert_eq!(version(d), 3);
    let index = assert_agrees(d, "intent-to-add and skip-worktree");
    let seen = index.seen();
    let ita: Vec<&[u8]> = seen
        .iter()
        .filter(|s| s.intent_to_add)
        .map(|s| &s.path[..])
        .collect();
    assert_eq!(ita, [&b"later.txt"[..]]);
    assert_eq!(
        index.skip_worktree().into_iter().collect::<Vec<_>>(),
        ["x.txt"]
    );
    assert!(
        index.plain_files().is_none(),
        "an intent-to-add entry is no tree"
    );
}

#[test]
fn version_4_and_paths_longer_than_the_length_field() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    committed(d);
    let blob = git(d, &["rev-parse", "HEAD:a"]).trim().to_string();
    let long = format!("{}end", "directory-name/".repeat(300)); // 4,503 bytes
    assert!(long.len() > 0xfff);
    let info = format!("100644,{blob},{long}");
    git(d, &["update-index", "--add", "--cacheinfo", &info]);
    assert_eq!(version(d), 2);
    let index = assert_agrees(d, "version 2, a long path");
    assert!(index.entry(&long).is_some());
    git(d, &["update-index", "--index-version", "4"]);
    assert_eq!(version(d), 4);
    let index = assert_agrees(d, "version 4, a long path");
    assert!(index.entry(&long).is_some());
    assert_eq!(index.entries().len(), 18);
}

#[test]
fn conflicted_stages() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    committed(d);
    git(d, &["checkout", "-q", "-b", "side"]);
    write(d, "src/m3/lib.c", "side\n");
    git(d, &["commit", "-q", "-am", "side"]);
    git(d, &["checkout", "-q", "main"]);
    write(d, "src/m3/lib.c", "main\n");
    git(d, &["commit", "-q", "-am", "main"]);
    git(d, &["merge", "-q", "side"]);
    let index = assert_agrees(d, "conflicted");
    let stages: Vec<u8> = index
        .seen()
        .iter()
        .filter(|s| s.path == b"src/m3/lib.c")
        .map(|s| s.stage)
        .collect();
    assert_eq!(stages, [1, 2, 3]);
    assert!(index.entry("src/m3/lib.c").is_none(), "no stage 0");
    assert!(index.plain_files().is_none());
}

#[test]
fn a_sparse_index_is_expanded() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    committed(d);
    git(
        d,
        &["sparse-checkout", "set", "--cone", "--sparse-index", "src"],
    );
    let bytes = std::fs::read(d.join(".git/index")).unwrap();
    let decoded = decode::decode(&bytes, 20).unwrap();
    assert!(decoded.sparse, "git wrote sparse directory entries");
    // git ls-files expands a sparse index too.
    let index = assert_agrees(d, "sparse");
    assert!(index.slots.iter().all(|s| s.mode != decode::MODE_TREE));
    let repo = crate::git::open(d).unwrap();
    let tree = repo.tree_entries(repo.head_commit().unwrap()).unwrap();
    assert_eq!(index.entries(), tree, "every path of HEAD, sparse or not");
    assert!(index.skip_worktree().contains("deep/er/still/f.txt"));
}

#[test]
fn a_split_index_is_read_by_gix() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    committed(d);
    git(d, &["update-index", "--split-index"]);
    write(d, "src/m5/lib.c", "changed\n");
    git(d, &["add", "src/m5/lib.c"]);
    let bytes = std::fs::read(d.join(".git/index")).unwrap();
    assert_eq!(
        decode::decode(&bytes, 20).unwrap_err(),
        Declined::Unsupported("a split index".into())
    );
    let index = assert_agrees(d, "split");
    assert!(matches!(index.file, Bytes::Owned(_)), "converted from gix");
}

#[test]
fn a_damaged_index_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    committed(d);
    let path = d.join(".git/index");
    let good = std::fs::read(&path).unwrap();
    let repo = gix::open(d).unwrap();
    for (what, bytes) in [
        ("empty", Vec::new()),
        ("not an index", b"hello, world, not an index".to_vec()),
        ("truncated", good[..good.len() / 2].to_vec()),
    ] {
        std::fs::write(&path, &bytes).unwrap();
        let err = Index::read(&repo, &path)
            .err()
            .unwrap_or_else(|| panic!("{what}"));
        assert!(
            err.to_string().contains("cannot read the index"),
            "{what}: {err}"
        );
    }
    // Two entries swapped: git refuses such an index, and so do we.
    std::fs::write(&path, &good).unwrap();
    let slots = decode::decode(&good, 20).unwrap().slots;
    let at = |i: usize| slots[i].oid_at as usize - 40;
    let (a, b, c) = (at(0), at(1), at(2));
    let mut swapped = good[..a].to_vec();
    swapped.extend_from_slice(&good[b..c]);
    swapped.extend_from_slice(&good[a..b]);
    swapped.extend_from_slice(&good[c..]);
    std::fs::write(&path, &swapped).unwrap();
    let err = Index::read(&repo, &path).err().expect("out of order");
    assert!(err.to_string().contains("out of order"), "{err}");
}

/// Every truncation and thousands of byte changes of real index files
/// (versions 2, 3 and 4, with a cache tree): never a panic, and whenever
/// both decoders accept the damaged bytes they read the same thing.
#[test]
fn damaged_copies_never_panic_and_agree_with_gix() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    committed(d);
    write(d, "src/m1/lib.c", "changed\n");
    write(d, "later.txt", "later\n");
    git(d, &["add", "src/m1/lib.c"]);
    let v2 = std::fs::read(d.join(".git/index")).unwrap();
    git(d, &["add", "-N", "later.txt"]);
    let v3 = std::fs::read(d.join(".git/index")).unwrap();
    git(d, &["update-index", "--index-version", "4"]);
    let v4 = std::fs::read(d.join(".git/index")).unwrap();
    let (mut tried, mut both_accepted) = (0, 0);
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for good in [&v2, &v3, &v4] {
        assert_eq!(decoders_agree(good), Ok(true));
        for len in 0..good.len() {
            decoders_agree(&good[..len]).unwrap();
            tried += 1;
        }
        for _ in 0..3000 {
            let mut bad = good.clone();
            for _ in 0..1 + next() % 3 {
                let at = (next() % bad.len() as u64) as usize;
                bad[at] = match next() % 4 {
                    0 => 0,
                    1 => 0xff,
                    2 => bad[at] ^ (1 << (next() % 8)),
                    _ => next() as u8,
                };
            }
            if decoders_agree(&bad).unwrap() {
                both_accepted += 1;
            }
            tried += 1;
        }
    }
    eprintln!("{tried} damaged copies, {both_accepted} read by both decoders");
    assert!(tried > 9000, "{tried}");
    // Changes in stat data, ids and ignored extensions leave the file
    // readable: the comparison must have had many of those to compare.
    assert!(
        both_accepted > 2000,
        "only {both_accepted} damaged files read by both"
    );
}
