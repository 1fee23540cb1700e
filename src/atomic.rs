//! All-or-nothing writes of a batch of files (SPEC §4): every new file is
//! written to a temporary first, the caller validates the result, and only
//! then are they renamed into place. If a rename fails part-way, the files
//! already replaced are restored from backups, so a batch never leaves a
//! mix of old and new. Temporaries live under the git directory when it is
//! on the target's filesystem (see `atomic/temps.rs`), so a killed run leaves
//! nothing in the work tree, and the next run removes what it left.

mod temps;

pub use temps::sweep_git_temps;

use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// One file of a batch: where it goes and its new bytes.
#[derive(Debug, Clone)]
pub struct PendingFile {
    pub target: PathBuf,
    pub bytes: Vec<u8>,
}

/// Where the temporaries of `target` go (see [`temps::git_temp_dir`]),
/// after removing the stale ones a killed run left there and beside it.
fn temp_dir(target: &Path) -> Option<PathBuf> {
    let dir = temps::git_temp_dir(target);
    if let Some(dir) = &dir {
        temps::sweep_dir(dir);
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        temps::sweep_dir(parent);
    }
    dir
}

/// Write `files` atomically. `validate` runs after everything is written
/// to temporary files and before anything is renamed; an error from it
/// leaves every target untouched.
pub fn write_batch(files: &[PendingFile], validate: impl FnOnce() -> Result<()>) -> Result<()> {
    write_batch_with_fault(files, validate, None)
}

static WRITES: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The process-wide lock every batch holds from its first temporary file
/// to its last rename. Code that must end the process early (a hook's time
/// bound) takes it first, so it never exits in the middle of a batch.
pub fn write_lock() -> std::sync::MutexGuard<'static, ()> {
    WRITES.lock().unwrap_or_else(|e| e.into_inner())
}

/// An exclusive lock on the registry under `root`, held while the result
/// is alive: two `add` runs read, compute and write one after the other,
/// so neither loses the other's item. The lock file lives under the git
/// directory (`reuse-surface/registry.lock`), or in the system's
/// temporary directory for a registry outside git.
pub fn registry_lock(root: &Path) -> Result<std::fs::File> {
    let canonical = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let path = match temps::git_dir_above(&canonical) {
        Some(git) => git.join("reuse-surface").join("registry.lock"),
        None => {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            canonical.hash(&mut h);
            std::env::temp_dir().join(format!("reuse-surface-{:016x}.lock", h.finish()))
        }
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    file.lock().map_err(|e| Error::io(&path, e))?;
    Ok(file)
}

/// [`write_batch`] with a simulated failure of the `fail_at`-th rename, so
/// tests can prove the rollback.
pub fn write_batch_with_fault(
    files: &[PendingFile],
    validate: impl FnOnce() -> Result<()>,
    fail_at: Option<usize>,
) -> Result<()> {
    let _writing = write_lock();
    // Write through symlinks: the new bytes go to the file a link points
    // at, and the link stays a link.
    let resolved: Vec<PendingFile> = files
        .iter()
        .map(|f| PendingFile {
            target: through_links(&f.target),
            bytes: f.bytes.clone(),
        })
        .collect();
    let files = resolved.as_slice();
    // One lookup (and one sweep) per directory of the batch.
    let mut dirs: std::collections::HashMap<PathBuf, Option<PathBuf>> = Default::default();
    let places: Vec<Option<PathBuf>> = files
        .iter()
        .map(|f| {
            let parent = f.target.parent().map(Path::to_path_buf).unwrap_or_default();
            dirs.entry(parent)
                .or_insert_with(|| temp_dir(&f.target))
                .clone()
        })
        .collect();
    let mut temps: Vec<PathBuf> = Vec::new();
    let cleanup = |temps: &[PathBuf]| {
        for t in temps {
            let _ = std::fs::remove_file(t);
        }
    };
    for (n, f) in files.iter().enumerate() {
        let tmp = temps::temp_path(&f.target, places[n].as_deref(), "new", n);
        if let Err(e) = write_synced(&tmp, &f.bytes, &f.target) {
            cleanup(&temps);
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        temps.push(tmp);
    }
    if let Err(e) = validate() {
        cleanup(&temps);
        return Err(e);
    }
    // Keep the originals as hard links so a failed rename can be undone.
    let mut backups: Vec<Option<PathBuf>> = Vec::new();
    for (n, f) in files.iter().enumerate() {
        if f.target.exists() {
            let bak = temps::temp_path(&f.target, places[n].as_deref(), "old", n);
            let _ = std::fs::remove_file(&bak);
            if let Err(e) = std::fs::hard_link(&f.target, &bak)
                .or_else(|_| std::fs::copy(&f.target, &bak).map(|_| ()))
            {
                cleanup(&temps);
                cleanup(&backups.iter().flatten().cloned().collect::<Vec<_>>());
                return Err(Error::io(&f.target, e));
            }
            backups.push(Some(bak));
        } else {
            backups.push(None);
        }
    }
    for (n, (f, tmp)) in files.iter().zip(&temps).enumerate() {
        let result = if fail_at == Some(n) {
            Err(std::io::Error::other("injected failure"))
        } else {
            std::fs::rename(tmp, &f.target)
        };
        if let Err(e) = result {
            // Roll back the ones already renamed.
            for (done, bak) in files[..n].iter().zip(&backups[..n]) {
                match bak {
                    Some(bak) => {
                        let _ = std::fs::rename(bak, &done.target);
                    }
                    None => {
                        let _ = std::fs::remove_file(&done.target);
                    }
                }
            }
            cleanup(&temps[n..]);
            cleanup(&backups[n..].iter().flatten().cloned().collect::<Vec<_>>());
            return Err(Error::other(format!(
                "could not replace {}: {e}; every file of the batch was left as it was",
                f.target.display()
            )));
        }
    }
    cleanup(&backups.into_iter().flatten().collect::<Vec<_>>());
    Ok(())
}

/// Replace one file's content through a temporary and a rename, so
/// a reader sees the old bytes or the new, never a mix; the file keeps its
/// permissions. The one-file writer for files the program owns outright
/// (git's merge result `%A`, the hooks' cache): lighter than
/// [`write_batch`], with no fsync (the next reader is a process, not a
/// reboot), no lock and no symlink resolution.
pub fn replace_file(target: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut attempt = 0;
    let dir = temps::git_temp_dir(target);
    let (tmp, mut file) = loop {
        let tmp = temps::temp_path(target, dir.as_deref(), "tmp", attempt);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1
            }
            Err(e) => return Err(Error::io(&tmp, e)),
        }
    };
    let written = file.write_all(bytes);
    drop(file);
    if let Ok(meta) = std::fs::metadata(target) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, target)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(target, e));
    }
    Ok(())
}

/// The file `target` names once symlinks are followed, or `target` itself
/// when it is not a symlink (or a dangling one).
fn through_links(target: &Path) -> PathBuf {
    match std::fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf())
        }
        _ => target.to_path_buf(),
    }
}

fn write_synced(tmp: &Path, bytes: &[u8], target: &Path) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(tmp).map_err(|e| Error::io(tmp, e))?;
    file.write_all(bytes).map_err(|e| Error::io(tmp, e))?;
    file.sync_all().map_err(|e| Error::io(tmp, e))?;
    if let Ok(meta) = std::fs::metadata(target) {
        let _ = std::fs::set_permissions(tmp, meta.permissions());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.yaml");
        let link = dir.path().join("link.yaml");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink("real.yaml", &link).unwrap();
        let files = vec![PendingFile {
            target: link.clone(),
            bytes: b"new".to_vec(),
        }];
        write_batch(&files, || Ok(())).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "temporary files left behind");
    }

    #[test]
    fn failure_mid_batch_restores_everything() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        let c = dir.path().join("c");
        std::fs::write(&a, "old a").unwrap();
        std::fs::write(&b, "old b").unwrap();
        let files = vec![
            PendingFile {
                target: a.clone(),
                bytes: b"new a".to_vec(),
            },
            PendingFile {
                target: c.clone(),
                bytes: b"new c".to_vec(),
            },
            PendingFile {
                target: b.clone(),
                bytes: b"new b".to_vec(),
            },
        ];
        let err = write_batch_with_fault(&files, || Ok(()), Some(2)).unwrap_err();
        assert!(err.to_string().contains("left as it was"));
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "old b");
        assert!(!c.exists());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no temp files left: {names:?}");
        write_batch(&files, || Ok(())).unwrap();
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "new b");
        assert_eq!(std::fs::read_to_string(&c).unwrap(), "new c");
    }

    /// Outside a work tree the temporaries go beside the target, and a
    /// batch removes the ones a dead writer left there.
    #[test]
    fn a_batch_removes_stale_temporaries_beside_its_targets() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = dir.path().join(format!(".a.reuse-surface-new-{dead}-0"));
        std::fs::write(&stale, "half").unwrap();
        let a = dir.path().join("a");
        let files = vec![PendingFile {
            target: a.clone(),
            bytes: b"new".to_vec(),
        }];
        write_batch(&files, || Ok(())).unwrap();
        assert!(!stale.exists(), "stale temporary kept");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn validation_failure_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::write(&a, "old").unwrap();
        let files = vec![PendingFile {
            target: a.clone(),
            bytes: b"new".to_vec(),
        }];
        assert!(write_batch(&files, || Err(Error::Invalid("no".into()))).is_err());
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn replace_file_keeps_permissions_and_leaves_no_temporary() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::write(&a, "old").unwrap();
        std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o600)).unwrap();
        replace_file(&a, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new");
        let mode = std::fs::metadata(&a).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // A missing directory is an error naming the file, not a panic.
        let err = replace_file(&dir.path().join("no/such"), b"x").unwrap_err();
        assert!(err.to_string().contains("/no/"), "{err}");
    }
}
