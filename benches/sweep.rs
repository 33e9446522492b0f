//! Sweep throughput: runs per second of `simulate sweep` on ufa2015, with 1 and 2 threads.
//! Figures and the machine: docs/performance.md.
//!
//! `cargo bench --bench sweep`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use soft_balancing::scenario::Scenario;
use soft_balancing::scenario::experiment::{Axis, AxisValues, Design, SweepSpec};
use soft_balancing::sweep::options::SweepOptions;
use soft_balancing::sweep::run::run_sweep;

/// 10 points x 200 runs = 2,000 runs per sweep.
const POINTS: usize = 10;
const RUNS: usize = 200;

fn sweep_throughput(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ufa2015.toml");
    let sc = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("sweep_ufa2015");
    group.throughput(Throughput::Elements((POINTS * RUNS) as u64));
    group.sample_size(10);
    for jobs in [1usize, 2] {
        let opts = SweepOptions {
            spec: SweepSpec {
                design: Design::Grid,
                runs: RUNS,
                axes: vec![Axis {
                    key: "decision.domination_weight".into(),
                    values: AxisValues::Steps {
                        min: 0.5,
                        max: 0.5 + 0.25 * (POINTS - 1) as f64,
                        step: 0.25,
                    },
                }],
            },
            seed: 1,
            jobs,
            shard: None,
            resume: false,
            keep_runs: false,
            out: dir.path().join(format!("j{jobs}")),
            fixed: Vec::new(),
            command: Vec::new(),
        };
        group.bench_with_input(BenchmarkId::new("threads", jobs), &opts, |b, opts| {
            b.iter(|| run_sweep(&sc, opts, &|_| {}).expect("sweep"));
        });
    }
    group.finish();
}

// Criterion's own charts are off: its plotters backend needs system fonts this project avoids.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = sweep_throughput
}
criterion_main!(benches);
