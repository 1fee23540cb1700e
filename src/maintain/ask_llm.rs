//! The LLM phase of a session: one prompt per capability in scope, sent a
//! few at a time through the bridge, each answer's patches passed through
//! the gates. A failing bridge costs one `llm:` line per request and never
//! the deterministic work.

use super::events::Events;
use super::gates::Gates;
use super::{Decisions, LlmSetting, Proposal, Session};
use crate::change::ChangeSet;
use crate::llm::{self, Bridge, Request};
use crate::patches::PatchKind;
use crate::patches::collect;
use crate::registry::Registry;
use crate::snapshot::Snapshot;
use serde_json::Value;
use std::io::IsTerminal;

/// How much diff text is gathered for the prompts (the prompt builder
/// bounds it again).
const DIFF_BUDGET: usize = 64 * 1024;
/// How many changed files contribute diff text.
const DIFF_FILES: usize = 50;
/// How many patches of one answer are considered: a flood is cut, said.
const MAX_PATCHES: usize = 50;

/// What the phase needs besides the gates.
struct LlmPhase<'a> {
    pub bridge: &'a Bridge,
    pub jobs: usize,
    pub reg: &'a Registry,
    pub snap: &'a dyn Snapshot,
    pub changes: Option<&'a ChangeSet>,
    /// Files that may be cited (tracked files that look like evidence).
    pub evidence_files: Vec<String>,
    pub today: &'a str,
}

/// The LLM phase as configured: skipped with one line when there is no
/// bridge or nothing to ask about, else [`run`].
pub fn phase(
    setting: &LlmSetting,
    session: &Session,
    ids: &[String],
    gates: &Gates,
    events: &mut Events,
    decisions: &mut Decisions,
) -> Vec<Proposal> {
    let (url, api, jobs) = match setting {
        LlmSetting::Off => return Vec::new(),
        LlmSetting::Unconfigured => {
            events.llm(
                "skipped",
                None,
                "no bridge configured (set LLM_CONNECT_URL or --llm-url); skipping the LLM phase",
            );
            return Vec::new();
        }
        LlmSetting::On { .. } if ids.is_empty() => {
            events.llm(
                "skipped",
                None,
                "the change touches no capability; use --capability ID or --all to ask about one",
            );
            return Vec::new();
        }
        LlmSetting::On { url, api, jobs } => (url, *api, *jobs),
    };
    let bridge = match Bridge::new(url, api) {
        Ok(b) => b,
        Err(e) => {
            events.llm("error", None, &e.to_string());
            return Vec::new();
        }
    };
    let tracked = crate::change::tracked_files(session.root);
    let phase = LlmPhase {
        bridge: &bridge,
        jobs,
        reg: session.reg,
        snap: session.snap,
        changes: session.changes,
        evidence_files: collect::evidence_like(
            &session.reg.config,
            tracked.iter().map(String::as_str),
        ),
        today: &session.today,
    };
    run(&phase, ids, gates, events, decisions)
}

/// Ask about every capability in `ids`; admitted proposals in request
/// order, promotions after the other patches of their capability. Refusals
/// are reported and counted in `decisions`.
fn run(
    phase: &LlmPhase,
    ids: &[String],
    gates: &Gates,
    events: &mut Events,
    decisions: &mut Decisions,
) -> Vec<Proposal> {
    let changed: Vec<String> = phase
        .changes
        .map(|c| c.changes.iter().map(|(p, _)| p.clone()).collect())
        .unwrap_or_default();
    let diff = phase
        .changes
        .map(|c| diff_excerpt(c, phase.snap))
        .unwrap_or_default();
    // One lookup for all requests: `--all` asks about every capability.
    let sources = phase.reg.sources();
    let path_of: std::collections::HashMap<&str, &str> = phase
        .reg
        .valid_entries()
        .map(|(path, e)| (e.id.as_str(), path))
        .collect();
    let requests: Vec<Request> = ids
        .iter()
        .map(|id| {
            let entry_text = path_of
                .get(id.as_str())
                .and_then(|path| sources.get(path))
                .map(|s| s.text.clone())
                .unwrap_or_default();
            let prompt = llm::prompt::build(&llm::prompt::PromptContext {
                capability_id: id,
                entry_text: &entry_text,
                changed_paths: &changed,
                diff_excerpt: &diff,
                evidence_files: &phase.evidence_files,
                today: phase.today,
            });
            Request {
                capability_id: id.clone(),
                prompt,
            }
        })
        .collect();
    let bar = progress(requests.len(), events.is_json());
    let tick = || bar.inc(1);
    let answers = llm::propose_all(phase.bridge, &requests, phase.jobs, &tick);
    bar.finish_and_clear();
    let mut admitted = Vec::new();
    let answered = answers.iter().filter(|a| a.is_ok()).count();
    for (req, answer) in requests.iter().zip(answers) {
        match answer {
            Ok(doc) => admitted.extend(admit_document(
                &req.capability_id,
                &doc,
                gates,
                events,
                decisions,
            )),
            Err(e) => events.llm("error", Some(&req.capability_id), &e.to_string()),
        }
    }
    if answered > 0 {
        let message = format!(
            "{answered} of {} capabilities answered by {}: {} proposal(s) admitted",
            requests.len(),
            phase.bridge.url(),
            admitted.len()
        );
        events.llm("ok", None, &message);
    }
    admitted
}

/// Gate each patch of one answer; report refusals.
fn admit_document(
    id: &str,
    doc: &Value,
    gates: &Gates,
    events: &mut Events,
    decisions: &mut Decisions,
) -> Vec<Proposal> {
    let raws = doc
        .get("patches")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let cut = if raws.len() > MAX_PATCHES {
        format!("; only the first {MAX_PATCHES} are considered")
    } else {
        String::new()
    };
    events.llm_answer(
        id,
        &format!("{id}: {} proposal(s) from the bridge{cut}", raws.len()),
    );
    let mut out: Vec<Proposal> = Vec::new();
    for raw in raws.iter().take(MAX_PATCHES) {
        match gates.admit_raw(raw) {
            Ok(p) => out.push(p),
            Err((shown, r)) => decisions.refuse_raw(events, &shown, r.gate, &r.reason),
        }
    }
    // Evidence first, so a promotion is judged with it.
    out.sort_by_key(|p| p.patch.kind == PatchKind::MaturityPromote);
    out
}

/// Unified diffs of the changed text files, up to the budget.
fn diff_excerpt(changes: &ChangeSet, snap: &dyn Snapshot) -> String {
    let mut out = String::new();
    for (path, _) in changes.changes.iter().take(DIFF_FILES) {
        let read = |s: &dyn Snapshot| {
            s.read(path)
                .ok()
                .flatten()
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default()
        };
        let (old, new) = (read(changes.old.as_ref()), read(snap));
        if old != new {
            out.push_str(&crate::patches::apply::unified_diff(path, &old, &new));
        }
        if out.len() > DIFF_BUDGET {
            break;
        }
    }
    out
}

/// A progress bar on stderr while the requests run, shown only on a
/// terminal and never in JSON sessions.
fn progress(n: usize, json: bool) -> indicatif::ProgressBar {
    if json || !std::io::stderr().is_terminal() || n == 0 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(n as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("llm {bar:30} {pos}/{len} capabilities")
            .expect("template"),
    );
    bar
}
