//! Issue 13 item 8: `install --force` keeps a foreign hook under its own
//! name, so a hook that picks its work from `basename "$0"` (husky's and
//! overcommit's do) still runs; `uninstall` puts it back and leaves nothing
//! behind; a hook kept by an older install as `NAME.pre-reuse-surface` is
//! moved under its name.

use std::path::Path;

use crate::gate::{Clone, show, write_exec};

/// A hook that dispatches on its own name, as overcommit's does: it logs
/// the name to `log` and fails under any name but `pre-commit`.
fn dispatching_hook(log: &Path) -> String {
    format!(
        "#!/bin/sh\nname=$(basename \"$0\")\ncase $name in\n\
         pre-commit) echo \"ran as $name\" >> '{log}' ;;\n\
         *) echo \"no such hook: $name\" >&2; exit 1 ;;\nesac\n",
        log = log.display()
    )
}

/// Every path under the hooks directory, relative to it.
fn hook_files(root: &Path) -> Vec<String> {
    let dir = root.join(".git/hooks");
    let mut out = Vec::new();
    for entry in walk(&dir) {
        let rel = entry.strip_prefix(&dir).unwrap().display().to_string();
        if !rel.ends_with(".sample") {
            out.push(rel);
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.push(p.clone());
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn assert_commit_runs_the_kept_hook(clone: &Clone, log: &Path) {
    clone.repo.write("notes.txt", "a note\n");
    clone.git_ok(&["add", "notes.txt"]);
    let o = clone.commit("a note");
    assert!(o.status.success(), "the commit was refused:\n{}", show(&o));
    assert_eq!(
        std::fs::read_to_string(log).unwrap(),
        "ran as pre-commit\n",
        "the kept hook ran under its own name"
    );
    // Our checks still run after it: a registry error is refused.
    clone.stage_registry_error();
    let o = clone.commit("bad");
    assert!(
        !o.status.success(),
        "a registry error passed:\n{}",
        show(&o)
    );
}

#[test]
fn a_kept_hook_runs_under_its_own_name_and_uninstall_restores_it() {
    let clone = Clone::new();
    let log = clone.repo.outside().join("hook.log");
    let hook_text = dispatching_hook(&log);
    let hook = clone.root().join(".git/hooks/pre-commit");
    write_exec(&hook, &hook_text);
    let before = hook_files(clone.root());

    let run = clone.rs(&["install", "--force"]);
    run.assert_code(0);
    assert_commit_runs_the_kept_hook(&clone, &log);
    assert!(
        run.stdout
            .contains("kept foreign pre-commit as reuse-surface-kept/pre-commit"),
        "{}",
        run.show()
    );
    assert_eq!(
        std::fs::read_to_string(
            clone
                .root()
                .join(".git/hooks/reuse-surface-kept/pre-commit")
        )
        .unwrap(),
        hook_text
    );

    clone.rs(&["uninstall"]).assert_code(0);
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), hook_text);
    assert_eq!(hook_files(clone.root()), before, "nothing left behind");
}

#[test]
fn an_old_style_kept_hook_is_moved_under_its_own_name() {
    let clone = Clone::new();
    let log = clone.repo.outside().join("hook.log");
    let hook_text = dispatching_hook(&log);
    clone.rs(&["install"]).assert_code(0);
    // What an older `install --force` left: the foreign hook beside our shim.
    let old = clone.root().join(".git/hooks/pre-commit.pre-reuse-surface");
    write_exec(&old, &hook_text);

    let run = clone.rs(&["install"]);
    run.assert_code(0);
    assert_commit_runs_the_kept_hook(&clone, &log);
    assert!(
        run.stdout.contains(
            "moved the kept pre-commit.pre-reuse-surface to reuse-surface-kept/pre-commit"
        ),
        "{}",
        run.show()
    );
    let again = clone.rs(&["install"]);
    assert!(again.stdout.contains("nothing to do"), "{}", again.show());

    clone.rs(&["uninstall"]).assert_code(0);
    let hooks = clone.root().join(".git/hooks");
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit")).unwrap(),
        hook_text
    );
    assert!(!old.exists(), "no chain left");
    assert!(
        !hooks.join("reuse-surface-kept").exists(),
        "no kept directory left"
    );
}
