//! The `git` processes we spawn, each behind a function named for what it
//! does. Reading goes through gix; these are the writes gix does not do
//! the way git does (the index lock protocol, config files) and install's
//! questions whose answers must be git's own (`rev-parse --git-path`), and
//! the demo's scripted git steps.

use crate::{Error, Result};
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn cannot_run(e: std::io::Error) -> Error {
    Error::git(format!(
        "cannot run git ({e}); is git installed and on PATH?"
    ))
}

/// Whether a `git` binary can be started at all.
pub fn available() -> bool {
    Command::new("git").arg("--version").output().is_ok()
}

/// Run `git ARGS` in `dir` and capture its output (any exit status).
pub fn output(dir: &Path, args: &[&str]) -> Result<Output> {
    output_in_env(dir, args, &[], &[])
}

/// [`output`] in an environment of the caller's own: `set` added to it and
/// `unset` removed from it. The demo runs git this way, with a throw-away
/// `HOME`, a fixed identity and none of the caller's `GIT_DIR` and friends.
pub fn output_in_env(
    dir: &Path,
    args: &[&str],
    set: &[(&str, &OsStr)],
    unset: &[&str],
) -> Result<Output> {
    let mut cmd = Command::new("git");
    cmd.args(args).current_dir(dir);
    for (name, value) in set {
        cmd.env(name, value);
    }
    for name in unset {
        cmd.env_remove(name);
    }
    cmd.output().map_err(cannot_run)
}

/// Run `git ARGS` and return the first line of its output as a path, or
/// an error naming the command.
pub fn path_line(dir: &Path, args: &[&str]) -> Result<PathBuf> {
    let output = output(dir, args)?;
    if !output.status.success() {
        return Err(Error::git(format!(
            "`git {}` failed: {}",
            args.join(" "),
            stderr_text(&output)
        )));
    }
    let line = output
        .stdout
        .split(|&b| b == b'\n')
        .next()
        .unwrap_or_default();
    if line.is_empty() {
        return Err(Error::git(format!(
            "`git {}` printed nothing",
            args.join(" ")
        )));
    }
    Ok(PathBuf::from(OsString::from_vec(line.to_vec())))
}

/// `git config --local --get KEY`: `None` when unset.
pub fn config_get_local(dir: &Path, key: &str) -> Result<Option<OsString>> {
    let output = output(dir, &["config", "--local", "--get", key])?;
    match output.status.code() {
        Some(0) => {
            let mut value = output.stdout;
            if value.last() == Some(&b'\n') {
                value.pop();
            }
            Ok(Some(OsString::from_vec(value)))
        }
        Some(1) => Ok(None),
        _ => Err(Error::git(format!(
            "cannot read {key}: {}",
            stderr_text(&output)
        ))),
    }
}

/// `git config --local KEY VALUE`.
pub fn config_set_local(dir: &Path, key: &str, value: &OsStr) -> Result<()> {
    let output = Command::new("git")
        .args(["config", "--local", key])
        .arg(value)
        .current_dir(dir)
        .output()
        .map_err(cannot_run)?;
    if !output.status.success() {
        return Err(Error::git(format!(
            "cannot set {key}: {}",
            stderr_text(&output)
        )));
    }
    Ok(())
}

/// A process's stdout as text.
pub fn stdout_text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A process's stderr as one trimmed line of text.
pub fn stderr_text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).trim().to_string()
}

/// `git update-index -z --index-info` with `info` (`MODE OID\tPATH\0`
/// records: NUL-separated, so a path may hold a newline) on `index_file`
/// (default: whatever `GIT_INDEX_FILE` says, else the repository's
/// index): git takes the index lock as it always does.
pub fn update_index_info(top: &Path, index_file: Option<&Path>, info: &[u8]) -> Result<()> {
    update_index_stdin(top, index_file, &["-z", "--index-info"], info)
}

/// `merge.conflictStyle` asks for the base section (`diff3`, `zdiff3`).
pub fn conflict_style_is_diff3() -> bool {
    Command::new("git")
        .args(["config", "--get", "merge.conflictStyle"])
        .output()
        .ok()
        .is_some_and(|o| {
            matches!(
                String::from_utf8_lossy(&o.stdout).trim(),
                "diff3" | "zdiff3"
            )
        })
}

/// git's own line merge of three files (`git merge-file --stdout`), with
/// `labels` as ours, base, theirs; returns the merged bytes and whether
/// there were conflicts.
pub fn merge_file(
    ours: &Path,
    base: &Path,
    theirs: &Path,
    marker_size: usize,
    labels: [&str; 3],
) -> Result<(Vec<u8>, bool)> {
    let out = Command::new("git")
        .arg("merge-file")
        .arg("--stdout")
        .arg(format!("--marker-size={marker_size}"))
        .args(["-L", labels[0], "-L", labels[1], "-L", labels[2]])
        .arg(ours)
        .arg(base)
        .arg(theirs)
        .output()
        .map_err(|e| Error::git(format!("cannot run git merge-file: {e}")))?;
    match out.status.code() {
        Some(code @ 0..=127) => Ok((out.stdout, code > 0)),
        _ => Err(Error::git(format!(
            "git merge-file failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
    }
}

/// `git update-index ARGS` fed `input` on stdin, on `index_file` (see
/// [`update_index_info`]); a failure names git's own reason.
pub fn update_index_stdin(
    top: &Path,
    index_file: Option<&Path>,
    args: &[&str],
    input: &[u8],
) -> Result<()> {
    let mut cmd = Command::new("git");
    cmd.arg("update-index")
        .args(args)
        .current_dir(top)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(index_file) = index_file {
        cmd.env("GIT_INDEX_FILE", index_file);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| Error::git(format!("cannot run git update-index: {e}")))?;
    let written = child.stdin.take().expect("piped").write_all(input);
    let output = child.wait_with_output().map_err(Error::git)?;
    if !output.status.success() {
        return Err(Error::git(format!(
            "git update-index {} failed ({}): {}",
            args.join(" "),
            output.status,
            stderr_text(&output)
        )));
    }
    written.map_err(|e| Error::git(format!("cannot write to git update-index: {e}")))
}

/// The commits `tip` brings that no ref of the repository reaches yet,
/// oldest first: what a push adds, asked in `pre-receive`/`update`, where
/// the refs are not moved yet. Through `git` itself, which sees the
/// push's quarantined objects (`GIT_OBJECT_DIRECTORY` and the alternates
/// git sets for the hook).
pub fn new_commits(dir: &Path, tip: &str) -> Result<Vec<String>> {
    rev_list(dir, &[tip, "--not", "--all"])
}

/// `git rev-list --reverse ARGS`: commit ids, oldest first.
pub fn rev_list(dir: &Path, args: &[&str]) -> Result<Vec<String>> {
    let mut all = vec!["rev-list", "--reverse"];
    all.extend_from_slice(args);
    let out = output(dir, &all)?;
    if !out.status.success() {
        return Err(Error::other(format!(
            "git rev-list {} failed: {}",
            args.join(" "),
            stderr_text(&out)
        )));
    }
    Ok(stdout_text(&out)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}
