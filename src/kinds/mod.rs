//! Registry kinds beyond capabilities (SPEC §2.5): module types and
//! instances, routes, abilities, hooks, or whatever a repository declares
//! under `kinds:` in `registry/config.yaml`. A kind is data ([`KindDecl`]):
//! where its items live, their key, a JSON Schema and coordination rules.
//! Loading ([`load`]) reads every declared file from the same snapshot the
//! capabilities come from, so `validate`, `--staged`, `--rev` and every
//! hook see the kinds alike; [`rules`] checks them; `add` writes them.

pub mod add;
pub mod coordination;
pub mod decl;
mod load;
pub mod rules;

pub use decl::{KindDecl, Overlap, Reference, RuleSeverity};
pub use load::{Items, load};

use crate::yaml::Seg;
use serde_json::Value;

/// One item of a kind, as read.
#[derive(Debug, Clone)]
pub struct Item {
    pub kind: String,
    /// The file (registry-root-relative) holding it.
    pub file: String,
    /// Where in that file: `[list, index]`, or `[]` for a file that is
    /// the item.
    pub at: Vec<Seg>,
    /// The key's value, when the item has one (a string or a number).
    pub key: Option<String>,
    pub value: Value,
}

impl Item {
    /// The path of `field` inside this item, for locating a problem.
    pub fn field_path(&self, field: &str) -> Vec<Seg> {
        let mut p = self.at.clone();
        p.push(Seg::key(field));
        p
    }

    /// The strings `field` holds: itself, or each string of a list.
    pub fn strings(&self, field: &str) -> Vec<&str> {
        match self.value.get(field) {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

/// The paths the declared kinds own: their files and schemas, and the
/// generated pages when any kind is declared. A change to one must be
/// checked (the pre-commit hook's fast path asks, once per staged path,
/// so the globs are compiled once here).
pub struct KindPaths {
    files: Vec<decl::FileMatcher>,
    exact: Vec<String>,
}

impl KindPaths {
    pub fn new(kinds: &std::collections::BTreeMap<String, KindDecl>) -> Self {
        let mut exact: Vec<String> = kinds.values().filter_map(|k| k.schema.clone()).collect();
        if !kinds.is_empty() {
            exact.push(coordination::PAGE_PATH.to_string());
            exact.push(coordination::AGENTS_PATH.to_string());
        }
        KindPaths {
            files: kinds.values().map(KindDecl::matcher).collect(),
            exact,
        }
    }

    /// Whether `path` (registry-root-relative) is one of them.
    pub fn contains(&self, path: &str) -> bool {
        self.exact.iter().any(|p| p == path) || self.files.iter().any(|m| m.matches(path))
    }
}

/// What a value is, in words for a message ("not a list").
pub fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// A key as text: strings as they are, numbers as written; `None` for
/// anything else (a key must be a scalar).
pub fn key_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
