//! Unit tests of the strict parse, the lossless view and the editor.

use super::*;

/// Locating through the scanner's spans gives exactly what the
/// yaml-edit tree gives, for every path into documents of the shapes
/// registry files use (and some they do not).
#[test]
fn fast_locate_agrees_with_the_lossless_tree() {
    let docs = [
        "---\nid: capability.bench.cap-00001\ntitle: Synthetic\nsummary: \"Cap 1: generated.\"\nowner: team-1\nstatus: active\naliases: []\nsurface: [\"src/cap/**\", \"docs/cap.md\"]\nmaturity:\n  D: {current: 4, target: 6}\n  A: {current: 3}\nevidence:\n  tests:\n    - tests/cap_test.rs\n  documentation: [docs/cap.md]\nrelations:\n  depends_on: []\npromotion_history:\n  - {date: 2026-02-02, dimension: D, from: 3, to: 4, evidence: [docs/cap.md], by: maintain, rationale: \"documented\"}\nnotes: >-\n  Generated entry 1; the text\n  adds bulk.\nupdated: 2026-02-02\n",
        "# header\nschema_version: 1\nupdated: 2026-06-17\ncapabilities:\n  # first\n  - id: a.b\n    title: 'It''s'\n    vector: D5/A4/C5/R3\n    path: \"x\"  # c\n\n  - id: c.d\n    tags: [x, 'y', \"z\"]\n    m: {a: 1, b: -2}\n    empty:\n    nested:\n      deep:\n        - 1\n        - [2, 3]\n",
        "a:\n- 1\n- b\nc: ~\nd:\ne: 007\nlist:\n  -\n  - x\n  - - y\n    - z\n",
        "k: |\n  a\n  # b\nj: 1\nl: |+\n  text\n\nm: {x: [1, {y: 2}]}\n",
        "\"quoted\": 1\nplain: 2\n'single': {a: b}\n",
        "k: v\r\nl: [a, b, ]\r\nm:\r\n  - n: 1\r\n    o: 2\r\n",
        "- id: a\n  x: 1\n- id: b\n  y: [1, 2]\n",
        "evidence:\n  tests:\n  docs: []\nmaturity: {D: {current: 1}}\n",
    ];
    for text in docs {
        let answered = fast_spans_agree(text).unwrap_or_else(|e| panic!("{e}"));
        assert!(answered > 0, "the fast path answered nothing in {text:?}");
    }
}

#[test]
fn yes_stays_a_string_and_dates_stay_strings() {
    let v = parse("a: yes\nb: on\nc: 2026-06-17\nd: true\n").unwrap();
    assert_eq!(v["a"], "yes");
    assert_eq!(v["b"], "on");
    assert_eq!(v["c"], "2026-06-17");
    assert_eq!(v["d"], true);
}

#[test]
fn duplicate_key_is_an_error_with_position() {
    let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
    assert!(e.message.to_lowercase().contains("duplicate"), "{e:?}");
    assert_eq!(e.line, Some(3));
}

#[test]
fn set_scalar_keeps_everything_else() {
    let src = "# c\nx:   'old'  # keep\ny: 2\r\n";
    let mut ed = Editor::new(src);
    ed.set_scalar(&[Seg::key("x")], "new").unwrap();
    assert_eq!(ed.text(), "# c\nx:   'new'  # keep\ny: 2\r\n");
}

/// What `f` makes of `text` (it must succeed).
fn edited(text: &str, f: impl FnOnce(&mut Editor) -> Result<(), String>) -> String {
    let mut ed = Editor::new(text);
    f(&mut ed).unwrap_or_else(|e| panic!("{e} in {text:?}"));
    ed.into_text()
}

fn k(key: &str) -> Seg {
    Seg::key(key)
}

/// Issue 8: a value the scanner hands to the strict parser kept the
/// comment after it in its span, and replacing it deleted the comment.
#[test]
fn set_scalar_keeps_the_comment_after_a_strictly_parsed_value() {
    let set = |text: &str, path: &[Seg]| edited(text, |ed| ed.set_scalar(path, "2026-02-02"));
    assert_eq!(
        set("updated: 2025-1-1  # it's old\n", &[k("updated")]),
        "updated: 2026-02-02  # it's old\n"
    );
    assert_eq!(
        set(
            "a: 1\r\nupdated: 2025-1-1\t# it's [old]\r\nb: 2\r\n",
            &[k("updated")]
        ),
        "a: 1\r\nupdated: 2026-02-02\t# it's [old]\r\nb: 2\r\n"
    );
    assert_eq!(set("e: !!str 5 # c\n", &[k("e")]), "e: 2026-02-02 # c\n");
    assert_eq!(
        set("e: ~  # none yet\n", &[k("e")]),
        "e: 2026-02-02  # none yet\n"
    );
    assert_eq!(
        set("- 2025-1-1 # first\n- x\n", &[Seg::Index(0)]),
        "- 2026-02-02 # first\n- x\n"
    );
}

/// Issue 8: `# don't [edit]` after a nested flow value was part of its
/// span, so an edit inside found its bracket in the comment.
#[test]
fn edits_of_a_nested_flow_value_keep_the_comment_after_it() {
    let text = "tests: {a: [b, c]}  # don't [edit]\n";
    assert_eq!(
        edited(text, |ed| ed.append_scalar(&[k("tests"), k("a")], "d")),
        "tests: {a: [b, c, d]}  # don't [edit]\n"
    );
    assert_eq!(
        edited(text, |ed| ed.set_scalar(&[k("tests")], "x")),
        "tests: x  # don't [edit]\n"
    );
    assert_eq!(
        edited(text, |ed| ed.set_scalar(&[k("tests"), k("n")], "v")),
        "tests: {a: [b, c], n: v}  # don't [edit]\n"
    );
    assert_eq!(
        edited("e: [a, [b]]  # c ]\n", |ed| ed
            .append_scalar(&[k("e")], "z")),
        "e: [a, [b], z]  # c ]\n"
    );
    assert_eq!(
        edited("e: {a: [1]}  # c {x}\r\n", |ed| ed
            .set_scalar(&[k("e"), k("n")], "v")),
        "e: {a: [1], n: v}  # c {x}\r\n"
    );
}

/// `#` inside quotes, or not after a blank, is text; the comment after
/// a quoted scalar that spans lines is not.
#[test]
fn only_a_real_comment_is_kept_out_of_the_value() {
    let set = |text: &str| edited(text, |ed| ed.set_scalar(&[k("e")], "z"));
    assert_eq!(set("e: 'a # b' # c\n"), "e: 'z' # c\n");
    assert_eq!(set("e: \"a # x\n  b\" # c\n"), "e: \"z\" # c\n");
    assert_eq!(set("e: a#b\nf: 1\n"), "e: z\nf: 1\n");
    assert_eq!(set("e: 2025-1-1#b # c\n"), "e: z # c\n");
    assert_eq!(set("e: a\n  b # c\n"), "e: z # c\n");
}

/// The same texts where only the yaml-edit tree answers (an alias
/// keeps the scanner out), and block collections on both paths.
#[test]
fn spans_exclude_trailing_comments_on_both_paths() {
    for prefix in ["", "x: &a 1\ny: *a\n"] {
        let text = format!(
            "{prefix}u: 2025-1-1  # it's old\nt: {{a: [b, c]}}  # don't [edit]\nl:\n  - b\n  - 'c # x'  # c ]\n  # after\nm:\n  n: |\n    v\n    # text\n  o: p  # q\n"
        );
        let tree = Lossless::new(&text);
        let span = |path: &[Seg]| tree.value_span(path).map(|s| &text[s]);
        assert_eq!(span(&[k("u")]), Some("2025-1-1"), "{text:?}");
        assert_eq!(span(&[k("t")]), Some("{a: [b, c]}"), "{text:?}");
        assert_eq!(span(&[k("l")]), Some("- b\n  - 'c # x'"), "{text:?}");
        assert_eq!(
            span(&[k("m"), k("n")]),
            Some("|\n    v\n    # text"),
            "{text:?}"
        );
        assert_eq!(span(&[k("m")]).map(|s| s.ends_with("o: p")), Some(true));
        let items = tree.item_spans(&[k("l")]).unwrap();
        let items: Vec<&str> = items.into_iter().map(|s| &text[s]).collect();
        assert_eq!(items, ["b", "'c # x'"], "{text:?}");
        if prefix.is_empty() {
            fast_spans_agree(&text).unwrap();
        }
    }
}

/// Texts the property `edits_keep_every_comment` (tests/integration/yaml_fast_path.rs)
/// found losing or corrupting a comment before the fix: a tab before the
/// comment sends even a plain or quoted scalar to the strict parser, and
/// a comment line inside a block scalar was cut from its span, so a key
/// added after it landed inside the scalar.
#[test]
fn issue_8_texts_found_by_the_property() {
    type Op = fn(&mut Editor) -> Result<(), String>;
    let set: Op = |ed| ed.set_scalar(&[k("k")], "2026-02-02");
    let add: Op = |ed| ed.set_scalar(&[k("added")], "v");
    let cases: [(&str, Op, &str); 10] = [
        ("k: abc\t# n1\n", set, "k: 2026-02-02\t# n1\n"),
        (
            "k: !!str 5\t# n {x}, [y\n",
            set,
            "k: 2026-02-02\t# n {x}, [y\n",
        ),
        (
            "k: 'it''s # [x]'\t# n 'open\n",
            set,
            "k: '2026-02-02'\t# n 'open\n",
        ),
        (
            "k: a\n  b 'c # n ]\nj: 1\n",
            set,
            "k: 2026-02-02 # n ]\nj: 1\n",
        ),
        (
            "k: \"a # x\r\n  b\"\t# n#\r\n",
            set,
            "k: \"2026-02-02\"\t# n#\r\n",
        ),
        (
            "k: ~  # n don't [edit]\n",
            set,
            "k: 2026-02-02  # n don't [edit]\n",
        ),
        (
            "k: {x: 1, y: '# z'}\t# n {x}, [y\n",
            |ed| ed.set_scalar(&[k("k"), k("added")], "v"),
            "k: {x: 1, y: '# z', added: v}\t# n {x}, [y\n",
        ),
        (
            "k: [x, {y: 'z # w'}]\t# n ]\n",
            |ed| ed.append_scalar(&[k("k")], "zz"),
            "k: [x, {y: 'z # w'}, zz]\t# n ]\n",
        ),
        (
            "k: | # n \"q\" # again\n  text # not a comment\n  # also text\n",
            add,
            "k: | # n \"q\" # again\n  text # not a comment\n  # also text\nadded: v\n",
        ),
        (
            "rows:\r\n  - id: first\r\n    k: 0x1F # n don't [edit]\r\n  - id: last  # n\r\n",
            |ed| ed.set_scalar(&[k("rows"), Seg::Index(0), k("k")], "2026-02-02"),
            "rows:\r\n  - id: first\r\n    k: 2026-02-02 # n don't [edit]\r\n  - id: last  # n\r\n",
        ),
    ];
    for (text, op, want) in cases {
        assert_eq!(edited(text, op), want, "{text:?}");
    }
}

/// Replacing or growing a block sequence keeps the comment after its
/// last item.
#[test]
fn block_sequence_edits_keep_the_last_items_comment() {
    let text = "e:\r\n  - a\r\n  - 2025-1-1  # c [x]\r\nf: 1\r\n";
    assert_eq!(
        edited(text, |ed| ed.append_scalar(&[k("e")], "z")),
        "e:\r\n  - a\r\n  - 2025-1-1  # c [x]\r\n  - z\r\nf: 1\r\n"
    );
    assert_eq!(
        edited(text, |ed| ed.set_scalar(&[k("e")], "z")),
        "e:\r\n  z  # c [x]\r\nf: 1\r\n"
    );
    let rows = "caps:\n  - id: a\n    t: 2025-1-1  # c\n";
    assert_eq!(
        edited(rows, |ed| ed.insert_mapping_item(
            &[k("caps")],
            1,
            &[("id", "b".into())]
        )),
        "caps:\n  - id: a\n    t: 2025-1-1  # c\n  - id: b\n"
    );
}

#[test]
fn append_to_block_and_flow_and_missing() {
    let mut ed = Editor::new("e:\n  t:\n    - a\n    - b\n  d: [x]\n");
    ed.append_scalar(&[Seg::key("e"), Seg::key("t")], "c")
        .unwrap();
    ed.append_scalar(&[Seg::key("e"), Seg::key("d")], "y")
        .unwrap();
    ed.append_scalar(&[Seg::key("e"), Seg::key("n")], "z")
        .unwrap();
    assert_eq!(
        ed.text(),
        "e:\n  t:\n    - a\n    - b\n    - c\n  d: [x, y]\n  n: [z]\n"
    );
    let mut ed = Editor::new("a: 1\n");
    ed.append_scalar(&[Seg::key("ev"), Seg::key("tests")], "t")
        .unwrap();
    assert_eq!(parse(ed.text()).unwrap()["ev"]["tests"][0], "t");
}

#[test]
fn insert_row_follows_layout() {
    let src = "caps:\n  - id: a\n    t: 1\n  - id: c\n    t: 3\n";
    let mut ed = Editor::new(src);
    ed.insert_mapping_item(
        &[Seg::key("caps")],
        1,
        &[("id", "b".into()), ("t", "2".into())],
    )
    .unwrap();
    assert_eq!(
        ed.text(),
        "caps:\n  - id: a\n    t: 1\n  - id: b\n    t: 2\n  - id: c\n    t: 3\n"
    );
    let mut ed = Editor::new(src);
    ed.insert_mapping_item(&[Seg::key("caps")], 2, &[("id", "d".into())])
        .unwrap();
    assert!(
        ed.text().ends_with("  - id: c\n    t: 3\n  - id: d\n"),
        "{}",
        ed.text()
    );
    let mut ed = Editor::new("caps: []\n");
    ed.insert_mapping_item(
        &[Seg::key("caps")],
        0,
        &[("id", "a".into()), ("t", "1".into())],
    )
    .unwrap();
    assert_eq!(ed.text(), "caps:\n  - id: a\n    t: 1\n");
}

#[test]
fn deep_nesting_is_refused() {
    let deep = "[".repeat(100_000);
    assert!(parse(&deep).unwrap_err().message.contains("nesting"));
    let mut block = String::new();
    for i in 0..200 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    assert!(parse(&block).is_err());
    assert_eq!(
        parse(&"- ".repeat(100_000)).unwrap_err().message,
        "nesting deeper than 64 levels"
    );
}

#[test]
fn brackets_in_quotes_are_text() {
    let text = format!("k: \"{}\"\n", "[".repeat(100));
    assert_eq!(parse(&text).unwrap()["k"].as_str().map(str::len), Some(100));
}

#[test]
fn clear_messages_for_bombs_and_tabs() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let items = vec![format!("*a{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    let started = std::time::Instant::now();
    assert!(parse(&bomb).unwrap_err().message.contains("alias bomb"));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // The parser stops at the scalar on line 1; the tab is on line 2.
    let e = parse("a: b\n\tc: d\n").unwrap_err();
    assert_eq!((e.line, e.column), (Some(2), Some(1)), "{e:?}");
    assert!(e.message.starts_with("tab used for indentation"));
}

/// The document layer's hostile cases, through the editor: a value at the
/// end of a file without a final line break, in a CRLF file, with a
/// trailing comment after the value being replaced.
#[test]
fn edits_at_the_end_of_a_file_without_a_line_break() {
    assert_eq!(
        edited("a: 1\r\nk: old  # c", |ed| ed.set_scalar(&[k("k")], "new")),
        "a: 1\r\nk: new  # c"
    );
    assert_eq!(
        edited("a: 1\r\nl:\r\n  - x  # c", |ed| ed
            .append_scalar(&[k("l")], "y")),
        "a: 1\r\nl:\r\n  - x  # c\r\n  - y\r\n"
    );
    assert_eq!(
        edited("a: 1\r\nm:\r\n  k: v # c", |ed| ed
            .set_scalar(&[k("m"), k("n")], "w")),
        "a: 1\r\nm:\r\n  k: v # c\r\n  n: w\r\n"
    );
    assert_eq!(
        edited("a: 1", |ed| ed.set_scalar(&[k("b")], "2026-02-02")),
        "a: 1\nb: 2026-02-02\n"
    );
}

/// The decoration the lossless view reports is exactly what an edit of
/// the value keeps.
#[test]
fn decoration_survives_replacing_the_value() {
    let text = "u: 2025-1-1\t# it's [old]\r\nt: {a: [b]}  # c\r\nv: x";
    let tree = Lossless::new(text);
    for (key, repr, after) in [
        ("u", "2025-1-1", "\t# it's [old]"),
        ("t", "{a: [b]}", "  # c"),
        ("v", "x", ""),
    ] {
        let d = tree.decorated(&[k(key)]).unwrap();
        assert_eq!(
            (
                &text[d.repr.clone()],
                &text[d.after.clone()],
                &text[d.before]
            ),
            (repr, after, " "),
            "{key}"
        );
        let mut splice = Splice::new();
        splice.replace(d.repr, "z");
        let out = splice.apply(text).unwrap();
        assert!(out.contains(&format!("{key}: z{after}")), "{out:?}");
    }
}

/// A splice the editor is handed that does not fit the text is an error
/// value, never a panic.
#[test]
fn a_splice_that_does_not_fit_is_an_error() {
    let mut splice = Splice::new();
    splice.replace(2..40, "x");
    assert!(
        splice
            .apply("a: 1\n")
            .unwrap_err()
            .to_string()
            .contains("outside")
    );
    let mut splice = Splice::new();
    splice.replace(0..3, "x");
    splice.insert(2, "y");
    assert!(
        splice
            .apply("a: 1\n")
            .unwrap_err()
            .to_string()
            .contains("overlapping")
    );
}

/// Issue 13 item 15: the stream syntax around a document (`%YAML 1.2`,
/// `---`, `...`) is read past by the scanner, exactly as the strict parser
/// reads it, and what would change the document's meaning is refused.
#[test]
fn the_scanner_reads_a_document_between_its_markers() {
    let accepted = [
        "%YAML 1.2\n---\na: 1\n",
        "# c\n%YAML 1.2 # version\n\n---\na: [x]\n...\n",
        "---\na: 1\n... # end\n# after\n\n",
        "a: 1\n...\n",
        "%YAML 1.2\r\n--- # start\r\nk: |+\r\n  text\r\n\r\n...\r\n",
        "---\n...\n",
    ];
    for text in accepted {
        let doc = block::scan(text).unwrap_or_else(|e| panic!("{e} in {text:?}"));
        assert_eq!(
            Ok(block::to_value(&doc.root)),
            block::strict_value(text),
            "{text:?}"
        );
        fast_spans_agree(text).unwrap_or_else(|e| panic!("{e}"));
    }
    let refused = [
        "%YAML 1.1\n---\na: yes\n",
        "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
        "%YAML 1.2\na: 1\n",
        "%YAML 1.2\n",
        "%YAML 1.2\n%YAML 1.2\n---\na: 1\n",
        "---\na: 1\n...\nb: 2\n",
        "a: 1\n...\n---\nb: 2\n",
        "a: 1\n... b\n",
        "...\na: 1\n",
    ];
    for text in refused {
        assert!(block::scan(text).is_err(), "accepted {text:?}");
    }
}

/// The slow path (yaml-edit's tree, for what the scanner cannot answer:
/// here a quoted key) reads a document after a directive too, and an edit
/// of the last key stays inside the end marker.
#[test]
fn edits_of_a_documented_text_stay_inside_its_markers() {
    let text = "%YAML 1.2\n---\n\"quoted\": 1\nupdated: 2026-06-17  # date\n...\n";
    let out = edited(text, |ed| ed.set_scalar(&[k("updated")], "2026-07-01"));
    assert_eq!(out, text.replace("2026-06-17", "2026-07-01"));
    let out = edited(text, |ed| ed.set_scalar(&[k("added")], "x"));
    assert_eq!(out, text.replace("# date\n", "# date\nadded: x\n"));
    for bare in [
        "---\nlist:\n  - a\n... # end\n# note\n",
        "---\n'q': 1\nlist:\n  - a\n... # end\n# note\n",
        "'q': 1\nlist:\n  - a\n...\n",
    ] {
        let out = edited(bare, |ed| ed.append_scalar(&[k("list")], "b"));
        assert_eq!(out, bare.replace("  - a\n", "  - a\n  - b\n"));
        let out = edited(bare, |ed| ed.set_scalar(&[k("new")], "c"));
        assert_eq!(out, bare.replace("  - a\n", "  - a\nnew: c\n"));
    }
}

/// Issue 12 item 7: a parse error inside a flow collection that is never
/// closed points at where it opened, and says where the parser gave up.
#[test]
fn an_unclosed_flow_collection_is_pointed_at_where_it_opened() {
    type Place = (usize, usize);
    let cases: &[(&str, Place, Option<Place>, &str)] = &[
        (
            "title: [unclosed\nnext: 1\n",
            (1, 8),
            Some((2, 5)),
            "unclosed flow sequence: the `[` here is never closed (the parser gave up \
             on the next line, at column 5: illegal placement of ':' indicator)",
        ),
        (
            "a: 1\ntitle: {k: [x, y]\n\n\nnext: 1\nz: 2\n",
            (2, 8),
            Some((5, 1)),
            "unclosed flow mapping: the `{` here is never closed (the parser gave up \
             3 lines further down, at column 1: while parsing a flow mapping, did not find \
             expected ',' or '}')",
        ),
        (
            "a: 1\ntitle: {k: [x, y\n\n\nnext: 1\n",
            (2, 12),
            Some((5, 5)),
            "unclosed flow sequence: the `[` here is never closed (the parser gave up \
             3 lines further down, at column 5: illegal placement of ':' indicator)",
        ),
        (
            "title: [unclosed\n",
            (1, 8),
            None,
            "unclosed flow sequence: the `[` here is never closed (the parser gave up \
             at the end of the document)",
        ),
    ];
    for (text, at, gave_up, message) in cases {
        let e = parse(text).unwrap_err();
        assert_eq!(
            (e.line, e.column),
            (Some(at.0), Some(at.1)),
            "{text:?}: {e:?}"
        );
        assert_eq!(e.gave_up, *gave_up, "{text:?}");
        assert_eq!(e.message, *message, "{text:?}");
    }
    // Brackets in quotes, comments and block scalars are text, and an
    // error elsewhere keeps its own place.
    for text in [
        "a: '[x'\nb: c: d\n",
        "a: 1 # [x\nb: c: d\n",
        "a: |\n  [x\nb: c: d\n",
        "a: x[1\nb: c: d\n",
        "a: [x]\nb: c: d\n",
    ] {
        let e = parse(text).unwrap_err();
        let bad = text.lines().position(|l| l.contains("c: d")).unwrap() + 1;
        assert_eq!(e.line, Some(bad), "{text:?}: {e:?}");
        assert!(!e.message.contains("unclosed"), "{text:?}: {e:?}");
        assert_eq!(e.gave_up, None);
    }
}

/// Found by the editor fuzz target: setting an empty value glued the new
/// value to its `:` or `-` (`tests:v` did not parse; `-v` under a list
/// read back as a different list), and a plain scalar inside a flow
/// collection was replaced by `a, b`, which splits in two.
#[test]
fn setting_an_empty_or_flow_scalar_reads_back_as_set() {
    let cases: &[(&str, Vec<Seg>, &str, &str)] = &[
        (
            "evidence:\n  tests:\n  docs: []\n",
            vec![k("evidence"), k("tests")],
            "",
            "evidence:\n  tests: \"\"\n  docs: []\n",
        ),
        ("a:\nb: 1\n", vec![k("a")], "v", "a: v\nb: 1\n"),
        ("a: 1\nb:\n", vec![k("b")], "v", "a: 1\nb: v\n"),
        (
            "l:\n  -\n  - x\n",
            vec![k("l"), Seg::Index(0)],
            "v",
            "l:\n  - v\n  - x\n",
        ),
        (
            "l: [x, y]  # c\n",
            vec![k("l"), Seg::Index(0)],
            "a, b",
            "l: [\"a, b\", y]  # c\n",
        ),
        (
            "m: {k: x}\n",
            vec![k("m"), k("k")],
            "[x]",
            "m: {k: \"[x]\"}\n",
        ),
        (
            "l: ['x', y]\n",
            vec![k("l"), Seg::Index(0)],
            "a, b",
            "l: ['a, b', y]\n",
        ),
    ];
    for (text, path, value, want) in cases {
        let out = edited(text, |ed| ed.set_scalar(path, value));
        assert_eq!(out, *want, "{text:?}");
        let read = parse(&out).unwrap();
        let mut at = &read;
        for seg in path {
            at = match seg {
                Seg::Key(key) => &at[key.as_str()],
                Seg::Index(i) => &at[*i],
            };
        }
        assert_eq!(at, value, "{out:?}");
    }
}

/// Found by the scanner fuzz target: for a value with an anchor or a tag
/// the scanner's span started at the property (`&x 1`) and yaml-edit's at
/// the value (`1`); the tree answers for those now. Found by the editor
/// target: a key standing alone in a flow mapping (`{y}`) got its new
/// value glued on as part of the key.
#[test]
fn properties_and_lone_flow_keys_found_by_fuzzing() {
    for text in [
        "a: &x 1\nb:apability index: derived from registry/capabilities/*.md.\n *x\n",
        "a: !!str 1\nl:\n  - &y x\n  - b\n",
    ] {
        fast_spans_agree(text).unwrap_or_else(|e| panic!("{e}"));
    }
    let out = edited("m: {y}  # c\n", |ed| {
        ed.set_scalar(&[k("m"), k("y")], "a, b")
    });
    assert_eq!(out, "m: {y: \"a, b\"}  # c\n");
    let out = edited("m: {y, z: 1}\n", |ed| ed.set_scalar(&[k("m"), k("y")], "v"));
    assert_eq!(out, "m: {y: v, z: 1}\n");
}

/// Found by the editor fuzz target: yaml-edit's tree placed an empty
/// value after the comment on its line, so the new value went into the
/// comment and the edit "succeeded" with the value still empty; the
/// scanner's place, just past the `:`, is used now. Found by the scanner
/// target: a text yaml-edit cannot read at all has no spans to compare.
#[test]
fn empty_values_and_unread_texts_found_by_fuzzing() {
    let text = "Y]:dencedence[]:  #}\n";
    let out = edited(text, |ed| ed.set_scalar(&[k("Y]:dencedence[]")], "[x]"));
    assert_eq!(out, "Y]:dencedence[]: \"[x]\"  #}\n");
    let out = edited("a:  # c\nb: 1\n", |ed| ed.set_scalar(&[k("a")], "v"));
    assert_eq!(out, "a: v  # c\nb: 1\n");
    assert_eq!(fast_spans_agree("a:\n-\n  !\n    z\n z\n"), Ok(0));
}

/// Found by fuzzing (round 3): with the scanner unable to read the text
/// (an indented top level), yaml-edit's tree placed an empty value after
/// the comment on its line; and the scanner counted the text's last line
/// of spaces, without a line break, as a break of a `|+` scalar.
#[test]
fn round_three_findings() {
    let text = " evidence: # tests:  d}:}n1n}\n";
    let out = edited(text, |ed| ed.set_scalar(&[k("evidence")], "v"));
    assert_eq!(out, " evidence: v # tests:  d}:}n1n}\n");
    let text = "k: |\nl:: |\nl: |+\n   |+\n   ";
    let scanned = block::scan(text).map(|d| block::to_value(&d.root));
    assert_eq!(scanned.ok(), block::strict_value(text).ok());
}

/// Found by the editor fuzz target: a tagged value on lines of its own is
/// a value the locator cannot place; setting it once said "duplicate key"
/// (the editor took it for missing and inserted a second copy). It is
/// refused with the reason, and the text stays as it was.
#[test]
fn an_unlocatable_value_is_refused_not_duplicated() {
    let text = "evidence:\n  !tag:\n   d}:}n1n\n 0 d}:}n1n# Ca i\n\n";
    assert!(parse(text).is_ok());
    let mut e = Editor::new(text);
    let err = e.set_scalar(&[k("evidence")], "new").unwrap_err();
    assert!(
        err.starts_with("cannot find where /evidence is written"),
        "{err}"
    );
    assert!(!err.contains("duplicate"), "{err}");
    assert_eq!(e.text(), text);
    // A key that really is missing is still inserted.
    e.set_scalar(&[k("other")], "x").unwrap();
    assert!(e.text().ends_with("other: x\n"), "{:?}", e.text());
}

#[test]
fn set_scalars_gives_what_setting_one_by_one_gives() {
    let text = "# head\nupdated: 2020-01-01\nrows:\n  - id: a  # keep\n    title: 'A'\n  - id: b\n    title: B\n    status: x\n  - {id: c, title: C}\n";
    let p = |parts: &[&str]| -> Vec<Seg> {
        parts
            .iter()
            .map(|s| match s.parse::<usize>() {
                Ok(i) => Seg::Index(i),
                Err(_) => Seg::key(s),
            })
            .collect()
    };
    let cases: Vec<Vec<(Vec<Seg>, String)>> = vec![
        // distinct scalars, a key to insert, a value needing quotes in flow
        vec![
            (p(&["updated"]), "2026-12-02".into()),
            (p(&["rows", "0", "title"]), "A2".into()),
            (p(&["rows", "1", "status"]), "y".into()),
            (p(&["rows", "1", "vector"]), "v".into()),
            (p(&["rows", "2", "title"]), "C, d".into()),
        ],
        // the same scalar twice: overlapping edits, the last one wins
        vec![
            (p(&["rows", "1", "title"]), "B1".into()),
            (p(&["rows", "1", "title"]), "B2".into()),
        ],
        // one edit that cannot apply (no such row) among good ones
        vec![
            (p(&["rows", "9", "title"]), "Z".into()),
            (p(&["rows", "0", "title"]), "A3".into()),
        ],
    ];
    for edits in cases {
        let mut one = Editor::new(text);
        let each: Vec<Result<(), String>> = edits
            .iter()
            .map(|(path, v)| one.set_scalar(path, v))
            .collect();
        let mut batch = Editor::new(text);
        let together = batch.set_scalars(&edits);
        assert_eq!(together, each, "{edits:?}");
        assert_eq!(batch.text(), one.text(), "{edits:?}");
    }
}
