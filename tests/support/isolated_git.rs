//! Run a test in a child process of this test binary with an isolated
//! environment, for the tests that call into the library (`install`,
//! `establish`): the library spawns `git` (and opens repositories) with
//! the *process* environment, and every test of this binary shares one
//! process, so the environment cannot be set process-wide without leaking
//! between tests running on parallel threads. Instead it is passed per
//! command, to the child:
//!
//! ```text
//! #[test]
//! fn some_test() {
//!     isolated_git::run(|_home| {}, || {
//!         // runs in the child: HOME is a fresh directory, no system git
//!         // config, fixed identity, nothing of the caller's git setup
//!     });
//! }
//! ```
//!
//! The parent makes a fresh `HOME` for the one test (so tests share no
//! state), lets `setup` fill it, and re-runs this binary filtered to
//! exactly that test, with [`crate::common::isolated`]'s environment and
//! [`CHILD`] set; the child sees [`CHILD`] and runs the body. The parent
//! fails with the child's output unless the child ran that one test and
//! it passed.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Set (to the test's name) in the child process that runs a test's body.
pub const CHILD: &str = "REUSE_SURFACE_ISOLATED_TEST";

/// Run `body` in a child process with an isolated environment whose
/// `HOME` (a fresh directory) `setup` prepared first. Call it as the whole
/// of a `#[test]` function.
pub fn run(setup: impl FnOnce(&Path), body: impl FnOnce()) {
    let name = std::thread::current()
        .name()
        .expect("a test thread is named after its test")
        .to_string();
    if let Some(child) = std::env::var_os(CHILD) {
        assert_eq!(child, name.as_str(), "the child ran another test");
        body();
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("home").to_path_buf();
    std::fs::create_dir_all(&home).expect("create home");
    let home = home.canonicalize().expect("canonicalize home");
    setup(&home);
    let exe = std::env::current_exe().expect("the test binary");
    let out = crate::common::isolated(&mut Command::new(exe), &home)
        .args([name.as_str(), "--exact", "--test-threads=1"])
        .env(CHILD, &name)
        .current_dir(tmp.path())
        .output()
        .expect("run the test in a child process");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{name} failed in its isolated child process ({}):\n--- stdout\n{stdout}--- stderr\n{stderr}",
        out.status
    );
}

/// The isolated `HOME` of the running test (in the child process of
/// [`run`]).
pub fn home() -> PathBuf {
    assert!(
        std::env::var_os(CHILD).is_some(),
        "only inside isolated_git::run"
    );
    PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
}
