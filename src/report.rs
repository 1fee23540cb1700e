//! One report for every caller: the problems of a check run and their
//! summary, rendered as rustc-style text or as the JSON document of
//! SPEC §3. `validate` prints it on stdout; the hooks print its problems
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
    #[default]
    Text,
    Json,
}

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

    /// The whole report: every problem and the summary line, or the JSON
    /// document. `reg` and `snap` supply the source lines quoted.
    pub fn write(
        &self,
        out: &mut dyn Write,
        format: Format,
        style: TermStyle,
        reg: &Registry,
        snap: &dyn Snapshot,
    ) -> std::io::Result<()> {
        let source = self.source_lines(reg, snap);
        diagnostics::emit(
            out,
            &self.shown(),
            self.summary,
            format == Format::Json,
            style,
            &source,
        )
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
