//! Deterministic signal collectors (SPEC §4): registry state (drifted rows,
//! missing rows, stale dates, alias relations) and changed paths (CI
//! workflows, docs, tests, package manifests) become patches.

use super::{Patch, PatchKind, Replace, Unassigned};
use crate::checks::{Names, Resolved};
use crate::git::Change;
use crate::model::{Entry, is_ci_workflow};
use crate::registry::Registry;
use crate::snapshot::{PathState, Snapshot};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, BTreeSet};

/// Patches and the signals that could not be assigned to a capability.
#[derive(Debug, Default)]
pub struct Collected {
    pub patches: Vec<Patch>,
    pub unassigned: Vec<Unassigned>,
}

/// Which capabilities to produce patches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    One(String),
}

impl Scope {
    fn includes(&self, id: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::One(one) => one == id,
        }
    }
}

/// Changed paths (registry-root relative) and the tree before the change.
pub type Diff<'a> = (&'a [(String, Change)], &'a dyn Snapshot);

/// Collect state patches, plus diff patches when `changes` is given
/// (`old` is the tree before the change, for manifest comparisons).
pub fn collect(
    reg: &Registry,
    snap: &dyn Snapshot,
    changes: Option<Diff<'_>>,
    scope: &Scope,
) -> Collected {
    let mut out = Collected::default();
    if let Some((changes, old)) = changes {
        diff_patches(reg, snap, old, changes, &mut out);
    }
    state_patches(reg, &mut out.patches);
    out.patches
        .retain(|p| scope.includes(&p.capability_id) || p.kind == PatchKind::IndexDateBump);
    dedupe(&mut out.patches);
    out
}

fn dedupe(patches: &mut Vec<Patch>) {
    let mut seen = BTreeSet::new();
    patches.retain(|p| {
        seen.insert((
            p.capability_id.clone(),
            p.kind,
            p.field_path.clone(),
            p.append.clone(),
            p.replace.as_ref().map(|r| r.from.clone()),
        ))
    });
}

/// Patches that follow from the registry alone (entry → index flow).
/// The patches that re-derive the index from the entries: rows added,
/// rows synced, the date bumped. What `post-merge` applies and
/// `post-rewrite` reports as drift.
pub fn derivation_patches(reg: &Registry) -> Vec<Patch> {
    let mut patches = Vec::new();
    state_patches(reg, &mut patches);
    patches.retain(|p| {
        matches!(
            p.kind,
            PatchKind::IndexRowAdd | PatchKind::VectorSync | PatchKind::IndexDateBump
        )
    });
    patches
}

pub fn state_patches(reg: &Registry, out: &mut Vec<Patch>) {
    let Some(index) = &reg.index else { return };
    let entries: Vec<(&str, &Entry)> = reg.valid_entries().collect();
    let mut first_by_id: BTreeMap<&str, &str> = BTreeMap::new();
    for (path, e) in &entries {
        first_by_id.entry(e.id.as_str()).or_insert(path);
    }
    let row_ids: BTreeSet<&str> = index.capabilities.iter().map(|r| r.id.as_str()).collect();
    let row_paths: BTreeSet<&str> = index.capabilities.iter().map(|r| r.path.as_str()).collect();
    for (path, e) in &entries {
        if first_by_id.get(e.id.as_str()) != Some(path) {
            continue; // duplicate id: a person must decide
        }
        if !row_ids.contains(e.id.as_str()) && !row_paths.contains(path) {
            let row = e.derive_row(path);
            let mut p = Patch::deterministic(
                &e.id,
                PatchKind::IndexRowAdd,
                format!("{path} has no index row"),
            );
            p.field_path = Some("capabilities".into());
            p.set = Some(serde_json::to_value(&row).expect("row serialises"));
            out.push(p);
        }
    }
    let entry_at: BTreeMap<&str, &Entry> = entries.iter().map(|(p, e)| (*p, *e)).collect();
    for row in &index.capabilities {
        let Some(e) = entry_at.get(row.path.as_str()) else {
            continue;
        };
        if e.id != row.id {
            continue; // id-mismatch: ids never change automatically
        }
        let derived = e.derive_row(&row.path);
        let drift = row.drift(&derived);
        if drift.is_empty() {
            continue;
        }
        let fields: Vec<&str> = drift.iter().map(|(f, _, _)| *f).collect();
        let mut p = Patch::deterministic(
            &e.id,
            PatchKind::VectorSync,
            format!(
                "index row {} differs from {} in {}",
                row.id,
                row.path,
                fields.join(", ")
            ),
        );
        let mut set = serde_json::Map::new();
        for (field, _, want) in &drift {
            set.insert(
                (*field).into(),
                want.map_or(serde_json::Value::Null, |w| w.into()),
            );
        }
        p.set = Some(set.into());
        out.push(p);
    }
    if let Some(newest) =
        crate::model::stale_index_date(index.updated.as_deref(), entries.iter().map(|(_, e)| *e))
    {
        let id = entries
            .iter()
            .filter(|(_, e)| e.updated.as_deref() == Some(newest))
            .map(|(_, e)| e.id.as_str())
            .min()
            .unwrap_or_default();
        let mut p = Patch::deterministic(
            id,
            PatchKind::IndexDateBump,
            format!("an entry was updated on {newest}, after the index date"),
        );
        p.field_path = Some("updated".into());
        p.set = Some(newest.into());
        out.push(p);
    }
    let names = Names::new(reg);
    for (_, e) in &entries {
        for (kind, _, target) in e.relations.all() {
            if let Resolved::Alias { alias, canonical } = names.resolve(target) {
                if canonical == e.id {
                    continue; // self-relation: not ours to fix
                }
                let mut p = Patch::deterministic(
                    &e.id,
                    PatchKind::AliasCanonicalize,
                    format!("`{alias}` is an alias of `{canonical}`"),
                );
                p.field_path = Some(format!("relations.{kind}"));
                p.replace = Some(Replace {
                    from: alias.into(),
                    to: canonical.into(),
                });
                out.push(p);
            }
        }
    }
}

/// The glob rules that classify a changed path as a signal for an evidence
/// list: the built-in `docs` and `tests` globs ([`DOCS_GLOBS`],
/// [`TEST_GLOBS`], matched by hand) plus the `signals:` rules of
/// `registry/config.yaml` ([`crate::config::SignalRule`]), compiled once.
struct SignalRules {
    extra: Vec<(GlobSet, String)>,
}

/// Paths that are documentation, as globs (`*` crosses `/`, as everywhere
/// in the registry's globs). [`is_docs_path`] matches them without
/// compiling them: compiling these eight globs cost the pre-commit hook
/// ~0.25 ms of its 2 ms budget whenever anything outside `registry/` was
/// staged. A unit test holds the two equal.
pub const DOCS_GLOBS: [&str; 2] = ["docs/**", "**/*.md"];

/// Paths that are tests, as globs: [`is_test_path`] matches them.
pub const TEST_GLOBS: [&str; 6] = [
    "tests/**",
    "**/tests/**",
    "**/*_test.*",
    "**/test_*.*",
    "**/*.test.*",
    "**/*.spec.*",
];

/// [`DOCS_GLOBS`]: under `docs/`, or ending in `.md`.
fn is_docs_path(path: &str) -> bool {
    path.starts_with("docs/") || path.ends_with(".md")
}

/// [`TEST_GLOBS`]: a `tests/` directory at any depth; `_test.`, `.test.`
/// or `.spec.` anywhere; or a component starting `test_` with a `.`
/// somewhere after it.
fn is_test_path(path: &str) -> bool {
    let component_starts = |at: usize| at == 0 || path.as_bytes()[at - 1] == b'/';
    path.starts_with("tests/")
        || path.contains("/tests/")
        || path.contains("_test.")
        || path.contains(".test.")
        || path.contains(".spec.")
        || path
            .match_indices("test_")
            .any(|(at, _)| component_starts(at) && path[at + 5..].contains('.'))
}

/// Whether a changed path (registry-root relative) can produce a patch or
/// needs a check: anything under `registry/`, a built-in or configured
/// signal path, or a package manifest. Hooks use this for their fast path.
pub fn any_relevant<'a>(
    config: &crate::config::Config,
    paths: impl IntoIterator<Item = &'a str>,
) -> bool {
    let mut signals: Option<SignalRules> = None;
    let kinds = crate::kinds::KindPaths::new(&config.kinds);
    paths.into_iter().any(|path| {
        let name = path.rsplit('/').next().unwrap_or(path);
        path.starts_with("registry/")
            || kinds.contains(path)
            || matches!(name, "Cargo.toml" | "pyproject.toml" | "package.json")
            || signals
                .get_or_insert_with(|| SignalRules::from_config(config))
                .classify(path)
                .is_some()
    })
}

impl SignalRules {
    fn new(reg: &Registry) -> Self {
        Self::from_config(&reg.config)
    }

    fn from_config(config: &crate::config::Config) -> Self {
        // A rule whose glob does not compile matches nothing here; loading
        // the config reports it (`config::signal_problems`) and falls back
        // to the defaults, so this only skips it in a config read unchecked.
        let extra = config
            .signals
            .iter()
            .filter_map(|r| {
                let g = Glob::new(&r.glob).ok()?;
                let mut b = GlobSetBuilder::new();
                b.add(g);
                Some((b.build().ok()?, r.field.clone()))
            })
            .collect();
        SignalRules { extra }
    }

    /// (signal name, evidence field) for a path, if any.
    fn classify(&self, path: &str) -> Option<(String, String)> {
        if path.starts_with("registry/") {
            return None;
        }
        for (set, field) in &self.extra {
            if set.is_match(path) {
                return Some(("configured rule".into(), field.clone()));
            }
        }
        if is_ci_workflow(path) {
            return Some(("CI workflow".into(), "evidence.tests".into()));
        }
        if is_test_path(path) {
            return Some(("test file".into(), "evidence.tests".into()));
        }
        if is_docs_path(path) {
            return Some(("documentation".into(), "evidence.documentation".into()));
        }
        None
    }
}

/// Capabilities a changed path belongs to: surface matches, else the only
/// capability, else none.
fn owners<'a>(
    entries: &[(&'a str, &'a Entry, GlobSet)],
    path: &str,
) -> Result<Vec<&'a Entry>, String> {
    let matched: Vec<&Entry> = entries
        .iter()
        .filter(|(_, _, s)| s.is_match(path))
        .map(|(_, e, _)| *e)
        .collect();
    if !matched.is_empty() {
        return Ok(matched);
    }
    if entries.len() == 1 {
        return Ok(vec![entries[0].1]);
    }
    Err(if entries.is_empty() {
        "the registry has no valid capability".into()
    } else {
        "no capability's `surface` matches it".into()
    })
}

/// Every valid entry with its `surface` globs compiled (an invalid glob
/// matches nothing; the checks report it as a `schema` error at the glob).
fn surface_sets(reg: &Registry) -> Vec<(&str, &Entry, GlobSet)> {
    reg.valid_entries()
        .map(|(p, e)| {
            let mut b = GlobSetBuilder::new();
            for g in &e.surface {
                if let Ok(g) = Glob::new(g) {
                    b.add(g);
                }
            }
            (p, e, b.build().unwrap_or_else(|_| GlobSet::empty()))
        })
        .collect()
}

/// The capabilities a change touches, sorted: the owners of its changed
/// paths (by the same rule the collectors assign signals) and the entries
/// whose own file changed. `maintain` asks the LLM about these by default.
pub fn touched(reg: &Registry, changes: &[(String, Change)]) -> Vec<String> {
    let entries = surface_sets(reg);
    let mut ids = BTreeSet::new();
    for (path, change) in changes {
        if let Some((_, e, _)) = entries.iter().find(|(p, _, _)| p == path) {
            ids.insert(e.id.clone());
            continue;
        }
        if *change == Change::Deleted || path.starts_with("registry/") {
            continue;
        }
        if let Ok(owners) = owners(&entries, path) {
            ids.extend(owners.into_iter().map(|e| e.id.clone()));
        }
    }
    ids.into_iter().collect()
}

/// The paths among `paths` that can serve as evidence (CI workflows,
/// tests, documentation, configured rules): what a prompt may offer an
/// LLM to cite.
pub fn evidence_like<'a>(
    config: &crate::config::Config,
    paths: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let signals = SignalRules::from_config(config);
    paths
        .into_iter()
        .filter(|p| signals.classify(p).is_some())
        .map(str::to_string)
        .collect()
}

fn diff_patches(
    reg: &Registry,
    snap: &dyn Snapshot,
    old: &dyn Snapshot,
    changes: &[(String, Change)],
    out: &mut Collected,
) {
    let signals = SignalRules::new(reg);
    let entries = surface_sets(reg);
    for (path, change) in changes {
        if *change == Change::Deleted {
            continue;
        }
        let mut proposals: Vec<(String, String, String)> = Vec::new(); // (field, value, signal)
        if let Some((signal, field)) = signals.classify(path)
            && snap.state(path) == PathState::File
        {
            proposals.push((field, path.clone(), signal));
        }
        for artifact in new_artifacts(path, snap, old) {
            proposals.push((
                "availability.current_artifacts".into(),
                artifact.clone(),
                format!("{path} declares {artifact}"),
            ));
        }
        if proposals.is_empty() {
            continue;
        }
        let owners = match owners(&entries, path) {
            Ok(o) => o,
            Err(reason) => {
                for (_, _, signal) in proposals {
                    out.unassigned.push(Unassigned {
                        path: path.clone(),
                        signal,
                        reason: reason.clone(),
                    });
                }
                continue;
            }
        };
        for e in owners {
            for (field, value, signal) in &proposals {
                let present = match field.as_str() {
                    "availability.current_artifacts" => {
                        e.availability.current_artifacts.contains(value)
                    }
                    f => e
                        .evidence(f.trim_start_matches("evidence."))
                        .contains(value),
                };
                if present {
                    continue;
                }
                let kind = if field == "availability.current_artifacts" {
                    PatchKind::ArtifactAppend
                } else {
                    PatchKind::EvidenceAppend
                };
                let mut p = Patch::deterministic(
                    &e.id,
                    kind,
                    format!(
                        "{path} changed ({signal}) and belongs to this capability: add it to {field}"
                    ),
                );
                p.field_path = Some(field.clone());
                p.append = Some(value.clone());
                p.evidence_citations = vec![path.clone()];
                out.patches.push(p);
            }
        }
    }
}

/// Artifacts a manifest declares now that it did not declare before.
fn new_artifacts(path: &str, snap: &dyn Snapshot, old: &dyn Snapshot) -> Vec<String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let read = |s: &dyn Snapshot| {
        s.read(path)
            .ok()
            .flatten()
            .and_then(|b| String::from_utf8(b).ok())
    };
    let extract: fn(&str) -> BTreeSet<String> = match name {
        "Cargo.toml" => cargo_artifacts,
        "pyproject.toml" => pyproject_artifacts,
        "package.json" => npm_artifacts,
        _ => return Vec::new(),
    };
    let Some(new_text) = read(snap) else {
        return Vec::new();
    };
    let before = read(old).map(|t| extract(&t)).unwrap_or_default();
    extract(&new_text).difference(&before).cloned().collect()
}

fn cargo_artifacts(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Ok(doc) = text.parse::<toml::Table>() else {
        return out;
    };
    if let Some(name) = doc
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
    {
        out.insert(format!("crate:{name}"));
    }
    if let Some(bins) = doc.get("bin").and_then(|b| b.as_array()) {
        for b in bins {
            if let Some(name) = b.get("name").and_then(|n| n.as_str()) {
                out.insert(format!("cli:{name}"));
            }
        }
    }
    out
}

fn pyproject_artifacts(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Ok(doc) = text.parse::<toml::Table>() else {
        return out;
    };
    let project = doc.get("project");
    if let Some(name) = project.and_then(|p| p.get("name")).and_then(|n| n.as_str()) {
        out.insert(format!("pypi:{name}"));
    }
    if let Some(scripts) = project
        .and_then(|p| p.get("scripts"))
        .and_then(|s| s.as_table())
    {
        out.extend(scripts.keys().map(|k| format!("cli:{k}")));
    }
    out
}

fn npm_artifacts(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
        return out;
    };
    let name = doc.get("name").and_then(|n| n.as_str());
    match doc.get("bin") {
        Some(serde_json::Value::String(_)) => {
            if let Some(name) = name {
                out.insert(format!("cli:{}", name.rsplit('/').next().unwrap_or(name)));
            }
        }
        Some(serde_json::Value::Object(bins)) => {
            out.extend(bins.keys().map(|k| format!("cli:{k}")))
        }
        _ => {}
    }
    if let (Some(name), false) = (
        name,
        doc.get("private")
            .and_then(|p| p.as_bool())
            .unwrap_or(false),
    ) {
        out.insert(format!("npm:{name}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path of up to four components from pieces chosen to sit on
    /// the globs' edges, with and without a leading `/`.
    fn edge_paths() -> Vec<String> {
        const PIECES: [&str; 17] = [
            "docs",
            "tests",
            "test_",
            "test_a",
            "a_test",
            "a_test.rs",
            "x.md",
            ".md",
            "md",
            "a.test.js",
            "b.spec",
            ".spec.",
            "src",
            "",
            ".",
            "a.b",
            "Tests",
        ];
        let mut out = vec![String::new()];
        let mut level = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for p in &level {
                for piece in PIECES {
                    let path = if p.is_empty() {
                        piece.to_string()
                    } else {
                        format!("{p}/{piece}")
                    };
                    next.push(path);
                }
            }
            out.extend(next.iter().cloned());
            out.extend(next.iter().map(|p| format!("/{p}")));
            level = next;
        }
        out
    }

    /// The hand matchers answer as the globs they stand for, compiled.
    #[test]
    fn builtin_signal_globs_match_by_hand_as_compiled() {
        let compile = |globs: &[&str]| {
            let mut b = GlobSetBuilder::new();
            for g in globs {
                b.add(Glob::new(g).expect("built-in glob"));
            }
            b.build().expect("built-in globs")
        };
        let docs = compile(&DOCS_GLOBS);
        let tests = compile(&TEST_GLOBS);
        let mut hits = [0usize; 2];
        let paths = edge_paths();
        for path in &paths {
            assert_eq!(is_docs_path(path), docs.is_match(path), "docs: {path:?}");
            assert_eq!(is_test_path(path), tests.is_match(path), "tests: {path:?}");
            hits[0] += usize::from(docs.is_match(path));
            hits[1] += usize::from(tests.is_match(path));
        }
        // Both answers came up often, for each set: the comparison meant something.
        for (name, n) in ["docs", "tests"].iter().zip(hits) {
            assert!(
                n > 1000 && paths.len() - n > 1000,
                "{name}: {n} of {} matched",
                paths.len()
            );
        }
        // And each glob on its own matched some path.
        for g in DOCS_GLOBS.iter().chain(&TEST_GLOBS) {
            let one = compile(&[g]);
            assert!(paths.iter().any(|p| one.is_match(p)), "{g} matched nothing");
        }
    }

    #[test]
    fn manifests() {
        let c = cargo_artifacts("[package]\nname = \"x\"\n[[bin]]\nname = \"xt\"\n");
        assert!(c.contains("crate:x") && c.contains("cli:xt"));
        let p = pyproject_artifacts(
            "[project]\nname = \"pp\"\n[project.scripts]\npp-cli = \"pp:main\"\n",
        );
        assert!(p.contains("pypi:pp") && p.contains("cli:pp-cli"));
        let n = npm_artifacts(r#"{"name": "@s/n", "bin": {"nn": "x.js"}}"#);
        assert!(n.contains("npm:@s/n") && n.contains("cli:nn"));
    }
}
