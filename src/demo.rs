//! `reuse-surface demo`: a guided run in a throw-away repository, so a
//! newcomer sees the gate, the automatic patch, the push gate and the merge
//! driver work on real git in a few seconds. Every step runs the real
//! binary and the real `git`, isolated from the user's git configuration.

use crate::git::cmd;
use crate::{Error, Result};
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::PathBuf;
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
    remote: PathBuf,
    out: &'a mut dyn Write,
    /// Where a person at a terminal presses Enter between steps; `None`
    /// runs straight through (a pipe, CI, `--no-pause`).
    pause: Option<&'a mut dyn std::io::BufRead>,
    /// Set when the reader quit between steps: the error that unwinds the
    /// remaining steps is then no failure.
    quit: bool,
}

/// How many steps the demo shows (for "step 2/6").
const STEPS: usize = 6;

/// The reader asked to stop between steps (`q`, or end of input).
struct Quit;

/// The two programs a demo step runs. `git` goes through [`crate::git::cmd`]
/// like every git process of this crate; this binary is the one process the
/// demo starts itself.
#[derive(Clone, Copy)]
enum Program {
    Git,
    ReuseSurface,
}

impl Program {
    fn name(self) -> &'static str {
        match self {
            Program::Git => "git",
            Program::ReuseSurface => "reuse-surface",
        }
    }
}

/// Whether a shown step must succeed, or fail because refusing is its point.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Success,
    Refusal,
}

/// What the demo removes from the caller's environment, so git and the
/// hooks act on the throw-away repository and nothing is skipped.
const UNSET: &[&str] = &[
    "REUSE_SURFACE_SKIP",
    "GIT_DIR",
    "GIT_INDEX_FILE",
    "GIT_WORK_TREE",
];

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
    /// What every step's process gets on top of the caller's environment:
    /// the demo's own home and git config, a fixed identity, this binary
    /// for the hooks, and no colour.
    fn environment(&self) -> Vec<(&'static str, OsString)> {
        vec![
            ("HOME", self.home.clone().into()),
            ("GIT_CONFIG_NOSYSTEM", "1".into()),
            ("GIT_CONFIG_GLOBAL", self.home.join(".gitconfig").into()),
            ("GIT_AUTHOR_NAME", "Demo".into()),
            ("GIT_AUTHOR_EMAIL", "demo@example.invalid".into()),
            ("GIT_COMMITTER_NAME", "Demo".into()),
            ("GIT_COMMITTER_EMAIL", "demo@example.invalid".into()),
            ("REUSE_SURFACE_BIN", self.exe.clone().into()),
            ("NO_COLOR", "1".into()),
        ]
    }

    /// Run one step's process in the demo repository and capture its output.
    fn output(&self, program: Program, args: &[&str]) -> Result<Output> {
        let env = self.environment();
        match program {
            Program::Git => {
                let set: Vec<(&str, &OsStr)> =
                    env.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
                cmd::output_in_env(&self.repo, args, &set, UNSET)
            }
            Program::ReuseSurface => {
                let mut command = Command::new(&self.exe);
                command.args(args).current_dir(&self.repo).envs(env);
                for name in UNSET {
                    command.env_remove(name);
                }
                command
                    .output()
                    .map_err(|e| Error::other(format!("demo: cannot run {}: {e}", program.name())))
            }
        }
    }

    /// Run and show a command; `expect` says whether failure is the point
    /// of the step (a refused commit) or a broken demo.
    fn show(&mut self, program: Program, args: &[&str], expect: Expect) -> Result<Output> {
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
        writeln!(self.out, "  $ {} {}", program.name(), shown.join(" "))?;
        let output = self.output(program, args)?;
        for stream in [&output.stdout, &output.stderr] {
            for line in String::from_utf8_lossy(stream).lines() {
                writeln!(self.out, "    {line}")?;
            }
        }
        let expect_ok = expect == Expect::Success;
        if output.status.success() != expect_ok {
            return Err(Error::other(format!(
                "demo: `{} {}` {} unexpectedly",
                program.name(),
                args.join(" "),
                if expect_ok { "failed" } else { "succeeded" }
            )));
        }
        Ok(output)
    }

    /// Show a git step that must succeed.
    fn git(&mut self, args: &[&str]) -> Result<Output> {
        self.show(Program::Git, args, Expect::Success)
    }

    /// Show a git step that must be refused.
    fn git_refused(&mut self, args: &[&str]) -> Result<Output> {
        self.show(Program::Git, args, Expect::Refusal)
    }

    /// Show a `reuse-surface` step that must succeed.
    fn reuse_surface(&mut self, args: &[&str]) -> Result<Output> {
        self.show(Program::ReuseSurface, args, Expect::Success)
    }

    /// Run a git step without showing it (set-up the reader need not see);
    /// its failure breaks the demo.
    fn quiet_git(&mut self, args: &[&str]) -> Result<()> {
        let output = self.output(Program::Git, args)?;
        if !output.status.success() {
            return Err(Error::other(format!(
                "demo: `git {}` failed: {}",
                args.join(" "),
                cmd::stderr_text(&output)
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

    /// Write `path` and stage everything, unshown.
    fn write_and_stage(&mut self, path: &str, text: &str) -> Result<()> {
        self.write(path, text)?;
        self.quiet_git(&["add", "-A"])
    }

    /// Start step `n`. At a terminal, every step after the first waits
    /// for Enter first: the whole demo is over a hundred lines, and a
    /// newcomer on a 40-row terminal would otherwise see only its end.
    fn step(&mut self, n: usize, title: &str) -> Result<()> {
        if n > 1 && self.wait(n, title)?.is_err() {
            self.quit = true;
            return Err(Error::other("demo: stopped by the reader"));
        }
        writeln!(self.out, "\n{n}/{STEPS}. {title}")?;
        Ok(())
    }

    fn wait(&mut self, n: usize, title: &str) -> Result<std::result::Result<(), Quit>> {
        let Some(input) = self.pause.as_mut() else {
            return Ok(Ok(()));
        };
        write!(
            self.out,
            "\n-- Enter: step {n}/{STEPS}, {title}; q: quit -- "
        )?;
        self.out.flush()?;
        let mut line = String::new();
        let read = input
            .read_line(&mut line)
            .map_err(|e| Error::other(format!("demo: cannot read the terminal: {e}")))?;
        if read == 0 || line.trim().eq_ignore_ascii_case("q") {
            return Ok(Err(Quit));
        }
        Ok(Ok(()))
    }

    /// Step 1: `git init` and `establish`.
    fn set_up_repository(&mut self) -> Result<()> {
        self.step(1, "A repository with a registry, hooks and merge driver")?;
        self.quiet_git(&["init", "-q", "-b", "main"])?;
        self.reuse_surface(&["establish", "--scaffold", "--hook"])?;
        Ok(())
    }

    /// Step 2: two valid capabilities commit, the hook adding their rows.
    fn commit_two_capabilities(&mut self) -> Result<()> {
        self.step(
            2,
            "Two capabilities; the pre-commit hook derives their index rows",
        )?;
        self.write("registry/capabilities/greet.md", ALPHA)?;
        self.write("registry/capabilities/farewell.md", BETA)?;
        self.write("src/greet/hello.txt", "hello\n")?;
        self.quiet_git(&["add", "-A"])?;
        self.git(&["commit", "-q", "-m", "Add greet and farewell"])?;
        self.reuse_surface(&["validate"])?;
        Ok(())
    }

    /// Steps 3 and 4: a broken relation is refused, its fix commits with
    /// the index row staged by the hook.
    fn refuse_then_fix_a_relation(&mut self) -> Result<()> {
        self.step(3, "A commit with a broken relation is refused")?;
        let wave = |target: &str| {
            entry(
                "capability.demo.wave",
                "Wave",
                &format!("relations:\n  depends_on: [{target}]\n"),
            )
        };
        self.write_and_stage(
            "registry/capabilities/wave.md",
            &wave("capability.demo.handshake"),
        )?;
        self.git_refused(&["commit", "-q", "-m", "Add wave"])?;

        self.step(4, "Fix it; the hook stages the missing index row by itself")?;
        self.write_and_stage(
            "registry/capabilities/wave.md",
            &wave("capability.demo.greet"),
        )?;
        self.git(&["commit", "-q", "-m", "Add wave"])?;
        self.git(&["show", "--stat", "--format=%s", "HEAD"])?;
        Ok(())
    }

    /// Step 5: a push citing an uncommitted test is refused; once the test
    /// is committed it goes through.
    fn push_gate(&mut self) -> Result<()> {
        self.step(
            5,
            "The push gate checks the pushed commit, not the working tree",
        )?;
        let remote = self.remote.to_str().unwrap_or_default().to_string();
        self.quiet_git(&["init", "-q", "--bare", &remote])?;
        self.quiet_git(&["remote", "add", "origin", &remote])?;
        self.write(
            "registry/capabilities/wave.md",
            &entry(
                "capability.demo.wave",
                "Wave",
                "evidence:\n  tests: [tests/wave_test.sh]\n",
            ),
        )?;
        self.quiet_git(&[
            "commit",
            "-q",
            "-a",
            "--no-verify",
            "-m",
            "Cite a test that is not committed",
        ])?;
        self.git_refused(&["push", "-q", "origin", "main"])?;
        self.write("tests/wave_test.sh", "#!/bin/sh\necho wave\n")?;
        self.quiet_git(&["add", "tests/wave_test.sh"])?;
        self.git(&["commit", "-q", "-m", "Add the wave test"])?;
        self.git(&["push", "-q", "origin", "main"])?;
        Ok(())
    }

    /// Step 6: two branches each add a capability and merge cleanly
    /// through the structural merge driver.
    fn merge_two_branches(&mut self) -> Result<()> {
        self.step(
            6,
            "Two branches add capabilities; the merge driver merges the index by id",
        )?;
        self.quiet_git(&["checkout", "-q", "-b", "left"])?;
        self.write_and_stage(
            "registry/capabilities/wink.md",
            &entry("capability.demo.wink", "Wink", ""),
        )?;
        self.git(&["commit", "-q", "-m", "Add wink"])?;
        self.quiet_git(&["checkout", "-q", "main"])?;
        self.write_and_stage(
            "registry/capabilities/yawn.md",
            &entry("capability.demo.yawn", "Yawn", ""),
        )?;
        self.git(&["commit", "-q", "-m", "Add yawn"])?;
        if let Err(e) = self.git(&["merge", "--no-edit", "left"]) {
            writeln!(
                self.out,
                "    (the merge conflicted: the structural merge driver could not resolve it)"
            )?;
            return Err(e);
        }
        self.git(&[
            "grep",
            "-h",
            "-e",
            "id: capability",
            "HEAD",
            "--",
            "registry/indexes/capabilities.yaml",
        ])?;
        self.reuse_surface(&["validate"])?;
        self.git(&["log", "--oneline", "--graph", "-8"])?;
        Ok(())
    }
}

/// Run the demo, printing to `out`. Fails only if something the demo
/// relies on (git, the temp directory) is broken.
pub fn run<'a>(out: &'a mut dyn Write, pause: Option<&'a mut dyn std::io::BufRead>) -> Result<()> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::other(format!("demo: cannot find this binary: {e}")))?;
    if !cmd::available() {
        return Err(Error::usage("demo: git is not installed (or not on PATH)"));
    }
    let base = std::env::temp_dir().join(format!("reuse-surface-demo-{}", std::process::id()));
    let _cleanup = TempDir(base.clone());
    let home = base.join("home");
    let repo = base.join("repo");
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
        remote: base.join("remote.git"),
        out,
        pause,
        quit: false,
    };
    let steps = d
        .set_up_repository()
        .and_then(|()| d.commit_two_capabilities())
        .and_then(|()| d.refuse_then_fix_a_relation())
        .and_then(|()| d.push_gate())
        .and_then(|()| d.merge_two_branches());
    if let Err(e) = steps {
        if !d.quit {
            return Err(e);
        }
        writeln!(d.out, "\nstopped; the demo repository has been removed.")?;
        return Ok(());
    }
    writeln!(
        d.out,
        "\ndone in {:.1} s; the demo repository has been removed.",
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}
