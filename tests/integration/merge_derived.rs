//! A derived-field conflict in the index is never a human question (issue
//! 13, item 5; SPEC §2.1): both branches retitle a capability (the entry
//! and, through the pre-commit hook, its index row). The entry conflicts,
//! as text does; the index does not: the driver takes one side's title
//! (the one that sorts last, whichever side is ours), says which, writes
//! no markers, and the merge commit's pre-commit re-derives the row from
//! the resolved entry.

use crate::common::*;

fn show(o: &std::process::Output) -> String {
    format!(
        "status {}\n--- stdout\n{}--- stderr\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn title_of(index: &str, id: &str) -> Option<String> {
    let v =
        reuse_surface::yaml::block::strict_value(index).unwrap_or_else(|e| panic!("{e}\n{index}"));
    v["capabilities"]
        .as_array()?
        .iter()
        .find(|r| r["id"] == id)?["title"]
        .as_str()
        .map(String::from)
}

#[test]
fn a_derived_field_both_sides_changed_is_rederived_not_asked() {
    let repo = Repo::committed();
    repo.run(&["install"]).assert_code(0);
    repo.commit_all("the merge driver's attributes");
    let old = "title: \"Alpha: the first\"";
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.replace(ALPHA, old, "title: \"Alpha, as theirs say\"");
    repo.commit_all("theirs retitle alpha");
    let theirs_index = repo.git(&["show", &format!("HEAD:{INDEX}")]);
    assert_eq!(
        title_of(&theirs_index, ALPHA_ID).as_deref(),
        Some("Alpha, as theirs say"),
        "the hook syncs the row"
    );
    repo.git(&["checkout", "-q", "main"]);
    repo.replace(ALPHA, old, "title: \"Alpha, as ours say\"");
    repo.commit_all("ours retitle alpha");

    let o = git_output_at(
        &repo.home(),
        repo.root(),
        &["merge", "--no-edit", "feature"],
    );
    assert!(
        !o.status.success(),
        "the entry itself conflicts:\n{}",
        show(&o)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&format!(
            "capabilities[{ALPHA_ID}].title: both sides changed this derived field; kept theirs' value"
        )),
        "{}",
        show(&o)
    );
    let index = repo.read(INDEX);
    assert!(!index.contains("<<<<<<<"), "{index}");
    assert_eq!(
        title_of(&index, ALPHA_ID).as_deref(),
        Some("Alpha, as theirs say")
    );
    assert_eq!(
        repo.git(&["diff", "--name-only", "--diff-filter=U"]),
        format!("{ALPHA}\n")
    );

    // The human answers the one real question (the entry: ours' title);
    // the merge commit's pre-commit re-derives the row from it.
    repo.git(&["checkout", "--ours", ALPHA]);
    repo.git(&["add", ALPHA]);
    let o = git_output_at(&repo.home(), repo.root(), &["commit", "--no-edit"]);
    assert!(o.status.success(), "{}", show(&o));
    let parents = repo.git(&["rev-list", "--parents", "-n1", "HEAD"]);
    assert_eq!(parents.split_whitespace().count(), 3, "a merge commit");
    let committed = repo.git(&["show", &format!("HEAD:{INDEX}")]);
    assert_eq!(
        title_of(&committed, ALPHA_ID).as_deref(),
        Some("Alpha, as ours say"),
        "{committed}"
    );
    repo.run(&["validate"]).assert_code(0);
}
