//! reuse-surface: keeps a capability registry honest inside git repositories.
pub mod error;
pub mod merge;
pub mod yaml;

pub use error::{Error, Result};
pub mod atomic;
pub mod change;
pub mod check;
pub mod checks;
pub mod cli;
pub mod config;
pub mod demo;
pub mod diagnostics;
pub mod frontmatter;
pub mod git;
pub mod hooks;
pub mod install;
pub mod llm;
pub mod maintain;
pub mod model;
pub mod parallel;
pub mod patches;
pub mod publish;
pub mod registry;
pub mod scaffold;
pub mod schema;
pub mod snapshot;
pub mod stats;
