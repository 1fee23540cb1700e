//! Shared helpers for the integration tests: a temporary repository with
//! an isolated environment, the real binary and the real `git`, and a
//! small clean registry to start from.
//!
//! ```text
//! use crate::common::*;
//!
//! let repo = Repo::with_registry();        // three valid capabilities
//! repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
//! let run = repo.run(&["validate", "--format", "json"]);
//! run.assert_code(1);
//! let p = run.problem("vector-drift");     // exactly one, as JSON
//! ```
//!
//! Every process (the binary and git) runs with a cleared environment:
//! `HOME` and `XDG_CONFIG_HOME` inside the test's temporary directory, no
//! system git config, fixed author and committer, `LC_ALL=C`, `TZ=UTC`, and
//! no `GIT_DIR`/`GIT_INDEX_FILE`/`NO_COLOR` leaking in from the caller.
#![allow(dead_code)]

use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// xorshift64*: enough randomness for kill delays and edit sequences, no
/// dependency. The seed must not be 0.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// A seed for [`Rng`]: `$var` when set (to replay a failure it printed),
/// else the clock. Never 0.
pub fn seed_from_env(var: &str) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
        | 1
}

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_reuse-surface");

pub const INDEX: &str = "registry/indexes/capabilities.yaml";
pub const CONFIG: &str = "registry/config.yaml";
pub const ALPHA: &str = "registry/capabilities/alpha.md";
pub const BETA: &str = "registry/capabilities/beta.md";
pub const GAMMA: &str = "registry/capabilities/gamma.md";

pub const ALPHA_ID: &str = "capability.demo.alpha";
pub const BETA_ID: &str = "capability.demo.beta";
pub const GAMMA_ID: &str = "capability.demo.gamma";

/// The index of the clean registry: comments, blank lines and three
/// quoting styles, so byte-preservation tests have something to lose.
pub const INDEX_YAML: &str = r#"# Capability index: derived from registry/capabilities/*.md.
schema_version: 1
updated: 2026-06-17   # the newest entry date

capabilities:
  # The first capability.
  - id: capability.demo.alpha
    title: "Alpha: the first"
    status: active
    vector: D3/A3/C2/R4
    path: registry/capabilities/alpha.md

  - id: capability.demo.beta
    title: 'Beta thing'
    status: experimental
    vector: D1/A0/C1/R2
    path: registry/capabilities/beta.md

  - id: capability.demo.gamma
    title: Gamma thing
    status: deprecated
    vector: D0/A0/C0/R0   # nothing yet
    path: "registry/capabilities/gamma.md"
"#;

/// An active capability whose every level is backed by evidence; it has an
/// alias, a dependency on beta and a promotion history.
pub const ALPHA_MD: &str = r#"---
id: capability.demo.alpha
title: "Alpha: the first"
summary: Does alpha things.
owner: demo
status: active
aliases: [capability.demo.first]
surface: ["src/alpha/**", "docs/alpha.md"]
maturity:
  D: {current: 3, target: 4}
  A: {current: 3}
  C: {current: 2, target: 5}
  R: {current: 4}
evidence:
  tests:
    - tests/alpha_test.rs
    - .github/workflows/ci.yml
  documentation: [docs/alpha.md]
availability:
  current_artifacts: ["cli:alpha"]
relations:
  depends_on: [capability.demo.beta]
  extends: []
promotion_history:
  - {date: 2026-06-01, dimension: C, from: 1, to: 2, evidence: [tests/alpha_test.rs], by: maintain, rationale: "tests pass"}
updated: 2026-06-17
---
# Alpha

The body is Markdown. A horizontal rule below is not a fence:

---

End of alpha.
"#;

/// An experimental capability with tests only.
pub const BETA_MD: &str = r#"---
id: capability.demo.beta
title: Beta thing
status: experimental
surface: ["src/beta/**"]
maturity:
  D: {current: 1}
  A: {current: 0}
  C: {current: 1}
  R: {current: 2}
evidence:
  tests: [tests/beta_test.rs]
updated: 2026-06-01
---
Beta body.
"#;

/// A deprecated capability with no evidence at all.
pub const GAMMA_MD: &str = r#"---
id: capability.demo.gamma
title: Gamma thing
status: deprecated
surface: ["src/gamma/**"]
maturity:
  D: {current: 0}
  A: {current: 0}
  C: {current: 0}
  R: {current: 0}
relations:
  extends: [capability.demo.alpha]
updated: 2026-05-01
---
Gamma body.
"#;

/// The files the clean registry cites as evidence or surface.
pub const EVIDENCE: &[(&str, &str)] = &[
    ("tests/alpha_test.rs", "#[test]\nfn alpha() {}\n"),
    ("tests/beta_test.rs", "#[test]\nfn beta() {}\n"),
    (".github/workflows/ci.yml", "on: push\njobs: {}\n"),
    ("docs/alpha.md", "# Alpha\n"),
    ("src/alpha/lib.rs", "pub fn alpha() {}\n"),
    ("src/beta/lib.rs", "pub fn beta() {}\n"),
    ("src/gamma/lib.rs", "pub fn gamma() {}\n"),
];

/// Write the clean registry (three capabilities, index, evidence) at the
/// top of `repo`.
pub fn clean_registry(repo: &Repo) {
    clean_registry_in(repo, "");
}

/// Write the clean registry under `dir` (`""` for the top level, else a
/// relative directory such as `"sub"`).
pub fn clean_registry_in(repo: &Repo, dir: &str) {
    let at = |rel: &str| {
        if dir.is_empty() {
            rel.to_string()
        } else {
            format!("{dir}/{rel}")
        }
    };
    repo.write(&at(INDEX), INDEX_YAML);
    repo.write(&at(ALPHA), ALPHA_MD);
    repo.write(&at(BETA), BETA_MD);
    repo.write(&at(GAMMA), GAMMA_MD);
    for (path, text) in EVIDENCE {
        repo.write(&at(path), text);
    }
}

/// Give `cmd` the isolated environment with `HOME` at `home`: everything
/// else cleared but `PATH` (and `TMPDIR`), `XDG_CONFIG_HOME` inside `home`,
/// no system git config, a fixed author and committer, no terminal
/// prompts, `LC_ALL=C` and `TZ=UTC`. Per command, never process-wide: the
/// tests of this binary share one process.
pub fn isolated<'c>(cmd: &'c mut Command, home: &Path) -> &'c mut Command {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.invalid")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.invalid")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .env("TZ", "UTC");
    if let Some(tmp) = std::env::var_os("TMPDIR") {
        cmd.env("TMPDIR", tmp);
    }
    cmd
}

/// Run git in `dir` with the isolated environment of `home` (any exit
/// status).
pub fn git_output_at(home: &Path, dir: &Path, args: &[&str]) -> Output {
    isolated(Command::new("git").args(args).current_dir(dir), home)
        .stdin(Stdio::null())
        .output()
        .expect("run git")
}

/// Run git in `dir` with the isolated environment of `home`; panics
/// unless it succeeds. Returns stdout.
pub fn git_at(home: &Path, dir: &Path, args: &[&str]) -> String {
    let out = git_output_at(home, dir, args);
    assert!(
        out.status.success(),
        "git {args:?} failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A temporary directory holding a repository (`root`), a `home` for the
/// isolated environment and an `outside` directory that is in neither.
pub struct Repo {
    tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Default for Repo {
    fn default() -> Self {
        Self::new()
    }
}

impl Repo {
    /// An empty repository directory (no git yet, no registry).
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("repo");
        for d in [
            root.clone(),
            tmp.path().join("home"),
            tmp.path().join("outside"),
        ] {
            std::fs::create_dir_all(d).expect("create dir");
        }
        // Canonical, so paths in messages compare equal to ours.
        let root = root.canonicalize().expect("canonicalize");
        Repo { tmp, root }
    }

    /// A repository holding [`clean_registry`] (not a git repository).
    pub fn with_registry() -> Self {
        let repo = Self::new();
        clean_registry(&repo);
        repo
    }

    /// [`Repo::with_registry`], made a git repository with everything in
    /// one commit.
    pub fn committed() -> Self {
        let repo = Self::with_registry();
        repo.git_init();
        repo.commit_all("clean registry");
        repo
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The isolated `HOME`.
    pub fn home(&self) -> PathBuf {
        self.tmp.path().join("home")
    }

    /// A directory beside the repository (not inside it).
    pub fn outside(&self) -> PathBuf {
        self.tmp
            .path()
            .join("outside")
            .canonicalize()
            .expect("outside")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Write a file (creating directories).
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create dirs");
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("write {rel}: {e}"));
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn read_bytes(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).symlink_metadata().is_ok()
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap_or_else(|e| panic!("remove {rel}: {e}"));
    }

    /// Replace the one occurrence of `from` in a file by `to` (panics when
    /// `from` occurs zero or several times, so a fixture change cannot make
    /// a test silently edit nothing).
    pub fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        let n = text.matches(from).count();
        assert_eq!(n, 1, "{rel}: expected exactly one `{from}`, found {n}");
        self.write(rel, text.replacen(from, to, 1));
    }

    /// Create a symbolic link at `rel` pointing at `target` (as written).
    pub fn symlink(&self, target: impl AsRef<Path>, rel: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create dirs");
        std::os::unix::fs::symlink(target, &path).unwrap_or_else(|e| panic!("symlink {rel}: {e}"));
    }

    /// A command for `program` in `cwd` with the isolated environment.
    pub fn command_in(&self, program: impl AsRef<OsStr>, cwd: &Path) -> Command {
        let mut c = Command::new(program);
        isolated(c.current_dir(cwd), &self.home()).stdin(Stdio::null());
        c
    }

    /// A command for `program` at the repository root.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        self.command_in(program, &self.root)
    }

    /// Run git at the root; panics unless it succeeds. Returns stdout.
    pub fn git(&self, args: &[&str]) -> String {
        git_at(&self.home(), &self.root, args)
    }

    /// `git init` on branch `main`.
    pub fn git_init(&self) {
        self.git(&["init", "-q", "-b", "main"]);
    }

    /// Stage everything and commit.
    pub fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    /// Run the binary at the repository root.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in(&self.root, args)
    }

    /// Run the binary in `cwd` (any directory).
    pub fn run_in(&self, cwd: &Path, args: &[&str]) -> Run {
        self.run_cmd(self.command_in(BIN, cwd).args(args))
    }

    /// Run a prepared command and capture it.
    pub fn run_cmd(&self, cmd: &mut Command) -> Run {
        let out = output_retrying_busy(cmd).expect("run reuse-surface");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `validate --format json` at the root (plus `extra` arguments).
    pub fn validate_json(&self, extra: &[&str]) -> Run {
        let mut args = vec!["validate", "--format", "json"];
        args.extend_from_slice(extra);
        self.run(&args)
    }
}

/// A finished run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Everything, for assertion messages.
    pub fn show(&self) -> String {
        format!(
            "exit code {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// Insist on an exit code; also insists nothing panicked.
    pub fn assert_code(&self, code: i32) -> &Self {
        self.assert_no_panic();
        assert_eq!(self.code, code, "unexpected exit code:\n{}", self.show());
        self
    }

    pub fn assert_no_panic(&self) -> &Self {
        for s in [&self.stdout, &self.stderr] {
            assert!(
                !s.contains("panicked") && !s.contains("RUST_BACKTRACE"),
                "the binary panicked:\n{}",
                self.show()
            );
        }
        assert_ne!(self.code, 101, "exit code 101 is a panic:\n{}", self.show());
        self
    }

    /// Insist the run failed with exactly one line on stderr (a clear
    /// message, not a dump) and return it.
    pub fn one_line_error(&self) -> &str {
        self.assert_no_panic();
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "expected one line on stderr:\n{}",
            self.show()
        );
        lines[0]
    }

    /// stdout as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.show()))
    }

    /// `problems` of a `validate --format json` run.
    pub fn problems(&self) -> Vec<Value> {
        self.json()["problems"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("no problems array:\n{}", self.show()))
    }

    /// The slugs of all problems, in output order.
    pub fn checks(&self) -> Vec<String> {
        self.problems()
            .iter()
            .map(|p| p["check"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// The one problem with this slug (panics on zero or several).
    pub fn problem(&self, check: &str) -> Value {
        let found: Vec<Value> = self
            .problems()
            .into_iter()
            .filter(|p| p["check"] == check)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected exactly one `{check}` problem:\n{}",
            self.show()
        );
        found.into_iter().next().expect("one")
    }
}

/// 1-based line and column (in characters) of the one occurrence of
/// `needle` in `text`; panics when it is absent or not unique.
pub fn pos(text: &str, needle: &str) -> (u64, u64) {
    let n = text.matches(needle).count();
    assert_eq!(
        n, 1,
        "expected exactly one `{needle}` in the text, found {n}:\n{text}"
    );
    let at = text.find(needle).expect("found");
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line as u64, before[line_start..].chars().count() as u64 + 1)
}

/// Assert a JSON problem's slug, severity, file, position and capability.
pub fn assert_problem(
    p: &Value,
    check: &str,
    severity: &str,
    file: &str,
    at: Option<(u64, u64)>,
    capability: Option<&str>,
) {
    assert_eq!(p["check"], check, "{p:#}");
    assert_eq!(p["severity"], severity, "{p:#}");
    assert_eq!(p["file"], file, "{p:#}");
    match at {
        Some((line, column)) => {
            assert_eq!(p["line"], line, "line of {p:#}");
            assert_eq!(p["column"], column, "column of {p:#}");
        }
        None => {
            assert!(p["line"].is_null(), "{p:#}");
            assert!(p["column"].is_null(), "{p:#}");
        }
    }
    match capability {
        Some(id) => assert_eq!(p["capability_id"], id, "{p:#}"),
        None => assert!(p["capability_id"].is_null(), "{p:#}"),
    }
    let message = p["message"].as_str().unwrap_or_default();
    assert!(
        !message.is_empty() && !message.contains('\n'),
        "message must be one line: {p:#}"
    );
}

/// The rendered problems of a run's text output: everything before the
/// summary line, without the hooks' own `reuse-surface:` notes.
pub fn problem_blocks(output: &str) -> String {
    output
        .lines()
        .take_while(|l| !l.starts_with("error: ") && !l.starts_with("ok: "))
        .filter(|l| !l.starts_with("reuse-surface: "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Run `hook pre-push` directly for one pushed commit (`refs/heads/main`).
pub fn pre_push(repo: &Repo, commit: &str) -> Run {
    let line = format!(
        "refs/heads/main {commit} refs/heads/main {}\n",
        "0".repeat(40)
    );
    let stdin = repo.path("../pushed-refs");
    std::fs::write(&stdin, line).expect("write stdin");
    let file = std::fs::File::open(&stdin).expect("open stdin");
    repo.run_cmd(
        repo.command(BIN)
            .args(["hook", "pre-push", "origin", "file:///nowhere"])
            .stdin(file),
    )
}

/// `cmd.output()`, retried while the kernel says the program's file is
/// busy (ETXTBSY): a test that has just copied the binary can exec it
/// while another test thread's fork still holds the copy's write handle
/// (until that child execs), a race of the test process, not of the code.
pub fn output_retrying_busy(cmd: &mut Command) -> std::io::Result<Output> {
    const ETXTBSY: i32 = 26;
    let mut tries = 0;
    loop {
        match cmd.output() {
            Err(e) if e.raw_os_error() == Some(ETXTBSY) && tries < 100 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
}
