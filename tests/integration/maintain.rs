//! `maintain`: the automatic session (`--auto`, `--yes`, JSON events), the
//! gates against a test LLM bridge on 127.0.0.1, the bridge's failures,
//! the OpenAI-compatible backend, and `hook agent-stop`; the interactive
//! session in a real pseudo-terminal (`pty`), and the test bridge itself
//! (`llm_server_selfcheck`).

mod llm_server_selfcheck;
mod pty;

use crate::common::*;
use crate::support::llm_server::{LlmServer, Reply, connect_answer, openai_answer};
use serde_json::{Value, json};
use std::time::Duration;

/// A committed clean registry whose CI workflow `.github/workflows/beta.yml`
/// belongs to beta (by its surface).
fn repo_with_beta_workflow_surface() -> Repo {
    let repo = Repo::with_registry();
    repo.replace(
        BETA,
        "surface: [\"src/beta/**\"]",
        "surface: [\"src/beta/**\", \".github/workflows/beta.yml\"]",
    );
    repo.git_init();
    repo.commit_all("clean registry");
    repo
}

/// The three deterministic problems of the acceptance line: beta's vector
/// drifted (R raised in the entry), a new entry without an index row, and a
/// new CI workflow staged.
fn three_deterministic_signals(repo: &Repo) {
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    repo.write(
        "registry/capabilities/delta.md",
        "---\nid: capability.demo.delta\ntitle: Delta\nstatus: experimental\n\
         maturity:\n  D: {current: 0}\n  A: {current: 0}\n  C: {current: 0}\n  R: {current: 0}\n\
         updated: 2026-06-10\n---\nDelta.\n",
    );
    repo.write(".github/workflows/beta.yml", "on: push\njobs: {}\n");
    repo.git(&["add", ".github/workflows/beta.yml"]);
}

/// Parse JSON-lines output; every line must be an object with `event`.
fn events(run: &Run) -> Vec<Value> {
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {l}\n{}", run.show()))
        })
        .collect();
    for v in &lines {
        assert!(
            v["event"].is_string(),
            "line without event: {v}\n{}",
            run.show()
        );
    }
    assert_eq!(
        lines.last().map(|v| v["event"].clone()),
        Some(json!("summary")),
        "the last line must be the summary:\n{}",
        run.show()
    );
    lines
}

fn of_kind<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["event"] == kind).collect()
}

fn today() -> String {
    reuse_surface::patches::apply::today()
}

#[test]
fn without_a_terminal_and_without_auto_it_refuses_and_writes_nothing() {
    let repo = repo_with_beta_workflow_surface();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    repo.git(&["add", "-A"]);
    let before = repo.git(&["status", "--porcelain"]);
    let run = repo.run(&["maintain", "--no-llm"]);
    run.assert_code(2);
    let line = run.one_line_error();
    assert!(
        line.contains("--auto") && line.contains("--yes"),
        "{}",
        run.show()
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), before);
    assert_eq!(repo.read(INDEX), INDEX_YAML);
    // JSON output is for machines: it needs --auto too.
    repo.run(&["maintain", "--no-llm", "--format", "json"])
        .assert_code(2);
    assert_eq!(repo.read(INDEX), INDEX_YAML);
}

#[test]
fn auto_no_llm_applies_drift_missing_row_and_ci_workflow_then_finds_nothing() {
    let repo = repo_with_beta_workflow_surface();
    three_deterministic_signals(&repo);
    let run = repo.run(&["maintain", "--auto", "--no-llm", "--format", "json"]);
    run.assert_code(0);
    let ev = events(&run);
    let applied: Vec<&str> = of_kind(&ev, "applied")
        .iter()
        .map(|e| e["patch"]["kind"].as_str().unwrap())
        .collect();
    for kind in ["vector_sync", "index_row_add", "evidence_append"] {
        assert!(
            applied.contains(&kind),
            "{kind} not applied:\n{}",
            run.show()
        );
    }
    let index = repo.read(INDEX);
    assert!(index.contains("vector: D1/A0/C1/R3"), "{index}");
    assert!(index.contains("id: capability.demo.delta"), "{index}");
    assert!(
        repo.read(BETA).contains(".github/workflows/beta.yml"),
        "{}",
        repo.read(BETA)
    );
    // Comments of the index survive the edits.
    assert!(
        index.starts_with("# Capability index: derived from"),
        "{index}"
    );
    assert!(
        index.contains("vector: D0/A0/C0/R0   # nothing yet"),
        "{index}"
    );
    repo.validate_json(&[]).assert_code(0);
    let summary = ev.last().unwrap();
    assert_eq!(summary["written"], true, "{summary}");
    assert_eq!(summary["exit_code"], 0, "{summary}");

    let again = repo.run(&["maintain", "--auto", "--no-llm", "--format", "json"]);
    again.assert_code(0);
    let ev = events(&again);
    assert!(of_kind(&ev, "applied").is_empty(), "{}", again.show());
    assert!(of_kind(&ev, "suggestion").is_empty(), "{}", again.show());
    assert_eq!(ev.last().unwrap()["written"], false);
}

#[test]
fn text_output_lists_what_was_applied_and_the_summary() {
    let repo = repo_with_beta_workflow_surface();
    three_deterministic_signals(&repo);
    let run = repo.run(&["maintain", "--yes", "--no-llm"]);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("applied vector_sync capability.demo.beta"),
        "{}",
        run.show()
    );
    assert!(
        run.stdout
            .contains("maintain: 3 applied, 0 skipped, 0 refused; 2 file(s) changed"),
        "{}",
        run.show()
    );
}

#[test]
fn threshold_flags_need_auto_and_yes_keeps_the_defaults() {
    let repo = Repo::committed();
    let run = repo.run(&["maintain", "--yes", "--auto-max-delta", "2", "--no-llm"]);
    run.assert_code(2);
    assert!(run.stderr.contains("--auto"), "{}", run.show());
}

#[test]
fn capability_alias_resolves_and_unknown_capability_is_a_usage_error() {
    let repo = Repo::committed();
    repo.replace(
        ALPHA,
        "D: {current: 3, target: 4}",
        "D: {current: 2, target: 4}",
    );
    repo.replace(BETA, "R: {current: 2}", "R: {current: 1}");
    // `capability.demo.first` is alpha's alias: only alpha's row is synced.
    let run = repo.run(&[
        "maintain",
        "--auto",
        "--no-llm",
        "--capability",
        "capability.demo.first",
    ]);
    run.assert_code(0);
    let index = repo.read(INDEX);
    assert!(index.contains("vector: D2/A3/C2/R4"), "{index}");
    assert!(
        index.contains("vector: D1/A0/C1/R2"),
        "beta must stay: {index}"
    );
    let unknown = repo.run(&[
        "maintain",
        "--auto",
        "--no-llm",
        "--capability",
        "capability.x.nope",
    ]);
    unknown.assert_code(2);
    assert!(unknown.one_line_error().contains("capability.x.nope"));
}

// ---- the LLM bridge and its gates --------------------------------------

/// A promotion of beta's R from 2 to 3 citing beta's test, as an LLM would
/// send it; `edit` changes it before it is served.
fn promotion(edit: impl FnOnce(&mut Value)) -> Value {
    let mut p = json!({
        "capability_id": BETA_ID,
        "kind": "maturity_promote",
        "confidence": "high",
        "source": "llm",
        "safe": false,
        "rationale": "beta's tests run in CI now",
        "dimension": "R",
        "from": 2,
        "to": 3,
        "evidence_citations": ["tests/beta_test.rs"]
    });
    edit(&mut p);
    p
}

fn serve_patches(patches: Vec<Value>) -> LlmServer {
    let doc = json!({ "patches": patches });
    LlmServer::start(8, move |_, _| connect_answer(&doc))
}

fn maintain_with(repo: &Repo, url: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "maintain",
        "--auto",
        "--format",
        "json",
        "--llm-url",
        url,
        "--capability",
        BETA_ID,
    ];
    args.extend_from_slice(extra);
    let mut cmd = repo.command(BIN);
    cmd.args(&args).env("REUSE_SURFACE_LLM_TIMEOUT_MS", "2000");
    repo.run_cmd(&mut cmd)
}

#[test]
fn a_one_level_promotion_with_existing_evidence_is_applied_with_history_and_vector() {
    let repo = Repo::committed();
    let server = serve_patches(vec![promotion(|_| {})]);
    let run = maintain_with(&repo, &server.url, &[]);
    run.assert_code(0);
    let ev = events(&run);
    assert_eq!(of_kind(&ev, "applied").len(), 1, "{}", run.show());
    let beta = repo.read(BETA);
    assert!(beta.contains("R: {current: 3}"), "{beta}");
    let today = today();
    assert!(
        beta.contains(&format!(
            "promotion_history: [{{date: {today}, dimension: R, from: 2, to: 3, evidence: [tests/beta_test.rs], by: maintain-llm"
        )),
        "{beta}"
    );
    assert!(beta.contains(&format!("updated: {today}")), "{beta}");
    let index = repo.read(INDEX);
    assert!(index.contains("vector: D1/A0/C1/R3"), "{index}");
    assert!(
        index.contains(&format!("updated: {today}   # the newest entry date")),
        "{index}"
    );
    repo.validate_json(&[]).assert_code(0);
    // What the bridge was sent: the prompt, the schema and the capability.
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let (path, body) = &requests[0];
    assert_eq!(path, "/execute");
    assert_eq!(body["capability_id"], BETA_ID);
    assert!(body["schema"]["$defs"]["patch"].is_object(), "{body}");
    let prompt = body["prompt"].as_str().unwrap();
    assert!(prompt.contains("id: capability.demo.beta"), "{prompt}");
    assert!(prompt.contains("tests/beta_test.rs"), "{prompt}");
}

/// Serve one patch, run an automatic session and insist it was refused by
/// `gate` with nothing written.
fn assert_refused(patch: Value, gate: &str, reason_has: &str) {
    let repo = Repo::committed();
    let server = serve_patches(vec![patch]);
    let run = maintain_with(&repo, &server.url, &[]);
    run.assert_no_panic();
    let ev = events(&run);
    let refused = of_kind(&ev, "refused");
    assert_eq!(refused.len(), 1, "{}", run.show());
    assert_eq!(refused[0]["gate"], gate, "{}", run.show());
    let reason = refused[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains(reason_has),
        "reason `{reason}`:\n{}",
        run.show()
    );
    assert!(of_kind(&ev, "applied").is_empty(), "{}", run.show());
    assert_eq!(repo.read(BETA), BETA_MD, "nothing may be written");
    assert_eq!(repo.read(INDEX), INDEX_YAML, "nothing may be written");
    // It skipped everything it found: exit 2.
    run.assert_code(2);
}

#[test]
fn a_two_level_promotion_is_refused_by_the_level_gate() {
    assert_refused(
        promotion(|p| p["to"] = json!(4)),
        "level",
        "more than --auto-max-delta 1",
    );
}

#[test]
fn a_citation_of_a_missing_file_is_refused_by_the_evidence_gate() {
    assert_refused(
        promotion(|p| p["evidence_citations"] = json!(["tests/nowhere_test.rs"])),
        "evidence",
        "tests/nowhere_test.rs",
    );
}

#[test]
fn a_citation_outside_the_repository_is_refused_by_the_evidence_gate() {
    assert_refused(
        promotion(|p| p["evidence_citations"] = json!(["../outside"])),
        "evidence",
        "`../outside`",
    );
}

#[test]
fn a_citation_through_a_symlink_out_of_the_repository_is_refused() {
    let repo = Repo::committed();
    std::fs::write(repo.outside().join("secret.txt"), "x").unwrap();
    repo.symlink(repo.outside().join("secret.txt"), "tests/link_test.rs");
    let server = serve_patches(vec![promotion(|p| {
        p["evidence_citations"] = json!(["tests/link_test.rs"])
    })]);
    let run = maintain_with(&repo, &server.url, &[]);
    let ev = events(&run);
    let refused = of_kind(&ev, "refused");
    assert_eq!(refused.len(), 1, "{}", run.show());
    assert_eq!(refused[0]["gate"], "evidence", "{}", run.show());
    assert_eq!(repo.read(BETA), BETA_MD);
}

#[test]
fn a_patch_writing_a_field_outside_its_kind_is_refused_by_the_allow_list_gate() {
    assert_refused(
        json!({"capability_id": BETA_ID, "kind": "relation_add", "confidence": "high",
               "source": "llm", "safe": false, "rationale": "r",
               "field_path": "maturity.R.current", "append": "6"}),
        "allow-list",
        "maturity.R.current",
    );
}

#[test]
fn a_derived_kind_proposed_by_the_llm_is_refused_by_the_allow_list_gate() {
    assert_refused(
        json!({"capability_id": BETA_ID, "kind": "vector_sync", "confidence": "high",
               "source": "deterministic", "safe": true, "rationale": "r",
               "set": {"vector": "D6/A6/C6/R6"}}),
        "allow-list",
        "derived",
    );
}

#[test]
fn a_patch_for_an_unknown_capability_is_refused_by_the_scope_gate() {
    assert_refused(
        promotion(|p| p["capability_id"] = json!("capability.demo.nobody")),
        "scope",
        "capability.demo.nobody",
    );
}

#[test]
fn a_patch_for_a_capability_out_of_scope_is_refused_by_the_scope_gate() {
    assert_refused(
        promotion(|p| p["capability_id"] = json!(ALPHA_ID)),
        "scope",
        "not in this session's scope",
    );
}

#[test]
fn a_from_that_is_not_the_current_level_is_refused_by_the_level_gate() {
    assert_refused(
        promotion(|p| {
            p["from"] = json!(1);
            p["to"] = json!(2)
        }),
        "level",
        "currently 2",
    );
}

#[test]
fn a_promotion_its_evidence_does_not_support_is_refused_by_the_support_gate() {
    // R4 needs a CI workflow among evidence.tests; beta has only a test.
    let repo = Repo::with_registry();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    repo.replace(INDEX, "vector: D1/A0/C1/R2", "vector: D1/A0/C1/R3");
    repo.git_init();
    repo.commit_all("beta at R3");
    let (beta, index) = (repo.read(BETA), repo.read(INDEX));
    let server = serve_patches(vec![promotion(|p| {
        p["from"] = json!(3);
        p["to"] = json!(4)
    })]);
    let run = maintain_with(&repo, &server.url, &[]);
    let ev = events(&run);
    let refused = of_kind(&ev, "refused");
    assert_eq!(refused.len(), 1, "{}", run.show());
    assert_eq!(refused[0]["gate"], "support", "{}", run.show());
    assert!(
        refused[0]["reason"]
            .as_str()
            .unwrap()
            .contains("CI workflow"),
        "{}",
        run.show()
    );
    assert_eq!((repo.read(BETA), repo.read(INDEX)), (beta, index));
    run.assert_code(2);
}

#[test]
fn a_schema_violation_is_refused_by_the_schema_gate() {
    assert_refused(promotion(|p| p["to"] = json!(9)), "schema", "/to");
}

#[test]
fn low_confidence_is_not_applied_automatically() {
    assert_refused(
        promotion(|p| p["confidence"] = json!("medium")),
        "confidence",
        "below --auto-confidence high",
    );
}

#[test]
fn consumer_feedback_and_relation_add_are_applied_in_place() {
    let repo = Repo::committed();
    let server = serve_patches(vec![
        json!({"capability_id": BETA_ID, "kind": "consumer_feedback", "confidence": "high",
               "source": "llm", "safe": false, "rationale": "reported by the hub",
               "append": "works well", "set": {"consumer": "capability.hub.catalog"}}),
        json!({"capability_id": BETA_ID, "kind": "relation_add", "confidence": "high",
               "source": "llm", "safe": false, "rationale": "beta calls gamma",
               "field_path": "relations.depends_on", "append": "capability.demo.gamma"}),
    ]);
    let run = maintain_with(&repo, &server.url, &[]);
    run.assert_code(0);
    let beta = repo.read(BETA);
    let today = today();
    assert!(
        beta.contains(&format!(
            "consumer_feedback: [{{date: {today}, consumer: capability.hub.catalog, note: \"works well\"}}]"
        )),
        "{beta}"
    );
    assert!(
        beta.contains("depends_on: [capability.demo.gamma]"),
        "{beta}"
    );
    // Untouched lines stay byte for byte.
    assert!(
        beta.starts_with("---\nid: capability.demo.beta\ntitle: Beta thing\n"),
        "{beta}"
    );
    assert!(beta.ends_with("---\nBeta body.\n"), "{beta}");
}

#[test]
fn a_relation_to_an_alias_is_written_as_the_canonical_id() {
    let repo = Repo::committed();
    let server = serve_patches(vec![json!({
        "capability_id": BETA_ID, "kind": "relation_add", "confidence": "high",
        "source": "llm", "safe": false, "rationale": "r",
        "field_path": "relations.extends", "append": "capability.demo.first"})]);
    maintain_with(&repo, &server.url, &[]).assert_code(0);
    assert!(repo.read(BETA).contains("extends: [capability.demo.alpha]"));
}

/// After a bridge failure: exactly one `llm:` line (holding `has`), beta's
/// drifted row still re-derived by the deterministic phase, exit 0.
fn assert_only_the_llm_phase_failed(repo: &Repo, run: &Run, has: &str) {
    run.assert_code(0);
    let llm_lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("llm: "))
        .collect();
    assert_eq!(llm_lines.len(), 1, "{}", run.show());
    assert!(llm_lines[0].contains(has), "{}", run.show());
    assert!(
        repo.read(INDEX).contains("vector: D1/A0/C1/R3"),
        "{}",
        run.show()
    );
}

/// A bridge failure: one `llm:` line, the deterministic patch still
/// applied, exit 0.
fn assert_bridge_failure(reply: Reply, line_has: &str) {
    let repo = Repo::committed();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    let server = LlmServer::start(4, move |_, _| reply_clone(&reply));
    let mut cmd = repo.command(BIN);
    cmd.args([
        "maintain",
        "--auto",
        "--llm-url",
        &server.url,
        "--capability",
        BETA_ID,
    ])
    .env("REUSE_SURFACE_LLM_TIMEOUT_MS", "700");
    let run = repo.run_cmd(&mut cmd);
    assert_only_the_llm_phase_failed(&repo, &run, line_has);
}

fn reply_clone(r: &Reply) -> Reply {
    match r {
        Reply::Json { status, body } => Reply::Json {
            status: *status,
            body: body.clone(),
        },
        Reply::Raw {
            status,
            content_type,
            body,
        } => Reply::Raw {
            status: *status,
            content_type: content_type.clone(),
            body: body.clone(),
        },
        Reply::After(d, inner) => Reply::After(*d, Box::new(reply_clone(inner))),
        Reply::Never => Reply::Never,
    }
}

#[test]
fn bridge_answering_invalid_json_costs_one_line() {
    assert_bridge_failure(
        Reply::Json {
            status: 200,
            body: "{\"output\": {\"patches\": [".into(),
        },
        "not JSON",
    );
}

#[test]
fn bridge_answering_500_costs_one_line() {
    assert_bridge_failure(
        Reply::Json {
            status: 500,
            body: "{\"error\": \"boom\"}".into(),
        },
        "500",
    );
}

#[test]
fn bridge_answering_html_costs_one_line() {
    assert_bridge_failure(
        Reply::Raw {
            status: 200,
            content_type: "text/html".into(),
            body: b"<html><body>Bad gateway</body></html>".to_vec(),
        },
        "not JSON",
    );
}

#[test]
fn bridge_answering_two_mebibytes_costs_one_line() {
    let big = format!("{{\"output\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    assert_bridge_failure(
        Reply::Json {
            status: 200,
            body: big,
        },
        "1 MiB",
    );
}

#[test]
fn bridge_that_never_answers_costs_one_line() {
    assert_bridge_failure(Reply::Never, "");
}

#[test]
fn bridge_that_is_down_costs_one_line() {
    let repo = Repo::committed();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    // A port nobody listens on: bind, learn the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let run = repo.run(&[
        "maintain",
        "--auto",
        "--llm-url",
        &url,
        "--capability",
        BETA_ID,
    ]);
    assert_only_the_llm_phase_failed(&repo, &run, "");
}

#[test]
fn no_bridge_configured_skips_the_phase_with_one_line() {
    let repo = Repo::committed();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    let run = repo.run(&["maintain", "--auto", "--capability", BETA_ID]);
    assert_only_the_llm_phase_failed(&repo, &run, "LLM_CONNECT_URL");
}

#[test]
fn openai_backend_happy_path_applies_the_promotion() {
    let repo = Repo::committed();
    let doc = json!({ "patches": [promotion(|_| {})] });
    let server = LlmServer::start(4, move |_, _| openai_answer(&doc));
    let mut cmd = repo.command(BIN);
    cmd.args([
        "maintain",
        "--auto",
        "--format",
        "json",
        "--llm-api",
        "openai",
        "--llm-url",
        &server.url,
        "--capability",
        BETA_ID,
    ])
    .env("OPENAI_API_KEY", "sk-test-secret-value");
    let run = repo.run_cmd(&mut cmd);
    run.assert_code(0);
    assert!(
        repo.read(BETA).contains("R: {current: 3}"),
        "{}",
        run.show()
    );
    assert!(!run.stdout.contains("sk-test-secret-value") && !run.stderr.contains("sk-test"));
    let requests = server.requests();
    assert_eq!(requests[0].0, "/chat/completions");
    assert_eq!(requests[0].1["response_format"]["type"], "json_schema");
}

#[test]
fn openai_backend_malformed_answer_costs_one_line() {
    let repo = Repo::committed();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    let server = LlmServer::start(4, |_, _| Reply::Json {
        status: 200,
        body: "{\"choices\": [{\"message\": {\"content\": \"sure! here you go\"}}]}".into(),
    });
    let run = repo.run(&[
        "maintain",
        "--auto",
        "--llm-api",
        "openai",
        "--llm-url",
        &server.url,
        "--capability",
        BETA_ID,
    ]);
    assert_only_the_llm_phase_failed(&repo, &run, "");
}

#[test]
fn by_default_the_llm_is_asked_about_the_capabilities_the_change_touches() {
    let repo = repo_with_beta_workflow_surface();
    repo.write(".github/workflows/beta.yml", "on: push\njobs: {}\n");
    repo.git(&["add", ".github/workflows/beta.yml"]);
    let server = LlmServer::start(8, |_, _| connect_answer(&json!({"patches": []})));
    let run = repo.run(&[
        "maintain",
        "--auto",
        "--format",
        "json",
        "--llm-url",
        &server.url,
    ]);
    run.assert_code(0);
    let asked: Vec<Value> = server
        .requests()
        .into_iter()
        .map(|(_, b)| b["capability_id"].clone())
        .collect();
    assert_eq!(asked, vec![json!(BETA_ID)], "{}", run.show());
}

#[test]
fn llm_requests_run_a_few_at_a_time() {
    let repo = Repo::committed();
    let server = LlmServer::start(8, |_, _| {
        Reply::After(
            Duration::from_millis(400),
            Box::new(connect_answer(&json!({"patches": []}))),
        )
    });
    let timed = |jobs: &str| {
        let start = std::time::Instant::now();
        repo.run(&[
            "maintain",
            "--auto",
            "--all",
            "--llm-url",
            &server.url,
            "--llm-jobs",
            jobs,
        ])
        .assert_no_panic();
        start.elapsed()
    };
    let parallel = timed("3");
    assert_eq!(server.requests().len(), 3);
    // Three 400 ms answers at once take one wait, not three.
    assert!(parallel < Duration::from_millis(1150), "{parallel:?}");
}

// ---- --publish ----------------------------------------------------------

#[test]
fn publish_runs_the_publish_check_after_the_session() {
    let repo = Repo::committed();
    let server = LlmServer::start(2, |_, _| Reply::Raw {
        status: 200,
        content_type: "text/plain".into(),
        body: INDEX_YAML.as_bytes().to_vec(),
    });
    let url = format!("{}/registry/indexes/capabilities.yaml", server.url);
    let run = repo.run(&[
        "maintain",
        "--auto",
        "--no-llm",
        "--publish",
        "--raw-url",
        &url,
    ]);
    assert!(run.stdout.contains("publish check: PASS"), "{}", run.show());
    run.assert_code(0);
}

// ---- hook agent-stop ------------------------------------------------------

/// `hook agent-stop` at the repository root with `stdin` as its input.
fn agent_stop(repo: &Repo, stdin: &str, env: &[(&str, &str)]) -> Run {
    agent_stop_in(repo, repo.root(), stdin, env)
}

/// `hook agent-stop` started in `cwd`.
fn agent_stop_in(repo: &Repo, cwd: &std::path::Path, stdin: &str, env: &[(&str, &str)]) -> Run {
    use std::io::Write;
    let mut cmd = repo.command_in(BIN, cwd);
    cmd.args(["hook", "agent-stop"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn");
    // The hook may exit before reading (the kill switch): a closed pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn agent_stop_maintains_the_registry_at_the_payloads_cwd() {
    let repo = Repo::committed();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    let payload = json!({"session_id": "s", "hook_event_name": "Stop",
        "cwd": repo.root().join("registry").to_string_lossy()});
    // Run from elsewhere: the payload's cwd decides.
    let run = agent_stop_in(&repo, &repo.outside(), &payload.to_string(), &[]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.one_line_error().contains("applied 1 patch(es)"),
        "{}",
        run.show()
    );
    assert!(repo.read(INDEX).contains("vector: D1/A0/C1/R3"));
}

#[test]
fn agent_stop_with_broken_json_exits_0_with_one_line() {
    let repo = Repo::committed();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    let run = agent_stop(&repo, "{\"cwd\": ", &[]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(run.one_line_error().contains("not JSON"), "{}", run.show());
    assert_eq!(repo.read(INDEX), INDEX_YAML, "broken input: nothing done");
}

#[test]
fn agent_stop_outside_any_registry_exits_0_with_one_line() {
    let repo = Repo::committed();
    let payload = json!({"cwd": repo.outside().to_string_lossy()}).to_string();
    let run = agent_stop(&repo, &payload, &[]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.one_line_error().contains("no registry"),
        "{}",
        run.show()
    );
}

#[test]
fn agent_stop_kill_switch_exits_0_with_one_line() {
    let repo = Repo::committed();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    let run = agent_stop(&repo, "{}", &[("REUSE_SURFACE_SKIP", "agent-stop")]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(run.one_line_error().contains("skipped"), "{}", run.show());
    assert_eq!(repo.read(INDEX), INDEX_YAML);
}

// ---- hostile answers ------------------------------------------------------

#[test]
fn values_with_flow_indicators_are_quoted_inside_flow_collections() {
    let repo = Repo::committed();
    repo.write("tests/a, b_test.rs", "#[test]\nfn ab() {}\n");
    let server = serve_patches(vec![
        promotion(|p| p["evidence_citations"] = json!(["tests/a, b_test.rs"])),
        json!({"capability_id": BETA_ID, "kind": "consumer_feedback", "confidence": "high",
               "source": "llm", "safe": false, "rationale": "r",
               "append": "ok", "set": {"consumer": "hub, team"}}),
    ]);
    maintain_with(&repo, &server.url, &[]).assert_code(0);
    let beta = repo.read(BETA);
    assert!(
        beta.contains("evidence: [\"tests/a, b_test.rs\"]"),
        "{beta}"
    );
    assert!(beta.contains("consumer: \"hub, team\""), "{beta}");
    // It reads back as one path and one consumer, and validates.
    repo.validate_json(&[]).assert_code(0);
}

#[test]
fn escape_sequences_in_an_answer_never_reach_the_terminal_raw() {
    let repo = Repo::committed();
    let server = serve_patches(vec![promotion(|p| {
        p["rationale"] = json!("looks fine\u{1b}]0;pwned\u{7}\u{1b}[2J")
    })]);
    let mut cmd = repo.command(BIN);
    cmd.args([
        "maintain",
        "--auto",
        "--llm-url",
        &server.url,
        "--capability",
        BETA_ID,
    ]);
    let run = repo.run_cmd(&mut cmd);
    run.assert_no_panic();
    assert!(
        run.stdout.contains("applied maturity_promote"),
        "{}",
        run.show()
    );
    assert!(
        run.stdout.contains("looks fine\\u{1b}]0;pwned"),
        "{}",
        run.show()
    );
    assert!(
        !run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{7}'),
        "{:?}",
        run.stdout
    );
    // The file holds the text escaped, and still validates.
    assert!(
        repo.read(BETA).contains("looks fine\\u001b]0;pwned"),
        "{}",
        repo.read(BETA)
    );
    repo.validate_json(&[]).assert_code(0);
}

#[test]
fn a_flood_of_patches_is_cut_and_said() {
    let repo = Repo::committed();
    let many: Vec<Value> = (0..500)
        .map(|i| {
            json!({"capability_id": BETA_ID, "kind": "consumer_feedback", "confidence": "low",
                   "source": "llm", "safe": false, "rationale": "r", "append": format!("n{i}")})
        })
        .collect();
    let server = serve_patches(many);
    let run = maintain_with(&repo, &server.url, &[]);
    let ev = events(&run);
    let llm = of_kind(&ev, "llm");
    assert!(
        llm[0]["message"]
            .as_str()
            .unwrap()
            .contains("500 proposal(s) from the bridge; only the first 50"),
        "{}",
        run.show()
    );
    assert_eq!(
        of_kind(&ev, "refused").len(),
        50,
        "low confidence: all refused"
    );
    assert_eq!(repo.read(BETA), BETA_MD);
}

#[test]
fn a_promotion_keeps_comments_quoting_and_crlf_line_endings() {
    let repo = Repo::with_registry();
    let beta = BETA_MD
        .replace("R: {current: 2}", "R: {current: 2}  # proven by tests")
        .replace(
            "updated: 2026-06-01",
            "updated: '2026-06-01'   # quoted on purpose",
        )
        .replace('\n', "\r\n");
    repo.write(BETA, &beta);
    repo.git_init();
    repo.commit_all("crlf beta");
    let server = serve_patches(vec![promotion(|_| {})]);
    maintain_with(&repo, &server.url, &[]).assert_code(0);
    let after = repo.read(BETA);
    assert!(
        after.contains("R: {current: 3}  # proven by tests\r\n"),
        "{after:?}"
    );
    assert!(
        after.contains(&format!("updated: '{}'   # quoted on purpose\r\n", today())),
        "{after:?}"
    );
    assert!(after.contains("promotion_history: [{date: "), "{after:?}");
    assert_eq!(
        after.matches('\n').count(),
        after.matches("\r\n").count(),
        "{after:?}"
    );
    repo.validate_json(&[]).assert_code(0);
}

#[test]
fn outside_git_only_the_registry_state_is_maintained() {
    let repo = Repo::with_registry();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    let run = repo.run(&["maintain", "--auto", "--no-llm"]);
    run.assert_code(0);
    assert!(
        repo.read(INDEX).contains("vector: D1/A0/C1/R3"),
        "{}",
        run.show()
    );
}

#[test]
fn an_unknown_since_ref_is_one_clear_error_and_nothing_is_written() {
    let repo = Repo::committed();
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    let run = repo.run(&[
        "maintain",
        "--auto",
        "--no-llm",
        "--from-git-since",
        "no-such-ref",
    ]);
    assert_ne!(run.code, 0, "{}", run.show());
    assert!(
        run.one_line_error().contains("no-such-ref"),
        "{}",
        run.show()
    );
    assert_eq!(repo.read(INDEX), INDEX_YAML);
}
