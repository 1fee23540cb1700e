//! Structural three-way merge of registry index YAML (SPEC §5.2): the
//! `merge-driver` git calls as `reuse-surface merge-driver %O %A %B %L %P`.
//!
//! Mappings merge key by key; lists of mappings merge row by row, matched
//! by their key field (`id`, or `merge.keys` in `registry/config.yaml`);
//! lists of scalars merge as ordered sets; scalars merge three-way, except
//! `updated` (the later date wins) and `vector` (per dimension). The result
//! is spliced into ours' text, so untouched bytes stay as ours wrote them;
//! conflicts get standard markers around the disputed field or row.
//!
//! Never worse than git: when an input is outside what the structural
//! merge reads (it does not parse, is not a mapping at the top, or uses
//! YAML the fast scanner refuses), or when the merged text does not
//! re-read as exactly the merged data, the driver runs `git merge-file` on
//! the same files instead and returns its result.

mod formatting;
mod lines;
mod order;
mod plan;
mod render;

use crate::atomic::replace_file;
use crate::fast_hash::{HashMap as FastMap, HashSet as FastSet};
use crate::yaml::block::{self, Doc};
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// Conflict-marker labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    pub ours: String,
    pub base: String,
    pub theirs: String,
}

impl Default for Labels {
    fn default() -> Self {
        Labels {
            ours: "ours".into(),
            base: "base".into(),
            theirs: "theirs".into(),
        }
    }
}

impl Labels {
    /// The labels git's own merge would print: `HEAD` and the merged
    /// branch's name, which `git merge` exports as `GITHEAD_<oid>` to merge
    /// drivers. Outside a merge (rebase, cherry-pick, tests): ours/theirs.
    pub fn from_env() -> Self {
        let heads: Vec<String> = std::env::vars_os()
            .filter(|(k, _)| k.to_string_lossy().starts_with("GITHEAD_"))
            .filter_map(|(_, v)| v.into_string().ok())
            .collect();
        match heads.as_slice() {
            [name] if !name.is_empty() && !name.contains(['\n', '\r']) => Labels {
                ours: "HEAD".into(),
                base: "base".into(),
                theirs: name.clone(),
            },
            _ => Labels::default(),
        }
    }
}

/// How to merge and how to write conflicts.
#[derive(Debug, Clone)]
pub struct Options {
    /// Length of the conflict markers (`%L`, 7 by default).
    pub marker_size: usize,
    pub labels: Labels,
    /// Write the base version between `|||||||` and `=======` too
    /// (`merge.conflictStyle = diff3 | zdiff3`).
    pub diff3: bool,
    /// Key field per list path (`capabilities`, `modules.instances`); lists
    /// not named here are keyed by `id`.
    pub keys: BTreeMap<String, String>,
    /// The process exits right after the merge (the driver): leave the
    /// scanned trees to the operating system instead of freeing them one
    /// allocation at a time (a tenth of the driver's time on a large file).
    pub exiting: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            marker_size: 7,
            labels: Labels::default(),
            diff3: false,
            keys: BTreeMap::new(),
            exiting: false,
        }
    }
}

/// What [`merge_text`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The merged text; `conflicts` marker blocks in it (0: clean).
    Merged { text: String, conflicts: usize },
    /// The structural merge does not apply; use git's line merge. The
    /// reason is one line for the user.
    Fallback { reason: String },
}

/// Merge three decoded texts (byte-order marks already removed).
pub fn merge_text(base: &str, ours: &str, theirs: &str, opts: &Options) -> Outcome {
    merge_text_noted(base, ours, theirs, opts).0
}

/// [`merge_text`], with the notes of what the merge settled on its own (a
/// derived index field both sides changed: ours kept), one line each.
pub fn merge_text_noted(
    base: &str,
    ours: &str,
    theirs: &str,
    opts: &Options,
) -> (Outcome, Vec<String>) {
    let mut notes = Vec::new();
    let outcome = merge_planned(base, ours, theirs, opts, &mut notes);
    (outcome, notes)
}

fn merge_planned(
    base: &str,
    ours: &str,
    theirs: &str,
    opts: &Options,
    notes: &mut Vec<String>,
) -> Outcome {
    if ours == theirs || base == theirs {
        return Outcome::Merged {
            text: ours.to_string(),
            conflicts: 0,
        };
    }
    if base == ours {
        return Outcome::Merged {
            text: theirs.to_string(),
            conflicts: 0,
        };
    }
    let fallback = |reason: String| Outcome::Fallback { reason };
    let docs = scan_three(base, ours, theirs);
    let (b, o, t): (Doc, Doc, Doc) = match docs {
        (Ok(b), Ok(o), Ok(t)) => (b, o, t),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return fallback(e),
    };
    if !o.root.is_map() || !t.root.is_map() {
        return fallback("ours or theirs is not a mapping at the top".into());
    }
    // A base that is empty (the file was added on both sides) is an empty
    // mapping; any other non-mapping base is not something we merge.
    let b_root = match &b.root.kind {
        block::Kind::Map(_) => Some(&b.root),
        block::Kind::Scalar(v) if v.is_null() && b.root.style == block::Style::Empty => None,
        _ => return fallback("base is not a mapping at the top".into()),
    };
    let mut merger = plan::Merger::new(opts, [base, ours, theirs]);
    let m = merger.value(
        b_root,
        &o.root,
        plan::TheirsNode {
            node: &t.root,
            head: 0,
            col: 0,
        },
    );
    notes.append(&mut merger.notes);
    let mut renderer = render::Renderer {
        ours,
        theirs,
        base,
        nl: crate::yaml::line_ending(ours),
        opts,
        conflicts: 0,
    };
    let Ok(text) = renderer.root(&o.root, &m) else {
        return fallback("the conflict covers the whole document".into());
    };
    let conflicts = renderer.conflicts;
    // The written text must read back as exactly the merged data; with
    // conflicts, each side's resolution must still be a document we read.
    let verified = if conflicts == 0 {
        block::scan(&text).is_ok_and(|out| {
            let same = render::check(&text, &out.root, &o.root, &m);
            if opts.exiting {
                std::mem::forget(out);
            }
            same
        })
    } else {
        [Side::Ours, Side::Theirs].into_iter().all(|side| {
            resolve(&text, side, opts.marker_size).is_some_and(|r| {
                block::scan(&r)
                    .is_ok_and(|d| d.root.is_map() || d.root.style == block::Style::Empty)
            })
        })
    };
    if !verified {
        return fallback(
            "internal check failed: the structural result did not read back as the merged data"
                .into(),
        );
    }
    if opts.exiting {
        std::mem::forget(m);
        std::mem::forget((b, o, t));
    }
    let text = if conflicts == 0 {
        formatting::with_theirs_formatting(base, text, theirs)
    } else {
        text
    };
    Outcome::Merged { text, conflicts }
}

/// Scan the three inputs, base and theirs on helper threads beside ours
/// (scans are independent and dominate the driver's time).
fn scan_three<'t>(
    base: &'t str,
    ours: &'t str,
    theirs: &'t str,
) -> (ScanResult<'t>, ScanResult<'t>, ScanResult<'t>) {
    fn scan<'t>(name: &str, text: &'t str) -> ScanResult<'t> {
        block::scan(text).map_err(|e| format!("{name}: {e}"))
    }
    std::thread::scope(|s| {
        let bt = std::thread::Builder::new().spawn_scoped(s, || scan("base", base));
        let tt = std::thread::Builder::new().spawn_scoped(s, || scan("theirs", theirs));
        let od = scan("ours", ours);
        let b = match bt {
            Ok(h) => h
                .join()
                .unwrap_or_else(|_| Err("base: scanner thread failed".into())),
            Err(_) => scan("base", base),
        };
        let t = match tt {
            Ok(h) => h
                .join()
                .unwrap_or_else(|_| Err("theirs: scanner thread failed".into())),
            Err(_) => scan("theirs", theirs),
        };
        (b, od, t)
    })
}

type ScanResult<'t> = std::result::Result<Doc<'t>, String>;

/// A side of a conflict block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Ours,
    Base,
    Theirs,
}

/// Resolve every conflict block of `text` (markers of `marker_size`) by
/// taking one side. `None` when the markers are malformed.
pub fn resolve(text: &str, side: Side, marker_size: usize) -> Option<String> {
    let open = "<".repeat(marker_size);
    let mid = "|".repeat(marker_size);
    let sep = "=".repeat(marker_size);
    let close = ">".repeat(marker_size);
    let is = |line: &str, m: &str| {
        let l = line.trim_end_matches(['\n', '\r']);
        l == m
            || (l.starts_with(m)
                && l[m.len()..].starts_with(' ')
                && !l[m.len()..].starts_with(&m[..1]))
    };
    #[derive(PartialEq)]
    enum St {
        Out,
        Ours,
        Base,
        Theirs,
    }
    let mut st = St::Out;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match st {
            St::Out if is(line, &open) => st = St::Ours,
            St::Ours if is(line, &mid) => st = St::Base,
            St::Ours | St::Base if is(line, &sep) => st = St::Theirs,
            St::Theirs if is(line, &close) => st = St::Out,
            St::Out => out.push_str(line),
            St::Ours if side == Side::Ours => out.push_str(line),
            St::Base if side == Side::Base => out.push_str(line),
            St::Theirs if side == Side::Theirs => out.push_str(line),
            _ => {}
        }
    }
    (st == St::Out).then_some(out)
}

/// The key fields configured in `registry/config.yaml` (relative to the
/// current directory: git runs merge drivers at the top of the work tree):
/// `merge: {keys: {<list path>: <field>}}`, plus the `list`/`key` of each
/// declared registry kind. A missing or unreadable config means defaults.
pub fn configured_keys(config: &Path) -> BTreeMap<String, String> {
    let mut keys = BTreeMap::new();
    let Ok(bytes) = std::fs::read(config) else {
        return keys;
    };
    let value = match crate::yaml::decode(&bytes)
        .map_err(|e| e.message)
        .and_then(|t| crate::yaml::parse(t).map_err(|e| e.message))
    {
        Ok(v) => v,
        Err(e) => {
            eprintln!(
                "reuse-surface merge-driver: {}: {e}; using the default merge keys",
                config.display()
            );
            return keys;
        }
    };
    if let Some(kinds) = value.get("kinds").and_then(|k| k.as_object()) {
        for kind in kinds.values() {
            if let (Some(list), Some(key)) = (
                kind.get("list").and_then(|v| v.as_str()),
                kind.get("key").and_then(|v| v.as_str()),
            ) && !key.is_empty()
            {
                keys.insert(list.to_string(), key.to_string());
            }
        }
    }
    if let Some(map) = value
        .get("merge")
        .and_then(|m| m.get("keys"))
        .and_then(|k| k.as_object())
    {
        for (list, key) in map {
            if let Some(key) = key.as_str().filter(|k| !k.is_empty()) {
                keys.insert(list.clone(), key.to_string());
            }
        }
    }
    keys
}

/// The config of the registry holding the merged file `path` (git's `%P`,
/// relative to the top of the work tree): `X/registry/indexes/F.yaml`
/// reads `X/registry/config.yaml`, so a registry below the top level gets
/// its own keys. Another file (a kind's content, `X/modules/a.yaml`)
/// reads the nearest `registry/config.yaml` above it; without one:
/// `registry/config.yaml`.
pub fn config_beside(path: Option<&str>) -> std::path::PathBuf {
    if let Some(p) = path.filter(|p| !p.contains("/indexes/")) {
        let nearest = Path::new(p)
            .ancestors()
            .skip(1)
            .filter(|dir| !dir.as_os_str().is_empty())
            .map(|dir| dir.join(crate::model::CONFIG_PATH))
            .find(|config| config.is_file());
        if let Some(config) = nearest {
            return config;
        }
    }
    let registry = path
        .map(Path::new)
        .and_then(Path::parent)
        .filter(|indexes| indexes.file_name().is_some_and(|n| n == "indexes"))
        .and_then(Path::parent)
        .filter(|dir| !dir.as_os_str().is_empty());
    match registry {
        Some(dir) => dir.join("config.yaml"),
        None => Path::new(crate::model::CONFIG_PATH).to_path_buf(),
    }
}

/// Merge `ours` with `theirs` against `base`, writing the result into
/// `ours`; returns git's expected exit code (0 clean, 1 conflicts).
pub fn merge_driver(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    marker_size: usize,
    path: Option<&str>,
) -> Result<i32> {
    merge_driver_with_labels(base, ours, theirs, marker_size, path, Labels::from_env())
}

/// [`merge_driver`] with explicit conflict labels (git's `%X`/`%Y`/`%S`).
pub fn merge_driver_with_labels(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    marker_size: usize,
    path: Option<&str>,
    labels: Labels,
) -> Result<i32> {
    let marker_size = if marker_size == 0 { 7 } else { marker_size };
    let read = |p: &Path| std::fs::read(p).map_err(|e| Error::io(p, e));
    let (bb, ob, tb) = (read(base)?, read(ours)?, read(theirs)?);
    if ob == tb || bb == tb {
        return Ok(0);
    }
    if bb == ob {
        replace_file(ours, &tb)?;
        return Ok(0);
    }
    let name = path.unwrap_or("index");
    let decoded = (
        crate::yaml::decode(&bb),
        crate::yaml::decode(&ob),
        crate::yaml::decode(&tb),
    );
    let (b, o, t) = match decoded {
        (Ok(b), Ok(o), Ok(t)) => (b, o, t),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return fallback(
                base,
                ours,
                theirs,
                marker_size,
                &labels,
                &format!("{name}: {}", e.message),
            );
        }
    };
    let mut opts = Options {
        marker_size,
        labels,
        diff3: false,
        keys: configured_keys(&config_beside(path)),
        exiting: true,
    };
    let mut outcome = guarded_merge(b, o, t, &opts);
    if matches!(outcome, Outcome::Merged { conflicts: 1.., .. })
        && crate::git::cmd::conflict_style_is_diff3()
    {
        opts.diff3 = true;
        outcome = guarded_merge(b, o, t, &opts);
    }
    match outcome {
        Outcome::Merged { text, conflicts } => {
            let bom: &[u8] = if ob.starts_with("\u{feff}".as_bytes()) {
                "\u{feff}".as_bytes()
            } else {
                b""
            };
            let mut bytes = Vec::with_capacity(bom.len() + text.len());
            bytes.extend_from_slice(bom);
            bytes.extend_from_slice(text.as_bytes());
            replace_file(ours, &bytes)?;
            Ok(i32::from(conflicts > 0))
        }
        Outcome::Fallback { reason } => fallback(
            base,
            ours,
            theirs,
            marker_size,
            &opts.labels,
            &format!("{name}: {reason}"),
        ),
    }
}

/// [`merge_text`], with a bug that panics turned into a fallback to git's
/// merge instead of a crashed driver. What the merge settled on its own is
/// printed on stderr when its result is used (once: not again on the
/// diff3-style rerun).
fn guarded_merge(base: &str, ours: &str, theirs: &str, opts: &Options) -> Outcome {
    let (outcome, notes) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        merge_text_noted(base, ours, theirs, opts)
    }))
    .unwrap_or_else(|_| {
        let reason = "internal error in the structural merge".into();
        (Outcome::Fallback { reason }, Vec::new())
    });
    if matches!(outcome, Outcome::Merged { .. }) && !opts.diff3 {
        for note in notes {
            eprintln!("reuse-surface merge-driver: {note}");
        }
    }
    outcome
}

/// git's own line merge of the same three files, written atomically into
/// `ours`; returns 0 when clean, 1 with conflicts.
fn fallback(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    marker_size: usize,
    labels: &Labels,
    reason: &str,
) -> Result<i32> {
    eprintln!("reuse-surface merge-driver: {reason}; falling back to git merge-file");
    let (merged, conflicts) = crate::git::cmd::merge_file(
        ours,
        base,
        theirs,
        marker_size,
        [&labels.ours, &labels.base, &labels.theirs],
    )?;
    // git reads `%A` back as the merge result: never leave it half-written.
    replace_file(ours, &merged)?;
    Ok(i32::from(conflicts))
}
