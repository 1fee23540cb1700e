//! The scanner's fast path for block scalars (`notes: >-`) and nested flow
//! collections (`- {date: .., evidence: [a, b]}`), which entries use on
//! every line of their promotion history: whatever it decodes must be
//! exactly what the strict parser decodes, and it must never accept a text
//! the strict parser rejects. Random texts, 1,000 cases per property.

use proptest::prelude::*;
use reuse_surface::yaml::{self, block};

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

/// Scanning must agree with the strict parser whenever it succeeds.
fn agrees(text: &str) -> Result<(), TestCaseError> {
    if let Ok(doc) = block::scan(text) {
        let strict = block::strict_value(text);
        prop_assert!(
            strict.is_ok(),
            "scanner accepted {:?}, strict parser: {:?}",
            text,
            strict
        );
        prop_assert_eq!(block::to_value(&doc.root), strict.unwrap(), "{:?}", text);
    }
    Ok(())
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
/// edits) must be the ones the yaml-edit tree gives, wherever it answers.
fn spans_agree(text: &str) -> Result<(), TestCaseError> {
    if yaml::parse(text).is_ok() {
        yaml::fast_spans_agree(text).map_err(TestCaseError::fail)?;
    }
    Ok(())
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

proptest! {
    #![proptest_config(config())]

    /// Spans from the scanner equal the yaml-edit tree's in index-like
    /// documents, block scalars and nested flow collections.
    #[test]
    fn scanner_spans_match_the_lossless_tree(
        index in index_doc(),
        scalar in block_scalar_doc(),
        flow in flow_value(3),
    ) {
        spans_agree(&index)?;
        spans_agree(&scalar)?;
        spans_agree(&format!("k: {flow}\nlist:\n  - {flow}\n"))?;
    }

    /// Block scalars of every header, chomping, indentation and body shape
    /// decode exactly as the strict parser decodes them, or are refused.
    #[test]
    fn block_scalars_decode_exactly(text in block_scalar_doc()) {
        agrees(&text)?;
    }

    /// Nested flow collections decode exactly, under a key and as items.
    #[test]
    fn nested_flow_collections_decode_exactly(v in flow_value(4), trail in prop_oneof![Just(""), Just("  # c"), Just(" x")]) {
        agrees(&format!("k: {v}{trail}\nl: 1\n"))?;
        agrees(&format!("list:\n  - {v}{trail}\n  - {{a: [{v}]}}\n"))?;
    }
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
