//! Fuzz target: `bodies::event_reader` on every input (see `fuzz/bodies.rs` for what it checks).
#![no_main]

#[path = "../bodies.rs"]
// Each target uses one of the bodies.
#[allow(dead_code)]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::event_reader(data));
