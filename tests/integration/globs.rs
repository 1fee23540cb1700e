//! Invalid globs are errors, not silently dropped rules (issue 13, item
//! 13): a `signals:` glob in `registry/config.yaml` and a `surface` glob of
//! an entry each give a problem naming the glob, the parser's reason and
//! where it is.

use crate::common::*;

#[test]
fn invalid_signal_glob_is_a_config_error() {
    let repo = Repo::with_registry();
    repo.write(
        CONFIG,
        "signals:\n  - glob: \"examples/**\"\n    field: evidence.documentation\n  \
         - glob: \"examples/[abc\"\n    field: evidence.tests\n",
    );
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    let p = run.problem("schema");
    assert_eq!(p["file"], CONFIG, "{}", run.show());
    let msg = p["message"].as_str().unwrap();
    assert!(
        msg.contains("`examples/[abc`") && msg.contains("unclosed character class"),
        "{msg}"
    );
    assert_eq!(p["line"], 4, "{p}");
}

#[test]
fn invalid_surface_glob_is_an_error_at_the_glob() {
    let repo = Repo::with_registry();
    repo.replace(
        BETA,
        "surface: [\"src/beta/**\"]",
        "surface: [\"src/beta/{a,b\"]",
    );
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    let p = run.problem("schema");
    assert_eq!(p["file"], BETA, "{}", run.show());
    assert_eq!(p["capability_id"], BETA_ID, "{p}");
    let msg = p["message"].as_str().unwrap();
    assert!(
        msg.contains("`src/beta/{a,b`") && msg.contains("unclosed alternate group"),
        "{msg}"
    );
    let (line, _) = pos(&repo.read(BETA), "src/beta/{a,b");
    assert_eq!(p["line"], line, "{p}");
    // The hook refuses a commit that brings one in.
    repo.git_init();
    repo.run(&["install"]).assert_code(0);
    repo.git(&["add", "-A"]);
    let o = git_output_at(
        &repo.home(),
        repo.root(),
        &["commit", "-q", "-m", "bad glob"],
    );
    assert!(!o.status.success(), "a bad surface glob was committed");
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a valid glob"));
}
