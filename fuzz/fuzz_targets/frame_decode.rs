//! See `comeback_core::fuzzing::frame_decode` for what this target feeds and checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| comeback_core::fuzzing::frame_decode(data));
