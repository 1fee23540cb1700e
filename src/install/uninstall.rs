//! `uninstall`: the reverse of install, touching only what is ours. A hook
//! file is removed only when it carries our marker, a kept foreign hook is
//! put back byte for byte, the driver's config section goes, and the
//! shared `.gitattributes` line stays.

use std::io::Write;
use std::path::Path;

use super::attributes::{attributes_line, line_present};
use super::driver::{self, MERGE_SECTION};
use super::hook_file::{HookState, hook_state};
use super::kept::{self, KEPT_DIR};
use super::layout::locate;
use super::manager::{detect, serves_hook};
use super::registries::registry_prefixes;
use super::shim::HOOKS;
use crate::output::say;
use crate::{Error, Result};

/// Removes our shims (only files carrying our marker), restores kept hooks
/// byte-for-byte, and removes the merge driver from the clone's config.
/// `.gitattributes` is left alone: it is shared through the repository, and
/// without the driver config git falls back to its own line merge.
pub fn uninstall(start_dir: &Path, out: &mut dyn Write) -> Result<()> {
    let layout = locate(start_dir)?;
    let mut changed = false;
    for &(name, _) in HOOKS {
        changed |= uninstall_hook(&layout.hooks_dir, name, out)?;
    }
    if driver::unregister(&layout.start_dir)? {
        changed = true;
        say(
            out,
            &format!("removed merge driver {MERGE_SECTION} from the clone's config"),
        )?;
    } else {
        say(out, "merge driver was not registered")?;
    }
    for prefix in registry_prefixes(&layout, false)? {
        if line_present(&layout.toplevel.join(".gitattributes"), &prefix)? {
            say(
                out,
                &format!(
                    "left `{}` in .gitattributes: it is shared with every clone, and without the \
                     driver config git merges those files with its usual line merge",
                    attributes_line(&prefix)
                ),
            )?;
        }
    }
    if let Some(found) = detect(&layout)
        && serves_hook(found.manager, &layout, "pre-commit")
    {
        say(
            out,
            &format!(
                "left the reuse-surface entries in {}'s configuration: it is shared with every clone; \
                 remove them there to take the gate out of {}",
                found.manager.name(),
                found.manager.name()
            ),
        )?;
    }
    if !changed {
        say(out, "nothing to do: reuse-surface is not installed")?;
    }
    Ok(())
}

/// Removes our shim `name` and puts a kept foreign hook back in its place
/// under its own name, leaving no chain or kept directory behind; a foreign
/// hook is left as it is. Returns whether anything changed.
fn uninstall_hook(hooks_dir: &Path, name: &str, out: &mut dyn Write) -> Result<bool> {
    let path = hooks_dir.join(name);
    let kept_exists = kept::has_kept(hooks_dir, name)?;
    // Any marker-carrying file is ours, whatever its version.
    match hook_state(&path, &[])? {
        HookState::Foreign => {
            let note = if kept_exists {
                format!("; the kept {name} is left in place too")
            } else {
                String::new()
            };
            say(
                out,
                &format!("left {name} alone (not written by reuse-surface){note}"),
            )?;
            Ok(false)
        }
        HookState::Current | HookState::Outdated => {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            say(out, &format!("removed {name}"))?;
            if kept::restore(hooks_dir, name, &path)? {
                say(out, &format!("restored {name} from {KEPT_DIR}/{name}"))?;
            }
            Ok(true)
        }
        HookState::Absent => {
            if kept::restore(hooks_dir, name, &path)? {
                say(out, &format!("restored {name} from {KEPT_DIR}/{name}"))?;
                return Ok(true);
            }
            say(out, &format!("{name} was not installed"))?;
            Ok(false)
        }
    }
}
