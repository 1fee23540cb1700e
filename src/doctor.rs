//! `reuse-surface doctor`: is the gate effective in this clone, as it is
//! now? Hooks get rewritten behind an install's back (a hook manager's
//! re-install, a moved binary, an attribute overridden elsewhere), and each
//! of those turns the gate off without a word. Doctor looks at each piece —
//! every hook (ours, chained, a manager's, foreign, missing), the merge
//! driver's command and its binary, the attribute as `git check-attr`
//! resolves it, the registry, the cache — and prints each finding with the
//! one command that fixes it, as `brew doctor` does. Exit 1 when the gate
//! is not effective (a failing finding), 0 otherwise.

use std::io::Write;
use std::path::Path;

use crate::install::{self, HookStatus, Layout, Manager};
use crate::output::say;
use crate::{Result, git::cmd};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    /// Works, but worse than it should (merges, post-merge).
    Warn,
    /// The gate is not effective.
    Fail,
}

/// One thing doctor looked at, and the command that fixes it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub level: Level,
    pub subject: String,
    pub what: String,
    pub fix: Option<String>,
}

impl Finding {
    fn new(level: Level, subject: &str, what: impl Into<String>, fix: Option<String>) -> Self {
        Finding {
            level,
            subject: subject.to_string(),
            what: what.into(),
            fix,
        }
    }
}

/// Prints the findings for the clone holding `start`; returns the exit code.
pub fn run(start: &Path, out: &mut dyn Write) -> Result<i32> {
    let findings = diagnose(start)?;
    for f in &findings {
        let tag = match f.level {
            Level::Ok => "ok  ",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        };
        say(out, &format!("{tag}  {}: {}", f.subject, f.what))?;
        if let Some(fix) = &f.fix {
            say(out, &format!("      fix: {fix}"))?;
        }
    }
    let failing = findings.iter().filter(|f| f.level == Level::Fail).count();
    if failing == 0 {
        say(out, "the gate is effective in this clone")?;
        Ok(0)
    } else {
        say(
            out,
            &format!("the gate is NOT effective in this clone: {failing} failing finding(s)"),
        )?;
        Ok(1)
    }
}

/// Every finding for the clone holding `start`.
pub fn diagnose(start: &Path) -> Result<Vec<Finding>> {
    let layout = install::locate(start)?;
    let mut findings = Vec::new();
    for &(name, _) in install::HOOKS {
        findings.push(hook_finding(name, &install::hook_status(&layout, name)?));
    }
    findings.extend(manager_finding(&layout));
    findings.push(driver_finding(&layout)?);
    let registries = install::covered_registries(&layout)?;
    findings.push(registry_finding(&layout, &registries));
    for prefix in &registries {
        findings.push(attribute_finding(&layout, prefix)?);
    }
    findings.push(cache_finding(&layout)?);
    Ok(findings)
}

/// pre-commit and pre-push are the gate; post-merge only re-derives and
/// post-rewrite only reports.
fn gate_level(hook: &str) -> Level {
    if hook == "post-merge" || hook == "post-rewrite" {
        Level::Warn
    } else {
        Level::Fail
    }
}

fn hook_finding(name: &str, status: &HookStatus) -> Finding {
    let bad = gate_level(name);
    match status {
        HookStatus::Ours {
            binary_found: true,
            kept,
            ..
        } => {
            let chained = if *kept {
                format!(", chained: it runs the kept reuse-surface-kept/{name} first")
            } else {
                String::new()
            };
            Finding::new(Level::Ok, name, format!("our shim{chained}"), None)
        }
        HookStatus::Ours { binary, .. } => Finding::new(
            bad,
            name,
            format!(
                "our shim finds no binary (recorded {}, no REUSE_SURFACE_BIN, no reuse-surface on PATH), so it skips its checks",
                binary
                    .as_deref()
                    .map_or("nothing".into(), |b| b.display().to_string())
            ),
            Some(
                "reuse-surface install (run by the binary to record), or put reuse-surface on PATH"
                    .into(),
            ),
        ),
        HookStatus::Manager {
            manager,
            serves,
            our_shim_moved_to,
        } => manager_hook_finding(name, *manager, *serves, our_shim_moved_to.as_deref()),
        HookStatus::Foreign => Finding::new(
            bad,
            name,
            "a hook reuse-surface did not write: our checks do not run",
            Some("reuse-surface install --force (keeps that hook and runs it first)".into()),
        ),
        HookStatus::Missing {
            manager: Some((m, true)),
        } => Finding::new(
            bad,
            name,
            format!(
                "not installed, though {}'s configuration runs reuse-surface",
                m.name()
            ),
            Some(m.reinstall().to_string()),
        ),
        HookStatus::Missing {
            manager: Some((m, false)),
        } => Finding::new(
            bad,
            name,
            format!("not installed, and {} does not run reuse-surface", m.name()),
            manager_fix(*m),
        ),
        HookStatus::Missing { manager: None } => Finding::new(
            bad,
            name,
            "not installed",
            Some("reuse-surface install".into()),
        ),
    }
}

/// The fix when a manager owns a hook and does not run us.
fn manager_fix(m: Manager) -> Option<String> {
    Some(format!(
        "reuse-surface install --manager {}, then {}",
        m.name(),
        m.reinstall()
    ))
}

/// A hook a manager wrote: fine when its configuration runs our check (or,
/// for pre-commit, when it runs our shim kept as `NAME.legacy`).
fn manager_hook_finding(name: &str, m: Manager, serves: bool, moved: Option<&str>) -> Finding {
    if serves {
        let what = format!(
            "{}'s hook, and its configuration runs `reuse-surface hook {name}`",
            m.name()
        );
        return Finding::new(Level::Ok, name, what, None);
    }
    if let Some(moved) = moved.filter(|m| m.ends_with(".legacy"))
        && m == Manager::PreCommit
    {
        let what = format!("pre-commit's hook, which runs our shim kept as {moved}");
        return Finding::new(Level::Ok, name, what, None);
    }
    let moved = moved
        .map(|m| format!("; our shim is now {m} and never runs"))
        .unwrap_or_default();
    Finding::new(
        gate_level(name),
        name,
        format!(
            "{} took this hook over and does not run reuse-surface{moved}",
            m.name()
        ),
        manager_fix(m),
    )
}

/// A manager whose configuration is here while our shims hold the hooks:
/// its next install takes them over.
fn manager_finding(layout: &Layout) -> Option<Finding> {
    let found = install::detect_manager(layout)?;
    let ours = install::HOOKS.iter().any(|&(name, _)| {
        matches!(
            install::hook_status(layout, name),
            Ok(HookStatus::Ours { .. })
        )
    });
    let m = found.manager;
    if !ours || install::serves_hook(m, layout, "pre-commit") {
        return None;
    }
    Some(Finding::new(
        Level::Warn,
        "hook manager",
        format!(
            "{} ({}): its next `{}` takes the hooks over and drops the gate",
            m.name(),
            found.evidence,
            m.reinstall()
        ),
        Some(format!("reuse-surface install --manager {}", m.name())),
    ))
}

fn driver_finding(layout: &Layout) -> Result<Finding> {
    let key = format!("{}.driver", install::MERGE_SECTION);
    let fix = |cmd: &str| Some(cmd.to_string());
    let Some(command) = cmd::config_get_local(&layout.toplevel, &key)? else {
        return Ok(Finding::new(
            Level::Warn,
            "merge driver",
            "not registered: git merges the index line by line",
            fix("reuse-surface install --only merge-driver"),
        ));
    };
    let text = command.to_string_lossy();
    let finds_itself = text.starts_with("RS_BIN_AT_INSTALL=");
    let binary = install::recorded_binary(&command);
    let exists = binary.as_deref().is_some_and(Path::is_file);
    let shown = binary
        .as_deref()
        .map_or("no binary".into(), |b| b.display().to_string());
    Ok(match (exists, finds_itself) {
        (true, true) => Finding::new(
            Level::Ok,
            "merge driver",
            format!("registered, runs {shown}"),
            None,
        ),
        (false, true) => Finding::new(
            Level::Warn,
            "merge driver",
            format!(
                "{shown} is gone: the driver uses reuse-surface from PATH, else git merge-file"
            ),
            fix("reuse-surface install --only merge-driver"),
        ),
        (true, false) => Finding::new(
            Level::Warn,
            "merge driver",
            format!(
                "an older command runs {shown} and nothing else: once it moves, merges keep ours only"
            ),
            fix("reuse-surface install --only merge-driver"),
        ),
        (false, false) => Finding::new(
            Level::Fail,
            "merge driver",
            format!(
                "its command runs {shown}, which is gone: a merge of the index keeps ours and drops theirs' rows"
            ),
            fix("reuse-surface install --only merge-driver"),
        ),
    })
}

fn registry_finding(layout: &Layout, prefixes: &[String]) -> Finding {
    let found: Vec<String> = prefixes
        .iter()
        .map(|p| install::index_path(p))
        .filter(|index| layout.toplevel.join(index).is_file())
        .collect();
    if found.is_empty() {
        Finding::new(
            Level::Fail,
            "registry",
            "none found: the hooks have nothing to check",
            Some("reuse-surface establish --scaffold".into()),
        )
    } else {
        Finding::new(Level::Ok, "registry", found.join(", "), None)
    }
}

fn attribute_finding(layout: &Layout, prefix: &str) -> Result<Finding> {
    let index = install::index_path(prefix);
    let resolved = install::resolved_merge_attribute(&layout.toplevel, &index)?;
    if install::routes_to_driver(&resolved) {
        return Ok(Finding::new(
            Level::Ok,
            "attribute",
            format!("{index}: merge=reuse-surface"),
            None,
        ));
    }
    let attributes = std::fs::read(layout.toplevel.join(".gitattributes")).unwrap_or_default();
    let line = install::attributes_line(prefix);
    let fix = if String::from_utf8_lossy(&attributes).contains(&line) {
        format!(
            "remove what overrides `{line}` (`git check-attr -a -- {index}` shows it; .git/info/attributes wins over .gitattributes)"
        )
    } else {
        "reuse-surface install --only merge-driver".to_string()
    };
    Ok(Finding::new(
        Level::Warn,
        "attribute",
        format!(
            "git check-attr resolves merge for {index} to `{resolved}`: the driver is not used"
        ),
        Some(fix),
    ))
}

fn cache_finding(layout: &Layout) -> Result<Finding> {
    let common = cmd::path_line(&layout.toplevel, &["rev-parse", "--git-common-dir"])?;
    let common = if common.is_absolute() {
        common
    } else {
        layout.toplevel.join(common)
    };
    let path = common
        .join("reuse-surface")
        .join(crate::target::cache::FILE_NAME);
    Ok(match std::fs::read(&path) {
        Ok(_) => Finding::new(
            Level::Ok,
            "cache",
            format!("{} is readable", path.display()),
            None,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Finding::new(
            Level::Ok,
            "cache",
            "none yet (the first hook run writes it)",
            None,
        ),
        Err(e) => Finding::new(
            Level::Warn,
            "cache",
            format!(
                "{} cannot be read ({e}): every hook run parses the whole registry",
                path.display()
            ),
            Some(format!("rm -f '{}' (it is rebuilt)", path.display())),
        ),
    })
}
