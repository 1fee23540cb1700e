//! Problems and how they are shown: rustc-style text and ruff-style
//! concise lines for people, one JSON document for machines (SPEC §3; the
//! CI formats are in `github` and `sarif`). Every problem carries a stable
//! slug so severities can be overridden and tools can match on it.

use crate::check::Check;
use crate::yaml::Seg;
use serde::Serialize;

/// Whether a problem blocks a commit or push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where inside a YAML document a problem sits, before it has been turned
/// into a line and column (that needs the lossless tree, built only for
/// files that have problems).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub path: Vec<Seg>,
}

/// One finding of a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub check: Check,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Where the underlined token ends: its last line, and the column just
    /// past its last character (as SARIF and ruff count). Filled in when
    /// the report is written ([`with_ends`]), from the source text.
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub capability_id: Option<String>,
    pub fix: Option<String>,
    #[serde(skip)]
    pub anchor: Option<Anchor>,
}

impl Problem {
    pub fn new(check: Check, message: impl Into<String>) -> Self {
        Problem {
            severity: check.default_severity(),
            check,
            message: message.into(),
            file: None,
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            capability_id: None,
            fix: None,
            anchor: None,
        }
    }

    pub fn file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn at(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Point at a node of the file's YAML; resolved to line:col later.
    pub fn node(mut self, path: Vec<Seg>) -> Self {
        self.anchor = Some(Anchor { path });
        self
    }

    pub fn capability(mut self, id: impl Into<String>) -> Self {
        self.capability_id = Some(id.into());
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// Counts for the summary line and the JSON `summary` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub capabilities: usize,
    /// Problems `reuse-surface update --apply` repairs ([`Check::fixable`]);
    /// for the summary lines only, so the JSON `summary` keeps its shape.
    #[serde(skip)]
    pub fixable: usize,
}

impl Summary {
    pub fn of(problems: &[Problem], capabilities: usize) -> Self {
        Summary {
            errors: problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .count(),
            warnings: problems
                .iter()
                .filter(|p| p.severity == Severity::Warning)
                .count(),
            capabilities,
            fixable: problems.iter().filter(|p| p.check.fixable()).count(),
        }
    }
}

/// Sort problems for stable output: by file, line, then slug.
pub fn sort(problems: &mut [Problem]) {
    problems.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.check, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.check, &b.message))
    });
}

/// The version of the JSON document (`schemas/validate-output.schema.json`):
/// raised when a field changes meaning or goes away, not when one is added.
pub const JSON_VERSION: u32 = 1;

/// The JSON document of SPEC §3.
pub fn to_json(problems: &[Problem], summary: Summary) -> serde_json::Value {
    serde_json::json!({ "version": JSON_VERSION, "problems": problems, "summary": summary })
}

/// Copies of `problems` with [`Problem::end_line`]/[`Problem::end_column`]
/// set where the source line is known: the end of the token the text
/// output underlines, so every format marks the same span.
pub fn with_ends(problems: &[Problem], source: &SourceLookup) -> Vec<Problem> {
    let mut texts: std::collections::HashMap<&str, Option<String>> = Default::default();
    problems
        .iter()
        .map(|orig| {
            let mut p = orig.clone();
            if let (Some(file), Some(line)) = (orig.file.as_deref(), orig.line) {
                let text = texts.entry(file).or_insert_with(|| source(file));
                if let Some(src_line) = text.as_deref().and_then(|t| t.lines().nth(line - 1)) {
                    let col = p.column.unwrap_or(1).max(1);
                    let width = underline_width(src_line, col);
                    p.end_line = Some(line);
                    p.end_column = Some(col + width);
                }
            }
            p
        })
        .collect()
}

/// How many characters the carets under column `col` of `src_line` cover
/// (at least one).
fn underline_width(src_line: &str, col: usize) -> usize {
    let shown: String = src_line.trim_end_matches('\r').chars().take(200).collect();
    let rest: String = shown.chars().skip(col.max(1) - 1).collect();
    token_width(&rest).max(1)
}

/// One line per problem, as ruff's concise output:
/// `path:line:col: severity[slug] message`.
pub fn render_concise(p: &Problem, style: TermStyle) -> String {
    let place = match (&p.file, p.line, p.column) {
        (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}: "),
        (Some(f), Some(l), None) => format!("{f}:{l}: "),
        (Some(f), None, _) => format!("{f}: "),
        (None, ..) => String::new(),
    };
    format!(
        "{}{}{} {}",
        style.bold(&place),
        style.severity(p.severity),
        style.bold(&format!("[{}]", p.check)),
        p.message
    )
}

/// "N fixable with `reuse-surface update --apply`", when any is.
pub fn fixable_line(s: Summary) -> Option<String> {
    (s.fixable > 0).then(|| format!("{} fixable with `reuse-surface update --apply`", s.fixable))
}

/// Terminal styling, decided once per stream by [`crate::color`]'s rules
/// (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`, `FORCE_COLOR`, `TERM=dumb`).
/// `Term` because it styles output text, unlike the YAML layer's
/// `block::Style` (how a node is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermStyle {
    pub color: bool,
}

impl TermStyle {
    /// The style for a stream under `--color auto`, given whether it is a
    /// terminal (the environment still decides, see [`crate::color`]).
    pub fn detect(is_tty: bool) -> Self {
        Self::resolve(crate::color::ColorChoice::Auto, is_tty)
    }

    /// The style for a stream under the `--color` the user chose.
    pub fn resolve(choice: crate::color::ColorChoice, is_tty: bool) -> Self {
        TermStyle {
            color: crate::color::wants_color_here(choice, is_tty),
        }
    }

    pub fn plain() -> Self {
        TermStyle { color: false }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn severity(&self, sev: Severity) -> String {
        match sev {
            Severity::Error => self.paint("1;31", "error"),
            Severity::Warning => self.paint("1;33", "warning"),
        }
    }

    pub fn blue(&self, text: &str) -> String {
        self.paint("1;34", text)
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn green(&self, text: &str) -> String {
        self.paint("1;32", text)
    }
}

/// Reads file text for source excerpts; returns `None` when unavailable.
pub type SourceLookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Render one problem the way rustc renders a diagnostic.
pub fn render(p: &Problem, style: TermStyle, source: &SourceLookup) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{}{} {}\n",
        style.severity(p.severity),
        style.bold(&format!("[{}]:", p.check)),
        style.bold(&p.message)
    ));
    let line_no = p.line.map(|l| l.to_string()).unwrap_or_default();
    let gutter = " ".repeat(line_no.len().max(1));
    if let Some(file) = &p.file {
        let pos = match (p.line, p.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file.clone(),
        };
        out.push_str(&format!("{gutter}{} {pos}\n", style.blue("-->")));
        if let (Some(line), Some(text)) = (p.line, source(file))
            && let Some(src_line) = text.lines().nth(line - 1)
        {
            let src_line = src_line.trim_end_matches('\r');
            let shown: String = src_line.chars().take(200).collect();
            let col = p.column.unwrap_or(1).max(1);
            let width = underline_width(src_line, col);
            out.push_str(&format!("{gutter} {}\n", style.blue("|")));
            out.push_str(&format!(
                "{} {} {shown}\n",
                style.blue(&line_no),
                style.blue("|")
            ));
            let pad: String = shown
                .chars()
                .take(col - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let carets = "^".repeat(width);
            let marker = match p.severity {
                Severity::Error => style.paint("1;31", &carets),
                Severity::Warning => style.paint("1;33", &carets),
            };
            out.push_str(&format!("{gutter} {} {pad}{marker}\n", style.blue("|")));
        }
    }
    if let Some(id) = &p.capability_id {
        out.push_str(&format!("{gutter} {} capability: {id}\n", style.blue("=")));
    }
    if let Some(fix) = &p.fix {
        out.push_str(&format!(
            "{gutter} {} {}: {fix}\n",
            style.blue("="),
            style.bold("help")
        ));
    }
    out
}

/// Width of the token a caret run should underline: up to the end of the
/// scalar (stopping at a comment or a flow delimiter).
fn token_width(rest: &str) -> usize {
    let rest = rest.trim_end();
    let mut width = 0;
    let mut quote: Option<char> = None;
    for (i, c) in rest.chars().enumerate() {
        match quote {
            Some(q) if c == q && i > 0 => return i + 1,
            Some(_) => {}
            None if i == 0 && (c == '"' || c == '\'') => quote = Some(c),
            None if c == ',' || c == ']' || c == '}' => break,
            None if c == '#' && rest.chars().nth(i.saturating_sub(1)) == Some(' ') => break,
            None => {}
        }
        width = i + 1;
    }
    rest.chars()
        .take(width)
        .collect::<String>()
        .trim_end()
        .chars()
        .count()
}

/// "error: 2 errors, 1 warning in 5 capabilities" or "ok: ...".
pub fn summary_line(s: Summary, style: TermStyle) -> String {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    let caps = plural(s.capabilities, "capability").replace("capabilitys", "capabilities");
    if s.errors > 0 {
        format!(
            "{}: {}, {} in {caps}",
            style.severity(Severity::Error),
            plural(s.errors, "error"),
            plural(s.warnings, "warning")
        )
    } else if s.warnings > 0 {
        format!(
            "{}: {} in {caps}",
            style.green("ok"),
            plural(s.warnings, "warning")
        )
    } else {
        format!("{}: {caps}, no problems", style.green("ok"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let p = Problem::new(
            Check::MissingEntry,
            "index row points at a file that does not exist",
        )
        .file("registry/indexes/capabilities.yaml")
        .at(Some(2), Some(11))
        .capability("capability.x.y")
        .fix("remove the row or restore the file");
        let src = "capabilities:\n  - path: registry/capabilities/gone.md # c\n".to_string();
        let text = render(&p, TermStyle::plain(), &|_| Some(src.clone()));
        assert_eq!(
            text,
            "error[missing-entry]: index row points at a file that does not exist\n \
             --> registry/indexes/capabilities.yaml:2:11\n  |\n2 |   - path: registry/capabilities/gone.md # c\n  \
             |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  = capability: capability.x.y\n  = help: remove the row or restore the file\n"
        );
    }
}
