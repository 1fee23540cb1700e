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

fn main() {
    std::process::exit(reuse_surface::cli::main());
}
