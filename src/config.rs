//! `registry/config.yaml`: per-repository policy. Severity overrides work
//! like a linter's (`checks: {unsupported-level: error}`), extra signal
//! rules extend the built-in collectors, and merge keys name the key field
//! of keyed lists for the merge driver.

use crate::diagnostics::{Problem, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What a severity override says: a new severity, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Override {
    Error,
    Warning,
    Off,
}

/// An extra signal rule: paths matching `glob` are evidence of kind `field`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SignalRule {
    pub glob: String,
    pub field: String,
}

/// The parsed configuration (defaults when the file is absent).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Config {
    #[serde(default, deserialize_with = "null_default")]
    pub checks: BTreeMap<String, Override>,
    #[serde(default, deserialize_with = "null_default")]
    pub signals: Vec<SignalRule>,
    #[serde(default = "default_delta")]
    pub auto_max_delta: u8,
}

fn default_delta() -> u8 {
    1
}

fn null_default<'de, D: serde::Deserializer<'de>, T: Deserialize<'de> + Default>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

impl Default for Config {
    fn default() -> Self {
        Config {
            checks: BTreeMap::new(),
            signals: Vec::new(),
            auto_max_delta: 1,
        }
    }
}

impl Config {
    /// Apply severity overrides; problems switched `off` are dropped.
    pub fn apply_overrides(&self, problems: Vec<Problem>) -> Vec<Problem> {
        problems
            .into_iter()
            .filter_map(|mut p| {
                match self.checks.get(p.check) {
                    Some(Override::Off) => return None,
                    Some(Override::Error) => p.severity = Severity::Error,
                    Some(Override::Warning) => p.severity = Severity::Warning,
                    None => {}
                }
                Some(p)
            })
            .collect()
    }
}
