//! `stats`: a quick picture of a registry's maturity, for people deciding
//! where to invest and for dashboards reading the JSON.

use crate::model::DIMENSIONS;
use crate::registry::Registry;
use serde::Serialize;
use std::collections::BTreeMap;

/// Counts over the valid entries of one registry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// The version of the JSON document (`stats --format json`).
    pub version: u32,
    pub capabilities: usize,
    pub by_status: BTreeMap<String, usize>,
    /// dimension → level (0..6) → count.
    pub by_level: BTreeMap<String, [usize; 7]>,
    /// dimension → mean current level (two decimals).
    pub mean_vector: BTreeMap<String, f64>,
    /// Ids of capabilities that list no evidence at all.
    pub without_evidence: Vec<String>,
    /// Entries that could not be read (parse or schema problems).
    pub unreadable: usize,
    /// Items per declared kind (`kinds:` in the config), every declared
    /// kind listed, empty ones with 0.
    pub kinds: BTreeMap<String, usize>,
}

/// Compute statistics over the registry's valid entries.
pub fn compute(reg: &Registry) -> Stats {
    let mut by_status = BTreeMap::new();
    let mut by_level: BTreeMap<String, [usize; 7]> =
        DIMENSIONS.iter().map(|d| (d.to_string(), [0; 7])).collect();
    let mut sums = [0u64; 4];
    let mut without_evidence = Vec::new();
    let mut n = 0;
    for (_, e) in reg.valid_entries() {
        n += 1;
        *by_status.entry(e.status.clone()).or_insert(0) += 1;
        for (i, (dim, level)) in e.maturity.levels().iter().enumerate() {
            by_level.get_mut(*dim).expect("dimension")[usize::from(level.current.min(6))] += 1;
            sums[i] += u64::from(level.current);
        }
        if e.evidence.values().all(Vec::is_empty) {
            without_evidence.push(e.id.clone());
        }
    }
    without_evidence.sort();
    let mean_vector = DIMENSIONS
        .iter()
        .zip(sums)
        .map(|(d, s)| {
            let mean = if n == 0 { 0.0 } else { s as f64 / n as f64 };
            (d.to_string(), (mean * 100.0).round() / 100.0)
        })
        .collect();
    Stats {
        version: crate::diagnostics::JSON_VERSION,
        capabilities: n,
        by_status,
        by_level,
        mean_vector,
        without_evidence,
        unreadable: reg.entries.len() - n,
        kinds: reg
            .config
            .kinds
            .keys()
            .map(|k| (k.clone(), reg.kinds.of(k).count()))
            .collect(),
    }
}

/// The text form of [`Stats`].
pub fn render(s: &Stats) -> String {
    let mut out = format!("capabilities: {}", s.capabilities);
    if s.unreadable > 0 {
        out.push_str(&format!(
            " (+{} unreadable: run `reuse-surface validate`)",
            s.unreadable
        ));
    }
    out.push('\n');
    out.push_str("by status:\n");
    for (status, n) in &s.by_status {
        out.push_str(&format!("  {status:<13}{n}\n"));
    }
    out.push_str("by level:      0    1    2    3    4    5    6\n");
    for d in DIMENSIONS {
        let row = &s.by_level[d];
        out.push_str(&format!("  {d}      "));
        for c in row {
            out.push_str(&format!("{c:>5}"));
        }
        out.push('\n');
    }
    let mean: Vec<String> = DIMENSIONS
        .iter()
        .map(|d| format!("{d}{:.2}", s.mean_vector[*d]))
        .collect();
    out.push_str(&format!("mean vector: {}\n", mean.join("/")));
    if s.without_evidence.is_empty() {
        out.push_str("every capability lists evidence\n");
    } else {
        out.push_str(&format!(
            "without evidence ({}):\n",
            s.without_evidence.len()
        ));
        for id in &s.without_evidence {
            out.push_str(&format!("  {id}\n"));
        }
    }
    if !s.kinds.is_empty() {
        out.push_str("items by kind:\n");
        for (kind, n) in &s.kinds {
            out.push_str(&format!("  {kind:<18}{n}\n"));
        }
    }
    out
}
