//! `completions SHELL` and `man`: generated from the same clap definition
//! as `--help`, so they cannot drift from the flags.

use super::args::{Cli, ShellArg};
use crate::Result;
use crate::error::exit;
use clap::CommandFactory;
use std::io::Write;

/// Print the completion script for `shell`. Rendered into memory first:
/// the generator panics on a write error, and a closed pipe is not a bug.
pub(super) fn completions(shell: ShellArg, out: &mut dyn Write) -> Result<i32> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    let shell: clap_complete::Shell = shell.into();
    clap_complete::generate(shell, &mut cmd, "reuse-surface", &mut script);
    out.write_all(&script)?;
    Ok(exit::OK)
}

/// Print the man page (roff), with a page section for every subcommand.
pub(super) fn man(out: &mut dyn Write) -> Result<i32> {
    let mut cmd = Cli::command();
    // Built, so each subcommand knows its full name (`reuse-surface validate`).
    cmd.build();
    let mut page = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    render_subcommands(&cmd, &mut page)?;
    man.render_extra_section(&mut page)?;
    man.render_version_section(&mut page)?;
    out.write_all(&page)?;
    Ok(exit::OK)
}

/// One `.SH` section per subcommand, with its arguments described (the
/// default page lists only their names).
fn render_subcommands(cmd: &clap::Command, page: &mut Vec<u8>) -> std::io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name();
        writeln!(
            page,
            ".SH \"{}\"",
            format!("reuse-surface {name}").to_uppercase()
        )?;
        let mut sub_page = Vec::new();
        let sub_man = clap_mangen::Man::new(sub.clone());
        sub_man.render_synopsis_section(&mut sub_page)?;
        sub_man.render_description_section(&mut sub_page)?;
        sub_man.render_options_section(&mut sub_page)?;
        if sub.get_after_help().is_some() {
            sub_man.render_extra_section(&mut sub_page)?;
        }
        // Demote the subcommand's own sections to subsections.
        let text = String::from_utf8_lossy(&sub_page).replace("\n.SH ", "\n.SS ");
        let text = text
            .strip_prefix(".SH ")
            .map_or(text.clone(), |t| format!(".SS {t}"));
        page.extend_from_slice(text.as_bytes());
    }
    Ok(())
}
