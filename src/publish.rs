//! `establish --publish-check --raw-url URL`: after validating locally,
//! fetch the published raw index (what consumers of this registry read)
//! and say whether it is valid and in step with the local one.

use crate::model::{INDEX_PATH, Index};
use crate::registry;
use crate::schema::SchemaKind;
use crate::snapshot::WorkTree;
use crate::{Error, Result};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// Largest published index we download.
const MAX_BYTES: u64 = 32 * 1024 * 1024;

/// Fetch a URL as text with a 30 s overall timeout and a size limit.
pub fn fetch(url: &str) -> Result<String> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Error::usage(format!(
            "--raw-url must be an http:// or https:// URL, not `{url}`"
        )));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        // An unreachable published index fails the check (exit 1), as an
        // HTTP error does: it is what the check is for, not a bug.
        .map_err(|e| Error::Invalid(format!("cannot fetch {url}: {e}")))?;
    let status = response.status();
    if !status.is_success() {
        return Err(Error::Invalid(format!("{url} answered HTTP {status}")));
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_BYTES)
        .read_to_string()
        .map_err(|e| Error::Invalid(format!("cannot read the body of {url}: {e}")))
}

/// Validate the local registry at `root`, then compare the published index
/// at `url` with the local one. Returns the exit code (0 pass, 1 fail).
pub fn publish_check(root: &Path, url: &str, out: &mut dyn Write) -> Result<i32> {
    let root = registry::find_root(root, None)?;
    let snap = WorkTree::new(&root)?;
    let reg = registry::load(&snap)?;
    let problems = crate::checks::run(&reg, &snap);
    let errors = problems
        .iter()
        .filter(|p| p.severity == crate::diagnostics::Severity::Error)
        .count();
    if errors > 0 {
        writeln!(
            out,
            "publish check: FAIL: the local registry has {errors} error(s); run `reuse-surface validate`"
        )?;
        return Ok(1);
    }
    let body = fetch(url)?;
    let (source, load_problems) =
        registry::parse_yaml_file(INDEX_PATH, body.as_bytes(), SchemaKind::Index);
    if let Some(p) = load_problems.first() {
        let at = p.line.map(|l| format!(" (line {l})")).unwrap_or_default();
        writeln!(
            out,
            "publish check: FAIL: the published index at {url} is not valid: {}{at}",
            p.message
        )?;
        return Ok(1);
    }
    let published: Index = match source.value.map(serde_json::from_value) {
        Some(Ok(index)) => index,
        _ => {
            writeln!(
                out,
                "publish check: FAIL: the published index at {url} is not an index document"
            )?;
            return Ok(1);
        }
    };
    let local_rows = reg
        .index
        .as_ref()
        .map(|i| i.capabilities.clone())
        .unwrap_or_default();
    let local: BTreeSet<(&str, Option<&str>)> = local_rows
        .iter()
        .map(|r| (r.id.as_str(), r.vector.as_deref()))
        .collect();
    let remote: BTreeSet<(&str, Option<&str>)> = published
        .capabilities
        .iter()
        .map(|r| (r.id.as_str(), r.vector.as_deref()))
        .collect();
    if local == remote {
        writeln!(
            out,
            "publish check: PASS: {url} serves a valid index with the same {} capabilities",
            local.len()
        )?;
        return Ok(0);
    }
    writeln!(
        out,
        "publish check: FAIL: {url} serves a valid index that differs from the local one:"
    )?;
    for (id, vector) in local.difference(&remote) {
        writeln!(out, "  local only:     {id} {}", vector.unwrap_or("-"))?;
    }
    for (id, vector) in remote.difference(&local) {
        writeln!(out, "  published only: {id} {}", vector.unwrap_or("-"))?;
    }
    writeln!(
        out,
        "  (push and publish the local registry, or pull the published one)"
    )?;
    Ok(1)
}
