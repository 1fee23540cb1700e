//! What a session reports, step by step: human lines on a terminal or in
//! a log, or one JSON object per line (`--format json`) for agents and CI.
//! Every step goes through here, so the two forms cannot drift apart.
//!
//! Events (`"event"` field): `suggestion`, `applied`, `skipped`, `refused`
//! (with `gate` and `reason`), `llm` (bridge status), `unassigned` (a
//! signal no capability owns), `error` (the batch was not written),
//! `publish`, and last `summary`.

use super::Proposal;
use super::gates::Gate;
use crate::diagnostics::TermStyle;
use crate::patches::{Patch, Unassigned};
use serde::Serialize;
use serde_json::{Value, json};
use std::io::Write;

/// The session's closing account.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub applied: usize,
    pub skipped: usize,
    pub refused: usize,
    /// Files written (registry-root relative).
    pub files: Vec<String>,
    /// Whether the batch was written.
    pub written: bool,
    /// What is left for a person to do.
    pub left: Vec<String>,
    pub exit_code: i32,
    /// What the registry reports after the session (not printed as such).
    #[serde(skip)]
    pub problems_after: Vec<crate::diagnostics::Problem>,
}

/// The sink every step is reported to.
pub struct Events<'w> {
    out: &'w mut dyn Write,
    json: bool,
    style: TermStyle,
}

impl<'w> Events<'w> {
    pub fn new(out: &'w mut dyn Write, json: bool, style: TermStyle) -> Self {
        Events { out, json, style }
    }

    pub fn is_json(&self) -> bool {
        self.json
    }

    /// The raw stream, for the interactive prompt.
    pub fn out(&mut self) -> &mut dyn Write {
        self.out
    }

    pub fn style(&self) -> TermStyle {
        self.style
    }

    fn line(&mut self, text: &str) {
        // A closed pipe must not turn a finished session into a failure;
        // the session's files are already decided by then.
        let _ = writeln!(self.out, "{text}");
    }

    fn emit(&mut self, value: Value) {
        let text = serde_json::to_string(&value).expect("events serialise");
        self.line(&text);
    }

    /// A proposal about to be decided (automatic sessions list each).
    pub fn suggestion(&mut self, n: usize, total: usize, p: &Proposal) {
        if self.json {
            self.emit(json!({"event": "suggestion", "n": n, "total": total,
                "patch": p.patch, "needs_confirmation": p.confirm}));
        } else {
            let head = headline(&p.patch, self.style);
            self.line(&format!("({n}/{total}) {head}"));
        }
    }

    pub fn applied(&mut self, p: &Patch) {
        if self.json {
            self.emit(json!({"event": "applied", "patch": p}));
        } else {
            let head = headline(p, self.style);
            let word = self.style.green("applied");
            self.line(&format!("{word} {head}"));
        }
    }

    pub fn skipped(&mut self, p: &Patch, reason: &str) {
        if self.json {
            self.emit(json!({"event": "skipped", "patch": p, "reason": reason}));
        } else {
            let head = headline(p, self.style);
            self.line(&format!("skipped {head}: {}", printable(reason)));
        }
    }

    /// A refused proposal: `patch` is the typed patch when it had one,
    /// else the raw JSON as received.
    pub fn refused(&mut self, patch: &Value, gate: Gate, reason: &str) {
        if self.json {
            self.emit(json!({"event": "refused", "patch": patch,
                "gate": gate.as_str(), "reason": reason}));
        } else {
            let kind = patch.get("kind").and_then(Value::as_str).unwrap_or("patch");
            let id = patch
                .get("capability_id")
                .and_then(Value::as_str)
                .unwrap_or("(no capability)");
            let word = self.style.bold("refused");
            let (kind, id, reason) = (printable(kind), printable(id), printable(reason));
            self.line(&format!("{word} {kind} {id} [{}]: {reason}", gate.as_str()));
        }
    }

    /// The bridge's status: `status` is `ok`, `skipped` or `error`.
    pub fn llm(&mut self, status: &str, capability_id: Option<&str>, message: &str) {
        if self.json {
            self.emit(json!({"event": "llm", "status": status,
                "capability_id": capability_id, "message": message}));
        } else {
            self.line(&format!("llm: {}", printable(message)));
        }
    }

    /// One capability's answer: an event in JSON; on a terminal the phase
    /// reports once for all of them (see [`Events::llm`]).
    pub fn llm_answer(&mut self, capability_id: &str, message: &str) {
        if self.json {
            self.llm("ok", Some(capability_id), message);
        }
    }

    pub fn unassigned(&mut self, u: &Unassigned) {
        if self.json {
            self.emit(json!({"event": "unassigned", "path": u.path,
                "signal": u.signal, "reason": u.reason}));
        } else {
            self.line(&format!(
                "unassigned: {} ({}): {}",
                u.path, u.signal, u.reason
            ));
        }
    }

    pub fn error(&mut self, message: &str) {
        if self.json {
            self.emit(json!({"event": "error", "message": message}));
        } else {
            let word = self.style.severity(crate::diagnostics::Severity::Error);
            self.line(&format!("{word}: {message}"));
        }
    }

    pub fn publish(&mut self, passed: bool, report: &str) {
        if self.json {
            self.emit(json!({"event": "publish", "passed": passed, "report": report}));
        } else {
            let _ = write!(self.out, "{report}");
        }
    }

    pub fn summary(&mut self, s: &Summary) {
        if self.json {
            // `event` first, as in every other line.
            let mut ordered = serde_json::Map::new();
            ordered.insert("event".into(), "summary".into());
            if let Value::Object(fields) = serde_json::to_value(s).expect("summary serialises") {
                ordered.extend(fields);
            }
            self.emit(Value::Object(ordered));
            return;
        }
        let files = if s.files.is_empty() {
            "no file changed".to_string()
        } else {
            format!("{} file(s) changed: {}", s.files.len(), s.files.join(", "))
        };
        self.line(&format!(
            "{}: {} applied, {} skipped, {} refused; {files}",
            self.style.bold("maintain"),
            s.applied,
            s.skipped,
            s.refused
        ));
        for item in &s.left {
            self.line(&format!("  left to do: {item}"));
        }
    }
}

/// Text from outside (an LLM's rationale, a refused id) as it may be shown
/// on a terminal: control characters (escape sequences among them) are
/// written as `\u{..}` escapes, never sent raw.
pub fn printable(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `kind capability (source, safe|needs review, confidence): rationale`.
pub fn headline(p: &Patch, style: TermStyle) -> String {
    let source = serde_json::to_value(p.source).expect("origin serialises");
    let confidence = serde_json::to_value(p.confidence).expect("confidence serialises");
    format!(
        "{} {} ({}, {}, confidence {}): {}",
        style.bold(p.kind.as_str()),
        printable(&p.capability_id),
        source.as_str().unwrap_or_default(),
        if p.safe { "safe" } else { "needs review" },
        confidence.as_str().unwrap_or_default(),
        printable(&p.rationale)
    )
}
