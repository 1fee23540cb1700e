//! The editor's round trip: one value set, only it changes, comments kept.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = reuse_surface::fuzzing::editor_round_trip(data) {
        panic!("{e}");
    }
});
