//! Indexes written as full YAML documents (issue 13, item 15): a `%YAML
//! 1.2` directive, the `---` start marker and the `...` end marker are
//! stream syntax around the data, and an index wearing them patches and
//! merges like any other. Before, the date bump failed with "duplicate key
//! `updated`" (the editor found no `updated` and appended a second one)
//! and the row sync with "cannot insert a sequence index", and the merge
//! driver fell back to git's line merge.

use crate::common::*;
use reuse_surface::merge::{Options, Outcome, merge_text};

/// The clean index inside a directive, a start marker and an end marker.
fn documented(index: &str) -> String {
    format!("%YAML 1.2\n---\n{index}...\n")
}

/// The clean registry, its index written as a full document, committed.
fn documented_repo() -> Repo {
    let repo = Repo::committed();
    repo.write(INDEX, documented(INDEX_YAML));
    repo.commit_all("index as a YAML document");
    repo.run(&["validate"]).assert_code(0);
    repo
}

const BETA2_MD: &str = "---\nid: capability.demo.beta2\ntitle: Beta, the sequel\nstatus: active\nmaturity:\n  D: {current: 0}\n  A: {current: 0}\n  C: {current: 1}\n  R: {current: 0}\nupdated: 2026-06-02\n---\n";

const BETA2_ROW: &str = "  - id: capability.demo.beta2\n    title: Beta, the sequel\n    status: active\n    vector: D0/A0/C1/R0\n    path: registry/capabilities/beta2.md\n";

/// The index after the date bump to 2026-07-01 and beta2's row.
fn bumped_with_beta2(index: &str) -> String {
    index
        .replace("updated: 2026-06-17   #", "updated: 2026-07-01   #")
        .replace(
            "  - id: capability.demo.gamma\n",
            &format!("{BETA2_ROW}  - id: capability.demo.gamma\n"),
        )
}

#[test]
fn update_apply_bumps_the_date_and_adds_a_row_inside_the_markers() {
    let repo = documented_repo();
    repo.replace(GAMMA, "updated: 2026-05-01", "updated: 2026-07-01");
    repo.write("registry/capabilities/beta2.md", BETA2_MD);
    let run = repo.run(&["update", "--apply"]);
    run.assert_code(0);
    assert_eq!(
        repo.read(INDEX),
        bumped_with_beta2(&documented(INDEX_YAML)),
        "{}",
        run.show()
    );
    repo.run(&["validate"]).assert_code(0);
    // Applied once, nothing is left to do.
    let again = repo.run(&["update", "--apply"]);
    again.assert_code(0);
    assert_eq!(repo.read(INDEX), bumped_with_beta2(&documented(INDEX_YAML)));
}

/// A start marker with a comment, an end marker followed by a comment, and
/// no directive: still one document, still patched in place.
#[test]
fn update_apply_keeps_marker_comments_and_what_follows_the_end() {
    let repo = Repo::committed();
    let index = format!("--- # the index\n{INDEX_YAML}... # end\n# trailing note\n");
    repo.write(INDEX, &index);
    repo.commit_all("index between markers");
    repo.replace(GAMMA, "updated: 2026-05-01", "updated: 2026-07-01");
    repo.write("registry/capabilities/beta2.md", BETA2_MD);
    repo.run(&["update", "--apply"]).assert_code(0);
    assert_eq!(repo.read(INDEX), bumped_with_beta2(&index));
    repo.run(&["validate"]).assert_code(0);
}

#[test]
fn pre_commit_hook_patches_the_staged_documented_index() {
    let repo = documented_repo();
    repo.replace(GAMMA, "updated: 2026-05-01", "updated: 2026-07-01");
    repo.write("registry/capabilities/beta2.md", BETA2_MD);
    repo.git(&["add", "-A"]);
    let run = repo.run(&["hook", "pre-commit"]);
    run.assert_code(0);
    let staged = repo.git(&["show", &format!(":{INDEX}")]);
    assert_eq!(
        staged,
        bumped_with_beta2(&documented(INDEX_YAML)),
        "{}",
        run.show()
    );
    assert_eq!(repo.read(INDEX), staged);
}

/// Both sides edit a documented index: the structural merge reads it (no
/// fallback to git's line merge), keeps both edits, and gives exactly what
/// it gives for the same indexes without the directive and markers.
#[test]
fn merge_text_merges_documented_indexes_like_bare_ones() {
    let ours = INDEX_YAML.replace("title: 'Beta thing'", "title: 'Beta, renamed'");
    let theirs = INDEX_YAML.replace(
        "  - id: capability.demo.gamma\n",
        &format!("{BETA2_ROW}\n  - id: capability.demo.gamma\n"),
    );
    let opts = Options::default();
    let Outcome::Merged { text: bare, .. } = merge_text(INDEX_YAML, &ours, &theirs, &opts) else {
        panic!("the bare indexes did not merge");
    };
    assert!(
        bare.contains("'Beta, renamed'") && bare.contains(BETA2_ROW),
        "{bare}"
    );
    let outcome = merge_text(
        &documented(INDEX_YAML),
        &documented(&ours),
        &documented(&theirs),
        &opts,
    );
    let Outcome::Merged { text, conflicts } = outcome else {
        panic!("fell back to git's merge: {outcome:?}");
    };
    assert_eq!(conflicts, 0, "{text}");
    assert_eq!(text, documented(&bare));
}

/// Theirs adds a key after the last one, before ours' end marker: the new
/// key lands inside the document, and a conflict's markers do too.
#[test]
fn merge_text_adds_keys_and_conflicts_before_the_end_marker() {
    let base = documented("schema_version: 1\nupdated: 2026-06-17\nowner: a\n");
    let ours = base.replace("owner: a", "owner: b");
    let theirs = base.replace("owner: a", "owner: c\nnote: new");
    let Outcome::Merged { text, conflicts } =
        merge_text(&base, &ours, &theirs, &Options::default())
    else {
        panic!("fell back to git's merge");
    };
    assert_eq!(conflicts, 1, "{text}");
    let (head, tail) = text.split_once("...\n").expect("end marker kept");
    assert_eq!(tail, "", "text after the end marker:\n{text}");
    assert!(head.starts_with("%YAML 1.2\n---\n"), "{text}");
    assert!(head.contains("note: new\n"), "{text}");
    assert!(head.contains("<<<<<<< ours\nowner: b\n=======\nowner: c\n>>>>>>> theirs\n"));
}
