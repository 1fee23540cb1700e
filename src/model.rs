//! The registry's data model (SPEC §2): entries are authoritative, index
//! rows are derived from them. Values arrive here only after the JSON
//! Schema accepted them, so deserialisation cannot fail on shape.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the registry's files live, relative to the registry root.
pub const INDEX_PATH: &str = "registry/indexes/capabilities.yaml";
pub const ENTRIES_DIR: &str = "registry/capabilities";
pub const CONFIG_PATH: &str = "registry/config.yaml";

/// The four maturity dimensions, in vector order.
pub const DIMENSIONS: [&str; 4] = ["D", "A", "C", "R"];

/// One maturity dimension's claimed and intended level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
pub struct Level {
    pub current: u8,
    #[serde(default)]
    pub target: Option<u8>,
}

/// JSON leaves a missing target out; a binary form without field names
/// (the entry caches' `postcard`) must write every field, in order.
impl Serialize for Level {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let omit_target = s.is_human_readable() && self.target.is_none();
        let mut level = s.serialize_struct("Level", if omit_target { 1 } else { 2 })?;
        level.serialize_field("current", &self.current)?;
        if omit_target {
            level.skip_field("target")?;
        } else {
            level.serialize_field("target", &self.target)?;
        }
        level.end()
    }
}

/// The maturity block, keyed by dimension letter.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[allow(non_snake_case)]
pub struct Maturity {
    pub D: Level,
    pub A: Level,
    pub C: Level,
    pub R: Level,
}

impl Maturity {
    /// Levels in D, A, C, R order, for loops that treat dimensions alike.
    pub fn levels(&self) -> [(&'static str, Level); 4] {
        [("D", self.D), ("A", self.A), ("C", self.C), ("R", self.R)]
    }

    /// The index's `vector` form: `D5/A4/C5/R3`.
    pub fn vector(&self) -> String {
        format!(
            "D{}/A{}/C{}/R{}",
            self.D.current, self.A.current, self.C.current, self.R.current
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
pub struct Relations {
    #[serde(default)]
    pub depends_on: Vec<String>,
    #[serde(default)]
    pub extends: Vec<String>,
    #[serde(default)]
    pub overlaps: Vec<String>,
    #[serde(default)]
    pub supersedes: Vec<String>,
}

impl Relations {
    /// Every relation as (kind, index within kind, target).
    pub fn all(&self) -> Vec<(&'static str, usize, &str)> {
        let mut out = Vec::new();
        for (kind, list) in [
            ("depends_on", &self.depends_on),
            ("extends", &self.extends),
            ("overlaps", &self.overlaps),
            ("supersedes", &self.supersedes),
        ] {
            for (i, target) in list.iter().enumerate() {
                out.push((kind, i, target.as_str()));
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
pub struct Availability {
    #[serde(default)]
    pub current_artifacts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Promotion {
    pub date: String,
    pub dimension: String,
    pub from: u8,
    pub to: u8,
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// A capability entry's front matter (the authoritative record).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub status: String,
    /// Who answers for the capability (shown in the catalog).
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub surface: Vec<String>,
    pub maturity: Maturity,
    #[serde(default)]
    pub evidence: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub availability: Availability,
    #[serde(default)]
    pub relations: Relations,
    #[serde(default)]
    pub promotion_history: Vec<Promotion>,
    #[serde(default)]
    pub updated: Option<String>,
}

impl Entry {
    pub fn evidence(&self, kind: &str) -> &[String] {
        self.evidence.get(kind).map_or(&[], Vec::as_slice)
    }

    /// The index row this entry derives (SPEC §2.1).
    pub fn derive_row(&self, path: &str) -> IndexRow {
        IndexRow {
            id: self.id.clone(),
            title: Some(self.title.clone()),
            status: Some(self.status.clone()),
            vector: Some(self.maturity.vector()),
            path: path.to_string(),
        }
    }
}

/// One row of `registry/indexes/capabilities.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct IndexRow {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub vector: Option<String>,
    pub path: String,
}

impl IndexRow {
    /// The derived fields in file order, as (name, value) for diffing.
    pub fn derived_fields(&self) -> [(&'static str, Option<&str>); 4] {
        [
            ("title", self.title.as_deref()),
            ("status", self.status.as_deref()),
            ("vector", self.vector.as_deref()),
            ("path", Some(self.path.as_str())),
        ]
    }
}

impl IndexRow {
    /// Derived fields where this row differs from `derived`, as
    /// (field, row value, entry value).
    pub fn drift<'a>(
        &'a self,
        derived: &'a IndexRow,
    ) -> Vec<(&'static str, Option<&'a str>, Option<&'a str>)> {
        self.derived_fields()
            .into_iter()
            .zip(derived.derived_fields())
            .filter(|((_, have), (_, want))| have != want)
            .map(|((field, have), (_, want))| (field, have, want))
            .collect()
    }
}

/// The index document.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Index {
    pub schema_version: u32,
    #[serde(default)]
    pub updated: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub capabilities: Vec<IndexRow>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// The newest entry `updated` date when the index's own `updated` is older
/// (or missing): the one rule behind `stale-index-date` and the
/// `index_date_bump` patch.
pub fn stale_index_date<'a>(
    index_updated: Option<&str>,
    entries: impl IntoIterator<Item = &'a Entry>,
) -> Option<&'a str> {
    let newest = entries
        .into_iter()
        .filter_map(|e| e.updated.as_deref())
        .max()?;
    index_updated.is_none_or(|u| u < newest).then_some(newest)
}

/// Is `path` a CI workflow file (SPEC §2.4)?
pub fn is_ci_workflow(path: &str) -> bool {
    path.starts_with(".github/workflows/")
        || path.starts_with(".gitea/workflows/")
        || path.starts_with(".forgejo/workflows/")
        || path == ".gitlab-ci.yml"
        || path.starts_with(".ci/")
        || path == ".travis.yml"
        || path.starts_with(".circleci/")
}

/// Does `id` match the canonical id pattern of SPEC §2.2?
pub fn is_valid_id(id: &str) -> bool {
    let mut parts = id.split('.');
    let Some(first) = parts.next() else {
        return false;
    };
    let ok_part = |p: &str, first: bool| {
        let mut chars = p.chars();
        match chars.next() {
            Some(c) if first && c.is_ascii_lowercase() => {}
            Some(c) if !first && (c.is_ascii_lowercase() || c.is_ascii_digit()) => {}
            _ => return false,
        }
        chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    let mut rest = 0;
    for p in parts {
        if !ok_part(p, false) {
            return false;
        }
        rest += 1;
    }
    ok_part(first, true) && rest > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_valid_id("capability.statehub.workstream-coordinate"));
        assert!(is_valid_id("a.0b"));
        assert!(!is_valid_id("capability"));
        assert!(!is_valid_id("Cap.x"));
        assert!(!is_valid_id("a..b"));
        assert!(!is_valid_id("1a.b"));
    }
}
