//! One target (issue 8): `validate`, `validate --staged`, `validate --rev
//! HEAD` and the hooks see the same problems on the same tree, on a
//! registry where every check of SPEC §3 fires.

use crate::common::*;

/// An active entry of the equivalence registry.
fn eq_entry(name: &str, maturity: [&str; 4], extra: &str, updated: &str) -> String {
    let [d, a, c, r] = maturity;
    format!(
        "---\nid: capability.eq.{name}\ntitle: E {name}\nsummary: s\nowner: o\nstatus: active\nmaturity:\n  \
         D: {d}\n  A: {a}\n  C: {c}\n  R: {r}\n{extra}updated: {updated}\n---\nBody of {name}.\n"
    )
}

const ZERO: [&str; 4] = ["{current: 0}"; 4];

/// The clean registry plus one fault for every check of SPEC §3.
pub(crate) fn every_check_fires(repo: &Repo) {
    let date = "2026-06-01";
    let mut entries: Vec<(&str, String)> = vec![
        ("parse", eq_entry("parse", ZERO, "notes: [unclosed\n", date)),
        (
            "schema",
            eq_entry("schema", ZERO, "", date).replace("status: active", "status: bogus"),
        ),
        (
            "unknown",
            eq_entry(
                "unknown",
                ZERO,
                "relations:\n  depends_on: [capability.eq.nope]\n",
                date,
            ),
        ),
        (
            "viaalias",
            eq_entry(
                "viaalias",
                ZERO,
                "relations:\n  depends_on: [capability.demo.first]\n",
                date,
            ),
        ),
        (
            "twice",
            eq_entry(
                "twice",
                ZERO,
                "surface: [\"src/twice/**\", \"src/twice/**\"]\n",
                date,
            ),
        ),
        (
            "selfish",
            eq_entry(
                "selfish",
                ZERO,
                "relations:\n  depends_on: [capability.eq.selfish]\n",
                date,
            ),
        ),
        (
            "cyc1",
            eq_entry(
                "cyc1",
                ZERO,
                "relations:\n  depends_on: [capability.eq.cyc2]\n",
                date,
            ),
        ),
        (
            "cyc2",
            eq_entry(
                "cyc2",
                ZERO,
                "relations:\n  depends_on: [capability.eq.cyc1]\n",
                date,
            ),
        ),
        (
            "noevidence",
            eq_entry(
                "noevidence",
                ZERO,
                "evidence:\n  tests: [tests/nope_test.rs]\n",
                date,
            ),
        ),
        (
            "escape",
            eq_entry(
                "escape",
                ZERO,
                "evidence:\n  tests: [../outside.rs]\n",
                date,
            ),
        ),
        (
            "claims",
            eq_entry(
                "claims",
                ["{current: 3}", ZERO[1], ZERO[2], ZERO[3]],
                "",
                date,
            ),
        ),
        (
            "history",
            eq_entry(
                "history",
                [
                    "{current: 0}",
                    "{current: 0}",
                    "{current: 1}",
                    "{current: 0}",
                ],
                "evidence:\n  tests: [tests/alpha_test.rs]\npromotion_history:\n  - {date: 2026-06-01, dimension: C, from: 1, to: 2, evidence: [tests/alpha_test.rs], by: maintain, rationale: r}\n",
                date,
            ),
        ),
        (
            "low",
            eq_entry(
                "low",
                ["{current: 1, target: 0}", ZERO[1], ZERO[2], ZERO[3]],
                "evidence:\n  documentation: [docs/alpha.md]\n",
                date,
            ),
        ),
        (
            "olddep",
            eq_entry(
                "olddep",
                ZERO,
                "relations:\n  depends_on: [capability.demo.gamma]\n",
                date,
            ),
        ),
        ("newer", eq_entry("newer", ZERO, "", "2026-07-01")),
        ("norow", eq_entry("norow", ZERO, "", date)),
    ];
    entries.push(("zeta", BETA_MD.to_string())); // duplicate-id
    let mut index = INDEX_YAML.to_string();
    for (name, text) in &entries {
        repo.write(&format!("registry/capabilities/{name}.md"), text);
        if matches!(*name, "norow" | "zeta" | "parse" | "schema") {
            continue;
        }
        let vector = match *name {
            "claims" => "D3/A0/C0/R0",
            "history" => "D0/A0/C1/R0",
            "low" => "D1/A0/C0/R0",
            _ => "D0/A0/C0/R0",
        };
        index.push_str(&format!(
            "\n  - id: capability.eq.{name}\n    title: E {name}\n    status: active\n    vector: {vector}\n    path: registry/capabilities/{name}.md\n"
        ));
    }
    index.push_str(
        "\n  - id: capability.eq.gone\n    title: Gone\n    status: active\n    vector: D0/A0/C0/R0\n    path: registry/capabilities/gone.md\n",
    );
    repo.write(INDEX, index);
    // alias-collision, id-mismatch, vector-drift on the clean three.
    repo.replace(
        GAMMA,
        "status: deprecated\n",
        "status: deprecated\naliases: [capability.demo.beta]\n",
    );
    repo.replace(
        INDEX,
        "- id: capability.demo.gamma\n",
        "- id: capability.demo.gamma-old\n",
    );
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    // catalog-drift: a generated page that no longer shows the entries.
    repo.write(
        "registry/CATALOG.md",
        format!(
            "{}\n\n# Capability catalog\n\nstale\n",
            reuse_surface::catalog::BANNER
        ),
    );
}

/// The same words for the tree checked, whichever it was, so problem
/// lists of different targets compare.
fn same_tree_words(text: &str, head: &str) -> String {
    let short = &head[..10];
    text.replace(&format!("commit {short} (refs/heads/main)"), "<tree>")
        .replace(&format!("commit {short} (HEAD)"), "<tree>")
        .replace("the staged tree (git index)", "<tree>")
        .replace("the working tree", "<tree>")
}

/// Issue 8: `validate`, `validate --staged`, `validate --rev HEAD`, `hook
/// pre-push` and `hook pre-commit` give the same problems on the same
/// tree, cold and with a warm cache. pre-commit checks the staged tree
/// *with its safe patches applied*, so it is compared with `validate
/// --staged` of that tree (written by `update --apply`).
#[test]
fn validate_and_the_hooks_report_the_same_problems() {
    let repo = Repo::committed();
    every_check_fires(&repo);
    repo.commit_all("every check fires");
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let json = repo.validate_json(&[]);
    json.assert_code(1);
    let mut fired = json.checks();
    fired.sort();
    fired.dedup();
    let mut all: Vec<String> = CHECK_SLUGS.iter().map(|s| s.to_string()).collect();
    all.sort();
    assert_eq!(fired, all, "not every check fires:\n{}", json.show());
    let same = |t: &str| same_tree_words(t, &head);
    let want_json = same(&json.stdout);
    for extra in [&["--staged"][..], &["--rev", "HEAD"]] {
        let run = repo.validate_json(extra);
        run.assert_code(1);
        assert_eq!(same(&run.stdout), want_json, "validate {extra:?}");
    }
    let text = repo.run(&["validate"]);
    let want = same(&problem_blocks(&text.stdout));
    for extra in [&["--staged"][..], &["--rev", "HEAD"]] {
        let run = repo.run(&[&["validate"][..], extra].concat());
        assert_eq!(
            same(&problem_blocks(&run.stdout)),
            want,
            "validate {extra:?}"
        );
    }
    let cache = repo.path(".git/reuse-surface/entries-v3.bin");
    for warm in [false, true] {
        if !warm {
            let _ = std::fs::remove_file(&cache);
        }
        let push = pre_push(&repo, &head);
        push.assert_code(1);
        assert_eq!(
            same(&problem_blocks(&push.stderr)),
            want,
            "pre-push, warm cache: {warm}"
        );
    }

    // pre-commit: the same change staged on top of the clean commit.
    repo.git(&["reset", "-q", "--soft", "HEAD~1"]);
    let mut hook_runs = Vec::new();
    for warm in [false, true] {
        if !warm {
            let _ = std::fs::remove_file(&cache);
        }
        let run = repo.run(&["hook", "pre-commit"]);
        run.assert_code(1);
        // Its patches are pending edits of the staged tree, and it says so.
        hook_runs.push(problem_blocks(&run.stderr).replace(" with pending edits", ""));
    }
    assert_eq!(
        hook_runs[0], hook_runs[1],
        "a warm cache changes pre-commit's answer"
    );
    repo.run(&["update", "--apply"]).assert_code(0);
    repo.git(&["add", "-A"]);
    let patched = repo.run(&["validate", "--staged"]);
    patched.assert_code(1);
    assert_eq!(
        hook_runs[0],
        problem_blocks(&patched.stdout),
        "pre-commit against validate --staged"
    );
    let again = repo.run(&["hook", "pre-commit"]);
    again.assert_code(1);
    assert_eq!(
        problem_blocks(&again.stderr),
        problem_blocks(&patched.stdout),
        "pre-commit on the patched tree"
    );
}

/// Every slug of SPEC §3.
const CHECK_SLUGS: &[&str] = &[
    "parse-error",
    "schema",
    "duplicate-id",
    "alias-collision",
    "missing-entry",
    "missing-index-row",
    "id-mismatch",
    "vector-drift",
    "unknown-relation",
    "alias-relation",
    "self-relation",
    "dependency-cycle",
    "evidence-missing",
    "path-escape",
    "unsupported-level",
    "history-mismatch",
    "target-below-current",
    "stale-index-date",
    "deprecated-dependency",
    "duplicate-item",
    "catalog-drift",
];
