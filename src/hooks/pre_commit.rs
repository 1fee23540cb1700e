//! `pre-commit`: validate the staged registry, stage the safe patches, and
//! refuse the commit on errors.
//!
//! Fast path: read the index and HEAD's tree with gix (no `git` process),
//! and exit at once when the staged diff touches neither the registry nor
//! any signal path. Slow path: load the staged snapshot (cached by blob id),
//! collect patches from the HEAD → index diff, apply the safe ones to the
//! staged blobs and, separately, to the working-tree files (so unstaged
//! edits stay unstaged), validate the staged result, and only then write.

use super::cache::BlobCache;
use super::{check_located, print_problems, registry_prefix, skipped};
use crate::atomic::{PendingFile, write_batch};
use crate::diagnostics::{Style, summary_line};
use crate::model::{ENTRIES_DIR, INDEX_PATH};
use crate::patches::apply;
use crate::patches::collect::{self, Scope, any_relevant};
use crate::registry::{self, LoadedEntry, Registry};
use crate::schema::SchemaKind;
use crate::snapshot::{GitEntry, GitTree, Overlay};
use crate::{Error, Result, git};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Run the pre-commit hook in the repository containing `cwd`; returns the
/// exit code git should see.
pub fn pre_commit(cwd: &Path, err: &mut dyn Write, style: Style) -> Result<i32> {
    if skipped("pre-commit") {
        writeln!(err, "reuse-surface: pre-commit skipped (REUSE_SURFACE_SKIP)")?;
        return Ok(0);
    }
    let t0 = std::time::Instant::now();
    macro_rules! tick { ($l:expr) => { if std::env::var_os("RS_PROF").is_some() { eprintln!("PROF {:>8.2} ms {}", t0.elapsed().as_secs_f64()*1000.0, $l); } } }
    let repo = git::open(cwd)?;
    tick!("open");
    let top = git::workdir(&repo)?;
    let staged_entries = git::index_entries(&repo)?;
    tick!("index_entries");
    let head_entries = match git::head_commit(&repo) {
        Some(head) => git::tree_entries(&repo, head)?,
        None => BTreeMap::new(),
    };
    tick!("head tree");
    let changes = git::diff(&head_entries, &staged_entries);
    tick!("diff");
    if changes.is_empty() {
        return Ok(0);
    }
    let cwd_rel = std::env::var("GIT_PREFIX").unwrap_or_default();
    let Some(prefix) =
        registry_prefix(&staged_entries, &cwd_rel).or_else(|| registry_prefix(&head_entries, &cwd_rel))
    else {
        return Ok(0); // no registry in this repository
    };
    let changes = git::relative_to_root(changes, &prefix);
    let staged = GitTree::with_prefix(&repo, staged_entries, &prefix, "the staged tree (git index)".into());
    // An invalid config means defaults here; validation reports it below.
    let (config, _, _) = registry::read_config(&staged)?;
    tick!("config");
    if !any_relevant(&config, changes.iter().map(|(p, _)| p.as_str())) {
        tick!("irrelevant");
        return Ok(0);
    }

    let old = GitTree::with_prefix(&repo, head_entries, &prefix, "HEAD".into());
    let cache = BlobCache::open(repo.common_dir());
    tick!("cache open");
    let mut reg = registry::load_with_cache(&staged, Some(&cache))?;
    tick!("load");
    let collected = collect::collect(&reg, &staged, Some((&changes, &old)), &Scope::All);
    tick!("collect");
    let safe: Vec<_> = collected.patches.into_iter().filter(|p| p.safe && p.kind.is_deterministic()).collect();
    let touched: Vec<String> = touched_paths(&reg, &safe);
    registry::hydrate(&mut reg, &staged, &touched)?;
    let today = apply::today();
    let plan = apply::plan(&reg, &safe, &today);
    let outputs = plan.outputs(&reg);

    tick!("plan");
    let overlay = Overlay::new(&staged, outputs.clone());
    let mut after = registry::load_with_cache(&overlay, Some(&cache))?;
    tick!("load after");
    let problems = check_located(&mut after, &overlay)?;
    tick!("checks");
    let summary = print_problems(err, &after, &overlay, &problems, &prefix, style)?;
    for u in &collected.unassigned {
        writeln!(err, "reuse-surface: note: {} changed ({}) but {}; no patch", u.path, u.signal, u.reason)?;
    }
    if summary.errors > 0 {
        for p in &plan.applied {
            writeln!(err, "reuse-surface: would apply {} to {} once the errors are fixed", p.kind.as_str(), p.capability_id)?;
        }
        writeln!(err, "{}", summary_line(summary, style))?;
        writeln!(
            err,
            "reuse-surface: commit refused: fix the {} above (or bypass once with REUSE_SURFACE_SKIP=1 / --no-verify)",
            if summary.errors == 1 { "error" } else { "errors" }
        )?;
        cache.save();
        return Ok(1);
    }
    if !outputs.is_empty() {
        tick!("print");
        update_worktree(&top, &prefix, &safe, &today, err)?;
        stage(&repo, &top, &prefix, &outputs, staged.entries())?;
        for p in &plan.applied {
            writeln!(err, "reuse-surface: staged {} for {}: {}", p.kind.as_str(), p.capability_id, p.rationale)?;
        }
    }
    if summary.warnings > 0 || !outputs.is_empty() {
        writeln!(err, "{}", summary_line(summary, style))?;
    }
    tick!("staged");
    cache.save();
    tick!("saved");
    Ok(0)
}

/// Registry-relative paths of the files the patches will edit.
fn touched_paths(reg: &Registry, patches: &[crate::patches::Patch]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in patches {
        if p.kind.targets_index() {
            out.push(INDEX_PATH.into());
        } else if let Some((path, _)) = reg.valid_entries().find(|(_, e)| e.id == p.capability_id) {
            out.push(path.into());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Apply the same patches to the working-tree copies of the files, planned
/// against their own text so unstaged edits survive. A file missing or
/// unreadable in the working tree is left alone (and said so).
fn update_worktree(
    top: &Path,
    prefix: &str,
    patches: &[crate::patches::Patch],
    today: &str,
    err: &mut dyn Write,
) -> Result<()> {
    let root = top.join(prefix);
    let mut reg = Registry::default();
    if let Ok(bytes) = std::fs::read(root.join(INDEX_PATH)) {
        let (source, problems) = registry::parse_yaml_file(INDEX_PATH, &bytes, SchemaKind::Index);
        if problems.is_empty() {
            reg.index = source.value.clone().and_then(|v| serde_json::from_value(v).ok());
            reg.index_source = Some(source);
        } else {
            writeln!(err, "reuse-surface: note: the working-tree {prefix}{INDEX_PATH} does not parse; only the staged copy was patched")?;
        }
    }
    if let Ok(rd) = std::fs::read_dir(root.join(ENTRIES_DIR)) {
        let wanted: Vec<&str> = patches.iter().map(|p| p.capability_id.as_str()).collect();
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".md") || name.starts_with('_') {
                continue;
            }
            let path = format!("{ENTRIES_DIR}/{name}");
            let Ok(bytes) = std::fs::read(e.path()) else { continue };
            let (loaded, _): (LoadedEntry, _) = registry::parse_entry(&path, &bytes);
            if loaded.entry.as_ref().is_some_and(|m| wanted.contains(&m.id.as_str())) {
                reg.entries.push(loaded);
            }
        }
    }
    let plan = apply::plan(&reg, patches, today);
    let files: Vec<PendingFile> = plan
        .outputs(&reg)
        .into_iter()
        .map(|(path, bytes)| PendingFile { target: root.join(path), bytes })
        .collect();
    write_batch(&files, || Ok(()))
}

/// Write the new staged contents as blobs and point the index at them
/// (one `git update-index` call, which also honours `GIT_INDEX_FILE` and
/// the index lock protocol).
///
/// `git commit PATH` commits from a temporary index (`next-index-*.lock`)
/// while it holds the real index locked as `index.lock` (committed after
/// the commit). A patch staged only in the temporary index would leave the
/// real index with the old blob (`git status` shows `MM`), so each patched
/// blob is mirrored into the locked real index too, where that index still
/// holds what the temporary one held before the patch (anything else is a
/// staged change of the user's, left alone).
fn stage(
    repo: &gix::Repository,
    top: &Path,
    prefix: &str,
    outputs: &BTreeMap<String, Vec<u8>>,
    before: &BTreeMap<String, GitEntry>,
) -> Result<()> {
    let mut written: Vec<(String, gix::ObjectId)> = Vec::new();
    for (path, bytes) in outputs {
        let oid = repo.write_blob(bytes).map_err(Error::git)?.detach();
        written.push((format!("{prefix}{path}"), oid));
    }
    update_index(top, None, &written)?;
    if let Some(real) = partial_commit_real_index(repo) {
        let file = gix::index::File::at(&real, repo.object_hash(), false, Default::default())
            .map_err(|e| Error::git(format!("cannot read the index {}: {e}", real.display())))?;
        let held = |path: &str| {
            file.entry_by_path_and_stage(path.into(), gix::index::entry::Stage::Unconflicted).map(|e| e.id)
        };
        let mirrored: Vec<(String, gix::ObjectId)> = written
            .iter()
            .filter(|(path, _)| held(path) == before.get(path).map(|e| e.oid))
            .cloned()
            .collect();
        update_index(top, Some(&real), &mirrored)?;
    }
    Ok(())
}

/// The real index git holds locked during `git commit PATH`, when that is
/// what is happening.
fn partial_commit_real_index(repo: &gix::Repository) -> Option<std::path::PathBuf> {
    let current = std::env::var_os("GIT_INDEX_FILE")?;
    let name = Path::new(&current).file_name()?.to_str()?;
    if !(name.starts_with("next-index-") && name.ends_with(".lock")) {
        return None;
    }
    // Not `repo.index_path()`: that follows `GIT_INDEX_FILE`.
    let real = repo.git_dir().join("index.lock");
    real.is_file().then_some(real)
}

/// `git update-index --index-info` for `entries`, on `index_file` (default:
/// whatever `GIT_INDEX_FILE` says, else the repository's index).
fn update_index(top: &Path, index_file: Option<&Path>, entries: &[(String, gix::ObjectId)]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut info = String::new();
    for (path, oid) in entries {
        info.push_str(&format!("100644 {oid}\t{path}\n"));
    }
    let mut cmd = std::process::Command::new("git");
    cmd.args(["update-index", "--index-info"]).current_dir(top).stdin(std::process::Stdio::piped());
    if let Some(index_file) = index_file {
        cmd.env("GIT_INDEX_FILE", index_file);
    }
    let mut child = cmd.spawn().map_err(|e| Error::git(format!("cannot run git update-index: {e}")))?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(info.as_bytes())
        .map_err(|e| Error::git(format!("cannot write to git update-index: {e}")))?;
    let status = child.wait().map_err(Error::git)?;
    if !status.success() {
        return Err(Error::git(format!("git update-index failed ({status})")));
    }
    Ok(())
}
