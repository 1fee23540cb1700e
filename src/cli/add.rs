//! `add`: read the entry, plan the write ([`crate::kinds::add::plan`])
//! under the registry's lock, print the problems and the diff or the
//! result, and write when nothing refuses it.

use super::args::AddArgs;
use crate::diagnostics::{Severity, TermStyle};
use crate::error::exit;
use crate::kinds::add::{self, Planned, Request};
use crate::report::{Format, Report};
use crate::target::{Target, Which};
use crate::{Error, Result};
use std::io::{Read, Write};
use std::path::Path;

/// The entry's text, from a file, stdin or the command line.
struct Entry(String);

/// An item is a few lines; a larger input (1 MiB) is refused before it is
/// parsed, as a mistake (the wrong file, a pipe that never ends).
const MAX_ENTRY: u64 = 1 << 20;

impl Entry {
    fn read(file: Option<&Path>, json: Option<String>) -> Result<Entry> {
        if let Some(text) = json {
            if text.len() as u64 > MAX_ENTRY {
                return Err(Error::usage(format!(
                    "the entry is larger than {} MiB; an item is a few lines",
                    MAX_ENTRY >> 20
                )));
            }
            return Ok(Entry(text));
        }
        let Some(file) = file else {
            return Err(Error::usage(
                "give the entry with --entry-file F or --entry-json J",
            ));
        };
        let mut bytes = Vec::new();
        let read = if file == Path::new("-") {
            std::io::stdin()
                .lock()
                .take(MAX_ENTRY + 1)
                .read_to_end(&mut bytes)
        } else {
            std::fs::File::open(file).and_then(|f| f.take(MAX_ENTRY + 1).read_to_end(&mut bytes))
        };
        read.map_err(|e| Error::usage(format!("cannot read the entry {}: {e}", file.display())))?;
        if bytes.len() as u64 > MAX_ENTRY {
            return Err(Error::usage(format!(
                "the entry {} is larger than {} MiB; an item is a few lines",
                file.display(),
                MAX_ENTRY >> 20
            )));
        }
        let text = crate::yaml::decode(&bytes)
            .map_err(|e| Error::usage(format!("the entry {}: {}", file.display(), e.message)))?;
        Ok(Entry(text.to_string()))
    }
}

pub(super) fn add(args: AddArgs, style: TermStyle, out: &mut dyn Write) -> Result<i32> {
    let entry = Entry::read(args.entry_file.as_deref(), args.entry_json)?;
    let (check, dry_run, format) = (!args.no_check, args.dry_run, args.format);
    let root = args.root.root.as_deref();
    let (kind, file) = (args.kind, args.file);
    let target = Target::resolve(&super::cwd()?, root, &Which::WorkTree)?;
    // Read, plan and write under one lock: a second `add` waits, then
    // sees this one's item.
    let _lock = crate::atomic::registry_lock(target.root())?;
    let reg = crate::registry::config_and_kinds(target.snapshot())?;
    let request = Request {
        kind,
        entry_text: entry.0,
        file,
        check,
    };
    let plan = add::plan(&reg, target.snapshot(), &request)?;
    let refused = plan.errors() > 0;
    let write = !refused && !dry_run && plan.changed();
    if write {
        let path = target.root().join(&plan.file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        crate::atomic::write_batch(
            &[crate::atomic::PendingFile {
                target: path,
                bytes: plan.new.clone().into_bytes(),
            }],
            || Ok(()),
        )?;
    }
    let action = if refused {
        "refused"
    } else if !plan.changed() {
        "unchanged"
    } else if plan.updated {
        "updated"
    } else {
        "added"
    };
    if format == Format::Json {
        let doc = serde_json::json!({
            "version": 1,
            "kind": plan.kind,
            "key": plan.key,
            "file": plan.file,
            "action": action,
            "written": write,
            "checked": check,
            "problems": plan.problems,
            "diff": dry_run.then(|| add::diff(&plan)),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc).expect("json"))?;
    } else {
        print_text(&plan, &reg, &target, action, check, dry_run, style, out)?;
    }
    // The process ends right after: freeing every kind's items one
    // allocation at a time would only delay the exit (as `validate`).
    std::mem::forget(reg);
    std::mem::forget(plan);
    Ok(if refused { exit::PROBLEMS } else { exit::OK })
}

#[allow(clippy::too_many_arguments)]
fn print_text(
    plan: &Planned,
    reg: &crate::registry::Registry,
    target: &Target,
    action: &str,
    check: bool,
    dry_run: bool,
    style: TermStyle,
    out: &mut dyn Write,
) -> Result<()> {
    let shown_in = plan.after.as_ref().unwrap_or(reg);
    let report = Report::new(plan.problems.clone(), 0);
    report.write_problems(out, style, shown_in, target.snapshot())?;
    if !check {
        writeln!(
            out,
            "note: coordination checks skipped (--no-check); the schema was checked"
        )?;
    }
    if dry_run && plan.errors() == 0 {
        write!(out, "{}", add::diff(plan))?;
    }
    let warnings = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .count();
    let what = format!("{} `{}`", plan.kind, plan.key);
    let line = match action {
        "refused" => format!(
            "refused: {what} has {} error(s); nothing was written",
            plan.errors()
        ),
        "unchanged" => format!("{what} is already in {} as given", plan.file),
        _ if dry_run => format!("would have {action} {what} in {} (--dry-run)", plan.file),
        _ => format!("{action} {what} in {}", plan.file),
    };
    let tail = if warnings > 0 && action != "refused" {
        format!(" ({warnings} warning(s))")
    } else {
        String::new()
    };
    writeln!(out, "{line}{tail}")?;
    Ok(())
}
