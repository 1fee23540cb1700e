//! `validate --format github`: one GitHub Actions workflow command per
//! problem (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::…`),
//! which the runner turns into annotations on the pull request's diff.
//! The default when `GITHUB_ACTIONS=true` and no `--format` is given.

use crate::diagnostics::{Problem, Severity};

/// The workflow command for one problem, escaped as GitHub documents
/// (`%`, `\r`, `\n` in the message; also `:` and `,` in properties).
pub fn annotation(p: &Problem) -> String {
    let command = match p.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(file) = &p.file {
        props.push(("file", file.clone()));
        let numbers = [
            ("line", p.line),
            ("col", p.column),
            ("endLine", p.end_line),
            ("endColumn", p.end_column),
        ];
        for (key, value) in numbers {
            if let Some(n) = value {
                props.push((key, n.to_string()));
            }
        }
    }
    props.push(("title", format!("reuse-surface {}", p.check)));
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    let mut message = p.message.clone();
    if let Some(fix) = &p.fix {
        message.push_str(&format!("\nhelp: {fix}"));
    }
    format!("::{command} {}::{}", props.join(","), escape_data(&message))
}

/// The message part of a workflow command.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value of a workflow command.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Check;

    #[test]
    fn escapes_what_github_documents() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn a_problem_becomes_one_command() {
        let mut p = Problem::new(Check::VectorDrift, "row says `D1`, entry: D2")
            .file("registry/a,b.yaml")
            .at(Some(3), Some(13))
            .fix("run `update`");
        p.end_line = Some(3);
        p.end_column = Some(24);
        assert_eq!(
            annotation(&p),
            "::error file=registry/a%2Cb.yaml,line=3,col=13,endLine=3,endColumn=24,\
             title=reuse-surface vector-drift::row says `D1`, entry: D2%0Ahelp: run `update`"
        );
        let w = Problem::new(Check::StaleIndexDate, "old");
        assert_eq!(
            annotation(&w),
            "::warning title=reuse-surface stale-index-date::old"
        );
    }
}
