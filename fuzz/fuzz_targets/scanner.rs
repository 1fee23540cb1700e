//! The block scanner against the strict parser: values and spans agree.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = reuse_surface::fuzzing::scanner_matches_strict(data) {
        panic!("{e}");
    }
});
