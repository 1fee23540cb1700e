//! A decision procedure for the part of JSON Schema the embedded schemas
//! use, read straight from their text: `conforms` or `violates` when it
//! is sure, `None` when it is not.
//!
//! Why: compiling any schema with `jsonschema` first builds the draft
//! 2020-12 meta-schema's own validator, ~2.3 ms in every process, and the
//! pre-commit hook after a one-line edit has 10 ms in all (issue 11). An
//! entry that conforms (nearly every one) needs no message, so this
//! answers it without compiling anything; a violation, or anything this
//! does not decide, goes to `jsonschema`, which words the messages. The
//! answers are exact, never approximate: a keyword, pattern or number this
//! does not know for certain gives `None`, and a unit test compares both
//! answers on generated documents for every embedded schema.

use serde_json::{Map, Value};

/// Does `instance` conform to `schema` (whose `$ref`s point into `root`)?
/// `None`: not decided here.
pub fn conforms(root: &Value, schema: &Value, instance: &Value) -> Option<bool> {
    match schema {
        Value::Bool(b) => Some(*b),
        Value::Object(keywords) => object_schema(root, keywords, instance),
        _ => None,
    }
}

/// Every keyword of an object schema must hold; one undecided keyword
/// leaves the whole undecided unless another already fails.
fn object_schema(root: &Value, schema: &Map<String, Value>, instance: &Value) -> Option<bool> {
    all_hold(
        schema
            .iter()
            .map(|(keyword, value)| keyword_holds(root, schema, keyword, value, instance)),
    )
}

/// One keyword of `schema` (whose siblings `then`, `else` and `properties`
/// it reads with) against `instance`.
fn keyword_holds(
    root: &Value,
    schema: &Map<String, Value>,
    keyword: &str,
    value: &Value,
    instance: &Value,
) -> Option<bool> {
    match keyword {
        // Annotations: they constrain nothing.
        "$schema" | "$id" | "$defs" | "title" | "description" | "$comment" => Some(true),
        "type" => type_holds(value, instance),
        "enum" => value
            .as_array()
            .and_then(|options| any_equal(options.iter(), instance)),
        "const" => any_equal(std::iter::once(value), instance),
        "$ref" => reference(root, value).and_then(|target| conforms(root, target, instance)),
        "allOf" => value
            .as_array()
            .and_then(|all| all_hold(all.iter().map(|s| conforms(root, s, instance)))),
        "if" => match conforms(root, value, instance) {
            Some(true) => schema
                .get("then")
                .map_or(Some(true), |then| conforms(root, then, instance)),
            Some(false) => schema
                .get("else")
                .map_or(Some(true), |other| conforms(root, other, instance)),
            None => None,
        },
        // Read with `if` (and without one, ignored).
        "then" | "else" => Some(true),
        "required" => required(value, instance),
        "properties" => properties(root, schema, instance),
        // Read with `properties` when there is one.
        "additionalProperties" if schema.contains_key("properties") => Some(true),
        "additionalProperties" => properties(root, schema, instance),
        "propertyNames" => match instance {
            Value::Object(map) => all_hold(
                map.keys()
                    .map(|k| conforms(root, value, &Value::String(k.clone()))),
            ),
            _ => Some(true),
        },
        "items" => match instance {
            Value::Array(items) => all_hold(items.iter().map(|i| conforms(root, value, i))),
            _ => Some(true),
        },
        "minItems" => match (instance, value.as_u64()) {
            (Value::Array(items), Some(min)) => Some(items.len() as u64 >= min),
            (Value::Array(_), None) => None,
            _ => Some(true),
        },
        "minLength" => match (instance, value.as_u64()) {
            (Value::String(s), Some(min)) => Some(s.chars().count() as u64 >= min),
            (Value::String(_), None) => None,
            _ => Some(true),
        },
        "minimum" | "maximum" => match instance {
            Value::Number(n) => match (n.as_i64(), value.as_i64()) {
                (Some(n), Some(bound)) if keyword == "minimum" => Some(n >= bound),
                (Some(n), Some(bound)) => Some(n <= bound),
                // u64 beyond i64, floats: not decided here.
                _ => None,
            },
            _ => Some(true),
        },
        "pattern" => match instance {
            Value::String(s) => value.as_str().and_then(|p| known_pattern(p, s)),
            _ => Some(true),
        },
        _ => None,
    }
}

/// `true`, `false` or undecided over several answers: one `false` decides.
fn all_hold(answers: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut decided = true;
    for a in answers {
        match a {
            Some(false) => return Some(false),
            Some(true) => {}
            None => decided = false,
        }
    }
    decided.then_some(true)
}

fn type_holds(types: &Value, instance: &Value) -> Option<bool> {
    let one = |t: &Value| -> Option<bool> {
        Some(match (t.as_str()?, instance) {
            ("object", Value::Object(_))
            | ("array", Value::Array(_))
            | ("string", Value::String(_))
            | ("boolean", Value::Bool(_))
            | ("null", Value::Null)
            | ("number", Value::Number(_)) => true,
            // 2020-12 counts 1.0 as an integer: floats are not decided here.
            ("integer", Value::Number(n)) if n.is_f64() => return None,
            ("integer", Value::Number(_)) => true,
            ("object" | "array" | "string" | "boolean" | "null" | "number" | "integer", _) => false,
            _ => return None,
        })
    };
    match types {
        Value::Array(types) => {
            let mut decided = true;
            for t in types {
                match one(t) {
                    Some(true) => return Some(true),
                    Some(false) => {}
                    None => decided = false,
                }
            }
            decided.then_some(false)
        }
        t => one(t),
    }
}

/// Whether any option equals `instance`, as JSON Schema defines equality.
fn any_equal<'a>(options: impl Iterator<Item = &'a Value>, instance: &Value) -> Option<bool> {
    let mut decided = true;
    for option in options {
        match json_equal(option, instance) {
            Some(true) => return Some(true),
            Some(false) => {}
            None => decided = false,
        }
    }
    decided.then_some(false)
}

/// JSON Schema's equality: numbers by value (`1` equals `1.0`), decided
/// here only between integers.
fn json_equal(a: &Value, b: &Value) -> Option<bool> {
    let integer = |n: &serde_json::Number| -> Option<i128> {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(integer(x)? == integer(y)?),
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_hold(x.iter().zip(y).map(|(x, y)| json_equal(x, y)))
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() || x.keys().any(|k| !y.contains_key(k)) {
                return Some(false);
            }
            all_hold(x.iter().map(|(k, v)| json_equal(v, &y[k])))
        }
        (a, b) => Some(a == b),
    }
}

/// `#/$defs/<name>` (the only form the embedded schemas use).
fn reference<'a>(root: &'a Value, target: &Value) -> Option<&'a Value> {
    let name = target.as_str()?.strip_prefix("#/$defs/")?;
    if name.contains(['/', '~', '%']) {
        return None;
    }
    root.get("$defs")?.get(name)
}

fn required(names: &Value, instance: &Value) -> Option<bool> {
    let Value::Object(map) = instance else {
        return Some(true);
    };
    let names = names.as_array()?;
    let mut decided = true;
    for n in names {
        match n.as_str() {
            Some(n) if !map.contains_key(n) => return Some(false),
            Some(_) => {}
            None => decided = false,
        }
    }
    decided.then_some(true)
}

/// `properties` and `additionalProperties` together: the second applies
/// to the keys the first does not name.
fn properties(root: &Value, schema: &Map<String, Value>, instance: &Value) -> Option<bool> {
    let Value::Object(map) = instance else {
        return Some(true);
    };
    if schema.contains_key("patternProperties") {
        return None;
    }
    let declared = match schema.get("properties") {
        Some(Value::Object(p)) => Some(p),
        Some(_) => return None,
        None => None,
    };
    let additional = schema.get("additionalProperties");
    all_hold(
        map.iter()
            .map(|(key, value)| match declared.and_then(|d| d.get(key)) {
                Some(sub) => conforms(root, sub, value),
                None => additional.map_or(Some(true), |a| conforms(root, a, value)),
            }),
    )
}

/// The patterns the embedded schemas use, matched by hand (ECMA-262
/// regular expressions, searched unanchored: these are all anchored, and
/// `$` matches only at the very end). Any other pattern: undecided.
fn known_pattern(pattern: &str, s: &str) -> Option<bool> {
    let b = s.as_bytes();
    let lower = |c: u8| c.is_ascii_lowercase();
    let digit = |c: u8| c.is_ascii_digit();
    Some(match pattern {
        // A canonical id: `^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$`.
        r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$" => {
            let mut parts = s.split('.');
            let head = parts.next().unwrap_or_default().as_bytes();
            let body = |p: &[u8]| p.iter().all(|&c| lower(c) || digit(c) || c == b'-');
            let mut rest = 0;
            let rest_ok = parts.all(|p| {
                rest += 1;
                let p = p.as_bytes();
                !p.is_empty() && (lower(p[0]) || digit(p[0])) && body(&p[1..])
            });
            !head.is_empty() && lower(head[0]) && body(&head[1..]) && rest_ok && rest > 0
        }
        // A date: `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`.
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" => {
            b.len() == 10
                && b.iter().enumerate().all(|(i, &c)| {
                    if i == 4 || i == 7 {
                        c == b'-'
                    } else {
                        digit(c)
                    }
                })
        }
        // A vector: `^D[0-6]/A[0-6]/C[0-6]/R[0-6]$`.
        r"^D[0-6]/A[0-6]/C[0-6]/R[0-6]$" => {
            let level = |c: u8| (b'0'..=b'6').contains(&c);
            b.len() == 11
                && b.iter().enumerate().all(|(i, &c)| match i {
                    0 => c == b'D',
                    3 => c == b'A',
                    6 => c == b'C',
                    9 => c == b'R',
                    2 | 5 | 8 => c == b'/',
                    _ => level(c),
                })
        }
        // A kind's name: `^[a-z][a-z0-9_]*$`.
        r"^[a-z][a-z0-9_]*$" => {
            !b.is_empty()
                && lower(b[0])
                && b[1..].iter().all(|&c| lower(c) || digit(c) || c == b'_')
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
