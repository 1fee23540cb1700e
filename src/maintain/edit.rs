//! `[e]dit`: the values a patch writes, as a small YAML document opened in
//! the user's editor (`$VISUAL`, `$EDITOR`, else `vi`, run through `sh` as
//! git runs it), read back with the registry's strict YAML parser. Only the
//! kind's own values are offered, so an edit cannot widen what a patch
//! touches; the edited patch then passes the gates again.

use crate::patches::{Origin, Patch, PatchKind};
use serde_json::Value;
use std::path::PathBuf;

/// Whether a person may edit this patch: derived kinds (index rows, dates,
/// alias fixes) follow from the entries and are changed there instead.
pub fn editable(p: &Patch) -> bool {
    !matches!(
        p.kind,
        PatchKind::VectorSync
            | PatchKind::IndexRowAdd
            | PatchKind::IndexDateBump
            | PatchKind::AliasCanonicalize
    )
}

/// The keys a kind's snippet holds.
fn keys(kind: PatchKind) -> &'static [&'static str] {
    match kind {
        PatchKind::MaturityPromote => &["to", "evidence_citations", "rationale"],
        PatchKind::ConsumerFeedback => &["consumer", "note"],
        _ => &["append"],
    }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("string serialises")
}

/// The snippet offered in the editor.
pub fn snippet(p: &Patch) -> String {
    let field = p.field_path.as_deref().unwrap_or(p.kind.as_str());
    let mut out = format!(
        "# reuse-surface maintain: {} for {} ({field}).\n\
         # Edit the values below, save and quit. Keys: {}.\n",
        p.kind.as_str(),
        p.capability_id,
        keys(p.kind).join(", ")
    );
    match p.kind {
        PatchKind::MaturityPromote => {
            let dim = p.dimension.as_deref().unwrap_or("?");
            out.push_str(&format!(
                "# {dim} is promoted from {}.\n",
                p.from.unwrap_or(0)
            ));
            out.push_str(&format!("to: {}\n", p.to.unwrap_or(0)));
            let cites: Vec<String> = p.evidence_citations.iter().map(|c| quoted(c)).collect();
            out.push_str(&format!("evidence_citations: [{}]\n", cites.join(", ")));
            out.push_str(&format!("rationale: {}\n", quoted(&p.rationale)));
        }
        PatchKind::ConsumerFeedback => {
            let (consumer, note) = feedback(p);
            out.push_str(&format!("consumer: {}\n", quoted(&consumer)));
            out.push_str(&format!("note: {}\n", quoted(&note)));
        }
        _ => out.push_str(&format!(
            "append: {}\n",
            quoted(p.append.as_deref().unwrap_or_default())
        )),
    }
    out
}

/// A consumer_feedback patch's (consumer, note), wherever it carries them.
pub fn feedback(p: &Patch) -> (String, String) {
    let get = |k: &str| {
        p.set
            .as_ref()
            .and_then(|s| s.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let note = p.append.clone().or_else(|| get("note")).unwrap_or_default();
    (get("consumer").unwrap_or_else(|| "unknown".into()), note)
}

/// The patch with the edited snippet's values; `Err` says what is wrong
/// with the text (it is then asked about again, unchanged).
pub fn apply_snippet(p: &Patch, text: &str) -> Result<Patch, String> {
    let value =
        crate::yaml::parse(text).map_err(|e| format!("the edited text does not parse: {e}"))?;
    let Value::Object(map) = value else {
        return Err("the edited text must be a mapping of the keys shown".into());
    };
    let allowed = keys(p.kind);
    if let Some(k) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!(
            "`{k}` is not a value this patch writes (keys: {})",
            allowed.join(", ")
        ));
    }
    let string = |k: &str| -> Result<String, String> {
        match map.get(k) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(format!("`{k}` must be a string")),
            None => Err(format!("`{k}` is missing")),
        }
    };
    let mut edited = p.clone();
    match p.kind {
        PatchKind::MaturityPromote => {
            let to = map
                .get("to")
                .and_then(Value::as_u64)
                .filter(|n| *n <= 6)
                .ok_or("`to` must be a level from 0 to 6")?;
            edited.to = Some(to as u8);
            edited.evidence_citations = match map.get("evidence_citations") {
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|i| i.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or("`evidence_citations` must be a list of paths")?,
                _ => return Err("`evidence_citations` must be a list of paths".into()),
            };
            edited.rationale = string("rationale")?;
        }
        PatchKind::ConsumerFeedback => {
            edited.append = Some(string("note")?);
            edited.set = Some(serde_json::json!({ "consumer": string("consumer")? }));
        }
        _ => edited.append = Some(string("append")?),
    }
    if edited != *p {
        // A person's change: no longer the collector's (nor the model's).
        edited.source = Origin::Human;
        edited.safe = false;
    }
    Ok(edited)
}

/// Open `text` in the user's editor and return what they saved.
pub fn run_editor(text: &str) -> Result<String, String> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".into());
    let path = temp_path();
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(&editor)
        .arg(&path)
        .status();
    let result = match status {
        Ok(s) if s.success() => std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {} back: {e}", path.display())),
        Ok(s) => Err(format!(
            "the editor `{editor}` exited with {s}; patch unchanged"
        )),
        Err(e) => Err(format!("cannot start the editor `{editor}`: {e}")),
    };
    let _ = std::fs::remove_file(&path);
    result
}

fn temp_path() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "reuse-surface-patch-{}-{}.yaml",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn promote() -> Patch {
        let mut p = Patch::deterministic("capability.a.b", PatchKind::MaturityPromote, "r");
        p.source = Origin::Llm;
        p.safe = false;
        p.dimension = Some("R".into());
        p.from = Some(2);
        p.to = Some(3);
        p.evidence_citations = vec!["tests/a.rs".into()];
        p
    }

    #[test]
    fn snippet_round_trips_unchanged() {
        let p = promote();
        assert_eq!(apply_snippet(&p, &snippet(&p)).unwrap(), p);
        let mut e = Patch::deterministic("capability.a.b", PatchKind::EvidenceAppend, "r");
        e.append = Some("docs/a \"quoted\".md".into());
        assert_eq!(apply_snippet(&e, &snippet(&e)).unwrap(), e);
    }

    #[test]
    fn edits_become_human_and_bad_edits_are_errors() {
        let p = promote();
        let edited = apply_snippet(&p, &snippet(&p).replace("to: 3", "to: 4")).unwrap();
        assert_eq!(edited.to, Some(4));
        assert_eq!(edited.source, Origin::Human);
        assert!(
            apply_snippet(&p, "to: [")
                .unwrap_err()
                .contains("does not parse")
        );
        assert!(apply_snippet(&p, "to: 9\nevidence_citations: []\nrationale: x\n").is_err());
        let extra = format!("{}owner: me\n", snippet(&p));
        assert!(apply_snippet(&p, &extra).unwrap_err().contains("`owner`"));
        assert!(apply_snippet(&p, "- a\n").is_err());
    }
}
