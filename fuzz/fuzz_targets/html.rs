//! The HTML entry points of the core (parse, walk, DOM rules) on any bytes
//! (`cleaner_core::fuzzing`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cleaner_core::fuzzing::html_entry_points(data));
