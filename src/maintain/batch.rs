//! The session's batch: the patches accepted so far, planned together, so
//! each new candidate is shown as the change it adds on top of them and
//! judged (support, validation) against the state they would leave.

use super::gates::{self, Refusal};
use crate::model::Entry;
use crate::patches::apply::{self, Plan};
use crate::patches::{Patch, PatchKind};
use crate::registry::{self, Registry};
use crate::snapshot::Snapshot;

/// Accepted patches and their combined plan.
pub struct Batch<'a> {
    reg: &'a Registry,
    snap: &'a dyn Snapshot,
    today: String,
    accepted: Vec<Patch>,
    plan: Plan,
}

/// A candidate planned on top of the batch.
pub struct Preview {
    plan: Plan,
    /// The unified diff the candidate adds to the batch.
    pub diff: String,
}

impl<'a> Batch<'a> {
    pub fn new(reg: &'a Registry, snap: &'a dyn Snapshot, today: &str) -> Self {
        Batch {
            reg,
            snap,
            today: today.to_string(),
            accepted: Vec::new(),
            plan: Plan::default(),
        }
    }

    /// Plan the batch plus `candidate`; `Err` says why the candidate
    /// cannot be applied (the field moved, the row exists, ...).
    pub fn preview(&self, candidate: &Patch) -> Result<Preview, String> {
        let mut all = self.accepted.clone();
        all.push(candidate.clone());
        let plan = apply::plan(self.reg, &all, &self.today);
        if let Some((_, why)) = plan.skipped.iter().find(|(p, _)| p == candidate) {
            return Err(why.clone());
        }
        let mut diff = String::new();
        for (path, (old, new)) in &plan.files {
            let before = self.plan.files.get(path).map_or(old, |(_, text)| text);
            if before != new {
                diff.push_str(&apply::unified_diff(path, before, new));
            }
        }
        Ok(Preview { plan, diff })
    }

    /// A second promotion of the same dimension in one session: the
    /// level ceiling is per dimension per session (SPEC §2.4).
    pub fn already_promoted(&self, p: &Patch) -> Option<String> {
        let same = |a: &Patch| {
            a.kind == PatchKind::MaturityPromote
                && a.capability_id == p.capability_id
                && a.dimension == p.dimension
        };
        (p.kind == PatchKind::MaturityPromote && self.accepted.iter().any(same)).then(|| {
            format!(
                "{} of {} is already promoted in this session",
                p.dimension.as_deref().unwrap_or("?"),
                p.capability_id
            )
        })
    }

    /// The support gate for a promotion, on the entry as the preview
    /// leaves it.
    pub fn support(&self, preview: &Preview, patch: &Patch) -> Result<(), Refusal> {
        if patch.kind != PatchKind::MaturityPromote {
            return Ok(());
        }
        match self.planned_entry(&preview.plan, &patch.capability_id) {
            Some(entry) => gates::support(&entry, patch),
            None => Ok(()),
        }
    }

    fn planned_entry(&self, plan: &Plan, id: &str) -> Option<Entry> {
        let (path, _) = self.reg.valid_entries().find(|(_, e)| e.id == id)?;
        let (_, text) = plan.files.get(path)?;
        registry::parse_entry(path, text.as_bytes()).0.entry
    }

    /// Whether the batch with the candidate would validate (writes nothing).
    pub fn verify(&self, preview: &Preview) -> Result<(), String> {
        apply::verify(self.reg, &preview.plan, self.snap).map_err(|e| e.to_string())
    }

    /// Take the candidate into the batch.
    pub fn accept(&mut self, patch: Patch, preview: Preview) {
        self.accepted.push(patch);
        self.plan = preview.plan;
    }

    /// Take a patch without previewing it (the automatic path plans once,
    /// at the end, so N patches over M rows stay O(N + M)).
    pub fn accept_unplanned(&mut self, patch: Patch) {
        self.accepted.push(patch);
    }

    /// Plan every accepted patch once: what will be written.
    pub fn finish(self) -> Plan {
        apply::plan(self.reg, &self.accepted, &self.today)
    }
}
