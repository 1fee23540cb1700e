//! Issue 13 item 10: a registry below the top level gets the merge driver
//! (the prefixed `.gitattributes` pattern, the config beside the merged
//! file), and install asks `git check-attr` whether the attribute applies,
//! so an override is reported instead of being called "in place".

use crate::common::Repo;
use crate::gate::{Clone, show};

const MODULES: &str = "svc/registry/indexes/modules.yaml";

#[test]
fn establish_with_a_path_routes_that_registry_to_the_driver() {
    let repo = Repo::new();
    repo.git_init();
    std::fs::create_dir_all(repo.path("svc")).unwrap();
    let run = repo.run(&["establish", "--path", "svc", "--scaffold", "--hook"]);
    run.assert_code(0);
    let attrs = repo.read(".gitattributes");
    assert!(
        attrs.contains("svc/registry/indexes/*.yaml merge=reuse-surface"),
        "{attrs}\n{}",
        run.show()
    );
    let clone = Clone {
        repo,
        bin_dir: std::path::PathBuf::new(),
    };
    assert_eq!(
        clone.merge_attr("svc/registry/indexes/capabilities.yaml"),
        "reuse-surface"
    );
}

/// Keyed by `name` only in `svc/registry/config.yaml`: each side edits
/// one row and adds another.
#[test]
fn the_driver_reads_the_config_beside_the_file_it_merges() {
    let clone = Clone::nested("svc");
    clone.repo.write(
        "svc/registry/config.yaml",
        "merge:\n  keys:\n    modules.instances: name\n",
    );
    let base = "modules:\n  instances:\n    - name: alpha\n      host: a1\n    - name: beta\n      host: b1\n";
    clone.repo.write(MODULES, base);
    clone.git_ok(&["add", "-A"]);
    clone.git_ok(&["commit", "-q", "--no-verify", "-m", "modules"]);
    // From the top level: install finds the tracked registry under svc/.
    clone.rs(&["install"]).assert_code(0);
    assert_eq!(clone.merge_attr(MODULES), "reuse-surface");
    clone.git_ok(&["add", ".gitattributes"]);
    clone.git_ok(&["commit", "-q", "--no-verify", "-m", "attributes"]);

    clone.git_ok(&["checkout", "-q", "-b", "theirs"]);
    clone.repo.write(
        MODULES,
        base.replace("host: b1", "host: b2") + "    - name: delta\n      host: d1\n",
    );
    clone.git_ok(&["commit", "-q", "--no-verify", "-am", "theirs"]);
    clone.git_ok(&["checkout", "-q", "main"]);
    clone.repo.write(
        MODULES,
        base.replace("host: a1", "host: a2") + "    - name: gamma\n      host: g1\n",
    );
    clone.git_ok(&["commit", "-q", "--no-verify", "-am", "ours"]);

    let o = clone.git(&["merge", "-q", "--no-edit", "theirs"]);
    assert!(o.status.success(), "{}", show(&o));
    let merged = clone.git_ok(&["show", &format!("HEAD:{MODULES}")]);
    for want in ["host: a2", "host: b2", "name: gamma", "name: delta"] {
        assert!(merged.contains(want), "{want} missing:\n{merged}");
    }
    assert!(!merged.contains("<<<<<<<"), "{merged}");
}

#[test]
fn an_override_in_info_attributes_is_reported() {
    let clone = Clone::nested("svc");
    std::fs::create_dir_all(clone.root().join(".git/info")).unwrap();
    clone.repo.write(
        ".git/info/attributes",
        "svc/registry/indexes/*.yaml -merge\n",
    );
    let run = clone.rs(&["install"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains(
            "warning: `git check-attr merge -- svc/registry/indexes/capabilities.yaml` resolves to `unset`"
        ),
        "{}",
        run.show()
    );
}

#[test]
fn a_later_line_overriding_ours_is_reported_not_called_in_place() {
    let clone = Clone::new();
    clone.repo.write(
        ".gitattributes",
        "registry/indexes/*.yaml merge=reuse-surface\nregistry/indexes/*.yaml merge=union\n",
    );
    let run = clone.rs(&["install"]);
    run.assert_code(0);
    assert!(!run.stdout.contains("already"), "{}", run.show());
    assert!(
        run.stdout
            .contains("resolves to `union`, not `reuse-surface`"),
        "{}",
        run.show()
    );
}

#[test]
fn a_registry_not_committed_yet_is_found_from_the_top_level() {
    let repo = Repo::new();
    crate::common::clean_registry_in(&repo, "svc");
    repo.git_init();
    repo.run(&["install"]).assert_code(0);
    let attrs = repo.read(".gitattributes");
    assert_eq!(attrs, "svc/registry/indexes/*.yaml merge=reuse-surface\n");
    let doctor = repo.run(&["doctor"]);
    assert!(
        doctor.stdout.contains(
            "ok    attribute: svc/registry/indexes/capabilities.yaml: merge=reuse-surface"
        ),
        "{}",
        doctor.show()
    );
}
