//! A small line editor for the two YAML recipes (`lefthook.yml`,
//! `.pre-commit-config.yaml`): it finds a top-level key's block and the
//! indentation its children use, and inserts lines, so every other byte of
//! the user's file (comments, order, quoting) stays as it was. The result
//! is re-parsed by the caller before anything is written.

/// The lines of `text`, each with its line ending.
pub(super) fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Leading spaces of `line`.
pub(super) fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Whether `line` holds nothing but blanks or a comment.
pub(super) fn is_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// Whether `line` is `key:` (a block value follows) at `at` spaces.
pub(super) fn is_key_line(line: &str, key: &str, at: usize) -> bool {
    if indent(line) != at {
        return false;
    }
    let rest = line.trim_start_matches(' ');
    let Some(after) = rest.strip_prefix(key).and_then(|r| r.strip_prefix(':')) else {
        return false;
    };
    let after = after.trim();
    after.is_empty() || after.starts_with('#')
}

/// The block of the key at line `head`: the lines after it that are blank
/// or more indented than it (or, for a sequence at its own indentation,
/// items starting with `-`). Returns the exclusive end, after trailing
/// blank lines are given back.
pub(super) fn block_end(lines: &[&str], head: usize) -> usize {
    let at = indent(lines[head]);
    let mut end = head + 1;
    let mut last = head + 1;
    while end < lines.len() {
        let line = lines[end];
        let inside = is_blank(line)
            || indent(line) > at
            || (indent(line) == at && line.trim_start().starts_with('-'));
        if !inside {
            break;
        }
        end += 1;
        if !is_blank(line) {
            last = end;
        }
    }
    last
}

/// The indentation of the first non-blank line in `lines[from..to]`.
pub(super) fn child_indent(lines: &[&str], from: usize, to: usize) -> Option<usize> {
    lines[from..to]
        .iter()
        .find(|l| !is_blank(l))
        .map(|l| indent(l))
}

/// The index of the line `key:` at the top level (column 0).
pub(super) fn top_key(lines: &[&str], key: &str) -> Option<usize> {
    lines.iter().position(|l| is_key_line(l, key, 0))
}

/// `text` with `insert` placed before line `at` (a final line without a
/// newline gets one first).
pub(super) fn insert_at(lines: &[&str], at: usize, insert: &str) -> String {
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i == at {
            out.push_str(insert);
        }
        out.push_str(line);
        if i + 1 == at && !line.ends_with('\n') {
            out.push('\n');
        }
    }
    if at >= lines.len() {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(insert);
    }
    out
}

/// `block` (lines without indentation) indented by `by` spaces.
pub(super) fn indented(block: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    block
        .lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("{pad}{l}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_ends_before_the_next_top_level_key_and_keeps_trailing_comments_out() {
        let text = "repos:\n- repo: a\n  hooks: []\n\n# next\nci:\n  x: 1\n";
        let l = lines(text);
        assert_eq!(block_end(&l, 0), 3);
        assert_eq!(top_key(&l, "ci"), Some(5));
        assert_eq!(child_indent(&l, 1, 3), Some(0));
        let out = insert_at(&l, 3, "- repo: b\n");
        assert_eq!(
            out,
            "repos:\n- repo: a\n  hooks: []\n- repo: b\n\n# next\nci:\n  x: 1\n"
        );
    }

    #[test]
    fn inserting_after_a_last_line_without_newline_adds_one() {
        let l = lines("a:\n  b: 1");
        assert_eq!(insert_at(&l, 2, "  c: 2\n"), "a:\n  b: 1\n  c: 2\n");
    }
}
