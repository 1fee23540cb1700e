use super::*;
use crate::schema::{SchemaKind, document, validator};
use serde_json::json;

const KINDS: [SchemaKind; 4] = [
    SchemaKind::Entry,
    SchemaKind::Index,
    SchemaKind::Config,
    SchemaKind::Patch,
];

/// A small deterministic generator (xorshift): the same cases every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Strings on each pattern's edges: matches first, then near misses (a
/// trailing newline, which `$` must not accept; non-ASCII look-alikes).
fn samples(pattern: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match pattern {
        r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$" => (
            &["a.b", "ab-c.d0", "billing.invoices", "a.0b.c-"],
            &[
                "a", "A.b", "a..b", "a.b.", "a.b\n", "-a.b", "a.-b", "é.b", "a.b c", "a_b.c",
                ".a.b",
            ],
        ),
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" => (
            &["2026-12-01", "0000-00-00"],
            &[
                "2026-1-01",
                "2026-12-01\n",
                "20261-2-01",
                "abcd-ef-gh",
                "２０２６-12-01",
                "2026-12-011",
                "",
                "2026/12/01",
            ],
        ),
        r"^D[0-6]/A[0-6]/C[0-6]/R[0-6]$" => (
            &["D1/A2/C3/R4", "D0/A0/C0/R6"],
            &[
                "D7/A2/C3/R4",
                "D1/A2/C3/R4\n",
                "d1/a2/c3/r4",
                "D1-A2-C3-R4",
                "D1/A2/C3",
                "D1/A2/C3/R4/",
                "",
            ],
        ),
        r"^[a-z][a-z0-9_]*$" => (
            &["abc", "a_b9", "module_instance"],
            &["A", "", "a-b", "_a", "abc\n", "ä"],
        ),
        _ => (&["x"], &[""]),
    }
}

/// A string for `pattern`: one that matches, or with `wild` maybe not.
fn sample(rng: &mut Rng, pattern: &str, wild: bool) -> String {
    let (good, bad) = samples(pattern);
    let from = if wild && rng.chance(40) { bad } else { good };
    rng.pick(from).to_string()
}

const ODD_STRINGS: [&str; 6] = ["", "a", "x y", "é", "line\n", "  "];

/// Junk of every JSON type, for mutations.
fn junk(rng: &mut Rng) -> Value {
    rng.pick(&[
        json!(null),
        json!(true),
        json!(-1),
        json!(0),
        json!(3),
        json!(7),
        json!(1.0),
        json!(2.5),
        json!(u64::MAX),
        json!("s"),
        json!(""),
        json!([]),
        json!(["a"]),
        json!({}),
        json!({"zzz": 1}),
    ])
    .clone()
}

/// An instance shaped by `schema`: what it asks for, or with `wild`
/// sometimes not.
fn generate(rng: &mut Rng, root: &Value, schema: &Value, depth: usize, wild: bool) -> Value {
    let odd = |rng: &mut Rng, percent| wild && rng.chance(percent);
    let Some(s) = schema.as_object() else {
        return junk(rng);
    };
    if depth > 8 {
        return junk(rng);
    }
    if let Some(target) = s.get("$ref").and_then(|r| reference(root, r)) {
        return generate(rng, root, target, depth + 1, wild);
    }
    if let Some(options) = s.get("enum").and_then(Value::as_array) {
        return if odd(rng, 10) {
            junk(rng)
        } else {
            rng.pick(options).clone()
        };
    }
    if let Some(c) = s.get("const") {
        return if odd(rng, 15) { junk(rng) } else { c.clone() };
    }
    if let Some(first) = s
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        && !s.contains_key("type")
        && !s.contains_key("properties")
    {
        return generate(rng, root, first, depth + 1, wild);
    }
    let ty = match s.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts[rng.below(ts.len())].as_str().unwrap_or("null"),
        _ if s.contains_key("properties") => "object",
        _ => return junk(rng),
    };
    match ty {
        "object" => {
            let mut map = Map::new();
            let required: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(Value::Object(props)) = s.get("properties") {
                for (k, sub) in props {
                    if required.contains(&k.as_str()) || rng.chance(50) {
                        map.insert(k.clone(), generate(rng, root, sub, depth + 1, wild));
                    }
                }
            }
            if let Some(extra) = s.get("additionalProperties").filter(|a| a.is_object()) {
                for _ in 0..rng.below(3) {
                    let key = match s.get("propertyNames").and_then(|p| p.get("pattern")) {
                        Some(Value::String(p)) => sample(rng, p, wild),
                        _ => rng.pick(&["tests", "extra", "Odd key", ""]).to_string(),
                    };
                    map.insert(key, generate(rng, root, extra, depth + 1, wild));
                }
            }
            Value::Object(map)
        }
        "array" => {
            let n = rng.below(4);
            let items = s.get("items").cloned().unwrap_or(Value::Bool(true));
            Value::Array(
                (0..n)
                    .map(|_| generate(rng, root, &items, depth + 1, wild))
                    .collect(),
            )
        }
        "string" => match s.get("pattern").and_then(Value::as_str) {
            Some(_) if odd(rng, 10) => Value::String(rng.pick(&ODD_STRINGS).to_string()),
            Some(p) => Value::String(sample(rng, p, wild)),
            None if odd(rng, 30) => Value::String(rng.pick(&ODD_STRINGS).to_string()),
            None => Value::String(format!("text {}", rng.below(100))),
        },
        "integer" | "number" => {
            let lo = s.get("minimum").and_then(Value::as_i64).unwrap_or(0);
            let hi = s.get("maximum").and_then(Value::as_i64).unwrap_or(lo + 10);
            match if wild { rng.below(10) } else { 9 } {
                0 => json!(lo - 1),
                1 => json!(hi + 1),
                2 => json!(lo as f64),
                3 => json!(u64::MAX),
                _ => json!(lo + rng.below((hi - lo + 1) as usize) as i64),
            }
        }
        "boolean" => json!(rng.chance(50)),
        "null" => Value::Null,
        _ => junk(rng),
    }
}

/// Replace, remove or add one thing somewhere in `v`.
fn mutate(rng: &mut Rng, v: &mut Value) {
    match v {
        Value::Object(map) if !map.is_empty() && rng.chance(70) => {
            let i = rng.below(map.len());
            match rng.below(4) {
                0 => {
                    let key = map.keys().nth(i).cloned().unwrap_or_default();
                    map.shift_remove(&key);
                }
                1 => {
                    map.insert("zzz_unknown".into(), junk(rng));
                }
                _ => {
                    let (_, child) = map.iter_mut().nth(i).expect("in range");
                    mutate(rng, child);
                }
            }
        }
        Value::Array(items) if !items.is_empty() && rng.chance(70) => {
            let i = rng.below(items.len());
            mutate(rng, &mut items[i]);
        }
        _ => *v = junk(rng),
    }
}

/// Where the subset decides, it answers as `jsonschema` does, on every
/// embedded schema; and it decides most of what conforms (else the hook
/// would compile the schema after all).
#[test]
fn decides_as_jsonschema_does() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for kind in KINDS {
        let root = document(kind);
        let full = validator(kind);
        let (mut valid, mut valid_decided, mut invalid, mut invalid_decided) = (0, 0, 0, 0);
        for case in 0..3000 {
            // A third as the schema asks, a third wild, a third mutated.
            let mut instance = generate(&mut rng, root, root, 0, case % 3 == 1);
            if case % 3 == 2 {
                for _ in 0..=rng.below(2) {
                    mutate(&mut rng, &mut instance);
                }
            }
            let truth = full.is_valid(&instance);
            let answer = conforms(root, root, &instance);
            if let Some(answer) = answer {
                assert_eq!(
                    answer, truth,
                    "{kind:?}: the subset answered {answer} for {instance:#}"
                );
            }
            if truth {
                valid += 1;
                valid_decided += usize::from(answer.is_some());
            } else {
                invalid += 1;
                invalid_decided += usize::from(answer.is_some());
            }
        }
        // Both answers came up often, and were mostly decided here.
        assert!(
            valid >= 300 && invalid >= 300,
            "{kind:?}: {valid} valid, {invalid} invalid"
        );
        assert!(
            valid_decided * 10 >= valid * 9,
            "{kind:?}: decided only {valid_decided} of {valid} conforming documents"
        );
        assert!(
            invalid_decided * 2 >= invalid,
            "{kind:?}: decided only {invalid_decided} of {invalid} violating documents"
        );
    }
}

/// Every keyword and pattern in the embedded schemas is one the subset
/// reads: a new one would silently send every document to `jsonschema`.
#[test]
fn knows_every_keyword_of_the_embedded_schemas() {
    fn walk(root: &Value, schema: &Value, seen: &mut usize) {
        let Some(map) = schema.as_object() else {
            return;
        };
        for (k, v) in map {
            *seen += 1;
            let known = [
                "$schema",
                "$id",
                "$defs",
                "title",
                "description",
                "$comment",
                "type",
                "enum",
                "const",
                "$ref",
                "allOf",
                "if",
                "then",
                "else",
                "required",
                "properties",
                "additionalProperties",
                "propertyNames",
                "items",
                "minItems",
                "minLength",
                "minimum",
                "maximum",
                "pattern",
            ];
            assert!(
                known.contains(&k.as_str()),
                "keyword {k} is not read by the subset"
            );
            match k.as_str() {
                "pattern" => {
                    let p = v.as_str().expect("a pattern is a string");
                    assert!(known_pattern(p, "").is_some(), "pattern {p} is not known");
                }
                "$ref" => assert!(reference(root, v).is_some(), "$ref {v} does not resolve"),
                "properties" | "$defs" => {
                    for sub in v.as_object().expect("a map of schemas").values() {
                        walk(root, sub, seen);
                    }
                }
                "enum" | "const" | "required" | "description" | "title" | "$schema" | "$id" => {}
                _ => match v {
                    Value::Array(subs) => subs.iter().for_each(|s| walk(root, s, seen)),
                    other => walk(root, other, seen),
                },
            }
        }
    }
    for kind in KINDS {
        let root = document(kind);
        let mut seen = 0;
        walk(root, root, &mut seen);
        assert!(seen > 10, "{kind:?}: only {seen} keywords walked");
    }
}

/// A full entry, as people write them, is decided here (the hook's case).
#[test]
fn a_full_entry_conforms_without_jsonschema() {
    let entry = json!({
        "id": "billing.invoices", "title": "Invoices", "summary": "Bills.", "owner": "team-a",
        "status": "active", "aliases": ["billing.bills"], "surface": ["src/billing/**"],
        "maturity": {"D": {"current": 2, "target": 3}, "A": {"current": 1}, "C": {"current": 0}, "R": {"current": 4}},
        "evidence": {"tests": ["tests/billing.rs"], "documentation": [], "benchmarks": ["bench/b.sh"]},
        "availability": {"current_artifacts": ["crate:billing"], "other": 1},
        "relations": {"depends_on": ["core.money"], "extends": [], "overlaps": [], "supersedes": []},
        "promotion_history": [{"date": "2026-11-30", "dimension": "D", "from": 1, "to": 2, "evidence": ["docs/x.md"], "by": "me"}],
        "consumer_feedback": [{"date": "2026-11-30", "consumer": "team-b", "note": "ok"}],
        "notes": null, "updated": "2026-12-01"
    });
    let root = document(SchemaKind::Entry);
    assert_eq!(conforms(root, root, &entry), Some(true));
    assert!(validator(SchemaKind::Entry).is_valid(&entry));
    let mut bad = entry.clone();
    bad["maturity"]["D"]["current"] = json!(7);
    assert_eq!(conforms(root, root, &bad), Some(false));
}
