//! The git hooks driven through the real `git`: `reuse-surface install`
//! writes the shims (recording this test binary's absolute path), and real
//! `git commit`, `git push` and `git merge` runs fire them (SPEC §5.1,
//! issue 3's acceptance list).
//!
//! Every git process runs with a cleared environment: `HOME` in a temporary
//! directory, no system config, fixed author and committer, so nothing of
//! the machine's or the caller's git setup (nor a `GIT_DIR` of an enclosing
//! hook) leaks in.

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::isolated;

// ---------------------------------------------------------------- helpers

const BIN: &str = env!("CARGO_BIN_EXE_reuse-surface");
const INDEX: &str = "registry/indexes/capabilities.yaml";
const ALPHA: &str = "registry/capabilities/alpha.md";
const BETA: &str = "registry/capabilities/beta.md";

/// A temporary directory that is both `HOME` and the parent of the
/// repositories of one test.
struct Sandbox {
    tmp: tempfile::TempDir,
    path: Option<String>,
}

impl Sandbox {
    fn new() -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        Sandbox { tmp, path: None }
    }

    fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// A command with a clean, isolated environment ([`isolated`], plus
    /// this sandbox's `PATH`, no editor and no colour).
    fn cmd(&self, program: impl AsRef<OsStr>, cwd: &Path) -> Command {
        let mut c = Command::new(program);
        isolated(c.current_dir(cwd), self.dir());
        if let Some(path) = &self.path {
            c.env("PATH", path);
        }
        c.env("GIT_EDITOR", "true")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        c
    }

    fn git(&self, cwd: &Path, args: &[&str]) -> Output {
        self.cmd("git", cwd).args(args).output().expect("run git")
    }

    /// Run git and insist it succeeds; returns stdout.
    fn git_ok(&self, cwd: &Path, args: &[&str]) -> String {
        let o = self.git(cwd, args);
        assert!(
            o.status.success(),
            "git {args:?} failed in {}:\n{}",
            cwd.display(),
            show(&o)
        );
        stdout(&o)
    }

    /// Run git, insist it fails; returns stderr.
    fn git_fails(&self, cwd: &Path, args: &[&str]) -> String {
        let o = self.git(cwd, args);
        assert!(
            !o.status.success(),
            "git {args:?} unexpectedly succeeded in {}:\n{}",
            cwd.display(),
            show(&o)
        );
        stderr(&o)
    }

    fn rs(&self, cwd: &Path, args: &[&str]) -> Output {
        self.cmd(BIN, cwd)
            .args(args)
            .output()
            .expect("run reuse-surface")
    }

    fn rev(&self, cwd: &Path, rev: &str) -> String {
        self.git_ok(cwd, &["rev-parse", "--verify", rev])
            .trim()
            .to_string()
    }

    /// A fresh repository on branch `main` holding the registry of
    /// [`base_registry`] (not committed, not installed).
    fn init(&self, name: &str, extra_init: &[&str]) -> PathBuf {
        let repo = self.dir().join(name);
        let mut args = vec!["init", "-q", "-b", "main"];
        args.extend_from_slice(extra_init);
        args.push(repo.to_str().unwrap());
        self.git_ok(self.dir(), &args);
        base_registry(&repo);
        repo
    }

    /// [`Sandbox::init`], then install the hooks and commit everything (the
    /// first commit already goes through the hook).
    fn repo(&self, name: &str) -> PathBuf {
        let repo = self.init(name, &[]);
        self.install(&repo);
        self.git_ok(&repo, &["add", "-A"]);
        self.git_ok(&repo, &["commit", "-q", "-m", "initial registry"]);
        repo
    }

    fn install(&self, repo: &Path) {
        let o = self.rs(repo, &["install"]);
        assert!(o.status.success(), "install failed:\n{}", show(&o));
    }

    /// A bare repository to push to, with `repo`'s `origin` pointing at it.
    fn remote(&self, repo: &Path, extra_init: &[&str]) -> PathBuf {
        let bare = self.dir().join("remote.git");
        let mut args = vec!["init", "-q", "--bare"];
        args.extend_from_slice(extra_init);
        args.push(bare.to_str().unwrap());
        self.git_ok(self.dir(), &args);
        self.git_ok(repo, &["remote", "add", "origin", bare.to_str().unwrap()]);
        bare
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn show(o: &Output) -> String {
    format!(
        "status: {}\n--- stdout\n{}--- stderr\n{}",
        o.status,
        stdout(o),
        stderr(o)
    )
}

fn write(repo: &Path, rel: &str, text: &str) {
    let path = repo.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn read(repo: &Path, rel: &str) -> String {
    std::fs::read_to_string(repo.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// An entry file; `extra` is inserted before `updated:` (whole lines).
fn entry(id: &str, title: &str, [d, a, c, r]: [u8; 4], extra: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: {title}\nsummary: {title} does a thing.\nowner: demo\nstatus: active\n\
         maturity:\n  D: {{current: {d}}}\n  A: {{current: {a}}}\n  C: {{current: {c}}}\n  R: {{current: {r}}}\n\
         {extra}updated: 2026-01-01\n---\nBody of {title}.\n"
    )
}

fn row(id: &str, title: &str, vector: &str, path: &str) -> String {
    format!(
        "  - id: {id}\n    title: {title}\n    status: active\n    vector: {vector}\n    path: {path}\n"
    )
}

fn index(rows: &[String]) -> String {
    format!(
        "schema_version: 1\nupdated: 2026-01-01\ncapabilities:\n{}",
        rows.concat()
    )
}

fn alpha(vector: [u8; 4], extra: &str) -> String {
    entry("capability.demo.alpha", "Alpha", vector, extra)
}

fn beta(extra: &str) -> String {
    entry("capability.demo.beta", "Beta", [2, 0, 1, 0], extra)
}

/// One capability (alpha, D1/A0/C1/R0) and its index row.
fn base_registry(repo: &Path) {
    write(repo, ALPHA, &alpha([1, 0, 1, 0], ""));
    write(
        repo,
        INDEX,
        &index(&[row("capability.demo.alpha", "Alpha", "D1/A0/C1/R0", ALPHA)]),
    );
    write(repo, "src/x.c", "int x;\n");
}

/// The `vector` of the row with `id` in an index text.
fn vector_of(index_text: &str, id: &str) -> Option<String> {
    let mut lines = index_text
        .lines()
        .skip_while(|l| !l.contains(&format!("id: {id}")));
    lines.next()?;
    lines
        .take_while(|l| !l.trim_start().starts_with("- "))
        .find_map(|l| l.trim().strip_prefix("vector: ").map(str::to_string))
}

/// An entry whose relation names no known capability: an unfixable error.
fn bad_alpha() -> String {
    alpha(
        [1, 0, 1, 0],
        "relations:\n  depends_on: [capability.demo.nope]\n",
    )
}

fn assert_unknown_relation(err: &str) {
    assert!(
        err.contains("error[unknown-relation]"),
        "no unknown-relation diagnostic:\n{err}"
    );
    assert!(
        err.contains(&format!("{ALPHA}:")),
        "diagnostic does not name {ALPHA}:line:\n{err}"
    );
    assert!(!err.contains("panicked"), "panic:\n{err}");
}

// ------------------------------------------------------------------ tests

mod post_rewrite;

/// Acceptance: install, then `git commit` refused on an unfixable error
/// (HEAD unchanged); the diagnostic names the check and file:line.
#[test]
fn commit_refused_on_unfixable_error() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let before = sb.rev(&repo, "HEAD");
    write(&repo, ALPHA, &bad_alpha());
    sb.git_ok(&repo, &["add", ALPHA]);
    let err = sb.git_fails(&repo, &["commit", "-q", "-m", "bad relation"]);
    assert_unknown_relation(&err);
    // The relation sits on line 13 of the entry, column 16.
    assert!(
        err.contains(&format!("--> {ALPHA}:13:16")),
        "wrong location:\n{err}"
    );
    assert!(err.contains("commit refused"), "{err}");
    assert_eq!(sb.rev(&repo, "HEAD"), before, "HEAD moved");
    // Nothing was half-staged: the bad entry is still staged as the user left it.
    let staged = sb.git_ok(&repo, &["diff", "--cached", "--name-only"]);
    assert_eq!(staged.trim(), ALPHA);
}

/// Acceptance: a new entry without an index row gets its row added and
/// committed by the hook; the working tree gets it too; nothing is left over.
#[test]
fn new_entry_gets_its_row_committed() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write(&repo, BETA, &beta(""));
    sb.git_ok(&repo, &["add", BETA]);
    let o = sb.git(&repo, &["commit", "-q", "-m", "add beta"]);
    assert!(o.status.success(), "{}", show(&o));
    assert!(
        stderr(&o).contains("index_row_add"),
        "hook did not say what it staged:\n{}",
        show(&o)
    );
    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{INDEX}")]);
    assert_eq!(
        vector_of(&committed, "capability.demo.beta").as_deref(),
        Some("D2/A0/C1/R0"),
        "{committed}"
    );
    assert!(committed.contains(&format!("path: {BETA}")), "{committed}");
    assert_eq!(
        vector_of(&read(&repo, INDEX), "capability.demo.beta").as_deref(),
        Some("D2/A0/C1/R0")
    );
    assert_eq!(
        sb.git_ok(&repo, &["status", "--porcelain"]),
        "",
        "tree not clean after the commit"
    );
    // The committed registry validates.
    let v = sb.rs(&repo, &["validate", "--rev", "HEAD"]);
    assert!(v.status.success(), "{}", show(&v));
}

/// A patched index that git stores as executable stays executable, in the
/// commit and on disk.
#[test]
fn patched_file_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let full = repo.join(INDEX);
    std::fs::set_permissions(&full, std::fs::Permissions::from_mode(0o755)).unwrap();
    sb.git_ok(&repo, &["add", INDEX]);
    sb.git_ok(&repo, &["commit", "-q", "-m", "index executable"]);
    write(&repo, BETA, &beta(""));
    sb.git_ok(&repo, &["add", BETA]);
    let o = sb.git(&repo, &["commit", "-q", "-m", "add beta"]);
    assert!(o.status.success(), "{}", show(&o));
    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{INDEX}")]);
    assert!(committed.contains(&format!("path: {BETA}")), "{committed}");
    let staged = sb.git_ok(&repo, &["ls-files", "-s", INDEX]);
    assert!(staged.starts_with("100755 "), "{staged}");
    let mode = std::fs::metadata(&full).unwrap().permissions().mode();
    assert_eq!(
        mode & 0o111,
        0o111,
        "worktree lost the executable bit: {mode:o}"
    );
    assert_eq!(sb.git_ok(&repo, &["status", "--porcelain"]), "");
}

/// An index that is a symlink (to a file elsewhere in the repository) is
/// patched at its target: the link stays a link, in the commit and on disk.
#[test]
fn symlinked_index_is_patched_at_its_target() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    const REAL: &str = "shared/capabilities.yaml";
    std::fs::create_dir_all(repo.join("shared")).unwrap();
    sb.git_ok(&repo, &["mv", INDEX, REAL]);
    std::os::unix::fs::symlink("../../shared/capabilities.yaml", repo.join(INDEX)).unwrap();
    sb.git_ok(&repo, &["add", INDEX]);
    sb.git_ok(&repo, &["commit", "-q", "-m", "index behind a link"]);
    write(&repo, BETA, &beta(""));
    sb.git_ok(&repo, &["add", BETA]);
    let o = sb.git(&repo, &["commit", "-q", "-m", "add beta"]);
    assert!(o.status.success(), "{}", show(&o));
    let link = sb.git_ok(&repo, &["ls-files", "-s", INDEX]);
    assert!(
        link.starts_with("120000 "),
        "the link became a file: {link}"
    );
    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{REAL}")]);
    assert!(committed.contains(&format!("path: {BETA}")), "{committed}");
    let meta = std::fs::symlink_metadata(repo.join(INDEX)).unwrap();
    assert!(
        meta.file_type().is_symlink(),
        "the worktree link became a file"
    );
    assert!(read(&repo, REAL).contains(&format!("path: {BETA}")));
    assert_eq!(sb.git_ok(&repo, &["status", "--porcelain"]), "");
    let v = sb.rs(&repo, &["validate", "--rev", "HEAD"]);
    assert!(v.status.success(), "{}", show(&v));
}

/// Acceptance: evidence that exists on disk but is not staged does not
/// satisfy the check; staging it does.
#[test]
fn unstaged_evidence_does_not_count() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let before = sb.rev(&repo, "HEAD");
    write(&repo, "tests/test_alpha.sh", "#!/bin/sh\nexit 0\n");
    write(
        &repo,
        ALPHA,
        &alpha([1, 0, 1, 0], "evidence:\n  tests: [tests/test_alpha.sh]\n"),
    );
    sb.git_ok(&repo, &["add", ALPHA]);
    let err = sb.git_fails(&repo, &["commit", "-q", "-m", "cite evidence"]);
    assert!(err.contains("error[evidence-missing]"), "{err}");
    assert!(err.contains("tests/test_alpha.sh"), "{err}");
    assert_eq!(sb.rev(&repo, "HEAD"), before);
    // The working-tree check (validate without --staged) is satisfied: the
    // hook really looked at the index, not the disk.
    let v = sb.rs(&repo, &["validate"]);
    assert!(
        v.status.success(),
        "working tree should validate:\n{}",
        show(&v)
    );

    sb.git_ok(&repo, &["add", "tests/test_alpha.sh"]);
    let o = sb.git(&repo, &["commit", "-q", "-m", "cite evidence"]);
    assert!(o.status.success(), "{}", show(&o));
    assert_ne!(sb.rev(&repo, "HEAD"), before);
    sb.git_ok(&repo, &["cat-file", "-e", "HEAD:tests/test_alpha.sh"]);
}

/// Acceptance: unstaged edits in a file the hook patches stay unstaged
/// (`git diff` afterwards shows only them).
#[test]
fn unstaged_edits_in_a_patched_file_stay_unstaged() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    // Stage an entry change that drifts the vector (D1 -> D2).
    write(&repo, ALPHA, &alpha([2, 0, 1, 0], ""));
    sb.git_ok(&repo, &["add", ALPHA]);
    // An unrelated edit of the index, in the working tree only.
    let original = read(&repo, INDEX);
    let with_comment = original.replacen(
        "schema_version: 1\n",
        "schema_version: 1\n# my local note\n",
        1,
    );
    assert_ne!(with_comment, original);
    write(&repo, INDEX, &with_comment);

    let o = sb.git(&repo, &["commit", "-q", "-m", "raise D"]);
    assert!(o.status.success(), "{}", show(&o));
    assert!(stderr(&o).contains("vector_sync"), "{}", show(&o));

    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{INDEX}")]);
    assert_eq!(
        vector_of(&committed, "capability.demo.alpha").as_deref(),
        Some("D2/A0/C1/R0"),
        "{committed}"
    );
    assert!(
        !committed.contains("my local note"),
        "the unstaged comment was committed:\n{committed}"
    );

    let worktree = read(&repo, INDEX);
    assert!(
        worktree.contains("# my local note"),
        "the working tree lost the comment:\n{worktree}"
    );
    assert_eq!(
        vector_of(&worktree, "capability.demo.alpha").as_deref(),
        Some("D2/A0/C1/R0"),
        "{worktree}"
    );

    // worktree vs index: exactly the comment line, nothing else.
    let diff = sb.git_ok(&repo, &["diff", "-U0", "--no-color"]);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert_eq!(changed, vec!["+# my local note"], "git diff:\n{diff}");
    assert_eq!(sb.git_ok(&repo, &["diff", "--name-only"]).trim(), INDEX);
    // Nothing staged is left behind either.
    assert_eq!(sb.git_ok(&repo, &["diff", "--cached", "--name-only"]), "");
}

/// The same for an entry file: a staged doc is appended to the (only)
/// capability's evidence by the hook, while the entry has an unstaged edit
/// of its body.
#[test]
fn unstaged_edits_in_a_patched_entry_stay_unstaged() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write(&repo, "docs/alpha.md", "# Alpha\n");
    sb.git_ok(&repo, &["add", "docs/alpha.md"]);
    let original = read(&repo, ALPHA);
    write(
        &repo,
        ALPHA,
        &original.replace("Body of Alpha.", "Body of Alpha, edited locally."),
    );

    let o = sb.git(&repo, &["commit", "-q", "-m", "docs"]);
    assert!(o.status.success(), "{}", show(&o));
    assert!(stderr(&o).contains("evidence_append"), "{}", show(&o));
    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{ALPHA}")]);
    assert!(
        committed.contains("docs/alpha.md"),
        "evidence not committed:\n{committed}"
    );
    assert!(
        !committed.contains("edited locally"),
        "the unstaged edit was committed:\n{committed}"
    );
    let worktree = read(&repo, ALPHA);
    assert!(
        worktree.contains("docs/alpha.md") && worktree.contains("edited locally"),
        "{worktree}"
    );
    let diff = sb.git_ok(&repo, &["diff", "-U0", "--no-color"]);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert_eq!(
        changed,
        vec!["-Body of Alpha.", "+Body of Alpha, edited locally."],
        "git diff:\n{diff}"
    );
}

/// Acceptance: `git push` to a local bare remote is refused when the pushed
/// commit is bad even though the working tree is good; a good push works;
/// a deletion is not blocked.
#[test]
fn push_gates_the_pushed_commit_not_the_worktree() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let bare = sb.remote(&repo, &[]);
    let o = sb.git(&repo, &["push", "-q", "origin", "main"]);
    assert!(
        o.status.success(),
        "first (good) push failed:\n{}",
        show(&o)
    );
    let good = sb.rev(&repo, "HEAD");
    assert_eq!(sb.rev(&bare, "refs/heads/main"), good);

    // A bad commit, bypassing pre-commit; then fixed in the working tree only.
    write(&repo, ALPHA, &bad_alpha());
    sb.git_ok(&repo, &["commit", "-q", "-a", "--no-verify", "-m", "bad"]);
    let bad = sb.rev(&repo, "HEAD");
    write(&repo, ALPHA, &alpha([1, 0, 1, 0], ""));
    assert!(
        sb.rs(&repo, &["validate"]).status.success(),
        "the working tree should be good"
    );

    let err = sb.git_fails(&repo, &["push", "-q", "origin", "main"]);
    assert_unknown_relation(&err);
    assert!(err.contains("refused"), "{err}");
    assert_eq!(
        sb.rev(&bare, "refs/heads/main"),
        good,
        "the remote ref moved"
    );

    // The same bad commit on another branch, pushed with --no-verify, can be deleted.
    sb.git_ok(&repo, &["branch", "bad-branch", &bad]);
    sb.git_ok(
        &repo,
        &["push", "-q", "--no-verify", "origin", "bad-branch"],
    );
    assert_eq!(sb.rev(&bare, "refs/heads/bad-branch"), bad);
    let o = sb.git(&repo, &["push", "-q", "origin", ":bad-branch"]);
    assert!(
        o.status.success(),
        "deleting a branch was blocked:\n{}",
        show(&o)
    );
    assert!(
        !sb.git(
            &bare,
            &["rev-parse", "--verify", "-q", "refs/heads/bad-branch"]
        )
        .status
        .success()
    );

    // Commit the fix: the push goes through.
    sb.git_ok(&repo, &["commit", "-q", "-a", "-m", "fix"]);
    let o = sb.git(&repo, &["push", "-q", "origin", "main"]);
    assert!(o.status.success(), "good push refused:\n{}", show(&o));
    assert_eq!(sb.rev(&bare, "refs/heads/main"), sb.rev(&repo, "HEAD"));
}

/// Acceptance: post-merge re-derives the index from the merged entries, for
/// a fast-forward and for a merge commit; the merge itself succeeds.
#[test]
fn post_merge_rederives_the_index() {
    for ff in [true, false] {
        let sb = Sandbox::new();
        let repo = sb.repo("r");
        sb.git_ok(&repo, &["checkout", "-q", "-b", "feature"]);
        write(
            &repo,
            ALPHA,
            &alpha(
                [3, 0, 2, 0],
                "evidence:\n  documentation: [docs/alpha.md]\n",
            ),
        );
        write(&repo, "docs/alpha.md", "# Alpha\n");
        sb.git_ok(&repo, &["add", "-A"]);
        sb.git_ok(
            &repo,
            &[
                "commit",
                "-q",
                "--no-verify",
                "-m",
                "raise alpha without syncing",
            ],
        );
        let on_feature = sb.git_ok(&repo, &["show", &format!("HEAD:{INDEX}")]);
        assert_eq!(
            vector_of(&on_feature, "capability.demo.alpha").as_deref(),
            Some("D1/A0/C1/R0")
        );
        sb.git_ok(&repo, &["checkout", "-q", "main"]);
        if !ff {
            write(&repo, "src/x.c", "int x = 1;\n");
            sb.git_ok(&repo, &["commit", "-q", "-a", "-m", "diverge"]);
        }
        let args: &[&str] = if ff {
            &["merge", "--ff-only", "feature"]
        } else {
            &["merge", "--no-edit", "feature"]
        };
        let o = sb.git(&repo, args);
        assert!(o.status.success(), "merge (ff={ff}) failed:\n{}", show(&o));
        assert!(
            stderr(&o).contains("re-derived the index"),
            "post-merge said nothing (ff={ff}):\n{}",
            show(&o)
        );
        let worktree = read(&repo, INDEX);
        assert_eq!(
            vector_of(&worktree, "capability.demo.alpha").as_deref(),
            Some("D3/A0/C2/R0"),
            "ff={ff}:\n{worktree}"
        );
        assert!(
            sb.rs(&repo, &["validate"]).status.success(),
            "ff={ff}: the re-derived tree does not validate"
        );
        if !ff {
            assert_eq!(
                sb.git_ok(&repo, &["rev-list", "--parents", "-n1", "HEAD"])
                    .split_whitespace()
                    .count(),
                3
            );
        }
    }
}

/// post-merge reports what is wrong with the merged registry but never
/// fails, and never deletes a row whose entry is gone (it reports it).
#[test]
fn post_merge_reports_problems_and_keeps_rows() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write(&repo, BETA, &beta(""));
    sb.git_ok(&repo, &["add", BETA]);
    sb.git_ok(&repo, &["commit", "-q", "-m", "beta"]);
    sb.git_ok(&repo, &["checkout", "-q", "-b", "feature"]);
    sb.git_ok(&repo, &["rm", "-q", BETA]);
    write(&repo, ALPHA, &bad_alpha());
    sb.git_ok(
        &repo,
        &["commit", "-q", "-a", "--no-verify", "-m", "break things"],
    );
    sb.git_ok(&repo, &["checkout", "-q", "main"]);
    let o = sb.git(&repo, &["merge", "--ff-only", "feature"]);
    assert!(o.status.success(), "{}", show(&o));
    let err = stderr(&o);
    assert!(
        err.contains("unknown-relation"),
        "post-merge did not report the error:\n{err}"
    );
    assert!(
        err.contains("missing-entry"),
        "post-merge did not report the missing entry:\n{err}"
    );
    assert!(
        vector_of(&read(&repo, INDEX), "capability.demo.beta").is_some(),
        "post-merge deleted the row of a missing entry"
    );
    // Run directly, the hook's own exit status is 0 too.
    let o = sb.rs(&repo, &["hook", "post-merge", "0"]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(stderr(&o).contains("unknown-relation"), "{}", show(&o));
}

/// Acceptance: a repository-local `core.hooksPath` is honoured.
#[test]
fn local_hooks_path_is_honoured() {
    let sb = Sandbox::new();
    let repo = sb.init("r", &[]);
    sb.git_ok(&repo, &["config", "core.hooksPath", ".githooks"]);
    sb.install(&repo);
    for name in ["pre-commit", "pre-push", "post-merge", "post-rewrite"] {
        let shim = repo.join(".githooks").join(name);
        let text =
            std::fs::read_to_string(&shim).unwrap_or_else(|e| panic!("{}: {e}", shim.display()));
        assert!(text.contains("# installed by reuse-surface"), "{name}");
        assert!(
            text.contains(BIN)
                || text.contains(
                    &std::fs::canonicalize(BIN)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                )
        );
        assert!(
            !repo.join(".git/hooks").join(name).exists(),
            "{name} also landed in .git/hooks"
        );
    }
    sb.git_ok(&repo, &["add", "-A"]);
    sb.git_ok(&repo, &["commit", "-q", "-m", "initial"]);
    let before = sb.rev(&repo, "HEAD");
    write(&repo, ALPHA, &bad_alpha());
    let err = sb.git_fails(&repo, &["commit", "-q", "-a", "-m", "bad"]);
    assert_unknown_relation(&err);
    assert_eq!(sb.rev(&repo, "HEAD"), before);
}

/// Acceptance: a linked worktree is gated too (hooks are shared), and the
/// hook patches the linked worktree's own index and files.
#[test]
fn linked_worktree_is_gated() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let wt = sb.dir().join("wt");
    sb.git_ok(
        &repo,
        &["worktree", "add", "-q", "-b", "side", wt.to_str().unwrap()],
    );
    let before = sb.rev(&wt, "HEAD");
    write(&wt, ALPHA, &bad_alpha());
    let err = sb.git_fails(&wt, &["commit", "-q", "-a", "-m", "bad in worktree"]);
    assert_unknown_relation(&err);
    assert_eq!(sb.rev(&wt, "HEAD"), before);

    write(&wt, ALPHA, &alpha([1, 0, 1, 0], ""));
    write(&wt, BETA, &beta(""));
    sb.git_ok(&wt, &["add", "-A"]);
    let o = sb.git(&wt, &["commit", "-q", "-m", "beta in worktree"]);
    assert!(o.status.success(), "{}", show(&o));
    let committed = sb.git_ok(&wt, &["show", &format!("side:{INDEX}")]);
    assert!(
        vector_of(&committed, "capability.demo.beta").is_some(),
        "{committed}"
    );
    assert_eq!(sb.git_ok(&wt, &["status", "--porcelain"]), "");
    // The main worktree was not touched.
    assert!(vector_of(&read(&repo, INDEX), "capability.demo.beta").is_none());
    assert_eq!(sb.git_ok(&repo, &["status", "--porcelain"]), "");
}

/// Acceptance: `REUSE_SURFACE_SKIP=1` lets a bad commit through with exactly
/// one printed line.
#[test]
fn skip_env_lets_a_bad_commit_through_with_one_line() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let before = sb.rev(&repo, "HEAD");
    write(&repo, ALPHA, &bad_alpha());
    let o = sb
        .cmd("git", &repo)
        .args(["commit", "-q", "-a", "-m", "skip"])
        .env("REUSE_SURFACE_SKIP", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", show(&o));
    assert_ne!(sb.rev(&repo, "HEAD"), before);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line:\n{err}");
    assert!(
        lines[0].contains("skipped") && lines[0].contains("REUSE_SURFACE_SKIP"),
        "{err}"
    );
    // A comma list naming another hook does not skip pre-commit.
    write(
        &repo,
        ALPHA,
        &alpha(
            [1, 0, 1, 0],
            "relations:\n  depends_on: [capability.demo.other]\n",
        ),
    );
    let o = sb
        .cmd("git", &repo)
        .args(["commit", "-q", "-a", "-m", "not skipped"])
        .env("REUSE_SURFACE_SKIP", "pre-push,post-merge")
        .output()
        .unwrap();
    assert!(!o.status.success(), "{}", show(&o));
    assert!(
        stderr(&o).contains("error[unknown-relation]"),
        "{}",
        show(&o)
    );
}

/// Acceptance: a foreign pre-push hook survives `install --force`, still
/// receives the ref lines on stdin during a real push (and so does ours),
/// and comes back byte-identical after `uninstall`.
#[test]
fn foreign_pre_push_hook_survives_and_sees_stdin() {
    let sb = Sandbox::new();
    let repo = sb.init("r", &[]);
    sb.git_ok(&repo, &["add", "-A"]);
    sb.git_ok(&repo, &["commit", "-q", "-m", "initial"]);
    let bare = sb.remote(&repo, &[]);
    let record = sb.dir().join("foreign-stdin.txt");
    let args_record = sb.dir().join("foreign-args.txt");
    let foreign = format!(
        "#!/bin/sh\n# an LFS-like hook\necho \"$@\" > '{}'\ncat > '{}'\nexit 0\n",
        args_record.display(),
        record.display()
    );
    let hook = repo.join(".git/hooks/pre-push");
    std::fs::write(&hook, &foreign).unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();

    // Without --force: refused, nothing written.
    let o = sb.rs(&repo, &["install"]);
    assert!(
        !o.status.success(),
        "install over a foreign hook without --force succeeded:\n{}",
        show(&o)
    );
    assert_eq!(std::fs::read(&hook).unwrap(), foreign.as_bytes());
    assert!(!repo.join(".git/hooks/pre-commit").exists());

    let o = sb.rs(&repo, &["install", "--force"]);
    assert!(o.status.success(), "{}", show(&o));
    let kept = repo.join(".git/hooks/reuse-surface-kept/pre-push");
    assert_eq!(
        std::fs::read(&kept).unwrap(),
        foreign.as_bytes(),
        "the kept hook differs"
    );
    assert!(
        std::fs::read_to_string(&hook)
            .unwrap()
            .contains("# installed by reuse-surface")
    );
    sb.git_ok(&repo, &["add", ".gitattributes"]);
    sb.git_ok(&repo, &["commit", "-q", "-m", "attributes"]);

    // First push: a new branch (remote oid all zeros).
    let first = sb.rev(&repo, "HEAD");
    let o = sb.git(&repo, &["push", "-q", "origin", "main"]);
    assert!(o.status.success(), "{}", show(&o));
    let zeros = "0".repeat(first.len());
    assert_eq!(
        read(sb.dir(), "foreign-stdin.txt"),
        format!("refs/heads/main {first} refs/heads/main {zeros}\n")
    );
    assert_eq!(
        read(sb.dir(), "foreign-args.txt"),
        format!("origin {}\n", bare.display())
    );

    // Second push: a bad commit. The foreign hook reads the line, and ours
    // still gets it too (it refuses the push).
    write(&repo, ALPHA, &bad_alpha());
    sb.git_ok(&repo, &["commit", "-q", "-a", "--no-verify", "-m", "bad"]);
    let bad = sb.rev(&repo, "HEAD");
    let err = sb.git_fails(&repo, &["push", "-q", "origin", "main"]);
    assert_unknown_relation(&err);
    let line = read(sb.dir(), "foreign-stdin.txt");
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        fields,
        vec![
            "refs/heads/main",
            bad.as_str(),
            "refs/heads/main",
            first.as_str()
        ],
        "{line:?}"
    );
    assert!(
        line.ends_with('\n') && line.lines().count() == 1,
        "{line:?}"
    );
    assert_eq!(sb.rev(&bare, "refs/heads/main"), first);

    // A failing foreign hook fails the push before ours runs.
    std::fs::write(
        &kept,
        "#!/bin/sh\ncat >/dev/null\necho foreign says no >&2\nexit 3\n",
    )
    .unwrap();
    write(&repo, ALPHA, &alpha([1, 0, 1, 0], ""));
    sb.git_ok(&repo, &["commit", "-q", "-a", "-m", "fix"]);
    let err = sb.git_fails(&repo, &["push", "-q", "origin", "main"]);
    assert!(err.contains("foreign says no"), "{err}");
    std::fs::write(&kept, &foreign).unwrap();
    let o = sb.git(&repo, &["push", "-q", "origin", "main"]);
    assert!(o.status.success(), "{}", show(&o));

    let o = sb.rs(&repo, &["uninstall"]);
    assert!(o.status.success(), "{}", show(&o));
    assert_eq!(
        std::fs::read(&hook).unwrap(),
        foreign.as_bytes(),
        "pre-push not restored byte for byte"
    );
    assert_eq!(
        std::fs::metadata(&hook).unwrap().permissions().mode() & 0o111,
        0o111,
        "restored hook not executable"
    );
    assert!(!kept.exists(), "the kept copy is still there");
    assert!(
        !repo.join(".git/hooks/pre-commit").exists(),
        "our pre-commit shim is still there"
    );
}

/// Acceptance: the binary removed after install → one warning, and the
/// commit proceeds (even a bad one: CI is the backstop).
#[test]
fn missing_binary_warns_and_commit_proceeds() {
    let mut sb = Sandbox::new();
    let bin_dir = sb.dir().join("bin-copy");
    std::fs::create_dir_all(&bin_dir).unwrap();
    let copy = bin_dir.join("reuse-surface");
    std::fs::copy(BIN, &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();

    let repo = sb.init("r", &[]);
    let o = sb.cmd(&copy, &repo).arg("install").output().unwrap();
    assert!(o.status.success(), "{}", show(&o));
    let shim = read(&repo, ".git/hooks/pre-commit");
    assert!(
        shim.contains(&*copy.canonicalize().unwrap().to_string_lossy()),
        "the shim does not record the copy:\n{shim}"
    );
    sb.git_ok(&repo, &["add", "-A"]);
    sb.git_ok(&repo, &["commit", "-q", "-m", "initial"]);
    std::fs::remove_file(&copy).unwrap();

    // PATH with git only: no reuse-surface anywhere.
    let path_dir = sb.dir().join("path-git-only");
    std::fs::create_dir_all(&path_dir).unwrap();
    let git = which("git").expect("git on PATH");
    std::os::unix::fs::symlink(&git, path_dir.join("git")).unwrap();
    sb.path = Some(path_dir.to_string_lossy().into_owned());
    // What the shim will see: git, and no reuse-surface.
    let probe = sb
        .cmd("/bin/sh", &repo)
        .args(["-c", "command -v git && ! command -v reuse-surface"])
        .output()
        .unwrap();
    assert!(
        probe.status.success(),
        "PATH is not git-only: {}",
        show(&probe)
    );

    let before = sb.rev(&repo, "HEAD");
    write(&repo, ALPHA, &bad_alpha());
    let o = sb.git(&repo, &["commit", "-q", "-a", "-m", "no binary"]);
    assert!(o.status.success(), "{}", show(&o));
    assert_ne!(sb.rev(&repo, "HEAD"), before);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one warning line:\n{err}");
    assert!(
        lines[0].contains("binary not found") && lines[0].contains("pre-commit"),
        "{err}"
    );
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
        .and_then(|p| p.canonicalize().ok())
}

/// `git commit -a` (git points `GIT_INDEX_FILE` at its lock file): the hook
/// patches the index git commits, and the real index ends up consistent.
#[test]
fn commit_all_patches_the_index_git_uses() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    // A new entry known to git (intent to add), then `commit -a`.
    write(&repo, BETA, &beta(""));
    sb.git_ok(&repo, &["add", "--intent-to-add", BETA]);
    let o = sb.git(&repo, &["commit", "-q", "-a", "-m", "beta via -a"]);
    assert!(o.status.success(), "{}", show(&o));
    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{INDEX}")]);
    assert_eq!(
        vector_of(&committed, "capability.demo.beta").as_deref(),
        Some("D2/A0/C1/R0"),
        "{committed}"
    );
    sb.git_ok(&repo, &["cat-file", "-e", &format!("HEAD:{BETA}")]);
    assert_eq!(
        sb.git_ok(&repo, &["status", "--porcelain"]),
        "",
        "status not clean after commit -a"
    );

    // And a drift staged by `-a` alone (nothing added by hand).
    write(&repo, ALPHA, &alpha([2, 0, 1, 0], ""));
    let o = sb.git(&repo, &["commit", "-q", "-a", "-m", "raise alpha via -a"]);
    assert!(o.status.success(), "{}", show(&o));
    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{INDEX}")]);
    assert_eq!(
        vector_of(&committed, "capability.demo.alpha").as_deref(),
        Some("D2/A0/C1/R0"),
        "{committed}"
    );
    assert_eq!(sb.git_ok(&repo, &["status", "--porcelain"]), "");
}

/// `git commit PATH` (a temporary index in `GIT_INDEX_FILE`): the commit
/// gets the patched index; a bad path commit is refused.
#[test]
fn commit_with_paths_patches_the_temporary_index() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    let before = sb.rev(&repo, "HEAD");
    write(&repo, ALPHA, &bad_alpha());
    let err = sb.git_fails(
        &repo,
        &["commit", "-q", "-m", "bad path commit", "--", ALPHA],
    );
    assert_unknown_relation(&err);
    assert_eq!(sb.rev(&repo, "HEAD"), before);

    write(&repo, ALPHA, &alpha([2, 0, 1, 0], ""));
    let o = sb.git(&repo, &["commit", "-q", "-m", "raise alpha", "--", ALPHA]);
    assert!(o.status.success(), "{}", show(&o));
    assert_ne!(sb.rev(&repo, "HEAD"), before);
    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{INDEX}")]);
    assert_eq!(
        vector_of(&committed, "capability.demo.alpha").as_deref(),
        Some("D2/A0/C1/R0"),
        "{committed}"
    );
    // The working tree has the synced row.
    assert_eq!(
        vector_of(&read(&repo, INDEX), "capability.demo.alpha").as_deref(),
        Some("D2/A0/C1/R0")
    );
    // Nothing the user has to clean up in the index file vs HEAD: the working
    // tree matches HEAD for the registry.
    let diff_head = sb.git_ok(&repo, &["diff", "HEAD", "--name-only"]);
    assert_eq!(
        diff_head, "",
        "working tree differs from HEAD after `commit PATH`"
    );
    assert_eq!(
        sb.git_ok(&repo, &["status", "--porcelain"]),
        "",
        "status not clean after `commit PATH`"
    );

    // A staged edit of the index file that the path commit leaves out stays
    // staged (the hook does not overwrite it in the real index).
    let noted = read(&repo, INDEX).replacen(
        "schema_version: 1\n",
        "schema_version: 1\n# staged note\n",
        1,
    );
    write(&repo, INDEX, &noted);
    sb.git_ok(&repo, &["add", INDEX]);
    write(&repo, ALPHA, &alpha([3, 0, 1, 0], ""));
    let o = sb.git(
        &repo,
        &["commit", "-q", "-m", "raise alpha again", "--", ALPHA],
    );
    assert!(o.status.success(), "{}", show(&o));
    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{INDEX}")]);
    assert_eq!(
        vector_of(&committed, "capability.demo.alpha").as_deref(),
        Some("D3/A0/C1/R0"),
        "{committed}"
    );
    assert!(!committed.contains("# staged note"), "{committed}");
    let still_staged = sb.git_ok(&repo, &["show", &format!(":{INDEX}")]);
    assert!(
        still_staged.contains("# staged note"),
        "the user's staged edit was lost:\n{still_staged}"
    );
    let worktree = read(&repo, INDEX);
    assert!(worktree.contains("# staged note"), "{worktree}");
    assert_eq!(
        vector_of(&worktree, "capability.demo.alpha").as_deref(),
        Some("D3/A0/C1/R0"),
        "{worktree}"
    );
}

/// A merge commit that concludes a conflicted merge runs the hook: a bad
/// resolution is refused, a good one gets its derived row synced.
#[test]
fn conflicted_merge_commit_runs_the_hook() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    sb.git_ok(&repo, &["checkout", "-q", "-b", "feature"]);
    write(
        &repo,
        ALPHA,
        &read(&repo, ALPHA).replace("Alpha does a thing.", "Alpha does a feature thing."),
    );
    sb.git_ok(&repo, &["commit", "-q", "-a", "-m", "feature summary"]);
    sb.git_ok(&repo, &["checkout", "-q", "main"]);
    write(
        &repo,
        ALPHA,
        &read(&repo, ALPHA).replace("Alpha does a thing.", "Alpha does a main thing."),
    );
    sb.git_ok(&repo, &["commit", "-q", "-a", "-m", "main summary"]);
    let main_head = sb.rev(&repo, "HEAD");
    let o = sb.git(&repo, &["merge", "feature"]);
    assert!(!o.status.success(), "expected a conflict:\n{}", show(&o));

    // A bad resolution: refused, still merging.
    write(&repo, ALPHA, &bad_alpha());
    sb.git_ok(&repo, &["add", ALPHA]);
    let err = sb.git_fails(&repo, &["commit", "--no-edit"]);
    assert_unknown_relation(&err);
    assert_eq!(sb.rev(&repo, "HEAD"), main_head);
    assert!(repo.join(".git/MERGE_HEAD").exists());

    // A good resolution that also raises D: the hook syncs the row into the merge commit.
    write(&repo, ALPHA, &alpha([2, 0, 1, 0], ""));
    sb.git_ok(&repo, &["add", ALPHA]);
    let o = sb.git(&repo, &["commit", "--no-edit"]);
    assert!(o.status.success(), "{}", show(&o));
    assert_eq!(
        sb.git_ok(&repo, &["rev-list", "--parents", "-n1", "HEAD"])
            .split_whitespace()
            .count(),
        3,
        "not a merge commit"
    );
    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{INDEX}")]);
    assert_eq!(
        vector_of(&committed, "capability.demo.alpha").as_deref(),
        Some("D2/A0/C1/R0"),
        "{committed}"
    );
    assert_eq!(sb.git_ok(&repo, &["status", "--porcelain"]), "");
}

/// The first commit of a repository (no HEAD): gated, and patched.
#[test]
fn first_commit_is_gated_and_patched() {
    let sb = Sandbox::new();
    let repo = sb.init("r", &[]);
    sb.install(&repo);
    write(&repo, ALPHA, &bad_alpha());
    sb.git_ok(&repo, &["add", "-A"]);
    let err = sb.git_fails(&repo, &["commit", "-q", "-m", "first"]);
    assert_unknown_relation(&err);
    assert!(
        !sb.git(&repo, &["rev-parse", "--verify", "-q", "HEAD"])
            .status
            .success(),
        "a commit was made"
    );

    write(&repo, ALPHA, &alpha([1, 0, 1, 0], ""));
    write(&repo, BETA, &beta(""));
    sb.git_ok(&repo, &["add", "-A"]);
    let o = sb.git(&repo, &["commit", "-q", "-m", "first"]);
    assert!(o.status.success(), "{}", show(&o));
    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{INDEX}")]);
    assert!(
        vector_of(&committed, "capability.demo.beta").is_some(),
        "{committed}"
    );
    assert_eq!(sb.git_ok(&repo, &["status", "--porcelain"]), "");
}

/// A signal rule from the staged `registry/config.yaml` makes an otherwise
/// unrelated path relevant (the fast path reads the config): the hook
/// appends the path to the only capability's evidence.
#[test]
fn configured_signal_rule_is_honoured() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write(
        &repo,
        "registry/config.yaml",
        "# local rules\nsignals:\n  - glob: \"examples/**\"\n    field: evidence.documentation\n",
    );
    sb.git_ok(&repo, &["add", "registry/config.yaml"]);
    sb.git_ok(&repo, &["commit", "-q", "-m", "config"]);
    write(&repo, "examples/demo.sh", "echo demo\n");
    sb.git_ok(&repo, &["add", "examples/demo.sh"]);
    let o = sb.git(&repo, &["commit", "-q", "-m", "example"]);
    assert!(o.status.success(), "{}", show(&o));
    let committed = sb.git_ok(&repo, &["show", &format!("HEAD:{ALPHA}")]);
    assert!(
        committed.contains("examples/demo.sh"),
        "the configured signal was ignored:\n{}\n{committed}",
        show(&o)
    );
    // Without the rule, the same kind of change is not relevant at all.
    write(&repo, "registry/config.yaml", "# no rules\n");
    sb.git_ok(&repo, &["commit", "-q", "-am", "drop the rule"]);
    write(&repo, "examples/other.sh", "echo other\n");
    sb.git_ok(&repo, &["add", "examples/other.sh"]);
    let o = sb.git(&repo, &["commit", "-q", "-m", "another example"]);
    assert!(o.status.success(), "{}", show(&o));
    assert_eq!(stderr(&o), "", "the fast path printed something");
    assert!(
        !sb.git_ok(&repo, &["show", &format!("HEAD:{ALPHA}")])
            .contains("examples/other.sh")
    );
}

/// A corrupt (or truncated, or valid) entry cache gives the same answers as
/// no cache: same problems, same locations, no panic.
#[test]
fn corrupt_cache_gives_the_same_answers() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    // A registry with a few entries, so the cache has something to hold.
    for i in 0..5 {
        let id = format!("capability.demo.e{i}");
        let path = format!("registry/capabilities/e{i}.md");
        write(
            &repo,
            &path,
            &entry(&id, &format!("E{i}"), [1, 0, 1, 0], ""),
        );
    }
    sb.git_ok(&repo, &["add", "-A"]);
    sb.git_ok(&repo, &["commit", "-q", "-m", "five more"]);
    // One unfixable error and one located warning, in a bad commit attempt.
    write(
        &repo,
        ALPHA,
        &alpha(
            [1, 0, 1, 0],
            "relations:\n  depends_on: [capability.demo.nope]\n",
        ),
    );
    write(
        &repo,
        "registry/capabilities/e3.md",
        &entry("capability.demo.e3", "E3", [1, 0, 1, 3], ""),
    );
    sb.git_ok(&repo, &["add", "-A"]);
    let cache = repo.join(".git/reuse-surface/entries-v3.bin");

    let attempt = |label: &str| -> String {
        let o = sb.git(&repo, &["commit", "-q", "-m", "attempt"]);
        assert!(
            !o.status.success(),
            "{label}: commit went through:\n{}",
            show(&o)
        );
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{label}: panic:\n{err}");
        err
    };
    let _ = std::fs::remove_file(&cache);
    let no_cache = attempt("no cache");
    assert_unknown_relation(&no_cache);
    assert!(
        cache.exists(),
        "the hook did not write its cache (the test would prove nothing)"
    );
    let warm = attempt("warm cache");
    assert_eq!(warm, no_cache, "a warm cache changes the answer");

    let valid = std::fs::read(&cache).unwrap();
    let garbage: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"\x00\xffnot json at all {{{".to_vec()),
        ("truncated", valid[..valid.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("wrong shape", br#"{"format": 7, "entries": []}"#.to_vec()),
        ("a directory", Vec::new()),
    ];
    for (label, bytes) in garbage {
        let _ = std::fs::remove_file(&cache);
        if label == "a directory" {
            std::fs::create_dir_all(&cache).unwrap();
        } else {
            std::fs::write(&cache, &bytes).unwrap();
        }
        let got = attempt(label);
        assert_eq!(got, no_cache, "{label}: a corrupt cache changes the answer");
        if label == "a directory" {
            std::fs::remove_dir_all(&cache).unwrap();
        }
    }
    // Fixing the error commits, with a corrupt cache in place.
    std::fs::write(&cache, b"garbage").unwrap();
    write(&repo, ALPHA, &alpha([1, 0, 1, 0], ""));
    sb.git_ok(&repo, &["add", "-A"]);
    let o = sb.git(&repo, &["commit", "-q", "-m", "fixed"]);
    assert!(o.status.success(), "{}", show(&o));
}

/// A SHA-256 repository: install, commit gate, push gate.
#[test]
fn sha256_repository() {
    let sb = Sandbox::new();
    let repo = sb.init("r", &["--object-format=sha256"]);
    assert_eq!(
        sb.git_ok(&repo, &["rev-parse", "--show-object-format"])
            .trim(),
        "sha256"
    );
    sb.install(&repo);
    write(&repo, BETA, &beta(""));
    sb.git_ok(&repo, &["add", "-A"]);
    let o = sb.git(&repo, &["commit", "-q", "-m", "first"]);
    assert!(o.status.success(), "{}", show(&o));
    assert!(
        vector_of(
            &sb.git_ok(&repo, &["show", &format!("HEAD:{INDEX}")]),
            "capability.demo.beta"
        )
        .is_some()
    );
    let good = sb.rev(&repo, "HEAD");
    assert_eq!(good.len(), 64);

    let before = good.clone();
    write(&repo, ALPHA, &bad_alpha());
    let err = sb.git_fails(&repo, &["commit", "-q", "-a", "-m", "bad"]);
    assert_unknown_relation(&err);
    assert_eq!(sb.rev(&repo, "HEAD"), before);

    let bare = sb.remote(&repo, &["--object-format=sha256"]);
    let o = sb.git(&repo, &["push", "-q", "origin", "main"]);
    assert!(o.status.success(), "{}", show(&o));
    assert_eq!(sb.rev(&bare, "refs/heads/main"), good);
    sb.git_ok(&repo, &["commit", "-q", "-a", "--no-verify", "-m", "bad"]);
    let err = sb.git_fails(&repo, &["push", "-q", "origin", "main"]);
    assert_unknown_relation(&err);
    assert_eq!(sb.rev(&bare, "refs/heads/main"), good);
    // Deleting a branch in a SHA-256 repository is not blocked.
    sb.git_ok(
        &repo,
        &["push", "-q", "--no-verify", "origin", "HEAD:refs/heads/tmp"],
    );
    let o = sb.git(&repo, &["push", "-q", "origin", ":tmp"]);
    assert!(o.status.success(), "{}", show(&o));
}

/// `establish --scaffold --hook` on an empty repository produces a registry
/// that validates and commits through the hook; a second run leaves
/// `git status` clean.
#[test]
fn establish_scaffold_hook_then_commit() {
    let sb = Sandbox::new();
    let repo = sb.dir().join("empty");
    sb.git_ok(
        sb.dir(),
        &["init", "-q", "-b", "main", repo.to_str().unwrap()],
    );
    let o = sb.rs(&repo, &["establish", "--scaffold", "--hook"]);
    assert!(o.status.success(), "{}", show(&o));
    assert!(repo.join(".git/hooks/pre-commit").exists());
    let v = sb.rs(&repo, &["validate"]);
    assert!(v.status.success(), "{}", show(&v));
    sb.git_ok(&repo, &["add", "-A"]);
    let o = sb.git(&repo, &["commit", "-q", "-m", "scaffold"]);
    assert!(o.status.success(), "{}", show(&o));
    let o = sb.rs(&repo, &["establish", "--scaffold", "--hook"]);
    assert!(o.status.success(), "{}", show(&o));
    assert_eq!(sb.git_ok(&repo, &["status", "--porcelain"]), "");
}

/// A commit that touches nothing registry-related is not slowed by a
/// registry load: it passes even when the committed registry is broken
/// (the fast path does not validate what the change did not touch).
#[test]
fn unrelated_commit_takes_the_fast_path() {
    let sb = Sandbox::new();
    let repo = sb.repo("r");
    write(&repo, ALPHA, &bad_alpha());
    sb.git_ok(
        &repo,
        &["commit", "-q", "-a", "--no-verify", "-m", "bad, bypassed"],
    );
    write(&repo, "src/x.c", "int x = 2;\n");
    let o = sb.git(&repo, &["commit", "-q", "-a", "-m", "unrelated"]);
    assert!(o.status.success(), "{}", show(&o));
    assert_eq!(stderr(&o), "", "the fast path printed something");
}
