//! `pre-commit`: validate the staged registry, stage the safe patches, and
//! refuse the commit on errors.
//!
//! Fast path: read the index (no `git` process), diff it against
//! HEAD reading only the trees the index's cache tree does not vouch for,
//! and exit at once when the staged diff touches neither the registry nor
//! any signal path. Then [`recall`]: a commit the checks cannot tell from a
//! tree already found clean exits at once too. Slow path: load the staged
//! snapshot (cached by blob id), collect patches from the HEAD → index
//! diff, apply the safe ones to the staged blobs and, separately, to the
//! working-tree files (so unstaged edits stay unstaged), validate the
//! staged result, and only then write.

mod recall;

use super::skipped;
use crate::atomic::{PendingFile, write_batch};
use crate::check::Check;
use crate::config::Config;
use crate::diagnostics::{Problem, TermStyle};
use crate::git::{Change, GitEntry, GitKind, GitTree, Index, Repo, StagedFile};
use crate::model::{CONFIG_PATH, INDEX_PATH, Index as IndexFile};
use crate::patches::apply;
use crate::patches::collect::{self, Scope, any_relevant};
use crate::registry::{self, LoadedEntry, Registry};
use crate::report::Report;
use crate::schema::SchemaKind;
use crate::snapshot::{Overlay, Snapshot};
use crate::target::{STAGED, Target, registry_prefix};
use crate::{Result, git};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Run the pre-commit hook in the repository containing `cwd`; returns the
/// exit code git should see.
pub fn pre_commit(cwd: &Path, err: &mut dyn Write, style: TermStyle) -> Result<i32> {
    if skipped("pre-commit") {
        writeln!(
            err,
            "reuse-surface: pre-commit skipped (REUSE_SURFACE_SKIP)"
        )?;
        return Ok(0);
    }
    match fast_path(cwd)? {
        Fast::Check(commit) => match recall::recall(&commit) {
            recall::Recall::Clean => Ok(0),
            recall::Recall::Check(memory) => {
                crate::pages::allow_huge();
                // Checking and patching honour all of git's configuration
                // (the fast path and recall read with the repository's own).
                let mut commit = commit;
                commit.repo = git::open(cwd)?;
                commit.check_and_patch(memory, err, style)
            }
        },
        Fast::Removed(prefix) => {
            writeln!(err, "{}", crate::target::removed_note(&prefix))?;
            Ok(0)
        }
        Fast::Irrelevant => Ok(0),
    }
}

/// What the fast path decided.
enum Fast {
    /// The commit touches neither the registry nor any signal path.
    Irrelevant,
    /// The commit deletes the whole registry at this prefix: nothing to check.
    Removed(String),
    Check(Box<Commit>),
}

/// What the fast path learned about a commit that touches the registry.
struct Commit {
    /// Opened with the repository's own configuration for the fast path
    /// and recall; with all of git's before checking.
    repo: Repo,
    top: PathBuf,
    index: Option<Index>,
    /// The registry's place in the repository (`""` or `dir/`).
    prefix: String,
    /// What the commit changes, repository paths, with HEAD's side.
    changed: Vec<git::Changed>,
    /// The same, relative to the registry root.
    changes: Vec<(String, Change)>,
    /// Changed paths whose names are not UTF-8 (escaped): never evidence.
    not_utf8: Vec<String>,
    /// The staged config, leniently read (defaults when it is invalid).
    config: Config,
}

/// Read the index (no `git` process), diff it against HEAD, and find the
/// registry by the rule `validate --staged` uses. The repository is opened
/// with its own configuration only until there is something to check.
fn fast_path(cwd: &Path) -> Result<Fast> {
    let repo = git::open_for_staged_question(cwd)?;
    let top = repo.workdir()?;
    let index = repo.index()?;
    let (mut changed, odd): (Vec<git::Changed>, Vec<git::Changed>) = repo
        .staged_changes(index.as_ref())?
        .into_iter()
        .partition(|c| c.not_utf8.is_none());
    if changed.is_empty() && odd.is_empty() {
        return Ok(Fast::Irrelevant);
    }
    let cwd_rel = std::env::var("GIT_PREFIX").unwrap_or_default();
    let staged_paths = index.iter().flat_map(|i| i.paths_ending(INDEX_PATH));
    let deleted_paths = changed
        .iter()
        .filter(|c| c.change == Change::Deleted)
        .map(|c| c.path.as_str());
    let Some(prefix) = registry_prefix(staged_paths, &cwd_rel)
        .or_else(|| registry_prefix(deleted_paths, &cwd_rel))
    else {
        return Ok(Fast::Irrelevant); // no registry in this repository
    };
    let registry_dir = format!("{prefix}registry/");
    if !index
        .as_ref()
        .is_some_and(|i| i.has_path_under(&registry_dir))
    {
        return Ok(Fast::Removed(prefix));
    }
    let all: Vec<(String, Change)> = changed
        .iter()
        .chain(&odd)
        .map(|c| (c.path.clone(), c.change))
        .collect();
    // An invalid config means defaults here; validation reports it below.
    let config = staged_config(&repo, index.as_ref(), &prefix)?;
    let relative = git::relative_to_root(all, &prefix);
    if !any_relevant(&config, relative.iter().map(|(p, _)| p.as_str())) {
        return Ok(Fast::Irrelevant);
    }
    changed.retain(|c| c.not_utf8.is_none());
    let changes = git::relative_to_root(
        changed.iter().map(|c| (c.path.clone(), c.change)).collect(),
        &prefix,
    );
    Ok(Fast::Check(Box::new(Commit {
        repo,
        top,
        index,
        prefix,
        changed,
        changes,
        not_utf8: odd.into_iter().filter_map(|c| c.not_utf8).collect(),
        config,
    })))
}

/// The staged tree as a target: what `validate --staged` reads.
fn staged_target(repo: &Repo, index: Option<&Index>, prefix: &str) -> Target {
    let entries = index.map(Index::entries).unwrap_or_default();
    Target::in_tree(repo, entries, prefix, STAGED.into())
}

impl Commit {
    /// Load the staged registry (cached by blob id), collect patches from
    /// the HEAD → index diff, plan the safe ones, validate the patched
    /// result, and only then write.
    fn check_and_patch(
        self,
        memory: Option<recall::Memory>,
        err: &mut dyn Write,
        style: TermStyle,
    ) -> Result<i32> {
        let (outcome, clean) = self.check_and_patch_inner(err, style)?;
        if let Some(memory) = memory {
            memory.learn(&self, clean);
        }
        Ok(outcome)
    }

    /// The exit code, and whether the tree was clean: no problem, nothing
    /// patched, nothing to note.
    fn check_and_patch_inner(&self, err: &mut dyn Write, style: TermStyle) -> Result<(i32, bool)> {
        let Commit {
            repo,
            top,
            index,
            prefix,
            changed,
            changes,
            not_utf8,
            config: _,
        } = self;
        for name in not_utf8 {
            writeln!(
                err,
                "reuse-surface: warning: skipped {name}: its name is not UTF-8, so it cannot be recorded as evidence"
            )?;
        }
        // Patched files keep their mode (and sparse checkout's
        // skip-worktree bit) when staged again.
        let executables = index.as_ref().map(Index::executables).unwrap_or_default();
        let skip_worktree = index.as_ref().map(Index::skip_worktree).unwrap_or_default();
        let cache = Target::open_cache(repo);
        let target = staged_target(repo, index.as_ref(), prefix).with_cache(cache.clone());
        // HEAD's side of the changed paths: all the diff collectors read from it.
        let old_entries: BTreeMap<String, GitEntry> = changed
            .iter()
            .filter_map(|c| Some((c.path.clone(), c.old.clone()?)))
            .collect();
        let old = GitTree::with_prefix(repo, old_entries, prefix, "HEAD".into());
        let staged = target.snapshot();
        let mut reg = target.load()?;
        // Without path signals, skip the diff collectors (and the
        // per-entry surface globs they build).
        let diff = has_signals(changes).then_some((changes.as_slice(), &old as &dyn Snapshot));
        let collected = collect::collect(&reg, staged, diff, &Scope::All);
        let safe: Vec<_> = collected
            .patches
            .into_iter()
            .filter(|p| p.safe && p.kind.is_deterministic())
            .collect();
        let touched: Vec<String> = touched_paths(&reg, &safe);
        registry::hydrate(&mut reg, staged, &touched)?;
        let today = apply::today();
        let plan = apply::plan(&reg, &safe, &today);
        let outputs = plan.outputs(&reg);

        let overlay = Overlay::new(staged, outputs.clone());
        // Nothing patched: the staged registry is the one to check, already
        // loaded; else re-read just the patched files.
        let mut after = match reload_patched(reg, &overlay, &outputs)? {
            Ok(after) => after,
            Err(_) => target.load_from(&overlay)?,
        };
        let (outputs, overlay) = with_catalog(&after, staged, outputs, overlay);
        let report = target.check(&mut after, &overlay)?.from_repo_top(prefix);
        report.write_problems(err, style, &after, &overlay)?;
        for u in &collected.unassigned {
            writeln!(
                err,
                "reuse-surface: note: {} changed ({}) but {}; no patch",
                u.path, u.signal, u.reason
            )?;
        }
        if report.errors() > 0 {
            refuse(err, &report, &plan.applied, style)?;
            cache.save();
            return Ok((1, false));
        }
        let clean = report.problems().is_empty()
            && outputs.is_empty()
            && collected.unassigned.is_empty()
            && not_utf8.is_empty();
        if !outputs.is_empty() {
            let tree = target.git_tree().expect("the staged target is a git tree");
            // Staging first: when it fails, the working tree is untouched.
            let kept = Kept {
                executables: &executables,
                skip_worktree: &skip_worktree,
            };
            stage(repo, top, tree, &outputs, &kept)?;
            update_worktree(top, prefix, staged, &outputs, &safe, &today, err)?;
            say_staged(err, &plan.applied, &outputs, prefix)?;
        }
        if report.summary().warnings > 0 || !outputs.is_empty() {
            writeln!(err, "{}", report.summary_line(style))?;
        }
        cache.save();
        // The process ends here: skip freeing a thousand entries one by one.
        std::mem::forget((after, target, cache));
        Ok((0, clean))
    }
}

/// A generated catalog follows the patched entries, like the index: its
/// new text joins the outputs (and the overlay checked) when it changed.
fn with_catalog<'s>(
    after: &Registry,
    staged: &'s dyn Snapshot,
    outputs: BTreeMap<String, Vec<u8>>,
    overlay: Overlay<'s>,
) -> (BTreeMap<String, Vec<u8>>, Overlay<'s>) {
    match crate::catalog::regenerated(after, &overlay) {
        Some(page) => {
            let mut outputs = outputs;
            outputs.insert(crate::catalog::CATALOG_PATH.to_string(), page);
            let overlay = Overlay::new(staged, outputs.clone());
            (outputs, overlay)
        }
        None => (outputs, overlay),
    }
}

/// One line per staged patch, and one for a regenerated catalog.
fn say_staged(
    err: &mut dyn Write,
    applied: &[crate::patches::Patch],
    outputs: &BTreeMap<String, Vec<u8>>,
    prefix: &str,
) -> Result<()> {
    for p in applied {
        writeln!(
            err,
            "reuse-surface: staged {} for {}: {}",
            p.kind.as_str(),
            p.capability_id,
            p.rationale
        )?;
    }
    if outputs.contains_key(crate::catalog::CATALOG_PATH) {
        writeln!(
            err,
            "reuse-surface: staged {prefix}{}: regenerated from the entries",
            crate::catalog::CATALOG_PATH
        )?;
    }
    Ok(())
}

/// Say why the commit is refused, and what would be applied once it is not.
fn refuse(
    err: &mut dyn Write,
    report: &Report,
    applied: &[crate::patches::Patch],
    style: TermStyle,
) -> Result<()> {
    for p in applied {
        writeln!(
            err,
            "reuse-surface: would apply {} to {} once the errors are fixed",
            p.kind.as_str(),
            p.capability_id
        )?;
    }
    writeln!(err, "{}", report.summary_line(style))?;
    writeln!(
        err,
        "reuse-surface: commit refused: fix the {} above (or bypass once with REUSE_SURFACE_SKIP=1 / --no-verify)",
        if report.errors() == 1 {
            "error"
        } else {
            "errors"
        }
    )?;
    Ok(())
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
                match serde_json::from_value::<IndexFile>(value.clone()) {
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

/// Whether the changes (registry-relative) carry path signals: changes
/// outside `registry/`, and package manifests. Only then do the diff
/// collectors run, and only then does a commit's answer depend on HEAD.
fn has_signals(changes: &[(String, Change)]) -> bool {
    changes
        .iter()
        .any(|(p, _)| !p.starts_with("registry/") || is_manifest(p))
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
fn staged_config(repo: &Repo, index: Option<&Index>, prefix: &str) -> Result<Config> {
    let full = format!("{prefix}{CONFIG_PATH}");
    let Some(entry) = index.and_then(|i| i.entry(&full)) else {
        return Ok(Config::default());
    };
    if entry.kind == GitKind::Symlink {
        // Resolve the link in the whole staged tree.
        let target = staged_target(repo, index, prefix);
        return Ok(registry::read_config(target.snapshot())?.0);
    }
    let blob = repo.read_blob(entry.oid)?;
    Ok(Config::lenient(&blob).unwrap_or_default())
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
    staged: &dyn Snapshot,
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
        // A copy with unstaged edits may already list what is appended.
        let patches: Vec<crate::patches::Patch> = patches
            .iter()
            .filter(|p| !already_listed(&own, p))
            .cloned()
            .collect();
        let plan = apply::plan(&own, &patches, today);
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

/// Whether an append patch adds what `own` (a working-tree copy) already
/// lists: appending it again would repeat the item.
fn already_listed(own: &Registry, p: &crate::patches::Patch) -> bool {
    use crate::patches::PatchKind;
    let (Some(value), Some(field)) = (&p.append, &p.field_path) else {
        return false;
    };
    let Some((_, e)) = own.valid_entries().find(|(_, e)| e.id == p.capability_id) else {
        return false;
    };
    match p.kind {
        PatchKind::ArtifactAppend => e.availability.current_artifacts.contains(value),
        PatchKind::EvidenceAppend => field
            .strip_prefix("evidence.")
            .is_some_and(|kind| e.evidence(kind).contains(value)),
        _ => false,
    }
}

/// What a restaged file keeps of its index entry.
struct Kept<'a> {
    executables: &'a BTreeSet<String>,
    skip_worktree: &'a BTreeSet<String>,
}

/// Stage the patched files: a symlinked registry file is patched at its
/// target, and a file keeps its exec bit and skip-worktree bit (see
/// [`git::stage_files`] for how the index is updated, also during `git
/// commit PATH`).
fn stage(
    repo: &Repo,
    top: &Path,
    staged: &GitTree,
    outputs: &BTreeMap<String, Vec<u8>>,
    kept: &Kept,
) -> Result<()> {
    let files: Vec<StagedFile> = outputs
        .iter()
        .filter_map(|(path, bytes)| {
            let path = staged.content_path(path)?;
            Some(StagedFile {
                executable: kept.executables.contains(&path),
                skip_worktree: kept.skip_worktree.contains(&path),
                path,
                bytes: bytes.clone(),
            })
        })
        .collect();
    git::stage_files(repo, top, &files, staged.entries())
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
        let want = crate::target::check_located(&mut fresh, &overlay).unwrap();
        let Ok(mut reloaded) = reload_patched(reg, &overlay, &outputs).unwrap() else {
            panic!("fell back")
        };
        let got = crate::target::check_located(&mut reloaded, &overlay).unwrap();
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
