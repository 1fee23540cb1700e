//! A tree of files at one moment: the working tree, the git index (what
//! will be committed), or a commit's tree (what is being pushed).
//!
//! Checks and patches only ever see a [`Snapshot`], which is how
//! `validate`, `validate --staged`, `pre-commit` and `pre-push` stay one code
//! path: a file present on disk but not staged simply does not exist in the
//! staged snapshot.

use crate::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a repo-relative path is in a snapshot, after following symlinks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathState {
    Missing,
    File,
    Dir,
    /// A symlink on the way resolves outside the repository.
    Escapes,
}

/// Read access to one tree of files, addressed by `/`-separated paths
/// relative to the registry root.
pub trait Snapshot {
    /// Human words for where files come from ("the staged tree").
    fn describe(&self) -> String;
    /// The bytes of a regular file, or `None` when absent or not a file.
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>>;
    /// Whether `path` exists, following symlinks but never outside the repo.
    fn state(&self, path: &str) -> PathState;
    /// Names of the regular files directly inside `dir` (sorted).
    fn list(&self, dir: &str) -> Vec<String>;
    /// A content id for caching parsed files; `None` when there is no cheap
    /// one (the working tree).
    fn blob_id(&self, _path: &str) -> Option<String> {
        None
    }
    /// The same snapshot as one several threads may read at once, when it
    /// is (the working tree): loading then reads files in parallel.
    fn shared(&self) -> Option<&(dyn Snapshot + Sync)> {
        None
    }
}

/// The files on disk under a root directory.
pub struct WorkTree {
    root: PathBuf,
    canonical_root: PathBuf,
    /// Directories (root-relative) already known to resolve inside the
    /// root: path checks then cost one `lstat` instead of a `realpath`.
    dirs_inside: std::sync::Mutex<std::collections::HashMap<String, bool>>,
}

impl WorkTree {
    pub fn new(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        let canonical_root = std::fs::canonicalize(&root).map_err(|e| Error::io(&root, e))?;
        Ok(WorkTree {
            root,
            canonical_root,
            dirs_inside: Default::default(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl WorkTree {
    /// Whether a root-relative directory resolves inside the root
    /// (following symlinks), memoised per directory.
    fn dir_inside(&self, dir: &str) -> bool {
        if dir.is_empty() {
            return true;
        }
        if let Some(known) = self.known_inside(dir) {
            return known;
        }
        let full = self.root.join(dir);
        let inside = match std::fs::symlink_metadata(&full) {
            Ok(m) if m.is_dir() => self.dir_inside(parent_of(dir)),
            Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(&full)
                .is_ok_and(|real| real.starts_with(&self.canonical_root)),
            _ => false,
        };
        self.dirs_inside
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(dir.to_string(), inside);
        inside
    }

    fn known_inside(&self, dir: &str) -> Option<bool> {
        self.dirs_inside
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(dir)
            .copied()
    }
}

impl WorkTree {
    /// Whether `full` is a symlink whose target, read as text and resolved
    /// lexically from the link's directory, lies outside the root.
    fn dangling_link_escapes(&self, full: &Path) -> bool {
        let Ok(target) = std::fs::read_link(full) else {
            return false;
        };
        let mut resolved = full.parent().map(Path::to_path_buf).unwrap_or_default();
        for c in target.components() {
            match c {
                std::path::Component::Normal(part) => resolved.push(part),
                std::path::Component::ParentDir => {
                    resolved.pop();
                }
                std::path::Component::CurDir => {}
                std::path::Component::RootDir | std::path::Component::Prefix(_) => return true,
            }
        }
        !resolved.starts_with(&self.root) && !resolved.starts_with(&self.canonical_root)
    }
}

/// The parent of a `/`-separated relative path (`""` at the top).
fn parent_of(path: &str) -> &str {
    path.trim_end_matches('/')
        .rfind('/')
        .map_or("", |i| &path[..i])
}

impl Snapshot for WorkTree {
    fn describe(&self) -> String {
        "the working tree".into()
    }

    fn shared(&self) -> Option<&(dyn Snapshot + Sync)> {
        Some(self)
    }

    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        match self.state(path) {
            PathState::File => {}
            _ => return Ok(None),
        }
        match std::fs::read(self.root.join(path)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(self.root.join(path), e)),
        }
    }

    fn state(&self, path: &str) -> PathState {
        let full = self.root.join(path);
        self.state_given(path, &full, std::fs::symlink_metadata(&full))
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(self.root.join(dir)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = rd
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_type()
                    .map(|t| t.is_file() || t.is_symlink())
                    .unwrap_or(false)
            })
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        names
    }
}

impl WorkTree {
    /// [`Snapshot::state`] of `path` (at `full` on disk) given its `lstat`,
    /// for callers that took it already (the verdict's re-check).
    pub fn state_given(
        &self,
        path: &str,
        full: &Path,
        lstat: std::io::Result<std::fs::Metadata>,
    ) -> PathState {
        match lstat {
            Err(_) => PathState::Missing,
            Ok(meta)
                if !meta.file_type().is_symlink()
                    && !path.split('/').any(|c| c == "..")
                    && self.dir_inside(parent_of(path)) =>
            {
                if meta.is_dir() {
                    PathState::Dir
                } else if meta.is_file() {
                    PathState::File
                } else {
                    PathState::Missing
                }
            }
            Ok(_) => match std::fs::canonicalize(full) {
                // A dangling symlink: missing, unless it points outside
                // (as the git snapshots judge it, by its text).
                Err(_) if self.dangling_link_escapes(full) => PathState::Escapes,
                Err(_) => PathState::Missing,
                Ok(real) if !real.starts_with(&self.canonical_root) => PathState::Escapes,
                Ok(real) if real.is_dir() => PathState::Dir,
                Ok(real) if real.is_file() => PathState::File,
                Ok(_) => PathState::Missing,
            },
        }
    }
}

/// A snapshot with some files replaced, used to validate a batch of edits
/// before anything is renamed into place.
pub struct Overlay<'a> {
    base: &'a dyn Snapshot,
    files: BTreeMap<String, Vec<u8>>,
}

impl<'a> Overlay<'a> {
    pub fn new(base: &'a dyn Snapshot, files: BTreeMap<String, Vec<u8>>) -> Self {
        Overlay { base, files }
    }
}

impl Snapshot for Overlay<'_> {
    fn describe(&self) -> String {
        // Without edits it is the base, and says so in the same words
        // (pre-commit and `validate --staged` then print the same).
        if self.files.is_empty() {
            self.base.describe()
        } else {
            format!("{} with pending edits", self.base.describe())
        }
    }

    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        match self.files.get(path) {
            Some(bytes) => Ok(Some(bytes.clone())),
            None => self.base.read(path),
        }
    }

    fn state(&self, path: &str) -> PathState {
        if self.files.contains_key(path) {
            PathState::File
        } else {
            self.base.state(path)
        }
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let mut names = self.base.list(dir);
        let prefix = format!("{dir}/");
        for path in self.files.keys() {
            if let Some(name) = path.strip_prefix(&prefix)
                && !name.contains('/')
                && !names.iter().any(|n| n == name)
            {
                names.push(name.to_string());
            }
        }
        names.sort();
        names
    }

    fn blob_id(&self, path: &str) -> Option<String> {
        if self.files.contains_key(path) {
            None
        } else {
            self.base.blob_id(path)
        }
    }
}
