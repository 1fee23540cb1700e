//! The two wire protocols (SPEC §7): what is POSTed where, and how the
//! patch document is dug out of the answer. Kept apart from the transport
//! so each malformed answer maps to its own message and can be tested
//! without a socket.

use super::error::excerpt;
use super::{Api, Request};
use crate::schema::SchemaKind;
use serde_json::{Value, json};
use std::sync::OnceLock;

/// What the OpenAI-compatible backend is told before the prompt: the
/// answer is a machine-read document, so no prose and no fences.
const SYSTEM: &str = "You maintain a capability registry. Answer with exactly one JSON document \
that matches the given JSON Schema: no prose, no Markdown.";

/// How many characters of an unusable string the messages quote.
const QUOTE: usize = 40;

/// The patch schema as JSON, parsed once: both protocols send it along so
/// the model (or the bridge) can constrain its output.
pub(crate) fn patch_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(crate::schema::text(SchemaKind::Patch))
            .expect("embedded schema is JSON")
    })
}

/// The path the protocol POSTs to, below the base URL.
pub(crate) fn path(api: Api) -> &'static str {
    match api {
        Api::Connect => "/execute",
        Api::OpenAi => "/chat/completions",
    }
}

/// The request body for one capability.
pub(crate) fn request_body(api: Api, model: &str, req: &Request) -> Vec<u8> {
    let body = match api {
        Api::Connect => json!({
            "prompt": req.prompt,
            "schema": patch_schema(),
            "capability_id": req.capability_id,
        }),
        Api::OpenAi => json!({
            "model": model,
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": req.prompt},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "registry_patches", "schema": patch_schema()},
            },
            "temperature": 0,
        }),
    };
    serde_json::to_vec(&body).expect("a JSON value serialises")
}

/// The patch document inside a 2xx answer's bytes, checked to be an object
/// with a `patches` array. `Err` is the end of a sentence that starts with
/// "the bridge at URL ".
pub(crate) fn document(api: Api, body: &[u8]) -> Result<Value, String> {
    let answer: Value = serde_json::from_slice(body).map_err(|_| {
        if body.iter().all(u8::is_ascii_whitespace) {
            "answered with an empty body, not JSON".to_string()
        } else {
            format!(
                "answered with a body that is not JSON: `{}`",
                excerpt(body, QUOTE)
            )
        }
    })?;
    let doc = match api {
        Api::Connect => connect_output(answer)?,
        Api::OpenAi => openai_content(answer)?,
    };
    check_document(doc)
}

/// Connect: `output` holds the document, as an object or a string of JSON.
fn connect_output(mut answer: Value) -> Result<Value, String> {
    let Some(output) = answer.get_mut("output").map(Value::take) else {
        return Err(format!(
            "answered a JSON {} without an `output` field",
            describe(&answer)
        ));
    };
    match output {
        Value::String(text) => parse_embedded(&text, "an `output` string"),
        other => Ok(other),
    }
}

/// OpenAI-compatible: the document is the JSON string in
/// `choices[0].message.content`; a refusal is reported as one.
fn openai_content(answer: Value) -> Result<Value, String> {
    let message = answer.pointer("/choices/0/message");
    if let Some(content) = message
        .and_then(|m| m.get("content"))
        .and_then(Value::as_str)
    {
        return parse_embedded(content, "a `choices[0].message.content`");
    }
    if let Some(refusal) = message
        .and_then(|m| m.get("refusal"))
        .and_then(Value::as_str)
    {
        return Err(format!(
            "answered with a refusal: `{}`",
            excerpt(refusal.as_bytes(), QUOTE * 2)
        ));
    }
    Err(format!(
        "answered a JSON {} without a `choices[0].message.content` string",
        describe(&answer)
    ))
}

/// Parse a string that should hold the document; models sometimes wrap it
/// in a Markdown fence despite being told not to, so one fence is peeled.
fn parse_embedded(text: &str, what: &str) -> Result<Value, String> {
    serde_json::from_str(strip_fence(text)).map_err(|_| {
        let shown = excerpt(text.as_bytes(), QUOTE);
        format!("answered {what} that is not JSON: `{shown}`")
    })
}

fn strip_fence(text: &str) -> &str {
    let t = text.trim();
    let Some(inner) = t.strip_prefix("```").and_then(|r| r.strip_suffix("```")) else {
        return t;
    };
    match inner.split_once('\n') {
        // The first line is the info string (`json`), possibly empty.
        Some((info, body)) if !info.trim_start().starts_with(['{', '[']) => body.trim(),
        _ => inner.trim(),
    }
}

/// The caller gates each patch against the schema; here only the shape
/// every caller relies on: an object with a `patches` array.
pub(crate) fn check_document(doc: Value) -> Result<Value, String> {
    match doc.get("patches") {
        Some(Value::Array(_)) => Ok(doc),
        Some(other) => Err(format!(
            "answered a patch document whose `patches` is a JSON {}, not an array",
            describe(other)
        )),
        None if doc.is_object() => {
            Err("answered a patch document without a `patches` array".to_string())
        }
        None => Err(format!(
            "answered a patch document that is a JSON {}, not an object with a `patches` array",
            describe(&doc)
        )),
    }
}

/// A JSON value's kind, for messages ("a JSON array").
fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
