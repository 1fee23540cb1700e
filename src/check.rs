//! The catalogue of checks (SPEC §3): one [`Check`] per slug, with what
//! does not change from one run to the next (default severity, whether a
//! patch can fix it, its documentation). The checks themselves run in
//! `checks`; this module is what they, the config and `explain` agree on,
//! so a slug is spelled in exactly one place.

use crate::diagnostics::Severity;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One kind of problem. The slug is the stable, public name (JSON output,
/// `registry/config.yaml`, `explain`); the variant is what code matches on.
/// Checks order by slug (see the `Ord` impl), as they did as strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    ParseError,
    Schema,
    DuplicateId,
    AliasCollision,
    MissingEntry,
    MissingIndexRow,
    IdMismatch,
    VectorDrift,
    UnknownRelation,
    AliasRelation,
    SelfRelation,
    DependencyCycle,
    EvidenceMissing,
    PathEscape,
    UnsupportedLevel,
    HistoryMismatch,
    TargetBelowCurrent,
    StaleIndexDate,
    DeprecatedDependency,
    DuplicateItem,
    CatalogDrift,
    DuplicateKey,
    UnknownReference,
    RouteOverlap,
    CoordinationDrift,
}

impl Check {
    /// Every check, in the order of the SPEC §3 table.
    pub const ALL: [Check; 25] = [
        Check::ParseError,
        Check::Schema,
        Check::DuplicateId,
        Check::AliasCollision,
        Check::MissingEntry,
        Check::MissingIndexRow,
        Check::IdMismatch,
        Check::VectorDrift,
        Check::UnknownRelation,
        Check::AliasRelation,
        Check::SelfRelation,
        Check::DependencyCycle,
        Check::EvidenceMissing,
        Check::PathEscape,
        Check::UnsupportedLevel,
        Check::HistoryMismatch,
        Check::TargetBelowCurrent,
        Check::StaleIndexDate,
        Check::DeprecatedDependency,
        Check::DuplicateItem,
        Check::CatalogDrift,
        Check::DuplicateKey,
        Check::UnknownReference,
        Check::RouteOverlap,
        Check::CoordinationDrift,
    ];

    /// The stable public name.
    pub fn slug(self) -> &'static str {
        match self {
            Check::ParseError => "parse-error",
            Check::Schema => "schema",
            Check::DuplicateId => "duplicate-id",
            Check::AliasCollision => "alias-collision",
            Check::MissingEntry => "missing-entry",
            Check::MissingIndexRow => "missing-index-row",
            Check::IdMismatch => "id-mismatch",
            Check::VectorDrift => "vector-drift",
            Check::UnknownRelation => "unknown-relation",
            Check::AliasRelation => "alias-relation",
            Check::SelfRelation => "self-relation",
            Check::DependencyCycle => "dependency-cycle",
            Check::EvidenceMissing => "evidence-missing",
            Check::PathEscape => "path-escape",
            Check::UnsupportedLevel => "unsupported-level",
            Check::HistoryMismatch => "history-mismatch",
            Check::TargetBelowCurrent => "target-below-current",
            Check::StaleIndexDate => "stale-index-date",
            Check::DeprecatedDependency => "deprecated-dependency",
            Check::DuplicateItem => "duplicate-item",
            Check::CatalogDrift => "catalog-drift",
            Check::DuplicateKey => "duplicate-key",
            Check::UnknownReference => "unknown-reference",
            Check::RouteOverlap => "route-overlap",
            Check::CoordinationDrift => "coordination-drift",
        }
    }

    /// The check a slug names, if any.
    pub fn from_slug(slug: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|c| c.slug() == slug)
    }

    /// The severity before `registry/config.yaml` overrides it.
    pub fn default_severity(self) -> Severity {
        match self {
            Check::AliasRelation
            | Check::UnsupportedLevel
            | Check::HistoryMismatch
            | Check::TargetBelowCurrent
            | Check::StaleIndexDate
            | Check::DeprecatedDependency
            | Check::DuplicateItem
            | Check::CatalogDrift
            | Check::RouteOverlap
            | Check::CoordinationDrift => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// Whether `reuse-surface update --apply` (and the pre-commit hook)
    /// can repair it without a person deciding anything.
    pub fn fixable(self) -> bool {
        matches!(
            self,
            Check::MissingIndexRow
                | Check::VectorDrift
                | Check::AliasRelation
                | Check::StaleIndexDate
                | Check::CatalogDrift
        )
    }

    /// Whether `registry/config.yaml` may change its severity. A file that
    /// does not parse or does not match its schema is not loaded at all, so
    /// every other check is blind to it: letting these pass as warnings (or
    /// not at all) would let a broken registry through a commit silently.
    pub fn overridable(self) -> bool {
        !matches!(self, Check::ParseError | Check::Schema)
    }

    /// One line for `explain --list` (the "what" column of SPEC §3).
    pub fn summary(self) -> &'static str {
        match self {
            Check::ParseError => "YAML or front matter does not parse",
            Check::Schema => {
                "a file violates its JSON Schema (or the config names an unknown check)"
            }
            Check::DuplicateId => "two entries (or two index rows) share an id",
            Check::AliasCollision => "an alias equals another entry's id or alias",
            Check::MissingEntry => "an index row's `path` does not exist",
            Check::MissingIndexRow => "an entry has no index row",
            Check::IdMismatch => "the row id differs from the entry at its path",
            Check::VectorDrift => "row `vector`/`title`/`status` differs from the entry",
            Check::UnknownRelation => "a relation names no known id or alias",
            Check::AliasRelation => "a relation names an alias instead of the canonical id",
            Check::SelfRelation => "an entry relates to itself",
            Check::DependencyCycle => "`depends_on` forms a cycle",
            Check::EvidenceMissing => "an evidence path does not exist in the tree being checked",
            Check::PathEscape => "a path is absolute, has `..`, or leaves the repository",
            Check::UnsupportedLevel => "a level claims more than its evidence supports",
            Check::HistoryMismatch => "the last `promotion_history` `to` differs from `current`",
            Check::TargetBelowCurrent => "a maturity `target` is below `current`",
            Check::StaleIndexDate => "the index `updated` is older than the newest entry",
            Check::DeprecatedDependency => {
                "an active capability depends on a deprecated or retired one"
            }
            Check::DuplicateItem => {
                "a list that is a set (evidence, surface, aliases, relations) repeats an item"
            }
            Check::CatalogDrift => {
                "the generated `registry/CATALOG.md` differs from what the entries render"
            }
            Check::DuplicateKey => {
                "two items of a kind (or of kinds sharing a key space) have the same key"
            }
            Check::UnknownReference => "a field of a kind's item names no existing item",
            Check::RouteOverlap => {
                "two items of a kind share a value of a list field within one scope (routes' topics)"
            }
            Check::CoordinationDrift => {
                "the generated `registry_coordination.md` differs from the declared rules"
            }
        }
    }

    /// The long documentation `explain` prints: what it means, why it
    /// matters, how to fix it, an example. Kept as Markdown files beside
    /// this module, as rustc keeps its error codes.
    pub fn doc(self) -> &'static str {
        match self {
            Check::ParseError => include_str!("check/parse-error.md"),
            Check::Schema => include_str!("check/schema.md"),
            Check::DuplicateId => include_str!("check/duplicate-id.md"),
            Check::AliasCollision => include_str!("check/alias-collision.md"),
            Check::MissingEntry => include_str!("check/missing-entry.md"),
            Check::MissingIndexRow => include_str!("check/missing-index-row.md"),
            Check::IdMismatch => include_str!("check/id-mismatch.md"),
            Check::VectorDrift => include_str!("check/vector-drift.md"),
            Check::UnknownRelation => include_str!("check/unknown-relation.md"),
            Check::AliasRelation => include_str!("check/alias-relation.md"),
            Check::SelfRelation => include_str!("check/self-relation.md"),
            Check::DependencyCycle => include_str!("check/dependency-cycle.md"),
            Check::EvidenceMissing => include_str!("check/evidence-missing.md"),
            Check::PathEscape => include_str!("check/path-escape.md"),
            Check::UnsupportedLevel => include_str!("check/unsupported-level.md"),
            Check::HistoryMismatch => include_str!("check/history-mismatch.md"),
            Check::TargetBelowCurrent => include_str!("check/target-below-current.md"),
            Check::StaleIndexDate => include_str!("check/stale-index-date.md"),
            Check::DeprecatedDependency => include_str!("check/deprecated-dependency.md"),
            Check::DuplicateItem => include_str!("check/duplicate-item.md"),
            Check::CatalogDrift => include_str!("check/catalog-drift.md"),
            Check::DuplicateKey => include_str!("check/duplicate-key.md"),
            Check::UnknownReference => include_str!("check/unknown-reference.md"),
            Check::RouteOverlap => include_str!("check/route-overlap.md"),
            Check::CoordinationDrift => include_str!("check/coordination-drift.md"),
        }
    }

    /// The check whose slug is closest to `typo`: a slug containing it
    /// first (`drift` → `vector-drift`), else the smallest edit distance.
    pub fn nearest(typo: &str) -> Check {
        let typo = typo.trim().to_ascii_lowercase();
        let rank = |c: &Check| {
            let contains = !typo.is_empty() && c.slug().contains(typo.as_str());
            (!contains, edit_distance(&typo, c.slug()))
        };
        Check::ALL
            .into_iter()
            .min_by_key(rank)
            .expect("there are checks")
    }
}

/// By slug, not by variant: problems sort by check as they did when checks
/// were strings, so output order stays what users and tests know.
impl Ord for Check {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.slug().cmp(other.slug())
    }
}

impl PartialOrd for Check {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// Problems serialize their check as the slug, as they always have.
impl Serialize for Check {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}

impl<'de> Deserialize<'de> for Check {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let slug = String::deserialize(d)?;
        Check::from_slug(&slug).ok_or_else(|| serde::de::Error::custom(unknown_message(&slug)))
    }
}

/// "unknown check `x`; did you mean `y`?", the same words wherever a
/// slug is read (the config, `explain`).
pub fn unknown_message(slug: &str) -> String {
    format!(
        "unknown check `{slug}`; did you mean `{}`?",
        Check::nearest(slug)
    )
}

/// Levenshtein distance over chars (slugs are short: no need for more).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// What `reuse-surface explain SLUG` prints: a header generated from the
/// catalogue (so severity and fixability cannot drift from the code), then
/// the documentation.
pub fn explain(check: Check) -> String {
    let mut facts = vec![format!(
        "default severity: {}",
        check.default_severity().as_str()
    )];
    if check.fixable() {
        facts.push("fixable by `reuse-surface update --apply`".into());
    }
    if !check.overridable() {
        facts.push("cannot be overridden in registry/config.yaml".into());
    }
    format!(
        "{}: {}\n({})\n\n{}",
        check.slug(),
        check.summary(),
        facts.join("; "),
        check.doc().trim_end()
    )
}

/// What `reuse-surface explain --list` prints: every check with its
/// default severity and summary, one a line.
pub fn list() -> String {
    let width = Check::ALL.iter().map(|c| c.slug().len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in Check::ALL {
        let fixable = if c.fixable() { "fixable" } else { "" };
        out.push_str(&format!(
            "{:<width$}  {:<7}  {:<7}  {}\n",
            c.slug(),
            c.default_severity().as_str(),
            fixable,
            c.summary()
        ));
    }
    out.push_str("\n`reuse-surface explain SLUG` prints what a check means and how to fix it.\n");
    out
}

/// `reuse-surface explain [SLUG | --list]`: the doc of one check, or the
/// list without a slug; an unknown slug is a usage error (exit 2) naming
/// the nearest one.
pub fn explain_command(slug: Option<&str>, out: &mut dyn std::io::Write) -> crate::Result<i32> {
    let text = match slug {
        None => list(),
        Some(slug) => match Check::from_slug(slug) {
            Some(check) => explain(check) + "\n",
            None => {
                return Err(crate::Error::usage(format!(
                    "{} (`reuse-surface explain --list` lists every check)",
                    unknown_message(slug)
                )));
            }
        },
    };
    out.write_all(text.as_bytes())?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slug_round_trips() {
        for c in Check::ALL {
            assert_eq!(Check::from_slug(c.slug()), Some(c), "{c:?}");
            assert_eq!(c.to_string(), c.slug());
            assert_eq!(serde_json::to_value(c).unwrap(), c.slug());
        }
        assert_eq!(Check::from_slug("vector_drift"), None);
        assert_eq!(Check::from_slug(""), None);
    }

    /// SPEC §3, row by row: the variant, the slug, the default severity and
    /// whether it is fixable.
    #[test]
    fn the_spec_table() {
        use Severity::{Error as E, Warning as W};
        let table = [
            (Check::ParseError, "parse-error", E, false),
            (Check::Schema, "schema", E, false),
            (Check::DuplicateId, "duplicate-id", E, false),
            (Check::AliasCollision, "alias-collision", E, false),
            (Check::MissingEntry, "missing-entry", E, false),
            (Check::MissingIndexRow, "missing-index-row", E, true),
            (Check::IdMismatch, "id-mismatch", E, false),
            (Check::VectorDrift, "vector-drift", E, true),
            (Check::UnknownRelation, "unknown-relation", E, false),
            (Check::AliasRelation, "alias-relation", W, true),
            (Check::SelfRelation, "self-relation", E, false),
            (Check::DependencyCycle, "dependency-cycle", E, false),
            (Check::EvidenceMissing, "evidence-missing", E, false),
            (Check::PathEscape, "path-escape", E, false),
            (Check::UnsupportedLevel, "unsupported-level", W, false),
            (Check::HistoryMismatch, "history-mismatch", W, false),
            (Check::TargetBelowCurrent, "target-below-current", W, false),
            (Check::StaleIndexDate, "stale-index-date", W, true),
            (
                Check::DeprecatedDependency,
                "deprecated-dependency",
                W,
                false,
            ),
            (Check::DuplicateItem, "duplicate-item", W, false),
            (Check::CatalogDrift, "catalog-drift", W, true),
            (Check::DuplicateKey, "duplicate-key", E, false),
            (Check::UnknownReference, "unknown-reference", E, false),
            (Check::RouteOverlap, "route-overlap", W, false),
            (Check::CoordinationDrift, "coordination-drift", W, false),
        ];
        assert_eq!(table.len(), Check::ALL.len());
        for (i, (check, slug, severity, fixable)) in table.into_iter().enumerate() {
            assert_eq!(Check::ALL[i], check, "ALL follows the SPEC order");
            assert_eq!(check.slug(), slug);
            assert_eq!(check.default_severity(), severity, "{slug}");
            assert_eq!(check.fixable(), fixable, "{slug}");
        }
    }

    #[test]
    fn checks_order_by_slug() {
        let mut sorted = Check::ALL;
        sorted.sort();
        let slugs: Vec<&str> = sorted.iter().map(|c| c.slug()).collect();
        let mut want = slugs.clone();
        want.sort_unstable();
        assert_eq!(slugs, want);
        assert!(Check::UnsupportedLevel < Check::VectorDrift);
        assert!(Check::ParseError > Check::AliasCollision);
    }

    #[test]
    fn only_parse_error_and_schema_are_not_overridable() {
        let fixed: Vec<Check> = Check::ALL
            .into_iter()
            .filter(|c| !c.overridable())
            .collect();
        assert_eq!(fixed, [Check::ParseError, Check::Schema]);
    }

    #[test]
    fn nearest_slug() {
        assert_eq!(Check::nearest("vector-drfit"), Check::VectorDrift);
        assert_eq!(Check::nearest("drift"), Check::VectorDrift);
        assert_eq!(Check::nearest("Schemas"), Check::Schema);
        assert_eq!(Check::nearest("missing-entrie"), Check::MissingEntry);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }

    #[test]
    fn every_check_has_a_full_doc() {
        for c in Check::ALL {
            let doc = c.doc();
            for part in ["Why it matters", "How to fix", "Example"] {
                assert!(doc.contains(part), "{c}: no `{part}`");
            }
            assert!(!c.summary().is_empty() && !c.summary().contains('\n'));
            assert!(explain(c).starts_with(&format!("{}: {}\n", c.slug(), c.summary())));
        }
        assert_eq!(
            list().lines().filter(|l| !l.is_empty()).count(),
            Check::ALL.len() + 1
        );
    }
}
