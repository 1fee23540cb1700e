//! The bridge's one error type. `maintain` prints it after `llm: ` and goes
//! on with the deterministic work, so it must always be one readable line:
//! no newlines, no control characters, no secrets, and short excerpts of
//! whatever a broken or hostile bridge sent back.

use std::fmt;

/// One line, suitable after "llm: " — e.g. "capability.x.y: the bridge at
/// http://127.0.0.1:9/execute is not reachable (connection refused)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlmError {
    /// The capability the failed request was for (`None` for set-up errors).
    pub capability_id: Option<String>,
    pub message: String,
}

impl LlmError {
    /// A set-up error (bad URL) that belongs to no capability.
    pub(crate) fn setup(message: impl AsRef<str>) -> LlmError {
        LlmError {
            capability_id: None,
            message: one_line(message.as_ref()),
        }
    }
}

impl fmt::Display for LlmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.capability_id {
            Some(id) => write!(f, "{}: {}", one_line(id), self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for LlmError {}

/// Collapse all whitespace and control characters to single spaces, so any
/// text (an io error, a URL, a body) fits on one line.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// The first `max` characters of `bytes` (lossy UTF-8) on one line, with
/// `...` when cut: enough to recognise an HTML page or a proxy's error text.
pub(crate) fn excerpt(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = one_line(&text);
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max).collect();
    format!("{}...", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_collapses_newlines_and_controls() {
        assert_eq!(one_line("  a\r\n\tb\u{1b}[31m c  "), "a b [31m c");
        assert_eq!(one_line(""), "");
    }

    #[test]
    fn excerpt_is_bounded_and_utf8_safe() {
        assert_eq!(excerpt(b"<html>\n<body>", 40), "<html> <body>");
        let long = "é".repeat(100);
        let e = excerpt(long.as_bytes(), 40);
        assert_eq!(e, format!("{}...", "é".repeat(40)));
        assert_eq!(excerpt(&[0xff, b'a'], 40), "\u{fffd}a");
    }

    #[test]
    fn display_prefixes_the_capability() {
        let e = LlmError {
            capability_id: Some("capability.x.y".into()),
            message: "boom".into(),
        };
        assert_eq!(e.to_string(), "capability.x.y: boom");
        assert_eq!(LlmError::setup("bad\nurl").to_string(), "bad url");
    }
}
