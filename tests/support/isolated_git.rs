//! Point git (and reuse-surface) at an isolated environment: `HOME` and
//! `XDG_CONFIG_HOME` under `base`, no system config, a fixed identity, and
//! none of the variables a calling git or shell may have left set. Shared
//! by the test binaries that drive `git` through the process environment.

use std::path::Path;

/// Set the isolated environment. Call once per test process, before any
/// test starts git or reads the environment (from inside a `OnceLock`
/// initialiser every test goes through first).
pub fn isolate(base: &Path) {
    // SAFETY: per the contract above, no other thread reads or writes the
    // environment while this runs.
    unsafe {
        std::env::set_var("HOME", base);
        std::env::set_var("XDG_CONFIG_HOME", base.join(".config"));
        std::env::set_var("GIT_CONFIG_NOSYSTEM", "1");
        std::env::set_var("GIT_AUTHOR_NAME", "Test Author");
        std::env::set_var("GIT_AUTHOR_EMAIL", "author@example.invalid");
        std::env::set_var("GIT_COMMITTER_NAME", "Test Committer");
        std::env::set_var("GIT_COMMITTER_EMAIL", "committer@example.invalid");
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_COMMON_DIR",
            "GIT_OBJECT_DIRECTORY",
            "GIT_CONFIG_GLOBAL",
            "GIT_CONFIG_SYSTEM",
            "GIT_CONFIG_PARAMETERS",
            "GIT_CONFIG_COUNT",
            "REUSE_SURFACE_SKIP",
            "REUSE_SURFACE_BIN",
        ] {
            std::env::remove_var(var);
        }
    }
}
