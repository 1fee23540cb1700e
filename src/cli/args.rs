//! What the command line accepts (SPEC §6), with the help text people read:
//! every argument described, examples and the exit codes in `--help`, the
//! same text `man` and the shell completions are generated from.

use crate::color::ColorChoice;
use crate::report::{Format, ProblemFormat};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The exit codes, as `--help` and the man page print them (SPEC §6).
pub const EXIT_CODES: &str = "\
Exit codes:
  0  ok: nothing wrong (warnings only, or nothing to do)
  1  problems found: validation or schema failure (commit/push refused, nothing written)
  2  usage error (bad arguments, no registry found), or a `maintain` session that wrote nothing
  3  internal error: a file, git or reuse-surface itself failed
A closed output pipe (`reuse-surface stats | head -1`) ends quietly with 0.";

const AFTER_HELP: &str = "\
Examples:
  reuse-surface validate                      check the working tree's registry
  reuse-surface validate --staged --format concise
  reuse-surface validate --format sarif > reuse-surface.sarif
  reuse-surface update --apply                re-derive the index from the entries
  reuse-surface explain vector-drift          what a check means and how to fix it
  reuse-surface completions bash > ~/.local/share/bash-completion/completions/reuse-surface
  reuse-surface man | man -l -

Environment: NO_COLOR, CLICOLOR_FORCE, FORCE_COLOR and TERM=dumb decide colour
under --color auto; GITHUB_ACTIONS=true makes `validate` print workflow
annotations unless --format is given; REUSE_SURFACE_SKIP, REUSE_SURFACE_BIN,
REUSE_SURFACE_RAW_URL, LLM_CONNECT_URL, OPENAI_API_KEY (see README.md).
";

const VALIDATE_HELP: &str = "\
Examples:
  reuse-surface validate
  reuse-surface validate --rev HEAD --format json
  reuse-surface validate --format github      (the default when GITHUB_ACTIONS=true)

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage, 3 internal error.";

const ADD_HELP: &str = "\
Examples:
  reuse-surface add --type module_instance --entry-json '{\"id\": \"billing\", \"type_id\": \"service\", \"description\": \"Bills.\"}'
  reuse-surface add --type hook --entry-file hook.yaml --dry-run
  echo 'id: core' | reuse-surface add --type team --entry-file -

Exit codes: 0 written (or unchanged), 1 refused (an error in the entry or one the write
would bring; nothing written), 2 usage error, 3 internal error.";

#[derive(Debug, Parser)]
#[command(
    name = "reuse-surface",
    version,
    about = "Keeps a capability registry honest inside git repositories.",
    long_about = "Keeps a capability registry honest inside git repositories: \
                  schema and coordination checks, deterministic patches, git hooks \
                  and a structural merge driver for the index.",
    after_help = format!("{AFTER_HELP}\n{EXIT_CODES}"),
)]
pub struct Cli {
    /// When to colour the output.
    #[arg(long, value_enum, global = true, value_name = "WHEN", default_value_t)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The command line as the installed shims write it, `hook <name>
    /// [args]`, resolved without clap: building clap's whole command tree
    /// costs ~0.3 ms, a sixth of the budget of the hook that runs inside
    /// every `git commit` (issue 11). Anything else — a flag, `--help`, an
    /// unknown hook, an argument that is not UTF-8 — is `None`, and clap
    /// parses it (and words its errors). A unit test holds the two equal.
    pub fn hook_shortcut(args: &[std::ffi::OsString]) -> Option<Cli> {
        let [_, hook, name, rest @ ..] = args else {
            return None;
        };
        if hook != "hook" {
            return None;
        }
        let name = name.to_str()?;
        let name = *HookName::value_variants()
            .iter()
            .find(|h| h.name() == name)?;
        let args = rest
            .iter()
            .map(|a| a.to_str().filter(|a| !a.starts_with('-')).map(String::from))
            .collect::<Option<Vec<String>>>()?;
        Some(Cli {
            color: ColorChoice::default(),
            command: Command::Hook { name, args },
        })
    }
}

#[derive(Debug, Args)]
pub struct RootArg {
    /// The directory holding `registry/` (default: found by walking up).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the registry: schema and coordination checks.
    #[command(after_help = VALIDATE_HELP)]
    Validate {
        #[command(flatten)]
        root: RootArg,
        /// Check what is staged (the git index) instead of the working tree.
        #[arg(long, conflicts_with = "rev")]
        staged: bool,
        /// Check the tree of a commit (any revision git understands).
        #[arg(long, value_name = "REV")]
        rev: Option<String>,
        /// How to print the problems [default: github when GITHUB_ACTIONS=true, else text].
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<ProblemFormat>,
    },
    /// Counts per status and level, mean vector, capabilities without evidence.
    Stats {
        #[command(flatten)]
        root: RootArg,
        /// How to print the counts.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write registry/CATALOG.md: a generated table and relation graph of the entries.
    Catalog {
        #[command(flatten)]
        root: RootArg,
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
        /// How to print the patches.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Walk through patches interactively or automatically (optionally with an LLM).
    ///
    /// On a terminal each patch is shown with its diff and you answer a
    /// (apply), s (skip), e (edit), q (quit) or A (apply all safe). Without a terminal,
    /// --auto (or --yes) is required. Exit codes: 0 ok, 1 the batch would not
    /// validate (nothing written), 2 usage error or every patch skipped, 3 internal error.
    Maintain(MaintainArgs),
    /// Insert or update an item of a declared registry kind (`kinds:` in registry/config.yaml).
    ///
    /// The entry is checked against the kind's schema and, unless --no-check, the
    /// coordination rules run on the registry as it would be after the write; then the
    /// item is inserted at its sorted place (or the item with its key is replaced),
    /// every other byte of the file kept, atomically.
    #[command(after_help = ADD_HELP)]
    Add(AddArgs),
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
        /// Overwrite existing scaffold files (each previous content kept as NAME.orig).
        #[arg(long)]
        overwrite: bool,
        /// Keep foreign hooks aside and run them first (as `install --force`).
        #[arg(long)]
        force_hooks: bool,
        /// With --scaffold: add these registry kinds beside the capabilities.
        #[arg(long, value_enum, value_name = "PROFILE", requires = "scaffold")]
        profile: Option<crate::scaffold::Profile>,
        /// Replaced by --overwrite and --force-hooks (it meant both at once).
        #[arg(long, hide = true)]
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
        /// Put the gate into this hook manager's configuration instead of our shims.
        #[arg(long, value_enum, conflicts_with = "only")]
        manager: Option<crate::install::Manager>,
        /// Install only this part.
        #[arg(long, value_enum)]
        only: Option<InstallPart>,
    },
    /// Is the gate effective in this clone? Each finding with the command that fixes it.
    Doctor,
    /// Remove our hooks and merge driver; restore kept hooks.
    Uninstall,
    /// Run a git hook (called by the installed shims).
    Hook {
        /// Which hook git is running.
        #[arg(value_enum)]
        name: HookName,
        /// Arguments git passed to the hook (pre-push: the remote's name and URL).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Three-way merge of a registry index (called by git).
    ///
    /// git runs it as `reuse-surface merge-driver %O %A %B %L %P` (the
    /// `merge.reuse-surface.driver` that `install` writes). Exit 0: merged
    /// cleanly; 1: conflicts were written into OURS with markers.
    MergeDriver {
        /// %O: the common ancestor's version (a temporary file).
        base: PathBuf,
        /// %A: our version; the merge result is written here.
        ours: PathBuf,
        /// %B: their version (a temporary file).
        theirs: PathBuf,
        /// %L: the length of conflict markers.
        #[arg(default_value_t = 7)]
        marker_size: usize,
        /// %P: the path of the merged file in the repository (for messages and labels).
        path: Option<String>,
    },
    /// A guided run in a throw-away repository (pausing between steps at a terminal).
    Demo {
        /// Run straight through, without waiting for Enter between steps.
        #[arg(long)]
        no_pause: bool,
    },
    /// What a check means, why it matters and how to fix it (as `rustc --explain`).
    Explain {
        /// The check's slug, e.g. `vector-drift`; without it, every check is listed.
        slug: Option<String>,
        /// List every check with its default severity and summary.
        #[arg(long, conflicts_with = "slug")]
        list: bool,
    },
    /// Print a shell completion script on stdout.
    #[command(after_help = "Examples:\n  \
        reuse-surface completions bash > ~/.local/share/bash-completion/completions/reuse-surface\n  \
        reuse-surface completions zsh > \"${fpath[1]}/_reuse-surface\"\n  \
        reuse-surface completions fish > ~/.config/fish/completions/reuse-surface.fish")]
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: ShellArg,
    },
    /// Print the man page (roff) on stdout: `reuse-surface man | man -l -`.
    Man,
}

/// The parts `install --only` can install by themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InstallPart {
    /// The merge driver and its .gitattributes line (no hooks).
    MergeDriver,
}

/// The shells `completions` writes for (`clap_complete`'s, described).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    /// Bash (bash-completion's `complete -F`).
    Bash,
    /// Zsh (a `#compdef` function for `$fpath`).
    Zsh,
    /// fish.
    Fish,
    /// Elvish.
    Elvish,
    /// PowerShell.
    Powershell,
}

impl From<ShellArg> for clap_complete::Shell {
    fn from(s: ShellArg) -> Self {
        match s {
            ShellArg::Bash => clap_complete::Shell::Bash,
            ShellArg::Zsh => clap_complete::Shell::Zsh,
            ShellArg::Fish => clap_complete::Shell::Fish,
            ShellArg::Elvish => clap_complete::Shell::Elvish,
            ShellArg::Powershell => clap_complete::Shell::PowerShell,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookName {
    /// Check (and patch) the staged registry before a commit.
    PreCommit,
    /// Check every commit about to be pushed (ref lines on stdin).
    PrePush,
    /// Re-derive the index after a merge or pull; always exit 0.
    PostMerge,
    /// After a rebase: check the rewritten commits (`<old> <new>` lines on stdin), print the repair; always exit 0.
    PostRewrite,
    /// Server side (a bare repository): validate every commit a push brings; reject on errors.
    PreReceive,
    /// Server side, once per ref (REFNAME OLD NEW): as pre-receive.
    Update,
    /// A coding agent's Stop hook: `maintain --auto --no-llm`, always exit 0.
    AgentStop,
}

impl HookName {
    /// The hook's name as clap spells it (a unit test holds the two
    /// equal), for the shortcut: clap's own lookup builds every hook's
    /// help text first, a sixth of the shortcut's share of the no-op hook.
    fn name(self) -> &'static str {
        match self {
            HookName::PreCommit => "pre-commit",
            HookName::PrePush => "pre-push",
            HookName::PostMerge => "post-merge",
            HookName::PostRewrite => "post-rewrite",
            HookName::PreReceive => "pre-receive",
            HookName::Update => "update",
            HookName::AgentStop => "agent-stop",
        }
    }
}

/// `add`'s flags.
#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// The kind of the item (a key of `kinds:`).
    #[arg(long = "type", value_name = "KIND")]
    pub kind: String,
    /// The entry as a YAML or JSON file (`-`: stdin).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "entry_json",
        required_unless_present = "entry_json"
    )]
    pub entry_file: Option<PathBuf>,
    /// The entry as JSON (or YAML flow) text.
    #[arg(long, value_name = "JSON")]
    pub entry_json: Option<String>,
    /// The file a new item goes to, instead of the kind's `new_file` (registry-relative).
    #[arg(long, value_name = "PATH")]
    pub file: Option<String>,
    /// Skip the coordination rules (never the schema); says so.
    #[arg(long)]
    pub no_check: bool,
    /// Print the diff of the write; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
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
    /// Apply LLM patches of any confidence.
    Low,
    /// Apply medium- and high-confidence LLM patches.
    Medium,
    /// Apply only high-confidence LLM patches.
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LlmApiArg {
    /// llm-connect's `POST /execute`.
    Connect,
    /// An OpenAI-compatible `POST /chat/completions` (Ollama, llama.cpp, vLLM).
    Openai,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn argv(args: &[&str]) -> Vec<OsString> {
        std::iter::once("reuse-surface")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect()
    }

    /// What the shortcut takes, it resolves as clap does; what it leaves,
    /// clap parses.
    #[test]
    fn hook_shortcut_agrees_with_clap() {
        for name in HookName::value_variants() {
            let value = name.to_possible_value().expect("every hook has a name");
            assert_eq!(name.name(), value.get_name());
        }
        let mut taken = 0;
        for name in HookName::value_variants() {
            let value = name.to_possible_value().expect("every hook has a name");
            let rests: [&[&str]; 4] = [
                &[],
                &["origin", "https://example.invalid/r.git"],
                &["0"],
                &["refs/heads/main", "a b", ""],
            ];
            for rest in rests {
                let mut args = vec!["hook", value.get_name()];
                args.extend_from_slice(rest);
                let args = argv(&args);
                let short = Cli::hook_shortcut(&args).expect("the shims' form is taken");
                let clap = Cli::try_parse_from(&args).expect("clap parses the shims' form");
                assert_eq!(format!("{short:?}"), format!("{clap:?}"), "{args:?}");
                taken += 1;
            }
        }
        assert!(taken >= 28, "only {taken} forms compared");
        let left: [&[&str]; 8] = [
            &["hook", "pre-commit", "--help"],
            &["hook", "pre-commit", "--color", "never"],
            &["--color", "never", "hook", "pre-commit"],
            &["hook", "no-such-hook"],
            &["hook", "Pre-Commit"],
            &["hook"],
            &["validate"],
            &[],
        ];
        for args in left {
            assert!(
                Cli::hook_shortcut(&argv(args)).is_none(),
                "{args:?} was taken"
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            let mut args = argv(&["hook", "pre-push"]);
            args.push(OsString::from_vec(vec![0xff]));
            assert!(
                Cli::hook_shortcut(&args).is_none(),
                "a non-UTF-8 argument was taken"
            );
        }
    }
}
