//! Issue 12 item 1: hook managers are detected, `install --force` refuses
//! to write our shims over them (printing the recipe), and `install
//! --manager X` puts the gate into X's own configuration, where it survives
//! X's re-install. Each test drives the real manager as `.ci/run` installs
//! it from its registry (npm husky, PyPI lefthook, pre-commit and prek):
//! after `install --manager X` and X's re-install, a commit with a registry
//! error is refused and the user's own hook still runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{ALPHA, INDEX};
use crate::gate::{Clone, show, tool};

/// Run a prepared command and insist it succeeds.
fn ok(cmd: &mut Command) -> String {
    let o = cmd.output().expect("run the tool");
    assert!(o.status.success(), "{cmd:?} failed:\n{}", show(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The clone, with `reuse-surface` on PATH, and where the user's hook logs.
fn setup() -> (Clone, PathBuf) {
    let clone = Clone::new();
    clone.link_on_path();
    let log = clone.repo.outside().join("user-hook.log");
    (clone, log)
}

/// `install --force` refuses, names the manager and its recipe, and
/// changes nothing under `watched`.
fn assert_force_refused(clone: &Clone, manager: &str, watched: &Path) {
    let before = std::fs::read(watched).ok();
    let run = clone.rs(&["install", "--force"]);
    assert_ne!(run.code, 0, "{}", run.show());
    run.assert_no_panic();
    assert!(
        run.stderr.contains(manager) && run.stderr.contains(&format!("--manager {manager}")),
        "{}",
        run.show()
    );
    assert_eq!(
        std::fs::read(watched).ok(),
        before,
        "{} changed",
        watched.display()
    );
    assert!(
        !clone.root().join(".gitattributes").exists(),
        "nothing written"
    );
}

/// A commit with a registry error is refused after the user's hook ran;
/// then a commit outside the registry passes (the user's hook ran again).
fn assert_gate_and_user_hook(clone: &Clone, log: &Path, also_stage: &[&str]) {
    let head = clone.head();
    clone.stage_registry_error();
    for path in also_stage {
        clone.git_ok(&["add", path]);
    }
    let o = clone.commit("a registry error");
    assert!(
        !o.status.success(),
        "the registry error was committed:\n{}",
        show(&o)
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("unknown-relation")
            || String::from_utf8_lossy(&o.stdout).contains("unknown-relation"),
        "{}",
        show(&o)
    );
    assert_eq!(clone.head(), head);
    let ran = std::fs::read_to_string(log).unwrap_or_default();
    assert!(
        ran.contains("user hook ran"),
        "the user's hook did not run:\n{}",
        show(&o)
    );

    clone.git_ok(&["reset", "-q", ALPHA]);
    clone.git_ok(&["checkout", "-q", "--", ALPHA]);
    clone.repo.write("notes.txt", "a note\n");
    clone.git_ok(&["add", "notes.txt"]);
    let o = clone.commit("a note");
    assert!(o.status.success(), "{}", show(&o));
    let ran = std::fs::read_to_string(log).unwrap();
    assert_eq!(ran.matches("user hook ran").count(), 2, "{ran}");
}

/// A pushed commit with a registry error is refused by the manager's
/// pre-push hook (which must hand our check the ref lines).
fn assert_bad_push_refused(clone: &Clone) {
    let remote = clone.repo.outside().join("remote.git");
    clone.git_ok(&["init", "-q", "--bare", remote.to_str().unwrap()]);
    clone.git_ok(&["remote", "add", "origin", remote.to_str().unwrap()]);
    clone.stage_registry_error();
    clone.git_ok(&["commit", "-q", "--no-verify", "-m", "skips the commit gate"]);
    let o = clone.git(&["push", "-q", "origin", "main"]);
    assert!(
        !o.status.success(),
        "the bad push went through:\n{}",
        show(&o)
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(all.contains("unknown-relation"), "{}", show(&o));
}

/// A rebase that rewrites a commit carrying index drift is reported by
/// the manager's post-rewrite hook (whether or not it passes git's stdin).
fn assert_rebase_checked(clone: &Clone) {
    clone.git_ok(&["checkout", "-q", "-b", "drifted"]);
    clone
        .repo
        .replace(INDEX, "vector: D3/A3/C2/R4", "vector: D1/A1/C1/R1");
    clone.git_ok(&["commit", "-q", "--no-verify", "-a", "-m", "index drifts"]);
    clone.git_ok(&["checkout", "-q", "main"]);
    clone.repo.write("other.txt", "x\n");
    clone.git_ok(&["add", "other.txt"]);
    clone.git_ok(&["commit", "-q", "--no-verify", "-m", "diverge"]);
    clone.git_ok(&["checkout", "-q", "drifted"]);
    let o = clone.git(&["rebase", "main"]);
    assert!(o.status.success(), "rebase failed:\n{}", show(&o));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        all.contains("1 need repair") && all.contains("repair with: "),
        "the rebased drift went unreported:\n{}",
        show(&o)
    );
    clone.git_ok(&["checkout", "-q", "main"]);
}

fn user_line(log: &Path) -> String {
    format!("echo 'user hook ran' >> '{}'", log.display())
}

#[test]
fn husky_gets_the_line_in_its_own_script() {
    let (clone, log) = setup();
    let husky = tool("husky");
    clone
        .repo
        .write("package.json", "{\"name\": \"t\", \"private\": true}\n");
    ok(&mut clone.cmd(&husky));
    assert_eq!(
        clone.git_ok(&["config", "core.hooksPath"]).trim(),
        ".husky/_"
    );
    clone
        .repo
        .write(".husky/pre-commit", format!("{}\n", user_line(&log)));
    assert_force_refused(&clone, "husky", &clone.root().join(".husky/_/pre-commit"));

    let run = clone.rs(&["install", "--manager", "husky"]);
    run.assert_code(0);
    assert!(
        clone
            .repo
            .read(".husky/pre-commit")
            .contains("reuse-surface hook pre-commit")
    );
    assert!(
        clone
            .repo
            .read(".husky/pre-push")
            .contains("reuse-surface hook pre-push \"$@\"")
    );
    ok(&mut clone.cmd(&husky)); // what every `npm install` runs
    assert_gate_and_user_hook(&clone, &log, &[]);
    assert_rebase_checked(&clone);
    assert_bad_push_refused(&clone);
}

#[test]
fn lefthook_gets_commands_with_stdin_for_pre_push() {
    let (clone, log) = setup();
    let lefthook = tool("lefthook");
    let config = format!(
        "pre-commit:\n  commands:\n    mine:\n      run: {}\n",
        user_line(&log)
    );
    clone.repo.write("lefthook.yml", &config);
    ok(clone.cmd(&lefthook).arg("install"));
    assert_force_refused(
        &clone,
        "lefthook",
        &clone.root().join(".git/hooks/pre-commit"),
    );

    clone
        .rs(&["install", "--manager", "lefthook"])
        .assert_code(0);
    let text = clone.repo.read("lefthook.yml");
    assert!(
        text.starts_with("pre-commit:\n  commands:\n    reuse-surface:\n"),
        "{text}"
    );
    assert!(
        text.contains("      run: reuse-surface hook pre-push {1} {2}\n      use_stdin: true\n"),
        "{text}"
    );
    ok(clone.cmd(&lefthook).arg("install"));
    assert_gate_and_user_hook(&clone, &log, &[]);
    assert_rebase_checked(&clone);
    assert_bad_push_refused(&clone);
}

/// The pre-commit framework and prek read the same config.
fn pre_commit_like(tool_name: &str) {
    let (clone, log) = setup();
    let exe = tool(tool_name);
    let config = format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: mine\n        name: mine\n        entry: sh -c \"{}\"\n        language: system\n        pass_filenames: false\n        always_run: true\n",
        user_line(&log)
    );
    clone.repo.write(".pre-commit-config.yaml", &config);
    clone.git_ok(&["add", ".pre-commit-config.yaml"]);
    clone.git_ok(&["commit", "-q", "--no-verify", "-m", "pre-commit config"]);
    ok(clone.cmd(&exe).arg("install"));
    assert_force_refused(
        &clone,
        "pre-commit",
        &clone.root().join(".git/hooks/pre-commit"),
    );

    clone
        .rs(&["install", "--manager", "pre-commit"])
        .assert_code(0);
    let text = clone.repo.read(".pre-commit-config.yaml");
    assert!(text.contains("      - id: reuse-surface\n"), "{text}");
    assert!(
        text.starts_with(
            "default_install_hook_types: [pre-commit, pre-push, post-merge, post-rewrite]\n"
        ),
        "{text}"
    );
    ok(clone.cmd(&exe).arg("install"));
    assert!(
        clone.root().join(".git/hooks/pre-push").exists(),
        "pre-push installed"
    );
    assert_gate_and_user_hook(&clone, &log, &[".pre-commit-config.yaml"]);
    assert_rebase_checked(&clone);
    assert_bad_push_refused(&clone);
}

#[test]
fn pre_commit_gets_local_hook_ids() {
    pre_commit_like("pre-commit");
}

#[test]
fn prek_runs_the_same_local_hook_ids() {
    pre_commit_like("prek");
}

#[test]
fn only_merge_driver_leaves_the_hooks_alone() {
    let (clone, _log) = setup();
    clone
        .repo
        .write("lefthook.yml", "pre-commit:\n  commands: {}\n");
    let run = clone.rs(&["install", "--only", "merge-driver"]);
    run.assert_code(0);
    assert!(
        !clone.root().join(".git/hooks/pre-commit").exists(),
        "{}",
        run.show()
    );
    assert_eq!(
        clone.repo.read("lefthook.yml"),
        "pre-commit:\n  commands: {}\n"
    );
    assert_eq!(clone.merge_attr(INDEX), "reuse-surface");
}

#[test]
fn a_manager_configured_after_our_install_is_a_warning_on_reinstall() {
    let (clone, _log) = setup();
    clone.rs(&["install"]).assert_code(0);
    clone.repo.write(
        "lefthook.yml",
        "pre-commit:\n  commands:\n    lint:\n      run: true\n",
    );
    let run = clone.rs(&["install"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("warning: lefthook (") && run.stdout.contains("--manager lefthook"),
        "{}",
        run.show()
    );
    // A fresh clone with that config is refused instead.
    clone.rs(&["uninstall"]).assert_code(0);
    let run = clone.rs(&["install"]);
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stderr.contains("--manager lefthook"), "{}", run.show());
}

#[test]
#[should_panic(expected = "the real `no-such-hook-manager` is required")]
fn a_missing_tool_fails_the_test_naming_it() {
    tool("no-such-hook-manager");
}
