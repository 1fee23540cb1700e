//! Registry kinds (issue 10): a repository scaffolded with `--profile
//! write-scripts`, items written through the real `add`, checked by the
//! real `validate` and the installed pre-commit hook; hostile entries,
//! concurrent writes, and a custom kind declared only in the config.

use crate::common::{BIN, Repo, Run};
use std::collections::BTreeMap;
use std::path::Path;

/// A git repository scaffolded with the write-scripts profile, committed.
fn profiled() -> Repo {
    let repo = Repo::new();
    repo.git_init();
    repo.run(&["establish", "--scaffold", "--profile", "write-scripts"])
        .assert_code(0);
    repo.commit_all("scaffold");
    repo
}

fn add(repo: &Repo, kind: &str, json: &str) -> Run {
    repo.run(&["add", "--type", kind, "--entry-json", json])
}

/// One valid item per kind, in an order that satisfies the references.
const SAMPLES: &[(&str, &str)] = &[
    (
        "module_type",
        r#"{"id": "service", "description": "A running service."}"#,
    ),
    (
        "module_instance",
        r#"{"id": "billing", "type_id": "service", "description": "Bills customers."}"#,
    ),
    (
        "module_maturity",
        r#"{"module_id": "billing", "stage": "beta", "description": "Used by one team."}"#,
    ),
    (
        "module_interface",
        r#"{"id": "billing.api", "module_id": "billing", "kind": "http", "description": "The billing API."}"#,
    ),
    (
        "route",
        r#"{"id": "billing.invoices", "module_id": "billing", "scope": "api", "topics": ["invoices"], "description": "Invoices go to billing."}"#,
    ),
    (
        "ability_low",
        r#"{"id": "billing.charge", "module_id": "billing", "route_ids": ["billing.invoices"], "description": "Charge a card."}"#,
    ),
    (
        "ability_high",
        r#"{"id": "billing.checkout", "module_id": "billing", "uses": ["billing.charge"], "description": "Check out a cart."}"#,
    ),
    (
        "hook",
        r#"{"id": "usage_tracker", "event_type": "PostAbilityCall", "ability_ids": ["billing.charge"], "description": "Counts ability calls."}"#,
    ),
];

fn with_samples() -> Repo {
    let repo = profiled();
    for (kind, json) in SAMPLES {
        let run = add(&repo, kind, json);
        run.assert_code(0);
        assert!(
            run.stdout.contains(&format!("added {kind} `")),
            "{}",
            run.show()
        );
    }
    repo.commit_all("samples");
    repo
}

/// Every file of the work tree (outside `.git`) and its bytes.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

#[test]
fn the_profile_scaffolds_every_kind_and_is_idempotent() {
    let repo = profiled();
    for kind in [
        "module_type",
        "module_instance",
        "module_maturity",
        "module_interface",
        "route",
        "ability_low",
        "ability_high",
        "hook",
    ] {
        let schema = format!(".system/registry/schemas/{kind}.schema.yaml");
        assert!(repo.exists(&schema), "{schema}");
        assert!(
            repo.read(".system/registry/AGENTS.md")
                .contains(&format!("| `{kind}` | `{schema}`"))
        );
        assert!(
            repo.read(".system/registry/registry_coordination.md")
                .contains(&format!("## `{kind}`")),
            "{kind}"
        );
    }
    let page = repo.read(".system/registry/registry_coordination.md");
    assert!(
        page.contains(
            "check that its `module_id` names an existing `module_instance`: **write fails**"
        ),
        "{page}"
    );
    assert!(
        page.contains("`route_ids` names an existing `route`: warning; the write goes on"),
        "{page}"
    );
    let before = tree(repo.root());
    let again = repo.run(&["establish", "--scaffold", "--profile", "write-scripts"]);
    again.assert_code(0);
    assert!(again.stdout.contains("nothing to do"), "{}", again.show());
    assert_eq!(tree(repo.root()), before, "a second run changed files");
    repo.validate_json(&[]).assert_code(0);

    // The page is generated from the rules: changing a rule without
    // regenerating it is `coordination-drift`, and --scaffold repairs it.
    repo.replace(
        "registry/config.yaml",
        "{field: route_ids, kinds: [route], severity: warning}",
        "{field: route_ids, kinds: [route]}",
    );
    let v = repo.validate_json(&[]);
    v.assert_code(0);
    let drift = v.problem("coordination-drift");
    assert_eq!(
        drift["file"], ".system/registry/registry_coordination.md",
        "{drift}"
    );
    assert_eq!(drift["severity"], "warning", "{drift}");
    let regen = repo.run(&["establish", "--scaffold"]);
    regen.assert_code(0);
    assert!(
        regen
            .stdout
            .contains("registry_coordination.md: regenerated"),
        "{}",
        regen.show()
    );
    assert!(repo.validate_json(&[]).problems().is_empty());
    assert!(
        repo.read(".system/registry/registry_coordination.md")
            .contains("`route_ids` names an existing `route`: **write fails**")
    );
}

#[test]
fn one_item_per_kind_is_written_and_validates_clean() {
    let repo = with_samples();
    let run = repo.validate_json(&[]);
    run.assert_code(0);
    assert!(run.problems().is_empty(), "{}", run.show());
    assert!(
        repo.read("modules/routes/billing.yaml")
            .contains("  - id: billing.invoices\n")
    );
    assert!(
        repo.read(".system/hooks/usage_tracker.yaml")
            .starts_with("id: usage_tracker\n")
    );
    // The hooks gate kind files: a hand-made broken item is refused.
    repo.run(&["install"]).assert_code(0);
    repo.replace(
        ".system/hooks/usage_tracker.yaml",
        "[billing.charge]",
        "[billing.chrage]",
    );
    let out = repo
        .command("git")
        .args(["commit", "-q", "-am", "typo"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the broken hook was committed");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown-reference"), "{err}");
}

#[test]
fn refusals_leave_every_file_byte_identical_and_no_check_writes() {
    let repo = with_samples();
    let before = tree(repo.root());
    for (kind, json, why) in [
        (
            "ability_low",
            r#"{"id": "x.refund", "module_id": "nope", "description": "Refund."}"#,
            "unknown-reference",
        ),
        (
            "hook",
            r#"{"id": "bogus", "event_type": "Bogus", "description": "x"}"#,
            "schema",
        ),
        (
            "hook",
            r#"{"id": "watcher", "event_type": "SessionStop", "ability_ids": ["no.such"], "description": "x"}"#,
            "unknown-reference",
        ),
        (
            "ability_high",
            r#"{"id": "billing.charge", "module_id": "billing", "uses": ["billing.checkout"], "description": "Same id as a low-level one."}"#,
            "duplicate-key",
        ),
    ] {
        let run = add(&repo, kind, json);
        run.assert_code(1).assert_no_panic();
        assert!(run.stdout.contains(&format!("[{why}]")), "{}", run.show());
        assert!(run.stdout.contains("nothing was written"), "{}", run.show());
        assert_eq!(tree(repo.root()), before, "{kind} {json} changed files");
    }
    // The schema is checked even with --no-check.
    repo.run(&[
        "add",
        "--type",
        "hook",
        "--no-check",
        "--entry-json",
        r#"{"id": "bogus", "event_type": "Bogus", "description": "x"}"#,
    ])
    .assert_code(1);
    assert_eq!(tree(repo.root()), before);
    let run = repo.run(&[
        "add",
        "--type",
        "ability_low",
        "--no-check",
        "--entry-json",
        r#"{"id": "x.refund", "module_id": "nope", "description": "Refund."}"#,
    ]);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("coordination checks skipped (--no-check)"),
        "{}",
        run.show()
    );
    let v = repo.validate_json(&[]);
    v.assert_code(1);
    let p = v.problem("unknown-reference");
    assert_eq!(p["file"], ".system/registry/low-level/nope.yaml", "{p}");
    assert_eq!(p["line"], 3, "{p}");
}

#[test]
fn re_adding_a_key_updates_only_its_lines() {
    let repo = with_samples();
    add(
        &repo,
        "module_instance",
        r#"{"id": "ledger", "type_id": "service", "description": "Keeps the books."}"#,
    )
    .assert_code(0);
    repo.commit_all("ledger");
    let run = add(
        &repo,
        "module_instance",
        r#"{"id": "billing", "type_id": "service", "description": "Bills customers monthly."}"#,
    );
    run.assert_code(0);
    assert!(
        run.stdout.contains("updated module_instance `billing`"),
        "{}",
        run.show()
    );
    let numstat = repo.git(&["diff", "--numstat"]);
    assert_eq!(numstat, "1\t1\tmodules/overview/instance_registry.yaml\n");
    // The same entry again changes nothing.
    let run = add(
        &repo,
        "module_instance",
        r#"{"id": "billing", "type_id": "service", "description": "Bills customers monthly."}"#,
    );
    run.assert_code(0);
    assert!(run.stdout.contains("already in"), "{}", run.show());
}

#[test]
fn items_are_kept_sorted_and_comments_crlf_survive() {
    let repo = profiled();
    repo.write(
        "modules/overview/type_registry.yaml",
        "# Module types.\r\nmodule_types:\r\n  # the first\r\n  - id: m\r\n    description: \"Middle.\"  # quoted on purpose\r\n",
    );
    for id in ["z", "a", "n"] {
        add(
            &repo,
            "module_type",
            &format!(r#"{{"id": "{id}", "description": "Type {id}."}}"#),
        )
        .assert_code(0);
    }
    let text = repo.read("modules/overview/type_registry.yaml");
    let ids: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- id: "))
        .collect();
    assert_eq!(ids, ["a", "m", "n", "z"], "{text}");
    assert!(text.contains("# the first\r\n"), "{text:?}");
    assert!(
        text.contains("\"Middle.\"  # quoted on purpose\r\n"),
        "{text:?}"
    );
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "a bare LF crept in: {text:?}"
    );
}

#[test]
fn an_overlapping_route_is_written_with_a_warning() {
    let repo = with_samples();
    add(
        &repo,
        "module_instance",
        r#"{"id": "ledger", "type_id": "service", "description": "Keeps the books."}"#,
    )
    .assert_code(0);
    let run = add(
        &repo,
        "route",
        r#"{"id": "ledger.invoices", "module_id": "ledger", "scope": "api", "topics": ["invoices"], "description": "Also invoices."}"#,
    );
    run.assert_code(0);
    assert!(
        run.stdout.contains("warning[route-overlap]"),
        "{}",
        run.show()
    );
    assert!(run.stdout.contains("(1 warning(s))"), "{}", run.show());
    assert!(repo.exists("modules/routes/ledger.yaml"));
    // Another scope does not overlap.
    let run = add(
        &repo,
        "route",
        r#"{"id": "ledger.web", "module_id": "ledger", "scope": "web", "topics": ["invoices"], "description": "Web invoices."}"#,
    );
    run.assert_code(0);
    assert!(!run.stdout.contains("route-overlap"), "{}", run.show());
}

#[test]
fn a_custom_kind_declared_in_the_config_works_end_to_end() {
    let repo = Repo::with_registry();
    repo.git_init();
    repo.write(
        "schemas/team.json",
        r#"{"type": "object", "required": ["id", "lead"], "properties": {"id": {"type": "string"}, "lead": {"type": "string"}, "parent": {"type": "string"}}}"#,
    );
    let config = if repo.exists("registry/config.yaml") {
        repo.read("registry/config.yaml")
    } else {
        String::new()
    };
    repo.write(
        "registry/config.yaml",
        format!(
            "{config}kinds:\n  team:\n    schema: schemas/team.json\n    files: teams/*.yaml\n    new_file: teams/{{id}}.yaml\n    key: id\n    references:\n      - {{field: parent, kinds: [team]}}\n"
        ),
    );
    add(&repo, "team", r#"{"id": "core", "lead": "ana"}"#).assert_code(0);
    add(
        &repo,
        "team",
        r#"{"id": "web", "lead": "bo", "parent": "core"}"#,
    )
    .assert_code(0);
    add(
        &repo,
        "team",
        r#"{"id": "ops", "lead": "cy", "parent": "nobody"}"#,
    )
    .assert_code(1);
    add(&repo, "team", r#"{"id": "ops"}"#).assert_code(1);
    assert_eq!(
        repo.read("teams/web.yaml"),
        "id: web\nlead: bo\nparent: core\n"
    );
    assert!(!repo.exists("teams/ops.yaml"));
    repo.validate_json(&[]).assert_code(0);
    repo.write("teams/web.yaml", "id: web\nlead: bo\nparent: gone\n");
    let v = repo.validate_json(&[]);
    v.assert_code(1);
    assert_eq!(v.problem("unknown-reference")["file"], "teams/web.yaml");
    // An unknown kind names the declared ones.
    let run = add(&repo, "tema", r#"{"id": "x"}"#);
    run.assert_code(2);
    assert!(run.stderr.contains("declared: team"), "{}", run.show());
}

#[test]
fn hostile_entries_get_one_clear_error_and_no_write() {
    let repo = with_samples();
    let before = tree(repo.root());
    let big = repo.outside().join("big.yaml");
    let mut text = String::from("id: big\ntype_id: service\ndescription: \"");
    text.push_str(&"x".repeat(10 << 20));
    text.push_str("\"\n");
    std::fs::write(&big, text).unwrap();
    let big = big.to_str().unwrap().to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--entry-json", r#"["a", "b"]"#],
            "a mapping of its fields, not a list",
        ),
        (
            vec![
                "--entry-json",
                r#"{"type_id": "service", "description": "x"}"#,
            ],
            "has no `id`",
        ),
        (
            vec![
                "--entry-json",
                r#"{"id": "two\nlines", "type_id": "service", "description": "x"}"#,
            ],
            "not a usable key",
        ),
        (
            vec![
                "--entry-json",
                r#"{"id": "a", "id": "b", "type_id": "service", "description": "x"}"#,
            ],
            "duplicate",
        ),
        (vec!["--entry-json", "id: a\nid: b\n"], "duplicate"),
        (vec!["--entry-json", "{unclosed"], "does not parse"),
        (vec!["--entry-file", &big], "larger than"),
        (
            vec!["--entry-file", "/nonexistent/entry.yaml"],
            "cannot read the entry",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["add", "--type", "module_instance"];
        all.extend(&args);
        let run = repo.run(&all);
        run.assert_no_panic();
        assert!(run.code == 1 || run.code == 2, "{args:?}: {}", run.show());
        let said = format!("{}{}", run.stdout, run.stderr);
        assert!(
            said.contains(expected),
            "{args:?}: expected {expected:?}:\n{}",
            run.show()
        );
        assert_eq!(tree(repo.root()), before, "{args:?} changed files");
    }
}

#[test]
fn concurrent_adds_to_one_file_all_land() {
    let repo = with_samples();
    let children: Vec<_> = (0..6)
        .map(|i| {
            repo.command(BIN)
                .args([
                    "add",
                    "--type",
                    "module_instance",
                    "--entry-json",
                    &format!(
                        r#"{{"id": "svc{i}", "type_id": "service", "description": "Service {i}."}}"#
                    ),
                ])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = repo.read("modules/overview/instance_registry.yaml");
    for i in 0..6 {
        assert!(
            text.contains(&format!("- id: svc{i}\n")),
            "svc{i} lost:\n{text}"
        );
    }
    repo.validate_json(&[]).assert_code(0);
}

#[test]
fn stats_counts_items_per_kind() {
    let repo = with_samples();
    let run = repo.run(&["stats", "--format", "json"]);
    run.assert_code(0);
    let kinds = &run.json()["kinds"];
    assert_eq!(kinds["module_instance"], 1, "{kinds}");
    assert_eq!(kinds["hook"], 1, "{kinds}");
    assert_eq!(kinds.as_object().unwrap().len(), 8, "{kinds}");
    let text = repo.run(&["stats"]);
    assert!(text.stdout.contains("items by kind:\n"), "{}", text.show());
}

/// `install` routes the kinds' files to the merge driver, and a real
/// `git merge` of two branches that each add an ability to the same file
/// is clean and keeps both; the same key added differently on both sides
/// is a conflict on that item only.
#[test]
fn kind_files_merge_by_their_keys() {
    let repo = with_samples();
    repo.run(&["install"]).assert_code(0);
    let attributes = repo.read(".gitattributes");
    assert!(
        attributes.contains(".system/registry/low-level/*.yaml merge=reuse-surface\n"),
        "{attributes}"
    );
    let attr = repo.git(&[
        "check-attr",
        "merge",
        "--",
        ".system/registry/low-level/billing.yaml",
    ]);
    assert!(attr.trim_end().ends_with("merge: reuse-surface"), "{attr}");
    repo.commit_all("install");
    let ability = |id: &str, desc: &str| {
        format!(r#"{{"id": "{id}", "module_id": "billing", "description": "{desc}"}}"#)
    };
    repo.git(&["checkout", "-q", "-b", "side"]);
    add(
        &repo,
        "ability_low",
        &ability("billing.refund", "Refund a charge."),
    )
    .assert_code(0);
    add(
        &repo,
        "ability_low",
        &ability("billing.same", "Side's words."),
    )
    .assert_code(0);
    repo.commit_all("side adds");
    repo.git(&["checkout", "-q", "main"]);
    add(
        &repo,
        "ability_low",
        &ability("billing.void", "Void an invoice."),
    )
    .assert_code(0);
    repo.commit_all("main adds");
    let out = repo
        .command("git")
        .args(["merge", "--no-edit", "side"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = repo.read(".system/registry/low-level/billing.yaml");
    for id in [
        "billing.charge",
        "billing.refund",
        "billing.same",
        "billing.void",
    ] {
        assert_eq!(
            text.matches(&format!("- id: {id}\n")).count(),
            1,
            "{id}:\n{text}"
        );
    }
    repo.validate_json(&[]).assert_code(0);

    // The same new key, described differently on two branches.
    repo.git(&["checkout", "-q", "-b", "other"]);
    add(
        &repo,
        "ability_low",
        &ability("billing.dup", "Other's words."),
    )
    .assert_code(0);
    repo.commit_all("other");
    repo.git(&["checkout", "-q", "main"]);
    add(
        &repo,
        "ability_low",
        &ability("billing.dup", "Main's words."),
    )
    .assert_code(0);
    repo.commit_all("main");
    let out = repo
        .command("git")
        .args(["merge", "--no-edit", "other"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the clash merged cleanly");
    let text = repo.read(".system/registry/low-level/billing.yaml");
    assert_eq!(text.matches("<<<<<<<").count(), 1, "{text}");
    let conflict = &text[text.find("<<<<<<<").unwrap()..text.find(">>>>>>>").unwrap()];
    assert!(
        conflict.contains("Main's words.") && conflict.contains("Other's words."),
        "{text}"
    );
    assert!(
        !conflict.contains("billing.void") && !conflict.contains("billing.charge"),
        "{text}"
    );
}

#[test]
fn entries_from_stdin_json_output_and_an_explicit_file() {
    let repo = with_samples();
    let mut child = repo
        .command(BIN)
        .args([
            "add",
            "--type",
            "route",
            "--entry-file",
            "-",
            "--format",
            "json",
        ])
        .args(["--file", "modules/routes/extra.yaml"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"id: billing.refunds\nmodule_id: billing\nscope: api\ntopics: [refunds]\ndescription: Refunds.\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["action"], "added", "{doc}");
    assert_eq!(doc["written"], true, "{doc}");
    assert_eq!(doc["file"], "modules/routes/extra.yaml", "{doc}");
    assert!(
        repo.read("modules/routes/extra.yaml")
            .contains("- id: billing.refunds\n")
    );
    // A file the kind does not own is a usage error.
    let run = repo.run(&[
        "add", "--type", "route", "--file", "elsewhere/r.yaml", "--entry-json",
        r#"{"id": "r2", "module_id": "billing", "scope": "x", "topics": ["y"], "description": "d"}"#,
    ]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("`route` items live in `modules/routes/*.yaml`"),
        "{}",
        run.show()
    );
    // A dry run prints the diff and writes nothing.
    let before = tree(repo.root());
    let run = repo.run(&[
        "add",
        "--type",
        "module_type",
        "--dry-run",
        "--entry-json",
        r#"{"id": "worker", "description": "A background worker."}"#,
    ]);
    run.assert_code(0);
    assert!(run.stdout.contains("+  - id: worker\n"), "{}", run.show());
    assert_eq!(tree(repo.root()), before);
}
