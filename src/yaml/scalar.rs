//! Writing values as YAML text, the one set of quoting rules.
//!
//! The patch editor and the merge renderer both write new values into an
//! existing text: a scalar in block context, a scalar inside a flow
//! collection (where `,`, `[`, `]`, `{`, `}` would split a plain scalar),
//! a scalar in the quoting of the one it replaces, and any JSON value on
//! one line. Every rendering reads back under YAML 1.2 core as the value
//! it was made from (a string never turns into a number, bool or null).

use serde_json::Value;

/// Render a string as a YAML scalar: plain when that reads back as the same
/// string under YAML 1.2 core, double-quoted otherwise.
pub fn render_scalar(s: &str) -> String {
    if plain_is_safe(s) {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

/// Render a string as a scalar inside a flow collection (`[a, b]`,
/// `{k: v}`), where `,`, `[`, `]`, `{` and `}` would end or split a plain
/// scalar.
pub fn render_flow_scalar(s: &str) -> String {
    let plain = render_scalar(s);
    if !plain.starts_with('"') && plain.contains([',', '[', ']', '{', '}']) {
        double_quoted(s)
    } else {
        plain
    }
}

/// Render `s` in the same quoting style as the scalar it replaces.
pub fn render_like(old_raw: &str, s: &str) -> String {
    let old = old_raw.trim_start();
    if old.starts_with('\'') && !s.contains('\n') {
        format!("'{}'", s.replace('\'', "''"))
    } else if old.starts_with('"') {
        double_quoted(s)
    } else {
        render_scalar(s)
    }
}

/// Any value as the text after `key: ` in block context: a string as
/// [`render_scalar`], anything else as [`render_flow_value`].
pub fn render_value(v: &Value) -> String {
    match v {
        Value::String(s) => render_scalar(s),
        other => render_flow_value(other),
    }
}

/// Any value as one-line flow YAML (`[a, {k: v}]`), safe inside a flow
/// collection.
pub fn render_flow_value(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => render_flow_scalar(s),
        Value::Array(a) => format!(
            "[{}]",
            a.iter()
                .map(render_flow_value)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", render_flow_scalar(k), render_flow_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Strip one level of YAML quoting from a short scalar (keys, ids).
pub fn unquote(raw: &str) -> String {
    let raw = raw.trim();
    if raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\'') {
        return raw[1..raw.len() - 1].replace("''", "'");
    }
    if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
        if let Ok(Value::String(s)) = serde_json::from_str::<Value>(raw) {
            return s;
        }
        return raw[1..raw.len() - 1].to_string();
    }
    raw.to_string()
}

/// A JSON string is a valid YAML double-quoted scalar with the same value.
fn double_quoted(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

fn plain_is_safe(s: &str) -> bool {
    if s.is_empty() || s != s.trim() {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains('\n') || s.ends_with(':') {
        return false;
    }
    // Must read back as this same string, not a number, bool or null.
    matches!(super::parse(&format!("k: {s}\n")), Ok(Value::Object(m)) if m.get("k") == Some(&Value::String(s.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What `rendered` reads back as after `k: `.
    fn read_back(rendered: &str) -> Value {
        super::super::parse(&format!("k: {rendered}\n")).unwrap()["k"].clone()
    }

    #[test]
    fn strings_that_would_change_type_are_quoted() {
        for s in ["1", "true", "null", "~", "0x1F", "a: b", "x #c", "- a", ""] {
            let r = render_scalar(s);
            assert!(r.starts_with('"'), "{s:?} rendered {r:?}");
            assert_eq!(read_back(&r), json!(s));
        }
        assert_eq!(render_scalar("plain text"), "plain text");
        assert_eq!(render_scalar("yes"), "yes");
        // YAML 1.2 core has no dates: a date stays plain.
        assert_eq!(render_scalar("2026-02-02"), "2026-02-02");
    }

    #[test]
    fn flow_scalars_quote_flow_indicators() {
        assert_eq!(render_flow_scalar("a,b"), "\"a,b\"");
        assert_eq!(render_flow_scalar("x]"), "\"x]\"");
        assert_eq!(render_flow_scalar("ab"), "ab");
        assert_eq!(render_scalar("a,b"), "a,b");
    }

    #[test]
    fn like_the_old_one_keeps_its_quotes() {
        assert_eq!(render_like("'old'", "it's"), "'it''s'");
        assert_eq!(render_like("\"old\"", "new"), "\"new\"");
        assert_eq!(render_like("old", "new"), "new");
        // A single-quoted scalar cannot hold a line break on one line.
        assert_eq!(render_like("'old'", "a\nb"), "\"a\\nb\"");
    }

    #[test]
    fn flow_values_stay_flow_safe() {
        assert_eq!(
            render_flow_value(&json!(["a,b", "c", 1, null])),
            r#"["a,b", c, 1, null]"#
        );
        let v = json!({"a b": [true, {"k": "x: y"}], "n": 1.5});
        let r = render_flow_value(&v);
        assert_eq!(r, r#"{a b: [true, {k: "x: y"}], n: 1.5}"#);
        assert_eq!(read_back(&r), v);
        assert_eq!(render_value(&json!("1")), "\"1\"");
        assert_eq!(render_value(&json!(1)), "1");
    }

    #[test]
    fn unquote_reads_both_quotings() {
        assert_eq!(unquote("'it''s'"), "it's");
        assert_eq!(unquote("\"a\\tb\""), "a\tb");
        assert_eq!(unquote(" plain "), "plain");
        assert_eq!(unquote("'"), "'");
    }
}
