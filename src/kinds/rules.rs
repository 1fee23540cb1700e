//! The coordination rules between items (SPEC §2.5): keys unique within a
//! kind and across the kinds it declares `unique_with`; references that
//! must name existing items; overlaps within a scope. Each finding is a
//! problem with its file and the item's path, located like every other.
//! Linear in the number of items: one key table, one pass per rule.

use super::{Item, Items, KindDecl};
use crate::check::Check;
use crate::diagnostics::{Problem, Severity};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Run every rule of every declared kind over `items`.
pub fn check(kinds: &BTreeMap<String, KindDecl>, items: &Items, out: &mut Vec<Problem>) {
    let keys = KeyTable::new(items);
    duplicate_keys(kinds, items, out);
    for (name, kind) in kinds {
        for r in &kind.references {
            references(name, r, items, &keys, out);
        }
        for o in &kind.overlap {
            overlaps(name, o, items, out);
        }
    }
}

/// Every item's key, by kind.
pub struct KeyTable<'a> {
    by_kind: HashMap<&'a str, HashMap<&'a str, &'a Item>>,
}

impl<'a> KeyTable<'a> {
    pub fn new(items: &'a Items) -> Self {
        let mut by_kind: HashMap<&str, HashMap<&str, &Item>> = HashMap::new();
        for item in &items.items {
            if let Some(key) = &item.key {
                by_kind
                    .entry(item.kind.as_str())
                    .or_default()
                    .entry(key.as_str())
                    .or_insert(item);
            }
        }
        KeyTable { by_kind }
    }

    /// The first item of one of `kinds` with `key`.
    pub fn find(&self, kinds: &[String], key: &str) -> Option<&'a Item> {
        kinds
            .iter()
            .find_map(|k| self.by_kind.get(k.as_str())?.get(key).copied())
    }
}

/// A key used twice within a kind, or by a kind and one it is
/// `unique_with`: an error on each later item, naming the first.
fn duplicate_keys(kinds: &BTreeMap<String, KindDecl>, items: &Items, out: &mut Vec<Problem>) {
    // Kinds that share a key space: each kind with the kinds it is unique
    // with, transitively, so `a: unique_with [b]` also guards b from a.
    let mut group_of: HashMap<&str, &str> =
        kinds.keys().map(|k| (k.as_str(), k.as_str())).collect();
    fn root<'k>(group_of: &HashMap<&'k str, &'k str>, mut k: &'k str) -> &'k str {
        while let Some(&up) = group_of.get(k) {
            if up == k {
                break;
            }
            k = up;
        }
        k
    }
    for (name, kind) in kinds {
        for other in &kind.unique_with {
            if !kinds.contains_key(other) {
                continue;
            }
            let (a, b) = (root(&group_of, name), root(&group_of, other));
            if a != b {
                group_of.insert(a.max(b), a.min(b));
            }
        }
    }
    let mut first: HashMap<(&str, &str), &Item> = HashMap::new();
    for item in &items.items {
        let Some(key) = item.key.as_deref() else {
            continue;
        };
        let Some(kind) = kinds.get(&item.kind) else {
            continue;
        };
        let group = root(&group_of, &item.kind);
        match first.get(&(group, key)) {
            None => {
                first.insert((group, key), item);
            }
            Some(earlier) => {
                let what = if earlier.kind == item.kind {
                    format!("another `{}` item", item.kind)
                } else {
                    format!(
                        "a `{}` item (the two kinds share one key space)",
                        earlier.kind
                    )
                };
                out.push(
                    Problem::new(
                        Check::DuplicateKey,
                        format!(
                            "`{}: {key}` is already the key of {what} in {}",
                            kind.key, earlier.file
                        ),
                    )
                    .file(&item.file)
                    .node(item.field_path(&kind.key))
                    .fix("give one of them another key, or merge the two items"),
                );
            }
        }
    }
}

fn references(
    name: &str,
    rule: &super::Reference,
    items: &Items,
    keys: &KeyTable<'_>,
    out: &mut Vec<Problem>,
) {
    let severity = rule.severity.map_or(Severity::Error, |s| s.severity());
    let targets = rule.kinds.join(" or ");
    for item in items.of(name) {
        for value in item.strings(&rule.field) {
            if keys.find(&rule.kinds, value).is_some() {
                continue;
            }
            let mut p = Problem::new(
                Check::UnknownReference,
                format!(
                    "`{}: {value}` of {name} `{}` names no {targets}",
                    rule.field,
                    item.key.as_deref().unwrap_or("?")
                ),
            )
            .file(&item.file)
            .node(item.field_path(&rule.field))
            .fix(format!(
                "add the {targets} `{value}` first (`reuse-surface add --type {}`), or correct the name",
                rule.kinds[0]
            ));
            p.severity = severity;
            out.push(p);
        }
    }
}

fn overlaps(name: &str, rule: &super::Overlap, items: &Items, out: &mut Vec<Problem>) {
    let severity = rule.severity.map_or(Severity::Warning, |s| s.severity());
    // (scope value, shared value) → the items seen with it.
    let mut seen: HashMap<(Option<&str>, &str), Vec<&Item>> = HashMap::new();
    for item in items.of(name) {
        let scope = rule
            .scope
            .as_deref()
            .map(|s| item.value.get(s).and_then(|v| v.as_str()).unwrap_or(""));
        let distinct = |i: &Item| {
            rule.distinct
                .as_deref()
                .and_then(|d| i.value.get(d))
                .cloned()
        };
        let mut reported: HashSet<*const Item> = HashSet::new();
        for value in item.strings(&rule.field) {
            let earlier = seen.entry((scope, value)).or_default();
            let other = earlier
                .iter()
                .find(|o| rule.distinct.is_none() || distinct(o) != distinct(item));
            if let Some(other) = other
                && reported.insert(*other as *const Item)
            {
                let within = match (&rule.scope, scope) {
                    (Some(field), Some(v)) => format!(" within `{field}: {v}`"),
                    _ => String::new(),
                };
                let owner = rule
                    .distinct
                    .as_deref()
                    .and_then(|d| Some((d, other.value.get(d)?.as_str()?)))
                    .map(|(d, v)| format!(" (of `{d}: {v}`)"))
                    .unwrap_or_default();
                let mut p = Problem::new(
                    Check::RouteOverlap,
                    format!(
                        "{name} `{}` shares `{}: {value}` with {name} `{}`{owner}{within}",
                        item.key.as_deref().unwrap_or("?"),
                        rule.field,
                        other.key.as_deref().unwrap_or("?"),
                    ),
                )
                .file(&item.file)
                .node(item.field_path(&rule.field))
                .fix(format!(
                    "narrow `{}` so the two {name} items do not claim the same value, or accept the overlap",
                    rule.field
                ));
                p.severity = severity;
                out.push(p);
            }
            earlier.push(item);
        }
    }
}
