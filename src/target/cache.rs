//! A cache of parsed entries keyed by blob id, kept in the git directory
//! (`.git/reuse-surface/entries-v2.jsonl`), so a hook's cost follows the
//! size of the change rather than the size of the registry.
//!
//! It is an optimisation only: a missing, stale or corrupt cache file (or
//! line) is ignored, and only entries that parsed without problems are
//! stored. The file is a format line, then one `<blob id> <entry JSON>`
//! line per entry: opening it parses the lines in parallel, a hit moves
//! the parsed entry out (no copy), and saving writes back the lines of the
//! entries used, as they were read, plus the new ones.

use crate::model::Entry;
use crate::parallel::parallel_map;
use crate::registry::{EntryCache, LoadedEntry, cached_stub};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Content ids (blob ids, stat data) need no DoS-resistant hash.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// Bumped whenever the entry model or schema changes meaning.
const FORMAT: &str = concat!("reuse-surface-entries-2/", env!("CARGO_PKG_VERSION"));

/// The cache file's name inside `<git common dir>/reuse-surface/`.
pub const FILE_NAME: &str = "entries-v2.jsonl";

/// The cache of the working tree's entries, keyed by stat data instead
/// of blob ids (see [`super::verdict::Recorder`]): a file of its own, so
/// `validate` and the hooks do not evict each other's entries.
pub const WORKTREE_FILE_NAME: &str = "worktree-entries-v2.jsonl";

/// Files of earlier cache formats, removed when the cache is saved.
const OLD_FILES: &[&str] = &["entries-v1.json"];

/// One cached entry: its line as read (or written), and the entry parsed
/// from it until a hit takes it.
struct Line {
    json: String,
    parsed: Option<Entry>,
}

/// The on-disk cache for one repository.
pub struct BlobCache {
    path: PathBuf,
    lines: RefCell<HashMap<String, Line>>,
    used: RefCell<BTreeSet<String>>,
    dirty: RefCell<bool>,
}

impl BlobCache {
    /// Open the cache of the repository whose common git dir is `git_dir`.
    pub fn open(git_dir: &std::path::Path) -> Self {
        Self::open_named(git_dir, FILE_NAME)
    }

    /// Open the cache file `name` of the repository whose common git dir
    /// is `git_dir`.
    pub fn open_named(git_dir: &std::path::Path, name: &str) -> Self {
        let path = git_dir.join("reuse-surface").join(name);
        let lines = std::fs::read(&path)
            .ok()
            .map(|b| parse_file(&b))
            .unwrap_or_default();
        BlobCache {
            path,
            lines: RefCell::new(lines),
            used: Default::default(),
            dirty: RefCell::new(false),
        }
    }

    /// Write the cache back if it learned something, keeping only entries
    /// seen in this run (so it never grows without bound). Failures are
    /// ignored: the cache is an optimisation.
    pub fn save(&self) {
        let used = self.used.borrow();
        let lines = self.lines.borrow();
        if !*self.dirty.borrow() && lines.len() == used.len() {
            return;
        }
        let mut out = String::with_capacity(lines.values().map(|l| l.json.len() + 64).sum());
        out.push_str(FORMAT);
        out.push('\n');
        for id in used.iter() {
            if let Some(line) = lines.get(id) {
                out.push_str(id);
                out.push(' ');
                out.push_str(&line.json);
                out.push('\n');
            }
        }
        let Some(dir) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        for old in OLD_FILES {
            let _ = std::fs::remove_file(dir.join(old));
        }
        // A hook killed mid-save must leave the old cache or the new one,
        // not a truncated file.
        let _ = crate::atomic::replace_file(&self.path, out.as_bytes());
    }
}

/// The lines of a cache file, each with its entry parsed (in parallel);
/// nothing at all for a file of another format, and no line for one that
/// does not parse.
fn parse_file(bytes: &[u8]) -> HashMap<String, Line> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return HashMap::default();
    };
    let mut lines = text.split('\n');
    if lines.next() != Some(FORMAT) {
        return HashMap::default();
    }
    let raw: Vec<(&str, &str)> = lines.filter_map(|l| l.split_once(' ')).collect();
    let parsed = parallel_map(raw, |(id, json)| {
        let entry = serde_json::from_str::<Entry>(json).ok()?;
        Some((
            id.to_string(),
            Line {
                json: json.to_string(),
                parsed: Some(entry),
            },
        ))
    });
    parsed.into_iter().flatten().collect()
}

impl EntryCache for BlobCache {
    fn get(&self, blob_id: &str, path: &str) -> Option<LoadedEntry> {
        let mut lines = self.lines.borrow_mut();
        let line = lines.get_mut(blob_id)?;
        // A second hit for the same blob (another tree, a reload) parses
        // the line again.
        let entry = match line.parsed.take() {
            Some(e) => e,
            None => serde_json::from_str(&line.json).ok()?,
        };
        self.used.borrow_mut().insert(blob_id.to_string());
        Some(cached_stub(path, entry))
    }

    fn put(&self, blob_id: &str, entry: &LoadedEntry) {
        let Some(e) = &entry.entry else { return };
        let Ok(json) = serde_json::to_string(e) else {
            return;
        };
        self.lines
            .borrow_mut()
            .insert(blob_id.to_string(), Line { json, parsed: None });
        self.used.borrow_mut().insert(blob_id.to_string());
        *self.dirty.borrow_mut() = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str) -> Entry {
        let text = format!(
            "---\nid: {id}\ntitle: T\nsummary: s\nowner: o\nstatus: active\nmaturity:\n  D: {{current: 1}}\n  \
             A: {{current: 0}}\n  C: {{current: 1}}\n  R: {{current: 0}}\n---\n"
        );
        let (loaded, problems) =
            crate::registry::parse_entry("registry/capabilities/x.md", text.as_bytes());
        assert!(problems.is_empty(), "{problems:?}");
        loaded.entry.unwrap()
    }

    fn stub(id: &str) -> LoadedEntry {
        cached_stub("registry/capabilities/x.md", entry(id))
    }

    #[test]
    fn round_trip_keeps_only_what_was_used() {
        let tmp = tempfile::tempdir().unwrap();
        let c = BlobCache::open(tmp.path());
        assert!(c.get("aa", "p").is_none());
        c.put("aa", &stub("capability.t.a"));
        c.put("bb", &stub("capability.t.b"));
        c.save();
        let file = tmp.path().join("reuse-surface").join(FILE_NAME);
        assert!(std::fs::read_to_string(&file).unwrap().starts_with(FORMAT));

        let c = BlobCache::open(tmp.path());
        let hit = c.get("aa", "registry/capabilities/a.md").unwrap();
        assert_eq!(hit.entry.as_ref().unwrap().id, "capability.t.a");
        assert_eq!(hit.source.path, "registry/capabilities/a.md");
        // A second hit parses the kept line again.
        assert_eq!(
            c.get("aa", "p").unwrap().entry.unwrap().id,
            "capability.t.a"
        );
        c.save(); // drops bb, which this run did not use
        let c = BlobCache::open(tmp.path());
        assert!(c.get("bb", "p").is_none());
        assert!(c.get("aa", "p").is_some());
    }

    #[test]
    fn corrupt_files_and_lines_are_misses() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("reuse-surface");
        std::fs::create_dir_all(&dir).unwrap();
        let good = serde_json::to_string(&entry("capability.t.a")).unwrap();
        let cases: Vec<Vec<u8>> = vec![
            b"\xff\xfe garbage".to_vec(),
            format!("another-format\naa {good}\n").into_bytes(),
            format!("{FORMAT}\naa {}\n", &good[..good.len() / 2]).into_bytes(),
            format!("{FORMAT}\naa{good}\n").into_bytes(),
        ];
        for bytes in cases {
            std::fs::write(dir.join(FILE_NAME), &bytes).unwrap();
            let c = BlobCache::open(tmp.path());
            assert!(
                c.get("aa", "p").is_none(),
                "{}",
                String::from_utf8_lossy(&bytes)
            );
        }
        std::fs::write(
            dir.join(FILE_NAME),
            format!("{FORMAT}\nbroken {{\naa {good}\n"),
        )
        .unwrap();
        assert!(
            BlobCache::open(tmp.path()).get("aa", "p").is_some(),
            "one bad line spoils the rest"
        );
    }
}
