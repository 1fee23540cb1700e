//! `add`: write one item of a kind the safe way. The entry is checked
//! against the kind's schema, placed (the file of the item with its key,
//! else `--file`, else the kind's `new_file` template), spliced into the
//! text as an insertion at its sorted place or a replacement of the item
//! with the same key (every other byte kept), and the coordination rules
//! run on the registry as it would be after the write. Only then is the
//! file written, atomically, under the registry's lock (see
//! [`crate::atomic::registry_lock`]).

use super::{Item, KindDecl, decl::template_fields, describe, key_text};
use crate::check::Check;
use crate::diagnostics::{Problem, Severity};
use crate::registry::{self, Registry};
use crate::snapshot::{Overlay, Snapshot};
use crate::yaml::{self, Editor, Lossless, Seg, Splice};
use crate::{Error, Result};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// The file name `add` shows for problems in the entry itself.
pub const ENTRY_LABEL: &str = "<entry>";

/// What to add.
#[derive(Debug, Clone)]
pub struct Request {
    pub kind: String,
    /// The entry as given (YAML or JSON text).
    pub entry_text: String,
    /// Where to put a new item, overriding the kind's template.
    pub file: Option<String>,
    /// Run the coordination rules (`--no-check` turns them off; never the
    /// schema).
    pub check: bool,
}

/// What the write would do.
#[derive(Debug)]
pub struct Planned {
    pub kind: String,
    pub key: String,
    /// Registry-root-relative.
    pub file: String,
    pub old: Option<String>,
    pub new: String,
    /// An item with this key was there (and is replaced).
    pub updated: bool,
    /// Problems in the entry, and those the write would bring into the
    /// registry (located in the new text).
    pub problems: Vec<Problem>,
    /// The registry as it would be, for showing the problems' lines.
    pub after: Option<Registry>,
}

impl Planned {
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }

    pub fn changed(&self) -> bool {
        self.old.as_deref() != Some(self.new.as_str())
    }
}

/// Refusals that are about the entry itself, before any file is chosen.
fn entry_problem(message: impl Into<String>) -> Problem {
    Problem::new(Check::Schema, message).file(ENTRY_LABEL)
}

/// A refusal of the entry before any file is chosen.
type Refusal = Box<Problem>;

/// Plan the write of `req` into the registry `reg` read from `snap`.
/// `Err` only for what is not a problem of the entry (an unknown kind, an
/// I/O failure); problems of the entry are returned in the plan, with
/// nothing to write when any is an error.
pub fn plan(reg: &Registry, snap: &dyn Snapshot, req: &Request) -> Result<Planned> {
    let kind = declared_kind(reg, &req.kind)?;
    let refused = |key: &str, problems: Vec<Problem>| Planned {
        kind: req.kind.clone(),
        key: key.to_string(),
        file: String::new(),
        old: None,
        new: String::new(),
        updated: false,
        problems,
        after: None,
    };
    let (entry, key) = match read_entry(req, kind) {
        Ok(read) => read,
        Err(problem) => return Ok(refused("", vec![*problem])),
    };
    let fields = entry.as_object().expect("read_entry checks for a mapping");
    let mut problems = schema_problems(snap, &req.kind, kind, &entry)?;
    if problems.iter().any(|p| p.severity == Severity::Error) {
        return Ok(refused(&key, problems));
    }
    let existing = reg
        .kinds
        .of(&req.kind)
        .find(|i| i.key.as_deref() == Some(&key));
    let file = match target_file(req, kind, &key, fields, existing)? {
        Ok(file) => file,
        Err(problem) => return Ok(refused(&key, vec![*problem])),
    };
    let old = snap
        .read(&file)?
        .map(|b| yaml::decode(&b).map(str::to_string))
        .transpose()
        .map_err(|e| Error::usage(format!("{file}: {}", e.message)))?;
    let new = match &kind.list {
        Some(list) => {
            let siblings: Vec<(usize, Option<&str>)> = reg
                .kinds
                .of(&req.kind)
                .filter(|i| i.file == file)
                .filter_map(|i| match i.at.as_slice() {
                    [_, Seg::Index(n)] => Some((*n, i.key.as_deref())),
                    _ => None,
                })
                .collect();
            let place = Place {
                list,
                key: &key,
                existing,
                siblings: &siblings,
            };
            write_into_list(old.as_deref(), kind, fields, &place)?
        }
        None => write_file_item(old.as_deref(), kind, fields),
    };
    read_back(&new, kind, &key, &entry, &file)?;
    let after = if req.check {
        let (brought, later) = brought_problems(reg, snap, &file, &new)?;
        problems.extend(brought);
        Some(later)
    } else {
        None
    };
    Ok(Planned {
        kind: req.kind.clone(),
        key,
        file,
        old,
        new,
        updated: existing.is_some(),
        problems,
        after,
    })
}

/// The kind `name` as declared; an error when the config is broken (its
/// kinds cannot be trusted) or does not declare it.
fn declared_kind<'r>(reg: &'r Registry, name: &str) -> Result<&'r KindDecl> {
    let config_broken = reg
        .problems
        .iter()
        .any(|p| p.file.as_deref() == Some(crate::model::CONFIG_PATH) && !p.check.overridable());
    if config_broken {
        return Err(Error::usage(
            "registry/config.yaml, where the kinds are declared, has errors (`reuse-surface validate` shows them); fix it first",
        ));
    }
    let kinds = &reg.config.kinds;
    kinds.get(name).ok_or_else(|| {
        let declared: Vec<&str> = kinds.keys().map(String::as_str).collect();
        Error::usage(if declared.is_empty() {
            format!(
                "no kind `{name}`: registry/config.yaml declares no kinds (see `kinds:` in the README, \
                 or `reuse-surface establish --scaffold --profile write-scripts`)"
            )
        } else {
            format!(
                "no kind `{name}` in registry/config.yaml; declared: {}",
                declared.join(", ")
            )
        })
    })
}

/// The entry parsed, a mapping with a usable key: the entry and its key.
fn read_entry(req: &Request, kind: &KindDecl) -> std::result::Result<(Value, String), Refusal> {
    let entry = yaml::parse(&req.entry_text).map_err(|e| {
        let mut p = Problem::new(
            Check::ParseError,
            format!("the entry does not parse: {}", e.message),
        )
        .file(ENTRY_LABEL);
        p.line = e.line;
        p.column = e.column;
        Box::new(p)
    })?;
    let Value::Object(fields) = &entry else {
        return Err(Box::new(entry_problem(format!(
            "the entry is one `{}` item: a mapping of its fields, not {}",
            req.kind,
            describe(&entry)
        ))));
    };
    let Some(key) = fields.get(&kind.key).and_then(key_text) else {
        return Err(Box::new(entry_problem(format!(
            "the entry has no `{}` (the key of `{}` items), or it is not a string",
            kind.key, req.kind
        ))));
    };
    if key.trim().is_empty() || key.chars().any(char::is_control) || key.trim() != key {
        return Err(Box::new(entry_problem(format!(
            "`{}: {key:?}` is not a usable key: empty, padded, or holding a line break or control character",
            kind.key
        ))));
    }
    Ok((entry, key))
}

/// The file the item goes to: the one holding its key, else `--file`,
/// else the kind's template. The outer `Err` is a usage error, the inner
/// one a refusal of the entry.
fn target_file(
    req: &Request,
    kind: &KindDecl,
    key: &str,
    fields: &serde_json::Map<String, Value>,
    existing: Option<&Item>,
) -> Result<std::result::Result<String, Refusal>> {
    let file = match (existing, &req.file) {
        (Some(item), Some(asked)) if &item.file != asked => {
            return Ok(Err(Box::new(
                Problem::new(
                    Check::DuplicateKey,
                    format!(
                        "`{}: {key}` is already an item in {}; `--file {asked}` would add a second one",
                        kind.key, item.file
                    ),
                )
                .file(ENTRY_LABEL)
                .fix(format!("drop --file to update it in place in {}", item.file)),
            )));
        }
        (Some(item), _) => item.file.clone(),
        (None, Some(asked)) if !kind.holds(asked) => {
            return Err(Error::usage(format!(
                "--file {asked}: `{}` items live in `{}`",
                req.kind, kind.files
            )));
        }
        (None, Some(asked)) => asked.clone(),
        (None, None) => match fill_template(kind, fields) {
            Ok(path) => path,
            Err(why) => return Ok(Err(Box::new(entry_problem(why)))),
        },
    };
    if file.starts_with('/') || file.split('/').any(|s| s == ".." || s.is_empty()) {
        return Err(Error::usage(format!(
            "`{file}` is not a path inside the registry"
        )));
    }
    Ok(Ok(file))
}

/// The coordination problems writing `new` into `file` would bring (those
/// the registry did not have before), located in the new text, and the
/// kinds as they would be (for showing those lines).
fn brought_problems(
    reg: &Registry,
    snap: &dyn Snapshot,
    file: &str,
    new: &str,
) -> Result<(Vec<Problem>, Registry)> {
    let overlay = Overlay::new(
        snap,
        BTreeMap::from([(file.to_string(), new.as_bytes().to_vec())]),
    );
    let later = Registry {
        config: reg.config.clone(),
        kinds: reg
            .kinds
            .with_file_replaced(&reg.config.kinds, &overlay, file)?,
        ..Registry::default()
    };
    let mut found = later.kinds.problems.clone();
    super::rules::check(&later.config.kinds, &later.kinds, &mut found);
    let mut before = reg.kinds.problems.clone();
    super::rules::check(&reg.config.kinds, &reg.kinds, &mut before);
    let known: HashSet<(Check, String)> =
        before.into_iter().map(|p| (p.check, p.message)).collect();
    let brought: Vec<Problem> = found
        .into_iter()
        .filter(|p| !known.contains(&(p.check, p.message.clone())))
        .collect();
    let mut brought = later.config.apply_overrides(brought);
    registry::locate_problems(&later, &mut brought);
    Ok((brought, later))
}

/// The entry against the kind's schema (read from `snap`).
fn schema_problems(
    snap: &dyn Snapshot,
    name: &str,
    kind: &KindDecl,
    entry: &Value,
) -> Result<Vec<Problem>> {
    let Some(path) = &kind.schema else {
        return Ok(Vec::new());
    };
    let Some(bytes) = snap.read(path)? else {
        return Err(Error::usage(format!(
            "kind `{name}`: its schema {path} does not exist"
        )));
    };
    let schema = yaml::decode(&bytes)
        .map_err(|e| e.message)
        .and_then(|t| yaml::parse(t).map_err(|e| e.message))
        .map_err(|e| {
            Error::usage(format!(
                "kind `{name}`: its schema {path} does not parse: {e}"
            ))
        })?;
    let validator = jsonschema::validator_for(&schema).map_err(|e| {
        Error::usage(format!(
            "kind `{name}`: its schema {path} is not a valid JSON Schema: {e}"
        ))
    })?;
    Ok(validator
        .iter_errors(entry)
        .map(|e| {
            let at = e.instance_path().as_str().to_string();
            let at = if at.is_empty() {
                "the entry".to_string()
            } else {
                at
            };
            entry_problem(format!("{at}: {}", crate::schema::shorten(&e.to_string())))
        })
        .collect())
}

/// The kind's `new_file` with the entry's fields put in.
fn fill_template(
    kind: &KindDecl,
    fields: &serde_json::Map<String, Value>,
) -> std::result::Result<String, String> {
    let Some(template) = kind.new_file_template() else {
        return Err(format!(
            "`files` is a glob and the kind has no `new_file`: pass --file PATH (one of `{}`)",
            kind.files
        ));
    };
    let mut out = template.to_string();
    for field in template_fields(template) {
        let value = fields.get(field).and_then(key_text).ok_or_else(|| {
            format!("the entry has no `{field}`, which names its file (`{template}`)")
        })?;
        if value.is_empty()
            || value.contains(['/', '\\'])
            || value.starts_with('.')
            || value.chars().any(char::is_control)
        {
            return Err(format!(
                "`{field}: {value:?}` cannot name a file (`{template}`): no slashes, leading dots or line breaks"
            ));
        }
        out = out.replace(&format!("{{{field}}}"), &value);
    }
    Ok(out)
}

/// The fields of the new item in write order: the key first, then the
/// entry's own order.
fn rendered_fields<'f>(
    kind: &KindDecl,
    fields: &'f serde_json::Map<String, Value>,
) -> Vec<(&'f str, String)> {
    let mut out: Vec<(&str, String)> = Vec::new();
    if let Some((k, v)) = fields.get_key_value(&kind.key) {
        out.push((k.as_str(), yaml::render_value(v)));
    }
    for (k, v) in fields {
        if k != &kind.key {
            out.push((k.as_str(), yaml::render_value(v)));
        }
    }
    out
}

/// The list file's new text: the item replacing the one with its key, or
/// inserted before the first item whose key sorts after it.
/// Where an item goes in its list file: the list, its key, the item it
/// replaces, and the file's items as loaded (index, key).
struct Place<'p> {
    list: &'p str,
    key: &'p str,
    existing: Option<&'p Item>,
    siblings: &'p [(usize, Option<&'p str>)],
}

fn write_into_list(
    old: Option<&str>,
    kind: &KindDecl,
    fields: &serde_json::Map<String, Value>,
    place: &Place<'_>,
) -> Result<String> {
    let Place {
        list,
        key,
        existing,
        siblings,
    } = *place;
    let path = [Seg::key(list)];
    let fields = rendered_fields(kind, fields);
    let mut text = old.map(str::to_string).unwrap_or_default();
    let index = match existing.and_then(|i| match i.at.as_slice() {
        [_, Seg::Index(n)] => Some(*n),
        _ => None,
    }) {
        Some(n) => {
            text = remove_item(&text, &path, n)?;
            n
        }
        // Before the first item whose key sorts after the new one (the
        // file's items as loaded, under the lock), else at the end.
        None => siblings
            .iter()
            .filter(|(_, k)| k.is_some_and(|k| k > key))
            .map(|(i, _)| *i)
            .min()
            .unwrap_or_else(|| siblings.iter().map(|(i, _)| i + 1).max().unwrap_or(0)),
    };
    let mut editor = Editor::new(text);
    editor
        .insert_mapping_item(&path, index, &fields)
        .map_err(|e| Error::usage(format!("cannot write the item: {e}")))?;
    Ok(editor.into_text())
}

/// `text` without the lines of item `n` of the block list at `path`.
fn remove_item(text: &str, path: &[Seg], n: usize) -> Result<String> {
    let tree = Lossless::new(text);
    let spans = tree
        .item_spans(path)
        .ok_or_else(|| Error::usage("cannot find the item to replace in its file"))?;
    let span = spans
        .get(n)
        .ok_or_else(|| Error::usage("cannot find the item to replace in its file"))?;
    if tree.is_flow(path) {
        return Err(Error::usage(
            "the list is written in flow style (`[...]`); rewrite it as a block list to use add",
        ));
    }
    let start = yaml::line_start(text, span.start);
    let end = match spans.get(n + 1) {
        Some(next) => yaml::line_start(text, next.start),
        None => {
            let last = yaml::line_end(text, span.end.saturating_sub(1).max(span.start));
            text[last..].find('\n').map_or(text.len(), |i| last + i + 1)
        }
    };
    let mut splice = Splice::default();
    splice.replace(start..end, String::new());
    splice
        .apply(text)
        .map_err(|e| Error::usage(format!("cannot replace the item: {e}")))
}

/// A one-item file: the mapping, after the comment lines it started with.
fn write_file_item(
    old: Option<&str>,
    kind: &KindDecl,
    fields: &serde_json::Map<String, Value>,
) -> String {
    let nl = old.map_or("\n", yaml::line_ending);
    let mut out: String = old
        .unwrap_or_default()
        .split_inclusive('\n')
        .take_while(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
        .collect();
    for (k, v) in rendered_fields(kind, fields) {
        out.push_str(&format!("{}: {v}{nl}", yaml::render_scalar(k)));
    }
    out
}

/// The written text must hold exactly the entry under its key: a guard
/// against a rendering that would change a value's type or text.
fn read_back(text: &str, kind: &KindDecl, key: &str, entry: &Value, file: &str) -> Result<()> {
    let value = yaml::parse(text).map_err(|e| {
        Error::other(format!(
            "the new {file} would not parse ({}); nothing was written",
            e.message
        ))
    })?;
    let item = match &kind.list {
        Some(list) => value
            .get(list)
            .and_then(Value::as_array)
            .and_then(|rows| {
                rows.iter()
                    .find(|r| r.get(&kind.key).and_then(key_text).as_deref() == Some(key))
            })
            .cloned(),
        None => Some(value),
    };
    if item.as_ref() != Some(entry) {
        return Err(Error::other(format!(
            "the new {file} would not read back as the entry; nothing was written (please report this)"
        )));
    }
    Ok(())
}

/// A unified diff of the planned write, for `--dry-run`.
pub fn diff(p: &Planned) -> String {
    let old = p.old.as_deref().unwrap_or("");
    similar::TextDiff::from_lines(old, &p.new)
        .unified_diff()
        .header(
            &if p.old.is_some() {
                format!("a/{}", p.file)
            } else {
                "/dev/null".into()
            },
            &format!("b/{}", p.file),
        )
        .to_string()
}
