//! Which registries of the clone the `.gitattributes` line must cover, as
//! prefixes relative to the top level (`""` for `registry/` at the top,
//! `svc` for `svc/registry/`): the directory install starts from when the
//! caller says the registry is there (`establish --path`), else the one
//! found from there, else every index git tracks (or would add), else the
//! top level (a registry not written yet).

use std::path::Path;

use super::layout::Layout;
use crate::git::cmd;
use crate::model::INDEX_PATH;
use crate::{Error, Result};

/// The registry prefixes for the clone of `layout`; `here`: the registry
/// is (or is about to be) in the directory install starts from.
pub(super) fn registry_prefixes(layout: &Layout, here: bool) -> Result<Vec<String>> {
    if here {
        return Ok(vec![prefix_of(layout, &layout.start_dir)?]);
    }
    if let Ok(root) = crate::registry::find_root(&layout.start_dir, None)
        && let Ok(prefix) = prefix_of(layout, &root)
    {
        return Ok(vec![prefix]);
    }
    let tracked = tracked_prefixes(layout)?;
    if tracked.is_empty() {
        return Ok(vec![String::new()]);
    }
    Ok(tracked)
}

/// The index path of the registry at `prefix`, relative to the top level.
pub fn index_path(prefix: &str) -> String {
    if prefix.is_empty() {
        INDEX_PATH.to_string()
    } else {
        format!("{prefix}/{INDEX_PATH}")
    }
}

/// `dir` relative to the top level, `/`-separated; refuses a directory
/// outside the working tree.
fn prefix_of(layout: &Layout, dir: &Path) -> Result<String> {
    let canon = |p: &Path| std::fs::canonicalize(p).map_err(|e| Error::io(p, e));
    let (dir, top) = (canon(dir)?, canon(&layout.toplevel)?);
    let rel = dir.strip_prefix(&top).map_err(|_| {
        Error::usage(format!(
            "{} is outside the working tree {}",
            dir.display(),
            top.display()
        ))
    })?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}

/// The prefix of every index git tracks or would add.
fn tracked_prefixes(layout: &Layout) -> Result<Vec<String>> {
    let glob = format!(":(glob)**/{INDEX_PATH}");
    // Tracked, or new and not ignored: a registry not committed yet counts.
    let out = cmd::output(
        &layout.toplevel,
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
            "--",
            &glob,
        ],
    )?;
    if !out.status.success() {
        return Err(Error::git(format!(
            "git ls-files failed: {}",
            cmd::stderr_text(&out)
        )));
    }
    let text = cmd::stdout_text(&out);
    let mut prefixes: Vec<String> = text
        .split('\0')
        .filter_map(|p| p.strip_suffix(INDEX_PATH))
        .map(|p| p.trim_end_matches('/').to_string())
        .collect();
    prefixes.sort();
    prefixes.dedup();
    Ok(prefixes)
}

/// The registry prefixes install would cover from where `layout` starts
/// (for `doctor`).
pub fn covered_registries(layout: &Layout) -> Result<Vec<String>> {
    registry_prefixes(layout, false)
}
