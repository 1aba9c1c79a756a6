//! The rule entry points on any bytes: the input is both a user's pattern and a page
//! (`cleaner_core::rules::fuzz_entry_points`). Slow per input: each compiles a rule set.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cleaner_core::rules::fuzz_entry_points(data));
