//! The JSON Schemas that define the registry's files, embedded in the binary
//! so validation needs no source tree, compiled once per process.

use serde_json::Value;
use std::sync::OnceLock;

/// Which document a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    Entry,
    Index,
    Config,
    Patch,
}

/// The schema texts, by kind (also used by `maintain` to send the patch
/// schema to the LLM bridge).
pub fn text(kind: SchemaKind) -> &'static str {
    match kind {
        SchemaKind::Entry => include_str!("../../schemas/entry.schema.json"),
        SchemaKind::Index => include_str!("../../schemas/index.schema.json"),
        SchemaKind::Config => include_str!("../../schemas/config.schema.json"),
        SchemaKind::Patch => include_str!("../../schemas/registry-patch.schema.json"),
    }
}

mod subset;

/// A schema's text parsed, once per process: what [`subset`] reads.
fn document(kind: SchemaKind) -> &'static Value {
    static CELLS: [OnceLock<Value>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    CELLS[slot(kind)]
        .get_or_init(|| serde_json::from_str(text(kind)).expect("embedded schema is JSON"))
}

fn slot(kind: SchemaKind) -> usize {
    match kind {
        SchemaKind::Entry => 0,
        SchemaKind::Index => 1,
        SchemaKind::Config => 2,
        SchemaKind::Patch => 3,
    }
}

fn validator(kind: SchemaKind) -> &'static jsonschema::Validator {
    static CELLS: [OnceLock<jsonschema::Validator>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    CELLS[slot(kind)].get_or_init(|| {
        jsonschema::draft202012::new(document(kind)).expect("embedded schema compiles")
    })
}

/// One schema violation: where in the instance, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer into the instance (`/maturity/D/current`).
    pub pointer: String,
    pub message: String,
}

/// Validate `instance`; an empty result means it conforms. What conforms
/// is answered without compiling the schema where [`subset`] can decide.
pub fn validate(kind: SchemaKind, instance: &Value) -> Vec<Violation> {
    let root = document(kind);
    if subset::conforms(root, root, instance) == Some(true) {
        return Vec::new();
    }
    let v = validator(kind);
    if v.is_valid(instance) {
        return Vec::new();
    }
    v.iter_errors(instance)
        .map(|e| Violation {
            pointer: e.instance_path().as_str().to_string(),
            message: shorten(&e.to_string()),
        })
        .collect()
}

/// Schema messages can quote whole sub-documents; keep them to one line.
pub fn shorten(message: &str) -> String {
    let one_line: String = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 160 {
        let cut: String = one_line.chars().take(157).collect();
        format!("{cut}...")
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_schemas_compile_and_reject_junk() {
        for kind in [
            SchemaKind::Entry,
            SchemaKind::Index,
            SchemaKind::Config,
            SchemaKind::Patch,
        ] {
            let _ = validator(kind);
        }
        let bad = serde_json::json!({"id": "X", "title": "t", "status": "active",
            "maturity": {"D": {"current": 9}, "A": {"current": 0}, "C": {"current": 0}, "R": {"current": 0}}});
        let v = validate(SchemaKind::Entry, &bad);
        assert!(v.iter().any(|v| v.pointer == "/id"), "{v:?}");
        assert!(
            v.iter().any(|v| v.pointer == "/maturity/D/current"),
            "{v:?}"
        );
    }
}
