//! `establish --scaffold --hook` and the shipped templates, with the real
//! `git` binary in temporary repositories (isolated from the user's config:
//! each test runs in a child process with a fresh `HOME` and
//! `GIT_CONFIG_NOSYSTEM=1`, see `support::isolated_git`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use reuse_surface::scaffold::{self, EstablishOptions, SCAFFOLD};
use tempfile::TempDir;

use crate::common::{INDEX, Repo, git_at, git_output_at};
use crate::support::isolated_git::{self, home};

fn new_repo() -> (TempDir, PathBuf) {
    let tmp = TempDir::new().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir_all(&repo).unwrap();
    git_at(&home(), &repo, &["init", "-q", "-b", "main"]);
    (tmp, repo)
}

fn establish(
    path: &Path,
    scaffold: bool,
    hook: bool,
    force: bool,
) -> reuse_surface::Result<String> {
    let mut out = Vec::new();
    scaffold::establish(
        &EstablishOptions {
            path: path.to_path_buf(),
            scaffold,
            hook,
            overwrite: force,
            force_hooks: force,
            profile: None,
        },
        &mut out,
    )?;
    Ok(String::from_utf8(out).unwrap())
}

const FILES: [&str; 5] = [
    "registry/indexes/capabilities.yaml",
    "registry/capabilities/_template.md",
    "registry/MATURITY.md",
    "registry/README.md",
    "registry/config.yaml",
];

fn yaml(text: &str) -> serde_json::Value {
    serde_saphyr::from_str::<serde_json::Value>(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The YAML between the front-matter fences of a Markdown file.
fn front_matter(text: &str) -> &str {
    let rest = text.strip_prefix("---\n").expect("opens with ---");
    &rest[..rest.find("\n---\n").expect("closing ---") + 1]
}

#[test]
fn scaffold_creates_the_registry_layout() {
    isolated_git::run(
        |_| {},
        || {
            let (_tmp, repo) = new_repo();
            let out = establish(&repo, true, false, false).unwrap();
            assert_eq!(SCAFFOLD.iter().map(|(p, _)| *p).collect::<Vec<_>>(), FILES);
            for file in FILES {
                assert!(repo.join(file).is_file(), "{file}");
                assert!(out.contains(&format!("{file}: created")), "{out}");
            }

            let index =
                fs::read_to_string(repo.join("registry/indexes/capabilities.yaml")).unwrap();
            assert!(!index.contains("{{"), "placeholders filled: {index}");
            let index = yaml(&index);
            assert_eq!(index["schema_version"], 1);
            assert_eq!(index["capabilities"], serde_json::json!([]));
            assert_eq!(index["updated"], reuse_surface::patches::apply::today());
            let updated = index["updated"].as_str().unwrap();
            assert!(
                updated.len() == 10
                    && updated.as_bytes()[4] == b'-'
                    && updated.as_bytes()[7] == b'-'
                    && updated > "2024-01-01",
                "{updated}"
            );

            // config.yaml: valid YAML, a mapping or nothing but comments.
            let config = yaml(&fs::read_to_string(repo.join("registry/config.yaml")).unwrap());
            assert!(config.is_null() || config.is_object(), "{config}");

            // The entry template has every field of SPEC §2.2 in its front matter.
            let template =
                fs::read_to_string(repo.join("registry/capabilities/_template.md")).unwrap();
            let entry = yaml(front_matter(&template));
            for key in [
                "id",
                "title",
                "summary",
                "owner",
                "status",
                "aliases",
                "surface",
                "maturity",
                "evidence",
                "availability",
                "relations",
                "promotion_history",
                "consumer_feedback",
                "notes",
                "updated",
            ] {
                assert!(entry.get(key).is_some(), "_template.md lacks {key}");
            }
            for dim in ["D", "A", "C", "R"] {
                assert!(
                    entry["maturity"][dim]["current"].is_u64(),
                    "maturity.{dim}.current"
                );
            }

            let maturity = fs::read_to_string(repo.join("registry/MATURITY.md")).unwrap();
            for needle in [
                "**D** definition",
                "**A** availability",
                "**C** completeness",
                "**R** reliability",
                "| D >= 3 |",
                "| A >= 3 |",
                "| R >= 2 |",
                "| R >= 4 |",
            ] {
                assert!(maturity.contains(needle), "MATURITY.md lacks {needle}");
            }
            for level in 0..=6 {
                assert_eq!(
                    maturity.matches(&format!("\n| {level} | ")).count(),
                    4,
                    "level {level} has one meaning per dimension"
                );
            }
            let readme = fs::read_to_string(repo.join("registry/README.md")).unwrap();
            for needle in [
                "reuse-surface validate",
                "reuse-surface update",
                "reuse-surface maintain",
                "reuse-surface install",
                "merge.reuse-surface",
            ] {
                assert!(readme.contains(needle), "README.md lacks {needle}");
            }
        },
    );
}

#[test]
fn a_second_run_changes_nothing_and_says_so() {
    isolated_git::run(
        |_| {},
        || {
            let (_tmp, repo) = new_repo();
            establish(&repo, true, true, false).unwrap();
            git_at(&home(), &repo, &["add", "-A"]);
            // --no-verify: the shims record the test binary as reuse-surface.
            git_at(
                &home(),
                &repo,
                &["commit", "-q", "--no-verify", "-m", "establish"],
            );
            assert_eq!(git_at(&home(), &repo, &["status", "--porcelain"]), "");
            let hooks_before: Vec<Vec<u8>> = ["pre-commit", "pre-push", "post-merge"]
                .iter()
                .map(|h| fs::read(repo.join(".git/hooks").join(h)).unwrap())
                .collect();

            let out = establish(&repo, true, true, false).unwrap();
            assert!(out.contains("nothing to do"), "{out}");
            for file in FILES {
                assert!(
                    out.contains(&format!("{file}: already present (kept)")),
                    "{out}"
                );
            }
            assert!(
                !out.contains("created")
                    && !out.contains("overwritten")
                    && !out.contains("installed pre"),
                "{out}"
            );
            assert_eq!(
                git_at(&home(), &repo, &["status", "--porcelain"]),
                "",
                "git status unchanged"
            );
            let hooks_after: Vec<Vec<u8>> = ["pre-commit", "pre-push", "post-merge"]
                .iter()
                .map(|h| fs::read(repo.join(".git/hooks").join(h)).unwrap())
                .collect();
            assert_eq!(hooks_after, hooks_before);
        },
    );
}

#[test]
fn an_edited_file_is_kept_without_force_and_overwritten_with_a_backup_with_it() {
    isolated_git::run(
        |_| {},
        || {
            let (_tmp, repo) = new_repo();
            establish(&repo, true, false, false).unwrap();
            let readme = repo.join("registry/README.md");
            let edited = "# Our registry\n\nLocal notes we care about.\n";
            fs::write(&readme, edited).unwrap();

            let out = establish(&repo, true, false, false).unwrap();
            assert!(
                out.contains(
                    "registry/README.md: already present (kept; --overwrite overwrites it)"
                ),
                "{out}"
            );
            assert!(out.contains("nothing to do"), "{out}");
            assert_eq!(fs::read_to_string(&readme).unwrap(), edited);

            let out = establish(&repo, true, false, true).unwrap();
            assert!(
                out.contains(
                    "registry/README.md: overwritten (the previous content is in README.md.orig)"
                ),
                "{out}"
            );
            let shipped = SCAFFOLD
                .iter()
                .find(|(p, _)| *p == "registry/README.md")
                .unwrap()
                .1;
            assert_eq!(fs::read_to_string(&readme).unwrap(), shipped);
            assert_eq!(
                fs::read_to_string(repo.join("registry/README.md.orig")).unwrap(),
                edited,
                "nothing lost"
            );
            assert!(
                !out.contains("registry/MATURITY.md: overwritten"),
                "unchanged files are not rewritten: {out}"
            );

            // A second forced overwrite keeps the first backup too.
            fs::write(&readme, "edited again\n").unwrap();
            establish(&repo, true, false, true).unwrap();
            assert_eq!(
                fs::read_to_string(repo.join("registry/README.md.orig")).unwrap(),
                edited
            );
            assert_eq!(
                fs::read_to_string(repo.join("registry/README.md.orig.1")).unwrap(),
                "edited again\n"
            );
        },
    );
}

#[test]
fn hook_installs_the_hooks_and_the_merge_driver() {
    isolated_git::run(
        |_| {},
        || {
            let (_tmp, repo) = new_repo();
            let out = establish(&repo, false, true, false).unwrap();
            for hook in ["pre-commit", "pre-push", "post-merge"] {
                let text = fs::read_to_string(repo.join(".git/hooks").join(hook)).unwrap();
                assert!(text.contains("# installed by reuse-surface"), "{hook}");
                assert!(out.contains(&format!("installed {hook}")), "{out}");
            }
            git_at(
                &home(),
                &repo,
                &["config", "--get", "merge.reuse-surface.driver"],
            );
            assert!(
                fs::read_to_string(repo.join(".gitattributes"))
                    .unwrap()
                    .contains("registry/indexes/*.yaml merge=reuse-surface")
            );
            assert!(
                !repo.join("registry").exists(),
                "--hook alone scaffolds nothing"
            );
        },
    );
}

#[test]
fn hook_outside_a_repository_fails_clearly_before_writing_anything() {
    isolated_git::run(
        |_| {},
        || {
            let tmp = TempDir::new().unwrap();
            let err = establish(tmp.path(), true, true, false).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            assert!(
                err.to_string().contains("not inside a git repository"),
                "{err}"
            );
            assert!(!tmp.path().join("registry").exists(), "nothing scaffolded");
        },
    );
}

#[test]
fn a_foreign_hook_refusal_stops_the_scaffold_too() {
    isolated_git::run(
        |_| {},
        || {
            let (_tmp, repo) = new_repo();
            let hook = repo.join(".git/hooks/pre-commit");
            fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
            let err = establish(&repo, true, true, false).unwrap_err();
            assert!(err.to_string().contains("pre-commit"), "{err}");
            assert!(!repo.join("registry").exists(), "nothing scaffolded");
            assert_eq!(fs::read_to_string(&hook).unwrap(), "#!/bin/sh\nexit 0\n");
        },
    );
}

#[test]
fn neither_flag_reports_the_plan_and_writes_nothing() {
    isolated_git::run(
        |_| {},
        || {
            let (_tmp, repo) = new_repo();
            let out = establish(&repo, false, false, false).unwrap();
            assert!(
                out.contains("--scaffold: registry/indexes/capabilities.yaml: create"),
                "{out}"
            );
            assert!(out.contains("--hook: install"), "{out}");
            assert!(!repo.join("registry").exists());
            assert!(!repo.join(".git/hooks/pre-commit").exists());
            assert_eq!(git_at(&home(), &repo, &["status", "--porcelain"]), "");

            let err = establish(&repo.join("missing"), true, false, false).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            assert!(
                err.to_string().contains("not an existing directory"),
                "{err}"
            );
        },
    );
}

fn validate(root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reuse-surface"))
        .args(["validate", "--root"])
        .arg(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn the_scaffold_validates_clean() {
    isolated_git::run(
        |_| {},
        || {
            let (_tmp, repo) = new_repo();
            establish(&repo, true, false, false).unwrap();
            let out = validate(&repo);
            assert_eq!(
                out.status.code(),
                Some(0),
                "validate on a fresh scaffold:\nstdout: {}\nstderr: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );

            // Control: the same registry with a row whose entry is missing fails, so
            // the exit 0 above came from a validation that ran.
            let index = repo.join("registry/indexes/capabilities.yaml");
            let text = fs::read_to_string(&index).unwrap().replace(
        "capabilities: []\n",
        "capabilities:\n  - id: capability.test.missing\n    title: Missing\n    status: active\n    \
         vector: D0/A0/C0/R0\n    path: registry/capabilities/missing.md\n",
    );
            assert!(text.contains("capability.test.missing"));
            fs::write(&index, text).unwrap();
            let out = validate(&repo);
            assert_eq!(
                out.status.code(),
                Some(1),
                "validate reports the missing entry"
            );
            let report = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(report.contains("missing-entry"), "{report}");
        },
    );
}

fn binary(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reuse-surface"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_binary_establishes_a_registry_that_commits_through_its_own_hooks_and_validates() {
    isolated_git::run(
        |_| {},
        || {
            let (tmp, repo) = new_repo();
            let out = binary(
                tmp.path(),
                &["establish", "--path", "repo", "--scaffold", "--hook"],
            );
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
            let shim = fs::read_to_string(repo.join(".git/hooks/pre-commit")).unwrap();
            assert!(
                shim.contains("RS_BIN_AT_INSTALL='/"),
                "the binary's absolute path is recorded"
            );

            // The first commit goes through the real pre-commit hook.
            git_at(&home(), &repo, &["add", "-A"]);
            let commit = git_output_at(
                &home(),
                &repo,
                &["commit", "-q", "-m", "establish the registry"],
            );
            assert!(
                commit.status.success(),
                "{}",
                String::from_utf8_lossy(&commit.stderr)
            );
            assert_eq!(git_at(&home(), &repo, &["status", "--porcelain"]), "");

            let out = binary(&repo, &["validate"]);
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));

            let out = binary(&repo, &["establish", "--scaffold", "--hook"]);
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
            assert!(text(&out).contains("nothing to do"), "{}", text(&out));
            assert_eq!(
                git_at(&home(), &repo, &["status", "--porcelain"]),
                "",
                "a second run leaves git status clean"
            );
        },
    );
}

fn manifest(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn the_shipped_templates_are_well_formed() {
    isolated_git::run(
        |_| {},
        || {
            // Workflows parse and run `validate --rev HEAD`.
            for file in [
                "templates/ci/github-actions.yml",
                "templates/ci/gitea-actions.yml",
            ] {
                let text = fs::read_to_string(manifest(file)).unwrap();
                let doc = yaml(&text);
                let steps = doc["jobs"]["validate-registry"]["steps"]
                    .as_array()
                    .expect(file);
                let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
                assert!(
                    runs.iter()
                        .any(|r| r.contains("reuse-surface validate --rev HEAD")),
                    "{file}"
                );
                assert!(
                    runs.iter()
                        .any(|r| r.contains("cargo install --locked --git")),
                    "{file}"
                );
            }

            // pre-commit / prek hook declaration.
            let hooks = yaml(&fs::read_to_string(manifest(".pre-commit-hooks.yaml")).unwrap());
            let hook = hooks
                .as_array()
                .unwrap()
                .iter()
                .find(|h| h["id"] == "reuse-surface-validate")
                .expect("reuse-surface-validate declared");
            assert_eq!(hook["entry"], "reuse-surface validate --staged");
            assert_eq!(hook["pass_filenames"], false);
            assert_eq!(hook["always_run"], true);
            assert!(hook.get("files").is_none(), "runs on every commit");
            assert!(["system", "rust"].contains(&hook["language"].as_str().unwrap()));

            // The standalone hook parses as sh and honours REUSE_SURFACE_SKIP.
            let standalone = manifest("templates/git-hook.pre-commit.registry");
            let check = Command::new("/bin/sh")
                .arg("-n")
                .arg(&standalone)
                .output()
                .unwrap();
            assert!(
                check.status.success(),
                "{}",
                String::from_utf8_lossy(&check.stderr)
            );
            let skipped = Command::new("/bin/sh")
                .arg(&standalone)
                .env("REUSE_SURFACE_SKIP", "1")
                .output()
                .unwrap();
            assert!(skipped.status.success());
            assert_eq!(
                String::from_utf8_lossy(&skipped.stderr),
                "reuse-surface: pre-commit skipped (REUSE_SURFACE_SKIP)\n"
            );
            let missing = Command::new("/bin/sh")
                .arg(&standalone)
                .env_remove("REUSE_SURFACE_SKIP")
                .env("REUSE_SURFACE_BIN", "/nonexistent/reuse-surface")
                .output()
                .unwrap();
            assert!(missing.status.success());
            assert!(String::from_utf8_lossy(&missing.stderr).contains("binary not found"));

            // The Makefile fragment's targets call the right commands.
            let fragment = manifest("templates/Makefile.registry.fragment");
            if Path::new("/usr/bin/make").exists() || Path::new("/bin/make").exists() {
                for (target, command) in [
                    ("registry-check", "validate"),
                    ("registry-maintain", "maintain"),
                ] {
                    let out = Command::new("make")
                        .arg("-n")
                        .arg("-f")
                        .arg(&fragment)
                        .arg(target)
                        .arg("REUSE_SURFACE=rs")
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    assert_eq!(
                        String::from_utf8_lossy(&out.stdout),
                        format!("rs {command}\n")
                    );
                }
            } else {
                let text = fs::read_to_string(&fragment).unwrap();
                assert!(text.contains("registry-check:\n\t$(REUSE_SURFACE) validate"));
                assert!(text.contains("registry-maintain:\n\t$(REUSE_SURFACE) maintain"));
            }
        },
    );
}

/// Issue 12: `establish --force` both kept foreign hooks and overwrote the
/// index with the empty scaffold. Keeping a hook is `--force-hooks` now,
/// and it leaves the registry alone; `--force` says what replaced it.
#[test]
fn force_hooks_keeps_a_foreign_hook_without_touching_the_registry() {
    let repo = Repo::committed();
    let hook = repo.path(".git/hooks/pre-commit");
    std::fs::write(&hook, "#!/bin/sh\necho theirs\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let index = repo.read(INDEX);

    let old = repo.run(&["establish", "--scaffold", "--hook", "--force"]);
    assert_eq!(old.code, 2, "{}", old.show());
    assert!(old.one_line_error().contains("--overwrite") && old.stderr.contains("--force-hooks"));

    let run = repo.run(&["establish", "--scaffold", "--hook", "--force-hooks"]);
    run.assert_code(0);
    assert_eq!(
        repo.read(INDEX),
        index,
        "the index was overwritten:\n{}",
        run.show()
    );
    assert!(
        !repo.exists("registry/indexes/capabilities.yaml.orig"),
        "{}",
        run.show()
    );
    let kept = repo.path(".git/hooks/reuse-surface-kept/pre-commit");
    assert_eq!(
        std::fs::read_to_string(kept).unwrap(),
        "#!/bin/sh\necho theirs\n"
    );
    let commit = repo
        .command("git")
        .args(["commit", "-q", "--allow-empty", "-m", "x"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&commit.stderr).contains("theirs"),
        "{commit:?}"
    );
}
