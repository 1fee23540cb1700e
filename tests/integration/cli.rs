//! The command line (SPEC §3 output, §6 commands and exit codes): root
//! discovery, `--root`, the JSON document's exact shape, rustc-style text
//! without colour off a terminal or with `NO_COLOR`, and `stats`.

use crate::common::*;
use serde_json::{Value, json};

#[test]
fn validate_finds_the_root_from_any_subdirectory() {
    let repo = Repo::with_registry();
    for dir in ["docs", "src/alpha", "registry/capabilities", "registry"] {
        let run = repo.run_in(&repo.path(dir), &["validate"]);
        run.assert_code(0);
        assert_eq!(
            run.stdout, "ok: 3 capabilities, no problems\n",
            "from {dir}"
        );
    }
    // File paths in problems stay relative to the registry root.
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    let run = repo.run_in(&repo.path("src/beta"), &["validate", "--format", "json"]);
    run.assert_code(1);
    assert_eq!(run.problem("vector-drift")["file"], INDEX);
}

#[test]
fn the_nearest_registry_wins() {
    let repo = Repo::with_registry();
    // A second registry nested inside the first: from inside it, it wins.
    clean_registry_in(&repo, "nested");
    repo.remove("nested/registry/capabilities/gamma.md");
    let run = repo.run_in(&repo.path("nested/docs"), &["validate", "--format", "json"]);
    run.assert_code(1);
    assert_eq!(run.checks(), ["missing-entry"]);
    assert_eq!(run.json()["summary"]["capabilities"], 2);
}

#[test]
fn root_flag_works_from_anywhere() {
    let repo = Repo::with_registry();
    let outside = repo.outside();
    let root = repo.root().to_str().unwrap().to_string();
    let run = repo.run_in(&outside, &["validate", "--root", &root]);
    run.assert_code(0);
    assert_eq!(run.stdout, "ok: 3 capabilities, no problems\n");
    // Relative to the current directory, too.
    let run = repo.run_in(
        &outside,
        &["validate", "--root", "../repo", "--format", "json"],
    );
    run.assert_code(0);
    assert_eq!(run.json()["summary"]["capabilities"], 3);
    // And it overrides discovery: from inside another registry.
    let other = Repo::with_registry();
    other.remove(GAMMA);
    let run = other.run(&["validate", "--root", &root]);
    run.assert_code(0);
    let run = repo.run_in(&outside, &["stats", "--root", &root, "--format", "json"]);
    run.assert_code(0);
    assert_eq!(run.json()["capabilities"], 3);
}

#[test]
fn outside_any_registry_is_a_usage_error_naming_where_it_looked() {
    let repo = Repo::new();
    let outside = repo.outside();
    for args in [&["validate"][..], &["stats"], &["update"]] {
        let run = repo.run_in(&outside, args);
        run.assert_code(2);
        assert!(run.stdout.is_empty(), "{}", run.show());
        let line = run.one_line_error();
        assert!(line.starts_with("error: no registry found"), "{line}");
        assert!(
            line.contains(outside.to_str().unwrap()),
            "names the directory it started from: {line}"
        );
        assert!(
            line.contains("registry/indexes/capabilities.yaml"),
            "names the file it looked for: {line}"
        );
        assert!(line.contains("every parent directory"), "{line}");
    }
    let run = repo.run_in(&outside, &["validate", "--root", outside.to_str().unwrap()]);
    run.assert_code(2);
    let line = run.one_line_error();
    let expected = outside.join("registry/indexes/capabilities.yaml");
    assert!(
        line.contains(expected.to_str().unwrap()),
        "names the path it expected: {line}"
    );
}

#[test]
fn json_output_has_exactly_the_documented_shape() {
    let repo = Repo::with_registry();
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    repo.replace(GAMMA, "updated: 2026-05-01", "updated: 2026-07-01");
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    assert!(run.stderr.is_empty(), "{}", run.show());
    let doc = run.json();
    let top: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(top, ["version", "problems", "summary"]);
    assert_eq!(doc["version"], 1);
    let keys = [
        "severity",
        "check",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "capability_id",
        "fix",
    ];
    for p in doc["problems"].as_array().unwrap() {
        let have: Vec<&String> = p.as_object().unwrap().keys().collect();
        assert_eq!(have, keys, "{p:#}");
    }
    let line = pos(&repo.read(INDEX), "D1/A0/C1/R3").0;
    // Sorted by file and line: the index date (line 3) comes first.
    assert_eq!(doc["problems"][0]["check"], "stale-index-date");
    assert_eq!(
        doc["problems"][0]["capability_id"],
        Value::Null,
        "a problem about the whole index has no capability"
    );
    assert_eq!(
        doc["problems"][1],
        json!({
            "severity": "error",
            "check": "vector-drift",
            "message": "index `vector` is `D1/A0/C1/R3` but the entry says `D1/A0/C1/R2`",
            "file": "registry/indexes/capabilities.yaml",
            "line": line,
            "column": 13,
            "end_line": line,
            "end_column": 24,
            "capability_id": "capability.demo.beta",
            "fix": "run `reuse-surface update --apply` to re-derive the row from the entry"
        })
    );
    assert_eq!(
        doc["summary"],
        json!({"errors": 1, "warnings": 1, "capabilities": 3})
    );
}

#[test]
fn json_fields_that_do_not_apply_are_null() {
    let repo = Repo::with_registry();
    repo.write(INDEX, b"schema_version: 1\ncapabilities: []\n\xff\n");
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    let doc = run.json();
    // An index that cannot be decoded: no capability, no fix; the position
    // of the bad byte is known.
    let p = &doc["problems"][0];
    assert_eq!(p["check"], "parse-error");
    assert_eq!(p["file"], INDEX);
    assert_eq!(
        (p["line"].clone(), p["column"].clone()),
        (json!(3), json!(1))
    );
    assert_eq!(p["capability_id"], Value::Null);
    assert_eq!(p["fix"], Value::Null);
}

#[test]
fn text_output_is_rustc_style() {
    let repo = Repo::with_registry();
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    let run = repo.run(&["validate"]);
    run.assert_code(1);
    let line = pos(&repo.read(INDEX), "D1/A0/C1/R3").0;
    let expected = format!(
        "error[vector-drift]: index `vector` is `D1/A0/C1/R3` but the entry says `D1/A0/C1/R2`\n  \
         --> registry/indexes/capabilities.yaml:{line}:13\n   |\n{line} |     vector: D1/A0/C1/R3\n   |             ^^^^^^^^^^^\n   \
         = capability: capability.demo.beta\n   = help: run `reuse-surface update --apply` to re-derive the row from the entry\n\n\
         error: 1 error, 0 warnings in 3 capabilities\n\
         1 fixable with `reuse-surface update --apply`\n"
    );
    assert_eq!(run.stdout, expected);
}

#[test]
fn no_colour_off_a_terminal_or_with_no_color() {
    let repo = Repo::with_registry();
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    repo.replace(GAMMA, "updated: 2026-05-01", "updated: 2026-07-01");
    for no_color in [None, Some("1")] {
        let mut cmd = repo.command(BIN);
        cmd.arg("validate");
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let run = repo.run_cmd(&mut cmd);
        run.assert_code(1);
        assert!(
            run.stdout.contains("error[vector-drift]")
                && run.stdout.contains("warning[stale-index-date]")
        );
        assert!(
            !run.stdout.contains('\x1b') && !run.stderr.contains('\x1b'),
            "{}",
            run.show()
        );
    }
    // Errors on stderr too.
    let run = repo.run_in(&repo.outside(), &["validate"]);
    run.assert_code(2);
    assert!(!run.stderr.contains('\x1b'));
}

/// On a real terminal (a pseudo-terminal from `script`), colour is on
/// unless `NO_COLOR` is set.
#[cfg(target_os = "linux")]
#[test]
fn colour_on_a_terminal_only_without_no_color() {
    let repo = Repo::with_registry();
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    let on_tty = |no_color: &str| {
        let inner = format!("{no_color}'{BIN}' validate");
        let mut cmd = repo.command("script");
        cmd.args(["-q", "-e", "-c", &inner, "/dev/null"]);
        let run = repo.run_cmd(&mut cmd);
        assert!(
            run.stdout.contains("vector-drift"),
            "script(1) must run the binary:\n{}",
            run.show()
        );
        run
    };
    let coloured = on_tty("");
    assert_eq!(coloured.code, 1, "{}", coloured.show());
    assert!(
        coloured.stdout.contains("\x1b[1;31merror\x1b[0m"),
        "{}",
        coloured.show()
    );
    let plain = on_tty("NO_COLOR=1 ");
    assert_eq!(plain.code, 1, "{}", plain.show());
    assert!(!plain.stdout.contains('\x1b'), "{}", plain.show());
}

#[test]
fn stats_text() {
    let repo = Repo::with_registry();
    let run = repo.run(&["stats"]);
    run.assert_code(0);
    assert_eq!(
        run.stdout,
        "capabilities: 3\n\
         by status:\n  active       1\n  deprecated   1\n  experimental 1\n\
         by level:      0    1    2    3    4    5    6\n\
         \x20 D          1    1    0    1    0    0    0\n\
         \x20 A          2    0    0    1    0    0    0\n\
         \x20 C          1    1    1    0    0    0    0\n\
         \x20 R          1    0    1    0    1    0    0\n\
         mean vector: D1.33/A1.00/C1.00/R2.00\n\
         without evidence (1):\n  capability.demo.gamma\n"
    );
}

#[test]
fn stats_json() {
    let repo = Repo::with_registry();
    // An unreadable entry is counted apart, not silently dropped.
    repo.write("registry/capabilities/broken.md", "---\nid: [\n---\n");
    let run = repo.run(&["stats", "--format", "json"]);
    run.assert_code(0);
    assert_eq!(
        run.json(),
        json!({
            "version": 1,
            "capabilities": 3,
            "by_status": {"active": 1, "deprecated": 1, "experimental": 1},
            "by_level": {
                "A": [2, 0, 0, 1, 0, 0, 0],
                "C": [1, 1, 1, 0, 0, 0, 0],
                "D": [1, 1, 0, 1, 0, 0, 0],
                "R": [1, 0, 1, 0, 1, 0, 0]
            },
            "mean_vector": {"A": 1.0, "C": 1.0, "D": 1.33, "R": 2.0},
            "without_evidence": ["capability.demo.gamma"],
            "unreadable": 1,
            "kinds": {}
        })
    );
    let text = repo.run(&["stats"]);
    assert!(
        text.stdout
            .starts_with("capabilities: 3 (+1 unreadable: run `reuse-surface validate`)\n"),
        "{}",
        text.show()
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    let repo = Repo::with_registry();
    for args in [
        &["validate", "--format", "yaml"][..],
        &["validate", "--bogus"],
        &["update", "--all", "--capability", ALPHA_ID],
    ] {
        let run = repo.run(args);
        run.assert_code(2);
        assert!(run.stderr.starts_with("error: "), "{}", run.show());
    }
    let run = repo.run(&["update", "--capability", "capability.demo.nope"]);
    run.assert_code(2);
    assert_eq!(
        run.one_line_error(),
        "error: no capability with id `capability.demo.nope` in this registry"
    );
}

#[test]
fn explain_prints_the_doc_of_a_check() {
    // No registry needed: `explain` reads nothing from the repository.
    let repo = Repo::new();
    let run = repo.run(&["explain", "vector-drift"]);
    run.assert_code(0);
    assert!(
        run.stdout.starts_with(
            "vector-drift: row `vector`/`title`/`status` differs from the entry\n\
             (default severity: error; fixable by `reuse-surface update --apply`)\n\n"
        ),
        "{}",
        run.show()
    );
    for part in ["Why it matters", "How to fix", "Example", "D1/A0/C1/R2"] {
        assert!(run.stdout.contains(part), "no {part}: {}", run.show());
    }
    assert!(run.stderr.is_empty(), "{}", run.show());
    let run = repo.run(&["explain", "schema"]);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("cannot be overridden in registry/config.yaml"),
        "{}",
        run.show()
    );
}

#[test]
fn explain_an_unknown_check_is_a_usage_error_with_a_suggestion() {
    let repo = Repo::new();
    let run = repo.run(&["explain", "nope"]);
    run.assert_code(2);
    assert!(run.stdout.is_empty(), "{}", run.show());
    assert_eq!(
        run.one_line_error(),
        "error: unknown check `nope`; did you mean `schema`? \
         (`reuse-surface explain --list` lists every check)"
    );
    let run = repo.run(&["explain", "vector-drfit"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("did you mean `vector-drift`?"),
        "{}",
        run.show()
    );
}

#[test]
fn explain_lists_every_check_with_its_default_severity() {
    let repo = Repo::new();
    let listed = repo.run(&["explain", "--list"]);
    listed.assert_code(0);
    assert_eq!(repo.run(&["explain"]).stdout, listed.stdout);
    let rows: Vec<Vec<&str>> = listed
        .stdout
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().collect())
        .collect();
    let got: Vec<(&str, &str)> = rows.iter().map(|r| (r[0], r[1])).collect();
    // SPEC §3's table, in its order.
    let want = [
        ("parse-error", "error"),
        ("schema", "error"),
        ("duplicate-id", "error"),
        ("alias-collision", "error"),
        ("missing-entry", "error"),
        ("missing-index-row", "error"),
        ("id-mismatch", "error"),
        ("vector-drift", "error"),
        ("unknown-relation", "error"),
        ("alias-relation", "warning"),
        ("self-relation", "error"),
        ("dependency-cycle", "error"),
        ("evidence-missing", "error"),
        ("path-escape", "error"),
        ("unsupported-level", "warning"),
        ("history-mismatch", "warning"),
        ("target-below-current", "warning"),
        ("stale-index-date", "warning"),
        ("deprecated-dependency", "warning"),
        ("duplicate-item", "warning"),
        ("catalog-drift", "warning"),
        ("duplicate-key", "error"),
        ("unknown-reference", "error"),
        ("route-overlap", "warning"),
        ("coordination-drift", "warning"),
    ];
    assert_eq!(got, want, "{}", listed.show());
    let fixable: Vec<&str> = rows
        .iter()
        .filter(|r| r[2] == "fixable")
        .map(|r| r[0])
        .collect();
    assert_eq!(
        fixable,
        [
            "missing-index-row",
            "vector-drift",
            "alias-relation",
            "stale-index-date",
            "catalog-drift"
        ]
    );
    // Every listed slug has its own doc.
    for (slug, _) in want {
        let run = repo.run(&["explain", slug]);
        run.assert_code(0);
        assert!(
            run.stdout.starts_with(&format!("{slug}: ")),
            "{}",
            run.show()
        );
    }
}

// ------------------------------------- one target: validate and the hooks

/// Bug A (issue 8): the index staged but deleted on disk. `validate
/// --staged` found the root on disk (exit 2, "no registry found") while
/// `hook pre-commit` found it in the index; both find it in the index now
/// and agree, clean or not.
#[test]
fn staged_index_deleted_on_disk_is_found_in_the_index() {
    let repo = Repo::committed();
    repo.replace(INDEX, "# the newest entry date", "# newest");
    repo.git(&["add", INDEX]);
    repo.remove(INDEX);
    let run = repo.run(&["validate", "--staged"]);
    run.assert_code(0);
    assert_eq!(run.stdout, "ok: 3 capabilities, no problems\n");
    repo.run(&["hook", "pre-commit"]).assert_code(0);

    // With an error staged: the same problem from both.
    repo.git(&["checkout", "--", INDEX]);
    repo.replace(
        INDEX,
        "registry/capabilities/beta.md",
        "registry/capabilities/gone.md",
    );
    repo.git(&["add", INDEX]);
    repo.remove(INDEX);
    let run = repo.run(&["validate", "--staged", "--format", "json"]);
    run.assert_code(1);
    assert!(
        run.checks().contains(&"missing-entry".to_string()),
        "{}",
        run.show()
    );
    let text = repo.run(&["validate", "--staged"]);
    let hook = repo.run(&["hook", "pre-commit"]);
    hook.assert_code(1);
    assert_eq!(
        problem_blocks(&hook.stderr),
        problem_blocks(&text.stdout),
        "{}\n{}",
        text.show(),
        hook.show()
    );
}

/// A clean registry whose gamma entry is a symlink into `registry/shared/`.
fn symlinked_gamma() -> Repo {
    let repo = Repo::with_registry();
    repo.write("registry/shared/gamma.md", GAMMA_MD);
    repo.remove(GAMMA);
    repo.symlink("../shared/gamma.md", GAMMA);
    repo.git_init();
    repo.commit_all("gamma through a symlink");
    repo
}

const GAMMA_BROKEN: (&str, &str) = (
    "  extends: [capability.demo.alpha]\n",
    "  extends: [capability.demo.alpha]\n  depends_on: [capability.demo.nope]\n",
);

/// Bug B (issue 8): the blob cache keyed a symlinked entry by the link's
/// blob, not by the content read through it, so a warm cache kept passing
/// an entry whose target had become invalid. Warm and cold runs agree now.
#[test]
fn warm_cache_follows_a_symlinked_entry_in_pre_commit() {
    let repo = symlinked_gamma();
    let cache = repo.path(".git/reuse-surface/entries-v3.bin");
    // Warm the cache with a valid staged change to the link's target.
    repo.replace(
        "registry/shared/gamma.md",
        "Gamma body.",
        "Gamma body, again.",
    );
    repo.git(&["add", "-A"]);
    repo.run(&["hook", "pre-commit"]).assert_code(0);
    assert!(
        cache.exists(),
        "the hook wrote no cache: the test proves nothing"
    );
    // Break the target's content and stage it.
    repo.replace("registry/shared/gamma.md", GAMMA_BROKEN.0, GAMMA_BROKEN.1);
    repo.git(&["add", "-A"]);
    let warm = repo.run(&["hook", "pre-commit"]);
    std::fs::remove_file(&cache).unwrap();
    let cold = repo.run(&["hook", "pre-commit"]);
    cold.assert_code(1);
    assert!(
        cold.stderr.contains("error[unknown-relation]"),
        "{}",
        cold.show()
    );
    warm.assert_code(1);
    assert_eq!(warm.stderr, cold.stderr, "a warm cache changes the answer");
}

#[test]
fn warm_cache_follows_a_symlinked_entry_in_pre_push() {
    let repo = symlinked_gamma();
    let cache = repo.path(".git/reuse-surface/entries-v3.bin");
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    pre_push(&repo, &head).assert_code(0);
    assert!(
        cache.exists(),
        "the hook wrote no cache: the test proves nothing"
    );
    repo.replace("registry/shared/gamma.md", GAMMA_BROKEN.0, GAMMA_BROKEN.1);
    repo.commit_all("break gamma's target");
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let warm = pre_push(&repo, &head);
    std::fs::remove_file(&cache).unwrap();
    let cold = pre_push(&repo, &head);
    cold.assert_code(1);
    assert!(
        cold.stderr.contains("error[unknown-relation]"),
        "{}",
        cold.show()
    );
    warm.assert_code(1);
    assert_eq!(warm.stderr, cold.stderr, "a warm cache changes the answer");
}
