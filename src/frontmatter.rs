//! Splitting a capability entry (`.md`) into its YAML front matter and
//! Markdown body, keeping byte offsets so edits to the front matter can be
//! spliced back without touching the body, and diagnostics can point at the
//! right line of the `.md` file.

use crate::yaml::YamlError;

/// An entry file cut into three byte ranges of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter<'a> {
    /// Everything up to and including the opening `---` line.
    pub head: &'a str,
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// The closing fence line and the Markdown body after it.
    pub tail: &'a str,
    /// How many lines precede the YAML in the file (to map YAML line 1 to
    /// the file's line numbers).
    pub line_offset: usize,
}

/// Cut `text` (already decoded, BOM removed) into front matter parts.
pub fn split(text: &str) -> Result<FrontMatter<'_>, YamlError> {
    let first_end = text.find('\n').map_or(text.len(), |p| p + 1);
    let first = text[..first_end].trim_end_matches(['\n', '\r']);
    if first.trim_end() != "---" {
        return Err(YamlError {
            message: "entry does not start with a `---` front matter fence".into(),
            line: Some(1),
            column: Some(1),
            gave_up: None,
        });
    }
    let mut pos = first_end;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |p| pos + p + 1);
        let line = text[pos..end].trim_end_matches(['\n', '\r']);
        if line == "---" || line == "..." {
            return Ok(FrontMatter {
                head: &text[..first_end],
                yaml: &text[first_end..pos],
                tail: &text[pos..],
                line_offset: 1,
            });
        }
        pos = end;
    }
    Err(YamlError {
        message: "front matter has no closing `---` fence".into(),
        line: Some(1),
        column: Some(1),
        gave_up: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_keeps_body() {
        let fm = split("---\r\nid: a.b\r\n---\r\nbody\n---\n").unwrap();
        assert_eq!(fm.yaml, "id: a.b\r\n");
        assert_eq!(fm.tail, "---\r\nbody\n---\n");
        assert_eq!(
            format!("{}{}{}", fm.head, fm.yaml, fm.tail),
            "---\r\nid: a.b\r\n---\r\nbody\n---\n"
        );
    }

    #[test]
    fn unclosed_is_an_error() {
        assert!(
            split("---\nid: a.b\n")
                .unwrap_err()
                .message
                .contains("closing")
        );
        assert!(split("id: a.b\n").is_err());
    }
}
