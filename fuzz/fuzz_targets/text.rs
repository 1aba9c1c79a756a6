//! The text entry points of the core (lines, rules on a page) on any bytes (`cleaner_core::fuzzing`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cleaner_core::fuzzing::text_entry_points(data));
