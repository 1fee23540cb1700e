//! Reading every declared kind's items from a snapshot: the files its
//! `files` path or glob names, each parsed once, the items pulled out of
//! the keyed list (or the file itself), and each item checked against the
//! kind's JSON Schema. Parse and schema problems are recorded here, as
//! for capabilities; the rules between items run in [`super::rules`].

use super::decl::FileMatcher;
use super::{Item, KindDecl, describe, key_text};
use crate::check::Check;
use crate::diagnostics::Problem;
use crate::model::CONFIG_PATH;
use crate::registry::{Source, parse_plain_yaml};
use crate::snapshot::Snapshot;
use crate::yaml::{self, Seg};
use serde_json::Value;
use std::collections::BTreeMap;

/// Everything read for the declared kinds.
#[derive(Debug, Default)]
pub struct Items {
    /// Every content file read, parsed or not (for locating problems and
    /// for `add`, which edits them).
    pub files: Vec<Source>,
    pub items: Vec<Item>,
    /// Parse and schema problems.
    pub problems: Vec<Problem>,
}

impl Items {
    /// The items of `kind`.
    pub fn of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |i| i.kind == kind)
    }
}

/// The files of `kind` present in `snap`, in name order.
pub fn files_of(kind: &KindDecl, snap: &dyn Snapshot) -> Vec<String> {
    match kind.matcher() {
        FileMatcher::One(path) => vec![path],
        FileMatcher::InDir { dir, names } => snap
            .list(&dir)
            .into_iter()
            .filter(|name| names.is_match(name))
            .map(|name| {
                if dir.is_empty() {
                    name
                } else {
                    format!("{dir}/{name}")
                }
            })
            .collect(),
        FileMatcher::Nothing => Vec::new(), // reported with the declarations
    }
}

/// Read and check every declared kind's files from `snap`.
pub fn load(kinds: &BTreeMap<String, KindDecl>, snap: &dyn Snapshot) -> crate::Result<Items> {
    let mut out = Items::default();
    for (name, kind) in kinds {
        let validator = schema_of(name, kind, snap, &mut out.problems)?;
        for path in files_of(kind, snap) {
            out.read_file(name, kind, &path, validator.as_ref(), snap)?;
        }
    }
    Ok(out)
}

impl Items {
    /// Read one file of kind `name` into these items.
    fn read_file(
        &mut self,
        name: &str,
        kind: &KindDecl,
        path: &str,
        validator: Option<&jsonschema::Validator>,
        snap: &dyn Snapshot,
    ) -> crate::Result<()> {
        let Some(bytes) = snap.read(path)? else {
            return Ok(()); // a declared file not written yet holds no items
        };
        let (source, problems) = parse_plain_yaml(path, &bytes);
        self.problems.extend(problems);
        if let Some(value) = &source.value {
            let before = self.items.len();
            items_of(name, kind, path, value, &mut self.items, &mut self.problems);
            if let Some(v) = validator {
                for item in &self.items[before..] {
                    schema_problems(v, item, &mut self.problems);
                }
            }
        }
        self.files.push(source);
        Ok(())
    }

    /// These items with `path` read again from `snap` (its new text):
    /// what `add` checks, without reading every other file again.
    pub fn with_file_replaced(
        &self,
        kinds: &BTreeMap<String, KindDecl>,
        snap: &dyn Snapshot,
        path: &str,
    ) -> crate::Result<Items> {
        let mut out = Items {
            files: self
                .files
                .iter()
                .filter(|s| s.path != path)
                .cloned()
                .collect(),
            items: self
                .items
                .iter()
                .filter(|i| i.file != path)
                .cloned()
                .collect(),
            problems: self
                .problems
                .iter()
                .filter(|p| p.file.as_deref() != Some(path))
                .cloned()
                .collect(),
        };
        for (name, kind) in kinds.iter().filter(|(_, k)| k.holds(path)) {
            let mut ignored = Vec::new();
            let validator = schema_of(name, kind, snap, &mut ignored)?;
            out.read_file(name, kind, path, validator.as_ref(), snap)?;
        }
        Ok(out)
    }
}

/// The kind's compiled schema; a schema that is missing, does not parse
/// or does not compile is a `schema` problem on the declaration (and its
/// items go unchecked by it, not unchecked silently).
fn schema_of(
    name: &str,
    kind: &KindDecl,
    snap: &dyn Snapshot,
    problems: &mut Vec<Problem>,
) -> crate::Result<Option<jsonschema::Validator>> {
    let Some(path) = &kind.schema else {
        return Ok(None);
    };
    let anchor = vec![Seg::key("kinds"), Seg::key(name), Seg::key("schema")];
    let fail = |why: String| {
        Problem::new(
            Check::Schema,
            format!("kind `{name}`: its schema {path} {why}"),
        )
        .file(CONFIG_PATH)
        .node(anchor.clone())
    };
    let Some(bytes) = snap.read(path)? else {
        problems.push(fail("does not exist".into()));
        return Ok(None);
    };
    let value = match yaml::decode(&bytes)
        .map_err(|e| e.message)
        .and_then(|text| yaml::parse(text).map_err(|e| e.message))
    {
        Ok(v) => v,
        Err(e) => {
            problems.push(fail(format!("does not parse: {e}")));
            return Ok(None);
        }
    };
    match jsonschema::validator_for(&value) {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            problems.push(fail(format!("is not a valid JSON Schema: {e}")));
            Ok(None)
        }
    }
}

/// The items in one parsed file of `kind`.
fn items_of(
    name: &str,
    kind: &KindDecl,
    path: &str,
    value: &Value,
    items: &mut Vec<Item>,
    problems: &mut Vec<Problem>,
) {
    let problem =
        |at: Vec<Seg>, message: String| Problem::new(Check::Schema, message).file(path).node(at);
    let Some(list) = &kind.list else {
        if !value.is_object() {
            problems.push(problem(
                Vec::new(),
                format!(
                    "a `{name}` file is one item: a mapping, not {}",
                    describe(value)
                ),
            ));
            return;
        }
        push_item(name, kind, path, Vec::new(), value, items, problems);
        return;
    };
    let rows = match value {
        Value::Null => return,
        Value::Object(m) => match m.get(list) {
            None | Some(Value::Null) => return,
            Some(Value::Array(rows)) => rows,
            Some(other) => {
                problems.push(problem(
                    vec![Seg::key(list)],
                    format!(
                        "`{list}` holds the `{name}` items: a list, not {}",
                        describe(other)
                    ),
                ));
                return;
            }
        },
        other => {
            problems.push(problem(
                Vec::new(),
                format!(
                    "a `{name}` file is a mapping with the list `{list}`, not {}",
                    describe(other)
                ),
            ));
            return;
        }
    };
    for (i, row) in rows.iter().enumerate() {
        let at = vec![Seg::key(list), Seg::Index(i)];
        if !row.is_object() {
            problems.push(problem(
                at,
                format!("a `{name}` item is a mapping, not {}", describe(row)),
            ));
            continue;
        }
        push_item(name, kind, path, at, row, items, problems);
    }
}

fn push_item(
    name: &str,
    kind: &KindDecl,
    path: &str,
    at: Vec<Seg>,
    value: &Value,
    items: &mut Vec<Item>,
    problems: &mut Vec<Problem>,
) {
    let key = value.get(&kind.key).and_then(key_text);
    if key.is_none() {
        problems.push(
            Problem::new(
                Check::Schema,
                format!(
                    "this `{name}` item has no `{}` (its key) or it is not a scalar",
                    kind.key
                ),
            )
            .file(path)
            .node(at.clone()),
        );
    }
    items.push(Item {
        kind: name.to_string(),
        file: path.to_string(),
        at,
        key,
        value: value.clone(),
    });
}

fn schema_problems(v: &jsonschema::Validator, item: &Item, problems: &mut Vec<Problem>) {
    for e in v.iter_errors(&item.value) {
        let pointer = e.instance_path().as_str().to_string();
        let mut at = item.at.clone();
        at.extend(yaml::segs_from_pointer(&pointer, &item.value));
        let name = item.key.as_deref().unwrap_or("?");
        let message = crate::schema::shorten(&e.to_string());
        problems.push(
            Problem::new(
                Check::Schema,
                format!("{} `{name}`{pointer}: {message}", item.kind),
            )
            .file(&item.file)
            .node(at),
        );
    }
}
