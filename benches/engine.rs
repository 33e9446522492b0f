//! Criterion benchmarks of the engine. Targets and measured figures: docs/performance.md.
//!
//! `cargo bench --bench engine` (one group: `cargo bench --bench engine -- scaling_states`)
//!
//! - `ufa2015_one_run`, `ufa2015_one_run_recorded`: the shipped scenario;
//! - `scaling_states`: synthetic worlds of 9 to 800 states (193: every UN member), 15 years
//!   quarterly (throughput in state-steps, so criterion reports the cost of one state for one
//!   step);
//! - `scaling_steps`: 10 states, 5 to 40 years quarterly (throughput in steps).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use soft_balancing::engine;
use soft_balancing::engine::record::{Discard, RunRecord};
use soft_balancing::scenario::Scenario;
use soft_balancing::scenario::synthetic;

fn ufa2015() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ufa2015.toml");
    Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// One run of ufa2015 (quarterly, 2015-2030), reusing the world's allocation, recording nothing.
fn one_run(c: &mut Criterion) {
    let sc = ufa2015();
    let mut world = sc.initial.clone();
    let mut stream = 0u64;
    c.bench_function("ufa2015_one_run", |b| {
        b.iter(|| {
            world.clone_from(&sc.initial);
            let mut rng = engine::context::rng_for(sc.seed, stream);
            stream += 1;
            engine::run_in(&sc, &sc.params, &mut world, &mut rng, &mut Discard);
            black_box(&world);
        })
    });
}

/// One run of ufa2015 keeping the full record (trajectories, indices, log), as `simulate` does.
fn one_run_recorded(c: &mut Criterion) {
    let sc = ufa2015();
    c.bench_function("ufa2015_one_run_recorded", |b| {
        b.iter(|| {
            let mut rec = RunRecord::with_capacity(sc.initial.n, sc.initial.np, sc.steps());
            black_box(engine::run(&sc, &sc.params, sc.seed, 0, &mut rec));
            black_box(rec);
        })
    });
}

/// One run of `sc` per iteration, on a world allocated once, recording nothing; each iteration
/// a new replicate stream, as an ensemble would run it.
fn bench_runs(b: &mut criterion::Bencher, sc: &Scenario) {
    let mut world = sc.initial.clone();
    let mut stream = 0u64;
    b.iter(|| {
        world.clone_from(&sc.initial);
        let mut rng = engine::context::rng_for(sc.seed, stream);
        stream += 1;
        engine::run_in(sc, &sc.params, &mut world, &mut rng, &mut Discard);
        black_box(&world);
    });
}

/// Cost of a run as the number of states grows: synthetic worlds (3 patrons, one base per five
/// states), 15 years quarterly. Throughput is in state-steps.
fn scaling_states(c: &mut Criterion) {
    let mut group = c.benchmark_group("scaling_states");
    for n in [9, 20, 60, 193, 400, 800] {
        let sc = synthetic::scenario(n, 15, 1);
        group.throughput(Throughput::Elements((n * sc.steps()) as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &sc, bench_runs);
    }
    group.finish();
}

/// Cost of a run as the number of steps grows: 10 synthetic states, 5 to 40 years quarterly.
/// Throughput is in steps.
fn scaling_steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("scaling_steps");
    for years in [5, 10, 20, 40] {
        let sc = synthetic::scenario(10, years, 1);
        group.throughput(Throughput::Elements(sc.steps() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(years), &sc, bench_runs);
    }
    group.finish();
}

// Criterion's own charts are off: its plotters backend needs system fonts this project avoids.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = one_run, one_run_recorded, scaling_states, scaling_steps
}
criterion_main!(benches);
