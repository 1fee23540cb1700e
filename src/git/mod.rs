//! Everything that touches git: gix for reading (the index, trees, blobs,
//! revisions) and the few `git` processes we spawn (`update-index`,
//! `merge-file`, `rev-parse`/`config` for install). Porcelain (commands,
//! hooks, the [`crate::target::Target`]) sees only the types defined here,
//! never gix's, so there is one index reader, one tree reader and one
//! mode → kind mapping.

pub mod cmd;
mod index;
mod stage;
mod staged;
#[cfg(test)]
mod test_repo;
mod tree;

pub use index::Index;
pub(crate) use index::decoders_agree;
pub use stage::{StagedFile, stage_files};
pub use staged::Changed;
pub use tree::GitTree;

use crate::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// An object id (SHA-1 or SHA-256), opaque above this module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oid(gix::ObjectId);

impl Oid {
    /// The first `len` hex digits, for labels.
    pub fn short(&self, len: usize) -> String {
        self.0.to_hex_with_len(len).to_string()
    }

    /// The id's raw bytes (20 for SHA-1, 32 for SHA-256), for digests.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Display for Oid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// How git stores one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitKind {
    File,
    Symlink,
    Submodule,
}

/// One path in a git tree or index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitEntry {
    pub oid: Oid,
    pub kind: GitKind,
}

/// The one mapping from a git mode (index or tree, the same octal values)
/// to what the path is; `None` for a subtree.
fn kind_of(mode: u32) -> Option<GitKind> {
    match mode & 0o170000 {
        0o040000 => None,
        0o120000 => Some(GitKind::Symlink),
        0o160000 => Some(GitKind::Submodule),
        _ => Some(GitKind::File),
    }
}

/// A repository opened with gix.
#[derive(Clone)]
pub struct Repo {
    inner: gix::Repository,
    /// Keeps the object directories named by the environment readable
    /// (see [`ObjectEnv`]) for as long as the repository is open.
    _object_env: Option<std::rc::Rc<ObjectEnv>>,
}

/// Open the repository containing `dir`, honouring `GIT_DIR` and friends
/// (git sets them when it runs hooks), and `GIT_OBJECT_DIRECTORY` /
/// `GIT_ALTERNATE_OBJECT_DIRECTORIES` as git does.
pub fn open(dir: &Path) -> Result<Repo> {
    open_with(dir, Default::default())
}

/// [`open`] reading the repository's own configuration only, not the
/// system's, the user's or the git installation's: for the pre-commit
/// hook's first question (is anything registry-related staged?), asked in
/// every `git commit`, which reads the index, HEAD and a few objects and
/// none of what those files configure (identity, credentials, aliases,
/// diff and merge tools). A third of the no-op hook's opening was reading
/// and parsing them (issue 11). Whatever goes on to check or write opens
/// the repository again with [`open`].
pub fn open_for_staged_question(dir: &Path) -> Result<Repo> {
    let lean = |level| {
        let mut options =
            <gix::open::Options as gix::sec::trust::DefaultForLevel>::default_for_level(level);
        let config = &mut options.permissions.config;
        (config.system, config.git, config.user, config.git_binary) = (false, false, false, false);
        options
    };
    open_with(
        dir,
        gix::sec::trust::Mapping {
            full: lean(gix::sec::Trust::Full),
            reduced: lean(gix::sec::Trust::Reduced),
        },
    )
}

fn open_with(dir: &Path, trust: gix::sec::trust::Mapping<gix::open::Options>) -> Result<Repo> {
    let mut inner = gix::ThreadSafeRepository::discover_with_environment_overrides_opts(
        dir,
        Default::default(),
        trust,
    )
    .map(gix::Repository::from)
    .map_err(|e| {
        Error::usage(format!(
            "{} is not inside a git repository ({e})",
            dir.display()
        ))
    })?;
    let object_env = ObjectEnv::from_env(&mut inner)?.map(std::rc::Rc::new);
    Ok(Repo {
        inner,
        _object_env: object_env,
    })
}

/// The object directories git names in the environment, which gix does
/// not read: in `pre-receive` and `update`, a push's objects sit in a
/// quarantine directory (`GIT_OBJECT_DIRECTORY`) until the hook accepts
/// them, with the repository's own objects as an alternate. Without this
/// every pushed commit would be invisible, and the gate would pass what it
/// cannot see. A private directory holding only `info/alternates` (both
/// directories) becomes the repository's object store; it is removed when
/// the repository is dropped. Never written into git's quarantine, whose
/// contents git migrates into the repository.
struct ObjectEnv {
    dir: PathBuf,
}

impl ObjectEnv {
    fn from_env(repo: &mut gix::Repository) -> Result<Option<ObjectEnv>> {
        let Some(objects) = std::env::var_os("GIT_OBJECT_DIRECTORY") else {
            return Ok(None);
        };
        let mut dirs = vec![PathBuf::from(objects)];
        if let Some(alternates) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
            dirs.extend(std::env::split_paths(&alternates));
        }
        // The repository's own objects last, as git reads them.
        dirs.push(repo.common_dir().join("objects"));
        let git_dir = repo.git_dir().to_path_buf();
        let absolute = |d: PathBuf| if d.is_absolute() { d } else { git_dir.join(d) };
        let lines: Vec<String> = dirs
            .into_iter()
            .map(absolute)
            .map(|d| d.to_string_lossy().into_owned())
            .collect();
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "reuse-surface-objects-{}-{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let env = ObjectEnv { dir };
        let info = env.dir.join("info");
        std::fs::create_dir_all(&info).map_err(|e| Error::io(&info, e))?;
        let file = info.join("alternates");
        std::fs::write(&file, lines.join("\n") + "\n").map_err(|e| Error::io(&file, e))?;
        let hash = repo.object_hash();
        let odb = gix::odb::at(&env.dir, hash).map_err(|e| Error::io(&env.dir, e))?;
        repo.objects = gix::odb::memory::Proxy::new(odb, hash);
        Ok(Some(env))
    }
}

impl Drop for ObjectEnv {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Repo {
    /// The worktree's top level, or an error for a bare repository.
    pub fn workdir(&self) -> Result<PathBuf> {
        self.inner.workdir().map(Path::to_path_buf).ok_or_else(|| {
            Error::usage("this is a bare repository: there is no working tree to check")
        })
    }

    /// The git directory shared by all worktrees (where the cache lives).
    pub fn common_dir(&self) -> &Path {
        self.inner.common_dir()
    }

    /// `dir`'s path inside the worktree as a `dir/` prefix ("" at the top,
    /// or when `dir` is not inside it).
    pub fn prefix_of(&self, dir: &Path) -> String {
        let Some(top) = self.inner.workdir() else {
            return String::new();
        };
        let (Ok(top), Ok(dir)) = (top.canonicalize(), dir.canonicalize()) else {
            return String::new();
        };
        match dir.strip_prefix(&top) {
            Ok(rel) if rel.as_os_str().is_empty() => String::new(),
            Ok(rel) => format!("{}/", rel.to_string_lossy().replace('\\', "/")),
            Err(_) => String::new(),
        }
    }

    /// The index file git is using right now: `GIT_INDEX_FILE` when set
    /// (relative to the current directory, as git defines it), else the
    /// repository's own.
    pub fn index_path(&self) -> PathBuf {
        match std::env::var_os("GIT_INDEX_FILE") {
            Some(p) if !p.is_empty() => {
                let p = PathBuf::from(p);
                if p.is_absolute() {
                    p
                } else {
                    std::env::current_dir().map(|d| d.join(&p)).unwrap_or(p)
                }
            }
            _ => self.inner.index_path(),
        }
    }

    /// The index git is committing from (see [`Repo::index_path`]);
    /// `None` for an unborn repository's missing index.
    pub fn index(&self) -> Result<Option<Index>> {
        Index::read(&self.inner, &self.index_path())
    }

    /// The index as a path map of stage-0 entries (empty when missing).
    pub fn index_entries(&self) -> Result<BTreeMap<String, GitEntry>> {
        Ok(self.index()?.map(|i| i.entries()).unwrap_or_default())
    }

    /// Resolve a revision to a commit id, with a clear error for unknown ones.
    pub fn resolve_commit(&self, rev: &str) -> Result<Oid> {
        let id = self.inner.rev_parse_single(rev).map_err(|e| {
            // In a shallow clone the history a revision walks back through
            // may simply not be there: say so in the user's words.
            if self.inner.is_shallow().unwrap_or(false) {
                Error::usage(format!(
                    "cannot resolve revision `{rev}`: this is a shallow clone and the history it names \
                     was not fetched; fetch more history: `git fetch --deepen=50` (or `git fetch --unshallow`)"
                ))
            } else {
                Error::usage(format!("cannot resolve revision `{rev}`: {e}"))
            }
        })?;
        let commit = id
            .object()
            .map_err(Error::git)?
            .peel_to_commit()
            .map_err(|e| Error::usage(format!("`{rev}` does not name a commit: {e}")))?;
        Ok(Oid(commit.id))
    }

    /// The commit a pushed object id names (peeling tags); `None` when it
    /// names no commit (a tag of a tree or blob).
    pub fn pushed_commit(&self, hex: &str) -> Result<Option<Oid>> {
        let oid = gix::ObjectId::from_hex(hex.as_bytes())
            .map_err(|e| Error::usage(format!("`{hex}` is not an object id: {e}")))?;
        // A pushed object that cannot be read is an error, never "nothing
        // to check": a gate that cannot see a commit must not pass it.
        let object = self
            .inner
            .find_object(oid)
            .map_err(|e| Error::other(format!("cannot read the pushed object {hex}: {e}")))?;
        Ok(object.peel_to_commit().ok().map(|c| Oid(c.id)))
    }

    /// `HEAD`'s commit, or `None` in a repository without commits yet.
    pub fn head_commit(&self) -> Option<Oid> {
        self.inner.head_commit().ok().map(|c| Oid(c.id))
    }

    /// A commit's parents, the first parent first.
    pub fn parents(&self, commit: Oid) -> Result<Vec<Oid>> {
        let commit = self.inner.find_commit(commit.0).map_err(Error::git)?;
        Ok(commit.parent_ids().map(|id| Oid(id.detach())).collect())
    }

    /// Flatten a commit's tree into a path map (blobs, symlinks, submodules).
    pub fn tree_entries(&self, commit: Oid) -> Result<BTreeMap<String, GitEntry>> {
        let commit = self.inner.find_commit(commit.0).map_err(Error::git)?;
        let tree = commit.tree().map_err(Error::git)?;
        let mut recorder = gix::traverse::tree::Recorder::default();
        tree.traverse()
            .breadthfirst(&mut recorder)
            .map_err(Error::git)?;
        let mut out = BTreeMap::new();
        for e in recorder.records {
            let Some(kind) = kind_of(u32::from(e.mode.value())) else {
                continue;
            };
            out.insert(
                String::from_utf8_lossy(&e.filepath).into_owned(),
                GitEntry {
                    oid: Oid(e.oid),
                    kind,
                },
            );
        }
        Ok(out)
    }

    /// The best common ancestor of two commits, if any.
    pub fn merge_base(&self, a: Oid, b: Oid) -> Result<Option<Oid>> {
        Ok(self
            .inner
            .merge_base(a.0, b.0)
            .map_err(Error::git)?
            .map(|id| Oid(id.detach())))
    }

    /// The bytes of a blob.
    pub fn read_blob(&self, oid: Oid) -> Result<Vec<u8>> {
        Ok(self
            .inner
            .find_object(oid.0)
            .map_err(Error::git)?
            .detach()
            .data)
    }

    /// Paths that differ between HEAD's tree and `index` (what a commit
    /// would change), reading only the trees the index's cache tree does
    /// not vouch for.
    pub fn staged_changes(&self, index: Option<&Index>) -> Result<Vec<Changed>> {
        // One read of HEAD's commit: gix's `head_commit` peels the
        // reference first, which reads the commit to see that it is not a
        // tag, then reads it again.
        let head_tree = match self.inner.head().map(|h| h.id()) {
            Ok(Some(id)) => match id.object().map(gix::Object::peel_to_commit) {
                Ok(Ok(commit)) => Some(commit.tree_id().map_err(Error::git)?.detach()),
                _ => None,
            },
            _ => None,
        };
        staged::head_to_index(&self.inner, head_tree, index)
    }
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
