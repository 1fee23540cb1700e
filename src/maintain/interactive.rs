//! The terminal session: each proposal with its summary and the diff it
//! would add, then `[a]pply [s]kip [e]dit [q]uit [A]pply all safe`. An
//! answer is a key and Enter, as `git add -p` reads it; anything else asks
//! again. End of input counts as `q`.

use super::batch::Batch;
use super::edit;
use super::events::{Events, headline, printable};
use super::gates::{Gate, Gates};
use super::{Decisions, Proposal};
use crate::patches::Patch;
use std::io::BufRead;

/// One answer to the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Apply,
    Skip,
    Edit,
    Quit,
    AllSafe,
    Help,
}

fn parse_answer(line: &str) -> Option<Answer> {
    match line.trim() {
        "a" | "y" => Some(Answer::Apply),
        "s" | "n" => Some(Answer::Skip),
        "e" => Some(Answer::Edit),
        "q" => Some(Answer::Quit),
        "A" => Some(Answer::AllSafe),
        "?" => Some(Answer::Help),
        _ => None,
    }
}

const HELP: &str = "a - apply this patch\n\
s - skip it\n\
e - edit the values it writes in $VISUAL/$EDITOR\n\
q - quit; write what was accepted so far\n\
A - apply this and every later safe (deterministic) patch\n";

/// Ask about each proposal in turn; accepted patches join `batch`.
pub fn ask(
    proposals: Vec<Proposal>,
    gates: &Gates,
    batch: &mut Batch,
    input: &mut dyn BufRead,
    events: &mut Events,
    decisions: &mut Decisions,
) {
    let total = proposals.len();
    let mut all_safe = false;
    let mut queue = proposals.into_iter().enumerate();
    while let Some((i, mut proposal)) = queue.next() {
        loop {
            if let Some(why) = batch.already_promoted(&proposal.patch) {
                decisions.refuse(events, &proposal.patch, Gate::Level, &why);
                break;
            }
            let preview = match batch.preview(&proposal.patch) {
                Ok(p) => p,
                Err(why) => {
                    decisions.skip(events, &proposal.patch, &why);
                    break;
                }
            };
            if let Err(r) = batch.support(&preview, &proposal.patch) {
                decisions.refuse(events, &proposal.patch, r.gate, &r.reason);
                break;
            }
            if all_safe && proposal.patch.safe {
                accept(batch, events, decisions, proposal.patch.clone(), preview);
                break;
            }
            show(events, i + 1, total, &proposal, &preview.diff);
            let answer = match read_answer(input, events) {
                Some(a) => a,
                None => Answer::Quit,
            };
            match answer {
                Answer::Apply => {
                    if let Some(why) = &proposal.confirm
                        && !confirmed(input, events, why)
                    {
                        decisions.skip(events, &proposal.patch, "not confirmed");
                        break;
                    }
                    accept(batch, events, decisions, proposal.patch.clone(), preview);
                    break;
                }
                Answer::Skip => {
                    decisions.skip(events, &proposal.patch, "skipped by you");
                    break;
                }
                Answer::Edit => {
                    if let Some(edited) = edit_patch(&proposal.patch, gates, events) {
                        proposal = edited;
                    }
                }
                Answer::Quit => {
                    decisions.skip(events, &proposal.patch, "session ended (q)");
                    for (_, rest) in queue.by_ref() {
                        decisions.skip(events, &rest.patch, "session ended (q)");
                    }
                    return;
                }
                Answer::AllSafe => {
                    all_safe = true;
                    if proposal.patch.safe {
                        accept(batch, events, decisions, proposal.patch.clone(), preview);
                        break;
                    }
                    say(events, "this patch is not safe: it needs your answer");
                }
                Answer::Help => say(events, HELP.trim_end()),
            }
        }
    }
}

fn accept(
    batch: &mut Batch,
    events: &mut Events,
    decisions: &mut Decisions,
    patch: Patch,
    preview: super::batch::Preview,
) {
    match batch.verify(&preview) {
        Ok(()) => batch.accept(patch, preview),
        Err(why) => decisions.refuse(events, &patch, Gate::Validate, &why),
    }
}

fn say(events: &mut Events, text: &str) {
    let _ = writeln!(events.out(), "{text}");
}

fn show(events: &mut Events, n: usize, total: usize, p: &Proposal, diff: &str) {
    let style = events.style();
    let out = events.out();
    let _ = writeln!(out, "\n({n}/{total}) {}", headline(&p.patch, style));
    if !p.patch.evidence_citations.is_empty() {
        let cited = p.patch.evidence_citations.join(", ");
        let _ = writeln!(out, "evidence: {}", printable(&cited));
    }
    let _ = write!(out, "{}", printable_diff(diff));
    if let Some(why) = &p.confirm {
        let _ = writeln!(out, "note: this {why}; applying it needs an explicit yes");
    }
}

/// A diff keeps its line breaks; every other control character is escaped.
fn printable_diff(diff: &str) -> String {
    diff.split_inclusive('\n')
        .map(|line| {
            let body = line.trim_end_matches(['\n', '\r']);
            format!("{}{}", printable(body), &line[body.len()..])
        })
        .collect()
}

/// Ask until the answer is one of the keys; `None` at end of input.
fn read_answer(input: &mut dyn BufRead, events: &mut Events) -> Option<Answer> {
    loop {
        let _ = write!(
            events.out(),
            "Apply this patch [a]pply [s]kip [e]dit [q]uit [A]pply all safe [?]? "
        );
        let _ = events.out().flush();
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        match parse_answer(&line) {
            Some(a) => return Some(a),
            None => say(events, "answer a, s, e, q or A (? for help)"),
        }
    }
}

fn confirmed(input: &mut dyn BufRead, events: &mut Events, why: &str) -> bool {
    let _ = write!(events.out(), "This promotion {why}. Type yes to apply it: ");
    let _ = events.out().flush();
    let mut line = String::new();
    input
        .read_line(&mut line)
        .is_ok_and(|_| line.trim() == "yes")
}

/// Edit a patch's values; `None` leaves it as it was (the reason printed).
fn edit_patch(patch: &Patch, gates: &Gates, events: &mut Events) -> Option<Proposal> {
    if !edit::editable(patch) {
        say(
            events,
            "this patch is derived from the entries: edit the entry instead",
        );
        return None;
    }
    let text = match edit::run_editor(&edit::snippet(patch)) {
        Ok(t) => t,
        Err(why) => {
            say(events, &format!("edit: {why}"));
            return None;
        }
    };
    let edited = match edit::apply_snippet(patch, &text) {
        Ok(p) => p,
        Err(why) => {
            say(events, &format!("edit: {why}; asking again"));
            return None;
        }
    };
    match gates.admit(edited) {
        Ok(p) => Some(p),
        Err(r) => {
            say(
                events,
                &format!(
                    "edit: refused by the {} gate: {}; asking again",
                    r.gate.as_str(),
                    r.reason
                ),
            );
            None
        }
    }
}
