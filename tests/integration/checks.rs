//! Every check of SPEC §3 firing on a hand-made fault in a real registry,
//! through the real binary: slug, severity, exit code, file, line, column
//! and capability, and severity overrides from `registry/config.yaml`. The
//! tree being checked (`--staged`, `--rev`) is `checked_tree`'s; validate
//! and the hooks agreeing is `one_target`'s.

use crate::common::*;

/// Run `validate --format json`, insist on the exit code and on exactly
/// these slugs (in output order), and return the run.
pub fn validate_expect(repo: &Repo, extra: &[&str], code: i32, checks: &[&str]) -> Run {
    let run = repo.validate_json(extra);
    run.assert_code(code);
    assert_eq!(run.checks(), checks, "{}", run.show());
    let summary = &run.json()["summary"];
    let errors = run
        .problems()
        .iter()
        .filter(|p| p["severity"] == "error")
        .count();
    assert_eq!(summary["errors"], errors as u64, "{}", run.show());
    assert_eq!(
        summary["warnings"],
        (checks.len() - errors) as u64,
        "{}",
        run.show()
    );
    run
}

/// Line and column just after the one occurrence of `prefix` (where the
/// value that follows it starts); `prefix` may span lines.
fn after(text: &str, prefix: &str) -> (u64, u64) {
    pos(text, prefix);
    let end = text.find(prefix).expect("found") + prefix.len();
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line as u64, before[line_start..].chars().count() as u64 + 1)
}

#[test]
fn a_clean_registry_has_no_problems() {
    let repo = Repo::with_registry();
    let run = repo.run(&["validate"]);
    run.assert_code(0);
    assert_eq!(run.stdout, "ok: 3 capabilities, no problems\n");
    let run = validate_expect(&repo, &[], 0, &[]);
    assert_eq!(
        run.json()["summary"],
        serde_json::json!({"errors": 0, "warnings": 0, "capabilities": 3})
    );
}

#[test]
fn parse_error_in_an_entry() {
    let repo = Repo::with_registry();
    repo.replace(
        BETA,
        "updated: 2026-06-01\n",
        "updated: 2026-06-01\nnotes: [unclosed\n",
    );
    let run = validate_expect(&repo, &[], 1, &["parse-error"]);
    let p = run.problem("parse-error");
    // The line is the file's (front matter fence counted), not the YAML's.
    assert_problem(
        &p,
        "parse-error",
        "error",
        BETA,
        Some(pos(&repo.read(BETA), "[unclosed")),
        None,
    );
    assert!(p["message"].as_str().unwrap().contains("unclosed"), "{p:#}");
}

#[test]
fn parse_error_in_the_index() {
    let repo = Repo::with_registry();
    repo.replace(
        INDEX,
        "    status: experimental",
        "    status: experimental: again",
    );
    let run = validate_expect(&repo, &[], 1, &["parse-error"]);
    let (line, col) = pos(&repo.read(INDEX), ": again");
    assert_problem(
        &run.problem("parse-error"),
        "parse-error",
        "error",
        INDEX,
        Some((line, col)),
        None,
    );
}

#[test]
fn schema_violation_in_an_entry_points_at_the_field() {
    let repo = Repo::with_registry();
    repo.replace(BETA, "status: experimental", "status: bogus");
    let run = validate_expect(&repo, &[], 1, &["schema"]);
    let p = run.problem("schema");
    assert_problem(
        &p,
        "schema",
        "error",
        BETA,
        Some(pos(&repo.read(BETA), "bogus")),
        Some(BETA_ID),
    );
    assert!(
        p["message"].as_str().unwrap().starts_with("/status: "),
        "{p:#}"
    );
}

#[test]
fn schema_violation_of_a_level_and_in_the_index() {
    let repo = Repo::with_registry();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 7}");
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R9");
    let run = validate_expect(&repo, &[], 1, &["schema", "schema"]);
    let problems = run.problems();
    // Sorted by file: the index (registry/indexes) after the entry.
    assert_problem(
        &problems[0],
        "schema",
        "error",
        BETA,
        Some(after(&repo.read(BETA), "R: {current: ")),
        Some(BETA_ID),
    );
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("/maturity/R/current: ")
    );
    assert_problem(
        &problems[1],
        "schema",
        "error",
        INDEX,
        Some(pos(&repo.read(INDEX), "D1/A0/C1/R9")),
        None,
    );
    assert!(
        problems[1]["message"]
            .as_str()
            .unwrap()
            .starts_with("/capabilities/1/vector: ")
    );
}

#[test]
fn duplicate_id_between_entries() {
    let repo = Repo::with_registry();
    repo.write("registry/capabilities/zeta.md", BETA_MD);
    let run = validate_expect(&repo, &[], 1, &["duplicate-id"]);
    let p = run.problem("duplicate-id");
    assert_problem(
        &p,
        "duplicate-id",
        "error",
        "registry/capabilities/zeta.md",
        Some((2, 5)),
        Some(BETA_ID),
    );
    assert!(
        p["message"].as_str().unwrap().contains(BETA),
        "names the first holder: {p:#}"
    );
}

#[test]
fn duplicate_id_between_index_rows() {
    let repo = Repo::with_registry();
    let mut index = repo.read(INDEX);
    index.push_str(
        "  - id: capability.demo.beta\n    title: Beta thing\n    status: experimental\n    vector: D1/A0/C1/R2\n    path: registry/capabilities/beta.md\n",
    );
    repo.write(INDEX, &index);
    let run = validate_expect(&repo, &[], 1, &["duplicate-id"]);
    let line = index.lines().count() as u64 - 4;
    assert_problem(
        &run.problem("duplicate-id"),
        "duplicate-id",
        "error",
        INDEX,
        Some((line, 9)),
        Some(BETA_ID),
    );
}

#[test]
fn alias_collision_with_an_id_and_with_an_alias() {
    let repo = Repo::with_registry();
    repo.replace(
        GAMMA,
        "status: deprecated\n",
        "status: deprecated\naliases: [capability.demo.beta, capability.demo.first]\n",
    );
    let run = validate_expect(&repo, &[], 1, &["alias-collision", "alias-collision"]);
    let gamma = repo.read(GAMMA);
    let problems = run.problems();
    assert_problem(
        &problems[0],
        "alias-collision",
        "error",
        GAMMA,
        Some(pos(&gamma, "capability.demo.beta")),
        Some(GAMMA_ID),
    );
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("is the id of another capability")
    );
    assert_problem(
        &problems[1],
        "alias-collision",
        "error",
        GAMMA,
        Some(pos(&gamma, "capability.demo.first")),
        Some(GAMMA_ID),
    );
    assert!(
        problems[1]["message"].as_str().unwrap().contains(ALPHA_ID),
        "names the owner: {:#}",
        problems[1]
    );
}

#[test]
fn missing_entry() {
    let repo = Repo::with_registry();
    let mut index = repo.read(INDEX);
    index.push_str("  - id: capability.demo.ghost\n    path: registry/capabilities/ghost.md\n");
    repo.write(INDEX, &index);
    let run = validate_expect(&repo, &[], 1, &["missing-entry"]);
    let p = run.problem("missing-entry");
    let line = index.lines().count() as u64;
    assert_problem(
        &p,
        "missing-entry",
        "error",
        INDEX,
        Some((line, 11)),
        Some("capability.demo.ghost"),
    );
    assert_eq!(p["fix"], "remove the row or restore the file");
}

#[test]
fn missing_index_row() {
    let repo = Repo::with_registry();
    let index = repo.read(INDEX);
    let start = index.find("\n  - id: capability.demo.gamma").unwrap();
    repo.write(INDEX, &index[..start + 1]);
    let run = validate_expect(&repo, &[], 1, &["missing-index-row"]);
    let p = run.problem("missing-index-row");
    assert_problem(
        &p,
        "missing-index-row",
        "error",
        GAMMA,
        Some((2, 5)),
        Some(GAMMA_ID),
    );
    assert!(
        p["fix"].as_str().unwrap().contains("update --apply"),
        "fixable: {p:#}"
    );
}

#[test]
fn id_mismatch() {
    let repo = Repo::with_registry();
    repo.replace(
        INDEX,
        "- id: capability.demo.gamma",
        "- id: capability.demo.gamma-old",
    );
    let run = validate_expect(&repo, &[], 1, &["id-mismatch"]);
    let p = run.problem("id-mismatch");
    assert_problem(
        &p,
        "id-mismatch",
        "error",
        INDEX,
        Some(pos(&repo.read(INDEX), "capability.demo.gamma-old")),
        Some(GAMMA_ID),
    );
}

#[test]
fn vector_drift_in_vector_title_and_status() {
    let repo = Repo::with_registry();
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    let run = validate_expect(&repo, &[], 1, &["vector-drift"]);
    let p = run.problem("vector-drift");
    assert_problem(
        &p,
        "vector-drift",
        "error",
        INDEX,
        Some(pos(&repo.read(INDEX), "D1/A0/C1/R3")),
        Some(BETA_ID),
    );
    assert!(
        p["message"].as_str().unwrap().contains("`D1/A0/C1/R2`"),
        "says what the entry says: {p:#}"
    );
    assert!(p["fix"].as_str().unwrap().contains("update --apply"));

    let repo = Repo::with_registry();
    repo.replace(INDEX, "title: 'Beta thing'", "title: 'Beta things'");
    repo.replace(INDEX, "status: deprecated", "status: active");
    let run = validate_expect(&repo, &[], 1, &["vector-drift", "vector-drift"]);
    let index = repo.read(INDEX);
    let problems = run.problems();
    assert_problem(
        &problems[0],
        "vector-drift",
        "error",
        INDEX,
        Some(pos(&index, "'Beta things'")),
        Some(BETA_ID),
    );
    assert_problem(
        &problems[1],
        "vector-drift",
        "error",
        INDEX,
        Some(after(&index, "    title: Gamma thing\n    status: ")),
        Some(GAMMA_ID),
    );
}

#[test]
fn unknown_relation() {
    let repo = Repo::with_registry();
    repo.replace(
        ALPHA,
        "depends_on: [capability.demo.beta]",
        "depends_on: [capability.demo.beta, capability.demo.nope]",
    );
    let run = validate_expect(&repo, &[], 1, &["unknown-relation"]);
    let p = run.problem("unknown-relation");
    assert_problem(
        &p,
        "unknown-relation",
        "error",
        ALPHA,
        Some(pos(&repo.read(ALPHA), "capability.demo.nope")),
        Some(ALPHA_ID),
    );
}

#[test]
fn alias_relation_is_a_fixable_warning() {
    let repo = Repo::with_registry();
    repo.replace(
        GAMMA,
        "extends: [capability.demo.alpha]",
        "extends: [capability.demo.first]",
    );
    let run = validate_expect(&repo, &[], 0, &["alias-relation"]);
    let p = run.problem("alias-relation");
    assert_problem(
        &p,
        "alias-relation",
        "warning",
        GAMMA,
        Some(pos(&repo.read(GAMMA), "capability.demo.first")),
        Some(GAMMA_ID),
    );
    assert!(
        p["fix"].as_str().unwrap().contains(ALPHA_ID),
        "names the canonical id: {p:#}"
    );
}

#[test]
fn self_relation_by_id_and_by_own_alias() {
    let repo = Repo::with_registry();
    repo.replace(
        BETA,
        "updated: 2026-06-01",
        "relations:\n  overlaps: [capability.demo.beta]\nupdated: 2026-06-01",
    );
    repo.replace(ALPHA, "extends: []", "extends: [capability.demo.first]");
    let run = validate_expect(&repo, &[], 1, &["self-relation", "self-relation"]);
    let problems = run.problems();
    assert_problem(
        &problems[0],
        "self-relation",
        "error",
        ALPHA,
        Some(after(&repo.read(ALPHA), "extends: [")),
        Some(ALPHA_ID),
    );
    assert_problem(
        &problems[1],
        "self-relation",
        "error",
        BETA,
        Some(after(&repo.read(BETA), "overlaps: [")),
        Some(BETA_ID),
    );
}

#[test]
fn dependency_cycle_is_printed() {
    let repo = Repo::with_registry();
    repo.replace(
        BETA,
        "updated: 2026-06-01",
        "relations:\n  depends_on: [capability.demo.alpha]\nupdated: 2026-06-01",
    );
    let run = validate_expect(&repo, &[], 1, &["dependency-cycle"]);
    let p = run.problem("dependency-cycle");
    // Reported once, on the smallest id of the cycle, at its edge.
    assert_problem(
        &p,
        "dependency-cycle",
        "error",
        ALPHA,
        Some(pos(&repo.read(ALPHA), "capability.demo.beta]")),
        Some(ALPHA_ID),
    );
    assert!(
        p["message"]
            .as_str()
            .unwrap()
            .ends_with("capability.demo.alpha -> capability.demo.beta -> capability.demo.alpha"),
        "{p:#}"
    );
}

#[test]
fn evidence_missing() {
    let repo = Repo::with_registry();
    repo.remove("tests/beta_test.rs");
    let run = validate_expect(&repo, &[], 1, &["evidence-missing"]);
    let p = run.problem("evidence-missing");
    assert_problem(
        &p,
        "evidence-missing",
        "error",
        BETA,
        Some(pos(&repo.read(BETA), "tests/beta_test.rs")),
        Some(BETA_ID),
    );
    assert!(
        p["message"].as_str().unwrap().contains("working tree"),
        "{p:#}"
    );
}

#[test]
fn evidence_missing_in_promotion_history() {
    let repo = Repo::with_registry();
    repo.replace(
        ALPHA,
        "evidence: [tests/alpha_test.rs], by:",
        "evidence: [tests/old_test.rs], by:",
    );
    let run = validate_expect(&repo, &[], 1, &["evidence-missing"]);
    let p = run.problem("evidence-missing");
    assert_problem(
        &p,
        "evidence-missing",
        "error",
        ALPHA,
        Some(pos(&repo.read(ALPHA), "tests/old_test.rs")),
        Some(ALPHA_ID),
    );
}

#[test]
fn path_escape() {
    let repo = Repo::with_registry();
    repo.replace(
        BETA,
        "tests: [tests/beta_test.rs]",
        "tests: [tests/beta_test.rs, ../x]",
    );
    let run = validate_expect(&repo, &[], 1, &["path-escape"]);
    let p = run.problem("path-escape");
    assert_problem(
        &p,
        "path-escape",
        "error",
        BETA,
        Some(pos(&repo.read(BETA), "../x")),
        Some(BETA_ID),
    );
}

#[test]
fn path_escape_in_an_index_row_and_a_surface_glob() {
    let repo = Repo::with_registry();
    repo.replace(
        INDEX,
        "path: \"registry/capabilities/gamma.md\"",
        "path: \"/etc/passwd\"",
    );
    repo.replace(
        BETA,
        "surface: [\"src/beta/**\"]",
        "surface: [\"../src/beta/**\"]",
    );
    let run = validate_expect(&repo, &[], 1, &["path-escape", "path-escape"]);
    let problems = run.problems();
    assert_problem(
        &problems[0],
        "path-escape",
        "error",
        BETA,
        Some(pos(&repo.read(BETA), "\"../src")),
        Some(BETA_ID),
    );
    assert_problem(
        &problems[1],
        "path-escape",
        "error",
        INDEX,
        Some(pos(&repo.read(INDEX), "\"/etc/passwd\"")),
        Some(GAMMA_ID),
    );
}

#[test]
fn unsupported_level_is_a_warning() {
    let repo = Repo::with_registry();
    // D3 without documentation, R4 with tests but no CI workflow; the index
    // follows so nothing else fires.
    repo.replace(BETA, "D: {current: 1}", "D: {current: 3}");
    repo.replace(BETA, "R: {current: 2}", "R: {current: 4}");
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D3/A0/C1/R4");
    let run = validate_expect(&repo, &[], 0, &["unsupported-level", "unsupported-level"]);
    let beta = repo.read(BETA);
    let problems = run.problems();
    assert_problem(
        &problems[0],
        "unsupported-level",
        "warning",
        BETA,
        Some(after(&beta, "D: {current: ")),
        Some(BETA_ID),
    );
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("D >= 3 needs at least one `evidence.documentation` path")
    );
    assert_problem(
        &problems[1],
        "unsupported-level",
        "warning",
        BETA,
        Some(after(&beta, "R: {current: ")),
        Some(BETA_ID),
    );
    assert!(
        problems[1]["message"]
            .as_str()
            .unwrap()
            .contains("R >= 4 needs a CI workflow file")
    );
}

#[test]
fn history_mismatch() {
    let repo = Repo::with_registry();
    repo.replace(
        ALPHA,
        "dimension: C, from: 1, to: 2,",
        "dimension: C, from: 0, to: 1,",
    );
    let run = validate_expect(&repo, &[], 0, &["history-mismatch"]);
    let p = run.problem("history-mismatch");
    assert_problem(
        &p,
        "history-mismatch",
        "warning",
        ALPHA,
        Some(after(&repo.read(ALPHA), "from: 0, to: ")),
        Some(ALPHA_ID),
    );
}

#[test]
fn target_below_current() {
    let repo = Repo::with_registry();
    repo.replace(
        ALPHA,
        "D: {current: 3, target: 4}",
        "D: {current: 3, target: 2}",
    );
    let run = validate_expect(&repo, &[], 0, &["target-below-current"]);
    let p = run.problem("target-below-current");
    assert_problem(
        &p,
        "target-below-current",
        "warning",
        ALPHA,
        Some(after(&repo.read(ALPHA), "D: {current: 3, target: ")),
        Some(ALPHA_ID),
    );
}

#[test]
fn stale_index_date() {
    let repo = Repo::with_registry();
    repo.replace(GAMMA, "updated: 2026-05-01", "updated: 2026-07-01");
    let run = validate_expect(&repo, &[], 0, &["stale-index-date"]);
    let p = run.problem("stale-index-date");
    assert_problem(
        &p,
        "stale-index-date",
        "warning",
        INDEX,
        Some((3, 10)),
        None,
    );
    assert!(p["fix"].as_str().unwrap().contains("2026-07-01"), "{p:#}");
}

#[test]
fn deprecated_dependency() {
    let repo = Repo::with_registry();
    repo.replace(
        ALPHA,
        "depends_on: [capability.demo.beta]",
        "depends_on: [capability.demo.beta, capability.demo.gamma]",
    );
    let run = validate_expect(&repo, &[], 0, &["deprecated-dependency"]);
    let p = run.problem("deprecated-dependency");
    assert_problem(
        &p,
        "deprecated-dependency",
        "warning",
        ALPHA,
        Some(pos(&repo.read(ALPHA), "capability.demo.gamma")),
        Some(ALPHA_ID),
    );
}

#[test]
fn a_broken_entry_is_reported_once_not_as_unknown_relations_elsewhere() {
    let repo = Repo::with_registry();
    // Alpha depends on beta; beta no longer parses. Only beta's own error.
    repo.replace(BETA, "maturity:", "maturity: [");
    let run = validate_expect(&repo, &[], 1, &["parse-error"]);
    assert_eq!(run.problem("parse-error")["file"], BETA);
    // Same when beta parses but fails the schema.
    let repo = Repo::with_registry();
    repo.replace(BETA, "status: experimental", "status: bogus");
    validate_expect(&repo, &[], 1, &["schema"]);
}

#[test]
fn templates_and_other_files_beside_the_entries_are_ignored() {
    let repo = Repo::with_registry();
    repo.write(
        "registry/capabilities/_template.md",
        "---\nid: NOT AN ID\n---\n",
    );
    repo.write("registry/capabilities/notes.txt", "not: [yaml");
    repo.write("registry/capabilities/drafts/x.md", "---\nid: [\n---\n");
    let run = validate_expect(&repo, &[], 0, &[]);
    assert_eq!(run.json()["summary"]["capabilities"], 3);
}

// ------------------------------------------------------------ severities

#[test]
fn severity_override_raises_a_warning_to_an_error() {
    let repo = Repo::with_registry();
    repo.replace(BETA, "D: {current: 1}", "D: {current: 3}");
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D3/A0/C1/R2");
    validate_expect(&repo, &[], 0, &["unsupported-level"]);
    repo.write(CONFIG, "# policy\nchecks:\n  unsupported-level: error\n");
    let run = validate_expect(&repo, &[], 1, &["unsupported-level"]);
    assert_eq!(run.problem("unsupported-level")["severity"], "error");
    assert!(run.stdout.contains("\"errors\": 1"));
    let text = repo.run(&["validate"]);
    text.assert_code(1);
    assert!(
        text.stdout.starts_with("error[unsupported-level]: "),
        "{}",
        text.show()
    );
}

#[test]
fn severity_override_off_and_down_to_warning() {
    let repo = Repo::with_registry();
    repo.replace(BETA, "D: {current: 1}", "D: {current: 3}");
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D3/A0/C1/R2");
    repo.replace(INDEX, "status: deprecated", "status: retired");
    validate_expect(&repo, &[], 1, &["unsupported-level", "vector-drift"]);
    repo.write(
        CONFIG,
        "checks: {unsupported-level: off, vector-drift: warning}\n",
    );
    let run = validate_expect(&repo, &[], 0, &["vector-drift"]);
    assert_eq!(run.problem("vector-drift")["severity"], "warning");
}

#[test]
fn an_invalid_severity_in_the_config_is_a_schema_error() {
    let repo = Repo::with_registry();
    repo.write(CONFIG, "checks:\n  vector-drift: loud\n");
    let run = validate_expect(&repo, &[], 1, &["schema"]);
    assert_problem(
        &run.problem("schema"),
        "schema",
        "error",
        CONFIG,
        Some((2, 17)),
        None,
    );
}

#[test]
fn an_unknown_check_in_the_config_names_the_nearest_slug() {
    let repo = Repo::with_registry();
    repo.write(
        CONFIG,
        "# policy\nchecks:\n  unsupported-level: error\n  vector-drfit: warning\n",
    );
    let run = validate_expect(&repo, &[], 1, &["schema"]);
    let p = run.problem("schema");
    assert_problem(&p, "schema", "error", CONFIG, Some((4, 17)), None);
    assert_eq!(
        p["message"],
        "unknown check `vector-drfit`; did you mean `vector-drift`?"
    );
    assert!(
        p["fix"].as_str().unwrap().contains("explain --list"),
        "{p:#}"
    );
    let text = repo.run(&["validate"]);
    text.assert_code(1);
    assert!(
        text.stdout
            .contains("did you mean `vector-drift`?\n --> registry/config.yaml:4:17\n"),
        "{}",
        text.show()
    );
}

#[test]
fn schema_and_parse_error_cannot_be_switched_off_or_lowered() {
    let repo = Repo::with_registry();
    // An entry that violates its schema, so the override would matter.
    repo.replace(BETA, "R: {current: 2}", "R: {current: high}");
    repo.write(CONFIG, "checks:\n  schema: off\n");
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    let doc = run.json();
    let problems = doc["problems"].as_array().unwrap();
    let off: Vec<_> = problems.iter().filter(|p| p["file"] == CONFIG).collect();
    assert_eq!(off.len(), 1, "{}", run.show());
    assert_problem(off[0], "schema", "error", CONFIG, Some((2, 11)), None);
    assert!(
        off[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("`schema` cannot be switched off"),
        "{}",
        run.show()
    );
    // The entry's own schema problem is still an error.
    let entry = problems
        .iter()
        .find(|p| p["file"] == BETA)
        .expect("the entry's schema problem");
    assert_eq!(entry["check"], "schema");
    assert_eq!(entry["severity"], "error");
    // Lowering is refused the same way; `error` changes nothing and is fine.
    repo.write(CONFIG, "checks: {parse-error: warning}\n");
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    assert!(
        run.stdout
            .contains("`parse-error` cannot be lowered to a warning"),
        "{}",
        run.show()
    );
    repo.replace(BETA, "R: {current: high}", "R: {current: 2}");
    repo.write(CONFIG, "checks: {parse-error: error, schema: error}\n");
    validate_expect(&repo, &[], 0, &[]);
}
