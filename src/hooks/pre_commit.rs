//! `pre-commit`: validate the staged registry, stage the safe patches, and
//! refuse the commit on errors.
//!
//! Fast path: read the index with gix (no `git` process), diff it against
//! HEAD reading only the trees the index's cache tree does not vouch for,
//! and exit at once when the staged diff touches neither the registry nor
//! any signal path. Slow path: load the staged snapshot (cached by blob id),
//! collect patches from the HEAD → index diff, apply the safe ones to the
//! staged blobs and, separately, to the working-tree files (so unstaged
//! edits stay unstaged), validate the staged result, and only then write.

use super::cache::BlobCache;
use super::staged;
use super::{check_located, print_problems, registry_prefix, skipped};
use crate::atomic::{PendingFile, write_batch};
use crate::check::Check;
use crate::config::Config;
use crate::diagnostics::{Problem, Style, summary_line};
use crate::git::Change;
use crate::model::{CONFIG_PATH, INDEX_PATH, Index};
use crate::patches::apply;
use crate::patches::collect::{self, Scope, any_relevant};
use crate::registry::{self, LoadedEntry, Registry};
use crate::schema::SchemaKind;
use crate::snapshot::{GitEntry, GitTree, Overlay, Snapshot};
use crate::{Error, Result, git};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

/// Run the pre-commit hook in the repository containing `cwd`; returns the
/// exit code git should see.
pub fn pre_commit(cwd: &Path, err: &mut dyn Write, style: Style) -> Result<i32> {
    if skipped("pre-commit") {
        writeln!(
            err,
            "reuse-surface: pre-commit skipped (REUSE_SURFACE_SKIP)"
        )?;
        return Ok(0);
    }
    let repo = git::open(cwd)?;
    let top = git::workdir(&repo)?;
    let index = staged::read_index(&repo)?;
    let head_tree = match git::head_commit(&repo) {
        Some(head) => Some(
            repo.find_commit(head)
                .map_err(Error::git)?
                .tree_id()
                .map_err(Error::git)?
                .detach(),
        ),
        None => None,
    };
    let changed = staged::head_to_index(&repo, head_tree, index.as_ref())?;
    if changed.is_empty() {
        return Ok(0);
    }
    let cwd_rel = std::env::var("GIT_PREFIX").unwrap_or_default();
    let staged_paths = index.iter().flat_map(|i| {
        i.entries()
            .iter()
            .filter(|e| e.stage_raw() == 0 && e.path(i).ends_with(INDEX_PATH.as_bytes()))
            .filter_map(|e| std::str::from_utf8(e.path(i)).ok())
    });
    let deleted_paths = changed
        .iter()
        .filter(|c| c.change == Change::Deleted)
        .map(|c| c.path.as_str());
    let Some(prefix) = registry_prefix(staged_paths, &cwd_rel)
        .or_else(|| registry_prefix(deleted_paths, &cwd_rel))
    else {
        return Ok(0); // no registry in this repository
    };
    let changes = git::relative_to_root(
        changed.iter().map(|c| (c.path.clone(), c.change)).collect(),
        &prefix,
    );
    // An invalid config means defaults here; validation reports it below.
    let config = staged_config(&repo, index.as_ref(), &prefix)?;
    if !any_relevant(&config, changes.iter().map(|(p, _)| p.as_str())) {
        return Ok(0);
    }

    let staged_entries = index.as_ref().map(staged::index_map).unwrap_or_default();
    // Patched files keep their mode when staged again.
    let executables: BTreeSet<String> = index
        .iter()
        .flat_map(|i| {
            i.entries()
                .iter()
                .filter(|e| {
                    e.stage_raw() == 0 && e.mode == gix::index::entry::Mode::FILE_EXECUTABLE
                })
                .map(|e| String::from_utf8_lossy(e.path(i)).into_owned())
        })
        .collect();
    drop(index);
    let staged = GitTree::with_prefix(
        &repo,
        staged_entries,
        &prefix,
        "the staged tree (git index)".into(),
    );
    // HEAD's side of the changed paths: all the diff collectors read from it.
    let old_entries: BTreeMap<String, GitEntry> = changed
        .into_iter()
        .filter_map(|c| Some((c.path, c.old?)))
        .collect();
    let old = GitTree::with_prefix(&repo, old_entries, &prefix, "HEAD".into());
    let cache = BlobCache::open(repo.common_dir());
    let mut reg = registry::load_with_cache(&staged, Some(&cache))?;
    // Path signals come only from changes outside `registry/` and from
    // package manifests; without any, skip the diff collectors (and the
    // per-entry surface globs they build).
    let signals = changes
        .iter()
        .any(|(p, _)| !p.starts_with("registry/") || is_manifest(p));
    let diff = signals.then_some((changes.as_slice(), &old as &dyn Snapshot));
    let collected = collect::collect(&reg, &staged, diff, &Scope::All);
    let safe: Vec<_> = collected
        .patches
        .into_iter()
        .filter(|p| p.safe && p.kind.is_deterministic())
        .collect();
    let touched: Vec<String> = touched_paths(&reg, &safe);
    registry::hydrate(&mut reg, &staged, &touched)?;
    let today = apply::today();
    let plan = apply::plan(&reg, &safe, &today);
    let outputs = plan.outputs(&reg);

    let overlay = Overlay::new(&staged, outputs.clone());
    // Nothing patched: the staged registry is the one to check, already
    // loaded; else re-read just the patched files.
    let mut after = match reload_patched(reg, &overlay, &outputs)? {
        Ok(after) => after,
        Err(_) => registry::load_with_cache(&overlay, Some(&cache))?,
    };
    let problems = check_located(&mut after, &overlay)?;
    let summary = print_problems(err, &after, &overlay, &problems, &prefix, style)?;
    for u in &collected.unassigned {
        writeln!(
            err,
            "reuse-surface: note: {} changed ({}) but {}; no patch",
            u.path, u.signal, u.reason
        )?;
    }
    if summary.errors > 0 {
        for p in &plan.applied {
            writeln!(
                err,
                "reuse-surface: would apply {} to {} once the errors are fixed",
                p.kind.as_str(),
                p.capability_id
            )?;
        }
        writeln!(err, "{}", summary_line(summary, style))?;
        writeln!(
            err,
            "reuse-surface: commit refused: fix the {} above (or bypass once with REUSE_SURFACE_SKIP=1 / --no-verify)",
            if summary.errors == 1 {
                "error"
            } else {
                "errors"
            }
        )?;
        cache.save();
        return Ok(1);
    }
    if !outputs.is_empty() {
        update_worktree(&top, &prefix, &staged, &outputs, &safe, &today, err)?;
        stage(&repo, &top, &staged, &outputs, &executables)?;
        for p in &plan.applied {
            writeln!(
                err,
                "reuse-surface: staged {} for {}: {}",
                p.kind.as_str(),
                p.capability_id,
                p.rationale
            )?;
        }
    }
    if summary.warnings > 0 || !outputs.is_empty() {
        writeln!(err, "{}", summary_line(summary, style))?;
    }
    cache.save();
    // The process ends here: skip freeing a thousand entries one by one.
    std::mem::forget((after, cache));
    Ok(0)
}

/// The registry of `snap`, given `reg` loaded from the tree `snap` differs
/// from only in `patched` (the index and entry files a plan rewrote): those
/// files are parsed again, as [`registry::load_with_cache`] parses them,
/// instead of loading every file once more. `Err(reg)` hands the registry
/// back when a patched file is not one it knows (load it afresh then).
fn reload_patched(
    mut reg: Registry,
    snap: &dyn Snapshot,
    patched: &BTreeMap<String, Vec<u8>>,
) -> Result<std::result::Result<Registry, Registry>> {
    for path in patched.keys() {
        let known = path == INDEX_PATH || reg.entries.iter().any(|e| &e.source.path == path);
        if !known || snap.read(path)?.is_none() {
            return Ok(Err(reg));
        }
    }
    for path in patched.keys() {
        let bytes = snap.read(path)?.unwrap_or_default();
        let mut problems = Vec::new();
        if path == INDEX_PATH {
            let (source, parse_problems) =
                registry::parse_yaml_file(INDEX_PATH, &bytes, SchemaKind::Index);
            reg.index = None;
            if parse_problems.is_empty()
                && let Some(value) = &source.value
            {
                match serde_json::from_value::<Index>(value.clone()) {
                    Ok(index) => reg.index = Some(index),
                    Err(e) => {
                        problems.push(Problem::new(Check::Schema, e.to_string()).file(INDEX_PATH))
                    }
                }
            }
            problems.extend(parse_problems);
            reg.index_source = Some(source);
        } else if let Some(slot) = reg.entries.iter_mut().find(|e| &e.source.path == path) {
            let (entry, entry_problems) = registry::parse_entry(path, &bytes);
            *slot = entry;
            problems = entry_problems;
        }
        reg.problems
            .retain(|p| p.file.as_deref() != Some(path.as_str()));
        let problems = reg.config.apply_overrides(problems);
        reg.problems.extend(problems);
    }
    Ok(Ok(reg))
}

fn is_manifest(path: &str) -> bool {
    matches!(
        path.rsplit('/').next(),
        Some("Cargo.toml" | "pyproject.toml" | "package.json")
    )
}

/// The staged `registry/config.yaml`, for deciding whether a change is
/// relevant: read straight from its blob, without building the staged
/// tree or compiling the config schema. A config that does not parse means
/// defaults here; the slow path validates it and reports what is wrong.
fn staged_config(
    repo: &gix::Repository,
    index: Option<&gix::index::File>,
    prefix: &str,
) -> Result<Config> {
    let full = format!("{prefix}{CONFIG_PATH}");
    let Some(entry) = index.and_then(|i| {
        i.entry_by_path_and_stage(full.as_str().into(), gix::index::entry::Stage::Unconflicted)
    }) else {
        return Ok(Config::default());
    };
    if entry.mode == gix::index::entry::Mode::SYMLINK {
        // Resolve the link in the whole staged tree.
        let entries = index.map(staged::index_map).unwrap_or_default();
        let snap =
            GitTree::with_prefix(repo, entries, prefix, "the staged tree (git index)".into());
        return Ok(registry::read_config(&snap)?.0);
    }
    let blob = repo
        .find_object(entry.id)
        .map_err(Error::git)?
        .detach()
        .data;
    let config = crate::yaml::decode(&blob)
        .ok()
        .and_then(|text| crate::yaml::parse(text).ok())
        .and_then(|value| serde_json::from_value::<Option<Config>>(value).ok())
        .flatten()
        .unwrap_or_default();
    Ok(config)
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

/// Give the working tree the same patches. A file whose working-tree copy
/// is what was staged gets the patched staged bytes; one with unstaged
/// edits is patched on its own text (so the edits survive and stay
/// unstaged); one missing or not parsing in the working tree is left alone
/// (and said so).
fn update_worktree(
    top: &Path,
    prefix: &str,
    staged: &GitTree,
    outputs: &BTreeMap<String, Vec<u8>>,
    patches: &[crate::patches::Patch],
    today: &str,
    err: &mut dyn Write,
) -> Result<()> {
    let root = top.join(prefix);
    let mut files: Vec<PendingFile> = Vec::new();
    let mut own = Registry::default();
    let mut replan: Vec<&str> = Vec::new();
    for (path, patched) in outputs {
        let Ok(on_disk) = std::fs::read(root.join(path)) else {
            writeln!(
                err,
                "reuse-surface: note: {prefix}{path} is not in the working tree; only the staged copy was patched"
            )?;
            continue;
        };
        if staged.read(path)?.as_deref() == Some(on_disk.as_slice()) {
            files.push(PendingFile {
                target: root.join(path),
                bytes: patched.clone(),
            });
            continue;
        }
        let parsed = if path == INDEX_PATH {
            let (source, problems) =
                registry::parse_yaml_file(INDEX_PATH, &on_disk, SchemaKind::Index);
            let index = source
                .value
                .clone()
                .and_then(|v| serde_json::from_value(v).ok());
            let ok = problems.is_empty() && index.is_some();
            if ok {
                own.index = index;
                own.index_source = Some(source);
            }
            ok
        } else {
            let (loaded, problems): (LoadedEntry, _) = registry::parse_entry(path, &on_disk);
            let ok = problems.is_empty() && loaded.entry.is_some();
            if ok {
                own.entries.push(loaded);
            }
            ok
        };
        if parsed {
            replan.push(path);
        } else {
            writeln!(
                err,
                "reuse-surface: note: the working-tree {prefix}{path} does not parse; only the staged copy was patched"
            )?;
        }
    }
    if !replan.is_empty() {
        let plan = apply::plan(&own, patches, today);
        for (path, bytes) in plan.outputs(&own) {
            if replan.contains(&path.as_str()) {
                files.push(PendingFile {
                    target: root.join(&path),
                    bytes,
                });
            }
        }
    }
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
    staged: &GitTree,
    outputs: &BTreeMap<String, Vec<u8>>,
    executables: &BTreeSet<String>,
) -> Result<()> {
    let before = staged.entries();
    let mut written: Vec<Staged> = Vec::new();
    for (path, bytes) in outputs {
        // A symlinked registry file is patched at its target.
        let Some(path) = staged.content_path(path) else {
            continue;
        };
        let oid = repo.write_blob(bytes).map_err(Error::git)?.detach();
        let mode = if executables.contains(&path) {
            "100755"
        } else {
            "100644"
        };
        written.push(Staged { path, oid, mode });
    }
    update_index(top, None, &written)?;
    if let Some(real) = partial_commit_real_index(repo) {
        let file = gix::index::File::at(&real, repo.object_hash(), false, Default::default())
            .map_err(|e| Error::git(format!("cannot read the index {}: {e}", real.display())))?;
        let held = |path: &str| {
            file.entry_by_path_and_stage(path.into(), gix::index::entry::Stage::Unconflicted)
                .map(|e| e.id)
        };
        let mirrored: Vec<Staged> = written
            .iter()
            .filter(|s| held(&s.path) == before.get(&s.path).map(|e| e.oid))
            .cloned()
            .collect();
        update_index(top, Some(&real), &mirrored)?;
    }
    Ok(())
}

/// One patched file to put in the index: repository path, new blob, mode.
#[derive(Clone)]
struct Staged {
    path: String,
    oid: gix::ObjectId,
    mode: &'static str,
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
fn update_index(top: &Path, index_file: Option<&Path>, entries: &[Staged]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut info = String::new();
    for Staged { path, oid, mode } in entries {
        info.push_str(&format!("{mode} {oid}\t{path}\n"));
    }
    let mut cmd = std::process::Command::new("git");
    cmd.args(["update-index", "--index-info"])
        .current_dir(top)
        .stdin(std::process::Stdio::piped());
    if let Some(index_file) = index_file {
        cmd.env("GIT_INDEX_FILE", index_file);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| Error::git(format!("cannot run git update-index: {e}")))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patches::collect::state_patches;
    use crate::snapshot::WorkTree;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn entry(id: &str, d: u8, extra: &str) -> String {
        format!(
            "---\nid: {id}\ntitle: T {id}\nsummary: s\nowner: o\nstatus: active\nmaturity:\n  D: {{current: {d}}}\n  \
             A: {{current: 0}}\n  C: {{current: 1}}\n  R: {{current: 0}}\n{extra}updated: 2026-01-01\n---\nbody\n"
        )
    }

    /// Re-reading only the patched files gives the problems a full load of
    /// the patched tree gives (same checks, same locations).
    #[test]
    fn reload_patched_matches_a_full_load() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(
            root,
            "registry/config.yaml",
            "checks:\n  unsupported-level: error\n",
        );
        write(
            root,
            "registry/capabilities/a.md",
            &entry(
                "capability.t.a",
                4,
                "relations:\n  depends_on: [capability.t.old-b]\n",
            ),
        );
        write(
            root,
            "registry/capabilities/b.md",
            &entry("capability.t.b", 1, "aliases: [capability.t.old-b]\n"),
        );
        write(
            root,
            "registry/capabilities/c.md",
            &entry(
                "capability.t.c",
                1,
                "relations:\n  depends_on: [capability.t.nope]\n",
            ),
        );
        write(
            root,
            "registry/capabilities/broken.md",
            "---\nid: [unclosed\n---\n",
        );
        write(
            root,
            INDEX_PATH,
            "schema_version: 1\nupdated: 2025-01-01\ncapabilities:\n  - id: capability.t.a\n    title: T capability.t.a\n    \
             status: active\n    vector: D1/A0/C1/R0\n    path: registry/capabilities/a.md\n  - id: capability.t.zz\n    \
             title: gone\n    status: active\n    vector: D1/A0/C1/R0\n    path: registry/capabilities/zz.md\n",
        );
        let snap = WorkTree::new(root).unwrap();
        let reg = registry::load(&snap).unwrap();
        let mut patches = Vec::new();
        state_patches(&reg, &mut patches);
        assert!(patches.len() >= 3, "{patches:?}"); // row adds, a vector sync, a date bump, an alias
        let plan = apply::plan(&reg, &patches, "2026-02-02");
        let outputs = plan.outputs(&reg);
        assert!(
            outputs.contains_key(INDEX_PATH) && outputs.len() >= 2,
            "{:?}",
            outputs.keys()
        );
        let overlay = Overlay::new(&snap, outputs.clone());

        let mut fresh = registry::load(&overlay).unwrap();
        let want = check_located(&mut fresh, &overlay).unwrap();
        let Ok(mut reloaded) = reload_patched(reg, &overlay, &outputs).unwrap() else {
            panic!("fell back")
        };
        let got = check_located(&mut reloaded, &overlay).unwrap();
        assert!(
            want.iter().any(|p| p.check == Check::UnknownRelation),
            "{want:?}"
        );
        assert!(
            want.iter().any(|p| p.check == Check::ParseError),
            "{want:?}"
        );
        assert_eq!(got, want);
        assert_eq!(reloaded.index, fresh.index);
        assert_eq!(reloaded.entries.len(), fresh.entries.len());
    }
}
