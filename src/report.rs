//! One report for every caller: the problems of a check run and their
//! summary, rendered as rustc-style text, concise lines, the versioned JSON
//! document of SPEC §3 (`schemas/validate-output.schema.json`), GitHub
//! workflow commands or SARIF. `validate` prints it on stdout; the hooks print its problems
//! on stderr, with file paths from the repository's top so they are
//! clickable there.

use crate::diagnostics::{self, Problem, Summary, TermStyle};
use crate::registry::Registry;
use crate::snapshot::Snapshot;
use std::borrow::Cow;
use std::io::Write;

/// How a command prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON document, with a `version` field.
    Json,
}

/// How `validate` prints its problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ProblemFormat {
    /// rustc-style diagnostics with the source line, for people.
    #[default]
    Text,
    /// One JSON document (schemas/validate-output.schema.json).
    Json,
    /// One line per problem: `path:line:col: severity[slug] message`.
    Concise,
    /// GitHub Actions workflow commands (annotations on the diff).
    Github,
    /// A SARIF 2.1.0 log, for code scanning (e.g. upload-sarif).
    Sarif,
}

impl From<Format> for ProblemFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Text => ProblemFormat::Text,
            Format::Json => ProblemFormat::Json,
        }
    }
}

/// The JSON Schema of `validate --format json`, embedded so the tool and
/// its tests read the one file.
pub const OUTPUT_SCHEMA: &str = include_str!("../schemas/validate-output.schema.json");

/// The located problems of one target, and their counts.
#[derive(Debug, Clone)]
pub struct Report {
    problems: Vec<Problem>,
    summary: Summary,
    /// Prepended to file paths when shown (the registry's place in the
    /// repository, for hooks); `""` shows them registry-relative.
    shown_from: String,
}

impl Report {
    pub fn new(problems: Vec<Problem>, capabilities: usize) -> Self {
        let summary = Summary::of(&problems, capabilities);
        Report {
            problems,
            summary,
            shown_from: String::new(),
        }
    }

    /// Show file paths from the repository's top, the registry sitting at
    /// `prefix` (`""` or `dir/`) inside it.
    pub fn from_repo_top(mut self, prefix: &str) -> Self {
        self.shown_from = prefix.to_string();
        self
    }

    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    pub fn summary(&self) -> Summary {
        self.summary
    }

    pub fn errors(&self) -> usize {
        self.summary.errors
    }

    /// "error: 2 errors, 1 warning in 5 capabilities" or "ok: ...".
    pub fn summary_line(&self, style: TermStyle) -> String {
        diagnostics::summary_line(self.summary, style)
    }

    fn shown(&self) -> Cow<'_, [Problem]> {
        if self.shown_from.is_empty() {
            return Cow::Borrowed(&self.problems);
        }
        Cow::Owned(
            self.problems
                .iter()
                .cloned()
                .map(|mut p| {
                    p.file = p.file.map(|f| format!("{}{f}", self.shown_from));
                    p
                })
                .collect(),
        )
    }

    /// File texts for quoting source lines, by the path as shown (which
    /// may carry the repository-top prefix the registry does not).
    fn source_lines<'r>(
        &'r self,
        reg: &'r Registry,
        snap: &'r dyn Snapshot,
    ) -> impl Fn(&str) -> Option<String> + 'r {
        let lookup = reg.text_lookup(snap);
        move |file: &str| lookup(file.strip_prefix(&self.shown_from).unwrap_or(file))
    }

    /// The whole report in `format`: every problem and the summary lines,
    /// or one document. `reg` and `snap` supply the source lines quoted and
    /// the ends of the spans marked.
    pub fn write(
        &self,
        out: &mut dyn Write,
        format: impl Into<ProblemFormat>,
        style: TermStyle,
        reg: &Registry,
        snap: &dyn Snapshot,
    ) -> std::io::Result<()> {
        let source = self.source_lines(reg, snap);
        // Text marks spans with carets; the other formats carry their ends.
        let ended = || diagnostics::with_ends(&self.shown(), &source);
        match format.into() {
            ProblemFormat::Text => {
                for p in self.shown().iter() {
                    writeln!(out, "{}", diagnostics::render(p, style, &source))?;
                }
                self.write_summary(out, style)
            }
            ProblemFormat::Json => {
                let doc = diagnostics::to_json(&ended(), self.summary);
                writeln!(out, "{}", serde_json::to_string_pretty(&doc).expect("json"))
            }
            ProblemFormat::Sarif => {
                let log = crate::sarif::log(&ended());
                writeln!(out, "{}", serde_json::to_string_pretty(&log).expect("json"))
            }
            ProblemFormat::Concise => {
                for p in &ended() {
                    writeln!(out, "{}", diagnostics::render_concise(p, style))?;
                }
                self.write_summary(out, style)
            }
            ProblemFormat::Github => {
                for p in &ended() {
                    writeln!(out, "{}", crate::github::annotation(p))?;
                }
                self.write_summary(out, TermStyle::plain())
            }
        }
    }

    /// The summary line, and how many `update --apply` would fix.
    fn write_summary(&self, out: &mut dyn Write, style: TermStyle) -> std::io::Result<()> {
        writeln!(out, "{}", self.summary_line(style))?;
        if let Some(line) = diagnostics::fixable_line(self.summary) {
            writeln!(out, "{line}")?;
        }
        Ok(())
    }

    /// Only the problems, as text (hooks close with lines of their own).
    pub fn write_problems(
        &self,
        out: &mut dyn Write,
        style: TermStyle,
        reg: &Registry,
        snap: &dyn Snapshot,
    ) -> std::io::Result<()> {
        let source = self.source_lines(reg, snap);
        for p in self.shown().iter() {
            writeln!(out, "{}", diagnostics::render(p, style, &source))?;
        }
        Ok(())
    }
}
