//! The strict parse: raw bytes to a JSON value, or an error with a place.
//!
//! serde-saphyr under YAML 1.2 core with duplicate keys refused and node,
//! depth and alias budgets, so hostile input is a quick, clear error. The
//! block scanner answers first for the subset registry files are written
//! in; this parser stays the authority for everything else.

use super::block;
use serde_json::Value;

/// Largest registry file we agree to parse; bigger is refused before parsing
/// so a stray 50 MB file costs nothing and cannot exhaust memory.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Deepest nesting we accept: registry documents are shallow, and a bound
/// keeps recursive consumers far from the stack limit.
const MAX_DEPTH: usize = 64;

/// Why a YAML text was refused, with a 1-based position when one is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// One line, no snippet: diagnostics render their own source excerpt.
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Where the parser gave up (1-based line and column of the YAML
    /// text), when the error points elsewhere: at the `[` or `{` of a flow
    /// collection that is never closed. Diagnostics carry one position, so
    /// the message says this place in words, relative to the first.
    pub gave_up: Option<(usize, usize)>,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Decode raw file bytes, refusing non-UTF-8 and oversized input with a
/// position, and dropping a leading byte-order mark (YAML allows one).
pub fn decode(bytes: &[u8]) -> Result<&str, YamlError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(YamlError {
            message: format!(
                "file is {:.1} MiB, larger than the {} MiB limit for registry files",
                bytes.len() as f64 / (1024.0 * 1024.0),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            line: None,
            column: None,
            gave_up: None,
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let column =
                good.len() - good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1) + 1;
            Err(YamlError {
                message: format!(
                    "file is not valid UTF-8 (invalid byte at offset {})",
                    e.valid_up_to()
                ),
                line: Some(line),
                column: Some(column),
                gave_up: None,
            })
        }
    }
}

pub(super) fn strict_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_nodes = 4_000_000;
    budget.max_events = 8_000_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    // Registry files hardly use anchors; a low replay budget makes an alias
    // bomb fail in milliseconds instead of after a million copied events.
    budget.max_recorded_anchor_events = 100_000;
    budget.max_documents = 1;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.strict_booleans = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    options
}

/// Parse one YAML document strictly into a JSON value.
///
/// An empty document is `null`. Tabs used for indentation, duplicate keys,
/// alias bombs and absurd nesting all come back as a [`YamlError`]. The
/// parser is iterative and enforces its own nesting limits, and the budget
/// stops at `MAX_DEPTH`, so 100,000 `[` characters (flow) or `- ` (block)
/// are a quick error, never a stack overflow. Brackets inside quoted
/// scalars are text, not nesting.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(decode(text.as_bytes()).expect_err("oversized"));
    }
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    // Fast path: the block subset registry files are written in, decoded
    // exactly as the strict parser would decode it (`block` is held to that
    // by its tests). Anything outside the subset, including every error,
    // goes to the strict parser, which stays the authority.
    if let Ok(doc) = block::scan(text) {
        return Ok(block::to_value(&doc.root));
    }
    serde_saphyr::from_str_with_options::<Value>(text, strict_options()).map_err(|e| {
        let loc = e.location();
        let err = YamlError {
            message: error_message(&e),
            line: loc.as_ref().map(|l| l.line() as usize).filter(|l| *l > 0),
            column: loc.as_ref().map(|l| l.column() as usize).filter(|c| *c > 0),
            gave_up: None,
        };
        let err = point_at_tab(text, err);
        if is_syntax(&e) && !err.message.starts_with("nesting") {
            point_at_unclosed_flow(text, err)
        } else {
            err
        }
    })
}

/// Inside a flow collection that is never closed (`title: [unclosed`),
/// the parser reads on into the next lines and gives up there, or at the
/// end: point at where the collection opened, which is what a person must
/// fix, and say where the parser gave up (issue 12, item 7).
fn point_at_unclosed_flow(text: &str, err: YamlError) -> YamlError {
    let (Some(line), Some(column)) = (err.line, err.column) else {
        return err;
    };
    if err.message.starts_with("tab used") {
        return err;
    }
    let at = offset_of(text, line, column);
    let Some(open) = super::decor::unclosed_flow(text, at) else {
        return err;
    };
    let (open_line, open_column) = super::line_col(text, open);
    let (kind, bracket) = if text.as_bytes()[open] == b'[' {
        ("sequence", '[')
    } else {
        ("mapping", '{')
    };
    let at_open = (line, column) == (open_line, open_column);
    let place = match line.saturating_sub(open_line) {
        _ if at_open => "at the end of the document".to_string(),
        0 => format!("further along this line, at column {column}"),
        1 => format!("on the next line, at column {column}"),
        n => format!("{n} lines further down, at column {column}"),
    };
    let why = if at_open || err.message.starts_with("unclosed bracket") {
        String::new()
    } else {
        format!(": {}", err.message)
    };
    YamlError {
        message: format!(
            "unclosed flow {kind}: the `{bracket}` here is never closed \
             (the parser gave up {place}{why})"
        ),
        line: Some(open_line),
        column: Some(open_column),
        gave_up: (!at_open).then_some((line, column)),
    }
}

/// The byte offset of a 1-based line and (character) column, clamped to
/// the line's end and the text's.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let rest = &text[start.min(text.len())..];
    let line_len = rest.find('\n').unwrap_or(rest.len());
    start
        + rest[..line_len]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_len, |(i, _)| i)
}

/// The parser may report a tab where a scalar it was reading started, a
/// line or more above the tab; point at the first line at or after that
/// position whose indentation holds a tab, which is what a person must fix.
fn point_at_tab(text: &str, err: YamlError) -> YamlError {
    let about_tabs = err
        .message
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w == "tab" || w == "tabs");
    if !about_tabs {
        return err;
    }
    let from = err.line.unwrap_or(1);
    let found = text
        .lines()
        .enumerate()
        .skip(from - 1)
        .find_map(|(i, line)| {
            let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
            indent.find('\t').map(|col| (i + 1, col + 1))
        });
    match found {
        Some((line, column)) => YamlError {
            message: "tab used for indentation (YAML indents with spaces only)".into(),
            line: Some(line),
            column: Some(column),
            gave_up: None,
        },
        None => err,
    }
}

/// One line saying what is wrong, without the parser's own position
/// suffix (diagnostics print the position, mapped to the file's lines) and
/// without advice about parser options.
fn error_message(e: &serde_saphyr::Error) -> String {
    use serde_saphyr::MessageFormatter;
    use serde_saphyr::budget::BudgetBreach;
    let mut inner = e;
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = inner
    {
        inner = error;
    }
    let nesting = || format!("nesting deeper than {MAX_DEPTH} levels");
    match inner {
        serde_saphyr::Error::Budget { breach, .. } => match breach {
            BudgetBreach::Depth { .. } => nesting(),
            BudgetBreach::Documents { .. } => "more than one YAML document in one file".into(),
            BudgetBreach::Aliases { .. }
            | BudgetBreach::Anchors { .. }
            | BudgetBreach::AliasAnchorRatio { .. }
            | BudgetBreach::RecordedAnchorEvents { .. }
            | BudgetBreach::Nodes { .. }
            | BudgetBreach::Events { .. } => {
                "document expands to too many nodes through anchors and aliases (an alias bomb?)"
                    .into()
            }
            other => format!("document exceeds a parser limit ({other:?})"),
        },
        serde_saphyr::Error::DuplicateMappingKey { key: Some(key), .. } => {
            format!("duplicate key `{key}`")
        }
        serde_saphyr::Error::DuplicateMappingKey { key: None, .. } => "duplicate key".into(),
        other => {
            let text = serde_saphyr::DefaultMessageFormatter.format_message(other);
            let text = first_line(&text);
            if text == "recursion limit exceeded" {
                nesting()
            } else {
                text
            }
        }
    }
}

/// Whether the parser refused the text's syntax (not a budget or a
/// duplicate key, whose place is where the parser says).
fn is_syntax(e: &serde_saphyr::Error) -> bool {
    let mut inner = e;
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = inner
    {
        inner = error;
    }
    !matches!(
        inner,
        serde_saphyr::Error::Budget { .. } | serde_saphyr::Error::DuplicateMappingKey { .. }
    )
}

fn first_line(s: &str) -> String {
    let line = s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim();
    line.to_string()
}
