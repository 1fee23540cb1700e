//! `reuse-surface demo` runs the real binary and git end to end; it must
//! succeed, show each step's evidence, be quick, and leave nothing behind.

use crate::common::*;

#[test]
fn demo_runs_every_step_and_cleans_up() {
    let repo = Repo::new();
    let tmp = repo.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let started = std::time::Instant::now();
    let run = repo.run_cmd(repo.command(BIN).arg("demo").env("TMPDIR", &tmp));
    let elapsed = started.elapsed();
    run.assert_code(0);
    let out = &run.stdout;
    for expected in [
        "error[unknown-relation]",
        "commit refused",
        "staged index_row_add for capability.demo.wave",
        "error[evidence-missing]",
        "push to origin refused",
        "Merge made by",
        "id: capability.demo.wink",
        "id: capability.demo.yawn",
        "ok: 5 capabilities, no problems",
        "the demo repository has been removed",
    ] {
        assert!(
            out.contains(expected),
            "missing {expected:?} in:\n{}",
            run.show()
        );
    }
    assert!(!out.contains("CONFLICT"), "{}", run.show());
    assert!(elapsed.as_secs_f64() < 10.0, "demo took {elapsed:?}");
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert!(left.is_empty(), "demo left files behind: {left:?}");
}
