//! `.pre-commit-hooks.yaml` through the real pre-commit framework (PyPI
//! `pre-commit`; `.ci/run` installs it), issue 13 item 14: the hook runs
//! on every commit, so an evidence-only change and a registry in a
//! subdirectory are checked, and a commit deleting the whole registry
//! passes without `--no-verify`.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python that has the `pre_commit` module, found with the caller's
/// environment (a pyenv shim needs its own `HOME`). Missing, the test
/// fails naming the tool: it never passes by skipping.
fn python_with_pre_commit() -> PathBuf {
    for python in ["python3", "python"] {
        let out = Command::new(python)
            .args(["-c", "import pre_commit, sys; print(sys.executable)"])
            .output();
        if let Ok(out) = out
            && out.status.success()
        {
            return PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        }
    }
    panic!(
        "the pre-commit framework is not installed: `python3 -m pip install pre-commit` \
         (PyPI `pre-commit`; `.ci/run` installs it)"
    );
}

/// A repository holding only this project's `.pre-commit-hooks.yaml`,
/// committed (pre-commit clones hook repositories by path too); returns
/// it and its commit.
fn hooks_repo(repo: &Repo) -> (PathBuf, String) {
    let dir = repo.outside().join("hooks-repo");
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    std::fs::copy(manifest, dir.join(".pre-commit-hooks.yaml")).unwrap();
    let home = repo.home();
    git_at(&home, &dir, &["init", "-q", "-b", "main"]);
    git_at(&home, &dir, &["add", "-A"]);
    git_at(&home, &dir, &["commit", "-q", "-m", "hooks"]);
    let rev = git_at(&home, &dir, &["rev-parse", "HEAD"])
        .trim()
        .to_string();
    (dir, rev)
}

/// `repo` (a git repository) set up for the framework: a config naming
/// the system hook, `pre-commit install`, and `reuse-surface` on `PATH`.
/// Returns the `PATH` every later command needs.
fn with_framework(repo: &Repo) -> String {
    let python = python_with_pre_commit();
    let (hooks, rev) = hooks_repo(repo);
    repo.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: reuse-surface-validate-system\n",
            hooks.display()
        ),
    );
    let bin_dir = repo.outside().join("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    std::os::unix::fs::symlink(BIN, bin_dir.join("reuse-surface")).unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = repo
        .command(&python)
        .args(["-m", "pre_commit", "install"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(out.status.success(), "pre-commit install: {out:?}");
    let commit = commit(repo, &path, "the pre-commit config");
    assert!(commit.status.success(), "{}", show(&commit));
    path
}

/// `git commit -q -m MESSAGE` of what is staged, through the framework.
fn commit(repo: &Repo, path: &str, message: &str) -> std::process::Output {
    repo.git(&["add", "-A"]);
    repo.command("git")
        .args(["commit", "-q", "-m", message])
        .env("PATH", path)
        .output()
        .unwrap()
}

/// Both streams: the framework prints a failing hook's output on either.
fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn show(o: &std::process::Output) -> String {
    format!(
        "{}\n--- stdout\n{}--- stderr\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn every_hook_runs_on_every_commit() {
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let hooks = manifest.lines().filter(|l| l.starts_with("- id: ")).count();
    assert_eq!(hooks, 4, "{manifest}");
    let lines = |want: &str| manifest.lines().filter(|l| l.trim() == want).count();
    assert_eq!(lines("always_run: true"), hooks, "{manifest}");
    assert_eq!(lines("pass_filenames: false"), hooks, "{manifest}");
    assert!(
        !manifest.contains("\n  files:"),
        "a files: filter:\n{manifest}"
    );
}

/// Deleting an evidence file, with no registry file staged, is refused.
#[test]
fn an_evidence_only_change_is_checked() {
    let repo = Repo::committed();
    let path = with_framework(&repo);
    repo.remove("tests/beta_test.rs");
    let o = commit(&repo, &path, "drop beta's test");
    assert!(!o.status.success(), "committed:\n{}", show(&o));
    assert!(text(&o).contains("evidence-missing"), "{}", show(&o));
}

/// A registry in a subdirectory is checked.
#[test]
fn a_registry_in_a_subdirectory_is_checked() {
    let repo = Repo::new();
    clean_registry_in(&repo, "svc");
    repo.git_init();
    repo.commit_all("a registry in svc/");
    let path = with_framework(&repo);
    repo.replace(
        &format!("svc/{BETA}"),
        "status: experimental",
        "status: experimental\nrelations:\n  depends_on: [capability.demo.nope]",
    );
    let o = commit(&repo, &path, "a bad relation");
    assert!(!o.status.success(), "committed:\n{}", show(&o));
    assert!(text(&o).contains("unknown-relation"), "{}", show(&o));
}

/// `git rm -r registry` commits without `--no-verify` (the framework shows
/// a passing hook's note only with `--verbose`).
#[test]
fn deleting_the_registry_commits() {
    let repo = Repo::committed();
    let path = with_framework(&repo);
    repo.git(&["rm", "-r", "-q", "registry"]);
    let o = commit(&repo, &path, "no more registry");
    assert!(o.status.success(), "refused:\n{}", show(&o));
    assert!(
        !repo
            .git(&["ls-tree", "-r", "HEAD", "--name-only"])
            .contains("registry/")
    );
}

/// Issue 12: under the framework's pre-push stage git's stdin does not
/// reach the hook; the `reuse-surface-pre-push` id reads the pushed commit
/// from `PRE_COMMIT_TO_REF`, so a bad push is refused and a good one goes.
#[test]
fn the_pre_push_stage_checks_the_pushed_commit() {
    let repo = Repo::committed();
    let path = with_framework(&repo);
    let python = python_with_pre_commit();
    // The hooks repository `with_framework` made, now naming the push id.
    let hooks = repo.outside().join("hooks-repo");
    let rev = git_at(&repo.home(), &hooks, &["rev-parse", "HEAD"])
        .trim()
        .to_string();
    repo.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: reuse-surface-pre-push\n",
            hooks.display()
        ),
    );
    let out = repo
        .command(&python)
        .args(["-m", "pre_commit", "install", "--hook-type", "pre-push"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", show(&out));
    let bare = repo.outside().join("remote.git");
    git_at(
        &repo.home(),
        &repo.outside(),
        &["init", "-q", "--bare", bare.to_str().unwrap()],
    );
    repo.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    let push = |repo: &Repo| {
        repo.command("git")
            .args(["push", "-q", "origin", "HEAD:refs/heads/main"])
            .env("PATH", &path)
            .output()
            .unwrap()
    };
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "config"]);
    // A first push: the framework leaves PRE_COMMIT_TO_REF empty, and the
    // local branch's commit is checked instead of nothing.
    let good = push(&repo);
    assert!(good.status.success(), "{}", show(&good));
    assert!(!text(&good).contains("got no refs"), "{}", show(&good));
    repo.remove("tests/beta_test.rs");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "drop beta's test"]);
    let bad = push(&repo);
    assert!(
        !bad.status.success(),
        "pushed a broken registry:\n{}",
        show(&bad)
    );
    assert!(text(&bad).contains("evidence-missing"), "{}", show(&bad));
    assert!(!text(&bad).contains("got no refs"), "{}", show(&bad));
}
