//! Values outside the fast subset, kept whole ([`Kind::Opaque`]): block
//! scalars of the common forms decoded here, anything else cut out with
//! its lines and decoded by the strict parser on its own.

use super::*;

impl<'a> Scanner<'a> {
    /// The lines a value introduced on line `hli` (header in column `hcol`)
    /// may cover: every following line that is blank or indented past
    /// `hcol`. Returns the last non-blank one (`hli` when there is none)
    /// and the first line after the run.
    pub(super) fn extent(&self, hli: usize, hcol: usize) -> (usize, usize) {
        let mut last_content = hli;
        let mut k = hli + 1;
        while k < self.lines.len()
            && (self.lines.get(k).kind == LineKind::Blank || self.lines.get(k).indent > hcol)
        {
            if self.lines.get(k).kind != LineKind::Blank {
                last_content = k;
            }
            k += 1;
        }
        (last_content, k)
    }

    /// Decode a value the fast path cannot read: block scalars of the
    /// common forms here, anything else by handing its lines to the strict
    /// parser on their own.
    pub(super) fn opaque(
        &mut self,
        hli: usize,
        hcol: usize,
        header: Header,
        value_start: usize,
    ) -> Result<(Node<'a>, usize), Unsupported> {
        let (last_content, k) = self.extent(hli, hcol);
        if let (Header::Entry { .. }, Some(n)) = (header, self.next_content(last_content))
            && self.lines.get(n).indent == hcol
            && self.is_dash(n)
        {
            return unsupported(n + 1, "node properties before a same-column sequence");
        }
        // A tag or an anchor on a line of its own, before content on the
        // lines below, or an explicit key (`? k`): where a node starts is
        // a question the strict parser and the locator answer differently
        // (scanner fuzz finds).
        for n in hli + 1..k {
            let line = self.lines.get(n);
            let text = self.text[line.start..line.end].trim_start_matches(' ');
            let text = text.trim_start_matches(['-', ' ']);
            if text.starts_with(['!', '&']) {
                return unsupported(n + 1, "node properties on a line of their own");
            }
            if text == "?" || text.starts_with("? ") || text.starts_with("?\t") {
                return unsupported(n + 1, "an explicit key (`? `)");
            }
        }
        let fast = if value_start < self.lines.get(hli).end
            && matches!(self.b[value_start], b'|' | b'>')
        {
            self.block_scalar(value_start, hli + 1..k)
        } else {
            None
        };
        let value = match fast {
            Some(s) => Value::String(s),
            None => self.strict_snippet(hli, k, hcol, header)?,
        };
        // A block scalar that keeps its final line breaks (`|+`, `>+`)
        // owns the blank lines after it.
        let first_line_end = self.text[value_start..]
            .find('\n')
            .map_or(self.text.len(), |p| value_start + p);
        let open = keeps_trailing_breaks(&self.text[value_start..first_line_end]);
        let last = if open && k - 1 > last_content {
            k - 1
        } else {
            last_content
        };
        let end = self.lines.get(last).end.max(value_start);
        let node = Node {
            kind: Kind::Opaque(Box::new(value)),
            style: Style::Opaque,
            span: value_start..end,
            multiline: last > hli,
            open,
        };
        Ok((node, last))
    }

    /// Decode the value introduced on line `hli` (lines up to `k`, not
    /// included) with the strict parser: its lines are cut out, re-indented
    /// to the header's column and parsed on their own.
    pub(super) fn strict_snippet(
        &self,
        hli: usize,
        k: usize,
        hcol: usize,
        header: Header,
    ) -> Result<Value, Unsupported> {
        let start = match header {
            Header::Entry { start, .. } => start,
            Header::Item { dash } => dash,
        };
        let snippet_end = self.lines.get(k - 1).next;
        let mut snippet = String::with_capacity(snippet_end - start + 8);
        let first_end = self.lines.get(hli).next;
        snippet.push_str(&self.text[start..first_end]);
        for line in (hli + 1..k).map(|i| self.lines.get(i)) {
            // A blank last line without a line break would vanish when cut
            // (and a kept block scalar reads it as a line): left to the
            // strict parser (a scanner fuzz find).
            if line.kind == LineKind::Blank && line.next == line.end && line.end > line.start {
                return unsupported(hli + 1, "a blank last line without a line break");
            }
            let cut = line.indent.min(hcol);
            snippet.push_str(&self.text[line.start + cut..line.next]);
        }
        let parsed = strict_value(&snippet).map_err(|_| Unsupported {
            line: hli + 1,
            reason: "value does not parse",
        })?;
        match (header, parsed) {
            (Header::Entry { key, .. }, Value::Object(mut m))
                if m.len() == 1 && m.contains_key(key) =>
            {
                Ok(m.remove(key).unwrap_or(Value::Null))
            }
            (Header::Item { .. }, Value::Array(mut a)) if a.len() == 1 => {
                Ok(a.pop().unwrap_or(Value::Null))
            }
            _ => unsupported(hli + 1, "value outside the supported subset"),
        }
    }

    /// The string a block scalar holds, for the common forms: a header of
    /// `|` or `>` with an optional chomping indicator (`-`, `+`) and an
    /// optional comment, and content lines (`body`, every one blank or
    /// indented past the header's column) at one indentation, which for
    /// `>` means no more-indented lines. `None` for anything else
    /// (an indentation indicator, more-indented folded lines, lines of
    /// only spaces longer than the indentation, a less-indented comment
    /// after the content): the caller hands those to the strict parser.
    pub(super) fn block_scalar(&self, at: usize, body: Range<usize>) -> Option<String> {
        let b = self.b;
        let header_end = self.text[at..]
            .find(['\r', '\n'])
            .map_or(b.len(), |e| at + e);
        let folded = b[at] == b'>';
        let mut p = at + 1;
        let chomp = match b.get(p) {
            Some(&c @ (b'-' | b'+')) if p < header_end => {
                p += 1;
                c
            }
            _ => b' ',
        };
        let rest = &self.text[p..header_end];
        let after = rest.trim_start_matches(' ');
        if !(after.is_empty() || (after.starts_with('#') && after.len() < rest.len())) {
            return None;
        }
        let lines = body.map(|i| self.lines.get(i));
        let mut indent = None;
        let mut out = String::new();
        // Line breaks owed before the next content line (or the end).
        let mut breaks = 0usize;
        let mut seen_content = false;
        let mut widest_blank = 0;
        for line in lines {
            if line.kind == LineKind::Blank {
                widest_blank = widest_blank.max(line.end - line.start);
                if indent.is_some_and(|n| widest_blank > n) {
                    return None;
                }
                // The text's last line, without a line break: no break.
                breaks += usize::from(line.next > line.end);
                continue;
            }
            let n = *indent.get_or_insert(line.indent);
            if widest_blank > n {
                return None;
            }
            if line.indent != n && (folded || line.indent < n) {
                return None;
            }
            if seen_content {
                if folded && breaks == 1 {
                    out.push(' ');
                } else {
                    let owed = if folded { breaks - 1 } else { breaks };
                    out.extend(std::iter::repeat_n('\n', owed));
                }
            } else {
                // Leading blank lines: each one is a line break, and none
                // may hold more spaces than the content's indentation.
                out.extend(std::iter::repeat_n('\n', breaks));
            }
            out.push_str(&self.text[line.start + n..line.end]);
            seen_content = true;
            breaks = 1;
        }
        if !seen_content {
            return None;
        }
        match chomp {
            b'-' => {}
            b'+' => out.extend(std::iter::repeat_n('\n', breaks)),
            _ => out.push('\n'),
        }
        Some(out)
    }
}
