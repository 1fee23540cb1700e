//! `maintain` (SPEC §7): after a change, walk through what the registry
//! should now say. Deterministic patches come first, then (when a bridge is
//! configured) an LLM's proposals, each passed through the gates; a person
//! decides on a terminal, `--auto` decides by the rules of its tiers, and
//! everything accepted is written as one validated, atomic batch.
//!
//! One concept per file: `gates` (what a proposal must pass), `batch`
//! (accepted patches planned together), `interactive` (the prompt),
//! `auto` (the automatic tiers), `edit` (`$EDITOR` round trip),
//! `ask_llm` (the LLM phase), `events` (text or JSON lines).

mod ask_llm;
mod auto;
mod batch;
mod edit;
mod events;
mod gates;
mod interactive;

pub use events::Summary;
pub use gates::Gate;

use crate::change::{ChangeSource, change_set};
use crate::checks::Names;
use crate::diagnostics::{Severity, TermStyle};
use crate::llm::Api;
use crate::patches::collect::{self, Scope};
use crate::patches::{Confidence, Patch};
use crate::registry;
use crate::snapshot::WorkTree;
use crate::{Error, Result};
use batch::Batch;
use events::Events;
use gates::Gates;
use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::path::PathBuf;

/// A patch on its way to a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub patch: Patch,
    /// Set when only a person's explicit yes may apply it (a promotion
    /// beyond `--auto-max-delta`), saying why.
    pub confirm: Option<String>,
}

impl Proposal {
    fn deterministic(patch: Patch) -> Self {
        Proposal {
            patch,
            confirm: None,
        }
    }
}

/// Whether and how to ask an LLM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LlmSetting {
    /// `--no-llm`.
    Off,
    /// No URL configured: the phase is skipped with one line.
    Unconfigured,
    On {
        url: String,
        api: Api,
        jobs: usize,
    },
}

/// Which capabilities the session is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `--capability ID` (an alias resolves to its entry).
    One(String),
    /// `--all`: every capability, the LLM asked about each.
    All,
    /// Neither: deterministic patches for all, the LLM asked about the
    /// capabilities the change touches.
    Changed,
}

/// The session's settings, resolved from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to start looking for the registry (`--path`).
    pub path: Option<PathBuf>,
    pub target: Target,
    /// `--from-git-since REF`; else the staged diff.
    pub since: Option<String>,
    /// `--auto` or `--yes`: decide without asking.
    pub auto: bool,
    pub auto_confidence: Confidence,
    /// `--auto-max-delta`; else `auto_max_delta` from the config.
    pub auto_max_delta: Option<u8>,
    pub llm: LlmSetting,
    /// `--publish --raw-url URL`.
    pub publish: Option<String>,
    pub json: bool,
    pub style: TermStyle,
}

/// What was decided, reported as it happens.
#[derive(Debug, Default)]
pub struct Decisions {
    skipped: usize,
    refused: usize,
}

impl Decisions {
    fn skip(&mut self, events: &mut Events, p: &Patch, reason: &str) {
        self.skipped += 1;
        events.skipped(p, reason);
    }

    fn refuse(&mut self, events: &mut Events, p: &Patch, gate: Gate, reason: &str) {
        let value = serde_json::to_value(p).expect("patch serialises");
        self.refuse_raw(events, &value, gate, reason);
    }

    /// Refuse a proposal that may not even have a patch's shape.
    fn refuse_raw(
        &mut self,
        events: &mut Events,
        raw: &serde_json::Value,
        gate: Gate,
        reason: &str,
    ) {
        self.refused += 1;
        events.refused(raw, gate, reason);
    }
}

/// Run a session. `input` is the terminal to ask on; `None` decides
/// automatically (the caller refuses that without `--auto`/`--yes`,
/// before anything is read or written). The summary carries the exit code.
pub fn run(
    opts: &Options,
    input: Option<&mut dyn BufRead>,
    out: &mut dyn Write,
) -> Result<Summary> {
    let start = match &opts.path {
        Some(p) => p.clone(),
        None => std::env::current_dir()
            .map_err(|e| Error::usage(format!("cannot read the current directory: {e}")))?,
    };
    let root = registry::find_root(&start, None)?;
    let snap = WorkTree::new(&root)?;
    let reg = registry::load(&snap)?;
    let one = canonical_target(&opts.target, &reg)?;
    let source = match &opts.since {
        Some(rev) => ChangeSource::Since(rev.clone()),
        None if crate::git::open(&root).is_ok() => ChangeSource::Staged,
        None => ChangeSource::None,
    };
    let changes = change_set(&root, &source)?;
    let collected = collect::collect(
        &reg,
        &snap,
        changes
            .as_ref()
            .map(|c| (c.changes.as_slice(), c.old.as_ref())),
        &one.clone().map_or(Scope::All, Scope::One),
    );
    let mut events = Events::new(out, opts.json, opts.style);
    for u in &collected.unassigned {
        events.unassigned(u);
    }
    let max_delta = opts.auto_max_delta.unwrap_or(reg.config.auto_max_delta);
    let gates = Gates::new(
        &reg,
        &snap,
        one.clone().map(|id| BTreeSet::from([id])),
        max_delta,
    );
    let session = Session {
        root: &root,
        reg: &reg,
        snap: &snap,
        changes: changes.as_ref(),
        today: crate::patches::apply::today(),
    };
    let mut decisions = Decisions::default();
    let mut proposals: Vec<Proposal> = collected
        .patches
        .into_iter()
        .map(Proposal::deterministic)
        .collect();
    let asked = llm_targets(&opts.target, one.as_deref(), &session);
    proposals.extend(ask_llm::phase(
        &opts.llm,
        &session,
        &asked,
        &gates,
        &mut events,
        &mut decisions,
    ));
    let found = proposals.len() + decisions.refused;
    let mut batch = Batch::new(&reg, &snap, &session.today);
    match input {
        Some(input) => interactive::ask(
            proposals,
            &gates,
            &mut batch,
            input,
            &mut events,
            &mut decisions,
        ),
        None => auto::decide(
            proposals,
            opts.auto_confidence,
            &mut batch,
            &mut events,
            &mut decisions,
        ),
    }
    let mut summary = write(&session, batch, found, &mut events, &mut decisions);
    summary.left = left_to_do(&collected.unassigned, &summary.problems_after);
    // After a session whose batch was written (or had nothing to write).
    if summary.exit_code != 1
        && let Some(url) = &opts.publish
    {
        publish(&root, url, &mut events, &mut summary)?;
    }
    events.summary(&summary);
    Ok(summary)
}

/// The canonical id `--capability` names (an alias resolves to its entry).
fn canonical_target(target: &Target, reg: &crate::registry::Registry) -> Result<Option<String>> {
    let Target::One(name) = target else {
        return Ok(None);
    };
    Names::new(reg)
        .canonical(name)
        .map(|id| Some(id.to_string()))
        .ok_or_else(|| {
            Error::usage(format!(
                "no capability with id or alias `{name}` in this registry"
            ))
        })
}

/// `--publish`: the publish check's report as an event; a failed check
/// makes the session fail.
fn publish(
    root: &std::path::Path,
    url: &str,
    events: &mut Events,
    summary: &mut Summary,
) -> Result<()> {
    let mut report = Vec::new();
    let code = crate::publish::publish_check(root, url, &mut report)?;
    events.publish(code == 0, &String::from_utf8_lossy(&report));
    if code != 0 {
        summary.exit_code = summary.exit_code.max(1);
    }
    Ok(())
}

/// What every phase of one session reads.
pub struct Session<'a> {
    pub root: &'a std::path::Path,
    pub reg: &'a crate::registry::Registry,
    pub snap: &'a WorkTree,
    pub changes: Option<&'a crate::change::ChangeSet>,
    pub today: String,
}

/// The capabilities to ask the LLM about: the one in scope, every one
/// (`--all`), else those the change touches.
fn llm_targets(target: &Target, one: Option<&str>, session: &Session) -> Vec<String> {
    match (target, one) {
        (_, Some(id)) => vec![id.to_string()],
        (Target::All, _) => session
            .reg
            .valid_entries()
            .map(|(_, e)| e.id.clone())
            .collect(),
        _ => session
            .changes
            .map(|c| collect::touched(session.reg, &c.changes))
            .unwrap_or_default(),
    }
}

/// Plan the accepted patches once, write them as one validated batch and
/// account for it: exit 1 when the batch would not validate, 2 when
/// proposals were found and none was applied.
fn write(
    session: &Session,
    batch: Batch,
    found: usize,
    events: &mut Events,
    decisions: &mut Decisions,
) -> Summary {
    let (reg, snap) = (session.reg, session.snap);
    let plan = batch.finish();
    for (p, why) in &plan.skipped {
        decisions.skip(events, p, why);
    }
    let mut summary = Summary {
        skipped: decisions.skipped,
        refused: decisions.refused,
        ..Summary::default()
    };
    let written = match crate::patches::apply::commit(session.root, reg, &plan, snap) {
        Ok(after) => {
            summary.problems_after = after.unwrap_or_else(|| crate::checks::run(reg, snap));
            true
        }
        Err(e) => {
            events.error(&format!("nothing was written: {e}"));
            summary.problems_after = crate::checks::run(reg, snap);
            false
        }
    };
    if written {
        summary.files = plan.outputs(reg).into_keys().collect();
        summary.written = !summary.files.is_empty();
        summary.applied = plan.applied.len();
        for p in &plan.applied {
            events.applied(p);
        }
    } else {
        summary.refused += plan.applied.len();
    }
    summary.exit_code = if !written {
        1
    } else if found > 0 && summary.applied == 0 {
        2
    } else {
        0
    };
    summary
}

/// The session's "left to do by hand": unassigned signals and what the
/// registry still reports after the batch.
fn left_to_do(
    unassigned: &[crate::patches::Unassigned],
    problems: &[crate::diagnostics::Problem],
) -> Vec<String> {
    let mut left: Vec<String> = unassigned
        .iter()
        .map(|u| {
            format!(
                "{} ({}) belongs to no capability: add it to one's `surface`",
                u.path, u.signal
            )
        })
        .collect();
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    if errors + warnings > 0 {
        left.push(format!(
            "the registry reports {errors} error(s) and {warnings} warning(s): run `reuse-surface validate`"
        ));
    }
    left
}
