//! The scanner's fast path for block scalars (`notes: >-`) and nested flow
//! collections (`- {date: .., evidence: [a, b]}`), which entries use on
//! every line of their promotion history: whatever it decodes must be
//! exactly what the strict parser decodes, and it must never accept a text
//! the strict parser rejects. And the spans editors read from either tree
//! end where the value ends, so an edit keeps every comment (issue 8).
//! Random texts, 1,000 cases per property; each property counts the cases
//! that tested something (the scanner accepted the text, an edit was made)
//! and fails below a floor, so a generator that drifts cannot pass on
//! nothing.

use proptest::prelude::*;
use proptest::test_runner::{TestCaseResult, TestRunner};
use reuse_surface::yaml::{self, block};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// 1,000 cases per property; `FAST_PATH_CASES=50000` for a longer hunt.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(
            std::env::var("FAST_PATH_CASES")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(1000),
        )
    }
}

/// Scanning must agree with the strict parser whenever it succeeds;
/// whether it did (accepted the text).
fn agrees(text: &str) -> Result<bool, TestCaseError> {
    let accepted = block::scan(text);
    if let Ok(doc) = &accepted {
        let strict = block::strict_value(text);
        prop_assert!(
            strict.is_ok(),
            "scanner accepted {:?}, strict parser: {:?}",
            text,
            strict
        );
        prop_assert_eq!(block::to_value(&doc.root), strict.unwrap(), "{:?}", text);
    }
    Ok(accepted.is_ok())
}

/// One line of a block scalar's body.
#[derive(Debug, Clone)]
enum BodyLine {
    /// Text indented `extra` columns past the content indentation.
    Text { extra: usize, text: String },
    /// A line of only `spaces` spaces.
    Blank { spaces: usize },
}

fn body_line() -> impl Strategy<Value = BodyLine> {
    let text = prop_oneof![
        "[a-z]{1,6}( [a-z]{1,4}){0,3}",
        Just("# not a comment".to_string()),
        Just("- dash".to_string()),
        Just("key: value".to_string()),
        Just("'quoted' \"text\"".to_string()),
        Just("trailing  ".to_string()),
        Just("tab\there".to_string()),
        Just("caf\u{e9}".to_string()),
    ];
    prop_oneof![
        6 => (prop_oneof![8 => Just(0usize), 1 => Just(1), 1 => Just(2)], text)
            .prop_map(|(extra, text)| BodyLine::Text { extra, text }),
        3 => (0usize..6).prop_map(|spaces| BodyLine::Blank { spaces }),
    ]
}

/// A block scalar under a key or a dash, at some depth, with what follows.
fn block_scalar_doc() -> impl Strategy<Value = String> {
    (
        (
            0usize..3,                                   // 0: top key, 1: nested key, 2: item
            prop_oneof![Just('|'), Just('>')],           // style
            prop_oneof![Just(""), Just("-"), Just("+")], // chomping
            prop_oneof![8 => Just(""), 1 => Just("2"), 1 => Just("1")], // indentation indicator
            prop_oneof![6 => Just(""), 2 => Just("  # c"), 1 => Just(" "), 1 => Just("#c")],
        ),
        (
            1usize..4, // content indentation past the parent
            proptest::collection::vec(body_line(), 0..8),
            prop_oneof![
                Just(String::new()),
                Just("next: 1".to_string()),
                Just("# trail".to_string()),
                Just(" # less indented trail".to_string()),
            ],
            0usize..3,     // blank lines before what follows
            any::<bool>(), // CRLF
        ),
    )
        .prop_map(
            |((place, style, chomp, ind, tail), (step, body, after, gap, crlf))| {
                let (mut text, col) = match place {
                    0 => (String::new(), 0),
                    1 => ("outer:\n".to_string(), 2),
                    _ => ("list:\n".to_string(), 2),
                };
                let lead = " ".repeat(col);
                let indicator = if place == 2 { "- " } else { "k: " };
                text.push_str(&format!("{lead}{indicator}{style}{chomp}{ind}{tail}\n"));
                let n = col + step;
                for line in &body {
                    match line {
                        BodyLine::Text { extra, text: t } => {
                            text.push_str(&format!("{}{t}\n", " ".repeat(n + extra)))
                        }
                        BodyLine::Blank { spaces } => {
                            text.push_str(&format!("{}\n", " ".repeat(*spaces)))
                        }
                    }
                }
                for _ in 0..gap {
                    text.push('\n');
                }
                if !after.is_empty() {
                    let follow = if place == 2 && after == "next: 1" {
                        "- next".to_string()
                    } else {
                        after
                    };
                    text.push_str(&format!("{lead}{follow}\n"));
                }
                if crlf {
                    text = text.replace('\n', "\r\n");
                }
                text
            },
        )
}

/// A flow collection nested up to a few levels, with uneven spacing.
fn flow_value(depth: u32) -> BoxedStrategy<String> {
    let scalar = prop_oneof![
        "[a-z]{1,5}",
        "[0-9]{1,3}",
        Just("'q, [x]'".to_string()),
        Just("\"d\\t{y}\"".to_string()),
        Just("2026-02-02".to_string()),
        Just("~".to_string()),
        Just("true".to_string()),
        Just("a b".to_string()),
        Just("x:y".to_string()),
    ];
    if depth == 0 {
        return scalar.boxed();
    }
    let inner = flow_value(depth - 1);
    let sep = prop_oneof![Just(", "), Just(","), Just(" , ")];
    prop_oneof![
        3 => scalar,
        1 => (proptest::collection::vec(inner.clone(), 0..4), sep.clone(), any::<bool>())
            .prop_map(|(items, sep, trailing)| {
                let mut s = format!("[{}", items.join(sep));
                if trailing && !items.is_empty() {
                    s.push(',');
                }
                s.push(']');
                s
            }),
        1 => (
            proptest::collection::vec(("[a-z]{1,4}", inner), 0..4),
            sep,
        )
            .prop_map(|(pairs, sep)| {
                let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", body.join(sep))
            }),
    ]
    .boxed()
}

/// Spans read from the scanner (for locating diagnostics and placing
/// edits) must be the ones the yaml-edit tree gives, wherever it answers;
/// how many paths the scanner answered for.
fn spans_agree(text: &str) -> Result<usize, TestCaseError> {
    if yaml::parse(text).is_ok() {
        return yaml::fast_spans_agree(text).map_err(TestCaseError::fail);
    }
    Ok(0)
}

/// An index-like document: rows of mappings with scalars, flow lists,
/// nested flow values, empty values, comments and blank lines between.
fn index_doc() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        "[a-z]{1,6}",
        Just("'quoted'".to_string()),
        Just("\"dq # not a comment\"".to_string()),
        Just("[a, 'b', c]".to_string()),
        Just("[]".to_string()),
        Just("{x: 1, y: [2, 3]}".to_string()),
        Just(String::new()),
        Just("2026-01-01  # trailing".to_string()),
    ];
    let row = proptest::collection::vec(("[a-z]{1,5}", value), 1..5);
    (
        proptest::collection::vec((row, any::<bool>(), any::<bool>()), 0..5),
        prop_oneof![Just(2usize), Just(0)],
        any::<bool>(),
    )
        .prop_map(|(rows, indent, crlf)| {
            let pad = " ".repeat(indent);
            let mut text = String::from("# header\nschema_version: 1\ncapabilities:\n");
            if rows.is_empty() {
                text = text.replace("capabilities:\n", "capabilities: []\n");
            }
            for (fields, comment, blank) in rows {
                if blank {
                    text.push('\n');
                }
                if comment {
                    text.push_str(&format!("{pad}# row comment\n"));
                }
                let mut seen = std::collections::HashSet::new();
                let mut first = true;
                for (k, v) in fields {
                    if !seen.insert(k.clone()) {
                        continue;
                    }
                    let lead = if first {
                        format!("{pad}- ")
                    } else {
                        format!("{pad}  ")
                    };
                    first = false;
                    let sep = if v.is_empty() { ":" } else { ": " };
                    text.push_str(&format!("{lead}{k}{sep}{v}\n"));
                }
            }
            text.push_str("updated: 2026-06-17\n");
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            text
        })
}

/// What a property's cases did, counted by name across a run.
#[derive(Default)]
struct Tally(RefCell<BTreeMap<&'static str, usize>>);

impl Tally {
    fn hit(&self, what: &'static str) {
        *self.0.borrow_mut().entry(what).or_default() += 1;
    }
}

/// Run `test` on `config()`'s number of cases drawn from `strategy`, print
/// what the cases did, and fail unless each counter in `floors` reached its
/// share of the cases: a property whose generator stops producing the
/// texts it is about then fails instead of passing on nothing.
fn run_counted<S: Strategy>(
    name: &str,
    strategy: S,
    floors: &[(&'static str, f64)],
    test: impl Fn(S::Value, &Tally) -> TestCaseResult,
) {
    let config = config();
    let cases = config.cases as usize;
    let tally = Tally::default();
    let mut runner = TestRunner::new(config);
    if let Err(e) = runner.run(&strategy, |value| test(value, &tally)) {
        panic!("{name}: {e}");
    }
    let counts = tally.0.into_inner();
    eprintln!("{name}: {cases} cases, {counts:?}");
    for (what, floor) in floors {
        let n = counts.get(what).copied().unwrap_or(0);
        assert!(
            n as f64 >= floor * cases as f64,
            "{name}: only {n} of {cases} cases were `{what}` (floor {floor})"
        );
    }
}

/// Spans from the scanner equal the yaml-edit tree's in index-like
/// documents, block scalars and nested flow collections.
#[test]
fn scanner_spans_match_the_lossless_tree() {
    let docs = (index_doc(), block_scalar_doc(), flow_value(3));
    run_counted(
        "scanner_spans_match_the_lossless_tree",
        docs,
        &[
            ("index answered", 0.9),
            ("scalar answered", 0.3),
            ("flow answered", 0.9),
        ],
        |(index, scalar, flow), tally| {
            let flow = format!("k: {flow}\nlist:\n  - {flow}\n");
            for (what, text) in [
                ("index answered", &index),
                ("scalar answered", &scalar),
                ("flow answered", &flow),
            ] {
                if spans_agree(text)? > 0 {
                    tally.hit(what);
                }
            }
            Ok(())
        },
    );
}

/// Block scalars of every header, chomping, indentation and body shape
/// decode exactly as the strict parser decodes them, or are refused.
#[test]
fn block_scalars_decode_exactly() {
    run_counted(
        "block_scalars_decode_exactly",
        block_scalar_doc(),
        &[("accepted", 0.3)],
        |text, tally| {
            if agrees(&text)? {
                tally.hit("accepted");
            }
            Ok(())
        },
    );
}

/// Nested flow collections decode exactly, under a key and as items.
#[test]
fn nested_flow_collections_decode_exactly() {
    let trail = prop_oneof![Just(""), Just("  # c"), Just(" x")];
    run_counted(
        "nested_flow_collections_decode_exactly",
        (flow_value(4), trail),
        &[("accepted under a key", 0.3), ("accepted as an item", 0.3)],
        |(v, trail), tally| {
            if agrees(&format!("k: {v}{trail}\nl: 1\n"))? {
                tally.hit("accepted under a key");
            }
            if agrees(&format!("list:\n  - {v}{trail}\n  - {{a: [{v}]}}\n"))? {
                tally.hit("accepted as an item");
            }
            Ok(())
        },
    );
}

/// The shapes entries use decode on the fast path exactly like the strict
/// parser, including the value-level details: chomping, folding, blank
/// lines inside and after, comments that are text inside a block scalar.
#[test]
fn entry_shapes_match_the_strict_parser() {
    let cases = [
        "notes: >-\n  Generated entry 1; the text here\n  adds bulk.\nupdated: 2026-02-02\n",
        "notes: >\n  one\n\n  two\n\n\n  three\nnext: 1\n",
        "notes: |\n  line one\n  # kept as text\n\n  line three\n",
        "notes: |+\n  kept\n\n\nnext: 1\n",
        "notes: |-\n  stripped\n\n",
        "notes: >+\n\n  lead blank\n\n",
        "notes: |  # a comment\n    deeper\n    text\nnext: 1\n",
        "list:\n  - |\n    item text\n  - >-\n    folded\n    item\n",
        "promotion_history:\n  - {date: 2026-02-02, dimension: D, from: 3, to: 4, evidence: [docs/a.md, 'b c'], by: maintain, rationale: \"documented\"}\n  - {evidence: [], x: {y: [1, [2, {z: ~}]]}}\n",
        "k: [[a, b], {c: d}, []]  # trailing comment\n",
        "notes: |\r\n  crlf\r\n  lines\r\nnext: 1\r\n",
    ];
    for text in cases {
        let fast = block::scan(text).unwrap_or_else(|e| panic!("{e} in {text:?}"));
        assert_eq!(
            Ok(block::to_value(&fast.root)),
            block::strict_value(text),
            "{text:?}"
        );
        assert_eq!(yaml::parse(text).ok(), block::strict_value(text).ok());
    }
}

/// Deep or malformed nesting inside a flow collection is refused by the
/// fast path or handed to the strict parser: never a wrong value, never a
/// stack overflow.
#[test]
fn hostile_flow_nesting_is_safe() {
    let deep = format!("k: {}a{}\n", "[".repeat(100_000), "]".repeat(100_000));
    assert!(yaml::parse(&deep).is_err());
    for text in [
        "k: [[a], b\n",
        "k: [{a: b}c]\n",
        "k: {a: [b], a: c}\n",
        "k: [[a]: b]\n",
        "k: {[a]: b}\n",
        "k: [a, [b, {c: d, c: e}]]\n",
    ] {
        if let Ok(doc) = block::scan(text) {
            assert_eq!(
                Ok(block::to_value(&doc.root)),
                block::strict_value(text),
                "{text:?}"
            );
        }
    }
}

/// A comment for the comment properties: unique (`note<id>`), with `#`,
/// quotes and brackets inside, after one of the blanks YAML allows.
fn comment(id: usize, body: usize, sep: usize) -> String {
    const BODIES: [&str; 8] = [
        "",
        " it's old",
        " don't [edit]",
        " ]",
        " {x}, [y",
        " \"q\" # again",
        " 'open",
        "#",
    ];
    let sep = ["  ", " ", "\t"][sep % 3];
    format!("{sep}# note{id:03}{}", BODIES[body % BODIES.len()])
}

/// What an edit may do to a value of a shape.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    /// A scalar on one line or several (set it).
    Scalar,
    /// A flow or block sequence (append to it).
    Seq,
    /// A flow mapping (add a key to it).
    Map,
    /// A block scalar (left alone; a key is added after it).
    Text,
}

/// The text of value shape `n` for a key in column `col` (continuation
/// lines indented past it), with `comment` after its last line, and
/// whether the scanner hands it to the strict parser.
fn value_text(
    n: usize,
    col: usize,
    comment: &str,
    more: &mut dyn FnMut() -> String,
) -> (String, Shape, bool) {
    let ind = " ".repeat(col + 2);
    let one = |v: &str, shape, strict| (format!(" {v}{comment}"), shape, strict);
    match n % 24 {
        0 => one("abc", Shape::Scalar, false),
        1 => one("a b c", Shape::Scalar, false),
        2 => one("value#notacomment", Shape::Scalar, false),
        3 => one("'q # x'", Shape::Scalar, false),
        4 => one("'it''s # [x]'", Shape::Scalar, false),
        5 => one("\"d # y \\\" ]\"", Shape::Scalar, false),
        6 => one("2025-1-1", Shape::Scalar, true),
        7 => one("!!str 5", Shape::Scalar, true),
        8 => one("~", Shape::Scalar, true),
        9 => one("0x1F", Shape::Scalar, true),
        10 => one("2026-01-01", Shape::Scalar, false),
        11 => one("it's 'x", Shape::Scalar, false),
        12 => (format!(" \"a # x\n{ind}b\"{comment}"), Shape::Scalar, true),
        13 => (format!(" a\n{ind}b 'c{comment}"), Shape::Scalar, true),
        14 => one("[a, 'b # c', \"d]\"]", Shape::Seq, false),
        15 => one("[]", Shape::Seq, false),
        16 => one("[a, [b]]", Shape::Seq, true),
        17 => one("[x, {y: 'z # w'}]", Shape::Seq, true),
        18 => one("{x: 1, y: '# z'}", Shape::Map, false),
        19 => one("{a: [b, c]}", Shape::Map, true),
        20 => one("{}", Shape::Map, false),
        21 => (
            format!(
                "\n{ind}- a{}\n{ind}- 'q # x'\n{ind}- 2025-1-1{comment}",
                more()
            ),
            Shape::Seq,
            false,
        ),
        22 => (
            format!("\n{ind}- [a, b]{}\n{ind}- \"x # y\"{comment}", more()),
            Shape::Seq,
            false,
        ),
        _ => (
            format!(" |{comment}\n{ind}text # not a comment\n{ind}# also text"),
            Shape::Text,
            false,
        ),
    }
}

/// A document for the comment properties, the path prefix its entries
/// are under, each entry's key and shape, and the comments it holds.
#[derive(Debug, Clone)]
struct CommentDoc {
    text: String,
    prefix: Vec<yaml::Seg>,
    entries: Vec<(String, Shape, bool, bool)>,
    comments: Vec<String>,
    /// Whether the entries are the first row of a `rows` sequence.
    rows: bool,
}

/// Entries of every value shape, each with or without a comment after
/// it and comment lines or blank lines before it, at the top level, in a
/// nested mapping or as the first row of a sequence; an alias (which
/// keeps the scanner out) in some, CRLF line endings in some.
fn comment_doc() -> impl Strategy<Value = CommentDoc> {
    let commented = prop_oneof![3 => Just(true), 1 => Just(false)];
    let entry = (0usize..24, commented, 0usize..8, 0usize..3, 0usize..4);
    (
        proptest::collection::vec(entry, 1..7),
        0usize..3,
        prop_oneof![3 => Just(false), 1 => Just(true)],
        any::<bool>(),
    )
        .prop_map(|(entries, place, alias, crlf)| {
            let mut comments = Vec::new();
            let note = |body: usize, sep: usize, comments: &mut Vec<String>| {
                let c = comment(comments.len(), body, sep);
                comments.push(c.trim_start().to_string());
                c
            };
            let mut text = String::new();
            if alias {
                text.push_str("anchor: &a 1\nalias: *a\n");
            }
            let (col, prefix, lead) = match place {
                0 => (0, vec![], String::new()),
                1 => (2, vec![yaml::Seg::key("outer")], "outer:\n".to_string()),
                _ => (
                    4,
                    vec![yaml::Seg::key("rows"), yaml::Seg::Index(0)],
                    "rows:\n  - id: first\n".to_string(),
                ),
            };
            text.push_str(&lead);
            let pad = " ".repeat(col);
            let mut out = Vec::new();
            for (i, (shape, commented, body, sep, before)) in entries.into_iter().enumerate() {
                match before {
                    0 => {
                        let c = note(body + 1, 1, &mut comments);
                        text.push_str(&format!("{pad}{}\n", c.trim_start()));
                    }
                    1 => text.push('\n'),
                    _ => {}
                }
                let c = if commented {
                    note(body, sep, &mut comments)
                } else {
                    String::new()
                };
                let mut item_note = || note(body + 3, sep + 1, &mut comments);
                let mut more = || {
                    if commented {
                        item_note()
                    } else {
                        String::new()
                    }
                };
                let (value, shape, strict) = value_text(shape, col, &c, &mut more);
                let key = format!("k{i}");
                text.push_str(&format!("{pad}{key}:{value}\n"));
                out.push((key, shape, strict, commented));
            }
            if place == 2 {
                let c = note(2, 0, &mut comments);
                text.push_str(&format!("  - id: last{c}\n"));
            }
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            CommentDoc {
                text,
                prefix,
                entries: out,
                comments,
                rows: place == 2,
            }
        })
}

/// The value at `path` in `v`, created as `null` when missing.
fn at<'v>(v: &'v mut serde_json::Value, path: &[yaml::Seg]) -> &'v mut serde_json::Value {
    path.iter().fold(v, |v, seg| match seg {
        yaml::Seg::Key(k) => &mut v[k.as_str()],
        yaml::Seg::Index(i) => &mut v[*i],
    })
}

/// Apply edit `op` to entry `target` of `doc`; the expected value after it,
/// and whether it edited the entry's own value. `None`: the editor refused,
/// as it must (a block scalar is never rewritten).
fn edit(
    doc: &CommentDoc,
    ed: &mut yaml::Editor,
    target: usize,
    op: usize,
) -> Result<Option<(serde_json::Value, bool)>, TestCaseError> {
    let mut want = block::strict_value(&doc.text).map_err(TestCaseError::fail)?;
    let (key, shape, ..) = &doc.entries[target % doc.entries.len()];
    let mut path = doc.prefix.clone();
    path.push(yaml::Seg::key(key));
    let added = |mut p: Vec<yaml::Seg>| {
        p.push(yaml::Seg::key("added"));
        p
    };
    let done = match (op % 4, shape) {
        (3, _) if doc.rows => {
            let i = target % 3;
            ed.insert_mapping_item(&[yaml::Seg::key("rows")], i, &[("id", "new".into())])
                .map_err(TestCaseError::fail)?;
            let rows = want["rows"].as_array_mut().expect("rows");
            rows.insert(i, serde_json::json!({"id": "new"}));
            false
        }
        (2, _) => {
            ed.set_scalar(&added(doc.prefix.clone()), "v")
                .map_err(TestCaseError::fail)?;
            *at(&mut want, &added(doc.prefix.clone())) = "v".into();
            false
        }
        (_, Shape::Scalar) => {
            ed.set_scalar(&path, "2026-02-02")
                .map_err(TestCaseError::fail)?;
            *at(&mut want, &path) = "2026-02-02".into();
            true
        }
        (_, Shape::Seq) => {
            ed.append_scalar(&path, "zz").map_err(TestCaseError::fail)?;
            let seq = at(&mut want, &path).as_array_mut().expect("a sequence");
            seq.push("zz".into());
            true
        }
        (_, Shape::Map) => {
            ed.set_scalar(&added(path.clone()), "v")
                .map_err(TestCaseError::fail)?;
            *at(&mut want, &added(path)) = "v".into();
            true
        }
        (_, Shape::Text) => {
            prop_assert!(ed.set_scalar(&path, "x").is_err(), "{:?}", doc.text);
            prop_assert_eq!(ed.text(), doc.text.as_str());
            return Ok(None);
        }
    };
    Ok(Some((want, done)))
}

/// Every editor operation keeps every comment of the document byte for
/// byte, the one after the edited value included, and the result holds
/// exactly the expected data (issue 8: a comment after a value the scanner
/// hands to the strict parser went with the value).
#[test]
fn edits_keep_every_comment() {
    run_counted(
        "edits_keep_every_comment",
        (comment_doc(), 0usize..64, 0usize..4),
        &[
            ("fast path accepted the text", 0.3),
            ("edited", 0.3),
            ("edited a value with a comment after it", 0.3),
            (
                "edited a strictly parsed value with a comment after it",
                0.05,
            ),
        ],
        |(doc, target, op), tally| {
            prop_assert!(yaml::parse(&doc.text).is_ok(), "{:?}", doc.text);
            if block::scan(&doc.text).is_ok() {
                tally.hit("fast path accepted the text");
            }
            let mut ed = yaml::Editor::new(doc.text.as_str());
            let Some((want, own)) = edit(&doc, &mut ed, target, op)? else {
                tally.hit("refused a block scalar");
                return Ok(());
            };
            let out = ed.text();
            let strict = block::strict_value(out);
            prop_assert_eq!(strict, Ok(want.clone()), "{:?} -> {:?}", doc.text, out);
            let parsed = yaml::parse(out).ok();
            prop_assert_eq!(parsed, Some(want), "{:?}", out);
            for c in &doc.comments {
                prop_assert_eq!(
                    out.matches(c.as_str()).count(),
                    1,
                    "{:?} lost in {:?} -> {:?}",
                    c,
                    doc.text,
                    out
                );
            }
            tally.hit("edited");
            let (_, _, strict, commented) = doc.entries[target % doc.entries.len()];
            if own && commented {
                tally.hit("edited a value with a comment after it");
                if strict {
                    tally.hit("edited a strictly parsed value with a comment after it");
                }
            }
            Ok(())
        },
    );
}

/// The scanner's spans agree with the yaml-edit tree's on the comment
/// documents too (each path the scanner answers for).
#[test]
fn comment_doc_spans_match_the_lossless_tree() {
    run_counted(
        "comment_doc_spans_match_the_lossless_tree",
        comment_doc(),
        &[("answered", 0.3)],
        |doc, tally| {
            if spans_agree(&doc.text)? > 0 {
                tally.hit("answered");
            }
            Ok(())
        },
    );
}

/// `Lossless::value_span` is exactly the value, never the blanks and the
/// comment after it: for every scalar shape, nested flow collections and
/// block sequences, on the scanner's path and (with an alias in the text)
/// on the yaml-edit tree's.
#[test]
fn value_spans_end_where_the_value_ends() {
    let value = prop_oneof![3 => (0usize..24).prop_map(Ok), 2 => flow_value(3).prop_map(Err)];
    let commented = prop_oneof![4 => Just(true), 1 => Just(false)];
    let case = (
        value,
        commented,
        0usize..8,
        0usize..3,
        any::<bool>(),
        any::<bool>(),
    );
    run_counted(
        "value_spans_end_where_the_value_ends",
        case,
        &[
            ("checked", 0.3),
            ("checked after a comment", 0.3),
            ("checked a value the scanner keeps whole", 0.1),
        ],
        |(value, commented, body, sep, alias, crlf), tally| {
            let decor = if commented {
                comment(0, body, sep)
            } else {
                String::new()
            };
            // The value as written, with its comment, and the value alone
            // (a block scalar's header comment is inside it).
            let (written, value) = match value {
                Ok(n) => {
                    let (bare, shape, _) = value_text(n, 0, "", &mut String::new);
                    let (written, ..) = value_text(n, 0, &decor, &mut String::new);
                    let value = if shape == Shape::Text {
                        written.clone()
                    } else {
                        bare
                    };
                    (written, value)
                }
                Err(flow) => (format!(" {flow}{decor}"), format!(" {flow}")),
            };
            let prefix = if alias {
                "anchor: &a 1\nalias: *a\n"
            } else {
                ""
            };
            let mut text = format!("{prefix}k:{written}\n# line\nnext: 1\n");
            let mut value = value.trim_start_matches([' ', '\n']).to_string();
            if crlf {
                text = text.replace('\n', "\r\n");
                value = value.replace('\n', "\r\n");
            }
            if yaml::parse(&text).is_err() {
                return Ok(());
            }
            let key = text.find("k:").expect("key") + 2;
            let start = key + text[key..].find(value.as_str()).expect("the value");
            let tree = yaml::Lossless::new(&text);
            let span = tree.value_span(&[yaml::Seg::key("k")]);
            prop_assert_eq!(span, Some(start..start + value.len()), "{:?}", text);
            tally.hit("checked");
            if commented {
                tally.hit("checked after a comment");
            }
            let whole = block::scan(&text).ok().and_then(|doc| {
                doc.root
                    .get("k")
                    .map(|e| e.value.style == block::Style::Opaque)
            });
            if whole == Some(true) {
                tally.hit("checked a value the scanner keeps whole");
            }
            Ok(())
        },
    );
}
