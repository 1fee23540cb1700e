//! A panic prints one line naming the fallback and where to report it,
//! never Rust's "thread 'main' panicked" text (issue #13 item 16). The
//! panics are real ones, raised through the test-only switch
//! `REUSE_SURFACE_TEST_PANIC` inside the hooks' `catch_unwind` paths.

use super::*;

const SWITCH: &str = "REUSE_SURFACE_TEST_PANIC";

/// The one line of the panic hook, checked word by word.
fn assert_one_panic_line(stderr: &str, fallback: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "Rust's panic text:\n{stderr}"
    );
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("internal error (a bug"))
        .collect();
    assert_eq!(lines.len(), 1, "one panic line:\n{stderr}");
    let line = lines[0];
    assert!(
        line.starts_with("reuse-surface: internal error (a bug at src/"),
        "{line}"
    );
    assert!(
        line.contains(fallback),
        "names the fallback `{fallback}`: {line}"
    );
    assert!(line.contains("please report it at https://"), "{line}");
    assert!(line.contains("/issues"), "{line}");
}

#[test]
fn agent_stop_reports_a_panic_in_one_line_and_exits_zero() {
    let repo = Repo::committed();
    let mut cmd = repo.command(BIN);
    cmd.args(["hook", "agent-stop"]).env(SWITCH, "agent-stop");
    let run = repo.run_cmd(&mut cmd);
    assert_eq!(run.code, 0, "{}", run.show());
    assert_one_panic_line(&run.stderr, "agent-stop changed nothing and exits 0");
    // The hook's own fallback line follows, as before.
    assert!(
        run.stderr
            .ends_with("reuse-surface: agent-stop: failed internally; nothing was changed by it\n"),
        "{}",
        run.show()
    );
    assert_eq!(run.stderr.lines().count(), 2, "{}", run.show());
}

#[test]
fn post_merge_reports_a_panic_in_one_line_and_exits_zero() {
    let repo = Repo::committed();
    // Something to report, so the hook writes (and the tripwire fires).
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    let mut cmd = repo.command(BIN);
    cmd.args(["hook", "post-merge", "0"])
        .env(SWITCH, "post-merge");
    let run = repo.run_cmd(&mut cmd);
    assert_eq!(run.code, 0, "{}", run.show());
    assert_one_panic_line(&run.stderr, "post-merge did not re-derive the index");
    assert!(
        run.stderr
            .contains("post-merge failed internally; run `reuse-surface update --apply` by hand"),
        "{}",
        run.show()
    );
}

#[test]
fn post_rewrite_reports_a_panic_in_one_line_and_exits_zero() {
    let repo = Repo::committed();
    // A rewritten commit with drift, found through ORIG_HEAD..HEAD (no
    // stdin), so the hook writes and the tripwire fires.
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    repo.commit_all("drift");
    repo.git(&["update-ref", "ORIG_HEAD", "HEAD~1"]);
    let mut cmd = repo.command(BIN);
    cmd.args(["hook", "post-rewrite", "rebase"])
        .env(SWITCH, "post-rewrite");
    let run = repo.run_cmd(&mut cmd);
    assert_eq!(run.code, 0, "{}", run.show());
    assert_one_panic_line(
        &run.stderr,
        "post-rewrite did not check the rewritten commits",
    );
    assert!(
        run.stderr
            .contains("post-rewrite failed internally; run `reuse-surface validate` by hand"),
        "{}",
        run.show()
    );
}

#[test]
fn a_panic_nothing_catches_exits_3_in_one_line() {
    let repo = Repo::with_registry();
    let mut cmd = repo.command(BIN);
    cmd.arg("stats").env(SWITCH, "stdout");
    let run = repo.run_cmd(&mut cmd);
    assert_eq!(run.code, 3, "{}", run.show());
    assert_one_panic_line(&run.stderr, "the command stopped with exit code 3");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.show());
    assert_eq!(run.stdout, "");
}

#[test]
fn unset_the_switch_changes_nothing() {
    let repo = Repo::with_registry();
    let mut cmd = repo.command(BIN);
    cmd.arg("stats").env(SWITCH, "some-other-site");
    let run = repo.run_cmd(&mut cmd);
    run.assert_code(0);
    assert!(
        run.stdout.starts_with("capabilities: 3\n"),
        "{}",
        run.show()
    );
}
