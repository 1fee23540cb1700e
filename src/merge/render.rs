//! Writes a merge plan ([`M`]) into ours' text as byte-range edits.
//!
//! Everything the plan keeps stays byte for byte as ours wrote it
//! (comments, blank lines, quoting, line endings); replaced values, added
//! entries and rows are copied from theirs' text, re-indented to ours'
//! columns and converted to ours' line ending. Conflicts are whole lines:
//! the disputed entry (field) or item (row), with standard markers. When a
//! conflict cannot be placed on whole lines of the node it belongs to (a
//! field inside a one-line flow mapping, a deleted first key of a row that
//! starts on the dash line), it escalates to the enclosing entry or row.

use super::Options;
use super::plan::{From, M, MEnt, MItem};
use crate::yaml::block::{Entry, Item, Kind, Node, Style, to_value};
use serde_json::Value;

/// A conflict that could not be written at this level.
#[derive(Debug)]
pub struct Escalate;

struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// Texts of the three sides and the output settings.
pub struct Renderer<'a> {
    pub ours: &'a str,
    pub theirs: &'a str,
    pub base: &'a str,
    pub nl: &'static str,
    pub opts: &'a Options,
    /// Conflict blocks written so far.
    pub conflicts: usize,
}

impl<'a> Renderer<'a> {
    /// The merged text for ours' top-level node.
    pub fn root(&mut self, root: &Node, m: &M) -> Result<String, Escalate> {
        let mut edits = Vec::new();
        match m {
            M::Same => {}
            M::Take(_) if root.style == Style::Flow => return Ok(self.theirs.to_string()),
            M::Map(ments) if ments.is_empty() => edits.push(Edit { start: root.span.start, end: root.span.end, text: "{}".into() }),
            M::Map(_) if root.style == Style::Flow => {
                let text = self.flow(root, m)?;
                edits.push(Edit { start: root.span.start, end: root.span.end, text });
            }
            M::Map(ments) => self.block_map(root, ments, &mut edits)?,
            _ => return Err(Escalate),
        }
        Ok(apply(self.ours, 0, self.ours.len(), edits))
    }

    /// Render the merged value of ours' node `o`, whose header (`:` or
    /// `-`) ends at `head`, in a parent indented to column `col`.
    fn value(&mut self, o: &Node, head: usize, col: usize, m: &M, edits: &mut Vec<Edit>) -> Result<(), Escalate> {
        match m {
            M::Same => Ok(()),
            M::Take(f) => {
                self.take(o, head, col, f, edits);
                Ok(())
            }
            M::Scalar(v) => {
                let text = match (o.style, v) {
                    (Style::Plain | Style::Single | Style::Double, Value::String(s)) => {
                        crate::yaml::render_like(&self.ours[o.span.clone()], s)
                    }
                    _ => format!(" {}", scalar_text(v)),
                };
                match o.style {
                    Style::Plain | Style::Single | Style::Double => edits.push(Edit { start: o.span.start, end: o.span.end, text }),
                    _ => edits.push(Edit { start: head, end: self.value_end(o, head, true), text }),
                }
                Ok(())
            }
            M::Map(_) | M::Seq(_) if o.style == Style::Flow => {
                let text = self.flow(o, m)?;
                edits.push(Edit { start: o.span.start, end: o.span.end, text });
                Ok(())
            }
            M::Map(ments) if ments.is_empty() => {
                edits.push(Edit { start: head, end: self.value_end(o, head, true), text: " {}".into() });
                Ok(())
            }
            M::Seq(items) if items.is_empty() => {
                edits.push(Edit { start: head, end: self.value_end(o, head, true), text: " []".into() });
                Ok(())
            }
            M::Map(ments) => self.block_map(o, ments, edits),
            M::Seq(items) => self.block_seq(o, items, edits),
            M::Conflict => Err(Escalate),
        }
    }

    /// Where ours' value ends when it is replaced; `multi` when the new
    /// text spans lines (then a trailing comment on ours' line goes too).
    fn value_end(&self, o: &Node, head: usize, multi: bool) -> usize {
        let end = o.span.end.max(head);
        if o.style == Style::Block || o.multiline || !multi {
            return end;
        }
        let line_end = self.ours[end..].find('\n').map_or(self.ours.len(), |p| end + p);
        if line_end > end && self.ours.as_bytes()[line_end - 1] == b'\r' { line_end - 1 } else { line_end }
    }

    /// Replace ours' value with theirs', keeping ours' key or dash.
    fn take(&self, o: &Node, head: usize, col: usize, f: &From, edits: &mut Vec<Edit>) {
        let src = if f.node.style == Style::Empty { "" } else { &self.theirs[f.head..f.node.span.end.max(f.head)] };
        let multi = src.contains('\n');
        let text = reindent(src, col as isize - f.col as isize, false, self.nl);
        edits.push(Edit { start: head, end: self.value_end(o, head, multi), text });
    }

    fn block_map(&mut self, o: &Node, ments: &[MEnt], edits: &mut Vec<Edit>) -> Result<(), Escalate> {
        let es = o.entries();
        let col = es[0].key_span.start - es[0].line_start;
        let dash_line = self.ours[es[0].line_start..es[0].key_span.start].contains('-');
        let mut present = vec![false; es.len()];
        for el in ments {
            if let MEnt::Keep { o, .. } | MEnt::Conflict { o: Some(o), .. } = el {
                present[*o] = true;
            }
        }
        let mut order: Vec<&MEnt> = ments.iter().collect();
        let first_kept = present.iter().position(|p| *p);
        // On a dash line, the first surviving entry of ours (`j`) stays on
        // the dash line; entries before it are cut from the dash line to it.
        let j = if dash_line { first_kept.ok_or(Escalate)? } else { 0 };
        if dash_line {
            let at = order
                .iter()
                .position(|el| matches!(el, MEnt::Keep { o, .. } | MEnt::Conflict { o: Some(o), .. } if *o == j))
                .ok_or(Escalate)?;
            let el = order.remove(at);
            if let MEnt::Conflict { t, .. } = el
                && (j != 0 || t.is_none())
            {
                return Err(Escalate);
            }
            order.insert(0, el);
            if j > 0 {
                edits.push(Edit { start: es[0].key_span.start, end: es[j].key_span.start, text: String::new() });
            }
            for (i, e) in es.iter().enumerate().skip(j + 1) {
                if !present[i] {
                    edits.push(Edit { start: e.line_start, end: e.next, text: String::new() });
                }
            }
        } else {
            for (i, e) in es.iter().enumerate() {
                if !present[i] {
                    edits.push(Edit { start: e.line_start, end: e.next, text: String::new() });
                }
            }
        }
        let mut pos = es[0].line_start;
        for el in order {
            match el {
                MEnt::Keep { o: oi, t, b, m } => {
                    let e = &es[*oi];
                    pos = e.next;
                    let mut sub = Vec::new();
                    match self.value(&e.value, e.colon_end, col, m, &mut sub) {
                        Ok(()) => edits.extend(sub),
                        Err(Escalate) => {
                            let t = t.ok_or(Escalate)?;
                            if dash_line && *oi == j && j > 0 {
                                return Err(Escalate);
                            }
                            let block = self.entry_conflict(Some(e), Some(t), *b, col);
                            edits.push(Edit { start: e.line_start, end: e.next, text: block });
                        }
                    }
                }
                MEnt::Add(te) => {
                    let text = self.insert_at(pos, self.theirs_entry(te, col, &" ".repeat(col)));
                    edits.push(Edit { start: pos, end: pos, text });
                }
                MEnt::Conflict { o: Some(oi), t, b } => {
                    let e = &es[*oi];
                    pos = e.next;
                    let block = self.entry_conflict(Some(e), *t, *b, col);
                    edits.push(Edit { start: e.line_start, end: e.next, text: block });
                }
                MEnt::Conflict { o: None, t, b } => {
                    let block = self.entry_conflict(None, *t, *b, col);
                    let text = self.insert_at(pos, block);
                    edits.push(Edit { start: pos, end: pos, text });
                }
            }
        }
        Ok(())
    }

    fn block_seq(&mut self, o: &Node, mitems: &[MItem], edits: &mut Vec<Edit>) -> Result<(), Escalate> {
        let items = o.items();
        let col = items[0].dash - items[0].line_start;
        let ours_order: Vec<usize> = mitems
            .iter()
            .filter_map(|el| match el {
                MItem::Keep { o, .. } | MItem::Conflict { o: Some(o), .. } => Some(*o),
                _ => None,
            })
            .collect();
        if ours_order.windows(2).all(|w| w[0] < w[1]) {
            // Ours' rows keep their order: splice around them.
            let mut present = vec![false; items.len()];
            for &i in &ours_order {
                present[i] = true;
            }
            for (i, it) in items.iter().enumerate() {
                if !present[i] {
                    edits.push(Edit { start: it.lead, end: it.next, text: String::new() });
                }
            }
            let mut pos = items[0].lead;
            for el in mitems {
                match el {
                    MItem::Keep { o: oi, .. } | MItem::Conflict { o: Some(oi), .. } => {
                        let it = &items[*oi];
                        pos = it.next;
                        let text = self.item_text(it, el, col, edits)?;
                        if let Some(text) = text {
                            edits.push(Edit { start: it.lead, end: it.next, text });
                        }
                    }
                    MItem::Add(_) | MItem::Conflict { o: None, .. } => {
                        let text = self.item_text_new(el, col)?;
                        let text = self.insert_at(pos, text);
                        edits.push(Edit { start: pos, end: pos, text });
                    }
                }
            }
            return Ok(());
        }
        // A side reordered ours' rows: rewrite the list, each of ours' rows
        // moving with the blank and comment lines above it.
        let start = items[0].lead;
        let end = items.last().map_or(start, |i| i.next);
        let mut out = String::with_capacity(end - start + 256);
        for el in mitems {
            match el {
                MItem::Keep { o: oi, .. } | MItem::Conflict { o: Some(oi), .. } => {
                    let it = &items[*oi];
                    let chunk_start = if *oi == 0 { items[0].lead } else { items[oi - 1].next };
                    let mut sub = Vec::new();
                    let text = self.item_text(it, el, col, &mut sub)?;
                    let chunk = match text {
                        Some(block) => format!("{}{block}", &self.ours[chunk_start..it.lead]),
                        None => apply(self.ours, chunk_start, it.next, sub),
                    };
                    out.push_str(&chunk);
                    if !out.ends_with('\n') {
                        out.push_str(self.nl);
                    }
                }
                MItem::Add(_) | MItem::Conflict { o: None, .. } => out.push_str(&self.item_text_new(el, col)?),
            }
        }
        edits.push(Edit { start, end, text: out });
        Ok(())
    }

    /// For one of ours' items in the output: push its inner edits onto
    /// `edits`, or return the conflict block that replaces its lines.
    fn item_text(&mut self, it: &Item, el: &MItem, col: usize, edits: &mut Vec<Edit>) -> Result<Option<String>, Escalate> {
        match el {
            MItem::Keep { t, b, m, .. } => {
                let mut sub = Vec::new();
                match self.value(&it.value, it.dash + 1, col, m, &mut sub) {
                    Ok(()) => {
                        edits.extend(sub);
                        Ok(None)
                    }
                    Err(Escalate) => {
                        let t = t.ok_or(Escalate)?;
                        Ok(Some(self.item_conflict(Some(it), Some(t), *b, col)))
                    }
                }
            }
            MItem::Conflict { t, b, .. } => Ok(Some(self.item_conflict(Some(it), *t, *b, col))),
            MItem::Add(_) => Err(Escalate),
        }
    }

    /// Text for an output item ours does not have.
    fn item_text_new(&mut self, el: &MItem, col: usize) -> Result<String, Escalate> {
        match el {
            MItem::Add(ti) => Ok(self.theirs_item(ti, col, self.theirs)),
            MItem::Conflict { o: None, t, b } => Ok(self.item_conflict(None, *t, *b, col)),
            _ => Err(Escalate),
        }
    }

    /// Text inserted at `pos`: on a line of its own.
    fn insert_at(&self, pos: usize, text: String) -> String {
        if pos == self.ours.len() && !self.ours.is_empty() && !self.ours.ends_with('\n') {
            format!("{}{text}", self.nl)
        } else {
            text
        }
    }

    /// Theirs' (or base's) entry as whole lines for a mapping of ours
    /// indented to `col`, starting with `prefix` (the indentation, or ours'
    /// `- ` when it replaces the dash line).
    fn side_entry(&self, text: &str, e: &Entry, col: usize, prefix: &str) -> String {
        if e.in_flow {
            let value = if e.value.style == Style::Flow || !e.value.multiline {
                text[e.value.span.clone()].to_string()
            } else {
                flow_value(&to_value(&e.value))
            };
            return format!("{prefix}{}: {value}{}", &text[e.key_span.clone()], self.nl);
        }
        let ecol = e.key_span.start - e.line_start;
        let mut out = String::from(prefix);
        out.push_str(&reindent(&text[e.key_span.start..e.next], col as isize - ecol as isize, false, self.nl));
        if !out.ends_with('\n') {
            out.push_str(self.nl);
        }
        out
    }

    fn theirs_entry(&self, e: &Entry, col: usize, prefix: &str) -> String {
        self.side_entry(self.theirs, e, col, prefix)
    }

    /// Theirs' (or base's) item as whole lines for a sequence of ours with
    /// dashes in column `col`, comment lines above it included.
    fn theirs_item(&self, it: &Item, col: usize, text: &str) -> String {
        if it.in_flow {
            let value = &text[it.value.span.clone()];
            return format!("{}- {value}{}", " ".repeat(col), self.nl);
        }
        let icol = it.dash - it.line_start;
        let mut out = reindent(&text[it.lead..it.next], col as isize - icol as isize, true, self.nl);
        if !out.ends_with('\n') {
            out.push_str(self.nl);
        }
        out
    }

    fn entry_conflict(&mut self, o: Option<&Entry>, t: Option<&Entry>, b: Option<&Entry>, col: usize) -> String {
        let prefix = match o {
            Some(e) => self.ours[e.line_start..e.key_span.start].to_string(),
            None => " ".repeat(col),
        };
        let ours = o.map_or(String::new(), |e| self.ours_lines(e.line_start, e.next));
        let theirs = t.map_or(String::new(), |e| self.side_entry(self.theirs, e, col, &prefix));
        let base = b.map_or(String::new(), |e| self.side_entry(self.base, e, col, &prefix));
        self.markers(&ours, &base, &theirs)
    }

    fn item_conflict(&mut self, o: Option<&Item>, t: Option<&Item>, b: Option<&Item>, col: usize) -> String {
        let ours = o.map_or(String::new(), |it| self.ours_lines(it.lead, it.next));
        let theirs = t.map_or(String::new(), |it| self.theirs_item(it, col, self.theirs));
        let base = b.map_or(String::new(), |it| self.theirs_item(it, col, self.base));
        self.markers(&ours, &base, &theirs)
    }

    fn ours_lines(&self, start: usize, end: usize) -> String {
        let mut s = self.ours[start..end].to_string();
        if !s.is_empty() && !s.ends_with('\n') {
            s.push_str(self.nl);
        }
        s
    }

    fn markers(&mut self, ours: &str, base: &str, theirs: &str) -> String {
        self.conflicts += 1;
        let n = self.opts.marker_size;
        let nl = self.nl;
        let labels = &self.opts.labels;
        let mut out = format!("{} {}{nl}{ours}", "<".repeat(n), labels.ours);
        if self.opts.diff3 {
            out.push_str(&format!("{} {}{nl}{base}", "|".repeat(n), labels.base));
        }
        out.push_str(&format!("{}{nl}{theirs}{} {}{nl}", "=".repeat(n), ">".repeat(n), labels.theirs));
        out
    }

    /// A merged flow collection (or a value inside one), written on one line.
    fn flow(&self, o: &Node, m: &M) -> Result<String, Escalate> {
        match m {
            M::Same => Ok(self.ours[o.span.clone()].to_string()),
            M::Take(f) => Ok(self.theirs_flow(f.node)),
            M::Scalar(v) => Ok(flow_value(v)),
            M::Map(ments) => {
                let es = o.entries();
                let mut parts = Vec::with_capacity(ments.len());
                for el in ments {
                    parts.push(match el {
                        MEnt::Keep { o: oi, m, .. } => {
                            let e = &es[*oi];
                            format!("{}: {}", flow_key(&e.key), self.flow(&e.value, m)?)
                        }
                        MEnt::Add(te) => format!("{}: {}", flow_key(&te.key), self.theirs_flow(&te.value)),
                        MEnt::Conflict { .. } => return Err(Escalate),
                    });
                }
                Ok(format!("{{{}}}", parts.join(", ")))
            }
            M::Seq(mitems) => {
                let items = o.items();
                let mut parts = Vec::with_capacity(mitems.len());
                for el in mitems {
                    parts.push(match el {
                        MItem::Keep { o: oi, m, .. } => self.flow(&items[*oi].value, m)?,
                        MItem::Add(ti) => self.theirs_flow(&ti.value),
                        MItem::Conflict { .. } => return Err(Escalate),
                    });
                }
                Ok(format!("[{}]", parts.join(", ")))
            }
            M::Conflict => Err(Escalate),
        }
    }

    /// Theirs' node as flow text: its own text when that is valid inside a
    /// flow collection, else rendered from its value.
    fn theirs_flow(&self, n: &Node) -> String {
        let raw = &self.theirs[n.span.clone()];
        let ok = match n.style {
            Style::Flow | Style::Single | Style::Double => true,
            Style::Plain => !raw.contains([',', '[', ']', '{', '}']),
            _ => false,
        };
        if ok { raw.to_string() } else { flow_value(&to_value(n)) }
    }
}

/// Apply edits to `text[start..end]`; every edit lies inside that range.
fn apply(text: &str, start: usize, end: usize, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(end - start + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut pos = start;
    for e in &edits {
        debug_assert!(e.start >= pos && e.end <= end, "overlapping edits");
        let s = e.start.max(pos);
        out.push_str(&text[pos..s]);
        out.push_str(&e.text);
        pos = e.end.max(s);
    }
    out.push_str(&text[pos..end]);
    out
}

/// Shift every line of `src` but the first (all lines when `full`) by
/// `delta` columns and give it line ending `nl`.
fn reindent(src: &str, delta: isize, full: bool, nl: &str) -> String {
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
                let cut = line.bytes().take(delta.unsigned_abs()).take_while(|b| *b == b' ').count();
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

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => crate::yaml::render_scalar(s),
        other => flow_value(other),
    }
}

fn flow_key(k: &str) -> String {
    flow_value(&Value::String(k.to_string()))
}

/// Any value as one-line flow YAML.
fn flow_value(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let plain = crate::yaml::render_scalar(s);
            if plain.starts_with('"') || plain.contains([',', '[', ']', '{', '}']) {
                serde_json::to_string(s).unwrap_or_default()
            } else {
                plain
            }
        }
        Value::Array(a) => format!("[{}]", a.iter().map(flow_value).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => {
            format!("{{{}}}", m.iter().map(|(k, v)| format!("{}: {}", flow_key(k), flow_value(v))).collect::<Vec<_>>().join(", "))
        }
    }
}

/// Whether the scanned output `out` holds exactly what the plan says:
/// ours' node `o` merged as `m`.
pub fn check(out: &Node, o: &Node, m: &M) -> bool {
    use crate::yaml::block::{node_eq, value_eq};
    match m {
        M::Same => node_eq(out, o),
        M::Take(f) => node_eq(out, f.node),
        M::Scalar(v) => value_eq(v, out),
        M::Map(ments) => {
            let Kind::Map(oes) = &out.kind else { return false };
            let es = o.entries();
            let mut count = 0;
            let index: Option<std::collections::HashMap<&str, &Node>> =
                (oes.len() > 16).then(|| oes.iter().map(|e| (e.key.as_ref(), &e.value)).collect());
            let find = |k: &str| match &index {
                Some(ix) => ix.get(k).copied(),
                None => oes.iter().find(|e| e.key == k).map(|e| &e.value),
            };
            for el in ments {
                count += 1;
                let ok = match el {
                    MEnt::Keep { o: oi, m, .. } => find(&es[*oi].key).is_some_and(|n| check(n, &es[*oi].value, m)),
                    MEnt::Add(te) => find(&te.key).is_some_and(|n| node_eq(n, &te.value)),
                    MEnt::Conflict { .. } => false,
                };
                if !ok {
                    return false;
                }
            }
            count == oes.len()
        }
        M::Seq(mitems) => {
            let Kind::Seq(ois) = &out.kind else { return false };
            let items = o.items();
            ois.len() == mitems.len()
                && ois.iter().zip(mitems).all(|(n, el)| match el {
                    MItem::Keep { o: oi, m, .. } => check(&n.value, &items[*oi].value, m),
                    MItem::Add(ti) => node_eq(&n.value, &ti.value),
                    MItem::Conflict { .. } => false,
                })
        }
        M::Conflict => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reindent_shifts_and_converts_line_endings() {
        assert_eq!(reindent("a\r\n  b\r\n", 2, false, "\n"), "a\n    b\n");
        assert_eq!(reindent("    a\n      b\n", -2, true, "\r\n"), "  a\r\n    b\r\n");
        assert_eq!(reindent(" x", 4, false, "\n"), " x");
    }

    #[test]
    fn flow_values_stay_flow_safe() {
        assert_eq!(flow_value(&serde_json::json!(["a,b", "c", 1, null])), r#"["a,b", c, 1, null]"#);
    }
}
