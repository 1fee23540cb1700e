//! The index patches (row sync, row add, date bump) applied to one editor
//! of the index. Row syncs and date bumps in a row are set together, one
//! located view and one parse for the whole run of them, so re-deriving
//! N rows of an M-row index costs O(N + M), not O(N × M) (500 drifted
//! rows of 5,000 took seconds when each edit re-read the whole index).

use super::apply::Plan;
use super::{Patch, PatchKind};
use crate::model::{INDEX_PATH, IndexRow};
use crate::registry::Registry;
use crate::yaml::{Editor, Seg, render_scalar};
use std::collections::{BTreeMap, HashMap};

/// Applies the index patches asked for and then the `follow_ups` to one
/// editor of the index, recording the asked-for ones as applied or
/// skipped in `plan` (a follow-up is reported only when it fails).
pub(super) fn plan_index_patches(
    reg: &Registry,
    index_patches: Vec<&Patch>,
    follow_ups: &[Patch],
    rederived: &BTreeMap<String, IndexRow>,
    plan: &mut Plan,
) {
    if index_patches.is_empty() && follow_ups.is_empty() {
        return;
    }
    let Some(source) = reg.index_source.as_ref() else {
        return;
    };
    let mut rows = Rows::new(
        reg.index
            .as_ref()
            .map(|i| i.capabilities.clone())
            .unwrap_or_default(),
    );
    let mut editor = Editor::new(source.text.as_str());
    let mut run: Vec<(&Patch, Result<Vec<ScalarSet>, String>)> = Vec::new();
    let record = |patch: &Patch, result: Result<(), String>, plan: &mut Plan| match result {
        Ok(()) => {
            if !follow_ups.iter().any(|p| std::ptr::eq(p, patch)) {
                plan.applied.push(patch.clone());
            }
        }
        Err(e) => plan.skipped.push((patch.clone(), e)),
    };
    for patch in index_patches.into_iter().chain(follow_ups.iter()) {
        match patch.kind {
            PatchKind::VectorSync | PatchKind::IndexDateBump => {
                run.push((patch, scalar_sets(&mut rows, patch, rederived)));
            }
            _ => {
                for (p, result) in set_run(&mut editor, &mut rows, std::mem::take(&mut run)) {
                    record(p, result, plan);
                }
                let result = add_row(&mut editor, &mut rows, patch, rederived);
                record(patch, result, plan);
            }
        }
    }
    for (p, result) in set_run(&mut editor, &mut rows, run) {
        record(p, result, plan);
    }
    plan.files.insert(
        INDEX_PATH.to_string(),
        (source.text.clone(), editor.into_text()),
    );
}

/// The index rows as the patches so far left them, with each id's
/// position (rebuilt when asked for after rows were inserted).
struct Rows {
    rows: Vec<IndexRow>,
    at: Option<HashMap<String, usize>>,
}

impl Rows {
    fn new(rows: Vec<IndexRow>) -> Self {
        Rows { rows, at: None }
    }

    fn insert(&mut self, at: usize, row: IndexRow) {
        self.rows.insert(at, row);
        self.at = None;
    }

    fn position(&mut self, id: &str) -> Option<usize> {
        let rows = &self.rows;
        let at = self.at.get_or_insert_with(|| {
            let mut at = HashMap::with_capacity(rows.len());
            for (i, row) in rows.iter().enumerate() {
                // The first row of an id, as a linear search finds it.
                at.entry(row.id.clone()).or_insert(i);
            }
            at
        });
        at.get(id).copied()
    }
}

/// One scalar a patch sets: the row (`None`: the index's own `updated`),
/// the field, the value.
struct ScalarSet {
    row: Option<usize>,
    field: String,
    value: String,
}

impl ScalarSet {
    fn path(&self) -> Vec<Seg> {
        match self.row {
            Some(i) => vec![
                Seg::key("capabilities"),
                Seg::Index(i),
                Seg::key(&self.field),
            ],
            None => vec![Seg::key(&self.field)],
        }
    }
}

/// The scalars a row sync or date bump sets, or why it cannot apply.
fn scalar_sets(
    rows: &mut Rows,
    patch: &Patch,
    rederived: &BTreeMap<String, IndexRow>,
) -> Result<Vec<ScalarSet>, String> {
    if patch.kind == PatchKind::IndexDateBump {
        let date = patch
            .set
            .as_ref()
            .and_then(|v| v.as_str())
            .ok_or("patch has no date to set")?;
        return Ok(vec![ScalarSet {
            row: None,
            field: "updated".into(),
            value: date.into(),
        }]);
    }
    let i = rows
        .position(&patch.capability_id)
        .ok_or_else(|| format!("no index row for {}", patch.capability_id))?;
    let want: Vec<(String, String)> = match rederived.get(&patch.capability_id) {
        Some(derived) => rows.rows[i]
            .drift(derived)
            .into_iter()
            .filter_map(|(f, _, w)| w.map(|w| (f.to_string(), w.to_string())))
            .collect(),
        None => patch
            .set
            .as_ref()
            .and_then(|s| s.as_object())
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                    .collect()
            })
            .unwrap_or_default(),
    };
    want.into_iter()
        .map(|(field, value)| {
            if !PatchKind::VectorSync
                .allowed_fields()
                .contains(&field.as_str())
            {
                return Err(format!("vector_sync may not touch `{field}`"));
            }
            Ok(ScalarSet {
                row: Some(i),
                field,
                value,
            })
        })
        .collect()
}

/// Set a run of row syncs and date bumps in one batch; each patch's
/// result is its first failing scalar's, as when set one by one.
fn set_run<'p>(
    editor: &mut Editor,
    rows: &mut Rows,
    run: Vec<(&'p Patch, Result<Vec<ScalarSet>, String>)>,
) -> Vec<(&'p Patch, Result<(), String>)> {
    let edits: Vec<(Vec<Seg>, String)> = run
        .iter()
        .filter_map(|(_, sets)| sets.as_ref().ok())
        .flatten()
        .map(|set| (set.path(), set.value.clone()))
        .collect();
    let mut results = editor.set_scalars(&edits).into_iter();
    let mut out = Vec::with_capacity(run.len());
    for (patch, sets) in run {
        let sets = match sets {
            Ok(sets) => sets,
            Err(e) => {
                out.push((patch, Err(e)));
                continue;
            }
        };
        let mut outcome = Ok(());
        for set in sets {
            if let Some(Err(e)) = results.next() {
                outcome = outcome.and(Err(e));
                continue;
            }
            if let Some(row) = set.row.and_then(|i| rows.rows.get_mut(i)) {
                match set.field.as_str() {
                    "title" => row.title = Some(set.value),
                    "status" => row.status = Some(set.value),
                    "vector" => row.vector = Some(set.value),
                    _ => row.path = set.value,
                }
            }
        }
        out.push((patch, outcome));
    }
    out
}

/// Insert a derived row where it sorts (at the end of an unsorted index).
fn add_row(
    editor: &mut Editor,
    rows: &mut Rows,
    patch: &Patch,
    rederived: &BTreeMap<String, IndexRow>,
) -> Result<(), String> {
    if patch.kind != PatchKind::IndexRowAdd {
        return Err(format!("{} is not an index patch", patch.kind.as_str()));
    }
    let row: IndexRow = match rederived.get(&patch.capability_id) {
        Some(r) => r.clone(),
        None => serde_json::from_value(patch.set.clone().ok_or("patch has no row")?)
            .map_err(|e| e.to_string())?,
    };
    if rows.rows.iter().any(|r| r.id == row.id) {
        return Err(format!("the index already has a row for {}", row.id));
    }
    let list = &rows.rows;
    let sorted = list.windows(2).all(|w| w[0].id <= w[1].id);
    let at = if sorted {
        list.partition_point(|r| r.id <= row.id)
    } else {
        list.len()
    };
    let mut fields: Vec<(&str, String)> = vec![("id", render_scalar(&row.id))];
    for (name, value) in row.derived_fields() {
        if let Some(v) = value {
            fields.push((name, render_scalar(v)));
        }
    }
    editor.insert_mapping_item(&[Seg::key("capabilities")], at, &fields)?;
    rows.insert(at, row);
    Ok(())
}
