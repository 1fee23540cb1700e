//! `validate` on a working tree nothing touched since its last clean run
//! answers from the verdict kept in the git directory (issue 11): the
//! answer must be the one a full run gives, every change the checks could
//! see must be noticed, and a missing, corrupt, foreign-version or stale
//! verdict is never trusted.

use crate::common::*;
use std::path::PathBuf;
use std::time::Duration;

const VERDICT: &str = ".git/reuse-surface/verdict-v1.bin";

/// Files written less than a second before a run are racy and keep that
/// run from saving a verdict (as git's racy-clean rule): wait them out.
fn settle() {
    std::thread::sleep(Duration::from_millis(1100));
}

fn verdict(repo: &Repo) -> PathBuf {
    repo.path(VERDICT)
}

/// A committed clean registry whose last validate kept its verdict.
fn remembered() -> Repo {
    let repo = Repo::committed();
    settle();
    let run = repo.run(&["validate"]);
    run.assert_code(0);
    assert!(verdict(&repo).is_file(), "a clean run keeps its verdict");
    repo
}

/// The output of a full run (caches off) and of a run that may recall,
/// for every format.
fn assert_same_as_full_run(repo: &Repo) {
    for format in ["text", "json", "sarif", "github"] {
        let args = ["validate", "--format", format];
        let full = repo.run_cmd(
            repo.command(BIN)
                .args(args)
                .env("REUSE_SURFACE_CACHE", "off"),
        );
        let recalled = repo.run(&args);
        assert_eq!(
            (recalled.code, &recalled.stdout),
            (full.code, &full.stdout),
            "{format}: recalled\n{}\nfull\n{}",
            recalled.show(),
            full.show()
        );
    }
}

#[test]
fn an_unchanged_tree_gets_the_full_runs_answer_in_every_format() {
    let repo = remembered();
    let before = std::fs::read(verdict(&repo)).unwrap();
    assert_same_as_full_run(&repo);
    let run = repo.run(&["validate"]);
    assert!(run.stdout.contains("ok: 3 capabilities"), "{}", run.show());
    // A recalled verdict is not rewritten.
    assert_eq!(std::fs::read(verdict(&repo)).unwrap(), before);

    // And it is what answered: the count it keeps (the byte after the
    // root's path) is what the run says.
    let root = repo.root().to_string_lossy().into_owned();
    let at = before
        .windows(root.len())
        .position(|w| w == root.as_bytes())
        .expect("the root is in the verdict")
        + root.len();
    assert_eq!(before[at], 3, "the kept count of capabilities");
    let mut doctored = before.clone();
    doctored[at] = 7;
    std::fs::write(verdict(&repo), &doctored).unwrap();
    let run = repo.run(&["validate"]);
    assert!(run.stdout.contains("ok: 7 capabilities"), "{}", run.show());

    // Another build of the binary (same version, other checks, maybe)
    // does not trust it: it checks afresh.
    let copy = repo.outside().join("reuse-surface-rebuilt");
    std::fs::copy(BIN, &copy).unwrap();
    let run = repo.run_cmd(repo.command(&copy).arg("validate"));
    assert!(run.stdout.contains("ok: 3 capabilities"), "{}", run.show());
}

#[test]
fn every_change_the_checks_can_see_is_noticed() {
    type Change = fn(&Repo);
    let changes: &[(&str, Change, &str)] = &[
        (
            "an entry edited to the same size",
            |r| r.replace(ALPHA, "status: active", "status: activx"),
            "schema",
        ),
        (
            "an evidence file deleted",
            |r| r.remove("tests/alpha_test.rs"),
            "evidence-missing",
        ),
        (
            "an entry file added",
            |r| {
                let text = r.read(BETA).replace(BETA_ID, "capability.demo.delta");
                r.write("registry/capabilities/delta.md", text);
            },
            "missing-index-row",
        ),
        (
            "an entry replaced by a symlink to a broken copy",
            |r| {
                let broken = r.read(GAMMA).replace("status: deprecated", "status: nope");
                r.write("elsewhere/gamma.md", broken);
                r.remove(GAMMA);
                r.symlink("../../elsewhere/gamma.md", GAMMA);
            },
            "schema",
        ),
        (
            "the index broken",
            |r| r.write(INDEX, "capabilities: [\n"),
            "parse-error",
        ),
        (
            "the config made invalid",
            |r| r.write(CONFIG, "checks: [\n"),
            "parse-error",
        ),
    ];
    for (what, change, check) in changes {
        let repo = remembered();
        change(&repo);
        let run = repo.validate_json(&[]);
        assert!(
            run.checks().iter().any(|c| c == check),
            "{what}: expected {check}, got {}",
            run.show()
        );
        assert!(
            !verdict(&repo).exists(),
            "{what}: a run with problems forgets the verdict"
        );
        assert_same_as_full_run(&repo);
    }
}

#[test]
fn a_missing_corrupt_or_foreign_verdict_is_never_trusted() {
    let repo = remembered();
    let good = std::fs::read(verdict(&repo)).unwrap();
    let foreign = {
        let mut bytes = good.clone();
        let at = bytes
            .windows(10)
            .position(|w| w == b"verdict-1/")
            .expect("the format is in the file");
        bytes[at + 8] = b'9';
        bytes
    };
    let mut truncated = good.clone();
    truncated.truncate(good.len() / 2);
    let cases: Vec<(&str, Option<Vec<u8>>)> = vec![
        ("missing", None),
        ("garbage", Some(b"\xff\x00 not a verdict".to_vec())),
        ("truncated", Some(truncated)),
        ("another version's", Some(foreign)),
    ];
    for (what, bytes) in cases {
        match &bytes {
            Some(b) => std::fs::write(verdict(&repo), b).unwrap(),
            None => std::fs::remove_file(verdict(&repo)).unwrap(),
        }
        let run = repo.run(&["validate"]);
        assert!(
            run.stdout.contains("ok: 3 capabilities"),
            "{what}: {}",
            run.show()
        );
        // Ignored, so the run read and checked everything and kept a
        // verdict of its own in place of the bad one.
        let now = std::fs::read(verdict(&repo)).unwrap();
        assert!(
            Some(&now) != bytes.as_ref() && now.windows(10).any(|w| w == b"verdict-1/"),
            "{what}: the full run did not replace the verdict"
        );
    }
    // A stale verdict (the tree changed since) is not trusted either.
    repo.replace(BETA, "status: experimental", "status: bogus!");
    let run = repo.validate_json(&[]);
    assert!(
        run.checks().contains(&"schema".to_string()),
        "{}",
        run.show()
    );
}

#[test]
fn a_file_changed_right_after_a_run_is_not_vouched_for_by_its_stat_data() {
    let repo = Repo::committed();
    // Written just now: racy, so no verdict is kept.
    let run = repo.run(&["validate"]);
    run.assert_code(0);
    assert!(
        !verdict(&repo).exists(),
        "a run reading files changed within the racy window keeps no verdict"
    );
    settle();
    repo.run(&["validate"]).assert_code(0);
    assert!(verdict(&repo).is_file());
}

#[test]
fn no_verdict_is_kept_outside_a_git_repository_or_when_caching_is_off() {
    let repo = Repo::with_registry();
    settle();
    repo.run(&["validate"]).assert_code(0);
    assert!(!repo.path(".git").exists() && !repo.path("registry/.git").exists());
    let found: Vec<_> = walk(repo.root())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("verdict"))
        .collect();
    assert!(found.is_empty(), "{found:?}");

    let repo = Repo::committed();
    settle();
    repo.run_cmd(
        repo.command(BIN)
            .arg("validate")
            .env("REUSE_SURFACE_CACHE", "off"),
    )
    .assert_code(0);
    assert!(!verdict(&repo).exists());
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// The entries `validate` parsed come out of the cache keyed by stat data
/// on the next run; with every check firing the answer is the full run's,
/// in every format, problems located in cached entries included.
#[test]
fn cached_entries_give_the_full_runs_answer_with_every_check_firing() {
    let repo = Repo::committed();
    crate::one_target::every_check_fires(&repo);
    settle();
    let first = repo.validate_json(&[]);
    first.assert_code(1);
    let cache = repo.path(".git/reuse-surface/worktree-entries-v3.bin");
    let cached = reuse_surface::target::cache::BlobCache::count_records(
        &std::fs::read(&cache).expect("validate keeps a cache of the entries it parsed"),
    )
    .expect("the cache file is one this build reads");
    // Entries without problems of their own are kept: most of them.
    assert!(cached >= 8, "only {cached} entries cached");
    assert_same_as_full_run(&repo);
    // An entry edited since is read again, not taken from the cache.
    repo.replace(BETA, "status: experimental", "status: bogus!");
    assert_same_as_full_run(&repo);
    let run = repo.validate_json(&[]);
    assert!(
        run.problems()
            .iter()
            .any(|p| p["file"] == BETA && p["check"] == "schema"),
        "{}",
        run.show()
    );
}
