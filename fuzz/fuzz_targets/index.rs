//! The git index decoder against gix's: what both accept, both read alike.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = reuse_surface::fuzzing::index_matches_gix(data) {
        panic!("{e}");
    }
});
