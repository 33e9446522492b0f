//! Memory of a plain ensemble does not grow with the number of runs (issue 13: it grew by about
//! 78 KB per run). Alone in its test binary: the peak resident size of the children this
//! process has waited for (getrusage) is then the peak of the runs started here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

/// Peak resident size, in KB, of the largest child waited for so far.
#[allow(unsafe_code)]
fn children_peak_kb() -> i64 {
    // SAFETY: getrusage writes into the zeroed struct it is given and reads nothing else.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage.ru_maxrss
    }
}

/// Regression: a plain ensemble kept every run's record until the end. Ten times the runs now
/// takes about the same memory: runs stream through in batches and the summary and charts
/// read running statistics.
#[test]
fn a_plain_ensemble_streams_in_flat_memory() {
    let dir = tempdir();
    let scenario = ufa2015().display().to_string();
    let run = |runs: &str| {
        run_in(
            dir.path(),
            [
                &scenario, "--runs", runs, "--plot", "none", "--out", "out", "-q", "--jobs", "2",
            ],
        )
        .expect_code(0);
        children_peak_kb()
    };
    let small = run("150");
    let large = run("1500");
    // Before the fix the larger ensemble needed about 100 MB more (78 KB per run).
    assert!(
        large - small < 30_000,
        "peak RSS grew from {small} KB (150 runs) to {large} KB (1500 runs)"
    );
}
