//! A clean verdict kept for a working tree recognised unchanged from stat
//! data, as git's index recognises unchanged files: `validate` run again
//! on a tree nothing touched since its last clean run answers from
//! `<git dir>/reuse-surface/verdict-v1.bin` instead of reading and
//! checking every file.
//!
//! Correct by construction rather than by listing inputs: the run that
//! saves a verdict goes through a [`Recorder`], which notes every question
//! the checks asked the tree (each file read, each path's state, each
//! directory listed) with the answer's stat data; a later run re-asks
//! them all (a `stat` or `lstat` each, a listing re-read) and trusts the
//! verdict only when every answer is the same. Like git, a file modified
//! within a second of the run that read it is *racy* (a second change in
//! the same clock tick keeps its stat data), and no verdict is saved.
//!
//! Only a report without a single problem is kept (a report with problems
//! quotes source lines, and is printed while someone is editing anyway).
//! A missing, corrupt, foreign-version or mismatching file is ignored.

use crate::snapshot::{PathState, Snapshot, WorkTree};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// The cache file's name inside `<git common dir>/reuse-surface/`.
pub const FILE_NAME: &str = "verdict-v1.bin";

/// Bumped whenever what a verdict means changes; the binary's version is
/// part of it, so an upgrade never trusts an older binary's verdict.
const FORMAT: &str = concat!("reuse-surface-verdict-1/", env!("CARGO_PKG_VERSION"));

/// How close to the run a file's change may be before its stat data
/// cannot vouch for its content (coarse file-system clocks tick in up to
/// a second on some file systems; git's rule, with that margin).
const RACY_NS: i128 = 1_000_000_000;

/// What `stat` says about one file: enough that any write, replace or
/// rename onto it changes at least one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    mtime_ns: i128,
    ctime_ns: i128,
    size: u64,
    ino: u64,
    dev: u64,
    mode: u32,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Self {
        Stamp {
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            ctime_ns: i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
            size: meta.size(),
            ino: meta.ino(),
            dev: meta.dev(),
            mode: meta.mode(),
        }
    }

    /// Whether the file changed too close to a run that started at
    /// `started_ns` for this stat data to vouch for its content.
    fn racy(&self, started_ns: i128) -> bool {
        self.mtime_ns.max(self.ctime_ns) > started_ns - RACY_NS
    }
}

/// The state of a path as the tree answered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum State {
    Missing,
    File,
    Dir,
    Escapes,
}

impl From<PathState> for State {
    fn from(s: PathState) -> Self {
        match s {
            PathState::Missing => State::Missing,
            PathState::File => State::File,
            PathState::Dir => State::Dir,
            PathState::Escapes => State::Escapes,
        }
    }
}

/// One question the checks asked, with its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Seen {
    /// A file read: its state, and the stat data of the path itself and of
    /// what it resolves to (a symlink re-pointed changes the first).
    Read {
        path: String,
        state: State,
        link: Option<Stamp>,
        file: Option<Stamp>,
    },
    State {
        path: String,
        state: State,
    },
    List {
        dir: String,
        names: Vec<String>,
    },
}

impl Seen {
    /// What the question is about, to sort and drop repeats by.
    fn key(&self) -> (u8, &str) {
        match self {
            Seen::Read { path, .. } => (0, path),
            Seen::State { path, .. } => (1, path),
            Seen::List { dir, .. } => (2, dir),
        }
    }
}

/// What is saved: the questions, and the report's figures.
#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    format: String,
    /// The stat data of the binary that checked: a rebuilt binary (new
    /// checks, same version number) never trusts an older one's verdict.
    checker: Option<Stamp>,
    root: String,
    capabilities: usize,
    seen: Vec<Seen>,
}

/// The running binary's stat data as bytes: another build (same version,
/// other checks, maybe) gets other bytes. For the other remembered answers.
pub(super) fn checker_bytes() -> Option<Vec<u8>> {
    postcard::to_allocvec(&checker()?).ok()
}

/// The stat data of the running binary.
fn checker() -> Option<Stamp> {
    let exe = std::env::current_exe().ok()?;
    std::fs::metadata(exe).ok().map(|m| Stamp::of(&m))
}

/// The working tree, noting every question asked of it.
pub struct Recorder<'a> {
    tree: &'a WorkTree,
    seen: Mutex<Vec<Seen>>,
    started: i128,
}

impl<'a> Recorder<'a> {
    pub fn new(tree: &'a WorkTree, started: &Started) -> Self {
        Recorder {
            tree,
            seen: Mutex::new(Vec::new()),
            started: started.0,
        }
    }

    fn note(&self, seen: Seen) {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(seen);
    }

    /// Stat `path` (before it is read: a change after the stat shows next
    /// time) and note it as read.
    fn note_read(&self, path: &str) -> (Option<Stamp>, Option<Stamp>, State) {
        let (link, file, state) = stamps(self.tree, path);
        self.note(Seen::Read {
            path: path.to_string(),
            state,
            link,
            file,
        });
        (link, file, state)
    }

    fn into_seen(self) -> Vec<Seen> {
        self.seen
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The stat data of `path` itself and of what it resolves to, and its
/// state: one `lstat` when it is not a symlink.
fn stamps(tree: &WorkTree, path: &str) -> (Option<Stamp>, Option<Stamp>, State) {
    let full = tree.root().join(path);
    let lstat = std::fs::symlink_metadata(&full);
    let link = lstat.as_ref().ok().map(Stamp::of);
    let symlink = lstat.as_ref().is_ok_and(|m| m.file_type().is_symlink());
    let state = tree.state_given(path, &full, lstat).into();
    let file = if symlink {
        std::fs::metadata(&full).ok().map(|m| Stamp::of(&m))
    } else {
        link
    };
    (link, file, state)
}

impl Snapshot for Recorder<'_> {
    fn describe(&self) -> String {
        self.tree.describe()
    }

    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        self.note_read(path);
        self.tree.read(path)
    }

    fn state(&self, path: &str) -> PathState {
        let state = self.tree.state(path);
        self.note(Seen::State {
            path: path.to_string(),
            state: state.into(),
        });
        state
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let names = self.tree.list(dir);
        self.note(Seen::List {
            dir: dir.to_string(),
            names: names.clone(),
        });
        names
    }

    fn shared(&self) -> Option<&(dyn Snapshot + Sync)> {
        Some(self)
    }

    /// A content id from stat data, for the parsed-entry cache: `None` for
    /// a symlink, and for a file changed too close to this run for its
    /// stat data to vouch for its content (see [`RACY_NS`]).
    fn blob_id(&self, path: &str) -> Option<String> {
        let (link, file, state) = self.note_read(path);
        let s = link.filter(|l| Some(*l) == file && state == State::File)?;
        (!s.racy(self.started)).then(|| {
            format!(
                "stat:{:x}:{:x}:{:x}:{}:{}",
                s.dev, s.ino, s.size, s.mtime_ns, s.ctime_ns
            )
        })
    }
}

/// The common git directory of the repository holding `root`, where the
/// working tree's verdict and entry cache are kept (never the tree
/// itself); `None` outside a repository.
pub fn git_dir_of(root: &Path) -> Option<PathBuf> {
    let repo = crate::git::open(root).ok()?;
    Some(repo.common_dir().to_path_buf())
}

/// The verdict file inside the common git directory `git_dir`.
pub fn file_in(git_dir: &Path) -> PathBuf {
    git_dir.join("reuse-surface").join(FILE_NAME)
}

fn now_ns() -> i128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0)
}

/// The moment a recorded run started, to judge racy files against.
pub struct Started(i128);

impl Started {
    pub fn now() -> Self {
        Started(now_ns())
    }
}

/// The number of capabilities of the clean report kept for `tree`, when
/// every question the run that kept it asked has the same answer now.
pub fn unchanged(file: &Path, tree: &WorkTree) -> Option<usize> {
    let bytes = std::fs::read(file).ok()?;
    let saved: Saved = postcard::from_bytes(&bytes).ok()?;
    if saved.format != FORMAT
        || saved.checker.is_none()
        || saved.checker != checker()
        || saved.root != tree.root().to_string_lossy()
    {
        return None;
    }
    let same = |seen: &Seen| match seen {
        Seen::Read {
            path,
            state,
            link,
            file,
        } => stamps(tree, path) == (*link, *file, *state),
        Seen::State { path, state } => State::from(tree.state(path)) == *state,
        Seen::List { dir, names } => tree.list(dir) == *names,
    };
    // The first difference settles it: the other workers stop asking.
    let differs = std::sync::atomic::AtomicBool::new(false);
    crate::parallel::parallel_map(saved.seen.iter().collect(), |s| {
        if !differs.load(std::sync::atomic::Ordering::Relaxed) && !same(s) {
            differs.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    });
    (!differs.into_inner()).then_some(saved.capabilities)
}

/// Keep the clean verdict `recorder` saw (`capabilities` checked), unless
/// a file it read changed too close to the run's start to be vouched for.
/// Failures are ignored: the verdict is an optimisation.
pub fn save(file: &Path, recorder: Recorder, capabilities: usize) {
    let started = recorder.started;
    let root = recorder.tree.root().to_string_lossy().into_owned();
    let mut seen = recorder.into_seen();
    // The same question asked twice (an entry's id, then its bytes) is
    // asked again once.
    seen.sort_unstable_by(|a, b| a.key().cmp(&b.key()));
    seen.dedup();
    let racy = seen.iter().any(|s| match s {
        Seen::Read { link, file, .. } => [link, file]
            .into_iter()
            .flatten()
            .any(|st| st.racy(started)),
        _ => false,
    });
    if racy {
        forget(file);
        return;
    }
    let saved = Saved {
        format: FORMAT.to_string(),
        checker: checker(),
        root,
        capabilities,
        seen,
    };
    let Ok(bytes) = postcard::to_allocvec(&saved) else {
        return;
    };
    let _ = write_atomically(file, &bytes);
}

/// Forget the verdict (a run that found problems, or could not record).
pub fn forget(file: &Path) {
    let _ = std::fs::remove_file(file);
}

fn write_atomically(file: &Path, bytes: &[u8]) -> Result<()> {
    let dir = file.parent().ok_or_else(|| Error::usage("no directory"))?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    crate::atomic::replace_file(file, bytes)
}
