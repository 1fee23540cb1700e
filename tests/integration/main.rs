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

mod catalog;
mod checked_tree;
mod checks;
mod clean_trees;
mod cli;
mod cli_conventions;
mod demo;
mod doctor;
mod driver_fallback;
mod establish;
mod fuzz_corpus;
mod gate;
mod globs;
mod hook_writes;
mod hooks;
mod hostile;
mod install;
mod kept_hooks;
mod kill;
mod kinds;
mod lfs;
mod maintain;
mod managers;
mod merge_derived;
mod merge_driver;
mod merge_git_rule;
mod merge_props;
mod merge_quality;
mod model_cache;
mod nested_registry;
mod one_target;
mod parse_errors;
mod precommit_framework;
mod publish;
mod server;
mod unchanged_tree;
mod update;
mod wheel;
mod yaml_documents;
mod yaml_fast_path;
