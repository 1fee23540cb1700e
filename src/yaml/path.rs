//! Paths into a document: the segments editors and diagnostics address a
//! value by, and their JSON-pointer form (what schema errors use).

use serde_json::Value;

/// One step of a path into a document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl Seg {
    pub fn key(k: &str) -> Seg {
        Seg::Key(k.to_string())
    }
}

/// Render a path as a JSON pointer, the form schema errors use.
pub fn pointer(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        out.push('/');
        match seg {
            Seg::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
            Seg::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// Parse a JSON pointer (from a schema error) back into segments, given the
/// value it points into so numeric keys of mappings stay keys.
pub fn segs_from_pointer(pointer: &str, value: &Value) -> Vec<Seg> {
    let mut segs = Vec::new();
    let mut cur = Some(value);
    for raw in pointer.split('/').skip(1) {
        let token = raw.replace("~1", "/").replace("~0", "~");
        let seg = match (cur, token.parse::<usize>()) {
            (Some(Value::Array(_)), Ok(i)) => Seg::Index(i),
            _ => Seg::Key(token),
        };
        cur = match (&seg, cur) {
            (Seg::Index(i), Some(Value::Array(a))) => a.get(*i),
            (Seg::Key(k), Some(Value::Object(m))) => m.get(k),
            _ => None,
        };
        segs.push(seg);
    }
    segs
}
