//! Raw bytes as a scenario file: the loader must answer every input with a scenario or a
//! located error, and a scenario must run and write its outputs within the contract.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        soft_balancing_fuzz::exercise(text);
    }
});
