//! Where a batch's temporary files live, and how the ones a killed process
//! left behind are found again. A temporary beside its target is in the
//! work tree: a SIGKILL between writing it and renaming it left
//! `.NAME.reuse-surface-new-PID-N` files that `git add -A` then staged. So
//! they go under the git directory (`<git dir>/reuse-surface/tmp/`) when
//! that is on the target's filesystem (a rename must stay atomic), and
//! beside the target otherwise; either way their names carry the writer's
//! PID, and a temporary whose writer is dead is removed by the next run.

use std::path::{Path, PathBuf};

/// The marker every temporary's name carries.
const MARK: &str = ".reuse-surface-";

/// The git directory's temporaries folder for a target in a work tree on
/// the same filesystem as that folder (created on demand), else `None`.
pub fn git_temp_dir(target: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty())?;
    let dir = temp_dir_of(&git_dir_above(parent)?);
    std::fs::create_dir_all(&dir).ok()?;
    let same_device = std::fs::metadata(parent).ok()?.dev() == std::fs::metadata(&dir).ok()?.dev();
    same_device.then_some(dir)
}

/// The temporaries folder of a git directory.
fn temp_dir_of(git_dir: &Path) -> PathBuf {
    git_dir.join("reuse-surface").join("tmp")
}

/// The git directory of the work tree holding `dir`: the nearest `.git`
/// at or above it (a directory, or a linked worktree's `gitdir:` file).
pub(super) fn git_dir_above(dir: &Path) -> Option<PathBuf> {
    let dir = std::fs::canonicalize(dir).ok()?;
    for at in dir.ancestors() {
        let dot_git = at.join(".git");
        let Ok(meta) = std::fs::metadata(&dot_git) else {
            continue;
        };
        if meta.is_dir() {
            return Some(dot_git);
        }
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let linked = text.strip_prefix("gitdir:")?.trim();
        return Some(at.join(linked));
    }
    None
}

/// The `n`-th temporary (`tag`: `new`, `old`, `tmp`) of this process for
/// `target`: in `dir` when given (see [`git_temp_dir`]), else beside it.
pub fn temp_path(target: &Path, dir: Option<&Path>, tag: &str, n: usize) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = format!(".{name}{MARK}{tag}-{}-{n}", std::process::id());
    match dir {
        Some(dir) => dir.join(file),
        None => target.with_file_name(file),
    }
}

/// The writer's PID in a temporary's name, if the name is one of ours.
fn writer_pid(name: &str) -> Option<u32> {
    let (_, rest) = name.rsplit_once(MARK)?;
    let mut parts = rest.split('-');
    let tag = parts.next()?;
    let pid = parts.next()?.parse().ok()?;
    let n_ok = parts.next()?.parse::<usize>().is_ok() && parts.next().is_none();
    (matches!(tag, "new" | "old" | "tmp") && n_ok).then_some(pid)
}

/// Whether process `pid` still runs (a zombie does not count: it writes
/// nothing any more).
fn alive(pid: u32) -> bool {
    if Path::new("/proc/self/stat").exists() {
        return match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            // The state follows the command name's closing parenthesis.
            Ok(stat) => stat
                .rsplit_once(')')
                .is_none_or(|(_, rest)| !rest.trim_start().starts_with('Z')),
            Err(_) => false,
        };
    }
    std::process::Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .map_or(true, |s| s.success())
}

/// Remove the temporaries in `dir` whose writer is dead (never this
/// process's own); returns how many were removed.
pub fn sweep_dir(dir: &Path) -> usize {
    let Ok(read) = std::fs::read_dir(dir) else {
        return 0;
    };
    let me = std::process::id();
    let mut removed = 0;
    for entry in read.flatten() {
        let name = entry.file_name();
        let Some(pid) = writer_pid(&name.to_string_lossy()) else {
            continue;
        };
        if pid != me && !alive(pid) && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Remove the stale temporaries of the work tree holding `dir`: those in
/// its git directory's temporaries folder. Every command that reads a
/// registry calls this, so a killed run's leftovers go at the next run
/// even when that run has nothing to write.
pub fn sweep_git_temps(dir: &Path) -> usize {
    git_dir_above(dir).map_or(0, |g| sweep_dir(&temp_dir_of(&g)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_writer() {
        let t = temp_path(Path::new("/r/registry/a.md"), None, "new", 3);
        let name = t.file_name().unwrap().to_str().unwrap().to_string();
        assert_eq!(t.parent(), Some(Path::new("/r/registry")));
        assert_eq!(writer_pid(&name), Some(std::process::id()));
        assert_eq!(writer_pid(".a.md.reuse-surface-old-12-0"), Some(12));
        assert_eq!(writer_pid(".a-b.md.reuse-surface-tmp-7-1"), Some(7));
        assert_eq!(writer_pid("a.md"), None);
        assert_eq!(writer_pid(".a.md.reuse-surface-new-x-1"), None);
        assert_eq!(writer_pid(".a.md.reuse-surface-bak-1-1"), None);
    }

    #[test]
    fn stale_temporaries_of_dead_writers_go() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let mine = temp_path(&dir.path().join("a.md"), None, "new", 0);
        let stale = dir.path().join(format!(".a.md.reuse-surface-new-{dead}-0"));
        let other = dir.path().join("a.md");
        for f in [&mine, &stale, &other] {
            std::fs::write(f, "x").unwrap();
        }
        assert_eq!(sweep_dir(dir.path()), 1);
        assert!(mine.exists() && other.exists() && !stale.exists());
    }

    #[test]
    fn the_git_dir_is_found_for_a_work_tree_file() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(top.join(".git")).unwrap();
        std::fs::create_dir_all(top.join("registry/indexes")).unwrap();
        let target = top.join("registry/indexes/capabilities.yaml");
        let tmp = git_temp_dir(&target).expect("same filesystem");
        assert_eq!(tmp, top.join(".git/reuse-surface/tmp"));
        // A linked worktree's `.git` file names its git directory.
        let linked = top.join("wt");
        std::fs::create_dir_all(linked.join("registry")).unwrap();
        std::fs::create_dir_all(top.join(".git/worktrees/wt")).unwrap();
        std::fs::write(
            linked.join(".git"),
            format!("gitdir: {}\n", top.join(".git/worktrees/wt").display()),
        )
        .unwrap();
        assert_eq!(
            git_temp_dir(&linked.join("registry/x.md")),
            Some(top.join(".git/worktrees/wt/reuse-surface/tmp"))
        );
        // Outside any work tree: beside the target.
        let outside = tempfile::tempdir().unwrap();
        assert_eq!(git_temp_dir(&outside.path().join("f")), None);
    }
}
