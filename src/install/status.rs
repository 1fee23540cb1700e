//! What each hook of a clone is now, for `doctor`: our shim (and whether
//! it chains to a kept hook and can find its binary), a hook manager's
//! (and whether its configuration runs our check, or whether it pushed our
//! shim aside, as `lefthook install` does with `NAME.old`), somebody
//! else's, or nothing. Facts only: `doctor` decides what they mean.

use std::path::{Path, PathBuf};

use super::hook_file::{HookState, hook_state};
use super::kept;
use super::layout::Layout;
use super::manager::{Manager, detect, hook_writer, serves_hook};
use super::shim::{has_marker, shim_binary};
use crate::Result;

/// One hook of the clone, as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookStatus {
    /// Our shim; `kept` when it runs a kept foreign hook first.
    Ours {
        kept: bool,
        /// The binary recorded in it, and whether the shim can find a
        /// binary at all (`REUSE_SURFACE_BIN`, that path, `PATH`).
        binary: Option<PathBuf>,
        binary_found: bool,
    },
    /// A hook manager's hook; `serves` when its configuration runs our
    /// check for this hook.
    Manager {
        manager: Manager,
        serves: bool,
        /// Our shim, renamed by the manager (`NAME.old`, `NAME.legacy`).
        our_shim_moved_to: Option<String>,
    },
    /// Somebody else's hook.
    Foreign,
    /// No hook; `manager` when one owns the clone (its own install would
    /// write this hook) and whether its configuration runs our check.
    Missing { manager: Option<(Manager, bool)> },
}

/// The status of the hook `name` in the clone of `layout`.
pub fn hook_status(layout: &Layout, name: &str) -> Result<HookStatus> {
    let dir = &layout.hooks_dir;
    let path = dir.join(name);
    Ok(match hook_state(&path, &[])? {
        HookState::Current | HookState::Outdated => {
            let binary = std::fs::read(&path).ok().and_then(|c| shim_binary(&c));
            HookStatus::Ours {
                kept: kept::has_kept(dir, name)?,
                binary_found: binary_reachable(binary.as_deref()),
                binary,
            }
        }
        HookState::Foreign => match hook_writer(&path) {
            Some(manager) => HookStatus::Manager {
                manager,
                serves: serves_hook(manager, layout, name),
                our_shim_moved_to: moved_shim(dir, name),
            },
            None => HookStatus::Foreign,
        },
        HookState::Absent => HookStatus::Missing {
            manager: detect(layout).map(|d| (d.manager, serves_hook(d.manager, layout, name))),
        },
    })
}

/// Where a manager put our shim aside, if it did.
fn moved_shim(dir: &Path, name: &str) -> Option<String> {
    [".old", ".legacy"].iter().find_map(|suffix| {
        let moved = format!("{name}{suffix}");
        std::fs::read(dir.join(&moved))
            .is_ok_and(|c| has_marker(&c))
            .then_some(moved)
    })
}

/// Whether a shim would find a binary: `REUSE_SURFACE_BIN`, the recorded
/// path, or `reuse-surface` on `PATH` (as the shims look).
fn binary_reachable(recorded: Option<&Path>) -> bool {
    let executable = |p: &Path| {
        std::fs::metadata(p).is_ok_and(|m| {
            m.is_file() && std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0
        })
    };
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| executable(&d.join(name))))
    };
    let candidate = |c: &std::ffi::OsStr| {
        let p = Path::new(c);
        if c.is_empty() {
            false
        } else if p.components().count() > 1 {
            executable(p)
        } else {
            on_path(&c.to_string_lossy())
        }
    };
    std::env::var_os("REUSE_SURFACE_BIN").is_some_and(|b| candidate(&b))
        || recorded.is_some_and(|p| candidate(p.as_os_str()))
        || on_path("reuse-surface")
}
