//! One-line flow collections (`[a, b]`, `{k: v}`) and the scalars in them.

use super::*;

impl<'a> Scanner<'a> {
    /// A scalar inside a flow collection: quoted, or plain up to a flow
    /// indicator. Returns the node and the offset after it.
    pub(super) fn flow_scalar(&self, p: usize, end: usize) -> Option<(Node<'a>, usize)> {
        let b = self.b;
        match b[p] {
            b'"' | b'\'' => self.quoted(p, end),
            _ => {
                if !plain_start_ok(&b[p..end], true) {
                    return None;
                }
                let mut q = p;
                while q < end {
                    match b[q] {
                        b',' | b']' | b'}' => break,
                        b'[' | b'{' | b'\t' => return None,
                        b'#' if b[q - 1] == b' ' => return None,
                        b':' if q + 1 == end
                            || matches!(b[q + 1], b' ' | b',' | b'[' | b']' | b'{' | b'}') =>
                        {
                            break;
                        }
                        _ => q += 1,
                    }
                }
                let raw = self.text[p..q].trim_end_matches(' ');
                if raw.is_empty() {
                    return None;
                }
                let kind = plain_kind(raw)?;
                Some(Node::one_line(kind, Style::Plain, p..p + raw.len()))
            }
        }
    }

    pub(super) fn skip_flow_spaces(&self, mut q: usize, end: usize) -> usize {
        while q < end && self.b[q] == b' ' {
            q += 1;
        }
        q
    }

    /// A value inside a flow collection `depth` levels deep: a scalar, or
    /// a flow collection up to [`MAX_FLOW_DEPTH`] levels.
    pub(super) fn flow_value(
        &self,
        p: usize,
        end: usize,
        depth: usize,
    ) -> Result<Option<(Node<'a>, usize)>, Unsupported> {
        match self.b[p] {
            b'[' | b'{' if depth >= MAX_FLOW_DEPTH => Ok(None),
            b'[' => self.flow_seq(p, end, depth + 1),
            b'{' => self.flow_map(p, end, depth + 1),
            _ => Ok(self.flow_scalar(p, end)),
        }
    }

    /// The elements of the flow collection opened at `p` and closed by
    /// `close`, each read by `element` (given where one starts, it returns
    /// where it ends): the offset past `close`, or `None` when the text is
    /// not a collection the fast path reads. The one loop for both kinds.
    fn flow_elements(
        &self,
        p: usize,
        end: usize,
        close: u8,
        mut element: impl FnMut(usize) -> Result<Option<usize>, Unsupported>,
    ) -> Result<Option<usize>, Unsupported> {
        let b = self.b;
        let mut q = p + 1;
        loop {
            q = self.skip_flow_spaces(q, end);
            if q >= end {
                return Ok(None);
            }
            if b[q] == close {
                return Ok(Some(q + 1));
            }
            let Some(after) = element(q)? else {
                return Ok(None);
            };
            q = self.skip_flow_spaces(after, end);
            if q >= end {
                return Ok(None);
            }
            match b[q] {
                b',' => q += 1,
                c if c == close => return Ok(Some(q + 1)),
                _ => return Ok(None),
            }
        }
    }

    pub(super) fn flow_seq(
        &self,
        p: usize,
        end: usize,
        depth: usize,
    ) -> Result<Option<(Node<'a>, usize)>, Unsupported> {
        let mut items = Vec::new();
        let close = self.flow_elements(p, end, b']', |q| {
            let Some((value, after)) = self.flow_value(q, end, depth)? else {
                return Ok(None);
            };
            let span = value.span.clone();
            items.push(Item {
                dash: span.start,
                value,
                lead: span.start,
                line_start: span.start,
                end: span.end,
                next: span.end,
                in_flow: true,
            });
            Ok(Some(after))
        })?;
        Ok(close.map(|q| Node::one_line(Kind::Seq(exact(items)), Style::Flow, p..q)))
    }

    pub(super) fn flow_map(
        &self,
        p: usize,
        end: usize,
        depth: usize,
    ) -> Result<Option<(Node<'a>, usize)>, Unsupported> {
        let b = self.b;
        let mut entries: Vec<Entry<'a>> = Vec::new();
        let close = self.flow_elements(p, end, b'}', |q| {
            let Some((key_node, after)) = self.flow_scalar(q, end) else {
                return Ok(None);
            };
            let Kind::Str(key) = key_node.kind else {
                return Ok(None);
            };
            let key_span = key_node.span.clone();
            if &self.text[key_span.clone()] == "<<" {
                // A plain `<<` is a merge key to the strict parser.
                return Ok(None);
            }
            let c = self.skip_flow_spaces(after, end);
            if c + 1 >= end || b[c] != b':' || b[c + 1] != b' ' {
                return Ok(None);
            }
            let v = self.skip_flow_spaces(c + 1, end);
            if v >= end || matches!(b[v], b',' | b'}') {
                return Ok(None);
            }
            let Some((value, after)) = self.flow_value(v, end, depth)? else {
                return Ok(None);
            };
            if entries.iter().any(|e| e.key == key) {
                return unsupported(line_of(self.text, p), "duplicate key");
            }
            let vend = value.span.end;
            entries.push(Entry {
                key,
                key_span: key_span.clone(),
                colon_end: c + 1,
                value,
                line_start: key_span.start,
                end: vend,
                next: vend,
                in_flow: true,
            });
            Ok(Some(after))
        })?;
        Ok(close.map(|q| Node::one_line(Kind::Map(exact(entries)), Style::Flow, p..q)))
    }
}
