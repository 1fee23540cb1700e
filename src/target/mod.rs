//! What a command checks, resolved once from its arguments (as ripgrep
//! turns its low-level arguments into high-level ones): the working tree,
//! the staged tree (the index git commits from, honouring
//! `GIT_INDEX_FILE`) or a commit's tree, with the registry's root in that
//! tree found by one rule, the optional blob cache, loading, and checks
//! with every problem located. `validate` and every hook go through here,
//! so they cannot disagree about what they see.

pub mod cache;
pub mod clean_trees;
pub mod verdict;

use crate::diagnostics::{self, Problem};
use crate::git::{self, GitEntry, GitTree, Repo};
use crate::model::INDEX_PATH;
use crate::registry::{self, Registry};
use crate::report::Report;
use crate::snapshot::{Snapshot, WorkTree};
use crate::{Error, Result};
use cache::BlobCache;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Which tree a command reads (the arguments, before resolving).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    WorkTree,
    Staged,
    Rev(String),
}

/// Where the registry sits inside a tree, as a `dir/` prefix, given the
/// tree's paths that end in the index path: the nearest directory at or
/// above `cwd_rel` (the current directory relative to the top) holding
/// one, else the only one the tree holds. This is the one rule; the disk
/// answers the walk up itself (see [`Target::resolve`]).
pub fn registry_prefix<'a>(
    index_paths: impl IntoIterator<Item = &'a str>,
    cwd_rel: &str,
) -> Option<String> {
    let candidates: Vec<&str> = index_paths
        .into_iter()
        .filter_map(|k| k.strip_suffix(INDEX_PATH))
        .filter(|p| p.is_empty() || p.ends_with('/'))
        .collect();
    let cwd = format!("{}/", cwd_rel.trim_end_matches('/'));
    candidates
        .iter()
        .filter(|p| cwd.starts_with(*p))
        .max_by_key(|p| p.len())
        .or_else(|| candidates.first().filter(|_| candidates.len() == 1))
        .map(|p| p.to_string())
}

/// Run the checks; for problems in entries loaded as cache stubs, parse
/// those few files fully so the problems get their line and column.
pub fn check_located(reg: &mut Registry, snap: &dyn Snapshot) -> Result<Vec<Problem>> {
    let mut problems = crate::checks::run(reg, snap);
    let unlocated: Vec<String> = problems
        .iter()
        .filter(|p| p.line.is_none() && p.anchor.is_some())
        .filter_map(|p| p.file.clone())
        .collect();
    if !unlocated.is_empty() {
        registry::hydrate(reg, snap, &unlocated)?;
        registry::locate_problems(reg, &mut problems);
        diagnostics::sort(&mut problems);
    }
    Ok(problems)
}

/// How the staged tree is named in messages.
pub const STAGED: &str = "the staged tree (git index)";

/// One resolved tree with the registry root in it.
pub struct Target {
    /// The registry root on disk (where edits to the working tree go).
    root: PathBuf,
    /// The registry root inside the repository (`""` or `dir/`).
    prefix: String,
    tree: Tree,
    cache: Option<Rc<BlobCache>>,
    /// The staged tree deletes the whole registry HEAD has: nothing to load.
    removed: bool,
}

/// The tree a target reads.
enum Tree {
    Work(WorkTree),
    Git(Box<GitTree>),
}

impl Target {
    /// Resolve `which` for a command run in `cwd` (with `--root` as
    /// `explicit`). The registry root is looked for in the tree being
    /// checked: a registry staged but deleted on disk is found in the
    /// index, as the hooks find it.
    pub fn resolve(cwd: &Path, explicit: Option<&Path>, which: &Which) -> Result<Target> {
        let label = match which {
            Which::WorkTree => return Self::work_tree(Self::disk_root(cwd, explicit)?),
            Which::Staged => STAGED.to_string(),
            Which::Rev(_) => String::new(),
        };
        let repo = git::open(explicit.unwrap_or(cwd))?;
        let (entries, label) = match which {
            Which::Rev(rev) => {
                let commit = repo.resolve_commit(rev)?;
                let label = format!("commit {} ({rev})", commit.short(10));
                (repo.tree_entries(commit)?, label)
            }
            _ => (repo.index_entries()?, label),
        };
        let prefix = match explicit {
            Some(dir) => {
                let prefix = repo.prefix_of(dir);
                let full = format!("{prefix}{INDEX_PATH}");
                if !entries.contains_key(&full) && !dir.join(INDEX_PATH).is_file() {
                    return Err(no_registry_at(dir));
                }
                prefix
            }
            None => {
                let cwd_rel = repo.prefix_of(cwd);
                let paths = entries.keys().map(String::as_str);
                match registry_prefix(paths, &cwd_rel) {
                    Some(prefix) => prefix,
                    None if *which == Which::Staged => {
                        let Some(prefix) = removed_registry(&repo, &entries, &cwd_rel)? else {
                            return Err(no_registry_found(cwd, &label));
                        };
                        eprintln!("{}", removed_note(&prefix));
                        let mut target = Self::in_tree(&repo, entries, &prefix, label);
                        target.removed = true;
                        return Ok(target);
                    }
                    None => return Err(no_registry_found(cwd, &label)),
                }
            }
        };
        Ok(Self::in_tree(&repo, entries, &prefix, label))
    }

    /// The registry root on disk: the nearest directory at or above `cwd`
    /// holding the index; else, inside a git repository, the only
    /// registry the index lists that is on disk too (the same answer the
    /// rule gives from the index).
    fn disk_root(cwd: &Path, explicit: Option<&Path>) -> Result<PathBuf> {
        let err = match registry::find_root(cwd, explicit) {
            Ok(root) => return Ok(root),
            Err(e) if explicit.is_some() => return Err(e),
            Err(e) => e,
        };
        let Ok(repo) = git::open(cwd) else {
            return Err(err);
        };
        let (Ok(top), Ok(Some(index))) = (repo.workdir(), repo.index()) else {
            return Err(err);
        };
        let on_disk: Vec<&str> = index
            .paths_ending(INDEX_PATH)
            .filter(|p| top.join(p).is_file())
            .collect();
        match registry_prefix(on_disk, &repo.prefix_of(cwd)) {
            Some(prefix) => Ok(top.join(prefix)),
            None => Err(err),
        }
    }

    /// The working tree under a registry root.
    pub fn work_tree(root: PathBuf) -> Result<Target> {
        let snap = WorkTree::new(&root)?;
        crate::atomic::sweep_git_temps(&root);
        Ok(Target {
            root,
            prefix: String::new(),
            tree: Tree::Work(snap),
            cache: None,
            removed: false,
        })
    }

    /// A git tree (the index's entries, or a commit's) with the registry
    /// at `prefix` inside the repository.
    pub fn in_tree(
        repo: &Repo,
        entries: BTreeMap<String, GitEntry>,
        prefix: &str,
        label: String,
    ) -> Target {
        let top = repo.workdir().ok();
        // A killed run's temporaries go before anything is read or written.
        if let Some(top) = &top {
            crate::atomic::sweep_git_temps(top);
        }
        let root = top.map(|top| top.join(prefix)).unwrap_or_default();
        Target {
            root,
            prefix: prefix.to_string(),
            tree: Tree::Git(Box::new(GitTree::with_prefix(repo, entries, prefix, label))),
            cache: None,
            removed: false,
        }
    }

    /// Load through a blob cache of parsed entries (hooks do; pre-push
    /// shares one across the commits it checks).
    pub fn with_cache(mut self, cache: Rc<BlobCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The repository's blob cache, opened (`<common git dir>/reuse-surface/`).
    pub fn open_cache(repo: &Repo) -> Rc<BlobCache> {
        Rc::new(BlobCache::open(repo.common_dir()))
    }

    pub fn snapshot(&self) -> &dyn Snapshot {
        match &self.tree {
            Tree::Work(t) => t,
            Tree::Git(t) => t.as_ref(),
        }
    }

    /// The git tree read, unless this is the working tree (pre-commit
    /// stages patched blobs at the paths it holds).
    pub fn git_tree(&self) -> Option<&GitTree> {
        match &self.tree {
            Tree::Work(_) => None,
            Tree::Git(t) => Some(t),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Load the registry from this tree (through the cache, when used).
    pub fn load(&self) -> Result<Registry> {
        self.load_from(self.snapshot())
    }

    /// Load from `snap`, a view of this tree (with pending edits), through
    /// this target's cache.
    pub fn load_from(&self, snap: &dyn Snapshot) -> Result<Registry> {
        if self.removed {
            return Ok(Registry::default());
        }
        let cache = self
            .cache
            .as_deref()
            .map(|c| c as &dyn registry::EntryCache);
        registry::load_with_cache(snap, cache)
    }

    /// Load, check and locate: the report every caller prints.
    pub fn validate(&self) -> Result<(Registry, Report)> {
        let mut reg = self.load()?;
        let report = self.check(&mut reg, self.snapshot())?;
        Ok((reg, report))
    }

    /// [`Target::validate`], answered from the verdict kept in the git
    /// directory when this is a working tree nothing touched since its last
    /// clean run (see [`verdict`]); a clean run keeps its verdict. The
    /// registry returned with a recalled verdict is empty: a clean report
    /// quotes nothing. `REUSE_SURFACE_CACHE=off` reads and checks all.
    pub fn validate_recalling(&self) -> Result<(Registry, Report)> {
        let (Tree::Work(tree), false, Some(git_dir)) =
            (&self.tree, cache_off(), verdict::git_dir_of(&self.root))
        else {
            return self.validate();
        };
        let file = verdict::file_in(&git_dir);
        if let Some(capabilities) = verdict::unchanged(&file, tree) {
            return Ok((Registry::default(), Report::new(Vec::new(), capabilities)));
        }
        let started = verdict::Started::now();
        let recorder = verdict::Recorder::new(tree, &started);
        // Entries unchanged since the last run come parsed from the cache
        // keyed by their stat data.
        let entries = BlobCache::open_named(&git_dir, cache::WORKTREE_FILE_NAME);
        let mut reg = registry::load_with_cache(&recorder, Some(&entries))?;
        entries.save();
        let report = self.check(&mut reg, &recorder)?;
        if report.problems().is_empty() {
            verdict::save(&file, recorder, reg.entries.len());
        } else {
            verdict::forget(&file);
        }
        Ok((reg, report))
    }

    /// Check `reg` as loaded from `snap` (this tree, or a view of it with
    /// pending edits).
    pub fn check(&self, reg: &mut Registry, snap: &dyn Snapshot) -> Result<Report> {
        let problems = check_located(reg, snap)?;
        Ok(Report::new(problems, reg.entries.len()))
    }
}

/// Whether caching is switched off (`REUSE_SURFACE_CACHE=off`), to
/// measure or to rule the caches out.
pub fn cache_off() -> bool {
    std::env::var("REUSE_SURFACE_CACHE").is_ok_and(|v| v == "off" || v == "0")
}

/// The one line said when a commit deletes the whole registry (allowed:
/// there is nothing left to check).
pub fn removed_note(prefix: &str) -> String {
    format!(
        "reuse-surface: note: this commit removes the whole registry ({prefix}registry/); nothing to check"
    )
}

/// The prefix of the registry HEAD holds, when the staged `entries` hold
/// nothing below its `registry/` any more (the commit deletes it whole).
fn removed_registry(
    repo: &Repo,
    entries: &BTreeMap<String, GitEntry>,
    cwd_rel: &str,
) -> Result<Option<String>> {
    let Some(head) = repo.head_commit() else {
        return Ok(None);
    };
    let head_entries = repo.tree_entries(head)?;
    let Some(prefix) = registry_prefix(head_entries.keys().map(String::as_str), cwd_rel) else {
        return Ok(None);
    };
    let dir = format!("{prefix}registry/");
    Ok((!entries.keys().any(|k| k.starts_with(&dir))).then_some(prefix))
}

fn no_registry_at(dir: &Path) -> Error {
    Error::usage(format!(
        "no registry at {}: expected {}",
        dir.display(),
        dir.join(INDEX_PATH).display()
    ))
}

fn no_registry_found(cwd: &Path, label: &str) -> Error {
    Error::usage(format!(
        "no registry found: looked for {INDEX_PATH} in {label} at {} and every parent directory (use --root DIR, or `reuse-surface establish --scaffold` to create one)",
        cwd.display()
    ))
}
