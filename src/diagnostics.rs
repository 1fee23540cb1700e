//! Problems and how they are shown: rustc-style text for people, one JSON
//! document for machines (SPEC §3). Every problem carries a stable slug so
//! severities can be overridden and tools can match on it.

use crate::check::Check;
use crate::yaml::Seg;
use serde::Serialize;
use std::io::Write;

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

/// The JSON document of SPEC §3.
pub fn to_json(problems: &[Problem], summary: Summary) -> serde_json::Value {
    serde_json::json!({ "problems": problems, "summary": summary })
}

/// Terminal styling, decided once: colour only on a TTY and never with
/// `NO_COLOR` set. `Term` because it styles output text, unlike the YAML
/// layer's `block::Style` (how a node is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermStyle {
    pub color: bool,
}

impl TermStyle {
    /// Colour for stderr-like streams given whether it is a terminal.
    pub fn detect(is_tty: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        TermStyle {
            color: is_tty && !no_color,
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
            let rest: String = shown.chars().skip(col - 1).collect();
            let width = token_width(&rest);
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
            let carets = "^".repeat(width.max(1));
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

/// Write all problems and a summary line, as text or JSON.
pub fn emit(
    out: &mut dyn Write,
    problems: &[Problem],
    summary: Summary,
    json: bool,
    style: TermStyle,
    source: &SourceLookup,
) -> std::io::Result<()> {
    if json {
        let doc = to_json(problems, summary);
        writeln!(out, "{}", serde_json::to_string_pretty(&doc).expect("json"))?;
        return Ok(());
    }
    for p in problems {
        writeln!(out, "{}", render(p, style, source))?;
    }
    writeln!(out, "{}", summary_line(summary, style))
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
