//! The `.gitattributes` line that routes the index files to our merge
//! driver. Unlike the driver's config it is committed and shared by every
//! clone, so install adds it (keeping the file's line ending and any
//! symlink) and uninstall never removes it. A registry below the top level
//! (`svc/registry/`) gets its prefix in the pattern. Whether the line
//! works is asked of git (`git check-attr`), not read from the file: a
//! later line, a `.gitattributes` nearer the file or `.git/info/attributes`
//! can override it.

use std::path::Path;

use crate::atomic::{PendingFile, write_batch};
use crate::git::cmd;
use crate::{Error, Result};

/// The `.gitattributes` line routing a top-level registry's index files to
/// the merge driver.
pub const ATTRIBUTES_LINE: &str = "registry/indexes/*.yaml merge=reuse-surface";
const ATTRIBUTES_PATTERN: &str = "registry/indexes/*.yaml";
const ATTRIBUTES_VALUE: &str = "merge=reuse-surface";
/// The driver's name, as `git check-attr merge` reports it when it applies.
const DRIVER_NAME: &str = "reuse-surface";

/// The pattern for the index files of the registry at `prefix` (relative to
/// the top level, `/`-separated, `""` for the top level), with glob
/// characters escaped and C-quoted when it holds blanks or quotes.
pub fn attributes_pattern(prefix: &str) -> String {
    pattern_under(prefix, ATTRIBUTES_PATTERN)
}

/// `files` (a registry-relative path or glob) as a pattern from the top
/// level, for the registry at `prefix`.
pub fn pattern_under(prefix: &str, files: &str) -> String {
    if prefix.is_empty() && !files.contains([' ', '\t', '"']) {
        return files.to_string();
    }
    let mut escaped = String::new();
    for c in prefix.trim_end_matches('/').chars() {
        if matches!(c, '*' | '?' | '[' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    let pattern = if escaped.is_empty() {
        files.to_string()
    } else {
        format!("{escaped}/{files}")
    };
    if pattern.contains([' ', '\t', '"']) {
        format!("\"{}\"", pattern.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        pattern
    }
}

/// The line for the registry at `prefix` (see `attributes_pattern`).
pub fn attributes_line(prefix: &str) -> String {
    format!("{} {ATTRIBUTES_VALUE}", attributes_pattern(prefix))
}

/// Whether `.gitattributes` text already routes a top-level registry's
/// index files to our driver.
pub fn has_attributes_line(content: &[u8]) -> bool {
    has_line_for(content, "")
}

/// Whether `.gitattributes` text holds the line for the registry at `prefix`.
pub(super) fn has_line_for(content: &[u8], prefix: &str) -> bool {
    has_pattern_line(content, &attributes_pattern(prefix))
}

/// The line routing `pattern` (see [`pattern_under`]) to the driver.
pub fn pattern_line(pattern: &str) -> String {
    format!("{pattern} {ATTRIBUTES_VALUE}")
}

/// Whether `.gitattributes` text routes `pattern` to the driver.
pub(super) fn has_pattern_line(content: &[u8], pattern: &str) -> bool {
    content.split(|&b| b == b'\n').any(|line| {
        let line = String::from_utf8_lossy(line);
        let line = line.trim_start();
        line.strip_prefix(pattern).is_some_and(|rest| {
            rest.starts_with([' ', '\t']) && rest.split_whitespace().any(|w| w == ATTRIBUTES_VALUE)
        })
    })
}

/// Whether the file at `path` exists and holds the line for `prefix`.
pub(super) fn line_present(path: &Path, prefix: &str) -> Result<bool> {
    Ok(read_optional(path)?.is_some_and(|content| has_line_for(&content, prefix)))
}

/// Whether the file at `path` exists and routes `pattern` to the driver.
pub(super) fn pattern_present(path: &Path, pattern: &str) -> Result<bool> {
    Ok(read_optional(path)?.is_some_and(|content| has_pattern_line(&content, pattern)))
}

/// The `merge` attribute git resolves for `index` (relative to the top
/// level `top`): `reuse-surface`, `unspecified`, `unset`, `set` or another
/// driver's name.
pub fn resolved_merge_attribute(top: &Path, index: &str) -> Result<String> {
    let out = cmd::output(top, &["check-attr", "-z", "merge", "--", index])?;
    if !out.status.success() {
        return Err(Error::git(format!(
            "git check-attr merge -- {index} failed: {}",
            cmd::stderr_text(&out)
        )));
    }
    // `-z`: path NUL attribute NUL value NUL.
    let text = cmd::stdout_text(&out);
    Ok(text.split('\0').nth(2).unwrap_or("unspecified").to_string())
}

/// Whether git routes `index` to our driver.
pub fn routes_to_driver(value: &str) -> bool {
    value == DRIVER_NAME
}

/// Appends `line` to the file at `path` with the file's own line ending,
/// creating it if needed; returns whether it was created.
pub(super) fn add_attributes_line(path: &Path, line: &str) -> Result<bool> {
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
    content.extend_from_slice(line.as_bytes());
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

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(c) => Ok(Some(c)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}
