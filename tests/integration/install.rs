//! `install` / `uninstall` and the hook shims, driven through the real `git`
//! binary in temporary repositories.
//!
//! git is isolated from the user's configuration: each test runs in a child
//! process (`support::isolated_git`) whose `HOME` is a fresh directory,
//! `GIT_CONFIG_NOSYSTEM=1`, and the identity comes from the environment.
//! That `HOME`'s `.gitconfig` sets a global
//! `core.hooksPath` only for repositories under `global-scope/` (through
//! `includeIf`), so the global-hooksPath tests do not disturb the others.

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use reuse_surface::install::{self, HOOKS, InstallOptions, KEPT_DIR, KEPT_SUFFIX, MARKER};
use tempfile::TempDir;

use crate::common::{git_at, git_output_at};
use crate::support::isolated_git::{self, home};

const ATTR_LINE: &str = "registry/indexes/*.yaml merge=reuse-surface";

/// The isolated HOME's `.gitconfig` sets a global `core.hooksPath` only
/// for repositories under `global-scope/` (through `includeIf`).
fn global_scope(base: &Path) {
    fs::create_dir_all(base.join("global-scope")).unwrap();
    fs::create_dir_all(base.join("global-hooks")).unwrap();
    fs::write(
        base.join(".gitconfig"),
        format!(
            "[includeIf \"gitdir:{}/global-scope/\"]\n\tpath = {}/global-scope.inc\n",
            base.display(),
            base.display()
        ),
    )
    .unwrap();
    fs::write(
        base.join("global-scope.inc"),
        format!("[core]\n\thooksPath = {}/global-hooks\n", base.display()),
    )
    .unwrap();
}

/// A fresh repository (branch `main`) inside `parent`.
fn init_repo(parent: &Path, name: &str) -> PathBuf {
    let dir = parent.join(name);
    fs::create_dir_all(&dir).unwrap();
    git_at(&home(), &dir, &["init", "-q", "-b", "main"]);
    dir
}

fn new_repo() -> (TempDir, PathBuf) {
    let tmp = TempDir::new().unwrap();
    let repo = init_repo(tmp.path(), "repo");
    (tmp, repo)
}

fn commit_file(repo: &Path, file: &str, content: &str) {
    fs::write(repo.join(file), content).unwrap();
    git_at(&home(), repo, &["add", file]);
    git_at(
        &home(),
        repo,
        &["commit", "-q", "-m", &format!("add {file}")],
    );
}

fn write_exec(path: &Path, content: &[u8], mode: u32) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// A script recording its arguments (one per line, after their count) to
/// `<record>.args` and its stdin to `<record>.stdin`, then exiting `status`.
fn recorder(path: &Path, record: &Path, status: i32) {
    let script = format!(
        "#!/bin/sh\nPATH=/usr/bin:/bin\nprintf '%s\\n' \"$#\" \"$@\" > '{r}.args'\ncat > '{r}.stdin'\nexit {status}\n",
        r = record.display()
    );
    write_exec(path, script.as_bytes(), 0o755);
}

fn recorded_args(record: &Path) -> Option<Vec<String>> {
    let text = fs::read_to_string(record.with_extension("args")).ok()?;
    let mut lines = text.lines();
    let count: usize = lines.next()?.parse().ok()?;
    let args: Vec<String> = lines.map(str::to_string).collect();
    assert_eq!(args.len(), count, "recorded argument count");
    Some(args)
}

fn recorded_stdin(record: &Path) -> Vec<u8> {
    fs::read(record.with_extension("stdin")).unwrap()
}

fn run_install(repo: &Path, force: bool, binary: &Path) -> reuse_surface::Result<String> {
    let mut out = Vec::new();
    let opts = InstallOptions {
        force,
        ..Default::default()
    };
    install::install_with_binary(repo, &opts, binary, &mut out)?;
    Ok(String::from_utf8(out).unwrap())
}

fn run_uninstall(repo: &Path) -> reuse_surface::Result<String> {
    let mut out = Vec::new();
    install::uninstall(repo, &mut out)?;
    Ok(String::from_utf8(out).unwrap())
}

fn hooks_dir(repo: &Path) -> PathBuf {
    repo.join(".git/hooks")
}

/// Runs an installed shim directly, with a clean hook environment.
fn run_shim(shim: &Path, args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(shim);
    cmd.args(args)
        .env_remove("REUSE_SURFACE_BIN")
        .env_remove("REUSE_SURFACE_SKIP")
        .env("PATH", "/usr/bin:/bin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run the shim");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// Every file of a directory (recursively) with its bytes and mode.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, u32)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.clone(), fs::read(&path).unwrap(), mode(&path)));
            }
        }
    }
    files.sort();
    files
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn expect_usage(result: reuse_surface::Result<String>) -> String {
    match result {
        Err(e @ reuse_surface::Error::Usage(_)) => {
            assert_eq!(e.exit_code(), 2);
            e.to_string()
        }
        Err(other) => panic!("expected a usage error, got {other:?}"),
        Ok(out) => panic!("expected a refusal, got success:\n{out}"),
    }
}

const ZERO: &str = "0000000000000000000000000000000000000000";

#[test]
fn embedded_shims_carry_the_marker_the_placeholder_and_parse_as_sh() {
    isolated_git::run(global_scope, || {
        let names: Vec<&str> = HOOKS.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            ["pre-commit", "pre-push", "post-merge", "post-rewrite"]
        );
        for (name, text) in HOOKS {
            assert!(text.starts_with("#!/bin/sh\n"), "{name} shebang");
            assert!(text.lines().any(|l| l == MARKER), "{name} marker");
            assert_eq!(
                text.lines()
                    .filter(|l| *l == install::BIN_PLACEHOLDER_LINE)
                    .count(),
                1,
                "{name} placeholder line"
            );
            assert!(
                text.contains(&format!("RS_HOOK={name}\n")),
                "{name} names itself"
            );
            let on_disk = fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("hooks")
                    .join(name),
            )
            .unwrap();
            assert_eq!(&on_disk, text);
            for shell in ["/bin/sh", "/usr/bin/dash", "/bin/bash"] {
                if !Path::new(shell).exists() {
                    continue;
                }
                let out = Command::new(shell)
                    .arg("-n")
                    .arg(
                        Path::new(env!("CARGO_MANIFEST_DIR"))
                            .join("hooks")
                            .join(name),
                    )
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{shell} -n {name}: {}", stderr(&out));
            }
        }
    });
}

#[test]
fn install_writes_executable_shims_the_merge_driver_and_gitattributes() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        // A path needing quotes, to prove the recorded path survives the shell.
        let bin = tmp.path().join("bin dir/it's 100%A here/reuse-surface");
        let record = tmp.path().join("bin-record");
        recorder(&bin, &record, 0);

        let out = run_install(&repo, false, &bin).unwrap();
        for (name, _) in HOOKS {
            assert!(
                out.contains(&format!("installed {name}\n")),
                "report names {name}:\n{out}"
            );
            let shim = hooks_dir(&repo).join(name);
            let text = fs::read_to_string(&shim).unwrap();
            assert!(
                text.lines().any(|l| l == MARKER),
                "{name} carries the marker"
            );
            assert_eq!(mode(&shim), 0o755, "{name} is executable");
            assert!(
                !text.contains(install::BIN_PLACEHOLDER_LINE),
                "{name} has the path filled in"
            );

            // The recorded path is found with no REUSE_SURFACE_BIN and nothing on PATH.
            let _ = fs::remove_file(record.with_extension("args"));
            let empty = tmp.path().join("empty-path");
            fs::create_dir_all(&empty).unwrap();
            let ran = run_shim(
                &shim,
                &["x y", "z"],
                b"",
                &[("PATH", empty.to_str().unwrap())],
            );
            assert!(ran.status.success(), "{name}: {}", stderr(&ran));
            assert_eq!(
                recorded_args(&record).expect("binary ran"),
                ["hook", name, "x y", "z"],
                "{name} passes its arguments"
            );
        }

        let driver = git_at(
            &home(),
            &repo,
            &["config", "--local", "--get", "merge.reuse-surface.driver"],
        );
        let recorded = install::recorded_binary(std::ffi::OsStr::new(driver.trim_end()));
        assert_eq!(recorded.unwrap(), bin, "{driver}");
        let name = git_at(
            &home(),
            &repo,
            &["config", "--local", "--get", "merge.reuse-surface.name"],
        );
        assert!(!name.trim().is_empty());
        assert_eq!(
            fs::read_to_string(repo.join(".gitattributes")).unwrap(),
            format!("{ATTR_LINE}\n")
        );
        let attr = git_at(
            &home(),
            &repo,
            &[
                "check-attr",
                "merge",
                "--",
                "registry/indexes/capabilities.yaml",
            ],
        );
        assert_eq!(
            attr.trim_end(),
            "registry/indexes/capabilities.yaml: merge: reuse-surface"
        );
        assert!(out.contains("registered merge driver"), "{out}");
        assert!(out.contains(".gitattributes"), "{out}");

        // git calls the registered driver for a conflicting index merge.
        let index = "registry/indexes/capabilities.yaml";
        fs::create_dir_all(repo.join("registry/indexes")).unwrap();
        commit_file(&repo, index, "capabilities: []\n");
        git_at(&home(), &repo, &["checkout", "-q", "-b", "other"]);
        commit_file(&repo, index, "capabilities: [b]\n");
        git_at(&home(), &repo, &["checkout", "-q", "main"]);
        commit_file(&repo, index, "capabilities: [a]\n");
        let _ = fs::remove_file(record.with_extension("args"));
        // The hooks stay out of it (post-merge would record over the driver's
        // call); the recorder exits 0 and leaves %A as it is, so ours is kept.
        let merge = Command::new("git")
            .args(["merge", "-q", "--no-verify", "-m", "merge", "other"])
            .current_dir(&repo)
            .env("REUSE_SURFACE_SKIP", "all")
            .output()
            .unwrap();
        assert!(merge.status.success(), "{}", stderr(&merge));
        let args = recorded_args(&record).expect("the merge driver ran");
        assert_eq!(args[0], "merge-driver", "{args:?}");
        assert_eq!(args.len(), 6, "{args:?}");
        assert_eq!(args[4], "7", "conflict marker size");
        assert_eq!(args[5], index);
    });
}

#[test]
fn second_install_changes_nothing_and_says_so() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        let bin = tmp.path().join("reuse-surface");
        recorder(&bin, &tmp.path().join("rec"), 0);
        run_install(&repo, false, &bin).unwrap();
        let before = snapshot(&repo.join(".git"));
        let attrs = fs::read(repo.join(".gitattributes")).unwrap();

        let out = run_install(&repo, false, &bin).unwrap();
        assert_eq!(
            snapshot(&repo.join(".git")),
            before,
            "the git dir is byte-identical"
        );
        assert_eq!(fs::read(repo.join(".gitattributes")).unwrap(), attrs);
        for (name, _) in HOOKS {
            assert!(out.contains(&format!("{name} already installed")), "{out}");
        }
        assert!(out.contains("merge driver already registered"), "{out}");
        assert!(out.contains("nothing to do"), "{out}");
        assert!(
            !out.lines()
                .any(|l| l.starts_with("installed ") || l.starts_with("updated ")),
            "{out}"
        );
    });
}

#[test]
fn install_from_another_binary_updates_our_shims() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        let old = tmp.path().join("old/reuse-surface");
        let new = tmp.path().join("new/reuse-surface");
        recorder(&old, &tmp.path().join("old-rec"), 0);
        recorder(&new, &tmp.path().join("new-rec"), 0);
        run_install(&repo, false, &old).unwrap();
        let out = run_install(&repo, false, &new).unwrap();
        assert!(out.contains("updated pre-commit"), "{out}");
        assert!(out.contains("registered merge driver"), "{out}");
        let shim = fs::read_to_string(hooks_dir(&repo).join("pre-commit")).unwrap();
        assert!(
            shim.contains(&format!("RS_BIN_AT_INSTALL='{}'", new.display())),
            "{shim}"
        );
        let driver = git_at(
            &home(),
            &repo,
            &["config", "--get", "merge.reuse-surface.driver"],
        );
        assert_eq!(
            install::recorded_binary(std::ffi::OsStr::new(driver.trim_end())).unwrap(),
            new,
            "{driver}"
        );
    });
}

#[test]
fn foreign_pre_push_is_refused_without_force_and_nothing_is_written() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        let bin = tmp.path().join("reuse-surface");
        recorder(&bin, &tmp.path().join("rec"), 0);
        let foreign = b"#!/bin/sh\ncommand -v git-lfs >/dev/null && git lfs pre-push \"$@\"\n";
        write_exec(&hooks_dir(&repo).join("pre-push"), foreign, 0o750);
        let config_before = fs::read(repo.join(".git/config")).unwrap();

        let msg = expect_usage(run_install(&repo, false, &bin));
        assert!(msg.contains("pre-push") && msg.contains("--force"), "{msg}");
        assert!(
            !msg.contains("pre-commit"),
            "only the foreign hook is listed: {msg}"
        );
        assert_eq!(
            fs::read(hooks_dir(&repo).join("pre-push")).unwrap(),
            foreign
        );
        assert_eq!(mode(&hooks_dir(&repo).join("pre-push")), 0o750);
        assert!(
            !hooks_dir(&repo).join("pre-commit").exists(),
            "no shim written"
        );
        assert!(
            !hooks_dir(&repo).join("post-merge").exists(),
            "no shim written"
        );
        assert!(
            !hooks_dir(&repo)
                .join(format!("pre-push{KEPT_SUFFIX}"))
                .exists()
        );
        assert!(!repo.join(".gitattributes").exists());
        assert_eq!(
            fs::read(repo.join(".git/config")).unwrap(),
            config_before,
            "config untouched"
        );
    });
}

#[test]
fn foreign_pre_push_is_kept_with_force_and_restored_byte_for_byte_by_uninstall() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        let bin = tmp.path().join("reuse-surface");
        recorder(&bin, &tmp.path().join("rec"), 0);
        // CRLF, no final newline, a non-UTF-8 byte, an unusual mode.
        let foreign: &[u8] = b"#!/bin/sh\r\n# lfs \xff hook\r\nexit 0";
        let pre_push = hooks_dir(&repo).join("pre-push");
        let kept = hooks_dir(&repo).join(KEPT_DIR).join("pre-push");
        write_exec(&pre_push, foreign, 0o750);

        let out = run_install(&repo, true, &bin).unwrap();
        assert!(
            out.contains("kept foreign pre-push as reuse-surface-kept/pre-push"),
            "{out}"
        );
        assert!(out.contains("installed pre-commit"), "{out}");
        assert_eq!(fs::read(&kept).unwrap(), foreign);
        assert_eq!(mode(&kept), 0o750);
        assert!(fs::read_to_string(&pre_push).unwrap().contains(MARKER));

        // Re-installing with --force over our own shim keeps the kept hook as is.
        let again = run_install(&repo, true, &bin).unwrap();
        assert!(again.contains("nothing to do"), "{again}");
        assert!(
            again.contains("pre-push already installed (runs the kept"),
            "{again}"
        );
        assert_eq!(fs::read(&kept).unwrap(), foreign);

        let out = run_uninstall(&repo).unwrap();
        assert!(out.contains("restored pre-push"), "{out}");
        assert_eq!(fs::read(&pre_push).unwrap(), foreign, "byte-identical");
        assert_eq!(mode(&pre_push), 0o750, "mode preserved");
        assert!(!kept.exists());
        assert!(!hooks_dir(&repo).join("pre-commit").exists());
        assert!(!hooks_dir(&repo).join("post-merge").exists());
        let driver = git_output_at(
            &home(),
            &repo,
            &["config", "--get", "merge.reuse-surface.driver"],
        );
        assert_eq!(driver.status.code(), Some(1), "merge driver removed");
        assert!(out.contains("removed merge driver"), "{out}");
        // .gitattributes is shared through the repository: left as is, and said so.
        assert_eq!(
            fs::read_to_string(repo.join(".gitattributes")).unwrap(),
            format!("{ATTR_LINE}\n")
        );
        assert!(
            out.contains("left `registry/indexes/*.yaml merge=reuse-surface` in .gitattributes"),
            "{out}"
        );

        let twice = run_uninstall(&repo).unwrap();
        assert!(twice.contains("nothing to do"), "{twice}");
        assert_eq!(fs::read(&pre_push).unwrap(), foreign);
    });
}

#[test]
fn a_taken_kept_name_is_refused_even_with_force() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        let bin = tmp.path().join("reuse-surface");
        recorder(&bin, &tmp.path().join("rec"), 0);
        let pre_push = hooks_dir(&repo).join("pre-push");
        let kept = hooks_dir(&repo).join(format!("pre-push{KEPT_SUFFIX}"));
        write_exec(&pre_push, b"#!/bin/sh\necho mine\n", 0o755);
        write_exec(&kept, b"#!/bin/sh\necho older\n", 0o755);

        let msg = expect_usage(run_install(&repo, true, &bin));
        assert!(msg.contains("pre-push.pre-reuse-surface"), "{msg}");
        assert_eq!(fs::read(&pre_push).unwrap(), b"#!/bin/sh\necho mine\n");
        assert_eq!(fs::read(&kept).unwrap(), b"#!/bin/sh\necho older\n");
        assert!(!hooks_dir(&repo).join("pre-commit").exists());
        assert!(!repo.join(".gitattributes").exists());
    });
}

#[test]
fn uninstall_never_deletes_a_hook_without_our_marker() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        let bin = tmp.path().join("reuse-surface");
        recorder(&bin, &tmp.path().join("rec"), 0);
        run_install(&repo, false, &bin).unwrap();
        // The user replaces our pre-commit with their own afterwards.
        let theirs = b"#!/bin/sh\necho theirs\n";
        write_exec(&hooks_dir(&repo).join("pre-commit"), theirs, 0o700);

        let out = run_uninstall(&repo).unwrap();
        assert!(out.contains("left pre-commit alone"), "{out}");
        assert_eq!(
            fs::read(hooks_dir(&repo).join("pre-commit")).unwrap(),
            theirs
        );
        assert_eq!(mode(&hooks_dir(&repo).join("pre-commit")), 0o700);
        assert!(
            !hooks_dir(&repo).join("pre-push").exists(),
            "our pre-push removed"
        );
        assert!(
            !hooks_dir(&repo).join("post-merge").exists(),
            "our post-merge removed"
        );
    });
}

#[test]
fn the_shim_replays_args_and_stdin_to_the_kept_hook_then_to_the_binary() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        let bin = tmp.path().join("reuse-surface");
        let bin_record = tmp.path().join("bin-record");
        recorder(&bin, &bin_record, 0);
        let foreign_record = tmp.path().join("foreign-record");
        recorder(&hooks_dir(&repo).join("pre-push"), &foreign_record, 0);
        run_install(&repo, true, &bin).unwrap();

        let oid = "1234567890abcdef1234567890abcdef12345678";
        let refs = format!(
            "refs/heads/main {oid} refs/heads/main {ZERO}\nrefs/tags/v1 {oid} refs/tags/v1 {ZERO}\n"
        );
        let out = run_shim(
            &hooks_dir(&repo).join("pre-push"),
            &["origin", "/srv/remote.git"],
            refs.as_bytes(),
            &[],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            recorded_args(&foreign_record).unwrap(),
            ["origin", "/srv/remote.git"]
        );
        assert_eq!(recorded_stdin(&foreign_record), refs.as_bytes());
        assert_eq!(
            recorded_args(&bin_record).unwrap(),
            ["hook", "pre-push", "origin", "/srv/remote.git"]
        );
        assert_eq!(
            recorded_stdin(&bin_record),
            refs.as_bytes(),
            "the binary gets the same bytes"
        );
    });
}

#[test]
fn a_failing_kept_hook_fails_the_shim_before_the_binary_runs() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        let bin = tmp.path().join("reuse-surface");
        let bin_record = tmp.path().join("bin-record");
        recorder(&bin, &bin_record, 0);
        recorder(
            &hooks_dir(&repo).join("pre-push"),
            &tmp.path().join("foreign-record"),
            3,
        );
        run_install(&repo, true, &bin).unwrap();

        let out = run_shim(
            &hooks_dir(&repo).join("pre-push"),
            &["origin", "url"],
            b"x\n",
            &[],
        );
        assert_eq!(out.status.code(), Some(3), "the kept hook's status");
        assert!(
            recorded_args(&bin_record).is_none(),
            "the binary did not run"
        );
    });
}

#[test]
fn git_push_runs_the_kept_pre_push_with_the_ref_lines() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        let remote = tmp.path().join("remote.git");
        git_at(
            &home(),
            tmp.path(),
            &["init", "-q", "--bare", remote.to_str().unwrap()],
        );
        git_at(
            &home(),
            &repo,
            &["remote", "add", "origin", remote.to_str().unwrap()],
        );
        commit_file(&repo, "a.txt", "a\n");
        let bin = tmp.path().join("reuse-surface");
        let bin_record = tmp.path().join("bin-record");
        recorder(&bin, &bin_record, 0);
        let foreign_record = tmp.path().join("foreign-record");
        recorder(&hooks_dir(&repo).join("pre-push"), &foreign_record, 0);
        run_install(&repo, true, &bin).unwrap();

        git_at(&home(), &repo, &["push", "-q", "origin", "main"]);
        let head = git_at(&home(), &repo, &["rev-parse", "HEAD"]);
        let expected = format!("refs/heads/main {} refs/heads/main {ZERO}\n", head.trim());
        assert_eq!(
            String::from_utf8(recorded_stdin(&foreign_record)).unwrap(),
            expected
        );
        assert_eq!(
            recorded_args(&foreign_record).unwrap(),
            ["origin", remote.to_str().unwrap()]
        );
        assert_eq!(
            String::from_utf8(recorded_stdin(&bin_record)).unwrap(),
            expected
        );
        assert_eq!(
            recorded_args(&bin_record).unwrap(),
            ["hook", "pre-push", "origin", remote.to_str().unwrap()]
        );
    });
}

#[test]
fn git_commit_runs_the_pre_commit_shim_and_its_failure_refuses_the_commit() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        commit_file(&repo, "a.txt", "a\n");
        let failing = tmp.path().join("failing/reuse-surface");
        let record = tmp.path().join("failing-record");
        recorder(&failing, &record, 1);
        run_install(&repo, false, &failing).unwrap();
        let head = git_at(&home(), &repo, &["rev-parse", "HEAD"]);

        fs::write(repo.join("b.txt"), "b\n").unwrap();
        git_at(&home(), &repo, &["add", "b.txt"]);
        let refused = git_output_at(&home(), &repo, &["commit", "-q", "-m", "b"]);
        assert!(!refused.status.success(), "the commit is refused");
        assert_eq!(
            git_at(&home(), &repo, &["rev-parse", "HEAD"]),
            head,
            "HEAD unchanged"
        );
        assert_eq!(recorded_args(&record).unwrap(), ["hook", "pre-commit"]);

        let skipped = Command::new("git")
            .args(["commit", "-q", "-m", "b"])
            .current_dir(&repo)
            .env("REUSE_SURFACE_SKIP", "1")
            .output()
            .unwrap();
        assert!(skipped.status.success(), "{}", stderr(&skipped));
        assert_eq!(
            stderr(&skipped),
            "reuse-surface: pre-commit skipped (REUSE_SURFACE_SKIP)\n"
        );
        assert_ne!(
            git_at(&home(), &repo, &["rev-parse", "HEAD"]),
            head,
            "the skipped commit went through"
        );
    });
}

#[test]
fn reuse_surface_skip_prints_one_line_and_never_starts_the_binary() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        let bin = tmp.path().join("reuse-surface");
        let record = tmp.path().join("rec");
        recorder(&bin, &record, 1);
        run_install(&repo, false, &bin).unwrap();
        let bin_env = bin.to_str().unwrap();

        for (skip, hook) in [
            ("1", "pre-commit"),
            ("all", "post-merge"),
            ("pre-push,pre-commit", "pre-commit"),
            ("pre-push,pre-commit", "pre-push"),
            ("pre-push, post-merge", "post-merge"),
        ] {
            let out = run_shim(
                &hooks_dir(&repo).join(hook),
                &[],
                b"",
                &[("REUSE_SURFACE_SKIP", skip), ("REUSE_SURFACE_BIN", bin_env)],
            );
            assert_eq!(out.status.code(), Some(0), "SKIP={skip} {hook}");
            assert_eq!(
                stderr(&out),
                format!("reuse-surface: {hook} skipped (REUSE_SURFACE_SKIP)\n")
            );
            assert!(out.stdout.is_empty());
            assert!(
                recorded_args(&record).is_none(),
                "SKIP={skip}: the binary did not start"
            );
        }

        // A list naming other hooks, or 0, does not skip this one.
        for skip in ["post-merge", "0", "pre-commit-extra"] {
            let _ = fs::remove_file(record.with_extension("args"));
            let out = run_shim(
                &hooks_dir(&repo).join("pre-commit"),
                &[],
                b"",
                &[("REUSE_SURFACE_SKIP", skip), ("REUSE_SURFACE_BIN", bin_env)],
            );
            assert_eq!(
                out.status.code(),
                Some(1),
                "SKIP={skip}: the binary ran and failed"
            );
            assert_eq!(recorded_args(&record).unwrap(), ["hook", "pre-commit"]);
        }
    });
}

#[test]
fn skip_still_runs_a_kept_hook() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        let bin = tmp.path().join("reuse-surface");
        let bin_record = tmp.path().join("bin-record");
        recorder(&bin, &bin_record, 0);
        let foreign_record = tmp.path().join("foreign-record");
        recorder(&hooks_dir(&repo).join("pre-push"), &foreign_record, 0);
        run_install(&repo, true, &bin).unwrap();

        let out = run_shim(
            &hooks_dir(&repo).join("pre-push"),
            &["o", "u"],
            b"ref\n",
            &[("REUSE_SURFACE_SKIP", "1")],
        );
        assert!(out.status.success());
        assert_eq!(
            stderr(&out),
            "reuse-surface: pre-push skipped (REUSE_SURFACE_SKIP)\n"
        );
        assert_eq!(
            recorded_stdin(&foreign_record),
            b"ref\n",
            "the kept hook (say, LFS) still ran"
        );
        assert!(recorded_args(&bin_record).is_none());
    });
}

#[test]
fn binary_lookup_order_and_a_missing_binary_warns_once_and_exits_0() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        let installed = tmp.path().join("installed/reuse-surface");
        let installed_record = tmp.path().join("installed-record");
        recorder(&installed, &installed_record, 0);
        run_install(&repo, false, &installed).unwrap();
        let shim = hooks_dir(&repo).join("pre-commit");

        // REUSE_SURFACE_BIN wins over the recorded path.
        let override_bin = tmp.path().join("override/reuse-surface");
        let override_record = tmp.path().join("override-record");
        recorder(&override_bin, &override_record, 0);
        let out = run_shim(
            &shim,
            &[],
            b"",
            &[("REUSE_SURFACE_BIN", override_bin.to_str().unwrap())],
        );
        assert!(out.status.success());
        assert!(recorded_args(&override_record).is_some());
        assert!(recorded_args(&installed_record).is_none());

        // The recorded path is gone: PATH is next.
        fs::remove_file(&installed).unwrap();
        let path_dir = tmp.path().join("on-path");
        let path_record = tmp.path().join("path-record");
        recorder(&path_dir.join("reuse-surface"), &path_record, 0);
        let out = run_shim(&shim, &[], b"", &[("PATH", path_dir.to_str().unwrap())]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(recorded_args(&path_record).unwrap(), ["hook", "pre-commit"]);

        // Nothing anywhere: one warning, exit 0.
        let empty = tmp.path().join("empty");
        fs::create_dir_all(&empty).unwrap();
        for hook in ["pre-commit", "pre-push", "post-merge", "post-rewrite"] {
            let out = run_shim(
                &hooks_dir(&repo).join(hook),
                &[],
                b"",
                &[("PATH", empty.to_str().unwrap())],
            );
            assert_eq!(out.status.code(), Some(0), "{hook}");
            assert_eq!(
                stderr(&out),
                format!(
                    "reuse-surface: binary not found; skipping {hook} checks (CI is the backstop)\n"
                )
            );
        }

        // And through git: the commit proceeds.
        fs::write(repo.join("a.txt"), "a\n").unwrap();
        git_at(&home(), &repo, &["add", "a.txt"]);
        let commit = Command::new("git")
            .args(["commit", "-q", "-m", "a"])
            .current_dir(&repo)
            .env("PATH", format!("{}:/usr/bin:/bin", empty.display()))
            .output()
            .unwrap();
        assert!(commit.status.success(), "{}", stderr(&commit));
        assert!(
            stderr(&commit).contains("binary not found"),
            "{}",
            stderr(&commit)
        );
        git_at(&home(), &repo, &["rev-parse", "--verify", "HEAD"]);
    });
}

#[test]
fn a_local_core_hooks_path_is_honoured() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        git_at(&home(), &repo, &["config", "core.hooksPath", ".githooks"]);
        let bin = tmp.path().join("reuse-surface");
        let record = tmp.path().join("rec");
        recorder(&bin, &record, 0);
        fs::create_dir_all(repo.join("sub/dir")).unwrap();

        let out = run_install(&repo.join("sub/dir"), false, &bin).unwrap();
        for (name, _) in HOOKS {
            assert!(
                repo.join(".githooks").join(name).exists(),
                "{name} in core.hooksPath"
            );
            assert!(
                !hooks_dir(&repo).join(name).exists(),
                "{name} not in .git/hooks"
            );
        }
        assert!(
            out.contains(&repo.join(".githooks").display().to_string()),
            "{out}"
        );
        assert!(
            repo.join(".gitattributes").exists(),
            "attributes at the top level"
        );
        assert!(!repo.join("sub/dir/.gitattributes").exists());

        // git runs them from there.
        commit_file(&repo, "a.txt", "a\n");
        assert_eq!(recorded_args(&record).unwrap(), ["hook", "pre-commit"]);
    });
}

#[test]
fn a_global_core_hooks_path_is_refused_unless_forced() {
    isolated_git::run(global_scope, || {
        let scope = TempDir::new_in(home().join("global-scope")).unwrap();
        let repo = init_repo(scope.path(), "repo");
        let origin = git_at(
            &home(),
            &repo,
            &["config", "--show-scope", "--get", "core.hooksPath"],
        );
        assert!(origin.starts_with("global\t"), "test setup: {origin}");
        let bin = scope.path().join("reuse-surface");
        recorder(&bin, &scope.path().join("rec"), 0);
        let global_hooks = home().join("global-hooks");

        let msg = expect_usage(run_install(&repo, false, &bin));
        assert!(
            msg.contains("core.hooksPath") && msg.contains("global") && msg.contains("--force"),
            "{msg}"
        );
        let own = format!(
            "git config core.hooksPath '{}'",
            repo.join(".git/hooks").display()
        );
        assert!(
            msg.contains(&own),
            "suggests the clone's own hooks dir: {msg}"
        );
        assert!(
            fs::read_dir(&global_hooks).unwrap().next().is_none(),
            "nothing written there"
        );
        assert!(!repo.join(".gitattributes").exists());
        assert_eq!(
            git_output_at(
                &home(),
                &repo,
                &["config", "--get", "merge.reuse-surface.driver"]
            )
            .status
            .code(),
            Some(1)
        );

        let out = run_install(&repo, true, &bin).unwrap();
        assert!(
            out.contains("warning: core.hooksPath comes from global config"),
            "{out}"
        );
        for (name, _) in HOOKS {
            assert!(
                global_hooks.join(name).exists(),
                "{name} in the global hooks dir"
            );
        }
        let out = run_uninstall(&repo).unwrap();
        assert!(out.contains("removed pre-commit"), "{out}");
        assert!(
            fs::read_dir(&global_hooks).unwrap().next().is_none(),
            "cleaned up"
        );
    });
}

#[test]
fn a_local_core_hooks_path_overrides_a_global_one() {
    isolated_git::run(global_scope, || {
        let scope = TempDir::new_in(home().join("global-scope")).unwrap();
        let repo = init_repo(scope.path(), "repo");
        git_at(&home(), &repo, &["config", "core.hooksPath", ".git/hooks"]);
        let bin = scope.path().join("reuse-surface");
        recorder(&bin, &scope.path().join("rec"), 0);
        run_install(&repo, false, &bin).unwrap();
        assert!(hooks_dir(&repo).join("pre-commit").exists());
    });
}

#[test]
fn a_linked_worktree_shares_the_hooks_and_is_gated() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        commit_file(&repo, "a.txt", "a\n");
        let worktree = tmp.path().join("linked");
        git_at(
            &home(),
            &repo,
            &[
                "worktree",
                "add",
                "-q",
                "-b",
                "feature",
                worktree.to_str().unwrap(),
            ],
        );
        let bin = tmp.path().join("reuse-surface");
        let record = tmp.path().join("rec");
        recorder(&bin, &record, 1);

        let out = run_install(&worktree, false, &bin).unwrap();
        for (name, _) in HOOKS {
            assert!(
                hooks_dir(&repo).join(name).exists(),
                "{name} in the shared hooks dir"
            );
        }
        assert!(
            out.contains(&hooks_dir(&repo).display().to_string()),
            "{out}"
        );
        assert!(worktree.join(".gitattributes").exists());
        assert_eq!(
            git_at(
                &home(),
                &repo,
                &["config", "--get", "merge.reuse-surface.driver"]
            )
            .trim_end(),
            install::merge_driver_command(&bin).to_str().unwrap()
        );

        // A commit in either working tree runs the hook (which refuses it here).
        for dir in [&worktree, &repo] {
            fs::write(dir.join("b.txt"), "b\n").unwrap();
            git_at(&home(), dir, &["add", "b.txt"]);
            let refused = git_output_at(&home(), dir, &["commit", "-q", "-m", "b"]);
            assert!(!refused.status.success(), "gated in {}", dir.display());
        }
    });
}

#[test]
fn a_bare_repository_and_a_plain_directory_get_clear_errors() {
    isolated_git::run(global_scope, || {
        let tmp = TempDir::new().unwrap();
        let bare = tmp.path().join("bare.git");
        git_at(
            &home(),
            tmp.path(),
            &["init", "-q", "--bare", bare.to_str().unwrap()],
        );
        let bin = tmp.path().join("reuse-surface");
        recorder(&bin, &tmp.path().join("rec"), 0);

        let msg = expect_usage(run_install(&bare, false, &bin));
        assert!(msg.contains("bare repository"), "{msg}");
        assert!(!bare.join("hooks/pre-commit").exists());
        let msg = expect_usage(run_uninstall(&bare));
        assert!(msg.contains("bare repository"), "{msg}");

        let plain = tmp.path().join("plain");
        fs::create_dir_all(&plain).unwrap();
        let msg = expect_usage(run_install(&plain, false, &bin));
        assert!(msg.contains("not inside a git repository"), "{msg}");

        let msg = expect_usage(run_install(&tmp.path().join("missing"), false, &bin));
        assert!(msg.contains("not a directory"), "{msg}");
    });
}

#[test]
fn gitattributes_keeps_its_line_endings_and_lines_and_is_not_duplicated() {
    isolated_git::run(global_scope, || {
        let (tmp, repo) = new_repo();
        let bin = tmp.path().join("reuse-surface");
        recorder(&bin, &tmp.path().join("rec"), 0);
        fs::write(repo.join(".gitattributes"), "*.png binary\r\n*.txt text").unwrap();
        run_install(&repo, false, &bin).unwrap();
        assert_eq!(
            fs::read_to_string(repo.join(".gitattributes")).unwrap(),
            format!("*.png binary\r\n*.txt text\r\n{ATTR_LINE}\r\n")
        );

        let (tmp2, repo2) = new_repo();
        let existing =
            "# ours, spaced differently\nregistry/indexes/*.yaml   merge=reuse-surface  -diff\n";
        fs::write(repo2.join(".gitattributes"), existing).unwrap();
        let out = run_install(&repo2, false, &bin).unwrap();
        assert_eq!(
            fs::read_to_string(repo2.join(".gitattributes")).unwrap(),
            existing
        );
        assert!(
            out.contains(".gitattributes already routes registry/indexes/capabilities.yaml"),
            "{out}"
        );
        drop(tmp2);
    });
}
