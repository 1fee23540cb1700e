//! The `reuse-surface` binary: everything lives in the library.

/// The hook, `validate` and the merge driver allocate and free hundreds
/// of thousands of small values per run. mimalloc (v2: v3's start-up cost
/// more than the no-op hook's whole budget) does that in less CPU and with
/// a fraction of the page faults of the system allocator: see bench/ and
/// issue 11's note for the figures.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(reuse_surface::cli::main());
}
