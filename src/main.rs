//! The `reuse-surface` binary: everything lives in the library.

fn main() {
    std::process::exit(reuse_surface::cli::main());
}
