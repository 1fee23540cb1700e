//! Turning patches into new file texts, edited in place (only the touched
//! lines change), and writing them as one atomic, validated batch.

use super::{Patch, PatchKind};
use crate::check::Check;
use crate::model::IndexRow;
use crate::registry::{self, Registry, Source};
use crate::yaml::{Editor, Seg, render_flow_scalar};
use std::collections::BTreeMap;

/// The outcome of planning: new texts per file, and what was left out.
#[derive(Debug, Default)]
pub struct Plan {
    /// path → (old text, new text), registry-root relative.
    pub files: BTreeMap<String, (String, String)>,
    pub applied: Vec<Patch>,
    pub skipped: Vec<(Patch, String)>,
}

impl Plan {
    /// The bytes to write for each changed file (BOM restored).
    pub fn outputs(&self, reg: &Registry) -> BTreeMap<String, Vec<u8>> {
        self.files
            .iter()
            .filter(|(_, (old, new))| old != new)
            .map(|(path, (_, new))| {
                let bom = reg.source(path).is_some_and(|s| s.bom);
                let mut bytes = if bom {
                    "\u{feff}".as_bytes().to_vec()
                } else {
                    Vec::new()
                };
                bytes.extend_from_slice(new.as_bytes());
                (path.clone(), bytes)
            })
            .collect()
    }

    /// A unified diff of one file, for showing a patch to a person.
    pub fn diff(&self, path: &str) -> String {
        let Some((old, new)) = self.files.get(path) else {
            return String::new();
        };
        unified_diff(path, old, new)
    }
}

/// A unified diff of one file's change, headed like git's.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Front matter being edited: the YAML in an editor plus the fixed parts.
struct EntryEdit {
    head: String,
    editor: Editor,
    tail: String,
    old: String,
}

impl EntryEdit {
    fn from(source: &Source) -> Self {
        EntryEdit {
            head: source.text[..source.yaml.start].to_string(),
            editor: Editor::new(source.yaml_text()),
            tail: source.text[source.yaml.end..].to_string(),
            old: source.text.clone(),
        }
    }

    fn text(&self) -> String {
        format!("{}{}{}", self.head, self.editor.text(), self.tail)
    }
}

fn field_segs(field_path: &str) -> Vec<Seg> {
    field_path.split('.').map(Seg::key).collect()
}

/// Plan `patches` against the registry's current texts. Patches that
/// cannot be applied are skipped with a reason; the rest edit in place.
pub fn plan(reg: &Registry, patches: &[Patch], today: &str) -> Plan {
    let mut plan = Plan::default();
    // Entry-level patches first: index rows are derived from entries.
    let entry_edits = plan_entry_patches(reg, patches, today, &mut plan);
    let edited = EditedEntries::of(&entry_edits);
    let index_patches: Vec<&Patch> = patches.iter().filter(|p| p.kind.targets_index()).collect();
    let follow_ups = index_follow_ups(reg, &index_patches, &edited);
    super::index_rows::plan_index_patches(
        reg,
        index_patches,
        &follow_ups,
        &edited.rederived,
        &mut plan,
    );
    for (path, edit) in entry_edits {
        let new = edit.text();
        plan.files.insert(path, (edit.old, new));
    }
    plan
}

/// Applies the entry-level patches, each to an editor of its entry's
/// front matter (one per file, shared by its patches), recording each
/// patch as applied or skipped in `plan`; returns the editors by path.
fn plan_entry_patches(
    reg: &Registry,
    patches: &[Patch],
    today: &str,
    plan: &mut Plan,
) -> BTreeMap<String, EntryEdit> {
    let path_of: BTreeMap<&str, &str> = reg
        .valid_entries()
        .map(|(p, e)| (e.id.as_str(), p))
        .collect();
    let mut entry_edits: BTreeMap<String, EntryEdit> = BTreeMap::new();
    for patch in patches.iter().filter(|p| !p.kind.targets_index()) {
        if !patch.within_allow_list() {
            plan.skipped.push((
                patch.clone(),
                format!(
                    "{} may not touch {:?}",
                    patch.kind.as_str(),
                    patch.field_path
                ),
            ));
            continue;
        }
        let Some(path) = path_of.get(patch.capability_id.as_str()) else {
            plan.skipped.push((
                patch.clone(),
                format!("no valid entry with id {}", patch.capability_id),
            ));
            continue;
        };
        let source = reg.source(path).expect("valid entry has a source");
        let edit = entry_edits
            .entry(path.to_string())
            .or_insert_with(|| EntryEdit::from(source));
        match apply_entry_patch(&mut edit.editor, patch, today) {
            Ok(()) => plan.applied.push(patch.clone()),
            Err(e) => plan.skipped.push((patch.clone(), e)),
        }
    }
    entry_edits
}

/// What the entries edited in this batch now derive: their index rows by
/// id, and the newest `updated` among them.
struct EditedEntries {
    rederived: BTreeMap<String, IndexRow>,
    newest: Option<String>,
}

impl EditedEntries {
    /// Re-parses each edited entry; one that no longer parses cleanly
    /// derives nothing.
    fn of(entry_edits: &BTreeMap<String, EntryEdit>) -> Self {
        let mut rederived: BTreeMap<String, IndexRow> = BTreeMap::new();
        let mut newest: Option<String> = None;
        for (path, edit) in entry_edits {
            let (loaded, problems) = registry::parse_entry(path, edit.text().as_bytes());
            if let (Some(e), true) = (loaded.entry, problems.is_empty()) {
                rederived.insert(e.id.clone(), e.derive_row(path));
                newest = newest.max(e.updated.clone());
            }
        }
        EditedEntries { rederived, newest }
    }
}

/// Entries edited in this batch whose row now drifts get a `vector_sync`
/// (unless the batch has one for them), and a newer entry date bumps the
/// index's date: the patches a person did not ask for but the edit needs.
fn index_follow_ups(
    reg: &Registry,
    index_patches: &[&Patch],
    edited: &EditedEntries,
) -> Vec<Patch> {
    reg.index
        .iter()
        .flat_map(|i| &i.capabilities)
        .filter_map(|row| {
            let derived = edited.rederived.get(&row.id)?;
            let drift = row.drift(derived);
            if drift.is_empty()
                || index_patches
                    .iter()
                    .any(|p| p.kind == PatchKind::VectorSync && p.capability_id == row.id)
            {
                return None;
            }
            let mut p =
                Patch::deterministic(&row.id, PatchKind::VectorSync, "entry edited in this batch");
            p.set = Some(serde_json::json!({}));
            Some(p)
        })
        .chain(index_date_follow_up(
            reg,
            index_patches,
            edited.newest.clone(),
        ))
        .collect()
}

/// A batch that dates an entry later than the index (a promotion sets the
/// entry's `updated`) bumps the index's date with it, unless the batch
/// already does: otherwise every promotion would leave `stale-index-date`.
fn index_date_follow_up(
    reg: &Registry,
    index_patches: &[&Patch],
    newest_edited: Option<String>,
) -> Option<Patch> {
    let newest = newest_edited?;
    let index = reg.index.as_ref()?;
    if index_patches
        .iter()
        .any(|p| p.kind == PatchKind::IndexDateBump)
        || index
            .updated
            .as_deref()
            .is_some_and(|u| u >= newest.as_str())
    {
        return None;
    }
    let mut p = Patch::deterministic(
        "",
        PatchKind::IndexDateBump,
        "an entry edited in this batch is newer than the index",
    );
    p.set = Some(newest.into());
    Some(p)
}

fn apply_entry_patch(editor: &mut Editor, patch: &Patch, today: &str) -> Result<(), String> {
    let field = patch.field_path.as_deref().unwrap_or_default();
    match patch.kind {
        PatchKind::EvidenceAppend | PatchKind::ArtifactAppend | PatchKind::RelationAdd => {
            let value = patch
                .append
                .as_deref()
                .ok_or("patch has no `append` value")?;
            editor.append_scalar(&field_segs(field), value)
        }
        PatchKind::AliasCanonicalize => {
            let r = patch.replace.as_ref().ok_or("patch has no `replace`")?;
            let current = crate::yaml::parse(editor.text()).map_err(|e| e.message)?;
            let list = field
                .split('.')
                .try_fold(&current, |v, k| v.get(k))
                .and_then(|v| v.as_array());
            let i = list
                .and_then(|l| l.iter().position(|v| v.as_str() == Some(r.from.as_str())))
                .ok_or_else(|| format!("`{}` is no longer in {field}", r.from))?;
            let mut segs = field_segs(field);
            segs.push(Seg::Index(i));
            editor.set_scalar(&segs, &r.to)
        }
        PatchKind::MaturityPromote => {
            let dim = patch.dimension.as_deref().ok_or("patch has no dimension")?;
            let to = patch.to.ok_or("patch has no `to`")?;
            let from = patch.from.ok_or("patch has no `from`")?;
            editor.set_rendered(
                &[Seg::key("maturity"), Seg::key(dim), Seg::key("current")],
                &to.to_string(),
            )?;
            let evidence: Vec<String> = patch
                .evidence_citations
                .iter()
                .map(|e| render_flow_scalar(e))
                .collect();
            let item = format!(
                "{{date: {today}, dimension: {dim}, from: {from}, to: {to}, evidence: [{}], by: {}, rationale: {}}}",
                evidence.join(", "),
                match patch.source {
                    super::Origin::Llm => "maintain-llm",
                    super::Origin::Human => "maintain",
                    super::Origin::Deterministic => "maintain",
                },
                serde_json::to_string(&patch.rationale).expect("string")
            );
            editor.append_rendered(&[Seg::key("promotion_history")], &item)?;
            editor.set_scalar(&[Seg::key("updated")], today)
        }
        PatchKind::ConsumerFeedback => {
            let note = patch
                .append
                .as_deref()
                .or_else(|| {
                    patch
                        .set
                        .as_ref()
                        .and_then(|s| s.get("note"))
                        .and_then(|n| n.as_str())
                })
                .unwrap_or(&patch.rationale);
            let consumer = patch
                .set
                .as_ref()
                .and_then(|s| s.get("consumer"))
                .and_then(|c| c.as_str())
                .unwrap_or("unknown");
            let item = format!(
                "{{date: {today}, consumer: {}, note: {}}}",
                render_flow_scalar(consumer),
                serde_json::to_string(note).expect("string")
            );
            editor.append_rendered(&[Seg::key("consumer_feedback")], &item)
        }
        _ => Err(format!("{} is not an entry patch", patch.kind.as_str())),
    }
}

/// Today's date as `YYYY-MM-DD` (UTC), without a date crate.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    civil_from_days(secs.div_euclid(86_400))
}

/// Howard Hinnant's days-to-civil algorithm.
pub fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

/// Validate the planned result and write it atomically under `root`.
///
/// The result is checked on an overlay of `base` (the snapshot the plan was
/// made from): see [`verify`]. Any failure leaves every file untouched.
/// Returns the problems of the written result (`None`: nothing to write),
/// so a caller that reports them need not load the registry again.
pub fn commit(
    root: &std::path::Path,
    reg: &Registry,
    plan: &Plan,
    base: &dyn crate::snapshot::Snapshot,
) -> crate::Result<Option<Vec<crate::diagnostics::Problem>>> {
    let mut outputs = plan.outputs(reg);
    with_catalog(reg, &mut outputs, base)?;
    if outputs.is_empty() {
        return Ok(None);
    }
    let files: Vec<crate::atomic::PendingFile> = outputs
        .iter()
        .map(|(path, bytes)| crate::atomic::PendingFile {
            target: root.join(path),
            bytes: bytes.clone(),
        })
        .collect();
    let mut after = None;
    crate::atomic::write_batch(&files, || {
        after = Some(verify_outputs(reg, &outputs, base)?);
        Ok(())
    })?;
    Ok(after)
}

/// Add the regenerated `registry/CATALOG.md` to `outputs` when `base`
/// holds a generated page that the patched registry no longer matches
/// (SPEC's derived views are kept in step with the entries, as the index
/// is). Reads the patched registry only when there is a page.
pub fn with_catalog(
    reg: &Registry,
    outputs: &mut BTreeMap<String, Vec<u8>>,
    base: &dyn crate::snapshot::Snapshot,
) -> crate::Result<()> {
    if !crate::catalog::has_generated_page(base) {
        return Ok(());
    }
    let page = if outputs.is_empty() {
        crate::catalog::regenerated(reg, base)
    } else {
        let overlay = crate::snapshot::Overlay::new(base, outputs.clone());
        crate::catalog::regenerated(&registry::load(&overlay)?, base)
    };
    if let Some(page) = page {
        outputs.insert(crate::catalog::CATALOG_PATH.to_string(), page);
    }
    Ok(())
}

/// Whether the planned result may be written: the edited files must parse
/// and pass the schema, and the batch may not add errors (a registry that
/// already has errors can still be repaired). Writes nothing; `maintain`
/// asks this before it accepts a patch into its batch.
pub fn verify(
    reg: &Registry,
    plan: &Plan,
    base: &dyn crate::snapshot::Snapshot,
) -> crate::Result<()> {
    verify_outputs(reg, &plan.outputs(reg), base).map(|_| ())
}

/// The checks of the planned result, or why it may not be written.
fn verify_outputs(
    reg: &Registry,
    outputs: &BTreeMap<String, Vec<u8>>,
    base: &dyn crate::snapshot::Snapshot,
) -> crate::Result<Vec<crate::diagnostics::Problem>> {
    if outputs.is_empty() {
        return Ok(crate::checks::run(reg, base));
    }
    let before = crate::checks::run(reg, base);
    let errors_before = error_counts(&before);
    let overlay = crate::snapshot::Overlay::new(base, outputs.clone());
    let after_reg = registry::load(&overlay)?;
    let after = crate::checks::run(&after_reg, &overlay);
    if let Some(p) = after.iter().find(|p| {
        matches!(p.check, Check::ParseError | Check::Schema)
            && p.file.as_ref().is_some_and(|f| outputs.contains_key(f))
    }) {
        return Err(crate::Error::Invalid(format!(
            "refusing to write: the patched {} would not be valid ({}: {})",
            p.file.as_deref().unwrap_or("file"),
            p.check,
            p.message
        )));
    }
    // Compare per (check, file, capability), not in total: a batch that
    // fixes one error must not be able to smuggle in another.
    let errors_after = error_counts(&after);
    for (key, n) in &errors_after {
        if *n > errors_before.get(key).copied().unwrap_or(0) {
            let p = after
                .iter()
                .find(|p| p.severity == crate::diagnostics::Severity::Error && error_key(p) == *key)
                .expect("counted");
            return Err(crate::Error::Invalid(format!(
                "refusing to write: the patches would add an error ({}[{}] in {}: {})",
                p.severity.as_str(),
                p.check,
                p.file.as_deref().unwrap_or("the registry"),
                p.message
            )));
        }
    }
    Ok(after)
}

type ErrorKey<'a> = (Check, Option<&'a str>, Option<&'a str>);

fn error_key(p: &crate::diagnostics::Problem) -> ErrorKey<'_> {
    (p.check, p.file.as_deref(), p.capability_id.as_deref())
}

/// Errors counted by check, file and capability (messages and positions
/// may differ between the tree before and after a batch).
fn error_counts(problems: &[crate::diagnostics::Problem]) -> BTreeMap<ErrorKey<'_>, usize> {
    let mut counts = BTreeMap::new();
    for p in problems
        .iter()
        .filter(|p| p.severity == crate::diagnostics::Severity::Error)
    {
        *counts.entry(error_key(p)).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::civil_from_days(0), "1970-01-01");
        assert_eq!(super::civil_from_days(20_622), "2026-06-18");
    }
}
