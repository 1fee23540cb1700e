//! Line arithmetic on a YAML text, for everything that splices it.
//!
//! The patch editor and the merge renderer both place edits on whole
//! lines, match the file's line ending and move text between columns; one
//! copy of those rules keeps their output alike. Offsets are bytes; every
//! helper clamps an offset past the end to the end and reads bytes, so a
//! bad offset gives a wrong place, never a panic (the splice that uses it
//! refuses what does not fit).

/// The line ending a file already uses, so inserted lines match it.
pub fn line_ending(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// Byte offset of the start of the line holding `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1)
}

/// Byte offset just past the end of the line holding `offset` (after its
/// line break, or the end of the text): the start of the next line.
pub fn line_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[offset..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(text.len(), |p| offset + p + 1)
}

/// Byte offset where the content of the line holding `offset` ends: before
/// its line break (`\n` or `\r\n`), or the end of the text.
pub fn line_content_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let b = text.as_bytes();
    let end = b[offset..]
        .iter()
        .position(|c| *c == b'\n')
        .map_or(b.len(), |p| offset + p);
    if end > offset && b[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Past the whole blank lines of `text` from `pos` (a line start), not
/// beyond `limit`.
pub fn skip_blank_lines(text: &str, mut pos: usize, limit: usize) -> usize {
    let b = text.as_bytes();
    let limit = limit.min(b.len());
    while pos < limit {
        let end = b[pos..limit]
            .iter()
            .position(|c| *c == b'\n')
            .map(|p| pos + p + 1);
        match end {
            Some(end)
                if b[pos..end]
                    .iter()
                    .all(|c| matches!(c, b' ' | b'\r' | b'\n')) =>
            {
                pos = end
            }
            _ => break,
        }
    }
    pos
}

/// The line break to write before text inserted at `at` so that it starts
/// a line of its own: `nl` at the end of a text whose last line has no
/// line break, else nothing.
pub fn break_before(text: &str, at: usize, nl: &'static str) -> &'static str {
    if at >= text.len() && !text.is_empty() && !text.ends_with('\n') {
        nl
    } else {
        ""
    }
}

/// End the last line of `out` with `nl` unless it already ends with a line
/// break, so that what follows starts a line of its own.
pub fn close_line(out: &mut String, nl: &str) {
    if !out.ends_with('\n') {
        out.push_str(nl);
    }
}

/// Shift every line of `src` but the first (all lines when `full`) by
/// `delta` columns and give it line ending `nl`. Only spaces are removed
/// when shifting left; an empty line stays empty.
pub fn reindent(src: &str, delta: isize, full: bool, nl: &str) -> String {
    let mut out = String::with_capacity(src.len() + 16);
    let mut lines = src.split('\n').peekable();
    let mut first = true;
    while let Some(line) = lines.next() {
        let last = lines.peek().is_none();
        let line = line.strip_suffix('\r').unwrap_or(line);
        if (full || !first) && !line.is_empty() {
            if delta > 0 {
                out.extend(std::iter::repeat_n(' ', delta as usize));
                out.push_str(line);
            } else {
                let cut = line
                    .bytes()
                    .take(delta.unsigned_abs())
                    .take_while(|b| *b == b' ')
                    .count();
                out.push_str(&line[cut..]);
            }
        } else {
            out.push_str(line);
        }
        if !last {
            out.push_str(nl);
        }
        first = false;
    }
    out
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_bounds_in_lf_and_crlf_texts() {
        let text = "a: 1\r\nb: 2\r\nc: 3";
        assert_eq!(line_ending(text), "\r\n");
        assert_eq!(line_ending("a\nb\n"), "\n");
        assert_eq!(line_start(text, 8), 6);
        assert_eq!(line_end(text, 8), 12);
        assert_eq!(line_content_end(text, 8), 10);
        // The last line has no line break: it ends at the end of the text.
        assert_eq!(line_end(text, 13), text.len());
        assert_eq!(line_content_end(text, 13), text.len());
        assert_eq!(line_start(text, 0), 0);
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let text = "a: é\n";
        assert_eq!(line_start(text, 99), text.len());
        assert_eq!(line_end(text, 99), text.len());
        assert_eq!(line_content_end(text, 99), text.len());
        assert_eq!(skip_blank_lines(text, 99, 200), 99);
        // Inside a character: no panic.
        assert_eq!(line_col(text, 4), (1, 4));
        assert_eq!(line_col(text, 99), (2, 1));
    }

    #[test]
    fn blank_lines_are_skipped_up_to_the_limit() {
        let text = "a\n\n  \r\n\nb\n";
        assert_eq!(skip_blank_lines(text, 2, text.len()), 8);
        assert_eq!(skip_blank_lines(text, 2, 3), 3);
        assert_eq!(skip_blank_lines(text, 0, text.len()), 0);
        // A last line of blanks without a line break is not a whole line.
        assert_eq!(skip_blank_lines("a\n  ", 2, 4), 2);
    }

    #[test]
    fn a_break_comes_before_text_appended_to_an_open_last_line() {
        assert_eq!(break_before("a: 1", 4, "\r\n"), "\r\n");
        assert_eq!(break_before("a: 1\n", 5, "\n"), "");
        assert_eq!(break_before("a: 1", 2, "\n"), "");
        assert_eq!(break_before("", 0, "\n"), "");
    }

    #[test]
    fn close_line_adds_a_break_only_where_one_is_missing() {
        let mut s = String::from("a: 1");
        close_line(&mut s, "\r\n");
        assert_eq!(s, "a: 1\r\n");
        close_line(&mut s, "\n");
        assert_eq!(s, "a: 1\r\n");
    }

    #[test]
    fn reindent_shifts_and_converts_line_endings() {
        assert_eq!(reindent("a\r\n  b\r\n", 2, false, "\n"), "a\n    b\n");
        assert_eq!(
            reindent("    a\n      b\n", -2, true, "\r\n"),
            "  a\r\n    b\r\n"
        );
        assert_eq!(reindent(" x", 4, false, "\n"), " x");
        // Shifting left removes spaces only, never content.
        assert_eq!(reindent("x\n\tb\n c\n", -4, false, "\n"), "x\n\tb\nc\n");
    }
}
