//! The prompt for one capability: what the tool wants back, the maturity
//! standard it is judged by, and the bounded facts of the change. Bounded
//! because diffs and registries can be huge while a model's context is not,
//! and deterministic so the same change asks the same question.

/// What the prompt is built from (all borrowed; the caller gathers them).
pub struct PromptContext<'a> {
    pub capability_id: &'a str,
    /// The entry file (front matter + body).
    pub entry_text: &'a str,
    /// Repo-relative paths changed in the diff.
    pub changed_paths: &'a [String],
    /// Unified diff text; may be huge, cut here.
    pub diff_excerpt: &'a str,
    /// Repo-relative files that exist and may be cited (listed up to a bound).
    pub evidence_files: &'a [String],
    /// YYYY-MM-DD.
    pub today: &'a str,
}

/// Bytes of the entry file shown.
const ENTRY_MAX: usize = 16 * 1024;
/// Bytes of the diff shown.
const DIFF_MAX: usize = 12 * 1024;
/// Changed paths listed (count, bytes).
const CHANGED_MAX: (usize, usize) = (200, 8 * 1024);
/// Citable files listed (count, bytes).
const EVIDENCE_MAX: (usize, usize) = (500, 16 * 1024);
/// A path longer than this (or with control characters) is not listed: it
/// could not be cited back reliably and would only crowd the prompt.
const PATH_MAX: usize = 1024;

const RULES: &str = r#"Every patch has:
- "capability_id": "{ID}", "source": "llm", "safe": false
- "kind": one of maturity_promote, consumer_feedback, relation_add, evidence_append, artifact_append (no other kind)
- "confidence": "low", "medium" or "high"; "rationale": one sentence saying what in the change supports it
- "evidence_citations": only paths from "Files that may be cited" below, spelled exactly as listed

Per kind:
- maturity_promote: "dimension": "D", "A", "C" or "R"; "from": the entry's current level for that dimension; "to": from + 1 (at most one level per promotion); "evidence_citations": the files that back the new level (at least one). The new level must meet the evidence-bound levels below.
- evidence_append: "field_path": "evidence.tests" or "evidence.documentation"; "append": one citable path not already listed there
- artifact_append: "field_path": "availability.current_artifacts"; "append": "cli:NAME", "crate:NAME", "pypi:NAME" or "npm:NAME"
- relation_add: "field_path": "relations.depends_on", "relations.extends", "relations.overlaps" or "relations.supersedes"; "append": a capability id
- consumer_feedback: "field_path": "consumer_feedback"; "append": the note; "set": {"consumer": "<the consuming capability's id>"}
"#;

const STANDARD: &str = "\
# Maturity standard

Four dimensions, each 0..6: D definition (how well the contract is specified), A availability (how consumers get it), C completeness (how much of the intended scope works), R reliability (how well it is proven).

| level | D definition | A availability | C completeness | R reliability |
|---|---|---|---|---|
| 0 | nothing written down | not available | nothing works | unproven |
| 1 | a name and a one-line purpose | only in the author's working copy | a stub | tried by hand |
| 2 | a draft of inputs, outputs, behaviour | reachable from source, built by hand | a prototype covering one path | automated tests exist |
| 3 | a documented contract consumers can build against | a published artifact consumers can name | the main use case works end to end | tests cover the main paths and failure cases |
| 4 | errors and edge cases covered, with examples, reviewed | installable through a standard channel | most of the scope works, gaps listed | tests run in CI on every change |
| 5 | versioned contract with compatibility rules | versioned releases with a changelog | the whole intended scope works | used in production, no open severe defect |
| 6 | a machine-checked specification | stable on every channel, with a support policy | complete, edge cases included | a long production record |

Evidence-bound levels (a level above its evidence is rejected):

| claim | needs |
|---|---|
| D >= 3 | at least one evidence.documentation path |
| A >= 3 | at least one availability.current_artifacts item |
| R >= 2 | at least one evidence.tests path |
| R >= 4 | a CI workflow file (.github/workflows/*, .gitea/workflows/*, .gitlab-ci.yml, .ci/*) among evidence.tests |
";

/// The prompt for `ctx`: same input, same text.
pub fn build(ctx: &PromptContext) -> String {
    let id = ctx.capability_id;
    let mut out = String::with_capacity(8 * 1024);
    out.push_str(&format!(
        "# Task\n\nYou review one capability of a capability registry after a change to its repository, and propose registry patches for it.\nCapability: {id}\nToday: {}\n\n",
        ctx.today
    ));
    out.push_str(
        "Answer with one JSON document matching the registry-patch JSON Schema: {\"patches\": [...]}. \
         Propose only what the change supports; {\"patches\": []} is the right answer when it gives no reason to edit this capability.\n\n",
    );
    out.push_str(&RULES.replace("{ID}", id));
    out.push('\n');
    out.push_str(STANDARD);
    out.push_str("\n# Entry file\n\n");
    out.push_str(&fenced("markdown", ctx.entry_text, ENTRY_MAX));
    out.push_str("\n# Changed paths\n\n");
    out.push_str(&listed(ctx.changed_paths, CHANGED_MAX));
    out.push_str("\n# Diff\n\n");
    out.push_str(&fenced("diff", ctx.diff_excerpt, DIFF_MAX));
    out.push_str("\n# Files that may be cited\n\n");
    out.push_str(&listed(ctx.evidence_files, EVIDENCE_MAX));
    out
}

/// `text` cut to `max` bytes on a char boundary, in a fence no line of the
/// text can close, with a `[truncated]` note when cut.
fn fenced(info: &str, text: &str, max: usize) -> String {
    if text.trim().is_empty() {
        return "(empty)\n".to_string();
    }
    let (shown, cut) = prefix(text, max);
    let fence = "`".repeat(longest_backtick_run(shown).max(2) + 1);
    let mut out = format!("{fence}{info}\n{shown}");
    if !shown.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&fence);
    out.push('\n');
    if cut {
        out.push_str(&format!(
            "[truncated] (the first {} of {} bytes are shown)\n",
            shown.len(),
            text.len()
        ));
    }
    out
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char
/// boundary, and whether anything was cut.
fn prefix(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

fn longest_backtick_run(text: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Paths as a sorted, de-duplicated `- path` list, bounded by count and
/// bytes, with "... and N more" for the rest.
fn listed(paths: &[String], (max_items, max_bytes): (usize, usize)) -> String {
    let mut sorted: Vec<&str> = paths.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let total = sorted.len();
    let usable = sorted
        .into_iter()
        .filter(|p| !p.is_empty() && p.len() <= PATH_MAX && !p.chars().any(char::is_control));
    let mut out = String::new();
    let mut shown = 0;
    for path in usable {
        if shown == max_items || out.len() + path.len() + 3 > max_bytes {
            break;
        }
        out.push_str("- ");
        out.push_str(path);
        out.push('\n');
        shown += 1;
    }
    if shown == 0 && total == 0 {
        return "(none)\n".to_string();
    }
    if shown < total {
        out.push_str(&format!("... and {} more\n", total - shown));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(n: usize, prefix: &str) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}/file-{i:05}.rs")).collect()
    }

    fn ctx<'a>(
        entry: &'a str,
        changed: &'a [String],
        diff: &'a str,
        evidence: &'a [String],
    ) -> PromptContext<'a> {
        PromptContext {
            capability_id: "capability.x.y",
            entry_text: entry,
            changed_paths: changed,
            diff_excerpt: diff,
            evidence_files: evidence,
            today: "2026-06-17",
        }
    }

    #[test]
    fn says_what_is_wanted_and_carries_the_standard() {
        let changed = vec!["src/lib.rs".to_string()];
        let evidence = vec!["tests/a.rs".to_string(), "docs/x.md".to_string()];
        let p = build(&ctx(
            "---\nid: capability.x.y\n---\n",
            &changed,
            "+x\n",
            &evidence,
        ));
        for needle in [
            "registry-patch JSON Schema",
            "\"capability_id\": \"capability.x.y\", \"source\": \"llm\", \"safe\": false",
            "maturity_promote, consumer_feedback, relation_add, evidence_append, artifact_append",
            "at most one level per promotion",
            "\"from\": the entry's current level",
            "evidence_citations",
            "| D >= 3 | at least one evidence.documentation path |",
            "| A >= 3 | at least one availability.current_artifacts item |",
            "| R >= 2 | at least one evidence.tests path |",
            "| R >= 4 | a CI workflow file",
            "Today: 2026-06-17",
            "- src/lib.rs\n",
            "- docs/x.md\n- tests/a.rs\n",
            "```markdown\n---\nid: capability.x.y\n---\n```\n",
            "```diff\n+x\n```\n",
        ] {
            assert!(p.contains(needle), "missing {needle:?} in:\n{p}");
        }
        assert!(!p.contains("[truncated]"));
    }

    #[test]
    fn a_huge_diff_is_cut_and_the_prompt_stays_small() {
        let diff = "+".repeat(1024 * 1024);
        let p = build(&ctx("entry", &[], &diff, &[]));
        assert!(p.len() < 40 * 1024, "prompt is {} bytes", p.len());
        assert!(p.contains("[truncated] (the first 12288 of 1048576 bytes are shown)"));
    }

    #[test]
    fn cuts_land_on_char_boundaries() {
        // Chars start at 1 + 3k: the 12 KiB diff cut falls inside a `€`.
        let text = format!("a{}", "€".repeat(400_000));
        let p = build(&ctx(&text, &[], &text, &[]));
        assert_eq!(p.matches("[truncated]").count(), 2);
        assert!(!p.contains('\u{fffd}'));
        assert!(p.contains(&format!("```diff\na{}\n```", "€".repeat(4095))));
        assert!(p.len() < 40 * 1024, "prompt is {} bytes", p.len());
        assert_eq!(prefix("a€", 2), ("a", true));
        assert_eq!(prefix("a€", 3), ("a", true));
        assert_eq!(prefix("a€", 4), ("a€", false));
    }

    #[test]
    fn path_lists_are_bounded_sorted_and_deterministic() {
        let changed = paths(1000, "src");
        let evidence = paths(2000, "tests");
        let p = build(&ctx("e", &changed, "d", &evidence));
        assert!(p.contains("... and 800 more\n"), "{p}");
        assert!(p.contains("... and 1500 more\n"));
        assert!(p.contains("- src/file-00000.rs\n- src/file-00001.rs\n"));
        assert!(!p.contains("src/file-00200.rs"));
        let mut reversed = changed.clone();
        reversed.reverse();
        assert_eq!(p, build(&ctx("e", &reversed, "d", &evidence)));
    }

    #[test]
    fn byte_bounds_hold_for_long_paths_and_odd_paths_are_left_out() {
        let long: Vec<String> = (0..500)
            .map(|i| format!("{i:03}{}", "x".repeat(997)))
            .collect();
        let p = build(&ctx("e", &long, "", &long));
        assert!(p.len() < 40 * 1024, "prompt is {} bytes", p.len());
        let odd = vec![
            "ok.md".to_string(),
            "bad\nname.md".to_string(),
            String::new(),
        ];
        let listed = listed(&odd, EVIDENCE_MAX);
        assert_eq!(listed, "- ok.md\n... and 2 more\n");
        assert_eq!(super::listed(&[], CHANGED_MAX), "(none)\n");
    }

    #[test]
    fn backticks_in_the_diff_cannot_close_its_fence() {
        let p = build(&ctx("e", &[], "+```\n+````\n", &[]));
        assert!(p.contains("`````diff\n+```\n+````\n`````\n"), "{p}");
    }
}
