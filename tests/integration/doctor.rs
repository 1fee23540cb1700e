//! Issue 12 item 2: `reuse-surface doctor` says whether the gate is
//! effective in the clone as it is now, each finding with the command that
//! fixes it; exit 1 when it is not.

use crate::gate::{Clone, tool};

#[test]
fn a_clean_install_is_effective() {
    let clone = Clone::new();
    clone.rs(&["install"]).assert_code(0);
    let run = clone.rs(&["doctor"]);
    run.assert_code(0);
    for want in [
        "ok    pre-commit: our shim",
        "ok    pre-push: our shim",
        "ok    merge driver: registered",
        "ok    attribute: registry/indexes/capabilities.yaml: merge=reuse-surface",
        "ok    registry: registry/indexes/capabilities.yaml",
        "the gate is effective",
    ] {
        assert!(run.stdout.contains(want), "{want}:\n{}", run.show());
    }
    assert!(!run.stdout.contains("FAIL"), "{}", run.show());
}

#[test]
fn a_lefthook_takeover_is_a_failing_finding_with_its_fix() {
    let clone = Clone::new();
    clone.rs(&["install"]).assert_code(0);
    clone.repo.write(
        "lefthook.yml",
        "pre-commit:\n  commands:\n    lint:\n      run: true\n",
    );
    let o = clone.cmd(tool("lefthook")).arg("install").output().unwrap();
    assert!(o.status.success(), "{}", crate::gate::show(&o));

    let run = clone.rs(&["doctor"]);
    run.assert_code(1);
    assert!(
        run.stdout
            .contains("FAIL  pre-commit: lefthook took this hook over"),
        "{}",
        run.show()
    );
    assert!(
        run.stdout
            .contains("fix: reuse-surface install --manager lefthook, then lefthook install"),
        "{}",
        run.show()
    );
    assert!(
        run.stdout.contains("the gate is NOT effective"),
        "{}",
        run.show()
    );

    // The fix it names makes the gate effective again.
    clone.link_on_path();
    clone
        .rs(&["install", "--manager", "lefthook"])
        .assert_code(0);
    let o = clone.cmd(tool("lefthook")).arg("install").output().unwrap();
    assert!(o.status.success(), "{}", crate::gate::show(&o));
    let run = clone.rs(&["doctor"]);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("ok    pre-commit: lefthook's hook, and its configuration runs"),
        "{}",
        run.show()
    );
}

#[test]
fn a_shim_whose_binary_is_gone_is_a_failing_finding() {
    let clone = Clone::new();
    let dir = clone.repo.outside().join("Cellar/1.0/bin");
    let copy = clone.copy_binary(&dir);
    clone.rs_with(&copy, &["install"]).assert_code(0);
    std::fs::remove_dir_all(clone.repo.outside().join("Cellar")).unwrap();
    // No reuse-surface anywhere on PATH, whatever the machine has installed.
    let mut doctor = clone.cmd(crate::common::BIN);
    doctor.env("PATH", "/usr/bin:/bin").arg("doctor");
    let run = clone.repo.run_cmd(&mut doctor);
    run.assert_code(1);
    assert!(
        run.stdout
            .contains("FAIL  pre-commit: our shim finds no binary"),
        "{}",
        run.show()
    );
    assert!(
        run.stdout.contains("warn  merge driver:")
            && run
                .stdout
                .contains("is gone: the driver uses reuse-surface from PATH, else git merge-file"),
        "{}",
        run.show()
    );
}

#[test]
fn nothing_installed_names_install_as_the_fix() {
    let clone = Clone::new();
    let run = clone.rs(&["doctor"]);
    run.assert_code(1);
    assert!(
        run.stdout
            .contains("FAIL  pre-commit: not installed\n      fix: reuse-surface install\n"),
        "{}",
        run.show()
    );
    assert!(
        run.stdout.contains("warn  merge driver: not registered"),
        "{}",
        run.show()
    );
}
