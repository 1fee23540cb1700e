//! Exit codes `0` ok, `1` problems found, `2` usage, `3` internal error
//! (SPEC §6), and a closed output pipe ending quietly.

use super::*;

#[test]
fn each_exit_code_means_one_thing() {
    let repo = Repo::with_registry();
    repo.run(&["validate"]).assert_code(0);
    // Warnings alone still pass.
    repo.replace(GAMMA, "updated: 2026-05-01", "updated: 2026-07-01");
    repo.run(&["validate"]).assert_code(0);
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    repo.run(&["validate"]).assert_code(1);
    for usage in [
        &["validate", "--format", "yaml"][..],
        &["no-such-command"],
        &["explain", "no-such-check"],
    ] {
        repo.run(usage).assert_code(2);
    }
    repo.run_in(&repo.outside(), &["validate"]).assert_code(2);
    // A file that cannot be read is the tool failing, not the registry.
    let gone = repo.outside().join("gone");
    let gone = gone.to_str().unwrap();
    let run = repo.run(&["merge-driver", gone, gone, gone]);
    run.assert_code(3);
    assert!(run.stderr.starts_with("error: "), "{}", run.show());
}

#[test]
fn help_lists_the_exit_codes() {
    let repo = Repo::new();
    let run = repo.run(&["--help"]);
    run.assert_code(0);
    for line in [
        "Exit codes:",
        "  0  ok",
        "  1  problems found",
        "  2  usage error",
        "  3  internal error",
        "closed output pipe",
    ] {
        assert!(
            run.stdout.contains(line),
            "no `{line}` in --help:\n{}",
            run.stdout
        );
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let repo = drifted();
    for (args, code) in [
        (&["stats"][..], 0),
        (&["stats", "--format", "json"], 0),
        (&["explain", "--list"], 0),
        (&["completions", "bash"], 0),
        (&["man"], 0),
        (&["update"], 0),
        // The verdict stands: the reader left, the errors did not.
        (&["validate"], 1),
        (&["validate", "--format", "sarif"], 1),
    ] {
        let run = run_into_closed_pipe(&repo, args, &[]);
        assert_eq!(run.code, code, "{args:?}:\n{}", run.show());
        assert_eq!(
            run.stderr,
            "",
            "{args:?} printed on stderr:\n{}",
            run.show()
        );
    }
}

/// The shell's view: `reuse-surface stats | head -c0` under pipefail.
#[test]
fn stats_into_head_exits_zero_with_nothing_on_stderr() {
    let repo = Repo::with_registry();
    let script = r#"set -o pipefail
"$0" stats 2>"$1" | head -c0
echo "status=$?"
"$0" stats 2>>"$1" | true
echo "status=$?""#;
    let err = repo.outside().join("stderr");
    let mut cmd = repo.command("bash");
    cmd.args(["-c", script, BIN, err.to_str().unwrap()]);
    let run = repo.run_cmd(&mut cmd);
    run.assert_code(0);
    assert_eq!(run.stdout, "status=0\nstatus=0\n", "{}", run.show());
    assert_eq!(std::fs::read_to_string(&err).unwrap(), "");
}
