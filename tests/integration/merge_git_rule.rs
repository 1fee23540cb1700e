//! "Never worse than git" (issue 13, item 1) as a property: random
//! CI-config-like documents (keyed job lists, unkeyed `containers:` lists of
//! mappings, `args` lists of scalars with repeats, flow rows holding nested
//! collections, rows without the key, duplicated keys), a few sparse edits on
//! each side, and `git merge-file` on the same three texts as the referee:
//! whenever git's line merge is clean (and its result is a valid document),
//! the structural merge is clean too, unless the two sides added the same
//! row key differently (a row-identity problem git cannot see).
//!
//! Layout is a pure function of the path, so the lines a side did not edit
//! are byte-identical to base's, as they are in real edits.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reuse_surface::merge::{Options, Outcome, merge_text};
use reuse_surface::yaml::{self, block};
use serde_json::{Map, Value, json};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

const WORDS: &[&str] = &[
    "alpha",
    "beta",
    "gamma",
    "--verbose",
    "-v",
    "on",
    "x: y",
    "2026-01-01",
];

fn word(r: &mut Rng) -> Value {
    Value::String(WORDS[r.below(WORDS.len() as u64) as usize].to_string())
}

fn container(r: &mut Rng, n: u64) -> Value {
    let mut m = Map::new();
    if r.chance(70) {
        m.insert("name".into(), json!(format!("c{n}")));
    }
    m.insert("image".into(), json!(format!("img:{}", r.below(9))));
    let args: Vec<Value> = (0..r.below(4)).map(|_| word(r)).collect();
    m.insert("args".into(), Value::Array(args));
    if r.chance(50) {
        m.insert("pull".into(), json!("always"));
    }
    Value::Object(m)
}

fn step(r: &mut Rng, n: u64) -> Value {
    json!({"id": format!("s{n}"), "tags": [word(r)]})
}

fn job(r: &mut Rng, n: u64, ids: &mut Vec<String>) -> Value {
    let mut m = Map::new();
    // Rows without the key, and keys used twice, make the list unkeyable.
    if !r.chance(10) {
        let id = if r.chance(8) && !ids.is_empty() {
            ids[0].clone()
        } else {
            format!("job{n}")
        };
        ids.push(id.clone());
        m.insert("id".into(), json!(id));
    }
    m.insert(
        "stage".into(),
        json!(["build", "test", "deploy"][r.below(3) as usize]),
    );
    let containers: Vec<Value> = (0..1 + r.below(2)).map(|i| container(r, i)).collect();
    m.insert("containers".into(), Value::Array(containers));
    if r.chance(50) {
        let steps: Vec<Value> = (0..1 + r.below(3)).map(|i| step(r, i)).collect();
        m.insert("steps".into(), Value::Array(steps));
    }
    Value::Object(m)
}

fn document(r: &mut Rng) -> Value {
    let mut ids = Vec::new();
    let jobs: Vec<Value> = (0..1 + r.below(4)).map(|n| job(r, n, &mut ids)).collect();
    json!({"schema_version": 1, "owner": "team", "jobs": jobs})
}

// ------------------------------------------------------------- edits

/// Every node's path: mapping keys and list indexes.
fn paths(v: &Value, cur: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(cur.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                cur.push(json!(k));
                paths(x, cur, out);
                cur.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                cur.push(json!(i));
                paths(x, cur, out);
                cur.pop();
            }
        }
        _ => {}
    }
}

fn at<'v>(v: &'v mut Value, path: &[Value]) -> &'v mut Value {
    path.iter().fold(v, |v, step| match step {
        Value::String(k) => &mut v[k.as_str()],
        s => &mut v[s.as_u64().unwrap() as usize],
    })
}

/// One small edit somewhere: a scalar changed, a list item added, removed
/// or copied, a field added or removed. `tag` makes new values unique to
/// the side, so both sides never add the same value by chance.
fn edit(doc: &mut Value, r: &mut Rng, tag: &str) {
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    let path = &all[1 + r.below(all.len() as u64 - 1) as usize];
    let node = at(doc, path);
    let fresh = json!(format!("{tag}{}", r.below(1000)));
    match node {
        Value::Array(a) => {
            let i = r.below(a.len() as u64 + 1) as usize;
            match r.below(3) {
                0 if !a.is_empty() => {
                    a.remove(i.min(a.len() - 1));
                }
                1 if !a.is_empty() => {
                    let copy = a[r.below(a.len() as u64) as usize].clone();
                    a.insert(i, copy);
                }
                _ => a.insert(i, fresh),
            }
        }
        Value::Object(m) => {
            if r.chance(50) && m.len() > 1 {
                let k = m
                    .keys()
                    .nth(r.below(m.len() as u64) as usize)
                    .unwrap()
                    .clone();
                m.remove(&k);
            } else {
                m.insert(format!("{tag}field"), fresh);
            }
        }
        scalar => *scalar = fresh,
    }
}

// ------------------------------------------------------------ layout

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => yaml::render_scalar(s),
        other => other.to_string(),
    }
}

fn flow(v: &Value) -> String {
    match v {
        Value::Array(a) => format!("[{}]", a.iter().map(flow).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, x)| format!("{k}: {}", flow(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::String(s) => serde_json::to_string(s).unwrap(),
        other => other.to_string(),
    }
}

/// Block layout everywhere except `steps` rows, which are flow mappings
/// holding a flow list (`- {id: s0, tags: [x]}`).
fn emit(out: &mut String, head: &str, key: &str, v: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push_str(&format!("{head}\n"));
            for (k, x) in m {
                emit(out, &format!("{pad}  {k}:"), k, x, indent + 2);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            out.push_str(&format!("{head}\n"));
            for x in a {
                match x {
                    Value::Object(m) if !m.is_empty() && key != "steps" => {
                        let mut it = m.iter();
                        let (k0, x0) = it.next().unwrap();
                        emit(out, &format!("{pad}  - {k0}:"), k0, x0, indent + 4);
                        for (k, x) in it {
                            emit(out, &format!("{pad}    {k}:"), k, x, indent + 4);
                        }
                    }
                    Value::Object(_) | Value::Array(_) => {
                        out.push_str(&format!("{pad}  - {}\n", flow(x)))
                    }
                    x => out.push_str(&format!("{pad}  - {}\n", scalar(x))),
                }
            }
        }
        Value::Object(_) | Value::Array(_) => out.push_str(&format!("{head} {}\n", flow(v))),
        x => out.push_str(&format!("{head} {}\n", scalar(x))),
    }
}

fn render(v: &Value) -> String {
    let mut out = String::from("# pipeline\n");
    for (k, x) in v.as_object().unwrap() {
        emit(&mut out, &format!("{k}:"), k, x, 0);
    }
    out
}

// ----------------------------------------------------------- referees

/// git's line merge of the three texts: the merged text and whether it is
/// clean.
pub fn git_merge(base: &str, ours: &str, theirs: &str) -> (String, bool) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("o", ours), ("b", base), ("t", theirs)] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = common::isolated(
        Command::new("git")
            .args([
                "merge-file",
                "-p",
                "-L",
                "ours",
                "-L",
                "base",
                "-L",
                "theirs",
            ])
            .args(["o", "b", "t"])
            .current_dir(dir.path()),
        dir.path(),
    )
    .output()
    .expect("git merge-file runs");
    let code = out.status.code().expect("git merge-file exits");
    assert!((0..128).contains(&code), "git merge-file failed");
    (String::from_utf8(out.stdout).unwrap(), code == 0)
}

/// The structural merge; a fallback is git's own result.
pub fn driver_merge(base: &str, ours: &str, theirs: &str) -> (String, usize) {
    match merge_text(base, ours, theirs, &Options::default()) {
        Outcome::Merged { text, conflicts } => (text, conflicts),
        Outcome::Fallback { .. } => {
            let (text, clean) = git_merge(base, ours, theirs);
            (text, usize::from(!clean))
        }
    }
}

/// The rows of a keyed list by id (`None`: not a keyed list).
fn rows_by_id(v: &Value) -> Option<Vec<(String, &Value)>> {
    let a = v.as_array()?;
    a.iter()
        .map(|r| Some((r.get("id")?.as_str()?.to_string(), r)))
        .collect()
}

/// Whether the two sides added the same row key (or keys equal but for
/// case) differently anywhere: the one conflict git cannot see.
pub fn identity_clash(b: Option<&Value>, o: &Value, t: &Value) -> bool {
    match (o, t) {
        (Value::Object(om), Value::Object(tm)) => om.iter().any(|(k, ov)| {
            tm.get(k)
                .is_some_and(|tv| identity_clash(b.and_then(|b| b.get(k)), ov, tv))
        }),
        (Value::Array(oa), Value::Array(ta)) => {
            let empty = Vec::new();
            let ba = b.and_then(Value::as_array).unwrap_or(&empty);
            if let (Some(orows), Some(trows)) = (rows_by_id(o), rows_by_id(t)) {
                let base_list = Value::Array(ba.clone());
                let brows = rows_by_id(&base_list).unwrap_or_default();
                let in_base = |id: &str| brows.iter().any(|(b, _)| b == id);
                let added = |rows: &[(String, &Value)]| -> Vec<(String, Value)> {
                    rows.iter()
                        .filter(|(id, _)| !in_base(id))
                        .map(|(id, r)| (id.clone(), (*r).clone()))
                        .collect()
                };
                let (oa_, ta_) = (added(&orows), added(&trows));
                if oa_.iter().any(|(oid, orow)| {
                    ta_.iter().any(|(tid, trow)| {
                        (oid == tid && orow != trow)
                            || (oid != tid && oid.eq_ignore_ascii_case(tid))
                    })
                }) {
                    return true;
                }
                return orows.iter().any(|(id, orow)| {
                    trows
                        .iter()
                        .find(|(t, _)| t == id)
                        .is_some_and(|(_, trow)| {
                            let brow = brows.iter().find(|(b, _)| b == id).map(|(_, r)| *r);
                            identity_clash(brow, orow, trow)
                        })
                });
            }
            oa.iter()
                .zip(ta)
                .enumerate()
                .any(|(i, (x, y))| identity_clash(ba.get(i), x, y))
        }
        _ => false,
    }
}

/// The three texts of one case.
pub fn case(seed: u64) -> (String, String, String, Value, Value, Value) {
    let mut r = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let b = document(&mut r);
    let (mut o, mut t) = (b.clone(), b.clone());
    for _ in 0..1 + r.below(2) {
        edit(&mut o, &mut r, "o");
    }
    for _ in 0..1 + r.below(2) {
        edit(&mut t, &mut r, "t");
    }
    (render(&b), render(&o), render(&t), b, o, t)
}

/// One case of the rule; `Ok(true)` when git's merge was clean (and so
/// the rule applied).
fn check(seed: u64) -> Result<bool, TestCaseError> {
    let (bt, ot, tt, b, o, t) = case(seed);
    let (gtext, gclean) = git_merge(&bt, &ot, &tt);
    // A clean line merge that is not a valid document (a key added twice)
    // is no result to match.
    if !gclean || block::strict_value(&gtext).is_err() || identity_clash(Some(&b), &o, &t) {
        return Ok(false);
    }
    let (text, conflicts) = driver_merge(&bt, &ot, &tt);
    prop_assert_eq!(
        conflicts,
        0,
        "seed {}: git merged cleanly, the driver did not\n--- base\n{}--- ours\n{}--- theirs\n{}--- git\n{}--- driver\n{}",
        seed,
        bt,
        ot,
        tt,
        gtext,
        text
    );
    prop_assert!(block::strict_value(&text).is_ok(), "seed {seed}\n{text}");
    Ok(true)
}

/// Run `check` on 1,000 random seeds; returns how many it applied to.
fn thousand_cases(check: fn(u64) -> Result<bool, TestCaseError>) -> usize {
    // A fixed seed: CI runs the same 1,000 cases every time, so a red run
    // always reproduces. `PROPTEST_RNG_SEED` explores other seeds.
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_0013);
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
        ..Config::with_cases(1000)
    });
    let applied = AtomicUsize::new(0);
    let result = runner.run(&any::<u64>(), |seed| {
        if check(seed)? {
            applied.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    applied.into_inner()
}

/// The rule, on 1,000 random cases; at least a third of them must be cases
/// where git was clean, so the property cannot pass vacuously.
#[test]
fn the_driver_is_clean_whenever_git_is() {
    let clean = thousand_cases(check);
    eprintln!("{clean} of 1000 cases merged cleanly by git");
    assert!(
        clean >= 333,
        "only {clean} of 1000 cases were clean for git"
    );
}

// ------------------------------------------------- row order (item 4)

/// An index-like document: rows keyed by `id`, sorted or not.
fn index_doc(r: &mut Rng, sorted: bool) -> Value {
    let mut ids: Vec<u64> = (0..2 + r.below(6)).map(|_| r.below(40)).collect();
    ids.sort();
    ids.dedup();
    if !sorted {
        for i in (1..ids.len()).rev() {
            ids.swap(i, r.below(i as u64 + 1) as usize);
        }
    }
    let rows: Vec<Value> = ids
        .iter()
        .map(
            |n| json!({"id": format!("cap.r{n:02}"), "title": format!("T{n}"), "status": "active"}),
        )
        .collect();
    json!({"schema_version": 1, "capabilities": rows})
}

/// Add a row (a new id, placed at random or in key order), delete one, or
/// edit a title.
fn index_edit(doc: &mut Value, r: &mut Rng, tag: &str, sorted: bool) {
    let rows = doc["capabilities"].as_array_mut().unwrap();
    match r.below(4) {
        0 | 1 => {
            let id = format!("cap.{tag}{:02}", r.below(40));
            if rows.iter().any(|x| x["id"] == id.as_str()) {
                return;
            }
            let at = if sorted {
                rows.iter()
                    .position(|x| x["id"].as_str().unwrap() > id.as_str())
                    .unwrap_or(rows.len())
            } else {
                r.below(rows.len() as u64 + 1) as usize
            };
            rows.insert(at, json!({"id": id, "title": "New", "status": "active"}));
        }
        2 if rows.len() > 1 => {
            rows.remove(r.below(rows.len() as u64) as usize);
        }
        _ => {
            let i = r.below(rows.len() as u64) as usize;
            rows[i]["title"] = json!(format!("{tag} edit"));
        }
    }
}

fn ids_of(text: &str) -> Vec<String> {
    block::strict_value(text).unwrap()["capabilities"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The base row before each row a side added (`None`: before all).
fn predecessors(base: &[String], side: &[String]) -> Vec<Option<String>> {
    let mut last = None;
    let mut out = Vec::new();
    for id in side {
        if base.contains(id) {
            last = Some(id.clone());
        } else {
            out.push(last.clone());
        }
    }
    out
}

fn shared_predecessor(base: &[String], ours: &[String], theirs: &[String]) -> bool {
    let t = predecessors(base, theirs);
    predecessors(base, ours).iter().any(|p| t.contains(p))
}

/// One case of the order rule; `Ok(true)` when it applied.
fn check_order(seed: u64) -> Result<bool, TestCaseError> {
    let mut r = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let sorted = r.chance(50);
    let b = index_doc(&mut r, sorted);
    let (mut o, mut t) = (b.clone(), b.clone());
    for _ in 0..1 + r.below(3) {
        index_edit(&mut o, &mut r, "o", sorted);
        index_edit(&mut t, &mut r, "t", sorted);
    }
    let (bt, ot, tt) = (render(&b), render(&o), render(&t));
    let (gtext, gclean) = git_merge(&bt, &ot, &tt);
    // Rows both sides added after the same base row: git's order then
    // depends on how its diff aligned the similar lines of the rows.
    if !gclean || shared_predecessor(&ids_of(&bt), &ids_of(&ot), &ids_of(&tt)) {
        return Ok(false);
    }
    let (text, conflicts) = driver_merge(&bt, &ot, &tt);
    prop_assert_eq!(conflicts, 0, "seed {}\n{}", seed, text);
    prop_assert_eq!(
        ids_of(&text),
        ids_of(&gtext),
        "seed {}: rows in another order than git's\n--- base\n{}--- ours\n{}--- theirs\n{}--- git\n{}--- driver\n{}",
        seed,
        bt,
        ot,
        tt,
        gtext,
        text
    );
    Ok(true)
}

/// Where git's line merge is clean, the merged rows come in git's order:
/// added rows after the same predecessor as on the side that added them
/// (in key order in sorted lists).
#[test]
fn added_rows_go_where_git_puts_them() {
    let clean = thousand_cases(check_order);
    eprintln!("{clean} of 1000 index cases merged cleanly by git");
    assert!(clean >= 300, "only {clean} cases were clean for git");
}

/// Cases the properties once failed on, kept as fixed cases.
#[test]
fn git_rule_regressions() {
    for seed in [
        98951547052224954,
        5566846141693359041,
        303316059025077769,
        15496878904705844326,
        2985640926293100542,
    ] {
        match check(seed) {
            Ok(applied) => assert!(applied, "seed {seed}: git no longer clean"),
            Err(e) => panic!("{e}"),
        }
    }
    for seed in [6897920280270323088, 8219751960432013347] {
        if let Err(e) = check_order(seed) {
            panic!("{e}");
        }
    }
}
