//! Scalars: resolving a plain scalar under YAML 1.2 core (null, bool,
//! number, string) and decoding quoted ones, as the strict parser would.

use super::*;
use std::borrow::Cow;

/// Whether a flow collection holds another collection.
pub(super) fn nests(node: &Node) -> bool {
    node.items().iter().any(|i| !i.value.is_scalar())
        || node.entries().iter().any(|e| !e.value.is_scalar())
}

/// Whether a value's first line opens a block scalar with keep chomping
/// (`|+`, `>2+`, possibly after a tag or anchor).
pub(super) fn keeps_trailing_breaks(first_line: &str) -> bool {
    first_line
        .split(' ')
        .take_while(|t| !t.starts_with('#'))
        .any(|t| (t.starts_with('|') || t.starts_with('>')) && t.contains('+'))
}

pub(super) fn empty(at: usize) -> Node<'static> {
    Node {
        kind: Kind::Scalar(Box::new(Value::Null)),
        style: Style::Empty,
        span: at..at,
        multiline: false,
        open: false,
    }
}

/// Whether a plain scalar may start with these bytes (YAML's indicator
/// rules, kept strict: anything doubtful is left to the strict parser).
pub(super) fn plain_start_ok(s: &[u8], flow: bool) -> bool {
    let Some(&c) = s.first() else { return false };
    match c {
        b'-' | b'?' | b':' => {
            s.get(1).is_some_and(|n| !matches!(n, b' ' | b'\t')) && !(flow && c != b'-')
        }
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' => false,
        b'~' => false,
        _ => true,
    }
}

/// The YAML 1.2 core-schema value of a plain scalar, as the strict parser
/// reads it; `None` when the scalar is in a notation this fast path does
/// not decode (it is then decoded by the strict parser).
pub fn resolve_plain(s: &str) -> Option<Value> {
    plain_kind(s).map(|k| match k {
        Kind::Str(s) => Value::String(s.into_owned()),
        Kind::Scalar(v) => *v,
        _ => Value::Null,
    })
}

pub(super) fn plain_kind(s: &str) -> Option<Kind<'_>> {
    let b = s.as_bytes();
    let first = *b.first()?;
    match first {
        b'a'..=b'z' | b'A'..=b'Z' => {
            match s {
                "true" | "True" | "TRUE" => return Some(Kind::Scalar(Box::new(Value::Bool(true)))),
                "false" | "False" | "FALSE" => {
                    return Some(Kind::Scalar(Box::new(Value::Bool(false))));
                }
                "null" | "Null" | "NULL" => return Some(Kind::Scalar(Box::new(Value::Null))),
                _ => {}
            }
            if b.len() <= 8
                && ["null", "true", "false", "inf", "nan", "infinity"]
                    .iter()
                    .any(|w| s.eq_ignore_ascii_case(w))
            {
                return None;
            }
            Some(Kind::Str(Cow::Borrowed(s)))
        }
        b'0'..=b'9' | b'-' | b'+' | b'.' => {
            if let Some(i) = simple_int(b) {
                return Some(Kind::Scalar(Box::new(Value::from(i))));
            }
            if is_date(b) {
                return Some(Kind::Str(Cow::Borrowed(s)));
            }
            if b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'+' | b'-' | b':'))
            {
                return None;
            }
            Some(Kind::Str(Cow::Borrowed(s)))
        }
        b'~' => None,
        _ => Some(Kind::Str(Cow::Borrowed(s))),
    }
}

/// `0` or `-?[1-9][0-9]{0,17}`: always an exact i64.
pub(super) fn simple_int(b: &[u8]) -> Option<i64> {
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if digits[0] == b'0' && digits.len() > 1 {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// `YYYY-MM-DD` (dates stay strings under YAML 1.2 core).
pub(super) fn is_date(b: &[u8]) -> bool {
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// A single-quoted scalar at `p`, closed before `end`.
pub(super) fn single_quoted(text: &str, p: usize, end: usize) -> Option<(Cow<'_, str>, usize)> {
    let b = text.as_bytes();
    if let Some(close) = b[p + 1..end].iter().position(|c| *c == b'\'')
        && b.get(p + 2 + close)
            .is_none_or(|c| *c != b'\'' || p + 2 + close >= end)
    {
        return Some((Cow::Borrowed(&text[p + 1..p + 1 + close]), p + 2 + close));
    }
    let mut out = String::new();
    let mut q = p + 1;
    let mut run = q;
    while q < end {
        if b[q] == b'\'' {
            out.push_str(&text[run..q]);
            if q + 1 < end && b[q + 1] == b'\'' {
                out.push('\'');
                q += 2;
                run = q;
                continue;
            }
            return Some((Cow::Owned(out), q + 1));
        }
        q += 1;
    }
    None
}

/// A double-quoted scalar at `p`, closed before `end`, with YAML escapes.
pub(super) fn double_quoted(text: &str, p: usize, end: usize) -> Option<(Cow<'_, str>, usize)> {
    let b = text.as_bytes();
    if let Some(close) = b[p + 1..end].iter().position(|c| *c == b'"' || *c == b'\\')
        && b[p + 1 + close] == b'"'
    {
        return Some((Cow::Borrowed(&text[p + 1..p + 1 + close]), p + 2 + close));
    }
    let mut out = String::new();
    let mut q = p + 1;
    let mut run = q;
    while q < end {
        match b[q] {
            b'"' => {
                out.push_str(&text[run..q]);
                return Some((Cow::Owned(out), q + 1));
            }
            b'\\' => {
                out.push_str(&text[run..q]);
                let e = *b.get(q + 1).filter(|_| q + 1 < end)?;
                let mut hex = |n: usize| -> Option<char> {
                    let digits = text.get(q + 2..q + 2 + n).filter(|_| q + 2 + n <= end)?;
                    if !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
                        return None;
                    }
                    let ch = char::from_u32(u32::from_str_radix(digits, 16).ok()?)?;
                    q += n;
                    Some(ch)
                };
                let ch = match e {
                    b'0' => '\0',
                    b'a' => '\u{7}',
                    b'b' => '\u{8}',
                    b't' | b'\t' => '\t',
                    b'n' => '\n',
                    b'v' => '\u{b}',
                    b'f' => '\u{c}',
                    b'r' => '\r',
                    b'e' => '\u{1b}',
                    b' ' => ' ',
                    b'"' => '"',
                    b'/' => '/',
                    b'\\' => '\\',
                    b'N' => '\u{85}',
                    b'_' => '\u{a0}',
                    b'L' => '\u{2028}',
                    b'P' => '\u{2029}',
                    b'x' => hex(2)?,
                    b'u' => hex(4)?,
                    b'U' => hex(8)?,
                    _ => return None,
                };
                out.push(ch);
                q += 2;
                run = q;
            }
            _ => q += 1,
        }
    }
    None
}
