//! The integration tests, in one test binary (one link instead of one per
//! feature): one module per feature beside this file in `tests/integration/`, plus the
//! shared test-repository builder (`common`) and test servers (`support`).
//!
//! Every test runs on a thread of this one process, so nothing here may
//! change process-wide state (the environment, the current directory):
//! each `Command` gets its environment and directory of its own (see
//! [`common::isolated`]), and the tests that call into the library, which
//! spawns git with the process environment, run in a child process of this
//! binary ([`support::isolated_git`]).

#[path = "../common/mod.rs"]
mod common;
#[path = "../support/mod.rs"]
mod support;

mod checks;
mod cli;
mod demo;
mod establish;
mod hooks;
mod hostile;
mod install;
mod maintain;
mod merge_driver;
mod merge_props;
mod publish;
mod update;
mod yaml_fast_path;
