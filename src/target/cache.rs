//! A cache of parsed entries (and of the index's model) keyed by blob id,
//! kept in the git directory (`.git/reuse-surface/entries-v3.bin`), so a
//! hook's cost follows the size of the change rather than the size of the
//! registry.
//!
//! It is an optimisation only: a missing, stale or corrupt cache file (or
//! record) is ignored, and only entries that parsed without problems are
//! stored. The file is a format line, then one record per entry: the key
//! and the entry, both `postcard` (a compact binary form that decodes an
//! entry in about a microsecond, where JSON took ten). Opening it only
//! finds where each record is; a hit decodes its entry. Saving appends
//! the new records (a commit that changes one entry writes one record, not
//! the registry's), and rewrites the file with only the records this run
//! used once more than a quarter of it would be records no run asked for:
//! it never grows without bound. A later record of a key wins.

use crate::fast_hash::{HashMap, HashSet};
use crate::model::{Entry, Index, IndexRow};
use crate::registry::{EntryCache, LoadedEntry, cached_stub};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::ops::Range;
use std::path::PathBuf;

/// Bumped whenever the entry model or schema changes meaning (the
/// binary form has no field names: any change to the model is one).
const FORMAT: &str = concat!("reuse-surface-entries-3/", env!("CARGO_PKG_VERSION"));

/// The cache file's name inside `<git common dir>/reuse-surface/`.
pub const FILE_NAME: &str = "entries-v3.bin";

/// The cache of the working tree's entries, keyed by stat data instead
/// of blob ids (see [`super::verdict::Recorder`]): a file of its own, so
/// `validate` and the hooks do not evict each other's entries.
pub const WORKTREE_FILE_NAME: &str = "worktree-entries-v3.bin";

/// Files of earlier cache formats, removed when the cache is saved.
const OLD_FILES: &[&str] = &[
    "entries-v1.json",
    "entries-v2.jsonl",
    "worktree-entries-v2.jsonl",
];

/// Where one entry's encoded bytes are: in the file as read, or new.
enum Stored {
    InFile(Range<usize>),
    New(Vec<u8>),
}

/// The on-disk cache for one repository.
pub struct BlobCache {
    path: PathBuf,
    /// The file as read (records point into it).
    file: Vec<u8>,
    records: RefCell<HashMap<String, Stored>>,
    /// The keys this run asked for or stored: what saving keeps.
    used: RefCell<HashSet<String>>,
    dirty: RefCell<bool>,
    /// Records in the file as read, a key written twice counted twice.
    file_records: usize,
    /// Whether the file was read to its end (not cut short by a crash in
    /// the middle of an append): only then may saving append to it.
    whole: bool,
}

/// The most of a cache file that may be records no run asked for (or
/// older copies of a key) before saving rewrites it: one in four.
const MAX_GARBAGE_DIVISOR: usize = 4;

impl BlobCache {
    /// Open the cache of the repository whose common git dir is `git_dir`.
    pub fn open(git_dir: &std::path::Path) -> Self {
        Self::open_named(git_dir, FILE_NAME)
    }

    /// Open the cache file `name` of the repository whose common git dir
    /// is `git_dir`.
    pub fn open_named(git_dir: &std::path::Path, name: &str) -> Self {
        let path = git_dir.join("reuse-surface").join(name);
        let file = std::fs::read(&path).unwrap_or_default();
        let (records, file_records, whole) = records_of(&file);
        BlobCache {
            path,
            file,
            records: RefCell::new(records),
            used: Default::default(),
            dirty: RefCell::new(false),
            file_records,
            whole,
        }
    }

    /// How many records a cache file holds; `None` when it is not one
    /// this build reads (another format, garbage, a truncated record).
    pub fn count_records(bytes: &[u8]) -> Option<usize> {
        let (records, whole) = records_in(bytes)?;
        whole.then_some(records.len())
    }

    /// Write what this run learned: append the new records, or rewrite
    /// the file with only the records this run used when appending would
    /// leave more than a quarter of it unused (so it never grows without
    /// bound). Failures are ignored: the cache is an optimisation.
    pub fn save(&self) {
        let used = self.used.borrow();
        let records = self.records.borrow();
        let mut new: Vec<&String> = used
            .iter()
            .filter(|k| matches!(records.get(*k), Some(Stored::New(_))))
            .collect();
        new.sort_unstable();
        let total = self.file_records + new.len();
        let garbage = total - used.len();
        if self.whole && self.file_records > 0 && garbage * MAX_GARBAGE_DIVISOR <= total {
            if !new.is_empty() {
                self.append(&records, &new);
            }
            return;
        }
        // Nothing learned and nothing to drop (a file cut short is
        // rewritten whole even so, so that the next save can append).
        if !*self.dirty.borrow()
            && records.len() == used.len()
            && (self.whole || records.is_empty())
        {
            return;
        }
        let mut keys: Vec<&String> = used.iter().collect();
        // In key order, so the same run writes the same file.
        keys.sort_unstable();
        let mut out = Vec::with_capacity(self.file.len() + 4096);
        out.extend_from_slice(FORMAT.as_bytes());
        out.push(b'\n');
        let Some(out) = self.encode(&records, &keys, out) else {
            return;
        };
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
        let _ = crate::atomic::replace_file(&self.path, &out);
    }

    /// Append `keys`' records in one write: a run killed in the middle
    /// leaves a record cut short at the end, which the next open ignores
    /// (and the next save rewrites away).
    fn append(&self, records: &HashMap<String, Stored>, keys: &[&String]) {
        use std::io::Write;
        let Some(out) = self.encode(records, keys, Vec::new()) else {
            return;
        };
        let file = std::fs::OpenOptions::new().append(true).open(&self.path);
        // Another run may have rewritten the file since it was read: its
        // records are as good, and ours still follow whole ones.
        if let Ok(mut file) = file {
            let _ = file.write_all(&out);
        }
    }

    /// `out` with the records of `keys` appended; `None` if one does not encode.
    fn encode(
        &self,
        records: &HashMap<String, Stored>,
        keys: &[&String],
        mut out: Vec<u8>,
    ) -> Option<Vec<u8>> {
        for id in keys {
            let Some(stored) = records.get(*id) else {
                continue;
            };
            out = postcard::to_extend(&(id.as_str(), self.bytes(stored)), out).ok()?;
        }
        Some(out)
    }

    fn bytes<'s>(&'s self, stored: &'s Stored) -> &'s [u8] {
        match stored {
            Stored::InFile(range) => &self.file[range.clone()],
            Stored::New(bytes) => bytes,
        }
    }
}

/// One record as read: its key and its encoded bytes, borrowed from the file.
type Record<'f> = (&'f str, &'f [u8]);

/// The records of a cache file, up to the first that does not decode, and
/// whether that was the end of the file; `None` for a file of another
/// format.
fn records_in(file: &[u8]) -> Option<(Vec<Record<'_>>, bool)> {
    let mut rest = file.strip_prefix(FORMAT.as_bytes())?.strip_prefix(b"\n")?;
    let mut records = Vec::new();
    while !rest.is_empty() {
        let Ok((record, tail)) = postcard::take_from_bytes::<Record>(rest) else {
            return Some((records, false));
        };
        records.push(record);
        rest = tail;
    }
    Some((records, true))
}

/// Where each record of a cache file is (a truncated file keeps the
/// records before the cut; a key written twice, the later), how many
/// records it holds, and whether it was read to its end.
fn records_of(file: &[u8]) -> (HashMap<String, Stored>, usize, bool) {
    let Some((records, whole)) = records_in(file) else {
        return (HashMap::default(), 0, false);
    };
    let count = records.len();
    let map = records
        .into_iter()
        .map(|(id, bytes)| {
            // `bytes` borrows from `file`: its offset is where it starts.
            let start = bytes.as_ptr() as usize - file.as_ptr() as usize;
            (id.to_string(), Stored::InFile(start..start + bytes.len()))
        })
        .collect();
    (map, count, whole)
}

impl EntryCache for BlobCache {
    fn get(&self, blob_id: &str, path: &str) -> Option<LoadedEntry> {
        let entry: Entry = self.decode(blob_id)?;
        Some(cached_stub(path, entry))
    }

    fn put(&self, blob_id: &str, entry: &LoadedEntry) {
        let Some(e) = &entry.entry else { return };
        self.insert(blob_id.to_string(), postcard::to_allocvec(e));
    }

    fn get_index(&self, blob_id: &str) -> Option<Index> {
        let record: IndexRecord = self.decode(&index_key(blob_id))?;
        Some(Index {
            schema_version: record.schema_version,
            updated: record.updated,
            capabilities: record.capabilities,
        })
    }

    fn put_index(&self, blob_id: &str, index: &Index) {
        let record = IndexRecordRef {
            schema_version: index.schema_version,
            updated: &index.updated,
            capabilities: &index.capabilities,
        };
        self.insert(index_key(blob_id), postcard::to_allocvec(&record));
    }
}

impl BlobCache {
    /// The value stored under `key`, noted as used; a record that does not
    /// decode is a miss (and is not kept).
    fn decode<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let records = self.records.borrow();
        let value = postcard::from_bytes(self.bytes(records.get(key)?)).ok()?;
        drop(records);
        self.used.borrow_mut().insert(key.to_string());
        Some(value)
    }

    fn insert(&self, key: String, bytes: postcard::Result<Vec<u8>>) {
        let Ok(bytes) = bytes else { return };
        self.used.borrow_mut().insert(key.clone());
        self.records.borrow_mut().insert(key, Stored::New(bytes));
        *self.dirty.borrow_mut() = true;
    }
}

/// The index's record sits beside the entries' under a key no blob id or
/// stat key can be.
fn index_key(blob_id: &str) -> String {
    format!("index {blob_id}")
}

/// The index model as stored (the model's own `Deserialize` reads YAML's
/// `capabilities: null` as empty, a shape a binary form cannot carry).
#[derive(Deserialize)]
struct IndexRecord {
    schema_version: u32,
    updated: Option<String>,
    capabilities: Vec<IndexRow>,
}

/// [`IndexRecord`], borrowed for writing.
#[derive(Serialize)]
struct IndexRecordRef<'a> {
    schema_version: u32,
    updated: &'a Option<String>,
    capabilities: &'a [IndexRow],
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

    /// The file, and how many records it holds.
    fn on_disk(dir: &std::path::Path) -> (Vec<u8>, usize) {
        let bytes = std::fs::read(dir.join("reuse-surface").join(FILE_NAME)).unwrap();
        let n = BlobCache::count_records(&bytes).expect("a whole cache file");
        (bytes, n)
    }

    /// A run that used every record and learned one more appends that
    /// one; once a quarter of the file would be records no run used, it
    /// is rewritten with only the used ones.
    #[test]
    fn saving_appends_until_a_quarter_is_unused() {
        let tmp = tempfile::tempdir().unwrap();
        let keys: Vec<String> = (0..8).map(|i| format!("k{i}")).collect();
        let c = BlobCache::open(tmp.path());
        for k in &keys {
            c.put(k, &stub(&format!("capability.t.{k}")));
        }
        c.save();
        let (first, n) = on_disk(tmp.path());
        assert_eq!(n, 8);

        // Every record used, one new (first in key order, where a rewrite
        // would put it): appended.
        let c = BlobCache::open(tmp.path());
        for k in &keys {
            assert!(c.get(k, "p").is_some(), "{k}");
        }
        c.put("a1", &stub("capability.t.a1"));
        c.save();
        let (second, n) = on_disk(tmp.path());
        assert_eq!(n, 9);
        assert!(
            second.starts_with(&first),
            "the file was rewritten, not appended to"
        );

        // Nothing new, two of nine unused (under a quarter): left as it is.
        let c = BlobCache::open(tmp.path());
        for k in keys.iter().skip(2) {
            assert!(c.get(k, "p").is_some());
        }
        assert!(c.get("a1", "p").is_some());
        c.save();
        assert_eq!(on_disk(tmp.path()).0, second);

        // A new record and four of ten unused: rewritten with the used six.
        let c = BlobCache::open(tmp.path());
        for k in keys.iter().skip(3) {
            assert!(c.get(k, "p").is_some());
        }
        c.put("a2", &stub("capability.t.a2"));
        c.save();
        let (_, n) = on_disk(tmp.path());
        assert_eq!(n, 6);
        let c = BlobCache::open(tmp.path());
        assert!(c.get("k0", "p").is_none() && c.get("a1", "p").is_none());
        assert!(c.get("k3", "p").is_some() && c.get("a2", "p").is_some());
    }

    /// An append cut short (a run killed mid-write) loses only that
    /// record; the next save rewrites the file whole instead of appending
    /// after the cut, where no one could read it.
    #[test]
    fn an_append_cut_short_is_rewritten_away() {
        let tmp = tempfile::tempdir().unwrap();
        let c = BlobCache::open(tmp.path());
        for k in ["a", "b", "c", "d"] {
            c.put(k, &stub(&format!("capability.t.{k}")));
        }
        c.save();
        let c = BlobCache::open(tmp.path());
        for k in ["a", "b", "c", "d"] {
            assert!(c.get(k, "p").is_some());
        }
        c.put("e", &stub("capability.t.e"));
        c.save();
        let path = tmp.path().join("reuse-surface").join(FILE_NAME);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();

        let c = BlobCache::open(tmp.path());
        assert!(c.get("e", "p").is_none(), "the cut record was read");
        for k in ["a", "b", "c", "d"] {
            assert!(c.get(k, "p").is_some(), "{k} was lost with the cut record");
        }
        c.put("f", &stub("capability.t.f"));
        c.save();
        let (_, n) = on_disk(tmp.path());
        assert_eq!(n, 5, "a, b, c, d and f, in a whole file");
        assert!(BlobCache::open(tmp.path()).get("f", "p").is_some());
    }

    /// A key written twice: the later record answers.
    #[test]
    fn the_later_record_of_a_key_wins() {
        let tmp = tempfile::tempdir().unwrap();
        let c = BlobCache::open(tmp.path());
        for k in ["a", "b", "c", "d", "e"] {
            c.put(k, &stub(&format!("capability.t.{k}")));
        }
        c.save();
        let c = BlobCache::open(tmp.path());
        for k in ["a", "b", "c", "d", "e"] {
            assert!(c.get(k, "p").is_some());
        }
        c.put("a", &stub("capability.t.again"));
        c.save();
        assert_eq!(on_disk(tmp.path()).1, 6, "appended, not rewritten");
        let hit = BlobCache::open(tmp.path()).get("a", "p").unwrap();
        assert_eq!(hit.entry.unwrap().id, "capability.t.again");
    }

    #[test]
    fn corrupt_files_and_records_are_misses() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("reuse-surface");
        std::fs::create_dir_all(&dir).unwrap();
        let good = postcard::to_allocvec(&entry("capability.t.a")).unwrap();
        let record = |id: &str, bytes: &[u8]| postcard::to_allocvec(&(id, bytes)).unwrap();
        let file = |records: &[Vec<u8>]| {
            let mut f = format!("{FORMAT}\n").into_bytes();
            records.iter().for_each(|r| f.extend_from_slice(r));
            f
        };
        let whole = file(&[record("aa", &good)]);
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("garbage", b"\xff\xfe garbage".to_vec()),
            ("another format", {
                let mut f = b"reuse-surface-entries-2/0.0.0\n".to_vec();
                f.extend_from_slice(&record("aa", &good));
                f
            }),
            ("truncated record", whole[..whole.len() - 3].to_vec()),
            (
                "entry bytes cut short",
                file(&[record("aa", &good[..good.len() / 2])]),
            ),
            (
                "no newline after the format",
                whole[..FORMAT.len()]
                    .iter()
                    .chain(&whole[FORMAT.len() + 1..])
                    .copied()
                    .collect(),
            ),
        ];
        for (label, bytes) in cases {
            std::fs::write(dir.join(FILE_NAME), &bytes).unwrap();
            let c = BlobCache::open(tmp.path());
            assert!(c.get("aa", "p").is_none(), "{label}");
        }
        // A record whose entry does not decode spoils only itself; one cut
        // short at the end of the file keeps those before it.
        let mixed = file(&[
            record("bad", b"\xff\xff\xff"),
            record("aa", &good),
            record("cc", &good),
        ]);
        std::fs::write(dir.join(FILE_NAME), &mixed[..mixed.len() - 2]).unwrap();
        let c = BlobCache::open(tmp.path());
        assert!(c.get("bad", "p").is_none());
        assert!(c.get("aa", "p").is_some(), "one bad record spoils the rest");
        assert!(c.get("cc", "p").is_none());
        assert_eq!(BlobCache::count_records(&mixed), Some(3));
        assert_eq!(BlobCache::count_records(&mixed[..mixed.len() - 2]), None);
    }

    #[test]
    fn every_field_survives_the_binary_form() {
        let text = "---\nid: capability.t.full\ntitle: T\nsummary: s\nowner: o\nstatus: active\n\
                    aliases: [capability.t.old]\nsurface: [src/**]\n\
                    maturity:\n  D: {current: 2, target: 3}\n  A: {current: 0}\n  C: {current: 1}\n  R: {current: 0, target: 1}\n\
                    evidence:\n  tests: [t.rs]\n  documentation: [d.md]\n\
                    availability:\n  current_artifacts: [cli:x]\n\
                    relations:\n  depends_on: [capability.t.b]\n  overlaps: [capability.t.c]\n\
                    promotion_history:\n  - {date: 2026-01-01, dimension: D, from: 1, to: 2, evidence: [d.md], by: m, rationale: r}\n\
                    updated: 2026-01-02\n---\n";
        let (loaded, problems) =
            crate::registry::parse_entry("registry/capabilities/x.md", text.as_bytes());
        assert!(problems.is_empty(), "{problems:?}");
        let e = loaded.entry.unwrap();
        let back: Entry = postcard::from_bytes(&postcard::to_allocvec(&e).unwrap()).unwrap();
        assert_eq!(back, e);
        // JSON still leaves a missing target out.
        let json = serde_json::to_string(&e.maturity).unwrap();
        assert!(json.contains(r#""A":{"current":0}"#), "{json}");
        assert!(json.contains(r#""D":{"current":2,"target":3}"#), "{json}");
    }
}
