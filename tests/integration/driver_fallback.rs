//! Issue 13 item 7: the merge driver command recorded in git config
//! survives a moved or removed binary: it finds the binary as the shims do
//! (`REUSE_SURFACE_BIN`, the recorded path, `PATH`) and, failing all, runs
//! `git merge-file` itself, so theirs' rows never vanish.

use crate::common::INDEX;
use crate::gate::{Clone, show};

const OURS_ROW: &str = "capability.demo.delta";
const THEIRS_ROW: &str = "capability.demo.epsilon";

fn row(id: &str) -> String {
    format!(
        "\n  - id: {id}\n    title: {id}\n    status: experimental\n    vector: D0/A0/C0/R0\n    path: registry/capabilities/{id}.md\n"
    )
}

/// Installs with a copy of the binary that is then deleted, and prepares a
/// merge of two branches that each add a row at the end of the index.
fn clone_with_removed_binary() -> Clone {
    let clone = Clone::new();
    let copy = clone.copy_binary(&clone.repo.outside().join("Cellar/1.0/bin"));
    clone.rs_with(&copy, &["install"]).assert_code(0);
    clone.git_ok(&["add", ".gitattributes"]);
    clone.git_ok(&["commit", "-q", "--no-verify", "-m", "attributes"]);
    let base = clone.repo.read(INDEX);
    clone.git_ok(&["checkout", "-q", "-b", "theirs"]);
    clone
        .repo
        .write(INDEX, format!("{base}{}", row(THEIRS_ROW)));
    clone.git_ok(&["commit", "-q", "--no-verify", "-am", "theirs adds a row"]);
    clone.git_ok(&["checkout", "-q", "main"]);
    clone.repo.write(INDEX, format!("{base}{}", row(OURS_ROW)));
    clone.git_ok(&["commit", "-q", "--no-verify", "-am", "ours adds a row"]);
    std::fs::remove_dir_all(clone.repo.outside().join("Cellar")).unwrap();
    clone
}

#[test]
fn a_removed_binary_falls_back_to_git_merge_file_and_keeps_both_rows() {
    let clone = clone_with_removed_binary();
    let o = clone.git(&["merge", "-q", "--no-edit", "theirs"]);
    let merged = clone.repo.read(INDEX);
    assert!(merged.contains(OURS_ROW), "{merged}");
    assert!(
        merged.contains(THEIRS_ROW),
        "theirs' row vanished:\n{merged}\n{}",
        show(&o)
    );
    // Both added at the same place: git's line merge conflicts, with markers.
    assert!(!o.status.success(), "{}", show(&o));
    assert!(
        merged.contains("<<<<<<< ours") && merged.contains(">>>>>>> theirs"),
        "{merged}"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("binary not found"), "{err}");
}

#[test]
fn a_moved_binary_is_found_on_path_and_merges_structurally() {
    let clone = clone_with_removed_binary();
    clone.link_on_path();
    let o = clone.git(&["merge", "-q", "--no-edit", "theirs"]);
    assert!(o.status.success(), "{}", show(&o));
    let merged = clone.repo.read(INDEX);
    assert!(
        merged.contains(OURS_ROW) && merged.contains(THEIRS_ROW),
        "{merged}"
    );
    assert!(!merged.contains("<<<<<<<"), "{merged}");
}
