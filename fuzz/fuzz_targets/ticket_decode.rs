//! See `comeback_net::fuzzing::ticket_decode` for what this target feeds and checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| comeback_net::fuzzing::ticket_decode(data));
