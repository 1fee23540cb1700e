//! Loading a registry from a [`Snapshot`]: find the root, read the config,
//! the index and every entry, and record parse and schema problems on the
//! way. Coordination checks run on the result (see `checks`).

use crate::check::Check;
use crate::config::Config;
use crate::diagnostics::Problem;
use crate::model::{CONFIG_PATH, ENTRIES_DIR, Entry, INDEX_PATH, Index};
use crate::parallel::parallel_map;
use crate::schema::{self, SchemaKind};
use crate::snapshot::Snapshot;
use crate::yaml::{self, Lossless, Seg, segs_from_pointer};
use crate::{Error, Result, frontmatter};
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Walk up from `start` to the first directory holding the index; `--root`
/// bypasses the walk but must still point at a registry.
pub fn find_root(start: &Path, explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        if dir.join(INDEX_PATH).is_file() {
            return Ok(dir.to_path_buf());
        }
        return Err(Error::usage(format!(
            "no registry at {}: expected {}",
            dir.display(),
            dir.join(INDEX_PATH).display()
        )));
    }
    let start = std::fs::canonicalize(start).map_err(|e| Error::io(start, e))?;
    for dir in start.ancestors() {
        if dir.join(INDEX_PATH).is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    Err(Error::usage(format!(
        "no registry found: looked for {INDEX_PATH} in {} and every parent directory (use --root DIR, or `reuse-surface establish --scaffold` to create one)",
        start.display()
    )))
}

/// One parsed YAML source (the index, the config, or an entry's front
/// matter), kept with its text so diagnostics can be located lazily.
#[derive(Debug, Clone)]
pub struct Source {
    /// Registry-root-relative path with `/`.
    pub path: String,
    /// The whole file text (BOM removed).
    pub text: String,
    /// Byte range of the YAML inside `text` (all of it for `.yaml`).
    pub yaml: std::ops::Range<usize>,
    /// Lines before the YAML in the file.
    pub line_offset: usize,
    /// The strict parse, when it succeeded. An entry's value is dropped
    /// once its model is built from it (a 10,000-entry registry would
    /// otherwise hold every document twice); [`Source::parsed`] remembers
    /// that it parsed.
    pub value: Option<Value>,
    /// Whether the YAML parsed (problems can then be located in it).
    pub parsed: bool,
    /// The file started with a UTF-8 byte-order mark (kept on write).
    pub bom: bool,
}

impl Source {
    /// A source whose text is not held: a file that could not be decoded,
    /// or a cache hit (the text is read again only to show a problem).
    pub fn unread(path: &str) -> Self {
        Source {
            path: path.into(),
            text: String::new(),
            yaml: 0..0,
            line_offset: 0,
            value: None,
            parsed: false,
            bom: false,
        }
    }

    pub fn yaml_text(&self) -> &str {
        &self.text[self.yaml.clone()]
    }
}

/// A loaded entry: its source and, when it passed the schema, the model.
#[derive(Debug, Clone)]
pub struct LoadedEntry {
    pub source: Source,
    pub entry: Option<Entry>,
}

/// Everything read from one snapshot.
#[derive(Debug, Default)]
pub struct Registry {
    pub config: Config,
    pub config_source: Option<Source>,
    pub index: Option<Index>,
    pub index_source: Option<Source>,
    pub entries: Vec<LoadedEntry>,
    /// Parse and schema problems found while loading.
    pub problems: Vec<Problem>,
    /// The items of the declared kinds (`kinds:` in the config).
    pub kinds: crate::kinds::Items,
}

impl Registry {
    /// Entries that passed the schema, with their paths.
    pub fn valid_entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries
            .iter()
            .filter_map(|e| e.entry.as_ref().map(|m| (e.source.path.as_str(), m)))
    }

    /// Every loaded source by path: for code that looks up many files
    /// (diagnostics for thousands of entries), where [`Registry::source`]
    /// would search the entries once per file.
    pub fn sources(&self) -> std::collections::HashMap<&str, &Source> {
        let mut all: std::collections::HashMap<&str, &Source> = self
            .entries
            .iter()
            .map(|e| (e.source.path.as_str(), &e.source))
            .collect();
        all.extend(
            [&self.config_source, &self.index_source]
                .into_iter()
                .flatten()
                .map(|s| (s.path.as_str(), s)),
        );
        all.extend(self.kinds.files.iter().map(|s| (s.path.as_str(), s)));
        all
    }

    /// The text of a file for showing diagnostics: the loaded text, or the
    /// snapshot's bytes when the file was not loaded or is a cache stub
    /// without its text.
    pub fn text_lookup<'r>(
        &'r self,
        snap: &'r dyn Snapshot,
    ) -> impl Fn(&str) -> Option<String> + 'r {
        let sources = self.sources();
        move |file: &str| {
            sources
                .get(file)
                .filter(|s| !s.text.is_empty())
                .map(|s| s.text.clone())
                .or_else(|| {
                    snap.read(file)
                        .ok()
                        .flatten()
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                })
        }
    }

    /// The source of a file by path, for locating problems.
    pub fn source(&self, path: &str) -> Option<&Source> {
        if self.index_source.as_ref().is_some_and(|s| s.path == path) {
            return self.index_source.as_ref();
        }
        if self.config_source.as_ref().is_some_and(|s| s.path == path) {
            return self.config_source.as_ref();
        }
        self.entries
            .iter()
            .map(|e| &e.source)
            .chain(&self.kinds.files)
            .find(|s| s.path == path)
    }
}

/// A parsed entry cache, keyed by blob id, so hooks need not re-parse
/// unchanged entries. Implementations must be pure optimisations.
pub trait EntryCache {
    /// A hit for this blob at this path (see [`cached_stub`]).
    fn get(&self, blob_id: &str, path: &str) -> Option<LoadedEntry>;
    fn put(&self, blob_id: &str, entry: &LoadedEntry);
    /// The index model parsed from this blob, when it parsed and passed
    /// the schema without a problem (its source is then a stub: see
    /// [`hydrate`]).
    fn get_index(&self, _blob_id: &str) -> Option<Index> {
        None
    }
    fn put_index(&self, _blob_id: &str, _index: &Index) {}
}

/// Read `registry/config.yaml` (defaults when absent or invalid, with the
/// problems that made it invalid).
pub fn read_config(snap: &dyn Snapshot) -> Result<(Config, Option<Source>, Vec<Problem>)> {
    let Some(bytes) = snap.read(CONFIG_PATH)? else {
        return Ok((Config::default(), None, Vec::new()));
    };
    let (source, mut problems) = parse_yaml_file(CONFIG_PATH, &bytes, SchemaKind::Config);
    let mut config = Config::default();
    if let Some(value) = source.value.as_ref().filter(|_| problems.is_empty()) {
        problems = crate::config::config_problems(value);
        if problems.is_empty() {
            match serde_json::from_value::<Option<Config>>(value.clone()) {
                Ok(cfg) => config = cfg.unwrap_or_default(),
                Err(e) => {
                    problems.push(Problem::new(Check::Schema, e.to_string()).file(CONFIG_PATH))
                }
            }
        }
    }
    Ok((config, Some(source), problems))
}

/// The config and the declared kinds' items, without the capabilities:
/// the first part of every load, and all `add` needs (a registry of
/// 10,000 capabilities costs an `add` nothing).
pub fn config_and_kinds(snap: &dyn Snapshot) -> Result<Registry> {
    let mut reg = Registry::default();
    let (config, source, problems) = read_config(snap)?;
    reg.config = config;
    reg.config_source = source;
    reg.problems.extend(problems);
    reg.kinds = crate::kinds::load(&reg.config.kinds, snap)?;
    reg.problems.extend(reg.kinds.problems.iter().cloned());
    Ok(reg)
}

/// Read and parse the whole registry from `snap`.
pub fn load(snap: &dyn Snapshot) -> Result<Registry> {
    load_with_cache(snap, None)
}

/// [`load`], consulting `cache` for entries whose blob id is known.
pub fn load_with_cache(snap: &dyn Snapshot, cache: Option<&dyn EntryCache>) -> Result<Registry> {
    let mut reg = config_and_kinds(snap)?;

    // The index is one big document: taken from the cache when its blob
    // is known, else parsed on its own thread while the entries are read
    // and parsed.
    let index_blob = cache.and_then(|_| snap.blob_id(INDEX_PATH));
    if let (Some(cache), Some(blob)) = (cache, &index_blob)
        && let Some(index) = cache.get_index(blob)
    {
        reg.index = Some(index);
        reg.index_source = Some(Source::unread(INDEX_PATH));
        let raw = read_and_parse_entries(snap, Some(cache))?;
        return Ok(finish_entries(reg, raw, Some(cache)));
    }
    let index_bytes = snap.read(INDEX_PATH)?;
    let (index_parsed, raw) = std::thread::scope(|scope| -> Result<_> {
        let index_job = index_bytes.as_ref().map(|bytes| {
            scope.spawn(move || parse_yaml_file(INDEX_PATH, bytes, SchemaKind::Index))
        });
        let parsed = read_and_parse_entries(snap, cache)?;
        Ok((
            index_job.map(|job| job.join().expect("index parser panicked")),
            parsed,
        ))
    })?;

    match index_parsed {
        Some((source, problems)) => {
            if problems.is_empty()
                && let Some(value) = &source.value
            {
                match Index::deserialize(value) {
                    Ok(index) => {
                        if let (Some(cache), Some(blob)) = (cache, &index_blob) {
                            cache.put_index(blob, &index);
                        }
                        reg.index = Some(index);
                    }
                    Err(e) => reg
                        .problems
                        .push(Problem::new(Check::Schema, e.to_string()).file(INDEX_PATH)),
                }
            }
            reg.problems.extend(problems);
            reg.index_source = Some(source);
        }
        None => reg.problems.push(
            Problem::new(
                Check::ParseError,
                format!(
                    "the index {INDEX_PATH} does not exist in {}",
                    snap.describe()
                ),
            )
            .file(INDEX_PATH)
            .fix("run `reuse-surface establish --scaffold` or restore the file"),
        ),
    }

    Ok(finish_entries(reg, raw, cache))
}

/// Add the parsed entries (and their problems) to `reg`, keeping those
/// without problems in `cache`, and apply the config's severities.
fn finish_entries(mut reg: Registry, raw: Vec<Parsed>, cache: Option<&dyn EntryCache>) -> Registry {
    // Sized once: an entry is 500 bytes, and growing by doubling copied
    // and touched twice the memory (at 1,000 entries, a tenth of a hook's
    // page faults).
    reg.entries.reserve(raw.len());
    for (entry, problems, blob) in raw {
        if let (Some(cache), Some(id)) = (cache, blob.as_deref())
            && problems.is_empty()
        {
            cache.put(id, &entry);
        }
        reg.problems.extend(problems);
        reg.entries.push(entry);
    }
    reg.problems = reg
        .config
        .apply_overrides(std::mem::take(&mut reg.problems));
    reg
}

/// Whether a file named `name` in the entries directory is an entry
/// (`_template.md` and other `_` names are not).
pub fn is_entry_name(name: &str) -> bool {
    name.ends_with(".md") && !name.starts_with('_')
}

/// The paths of the entry files, in name order.
fn entry_paths(snap: &dyn Snapshot) -> Vec<String> {
    snap.list(ENTRIES_DIR)
        .into_iter()
        .filter(|name| is_entry_name(name))
        .map(|name| format!("{ENTRIES_DIR}/{name}"))
        .collect()
}

/// Read and parse every entry. A snapshot that can be shared across
/// threads (the working tree) is read by the workers that parse, so the
/// system calls, a third of the cost on 10,000 files, run in parallel
/// too; others are read here, consulting `cache` by blob id, and only the
/// parsing is spread out.
fn read_and_parse_entries(
    snap: &dyn Snapshot,
    cache: Option<&dyn EntryCache>,
) -> Result<Vec<Parsed>> {
    if let (Some(shared), Some(cache)) = (snap.shared(), cache) {
        return read_and_parse_shared_cached(shared, cache);
    }
    if let Some(shared) = snap.shared() {
        let parsed = parallel_map(entry_paths(snap), |path| -> Result<Option<Parsed>> {
            Ok(shared.read(&path)?.map(|bytes| {
                let (entry, problems) = parse_entry(&path, &bytes);
                (entry, problems, None)
            }))
        });
        return parsed.into_iter().filter_map(Result::transpose).collect();
    }
    // Hits stay where they are; only the misses (one, in a typical
    // commit) go to the parsers.
    let pending = read_entries(snap, cache)?;
    let mut slots: Vec<Option<Parsed>> = Vec::with_capacity(pending.len());
    let mut misses = Vec::new();
    for (i, pending) in pending.into_iter().enumerate() {
        match pending {
            Pending::Cached(hit) => slots.push(Some((*hit, Vec::new(), None))),
            Pending::Raw { path, bytes, blob } => {
                slots.push(None);
                misses.push((i, path, bytes, blob));
            }
        }
    }
    for (i, parsed) in parallel_map(misses, |(i, path, bytes, blob)| {
        let (entry, problems) = parse_entry(&path, &bytes);
        (i, (entry, problems, blob))
    }) {
        slots[i] = Some(parsed);
    }
    // Every slot is filled by now.
    Ok(slots.into_iter().flatten().collect())
}

/// [`read_and_parse_entries`] for a snapshot threads may share that has a
/// cache (the working tree, under `validate`): the content ids (stat data)
/// are taken in parallel, hits come out of the cache, and only the misses
/// are read and parsed, in parallel; entries stay in name order.
fn read_and_parse_shared_cached(
    shared: &(dyn Snapshot + Sync),
    cache: &dyn EntryCache,
) -> Result<Vec<Parsed>> {
    let paths = entry_paths(shared);
    let ids = parallel_map(paths.iter().collect(), |path: &String| shared.blob_id(path));
    let mut slots: Vec<Option<Parsed>> = Vec::with_capacity(paths.len());
    let mut misses = Vec::new();
    for (i, (path, id)) in paths.into_iter().zip(ids).enumerate() {
        match id.as_deref().and_then(|id| cache.get(id, &path)) {
            Some(hit) => slots.push(Some((hit, Vec::new(), None))),
            None => {
                slots.push(None);
                misses.push((i, path, id));
            }
        }
    }
    let parsed = parallel_map(misses, |(i, path, id)| -> Result<(usize, Option<Parsed>)> {
        Ok((
            i,
            shared.read(&path)?.map(|bytes| {
                let (entry, problems) = parse_entry(&path, &bytes);
                (entry, problems, id)
            }),
        ))
    });
    for result in parsed {
        let (i, p) = result?;
        slots[i] = p;
    }
    Ok(slots.into_iter().flatten().collect())
}

/// An entry as loaded, its problems, and its blob id when the snapshot has
/// one (to fill the cache).
type Parsed = (LoadedEntry, Vec<Problem>, Option<String>);

/// Read the entry files sequentially, for snapshots that cannot be shared
/// across threads.
fn read_entries(snap: &dyn Snapshot, cache: Option<&dyn EntryCache>) -> Result<Vec<Pending>> {
    let paths = entry_paths(snap);
    let mut raw = Vec::with_capacity(paths.len());
    for path in paths {
        let blob = snap.blob_id(&path);
        if let (Some(cache), Some(id)) = (cache, blob.as_deref())
            && let Some(hit) = cache.get(id, &path)
        {
            raw.push(Pending::Cached(Box::new(hit)));
            continue;
        }
        if let Some(bytes) = snap.read(&path)? {
            raw.push(Pending::Raw { path, bytes, blob });
        }
    }
    Ok(raw)
}

enum Pending {
    Cached(Box<LoadedEntry>),
    Raw {
        path: String,
        bytes: Vec<u8>,
        blob: Option<String>,
    },
}

/// Decode a file's bytes, or give the empty source and the `parse-error`
/// that stand for a file that is not text we accept.
fn decode_or_report(path: &str, bytes: &[u8]) -> Result<String, Box<(Source, Problem)>> {
    yaml::decode(bytes).map(str::to_string).map_err(|e| {
        let problem = Problem::new(Check::ParseError, e.message)
            .file(path)
            .at(e.line, e.column);
        let source = Source::unread(path);
        Box::new((source, problem))
    })
}

/// Parse a whole-file YAML document and validate it against `kind`.
pub fn parse_yaml_file(path: &str, bytes: &[u8], kind: SchemaKind) -> (Source, Vec<Problem>) {
    let mut source = match whole_file_source(path, bytes) {
        Ok(source) => source,
        Err(failed) => {
            let (source, problem) = *failed;
            return (source, vec![problem]);
        }
    };
    let mut problems = Vec::new();
    validate_source(&mut source, kind, &mut problems);
    (source, problems)
}

/// A whole-file YAML source, decoded, not parsed yet.
fn whole_file_source(path: &str, bytes: &[u8]) -> Result<Source, Box<(Source, Problem)>> {
    let text = decode_or_report(path, bytes)?;
    let len = text.len();
    Ok(Source {
        path: path.into(),
        text,
        yaml: 0..len,
        line_offset: 0,
        value: None,
        parsed: false,
        bom: has_bom(bytes),
    })
}

/// Decode and parse a YAML file without a built-in schema (a kind's
/// content file, whose schema is the repository's own).
pub fn parse_plain_yaml(path: &str, bytes: &[u8]) -> (Source, Vec<Problem>) {
    let mut source = match whole_file_source(path, bytes) {
        Ok(source) => source,
        Err(failed) => {
            let (source, problem) = *failed;
            return (source, vec![problem]);
        }
    };
    match yaml::parse(source.yaml_text()) {
        Err(e) => (
            source.clone(),
            vec![
                Problem::new(Check::ParseError, e.message)
                    .file(path)
                    .at(e.line, e.column),
            ],
        ),
        Ok(value) => {
            source.value = Some(value);
            source.parsed = true;
            (source, Vec::new())
        }
    }
}

fn has_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xEF\xBB\xBF")
}

/// Parse an entry file: front matter fences, YAML, schema, model.
pub fn parse_entry(path: &str, bytes: &[u8]) -> (LoadedEntry, Vec<Problem>) {
    let mut problems = Vec::new();
    let text = match decode_or_report(path, bytes) {
        Ok(text) => text,
        Err(failed) => {
            let (source, problem) = *failed;
            return (
                LoadedEntry {
                    source,
                    entry: None,
                },
                vec![problem],
            );
        }
    };
    let (range, line_offset) = match frontmatter::split(&text) {
        Ok(fm) => (fm.head.len()..fm.head.len() + fm.yaml.len(), fm.line_offset),
        Err(e) => {
            problems.push(
                Problem::new(Check::ParseError, e.message)
                    .file(path)
                    .at(e.line, e.column)
                    .fix("an entry starts with a `---` line, then YAML front matter, then a closing `---` line"),
            );
            let source = Source {
                path: path.into(),
                text,
                yaml: 0..0,
                line_offset: 0,
                value: None,
                parsed: false,
                bom: has_bom(bytes),
            };
            return (
                LoadedEntry {
                    source,
                    entry: None,
                },
                problems,
            );
        }
    };
    let mut source = Source {
        path: path.into(),
        text,
        yaml: range,
        line_offset,
        value: None,
        parsed: false,
        bom: has_bom(bytes),
    };
    validate_source(&mut source, SchemaKind::Entry, &mut problems);
    let entry = match (&source.value, problems.is_empty()) {
        (Some(v), true) => match Entry::deserialize(v) {
            Ok(e) => Some(e),
            Err(e) => {
                problems.push(Problem::new(Check::Schema, e.to_string()).file(path));
                None
            }
        },
        _ => None,
    };
    if let (Some(id), None) = (
        source
            .value
            .as_ref()
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str),
        &entry,
    ) {
        for p in problems.iter_mut() {
            p.capability_id.get_or_insert_with(|| id.to_string());
        }
    }
    if entry.is_some() {
        source.value = None;
    }
    (LoadedEntry { source, entry }, problems)
}

fn validate_source(source: &mut Source, kind: SchemaKind, problems: &mut Vec<Problem>) {
    let yaml_text = source.yaml_text();
    match yaml::parse(yaml_text) {
        Err(e) => {
            problems.push(
                Problem::new(Check::ParseError, e.message)
                    .file(&source.path)
                    .at(e.line.map(|l| l + source.line_offset), e.column),
            );
        }
        Ok(value) => {
            let violations = schema::validate(kind, &value);
            if !violations.is_empty() {
                let tree = Lossless::new(yaml_text);
                for v in violations {
                    let segs = segs_from_pointer(&v.pointer, &value);
                    let (line, col) = tree
                        .locate(&segs)
                        .map_or((None, None), |(l, c)| (Some(l), Some(c)));
                    let at = if v.pointer.is_empty() {
                        "document".to_string()
                    } else {
                        v.pointer.clone()
                    };
                    problems.push(
                        Problem::new(Check::Schema, format!("{at}: {}", v.message))
                            .file(&source.path)
                            .at(line.map(|l| l + source.line_offset), col),
                    );
                }
            }
            source.value = Some(value);
            source.parsed = true;
        }
    }
}

/// Turn every problem's YAML anchor into a line and column, building each
/// file's lossless tree at most once.
pub fn locate_problems(reg: &Registry, problems: &mut [Problem]) {
    let mut trees: std::collections::HashMap<String, Option<(Lossless<'_>, usize)>> =
        Default::default();
    // Built on first use: a registry where every entry has a problem would
    // otherwise search the entries once per file.
    let mut sources: Option<std::collections::HashMap<&str, &Source>> = None;
    for p in problems.iter_mut() {
        let (Some(anchor), Some(file), None) = (&p.anchor, &p.file, p.line) else {
            continue;
        };
        let entry = trees.entry(file.clone()).or_insert_with(|| {
            sources
                .get_or_insert_with(|| reg.sources())
                .get(file.as_str())
                .filter(|s| s.parsed)
                .map(|s| (Lossless::new(s.yaml_text()), s.line_offset))
        });
        if let Some((tree, offset)) = entry
            && let Some((l, c)) = tree.locate(&anchor.path)
        {
            p.line = Some(l + *offset);
            p.column = Some(c);
        }
    }
}

/// Helper for checks: a path of keys.
pub fn keys(parts: &[&str]) -> Vec<Seg> {
    parts.iter().map(|k| Seg::key(k)).collect()
}

/// Replace cache stubs (entries loaded from an [`EntryCache`] without
/// their text) for `paths` by a full parse from `snap`, so diagnostics can
/// be located and patches can edit them.
pub fn hydrate(reg: &mut Registry, snap: &dyn Snapshot, paths: &[String]) -> Result<()> {
    // The index's model came from the cache only when it parsed cleanly:
    // its text is all that is missing.
    if paths.iter().any(|p| p == INDEX_PATH)
        && reg.index_source.as_ref().is_some_and(|s| !s.parsed)
        && let Some(bytes) = snap.read(INDEX_PATH)?
    {
        let (source, _) = parse_yaml_file(INDEX_PATH, &bytes, SchemaKind::Index);
        reg.index_source = Some(source);
    }
    for loaded in reg.entries.iter_mut() {
        if loaded.source.parsed || !paths.contains(&loaded.source.path) {
            continue;
        }
        if let Some(bytes) = snap.read(&loaded.source.path)? {
            let (full, _) = parse_entry(&loaded.source.path, &bytes);
            *loaded = full;
        }
    }
    Ok(())
}

/// An entry as a cache hit: the model without its text (see [`hydrate`]).
pub fn cached_stub(path: &str, entry: Entry) -> LoadedEntry {
    LoadedEntry {
        source: Source::unread(path),
        entry: Some(entry),
    }
}
