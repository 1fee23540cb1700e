//! One hook file on disk: what it is now (absent, our current shim, an
//! older shim of ours, somebody else's) and how a shim is written so git
//! never runs it half-written. Install and uninstall both decide from
//! [`hook_state`]; a kept foreign hook is [`super::kept`]'s.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::shim::has_marker;
use crate::{Error, Result};

/// What one hook file is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HookState {
    Absent,
    /// Our shim, exactly what we would write, and executable.
    Current,
    /// Our shim (marker present), but different text or not executable.
    Outdated,
    /// Somebody else's hook.
    Foreign,
}

/// What the hook at `path` is, compared with the shim text `wanted`.
pub(super) fn hook_state(path: &Path, wanted: &[u8]) -> Result<HookState> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HookState::Absent),
        Err(e) => return Err(Error::io(path, e)),
    };
    if meta.is_dir() {
        return Ok(HookState::Foreign);
    }
    // A dangling symlink or an unreadable file is not ours.
    let Ok(content) = std::fs::read(path) else {
        return Ok(HookState::Foreign);
    };
    if !has_marker(&content) {
        return Ok(HookState::Foreign);
    }
    let executable = std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false);
    if meta.file_type().is_file() && content == wanted && executable {
        Ok(HookState::Current)
    } else {
        Ok(HookState::Outdated)
    }
}

/// Whether anything (even a dangling symlink) exists at `path`.
pub(super) fn exists_no_follow(path: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// A failed rename, naming both paths (either end can be the one at fault).
pub(super) fn rename_error(from: &Path, to: &Path, e: std::io::Error) -> Error {
    Error::other(format!(
        "cannot rename {} to {}: {e}",
        from.display(),
        to.display()
    ))
}

/// Writes a hook to `path` with `mode` through a temporary file in the same
/// directory and a rename, so git never runs it half-written or before it is
/// executable.
pub(super) fn write_hook(path: &Path, content: &[u8], mode: u32) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| Error::other(format!("{} has no parent directory", path.display())))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{file_name}.reuse-surface-{}.tmp",
        std::process::id()
    ));
    let result = (|| -> Result<()> {
        let io = |e| Error::io(&tmp, e);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(io)?;
        file.write_all(content).map_err(io)?;
        file.sync_all().map_err(io)?;
        drop(file);
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode)).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
