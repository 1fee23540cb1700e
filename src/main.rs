//! The `reuse-surface` binary: everything lives in the library.

/// The hook, `validate` and the merge driver allocate and free hundreds
/// of thousands of small values per run. mimalloc (v2: v3's start-up cost
/// more than the no-op hook's whole budget) does that in less CPU and with
/// a fraction of the page faults of the system allocator: see bench/ and
/// issue 11's note for the figures.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Start with huge pages off (`reuse_surface::pages` says why): an
/// `.init_array` entry runs before the Rust runtime's first allocation.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static SMALL_PAGES_FIRST: extern "C" fn() = reuse_surface::pages::start_small;

/// mimalloc hands freed memory back to the kernel 10 ms after it is freed,
/// and a helper thread's whole heap when the thread ends. A run here lasts
/// milliseconds to seconds: what it gives back it soon asks for again, and
/// each page comes back zeroed, through a fault. The merge driver on a
/// 10,000-row index gave back 106 MiB at a 60 MiB peak, in 89 ms of system
/// time (11 ms without purging). So freed memory is never purged: it stays
/// with the process for its next allocations, and peak memory is as before.
/// (A delay alone does not do it: a finished thread's heap is purged at
/// once whatever the delay.)
#[used]
#[unsafe(link_section = ".init_array")]
static KEEP_FREED_MEMORY: extern "C" fn() = keep_freed_memory;

/// `mi_option_purge_delay` in mimalloc v2's `mi_option_e` (the crate pins
/// v2; the value is not exported by `libmimalloc-sys`).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

extern "C" fn keep_freed_memory() {
    // SAFETY: mimalloc's options may be set at any time, from any thread;
    // the call touches no memory of ours.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

fn main() {
    std::process::exit(reuse_surface::cli::main());
}
