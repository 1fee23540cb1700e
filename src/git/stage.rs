//! Putting new contents in the index: blobs written with gix, the index
//! updated by `git update-index` (which honours `GIT_INDEX_FILE` and the
//! lock protocol), mirrored into the real index during `git commit PATH`.

use super::{GitEntry, Index, Oid, Repo, cmd};
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One file to stage: its repository path, new bytes, exec bit, and
/// whether a sparse checkout leaves it out of the working tree.
pub struct StagedFile {
    pub path: String,
    pub bytes: Vec<u8>,
    pub executable: bool,
    pub skip_worktree: bool,
}

/// A written blob to point the index at.
#[derive(Clone)]
struct Written {
    path: String,
    oid: Oid,
    mode: &'static str,
    skip_worktree: bool,
}

/// Stage `files` in the index git is committing from. `before` is that
/// index's entries before the change.
///
/// `git commit PATH` commits from a temporary index (`next-index-*.lock`)
/// while it holds the real index locked as `index.lock` (committed after
/// the commit). A patch staged only in the temporary index would leave the
/// real index with the old blob (`git status` shows `MM`), so each patched
/// blob is mirrored into the locked real index too, where that index still
/// holds what the temporary one held before the patch (anything else is a
/// staged change of the user's, left alone).
pub fn stage_files(
    repo: &Repo,
    top: &Path,
    files: &[StagedFile],
    before: &BTreeMap<String, GitEntry>,
) -> Result<()> {
    let mut written: Vec<Written> = Vec::new();
    for f in files {
        let oid = repo
            .inner
            .write_blob(&f.bytes)
            .map_err(Error::git)?
            .detach();
        written.push(Written {
            path: f.path.clone(),
            oid: Oid(oid),
            mode: if f.executable { "100755" } else { "100644" },
            skip_worktree: f.skip_worktree,
        });
    }
    update_index(top, None, &written)?;
    if let Some(real) = partial_commit_real_index(repo) {
        let held = Index::read(&repo.inner, &real)?;
        let mirrored: Vec<Written> = written
            .iter()
            .filter(|w| {
                held.as_ref().and_then(|i| i.entry(&w.path)).map(|e| e.oid)
                    == before.get(&w.path).map(|e| e.oid)
            })
            .cloned()
            .collect();
        update_index(top, Some(&real), &mirrored)?;
    }
    Ok(())
}

/// The real index git holds locked during `git commit PATH`, when that is
/// what is happening.
fn partial_commit_real_index(repo: &Repo) -> Option<PathBuf> {
    let current = std::env::var_os("GIT_INDEX_FILE")?;
    let name = Path::new(&current).file_name()?.to_str()?;
    if !(name.starts_with("next-index-") && name.ends_with(".lock")) {
        return None;
    }
    // Not `repo.index_path()`: that follows `GIT_INDEX_FILE`.
    let real = repo.inner.git_dir().join("index.lock");
    real.is_file().then_some(real)
}

/// Point the index at the written blobs (`--index-info` clears the
/// skip-worktree bit, so it is set again where the entry had it).
fn update_index(top: &Path, index_file: Option<&Path>, entries: &[Written]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut info: Vec<u8> = Vec::new();
    let mut skipped: Vec<u8> = Vec::new();
    for Written {
        path,
        oid,
        mode,
        skip_worktree,
    } in entries
    {
        info.extend_from_slice(format!("{mode} {oid}\t{path}\0").as_bytes());
        if *skip_worktree {
            skipped.extend_from_slice(path.as_bytes());
            skipped.push(0);
        }
    }
    cmd::update_index_info(top, index_file, &info)?;
    if !skipped.is_empty() {
        let args = ["-z", "--skip-worktree", "--stdin"];
        cmd::update_index_stdin(top, index_file, &args, &skipped)?;
    }
    Ok(())
}
