//! Memory of a plain ensemble does not grow with the number of runs (issue 13: it grew by about
//! 78 KB per run), nor does `validate --data`'s (it kept every run's record, and was capped at
//! 5,000 runs). One test in its binary: the peak resident size of the children this process has
//! waited for (getrusage) is then the peak of the runs it started, one after another.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

/// Regression: a plain ensemble kept every run's record until the end. Ten times the runs now
/// takes about the same memory: runs stream through in batches and the summary and charts
/// read running statistics.
#[test]
fn ensembles_and_validation_against_data_stream_in_flat_memory() {
    a_plain_ensemble_streams_in_flat_memory();
    validation_against_votes_streams_in_flat_memory();
}

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

/// Regression: `validate --data` kept every run's record to average the yearly shares, about
/// 80 KB per run of the replay, and refused more than 5,000 runs. The runs now stream into a
/// running mean (`unvote::SeriesMean`). Runs after the plain ensemble's test, so its baseline is
/// the larger of the two peaks.
fn validation_against_votes_streams_in_flat_memory() {
    let dir = tempdir();
    let scenario = manifest_dir()
        .join("scenarios/sco2001.toml")
        .display()
        .to_string();
    let run = |runs: &str, out: &str| {
        run_in(
            dir.path(),
            [
                "validate", &scenario, "--data", "unga", "--runs", runs, "--out", out, "-q",
                "--jobs", "2",
            ],
        )
        .expect_code(0);
        children_peak_kb()
    };
    let small = run("100", "small");
    let large = run("1000", "large");
    // Keeping every record would need about 70 MB more for 900 more runs.
    assert!(
        large - small < 30_000,
        "peak RSS grew from {small} KB (100 runs) to {large} KB (1000 runs)"
    );
}
