//! Writes a synthetic, valid, deterministic capability registry for the
//! benchmarks: `cargo run --release --example gen_registry -- N DIR`.
//!
//! DIR receives `registry/indexes/capabilities.yaml`, N entries under
//! `registry/capabilities/` (about 40 lines of front matter each, with
//! aliases, relations, promotion history and evidence), and every evidence
//! file the entries cite, so `reuse-surface validate --root DIR` reports no
//! problems. The same N always produces the same bytes.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(n), Some(dir), None) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: gen_registry N DIR");
        std::process::exit(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("gen_registry: N must be a positive integer, got `{n}`");
        std::process::exit(2);
    };
    if n == 0 {
        eprintln!("gen_registry: N must be at least 1");
        std::process::exit(2);
    }
    if let Err(e) = generate(n, Path::new(&dir)) {
        eprintln!("gen_registry: {e}");
        std::process::exit(1);
    }
}

fn status(i: usize) -> &'static str {
    if i.is_multiple_of(50) {
        "deprecated"
    } else if i.is_multiple_of(7) {
        "experimental"
    } else {
        "active"
    }
}

fn id(i: usize) -> String {
    format!("capability.bench.cap-{i:05}")
}

fn slug(i: usize) -> String {
    format!("cap-{i:05}")
}

/// A dependency target that is never deprecated (so no warning fires) and
/// always lower-numbered (so `depends_on` stays acyclic).
fn dependency(i: usize) -> Option<usize> {
    (1..i).rev().take(3).find(|j| status(*j) != "deprecated")
}

/// The four current levels, each backed by the evidence the entry lists.
fn levels(i: usize) -> [u8; 4] {
    [3 + (i % 3) as u8, 3, (i % 7) as u8, 2 + (i % 3) as u8]
}

fn date(i: usize) -> String {
    format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28)
}

fn entry(i: usize, n: usize) -> String {
    let [d, a, c, r] = levels(i);
    let s = slug(i);
    let mut t = String::with_capacity(2048);
    let _ = writeln!(t, "---");
    let _ = writeln!(t, "id: {}", id(i));
    let _ = writeln!(t, "title: Synthetic capability {i}");
    let _ = writeln!(
        t,
        "summary: \"Capability {i} of {n}: generated for the validate benchmark.\""
    );
    let _ = writeln!(t, "owner: team-{}", i % 17);
    let _ = writeln!(t, "status: {}", status(i));
    if i.is_multiple_of(5) {
        let _ = writeln!(t, "aliases: [capability.bench.old-{i:05}]");
    } else {
        let _ = writeln!(t, "aliases: []");
    }
    let _ = writeln!(t, "surface: [\"src/{s}/**\", \"docs/{s}.md\"]");
    let _ = writeln!(t, "maturity:");
    let _ = writeln!(t, "  D: {{current: {d}, target: 6}}");
    let _ = writeln!(t, "  A: {{current: {a}}}");
    let _ = writeln!(t, "  C: {{current: {c}, target: {}}}", c.max(4));
    let _ = writeln!(t, "  R: {{current: {r}}}");
    let _ = writeln!(t, "evidence:");
    let _ = writeln!(t, "  tests:");
    let _ = writeln!(t, "    - tests/{s}_test.rs");
    if r >= 4 {
        let _ = writeln!(t, "    - .github/workflows/ci.yml");
    }
    let _ = writeln!(t, "  documentation: [docs/{s}.md]");
    let _ = writeln!(t, "availability:");
    let _ = writeln!(t, "  current_artifacts: [\"cli:{s}\"]");
    let _ = writeln!(t, "relations:");
    match dependency(i) {
        Some(j) => {
            let _ = writeln!(t, "  depends_on: [{}]", id(j));
        }
        None => {
            let _ = writeln!(t, "  depends_on: []");
        }
    }
    if i > 10 {
        let _ = writeln!(t, "  extends: [{}]", id(i - 10));
    } else {
        let _ = writeln!(t, "  extends: []");
    }
    if i < n && i.is_multiple_of(4) {
        let _ = writeln!(t, "  overlaps: [{}]", id(i + 1));
    } else {
        let _ = writeln!(t, "  overlaps: []");
    }
    let _ = writeln!(t, "  supersedes: []");
    let _ = writeln!(t, "promotion_history:");
    let _ = writeln!(
        t,
        "  - {{date: {}, dimension: D, from: {}, to: {d}, evidence: [docs/{s}.md], by: maintain, rationale: \"documented\"}}",
        date(i),
        d - 1
    );
    let _ = writeln!(
        t,
        "  - {{date: {}, dimension: R, from: {}, to: {r}, evidence: [tests/{s}_test.rs], by: maintain, rationale: \"tested\"}}",
        date(i),
        r - 1
    );
    let _ = writeln!(t, "consumer_feedback:");
    let _ = writeln!(
        t,
        "  - {{date: {}, consumer: {}, note: \"works for us\"}}",
        date(i),
        id(1 + (i * 7) % n)
    );
    let _ = writeln!(t, "notes: >-");
    let _ = writeln!(
        t,
        "  Generated entry {i}; the text here only adds realistic bulk"
    );
    let _ = writeln!(
        t,
        "  to the front matter so parsing costs what it would in practice."
    );
    let _ = writeln!(t, "updated: {}", date(i));
    let _ = writeln!(t, "---");
    let _ = writeln!(t, "# Synthetic capability {i}");
    let _ = writeln!(t);
    let _ = writeln!(
        t,
        "Free Markdown body of capability {i}. Nothing here is parsed as YAML."
    );
    t
}

fn generate(n: usize, dir: &Path) -> std::io::Result<()> {
    let write = |rel: &str, text: &str| -> std::io::Result<()> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)
    };
    write(".github/workflows/ci.yml", "on: push\njobs: {}\n")?;
    let mut index = String::with_capacity(n * 200);
    let newest = (1..=n).map(date).max().unwrap_or_default();
    let _ = writeln!(
        index,
        "# Capability index: derived from registry/capabilities/*.md."
    );
    let _ = writeln!(index, "schema_version: 1");
    let _ = writeln!(index, "updated: {newest}");
    let _ = writeln!(index);
    let _ = writeln!(index, "capabilities:");
    for i in 1..=n {
        let s = slug(i);
        let [d, a, c, r] = levels(i);
        write(&format!("registry/capabilities/{s}.md"), &entry(i, n))?;
        write(
            &format!("tests/{s}_test.rs"),
            &format!("// tests for capability {i}\n"),
        )?;
        write(&format!("docs/{s}.md"), &format!("# Capability {i}\n"))?;
        let _ = writeln!(index, "  - id: {}", id(i));
        let _ = writeln!(index, "    title: Synthetic capability {i}");
        let _ = writeln!(index, "    status: {}", status(i));
        let _ = writeln!(index, "    vector: D{d}/A{a}/C{c}/R{r}");
        let _ = writeln!(index, "    path: registry/capabilities/{s}.md");
    }
    write("registry/indexes/capabilities.yaml", &index)?;
    write(
        "registry/config.yaml",
        "# Benchmark registry: default severities.\nchecks: {}\n",
    )?;
    Ok(())
}
