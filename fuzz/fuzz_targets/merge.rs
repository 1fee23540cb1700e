//! The merge driver's invariants: clean or well-formed conflicts, no key lost.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = reuse_surface::fuzzing::merge_invariants(data) {
        panic!("{e}");
    }
});
