//! The fuzz corpus replayed on stable (issue 13, item 17): every input in
//! `fuzz/corpus/<target>/` (the seeds and what the fuzzers reached, kept
//! minimized by `bench/fuzz.sh --minimize`) and in
//! `fuzz/regressions/<target>/` (each input a fuzzer found a defect with,
//! never minimized away) goes through the same invariant check its
//! `cargo fuzz` target runs (`reuse_surface::fuzzing`), so CI guards every
//! found case without nightly or libFuzzer.

use reuse_surface::fuzzing::TARGETS;
use std::path::Path;

/// Every target has a corpus, every input passes its check, and a panic
/// names the input that caused it.
#[test]
fn every_corpus_input_passes_its_check() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut failures = Vec::new();
    let mut found = 0;
    for (target, check) in TARGETS {
        let dir = fuzz.join("corpus").join(target);
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("corpus entry").path())
            .collect();
        assert!(inputs.len() >= 5, "{target}: only {} inputs", inputs.len());
        if let Ok(entries) = std::fs::read_dir(fuzz.join("regressions").join(target)) {
            let before = inputs.len();
            inputs.extend(entries.map(|e| e.expect("regression entry").path()));
            found += inputs.len() - before;
        }
        inputs.sort();
        for input in inputs {
            let data = std::fs::read(&input).expect("read a corpus input");
            let outcome = std::panic::catch_unwind(|| check(&data));
            let name = input.file_name().unwrap().to_string_lossy().into_owned();
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(e)) => failures.push(format!("{target}/{name}: {e}")),
                Err(_) => failures.push(format!("{target}/{name}: panicked")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(found >= 8, "only {found} regression inputs");
}
