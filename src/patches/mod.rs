//! Patches (SPEC §4): small, explainable changes to one capability, in the
//! shape of `schemas/registry-patch.schema.json`. Deterministic collectors
//! turn registry state and git diffs into patches; `apply` writes them.

pub mod apply;
pub mod collect;
mod index_rows;

use serde::{Deserialize, Serialize};

/// The kinds of patch, each allowed to touch only its own fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatchKind {
    VectorSync,
    IndexRowAdd,
    IndexDateBump,
    AliasCanonicalize,
    EvidenceAppend,
    ArtifactAppend,
    MaturityPromote,
    ConsumerFeedback,
    RelationAdd,
}

impl PatchKind {
    /// Deterministic kinds are safe to apply without a person (SPEC §4).
    pub fn is_deterministic(self) -> bool {
        matches!(
            self,
            PatchKind::VectorSync
                | PatchKind::IndexRowAdd
                | PatchKind::IndexDateBump
                | PatchKind::AliasCanonicalize
                | PatchKind::EvidenceAppend
                | PatchKind::ArtifactAppend
        )
    }

    /// Whether the patch edits the index (else the entry).
    pub fn targets_index(self) -> bool {
        matches!(
            self,
            PatchKind::VectorSync | PatchKind::IndexRowAdd | PatchKind::IndexDateBump
        )
    }

    /// The fields a kind may touch (`field_path` must be one of these or
    /// below one of them).
    pub fn allowed_fields(self) -> &'static [&'static str] {
        match self {
            PatchKind::VectorSync => &["title", "status", "vector", "path"],
            PatchKind::IndexRowAdd => &["capabilities"],
            PatchKind::IndexDateBump => &["updated"],
            PatchKind::AliasCanonicalize => &[
                "relations.depends_on",
                "relations.extends",
                "relations.overlaps",
                "relations.supersedes",
            ],
            PatchKind::EvidenceAppend => &["evidence.tests", "evidence.documentation"],
            PatchKind::ArtifactAppend => &["availability.current_artifacts"],
            PatchKind::MaturityPromote => &["maturity", "promotion_history", "updated"],
            PatchKind::ConsumerFeedback => &["consumer_feedback"],
            PatchKind::RelationAdd => &[
                "relations.depends_on",
                "relations.extends",
                "relations.overlaps",
                "relations.supersedes",
            ],
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PatchKind::VectorSync => "vector_sync",
            PatchKind::IndexRowAdd => "index_row_add",
            PatchKind::IndexDateBump => "index_date_bump",
            PatchKind::AliasCanonicalize => "alias_canonicalize",
            PatchKind::EvidenceAppend => "evidence_append",
            PatchKind::ArtifactAppend => "artifact_append",
            PatchKind::MaturityPromote => "maturity_promote",
            PatchKind::ConsumerFeedback => "consumer_feedback",
            PatchKind::RelationAdd => "relation_add",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Deterministic,
    Llm,
    Human,
}

/// A `{from, to}` replacement inside a list (alias canonicalisation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replace {
    pub from: String,
    pub to: String,
}

/// One proposed change (field names follow the patch schema).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patch {
    pub capability_id: String,
    pub kind: PatchKind,
    pub confidence: Confidence,
    pub source: Origin,
    pub safe: bool,
    pub rationale: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub append: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace: Option<Replace>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence_citations: Vec<String>,
}

impl Patch {
    /// A deterministic, safe, high-confidence patch skeleton.
    pub fn deterministic(
        capability_id: &str,
        kind: PatchKind,
        rationale: impl Into<String>,
    ) -> Self {
        Patch {
            capability_id: capability_id.to_string(),
            kind,
            confidence: Confidence::High,
            source: Origin::Deterministic,
            safe: true,
            rationale: rationale.into(),
            field_path: None,
            append: None,
            set: None,
            replace: None,
            dimension: None,
            from: None,
            to: None,
            evidence_citations: Vec::new(),
        }
    }

    /// Whether the patch only touches fields its kind allows.
    pub fn within_allow_list(&self) -> bool {
        match &self.field_path {
            None => true,
            Some(fp) => {
                self.kind.allowed_fields().iter().any(|a| {
                    fp == a || fp.strip_prefix(a).is_some_and(|rest| rest.starts_with('.'))
                })
            }
        }
    }
}

/// The JSON document `update --format json` prints and the bridge returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PatchSet {
    pub patches: Vec<Patch>,
}

/// A changed path no capability could be assigned (reported, not patched).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unassigned {
    pub path: String,
    pub signal: String,
    pub reason: String,
}
