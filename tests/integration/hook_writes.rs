//! What the pre-commit hook writes, and what it refuses to write (issue 13,
//! items 9, 11 and 14): no evidence path appended twice, no lossy path, no
//! working tree patched when staging fails, the skip-worktree bit of a
//! sparse checkout kept, a sparse index expanded, and a commit deleting
//! the whole registry let through with a note.

use crate::common::*;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// The clean registry, committed with the hooks installed.
fn installed() -> Repo {
    let repo = Repo::committed();
    repo.run(&["install"]).assert_code(0);
    repo.commit_all("the merge driver's attributes");
    repo
}

/// Run `git ARGS` and return the whole output (any exit status).
fn git_any(repo: &Repo, args: &[&str]) -> std::process::Output {
    git_output_at(&repo.home(), repo.root(), args)
}

fn show(o: &std::process::Output) -> String {
    format!(
        "status {}\n--- stdout\n{}--- stderr\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Item 11: the working-tree copy of an entry, with unstaged edits that
/// already list the new test file, gets no second copy of the path.
#[test]
fn worktree_copy_that_lists_the_path_gets_no_duplicate() {
    let repo = installed();
    let new_test = "src/alpha/tests/more_test.rs";
    repo.write(new_test, "#[test]\nfn more() {}\n");
    repo.git(&["add", new_test]);
    // Unstaged: the user already listed it (and edited the summary).
    repo.replace(
        ALPHA,
        "    - .github/workflows/ci.yml\n",
        &format!("    - .github/workflows/ci.yml\n    - {new_test}\n"),
    );
    repo.replace(ALPHA, "summary: Does alpha things.", "summary: Does more.");
    let o = git_any(&repo, &["commit", "-q", "-m", "more tests"]);
    assert!(o.status.success(), "{}", show(&o));
    let committed = repo.git(&["show", &format!("HEAD:{ALPHA}")]);
    assert_eq!(committed.matches(new_test).count(), 1, "{committed}");
    let on_disk = repo.read(ALPHA);
    assert_eq!(
        on_disk.matches(new_test).count(),
        1,
        "appended twice to the working tree:\n{on_disk}"
    );
    assert!(on_disk.contains("summary: Does more."), "{on_disk}");
    // And `validate` flags a list that repeats an item.
    repo.replace(
        ALPHA,
        "  documentation: [docs/alpha.md]",
        "  documentation: [docs/alpha.md, docs/alpha.md]",
    );
    let run = repo.validate_json(&[]);
    let p = run.problem("duplicate-item");
    assert_eq!(p["file"], ALPHA, "{}", run.show());
    assert!(
        p["message"].as_str().unwrap().contains("docs/alpha.md"),
        "{p}"
    );
    assert_eq!(p["severity"], "warning");
}

/// Item 11: a test file whose name is not UTF-8 is never written as
/// (mangled) evidence; the hook names it, bytes escaped, and goes on.
#[test]
fn non_utf8_name_is_skipped_with_a_warning() {
    let repo = installed();
    let name = OsStr::from_bytes(b"src/alpha/tests/test_\xff.py");
    std::fs::create_dir_all(repo.path("src/alpha/tests")).unwrap();
    std::fs::write(repo.root().join(name), "def test(): pass\n").unwrap();
    let o = std::process::Command::new("git")
        .args(["add", "--"])
        .arg(name)
        .current_dir(repo.root())
        .env("HOME", repo.home())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", show(&o));
    let o = git_any(&repo, &["commit", "-q", "-m", "odd name"]);
    assert!(o.status.success(), "{}", show(&o));
    let committed = repo.git(&["show", &format!("HEAD:{ALPHA}")]);
    assert!(
        !committed.contains("test_") && !committed.contains('\u{FFFD}'),
        "a lossy path was written:\n{committed}"
    );
    assert!(!repo.read(ALPHA).contains('\u{FFFD}'));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(r"src/alpha/tests/test_\xff.py") && err.contains("UTF-8"),
        "no warning naming the file:\n{err}"
    );
}

/// An entry at a path holding a newline, with its index row and a test
/// file under its surface, staged.
fn newline_entry(repo: &Repo) -> (&'static str, &'static str) {
    let entry = "registry/capabilities/nl\nx.md";
    let test = "src/nl/tests/a_test.rs";
    repo.write(
        entry,
        "---\nid: capability.demo.nl\ntitle: NL\nstatus: active\nsurface: [\"src/nl/**\"]\n\
         maturity:\n  D: {current: 0}\n  A: {current: 0}\n  C: {current: 0}\n  R: {current: 0}\n\
         updated: 2026-06-17\n---\nBody.\n",
    );
    let text = repo.read(INDEX);
    repo.write(
        INDEX,
        format!(
            "{text}\n  - id: capability.demo.nl\n    title: NL\n    status: active\n    \
             vector: D0/A0/C0/R0\n    path: \"registry/capabilities/nl\\nx.md\"\n"
        ),
    );
    repo.validate_json(&[]).assert_code(0);
    repo.commit_all("an entry with a newline in its name");
    repo.write(test, "#[test]\nfn a() {}\n");
    repo.git(&["add", test]);
    (entry, test)
}

/// Item 11: a patched file whose name holds a newline is staged (git's
/// NUL-separated input), and the working tree gets the same patch.
#[test]
fn newline_in_a_patched_name_is_staged() {
    let repo = installed();
    let (entry, test) = newline_entry(&repo);
    let o = git_any(&repo, &["commit", "-q", "-m", "nl test"]);
    assert!(o.status.success(), "{}", show(&o));
    let listed = repo.git(&["ls-files", "-z", "registry/capabilities/"]);
    assert!(listed.split('\0').any(|p| p == entry), "{listed:?}");
    let staged = repo.git(&["cat-file", "-p", &format!("HEAD:{entry}")]);
    assert!(staged.contains(test), "not staged:\n{staged}");
    assert!(repo.read(entry).contains(test), "working tree not patched");
    let status = repo.git(&["status", "--porcelain"]);
    assert_eq!(status, "", "tree not clean after the commit");
}

/// Item 11: when staging fails, the working tree is left as it was
/// (staging comes first), with a clear error.
#[test]
fn failed_staging_leaves_the_worktree_alone() {
    let repo = installed();
    let test = "src/alpha/tests/locked_test.rs";
    repo.write(test, "#[test]\nfn l() {}\n");
    repo.git(&["add", test]);
    let before = repo.read(ALPHA);
    // Another git holds the index: `git update-index` cannot take it.
    repo.write(".git/index.lock", "");
    let run = repo.run(&["hook", "pre-commit"]);
    run.assert_no_panic();
    assert_ne!(run.code, 0, "{}", run.show());
    assert!(run.stderr.contains("update-index"), "{}", run.show());
    assert_eq!(repo.read(ALPHA), before, "the working tree was patched");
    repo.remove(".git/index.lock");
}

/// Item 9: staging a patch in a sparse checkout keeps skip-worktree on an
/// entry outside the cone, so `git status` does not show it deleted.
#[test]
fn sparse_checkout_keeps_skip_worktree() {
    let repo = installed();
    repo.git(&[
        "sparse-checkout",
        "set",
        "--no-cone",
        "/*",
        "!/registry/capabilities/",
    ]);
    assert!(!repo.exists(ALPHA), "sparse checkout did not apply");
    let test = "src/alpha/tests/sparse_test.rs";
    repo.write(test, "#[test]\nfn s() {}\n");
    repo.git(&["add", test]);
    let o = git_any(&repo, &["commit", "-q", "-m", "sparse"]);
    assert!(o.status.success(), "{}", show(&o));
    let committed = repo.git(&["show", &format!("HEAD:{ALPHA}")]);
    assert!(committed.contains(test), "not patched:\n{committed}");
    let flags = repo.git(&["ls-files", "-t", ALPHA]);
    assert!(flags.starts_with("S "), "skip-worktree lost: {flags}");
    let status = repo.git(&["status", "--porcelain"]);
    assert_eq!(status, "", "status after the commit");
}

/// Item 9: a sparse index with the registry outside the cone holds one
/// directory entry for `registry/`; the hook still checks the registry,
/// and `validate --rev HEAD` finds it.
#[test]
fn sparse_index_outside_the_cone_is_checked() {
    let repo = installed();
    repo.git(&[
        "sparse-checkout",
        "set",
        "--cone",
        "--sparse-index",
        "src",
        "tests",
        "docs",
    ]);
    assert!(!repo.exists(INDEX), "sparse checkout did not apply");
    let listed = repo.git(&["ls-files", "--sparse", "-s", "registry"]);
    assert!(
        listed.starts_with("040000"),
        "no sparse directory: {listed}"
    );
    for cwd in [repo.root().to_path_buf(), repo.path("src")] {
        let run = repo.run_in(&cwd, &["validate", "--rev", "HEAD"]);
        assert_eq!(run.code, 0, "{}", run.show());
        assert!(run.stdout.contains("3 capabilities"), "{}", run.show());
    }
    // Deleting alpha's evidence is an error the hook must see.
    repo.git(&["rm", "-q", "tests/alpha_test.rs"]);
    let o = git_any(&repo, &["commit", "-q", "-m", "drop evidence"]);
    assert!(
        !o.status.success(),
        "the hook checked nothing:\n{}",
        show(&o)
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("evidence-missing"),
        "{}",
        show(&o)
    );
    repo.git(&["reset", "-q", "--hard"]);
    // A patch to an entry inside the sparse directory is staged, and the
    // entry stays out of the working tree.
    let test = "src/alpha/tests/cone_test.rs";
    repo.write(test, "#[test]\nfn c() {}\n");
    repo.git(&["add", test]);
    let o = git_any(&repo, &["commit", "-q", "-m", "a test in the cone"]);
    assert!(o.status.success(), "{}", show(&o));
    let committed = repo.git(&["show", &format!("HEAD:{ALPHA}")]);
    assert!(committed.contains(test), "not patched:\n{}", show(&o));
    assert!(!repo.exists(ALPHA), "checked out outside the cone");
    assert_eq!(
        repo.git(&["status", "--porcelain"]),
        "",
        "status after the commit"
    );
}

/// Item 14: a commit that removes the whole registry is allowed, with a
/// one-line note, by the installed hook and by `validate --staged`.
#[test]
fn deleting_the_whole_registry_is_allowed() {
    let repo = installed();
    repo.git(&["rm", "-r", "-q", "registry"]);
    let run = repo.run(&["validate", "--staged"]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stderr.contains("removes the whole registry"),
        "{}",
        run.show()
    );
    let o = git_any(&repo, &["commit", "-q", "-m", "no registry"]);
    assert!(o.status.success(), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("removes the whole registry"), "{err}");
}
