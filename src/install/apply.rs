//! Carrying a decided [`InstallPlan`] out: write or update each hook shim
//! (keeping a foreign hook aside first), register the merge driver, add
//! the `.gitattributes` line, and say what was done. Nothing here decides
//! or refuses beyond re-checking that a kept-hook name is still free.

use std::io::Write;

use super::attributes::{add_attributes_line, resolved_merge_attribute, routes_to_driver};
use super::driver::{self, MERGE_SECTION};
use super::hook_file::{HookState, write_hook};
use super::kept::{self, KEPT_DIR};
use super::manager::{Edit, Manager};
use super::plan::{HookPlan, InstallPlan};
use crate::atomic::{PendingFile, write_batch};
use crate::output::say;
use crate::{Error, Result};

impl InstallPlan {
    /// Carries the plan out, reporting each item on `out`; returns whether
    /// anything changed.
    pub fn apply(&self, out: &mut dyn Write) -> Result<bool> {
        let mut changed = false;
        for warning in [&self.hooks_path_warning, &self.manager_warning]
            .into_iter()
            .flatten()
        {
            say(out, warning)?;
        }
        let hooks_dir = &self.layout.hooks_dir;
        if self.hooks.iter().any(|h| h.state != HookState::Current) {
            std::fs::create_dir_all(hooks_dir).map_err(|e| Error::io(hooks_dir, e))?;
        }
        for hook in &self.hooks {
            changed |= self.apply_hook(hook, out)?;
        }
        if !self.hooks.is_empty() {
            say(out, &format!("hooks directory: {}", hooks_dir.display()))?;
        }
        if let Some((manager, edits)) = &self.manager {
            changed |= self.apply_manager(*manager, edits, out)?;
        }
        changed |= self.apply_driver(out)?;
        changed |= self.apply_attributes(out)?;
        Ok(changed)
    }

    /// Writes one hook as planned; returns whether it changed.
    fn apply_hook(&self, hook: &HookPlan, out: &mut dyn Write) -> Result<bool> {
        let name = hook.name;
        let dir = &self.layout.hooks_dir;
        let mut changed = false;
        if hook.dangling && kept::remove_dangling_chain(dir, name)? {
            say(
                out,
                &format!(
                    "removed {name}{}: the hook it ran is gone",
                    kept::KEPT_SUFFIX
                ),
            )?;
            changed = true;
        }
        if hook.migrate && kept::migrate(dir, name)? {
            say(
                out,
                &format!(
                    "moved the kept {name}{} to {KEPT_DIR}/{name}, so it runs under its own name",
                    kept::KEPT_SUFFIX
                ),
            )?;
            changed = true;
        }
        let kept_note = |message: String| -> Result<String> {
            Ok(if kept::has_kept(dir, name)? {
                format!("{message} (runs the kept {KEPT_DIR}/{name} first)")
            } else {
                message
            })
        };
        match hook.state {
            HookState::Current => {
                say(out, &kept_note(format!("{name} already installed"))?)?;
            }
            HookState::Absent => {
                write_hook(&hook.path, &hook.content, 0o755)?;
                say(out, &kept_note(format!("installed {name}"))?)?;
                changed = true;
            }
            HookState::Outdated => {
                write_hook(&hook.path, &hook.content, 0o755)?;
                say(out, &format!("updated {name}"))?;
                changed = true;
            }
            HookState::Foreign => {
                kept::keep(dir, name, &hook.path)?;
                if let Err(e) = write_hook(&hook.path, &hook.content, 0o755) {
                    // Put the user's hook back where it was.
                    let _ = kept::restore(dir, name, &hook.path);
                    return Err(e);
                }
                say(
                    out,
                    &format!(
                        "kept foreign {name} as {KEPT_DIR}/{name} and installed {name} (it runs the kept hook first, under its own name)"
                    ),
                )?;
                changed = true;
            }
        }
        Ok(changed)
    }

    /// Writes the manager's recipe files (all or none), and says what its
    /// own re-install has to do next.
    fn apply_manager(&self, manager: Manager, edits: &[Edit], out: &mut dyn Write) -> Result<bool> {
        let name = manager.name();
        if edits.is_empty() {
            say(out, &format!("{name} already runs the reuse-surface gate"))?;
        } else {
            for edit in edits {
                if let Some(dir) = edit.path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                }
            }
            let files: Vec<PendingFile> = edits
                .iter()
                .map(|e| PendingFile {
                    target: e.path.clone(),
                    bytes: e.bytes.clone(),
                })
                .collect();
            write_batch(&files, || Ok(()))?;
            for edit in edits {
                let shown = edit
                    .path
                    .strip_prefix(&self.layout.toplevel)
                    .unwrap_or(&edit.path);
                let verb = if edit.created {
                    "created"
                } else {
                    "added the reuse-surface gate to"
                };
                say(
                    out,
                    &format!(
                        "{verb} {} (commit it, so every clone runs the gate)",
                        shown.display()
                    ),
                )?;
            }
            say(
                out,
                &format!(
                    "then run `{}` so its hooks run the new entries",
                    manager.reinstall()
                ),
            )?;
        }
        if !on_path("reuse-surface") {
            say(
                out,
                &format!(
                    "note: {name} runs `reuse-surface` from PATH, and there is none on PATH now: put the \
                     directory of {} on PATH",
                    self.binary.display()
                ),
            )?;
        }
        Ok(!edits.is_empty())
    }

    /// Registers the merge driver unless it already is; returns whether it
    /// changed.
    fn apply_driver(&self, out: &mut dyn Write) -> Result<bool> {
        if self.driver_registered {
            say(out, "merge driver already registered")?;
            return Ok(false);
        }
        driver::register(&self.layout.start_dir, &self.driver)?;
        say(
            out,
            &format!(
                "registered merge driver {MERGE_SECTION} (runs {}, else reuse-surface on PATH, else git merge-file)",
                self.binary.display()
            ),
        )?;
        Ok(true)
    }

    /// Adds each registry's `.gitattributes` line unless git routes its
    /// index to the driver already, then asks git again: a line that is
    /// there but overridden is reported, never claimed to work. Returns
    /// whether the file changed.
    fn apply_attributes(&self, out: &mut dyn Write) -> Result<bool> {
        let mut changed = false;
        for attr in &self.attributes {
            let line = &attr.line;
            if attr.routes() {
                say(
                    out,
                    &format!(
                        ".gitattributes already routes {} to the merge driver",
                        attr.index
                    ),
                )?;
                continue;
            }
            if !attr.in_file {
                let created = add_attributes_line(&self.attributes_path, line)?;
                changed = true;
                say(
                    out,
                    &format!(
                        "{} `{line}` {} .gitattributes (commit it so every clone merges the index structurally)",
                        if created { "created" } else { "added" },
                        if created { "in" } else { "to" },
                    ),
                )?;
            }
            let now = resolved_merge_attribute(&self.layout.toplevel, &attr.index)?;
            if !routes_to_driver(&now) {
                say(out, &override_warning(&attr.index, line, &now))?;
            }
        }
        Ok(changed)
    }
}

/// Why a line that is in `.gitattributes` does not route `index` to the driver.
pub(super) fn override_warning(index: &str, line: &str, resolved: &str) -> String {
    format!(
        "warning: `git check-attr merge -- {index}` resolves to `{resolved}`, not `reuse-surface`: a later \
         line of .gitattributes, a .gitattributes nearer the file or .git/info/attributes overrides \
         `{line}`, so git merges the index line by line; remove the override (`git check-attr -a -- {index}` \
         shows what applies)"
    )
}

/// Whether `program` is found on `PATH`.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            std::fs::metadata(dir.join(program)).is_ok_and(|m| {
                m.is_file()
                    && std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0
            })
        })
    })
}
