//! `install` / `uninstall`: the git hook shims and the merge driver (SPEC §5.1, §5.2).
//!
//! The shims live in `hooks/` and are embedded here, so installing needs no
//! source tree. An install never destroys a hook it did not write: a foreign
//! hook is refused without `--force`, and with it is kept under its own
//! name in `reuse-surface-kept/`, which the shim runs first. Every refusal
//! happens before anything is written.
//!
//! One concept per file: `layout` asks git where the clone keeps its
//! hooks; `shim` is the hook text, `hook_file` a hook file on disk, `kept`
//! a foreign hook kept under its own name, `driver`
//! the merge driver's git config and `attributes` its `.gitattributes`
//! line; `plan` decides (and refuses) everything before `apply` writes
//! anything; `uninstall` undoes what is ours. The public items are
//! re-exported here, so callers name them `install::…`.

mod apply;
mod attributes;
mod driver;
mod hook_file;
mod kept;
mod layout;
mod manager;
mod plan;
mod registries;
mod shim;
mod status;
mod uninstall;

pub use attributes::{
    ATTRIBUTES_LINE, attributes_line, has_attributes_line, resolved_merge_attribute,
    routes_to_driver,
};
pub use driver::{MERGE_DRIVER_DESCRIPTION, MERGE_SECTION, merge_driver_command, recorded_binary};
pub use kept::{KEPT_DIR, KEPT_SUFFIX};
pub use layout::{HooksPathOrigin, Layout, locate};
pub use manager::{Detected, Manager, detect as detect_manager, serves_hook};
pub use plan::{InstallPlan, plan_install};
pub use registries::{covered_registries, index_path};
pub use shim::{BIN_PLACEHOLDER_LINE, HOOKS, MARKER, has_marker, render_shim, shim_binary};
pub use status::{HookStatus, hook_status};
pub use uninstall::uninstall;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::output::say;
use crate::{Error, Result};

/// Options of `reuse-surface install`.
#[derive(Debug, Clone, Default)]
pub struct InstallOptions {
    /// Keep foreign hooks under their own names instead of refusing, and
    /// install even when `core.hooksPath` comes from global or system config.
    pub force: bool,
    /// The registry is (or is about to be) in the directory install starts
    /// from (`establish --path DIR`), so the `.gitattributes` line is for
    /// it; otherwise install looks for the registry.
    pub registry_here: bool,
    /// `--manager`: put the gate into this hook manager's configuration
    /// instead of writing our shims.
    pub manager: Option<Manager>,
    /// `--only merge-driver`: register the merge driver and its
    /// `.gitattributes` line, and leave the hooks alone.
    pub only_merge_driver: bool,
}

/// Installs the hook shims and the merge driver for the clone holding
/// `start_dir`, recording the running executable as the binary to call.
pub fn install(start_dir: &Path, opts: &InstallOptions, out: &mut dyn Write) -> Result<()> {
    let binary = current_binary()?;
    install_with_binary(start_dir, opts, &binary, out)
}

/// [`install`], recording `binary` (an absolute path) in the shims and the
/// merge driver instead of the running executable.
pub fn install_with_binary(
    start_dir: &Path,
    opts: &InstallOptions,
    binary: &Path,
    out: &mut dyn Write,
) -> Result<()> {
    let plan = plan_install(start_dir, opts, binary)?;
    if !plan.apply(out)? {
        say(out, "nothing to do: reuse-surface is already installed")?;
    }
    Ok(())
}

/// The absolute path of the running executable.
pub fn current_binary() -> Result<PathBuf> {
    let exe = std::env::current_exe().map_err(|e| {
        Error::other(format!(
            "cannot find the path of the running reuse-surface binary: {e}"
        ))
    })?;
    // Prefer the resolved path, so the shims do not depend on a symlink that
    // may move; fall back to what the OS reported.
    Ok(std::fs::canonicalize(&exe).unwrap_or(exe))
}
