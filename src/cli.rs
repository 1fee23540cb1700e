//! The command line (SPEC §6): parsing with clap, then one function per
//! subcommand. Every command returns an exit code; errors map to codes in
//! one place (`run`).

use crate::change::{ChangeSource, change_set};
use crate::diagnostics::{self, TermStyle};
use crate::patches::apply;
use crate::patches::collect::{self, Scope};
use crate::registry::{self, Registry};
use crate::snapshot::{Snapshot, WorkTree};
use crate::target::{Target, Which};
use crate::{Error, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "reuse-surface",
    version,
    about = "Keeps a capability registry honest inside git repositories."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

pub use crate::report::Format;

#[derive(Debug, Args)]
pub struct RootArg {
    /// The directory holding `registry/` (default: found by walking up).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the registry: schema and coordination checks.
    Validate {
        #[command(flatten)]
        root: RootArg,
        /// Check what is staged (the git index) instead of the working tree.
        #[arg(long, conflicts_with = "rev")]
        staged: bool,
        /// Check the tree of a commit.
        #[arg(long, value_name = "REV")]
        rev: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Counts per status and level, mean vector, capabilities without evidence.
    Stats {
        #[command(flatten)]
        root: RootArg,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// List deterministic patches (and write them with --apply).
    Update {
        #[command(flatten)]
        root: RootArg,
        /// Only this capability.
        #[arg(long, value_name = "ID", conflicts_with = "all")]
        capability: Option<String>,
        /// Every capability (the default).
        #[arg(long)]
        all: bool,
        /// Collect signals from the staged diff (HEAD → index).
        #[arg(long, conflicts_with = "from_git_since")]
        staged: bool,
        /// Collect signals from the changes since REF (merge base → HEAD).
        #[arg(long, value_name = "REF")]
        from_git_since: Option<String>,
        /// Write the patches.
        #[arg(long)]
        apply: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Walk through patches interactively or automatically (optionally with an LLM).
    ///
    /// On a terminal each patch is shown with its diff and you answer a
    /// (apply), s (skip), e (edit), q (quit) or A (apply all safe). Without a terminal,
    /// --auto (or --yes) is required. Exit codes: 0 ok, 1 the batch would not
    /// validate (nothing written), 2 usage error or every patch skipped.
    Maintain(MaintainArgs),
    /// Insert or update an item of another registry kind.
    Add {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        args: Vec<String>,
    },
    /// Scaffold a registry and/or install the hooks in a repository.
    Establish {
        /// The repository or directory to work in.
        #[arg(long, value_name = "DIR", default_value = ".")]
        path: PathBuf,
        /// Write the registry layout from the built-in templates.
        #[arg(long)]
        scaffold: bool,
        /// Install the git hooks and merge driver.
        #[arg(long)]
        hook: bool,
        /// Overwrite existing scaffold files / keep foreign hooks aside.
        #[arg(long)]
        force: bool,
        /// Check that the published raw index is reachable and valid.
        #[arg(long)]
        publish_check: bool,
        /// The published raw index URL (default: REUSE_SURFACE_RAW_URL).
        #[arg(long, value_name = "URL")]
        raw_url: Option<String>,
    },
    /// Install the hooks and merge driver into this clone.
    Install {
        /// Keep foreign hooks aside (run first) / accept a global core.hooksPath.
        #[arg(long)]
        force: bool,
    },
    /// Remove our hooks and merge driver; restore kept hooks.
    Uninstall,
    /// Run a git hook (called by the installed shims).
    Hook {
        #[arg(value_enum)]
        name: HookName,
        /// Arguments git passed to the hook.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Three-way merge of a registry index (called by git).
    MergeDriver {
        base: PathBuf,
        ours: PathBuf,
        theirs: PathBuf,
        #[arg(default_value_t = 7)]
        marker_size: usize,
        path: Option<String>,
    },
    /// A guided run in a throw-away repository.
    Demo,
    /// What a check means, why it matters and how to fix it (as `rustc --explain`).
    Explain {
        /// The check's slug, e.g. `vector-drift`; without it, every check is listed.
        slug: Option<String>,
        /// List every check with its default severity and summary.
        #[arg(long, conflicts_with = "slug")]
        list: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookName {
    PreCommit,
    PrePush,
    PostMerge,
    /// A coding agent's Stop hook: `maintain --auto --no-llm`, always exit 0.
    AgentStop,
}

/// `maintain`'s flags (SPEC §6).
#[derive(Debug, Args)]
pub struct MaintainArgs {
    /// Where to look for the registry (default: the current directory, walking up).
    #[arg(long, value_name = "DIR", visible_alias = "root")]
    pub path: Option<PathBuf>,
    /// Only this capability (an alias names its entry).
    #[arg(long, value_name = "ID", conflicts_with = "all")]
    pub capability: Option<String>,
    /// Every capability; the LLM is asked about each.
    #[arg(long)]
    pub all: bool,
    /// Signals from the changes since REF (merge base → HEAD); default: the staged diff.
    #[arg(long, value_name = "REF")]
    pub from_git_since: Option<String>,
    /// Decide without asking: safe patches, and LLM patches that pass the gates.
    #[arg(long)]
    pub auto: bool,
    /// The same as --auto with the default thresholds.
    #[arg(long)]
    pub yes: bool,
    /// Lowest confidence --auto applies from an LLM [default: high].
    #[arg(long, value_enum, value_name = "LEVEL", requires = "auto")]
    pub auto_confidence: Option<ConfidenceArg>,
    /// Most levels --auto promotes a dimension by; 0 disables promotions
    /// [default: `auto_max_delta` in registry/config.yaml, else 1].
    #[arg(long, value_name = "N", requires = "auto", value_parser = clap::value_parser!(u8).range(0..=6))]
    pub auto_max_delta: Option<u8>,
    /// Skip the LLM phase.
    #[arg(long, conflicts_with = "llm_url")]
    pub no_llm: bool,
    /// The bridge's base URL [default: LLM_CONNECT_URL; for --llm-api openai also OPENAI_BASE_URL].
    #[arg(long, value_name = "URL")]
    pub llm_url: Option<String>,
    /// The bridge's protocol: llm-connect's /execute, or an OpenAI-compatible /chat/completions.
    #[arg(long, value_enum, default_value_t = LlmApiArg::Connect)]
    pub llm_api: LlmApiArg,
    /// How many LLM requests run at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub llm_jobs: u16,
    /// After the session, validate and check the published raw index.
    #[arg(long)]
    pub publish: bool,
    /// The published raw index URL [default: REUSE_SURFACE_RAW_URL].
    #[arg(long, value_name = "URL", requires = "publish")]
    pub raw_url: Option<String>,
    /// text: lines for people; json: one JSON object per line (events).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfidenceArg {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LlmApiArg {
    Connect,
    Openai,
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Resolve `maintain`'s flags into what the session runs with, and check
/// that it can ask: without a terminal (or with JSON output) it decides
/// only under --auto/--yes, and says so before anything is read.
fn maintain(args: MaintainArgs, out: &mut dyn Write) -> Result<i32> {
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
        style: TermStyle::detect(std::io::stdout().is_terminal()),
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

/// Parse arguments and run; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let style = TermStyle::detect(std::io::stderr().is_terminal());
            eprintln!("{}: {e}", style.severity(diagnostics::Severity::Error));
            e.exit_code()
        }
    }
}

fn cwd() -> Result<PathBuf> {
    std::env::current_dir()
        .map_err(|e| Error::usage(format!("cannot read the current directory: {e}")))
}

fn not_yet(what: &str) -> Result<i32> {
    Err(Error::usage(format!(
        "`{what}` is not yet available in this build of reuse-surface"
    )))
}

/// Dispatch a parsed command.
pub fn run(cli: Cli) -> Result<i32> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::Validate {
            root,
            staged,
            rev,
            format,
        } => {
            let which = if staged {
                Which::Staged
            } else {
                rev.map_or(Which::WorkTree, Which::Rev)
            };
            validate(root.root.as_deref(), &which, format, &mut out)
        }
        Command::Stats { root, format } => {
            let root = registry::find_root(&cwd()?, root.root.as_deref())?;
            let snap = WorkTree::new(&root)?;
            let reg = registry::load(&snap)?;
            let stats = crate::stats::compute(&reg);
            match format {
                Format::Json => writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&stats).expect("json")
                )?,
                Format::Text => write!(out, "{}", crate::stats::render(&stats))?,
            }
            Ok(0)
        }
        Command::Update {
            root,
            capability,
            all: _,
            staged,
            from_git_since,
            apply,
            format,
        } => {
            let scope = capability.map_or(Scope::All, Scope::One);
            let signals = if staged {
                ChangeSource::Staged
            } else {
                from_git_since.map_or(ChangeSource::None, ChangeSource::Since)
            };
            update(
                root.root.as_deref(),
                &scope,
                &signals,
                apply,
                format,
                &mut out,
            )
        }
        Command::Maintain(args) => maintain(args, &mut out),
        Command::Add { .. } => not_yet("add"),
        Command::Establish {
            path,
            scaffold,
            hook,
            force,
            publish_check,
            raw_url,
        } => {
            let opts = crate::scaffold::EstablishOptions {
                path: path.clone(),
                scaffold,
                hook,
                force,
            };
            establish(&opts, publish_check, raw_url, &mut out)
        }
        Command::Install { force } => {
            crate::install::install(&cwd()?, &crate::install::InstallOptions { force }, &mut out)?;
            Ok(0)
        }
        Command::Uninstall => {
            crate::install::uninstall(&cwd()?, &mut out)?;
            Ok(0)
        }
        Command::Hook { name, args } => hook(name, &args),
        Command::MergeDriver {
            base,
            ours,
            theirs,
            marker_size,
            path,
        } => crate::merge::merge_driver(&base, &ours, &theirs, marker_size, path.as_deref()),
        Command::Demo => {
            crate::demo::run(&mut out)?;
            Ok(0)
        }
        Command::Explain { slug, list: _ } => {
            crate::check::explain_command(slug.as_deref(), &mut out)
        }
    }
}

/// Run a git hook: its messages go to stderr, as git shows them.
fn hook(name: HookName, args: &[String]) -> Result<i32> {
    let style = TermStyle::detect(std::io::stderr().is_terminal());
    let mut err = std::io::stderr().lock();
    match name {
        HookName::PreCommit => crate::hooks::pre_commit(&cwd()?, &mut err, style),
        HookName::PrePush => {
            crate::hooks::pre_push(&cwd()?, args, std::io::stdin().lock(), &mut err, style)
        }
        HookName::PostMerge => Ok(crate::hooks::post_merge(&cwd()?, &mut err, style)),
        HookName::AgentStop => {
            let stdin = std::io::stdin();
            let mut input = stdin.lock();
            let input: Option<&mut dyn std::io::Read> =
                (!std::io::stdin().is_terminal()).then_some(&mut input);
            Ok(crate::hooks::agent_stop(input, &mut err))
        }
    }
}

/// `establish`: scaffold and/or install, then the optional publish check.
fn establish(
    opts: &crate::scaffold::EstablishOptions,
    publish_check: bool,
    raw_url: Option<String>,
    out: &mut dyn Write,
) -> Result<i32> {
    if opts.scaffold || opts.hook || !publish_check {
        crate::scaffold::establish(opts, out)?;
    }
    if !publish_check {
        return Ok(0);
    }
    let url = raw_url
        .or_else(|| {
            std::env::var("REUSE_SURFACE_RAW_URL")
                .ok()
                .filter(|u| !u.is_empty())
        })
        .ok_or_else(|| {
            Error::usage("--publish-check needs --raw-url URL (or REUSE_SURFACE_RAW_URL)")
        })?;
    crate::publish::publish_check(&opts.path, &url, out)
}

fn validate(
    root: Option<&Path>,
    which: &Which,
    format: Format,
    out: &mut dyn Write,
) -> Result<i32> {
    let target = Target::resolve(&cwd()?, root, which)?;
    let (reg, report) = target.validate()?;
    let style = TermStyle::detect(std::io::stdout().is_terminal());
    report.write(out, format, style, &reg, target.snapshot())?;
    // The process ends right after: freeing ten thousand parsed entries
    // one allocation at a time would only delay the exit.
    let errors = report.errors();
    std::mem::forget(reg);
    Ok(if errors > 0 { 1 } else { 0 })
}

fn update(
    root: Option<&Path>,
    scope: &Scope,
    signals: &ChangeSource,
    write: bool,
    format: Format,
    out: &mut dyn Write,
) -> Result<i32> {
    let which = if *signals == ChangeSource::Staged {
        Which::Staged
    } else {
        Which::WorkTree
    };
    let target = Target::resolve(&cwd()?, root, &which)?;
    let root = target.root().to_path_buf();
    let reg = target.load()?;
    let snap = target.snapshot();
    if let Scope::One(id) = scope
        && !reg.valid_entries().any(|(_, e)| &e.id == id)
    {
        return Err(Error::usage(format!(
            "no capability with id `{id}` in this registry"
        )));
    }
    let changes = change_set(&root, signals)?;
    let collected = collect::collect(
        &reg,
        snap,
        changes
            .as_ref()
            .map(|c| (c.changes.as_slice(), c.old.as_ref())),
        scope,
    );
    let today = apply::today();
    // Plan against the working tree: that is what gets written, and it may
    // hold unstaged edits that must survive.
    let own_work_tree;
    let (work_reg, work_snap): (Registry, &dyn Snapshot) = if which == Which::WorkTree {
        (reg, snap)
    } else {
        own_work_tree = WorkTree::new(&root)?;
        (registry::load(&own_work_tree)?, &own_work_tree)
    };
    let plan = apply::plan(&work_reg, &collected.patches, &today);
    if format == Format::Json {
        let doc = serde_json::json!({
            "patches": collected.patches,
            "unassigned": collected.unassigned,
            "skipped": plan.skipped.iter().map(|(p, why)| serde_json::json!({"patch": p, "reason": why})).collect::<Vec<_>>(),
            "applied": write && !plan.applied.is_empty(),
        });
        if write {
            apply::commit(&root, &work_reg, &plan, work_snap)?;
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&doc).expect("json"))?;
        return Ok(0);
    }
    let style = TermStyle::detect(std::io::stdout().is_terminal());
    print_plan(out, &collected, &plan, style)?;
    if write {
        apply::commit(&root, &work_reg, &plan, work_snap)?;
        let n = plan.outputs(&work_reg).len();
        writeln!(
            out,
            "applied {} patch(es) to {n} file(s)",
            plan.applied.len()
        )?;
    } else if !plan.applied.is_empty() {
        writeln!(out, "run with --apply to write these changes")?;
    }
    Ok(0)
}

/// `update`'s text: the patches, what could not be assigned or applied,
/// and the diff of every file the plan edits.
fn print_plan(
    out: &mut dyn Write,
    collected: &collect::Collected,
    plan: &apply::Plan,
    style: TermStyle,
) -> Result<()> {
    if collected.patches.is_empty() {
        writeln!(out, "no patches: the registry is in sync")?;
    }
    for p in &collected.patches {
        writeln!(
            out,
            "{} {} ({}): {}",
            style.bold(p.kind.as_str()),
            p.capability_id,
            if p.safe { "safe" } else { "needs review" },
            p.rationale
        )?;
    }
    for u in &collected.unassigned {
        writeln!(out, "unassigned: {} ({}): {}", u.path, u.signal, u.reason)?;
    }
    for (p, why) in &plan.skipped {
        writeln!(
            out,
            "skipped {} {}: {why}",
            p.kind.as_str(),
            p.capability_id
        )?;
    }
    for path in plan.files.keys() {
        let diff = plan.diff(path);
        if !diff.is_empty() {
            write!(out, "{diff}")?;
        }
    }
    Ok(())
}
