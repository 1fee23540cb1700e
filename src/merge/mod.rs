//! Structural three-way merge of registry index YAML (SPEC §5.2).
//! Placeholder until the merge-driver issue lands: the CLI reports it as
//! not yet available.

use std::path::Path;

/// Merge `ours` with `theirs` against `base`, writing the result into
/// `ours`; returns git's expected exit code (0 clean, 1 conflicts).
pub fn merge_driver(
    _base: &Path,
    _ours: &Path,
    _theirs: &Path,
    _marker_size: usize,
    _path: Option<&str>,
) -> crate::Result<i32> {
    Err(crate::Error::usage("merge-driver is not yet available in this build"))
}
