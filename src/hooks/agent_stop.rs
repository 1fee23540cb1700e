//! `hook agent-stop`: a coding agent's Stop hook (Claude Code and others
//! pass a JSON object on stdin, with the session's `cwd`). It runs
//! `maintain --auto --no-llm` where the agent worked and prints one line.
//! An agent must never be stuck on our account, so this hook fails open:
//! it always exits 0, and gives up after a time bound (never in the
//! middle of writing a batch).

use super::skipped;
use crate::maintain::{self, LlmSetting, Options, Target};
use crate::patches::Confidence;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

/// Most of the hook JSON we read; a Stop payload is a few hundred bytes.
const MAX_INPUT: u64 = 1024 * 1024;
/// The default time bound, in seconds (`REUSE_SURFACE_AGENT_STOP_TIMEOUT`).
const DEFAULT_TIMEOUT_SECS: u64 = 30;

/// Run the hook; `input` is the agent's JSON (`None`: stdin is a terminal).
pub fn agent_stop(input: Option<&mut dyn Read>, err: &mut dyn Write) -> i32 {
    if skipped("agent-stop") {
        let _ = writeln!(
            err,
            "reuse-surface: agent-stop skipped (REUSE_SURFACE_SKIP)"
        );
        return 0;
    }
    start_watchdog(timeout());
    let line = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(input)))
        .unwrap_or_else(|_| "failed internally; nothing was changed by it".into());
    let _ = writeln!(err, "reuse-surface: agent-stop: {line}");
    0
}

fn timeout() -> Duration {
    let secs = std::env::var("REUSE_SURFACE_AGENT_STOP_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
        .unwrap_or(DEFAULT_TIMEOUT_SECS);
    Duration::from_secs(secs)
}

/// After `limit`, end the process with one line and exit code 0, once no
/// batch is being written.
fn start_watchdog(limit: Duration) {
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        let _writing = crate::atomic::write_lock();
        let _ = writeln!(
            std::io::stderr(),
            "reuse-surface: agent-stop: gave up after {} s; nothing was left half-written",
            limit.as_secs()
        );
        std::process::exit(0);
    });
}

/// The hook's work; returns the line to print.
fn run(input: Option<&mut dyn Read>) -> String {
    let mut text = String::new();
    if let Some(input) = input
        && let Err(e) = input.take(MAX_INPUT).read_to_string(&mut text)
    {
        return format!("cannot read the hook input ({e}); nothing done");
    }
    let cwd = match working_dir(&text) {
        Ok(dir) => dir,
        Err(why) => return why,
    };
    if crate::registry::find_root(&cwd, None).is_err() {
        return format!(
            "no registry at or above {}; nothing to maintain",
            cwd.display()
        );
    }
    let opts = Options {
        path: Some(cwd),
        target: Target::Changed,
        since: None,
        auto: true,
        auto_confidence: Confidence::High,
        auto_max_delta: None,
        llm: LlmSetting::Off,
        publish: None,
        json: false,
        style: crate::diagnostics::TermStyle::plain(),
    };
    let mut log = Vec::new();
    match maintain::run(&opts, None, &mut log) {
        Ok(s) if s.files.is_empty() => format!(
            "registry in sync ({} refused, {} skipped)",
            s.refused, s.skipped
        ),
        Ok(s) => format!(
            "maintain applied {} patch(es) to {}",
            s.applied,
            s.files.join(", ")
        ),
        Err(e) => format!("maintain could not run: {e}"),
    }
}

/// The directory to work in: the payload's `cwd`, else the current one.
fn working_dir(text: &str) -> Result<PathBuf, String> {
    let here =
        || std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"));
    if text.trim().is_empty() {
        return here();
    }
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("the hook input is not JSON ({e}); nothing done"))?;
    match value.get("cwd") {
        Some(serde_json::Value::String(dir)) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        Some(serde_json::Value::String(_)) | None => here(),
        Some(_) => Err("the hook input's `cwd` is not a string; nothing done".into()),
    }
}
