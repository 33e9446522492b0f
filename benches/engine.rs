//! Criterion benchmarks of the engine. Targets and measured figures: docs/performance.md.
//!
//! `cargo bench --bench engine`

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use soft_balancing::engine;
use soft_balancing::record::{Discard, RunRecord};
use soft_balancing::scenario::Scenario;

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
            let mut rng = engine::rng_for(sc.seed, stream);
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

criterion_group!(benches, one_run, one_run_recorded);
criterion_main!(benches);
