//! Shared by the tests of the installed gate (kept hooks, the merge
//! driver's fallback, nested registries, hook managers, `doctor`): a clone
//! with the clean registry whose `PATH` holds a directory of its own
//! (`bin/`, where the binary can be linked or removed), real `git` runs
//! through the isolated environment, and the real hook managers that
//! `.ci/run` installs under `target/ci-tools/`.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{ALPHA, BIN, Repo, Run, clean_registry_in};

/// A clone of the clean registry with a `bin/` directory first on `PATH`.
pub struct Clone {
    pub repo: Repo,
    pub bin_dir: PathBuf,
}

impl Clone {
    /// The clean registry, committed on `main` (before any install).
    pub fn new() -> Clone {
        let repo = Repo::committed();
        let bin_dir = repo.outside().join("bin");
        std::fs::create_dir_all(&bin_dir).unwrap();
        Clone { repo, bin_dir }
    }

    /// The clean registry under `dir/` (not at the top level), committed.
    pub fn nested(dir: &str) -> Clone {
        let repo = Repo::new();
        clean_registry_in(&repo, dir);
        repo.git_init();
        repo.commit_all("nested registry");
        let bin_dir = repo.outside().join("bin");
        std::fs::create_dir_all(&bin_dir).unwrap();
        Clone { repo, bin_dir }
    }

    /// What `git check-attr merge` resolves for `path`.
    pub fn merge_attr(&self, path: &str) -> String {
        self.git_ok(&["check-attr", "merge", "--", path])
            .trim_end()
            .rsplit(": ")
            .next()
            .unwrap()
            .to_string()
    }

    pub fn root(&self) -> &Path {
        self.repo.root()
    }

    /// `bin/` first, then the caller's `PATH` (git, sh, node, python).
    pub fn path_var(&self) -> String {
        format!(
            "{}:{}",
            self.bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    /// A command in `cwd` with the isolated environment and our `PATH`.
    pub fn cmd_in(&self, program: impl AsRef<OsStr>, cwd: &Path) -> Command {
        let mut c = self.repo.command_in(program, cwd);
        c.env("PATH", self.path_var()).env("NO_COLOR", "1");
        c
    }

    pub fn cmd(&self, program: impl AsRef<OsStr>) -> Command {
        self.cmd_in(program, self.root())
    }

    /// Run git at the root (any status).
    pub fn git(&self, args: &[&str]) -> Output {
        self.cmd("git").args(args).output().expect("run git")
    }

    /// Run git at the root and insist it succeeds; returns stdout.
    pub fn git_ok(&self, args: &[&str]) -> String {
        let o = self.git(args);
        assert!(o.status.success(), "git {args:?} failed:\n{}", show(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Run `binary` (the one under test unless linked elsewhere) at the root.
    pub fn rs_with(&self, binary: &Path, args: &[&str]) -> Run {
        self.repo.run_cmd(self.cmd(binary).args(args))
    }

    /// Run the binary under test at the root.
    pub fn rs(&self, args: &[&str]) -> Run {
        self.rs_with(Path::new(BIN), args)
    }

    /// A copy of the binary under test at `dir/reuse-surface`, to record
    /// in the shims and driver and then move or delete.
    pub fn copy_binary(&self, dir: &Path) -> PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        let to = dir.join("reuse-surface");
        std::fs::copy(BIN, &to).unwrap();
        to
    }

    /// Link the binary under test into `bin/`, so `reuse-surface` is on PATH.
    pub fn link_on_path(&self) {
        let link = self.bin_dir.join("reuse-surface");
        if !link.exists() {
            std::os::unix::fs::symlink(BIN, link).unwrap();
        }
    }

    /// Stage a registry error (an unknown relation in alpha).
    pub fn stage_registry_error(&self) {
        self.repo.replace(
            ALPHA,
            "depends_on: [capability.demo.beta]",
            "depends_on: [capability.demo.nope]",
        );
        self.git_ok(&["add", ALPHA]);
    }

    /// `git commit` of whatever is staged (any status).
    pub fn commit(&self, message: &str) -> Output {
        self.git(&["commit", "-q", "-m", message])
    }

    pub fn head(&self) -> String {
        self.git_ok(&["rev-parse", "HEAD"]).trim().to_string()
    }
}

/// Write an executable file.
pub fn write_exec(path: &Path, content: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Everything a process printed, for assertion messages.
pub fn show(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A hook manager's executable as `.ci/run` installs it under
/// `target/ci-tools/` (`venv/bin/NAME` for PyPI, `npm/node_modules/.bin/NAME`
/// for npm), else on `PATH`; a missing tool fails the test naming it.
pub fn tool(name: &str) -> PathBuf {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools");
    let candidates = [
        tools.join("venv/bin").join(name),
        tools.join("npm/node_modules/.bin").join(name),
    ];
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return found.clone();
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    on_path.unwrap_or_else(|| {
        panic!(
            "the real `{name}` is required by this test and was not found in {} or on PATH: \
             run `bash .ci/run` (its setup installs it) or install `{name}` yourself",
            tools.display()
        )
    })
}
