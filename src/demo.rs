//! `reuse-surface demo`: a guided run in a throw-away repository, so a
//! newcomer sees the gate, the automatic patch, the push gate and the merge
//! driver work on real git in a few seconds. Every step runs the real
//! binary and the real `git`, isolated from the user's git configuration.

use crate::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Removes the demo directory however the demo ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Demo<'a> {
    exe: PathBuf,
    home: PathBuf,
    repo: PathBuf,
    out: &'a mut dyn Write,
}

const ALPHA: &str = "---
id: capability.demo.greet
title: Greeting
summary: Says hello to callers.
owner: demo
status: active
surface: [\"src/greet/**\"]
maturity:
  D: {current: 1}
  A: {current: 0}
  C: {current: 1}
  R: {current: 0}
updated: 2026-06-17
---
Says hello.
";

const BETA: &str = "---
id: capability.demo.farewell
title: Farewell
summary: Says goodbye to callers.
owner: demo
status: experimental
surface: [\"src/farewell/**\"]
maturity:
  D: {current: 1}
  A: {current: 0}
  C: {current: 0}
  R: {current: 0}
relations:
  depends_on: [capability.demo.greet]
updated: 2026-06-17
---
Says goodbye.
";

fn entry(id: &str, title: &str, extra: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: {title}\nstatus: experimental\nmaturity:\n  D: {{current: 0}}\n  A: {{current: 0}}\n  C: {{current: 0}}\n  R: {{current: 0}}\n{extra}updated: 2026-06-18\n---\n"
    )
}

impl Demo<'_> {
    fn command(&self, program: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .current_dir(&self.repo)
            .env("HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.home.join(".gitconfig"))
            .env("GIT_AUTHOR_NAME", "Demo")
            .env("GIT_AUTHOR_EMAIL", "demo@example.invalid")
            .env("GIT_COMMITTER_NAME", "Demo")
            .env("GIT_COMMITTER_EMAIL", "demo@example.invalid")
            .env("REUSE_SURFACE_BIN", &self.exe)
            .env("NO_COLOR", "1")
            .env_remove("REUSE_SURFACE_SKIP")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE");
        cmd
    }

    /// Run and show a command; `expect_ok` says whether failure is the
    /// point of the step (a refused commit) or a broken demo.
    fn show(&mut self, program: &str, args: &[&str], expect_ok: bool) -> Result<Output> {
        let exe = if program == "reuse-surface" {
            self.exe.clone()
        } else {
            PathBuf::from(program)
        };
        let shown: Vec<String> = args
            .iter()
            .map(|a| {
                if a.contains(' ') {
                    format!("'{a}'")
                } else {
                    a.to_string()
                }
            })
            .collect();
        writeln!(self.out, "  $ {program} {}", shown.join(" "))?;
        let output = self
            .command(&exe, args)
            .output()
            .map_err(|e| Error::other(format!("demo: cannot run {program}: {e}")))?;
        for stream in [&output.stdout, &output.stderr] {
            for line in String::from_utf8_lossy(stream).lines() {
                writeln!(self.out, "    {line}")?;
            }
        }
        if output.status.success() != expect_ok {
            return Err(Error::other(format!(
                "demo: `{program} {}` {} unexpectedly",
                args.join(" "),
                if expect_ok { "failed" } else { "succeeded" }
            )));
        }
        Ok(output)
    }

    fn quiet(&mut self, program: &str, args: &[&str]) -> Result<()> {
        let output = self
            .command(Path::new(program), args)
            .output()
            .map_err(|e| Error::other(format!("demo: cannot run {program}: {e}")))?;
        if !output.status.success() {
            return Err(Error::other(format!(
                "demo: `{program} {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        Ok(())
    }

    fn write(&self, path: &str, text: &str) -> Result<()> {
        let full = self.repo.join(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::write(&full, text).map_err(|e| Error::io(&full, e))?;
        Ok(())
    }

    fn step(&mut self, n: usize, title: &str) -> Result<()> {
        writeln!(self.out, "\n{n}. {title}")?;
        Ok(())
    }
}

/// Run the demo, printing to `out`. Fails only if something the demo
/// relies on (git, the temp directory) is broken.
pub fn run(out: &mut dyn Write) -> Result<()> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::other(format!("demo: cannot find this binary: {e}")))?;
    if !crate::git::cmd::available() {
        return Err(Error::usage("demo: git is not installed (or not on PATH)"));
    }
    let base = std::env::temp_dir().join(format!("reuse-surface-demo-{}", std::process::id()));
    let _cleanup = TempDir(base.clone());
    let home = base.join("home");
    let repo = base.join("repo");
    let remote = base.join("remote.git");
    std::fs::create_dir_all(&home).map_err(|e| Error::io(&home, e))?;
    std::fs::create_dir_all(&repo).map_err(|e| Error::io(&repo, e))?;
    let started = std::time::Instant::now();
    writeln!(
        out,
        "reuse-surface demo: a throw-away repository in {}",
        repo.display()
    )?;
    let mut d = Demo {
        exe,
        home,
        repo,
        out,
    };

    d.step(1, "A repository with a registry, hooks and merge driver")?;
    d.quiet("git", &["init", "-q", "-b", "main"])?;
    d.show(
        "reuse-surface",
        &["establish", "--scaffold", "--hook"],
        true,
    )?;

    d.step(
        2,
        "Two capabilities; the pre-commit hook derives their index rows",
    )?;
    d.write("registry/capabilities/greet.md", ALPHA)?;
    d.write("registry/capabilities/farewell.md", BETA)?;
    d.write("src/greet/hello.txt", "hello\n")?;
    d.quiet("git", &["add", "-A"])?;
    d.show(
        "git",
        &["commit", "-q", "-m", "Add greet and farewell"],
        true,
    )?;
    d.show("reuse-surface", &["validate"], true)?;

    d.step(3, "A commit with a broken relation is refused")?;
    d.write(
        "registry/capabilities/wave.md",
        &entry(
            "capability.demo.wave",
            "Wave",
            "relations:\n  depends_on: [capability.demo.handshake]\n",
        ),
    )?;
    d.quiet("git", &["add", "-A"])?;
    d.show("git", &["commit", "-q", "-m", "Add wave"], false)?;

    d.step(4, "Fix it; the hook stages the missing index row by itself")?;
    d.write(
        "registry/capabilities/wave.md",
        &entry(
            "capability.demo.wave",
            "Wave",
            "relations:\n  depends_on: [capability.demo.greet]\n",
        ),
    )?;
    d.quiet("git", &["add", "-A"])?;
    d.show("git", &["commit", "-q", "-m", "Add wave"], true)?;
    d.show("git", &["show", "--stat", "--format=%s", "HEAD"], true)?;

    d.step(
        5,
        "The push gate checks the pushed commit, not the working tree",
    )?;
    d.quiet(
        "git",
        &["init", "-q", "--bare", remote.to_str().unwrap_or_default()],
    )?;
    d.quiet(
        "git",
        &[
            "remote",
            "add",
            "origin",
            remote.to_str().unwrap_or_default(),
        ],
    )?;
    d.write(
        "registry/capabilities/wave.md",
        &entry(
            "capability.demo.wave",
            "Wave",
            "evidence:\n  tests: [tests/wave_test.sh]\n",
        ),
    )?;
    d.quiet(
        "git",
        &[
            "commit",
            "-q",
            "-a",
            "--no-verify",
            "-m",
            "Cite a test that is not committed",
        ],
    )?;
    d.show("git", &["push", "-q", "origin", "main"], false)?;
    d.write("tests/wave_test.sh", "#!/bin/sh\necho wave\n")?;
    d.quiet("git", &["add", "tests/wave_test.sh"])?;
    d.show("git", &["commit", "-q", "-m", "Add the wave test"], true)?;
    d.show("git", &["push", "-q", "origin", "main"], true)?;

    d.step(
        6,
        "Two branches add capabilities; the merge driver merges the index by id",
    )?;
    d.quiet("git", &["checkout", "-q", "-b", "left"])?;
    d.write(
        "registry/capabilities/wink.md",
        &entry("capability.demo.wink", "Wink", ""),
    )?;
    d.quiet("git", &["add", "-A"])?;
    d.show("git", &["commit", "-q", "-m", "Add wink"], true)?;
    d.quiet("git", &["checkout", "-q", "main"])?;
    d.write(
        "registry/capabilities/yawn.md",
        &entry("capability.demo.yawn", "Yawn", ""),
    )?;
    d.quiet("git", &["add", "-A"])?;
    d.show("git", &["commit", "-q", "-m", "Add yawn"], true)?;
    let merged = d.show("git", &["merge", "--no-edit", "left"], true);
    if merged.is_err() {
        writeln!(
            d.out,
            "    (the merge conflicted: the structural merge driver could not resolve it)"
        )?;
        return merged.map(|_| ());
    }
    d.show(
        "git",
        &[
            "grep",
            "-h",
            "-e",
            "id: capability",
            "HEAD",
            "--",
            "registry/indexes/capabilities.yaml",
        ],
        true,
    )?;
    d.show("reuse-surface", &["validate"], true)?;
    d.show("git", &["log", "--oneline", "--graph", "-8"], true)?;

    writeln!(
        d.out,
        "\ndone in {:.1} s; the demo repository has been removed.",
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}
