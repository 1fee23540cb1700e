//! `maintain`'s flags resolved into the options the session runs with.

use super::args::{ConfidenceArg, LlmApiArg, MaintainArgs};
use crate::diagnostics::TermStyle;
use crate::report::Format;
use crate::{Error, Result};
use std::io::{IsTerminal, Write};

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Resolve `maintain`'s flags into what the session runs with, and check
/// that it can ask: without a terminal (or with JSON output) it decides
/// only under --auto/--yes, and says so before anything is read.
pub(super) fn maintain(args: MaintainArgs, style: TermStyle, out: &mut dyn Write) -> Result<i32> {
    use crate::maintain::{LlmSetting, Options, Target};
    use crate::patches::Confidence;
    let auto = args.auto || args.yes;
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if !auto && (!terminal || args.format == Format::Json) {
        return Err(Error::usage(
            "maintain asks before it writes, and there is no terminal to ask on: \
             run it with --auto (or --yes) to apply what passes the gates without asking",
        ));
    }
    let api = match args.llm_api {
        LlmApiArg::Connect => crate::llm::Api::Connect,
        LlmApiArg::Openai => crate::llm::Api::OpenAi,
    };
    let url = args
        .llm_url
        .or_else(|| env_nonempty("LLM_CONNECT_URL"))
        .or_else(|| {
            (api == crate::llm::Api::OpenAi)
                .then(|| env_nonempty("OPENAI_BASE_URL"))
                .flatten()
        });
    let llm = match (args.no_llm, url) {
        (true, _) => LlmSetting::Off,
        (false, None) => LlmSetting::Unconfigured,
        (false, Some(url)) => LlmSetting::On {
            url,
            api,
            jobs: usize::from(args.llm_jobs),
        },
    };
    let publish = if args.publish {
        Some(
            args.raw_url
                .or_else(|| env_nonempty("REUSE_SURFACE_RAW_URL"))
                .ok_or_else(|| {
                    Error::usage("--publish needs --raw-url URL (or REUSE_SURFACE_RAW_URL)")
                })?,
        )
    } else {
        None
    };
    let opts = Options {
        path: args.path,
        target: match (args.capability, args.all) {
            (Some(id), _) => Target::One(id),
            (None, true) => Target::All,
            (None, false) => Target::Changed,
        },
        since: args.from_git_since,
        auto,
        auto_confidence: match args.auto_confidence {
            Some(ConfidenceArg::Low) => Confidence::Low,
            Some(ConfidenceArg::Medium) => Confidence::Medium,
            Some(ConfidenceArg::High) | None => Confidence::High,
        },
        auto_max_delta: args.auto_max_delta,
        llm,
        publish,
        json: args.format == Format::Json,
        style,
    };
    let summary = if auto {
        crate::maintain::run(&opts, None, out)?
    } else {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        crate::maintain::run(&opts, Some(&mut input), out)?
    };
    Ok(summary.exit_code)
}
