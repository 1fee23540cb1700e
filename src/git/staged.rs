//! What a commit would change: HEAD's tree against the git index, reading
//! only the trees the index's cache-tree extension (`TREE`) does not vouch
//! for. After `git add one/file` git invalidates just the directories on
//! that file's path, so a commit's cost follows the size of the change,
//! not of the repository (flattening HEAD's tree reads every tree object,
//! tens of milliseconds when they are loose).

use super::index::CacheTree;
use super::{Change, GitEntry, GitKind, Index, Oid, kind_of};
use crate::{Error, Result};
use gix::bstr::ByteSlice;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::Range;

/// One path the commit changes, with what HEAD had there.
#[derive(Debug, Clone)]
pub struct Changed {
    pub path: String,
    pub change: Change,
    /// HEAD's entry (`None` for an added path).
    pub old: Option<GitEntry>,
    /// The name with its bytes escaped (`\xff`) when it is not UTF-8:
    /// `path` is then lossy and must never be written anywhere.
    pub not_utf8: Option<String>,
}

/// A path's bytes as text, invalid UTF-8 bytes escaped as `\xNN`.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Paths that differ between HEAD's tree (`None`: no commit yet) and the
/// index, sorted, with the same meaning as [`crate::git::diff`] of the two
/// flattened maps (stage-0 entries; kind and id compared, not the exec bit).
pub(super) fn head_to_index(
    repo: &gix::Repository,
    head_tree: Option<gix::ObjectId>,
    index: Option<&Index>,
) -> Result<Vec<Changed>> {
    let mut walker = Walker {
        repo,
        index,
        out: Vec::new(),
    };
    let all = 0..index.map_or(0, Index::len);
    walker.walk(head_tree, b"", index.and_then(Index::cache_tree), all)?;
    walker.out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(walker.out)
}

struct Walker<'a> {
    repo: &'a gix::Repository,
    index: Option<&'a Index>,
    out: Vec<Changed>,
}

/// How a tree entry is stored (`None`: a subtree).
fn tree_kind(mode: gix::object::tree::EntryMode) -> Option<GitKind> {
    kind_of(u32::from(mode.value()))
}

/// Order of two names in a tree, a directory's name counting as `name/`:
/// git sorts tree entries so, and the index's sorted paths group the same way.
fn key_cmp(a: &[u8], a_dir: bool, b: &[u8], b_dir: bool) -> Ordering {
    let slash = |dir: bool| if dir { &b"/"[..] } else { &b""[..] };
    a.iter()
        .chain(slash(a_dir))
        .cmp(b.iter().chain(slash(b_dir)))
}

/// The next run of index entries under one name of a directory: a file
/// (all its stages) or a subdirectory (everything below it).
struct Group<'a> {
    name: &'a [u8],
    dir: bool,
    end: usize,
}

impl<'a> Walker<'a> {
    fn path(&self, i: usize) -> &'a [u8] {
        self.index
            .expect("an index range is only non-empty with an index")
            .path(i)
    }

    fn group(&self, dir: &[u8], i: usize, end: usize) -> Option<Group<'a>> {
        if i >= end {
            return None;
        }
        let rel = &self.path(i)[dir.len()..];
        match rel.find_byte(b'/') {
            Some(slash) => {
                let name = &rel[..slash];
                let prefix_len = dir.len() + slash + 1;
                let head = &self.path(i)[..prefix_len];
                let mut j = i + 1;
                while j < end && self.path(j).starts_with(head) {
                    j += 1;
                }
                Some(Group {
                    name,
                    dir: true,
                    end: j,
                })
            }
            None => {
                let mut j = i + 1;
                while j < end && self.path(j) == self.path(i) {
                    j += 1; // the other stages of a conflicted path
                }
                Some(Group {
                    name: rel,
                    dir: false,
                    end: j,
                })
            }
        }
    }

    /// The stage-0 entry among the entries of one file group.
    fn stage0(&self, range: Range<usize>) -> Option<GitEntry> {
        self.index?.stage0_in(range)
    }

    fn push(&mut self, dir: &[u8], name: &[u8], change: Change, old: Option<GitEntry>) {
        let bytes = [dir, name].concat();
        let (path, not_utf8) = match String::from_utf8(bytes) {
            Ok(path) => (path, None),
            Err(e) => {
                let bytes = e.into_bytes();
                let lossy = String::from_utf8_lossy(&bytes).into_owned();
                (lossy, Some(escape_bytes(&bytes)))
            }
        };
        self.out.push(Changed {
            path,
            change,
            old,
            not_utf8,
        });
    }

    /// Compare the tree `tree` at `dir` (`""` or `a/b/`, as bytes: a name
    /// need not be UTF-8) with the index entries in `range` (all of which
    /// start with `dir`), walking both in their common order.
    fn walk(
        &mut self,
        tree: Option<gix::ObjectId>,
        dir: &[u8],
        cache: Option<&CacheTree>,
        range: Range<usize>,
    ) -> Result<()> {
        if let (Some(tree), Some(cache)) = (tree, cache)
            && cache.valid == Some(tree)
        {
            return Ok(()); // the index vouches for this whole directory
        }
        let object = match tree {
            Some(tree) => Some(self.repo.find_tree(tree).map_err(Error::git)?),
            None => None,
        };
        let items = match &object {
            Some(object) => object.decode().map_err(Error::git)?.entries,
            None => Vec::new(),
        };
        let children: HashMap<&[u8], &CacheTree> = cache
            .iter()
            .flat_map(|c| &c.children)
            .map(|t| (t.name.as_slice(), t))
            .collect();
        let sub = |name: &[u8]| [dir, name, b"/"].concat();
        let mut items = items.into_iter().peekable();
        let mut i = range.start;
        loop {
            let group = self.group(dir, i, range.end);
            let order = match (items.peek(), &group) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(item), Some(g)) => key_cmp(item.filename, item.mode.is_tree(), g.name, g.dir),
            };
            match order {
                Ordering::Less => {
                    // Only in HEAD: deleted (a whole subtree, file by file).
                    let item = items.next().expect("peeked");
                    match tree_kind(item.mode) {
                        Some(kind) => {
                            let old = GitEntry {
                                oid: Oid(item.oid.to_owned()),
                                kind,
                            };
                            self.push(dir, item.filename, Change::Deleted, Some(old));
                        }
                        None => {
                            self.walk(Some(item.oid.to_owned()), &sub(item.filename), None, i..i)?
                        }
                    }
                }
                Ordering::Greater => {
                    // Only in the index: added.
                    let g = group.expect("compared");
                    if g.dir {
                        let child = children.get(g.name).copied();
                        self.walk(None, &sub(g.name), child, i..g.end)?;
                    } else if self.stage0(i..g.end).is_some() {
                        self.push(dir, g.name, Change::Added, None);
                    }
                    i = g.end;
                }
                Ordering::Equal => {
                    let item = items.next().expect("peeked");
                    let g = group.expect("compared");
                    if g.dir {
                        let child = children.get(g.name).copied();
                        self.walk(Some(item.oid.to_owned()), &sub(g.name), child, i..g.end)?;
                    } else {
                        let old = GitEntry {
                            oid: Oid(item.oid.to_owned()),
                            kind: tree_kind(item.mode).expect("a file"),
                        };
                        match self.stage0(i..g.end) {
                            Some(new) if new == old => {}
                            Some(_) => self.push(dir, g.name, Change::Modified, Some(old)),
                            None => self.push(dir, g.name, Change::Deleted, Some(old)),
                        }
                    }
                    i = g.end;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_repo::{git, write};
    use std::path::Path;

    /// The cache-tree walk must say exactly what diffing the two flattened
    /// maps says.
    fn assert_same(dir: &Path, what: &str) {
        let repo = crate::git::open(dir).unwrap();
        let head = repo.head_commit();
        let head_map = head
            .map(|h| repo.tree_entries(h).unwrap())
            .unwrap_or_default();
        let want = crate::git::diff(&head_map, &repo.index_entries().unwrap());
        let index = repo.index().unwrap();
        let got = repo.staged_changes(index.as_ref()).unwrap();
        let got_pairs: Vec<(String, Change)> =
            got.iter().map(|c| (c.path.clone(), c.change)).collect();
        assert_eq!(got_pairs, want, "{what}");
        for c in &got {
            assert_eq!(
                c.old.as_ref(),
                head_map.get(&c.path),
                "{what}: old side of {}",
                c.path
            );
        }
    }

    /// A directory whose name is not UTF-8 is walked by its bytes: its
    /// changes come out once each, flagged, with the name escaped.
    #[test]
    fn names_that_are_not_utf8_are_flagged() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        git(d, &["init", "-q", "-b", "main"]);
        let odd = d.join(std::ffi::OsStr::from_bytes(b"d\xff"));
        std::fs::create_dir_all(&odd).unwrap();
        std::fs::write(odd.join("f"), "1\n").unwrap();
        write(d, "e/g", "1\n");
        git(d, &["add", "-A"]);
        git(d, &["commit", "-q", "-m", "one"]);
        std::fs::write(odd.join("f"), "2\n").unwrap();
        std::fs::write(odd.join("new"), "n\n").unwrap();
        write(d, "e/g", "2\n");
        git(d, &["add", "-A"]);
        let repo = crate::git::open(d).unwrap();
        let index = repo.index().unwrap();
        let got = repo.staged_changes(index.as_ref()).unwrap();
        let flagged: Vec<(Option<&str>, Change)> = got
            .iter()
            .map(|c| (c.not_utf8.as_deref(), c.change))
            .collect();
        assert_eq!(
            flagged,
            [
                (Some("d\\xff/f"), Change::Modified),
                (Some("d\\xff/new"), Change::Added),
                (None, Change::Modified),
            ],
            "{got:?}"
        );
        assert_eq!(got[2].path, "e/g");
    }

    #[test]
    fn matches_the_flattened_diff() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        git(d, &["init", "-q", "-b", "main"]);
        assert_same(d, "unborn, no index");
        for i in 0..30 {
            write(d, &format!("src/m{i}/lib.c"), &format!("{i}\n"));
        }
        write(d, "a", "a\n");
        write(d, "a-b/x", "x\n");
        write(d, "deep/er/still/f.txt", "f\n");
        write(d, "gone/one", "1\n");
        write(d, "gone/two/three", "3\n");
        write(d, "swap", "file\n");
        for name in [
            "x.txt",
            "x/in",
            "x-y/in",
            "x0",
            "x/deeper/more",
            "a.c",
            "a0",
        ] {
            write(d, name, &format!("{name}\n"));
        }
        git(d, &["add", "-A"]);
        assert_same(d, "first commit: everything added");
        git(d, &["commit", "-q", "-m", "one"]);
        assert_same(d, "clean");

        write(d, "src/m7/lib.c", "changed\n");
        write(d, "deep/er/still/f.txt", "changed\n");
        write(d, "deep/er/new.txt", "new\n");
        write(d, "new/dir/file", "n\n");
        std::fs::remove_dir_all(d.join("gone")).unwrap();
        std::fs::remove_file(d.join("swap")).unwrap();
        write(d, "swap/now-a-dir", "d\n");
        std::os::unix::fs::symlink("a", d.join("link")).unwrap();
        write(d, "unstaged-only", "u\n");
        write(d, "x/in", "changed\n");
        write(d, "x.txt", "changed\n");
        std::fs::remove_file(d.join("x0")).unwrap();
        write(d, "x0/now-a-dir", "d\n");
        git(d, &["add", "-A", "--", ".", ":!unstaged-only"]);
        git(d, &["update-index", "--chmod=+x", "a"]);
        assert_same(d, "mixed changes");

        // Without a cache tree at all (an index written from scratch).
        let index = d.join(".git/index");
        std::fs::remove_file(&index).unwrap();
        git(d, &["read-tree", "--empty"]);
        git(d, &["add", "-A", "--", ".", ":!unstaged-only"]);
        assert_same(d, "no cache tree");
        git(d, &["commit", "-q", "-m", "two"]);
        assert_same(d, "clean again");

        // A conflicted path (stages 1-3, no stage 0).
        git(d, &["checkout", "-q", "-b", "side"]);
        write(d, "src/m3/lib.c", "side\n");
        git(d, &["commit", "-q", "-am", "side"]);
        git(d, &["checkout", "-q", "main"]);
        write(d, "src/m3/lib.c", "main\n");
        write(d, "src/m4/lib.c", "main too\n");
        git(d, &["commit", "-q", "-am", "main"]);
        git(d, &["merge", "-q", "side"]);
        assert_same(d, "conflicted merge");
    }
}
