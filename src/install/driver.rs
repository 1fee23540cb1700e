//! The merge driver's registration in the clone's git config
//! (`merge.reuse-surface.*`): the command git runs, whether it is already
//! registered, registering it and removing it. The `.gitattributes` line
//! that routes files to it is shared through the repository and lives in
//! [`super::attributes`].

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

use super::shim::{first_sh_word, sh_word};
use crate::git::cmd;
use crate::{Error, Result};

/// The git config section of the merge driver.
pub const MERGE_SECTION: &str = "merge.reuse-surface";
/// The human description registered as `merge.reuse-surface.name`.
pub const MERGE_DRIVER_DESCRIPTION: &str =
    "reuse-surface: structural merge of registry indexes, keyed by row id";

/// The `merge.reuse-surface.driver` value for `binary`: a shell command
/// (git expands `%O`-style placeholders in it, so a `%` of the path is
/// `%%`) that finds the binary as the shims do — `REUSE_SURFACE_BIN`, the
/// path recorded here, `reuse-surface` on `PATH` — and, when none is
/// there (a Homebrew upgrade removed the recorded Cellar path), runs
/// `git merge-file` itself, so the merge still gets both sides and
/// markers instead of ours alone.
pub fn merge_driver_command(binary: &Path) -> OsString {
    let mut cmd = Vec::new();
    cmd.extend_from_slice(RECORDED_PREFIX.as_bytes());
    for &b in &sh_word(binary.as_os_str().as_bytes()) {
        if b == b'%' {
            cmd.push(b'%');
        }
        cmd.push(b);
    }
    cmd.extend_from_slice(DRIVER_LOOKUP.as_bytes());
    OsString::from_vec(cmd)
}

/// How the recorded path starts the driver command.
const RECORDED_PREFIX: &str = "RS_BIN_AT_INSTALL=";

/// The rest of the driver command: the lookup, then git's own merge.
const DRIVER_LOOKUP: &str = "; for RS_CAND in \"${REUSE_SURFACE_BIN-}\" \"$RS_BIN_AT_INSTALL\" reuse-surface; do \
case $RS_CAND in '') ;; \
*/*) [ -f \"$RS_CAND\" ] && [ -x \"$RS_CAND\" ] && exec \"$RS_CAND\" merge-driver %O %A %B %L %P ;; \
*) command -v \"$RS_CAND\" >/dev/null 2>&1 && exec \"$RS_CAND\" merge-driver %O %A %B %L %P ;; \
esac; done; \
echo \"reuse-surface merge-driver: binary not found (REUSE_SURFACE_BIN, $RS_BIN_AT_INSTALL, PATH); \
merging\" %P \"with git merge-file\" >&2; \
exec git merge-file --marker-size=%L -L ours -L base -L theirs %A %O %B";

/// The binary a driver command records: ours (`RS_BIN_AT_INSTALL=…; …`) or
/// an older one (`BINARY merge-driver …`). `None` when it is neither.
pub fn recorded_binary(command: &OsStr) -> Option<std::path::PathBuf> {
    let bytes = command.as_bytes();
    let rest = bytes
        .strip_prefix(RECORDED_PREFIX.as_bytes())
        .unwrap_or(bytes);
    let (word, _) = first_sh_word(rest)?;
    let mut unescaped = Vec::with_capacity(word.len());
    let mut i = 0;
    while i < word.len() {
        unescaped.push(word[i]);
        // git's placeholder syntax: `%%` is one `%`.
        i += if word[i] == b'%' && word.get(i + 1) == Some(&b'%') {
            2
        } else {
            1
        };
    }
    (!unescaped.is_empty()).then(|| OsString::from_vec(unescaped).into())
}

/// Whether the clone's config already registers exactly `driver` under our
/// description.
pub(super) fn is_registered(dir: &Path, driver: &OsStr) -> Result<bool> {
    let registered_name = cmd::config_get_local(dir, &format!("{MERGE_SECTION}.name"))?;
    let registered_driver = cmd::config_get_local(dir, &format!("{MERGE_SECTION}.driver"))?;
    Ok(
        registered_name.as_deref() == Some(OsStr::new(MERGE_DRIVER_DESCRIPTION))
            && registered_driver.as_deref() == Some(driver),
    )
}

/// Registers `driver` in the clone's config.
pub(super) fn register(dir: &Path, driver: &OsStr) -> Result<()> {
    cmd::config_set_local(
        dir,
        &format!("{MERGE_SECTION}.name"),
        OsStr::new(MERGE_DRIVER_DESCRIPTION),
    )?;
    cmd::config_set_local(dir, &format!("{MERGE_SECTION}.driver"), driver)
}

/// Removes our section from the clone's config; returns whether there was
/// one to remove.
pub(super) fn unregister(dir: &Path) -> Result<bool> {
    let registered = cmd::output(
        dir,
        &[
            "config",
            "--local",
            "--get-regexp",
            r"^merge\.reuse-surface\.",
        ],
    )?;
    match registered.status.code() {
        Some(0) => {
            let removed = cmd::output(
                dir,
                &["config", "--local", "--remove-section", MERGE_SECTION],
            )?;
            if !removed.status.success() {
                return Err(Error::git(format!(
                    "cannot remove {MERGE_SECTION} from the config: {}",
                    cmd::stderr_text(&removed)
                )));
            }
            Ok(true)
        }
        Some(1) => Ok(false),
        _ => Err(Error::git(format!(
            "cannot read the clone's config: {}",
            cmd::stderr_text(&registered)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_binary_reads_back_from_the_command() {
        for path in ["/usr/bin/reuse-surface", "/opt/it's 100%/reuse surface"] {
            let cmd = merge_driver_command(Path::new(path));
            assert_eq!(recorded_binary(&cmd).unwrap(), Path::new(path), "{cmd:?}");
        }
        let old = OsString::from("'/old/reuse-surface' merge-driver %O %A %B %L %P");
        assert_eq!(
            recorded_binary(&old).unwrap(),
            Path::new("/old/reuse-surface")
        );
    }

    #[test]
    fn the_command_is_valid_shell() {
        let cmd = merge_driver_command(Path::new("/opt/it's 100%/reuse-surface"));
        let status = std::process::Command::new("sh")
            .arg("-n")
            .arg("-c")
            .arg(&cmd)
            .status()
            .unwrap();
        assert!(status.success(), "{cmd:?}");
    }
}
