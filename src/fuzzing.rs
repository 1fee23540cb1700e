//! The invariants the fuzz targets check (issue 13, item 17), in library
//! code so that the `cargo fuzz` targets (`fuzz/`, nightly) and a plain
//! `cargo test` replay of the committed corpus (`fuzz/corpus/<target>/`,
//! stable) run the same checks: every case a fuzzer found keeps guarding
//! the build without nightly.
//!
//! Each check takes the fuzzer's raw bytes and returns `Err` with a one-line
//! account when an invariant is broken; a panic anywhere below is a
//! finding too. Input that is not what the check is about (not UTF-8, not
//! YAML the strict parser accepts) passes: the checks hold the code to its
//! contract on what it accepts, and to "no panic" on everything else.

use crate::frontmatter;
use crate::merge::{self, Outcome, Side};
use crate::yaml::{self, Editor, Lossless, Seg, block};
use serde_json::Value;

/// One invariant check over raw fuzzer input.
pub type Check = fn(&[u8]) -> Result<(), String>;

/// The fuzz targets by name (the names of `fuzz/fuzz_targets/*.rs` and of
/// the corpus directories).
pub const TARGETS: &[(&str, Check)] = &[
    ("scanner", scanner_matches_strict),
    ("front_matter", front_matter_split),
    ("editor", editor_round_trip),
    ("merge", merge_invariants),
    ("index", index_matches_gix),
];

/// Larger inputs only slow the fuzzer down; registry files are small.
const MAX_INPUT: usize = 16 * 1024;

fn text_of(data: &[u8]) -> Option<&str> {
    if data.len() > MAX_INPUT {
        return None;
    }
    yaml::decode(data).ok()
}

// ------------------------------------------------------------- scanner

/// The block scanner against the strict parser: whatever the scanner
/// accepts, the strict parser accepts with the same value, and the spans
/// the scanner gives for every path are the ones yaml-edit's tree gives.
pub fn scanner_matches_strict(data: &[u8]) -> Result<(), String> {
    let Some(text) = text_of(data) else {
        return Ok(());
    };
    let parsed = yaml::parse(text);
    let strict = block::strict_value(text);
    if let Ok(doc) = block::scan(text) {
        let fast = block::to_value(&doc.root);
        match &strict {
            Ok(v) if *v == fast => {}
            Ok(v) => {
                return Err(format!(
                    "scanner read {fast} where the strict parser read {v}"
                ));
            }
            Err(e) => {
                return Err(format!(
                    "scanner accepted a text the strict parser refuses: {e}"
                ));
            }
        }
    }
    match (&parsed, &strict) {
        (Ok(a), Ok(b)) if a != b => return Err(format!("parse gave {a}, strict {b}")),
        (Ok(_), Err(e)) => return Err(format!("parse accepted, strict refused: {e}")),
        (Err(e), Ok(_)) => return Err(format!("parse refused, strict accepted: {e}")),
        _ => {}
    }
    if parsed.is_ok() {
        yaml::fast_spans_agree(text)?;
    }
    Ok(())
}

// -------------------------------------------------------- front matter

/// The front-matter split: the three parts put back together are the
/// text, the head is the opening fence line, the tail starts at the first
/// closing fence line, and no fence line is left inside the YAML.
pub fn front_matter_split(data: &[u8]) -> Result<(), String> {
    let Some(text) = text_of(data) else {
        return Ok(());
    };
    let fm = match frontmatter::split(text) {
        Ok(fm) => fm,
        Err(e) if e.line.is_some() => return Ok(()),
        Err(e) => return Err(format!("split error without a line: {e}")),
    };
    if format!("{}{}{}", fm.head, fm.yaml, fm.tail) != text {
        return Err("the parts do not make up the text".into());
    }
    let fence = |line: &str| matches!(line.trim_end_matches(['\n', '\r']), "---" | "...");
    if fm.head.trim_end_matches(['\n', '\r']).trim_end() != "---" {
        return Err(format!("head is not the opening fence: {:?}", fm.head));
    }
    if !fm.head.ends_with('\n') {
        return Err("head does not end its line".into());
    }
    if fm.yaml.split_inclusive('\n').any(fence) {
        return Err("a closing fence is left inside the YAML".into());
    }
    if !fm.tail.split_inclusive('\n').next().is_some_and(fence) {
        return Err(format!("tail does not start with a fence: {:?}", fm.tail));
    }
    if fm.line_offset != 1 {
        return Err(format!("line offset {}", fm.line_offset));
    }
    // The YAML between the fences parses or is refused, with no panic.
    let _ = yaml::parse(fm.yaml);
    Ok(())
}

// -------------------------------------------------------------- editor

/// Strings written by the editor check: each needs a different rendering
/// somewhere (plain, quoted, in flow, a look-alike of another type).
const NEW_VALUES: &[&str] = &[
    "x",
    "two words",
    "a, b",
    "[x]",
    "{k: v}",
    "a #b",
    "#",
    "'q'",
    "\"d\"",
    "yes",
    "1",
    "2026-01-01",
    "",
    " lead",
    "trail ",
    "multi\nline",
    "caf\u{e9}",
    "- dash",
    ": colon",
    "null",
    "~",
    "x: y",
    "tab\there",
    "back\\slash",
];

/// Every path to a scalar (null included) in `v`.
fn scalar_paths(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                at.push(Seg::key(k));
                scalar_paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                at.push(Seg::Index(i));
                scalar_paths(child, at, out);
                at.pop();
            }
        }
        _ => out.push(at.clone()),
    }
}

/// `v` with the value at `path` replaced by `new`.
fn with_value(v: &Value, path: &[Seg], new: Value) -> Value {
    let mut out = v.clone();
    let mut cur = &mut out;
    for seg in path {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k).expect("path from the value"),
            (Seg::Index(i), Value::Array(a)) => &mut a[*i],
            _ => unreachable!("path from the value"),
        };
    }
    *cur = new;
    out
}

/// The editor's round trip: set one scalar (the first input byte picks
/// the new string, the second the scalar, the rest is the document), and
/// the document reads back with only that value changed, every byte
/// outside the old value's text kept (so every comment is kept).
pub fn editor_round_trip(data: &[u8]) -> Result<(), String> {
    let [pick_value, pick_path, rest @ ..] = data else {
        return Ok(());
    };
    let Some(text) = text_of(rest) else {
        return Ok(());
    };
    // An anchored value changes its aliases too; not this check's concern.
    if text.contains('&') && text.contains('*') {
        return Ok(());
    }
    let Ok(before) = yaml::parse(text) else {
        return Ok(());
    };
    let mut paths = Vec::new();
    scalar_paths(&before, &mut Vec::new(), &mut paths);
    if paths.is_empty() || !before.is_object() {
        return Ok(());
    }
    let path = &paths[*pick_path as usize % paths.len()];
    let new = NEW_VALUES[*pick_value as usize % NEW_VALUES.len()];
    let span = Lossless::new(text).replaced_span(path);
    let mut editor = Editor::new(text);
    if let Err(e) = editor.set_scalar(path, new) {
        let raw = span.clone().map(|s| &text[s]).unwrap_or("");
        if raw.starts_with(['|', '>']) {
            return Ok(()); // block scalars are refused, by design
        }
        // A value in YAML registry files never use (a tag on a line of
        // its own, an explicit `? key`) may be refused; the editor kept
        // the text as it was (it returned an error before committing).
        if exotic(text) || multiline_key(text, path) {
            return Ok(());
        }
        return Err(format!("set {} to {new:?}: {e}", yaml::pointer(path)));
    }
    let out = editor.into_text();
    let after = yaml::parse(&out).map_err(|e| format!("edit left invalid YAML: {e}"))?;
    let want = with_value(&before, path, Value::String(new.into()));
    if after != want {
        return Err(format!(
            "set {} to {new:?}: read back {after}, expected {want}",
            yaml::pointer(path)
        ));
    }
    kept_outside(text, &out, span)
}

/// Whether `text` uses a form registry files never hold and the locator
/// does not promise to place: a tag (`!t`, after a blank, a flow indicator
/// or at the start of a node), an explicit key (`? k`), a line indented
/// with a tab, a flow collection continued on the next line, or a lone
/// carriage return (a line break to YAML, not to the line-based locator).
fn exotic(text: &str) -> bool {
    let bytes = text.as_bytes();
    let lone_cr = (0..bytes.len()).any(|i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
    lone_cr
        || [" !", "\t!", ",!", "{!", "[!"]
            .iter()
            .any(|t| text.contains(t))
        || text.lines().any(exotic_line)
}

/// One line of [`exotic`]'s forms: a node starting with a tag or an
/// explicit key, a tab indenting, a flow collection left open.
fn exotic_line(l: &str) -> bool {
    let t = l.trim_start().trim_start_matches(['-', ' ', '\t']);
    let opens = l.matches(['{', '[']).count();
    t.starts_with('!')
        || t == "?"
        || t.starts_with("? ")
        || t.starts_with("?\t")
        || l.trim_start_matches(' ').starts_with('\t')
        || (opens > 0 && opens > l.matches(['}', ']']).count())
}

/// Whether a key on `path` spans lines in `text` (a plain key folded over
/// a line break inside a flow mapping, read as one line or with a line
/// break in it): a form the locator does not promise to place, refused
/// cleanly (editor fuzz finds).
fn multiline_key(text: &str, path: &[Seg]) -> bool {
    path.iter().any(
        |seg| matches!(seg, Seg::Key(k) if k.contains(['\n', '\r']) || !text.contains(k.as_str())),
    )
}

/// Whether `out` keeps every byte of `text` outside `span` (the edited
/// value's old text; `None`: the edit may only insert).
fn kept_outside(text: &str, out: &str, span: Option<std::ops::Range<usize>>) -> Result<(), String> {
    let ok = match span {
        Some(s) => out.starts_with(&text[..s.start]) && out.ends_with(&text[s.end..]),
        None => {
            let prefix = text
                .bytes()
                .zip(out.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            let suffix = text
                .bytes()
                .rev()
                .zip(out.bytes().rev())
                .take_while(|(a, b)| a == b)
                .count();
            prefix + suffix >= text.len()
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!("bytes outside the edited value changed: {out:?}"))
    }
}

// --------------------------------------------------------------- merge

/// Every path through mappings only (sequences are not entered: rows are
/// matched by key, not position).
fn key_paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if let Value::Object(m) = v {
        for (k, child) in m {
            at.push(k.clone());
            out.push(at.clone());
            key_paths(child, at, out);
            at.pop();
        }
    }
}

fn has_path(v: &Value, path: &[String]) -> bool {
    let mut cur = v;
    for k in path {
        match cur.get(k) {
            Some(next) => cur = next,
            None => return false,
        }
    }
    true
}

/// The merge driver's invariants on three texts (the input split at NUL
/// bytes: base, ours, theirs): the outcome is a clean merge, a merge with
/// well-formed conflict blocks, or a fallback to git's merge; a clean
/// result parses strictly (no duplicate keys) and loses no key that both
/// sides kept or one side added; each side of a conflicted result parses;
/// ours == theirs gives ours.
pub fn merge_invariants(data: &[u8]) -> Result<(), String> {
    if data.len() > MAX_INPUT {
        return Ok(());
    }
    let mut parts = data.splitn(3, |b| *b == 0);
    let (Some(b), Some(o), Some(t)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(());
    };
    let (Ok(b), Ok(o), Ok(t)) = (yaml::decode(b), yaml::decode(o), yaml::decode(t)) else {
        return Ok(());
    };
    let opts = merge::Options::default();
    for (x, y) in [(o, o), (b, b)] {
        if merge::merge_text(b, x, y, &opts) != same(x) {
            return Err("ours == theirs did not give ours".into());
        }
    }
    let all_parse = [b, o, t].iter().all(|x| yaml::parse(x).is_ok());
    match merge::merge_text(b, o, t, &opts) {
        Outcome::Fallback { .. } => Ok(()),
        // Text that does not parse is never merged structurally: a side
        // that alone changed is taken whole, as git would.
        Outcome::Merged { text, .. } if !all_parse => {
            if text == o || text == t {
                Ok(())
            } else {
                Err("merged texts that do not all parse".into())
            }
        }
        Outcome::Merged { text, conflicts: 0 } => clean_merge(b, o, t, &text),
        // A side whose own lines look like markers (`======= x`, which
        // git reads as one too) makes any result ambiguous: nothing to
        // hold the markers to.
        Outcome::Merged { .. }
            if [b, o, t].iter().any(|x| {
                x.split_inclusive('\n')
                    .any(|l| marker_of(l, opts.marker_size).is_some())
            }) =>
        {
            Ok(())
        }
        Outcome::Merged { text, conflicts } => conflicted(&text, conflicts, opts.marker_size),
    }
}

fn same(text: &str) -> Outcome {
    Outcome::Merged {
        text: text.to_string(),
        conflicts: 0,
    }
}

fn clean_merge(b: &str, o: &str, t: &str, text: &str) -> Result<(), String> {
    let merged = yaml::parse(text).map_err(|e| format!("clean merge does not parse: {e}"))?;
    let read = |s: &str| yaml::parse(s).unwrap_or(Value::Null);
    let (base, ours, theirs) = (read(b), read(o), read(t));
    // Only mappings merge structurally; a side taken whole is what it is.
    let empty = merged.is_null() && text.trim().is_empty();
    let whole = text == o || text == t;
    if !(merged.is_object() || empty || whole) {
        return Err(format!("clean merge is not a mapping: {merged}"));
    }
    let mut paths = Vec::new();
    key_paths(&ours, &mut Vec::new(), &mut paths);
    key_paths(&theirs, &mut Vec::new(), &mut paths);
    for path in paths {
        let both = has_path(&ours, &path) && has_path(&theirs, &path);
        let added = !has_path(&base, &path);
        if (both || added) && !has_path(&merged, &path) {
            return Err(format!("clean merge lost the key {}", path.join(".")));
        }
    }
    Ok(())
}

/// A conflict marker line of `size` (git's form: the marker alone or
/// followed by a space and a label).
fn marker_of(line: &str, size: usize) -> Option<char> {
    let l = line.trim_end_matches(['\n', '\r']);
    let c = l
        .chars()
        .next()
        .filter(|c| matches!(c, '<' | '|' | '=' | '>'))?;
    let run = l.chars().take_while(|x| *x == c).count();
    (run == size && (l.len() == size || l[size..].starts_with(' '))).then_some(c)
}

fn conflicted(text: &str, conflicts: usize, size: usize) -> Result<(), String> {
    // Blocks are `<` (`|`)? `=` `>`, in that order, never nested.
    let mut state = '>';
    let mut blocks = 0;
    for line in text.split_inclusive('\n') {
        let Some(m) = marker_of(line, size) else {
            continue;
        };
        let ok = matches!(
            (state, m),
            ('>', '<') | ('<', '|') | ('<' | '|', '=') | ('=', '>')
        );
        if !ok {
            return Err(format!("marker {m} after {state} in {text:?}"));
        }
        blocks += usize::from(m == '<');
        state = m;
    }
    if state != '>' {
        return Err("an unclosed conflict block".into());
    }
    if blocks != conflicts {
        return Err(format!("{blocks} conflict blocks, {conflicts} reported"));
    }
    for side in [Side::Ours, Side::Theirs] {
        let resolved = merge::resolve(text, side, size).ok_or("markers do not resolve")?;
        yaml::parse(&resolved).map_err(|e| format!("the {side:?} side does not parse: {e}"))?;
    }
    Ok(())
}

// --------------------------------------------------------------- index

/// The git index decoder against gix's: on any bytes both accept (SHA-1
/// ids), the same entries, flags and cache tree; on any bytes at all, no
/// panic and no allocation the file's size does not justify.
pub fn index_matches_gix(data: &[u8]) -> Result<(), String> {
    if data.len() > 4 * MAX_INPUT {
        return Ok(());
    }
    crate::git::decoders_agree(data).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each check reports the broken invariant it is there for, so a
    /// replay that passes has tested something.
    #[test]
    fn the_checks_catch_what_they_are_for() {
        // A byte outside the edited value changed (a comment lost).
        let text = "a: 1 # keep\nb: 2\n";
        assert!(kept_outside(text, "a: 9 # keep\nb: 2\n", Some(3..4)).is_ok());
        assert!(kept_outside(text, "a: 9\nb: 2\n", Some(3..4)).is_err());
        assert!(kept_outside(text, "a: 1 # keep\nc: 3\nb: 2\n", None).is_ok());
        assert!(kept_outside(text, "a: 1\nc: 3\nb: 2\n", None).is_err());
        // A clean merge that lost a key both sides kept, or one added.
        let (b, o, t) = ("a: 1\n", "a: 1\nb: 2\n", "a: 1\nc: 3\n");
        assert!(clean_merge(b, o, t, "a: 1\nb: 2\nc: 3\n").is_ok());
        assert!(clean_merge(b, o, t, "a: 1\nb: 2\n").is_err());
        assert!(clean_merge(b, o, t, "b: 2\nc: 3\n").is_err());
        assert!(clean_merge(b, o, t, "a: 1\nb: 2\nb: 2\nc: 3\n").is_err());
        // Malformed or miscounted conflict blocks, and a side that does
        // not parse.
        let block = "<<<<<<< ours\na: 1\n=======\na: 2\n>>>>>>> theirs\n";
        assert!(conflicted(block, 1, 7).is_ok());
        assert!(conflicted(block, 2, 7).is_err());
        assert!(conflicted(&block.replace("=======\n", ""), 1, 7).is_err());
        assert!(conflicted(&block.replace(">>>>>>> theirs\n", ""), 1, 7).is_err());
        assert!(conflicted(&block.replace("a: 2", "a: [2"), 1, 7).is_err());
        // The front-matter split is held to its parts.
        assert!(front_matter_split(b"---\nid: a\n---\nbody\n").is_ok());
        assert!(front_matter_split(b"---\nid: a\n").is_ok());
    }
}
