//! `reuse-surface demo` runs the real binary and git end to end; it must
//! succeed, show each step's evidence, be quick, and leave nothing behind.

use crate::common::*;

#[test]
fn demo_runs_every_step_and_cleans_up() {
    let repo = Repo::new();
    let tmp = repo.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let started = std::time::Instant::now();
    let run = repo.run_cmd(repo.command(BIN).arg("demo").env("TMPDIR", &tmp));
    let elapsed = started.elapsed();
    run.assert_code(0);
    let out = &run.stdout;
    for expected in [
        "error[unknown-relation]",
        "commit refused",
        "staged index_row_add for capability.demo.wave",
        "error[evidence-missing]",
        "push to origin refused",
        "Merge made by",
        "id: capability.demo.wink",
        "id: capability.demo.yawn",
        "ok: 5 capabilities, no problems",
        "the demo repository has been removed",
    ] {
        assert!(
            out.contains(expected),
            "missing {expected:?} in:\n{}",
            run.show()
        );
    }
    assert!(!out.contains("CONFLICT"), "{}", run.show());
    assert!(elapsed.as_secs_f64() < 10.0, "demo took {elapsed:?}");
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert!(left.is_empty(), "demo left files behind: {left:?}");
}

/// The demo's git steps (run through the crate's git layer) and its own
/// binary's steps get the same isolated environment: a caller's `GIT_DIR`,
/// `GIT_INDEX_FILE` or `REUSE_SURFACE_SKIP` (as inside a hook) must not
/// send the demo's git at another repository or skip its gates.
#[test]
fn demo_ignores_the_callers_git_environment() {
    let repo = Repo::new();
    let tmp = repo.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let caller_git_dir = repo.path("caller.git");
    let caller_index = repo.path("caller-index");
    let run = repo.run_cmd(
        repo.command(BIN)
            .arg("demo")
            .env("TMPDIR", &tmp)
            .env("GIT_DIR", &caller_git_dir)
            .env("GIT_INDEX_FILE", &caller_index)
            .env("REUSE_SURFACE_SKIP", "1"),
    );
    run.assert_code(0);
    for expected in ["commit refused", "push to origin refused", "Merge made by"] {
        assert!(
            run.stdout.contains(expected),
            "missing {expected:?} in:\n{}",
            run.show()
        );
    }
    assert!(
        !caller_git_dir.exists(),
        "the demo wrote to the caller's GIT_DIR"
    );
    assert!(!caller_index.exists(), "the demo wrote the caller's index");
}

/// Issue 12: at a terminal the demo waits for Enter between its steps
/// (a newcomer on a 40-row terminal would otherwise see only the end), and
/// `q` stops it cleanly; piped, it runs straight through (the tests above).
#[test]
fn at_a_terminal_the_demo_pauses_between_steps_and_q_quits() {
    use rexpect::session::spawn_command;
    let repo = Repo::new();
    let tmp = repo.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut cmd = repo.command(BIN);
    cmd.arg("demo")
        .env("TMPDIR", &tmp)
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .stdin(std::process::Stdio::inherit());
    let mut p = spawn_command(cmd, Some(20_000)).expect("spawn in a pty");
    let first = p
        .exp_string("-- Enter: step 2/6")
        .expect("a pause after step 1");
    assert!(first.contains("1/6. A repository"), "{first}");
    assert!(
        !first.contains("2/6. "),
        "step 2 ran before Enter:\n{first}"
    );
    p.send_line("").unwrap();
    let second = p
        .exp_string("-- Enter: step 3/6")
        .expect("a pause after step 2");
    assert!(
        second.contains("2/6. ") && second.contains("staged index_row_add"),
        "{second}"
    );
    p.send_line("q").unwrap();
    let rest = p.exp_eof().unwrap_or_default();
    assert!(
        rest.contains("stopped; the demo repository has been removed."),
        "{rest}"
    );
    assert!(!rest.contains("3/6. "), "{rest}");
    match p.process().wait() {
        Ok(rexpect::process::WaitStatus::Exited(_, code)) => assert_eq!(code, 0, "{rest}"),
        other => panic!("demo did not exit normally: {other:?}"),
    }
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert!(left.is_empty(), "demo left files behind: {left:?}");
}
