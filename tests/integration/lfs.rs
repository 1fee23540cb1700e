//! Git LFS beside the gate (the real `git-lfs`, from Debian through
//! `.ci/run`): `install --force` keeps LFS's pre-push and post-merge under
//! their own names, a push still uploads the objects, and `uninstall` puts
//! the LFS hooks back byte for byte.

use crate::gate::{Clone, show, tool};

#[test]
fn lfs_hooks_are_kept_run_and_restored() {
    let clone = Clone::new();
    let lfs = tool("git-lfs");
    let o = clone
        .cmd(&lfs)
        .args(["install", "--local"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", show(&o));
    let hooks = clone.root().join(".git/hooks");
    let lfs_pre_push = std::fs::read(hooks.join("pre-push")).unwrap();

    clone.rs(&["install", "--force"]).assert_code(0);
    assert_eq!(
        std::fs::read(hooks.join("reuse-surface-kept/pre-push")).unwrap(),
        lfs_pre_push
    );

    let o = clone.cmd(&lfs).args(["track", "*.bin"]).output().unwrap();
    assert!(o.status.success(), "{}", show(&o));
    clone.repo.write("blob.bin", vec![7u8; 4096]);
    clone.git_ok(&["add", ".gitattributes", "blob.bin"]);
    let o = clone.commit("a large file");
    assert!(o.status.success(), "{}", show(&o));
    let remote = clone.repo.outside().join("remote.git");
    clone.git_ok(&["init", "-q", "--bare", remote.to_str().unwrap()]);
    clone.git_ok(&["remote", "add", "origin", remote.to_str().unwrap()]);
    let o = clone.git(&["push", "-q", "origin", "main"]);
    assert!(o.status.success(), "{}", show(&o));
    let objects = remote.join("lfs/objects");
    assert!(objects.is_dir(), "LFS uploaded nothing:\n{}", show(&o));

    clone.rs(&["uninstall"]).assert_code(0);
    assert_eq!(std::fs::read(hooks.join("pre-push")).unwrap(), lfs_pre_push);
    assert!(!hooks.join("reuse-surface-kept").exists());
    assert!(!hooks.join("pre-push.pre-reuse-surface").exists());
}
