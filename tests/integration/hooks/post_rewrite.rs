//! `post-rewrite` after real rebases: a rebase writes its commits without
//! `pre-commit` (a conflicted `rebase --continue` commits the hand-resolved
//! registry unchecked), so the installed hook checks the rewritten commits
//! and prints the one command that repairs them; the tests run that
//! command as printed and check the result.

use super::*;
use std::io::Write as _;

/// A sandbox whose `PATH` finds `reuse-surface` (the printed repair names
/// it), then the system's tools.
fn sandbox_with_binary_on_path() -> Sandbox {
    let mut sb = Sandbox::new();
    let bin_dir = sb.dir().join("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    std::os::unix::fs::symlink(BIN, bin_dir.join("reuse-surface")).unwrap();
    sb.path = Some(format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    ));
    sb
}

/// The command after `repair with: ` in the hook's output.
fn printed_repair(stderr: &str) -> String {
    stderr
        .lines()
        .find_map(|l| l.split_once("repair with: ").map(|(_, c)| c.to_string()))
        .unwrap_or_else(|| panic!("no repair command printed:\n{stderr}"))
}

/// `hook post-rewrite rebase` with `input` on its stdin, as git runs it.
fn hook_with_stdin(sb: &Sandbox, repo: &Path, input: &[u8]) -> Output {
    let mut child = sb
        .cmd(BIN, repo)
        .args(["hook", "post-rewrite", "rebase"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// Run a printed command with `sh -c`, as a user pasting it would.
fn run_printed(sb: &Sandbox, repo: &Path, command: &str) -> Output {
    let o = sb
        .cmd("sh", repo)
        .args(["-c", command])
        .output()
        .expect("run sh");
    assert!(
        o.status.success(),
        "the printed repair failed: {command}\n{}",
        show(&o)
    );
    o
}

#[test]
fn a_conflicted_rebase_continue_is_checked_and_the_printed_repair_works() {
    let sb = sandbox_with_binary_on_path();
    let repo = sb.repo("r");
    sb.git_ok(&repo, &["checkout", "-q", "-b", "feature"]);
    write(&repo, ALPHA, &alpha([3, 0, 2, 0], ""));
    sb.git_ok(&repo, &["commit", "-q", "-a", "-m", "alpha to D3"]);
    sb.git_ok(&repo, &["checkout", "-q", "main"]);
    write(&repo, ALPHA, &alpha([2, 0, 1, 0], ""));
    sb.git_ok(&repo, &["commit", "-q", "-a", "-m", "alpha to D2"]);
    sb.git_ok(&repo, &["checkout", "-q", "feature"]);
    sb.git_fails(&repo, &["rebase", "main"]);
    // Resolved by hand: neither side's level, and the index left as the
    // merge made it.
    write(&repo, ALPHA, &alpha([4, 0, 2, 0], ""));
    sb.git_ok(&repo, &["add", ALPHA]);
    let o = sb.git(&repo, &["rebase", "--continue"]);
    assert!(
        o.status.success(),
        "rebase --continue failed:\n{}",
        show(&o)
    );
    let err = stderr(&o);
    assert!(err.contains("1 need repair"), "{err}");
    let head = sb.rev(&repo, "HEAD");
    assert!(
        err.contains(&format!("{}: the index is out of sync", &head[..10])),
        "the rewritten commit is not named:\n{err}"
    );
    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{INDEX}")]);
    assert_ne!(
        vector_of(&committed, "capability.demo.alpha").as_deref(),
        Some("D4/A0/C2/R0"),
        "the rebase itself synced the row: nothing to test"
    );
    let repair = printed_repair(&err);
    assert!(repair.contains("git commit --amend"), "{repair}");
    run_printed(&sb, &repo, &repair);
    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{INDEX}")]);
    assert_eq!(
        vector_of(&committed, "capability.demo.alpha").as_deref(),
        Some("D4/A0/C2/R0"),
        "{committed}"
    );
    assert_eq!(sb.git_ok(&repo, &["status", "--porcelain"]), "");
    // The repaired commit passes the same check.
    let line = format!("{head} {}\n", sb.rev(&repo, "HEAD"));
    let o = hook_with_stdin(&sb, &repo, line.as_bytes());
    assert!(o.status.success());
    assert_eq!(stderr(&o), "", "the repaired commit still needs repair");
}

#[test]
fn drift_in_an_earlier_rewritten_commit_gets_a_rebase_exec_that_repairs_each() {
    let sb = sandbox_with_binary_on_path();
    let repo = sb.repo("r");
    sb.git_ok(&repo, &["checkout", "-q", "-b", "feature"]);
    write(&repo, ALPHA, &alpha([3, 0, 2, 0], ""));
    sb.git_ok(
        &repo,
        &[
            "commit",
            "-q",
            "--no-verify",
            "-a",
            "-m",
            "alpha raised, unsynced",
        ],
    );
    write(&repo, "src/y.c", "int y;\n");
    sb.git_ok(&repo, &["add", "src/y.c"]);
    sb.git_ok(&repo, &["commit", "-q", "-m", "unrelated"]);
    sb.git_ok(&repo, &["checkout", "-q", "main"]);
    write(&repo, "src/x.c", "int x = 2;\n");
    sb.git_ok(&repo, &["commit", "-q", "-a", "-m", "diverge"]);
    let main = sb.rev(&repo, "main");
    sb.git_ok(&repo, &["checkout", "-q", "feature"]);
    let o = sb.git(&repo, &["rebase", "main"]);
    assert!(o.status.success(), "rebase failed:\n{}", show(&o));
    let err = stderr(&o);
    assert!(
        err.contains("wrote 2 commit(s) without pre-commit; 2 need repair"),
        "{err}"
    );
    let repair = printed_repair(&err);
    assert!(
        repair.starts_with("git rebase --exec ") && repair.ends_with(&main[..10]),
        "{repair}"
    );
    // A hook manager that passes no stdin: the range since ORIG_HEAD.
    let o = sb.rs(&repo, &["hook", "post-rewrite", "rebase"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("2 need repair"), "{}", show(&o));
    // `commit --amend` is not checked (pre-commit ran for it).
    let o = sb.rs(&repo, &["hook", "post-rewrite", "amend"]);
    assert_eq!(stderr(&o), "");

    let o = run_printed(&sb, &repo, &repair);
    assert!(
        !stderr(&o).contains("need repair"),
        "the repair's own rebase still finds drift:\n{}",
        show(&o)
    );
    for rev in ["HEAD~1", "HEAD"] {
        let committed = sb.git_ok(&repo, &["show", &format!("{rev}:{INDEX}")]);
        assert_eq!(
            vector_of(&committed, "capability.demo.alpha").as_deref(),
            Some("D3/A0/C2/R0"),
            "{rev}:\n{committed}"
        );
    }
    assert_eq!(sb.rev(&repo, "HEAD~2"), main, "the repair moved the base");
    let subjects = sb.git_ok(&repo, &["log", "--format=%s", "-2"]);
    assert_eq!(subjects, "unrelated\nalpha raised, unsynced\n");
}

#[test]
fn skipped_and_broken_input_never_fail_the_rewrite() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let o = sb
        .cmd(BIN, &repo)
        .args(["hook", "post-rewrite", "rebase"])
        .env("REUSE_SURFACE_SKIP", "post-rewrite")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(stderr(&o).contains("post-rewrite skipped"), "{}", show(&o));
    let o = hook_with_stdin(&sb, &repo, b"junk\n");
    assert!(o.status.success(), "{}", show(&o));
    assert!(
        stderr(&o).contains("could not check the rewritten commits")
            && stderr(&o).contains("line 1 of stdin"),
        "{}",
        show(&o)
    );
}
