//! The conventions people expect of a CLI (issue #12 items 4 and 7, issue
//! #13 item 16): exit codes and a closed pipe (`exit`), one line for a
//! panic (`panics`), colour (`colour`), the CI formats and their schemas
//! (`formats`), help, completions and the man page (`docs`), and the CI
//! templates (`templates`).

mod colour;
mod docs;
mod exit;
mod formats;
mod panics;
mod templates;

use crate::common::*;
use std::process::Stdio;

/// A registry with one fixable error (vector drift) and one fixable
/// warning (a stale index date).
fn drifted() -> Repo {
    let repo = Repo::with_registry();
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    repo.replace(GAMMA, "updated: 2026-05-01", "updated: 2026-07-01");
    repo
}

/// Run the binary with `args` (and `env`) and stdout a pipe whose reader
/// is already closed, so the first write fails with EPIPE for certain.
fn run_into_closed_pipe(repo: &Repo, args: &[&str], env: &[(&str, &str)]) -> Run {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut cmd = repo.command(BIN);
    cmd.args(args).stdout(writer).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    repo.run_cmd(&mut cmd)
}

/// A tool the tests need from outside Rust, or a failure naming how to get it.
fn require_tool(tool: &str, install: &str) {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`{tool}` is required by this test and is not on PATH: {install} (.ci/run installs it)"
    );
}
