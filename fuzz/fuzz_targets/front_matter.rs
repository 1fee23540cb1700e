//! The front-matter split: parts rejoin to the text, fences where they belong.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = reuse_surface::fuzzing::front_matter_split(data) {
        panic!("{e}");
    }
});
