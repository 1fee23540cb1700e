//! Where a clone keeps its hooks and its working tree, asked of git itself
//! (`rev-parse`, `config --show-origin`) so worktrees, `core.hooksPath` and
//! `GIT_DIR` all give git's own answer. Install, establish and uninstall
//! start here.

use std::path::{Path, PathBuf};

use crate::git::cmd;
use crate::{Error, Result};

/// Where a clone keeps its hooks, and its working tree.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The directory git runs hooks from (absolute).
    pub hooks_dir: PathBuf,
    /// The top level of the working tree (absolute).
    pub toplevel: PathBuf,
    /// Where `core.hooksPath` comes from, when it is set.
    pub hooks_path_origin: Option<HooksPathOrigin>,
    /// The directory git commands run in.
    pub(super) start_dir: PathBuf,
}

/// The configuration that set `core.hooksPath`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HooksPathOrigin {
    /// `local`, `worktree`, `global`, `system` or `command`.
    pub scope: String,
    /// Where git read it (`file:/home/me/.gitconfig`).
    pub origin: String,
    /// The configured value.
    pub value: String,
}

impl HooksPathOrigin {
    /// Whether the setting belongs to this clone alone.
    pub fn is_repository_local(&self) -> bool {
        matches!(self.scope.as_str(), "local" | "worktree")
    }
}

/// Finds the hooks directory and working tree of the clone holding
/// `start_dir`; refuses a bare repository, a directory outside any
/// repository, and the inside of a `.git` directory.
pub fn locate(start_dir: &Path) -> Result<Layout> {
    let start_dir = absolute(start_dir)?;
    if !start_dir.is_dir() {
        return Err(Error::usage(format!(
            "{} is not a directory",
            start_dir.display()
        )));
    }
    require_work_tree(&start_dir)?;
    let toplevel = cmd::path_line(&start_dir, &["rev-parse", "--show-toplevel"])?;
    let hooks = cmd::path_line(&start_dir, &["rev-parse", "--git-path", "hooks"])?;
    let hooks_dir = if hooks.is_absolute() {
        hooks
    } else {
        start_dir.join(hooks)
    };
    let hooks_dir = normalize(&hooks_dir);
    let hooks_path_origin = hooks_path_origin(&start_dir)?;
    Ok(Layout {
        hooks_dir,
        toplevel,
        hooks_path_origin,
        start_dir,
    })
}

/// Refuses `start_dir` unless it is inside the working tree of a
/// non-bare repository, saying which of the three it is instead.
fn require_work_tree(start_dir: &Path) -> Result<()> {
    let probe = cmd::output(
        start_dir,
        &["rev-parse", "--is-bare-repository", "--is-inside-work-tree"],
    )?;
    if !probe.status.success() {
        let err = cmd::stderr_text(&probe);
        if err.contains("not a git repository") {
            return Err(Error::usage(format!(
                "{} is not inside a git repository (run `git init` there first)",
                start_dir.display()
            )));
        }
        return Err(Error::git(format!(
            "rev-parse failed in {}: {err}",
            start_dir.display()
        )));
    }
    let answers = cmd::stdout_text(&probe);
    let mut lines = answers.lines();
    let bare = lines.next() == Some("true");
    let inside = lines.next() == Some("true");
    if bare {
        return Err(Error::usage(format!(
            "{} is a bare repository: it has no working tree, so there is nothing for the hooks to \
             check and no .gitattributes to route the merge driver; install in a clone with a working tree",
            start_dir.display()
        )));
    }
    if !inside {
        return Err(Error::usage(format!(
            "{} is inside a git directory, not a working tree; run this from the working tree",
            start_dir.display()
        )));
    }
    Ok(())
}

/// Where `core.hooksPath` is set for the clone at `start_dir`, if it is.
fn hooks_path_origin(start_dir: &Path) -> Result<Option<HooksPathOrigin>> {
    let origin = cmd::output(
        start_dir,
        &[
            "config",
            "--show-origin",
            "--show-scope",
            "--get",
            "core.hooksPath",
        ],
    )?;
    match origin.status.code() {
        Some(0) => {
            let text = cmd::stdout_text(&origin);
            let line = text.trim_end_matches(['\n', '\r']);
            let mut parts = line.splitn(3, '\t');
            let scope = parts.next().unwrap_or_default().to_string();
            let origin = parts.next().unwrap_or_default().to_string();
            let value = parts.next().unwrap_or_default().to_string();
            Ok(Some(HooksPathOrigin {
                scope,
                origin,
                value,
            }))
        }
        Some(1) => Ok(None),
        _ => Err(Error::git(format!(
            "cannot read core.hooksPath in {}: {}",
            start_dir.display(),
            cmd::stderr_text(&origin)
        ))),
    }
}

fn absolute(path: &Path) -> Result<PathBuf> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    let cwd = std::env::current_dir()
        .map_err(|e| Error::other(format!("cannot read the current directory: {e}")))?;
    Ok(cwd.join(path))
}

/// Removes `.` components and folds `dir/..` lexically (git prints paths such
/// as `../.git/hooks`).
pub(super) fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(part);
                }
            }
            other => out.push(other),
        }
    }
    out
}
