//! Coordination checks (SPEC §3): everything that needs more than one file
//! or the tree being checked. Parse and schema problems come from loading;
//! this module adds the rest, on whatever snapshot it is handed.

use crate::check::Check;
use crate::diagnostics::{Problem, Severity};
use crate::fast_hash::{HashMap, HashSet};
use crate::model::{Entry, INDEX_PATH, Index, IndexRow, is_ci_workflow};
use crate::registry::{Registry, keys, locate_problems};
use crate::snapshot::{PathState, Snapshot};
use crate::yaml::Seg;
use std::collections::{BTreeMap, BTreeSet};

mod cycles;
mod lists;

use cycles::cycles;

/// Run every check and return all problems (loading problems included),
/// with severities overridden per config, located and sorted.
pub fn run(reg: &Registry, snap: &dyn Snapshot) -> Vec<Problem> {
    let mut problems = reg.problems.clone();
    let mut found = Vec::new();
    let states = MemoStates::new(snap);
    states.prefetch(reg);
    coordination(reg, &states, &mut found);
    crate::kinds::rules::check(&reg.config.kinds, &reg.kinds, &mut found);
    found.extend(crate::kinds::coordination::drift(&reg.config.kinds, snap));
    problems.extend(reg.config.apply_overrides(found));
    locate_problems(reg, &mut problems);
    crate::diagnostics::sort(&mut problems);
    problems
}

/// A snapshot that answers `state` once per path: entries cite the same
/// files in their evidence lists and their promotion history.
struct MemoStates<'a> {
    snap: &'a dyn Snapshot,
    states: std::cell::RefCell<HashMap<String, PathState>>,
}

impl<'a> MemoStates<'a> {
    fn new(snap: &'a dyn Snapshot) -> Self {
        MemoStates {
            snap,
            states: Default::default(),
        }
    }
}

impl MemoStates<'_> {
    /// Ask, in parallel, for the state of every path the entries cite,
    /// when the snapshot can be shared across threads (the working tree:
    /// one `lstat` each, 20,000 of them on 10,000 entries). Only a head
    /// start: a path left out is asked when a check needs it.
    fn prefetch(&self, reg: &Registry) {
        let Some(shared) = self.snap.shared() else {
            return;
        };
        let mut paths: Vec<&str> = reg
            .valid_entries()
            .flat_map(|(_, e)| {
                e.evidence
                    .values()
                    .flatten()
                    .chain(e.promotion_history.iter().flat_map(|p| &p.evidence))
            })
            .map(String::as_str)
            .filter(|p| path_syntax_problem(p).is_none())
            .collect();
        paths.sort_unstable();
        paths.dedup();
        let states = crate::parallel::parallel_map(paths, |p| (p, shared.state(p)));
        let mut memo = self.states.borrow_mut();
        for (p, state) in states {
            memo.insert(p.to_string(), state);
        }
    }
}

impl Snapshot for MemoStates<'_> {
    fn describe(&self) -> String {
        self.snap.describe()
    }

    fn read(&self, path: &str) -> crate::Result<Option<Vec<u8>>> {
        self.snap.read(path)
    }

    fn state(&self, path: &str) -> PathState {
        if let Some(state) = self.states.borrow().get(path) {
            return *state;
        }
        let state = self.snap.state(path);
        self.states.borrow_mut().insert(path.to_string(), state);
        state
    }

    fn list(&self, dir: &str) -> Vec<String> {
        self.snap.list(dir)
    }

    fn blob_id(&self, path: &str) -> Option<String> {
        self.snap.blob_id(path)
    }
}

/// How a relation target resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved<'a> {
    Id(&'a str),
    Alias { alias: &'a str, canonical: &'a str },
    Unknown,
}

/// Id and alias lookup over the valid entries.
pub struct Names<'a> {
    ids: HashMap<&'a str, usize>,
    aliases: HashMap<&'a str, &'a str>,
}

impl<'a> Names<'a> {
    pub fn new(reg: &'a Registry) -> Self {
        let mut ids = HashMap::default();
        let mut aliases = HashMap::default();
        for (i, (_, e)) in reg.valid_entries().enumerate() {
            ids.entry(e.id.as_str()).or_insert(i);
        }
        for (_, e) in reg.valid_entries() {
            for a in &e.aliases {
                if !ids.contains_key(a.as_str()) {
                    aliases.entry(a.as_str()).or_insert(e.id.as_str());
                }
            }
        }
        Names { ids, aliases }
    }

    pub fn resolve(&self, name: &'a str) -> Resolved<'a> {
        if self.ids.contains_key(name) {
            Resolved::Id(name)
        } else if let Some(canonical) = self.aliases.get(name) {
            Resolved::Alias {
                alias: name,
                canonical,
            }
        } else {
            Resolved::Unknown
        }
    }

    /// The canonical id a name stands for, if any.
    pub fn canonical(&self, name: &'a str) -> Option<&'a str> {
        match self.resolve(name) {
            Resolved::Id(id) => Some(id),
            Resolved::Alias { canonical, .. } => Some(canonical),
            Resolved::Unknown => None,
        }
    }
}

/// Why a repo path is not acceptable as written (absolute, `..`, `\`).
pub fn path_syntax_problem(path: &str) -> Option<&'static str> {
    let bytes = path.as_bytes();
    if path.starts_with('/') || path.starts_with('\\') || (bytes.len() > 1 && bytes[1] == b':') {
        return Some("is absolute");
    }
    if path.contains('\\') {
        return Some("uses `\\`; registry paths use `/`");
    }
    if path.split('/').any(|c| c == "..") {
        return Some("contains `..`");
    }
    None
}

/// Every coordination check. Each group is its own function; the order
/// here is the order problems were always produced in (sorting ties keep it).
fn coordination(reg: &Registry, snap: &dyn Snapshot, out: &mut Vec<Problem>) {
    let entries: Vec<(&str, &Entry)> = reg.valid_entries().collect();
    let by_id = duplicate_ids(&entries, out);
    alias_collisions(&entries, &by_id, out);
    if let Some(index) = &reg.index {
        index_checks(reg, index, &entries, snap, out);
    }
    let graph = entry_checks(reg, &entries, snap, out);
    cycle_problems(&graph, &entries, out);
    catalog_drift(reg, snap, out);
}

/// `catalog-drift`: the generated page (when there is one, and it is ours)
/// no longer shows what the entries say.
fn catalog_drift(reg: &Registry, snap: &dyn Snapshot, out: &mut Vec<Problem>) {
    use crate::catalog::CATALOG_PATH;
    // One read and one render: `regenerated` is `Some` exactly when the
    // page is ours and stale.
    if crate::catalog::regenerated(reg, snap).is_some() {
        let mut p = Problem::new(
            Check::CatalogDrift,
            "the catalog does not show what the entries say; run `reuse-surface catalog` \
             (the pre-commit hook regenerates it)",
        );
        p.file = Some(CATALOG_PATH.to_string());
        p.line = Some(1);
        p.column = Some(1);
        out.push(p);
    }
}

/// `duplicate-id` between entries; returns the entry paths per id.
fn duplicate_ids<'a>(
    entries: &[(&'a str, &'a Entry)],
    out: &mut Vec<Problem>,
) -> BTreeMap<&'a str, Vec<&'a str>> {
    let mut by_id: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (path, e) in entries {
        by_id.entry(e.id.as_str()).or_default().push(path);
    }
    for (id, paths) in &by_id {
        for path in paths.iter().skip(1) {
            out.push(
                Problem::new(Check::DuplicateId, format!("capability id `{id}` is already used by {}", paths[0]))
                    .file(*path)
                    .node(keys(&["id"]))
                    .capability(*id)
                    .fix("give this entry its own id (ids never change once published), or merge the two entries"),
            );
        }
    }
    by_id
}

/// `alias-collision`: an alias must resolve to exactly one entry.
fn alias_collisions(
    entries: &[(&str, &Entry)],
    by_id: &BTreeMap<&str, Vec<&str>>,
    out: &mut Vec<Problem>,
) {
    let mut alias_owner: HashMap<&str, &str> = HashMap::default();
    for (path, e) in entries {
        for (i, alias) in e.aliases.iter().enumerate() {
            let node = vec![Seg::key("aliases"), Seg::Index(i)];
            let problem = if alias == &e.id {
                Some("alias repeats the entry's own id".to_string())
            } else if by_id.contains_key(alias.as_str()) {
                Some(format!("alias `{alias}` is the id of another capability"))
            } else if let Some(other) = alias_owner.get(alias.as_str()).filter(|o| **o != e.id) {
                Some(format!("alias `{alias}` is already an alias of `{other}`"))
            } else {
                alias_owner.insert(alias, &e.id);
                None
            };
            if let Some(msg) = problem {
                out.push(
                    Problem::new(Check::AliasCollision, msg)
                        .file(*path)
                        .node(node)
                        .capability(&e.id)
                        .fix("remove the alias: an alias must resolve to exactly one entry"),
                );
            }
        }
    }
}

/// The index against the entries: duplicate rows, every row on its own
/// (see [`index_row`]), entries without a row, and the index date.
fn index_checks(
    reg: &Registry,
    index: &Index,
    entries: &[(&str, &Entry)],
    snap: &dyn Snapshot,
    out: &mut Vec<Problem>,
) {
    let entry_at: HashMap<&str, &Entry> = entries.iter().map(|(p, e)| (*p, *e)).collect();
    let loaded_paths: HashSet<&str> = reg.entries.iter().map(|e| e.source.path.as_str()).collect();
    let mut row_ids: HashMap<&str, usize> = HashMap::default();
    let mut row_paths: HashSet<&str> = HashSet::default();
    for (i, row) in index.capabilities.iter().enumerate() {
        if let Some(first) = row_ids.insert(&row.id, i) {
            row_ids.insert(&row.id, first);
            out.push(
                Problem::new(
                    Check::DuplicateId,
                    format!(
                        "index row {} repeats id `{}` (first at row {})",
                        i + 1,
                        row.id,
                        first + 1
                    ),
                )
                .file(INDEX_PATH)
                .node(row_node(i, "id"))
                .capability(&row.id)
                .fix("remove the duplicate row"),
            );
        }
        row_paths.insert(&row.path);
        index_row(i, row, &entry_at, &loaded_paths, snap, out);
    }
    for (path, e) in entries {
        if !row_ids.contains_key(e.id.as_str()) && !row_paths.contains(path) {
            out.push(
                Problem::new(
                    Check::MissingIndexRow,
                    format!("capability `{}` has no row in the index", e.id),
                )
                .file(*path)
                .node(keys(&["id"]))
                .capability(&e.id)
                .fix("run `reuse-surface update --apply` to add the row"),
            );
        }
    }
    if let Some(newest) =
        crate::model::stale_index_date(index.updated.as_deref(), entries.iter().map(|(_, e)| *e))
    {
        out.push(
            Problem::new(
                Check::StaleIndexDate,
                format!(
                    "index `updated` is {} but an entry was updated on {newest}",
                    index.updated.as_deref().unwrap_or("missing")
                ),
            )
            .file(INDEX_PATH)
            .node(keys(&["updated"]))
            .fix(format!(
                "set the index `updated` to {newest} (`reuse-surface update --apply`)"
            )),
        );
    }
}

/// The node of field `field` of index row `i`.
fn row_node(i: usize, field: &str) -> Vec<Seg> {
    vec![Seg::key("capabilities"), Seg::Index(i), Seg::key(field)]
}

/// One index row: its path (`path-escape`, `missing-entry`), then the
/// entry it points at (`id-mismatch`, `vector-drift`).
fn index_row(
    i: usize,
    row: &IndexRow,
    entry_at: &HashMap<&str, &Entry>,
    loaded_paths: &HashSet<&str>,
    snap: &dyn Snapshot,
    out: &mut Vec<Problem>,
) {
    let at = |field: &str| row_node(i, field);
    if let Some(why) = path_syntax_problem(&row.path) {
        out.push(
            Problem::new(
                Check::PathEscape,
                format!("index row path `{}` {why}", row.path),
            )
            .file(INDEX_PATH)
            .node(at("path"))
            .capability(&row.id)
            .fix(
                "use a path relative to the repository root, like registry/capabilities/<slug>.md",
            ),
        );
        return;
    }
    match snap.state(&row.path) {
        PathState::File => {}
        PathState::Escapes => {
            out.push(
                Problem::new(
                    Check::PathEscape,
                    format!(
                        "index row path `{}` resolves outside the repository through a symlink",
                        row.path
                    ),
                )
                .file(INDEX_PATH)
                .node(at("path"))
                .capability(&row.id)
                .fix("point the row at the entry file inside registry/capabilities/"),
            );
            return;
        }
        _ => {
            out.push(
                Problem::new(
                    Check::MissingEntry,
                    format!(
                        "index row points at a file that does not exist in {}",
                        snap.describe()
                    ),
                )
                .file(INDEX_PATH)
                .node(at("path"))
                .capability(&row.id)
                .fix("remove the row or restore the file"),
            );
            return;
        }
    }
    match entry_at.get(row.path.as_str()) {
        Some(e) if e.id != row.id => out.push(
            Problem::new(Check::IdMismatch, format!("index row id `{}` differs from the id `{}` of the entry at {}", row.id, e.id, row.path))
                .file(INDEX_PATH)
                .node(at("id"))
                .capability(&e.id)
                .fix(format!("the entry is authoritative: set the row id to `{}` (ids never change; record the old one under `aliases`)", e.id)),
        ),
        Some(e) => {
            let derived = e.derive_row(&row.path);
            for (field, have, want) in row.drift(&derived) {
                let node = if have.is_some() { at(field) } else { vec![Seg::key("capabilities"), Seg::Index(i)] };
                out.push(
                    Problem::new(
                        Check::VectorDrift,
                        format!(
                            "index `{field}` is {} but the entry says {}",
                            have.map_or("missing".to_string(), |h| format!("`{h}`")),
                            want.map_or("nothing".to_string(), |w| format!("`{w}`"))
                        ),
                    )
                    .file(INDEX_PATH)
                    .node(node)
                    .capability(&e.id)
                    .fix("run `reuse-surface update --apply` to re-derive the row from the entry"),
                );
            }
        }
        None if loaded_paths.contains(row.path.as_str()) => {} // entry failed to parse: reported there
        None => out.push(
            Problem::new(Check::IdMismatch, format!("index row `{}` points at {}, which is not a capability entry", row.id, row.path))
                .file(INDEX_PATH)
                .node(at("path"))
                .capability(&row.id)
                .fix("point the row at the entry's file in registry/capabilities/"),
        ),
    }
}

/// What relation checks need to know about the whole registry.
struct RelationContext<'a> {
    names: Names<'a>,
    unreadable: BTreeSet<&'a str>,
    status_of: HashMap<&'a str, &'a str>,
}

/// Per entry: relations, evidence, levels. Returns the `depends_on` graph
/// (canonical ids, with the index of each edge in its list) for cycles.
fn entry_checks<'a>(
    reg: &'a Registry,
    entries: &[(&'a str, &'a Entry)],
    snap: &dyn Snapshot,
    out: &mut Vec<Problem>,
) -> BTreeMap<&'a str, Vec<(&'a str, usize)>> {
    let ctx = RelationContext {
        names: Names::new(reg),
        unreadable: unreadable_names(reg),
        status_of: entries
            .iter()
            .map(|(_, e)| (e.id.as_str(), e.status.as_str()))
            .collect(),
    };
    let mut graph: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
    for (path, e) in entries {
        relation_checks(path, e, &ctx, &mut graph, out);
        evidence_checks(path, e, snap, out);
        lists::duplicate_items(path, e, out);
        level_checks(path, e, out);
    }
    graph
}

/// One entry's relations: `self-relation`, `alias-relation`,
/// `unknown-relation`, `deprecated-dependency`; `depends_on` edges go
/// into `graph`.
fn relation_checks<'a>(
    path: &str,
    e: &'a Entry,
    ctx: &RelationContext<'a>,
    graph: &mut BTreeMap<&'a str, Vec<(&'a str, usize)>>,
    out: &mut Vec<Problem>,
) {
    for (kind, i, target) in e.relations.all() {
        let node = vec![Seg::key("relations"), Seg::key(kind), Seg::Index(i)];
        if target == e.id || e.aliases.iter().any(|a| a == target) {
            out.push(
                Problem::new(
                    Check::SelfRelation,
                    format!("`{kind}` names the capability itself (`{target}`)"),
                )
                .file(path)
                .node(node)
                .capability(&e.id)
                .fix("remove the relation"),
            );
            continue;
        }
        let canonical = match ctx.names.resolve(target) {
            Resolved::Id(id) => id,
            Resolved::Alias { canonical, .. } => {
                out.push(
                    Problem::new(Check::AliasRelation, format!("`{kind}` names `{target}`, an alias of `{canonical}`"))
                        .file(path)
                        .node(node.clone())
                        .capability(&e.id)
                        .fix(format!("use the canonical id `{canonical}` (`reuse-surface update --apply` does this)")),
                );
                canonical
            }
            Resolved::Unknown if ctx.unreadable.contains(target) => continue, // its own parse error says why
            Resolved::Unknown => {
                out.push(
                    Problem::new(
                        Check::UnknownRelation,
                        format!(
                            "`{kind}` names `{target}`, which is no known capability id or alias"
                        ),
                    )
                    .file(path)
                    .node(node)
                    .capability(&e.id)
                    .fix("fix the id, or add the capability it refers to"),
                );
                continue;
            }
        };
        if kind == "depends_on" {
            graph.entry(e.id.as_str()).or_default().push((canonical, i));
            let dep_status = ctx.status_of.get(canonical).copied().unwrap_or("");
            if e.status == "active" && (dep_status == "deprecated" || dep_status == "retired") {
                out.push(
                    Problem::new(Check::DeprecatedDependency, format!("active capability depends on `{canonical}`, which is {dep_status}"))
                        .file(path)
                        .node(node)
                        .capability(&e.id)
                        .fix("move to its replacement (see its `supersedes`), or mark this capability deprecated too"),
                );
            }
        }
    }
}

/// `dependency-cycle`, reported once per cycle on its first capability.
fn cycle_problems(
    graph: &BTreeMap<&str, Vec<(&str, usize)>>,
    entries: &[(&str, &Entry)],
    out: &mut Vec<Problem>,
) {
    let paths: HashMap<&str, &str> = entries.iter().map(|(p, e)| (e.id.as_str(), *p)).collect();
    for cycle in cycles(graph) {
        let first = cycle[0];
        let next = cycle[1 % cycle.len()];
        let idx = graph[first]
            .iter()
            .find(|(t, _)| *t == next)
            .map_or(0, |(_, i)| *i);
        let mut shown: Vec<&str> = cycle.clone();
        shown.push(first);
        out.push(
            Problem::new(Check::DependencyCycle, format!("`depends_on` forms a cycle: {}", shown.join(" -> ")))
                .file(paths[first])
                .node(vec![Seg::key("relations"), Seg::key("depends_on"), Seg::Index(idx)])
                .capability(first)
                .fix("break the cycle: one of these is probably `extends` or `overlaps`, not `depends_on`"),
        );
    }
}

/// Ids and aliases of entries that exist but could not be read (parse or
/// schema problems, reported on their own file), taken from what did parse
/// and from the index rows pointing at them, so relations naming them are
/// not also reported as unknown.
fn unreadable_names(reg: &Registry) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    let mut paths = BTreeSet::new();
    for loaded in reg.entries.iter().filter(|e| e.entry.is_none()) {
        paths.insert(loaded.source.path.as_str());
        let Some(value) = &loaded.source.value else {
            continue;
        };
        names.extend(value.get("id").and_then(|v| v.as_str()));
        if let Some(aliases) = value.get("aliases").and_then(|v| v.as_array()) {
            names.extend(aliases.iter().filter_map(|a| a.as_str()));
        }
    }
    if let Some(index) = &reg.index {
        names.extend(
            index
                .capabilities
                .iter()
                .filter(|r| paths.contains(r.path.as_str()))
                .map(|r| r.id.as_str()),
        );
    }
    names
}

fn evidence_checks(
    path: &str,
    e: &crate::model::Entry,
    snap: &dyn Snapshot,
    out: &mut Vec<Problem>,
) {
    let mut check = |p: &str, node: Vec<Seg>, what: &str| {
        if let Some(why) = path_syntax_problem(p) {
            out.push(
                Problem::new(Check::PathEscape, format!("{what} path `{p}` {why}"))
                    .file(path)
                    .node(node)
                    .capability(&e.id)
                    .fix("use a path relative to the repository root, inside the repository"),
            );
            return;
        }
        match snap.state(p) {
            PathState::File | PathState::Dir => {}
            PathState::Escapes => out.push(
                Problem::new(
                    Check::PathEscape,
                    format!("{what} path `{p}` leaves the repository through a symlink"),
                )
                .file(path)
                .node(node)
                .capability(&e.id)
                .fix("evidence must live inside the repository"),
            ),
            PathState::Missing => out.push(
                Problem::new(
                    Check::EvidenceMissing,
                    format!("{what} path `{p}` does not exist in {}", snap.describe()),
                )
                .file(path)
                .node(node)
                .capability(&e.id)
                .fix("add the file (and stage it), or remove it from the list"),
            ),
        }
    };
    for (kind, list) in &e.evidence {
        for (i, p) in list.iter().enumerate() {
            check(
                p,
                vec![Seg::key("evidence"), Seg::key(kind), Seg::Index(i)],
                &format!("evidence.{kind}"),
            );
        }
    }
    for (j, promo) in e.promotion_history.iter().enumerate() {
        for (k, p) in promo.evidence.iter().enumerate() {
            let node = vec![
                Seg::key("promotion_history"),
                Seg::Index(j),
                Seg::key("evidence"),
                Seg::Index(k),
            ];
            check(p, node, "promotion evidence");
        }
    }
    for (i, glob) in e.surface.iter().enumerate() {
        let node = vec![Seg::key("surface"), Seg::Index(i)];
        if let Some(why) = path_syntax_problem(glob) {
            out.push(
                Problem::new(Check::PathEscape, format!("surface glob `{glob}` {why}"))
                    .file(path)
                    .node(node)
                    .capability(&e.id)
                    .fix("surface globs are relative to the repository root"),
            );
        } else if let Some(reason) = crate::config::glob_problem(glob) {
            // It would match nothing: the capability's changes would go unseen.
            out.push(
                Problem::new(
                    Check::Schema,
                    format!("surface glob `{glob}` is not a valid glob: {reason}"),
                )
                .file(path)
                .node(node)
                .capability(&e.id)
                .fix("fix the glob (`*`, `**`, `?`, `[...]`, `{a,b}`)"),
            );
        }
    }
}

/// The highest evidence rule (SPEC §2.4) that `level` of `dim` claims and
/// `e`'s evidence does not meet, as (the level it starts at, what it
/// needs). One rule for the `unsupported-level` check and `maintain`'s
/// gate on promotions.
pub fn unsupported_level(
    e: &crate::model::Entry,
    dim: &str,
    level: u8,
) -> Option<(u8, &'static str)> {
    let tests = e.evidence("tests");
    let rules: [(&str, u8, bool, &str); 4] = [
        (
            "D",
            3,
            !e.evidence("documentation").is_empty(),
            "at least one `evidence.documentation` path",
        ),
        (
            "A",
            3,
            !e.availability.current_artifacts.is_empty(),
            "at least one `availability.current_artifacts` item",
        ),
        (
            "R",
            2,
            !tests.is_empty(),
            "at least one `evidence.tests` path",
        ),
        (
            "R",
            4,
            tests.iter().any(|t| is_ci_workflow(t)),
            "a CI workflow file among `evidence.tests`",
        ),
    ];
    rules
        .iter()
        .filter(|(d, min, ok, _)| *d == dim && level >= *min && !ok)
        .max_by_key(|r| r.1)
        .map(|(_, min, _, needs)| (*min, *needs))
}

fn level_checks(path: &str, e: &crate::model::Entry, out: &mut Vec<Problem>) {
    for (dim, level) in e.maturity.levels() {
        let node = |leaf: &str| vec![Seg::key("maturity"), Seg::key(dim), Seg::key(leaf)];
        if let Some((min, needs)) = unsupported_level(e, dim, level.current) {
            out.push(
                Problem::new(Check::UnsupportedLevel, format!("{dim}{} claims more than its evidence supports: {dim} >= {min} needs {needs}", level.current))
                    .file(path)
                    .node(node("current"))
                    .capability(&e.id)
                    .fix(format!("add {needs}, or lower {dim} below {min}")),
            );
        }
        if let Some(target) = level.target.filter(|t| *t < level.current) {
            out.push(
                Problem::new(
                    Check::TargetBelowCurrent,
                    format!(
                        "{dim} target {target} is below its current level {}",
                        level.current
                    ),
                )
                .file(path)
                .node(node("target"))
                .capability(&e.id)
                .fix("raise the target or remove it"),
            );
        }
        if let Some((j, last)) = e
            .promotion_history
            .iter()
            .enumerate()
            .rev()
            .find(|(_, p)| p.dimension == dim)
            && last.to != level.current
        {
            out.push(
                Problem::new(
                    Check::HistoryMismatch,
                    format!(
                        "last {dim} promotion went to {} but {dim} is now {}",
                        last.to, level.current
                    ),
                )
                .file(path)
                .node(vec![
                    Seg::key("promotion_history"),
                    Seg::Index(j),
                    Seg::key("to"),
                ])
                .capability(&e.id)
                .fix("record the change in `promotion_history`, or correct `current`"),
            );
        }
    }
}

/// Whether any problem blocks (is an error).
pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(|p| p.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_syntax() {
        assert_eq!(path_syntax_problem("../x"), Some("contains `..`"));
        assert_eq!(path_syntax_problem("/etc/passwd"), Some("is absolute"));
        assert_eq!(path_syntax_problem("docs/a.md"), None);
    }
}
