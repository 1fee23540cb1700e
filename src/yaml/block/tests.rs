//! The scanner held to the strict parser on registry-shaped texts.

use super::*;

fn same_as_strict(text: &str) {
    let fast = scan(text).unwrap_or_else(|e| panic!("{e} in {text:?}"));
    let strict = strict_value(text).unwrap();
    assert_eq!(to_value(&fast.root), strict, "{text:?}");
}

#[test]
fn index_layout_decodes_like_the_strict_parser() {
    same_as_strict(
        "# header\nschema_version: 1\nupdated: 2026-06-17\ncapabilities:\n  - id: a.b\n    title: 'It''s'\n    status: active\n    vector: D5/A4/C5/R3\n    path: \"x\\ty\"  # c\n\n  # lead\n  - id: c.d\n    tags: [x, 'y', \"z\"]\n    m: {a: 1, b: -2}\n",
    );
    same_as_strict("a:\n- 1\n- b\nc: ~\nd:\ne: 007\nf: 0x1F\ng: 1.5\n");
    same_as_strict("k: |\n  a\n  # b\nj: 1\n");
    same_as_strict("k: |+\n  text\n\nj: 1\n");
    same_as_strict("- - a\n  - b\n- c\n");
    same_as_strict("k: \"a\n  b\"\nl: x\n  y\n");
    same_as_strict("---\nk: v\r\nl: [a, b, ]\r\n");
}

#[test]
fn spans_point_at_rows_and_values() {
    let text = "caps:\n  # lead\n  - id: a\n    t: x  # c\n  - id: b\n";
    let doc = scan(text).unwrap();
    let caps = &doc.root.entries()[0].value;
    let items = caps.items();
    assert_eq!(items.len(), 2);
    assert_eq!(
        &text[items[0].lead..items[0].next],
        "  # lead\n  - id: a\n    t: x  # c\n"
    );
    let t = items[0].value.get("t").unwrap();
    assert_eq!(&text[t.value.span.clone()], "x");
    assert_eq!(&text[t.line_start..t.end], "    t: x  # c");
}

#[test]
fn outside_the_subset_is_refused() {
    for text in [
        "a: 1\na: 2\n",
        "a: &x 1\nb: *x\n",
        "\ta: 1\n",
        "a: 1\n---\nb: 2\n",
        "? a\n: b\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: b: c\n",
        "just a scalar\n",
        "a: [1, 2\n",
        "a: 1\r2\n",
        "<< :\n:< :",
        "<<: {b: 1}\nc: 2\n",
    ] {
        assert!(scan(text).is_err(), "{text:?} should be refused");
    }
}

#[test]
fn a_merge_key_in_flow_reads_as_the_strict_parser_reads_it() {
    for text in ["a: {<<: {b: 1}, c: 2}\n", "- {<<: {b: 1}}\n"] {
        crate::fuzzing::scanner_matches_strict(text.as_bytes()).unwrap();
    }
}

/// Every collection's length and its vector's capacity, depth first.
fn spare_capacity(node: &Node, out: &mut Vec<(usize, usize)>) {
    match &node.kind {
        Kind::Map(entries) => {
            out.push((entries.len(), entries.capacity()));
            entries.iter().for_each(|e| spare_capacity(&e.value, out));
        }
        Kind::Seq(items) => {
            out.push((items.len(), items.capacity()));
            items.iter().for_each(|i| spare_capacity(&i.value, out));
        }
        _ => {}
    }
}

#[test]
fn a_scanned_tree_holds_no_spare_capacity() {
    // Rows of five keys (room for eight before), a list of 37 rows (a
    // doubling to 64 before), flow collections of two and three.
    let mut text = String::from("version: 2\nrows:\n");
    for i in 0..37 {
        text += &format!(
            "  - id: r{i}\n    title: T\n    tags: [a, b, c]\n    env: {{A: 1, B: 2}}\n    n: {i}\n"
        );
    }
    let doc = scan(&text).unwrap();
    let mut seen = Vec::new();
    spare_capacity(&doc.root, &mut seen);
    assert_eq!(seen.len(), 1 + 1 + 37 * 3, "{seen:?}");
    assert!(seen.iter().any(|&(len, _)| len == 37));
    for (len, cap) in seen {
        assert_eq!(len, cap, "a collection of {len} kept room for {cap}");
    }
}
