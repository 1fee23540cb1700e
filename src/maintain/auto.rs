//! `--auto` (and `--yes`): the tiers of seed T06 decide instead of a
//! person. Safe deterministic patches always; an LLM's evidence, feedback
//! and relations at or above `--auto-confidence`; a promotion only when it
//! also passes the level and support gates within `--auto-max-delta`.

use super::batch::Batch;
use super::events::Events;
use super::gates::Gate;
use super::{Decisions, Proposal};
use crate::patches::{Confidence, PatchKind};

fn name(c: Confidence) -> &'static str {
    match c {
        Confidence::Low => "low",
        Confidence::Medium => "medium",
        Confidence::High => "high",
    }
}

/// Decide every proposal; accepted ones join `batch` (planned once, later).
pub fn decide(
    proposals: Vec<Proposal>,
    min_confidence: Confidence,
    batch: &mut Batch,
    events: &mut Events,
    decisions: &mut Decisions,
) {
    let total = proposals.len();
    for (i, proposal) in proposals.into_iter().enumerate() {
        events.suggestion(i + 1, total, &proposal);
        let patch = proposal.patch;
        if patch.safe {
            batch.accept_unplanned(patch);
            continue;
        }
        if patch.confidence < min_confidence {
            let why = format!(
                "confidence {} is below --auto-confidence {}",
                name(patch.confidence),
                name(min_confidence)
            );
            decisions.refuse(events, &patch, Gate::Confidence, &why);
            continue;
        }
        if let Some(why) = &proposal.confirm {
            decisions.refuse(events, &patch, Gate::Level, why);
            continue;
        }
        if let Some(why) = batch.already_promoted(&patch) {
            decisions.refuse(events, &patch, Gate::Level, &why);
            continue;
        }
        if patch.kind == PatchKind::MaturityPromote {
            // Judged on the batch as it stands, evidence appends included.
            let verdict = batch
                .preview(&patch)
                .map_err(|why| (Gate::Validate, why))
                .and_then(|preview| {
                    batch
                        .support(&preview, &patch)
                        .map_err(|r| (r.gate, r.reason))
                });
            if let Err((gate, why)) = verdict {
                decisions.refuse(events, &patch, gate, &why);
                continue;
            }
        }
        batch.accept_unplanned(patch);
    }
}
