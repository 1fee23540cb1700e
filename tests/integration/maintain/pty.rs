//! The interactive `maintain` session, driven in a real pseudo-terminal:
//! each answer (`a`, `s`, `e`, `q`, `A`, an explicit `yes`) and its effect
//! on disk.

use crate::common::*;
use crate::support::llm_server::{LlmServer, connect_answer};
use rexpect::session::{PtySession, spawn_command};
use serde_json::json;

const PROMPT: &str = "[a]pply [s]kip [e]dit [q]uit [A]pply all safe";

/// Alpha gets three staged signals (a README as documentation, two test
/// files) and beta's entry drifts from its row: four deterministic patches,
/// asked about in this order.
fn repo_with_four_patches() -> Repo {
    let repo = Repo::with_registry();
    repo.write("src/alpha/other_test.rs", "#[test]\nfn other() {}\n");
    repo.git_init();
    repo.commit_all("clean registry");
    repo.write("src/alpha/README.md", "# Alpha internals\n");
    repo.write("src/alpha/alpha_test.rs", "#[test]\nfn a() {}\n");
    repo.write("src/alpha/test_more.py", "def test_more(): pass\n");
    repo.git(&["add", "src/alpha"]);
    repo.replace(BETA, "R: {current: 2}", "R: {current: 3}");
    repo
}

/// Spawn `maintain ARGS` in a pseudo-terminal with the isolated env.
fn spawn(repo: &Repo, args: &[&str], env: &[(&str, &str)]) -> PtySession {
    let mut cmd = repo.command(BIN);
    // The pty becomes stdin, stdout and stderr: nothing may be redirected.
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .stdin(std::process::Stdio::inherit());
    for (k, v) in env {
        cmd.env(k, v);
    }
    spawn_command(cmd, Some(20_000)).expect("spawn in a pty")
}

fn expect(p: &mut PtySession, text: &str) -> String {
    p.exp_string(text)
        .unwrap_or_else(|e| panic!("waiting for `{text}`: {e}"))
}

fn answer(p: &mut PtySession, key: &str) {
    expect(p, PROMPT);
    p.send_line(key).expect("send");
}

fn exit_code(p: &mut PtySession) -> i32 {
    let rest = p.exp_eof().unwrap_or_default();
    match p.process().wait() {
        Ok(rexpect::process::WaitStatus::Exited(_, code)) => code,
        other => panic!("maintain did not exit normally: {other:?}\n{rest}"),
    }
}

/// An editor that fails to produce YAML the first time and replaces the
/// appended path the second time.
fn two_step_editor(repo: &Repo) -> String {
    let script = repo.outside().join("editor.sh");
    let calls = repo.outside().join("editor-calls");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n\
             if [ ! -e '{calls}' ]; then : > '{calls}'; printf 'append: [\\n' > \"$1\"; exit 0; fi\n\
             sed -i 's#^append: .*#append: \"src/alpha/other_test.rs\"#' \"$1\"\n",
            calls = calls.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script.to_string_lossy().into_owned()
}

/// An LLM's promotion of beta's `dim`, citing beta's test.
fn promote(dim: &str, from: u8, to: u8) -> serde_json::Value {
    json!({"capability_id": BETA_ID, "kind": "maturity_promote", "confidence": "high",
           "source": "llm", "safe": false, "rationale": "a step up",
           "dimension": dim, "from": from, "to": to,
           "evidence_citations": ["tests/beta_test.rs"]})
}

/// `maintain` about beta alone, with the bridge at `url`, in a pty.
fn spawn_for_beta(repo: &Repo, url: &str) -> PtySession {
    spawn(
        repo,
        &["maintain", "--llm-url", url, "--capability", BETA_ID],
        &[],
    )
}

#[test]
fn apply_skip_edit_and_quit_each_have_their_effect_on_disk() {
    let repo = repo_with_four_patches();
    let editor = two_step_editor(&repo);
    let mut p = spawn(&repo, &["maintain", "--no-llm"], &[("EDITOR", &editor)]);

    expect(&mut p, "(1/4) evidence_append capability.demo.alpha");
    expect(
        &mut p,
        "+  documentation: [docs/alpha.md, src/alpha/README.md]",
    );
    answer(&mut p, "x"); // not an answer: asked again
    expect(&mut p, "answer a, s, e, q or A");
    answer(&mut p, "a");

    expect(&mut p, "(2/4) evidence_append capability.demo.alpha");
    expect(&mut p, "src/alpha/alpha_test.rs");
    answer(&mut p, "s");

    expect(&mut p, "(3/4) evidence_append capability.demo.alpha");
    expect(&mut p, "src/alpha/test_more.py");
    answer(&mut p, "e");
    expect(&mut p, "edit: the edited text does not parse");
    answer(&mut p, "e");
    // Shown again with the edited value, now a person's patch.
    expect(
        &mut p,
        "(3/4) evidence_append capability.demo.alpha (human, needs review",
    );
    expect(&mut p, "+    - src/alpha/other_test.rs");
    answer(&mut p, "a");

    expect(&mut p, "(4/4) vector_sync capability.demo.beta");
    answer(&mut p, "q");
    expect(
        &mut p,
        "maintain: 2 applied, 2 skipped, 0 refused; 1 file(s) changed",
    );
    assert_eq!(exit_code(&mut p), 0);

    let alpha = repo.read(ALPHA);
    assert!(alpha.contains(", src/alpha/README.md]"), "{alpha}");
    assert!(alpha.contains("- src/alpha/other_test.rs"), "{alpha}");
    assert!(
        !alpha.contains("src/alpha/alpha_test.rs"),
        "skipped: {alpha}"
    );
    assert!(
        !alpha.contains("src/alpha/test_more.py"),
        "edited away: {alpha}"
    );
    // q came before beta's row: it stays as it was.
    assert_eq!(repo.read(INDEX), INDEX_YAML);
    // Everything but the two appended values is byte for byte as before.
    let expected = ALPHA_MD
        .replace(
            "documentation: [docs/alpha.md]",
            "documentation: [docs/alpha.md, src/alpha/README.md]",
        )
        .replace(
            "    - .github/workflows/ci.yml\n",
            "    - .github/workflows/ci.yml\n    - src/alpha/other_test.rs\n",
        );
    assert_eq!(alpha, expected);
}

#[test]
fn apply_all_safe_applies_every_deterministic_patch_and_no_judgment_call() {
    let repo = repo_with_four_patches();
    let doc = json!({"patches": [
        promote("D", 1, 2),
        {"capability_id": BETA_ID, "kind": "consumer_feedback", "confidence": "high",
         "source": "llm", "safe": false, "rationale": "r", "append": "fine"}
    ]});
    let server = LlmServer::start(4, move |_, _| connect_answer(&doc));
    let mut p = spawn(&repo, &["maintain", "--llm-url", &server.url], &[]);
    expect(&mut p, "(1/6) evidence_append capability.demo.alpha");
    answer(&mut p, "A");
    // The judgment calls still need a person: quit at the first.
    expect(
        &mut p,
        "(5/6) consumer_feedback capability.demo.beta (llm, needs review",
    );
    answer(&mut p, "q");
    expect(&mut p, "maintain: 4 applied, 2 skipped, 0 refused");
    assert_eq!(exit_code(&mut p), 0);

    let alpha = repo.read(ALPHA);
    for path in [
        "src/alpha/README.md",
        "src/alpha/alpha_test.rs",
        "src/alpha/test_more.py",
    ] {
        assert!(alpha.contains(path), "{path} not applied: {alpha}");
    }
    assert!(repo.read(INDEX).contains("vector: D1/A0/C1/R3"));
    let beta = repo.read(BETA);
    assert!(beta.contains("D: {current: 1}"), "{beta}");
    assert!(
        !beta.contains("promotion_history") && !beta.contains("consumer_feedback"),
        "{beta}"
    );
}

#[test]
fn a_promotion_beyond_the_ceiling_needs_an_explicit_yes() {
    let repo = Repo::committed();
    let doc = json!({"patches": [promote("C", 1, 3), promote("D", 1, 3)]});
    let server = LlmServer::start(4, move |_, _| connect_answer(&doc));
    let mut p = spawn_for_beta(&repo, &server.url);
    expect(&mut p, "(1/2) maturity_promote capability.demo.beta");
    expect(&mut p, "moves C by 2 levels, more than --auto-max-delta 1");
    answer(&mut p, "a");
    expect(&mut p, "Type yes to apply it:");
    p.send_line("yes").unwrap();
    // D3 would need documentation: refused by the support gate, unasked.
    expect(
        &mut p,
        "refused maturity_promote capability.demo.beta [support]",
    );
    expect(&mut p, "maintain: 1 applied, 0 skipped, 1 refused");
    assert_eq!(exit_code(&mut p), 0);
    let beta = repo.read(BETA);
    assert!(beta.contains("C: {current: 3}"), "{beta}");
    assert!(beta.contains("dimension: C, from: 1, to: 3"), "{beta}");
    assert!(repo.read(INDEX).contains("vector: D1/A0/C3/R2"));
}

#[test]
fn a_big_promotion_answered_with_anything_but_yes_is_not_applied() {
    let repo = Repo::committed();
    let doc = json!({"patches": [promote("C", 1, 3)]});
    let server = LlmServer::start(4, move |_, _| connect_answer(&doc));
    let mut p = spawn_for_beta(&repo, &server.url);
    answer(&mut p, "a");
    expect(&mut p, "Type yes to apply it:");
    p.send_line("y").unwrap();
    expect(&mut p, "skipped maturity_promote capability.demo.beta");
    // It skipped everything it found and wrote nothing.
    assert_eq!(exit_code(&mut p), 2);
    assert_eq!(repo.read(BETA), BETA_MD);
}
