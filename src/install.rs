//! `install` / `uninstall`: the git hook shims and the merge driver (SPEC §5.1, §5.2).
//!
//! The shims live in `hooks/` and are embedded here, so installing needs no
//! source tree. An install never destroys a hook it did not write: a foreign
//! hook is refused without `--force`, and with it is kept beside our shim as
//! `NAME.pre-reuse-surface`, which the shim runs first. Every refusal happens
//! before anything is written.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::atomic::{PendingFile, write_batch};
use crate::git::cmd;
use crate::output::say;
use crate::{Error, Result};

/// The line that marks a hook file as one of ours.
pub const MARKER: &str = "# installed by reuse-surface";

/// Suffix under which a foreign hook is kept by `install --force`.
pub const KEPT_SUFFIX: &str = ".pre-reuse-surface";

/// The hook names we install, and the embedded shim text for each.
pub const HOOKS: &[(&str, &str)] = &[
    ("pre-commit", include_str!("../hooks/pre-commit")),
    ("pre-push", include_str!("../hooks/pre-push")),
    ("post-merge", include_str!("../hooks/post-merge")),
];

/// The line of each shim template that `install` replaces with the binary's path.
pub const BIN_PLACEHOLDER_LINE: &str = "RS_BIN_AT_INSTALL=''";
const BIN_VARIABLE: &str = "RS_BIN_AT_INSTALL=";

/// The `.gitattributes` line routing index files to the merge driver.
pub const ATTRIBUTES_LINE: &str = "registry/indexes/*.yaml merge=reuse-surface";
const ATTRIBUTES_PATTERN: &str = "registry/indexes/*.yaml";
const ATTRIBUTES_VALUE: &str = "merge=reuse-surface";

/// The git config section of the merge driver.
pub const MERGE_SECTION: &str = "merge.reuse-surface";
/// The human description registered as `merge.reuse-surface.name`.
pub const MERGE_DRIVER_DESCRIPTION: &str =
    "reuse-surface: structural merge of registry indexes, keyed by row id";

/// Options of `reuse-surface install`.
#[derive(Debug, Clone, Default)]
pub struct InstallOptions {
    /// Keep foreign hooks as `NAME.pre-reuse-surface` instead of refusing, and
    /// install even when `core.hooksPath` comes from global or system config.
    pub force: bool,
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
    start_dir: PathBuf,
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
    let probe = cmd::output(
        &start_dir,
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
    let toplevel = cmd::path_line(&start_dir, &["rev-parse", "--show-toplevel"])?;
    let hooks = cmd::path_line(&start_dir, &["rev-parse", "--git-path", "hooks"])?;
    let hooks_dir = if hooks.is_absolute() {
        hooks
    } else {
        start_dir.join(hooks)
    };
    let hooks_dir = normalize(&hooks_dir);

    let origin = cmd::output(
        &start_dir,
        &[
            "config",
            "--show-origin",
            "--show-scope",
            "--get",
            "core.hooksPath",
        ],
    )?;
    let hooks_path_origin = match origin.status.code() {
        Some(0) => {
            let text = cmd::stdout_text(&origin);
            let line = text.trim_end_matches(['\n', '\r']);
            let mut parts = line.splitn(3, '\t');
            let scope = parts.next().unwrap_or_default().to_string();
            let origin = parts.next().unwrap_or_default().to_string();
            let value = parts.next().unwrap_or_default().to_string();
            Some(HooksPathOrigin {
                scope,
                origin,
                value,
            })
        }
        Some(1) => None,
        _ => {
            return Err(Error::git(format!(
                "cannot read core.hooksPath in {}: {}",
                start_dir.display(),
                cmd::stderr_text(&origin)
            )));
        }
    };
    Ok(Layout {
        hooks_dir,
        toplevel,
        hooks_path_origin,
        start_dir,
    })
}

/// What one hook file is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HookState {
    Absent,
    /// Our shim, exactly what we would write, and executable.
    Current,
    /// Our shim (marker present), but different text or not executable.
    Outdated,
    /// Somebody else's hook.
    Foreign,
}

fn hook_state(path: &Path, wanted: &[u8]) -> Result<HookState> {
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

/// Whether `content` carries our marker line.
pub fn has_marker(content: &[u8]) -> bool {
    content
        .split(|&b| b == b'\n')
        .any(|line| line.strip_suffix(b"\r").unwrap_or(line) == MARKER.as_bytes())
}

/// The shim text for `template` with `binary` recorded in it.
pub fn render_shim(template: &str, binary: &Path) -> Vec<u8> {
    let mut out = Vec::with_capacity(template.len() + 64);
    let mut replaced = false;
    for line in template.split_inclusive('\n') {
        if !replaced && line.trim_end() == BIN_PLACEHOLDER_LINE {
            out.extend_from_slice(BIN_VARIABLE.as_bytes());
            out.extend_from_slice(&sh_single_quote(binary.as_os_str().as_bytes()));
            out.push(b'\n');
            replaced = true;
        } else {
            out.extend_from_slice(line.as_bytes());
        }
    }
    debug_assert!(
        replaced,
        "hook template lacks the {BIN_PLACEHOLDER_LINE} line"
    );
    out
}

/// `bytes` as one single-quoted POSIX shell word.
fn sh_single_quote(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.push(b'\'');
    for &b in bytes {
        if b == b'\'' {
            out.extend_from_slice(b"'\\''");
        } else {
            out.push(b);
        }
    }
    out.push(b'\'');
    out
}

/// `bytes` as a shell word, quoted only when it needs to be.
fn sh_word(bytes: &[u8]) -> Vec<u8> {
    let plain = !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@%=".contains(b));
    if plain {
        bytes.to_vec()
    } else {
        sh_single_quote(bytes)
    }
}

/// The `merge.reuse-surface.driver` value for `binary`: a shell command in
/// which git expands `%O`-style placeholders, so a `%` of the path is `%%`.
pub fn merge_driver_command(binary: &Path) -> OsString {
    let mut cmd = Vec::new();
    for &b in &sh_word(binary.as_os_str().as_bytes()) {
        if b == b'%' {
            cmd.push(b'%');
        }
        cmd.push(b);
    }
    cmd.extend_from_slice(b" merge-driver %O %A %B %L %P");
    OsString::from_vec(cmd)
}

/// One planned change to one hook.
#[derive(Debug)]
struct HookPlan {
    name: &'static str,
    path: PathBuf,
    state: HookState,
    content: Vec<u8>,
}

/// Everything `install` will do, decided (and refused) before anything is written.
#[derive(Debug)]
pub struct InstallPlan {
    layout: Layout,
    hooks: Vec<HookPlan>,
    driver: OsString,
    driver_registered: bool,
    attributes_path: PathBuf,
    attributes_present: bool,
    hooks_path_warning: Option<String>,
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
    let mut hooks_path_warning = None;
    if let Some(origin) = &layout.hooks_path_origin
        && !origin.is_repository_local()
    {
        if !opts.force {
            let common = cmd::path_line(&layout.start_dir, &["rev-parse", "--git-common-dir"])?;
            let own = normalize(&layout.start_dir.join(common).join("hooks"));
            return Err(Error::usage(hooks_path_refusal(
                origin,
                &layout.hooks_dir,
                &own,
            )));
        }
        hooks_path_warning = Some(format!(
            "warning: core.hooksPath comes from {} config ({}); installing into {} because of --force, \
             which affects every repository that uses that directory",
            origin.scope,
            origin.origin,
            layout.hooks_dir.display()
        ));
    }

    let mut hooks = Vec::new();
    let mut foreign = Vec::new();
    let mut kept_taken = Vec::new();
    for &(name, template) in HOOKS {
        let path = layout.hooks_dir.join(name);
        let content = render_shim(template, binary);
        let state = hook_state(&path, &content)?;
        if state == HookState::Foreign {
            let kept = kept_path(&layout.hooks_dir, name);
            if !opts.force {
                foreign.push((name, path.clone()));
            } else if exists_no_follow(&kept)? {
                kept_taken.push(format!("{name} ({} exists)", kept.display()));
            }
        }
        hooks.push(HookPlan {
            name,
            path,
            state,
            content,
        });
    }
    if !foreign.is_empty() {
        let (what, keep) = match foreign.as_slice() {
            [(name, _)] => ("this hook was", format!("keep it as {name}{KEPT_SUFFIX}")),
            _ => (
                "these hooks were",
                format!("keep each as NAME{KEPT_SUFFIX}"),
            ),
        };
        let list: Vec<String> = foreign
            .iter()
            .map(|(name, path)| format!("{name} ({})", path.display()))
            .collect();
        return Err(Error::usage(format!(
            "refusing to install: {what} not written by reuse-surface: {}. Nothing was changed. Re-run \
             with --force to {keep} (the reuse-surface shim runs it first, with the same arguments and \
             stdin, and fails if it fails), or move it away yourself.",
            list.join(", ")
        )));
    }
    if !kept_taken.is_empty() {
        return Err(Error::usage(format!(
            "refusing to install: a foreign hook would be kept as NAME{KEPT_SUFFIX}, but that name is already \
             taken: {}. Nothing was changed. Move one of the two files away first.",
            kept_taken.join(", ")
        )));
    }

    let driver = merge_driver_command(binary);
    let registered_name =
        cmd::config_get_local(&layout.start_dir, &format!("{MERGE_SECTION}.name"))?;
    let registered_driver =
        cmd::config_get_local(&layout.start_dir, &format!("{MERGE_SECTION}.driver"))?;
    let driver_registered = registered_name.as_deref()
        == Some(OsStr::new(MERGE_DRIVER_DESCRIPTION))
        && registered_driver.as_deref() == Some(driver.as_os_str());

    let attributes_path = layout.toplevel.join(".gitattributes");
    let attributes_present = match read_optional(&attributes_path)? {
        Some(content) => has_attributes_line(&content),
        None => false,
    };

    Ok(InstallPlan {
        layout,
        hooks,
        driver,
        driver_registered,
        attributes_path,
        attributes_present,
        hooks_path_warning,
    })
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
            && self.attributes_present
            && self.hooks.iter().all(|h| h.state == HookState::Current)
    }

    /// Carries the plan out, reporting each item on `out`; returns whether
    /// anything changed.
    pub fn apply(&self, out: &mut dyn Write) -> Result<bool> {
        let mut changed = false;
        if let Some(warning) = &self.hooks_path_warning {
            say(out, warning)?;
        }
        let hooks_dir = &self.layout.hooks_dir;
        if self.hooks.iter().any(|h| h.state != HookState::Current) {
            std::fs::create_dir_all(hooks_dir).map_err(|e| Error::io(hooks_dir, e))?;
        }
        for hook in &self.hooks {
            let name = hook.name;
            let kept = kept_path(hooks_dir, name);
            let runs_kept = || exists_no_follow(&kept).unwrap_or(false);
            match hook.state {
                HookState::Current => {
                    if runs_kept() {
                        say(
                            out,
                            &format!(
                                "{name} already installed (runs the kept {name}{KEPT_SUFFIX} first)"
                            ),
                        )?;
                    } else {
                        say(out, &format!("{name} already installed"))?;
                    }
                }
                HookState::Absent => {
                    write_hook(&hook.path, &hook.content, 0o755)?;
                    changed = true;
                    if runs_kept() {
                        say(
                            out,
                            &format!("installed {name} (runs the kept {name}{KEPT_SUFFIX} first)"),
                        )?;
                    } else {
                        say(out, &format!("installed {name}"))?;
                    }
                }
                HookState::Outdated => {
                    write_hook(&hook.path, &hook.content, 0o755)?;
                    changed = true;
                    say(out, &format!("updated {name}"))?;
                }
                HookState::Foreign => {
                    // The plan checked the kept name was free; check again so
                    // a file that appeared since is never overwritten.
                    if exists_no_follow(&kept)? {
                        return Err(Error::other(format!(
                            "not installing {name}: {} appeared while installing; nothing of {name} was changed",
                            kept.display()
                        )));
                    }
                    std::fs::rename(&hook.path, &kept)
                        .map_err(|e| rename_error(&hook.path, &kept, e))?;
                    if let Err(e) = write_hook(&hook.path, &hook.content, 0o755) {
                        // Put the user's hook back where it was.
                        let _ = std::fs::rename(&kept, &hook.path);
                        return Err(e);
                    }
                    changed = true;
                    say(
                        out,
                        &format!(
                            "kept foreign {name} as {name}{KEPT_SUFFIX} and installed {name} (it runs the kept hook first)"
                        ),
                    )?;
                }
            }
        }
        say(out, &format!("hooks directory: {}", hooks_dir.display()))?;

        if self.driver_registered {
            say(out, "merge driver already registered")?;
        } else {
            let dir = &self.layout.start_dir;
            cmd::config_set_local(
                dir,
                &format!("{MERGE_SECTION}.name"),
                OsStr::new(MERGE_DRIVER_DESCRIPTION),
            )?;
            cmd::config_set_local(dir, &format!("{MERGE_SECTION}.driver"), &self.driver)?;
            changed = true;
            say(
                out,
                &format!(
                    "registered merge driver {MERGE_SECTION} ({})",
                    self.driver.to_string_lossy()
                ),
            )?;
        }

        if self.attributes_present {
            say(
                out,
                &format!(".gitattributes already has `{ATTRIBUTES_LINE}`"),
            )?;
        } else {
            let created = add_attributes_line(&self.attributes_path)?;
            changed = true;
            say(
                out,
                &format!(
                    "{} `{ATTRIBUTES_LINE}` {} .gitattributes (commit it so every clone merges the index structurally)",
                    if created { "created" } else { "added" },
                    if created { "in" } else { "to" },
                ),
            )?;
        }
        Ok(changed)
    }
}

/// Removes our shims (only files carrying our marker), restores kept hooks
/// byte-for-byte, and removes the merge driver from the clone's config.
/// `.gitattributes` is left alone: it is shared through the repository, and
/// without the driver config git falls back to its own line merge.
pub fn uninstall(start_dir: &Path, out: &mut dyn Write) -> Result<()> {
    let layout = locate(start_dir)?;
    let hooks_dir = &layout.hooks_dir;
    let mut changed = false;
    for &(name, _) in HOOKS {
        let path = hooks_dir.join(name);
        let kept = kept_path(hooks_dir, name);
        let kept_exists = exists_no_follow(&kept)?;
        // Any marker-carrying file is ours, whatever its version.
        match hook_state(&path, &[])? {
            HookState::Foreign => {
                if kept_exists {
                    say(
                        out,
                        &format!(
                            "left {name} alone (not written by reuse-surface); {name}{KEPT_SUFFIX} is left in place too"
                        ),
                    )?;
                } else {
                    say(
                        out,
                        &format!("left {name} alone (not written by reuse-surface)"),
                    )?;
                }
                continue;
            }
            HookState::Current | HookState::Outdated => {
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                changed = true;
                say(out, &format!("removed {name}"))?;
            }
            HookState::Absent => {
                if !kept_exists {
                    say(out, &format!("{name} was not installed"))?;
                }
            }
        }
        if kept_exists {
            std::fs::rename(&kept, &path).map_err(|e| rename_error(&kept, &path, e))?;
            changed = true;
            say(out, &format!("restored {name} from {name}{KEPT_SUFFIX}"))?;
        }
    }

    let registered = cmd::output(
        &layout.start_dir,
        &[
            "config",
            "--local",
            "--get-regexp",
            r"^merge\.reuse-surface\.",
        ],
    )?;
    match registered.status.code() {
        Some(0) => {
            let removed = cmd::output(
                &layout.start_dir,
                &["config", "--local", "--remove-section", MERGE_SECTION],
            )?;
            if !removed.status.success() {
                return Err(Error::git(format!(
                    "cannot remove {MERGE_SECTION} from the config: {}",
                    cmd::stderr_text(&removed)
                )));
            }
            changed = true;
            say(
                out,
                &format!("removed merge driver {MERGE_SECTION} from the clone's config"),
            )?;
        }
        Some(1) => say(out, "merge driver was not registered")?,
        _ => {
            return Err(Error::git(format!(
                "cannot read the clone's config: {}",
                cmd::stderr_text(&registered)
            )));
        }
    }

    let attributes = layout.toplevel.join(".gitattributes");
    if read_optional(&attributes)?.is_some_and(|c| has_attributes_line(&c)) {
        say(
            out,
            &format!(
                "left `{ATTRIBUTES_LINE}` in .gitattributes: it is shared with every clone, and without the \
                 driver config git merges those files with its usual line merge"
            ),
        )?;
    }
    if !changed {
        say(out, "nothing to do: reuse-surface is not installed")?;
    }
    Ok(())
}

/// Whether `.gitattributes` text already routes the index files to our driver.
pub fn has_attributes_line(content: &[u8]) -> bool {
    content.split(|&b| b == b'\n').any(|line| {
        let line = String::from_utf8_lossy(line);
        let mut words = line.split_whitespace();
        words.next() == Some(ATTRIBUTES_PATTERN) && words.any(|w| w == ATTRIBUTES_VALUE)
    })
}

/// Appends [`ATTRIBUTES_LINE`] to the file at `path` with the file's own line
/// ending, creating it if needed; returns whether it was created.
fn add_attributes_line(path: &Path) -> Result<bool> {
    let existing = read_optional(path)?;
    let created = existing.is_none();
    let mut content = existing.unwrap_or_default();
    let eol: &[u8] = if content.windows(2).any(|w| w == b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    };
    if !content.is_empty() && !content.ends_with(b"\n") {
        content.extend_from_slice(eol);
    }
    content.extend_from_slice(ATTRIBUTES_LINE.as_bytes());
    content.extend_from_slice(eol);
    // Write through a symlink to its target rather than replacing the link;
    // the batch keeps the file's permissions.
    let target = if created {
        path.to_path_buf()
    } else {
        std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?
    };
    write_batch(
        &[PendingFile {
            target,
            bytes: content,
        }],
        || Ok(()),
    )?;
    Ok(created)
}

fn kept_path(hooks_dir: &Path, name: &str) -> PathBuf {
    hooks_dir.join(format!("{name}{KEPT_SUFFIX}"))
}

/// Whether anything (even a dangling symlink) exists at `path`.
fn exists_no_follow(path: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(c) => Ok(Some(c)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// A failed rename, naming both paths (either end can be the one at fault).
fn rename_error(from: &Path, to: &Path, e: std::io::Error) -> Error {
    Error::other(format!(
        "cannot rename {} to {}: {e}",
        from.display(),
        to.display()
    ))
}

/// Writes a hook to `path` with `mode` through a temporary file in the same
/// directory and a rename, so git never runs it half-written or before it is
/// executable.
fn write_hook(path: &Path, content: &[u8], mode: u32) -> Result<()> {
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
fn normalize(path: &Path) -> PathBuf {
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
