//! Link the `reuse-surface` binary as a position-dependent executable on
//! Linux with glibc. The hooks start it inside every `git commit`: a
//! position-independent one makes the dynamic loader apply ~33,000
//! relocations (vtables and string tables in `.data.rel.ro`) and copy
//! every page they land on before `main` runs, ~0.4 ms of the no-op
//! hook's 2 ms budget (issue 11's note has the figures). Only the binary
//! is affected: the library, tests and proc-macros link as before.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    // An opt-out for packagers whose policy requires PIE.
    println!("cargo:rerun-if-env-changed=REUSE_SURFACE_PIE");
    let pie = std::env::var_os("REUSE_SURFACE_PIE").is_some_and(|v| v == "1");
    if os == "linux" && env == "gnu" && !pie {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
