//! The command line (SPEC §6): parsing with clap, then one function per
//! subcommand. Every command returns an exit code; errors map to codes in
//! one place ([`main`]): `0` ok, `1` problems found, `2` usage, `3`
//! internal error, and a closed output pipe ends quietly.

mod add;
mod args;
mod docs;
mod maintain;
mod update;
mod validate;

pub use crate::report::{Format, ProblemFormat};
pub use args::{
    Cli, Command, ConfidenceArg, EXIT_CODES, HookName, LlmApiArg, MaintainArgs, RootArg,
};

use crate::change::ChangeSource;
use crate::color::ColorChoice;
use crate::diagnostics::{self, TermStyle};
use crate::error::exit;
use crate::patches::collect::Scope;
use crate::registry;
use crate::snapshot::WorkTree;
use crate::target::Which;
use crate::{Error, Result};
use clap::Parser;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// The styles of the two output streams, resolved once from `--color`
/// and the environment (see [`crate::color`]).
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    pub out: TermStyle,
    pub err: TermStyle,
}

impl Styles {
    pub fn resolve(choice: ColorChoice) -> Self {
        Styles {
            out: TermStyle::resolve(choice, std::io::stdout().is_terminal()),
            err: TermStyle::resolve(choice, std::io::stderr().is_terminal()),
        }
    }
}

/// Parse arguments and run; returns the process exit code. A panic
/// nothing else catches prints one line (see [`crate::crash`]) and exits 3.
pub fn main() -> i32 {
    crate::crash::install();
    std::panic::catch_unwind(parse_and_run).unwrap_or(exit::INTERNAL)
}

fn parse_and_run() -> i32 {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let parsed = Cli::hook_shortcut(&args).map_or_else(|| Cli::try_parse_from(&args), Ok);
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return code;
        }
    };
    let styles = Styles::resolve(cli.color);
    match run(cli.command, styles) {
        Ok(code) => code,
        Err(e) if e.is_closed_output() => e.exit_code(),
        Err(e) => {
            // stderr may be closed too: then there is no one to tell.
            let _ = writeln!(
                std::io::stderr(),
                "{}: {e}",
                styles.err.severity(diagnostics::Severity::Error)
            );
            e.exit_code()
        }
    }
}

fn cwd() -> Result<PathBuf> {
    std::env::current_dir()
        .map_err(|e| Error::usage(format!("cannot read the current directory: {e}")))
}

/// Dispatch a parsed command.
pub fn run(command: Command, styles: Styles) -> Result<i32> {
    let stdout = std::io::stdout();
    let mut out = crate::crash::tripwire("stdout", stdout.lock());
    crate::crash::set_fallback(fallback_of(&command));
    // The pre-commit hook turns huge pages on itself once it has work.
    if !matches!(
        command,
        Command::Hook {
            name: HookName::PreCommit,
            ..
        }
    ) {
        crate::pages::allow_huge();
    }
    match command {
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
            let format = format.unwrap_or_else(validate::default_format);
            validate::validate(root.root.as_deref(), &which, format, styles.out, &mut out)
        }
        Command::Stats { root, format } => stats(root.root.as_deref(), format, &mut out),
        Command::Catalog { root } => catalog(root.root.as_deref(), &mut out),
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
            let signals = match (staged, from_git_since) {
                (true, _) => ChangeSource::Staged,
                (false, since) => since.map_or(ChangeSource::None, ChangeSource::Since),
            };
            let root = root.root.as_deref();
            update::update(root, &scope, &signals, apply, format, styles.out, &mut out)
        }
        Command::Maintain(args) => maintain::maintain(args, styles.out, &mut out),
        Command::Add(args) => add::add(args, styles.out, &mut out),
        Command::Establish {
            path,
            scaffold,
            hook,
            overwrite,
            force_hooks,
            profile,
            force,
            publish_check,
            raw_url,
        } => {
            let opts = crate::scaffold::EstablishOptions {
                path,
                scaffold,
                hook,
                overwrite,
                force_hooks,
                profile,
            };
            establish(&opts, force, publish_check, raw_url, &mut out)
        }
        Command::Install {
            force,
            manager,
            only,
        } => {
            let opts = crate::install::InstallOptions {
                force,
                manager,
                only_merge_driver: only.is_some(),
                ..Default::default()
            };
            crate::install::install(&cwd()?, &opts, &mut out)?;
            Ok(exit::OK)
        }
        Command::Doctor => crate::doctor::run(&cwd()?, &mut out),
        Command::Uninstall => {
            crate::install::uninstall(&cwd()?, &mut out)?;
            Ok(exit::OK)
        }
        Command::Hook { name, args } => hook(name, &args, styles.err),
        Command::MergeDriver {
            base,
            ours,
            theirs,
            marker_size,
            path,
        } => crate::merge::merge_driver(&base, &ours, &theirs, marker_size, path.as_deref()),
        Command::Demo { no_pause } => demo(no_pause, &mut out),
        Command::Explain { slug, list: _ } => {
            crate::check::explain_command(slug.as_deref(), &mut out)
        }
        Command::Completions { shell } => docs::completions(shell, &mut out),
        Command::Man => docs::man(&mut out),
    }
}

/// `stats`: counts over the working tree's registry.
fn stats(root: Option<&std::path::Path>, format: Format, out: &mut dyn Write) -> Result<i32> {
    let root = registry::find_root(&cwd()?, root)?;
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
    Ok(exit::OK)
}

/// `catalog`: (re)write the generated page from the working tree's entries.
fn catalog(root: Option<&std::path::Path>, out: &mut dyn Write) -> Result<i32> {
    let root = registry::find_root(&cwd()?, root)?;
    let reg = registry::load(&WorkTree::new(&root)?)?;
    let path = crate::catalog::CATALOG_PATH;
    let n = reg.valid_entries().count();
    match crate::catalog::write(&root, &reg)? {
        crate::catalog::Written::Created => writeln!(out, "created {path} ({n} capabilities)")?,
        crate::catalog::Written::Updated => writeln!(out, "updated {path} ({n} capabilities)")?,
        crate::catalog::Written::Unchanged => writeln!(out, "{path} is up to date")?,
    }
    Ok(exit::OK)
}

/// `demo`: pausing between steps only when a person is at a terminal.
fn demo(no_pause: bool, out: &mut dyn Write) -> Result<i32> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let interactive =
        !no_pause && std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let pause: Option<&mut dyn std::io::BufRead> = interactive.then_some(&mut input);
    crate::demo::run(out, pause)?;
    Ok(exit::OK)
}

/// What a command does when it catches a panic, for the one line the
/// panic hook prints (the `catch_unwind` paths of the hooks and the
/// merge driver; everything else stops).
fn fallback_of(command: &Command) -> &'static str {
    match command {
        Command::MergeDriver { .. } => "the merge driver falls back to `git merge-file`",
        Command::Hook {
            name: HookName::PostMerge,
            ..
        } => "post-merge did not re-derive the index: run `reuse-surface update --apply` by hand",
        Command::Hook {
            name: HookName::PostRewrite,
            ..
        } => {
            "post-rewrite did not check the rewritten commits: run `reuse-surface validate` by hand"
        }
        Command::Hook {
            name: HookName::AgentStop,
            ..
        } => "agent-stop changed nothing and exits 0",
        _ => crate::crash::STOPS,
    }
}

/// Run a git hook: its messages go to stderr, as git shows them. The
/// streams of the hooks that catch panics pass a test-only tripwire
/// ([`crate::crash::tripwire`]) so tests can reach those paths.
fn hook(name: HookName, args: &[String], style: TermStyle) -> Result<i32> {
    let mut err = std::io::stderr().lock();
    match name {
        HookName::PreCommit => crate::hooks::pre_commit(&cwd()?, &mut err, style),
        HookName::PrePush => {
            crate::hooks::pre_push(&cwd()?, args, std::io::stdin().lock(), &mut err, style)
        }
        HookName::PostMerge => {
            let mut err = crate::crash::tripwire("post-merge", err);
            Ok(crate::hooks::post_merge(&cwd()?, &mut err, style))
        }
        HookName::PostRewrite => {
            let mut err = crate::crash::tripwire("post-rewrite", err);
            let stdin = std::io::stdin();
            // At a terminal nothing is piped: read nothing rather than wait.
            let input: Box<dyn std::io::BufRead> = if stdin.is_terminal() {
                Box::new(std::io::empty())
            } else {
                Box::new(stdin.lock())
            };
            Ok(crate::hooks::post_rewrite(
                &cwd()?,
                args,
                input,
                &mut err,
                style,
            ))
        }
        HookName::PreReceive => {
            let received = crate::hooks::parse_received(std::io::stdin().lock())?;
            crate::hooks::pre_receive(&cwd()?, &received, &mut err, style)
        }
        HookName::Update => {
            let received = crate::hooks::parse_update_args(args)?;
            crate::hooks::pre_receive(&cwd()?, &[received], &mut err, style)
        }
        HookName::AgentStop => {
            let stdin = std::io::stdin();
            let mut input = crate::crash::tripwire("agent-stop", stdin.lock());
            let input: Option<&mut dyn std::io::Read> =
                (!std::io::stdin().is_terminal()).then_some(&mut input);
            Ok(crate::hooks::agent_stop(input, &mut err))
        }
    }
}

/// `establish`: scaffold and/or install, then the optional publish check.
fn establish(
    opts: &crate::scaffold::EstablishOptions,
    force: bool,
    publish_check: bool,
    raw_url: Option<String>,
    out: &mut dyn Write,
) -> Result<i32> {
    if force {
        return Err(crate::Error::usage(
            "establish --force is now two flags: --overwrite (replace scaffold files, \
             keeping NAME.orig) and --force-hooks (keep foreign hooks aside)",
        ));
    }
    if opts.scaffold || opts.hook || !publish_check {
        crate::scaffold::establish(opts, out)?;
    }
    if !publish_check {
        return Ok(exit::OK);
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
