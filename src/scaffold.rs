//! `establish`: scaffold a registry (SPEC §2) and install the hooks.
//!
//! The scaffold files live in `templates/scaffold/` and are embedded here. An
//! existing file is never overwritten without `--overwrite`, and with it
//! its previous content is kept beside it (`NAME.orig`), so no run loses a
//! byte. Running twice changes nothing and says so.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::atomic::{PendingFile, write_batch};
use crate::install::{self, InstallOptions};
use crate::output::say;
use crate::{Error, Result};

/// Options of `reuse-surface establish`.
#[derive(Debug, Clone, Default)]
pub struct EstablishOptions {
    /// The repository directory to establish the registry in.
    pub path: PathBuf,
    /// Write the registry layout.
    pub scaffold: bool,
    /// Install the hooks and the merge driver (`install`).
    pub hook: bool,
    /// Overwrite existing scaffold files (keeping a `.orig` copy).
    pub overwrite: bool,
    /// Keep foreign hooks aside (`install --force`). Separate from
    /// `overwrite`: keeping someone's hook must never also replace their
    /// index with the empty scaffold.
    pub force_hooks: bool,
    /// More registries beside the capabilities (`--profile`).
    pub profile: Option<Profile>,
}

/// A set of registry kinds `--scaffold` can add beside the capabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// Module types and instances, maturity, interfaces, content routes,
    /// low- and high-level abilities and agent hooks (SPEC §2.5), with
    /// their schemas, AGENTS.md and the coordination page.
    WriteScripts,
}

/// The write-scripts profile's `kinds:` block, appended to the config.
const WRITE_SCRIPTS_KINDS: &str = include_str!("../templates/write-scripts/kinds.yaml");

/// The profile's fixed files: schemas and empty content files.
const WRITE_SCRIPTS: &[(&str, &str)] = &[
    (
        ".system/registry/schemas/module_type.schema.yaml",
        include_str!("../templates/write-scripts/schemas/module_type.schema.yaml"),
    ),
    (
        ".system/registry/schemas/module_instance.schema.yaml",
        include_str!("../templates/write-scripts/schemas/module_instance.schema.yaml"),
    ),
    (
        ".system/registry/schemas/module_maturity.schema.yaml",
        include_str!("../templates/write-scripts/schemas/module_maturity.schema.yaml"),
    ),
    (
        ".system/registry/schemas/module_interface.schema.yaml",
        include_str!("../templates/write-scripts/schemas/module_interface.schema.yaml"),
    ),
    (
        ".system/registry/schemas/route.schema.yaml",
        include_str!("../templates/write-scripts/schemas/route.schema.yaml"),
    ),
    (
        ".system/registry/schemas/ability_low.schema.yaml",
        include_str!("../templates/write-scripts/schemas/ability_low.schema.yaml"),
    ),
    (
        ".system/registry/schemas/ability_high.schema.yaml",
        include_str!("../templates/write-scripts/schemas/ability_high.schema.yaml"),
    ),
    (
        ".system/registry/schemas/hook.schema.yaml",
        include_str!("../templates/write-scripts/schemas/hook.schema.yaml"),
    ),
    (
        "modules/overview/type_registry.yaml",
        "# Module types: write with `reuse-surface add --type module_type`.\nmodule_types: []\n",
    ),
    (
        "modules/overview/instance_registry.yaml",
        "# Module instances: write with `reuse-surface add --type module_instance`.\nmodule_instances: []\n",
    ),
    (
        "modules/overview/instance_maturity.yaml",
        "# Instance maturity: write with `reuse-surface add --type module_maturity`.\ninstance_maturity: []\n",
    ),
    (
        "modules/overview/interfaces.yaml",
        "# Module interfaces: write with `reuse-surface add --type module_interface`.\ninterfaces: []\n",
    ),
];

/// Where `{{TODAY}}` in a template is replaced by the current UTC date.
const TODAY_PLACEHOLDER: &str = "{{TODAY}}";

/// The scaffold: repository-relative path and template text.
pub const SCAFFOLD: &[(&str, &str)] = &[
    (
        "registry/indexes/capabilities.yaml",
        include_str!("../templates/scaffold/registry/indexes/capabilities.yaml"),
    ),
    (
        "registry/capabilities/_template.md",
        include_str!("../templates/scaffold/registry/capabilities/_template.md"),
    ),
    (
        "registry/MATURITY.md",
        include_str!("../templates/scaffold/registry/MATURITY.md"),
    ),
    (
        "registry/README.md",
        include_str!("../templates/scaffold/registry/README.md"),
    ),
    (
        "registry/config.yaml",
        include_str!("../templates/scaffold/registry/config.yaml"),
    ),
];

/// Scaffolds the registry under `opts.path` and/or installs the hooks there.
/// With neither `--scaffold` nor `--hook`, reports what each would do and
/// changes nothing.
pub fn establish(opts: &EstablishOptions, out: &mut dyn Write) -> Result<()> {
    let root = &opts.path;
    if !root.is_dir() {
        return Err(Error::usage(format!(
            "establish: {} is not an existing directory",
            root.display()
        )));
    }
    let today = crate::patches::apply::today();

    if !opts.scaffold && !opts.hook {
        return describe(opts, &today, out);
    }

    // Decide the install first, so a refusal (no repository, a foreign
    // hook, a global core.hooksPath) stops before anything is written.
    let install_plan = if opts.hook {
        let binary = install::current_binary()?;
        Some(install::plan_install(
            root,
            &install_options(opts),
            &binary,
        )?)
    } else {
        None
    };

    let mut changed = false;
    if opts.scaffold {
        changed |= write_scaffold(root, &today, opts.overwrite, opts.profile, out)?;
    }
    if let Some(plan) = install_plan {
        changed |= plan.apply(out)?;
    }
    if !changed {
        say(out, "nothing to do: everything is already established")?;
    }
    Ok(())
}

/// The install `establish --hook` runs: the `.gitattributes` line is for
/// the registry at `--path` when it is scaffolded or already there, else
/// for the one install finds.
fn install_options(opts: &EstablishOptions) -> InstallOptions {
    let has_registry = opts.path.join(crate::model::INDEX_PATH).is_file();
    InstallOptions {
        force: opts.force_hooks,
        registry_here: opts.scaffold || has_registry,
        ..Default::default()
    }
}

/// Reports what `--scaffold` and `--hook` would do, changing nothing.
fn describe(opts: &EstablishOptions, today: &str, out: &mut dyn Write) -> Result<()> {
    say(
        out,
        "establish: nothing selected (pass --scaffold, --hook, or both); they would do this:",
    )?;
    for Planned { rel, action, .. } in
        plan_scaffold(&opts.path, today, opts.overwrite, opts.profile)?
    {
        say(
            out,
            &format!("  --scaffold: {rel}: {}", action.describe(false)),
        )?;
    }
    let binary = install::current_binary()?;
    match install::plan_install(&opts.path, &install_options(opts), &binary) {
        Ok(plan) if plan.is_noop() => say(out, "  --hook: nothing to do (already installed)"),
        Ok(plan) => say(
            out,
            &format!(
                "  --hook: install pre-commit, pre-push, post-merge and post-rewrite into {} and register the merge driver",
                plan.layout().hooks_dir.display()
            ),
        ),
        Err(e) => say(out, &format!("  --hook: would refuse: {e}")),
    }
}

/// The template text with its placeholders filled in.
pub fn render(template: &str, today: &str) -> String {
    template.replace(TODAY_PLACEHOLDER, today)
}

/// What the scaffold does with one file.
enum Action {
    Create,
    /// Already there with exactly the shipped content.
    Same,
    /// Already there with other content, and no `--overwrite`.
    Keep,
    /// Already there with other content: replaced, the old content kept at
    /// the backup path.
    Overwrite {
        target: PathBuf,
        backup: PathBuf,
    },
    /// The config, which declares no kinds yet: the profile's are appended.
    Append {
        target: PathBuf,
    },
    /// A generated page (its marker on the first line), rewritten.
    Regenerate {
        target: PathBuf,
    },
}

impl Action {
    /// How the report names this action, once `done` or as a plan.
    fn describe(&self, done: bool) -> String {
        match (self, done) {
            (Action::Create, true) => "created".into(),
            (Action::Create, false) => "create".into(),
            (Action::Same, _) => "already present (kept)".into(),
            (Action::Keep, _) => "already present (kept; --overwrite overwrites it)".into(),
            (Action::Append { .. }, true) => "kinds appended (the rest kept)".into(),
            (Action::Append { .. }, false) => "append the kinds (keeping the rest)".into(),
            (Action::Regenerate { .. }, true) => "regenerated from registry/config.yaml".into(),
            (Action::Regenerate { .. }, false) => "regenerate from registry/config.yaml".into(),
            (Action::Overwrite { backup, .. }, done) => format!(
                "{} (the previous content {} in {})",
                if done { "overwritten" } else { "overwrite" },
                if done { "is" } else { "goes" },
                backup
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            ),
        }
    }
}

/// One scaffold file and what to do with it.
struct Planned {
    rel: &'static str,
    path: PathBuf,
    content: String,
    action: Action,
}

/// The files of the scaffold (and of `profile`), each with its content.
fn scaffold_files(today: &str, profile: Option<Profile>) -> Vec<(&'static str, String)> {
    let mut files: Vec<(&str, String)> = SCAFFOLD
        .iter()
        .map(|(rel, t)| (*rel, render(t, today)))
        .collect();
    if profile == Some(Profile::WriteScripts) {
        for (rel, content) in &mut files {
            if *rel == crate::model::CONFIG_PATH {
                content.push_str(WRITE_SCRIPTS_KINDS);
            }
        }
        files.extend(WRITE_SCRIPTS.iter().map(|(rel, t)| (*rel, t.to_string())));
    }
    files
}

/// The pages generated from the kinds the config declares once this run
/// is done (its planned content, or the existing file when kept).
fn generated_pages(planned: &[Planned]) -> Vec<(&'static str, String)> {
    let config = planned
        .iter()
        .find(|p| p.rel == crate::model::CONFIG_PATH)
        .map(|p| match p.action {
            Action::Keep => std::fs::read(&p.path).unwrap_or_default(),
            _ => p.content.clone().into_bytes(),
        })
        .unwrap_or_default();
    let kinds = crate::config::Config::lenient(&config)
        .map(|c| c.kinds)
        .unwrap_or_default();
    if kinds.is_empty() {
        return Vec::new();
    }
    vec![
        (
            crate::kinds::coordination::AGENTS_PATH,
            crate::kinds::coordination::render_agents(&kinds),
        ),
        (
            crate::kinds::coordination::PAGE_PATH,
            crate::kinds::coordination::render(&kinds),
        ),
    ]
}

/// Decides what the scaffold does with each file under `root`.
fn plan_scaffold(
    root: &Path,
    today: &str,
    force: bool,
    profile: Option<Profile>,
) -> Result<Vec<Planned>> {
    let mut planned = Vec::new();
    for (rel, content) in scaffold_files(today, profile) {
        let path = root.join(rel);
        // An existing config without kinds gets the profile's block
        // appended: its own lines stay as they are.
        if rel == crate::model::CONFIG_PATH
            && profile.is_some()
            && let Ok(current) = std::fs::read_to_string(&path)
            && !declares_kinds(&current)
        {
            let mut content = current.clone();
            if !content.is_empty() && !content.ends_with('\n') {
                content.push('\n');
            }
            content.push_str(WRITE_SCRIPTS_KINDS);
            planned.push(Planned {
                rel,
                path: path.clone(),
                content,
                action: Action::Append { target: path },
            });
            continue;
        }
        let action = plan_one(&path, &content, force)?;
        planned.push(Planned {
            rel,
            path,
            content,
            action,
        });
    }
    for (rel, content) in generated_pages(&planned) {
        let path = root.join(rel);
        let action = match std::fs::read_to_string(&path) {
            // Ours (the marker on its first line): regenerated, no backup.
            Ok(current) if current == content => Action::Same,
            Ok(current) if current.starts_with(crate::kinds::coordination::MARKER) => {
                Action::Regenerate {
                    target: path.clone(),
                }
            }
            _ => plan_one(&path, &content, force)?,
        };
        planned.push(Planned {
            rel,
            path,
            content,
            action,
        });
    }
    Ok(planned)
}

/// Whether a config text has a top-level `kinds:` key.
fn declares_kinds(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("kinds:"))
}

/// What to do with one file whose wanted content is `content`.
fn plan_one(path: &Path, content: &str, force: bool) -> Result<Action> {
    {
        let action = match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Action::Create,
            Err(e) => return Err(Error::io(path, e)),
            Ok(_) => match std::fs::read(path) {
                Ok(current) if current == content.as_bytes() => Action::Same,
                _ if !force => Action::Keep,
                Ok(_) => {
                    // Replace a symlink's target, never the link itself.
                    let target = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
                    Action::Overwrite {
                        backup: free_backup_path(path)?,
                        target,
                    }
                }
                Err(_) => {
                    return Err(Error::usage(format!(
                        "establish: {} exists and is not a readable regular file; not overwriting it, \
                         even with --overwrite",
                        path.display()
                    )));
                }
            },
        };
        Ok(action)
    }
}

/// Writes the scaffold files under `root` in one all-or-nothing batch,
/// reporting each; returns whether anything changed.
fn write_scaffold(
    root: &Path,
    today: &str,
    force: bool,
    profile: Option<Profile>,
    out: &mut dyn Write,
) -> Result<bool> {
    let planned = plan_scaffold(root, today, force, profile)?;
    let mut batch = Vec::new();
    for Planned {
        path,
        content,
        action,
        ..
    } in &planned
    {
        match action {
            Action::Create => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                }
                batch.push(PendingFile {
                    target: path.clone(),
                    bytes: content.clone().into_bytes(),
                });
            }
            Action::Overwrite { target, backup } => {
                // The backup is written before anything is replaced.
                std::fs::copy(target, backup).map_err(|e| {
                    Error::other(format!(
                        "cannot back up {} to {}: {e}",
                        target.display(),
                        backup.display()
                    ))
                })?;
                batch.push(PendingFile {
                    target: target.clone(),
                    bytes: content.clone().into_bytes(),
                });
            }
            Action::Append { target } | Action::Regenerate { target } => {
                batch.push(PendingFile {
                    target: target.clone(),
                    bytes: content.clone().into_bytes(),
                });
            }
            Action::Same | Action::Keep => {}
        }
    }
    write_batch(&batch, || Ok(()))?;

    for Planned { rel, action, .. } in &planned {
        say(out, &format!("{rel}: {}", action.describe(true)))?;
    }
    Ok(!batch.is_empty())
}

/// `FILE.orig`, or `FILE.orig.N` for the first N that is free.
fn free_backup_path(path: &Path) -> Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for n in 0..1000 {
        let candidate = if n == 0 {
            path.with_file_name(format!("{name}.orig"))
        } else {
            path.with_file_name(format!("{name}.orig.{n}"))
        };
        if std::fs::symlink_metadata(&candidate).is_err() {
            return Ok(candidate);
        }
    }
    Err(Error::other(format!(
        "establish: no free backup name beside {}; remove old .orig copies first",
        path.display()
    )))
}
