//! The gates every proposal from an LLM (or a person's edit) passes before
//! it is shown or written (SPEC §7): schema, allow-list, scope, evidence and
//! level, then, once the batch it would join is planned, support. A gate
//! names itself when it refuses, so the user learns *why* a patch was not
//! written.

use super::Proposal;
use crate::checks::{Names, path_syntax_problem};
use crate::model::{DIMENSIONS, Entry};
use crate::patches::{Origin, Patch, PatchKind};
use crate::registry::Registry;
use crate::schema::{self, SchemaKind};
use crate::snapshot::{PathState, Snapshot};
use serde_json::Value;
use std::collections::BTreeSet;

/// The gates, by the name reported when one refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// The proposal does not have the patch schema's shape.
    Schema,
    /// The patch kind is not one a proposal may have, or it touches fields
    /// outside its kind.
    AllowList,
    /// The capability (or relation target) is unknown or out of scope.
    Scope,
    /// A cited or appended path does not exist or leaves the repository.
    Evidence,
    /// A promotion does not start at the current level, is not upward, or
    /// moves further than allowed.
    Level,
    /// The promoted level would claim more than the entry's evidence backs.
    Support,
    /// The change is already there.
    NoOp,
    /// Below `--auto-confidence`.
    Confidence,
    /// The batch with this patch would not validate.
    Validate,
}

impl Gate {
    pub fn as_str(self) -> &'static str {
        match self {
            Gate::Schema => "schema",
            Gate::AllowList => "allow-list",
            Gate::Scope => "scope",
            Gate::Evidence => "evidence",
            Gate::Level => "level",
            Gate::Support => "support",
            Gate::NoOp => "no-op",
            Gate::Confidence => "confidence",
            Gate::Validate => "validate",
        }
    }
}

/// Why a proposal was not admitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub gate: Gate,
    pub reason: String,
}

fn refuse<T>(gate: Gate, reason: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal {
        gate,
        reason: reason.into(),
    })
}

/// The kinds a proposal may have: judgment calls and evidence. Index rows,
/// dates and alias fixes are derived from the entries, never proposed.
const PROPOSABLE: [PatchKind; 5] = [
    PatchKind::MaturityPromote,
    PatchKind::ConsumerFeedback,
    PatchKind::RelationAdd,
    PatchKind::EvidenceAppend,
    PatchKind::ArtifactAppend,
];

/// What the gates check against: the registry as loaded, the working tree
/// the evidence must exist in, the session's scope and level ceiling.
pub struct Gates<'a> {
    pub names: Names<'a>,
    /// Valid entries by id (the first of a duplicated id, as `Names`).
    entries: std::collections::HashMap<&'a str, &'a Entry>,
    pub snap: &'a dyn Snapshot,
    /// Canonical ids in scope; `None` means every capability.
    pub scope: Option<BTreeSet<String>>,
    pub max_delta: u8,
}

impl<'a> Gates<'a> {
    pub fn new(
        reg: &'a Registry,
        snap: &'a dyn Snapshot,
        scope: Option<BTreeSet<String>>,
        max_delta: u8,
    ) -> Self {
        let mut entries = std::collections::HashMap::new();
        for (_, e) in reg.valid_entries() {
            entries.entry(e.id.as_str()).or_insert(e);
        }
        Gates {
            names: Names::new(reg),
            entries,
            snap,
            scope,
            max_delta,
        }
    }

    /// Admit one raw patch from an LLM's document: the schema gate first
    /// (on the JSON as received), then [`Gates::admit`]. A refusal comes
    /// with the patch to report: the typed one when it had a patch's shape,
    /// else the JSON as received.
    pub fn admit_raw(&self, raw: &Value) -> Result<Proposal, (Value, Refusal)> {
        let doc = serde_json::json!({ "patches": [raw] });
        if let Some(v) = schema::validate(SchemaKind::Patch, &doc).first() {
            let at = v.pointer.strip_prefix("/patches/0").unwrap_or(&v.pointer);
            let at = if at.is_empty() { "the patch" } else { at };
            let reason = format!("{at}: {}", v.message);
            return Err((
                raw.clone(),
                Refusal {
                    gate: Gate::Schema,
                    reason,
                },
            ));
        }
        let mut patch: Patch = serde_json::from_value(raw.clone()).map_err(|e| {
            let reason = e.to_string();
            (
                raw.clone(),
                Refusal {
                    gate: Gate::Schema,
                    reason,
                },
            )
        })?;
        // A model cannot vouch for itself: its patches are never
        // "deterministic" nor "safe", whatever it claims.
        patch.source = Origin::Llm;
        patch.safe = false;
        let shown = serde_json::to_value(&patch).expect("patch serialises");
        self.admit(patch).map_err(|r| (shown, r))
    }

    /// Run every gate but support on a typed patch (an LLM's, or one a
    /// person edited). Canonicalises ids on the way.
    pub fn admit(&self, mut patch: Patch) -> Result<Proposal, Refusal> {
        if patch.source != Origin::Deterministic {
            let doc = serde_json::json!({ "patches": [&patch] });
            if let Some(v) = schema::validate(SchemaKind::Patch, &doc).first() {
                return refuse(Gate::Schema, v.message.clone());
            }
        }
        allow_list(&patch)?;
        let entry = self.scope_gate(&mut patch)?;
        self.evidence_gate(&patch)?;
        no_op(&patch, entry)?;
        let confirm = if patch.kind == PatchKind::MaturityPromote {
            self.level_gate(&patch, entry)?
        } else {
            None
        };
        Ok(Proposal { patch, confirm })
    }

    fn scope_gate(&self, patch: &mut Patch) -> Result<&'a Entry, Refusal> {
        let names = &self.names;
        let Some(id) = names
            .canonical(patch.capability_id.as_str())
            .map(str::to_string)
        else {
            return refuse(
                Gate::Scope,
                format!("no capability `{}` in this registry", patch.capability_id),
            );
        };
        let id = id.as_str();
        if self.scope.as_ref().is_some_and(|s| !s.contains(id)) {
            return refuse(
                Gate::Scope,
                format!("`{id}` is not in this session's scope"),
            );
        }
        patch.capability_id = id.to_string();
        let entry = *self
            .entries
            .get(id)
            .expect("a canonical id names a valid entry");
        if patch.kind == PatchKind::RelationAdd {
            let target = patch.append.as_deref().unwrap_or_default();
            let Some(canonical) = names.canonical(target).map(str::to_string) else {
                return refuse(
                    Gate::Scope,
                    format!("relation target `{target}` names no capability in this registry"),
                );
            };
            if canonical == id {
                return refuse(Gate::Scope, "a capability cannot relate to itself");
            }
            patch.append = Some(canonical);
        }
        Ok(entry)
    }

    fn evidence_gate(&self, patch: &Patch) -> Result<(), Refusal> {
        if patch.kind == PatchKind::MaturityPromote && patch.evidence_citations.is_empty() {
            return refuse(Gate::Evidence, "a promotion must cite evidence files");
        }
        let appended = match patch.kind {
            PatchKind::EvidenceAppend => patch.append.as_deref(),
            _ => None,
        };
        for path in patch
            .evidence_citations
            .iter()
            .map(String::as_str)
            .chain(appended)
        {
            if let Some(why) = path_syntax_problem(path) {
                return refuse(Gate::Evidence, format!("`{path}` {why}"));
            }
            match self.snap.state(path) {
                PathState::File | PathState::Dir => {}
                PathState::Missing => {
                    return refuse(
                        Gate::Evidence,
                        format!("`{path}` does not exist in {}", self.snap.describe()),
                    );
                }
                PathState::Escapes => {
                    return refuse(
                        Gate::Evidence,
                        format!("`{path}` leads outside the repository through a symlink"),
                    );
                }
            }
        }
        Ok(())
    }

    /// `Ok(Some(why))` when the promotion is sound but moves further than
    /// `max_delta`: only a person's explicit yes may take it.
    fn level_gate(&self, patch: &Patch, entry: &Entry) -> Result<Option<String>, Refusal> {
        let dim = patch.dimension.as_deref().unwrap_or_default();
        let (from, to) = (patch.from.unwrap_or(0), patch.to.unwrap_or(0));
        let current = level_of(entry, dim);
        if from != current {
            return refuse(
                Gate::Level,
                format!("`from` is {from} but {dim} is currently {current}"),
            );
        }
        if to <= from {
            return refuse(
                Gate::Level,
                format!("{dim} {from} -> {to} is not a promotion"),
            );
        }
        let delta = to - from;
        Ok((delta > self.max_delta).then(|| {
            if self.max_delta == 0 {
                "promotions are disabled (--auto-max-delta 0)".to_string()
            } else {
                format!(
                    "moves {dim} by {delta} levels, more than --auto-max-delta {}",
                    self.max_delta
                )
            }
        }))
    }
}

/// A dimension's current level (0 for a name the schema would reject).
pub fn level_of(entry: &Entry, dim: &str) -> u8 {
    entry
        .maturity
        .levels()
        .into_iter()
        .find(|(d, _)| *d == dim)
        .map_or(0, |(_, l)| l.current)
}

fn allow_list(p: &Patch) -> Result<(), Refusal> {
    let kind = p.kind.as_str();
    if !PROPOSABLE.contains(&p.kind) {
        return refuse(
            Gate::AllowList,
            format!("{kind} is derived from the entries and cannot be proposed"),
        );
    }
    let field = p.field_path.as_deref();
    let outside = |what: &str| refuse(Gate::AllowList, format!("{kind} may not write {what}"));
    if !p.within_allow_list() {
        return outside(&format!("`{}`", field.unwrap_or_default()));
    }
    let has_level = p.dimension.is_some() || p.from.is_some() || p.to.is_some();
    match p.kind {
        PatchKind::MaturityPromote => {
            let dim = p.dimension.as_deref().unwrap_or_default();
            let ok_field = field.is_none_or(|f| {
                f == "maturity"
                    || f == format!("maturity.{dim}")
                    || f == format!("maturity.{dim}.current")
            });
            if !ok_field || !DIMENSIONS.contains(&dim) {
                return outside(&format!("`{}`", field.unwrap_or_default()));
            }
            if p.append.is_some() || p.set.is_some() || p.replace.is_some() {
                return outside("values besides the level (`append`, `set` or `replace`)");
            }
        }
        PatchKind::ConsumerFeedback => {
            let keys_ok = match &p.set {
                None => true,
                Some(Value::Object(m)) => m.keys().all(|k| k == "consumer" || k == "note"),
                Some(_) => false,
            };
            if !keys_ok || p.replace.is_some() || has_level {
                return outside("fields besides `consumer` and `note`");
            }
            let note = p.append.as_deref().or_else(|| {
                p.set
                    .as_ref()
                    .and_then(|s| s.get("note"))
                    .and_then(Value::as_str)
            });
            if note.is_none_or(|n| n.trim().is_empty()) {
                return refuse(Gate::Schema, "consumer_feedback needs a note (`append`)");
            }
        }
        PatchKind::EvidenceAppend | PatchKind::ArtifactAppend | PatchKind::RelationAdd => {
            if p.set.is_some() || p.replace.is_some() || has_level {
                return outside("values besides `append`");
            }
            if field.is_some_and(|f| !p.kind.allowed_fields().contains(&f)) {
                return outside(&format!("`{}`", field.unwrap_or_default()));
            }
        }
        _ => unreachable!("only proposable kinds reach here"),
    }
    Ok(())
}

/// Refuse a patch that would change nothing: the value is already listed.
fn no_op(p: &Patch, e: &Entry) -> Result<(), Refusal> {
    let value = p.append.as_deref().unwrap_or_default();
    let field = p.field_path.as_deref().unwrap_or_default();
    let present = match p.kind {
        PatchKind::EvidenceAppend => e
            .evidence(field.trim_start_matches("evidence."))
            .iter()
            .any(|v| v == value),
        PatchKind::ArtifactAppend => e.availability.current_artifacts.iter().any(|v| v == value),
        PatchKind::RelationAdd => e
            .relations
            .all()
            .iter()
            .any(|(k, _, t)| field == format!("relations.{k}") && *t == value),
        _ => false,
    };
    if present {
        return refuse(Gate::NoOp, format!("`{value}` is already in {field}"));
    }
    Ok(())
}

/// The support gate (SPEC §2.4): the promoted level must be backed by the
/// evidence the entry will have once the batch is written.
pub fn support(planned: &Entry, patch: &Patch) -> Result<(), Refusal> {
    let dim = patch.dimension.as_deref().unwrap_or_default();
    let to = patch.to.unwrap_or(0);
    match crate::checks::unsupported_level(planned, dim, to) {
        Some((min, needs)) => refuse(
            Gate::Support,
            format!(
                "{dim}{to} is not supported by the entry's evidence: {dim} >= {min} needs {needs}"
            ),
        ),
        None => Ok(()),
    }
}
