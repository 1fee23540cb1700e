//! `validate`: check a tree and print its report in the format asked for.

use crate::diagnostics::TermStyle;
use crate::error::exit;
use crate::report::ProblemFormat;
use crate::target::{Target, Which};
use crate::{Error, Result};
use std::io::Write;
use std::path::Path;

/// The format when `--format` is not given: workflow commands inside
/// GitHub Actions (which sets `GITHUB_ACTIONS=true`), else text.
pub(super) fn default_format() -> ProblemFormat {
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        ProblemFormat::Github
    } else {
        ProblemFormat::Text
    }
}

pub(super) fn validate(
    root: Option<&Path>,
    which: &Which,
    format: ProblemFormat,
    style: TermStyle,
    out: &mut dyn Write,
) -> Result<i32> {
    let target = Target::resolve(&super::cwd()?, root, which)?;
    let (reg, mut report) = target.validate_recalling()?;
    // Annotations and code scanning resolve paths from the repository's
    // top, not from the registry's directory.
    if matches!(format, ProblemFormat::Github | ProblemFormat::Sarif) {
        report = report.from_repo_top(&repo_prefix(&target));
    }
    let code = if report.errors() > 0 {
        exit::PROBLEMS
    } else {
        exit::OK
    };
    match report.write(out, format, style, &reg, target.snapshot()) {
        // The reader stopped listening: the verdict stands, quietly.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.map_err(Error::from)?,
    }
    // The process ends right after: freeing ten thousand parsed entries
    // one allocation at a time would only delay the exit.
    std::mem::forget(reg);
    Ok(code)
}

/// Where the registry sits in its repository (`""` or `dir/`).
fn repo_prefix(target: &Target) -> String {
    if !target.prefix().is_empty() {
        return target.prefix().to_string();
    }
    crate::git::open(target.root())
        .map(|repo| repo.prefix_of(target.root()))
        .unwrap_or_default()
}
