//! A cache of parsed entries keyed by blob id, kept in the git directory
//! (`.git/reuse-surface/entries-v1.json`), so a hook's cost follows the size
//! of the change rather than the size of the registry.
//!
//! It is an optimisation only: a missing, stale or corrupt cache file is
//! ignored, and only entries that parsed without problems are stored.

use crate::model::Entry;
use crate::registry::{EntryCache, LoadedEntry, cached_stub};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Bumped whenever the entry model or schema changes meaning.
const FORMAT: &str = concat!("reuse-surface-entries-1/", env!("CARGO_PKG_VERSION"));

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    format: String,
    entries: BTreeMap<String, Entry>,
}

/// The on-disk cache for one repository.
pub struct BlobCache {
    path: PathBuf,
    entries: RefCell<BTreeMap<String, Entry>>,
    used: RefCell<BTreeSet<String>>,
    dirty: RefCell<bool>,
}

impl BlobCache {
    /// Open the cache of the repository whose common git dir is `git_dir`.
    pub fn open(git_dir: &std::path::Path) -> Self {
        let path = git_dir.join("reuse-surface").join("entries-v1.json");
        let entries = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<CacheFile>(&b).ok())
            .filter(|c| c.format == FORMAT)
            .map(|c| c.entries)
            .unwrap_or_default();
        BlobCache { path, entries: RefCell::new(entries), used: Default::default(), dirty: RefCell::new(false) }
    }

    /// Write the cache back if it learned something, keeping only entries
    /// seen in this run (so it never grows without bound). Failures are
    /// ignored: the cache is an optimisation.
    pub fn save(&self) {
        let used = self.used.borrow();
        let mut entries = self.entries.borrow_mut();
        let before = entries.len();
        entries.retain(|k, _| used.contains(k));
        if !*self.dirty.borrow() && entries.len() == before {
            return;
        }
        let file = CacheFile { format: FORMAT.to_string(), entries: std::mem::take(&mut *entries) };
        let Ok(bytes) = serde_json::to_vec(&file) else { return };
        let Some(dir) = self.path.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = self.path.with_extension(format!("tmp-{}", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, &self.path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

impl EntryCache for BlobCache {
    fn get(&self, blob_id: &str, path: &str) -> Option<LoadedEntry> {
        let entry = self.entries.borrow().get(blob_id).cloned()?;
        self.used.borrow_mut().insert(blob_id.to_string());
        Some(cached_stub(path, entry))
    }

    fn put(&self, blob_id: &str, entry: &LoadedEntry) {
        if let Some(e) = &entry.entry {
            self.entries.borrow_mut().insert(blob_id.to_string(), e.clone());
            self.used.borrow_mut().insert(blob_id.to_string());
            *self.dirty.borrow_mut() = true;
        }
    }
}
