//! `update` (SPEC §4): deterministic patches, listed as diffs and written
//! only with `--apply`, edited in place (only the touched lines change:
//! comments, blank lines, quoting, CRLF and BOM survive), written as one
//! validated batch that is refused as a whole when the result would not
//! validate. Diff signals come from `--staged` and `--from-git-since` with
//! the real git.

use crate::common::*;
use serde_json::Value;

fn patch_schema() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/registry-patch.schema.json"
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("schema"))
        .expect("schema is JSON");
    jsonschema::draft202012::new(&schema).expect("schema compiles")
}

/// `update --format json` plus `extra`; the document must validate
/// against `schemas/registry-patch.schema.json`.
fn update_json(repo: &Repo, extra: &[&str]) -> Value {
    let mut args = vec!["update", "--format", "json"];
    args.extend_from_slice(extra);
    let run = repo.run(&args);
    run.assert_code(0);
    let doc = run.json();
    let validator = patch_schema();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "update --format json does not match the patch schema: {errors:#?}\n{doc:#}"
    );
    doc
}

/// `(kind, capability_id, append)` of every patch, in output order.
fn kinds(doc: &Value) -> Vec<(String, String, Option<String>)> {
    doc["patches"]
        .as_array()
        .expect("patches")
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap().to_string(),
                p["capability_id"].as_str().unwrap().to_string(),
                p["append"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn k(kind: &str, id: &str, append: Option<&str>) -> (String, String, Option<String>) {
    (kind.to_string(), id.to_string(), append.map(str::to_string))
}

/// All files under `registry/`, path → bytes.
fn snapshot(repo: &Repo) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["registry", "registry/indexes", "registry/capabilities"] {
        for e in std::fs::read_dir(repo.path(dir)).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_file() {
                let rel = format!("{dir}/{}", e.file_name().to_string_lossy());
                out.push((rel.clone(), repo.read_bytes(&rel)));
            }
        }
    }
    out.sort();
    out
}

// ------------------------------------------------------------- drift

#[test]
fn apply_changes_exactly_the_drifted_line_of_the_index() {
    let repo = Repo::committed();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    repo.commit_all("beta reaches R3");
    let before = repo.read(INDEX);

    // Listing shows the patch and its diff, and writes nothing.
    let run = repo.run(&["update", "--all"]);
    run.assert_code(0);
    assert!(
        run.stdout
            .starts_with("vector_sync capability.demo.beta (safe): "),
        "{}",
        run.show()
    );
    assert!(
        run.stdout
            .contains("-    vector: D1/A0/C1/R2\n+    vector: D1/A0/C1/R3\n"),
        "{}",
        run.show()
    );
    assert!(
        run.stdout
            .ends_with("run with --apply to write these changes\n"),
        "{}",
        run.show()
    );
    assert_eq!(repo.read(INDEX), before);

    let run = repo.run(&["update", "--all", "--apply"]);
    run.assert_code(0);
    assert!(
        run.stdout.ends_with("applied 1 patch(es) to 1 file(s)\n"),
        "{}",
        run.show()
    );
    assert_eq!(
        repo.git(&["diff", "--numstat"]),
        "1\t1\tregistry/indexes/capabilities.yaml\n"
    );
    // Everything else byte for byte: comments, blank lines, quoting.
    assert_eq!(
        repo.read(INDEX),
        INDEX_YAML.replace("vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3")
    );
    repo.run(&["validate"]).assert_code(0);
    // Nothing left to do, and no stray files.
    let again = repo.run(&["update", "--all", "--apply"]);
    again.assert_code(0);
    assert!(
        again
            .stdout
            .starts_with("no patches: the registry is in sync\n"),
        "{}",
        again.show()
    );
    assert_eq!(
        repo.git(&["status", "--porcelain", "--untracked-files=all"]),
        " M registry/indexes/capabilities.yaml\n"
    );
}

#[test]
fn drift_fixes_keep_each_fields_quoting_and_trailing_comment() {
    let repo = Repo::committed();
    repo.replace(
        ALPHA,
        "title: \"Alpha: the first\"",
        "title: \"Alpha: the best\"",
    );
    repo.replace(BETA, "title: Beta thing", "title: Beta's thing");
    repo.replace(GAMMA, "C: {current: 0}", "C: {current: 1}");
    repo.replace(GAMMA, "status: deprecated", "status: retired");
    repo.commit_all("edit entries");
    repo.run(&["update", "--apply"]).assert_code(0);
    assert_eq!(
        repo.git(&["diff", "--numstat"]),
        "4\t4\tregistry/indexes/capabilities.yaml\n"
    );
    let expected = INDEX_YAML
        .replace("title: \"Alpha: the first\"", "title: \"Alpha: the best\"")
        .replace("title: 'Beta thing'", "title: 'Beta''s thing'")
        .replace(
            "status: deprecated\n    vector: D0/A0/C0/R0   # nothing yet",
            "status: retired\n    vector: D0/A0/C1/R0   # nothing yet",
        );
    assert_eq!(repo.read(INDEX), expected);
    repo.run(&["validate"]).assert_code(0);
}

#[test]
fn index_date_bump_edits_only_the_date() {
    let repo = Repo::committed();
    repo.replace(GAMMA, "updated: 2026-05-01", "updated: 2026-07-01");
    repo.commit_all("gamma edited later");
    let doc = update_json(&repo, &[]);
    assert_eq!(kinds(&doc), [k("index_date_bump", GAMMA_ID, None)]);
    assert_eq!(doc["patches"][0]["set"], "2026-07-01");
    repo.run(&["update", "--apply"]).assert_code(0);
    assert_eq!(
        repo.read(INDEX),
        INDEX_YAML.replace("updated: 2026-06-17   #", "updated: 2026-07-01   #")
    );
}

#[test]
fn alias_canonicalize_rewrites_the_relation_in_the_entry() {
    let repo = Repo::committed();
    repo.replace(
        GAMMA,
        "extends: [capability.demo.alpha]",
        "extends: [capability.demo.first]",
    );
    let doc = update_json(&repo, &[]);
    assert_eq!(kinds(&doc), [k("alias_canonicalize", GAMMA_ID, None)]);
    assert_eq!(
        doc["patches"][0]["replace"],
        serde_json::json!({"from": "capability.demo.first", "to": ALPHA_ID})
    );
    repo.run(&["update", "--apply"]).assert_code(0);
    assert_eq!(repo.read(GAMMA), GAMMA_MD);
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

// ------------------------------------------------------- index_row_add

const BETA2_MD: &str = "---\nid: capability.demo.beta2\ntitle: Beta, the sequel\nstatus: active\nmaturity:\n  D: {current: 0}\n  A: {current: 0}\n  C: {current: 1}\n  R: {current: 0}\nupdated: 2026-06-02\n---\n";

#[test]
fn index_row_add_inserts_in_id_order_in_the_files_layout() {
    let repo = Repo::committed();
    repo.write("registry/capabilities/beta2.md", BETA2_MD);
    let doc = update_json(&repo, &[]);
    assert_eq!(
        kinds(&doc),
        [k("index_row_add", "capability.demo.beta2", None)]
    );
    repo.run(&["update", "--apply"]).assert_code(0);
    let row = "  - id: capability.demo.beta2\n    title: Beta, the sequel\n    status: active\n    vector: D0/A0/C1/R0\n    path: registry/capabilities/beta2.md\n";
    let expected = INDEX_YAML.replace(
        "  - id: capability.demo.gamma\n",
        &format!("{row}  - id: capability.demo.gamma\n"),
    );
    assert_eq!(repo.read(INDEX), expected);
    assert_eq!(
        repo.git(&["diff", "--numstat"]),
        "5\t0\tregistry/indexes/capabilities.yaml\n"
    );
    repo.run(&["validate"]).assert_code(0);
}

#[test]
fn index_row_add_follows_another_layout_and_the_ends() {
    let repo = Repo::with_registry();
    // Rows flush with their key, four fields, no blank lines.
    let flush = "schema_version: 1\nupdated: 2026-06-17\ncapabilities:\n\
        - id: capability.demo.alpha\n  title: \"Alpha: the first\"\n  status: active\n  vector: D3/A3/C2/R4\n  path: registry/capabilities/alpha.md\n\
        - id: capability.demo.beta\n  title: Beta thing\n  status: experimental\n  vector: D1/A0/C1/R2\n  path: registry/capabilities/beta.md\n\
        - id: capability.demo.gamma\n  title: Gamma thing\n  status: deprecated\n  vector: D0/A0/C0/R0\n  path: registry/capabilities/gamma.md\n";
    repo.write(INDEX, flush);
    repo.run(&["validate"]).assert_code(0);
    repo.write("registry/capabilities/beta2.md", BETA2_MD);
    repo.write(
        "registry/capabilities/aaa.md",
        BETA2_MD
            .replace("beta2", "aaa")
            .replace("Beta, the sequel", "First"),
    );
    repo.write(
        "registry/capabilities/zeta.md",
        BETA2_MD
            .replace("beta2", "zeta")
            .replace("Beta, the sequel", "Last"),
    );
    repo.run(&["update", "--apply"]).assert_code(0);
    let row = |id: &str, title: &str, file: &str| {
        format!(
            "- id: capability.demo.{id}\n  title: {title}\n  status: active\n  vector: D0/A0/C1/R0\n  path: registry/capabilities/{file}.md\n"
        )
    };
    let expected = flush
        .replace(
            "- id: capability.demo.alpha\n",
            &format!(
                "{}- id: capability.demo.alpha\n",
                row("aaa", "First", "aaa")
            ),
        )
        .replace(
            "- id: capability.demo.gamma\n",
            &format!(
                "{}- id: capability.demo.gamma\n",
                row("beta2", "Beta, the sequel", "beta2")
            ),
        )
        + &row("zeta", "Last", "zeta");
    assert_eq!(repo.read(INDEX), expected);
    repo.run(&["validate"]).assert_code(0);
}

#[test]
fn index_row_add_into_an_empty_index() {
    let repo = Repo::with_registry();
    repo.write(
        INDEX,
        "schema_version: 1\nupdated: 2026-06-17\ncapabilities: []\n",
    );
    repo.run(&["update", "--apply"]).assert_code(0);
    let index = repo.read(INDEX);
    assert!(
        index.starts_with(
            "schema_version: 1\nupdated: 2026-06-17\ncapabilities:\n  - id: capability.demo.alpha\n"
        ),
        "{index}"
    );
    let ids: Vec<&str> = index
        .lines()
        .filter_map(|l| l.strip_prefix("  - id: "))
        .collect();
    assert_eq!(ids, [ALPHA_ID, BETA_ID, GAMMA_ID]);
    repo.run(&["validate"]).assert_code(0);
}

// ---------------------------------------------------------- diff signals

/// A committed registry whose alpha also owns the CI workflows and whose
/// gamma owns `gamma/docs/**`.
fn signal_repo() -> Repo {
    let repo = Repo::with_registry();
    repo.replace(
        ALPHA,
        "surface: [\"src/alpha/**\", \"docs/alpha.md\"]",
        "surface: [\"src/alpha/**\", \"docs/alpha.md\", \".github/workflows/**\"]",
    );
    repo.replace(
        GAMMA,
        "surface: [\"src/gamma/**\"]",
        "surface: [\"src/gamma/**\", \"gamma/docs/**\"]",
    );
    repo.git_init();
    repo.commit_all("registry");
    repo
}

fn stage_signals(repo: &Repo) {
    repo.write(".github/workflows/release.yml", "on: push\n");
    repo.write("src/alpha/parse_test.rs", "#[test]\nfn parse() {}\n");
    repo.write("src/beta/README.md", "# Beta\n");
    repo.write("gamma/docs/guide.md", "# Gamma guide\n");
    repo.write("docs/other.md", "# Nobody's\n");
    repo.write("src/beta/helper.rs", "// no signal\n");
    repo.git(&["add", "-A"]);
}

#[test]
fn staged_signals_become_evidence_appends_by_surface() {
    let repo = signal_repo();
    stage_signals(&repo);
    let doc = update_json(&repo, &["--staged"]);
    assert_eq!(
        kinds(&doc),
        [
            k(
                "evidence_append",
                ALPHA_ID,
                Some(".github/workflows/release.yml")
            ),
            k("evidence_append", GAMMA_ID, Some("gamma/docs/guide.md")),
            k("evidence_append", ALPHA_ID, Some("src/alpha/parse_test.rs")),
            k("evidence_append", BETA_ID, Some("src/beta/README.md")),
        ]
    );
    let fields: Vec<&str> = doc["patches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field_path"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "evidence.tests",
            "evidence.documentation",
            "evidence.tests",
            "evidence.documentation"
        ]
    );
    for p in doc["patches"].as_array().unwrap() {
        assert_eq!(
            (
                p["source"].as_str(),
                p["safe"].as_bool(),
                p["confidence"].as_str()
            ),
            (Some("deterministic"), Some(true), Some("high"))
        );
        assert_eq!(p["evidence_citations"], serde_json::json!([p["append"]]));
    }
    // Unassigned: more than one capability and no surface matches.
    assert_eq!(
        doc["unassigned"],
        serde_json::json!([{"path": "docs/other.md", "signal": "documentation", "reason": "no capability's `surface` matches it"}])
    );
    assert_eq!(doc["applied"], false);

    let run = repo.run(&["update", "--staged", "--apply"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains(
            "unassigned: docs/other.md (documentation): no capability's `surface` matches it\n"
        ),
        "{}",
        run.show()
    );
    assert_eq!(
        repo.read(ALPHA),
        ALPHA_MD
            .replace("\"docs/alpha.md\"]", "\"docs/alpha.md\", \".github/workflows/**\"]")
            .replace(
                "    - .github/workflows/ci.yml\n",
                "    - .github/workflows/ci.yml\n    - .github/workflows/release.yml\n    - src/alpha/parse_test.rs\n"
            )
    );
    assert_eq!(
        repo.read(BETA),
        BETA_MD.replace(
            "  tests: [tests/beta_test.rs]\n",
            "  tests: [tests/beta_test.rs]\n  documentation: [src/beta/README.md]\n"
        )
    );
    assert_eq!(
        repo.read(GAMMA),
        GAMMA_MD
            .replace("\"src/gamma/**\"]", "\"src/gamma/**\", \"gamma/docs/**\"]")
            .replace(
                "updated: 2026-05-01\n",
                "updated: 2026-05-01\nevidence: {documentation: [gamma/docs/guide.md]}\n"
            )
    );
    // Entry edits that change no derived field leave the index alone, and
    // the registry validates (the staged files exist).
    assert_eq!(repo.read(INDEX), INDEX_YAML);
    repo.run(&["validate"]).assert_code(0);
    repo.git(&["add", "-A"]);
    repo.run(&["validate", "--staged"]).assert_code(0);
    // Applied patches are not proposed twice.
    assert_eq!(kinds(&update_json(&repo, &["--staged"])), []);
}

#[test]
fn from_git_since_reads_the_commits_since_the_merge_base() {
    let repo = signal_repo();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    stage_signals(&repo);
    repo.git(&["commit", "-q", "-m", "signals"]);
    // Changes on main after the branch point are not ours.
    repo.git(&["checkout", "-q", "main"]);
    repo.write("src/beta/late_test.rs", "// on main\n");
    repo.commit_all("main moves on");
    repo.git(&["checkout", "-q", "feature"]);
    let doc = update_json(&repo, &["--from-git-since", "main"]);
    assert_eq!(
        kinds(&doc),
        [
            k(
                "evidence_append",
                ALPHA_ID,
                Some(".github/workflows/release.yml")
            ),
            k("evidence_append", GAMMA_ID, Some("gamma/docs/guide.md")),
            k("evidence_append", ALPHA_ID, Some("src/alpha/parse_test.rs")),
            k("evidence_append", BETA_ID, Some("src/beta/README.md")),
        ]
    );
    assert_eq!(doc["unassigned"].as_array().unwrap().len(), 1);
    // --capability narrows the scope.
    let doc = update_json(
        &repo,
        &["--from-git-since", "main", "--capability", BETA_ID],
    );
    assert_eq!(
        kinds(&doc),
        [k("evidence_append", BETA_ID, Some("src/beta/README.md"))]
    );
    repo.run(&[
        "update",
        "--from-git-since",
        "main",
        "--capability",
        BETA_ID,
        "--apply",
    ])
    .assert_code(0);
    assert_eq!(
        repo.git(&["diff", "--numstat"]),
        "1\t0\tregistry/capabilities/beta.md\n"
    );
    // An unknown ref is a usage error.
    let run = repo.run(&["update", "--from-git-since", "nope"]);
    run.assert_code(2);
    assert!(
        run.one_line_error()
            .contains("cannot resolve revision `nope`"),
        "{}",
        run.show()
    );
}

#[test]
fn a_cargo_bin_becomes_an_artifact_of_the_only_capability() {
    // One capability: every signal belongs to it, surface or not.
    let repo = Repo::new();
    repo.write(INDEX, "schema_version: 1\nupdated: 2026-06-01\ncapabilities:\n  - id: capability.demo.beta\n    title: Beta thing\n    status: experimental\n    vector: D1/A0/C1/R2\n    path: registry/capabilities/beta.md\n");
    repo.write(BETA, BETA_MD);
    repo.write("tests/beta_test.rs", "\n");
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"beta\"\nversion = \"0.1.0\"\n",
    );
    repo.git_init();
    repo.commit_all("one capability");
    repo.write("Cargo.toml", "[package]\nname = \"beta\"\nversion = \"0.1.0\"\n\n[[bin]]\nname = \"beta-cli\"\npath = \"src/main.rs\"\n");
    repo.write("docs/usage.md", "# Usage\n");
    repo.git(&["add", "-A"]);
    let doc = update_json(&repo, &["--staged"]);
    // The crate itself was already declared before: only the new binary.
    assert_eq!(
        kinds(&doc),
        [
            k("artifact_append", BETA_ID, Some("cli:beta-cli")),
            k("evidence_append", BETA_ID, Some("docs/usage.md"))
        ]
    );
    assert_eq!(
        doc["patches"][0]["field_path"],
        "availability.current_artifacts"
    );
    assert!(
        doc["patches"][0]["rationale"]
            .as_str()
            .unwrap()
            .contains("Cargo.toml declares cli:beta-cli")
    );
    assert_eq!(doc["unassigned"], serde_json::json!([]));
    repo.run(&["update", "--staged", "--apply"]).assert_code(0);
    assert_eq!(
        repo.read(BETA),
        BETA_MD
            .replace(
                "updated: 2026-06-01\n",
                "updated: 2026-06-01\navailability: {current_artifacts: [cli:beta-cli]}\n"
            )
            .replace(
                "  tests: [tests/beta_test.rs]\n",
                "  tests: [tests/beta_test.rs]\n  documentation: [docs/usage.md]\n"
            )
    );
    repo.run(&["validate"]).assert_code(0);
}

#[test]
fn a_new_package_manifest_declares_its_crate_too() {
    let repo = Repo::new();
    repo.write(INDEX, "schema_version: 1\nupdated: 2026-06-01\ncapabilities:\n  - id: capability.demo.beta\n    title: Beta thing\n    status: experimental\n    vector: D1/A0/C1/R2\n    path: registry/capabilities/beta.md\n");
    repo.write(BETA, BETA_MD);
    repo.write("tests/beta_test.rs", "\n");
    repo.git_init();
    repo.commit_all("one capability");
    repo.write("Cargo.toml", "[package]\nname = \"beta\"\nversion = \"0.1.0\"\n\n[[bin]]\nname = \"beta-cli\"\npath = \"src/main.rs\"\n");
    repo.git(&["add", "-A"]);
    let doc = update_json(&repo, &["--staged"]);
    assert_eq!(
        kinds(&doc),
        [
            k("artifact_append", BETA_ID, Some("cli:beta-cli")),
            k("artifact_append", BETA_ID, Some("crate:beta"))
        ]
    );
}

// ------------------------------------------------------ bytes preserved

#[test]
fn crlf_files_keep_crlf_after_apply() {
    let repo = Repo::with_registry();
    for (path, text) in [
        (INDEX, INDEX_YAML),
        (ALPHA, ALPHA_MD),
        (BETA, BETA_MD),
        (GAMMA, GAMMA_MD),
    ] {
        repo.write(path, text.replace('\n', "\r\n"));
    }
    repo.git_init();
    repo.git(&["config", "core.autocrlf", "false"]);
    repo.commit_all("crlf registry");
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    repo.write(
        "registry/capabilities/beta2.md",
        BETA2_MD.replace('\n', "\r\n"),
    );
    repo.write("src/alpha/crlf_test.rs", "\n");
    repo.git(&["add", "-A"]);
    repo.run(&["update", "--staged", "--apply"]).assert_code(0);
    let index = repo.read(INDEX);
    let alpha = repo.read(ALPHA);
    for (name, text) in [("index", &index), ("alpha", &alpha)] {
        assert_eq!(
            text.matches('\n').count(),
            text.matches("\r\n").count(),
            "{name} has a bare LF:\n{text:?}"
        );
    }
    let row = "  - id: capability.demo.beta2\n    title: Beta, the sequel\n    status: active\n    vector: D0/A0/C1/R0\n    path: registry/capabilities/beta2.md\n";
    let expected = INDEX_YAML
        .replace("vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3")
        .replace(
            "  - id: capability.demo.gamma\n",
            &format!("{row}  - id: capability.demo.gamma\n"),
        )
        .replace('\n', "\r\n");
    assert_eq!(index, expected);
    assert_eq!(
        alpha,
        ALPHA_MD
            .replace(
                "    - .github/workflows/ci.yml\n",
                "    - .github/workflows/ci.yml\n    - src/alpha/crlf_test.rs\n"
            )
            .replace('\n', "\r\n")
    );
    repo.run(&["validate"]).assert_code(0);
}

#[test]
fn a_byte_order_mark_survives_apply() {
    let repo = Repo::with_registry();
    repo.write(INDEX, format!("\u{feff}{INDEX_YAML}"));
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    repo.run(&["update", "--apply"]).assert_code(0);
    assert_eq!(
        repo.read(INDEX),
        format!(
            "\u{feff}{}",
            INDEX_YAML.replace("D1/A0/C1/R2", "D1/A0/C1/R3")
        )
    );
}

// ------------------------------------------------------------ atomicity

#[test]
fn apply_refuses_a_batch_that_would_not_validate_and_writes_nothing() {
    let repo = Repo::committed();
    // A drift (index) and a test file that is staged but then deleted from
    // the working tree: its evidence_append (entry) would cite a file that
    // does not exist where the batch is written.
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    repo.write("src/alpha/ghost_test.rs", "\n");
    repo.git(&["add", "-A"]);
    repo.remove("src/alpha/ghost_test.rs");
    let before = snapshot(&repo);
    let doc = update_json(&repo, &["--staged"]);
    assert_eq!(
        kinds(&doc),
        [
            k("evidence_append", ALPHA_ID, Some("src/alpha/ghost_test.rs")),
            k("vector_sync", BETA_ID, None)
        ]
    );
    let run = repo.run(&["update", "--staged", "--apply"]);
    run.assert_code(1);
    let line = run.stderr.lines().last().unwrap_or_default();
    // The drift fix would remove one error: the new one must not hide
    // behind it.
    assert!(
        line.starts_with("error: refusing to write: the patches would add an error (error[evidence-missing] in registry/capabilities/alpha.md: evidence.tests path `src/alpha/ghost_test.rs` does not exist"),
        "{}",
        run.show()
    );
    // Same bytes, and no temporary file left beside them (the snapshot
    // lists hidden files too).
    assert_eq!(snapshot(&repo), before, "every file as it was");
    // The JSON form refuses the same way.
    let run = repo.run(&["update", "--staged", "--apply", "--format", "json"]);
    run.assert_code(1);
    assert_eq!(snapshot(&repo), before);
    // Without the bad patch the same batch goes through.
    repo.git(&["rm", "-q", "--cached", "src/alpha/ghost_test.rs"]);
    repo.run(&["update", "--staged", "--apply"]).assert_code(0);
    assert_eq!(
        repo.git(&["diff", "--numstat"]),
        "1\t1\tregistry/indexes/capabilities.yaml\n"
    );
}

#[test]
fn listing_never_writes() {
    let repo = Repo::committed();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    repo.write("registry/capabilities/beta2.md", BETA2_MD);
    let before = snapshot(&repo);
    let doc = update_json(&repo, &[]);
    assert_eq!(kinds(&doc).len(), 2);
    repo.run(&["update"]).assert_code(0);
    assert_eq!(snapshot(&repo), before);
}
