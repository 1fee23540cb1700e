//! Where a parse error points (issue 12, item 7): inside a flow collection
//! that is never closed (`title: [unclosed`), the parser reads on and gives
//! up on a later line; the problem points at the `[` that is never closed,
//! in the index and in an entry's front matter (the fence line counted),
//! and its message says where the parser gave up.

use crate::common::*;

#[test]
fn unclosed_flow_sequence_in_the_index_points_at_its_bracket() {
    let repo = Repo::with_registry();
    repo.replace(INDEX, "title: 'Beta thing'", "title: [unclosed");
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    let p = run.problem("parse-error");
    let (line, column) = pos(&repo.read(INDEX), "[unclosed");
    assert_eq!(
        (&p["line"], &p["column"]),
        (&line.into(), &column.into()),
        "{p:#}"
    );
    assert_eq!(
        p["message"],
        "unclosed flow sequence: the `[` here is never closed (the parser gave up \
         on the next line, at column 11: illegal placement of ':' indicator)"
    );
    // The text report underlines the bracket on its own line.
    let text = repo.run(&["validate"]);
    let source_line = repo
        .read(INDEX)
        .lines()
        .nth(line as usize - 1)
        .unwrap()
        .to_string();
    let caret = format!("{}^", " ".repeat(column as usize - 1));
    assert!(
        text.stdout.contains(&format!("{line} | {source_line}\n"))
            && text.stdout.contains(&format!("| {caret}")),
        "{}",
        text.show()
    );
}

#[test]
fn unclosed_flow_mapping_in_an_entry_points_at_its_brace() {
    let repo = Repo::with_registry();
    repo.replace(
        BETA,
        "maturity:\n  D: {current: 1}\n",
        "maturity:\n  D: {current: 1\n",
    );
    let run = repo.validate_json(&[]);
    run.assert_code(1);
    let p = run.problem("parse-error");
    assert_eq!(p["file"], BETA);
    let (line, column) = pos(&repo.read(BETA), "{current: 1\n");
    assert_eq!(
        (&p["line"], &p["column"]),
        (&line.into(), &column.into()),
        "{p:#}"
    );
    let message = p["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "unclosed flow mapping: the `{` here is never closed (the parser gave up on the next line"
        ),
        "{message}"
    );
}
