//! Hostile input (SPEC §8, issue 2's acceptance list): each gets one clear
//! one-line message at the right place and a non-zero exit where it must
//! block, never a panic, a hang or a stack overflow. A BOM and CRLF line
//! endings are legal and must simply work, with positions still right.

use crate::common::*;
use std::time::{Duration, Instant};

/// `validate --format json` must fail with exactly one problem of `check`
/// in `file`; returns it. Also proves the text form is clean.
fn one_problem(repo: &Repo, check: &str, file: &str) -> serde_json::Value {
    let started = Instant::now();
    let run = repo.validate_json(&[]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    run.assert_code(1);
    let p = run.problem(check);
    assert_eq!(p["file"], file, "{p:#}");
    assert_eq!(p["severity"], "error", "{p:#}");
    let message = p["message"].as_str().unwrap();
    assert!(
        !message.is_empty() && !message.contains('\n') && message.len() < 200,
        "one short line: {message:?}"
    );
    let text = repo.run(&["validate"]);
    text.assert_code(1);
    assert!(
        text.stdout
            .contains(&format!("error[{check}]: {message}\n")),
        "{}",
        text.show()
    );
    p
}

fn line_col(p: &serde_json::Value) -> (u64, u64) {
    (
        p["line"].as_u64().expect("line"),
        p["column"].as_u64().expect("column"),
    )
}

/// Nine anchors, each a list of nine aliases of the one before: a billion
/// laughs once expanded.
fn alias_bomb() -> String {
    let mut yaml = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        yaml.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    yaml
}

#[test]
fn alias_bomb_in_an_entry_and_in_the_index() {
    let repo = Repo::with_registry();
    repo.write(
        "registry/capabilities/bomb.md",
        format!("---\n{}---\n", alias_bomb()),
    );
    let p = one_problem(&repo, "parse-error", "registry/capabilities/bomb.md");
    assert!(
        p["message"].as_str().unwrap().contains("alias bomb"),
        "{p:#}"
    );
    assert!(
        p["line"].as_u64().unwrap() > 1,
        "points into the front matter: {p:#}"
    );

    let repo = Repo::with_registry();
    repo.write(
        INDEX,
        format!("schema_version: 1\ncapabilities: []\n{}", alias_bomb()),
    );
    let p = one_problem(&repo, "parse-error", INDEX);
    assert!(
        p["message"].as_str().unwrap().contains("alias bomb"),
        "{p:#}"
    );
}

#[test]
fn a_hundred_thousand_deep_flow_nesting() {
    for open in ["[", "{a: ", "[{k: "] {
        let repo = Repo::with_registry();
        repo.write(
            "registry/capabilities/deep.md",
            format!("---\nid: {}\n---\n", open.repeat(100_000)),
        );
        let p = one_problem(&repo, "parse-error", "registry/capabilities/deep.md");
        assert_eq!(p["message"], "nesting deeper than 64 levels", "{p:#}");
        assert_eq!(p["line"], 2, "{p:#}");
    }
    let repo = Repo::with_registry();
    repo.write(
        INDEX,
        format!("schema_version: 1\ncapabilities: {}\n", "[".repeat(100_000)),
    );
    let p = one_problem(&repo, "parse-error", INDEX);
    assert_eq!(p["message"], "nesting deeper than 64 levels");
    assert_eq!(p["line"], 2);
}

#[test]
fn a_hundred_thousand_deep_block_nesting() {
    // Compact block sequences nest without growing indentation.
    let repo = Repo::with_registry();
    repo.write(
        "registry/capabilities/deep.md",
        format!("---\n{}x\n---\n", "- ".repeat(100_000)),
    );
    let p = one_problem(&repo, "parse-error", "registry/capabilities/deep.md");
    assert_eq!(p["message"], "nesting deeper than 64 levels");
    assert_eq!(line_col(&p), (2, 129), "the 65th level");
    // An indented ladder of mappings, as deep as is practical to write.
    let mut ladder = String::new();
    for i in 0..1_000 {
        ladder.push_str(&" ".repeat(i));
        ladder.push_str("k:\n");
    }
    let repo = Repo::with_registry();
    repo.write(INDEX, &ladder);
    let p = one_problem(&repo, "parse-error", INDEX);
    assert_eq!(p["message"], "nesting deeper than 64 levels");
    assert_eq!(p["line"], 65);
}

#[test]
fn brackets_inside_quoted_strings_are_not_nesting() {
    let repo = Repo::with_registry();
    let brackets = "[".repeat(200);
    repo.replace(
        GAMMA,
        "updated: 2026-05-01",
        &format!("notes: \"{brackets}\"\nupdated: 2026-05-01"),
    );
    let run = repo.run(&["validate"]);
    run.assert_code(0);
}

#[test]
fn a_fifty_megabyte_file() {
    let repo = Repo::with_registry();
    let mut big = Vec::with_capacity(50 * 1024 * 1024 + 64);
    big.extend_from_slice(b"---\nid: capability.demo.big\n---\n");
    big.resize(50 * 1024 * 1024, b'x');
    repo.write("registry/capabilities/big.md", &big);
    drop(big);
    let started = Instant::now();
    let p = one_problem(&repo, "parse-error", "registry/capabilities/big.md");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        p["message"],
        "file is 50.0 MiB, larger than the 32 MiB limit for registry files"
    );
    assert_eq!(p["line"], serde_json::Value::Null);
}

#[test]
fn non_utf8_bytes() {
    let repo = Repo::with_registry();
    let mut bytes = BETA_MD.as_bytes().to_vec();
    let at = BETA_MD.find("Beta thing").unwrap() + 5;
    bytes[at] = 0xff;
    repo.write(BETA, &bytes);
    let p = one_problem(&repo, "parse-error", BETA);
    assert!(
        p["message"]
            .as_str()
            .unwrap()
            .starts_with("file is not valid UTF-8"),
        "{p:#}"
    );
    assert_eq!(line_col(&p), (3, 13));
    // Alpha depends on beta: no cascade of unknown relations.
    let run = repo.validate_json(&[]);
    assert_eq!(run.checks(), ["parse-error"]);

    let repo = Repo::with_registry();
    repo.write(
        INDEX,
        [&b"schema_version: 1\n"[..], b"updated: \xc3\x28\n"].concat(),
    );
    let p = one_problem(&repo, "parse-error", INDEX);
    assert_eq!(line_col(&p), (2, 10));
}

#[test]
fn a_byte_order_mark_is_legal_and_positions_stay_right() {
    let repo = Repo::with_registry();
    let bom = "\u{feff}";
    repo.write(INDEX, format!("{bom}{INDEX_YAML}"));
    repo.write(BETA, format!("{bom}{BETA_MD}"));
    let run = repo.run(&["validate"]);
    run.assert_code(0);
    assert_eq!(run.stdout, "ok: 3 capabilities, no problems\n");
    // A warning in each file lands on the right line and column (the BOM
    // is not a column).
    repo.write(
        BETA,
        format!(
            "{bom}{}",
            BETA_MD.replace("R: {current: 2}", "R: {current: 2, target: 1}")
        ),
    );
    repo.write(
        INDEX,
        format!(
            "{bom}{}",
            INDEX_YAML.replace("    status: deprecated", "    status: retired")
        ),
    );
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    assert_eq!(run.checks(), ["target-below-current", "vector-drift"]);
    let beta = BETA_MD.replace("R: {current: 2}", "R: {current: 2, target: 1}");
    let (line, col) = pos(&beta, "R: {current: 2, target: 1}");
    assert_eq!(
        line_col(&run.problem("target-below-current")),
        (line, col + 24)
    );
    let index = INDEX_YAML.replace("    status: deprecated", "    status: retired");
    assert_eq!(
        line_col(&run.problem("vector-drift")),
        pos(&index, "retired")
    );
    let text = repo.run(&["validate"]);
    assert!(
        text.stdout
            .contains(&format!("{line} |   R: {{current: 2, target: 1}}\n")),
        "{}",
        text.show()
    );
}

#[test]
fn crlf_line_endings_work_and_positions_stay_right() {
    let repo = Repo::with_registry();
    for (path, text) in [
        (INDEX, INDEX_YAML),
        (ALPHA, ALPHA_MD),
        (BETA, BETA_MD),
        (GAMMA, GAMMA_MD),
    ] {
        repo.write(path, text.replace('\n', "\r\n"));
    }
    let run = repo.run(&["validate"]);
    run.assert_code(0);
    assert_eq!(run.stdout, "ok: 3 capabilities, no problems\n");
    repo.replace(
        BETA,
        "tests: [tests/beta_test.rs]",
        "tests: [tests/beta_test.rs, tests/gone.rs]",
    );
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    assert_eq!(run.checks(), ["evidence-missing", "vector-drift"]);
    assert_eq!(
        line_col(&run.problem("evidence-missing")),
        pos(&repo.read(BETA), "tests/gone.rs")
    );
    assert_eq!(
        line_col(&run.problem("vector-drift")),
        pos(&repo.read(INDEX), "D1/A0/C1/R3")
    );
    let text = repo.run(&["validate"]);
    assert!(
        !text.stdout.contains('\r'),
        "no carriage returns in the excerpt:\n{:?}",
        text.stdout
    );
}

#[test]
fn tabs_used_for_indentation() {
    let message = "tab used for indentation (YAML indents with spaces only)";
    let repo = Repo::with_registry();
    repo.replace(BETA, "  R: {current: 2}", "\tR: {current: 2}");
    let p = one_problem(&repo, "parse-error", BETA);
    assert_eq!(p["message"], message);
    assert_eq!(line_col(&p), (pos(&repo.read(BETA), "\tR:").0, 1));

    // The parser first notices a line earlier (it could be a continued
    // scalar); the diagnostic still points at the tab.
    let repo = Repo::with_registry();
    repo.replace(INDEX, "    title: Gamma thing", "\ttitle: Gamma thing");
    let p = one_problem(&repo, "parse-error", INDEX);
    assert_eq!(p["message"], message);
    assert_eq!(line_col(&p), (pos(&repo.read(INDEX), "\ttitle").0, 1));

    // A tab after spaces, in an entry's nested mapping.
    let repo = Repo::with_registry();
    repo.replace(
        ALPHA,
        "    - tests/alpha_test.rs",
        "  \t- tests/alpha_test.rs",
    );
    let p = one_problem(&repo, "parse-error", ALPHA);
    assert_eq!(p["message"], message);
    assert_eq!(line_col(&p), (pos(&repo.read(ALPHA), "\t- tests").0, 3));
}

#[test]
fn a_duplicate_key() {
    let repo = Repo::with_registry();
    repo.replace(
        BETA,
        "status: experimental\n",
        "status: experimental\ntitle: Beta again\n",
    );
    let p = one_problem(&repo, "parse-error", BETA);
    assert_eq!(p["message"], "duplicate key `title`");
    assert_eq!(
        line_col(&p),
        (pos(&repo.read(BETA), "title: Beta again").0, 1)
    );

    let repo = Repo::with_registry();
    repo.replace(
        INDEX,
        "    vector: D0/A0/C0/R0",
        "    vector: D0/A0/C0/R0\n    vector: D0/A0/C0/R0",
    );
    let p = one_problem(&repo, "parse-error", INDEX);
    assert_eq!(p["message"], "duplicate key `vector`");
    assert_eq!(
        line_col(&p),
        (
            pos(&repo.read(INDEX), "vector: D0/A0/C0/R0\n    vector").0 + 1,
            5
        )
    );
}

#[test]
fn an_entry_without_its_closing_fence() {
    let repo = Repo::with_registry();
    repo.write(GAMMA, GAMMA_MD.replace("---\nGamma body.", "Gamma body."));
    let p = one_problem(&repo, "parse-error", GAMMA);
    assert_eq!(p["message"], "front matter has no closing `---` fence");
    assert_eq!(line_col(&p), (1, 1));
    assert!(p["fix"].as_str().unwrap().contains("closing `---`"));
    // And one without any front matter.
    repo.write(GAMMA, "# Just Markdown\n");
    let p = one_problem(&repo, "parse-error", GAMMA);
    assert_eq!(
        p["message"],
        "entry does not start with a `---` front matter fence"
    );
}

#[test]
fn evidence_paths_that_escape() {
    let repo = Repo::with_registry();
    repo.replace(
        BETA,
        "tests: [tests/beta_test.rs]",
        "tests: [tests/beta_test.rs, ../x, /etc/passwd, tests/../../y]",
    );
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    assert_eq!(run.checks(), ["path-escape", "path-escape", "path-escape"]);
    let beta = repo.read(BETA);
    let problems = run.problems();
    for (p, (needle, why)) in problems.iter().zip([
        ("../x", "contains `..`"),
        ("/etc/passwd", "is absolute"),
        ("tests/../../y", "contains `..`"),
    ]) {
        assert_problem(
            p,
            "path-escape",
            "error",
            BETA,
            Some(pos(&beta, needle)),
            Some(BETA_ID),
        );
        assert_eq!(
            p["message"],
            format!("evidence.tests path `{needle}` {why}")
        );
    }
}

#[test]
fn symlinks_pointing_outside_the_repository_in_the_working_tree() {
    let repo = Repo::with_registry();
    let secret = repo.outside().join("secret.txt");
    std::fs::write(&secret, "outside\n").unwrap();
    repo.symlink(&secret, "tests/abs_link.rs");
    repo.symlink("../../outside/secret.txt", "tests/rel_link.rs");
    repo.symlink("/etc", "tests/etc");
    repo.symlink("beta_test.rs", "tests/inside_link.rs");
    repo.replace(
        BETA,
        "tests: [tests/beta_test.rs]",
        "tests: [tests/beta_test.rs, tests/abs_link.rs, tests/rel_link.rs, tests/etc/passwd, tests/inside_link.rs]",
    );
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    assert_eq!(
        run.checks(),
        ["path-escape", "path-escape", "path-escape"],
        "the inside link is fine"
    );
    let beta = repo.read(BETA);
    for (p, needle) in
        run.problems()
            .iter()
            .zip(["tests/abs_link.rs", "tests/rel_link.rs", "tests/etc/passwd"])
    {
        assert_problem(
            p,
            "path-escape",
            "error",
            BETA,
            Some(pos(&beta, needle)),
            Some(BETA_ID),
        );
        assert!(
            p["message"]
                .as_str()
                .unwrap()
                .ends_with("leaves the repository through a symlink"),
            "{p:#}"
        );
    }
}

#[test]
fn dangling_symlinks_pointing_outside_escape_and_inside_are_missing() {
    let repo = Repo::with_registry();
    repo.symlink("/nonexistent/secret", "tests/abs_dangling.rs");
    repo.symlink("../../outside/nope.txt", "tests/rel_dangling.rs");
    repo.symlink("nope_test.rs", "tests/inside_dangling.rs");
    repo.replace(
        BETA,
        "tests: [tests/beta_test.rs]",
        "tests: [tests/beta_test.rs, tests/abs_dangling.rs, tests/rel_dangling.rs, tests/inside_dangling.rs]",
    );
    let beta = repo.read(BETA);
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    assert_eq!(
        run.checks(),
        ["path-escape", "path-escape", "evidence-missing"]
    );
    let problems = run.problems();
    assert_problem(
        &problems[0],
        "path-escape",
        "error",
        BETA,
        Some(pos(&beta, "tests/abs_dangling.rs")),
        Some(BETA_ID),
    );
    assert_problem(
        &problems[1],
        "path-escape",
        "error",
        BETA,
        Some(pos(&beta, "tests/rel_dangling.rs")),
        Some(BETA_ID),
    );
    assert_problem(
        &problems[2],
        "evidence-missing",
        "error",
        BETA,
        Some(pos(&beta, "tests/inside_dangling.rs")),
        Some(BETA_ID),
    );
    // The same links committed: the commit's tree judges them alike.
    repo.git_init();
    repo.commit_all("dangling links");
    let run = repo.validate_json(&["--rev", "HEAD"]);
    run.assert_code(1);
    assert_eq!(
        run.checks(),
        ["path-escape", "path-escape", "evidence-missing"]
    );
}

#[test]
fn symlinks_pointing_outside_the_repository_committed_in_git() {
    let repo = Repo::committed();
    repo.symlink("/etc/passwd", "tests/abs_link.rs");
    repo.symlink("../../outside/secret.txt", "tests/rel_link.rs");
    repo.symlink("/etc", "tests/etc");
    repo.symlink("beta_test.rs", "tests/inside_link.rs");
    repo.replace(
        BETA,
        "tests: [tests/beta_test.rs]",
        "tests: [tests/beta_test.rs, tests/abs_link.rs, tests/rel_link.rs, tests/etc/passwd, tests/inside_link.rs]",
    );
    repo.commit_all("links");
    // Gone from the working tree: only the commit has them.
    for link in [
        "tests/abs_link.rs",
        "tests/rel_link.rs",
        "tests/etc",
        "tests/inside_link.rs",
    ] {
        repo.remove(link);
    }
    let beta = repo.read(BETA);
    for args in [&["--rev", "HEAD"][..], &["--staged"]] {
        let run = repo.validate_json(args);
        run.assert_code(1);
        assert_eq!(
            run.checks(),
            ["path-escape", "path-escape", "path-escape"],
            "{args:?}: {}",
            run.show()
        );
        for (p, needle) in run.problems().iter().zip([
            "tests/abs_link.rs",
            "tests/rel_link.rs",
            "tests/etc/passwd",
        ]) {
            assert_problem(
                p,
                "path-escape",
                "error",
                BETA,
                Some(pos(&beta, needle)),
                Some(BETA_ID),
            );
        }
    }
}

#[test]
fn an_entry_that_is_a_symlink_to_outside_is_not_read() {
    let repo = Repo::with_registry();
    let outside = repo.outside().join("evil.md");
    std::fs::write(&outside, BETA_MD.replace(BETA_ID, "capability.demo.evil")).unwrap();
    repo.symlink(&outside, "registry/capabilities/evil.md");
    let mut index = repo.read(INDEX);
    index.push_str("  - id: capability.demo.evil\n    path: registry/capabilities/evil.md\n");
    repo.write(INDEX, &index);
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    assert_eq!(run.checks(), ["path-escape"]);
    let p = run.problem("path-escape");
    assert_problem(
        &p,
        "path-escape",
        "error",
        INDEX,
        Some((index.lines().count() as u64, 11)),
        Some("capability.demo.evil"),
    );
    assert_eq!(
        run.json()["summary"]["capabilities"],
        3,
        "the outside file is not loaded"
    );
}

#[test]
fn garbage_everywhere_never_panics() {
    let repo = Repo::with_registry();
    for junk in [
        &b""[..],
        b"---\n",
        b"---\n---\n",
        b"\x00\x01\x02",
        b"---\n: : :\n---\n",
        b"---\n[]\n---\n",
        b"---\n\"unterminated\n---\n",
        b"---\nid: !!binary aGVsbG8=\n---\n",
        b"---\n*undefined\n---\n",
        b"---\na: 1\n---\nb: 2\n---\n",
    ] {
        repo.write(GAMMA, junk);
        let run = repo.validate_json(&[]);
        run.assert_code(1);
        assert!(
            run.checks()
                .iter()
                .all(|c| c == "parse-error" || c == "schema"),
            "{junk:?}: {}",
            run.show()
        );
        repo.write(INDEX, junk);
        repo.validate_json(&[]).assert_code(1);
        repo.run(&["stats"]).assert_no_panic();
        repo.run(&["update"]).assert_no_panic();
        repo.write(INDEX, INDEX_YAML);
    }
}
