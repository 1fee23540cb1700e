//! A foreign hook kept by `install --force`, under its own name.
//!
//! Hooks such as husky's and overcommit's pick what to run from
//! `basename "$0"`, so a kept hook must still be called `pre-commit`: it
//! moves into a directory of its own, `HOOKS/reuse-surface-kept/NAME`. The
//! shim runs `HOOKS/NAME.pre-reuse-surface` first (its contract since the
//! first release), so that name now holds a two-line chain of ours that
//! `exec`s the kept hook under its name, with the same arguments and stdin.
//! An older install kept the hook itself as `NAME.pre-reuse-surface`; such a
//! file is moved into the directory by the next install.

use std::path::{Path, PathBuf};

use super::hook_file::{exists_no_follow, rename_error, write_hook};
use super::shim::{MARKER, has_marker};
use crate::{Error, Result};

/// Suffix of the chain file the shim runs before its own checks.
pub const KEPT_SUFFIX: &str = ".pre-reuse-surface";
/// The directory (inside the hooks directory) holding kept foreign hooks.
pub const KEPT_DIR: &str = "reuse-surface-kept";

/// Where the foreign hook `name` is kept, under its own name.
pub(super) fn kept_path(hooks_dir: &Path, name: &str) -> PathBuf {
    hooks_dir.join(KEPT_DIR).join(name)
}

/// The file the shim runs first: our chain to the kept hook (or, from an
/// older install, the kept hook itself).
pub(super) fn chain_path(hooks_dir: &Path, name: &str) -> PathBuf {
    hooks_dir.join(format!("{name}{KEPT_SUFFIX}"))
}

/// The chain's text: `exec` the kept hook so its `$0` ends in `/NAME`.
pub(super) fn chain_text(name: &str) -> Vec<u8> {
    format!(
        "#!/bin/sh\n{MARKER}\n# Runs the {name} hook that was here before reuse-surface, kept as\n\
         # {KEPT_DIR}/{name} so a hook that dispatches on its own name still works.\n\
         # `reuse-surface uninstall` puts it back.\n\
         case $0 in */*) RS_DIR=${{0%/*}} ;; *) RS_DIR=. ;; esac\n\
         exec \"$RS_DIR/{KEPT_DIR}/{name}\" \"$@\"\n"
    )
    .into_bytes()
}

/// What sits at the chain path of one hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Chain {
    /// Nothing.
    Absent,
    /// Our chain to `KEPT_DIR/NAME`.
    Ours,
    /// A foreign hook kept there by an older install, to be moved.
    OldStyle,
}

/// What is at the chain path of `name`.
pub(super) fn chain_state(hooks_dir: &Path, name: &str) -> Result<Chain> {
    let path = chain_path(hooks_dir, name);
    if !exists_no_follow(&path)? {
        return Ok(Chain::Absent);
    }
    let ours = std::fs::read(&path).is_ok_and(|c| has_marker(&c));
    Ok(if ours { Chain::Ours } else { Chain::OldStyle })
}

/// Whether a kept hook exists for `name` (new or old style).
pub(super) fn has_kept(hooks_dir: &Path, name: &str) -> Result<bool> {
    Ok(exists_no_follow(&kept_path(hooks_dir, name))?
        || chain_state(hooks_dir, name)? == Chain::OldStyle)
}

/// Moves the foreign hook at `from` to `KEPT_DIR/NAME` and writes the chain;
/// on failure the hook is put back where it was.
pub(super) fn keep(hooks_dir: &Path, name: &str, from: &Path) -> Result<()> {
    let kept = kept_path(hooks_dir, name);
    if exists_no_follow(&kept)? {
        return Err(Error::other(format!(
            "not keeping {name}: {} exists; nothing of {name} was changed",
            kept.display()
        )));
    }
    let dir = hooks_dir.join(KEPT_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    std::fs::rename(from, &kept).map_err(|e| rename_error(from, &kept, e))?;
    if let Err(e) = write_hook(&chain_path(hooks_dir, name), &chain_text(name), 0o755) {
        let _ = std::fs::rename(&kept, from);
        remove_dir_if_empty(&dir);
        return Err(e);
    }
    Ok(())
}

/// Puts the kept hook back at `to` (which must be free) and removes our
/// chain and the kept directory when it is empty. Returns whether a kept
/// hook was restored.
pub(super) fn restore(hooks_dir: &Path, name: &str, to: &Path) -> Result<bool> {
    let kept = kept_path(hooks_dir, name);
    let chain = chain_path(hooks_dir, name);
    let from = match chain_state(hooks_dir, name)? {
        Chain::OldStyle => chain.clone(),
        _ if exists_no_follow(&kept)? => kept.clone(),
        state => {
            if state == Chain::Ours {
                std::fs::remove_file(&chain).map_err(|e| Error::io(&chain, e))?;
            }
            return Ok(false);
        }
    };
    std::fs::rename(&from, to).map_err(|e| rename_error(&from, to, e))?;
    if from == kept && chain_state(hooks_dir, name)? == Chain::Ours {
        std::fs::remove_file(&chain).map_err(|e| Error::io(&chain, e))?;
    }
    remove_dir_if_empty(&hooks_dir.join(KEPT_DIR));
    Ok(true)
}

/// Moves an old-style kept hook (`NAME.pre-reuse-surface`) to
/// `KEPT_DIR/NAME` behind our chain; returns whether there was one.
pub(super) fn migrate(hooks_dir: &Path, name: &str) -> Result<bool> {
    if chain_state(hooks_dir, name)? != Chain::OldStyle {
        return Ok(false);
    }
    keep(hooks_dir, name, &chain_path(hooks_dir, name))?;
    Ok(true)
}

/// Whether our chain for `name` has nothing left to run (its kept hook is
/// gone), so the shim would fail on it.
pub(super) fn chain_is_dangling(hooks_dir: &Path, name: &str) -> Result<bool> {
    Ok(chain_state(hooks_dir, name)? == Chain::Ours
        && !exists_no_follow(&kept_path(hooks_dir, name))?)
}

/// Removes a dangling chain of ours; returns whether it did.
pub(super) fn remove_dangling_chain(hooks_dir: &Path, name: &str) -> Result<bool> {
    if !chain_is_dangling(hooks_dir, name)? {
        return Ok(false);
    }
    let chain = chain_path(hooks_dir, name);
    std::fs::remove_file(&chain).map_err(|e| Error::io(&chain, e))?;
    Ok(true)
}

fn remove_dir_if_empty(dir: &Path) {
    // `remove_dir` refuses a non-empty directory, which is the point.
    let _ = std::fs::remove_dir(dir);
}
