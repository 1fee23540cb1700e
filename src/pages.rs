//! Huge pages only for the runs that need them.
//!
//! mimalloc asks the kernel for transparent huge pages on its heap
//! (`MADV_HUGEPAGE`), and a run that fills tens of megabytes (a hook or
//! `validate` over 10,000 entries) is 30 % faster for it: one fault per
//! 2 MiB instead of 512. But the first touch of a huge page makes the
//! kernel zero all 2 MiB, ~0.3 ms, and the pre-commit hook that finds
//! nothing to check, the one that runs inside every `git commit`, touches
//! a few hundred kilobytes in all (issue 11: a 2 ms budget, a third of it
//! `exec`). So the binary starts with huge pages off for the process
//! ([`start_small`], run before `main` and before the first allocation)
//! and turns them back on ([`allow_huge`]) as soon as a run knows it has
//! real work; the kernel decides at each fault, so the heap mimalloc
//! already reserved gets huge pages from then on. Elsewhere, and where the
//! kernel refuses, both are no-ops: only speed depends on them.

#[cfg(target_os = "linux")]
mod imp {
    use std::ffi::c_int;

    /// `PR_SET_THP_DISABLE` from `<linux/prctl.h>`: a process flag the
    /// kernel reads at every page fault; children inherit it.
    const PR_SET_THP_DISABLE: c_int = 41;

    unsafe extern "C" {
        fn prctl(option: c_int, ...) -> c_int;
    }

    pub fn set_disabled(disabled: bool) {
        // SAFETY: PR_SET_THP_DISABLE takes one integer argument and
        // touches no memory of ours; the remaining arguments must be zero.
        unsafe {
            prctl(
                PR_SET_THP_DISABLE,
                std::ffi::c_ulong::from(disabled),
                0 as std::ffi::c_ulong,
                0 as std::ffi::c_ulong,
                0 as std::ffi::c_ulong,
            );
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    pub fn set_disabled(_: bool) {}
}

/// Huge pages off for this process: for the binary's start-up, before the
/// allocator's first request (the binary runs it from `.init_array`).
pub extern "C" fn start_small() {
    imp::set_disabled(true);
}

/// Huge pages back on: called by every run past the pre-commit hook's
/// fast path, before it loads anything big or starts a child process
/// (which would inherit the flag).
pub fn allow_huge() {
    imp::set_disabled(false);
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// `THP_enabled` of `/proc/self/status`: what the kernel will do.
    fn thp_enabled() -> Option<bool> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("THP_enabled:"))?;
        Some(line.split_whitespace().nth(1)? == "1")
    }

    #[test]
    fn the_process_flag_follows_the_calls() {
        let Some(before) = thp_enabled() else {
            panic!("/proc/self/status has no THP_enabled line: cannot check the flag here");
        };
        super::start_small();
        assert_eq!(thp_enabled(), Some(false), "start_small left huge pages on");
        super::allow_huge();
        assert_eq!(thp_enabled(), Some(true), "allow_huge left huge pages off");
        if !before {
            super::start_small();
        }
    }
}
