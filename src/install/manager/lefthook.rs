//! lefthook's recipe: a `reuse-surface` command under `pre-commit`,
//! `pre-push` (with `use_stdin: true`: without it lefthook gives the hook
//! no ref lines and the push check passes without checking) and
//! `post-merge` and `post-rewrite` (stdin again: the rewritten commits) in `lefthook.yml`, which `lefthook install` and its
//! auto-sync turn into hooks.

use std::path::{Path, PathBuf};

use super::yaml_text::{block_end, child_indent, indented, insert_at, is_key_line, lines, top_key};
use super::{Edit, read_optional};
use crate::{Error, Result};

/// The names lefthook reads its configuration from, in its order.
const CONFIG_NAMES: &[&str] = &[
    "lefthook.yml",
    ".lefthook.yml",
    "lefthook.yaml",
    ".lefthook.yaml",
];

/// Each hook and the fields of its `reuse-surface` command.
const COMMANDS: &[(&str, &str)] = &[
    ("pre-commit", "run: reuse-surface hook pre-commit\n"),
    (
        "pre-push",
        "run: reuse-surface hook pre-push {1} {2}\nuse_stdin: true\n",
    ),
    ("post-merge", "run: reuse-surface hook post-merge {1}\n"),
    (
        "post-rewrite",
        "run: reuse-surface hook post-rewrite {1}\nuse_stdin: true\n",
    ),
];

/// The clone's lefthook configuration file, if it has one.
pub(crate) fn config_path(top: &Path) -> Option<PathBuf> {
    CONFIG_NAMES
        .iter()
        .map(|name| top.join(name))
        .find(|p| p.is_file())
}

/// The new `lefthook.yml` (created when there is none); empty when every
/// command is there already.
pub(super) fn edits(top: &Path) -> Result<Vec<Edit>> {
    let path = config_path(top).unwrap_or_else(|| top.join(CONFIG_NAMES[0]));
    let existing = read_optional(&path)?;
    let mut text = existing.clone().unwrap_or_default();
    for &(hook, fields) in COMMANDS {
        if !text.contains(&format!("reuse-surface hook {hook}")) {
            text = add_command(&text, hook, fields);
        }
    }
    if existing.as_deref() == Some(text.as_str()) {
        return Ok(Vec::new());
    }
    verify(&text).map_err(|why| {
        Error::usage(format!(
            "cannot add the reuse-surface commands to {} ({why}); nothing was changed. Add them by hand:\n{}",
            path.display(),
            snippet()
        ))
    })?;
    Ok(vec![Edit {
        created: existing.is_none(),
        path,
        bytes: text.into_bytes(),
    }])
}

/// `text` with our command added to `hook`: under its `commands:`, as an
/// item of its `jobs:`, or as a new `commands:` or a new hook block.
fn add_command(text: &str, hook: &str, fields: &str) -> String {
    let lines = lines(text);
    let pad = |n: usize| " ".repeat(n);
    let Some(head) = top_key(&lines, hook) else {
        let block = format!(
            "{hook}:\n  commands:\n    reuse-surface:\n{}",
            indented(fields, 6)
        );
        return insert_at(&lines, lines.len(), &block);
    };
    let end = block_end(&lines, head);
    let child = child_indent(&lines, head + 1, end).unwrap_or(2);
    let under = |key: &str| (head + 1..end).find(|&i| is_key_line(lines[i], key, child));
    if let Some(at) = under("commands") {
        let entry = child_indent(&lines, at + 1, block_end(&lines, at)).unwrap_or(child + 2);
        let block = format!(
            "{}reuse-surface:\n{}",
            pad(entry),
            indented(fields, entry + 2)
        );
        return insert_at(&lines, at + 1, &block);
    }
    if let Some(at) = under("jobs") {
        let item = child_indent(&lines, at + 1, block_end(&lines, at)).unwrap_or(child + 2);
        let block = format!(
            "{}- name: reuse-surface\n{}",
            pad(item),
            indented(fields, item + 2)
        );
        return insert_at(&lines, at + 1, &block);
    }
    let block = format!(
        "{}commands:\n{}reuse-surface:\n{}",
        pad(child),
        pad(child + 2),
        indented(fields, child + 4)
    );
    insert_at(&lines, end, &block)
}

/// Re-reads the edited file: every hook must now run our command.
fn verify(text: &str) -> std::result::Result<(), String> {
    let value = crate::yaml::parse(text).map_err(|e| e.message)?;
    for &(hook, _) in COMMANDS {
        let wanted = format!("reuse-surface hook {hook}");
        let runs = |cmd: &serde_json::Value| {
            cmd.get("run")
                .and_then(|r| r.as_str())
                .is_some_and(|r| r.contains(&wanted))
        };
        let in_commands = value
            .get(hook)
            .and_then(|h| h.get("commands"))
            .and_then(|c| c.as_object())
            .is_some_and(|c| c.values().any(runs));
        let in_jobs = value
            .get(hook)
            .and_then(|h| h.get("jobs"))
            .and_then(|j| j.as_array())
            .is_some_and(|j| j.iter().any(runs));
        if !in_commands && !in_jobs {
            return Err(format!("{hook} would not run it"));
        }
    }
    Ok(())
}

/// What to add by hand.
fn snippet() -> String {
    COMMANDS
        .iter()
        .map(|(hook, fields)| {
            format!(
                "{hook}:\n  commands:\n    reuse-surface:\n{}",
                indented(fields, 6)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_join_an_existing_hook_and_new_hooks_are_appended() {
        let text =
            "# mine\npre-commit:\n  parallel: true\n  commands:\n    lint:\n      run: make lint\n";
        let mut out = text.to_string();
        for &(hook, fields) in COMMANDS {
            out = add_command(&out, hook, fields);
        }
        verify(&out).unwrap();
        assert!(out.starts_with("# mine\npre-commit:\n  parallel: true\n  commands:\n    reuse-surface:\n      run: reuse-surface hook pre-commit\n    lint:\n"), "{out}");
        assert!(out.contains("pre-push:\n  commands:\n    reuse-surface:\n      run: reuse-surface hook pre-push {1} {2}\n      use_stdin: true\n"), "{out}");
    }

    #[test]
    fn a_jobs_list_gets_an_item() {
        let text = "pre-commit:\n  jobs:\n    - name: lint\n      run: make lint\n";
        let out = add_command(text, "pre-commit", COMMANDS[0].1);
        assert!(out.contains("  jobs:\n    - name: reuse-surface\n      run: reuse-surface hook pre-commit\n    - name: lint\n"), "{out}");
    }
}
