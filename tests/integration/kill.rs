//! SIGKILL at random moments (issue 13, items 12 and 18): `update --apply`
//! and `hook pre-commit` are killed mid-run, a bounded number of times
//! within a bounded time, and after every kill each file is byte-identical
//! to its old or its new version, no temporary is in the work tree, the
//! next run leaves no temporary anywhere, and `git fsck` is clean. The
//! kills that landed mid-write (a temporary existed, or some files were
//! new and others old) are counted, with a floor, so the test cannot pass
//! by always killing too early or too late. `KILL_SEED=N` replays a run.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// Entries in the generated registry: each one a file the batch rewrites.
const ENTRIES: usize = 60;
const KILLS: usize = 20;
/// Per program: the loop stops early (and says so) past this.
const TIME_LIMIT: Duration = Duration::from_secs(60);

fn seed() -> u64 {
    seed_from_env("KILL_SEED")
}

fn entry_path(i: usize) -> String {
    format!("registry/capabilities/e{i}.md")
}

/// `ENTRIES` capabilities; every one but the first depends on the first
/// through its alias (so `update --apply` rewrites every entry), and each
/// owns `src/e{i}/**` (so a staged test there is a patch to that entry).
fn big_registry(repo: &Repo) {
    let mut rows = String::new();
    for i in 0..ENTRIES {
        let (aliases, relations) = if i == 0 {
            ("aliases: [capability.k.first]\n", String::new())
        } else {
            (
                "",
                "relations:\n  depends_on: [capability.k.first]\n".to_string(),
            )
        };
        repo.write(
            &entry_path(i),
            format!(
                "---\nid: capability.k.e{i}\ntitle: E{i}\nstatus: active\n{aliases}surface: [\"src/e{i}/**\"]\n\
                 maturity:\n  D: {{current: 0}}\n  A: {{current: 0}}\n  C: {{current: 0}}\n  R: {{current: 0}}\n\
                 {relations}updated: 2026-01-01\n---\nBody of e{i}, {}\n",
                "padding ".repeat(200)
            ),
        );
        rows.push_str(&format!(
            "  - id: capability.k.e{i}\n    title: E{i}\n    status: active\n    vector: D0/A0/C0/R0\n    path: {}\n",
            entry_path(i)
        ));
    }
    repo.write(
        INDEX,
        format!("schema_version: 1\nupdated: 2026-01-01\ncapabilities:\n{rows}"),
    );
}

/// Every registry file's bytes.
fn snapshot(repo: &Repo) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for i in 0..ENTRIES {
        out.insert(entry_path(i), repo.read_bytes(&entry_path(i)));
    }
    out.insert(INDEX.to_string(), repo.read_bytes(INDEX));
    out
}

/// Our temporaries: in the work tree (never allowed) and in the git dir.
fn temporaries(repo: &Repo) -> (Vec<String>, Vec<String>) {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name == ".git" {
                continue;
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&e.path(), out);
            } else if name.contains(".reuse-surface-") {
                out.push(e.path().display().to_string());
            }
        }
    }
    let mut in_tree = Vec::new();
    walk(repo.root(), &mut in_tree);
    let in_git = std::fs::read_dir(repo.path(".git/reuse-surface/tmp"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    (in_tree, in_git)
}

/// How a tree compares with the old and new versions: `Err` names a file
/// that is neither; `Ok(true)` when old and new files are mixed.
fn compare(
    now: &BTreeMap<String, Vec<u8>>,
    old: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
) -> Result<bool, String> {
    let (mut olds, mut news) = (0, 0);
    for (path, bytes) in now {
        if old[path] == new[path] {
            if bytes != &old[path] {
                return Err(path.clone());
            }
        } else if bytes == &new[path] {
            news += 1;
        } else if bytes == &old[path] {
            olds += 1;
        } else {
            return Err(path.clone());
        }
    }
    Ok(olds > 0 && news > 0)
}

/// Wait (bounded) for a git child the killed process left running.
fn wait_for_index_lock(repo: &Repo) {
    let until = Instant::now() + Duration::from_secs(5);
    while repo.exists(".git/index.lock") && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// One program under the kill loop: how to prepare its input, run it, and
/// read the files it writes.
struct Subject<'a> {
    args: &'a [&'a str],
    prepare: &'a dyn Fn(&Repo),
    files: &'a dyn Fn(&Repo) -> BTreeMap<String, Vec<u8>>,
}

/// Kill `subject` up to `KILLS` times at random moments (fewer when the
/// time limit comes first); returns (kills, how many landed mid-write).
fn kill_loop(repo: &Repo, subject: &Subject, rng: &mut Rng, seed: u64) -> (usize, usize) {
    let reset = |repo: &Repo| {
        repo.git(&["reset", "-q", "--hard"]);
        repo.git(&["clean", "-q", "-fd"]);
        (subject.prepare)(repo);
    };
    reset(repo);
    let old = (subject.files)(repo);
    let started = Instant::now();
    repo.run(subject.args).assert_code(0);
    let full = started.elapsed();
    let new = (subject.files)(repo);
    assert_ne!(old, new, "the run changed nothing");
    let ctx = |what: &str| format!("{what} (seed {seed}, KILL_SEED={seed} replays it)");
    let begun = Instant::now();
    let mut mid_write = 0;
    let mut kills = 0;
    for kill in 0..KILLS {
        if begun.elapsed() > TIME_LIMIT {
            eprintln!("{}", ctx(&format!("time limit reached after {kill} kills")));
            break;
        }
        kills += 1;
        reset(repo);
        let mut child = repo
            .command(BIN)
            .args(subject.args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Every other kill waits for the first temporary to appear, so
        // some land in the short write phase however long the rest takes.
        let delay = if kill % 2 == 0 {
            Duration::from_micros(rng.below(full.as_micros() as u64 * 11 / 10))
        } else {
            let until = Instant::now() + full * 2;
            let tmp = repo.path(".git/reuse-surface/tmp");
            let mut seen = false;
            while !seen && Instant::now() < until {
                seen = std::fs::read_dir(&tmp).is_ok_and(|mut d| d.next().is_some());
            }
            Duration::from_micros(rng.below(500))
        };
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        wait_for_index_lock(repo);
        let (in_tree, in_git) = temporaries(repo);
        assert!(
            in_tree.is_empty(),
            "{}: {in_tree:?}",
            ctx("temporaries in the work tree")
        );
        let mixed = compare(&(subject.files)(repo), &old, &new)
            .unwrap_or_else(|path| panic!("{}: {path}", ctx("a torn file")));
        if mixed || !in_git.is_empty() {
            mid_write += 1;
        }
        // The next run completes and leaves no temporary anywhere.
        let next = repo.run(subject.args);
        assert_eq!(
            next.code,
            0,
            "{}\n{}",
            ctx("the next run failed"),
            next.show()
        );
        let (in_tree, in_git) = temporaries(repo);
        assert!(
            in_tree.is_empty() && in_git.is_empty(),
            "{} after kill {kill}: {in_tree:?} {in_git:?}",
            ctx("temporaries left by the next run")
        );
        compare(&(subject.files)(repo), &old, &new)
            .unwrap_or_else(|path| panic!("{}: {path}", ctx("a torn file after the next run")));
        let fsck = git_output_at(&repo.home(), repo.root(), &["fsck", "--no-progress"]);
        assert!(fsck.status.success(), "{}", ctx("git fsck failed"));
    }
    (kills, mid_write)
}

#[test]
fn sigkill_during_update_apply_and_the_hook() {
    let seed = seed();
    let mut rng = Rng(seed);
    let repo = Repo::new();
    big_registry(&repo);
    repo.git_init();
    repo.commit_all("a big registry");
    let update = Subject {
        args: &["update", "--apply"],
        prepare: &|_| {},
        files: &snapshot,
    };
    let (update_kills, updates) = kill_loop(&repo, &update, &mut rng, seed);
    // The hook: one staged test per capability, so every entry is patched,
    // in the index and in the work tree.
    let staged_and_disk = |repo: &Repo| {
        let mut out = snapshot(repo);
        let listed = repo.git(&["ls-files", "-s", "registry/capabilities"]);
        for line in listed.lines() {
            let (meta, path) = line.split_once('\t').expect("ls-files -s");
            out.insert(format!("index:{path}"), meta.as_bytes().to_vec());
        }
        out
    };
    let stage_tests = |repo: &Repo| {
        for i in 0..ENTRIES {
            repo.write(&format!("src/e{i}/tests/t_test.rs"), "#[test]\nfn t() {}\n");
        }
        repo.git(&["add", "src"]);
    };
    // The hook's new state and old state both have to count, so the loop
    // compares staged blobs and the work tree together.
    let hook = Subject {
        args: &["hook", "pre-commit"],
        prepare: &stage_tests,
        files: &staged_and_disk,
    };
    let (hook_kills, hooks) = kill_loop(&repo, &hook, &mut rng, seed);
    eprintln!(
        "kill test (seed {seed}): {updates}/{update_kills} update kills and \
         {hooks}/{hook_kills} hook kills landed mid-write"
    );
    assert!(
        update_kills >= KILLS / 2 && hook_kills >= KILLS / 2,
        "too few kills in the time limit"
    );
    // Half the kills wait for the write phase; most of those must hit it.
    let floor = KILLS / 5;
    assert!(
        updates >= floor && hooks >= floor,
        "too few kills landed mid-write ({updates}/{update_kills} and {hooks}/{hook_kills}, \
         floor {floor}; seed {seed})"
    );
}
