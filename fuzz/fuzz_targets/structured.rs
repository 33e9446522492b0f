//! Structure-aware: a valid shipped scenario with mutated numbers, ids, dates, texts and lines,
//! so that most inputs load and the engine and outputs run, not only the parser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soft_balancing_fuzz::{Mutation, exercise};

fuzz_target!(|m: Mutation| {
    exercise(&m.text());
});
