//! The CI templates (`templates/ci/`): valid workflows by SchemaStore's
//! GitHub workflow schema (`check-jsonschema --builtin-schema
//! vendor.github-workflows`), read-only permissions, a time bound, a cached
//! install pinned to a revision, and the SARIF log kept.

use super::*;
use serde_json::Value;
use std::path::Path;

const TEMPLATES: [&str; 2] = [
    "templates/ci/github-actions.yml",
    "templates/ci/gitea-actions.yml",
];

fn template(file: &str) -> (String, Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = serde_saphyr::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    (text, doc)
}

#[test]
fn the_templates_are_valid_workflows() {
    require_tool("check-jsonschema", "`pip install check-jsonschema`");
    let repo = Repo::new();
    for file in TEMPLATES {
        let mut cmd = repo.command("check-jsonschema");
        cmd.args(["--builtin-schema", "vendor.github-workflows"])
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(file));
        let run = repo.run_cmd(&mut cmd);
        assert_eq!(run.code, 0, "{file}:\n{}", run.show());
    }
    // The check can fail: a job without `runs-on` is refused.
    let bad = repo.outside().join("bad.yml");
    std::fs::write(&bad, "on: push\njobs:\n  x:\n    steps: []\n").unwrap();
    let mut cmd = repo.command("check-jsonschema");
    cmd.args(["--builtin-schema", "vendor.github-workflows"])
        .arg(&bad);
    assert_ne!(repo.run_cmd(&mut cmd).code, 0);
}

#[test]
fn the_templates_cache_bound_and_restrict_the_job() {
    for file in TEMPLATES {
        let (text, doc) = template(file);
        assert_eq!(doc["permissions"]["contents"], "read", "{file}");
        let job = &doc["jobs"]["validate-registry"];
        assert!(
            job["timeout-minutes"]
                .as_u64()
                .is_some_and(|m| m > 0 && m <= 30),
            "{file}"
        );
        if let Some(perms) = job["permissions"].as_object() {
            assert_eq!(perms["contents"], "read", "{file}");
        }
        let steps = job["steps"].as_array().unwrap();
        let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
        assert!(
            uses.iter().any(|u| u.starts_with("actions/cache@")),
            "{file}: {uses:?}"
        );
        let install = steps
            .iter()
            .find(|s| s["name"] == "Install reuse-surface")
            .unwrap_or_else(|| panic!("{file}: no install step"));
        // Only on a cache miss, and pinned to what the cache is keyed by.
        assert_eq!(
            install["if"], "steps.cache.outputs.cache-hit != 'true'",
            "{file}"
        );
        let line = install["run"].as_str().unwrap();
        assert!(
            line.starts_with("cargo install --locked --git \"$REUSE_SURFACE_GIT_URL\" --rev \"$REUSE_SURFACE_REV\" reuse-surface"),
            "{file}: {line}"
        );
        assert!(
            text.contains("key: reuse-surface-${{ runner.os }}-${{ env.REUSE_SURFACE_REV }}"),
            "{file}"
        );
        let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
        assert!(
            runs.iter()
                .any(|r| r.contains("validate --rev HEAD --format sarif > reuse-surface.sarif")),
            "{file}"
        );
    }
    let (_, github) = template(TEMPLATES[0]);
    let steps = github["jobs"]["validate-registry"]["steps"]
        .as_array()
        .unwrap();
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("the GitHub template uploads SARIF");
    assert_eq!(upload["with"]["sarif_file"], "reuse-surface.sarif");
    assert_eq!(
        github["jobs"]["validate-registry"]["permissions"]["security-events"],
        "write"
    );
}
