//! The server-side gate (issue 12): `hook pre-receive` and `hook update`
//! installed in a real bare repository, exercised by real `git push`es.

use crate::common::*;
use std::path::{Path, PathBuf};

/// A bare repository beside `repo` with the shipped `pre-receive` shim
/// (or an `update` shim), and `repo`'s `origin` pointing at it.
fn server(repo: &Repo, hook: &str) -> PathBuf {
    let bare = repo.outside().join("server.git");
    git_at(
        &repo.home(),
        &repo.outside(),
        &["init", "-q", "--bare", bare.to_str().unwrap()],
    );
    let shim = match hook {
        "pre-receive" => std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/server/pre-receive"),
        )
        .unwrap(),
        _ => "#!/bin/sh\nexec \"$REUSE_SURFACE_BIN\" hook update \"$@\"\n".to_string(),
    };
    let path = bare.join("hooks").join(hook);
    std::fs::write(&path, shim).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    repo.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    bare
}

/// `git push` with the binary named for the server's hook; returns the output.
fn push(repo: &Repo, args: &[&str]) -> std::process::Output {
    let mut cmd = repo.command("git");
    cmd.arg("push").args(args).env("REUSE_SURFACE_BIN", BIN);
    cmd.output().expect("git push")
}

fn server_ref(repo: &Repo, bare: &Path, name: &str) -> Option<String> {
    let o = git_output_at(&repo.home(), bare, &["rev-parse", "--verify", "-q", name]);
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

#[test]
fn pre_receive_rejects_a_bad_push_and_accepts_a_good_one() {
    for hook in ["pre-receive", "update"] {
        let repo = Repo::committed();
        let bare = server(&repo, hook);
        let good = push(&repo, &["-q", "origin", "HEAD:refs/heads/main"]);
        assert!(
            good.status.success(),
            "{hook}: clean push refused:\n{}",
            String::from_utf8_lossy(&good.stderr)
        );
        let head = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
        assert_eq!(
            server_ref(&repo, &bare, "main").as_deref(),
            Some(head.as_str())
        );

        // A broken commit in the middle of a series, fixed by the next one:
        // every pushed commit is validated, not only the tip.
        repo.replace(
            ALPHA,
            "depends_on: [capability.demo.beta]",
            "depends_on: [capability.demo.nowhere]",
        );
        repo.git(&["commit", "-qam", "break a relation"]);
        let broken = repo
            .git(&["rev-parse", "--short=10", "HEAD"])
            .trim()
            .to_string();
        repo.write("docs/more.md", "# more\n");
        repo.git(&["add", "docs/more.md"]);
        repo.git(&["commit", "-qm", "unrelated"]);
        let bad = push(&repo, &["origin", "HEAD:refs/heads/main"]);
        let stderr = String::from_utf8_lossy(&bad.stderr);
        assert!(
            !bad.status.success(),
            "{hook}: a broken registry was accepted:\n{stderr}"
        );
        assert!(
            stderr.contains("remote: error[unknown-relation]"),
            "{hook}:\n{stderr}"
        );
        assert!(
            stderr.contains(&format!("(in refs/heads/main at {broken})")),
            "{hook}: the first bad commit is named:\n{stderr}"
        );
        assert!(
            stderr.contains("1 later commit(s) of refs/heads/main not checked"),
            "{hook}:\n{stderr}"
        );
        assert_eq!(
            stderr.matches("error[unknown-relation]").count(),
            1,
            "{hook}:\n{stderr}"
        );
        assert!(stderr.contains("push rejected"), "{hook}:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(
            server_ref(&repo, &bare, "main").as_deref(),
            Some(head.as_str()),
            "{hook}: the ref moved"
        );

        // Fixed on top: the series still carries the broken commit.
        repo.replace(
            ALPHA,
            "depends_on: [capability.demo.nowhere]",
            "depends_on: [capability.demo.beta]",
        );
        repo.git(&["commit", "-qam", "fix the relation"]);
        let again = push(&repo, &["origin", "HEAD:refs/heads/main"]);
        assert!(
            !again.status.success(),
            "{hook}: a series with a broken commit was accepted"
        );

        // Rewritten without it: accepted.
        repo.git(&["rebase", "-q", "--onto", &head, "HEAD~2"]);
        repo.git(&["rebase", "-q", "--onto", &head, "HEAD~1"]);
        let fixed = push(&repo, &["-q", "origin", "HEAD:refs/heads/main"]);
        assert!(
            fixed.status.success(),
            "{hook}: {}",
            String::from_utf8_lossy(&fixed.stderr)
        );

        // Deleting a branch validates nothing and is allowed.
        let branch = push(&repo, &["-q", "origin", "HEAD:refs/heads/topic"]);
        assert!(branch.status.success());
        let delete = push(&repo, &["-q", "origin", ":refs/heads/topic"]);
        assert!(
            delete.status.success(),
            "{hook}: {}",
            String::from_utf8_lossy(&delete.stderr)
        );
        assert_eq!(server_ref(&repo, &bare, "topic"), None);
    }
}

#[test]
fn validate_rev_works_in_the_bare_repository() {
    let repo = Repo::committed();
    let bare = server(&repo, "pre-receive");
    assert!(
        push(&repo, &["-q", "origin", "HEAD:refs/heads/main"])
            .status
            .success()
    );
    let run = repo.run_in(&bare, &["validate", "--rev", "main", "--format", "json"]);
    run.assert_code(0);
    assert_eq!(run.json()["summary"]["errors"], 0, "{}", run.show());
    assert_eq!(run.json()["summary"]["capabilities"], 3, "{}", run.show());
    let plain = repo.run_in(&bare, &["validate"]);
    assert_eq!(
        plain.code,
        2,
        "a bare repository has no working tree:\n{}",
        plain.show()
    );
}

#[test]
fn malformed_hook_input_is_a_clear_error() {
    let repo = Repo::committed();
    let mut cmd = repo.command(BIN);
    cmd.args(["hook", "pre-receive"])
        .stdin(std::process::Stdio::piped());
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"garbage\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("line 1 of stdin is not `<old oid> <new oid> <ref>`"),
        "{err}"
    );
    let update = repo.run(&["hook", "update", "refs/heads/main"]);
    assert_eq!(update.code, 2, "{}", update.show());
    assert!(
        update.one_line_error().contains("REFNAME OLD NEW"),
        "{}",
        update.show()
    );
}

/// Issue 12: in a shallow clone, a revision reaching past the fetched
/// history is explained in the user's words (not gix's
/// `delegate.traverse(NthAncestor(1)) failed`).
#[test]
fn a_shallow_clone_says_to_fetch_more_history() {
    let repo = Repo::committed();
    repo.write("docs/two.md", "# two\n");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "two"]);
    let url = format!("file://{}", repo.root().display());
    let shallow = repo.outside().join("shallow");
    git_at(
        &repo.home(),
        &repo.outside(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &url,
            shallow.to_str().unwrap(),
        ],
    );
    for args in [
        &["update", "--from-git-since", "HEAD~1"][..],
        &["validate", "--rev", "HEAD~1"],
    ] {
        let run = repo.run_in(&shallow, args);
        assert_eq!(run.code, 2, "{args:?}:\n{}", run.show());
        let line = run.one_line_error();
        assert!(
            line.contains("shallow clone") && line.contains("git fetch --deepen"),
            "{args:?}: {line}"
        );
        assert!(!line.contains("delegate"), "{line}");
    }
    // What is there still resolves.
    repo.run_in(&shallow, &["validate", "--rev", "HEAD"])
        .assert_code(0);
}

/// Issue 12: a pre-push run without git's ref lines (a hook manager that
/// drops stdin) says in one line that nothing was checked and how to fix it,
/// instead of passing silently.
#[test]
fn pre_push_without_refs_on_stdin_warns_in_one_line() {
    let repo = Repo::committed();
    let mut cmd = repo.command(BIN);
    cmd.args(["hook", "pre-push", "origin", "url"])
        .stdin(std::process::Stdio::null());
    let run = repo.run_cmd(&mut cmd);
    run.assert_code(0);
    let line = run.one_line_error();
    assert!(
        line.contains("got no refs on stdin") && line.contains("use_stdin: true"),
        "{line}"
    );
}
