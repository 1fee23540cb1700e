//! Hook managers (husky, lefthook, pre-commit and prek): found before an
//! install writes any shim, because each rewrites the hooks directory on
//! its own re-install (`npx husky`, `lefthook install`, `pre-commit
//! install`) and would silently drop ours. Instead of our shims, the gate
//! goes into the manager's own configuration — the line in
//! `.husky/pre-commit`, the `lefthook.yml` commands (`use_stdin: true` for
//! pre-push), the local hook ids in `.pre-commit-config.yaml` — which
//! survives those re-installs.
//!
//! `detect` says which manager owns the clone; `husky`, `lefthook` and
//! `pre_commit` each compute their file's new text (pure, so an install
//! refuses before writing); `yaml_text` is the small line editor the two
//! YAML recipes share. The managers run `reuse-surface` from `PATH`, the
//! convention of every hook they run.

mod detect;
mod husky;
mod lefthook;
mod pre_commit;
mod yaml_text;

pub(crate) use detect::hook_writer;
pub use detect::{Detected, detect};

use std::path::{Path, PathBuf};

use super::layout::Layout;
use crate::Result;

/// The hook managers `install --manager` serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Manager {
    /// husky (`core.hooksPath=.husky/_`): lines in `.husky/NAME`.
    Husky,
    /// lefthook: commands in `lefthook.yml`.
    Lefthook,
    /// The pre-commit framework and prek: a local repo in `.pre-commit-config.yaml`.
    PreCommit,
}

impl Manager {
    /// The name users know it by.
    pub fn name(self) -> &'static str {
        match self {
            Manager::Husky => "husky",
            Manager::Lefthook => "lefthook",
            Manager::PreCommit => "pre-commit",
        }
    }

    /// The manager's own re-install, after which its hooks run ours.
    pub fn reinstall(self) -> &'static str {
        match self {
            Manager::Husky => "npx husky",
            Manager::Lefthook => "lefthook install",
            Manager::PreCommit => "pre-commit install (or prek install)",
        }
    }

    /// The one-paragraph recipe printed when an install refuses.
    pub fn recipe(self) -> String {
        let what = match self {
            Manager::Husky => {
                "adds `reuse-surface hook NAME \"$@\"` to .husky/pre-commit, .husky/pre-push, .husky/post-merge and .husky/post-rewrite"
            }
            Manager::Lefthook => {
                "adds a `reuse-surface` command to pre-commit, pre-push (with `use_stdin: true`, so the \
                 pushed refs reach it), post-merge and post-rewrite (with `use_stdin: true` too) in lefthook.yml"
            }
            Manager::PreCommit => {
                "adds a `repo: local` with the hook ids reuse-surface, reuse-surface-pre-push, \
                 reuse-surface-post-merge and reuse-surface-post-rewrite to .pre-commit-config.yaml"
            }
        };
        format!(
            "run `reuse-surface install --manager {}`, which {what} and registers the merge driver; \
             then `{}`. Or `reuse-surface install --only merge-driver` to leave the hooks to {} alone.",
            self.name(),
            self.reinstall(),
            self.name()
        )
    }
}

/// One manager file to write: its path and its whole new text.
#[derive(Debug)]
pub struct Edit {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    /// The file did not exist.
    pub created: bool,
}

/// The files `install --manager` writes for `manager` in the clone of
/// `layout`; empty when the gate is in them already.
pub(super) fn plan_edits(manager: Manager, layout: &Layout) -> Result<Vec<Edit>> {
    match manager {
        Manager::Husky => husky::edits(layout),
        Manager::Lefthook => lefthook::edits(&layout.toplevel),
        Manager::PreCommit => pre_commit::edits(&layout.toplevel),
    }
}

/// Whether the manager's configuration runs our check for the git hook
/// `hook` (`pre-commit`, `pre-push`, `post-merge`).
pub fn serves_hook(manager: Manager, layout: &Layout, hook: &str) -> bool {
    let wanted = format!("reuse-surface hook {hook}");
    match manager {
        Manager::Husky => file_mentions(&husky::husky_dir(layout).join(hook), &wanted),
        Manager::Lefthook => {
            lefthook::config_path(&layout.toplevel).is_some_and(|p| file_mentions(&p, &wanted))
        }
        Manager::PreCommit => file_mentions(&pre_commit::config_path(&layout.toplevel), &wanted),
    }
}

/// Whether the file at `path` holds `needle`.
fn file_mentions(path: &Path, needle: &str) -> bool {
    std::fs::read(path).is_ok_and(|b| String::from_utf8_lossy(&b).contains(needle))
}

/// The file at `path`, or `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read(path) {
        Ok(b) => String::from_utf8(b).map(Some).map_err(|_| {
            crate::Error::usage(format!(
                "{} is not UTF-8; add the lines by hand",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(crate::Error::io(path, e)),
    }
}
