//! The merge driver under a real `git merge` (issue 4 acceptance): each test
//! builds a repository in a temporary directory, registers the driver the
//! way `install` does (`merge.reuse-surface.driver` + `.gitattributes`),
//! commits a base index, changes it on two branches and runs `git merge`.

use reuse_surface::merge::{
    Labels, Options, Outcome, Side, merge_driver, merge_driver_with_labels, merge_text, resolve,
};
use reuse_surface::yaml::block;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common;

const BIN: &str = env!("CARGO_BIN_EXE_reuse-surface");
pub(crate) const INDEX: &str = "registry/indexes/capabilities.yaml";

/// The shared test-repository builder ([`common::Repo`]), with the merge
/// driver registered.
pub(crate) struct Repo(common::Repo);

impl std::ops::Deref for Repo {
    type Target = common::Repo;
    fn deref(&self) -> &common::Repo {
        &self.0
    }
}

impl Repo {
    /// A repository on `main` with the driver registered and `base`
    /// committed as the index.
    pub(crate) fn new(base: &str) -> Repo {
        let repo = Repo(common::Repo::new());
        repo.git_init();
        repo.git(&["config", "user.name", "Test"]);
        repo.git(&["config", "user.email", "test@example.invalid"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo.git(&["config", "merge.conflictStyle", "merge"]);
        repo.git(&[
            "config",
            "merge.reuse-surface.name",
            "reuse-surface structural merge",
        ]);
        repo.git(&[
            "config",
            "merge.reuse-surface.driver",
            &format!("'{BIN}' merge-driver %O %A %B %L %P"),
        ]);
        repo.write(
            ".gitattributes",
            "registry/indexes/*.yaml merge=reuse-surface\n",
        );
        repo.write(INDEX, base);
        repo.commit_all("base");
        repo
    }

    fn git_output(&self, args: &[&str]) -> Output {
        self.command("git").args(args).output().expect("git runs")
    }

    /// Commit `theirs` on branch `feature`, `ours` on `main`, merge
    /// `feature` into `main`. Returns whether git reported success, and the
    /// merged index.
    pub(crate) fn merge(&self, ours: &str, theirs: &str) -> (bool, String) {
        self.git(&["checkout", "-q", "-b", "feature"]);
        self.write(INDEX, theirs);
        self.commit_all("theirs");
        self.git(&["checkout", "-q", "main"]);
        self.write(INDEX, ours);
        self.commit_all("ours");
        let out = self.git_output(&["merge", "--no-edit", "feature"]);
        (out.status.success(), self.read(INDEX))
    }

    pub(crate) fn unmerged(&self) -> String {
        self.git(&["diff", "--name-only", "--diff-filter=U"])
    }
}

/// An index row; `owner` is not derived from the entry (as `title` is), so
/// both sides changing it differently is a conflict for a human.
fn row(id: &str, title: &str) -> String {
    format!(
        "  - id: {id}\n    title: {title}\n    owner: {title} team\n    status: active\n    vector: D1/A1/C1/R1\n    path: registry/capabilities/{}.md\n",
        id.rsplit('.').next().unwrap()
    )
}

/// An index with the given rows, in the given order.
fn index(updated: &str, rows: &[(&str, &str)]) -> String {
    let mut out = format!(
        "# The capability index (derived; edit the entries)\nschema_version: 1\nupdated: {updated}\ncapabilities:\n"
    );
    for (id, title) in rows {
        out.push_str(&row(id, title));
    }
    out
}

fn ids(text: &str) -> Vec<String> {
    let v = block::strict_value(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    v["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn field(text: &str, id: &str, name: &str) -> Option<String> {
    let v = block::strict_value(text).unwrap();
    v["capabilities"]
        .as_array()?
        .iter()
        .find(|r| r["id"] == id)?
        .get(name)?
        .as_str()
        .map(String::from)
}

pub(crate) fn blocks(text: &str) -> usize {
    text.lines().filter(|l| l.starts_with("<<<<<<< ")).count()
}

const BASE_ROWS: &[(&str, &str)] = &[("cap.b", "B"), ("cap.d", "D"), ("cap.f", "F")];

#[test]
fn both_sides_append_different_rows() {
    let base = index("2026-06-01", BASE_ROWS);
    let repo = Repo::new(&base);
    let ours = format!("{base}{}", row("cap.x", "Ours"));
    let theirs = format!("{base}{}", row("cap.y", "Theirs"));
    let (ok, merged) = repo.merge(&ours, &theirs);
    assert!(ok, "{merged}");
    assert_eq!(ids(&merged), ["cap.b", "cap.d", "cap.f", "cap.x", "cap.y"]);
    assert_eq!(repo.unmerged(), "");
    // Exactly ours with theirs' row appended: nothing else rewritten.
    assert_eq!(merged, format!("{ours}{}", row("cap.y", "Theirs")));
}

#[test]
fn both_sides_insert_at_the_same_place() {
    let base = index("2026-06-01", BASE_ROWS);
    let repo = Repo::new(&base);
    let ours = index(
        "2026-06-01",
        &[
            ("cap.b", "B"),
            ("cap.c1", "C1"),
            ("cap.d", "D"),
            ("cap.f", "F"),
        ],
    );
    let theirs = index(
        "2026-06-01",
        &[
            ("cap.b", "B"),
            ("cap.c2", "C2"),
            ("cap.d", "D"),
            ("cap.f", "F"),
        ],
    );
    let (ok, merged) = repo.merge(&ours, &theirs);
    assert!(ok, "{merged}");
    assert_eq!(
        ids(&merged),
        ["cap.b", "cap.c1", "cap.c2", "cap.d", "cap.f"]
    );
}

#[test]
fn different_fields_of_one_row_merge() {
    let base = index("2026-06-01", BASE_ROWS);
    let repo = Repo::new(&base);
    let ours = base.replace("title: D", "title: D renamed");
    let theirs = base.replace(
        "path: registry/capabilities/d.md",
        "path: registry/capabilities/d2.md",
    );
    let (ok, merged) = repo.merge(&ours, &theirs);
    assert!(ok, "{merged}");
    assert_eq!(
        field(&merged, "cap.d", "title").as_deref(),
        Some("D renamed")
    );
    assert_eq!(
        field(&merged, "cap.d", "path").as_deref(),
        Some("registry/capabilities/d2.md")
    );
}

#[test]
fn same_field_changed_differently_conflicts_in_that_row_only() {
    let base = index("2026-06-01", BASE_ROWS);
    let repo = Repo::new(&base);
    let ours = base
        .replace("owner: D team", "owner: D by ours")
        .replace("title: B", "title: B by ours");
    let theirs = base
        .replace("owner: D team", "owner: D by theirs")
        .replace("title: F", "title: F by theirs");
    let (ok, merged) = repo.merge(&ours, &theirs);
    assert!(!ok, "a conflict must stop the merge:\n{merged}");
    assert_eq!(repo.unmerged().trim(), INDEX);
    assert_eq!(blocks(&merged), 1, "{merged}");
    // The markers hold the disputed field line only, with git's labels.
    assert!(
        merged.contains(
            "<<<<<<< HEAD\n    owner: D by ours\n=======\n    owner: D by theirs\n>>>>>>> feature\n"
        ),
        "{merged}"
    );
    // Everything else merged: both sides' other edits are outside the markers.
    for side in [Side::Ours, Side::Theirs] {
        let resolved = resolve(&merged, side, 7).unwrap();
        assert_eq!(
            field(&resolved, "cap.b", "title").as_deref(),
            Some("B by ours")
        );
        assert_eq!(
            field(&resolved, "cap.f", "title").as_deref(),
            Some("F by theirs")
        );
        assert_eq!(ids(&resolved), ["cap.b", "cap.d", "cap.f"]);
    }
}

#[test]
fn both_bump_updated_takes_the_later_date() {
    let base = index("2026-06-01", BASE_ROWS);
    let repo = Repo::new(&base);
    let ours = base.replace("updated: 2026-06-01", "updated: 2026-06-09");
    let theirs = base.replace("updated: 2026-06-01", "updated: 2026-06-12");
    let (ok, merged) = repo.merge(&ours, &theirs);
    assert!(ok, "{merged}");
    assert_eq!(
        merged,
        base.replace("updated: 2026-06-01", "updated: 2026-06-12")
    );
    // And the other way round: ours is later.
    let repo = Repo::new(&base);
    let (ok, merged) = repo.merge(&theirs.replace("06-12", "06-30"), &ours);
    assert!(ok);
    assert!(merged.contains("updated: 2026-06-30\n"), "{merged}");
}

#[test]
fn vector_merges_per_dimension() {
    let base = index("2026-06-01", BASE_ROWS);
    let repo = Repo::new(&base);
    // Ours raises D and C, theirs raises A and C further: D from ours, A
    // from theirs, C changed differently on both (higher level), R kept.
    let ours = base.replacen("vector: D1/A1/C1/R1", "vector: D3/A1/C2/R1", 1);
    let theirs = base.replacen("vector: D1/A1/C1/R1", "vector: D1/A4/C5/R1", 1);
    let (ok, merged) = repo.merge(&ours, &theirs);
    assert!(ok, "{merged}");
    assert_eq!(
        field(&merged, "cap.b", "vector").as_deref(),
        Some("D3/A4/C5/R1")
    );
}

#[test]
fn delete_versus_edit_conflicts() {
    let base = index("2026-06-01", BASE_ROWS);
    let repo = Repo::new(&base);
    let ours = base.replace("title: D", "title: D edited");
    let theirs = index("2026-06-01", &[("cap.b", "B"), ("cap.f", "F")]);
    let (ok, merged) = repo.merge(&ours, &theirs);
    assert!(!ok, "{merged}");
    assert_eq!(blocks(&merged), 1, "{merged}");
    let expected_block = format!(
        "<<<<<<< HEAD\n{}=======\n>>>>>>> feature\n",
        row("cap.d", "D").replace("title: D", "title: D edited")
    );
    assert!(merged.contains(&expected_block), "{merged}");
    assert_eq!(
        ids(&resolve(&merged, Side::Ours, 7).unwrap()),
        ["cap.b", "cap.d", "cap.f"]
    );
    assert_eq!(
        ids(&resolve(&merged, Side::Theirs, 7).unwrap()),
        ["cap.b", "cap.f"]
    );
}

#[test]
fn one_side_reorders_while_the_other_edits() {
    let base = index(
        "2026-06-01",
        &[("cap.d", "D"), ("cap.b", "B"), ("cap.f", "F")],
    );
    let reordered = index(
        "2026-06-01",
        &[("cap.f", "F"), ("cap.d", "D"), ("cap.b", "B")],
    );
    let edited = base.replace("title: B", "title: B edited");
    for (ours, theirs) in [(&reordered, &edited), (&edited, &reordered)] {
        let repo = Repo::new(&base);
        let (ok, merged) = repo.merge(ours, theirs);
        assert!(ok, "{merged}");
        assert_eq!(ids(&merged), ["cap.f", "cap.d", "cap.b"], "{merged}");
        assert_eq!(
            field(&merged, "cap.b", "title").as_deref(),
            Some("B edited")
        );
        assert_eq!(merged, reordered.replace("title: B", "title: B edited"));
    }
}

#[test]
fn same_new_id_at_two_positions_conflicts_and_never_duplicates() {
    let base = index(
        "2026-06-01",
        &[("cap.d", "D"), ("cap.b", "B"), ("cap.f", "F")],
    );
    let repo = Repo::new(&base);
    let ours = index(
        "2026-06-01",
        &[
            ("cap.n", "New by ours"),
            ("cap.d", "D"),
            ("cap.b", "B"),
            ("cap.f", "F"),
        ],
    );
    let theirs = index(
        "2026-06-01",
        &[
            ("cap.d", "D"),
            ("cap.b", "B"),
            ("cap.f", "F"),
            ("cap.n", "New by theirs"),
        ],
    );
    let (ok, merged) = repo.merge(&ours, &theirs);
    assert!(!ok, "{merged}");
    assert_eq!(blocks(&merged), 1, "{merged}");
    assert_eq!(
        merged.matches("id: cap.n").count(),
        2,
        "one copy per side inside the block:\n{merged}"
    );
    for side in [Side::Ours, Side::Theirs] {
        let resolved = ids(&resolve(&merged, side, 7).unwrap());
        assert_eq!(
            resolved.iter().filter(|i| *i == "cap.n").count(),
            1,
            "{merged}"
        );
        assert_eq!(resolved.len(), 4);
    }
}

#[test]
fn same_row_added_identically_is_kept_once() {
    let base = index("2026-06-01", BASE_ROWS);
    let repo = Repo::new(&base);
    let both = index(
        "2026-06-01",
        &[
            ("cap.b", "B"),
            ("cap.c", "Same"),
            ("cap.d", "D"),
            ("cap.f", "F"),
        ],
    );
    let ours = both.replace("title: F", "title: F by ours");
    let (ok, merged) = repo.merge(&ours, &both);
    assert!(ok, "{merged}");
    assert_eq!(ids(&merged), ["cap.b", "cap.c", "cap.d", "cap.f"]);
    assert_eq!(merged, ours);
}

#[test]
fn both_sides_add_different_scalars_to_one_list() {
    let base = "schema_version: 1\ncapabilities:\n  - id: cap.a\n    tags: [x, y]\n    consumers:\n      - one\n";
    let repo = Repo::new(base);
    let ours = "schema_version: 1\ncapabilities:\n  - id: cap.a\n    tags: [x, y, ours]\n    consumers:\n      - one\n      - two\n";
    let theirs = "schema_version: 1\ncapabilities:\n  - id: cap.a\n    tags: [x, theirs]\n    consumers:\n      - one\n      - three\n";
    let (ok, merged) = repo.merge(ours, theirs);
    assert!(ok, "{merged}");
    // Theirs' removal of `y` holds; both additions are kept: in `tags`
    // where each side put its own (theirs' after `x`, ours' after `y`, as
    // git places them), in `consumers` in key order (every input of it was
    // sorted, so the result is too).
    assert_eq!(
        merged,
        "schema_version: 1\ncapabilities:\n  - id: cap.a\n    tags: [x, theirs, ours]\n    consumers:\n      - one\n      - three\n      - two\n"
    );
}

#[test]
fn comments_blank_lines_quoting_and_crlf_are_preserved() {
    let base = "# Index header\r\nschema_version: 1   # pinned\r\nupdated: '2026-06-01'\r\ncapabilities:\r\n\r\n  # first row\r\n  - id: \"cap.b\"\r\n    title: 'B'  # keep me\r\n    status: active\r\n\r\n  - id: cap.d\r\n    title: D\r\n    status: active\r\n# trailer\r\n";
    let repo = Repo::new(base);
    repo.git(&["config", "core.autocrlf", "false"]);
    let ours = base.replace("    title: D\r\n", "    title: \"D by ours\"\r\n");
    let theirs = base
        .replace("updated: '2026-06-01'", "updated: '2026-06-05'")
        .replace(
            "    status: active\r\n# trailer",
            "    status: deprecated\r\n  - id: cap.z\r\n    title: Z\r\n# trailer",
        );
    let (ok, merged) = repo.merge(&ours, &theirs);
    assert!(ok, "{merged}");
    let expected = "# Index header\r\nschema_version: 1   # pinned\r\nupdated: '2026-06-05'\r\ncapabilities:\r\n\r\n  # first row\r\n  - id: \"cap.b\"\r\n    title: 'B'  # keep me\r\n    status: active\r\n\r\n  - id: cap.d\r\n    title: \"D by ours\"\r\n    status: deprecated\r\n  - id: cap.z\r\n    title: Z\r\n# trailer\r\n";
    assert_eq!(merged, expected);
}

#[test]
fn crlf_rows_from_an_lf_side_take_ours_line_endings() {
    let base = index("2026-06-01", BASE_ROWS).replace('\n', "\r\n");
    let repo = Repo::new(&base);
    repo.git(&["config", "core.autocrlf", "false"]);
    let ours = base.replace("title: B", "title: B2");
    let theirs = format!("{}{}", index("2026-06-01", BASE_ROWS), row("cap.z", "Z"));
    let (ok, merged) = repo.merge(&ours, &theirs);
    assert!(ok, "{merged}");
    assert_eq!(
        merged,
        format!("{ours}{}", row("cap.z", "Z").replace('\n', "\r\n"))
    );
}

#[test]
fn an_unparseable_side_falls_back_to_git_merge_file() {
    let base = index("2026-06-01", BASE_ROWS);
    let repo = Repo::new(&base);
    let ours = base.replace("title: D", "title: D by ours");
    let theirs = base
        .replace("title: D", "title: [unclosed")
        .replace("title: F", "title: F by theirs");
    let (ok, merged) = repo.merge(&ours, &theirs);
    // What git's own line merge makes of the same three versions.
    let dir = tempfile::tempdir().unwrap();
    let (b, o, t) = (
        dir.path().join("b"),
        dir.path().join("o"),
        dir.path().join("t"),
    );
    std::fs::write(&b, &base).unwrap();
    std::fs::write(&o, &ours).unwrap();
    std::fs::write(&t, &theirs).unwrap();
    let expected = Command::new("git")
        .args([
            "merge-file",
            "-p",
            "-L",
            "HEAD",
            "-L",
            "base",
            "-L",
            "feature",
        ])
        .args([&o, &b, &t])
        .output()
        .unwrap();
    assert_eq!(ok, expected.status.success());
    assert!(!ok);
    assert_eq!(merged, String::from_utf8(expected.stdout).unwrap());
}

#[test]
fn marker_size_comes_from_git() {
    let base = index("2026-06-01", BASE_ROWS);
    let repo = Repo::new(&base);
    repo.write(
        ".gitattributes",
        "registry/indexes/*.yaml merge=reuse-surface conflict-marker-size=12\n",
    );
    repo.commit_all("marker size");
    let (ok, merged) = repo.merge(
        &base.replace("owner: B team", "owner: B1"),
        &base.replace("owner: B team", "owner: B2"),
    );
    assert!(!ok);
    assert!(
        merged.contains(&format!(
            "{} HEAD\n    owner: B1\n{}\n",
            "<".repeat(12),
            "=".repeat(12)
        )),
        "{merged}"
    );
    assert!(
        merged.contains(&format!("{} feature\n", ">".repeat(12))),
        "{merged}"
    );
}

#[test]
fn diff3_style_shows_the_base() {
    let base = index("2026-06-01", BASE_ROWS);
    let repo = Repo::new(&base);
    repo.git(&["config", "merge.conflictStyle", "diff3"]);
    let (ok, merged) = repo.merge(
        &base.replace("owner: B team", "owner: B1"),
        &base.replace("owner: B team", "owner: B2"),
    );
    assert!(!ok);
    assert!(
        merged.contains("<<<<<<< HEAD\n    owner: B1\n||||||| base\n    owner: B team\n=======\n    owner: B2\n>>>>>>> feature\n"),
        "{merged}"
    );
}

#[test]
fn configured_key_field_matches_rows_of_other_registry_kinds() {
    let base = "modules:\n  instances:\n    - name: alpha\n      host: a1\n    - name: beta\n      host: b1\n";
    let repo = Repo::new(base);
    repo.write(
        "registry/config.yaml",
        "merge:\n  keys:\n    modules.instances: name\n",
    );
    repo.commit_all("config");
    let ours = "modules:\n  instances:\n    - name: alpha\n      host: a2\n    - name: beta\n      host: b1\n    - name: gamma\n      host: g1\n";
    let theirs = "modules:\n  instances:\n    - name: alpha\n      host: a1\n    - name: beta\n      host: b2\n    - name: delta\n      host: d1\n";
    let (ok, merged) = repo.merge(ours, theirs);
    assert!(ok, "{merged}");
    assert_eq!(
        merged,
        "modules:\n  instances:\n    - name: alpha\n      host: a2\n    - name: beta\n      host: b2\n    - name: delta\n      host: d1\n    - name: gamma\n      host: g1\n"
    );
}

#[test]
fn rows_without_the_key_field_merge_by_lines() {
    let base = "schema_version: 1\nnotes:\n  - text: one\n";
    let repo = Repo::new(base);
    let (ok, merged) = repo.merge(
        "schema_version: 1\nnotes:\n  - text: one\n  - text: two\n",
        "schema_version: 1\nnotes:\n  - text: one\n  - text: three\n",
    );
    assert!(
        !ok,
        "rows both sides appended at the same place conflict, as in git:\n{merged}"
    );
    assert_eq!(blocks(&merged), 1);
    let repo = Repo::new(base);
    let (ok, merged) = repo.merge(
        "schema_version: 2\nnotes:\n  - text: one\n",
        "schema_version: 1\nnotes:\n  - text: one\n  - text: three\n",
    );
    assert!(ok, "{merged}");
    assert_eq!(
        merged,
        "schema_version: 2\nnotes:\n  - text: one\n  - text: three\n"
    );
}

#[test]
fn index_added_on_both_branches_merges_without_a_base() {
    let repo = Repo::new("");
    repo.remove(INDEX);
    repo.commit_all("no index yet");
    let ours = index("2026-06-02", &[("cap.a", "A"), ("cap.c", "C")]);
    let theirs = index("2026-06-03", &[("cap.b", "B"), ("cap.c", "C")]);
    let (ok, merged) = repo.merge(&ours, &theirs);
    assert!(ok, "{merged}");
    assert_eq!(ids(&merged), ["cap.a", "cap.b", "cap.c"]);
    assert!(merged.contains("updated: 2026-06-03\n"));
}

// ------------------------------------------------- the library function

fn files(base: &str, ours: &str, theirs: &str) -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str, t: &str| {
        let p = dir.path().join(n);
        std::fs::write(&p, t).unwrap();
        p
    };
    let (b, o, t) = (p("base", base), p("ours", ours), p("theirs", theirs));
    (dir, b, o, t)
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn driver_function_writes_ours_and_returns_git_exit_codes() {
    let base = index("2026-06-01", BASE_ROWS);
    let (dir, b, o, t) = files(
        &base,
        &base.replace("title: B", "title: B1"),
        &base.replace("title: F", "title: F1"),
    );
    assert_eq!(merge_driver(&b, &o, &t, 7, Some(INDEX)).unwrap(), 0);
    let merged = std::fs::read_to_string(&o).unwrap();
    assert_eq!(
        merged,
        base.replace("title: B", "title: B1")
            .replace("title: F", "title: F1")
    );
    assert_eq!(
        entries(dir.path()),
        ["base", "ours", "theirs"],
        "no temporary file left behind"
    );

    let (_dir, b, o, t) = files(
        &base,
        &base.replace("owner: B team", "owner: B1"),
        &base.replace("owner: B team", "owner: B2"),
    );
    let labels = Labels {
        ours: "mine".into(),
        base: "old".into(),
        theirs: "yours".into(),
    };
    assert_eq!(
        merge_driver_with_labels(&b, &o, &t, 0, None, labels).unwrap(),
        1
    );
    let merged = std::fs::read_to_string(&o).unwrap();
    assert!(
        merged.contains("<<<<<<< mine\n    owner: B1\n=======\n    owner: B2\n>>>>>>> yours\n"),
        "{merged}"
    );
}

#[test]
fn driver_function_reports_a_missing_file_without_touching_ours() {
    let base = index("2026-06-01", BASE_ROWS);
    let (dir, b, o, _t) = files(&base, &base, &base);
    let err = merge_driver(&b, &o, &dir.path().join("missing"), 7, None).unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
    assert_eq!(std::fs::read_to_string(&o).unwrap(), base);
}

#[test]
fn byte_order_mark_and_missing_final_newline_survive() {
    let base = index("2026-06-01", BASE_ROWS);
    let ours = format!(
        "\u{feff}{}",
        base.replace("title: B", "title: B1").trim_end()
    );
    let (_dir, b, o, t) = files(&base, &ours, &format!("{base}{}", row("cap.z", "Z")));
    assert_eq!(merge_driver(&b, &o, &t, 7, None).unwrap(), 0);
    let merged = std::fs::read_to_string(&o).unwrap();
    assert!(merged.starts_with('\u{feff}'));
    assert_eq!(merged, format!("{ours}\n{}", row("cap.z", "Z")));
}

#[test]
fn merging_is_deterministic() {
    let base = index("2026-06-01", BASE_ROWS);
    let ours = index(
        "2026-06-04",
        &[
            ("cap.a", "A"),
            ("cap.b", "B1"),
            ("cap.d", "D"),
            ("cap.f", "F"),
            ("cap.g", "G"),
        ],
    );
    let theirs = index(
        "2026-06-03",
        &[
            ("cap.b", "B2"),
            ("cap.c", "C"),
            ("cap.f", "F"),
            ("cap.h", "H"),
        ],
    );
    let first = merge_text(&base, &ours, &theirs, &Options::default());
    for _ in 0..5 {
        assert_eq!(
            merge_text(&base, &ours, &theirs, &Options::default()),
            first
        );
    }
    let Outcome::Merged { text, conflicts } = first else {
        panic!("fallback")
    };
    assert_eq!(
        conflicts, 1,
        "only the owner of cap.b (its title is derived); cap.d, deleted by theirs and untouched by ours, goes\n{text}"
    );
}

#[test]
fn yaml_outside_the_fast_subset_still_merges_structurally() {
    let base = "schema_version: 1\nnotes: |\n  line one\n  line two\ncapabilities:\n  - id: cap.a\n    summary: >-\n      folded\n      text\n    tag: !!str 5\n";
    let ours = base.replace("schema_version: 1", "schema_version: 2");
    let theirs = format!("{base}  - id: cap.b\n    summary: |\n      kept\n      as is\n");
    let Outcome::Merged { text, conflicts } = merge_text(base, &ours, &theirs, &Options::default())
    else {
        panic!("fallback")
    };
    assert_eq!(conflicts, 0);
    assert_eq!(
        text,
        format!("{ours}  - id: cap.b\n    summary: |\n      kept\n      as is\n")
    );
}

#[test]
fn bad_input_falls_back_instead_of_panicking() {
    let good = index("2026-06-01", BASE_ROWS);
    for bad in [
        "a: &x 1\nb: *x\n",
        "- just\n- a list\n",
        "a: 1\na: 2\n",
        "\tx: 1\n",
        "key: [",
        "\u{0}",
        "a: b: c\n",
    ] {
        for (b, o, t) in [
            (bad, good.as_str(), good.replace("B", "B2")),
            (good.as_str(), bad, good.replace("B", "B2")),
        ] {
            match merge_text(b, o, &t, &Options::default()) {
                Outcome::Fallback { reason } => assert!(!reason.is_empty()),
                Outcome::Merged { .. } => panic!("{bad:?} must fall back"),
            }
        }
    }
    // Non-UTF-8 bytes reach git merge-file through the driver.
    let (_dir, b, o, t) = files(&good, &good.replace("title: B", "title: B1"), &good);
    std::fs::write(&t, b"schema_version: 1\ncapabilities: \xff\n").unwrap();
    let code = merge_driver(&b, &o, &t, 7, None).unwrap();
    assert_eq!(code, 1);
    assert!(
        std::fs::read(&o)
            .unwrap()
            .windows(7)
            .any(|w| w == b"<<<<<<<")
    );
}

/// The renderer on the document layer's edge cases: a CRLF file whose last
/// line has no line break, a trailing comment on a line an edit touches,
/// and a value replaced at the very end of the file.
#[test]
fn crlf_without_a_final_line_break_and_trailing_comments_merge_cleanly() {
    let base = "a: 1  # first\r\nb: x  # keep\r\nc: 3";
    let ours = "a: 2  # first\r\nb: x  # keep\r\nc: 3";
    let theirs = "a: 1  # first\r\nb: x  # keep\r\nc: 4\r\nd: new\r\n";
    let Outcome::Merged { text, conflicts } = merge_text(base, ours, theirs, &Options::default())
    else {
        panic!("fell back");
    };
    assert_eq!(conflicts, 0);
    assert_eq!(text, "a: 2  # first\r\nb: x  # keep\r\nc: 4\r\nd: new\r\n");
}

/// An unkeyed row whose every entry of ours theirs deleted, theirs adding
/// one: the added entry takes the dash line, in both directions (a
/// property found it clean one way and a conflict the other).
#[test]
fn a_row_left_with_only_theirs_added_entry_merges_both_ways() {
    let base = "items:\n  - tags: '1.5'\n    id: row6\nname: 65\n";
    let ours = "items:\n  - tags: \"1.5\"\nname: 65\n";
    let theirs = "items:\n  - id: row6\n    name: \"tail\"\nname: []\n";
    for (o, t) in [(ours, theirs), (theirs, ours)] {
        match merge_text(base, o, t, &Options::default()) {
            Outcome::Merged { text, conflicts } => {
                assert_eq!(conflicts, 0, "{text}");
                assert_eq!(text, "items:\n  - name: \"tail\"\nname: []\n");
            }
            other => panic!("{other:?}"),
        }
    }
}
