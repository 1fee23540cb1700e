//! Deciding what `install` will do, and refusing, before anything is
//! written: which hooks to write, keep aside or leave, whether the merge
//! driver and the `.gitattributes` line are already there, and whether a
//! `core.hooksPath` from outside the clone allows installing at all.
//! [`super::apply`] carries the decided plan out.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::InstallOptions;
use super::attributes::{
    attributes_line, line_present, pattern_line, pattern_present, pattern_under,
    resolved_merge_attribute, routes_to_driver,
};
use super::driver::{self, merge_driver_command};
use super::hook_file::{HookState, hook_state};
use super::kept::{self, Chain, KEPT_DIR};
use super::layout::{HooksPathOrigin, Layout, locate, normalize};
use super::manager::{self, Detected, Edit, Manager};
use super::registries::{index_path, registry_prefixes};
use super::shim::{HOOKS, render_shim};
use crate::git::cmd;
use crate::{Error, Result};

/// One planned change to one hook.
#[derive(Debug)]
pub(super) struct HookPlan {
    pub(super) name: &'static str,
    pub(super) path: PathBuf,
    pub(super) state: HookState,
    pub(super) content: Vec<u8>,
    /// An old-style kept hook (`NAME.pre-reuse-surface`) to move under its
    /// own name.
    pub(super) migrate: bool,
    /// A chain of ours whose kept hook is gone, to remove.
    pub(super) dangling: bool,
}

/// The `.gitattributes` line of one registry, and what git resolves now.
#[derive(Debug)]
pub(super) struct AttributePlan {
    /// The line routing this registry's index files to the driver.
    pub(super) line: String,
    /// The registry's index, relative to the top level.
    pub(super) index: String,
    /// The line is in the top-level `.gitattributes` already.
    pub(super) in_file: bool,
    /// What `git check-attr merge` resolves for the index now.
    pub(super) resolved: String,
}

impl AttributePlan {
    /// Whether git already routes the index to the driver.
    pub(super) fn routes(&self) -> bool {
        routes_to_driver(&self.resolved)
    }
}

/// Everything `install` will do, decided (and refused) before anything is written.
#[derive(Debug)]
pub struct InstallPlan {
    pub(super) layout: Layout,
    pub(super) hooks: Vec<HookPlan>,
    pub(super) driver: OsString,
    pub(super) driver_registered: bool,
    pub(super) attributes_path: PathBuf,
    pub(super) attributes: Vec<AttributePlan>,
    pub(super) hooks_path_warning: Option<String>,
    /// A manager configured beside our shims, whose next install takes over.
    pub(super) manager_warning: Option<String>,
    /// `--manager`: the manager and the files of its recipe to write.
    pub(super) manager: Option<(Manager, Vec<Edit>)>,
    /// The binary recorded in the shims and the driver.
    pub(super) binary: PathBuf,
}

/// Decides what `install` would do in the clone holding `start_dir`, refusing
/// (with nothing written) a foreign hook without `--force`, a kept-hook name
/// already taken, a global or system `core.hooksPath` without `--force`, and a
/// bare repository.
pub fn plan_install(start_dir: &Path, opts: &InstallOptions, binary: &Path) -> Result<InstallPlan> {
    if !binary.is_absolute() {
        return Err(Error::usage(format!(
            "the reuse-surface binary path must be absolute, got {}",
            binary.display()
        )));
    }
    let layout = locate(start_dir)?;
    let (mut hooks_path_warning, mut hooks, mut manager) = (None, Vec::new(), None);
    let mut manager_warning = None;
    if let Some(m) = opts.manager {
        manager = Some((m, manager::plan_edits(m, &layout)?));
    } else if !opts.only_merge_driver {
        if let Some(found) = manager::detect(&layout) {
            // Our shims already there, the manager only configured: update
            // them (refusing would strand an older install), and warn.
            if !(found.config_only && shims_present(&layout)?) {
                return Err(Error::usage(manager_refusal(&found, opts.force)));
            }
            manager_warning = Some(format!(
                "warning: {} ({}): its next `{}` takes these hooks over; `reuse-surface install --manager {}` \
                 puts the gate into its configuration instead",
                found.manager.name(),
                found.evidence,
                found.manager.reinstall(),
                found.manager.name()
            ));
        }
        hooks_path_warning = check_hooks_path(&layout, opts)?;
        hooks = plan_hooks(&layout, opts, binary)?;
    }
    let driver = merge_driver_command(binary);
    let driver_registered = driver::is_registered(&layout.start_dir, &driver)?;
    let attributes_path = layout.toplevel.join(".gitattributes");
    let attributes = plan_attributes(&layout, opts, &attributes_path)?;
    Ok(InstallPlan {
        layout,
        hooks,
        driver,
        driver_registered,
        attributes_path,
        attributes,
        hooks_path_warning,
        manager_warning,
        manager,
        binary: binary.to_path_buf(),
    })
}

/// Whether any of our shims is installed.
fn shims_present(layout: &Layout) -> Result<bool> {
    for &(name, _) in HOOKS {
        let state = hook_state(&layout.hooks_dir.join(name), &[])?;
        if matches!(state, HookState::Current | HookState::Outdated) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Why our shims are not installed into a clone whose hooks a manager owns.
fn manager_refusal(found: &Detected, force: bool) -> String {
    let name = found.manager.name();
    let why = if force {
        format!("--force does not install over {name}")
    } else {
        format!("this clone's hooks belong to {name}")
    };
    format!(
        "refusing to install: {why} ({}): its own re-install (`{}`) replaces or renames our hooks, \
         and the gate would be silently off. Nothing was changed. To run the gate from {name}, {}",
        found.evidence,
        found.manager.reinstall(),
        found.manager.recipe()
    )
}

/// The line of each registry the install covers, and whether git routes
/// its index to the driver now.
fn plan_attributes(
    layout: &Layout,
    opts: &InstallOptions,
    attributes_path: &Path,
) -> Result<Vec<AttributePlan>> {
    let mut plans = Vec::new();
    for prefix in registry_prefixes(layout, opts.registry_here)? {
        let index = index_path(&prefix);
        plans.push(AttributePlan {
            line: attributes_line(&prefix),
            in_file: line_present(attributes_path, &prefix)?,
            resolved: resolved_merge_attribute(&layout.toplevel, &index)?,
            index,
        });
        // The declared kinds' files merge by their keys too.
        for files in kind_files(&layout.toplevel.join(&prefix)) {
            let pattern = pattern_under(&prefix, &files);
            // A path git asks about: the glob's wildcards as a name.
            let sample = format!("{prefix}{}", files.replace(['*', '?'], "x"));
            plans.push(AttributePlan {
                line: pattern_line(&pattern),
                in_file: pattern_present(attributes_path, &pattern)?,
                resolved: resolved_merge_attribute(&layout.toplevel, &sample)?,
                index: sample,
            });
        }
    }
    Ok(plans)
}

/// The `files` of the kinds the registry under `root` declares (none when
/// its config is missing or does not parse: `validate` reports that).
fn kind_files(root: &Path) -> Vec<String> {
    std::fs::read(root.join(crate::model::CONFIG_PATH))
        .ok()
        .and_then(|bytes| crate::config::Config::lenient(&bytes))
        .map(|c| c.kinds.into_values().map(|k| k.files).collect())
        .unwrap_or_default()
}

/// A `core.hooksPath` from outside the clone (global, system, the command
/// line) is refused without `--force`; with it, the warning to print.
fn check_hooks_path(layout: &Layout, opts: &InstallOptions) -> Result<Option<String>> {
    let Some(origin) = &layout.hooks_path_origin else {
        return Ok(None);
    };
    if origin.is_repository_local() {
        return Ok(None);
    }
    if !opts.force {
        let common = cmd::path_line(&layout.start_dir, &["rev-parse", "--git-common-dir"])?;
        let own = normalize(&layout.start_dir.join(common).join("hooks"));
        return Err(Error::usage(hooks_path_refusal(
            origin,
            &layout.hooks_dir,
            &own,
        )));
    }
    Ok(Some(format!(
        "warning: core.hooksPath comes from {} config ({}); installing into {} because of --force, \
         which affects every repository that uses that directory",
        origin.scope,
        origin.origin,
        layout.hooks_dir.display()
    )))
}

/// Each hook's state and shim text; refuses foreign hooks without
/// `--force`, and with it foreign hooks whose kept name is already taken.
fn plan_hooks(layout: &Layout, opts: &InstallOptions, binary: &Path) -> Result<Vec<HookPlan>> {
    let mut hooks = Vec::new();
    let mut foreign = Vec::new();
    let mut kept_taken = Vec::new();
    for &(name, template) in HOOKS {
        let path = layout.hooks_dir.join(name);
        let content = render_shim(template, binary);
        let state = hook_state(&path, &content)?;
        let dir = &layout.hooks_dir;
        let chain = kept::chain_state(dir, name)?;
        if state == HookState::Foreign {
            if !opts.force {
                foreign.push((name, path.clone()));
            } else if kept::has_kept(dir, name)? {
                let taken = if chain == Chain::OldStyle {
                    kept::chain_path(dir, name)
                } else {
                    kept::kept_path(dir, name)
                };
                kept_taken.push(format!("{name} ({} exists)", taken.display()));
            }
        }
        let ours = matches!(state, HookState::Current | HookState::Outdated);
        hooks.push(HookPlan {
            name,
            path,
            state,
            content,
            migrate: ours && chain == Chain::OldStyle,
            dangling: ours && kept::chain_is_dangling(dir, name)?,
        });
    }
    if !foreign.is_empty() {
        return Err(Error::usage(foreign_hooks_refusal(&foreign)));
    }
    if !kept_taken.is_empty() {
        return Err(Error::usage(format!(
            "refusing to install: a foreign hook would be kept as {KEPT_DIR}/NAME, but a kept hook is already \
             there: {}. Nothing was changed. Move one of the two files away first.",
            kept_taken.join(", ")
        )));
    }
    Ok(hooks)
}

/// Why hooks we did not write stop an install without `--force`.
fn foreign_hooks_refusal(foreign: &[(&str, PathBuf)]) -> String {
    let (what, keep) = match foreign {
        [(name, _)] => ("this hook was", format!("keep it as {KEPT_DIR}/{name}")),
        _ => ("these hooks were", format!("keep each as {KEPT_DIR}/NAME")),
    };
    let list: Vec<String> = foreign
        .iter()
        .map(|(name, path)| format!("{name} ({})", path.display()))
        .collect();
    format!(
        "refusing to install: {what} not written by reuse-surface: {}. Nothing was changed. Re-run \
         with --force to {keep} under its own name (the reuse-surface shim runs it first, with the \
         same arguments and stdin, and fails if it fails), or move it away yourself.",
        list.join(", ")
    )
}

/// Why a `core.hooksPath` from outside the clone is refused; `own` is the
/// clone's own hooks directory.
fn hooks_path_refusal(origin: &HooksPathOrigin, dir: &Path, own: &Path) -> String {
    let source = match origin.scope.as_str() {
        "command" => "the command line or the GIT_CONFIG_* environment".to_string(),
        scope => format!("your {scope} git config"),
    };
    let unset = match origin.scope.as_str() {
        "global" | "system" => format!(
            "unset it (`git config --{} --unset core.hooksPath`), ",
            origin.scope
        ),
        _ => String::new(),
    };
    format!(
        "refusing to install: core.hooksPath is set to {:?} in {source} ({}), so git runs hooks from {} \
         for every repository that sees that setting, not from this clone. Nothing was changed. Either \
         {unset}give this clone its own (`git config core.hooksPath '{}'`), or pass --force to \
         install into {} anyway.",
        origin.value,
        origin.origin,
        dir.display(),
        own.display(),
        dir.display()
    )
}

impl InstallPlan {
    /// The clone this plan is for.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Whether applying the plan would change nothing.
    pub fn is_noop(&self) -> bool {
        self.driver_registered
            && self.attributes.iter().all(|a| a.routes() || a.in_file)
            && self
                .hooks
                .iter()
                .all(|h| h.state == HookState::Current && !h.migrate && !h.dangling)
            && self
                .manager
                .as_ref()
                .is_none_or(|(_, edits)| edits.is_empty())
    }
}
