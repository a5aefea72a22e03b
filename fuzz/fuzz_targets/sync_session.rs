//! See `comeback_core::fuzzing::sync_session` for what this target feeds and checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| comeback_core::fuzzing::sync_session(data));
