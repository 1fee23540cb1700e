//! The tree being checked (SPEC §3): `--staged` reads the git index and
//! `--rev` a commit's tree, with the real git, wherever the registry is.

use crate::checks::validate_expect;
use crate::common::*;

#[test]
fn staged_evidence_on_disk_but_not_staged_is_missing() {
    let repo = Repo::committed();
    repo.write("docs/beta.md", "# Beta\n");
    repo.replace(
        BETA,
        "tests: [tests/beta_test.rs]",
        "tests: [tests/beta_test.rs]\n  documentation: [docs/beta.md]",
    );
    repo.git(&["add", BETA]);
    // The working tree has the file: fine.
    validate_expect(&repo, &[], 0, &[]);
    // The commit would not: the staged tree is what counts.
    let run = validate_expect(&repo, &["--staged"], 1, &["evidence-missing"]);
    let p = run.problem("evidence-missing");
    assert_problem(
        &p,
        "evidence-missing",
        "error",
        BETA,
        Some(pos(&repo.read(BETA), "docs/beta.md")),
        Some(BETA_ID),
    );
    assert!(
        p["message"].as_str().unwrap().contains("staged tree"),
        "{p:#}"
    );
    repo.git(&["add", "docs/beta.md"]);
    validate_expect(&repo, &["--staged"], 0, &[]);
}

#[test]
fn staged_ignores_unstaged_edits_and_sees_staged_deletions() {
    let repo = Repo::committed();
    // An unstaged fault does not exist for --staged.
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    validate_expect(&repo, &[], 1, &["vector-drift"]);
    validate_expect(&repo, &["--staged"], 0, &[]);
    // A staged deletion does, though the file is back on disk.
    repo.git(&["checkout", "--", INDEX]);
    repo.git(&["rm", "-q", "--cached", "tests/beta_test.rs"]);
    validate_expect(&repo, &[], 0, &[]);
    let run = validate_expect(&repo, &["--staged"], 1, &["evidence-missing"]);
    assert_eq!(run.problem("evidence-missing")["file"], BETA);
}

#[test]
fn rev_checks_the_tree_of_that_commit() {
    let repo = Repo::committed();
    repo.remove("tests/beta_test.rs");
    repo.commit_all("drop beta's test");
    let run = validate_expect(&repo, &[], 1, &["evidence-missing"]);
    assert!(
        run.problem("evidence-missing")["message"]
            .as_str()
            .unwrap()
            .contains("working tree")
    );
    let run = validate_expect(&repo, &["--rev", "HEAD"], 1, &["evidence-missing"]);
    let message = run.problem("evidence-missing")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("commit ") && message.contains("(HEAD)"),
        "{message}"
    );
    validate_expect(&repo, &["--rev", "HEAD~1"], 0, &[]);
    // And the other way round: the working tree is fixed, the old commit
    // still has the fault.
    repo.write("tests/beta_test.rs", "#[test]\nfn beta() {}\n");
    repo.commit_all("restore");
    validate_expect(&repo, &[], 0, &[]);
    validate_expect(&repo, &["--rev", "HEAD~1"], 1, &["evidence-missing"]);
    validate_expect(&repo, &["--rev", "main~2"], 0, &[]);
}

#[test]
fn rev_and_staged_work_for_a_registry_below_the_top_level() {
    let repo = Repo::new();
    clean_registry_in(&repo, "sub");
    repo.git_init();
    repo.commit_all("registry in sub/");
    let sub = repo.path("sub");
    let ok = repo.run_in(&sub, &["validate", "--staged"]);
    ok.assert_code(0);
    assert_eq!(ok.stdout, "ok: 3 capabilities, no problems\n");
    repo.git(&["rm", "-q", "--cached", "sub/tests/beta_test.rs"]);
    let run = repo.run_in(&sub, &["validate", "--staged", "--format", "json"]);
    run.assert_code(1);
    assert_eq!(run.checks(), ["evidence-missing"]);
    assert_eq!(
        run.problem("evidence-missing")["file"],
        BETA,
        "paths are relative to the registry root"
    );
    let run = repo.run_in(&sub, &["validate", "--rev", "HEAD"]);
    run.assert_code(0);
}

#[test]
fn staged_and_rev_fail_clearly_without_git_or_with_a_bad_revision() {
    let repo = Repo::with_registry();
    let run = repo.run(&["validate", "--staged"]);
    run.assert_code(2);
    assert!(
        run.one_line_error().contains("not inside a git repository"),
        "{}",
        run.show()
    );
    repo.git_init();
    repo.commit_all("one");
    let run = repo.run(&["validate", "--rev", "no-such-branch"]);
    run.assert_code(2);
    assert!(
        run.one_line_error()
            .contains("cannot resolve revision `no-such-branch`"),
        "{}",
        run.show()
    );
    let run = repo.run(&["validate", "--staged", "--rev", "HEAD"]);
    run.assert_code(2);
}
