//! Merge quality on the shapes real files have (issue 13, merge driver
//! items), each under a real `git merge` with the driver registered, and
//! compared with what `git merge-file` does on the same three texts.

use crate::merge_driver::{Repo, blocks};
use crate::merge_git_rule::git_merge;
use reuse_surface::merge::{Side, resolve};
use reuse_surface::yaml::block;

/// Merge under git, assert the driver is clean, and return the result.
fn clean_merge(base: &str, ours: &str, theirs: &str) -> String {
    let repo = Repo::new(base);
    let (ok, merged) = repo.merge(ours, theirs);
    assert!(ok, "{merged}");
    assert_eq!(repo.unmerged(), "");
    block::strict_value(&merged).unwrap_or_else(|e| panic!("{e}\n{merged}"));
    merged
}

// ------------------------------------------- item 1: never worse than git

/// A CI job's single-item `containers:` list (no key at all): one side
/// bumps `image`, the other edits `args`. git is clean; so is the driver,
/// field by field, and `args` merges as an ordered sequence.
#[test]
fn an_unkeyed_single_item_list_merges_field_by_field() {
    let base = "jobs:\n  - id: build\n    containers:\n      - image: app:1\n        args:\n          - --port\n          - \"80\"\n        pull: always\n";
    let ours = base.replace("app:1", "app:2");
    let theirs = base.replace("\"80\"", "\"8080\"");
    assert!(git_merge(base, &ours, &theirs).1);
    let merged = clean_merge(base, &ours, &theirs);
    assert_eq!(merged, ours.replace("\"80\"", "\"8080\""));
}

/// Adjacent lines of one unkeyed item (git conflicts there) still merge:
/// they are different fields.
#[test]
fn adjacent_fields_of_an_unkeyed_item_merge() {
    let base =
        "jobs:\n  - id: build\n    containers:\n      - image: app:1\n        pull: always\n";
    let ours = base.replace("app:1", "app:2");
    let theirs = base.replace("always", "never");
    assert!(!git_merge(base, &ours, &theirs).1);
    let merged = clean_merge(base, &ours, &theirs);
    assert_eq!(merged, ours.replace("always", "never"));
}

/// Rows written as flow mappings holding a collection (`- {id: c.d, tags:
/// [x]}`) are keyed like any row: an edit of one and an addition merge.
#[test]
fn flow_rows_holding_a_collection_are_keyed() {
    let base =
        "schema_version: 1\ncapabilities:\n  - {id: c.a, tags: [x]}\n  - {id: c.d, tags: [x]}\n";
    let ours = base.replace("{id: c.d, tags: [x]}", "{id: c.d, tags: [x, y]}");
    let theirs = format!("{base}  - {{id: c.z, tags: []}}\n");
    let merged = clean_merge(base, &ours, &theirs);
    assert_eq!(merged, format!("{ours}  - {{id: c.z, tags: []}}\n"));
}

/// A list with a row lacking the key, and one with a key used twice: each
/// side edits its own row (the lists change length, so by lines); git is
/// clean and so is the driver, with both edits.
#[test]
fn rows_without_the_key_or_with_a_repeated_key_merge_by_lines() {
    for odd in [
        "  - title: no id here\n",
        "  - id: cap.a\n    title: twice\n",
    ] {
        let base = format!(
            "schema_version: 1\ncapabilities:\n  - id: cap.a\n    title: A\n{odd}  - id: cap.m\n    title: M\n  - id: cap.z\n    title: Z\n"
        );
        let ours = base.replace("title: A\n", "title: A2\n  - id: cap.b\n    title: B\n");
        let theirs = base.replace("    title: Z\n", "");
        assert!(git_merge(&base, &ours, &theirs).1, "{odd}");
        let merged = clean_merge(&base, &ours, &theirs);
        assert_eq!(merged, ours.replace("    title: Z\n", ""), "{odd}");
    }
}

/// Where both sides change the same line of an unkeyable list, the
/// conflict is that line, as git's, not the whole list.
#[test]
fn a_conflict_in_an_unkeyable_list_is_no_larger_than_gits() {
    let mut base = String::from("schema_version: 1\ncapabilities:\n  - title: no id\n");
    for i in 0..20 {
        base.push_str(&format!("  - id: cap.r{i:02}\n    title: T{i}\n"));
    }
    let ours = base.replace("title: T7\n", "title: ours\n") + "  - id: cap.o\n    title: O\n";
    let theirs = base.replace("title: T7\n", "title: theirs\n");
    let (git_text, git_clean) = git_merge(&base, &ours, &theirs);
    assert!(!git_clean);
    let repo = Repo::new(&base);
    let (ok, merged) = repo.merge(&ours, &theirs);
    assert!(!ok);
    assert_eq!(blocks(&merged), 1, "{merged}");
    let conflict_lines = |t: &str| {
        t.lines()
            .skip_while(|l| !l.starts_with("<<<<<<<"))
            .take_while(|l| !l.starts_with(">>>>>>>"))
            .count()
    };
    assert!(
        conflict_lines(&merged) <= conflict_lines(&git_text),
        "{merged}\n---\n{git_text}"
    );
    assert!(
        merged.contains("  - id: cap.o\n"),
        "ours' added row outside the conflict:\n{merged}"
    );
    for side in [Side::Ours, Side::Theirs] {
        block::strict_value(&resolve(&merged, side, 7).unwrap()).unwrap();
    }
}

// ------------------------------------------------- item 3: keys and case

/// Keys that differ only in case, added on both sides, are one row two
/// ways: a conflict on those rows (one block), never two rows.
#[test]
fn keys_differing_only_in_case_added_on_both_sides_conflict() {
    let base = "tools:\n  - name: Argo\n    url: https://argo.example\n  - name: Flux\n    url: https://flux.example\n";
    let repo = Repo::new(base);
    repo.write("registry/config.yaml", "merge:\n  keys:\n    tools: name\n");
    repo.commit_all("config");
    let ours = base.replace(
        "tools:\n",
        "tools:\n  - name: Testkube\n    url: https://testkube.io\n",
    );
    let theirs = format!("{base}  - name: TestKube\n    url: https://testkube.io/\n");
    assert!(git_merge(base, &ours, &theirs).1, "git keeps both rows");
    let (ok, merged) = repo.merge(&ours, &theirs);
    assert!(!ok, "{merged}");
    assert_eq!(blocks(&merged), 1, "{merged}");
    for side in [Side::Ours, Side::Theirs] {
        let resolved = resolve(&merged, side, 7).unwrap();
        let v = block::strict_value(&resolved).unwrap();
        let names: Vec<&str> = v["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        let kube = names
            .iter()
            .filter(|n| n.eq_ignore_ascii_case("testkube"))
            .count();
        assert_eq!(kube, 1, "{side:?}: {names:?}\n{merged}");
        assert_eq!(names.len(), 3, "{names:?}");
    }
}

// ------------------------------------------------ item 6: a changed key

fn rows(text: &str, field: &str) -> Vec<String> {
    let v = block::strict_value(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    v["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[field].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Ours changes a row's key (deletes the row, adds one at the same place
/// with every other field equal); theirs edits that row. git is clean;
/// the driver too: the edit lands in the renamed row.
#[test]
fn a_changed_key_is_an_edit_of_that_row() {
    let base = "schema_version: 1\ncapabilities:\n  - id: cap.a\n    title: A\n    status: active\n  - id: cap.b\n    title: B\n    status: active\n  - id: cap.c\n    title: C\n    status: active\n";
    let ours = base.replace("id: cap.b\n", "id: cap.bee\n");
    let theirs = base.replace(
        "title: B\n    status: active",
        "title: B\n    status: deprecated",
    );
    assert!(git_merge(base, &ours, &theirs).1);
    let merged = clean_merge(base, &ours, &theirs);
    assert_eq!(rows(&merged, "id"), ["cap.a", "cap.bee", "cap.c"]);
    assert_eq!(rows(&merged, "status"), ["active", "deprecated", "active"]);
    assert_eq!(
        merged,
        ours.replace(
            "title: B\n    status: active",
            "title: B\n    status: deprecated"
        )
    );
    // And the other way round.
    let merged = clean_merge(base, &theirs, &ours);
    assert_eq!(rows(&merged, "id"), ["cap.a", "cap.bee", "cap.c"]);
    assert_eq!(rows(&merged, "status"), ["active", "deprecated", "active"]);
}

// ---------------------------------------- item 4: where added rows go

/// Theirs replaces the only row by two new ones; ours adds one after it.
/// git puts theirs' rows first (where the old row was) and ours' after
/// them (after the old row); so does the driver, instead of ordering the
/// three new rows by key.
#[test]
fn added_rows_follow_the_base_row_they_follow_on_their_side() {
    let row = |id: &str, title: &str| {
        format!("  - id: cap.{id}\n    title: {title}\n    status: active\n")
    };
    let list = |rows: &[(&str, &str)]| {
        let mut s = String::from("schema_version: 1\ncapabilities:\n");
        for (id, title) in rows {
            s.push_str(&row(id, title));
        }
        s
    };
    let base = list(&[("r10", "T10")]);
    let ours = list(&[("r10", "T10"), ("o03", "New")]);
    let theirs = list(&[("t03", "New"), ("t08", "New")]);
    let (git_text, git_clean) = git_merge(&base, &ours, &theirs);
    assert!(git_clean, "{git_text}");
    let merged = clean_merge(&base, &ours, &theirs);
    assert_eq!(rows(&merged, "id"), rows(&git_text, "id"));
    assert_eq!(rows(&merged, "id"), ["cap.t03", "cap.t08", "cap.o03"]);
}

// ------------------------------------- item 2: one side's formatting

/// Theirs changes only bytes (quoting a date, a comment, trailing
/// whitespace, a blank line) in regions ours left as base had them; ours
/// changes data elsewhere. The result has both: ours' data and theirs'
/// bytes, as git's line merge would write it.
#[test]
fn a_formatting_change_of_one_side_is_kept() {
    let base = "schema_version: 1\nupdated: 2023-07-11\ncapabilities:\n  - id: cap.a\n    title: A\n    status: active\n  - id: cap.b\n    title: B\n    status: active\n";
    let ours = base.replace("title: B", "title: B by ours");
    let theirs = base
        .replace("updated: 2023-07-11", "updated: '2023-07-11'")
        .replace("  - id: cap.a\n", "  # the first one\n  - id: cap.a\n")
        .replace("title: A\n", "title: A   \n\n");
    let (git_text, git_clean) = git_merge(base, &ours, &theirs);
    assert!(git_clean);
    let merged = clean_merge(base, &ours, &theirs);
    assert_eq!(merged, git_text);
    assert!(merged.contains("updated: '2023-07-11'\n"), "{merged}");
    assert!(merged.contains("title: B by ours\n"), "{merged}");
}
