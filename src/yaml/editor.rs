//! The patch editor: typed edits (set a scalar, append to a sequence,
//! insert a row) on a YAML text, each a [`Splice`] of the original bytes
//! placed by the [`Lossless`] view, re-parsed before it is kept.

use super::{
    Lossless, Seg, Splice, break_before, line_end, line_ending, line_start, parse, pointer,
    render_flow_scalar, render_like, render_scalar,
};

/// Mutable YAML text edited through byte splices and re-checked after each
/// operation, so a patch can never leave a document that does not parse.
pub struct Editor {
    text: String,
}

impl Editor {
    pub fn new(text: impl Into<String>) -> Self {
        Editor { text: text.into() }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn into_text(self) -> String {
        self.text
    }

    fn commit(&mut self, splice: Splice) -> Result<(), String> {
        self.commit_checked(splice, &[])
    }

    /// [`Editor::commit`], keeping the edit only when each of `set` (a
    /// path and the string set there) reads back as that string: a form
    /// the locator misplaces (a plain scalar continued below a comment
    /// line, say) is refused rather than written wrong.
    fn commit_checked(&mut self, splice: Splice, set: &[(&[Seg], &str)]) -> Result<(), String> {
        let next = splice.apply(&self.text).map_err(|e| e.to_string())?;
        let doc = parse(&next).map_err(|e| format!("edit produced invalid YAML: {e}"))?;
        for (path, value) in set {
            if value_at(&doc, path).and_then(|v| v.as_str()) != Some(*value) {
                return Err(format!(
                    "setting {} did not read back as the value set, so it was not written; \
                     nothing was changed (edit it by hand)",
                    pointer(path)
                ));
            }
        }
        self.text = next;
        Ok(())
    }

    /// Replace the scalar at `path`, keeping its quoting style.
    pub fn set_scalar(&mut self, path: &[Seg], value: &str) -> Result<(), String> {
        let tree = Lossless::new(&self.text);
        let edit = self.scalar_edit(&tree, path, value)?;
        drop(tree);
        match edit {
            Some((span, rendered)) => {
                let mut splice = Splice::default();
                splice.replace(span, rendered);
                self.commit_checked(splice, &[(path, value)])
            }
            None => self.insert_key(path, &render_scalar(value)),
        }
    }

    /// [`Editor::set_scalar`] for many values at once, one result per
    /// value, as if set one after the other: located in one view of the
    /// text and checked by one parse, so N edits of an M-line document
    /// cost O(N + M), not O(N × M). Keys that must be inserted, and a
    /// batch whose joint result does not parse or whose edits overlap,
    /// go the one-at-a-time way, so the outcome is the same.
    pub fn set_scalars(&mut self, edits: &[(Vec<Seg>, String)]) -> Vec<Result<(), String>> {
        let tree = Lossless::new(&self.text);
        let mut results = Vec::with_capacity(edits.len());
        let mut splice = Splice::default();
        let mut inserts = Vec::new();
        let mut placed: Vec<(&[Seg], &str)> = Vec::new();
        for (i, (path, value)) in edits.iter().enumerate() {
            match self.scalar_edit(&tree, path, value) {
                Ok(Some((span, rendered))) => {
                    splice.replace(span, rendered);
                    placed.push((path, value));
                    results.push(Ok(()));
                }
                Ok(None) => {
                    inserts.push(i);
                    results.push(Ok(()));
                }
                Err(e) => results.push(Err(e)),
            }
        }
        drop(tree);
        // A refused commit leaves the text as it was: redo one by one.
        if !splice.is_empty() && self.commit_checked(splice, &placed).is_err() {
            return edits
                .iter()
                .map(|(path, value)| self.set_scalar(path, value))
                .collect();
        }
        for i in inserts {
            let (path, value) = &edits[i];
            results[i] = self.insert_key(path, &render_scalar(value));
        }
        results
    }

    /// The splice that sets the scalar at `path` to `value` in `tree` (a
    /// view of this editor's text), or `None` when the key is not there.
    fn scalar_edit(
        &self,
        tree: &Lossless,
        path: &[Seg],
        value: &str,
    ) -> Result<Option<(std::ops::Range<usize>, String)>, String> {
        let Some(span) = tree.replaced_span(path) else {
            return Ok(None);
        };
        let raw = &self.text[span.clone()];
        if raw.starts_with('|') || raw.starts_with('>') {
            return Err(format!(
                "{} is a block scalar; refusing to rewrite it",
                pointer(path)
            ));
        }
        let in_flow = path
            .split_last()
            .is_some_and(|(_, parent)| tree.is_flow(parent));
        let mut rendered = render_like(raw, value);
        // Inside `[..]` or `{..}`, a plain `a, b` would split in two.
        if in_flow && !rendered.starts_with(['"', '\'']) {
            rendered = render_flow_scalar(value);
        }
        if span.is_empty() {
            rendered = self.place_in_empty(span.start, rendered, in_flow)?;
        }
        Ok(Some((span, rendered)))
    }

    /// The text that gives the empty value at `at` the value `rendered`.
    /// The span of an empty value is right after its `:` or `-`, which
    /// needs a blank before the value (`k:v` is one plain scalar); in a
    /// flow mapping a key may stand alone (`{k}`), which needs its `:`.
    fn place_in_empty(&self, at: usize, rendered: String, in_flow: bool) -> Result<String, String> {
        let before = self.text[..at].trim_end_matches([' ', '\t']);
        let glued = before.len() == at;
        // The value of an explicit `? key` goes on a `:` line of its own:
        // not a form registry files use, so it is not placed (an editor
        // fuzz find: `? k -` took the value into its key).
        let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
        let node_start = line.trim_start_matches([' ', '\t', '-']);
        if !in_flow
            && (node_start == "?"
                || node_start.starts_with(['?']) && node_start[1..].starts_with([' ', '\t']))
        {
            return Err(
                "the value of an explicit `? key` cannot be placed; edit it by hand".into(),
            );
        }
        // A `-` is a sequence dash only on its own (`- `) and only in block
        // context, not the end of a plain key such as `{k:--}` or
        // `{k\t-}` (editor fuzz finds).
        // The character before the indicator the value would follow.
        let prev = before.chars().rev().nth(1);
        let lone_dash = !in_flow
            && before.ends_with('-')
            && prev.is_none_or(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
        // Likewise a `?` glued to what comes before it ends a plain key
        // (`{k?}`, an editor fuzz find); alone it would be an explicit key.
        let glued_q = before.ends_with('?')
            && prev.is_some_and(|c| !matches!(c, ' ' | '\t' | '\n' | '\r' | '{' | '[' | ','));
        match before.bytes().last() {
            Some(b'?') if glued_q => Ok(format!(": {rendered}")),
            Some(b'-') if !lone_dash => Ok(format!(": {rendered}")),
            Some(b':' | b'-') if glued => Ok(format!(" {rendered}")),
            Some(b':' | b'-') => Ok(rendered),
            Some(_) if !before.ends_with(['{', ',', '[', '?', '\n']) => Ok(format!(": {rendered}")),
            _ => Err("cannot tell where the empty value goes".into()),
        }
    }

    /// Add a key that does not exist yet at the end of its parent mapping.
    /// `rendered` is the value as flow YAML (a scalar or `[a, b]`).
    fn insert_key(&mut self, path: &[Seg], rendered: &str) -> Result<(), String> {
        // Asked to insert a value that is there: its text is a form the
        // locator cannot place (a tag before a value on lines of its own,
        // say). Say that, rather than what a second copy would break.
        if parse(&self.text).is_ok_and(|doc| exists(&doc, path)) {
            return Err(format!(
                "cannot find where {} is written in the text, so it cannot be edited in place; \
                 nothing was changed (edit it by hand)",
                pointer(path)
            ));
        }
        let (Seg::Key(key), parent) = path.split_last().ok_or("empty path")? else {
            return Err("cannot insert a sequence index".into());
        };
        let nl = line_ending(&self.text);
        let tree = Lossless::new(&self.text);
        let mut splice = Splice::default();
        match tree.value_span(parent) {
            Some(span) if tree.is_flow(parent) => {
                let inner = &self.text[span.clone()];
                let close = span.start + inner.rfind('}').ok_or("malformed flow mapping")?;
                let empty = inner[1..inner.len() - 1].trim().is_empty();
                let sep = if empty { "" } else { ", " };
                splice.insert(close, format!("{sep}{}: {rendered}", render_scalar(key)));
            }
            Some(span)
                if !self.text[span.clone()].trim().is_empty()
                    && !parent_is_null(&self.text[span.clone()]) =>
            {
                // Block mapping: indent like its first key, insert after the
                // end of its last line.
                let indent_col = span.start - line_start(&self.text, span.start);
                let indent = " ".repeat(indent_col);
                let at = line_end(&self.text, span.end.saturating_sub(1).max(span.start));
                let prefix = break_before(&self.text, at, nl);
                splice.insert(
                    at,
                    format!("{prefix}{indent}{}: {rendered}{nl}", render_scalar(key)),
                );
            }
            Some(span) => {
                // Parent key exists with a null value: give it a block mapping.
                let key_line = line_start(&self.text, span.start);
                let parent_indent =
                    self.text[key_line..].len() - self.text[key_line..].trim_start().len();
                let indent = " ".repeat(parent_indent + 2);
                let start = self.text[..span.start].trim_end_matches([' ', '\t']).len();
                splice.replace(
                    start..span.end,
                    format!("{nl}{indent}{}: {rendered}", render_scalar(key)),
                );
            }
            None if parent.is_empty() => {
                let prefix = break_before(&self.text, self.text.len(), nl);
                splice.insert(
                    self.text.len(),
                    format!("{prefix}{}: {rendered}{nl}", render_scalar(key)),
                );
            }
            None => {
                drop(tree);
                // Create the parent first, then retry.
                self.insert_key(parent, "{}")?;
                let tree = Lossless::new(&self.text);
                let span = tree.value_span(parent).ok_or("parent vanished")?;
                let mut splice = Splice::default();
                splice.replace(span, format!("{{{}: {rendered}}}", render_scalar(key)));
                drop(tree);
                return self.commit(splice);
            }
        }
        drop(tree);
        self.commit(splice)
    }

    /// Append a scalar to the sequence at `path`, creating it if needed and
    /// following its style (flow or block) when it exists.
    pub fn append_scalar(&mut self, path: &[Seg], value: &str) -> Result<(), String> {
        let tree = Lossless::new(&self.text);
        // A missing or null sequence is created in flow style (`[x]`).
        let flow = tree
            .value_span(path)
            .is_none_or(|span| tree.is_flow(path) || parent_is_null(&self.text[span]));
        drop(tree);
        let rendered = if flow {
            render_flow_scalar(value)
        } else {
            render_scalar(value)
        };
        self.append_rendered(path, &rendered)
    }

    /// Append an already rendered flow item (a scalar or `{k: v}`) to the
    /// sequence at `path`.
    pub fn append_rendered(&mut self, path: &[Seg], rendered: &str) -> Result<(), String> {
        let nl = line_ending(&self.text);
        let tree = Lossless::new(&self.text);
        let Some(span) = tree.value_span(path) else {
            drop(tree);
            return self.insert_key(path, &format!("[{rendered}]"));
        };
        let raw = &self.text[span.clone()];
        let mut splice = Splice::default();
        if parent_is_null(raw) {
            splice.replace(span, format!("[{rendered}]"));
        } else if tree.is_flow(path) {
            let close = span.start + raw.rfind(']').ok_or("malformed flow sequence")?;
            let empty = raw[1..raw.len() - 1].trim().is_empty();
            let before = self.text[..close].trim_end_matches([' ', '\t']);
            let sep = if empty {
                ""
            } else if before.ends_with(',') {
                " "
            } else {
                ", "
            };
            splice.insert(close, format!("{sep}{rendered}"));
        } else {
            let items = tree
                .item_spans(path)
                .ok_or_else(|| format!("{} is not a sequence", pointer(path)))?;
            let last = items.last().ok_or("empty block sequence")?;
            let first = items.first().expect("non-empty");
            let line0 = line_start(&self.text, first.start);
            let dash = self.text[line0..first.start]
                .rfind('-')
                .ok_or("block item without dash")?;
            let indent = &self.text[line0..line0 + dash];
            if !indent.chars().all(|c| c == ' ') {
                return Err("unsupported layout for block sequence".into());
            }
            let at = line_end(&self.text, last.end.saturating_sub(1).max(last.start));
            let prefix = break_before(&self.text, at, nl);
            splice.insert(at, format!("{prefix}{indent}- {rendered}{nl}"));
        }
        drop(tree);
        self.commit(splice)
    }

    /// Insert a mapping as item `index` of the block sequence at `path`,
    /// laid out like the existing items (or two-space style when empty).
    pub fn insert_mapping_item(
        &mut self,
        path: &[Seg],
        index: usize,
        fields: &[(&str, String)],
    ) -> Result<(), String> {
        let nl = line_ending(&self.text);
        let tree = Lossless::new(&self.text);
        let span = tree.value_span(path);
        let items = tree.item_spans(path).unwrap_or_default();
        let mut splice = Splice::default();
        let render = |dash_indent: &str, key_indent: &str| {
            let mut out = String::new();
            for (i, (k, v)) in fields.iter().enumerate() {
                if i == 0 {
                    out.push_str(&format!("{dash_indent}- {}: {v}{nl}", render_scalar(k)));
                } else {
                    out.push_str(&format!("{key_indent}{}: {v}{nl}", render_scalar(k)));
                }
            }
            out
        };
        if let (Some(first), false) = (
            items.first(),
            span.as_ref().is_some_and(|_| tree.is_flow(path)),
        ) {
            let line0 = line_start(&self.text, first.start);
            let dash_rel = self.text[line0..first.start]
                .rfind('-')
                .ok_or("block item without dash")?;
            let dash_indent = self.text[line0..line0 + dash_rel].to_string();
            let key_indent = " ".repeat(first.start - line0);
            let text = render(&dash_indent, &key_indent);
            if index < items.len() {
                let at = line_start(&self.text, items[index].start);
                splice.insert(at, text);
            } else {
                let last = items.last().expect("non-empty");
                let at = line_end(&self.text, last.end.saturating_sub(1).max(last.start));
                let prefix = break_before(&self.text, at, nl);
                splice.insert(at, format!("{prefix}{text}"));
            }
        } else {
            match span {
                Some(span) if items.is_empty() => {
                    // `key: []` or `key:` with nothing: switch to block style.
                    let text = render("  ", "    ");
                    let trimmed = text.trim_end_matches(['\r', '\n']);
                    let start = self.text[..span.start].trim_end_matches([' ', '\t']).len();
                    splice.replace(start..span.end, format!("{nl}{trimmed}"));
                }
                Some(_) => {
                    return Err(format!(
                        "{} is a flow sequence of mappings; refusing to edit",
                        pointer(path)
                    ));
                }
                None => {
                    drop(tree);
                    self.insert_key(path, "[]")?;
                    return self.insert_mapping_item(path, index, fields);
                }
            }
        }
        drop(tree);
        self.commit(splice)
    }
}

impl Editor {
    /// Replace the value at `path` with already rendered YAML (a number):
    /// for values that a string rendering would quote and so change type.
    pub fn set_rendered(&mut self, path: &[Seg], rendered: &str) -> Result<(), String> {
        let tree = Lossless::new(&self.text);
        let Some(span) = tree.value_span(path) else {
            drop(tree);
            return self.insert_key(path, rendered);
        };
        drop(tree);
        let mut splice = Splice::default();
        splice.replace(span, rendered);
        self.commit(splice)
    }
}

/// Whether `path` names a value of `doc`.
fn exists(doc: &serde_json::Value, path: &[Seg]) -> bool {
    value_at(doc, path).is_some()
}

/// The value at `path` in `doc`.
fn value_at<'d>(doc: &'d serde_json::Value, path: &[Seg]) -> Option<&'d serde_json::Value> {
    let mut cur = doc;
    for seg in path {
        cur = match seg {
            Seg::Key(k) => cur.get(k.as_str())?,
            Seg::Index(i) => cur.get(*i)?,
        };
    }
    Some(cur)
}

fn parent_is_null(raw: &str) -> bool {
    matches!(raw.trim(), "" | "~" | "null" | "Null" | "NULL")
}
