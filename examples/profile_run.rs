//! Runs ufa2015 many times without output, for profilers:
//! `cargo build --release --example profile_run && valgrind --tool=callgrind target/release/examples/profile_run 200`
//!
//! `profile_run RUNS STATES YEARS` runs a synthetic world instead (`synthetic::scenario(STATES,
//! YEARS, 1)`, quarterly), for the scaling figures in docs/performance.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::path::Path;

use soft_balancing::engine;
use soft_balancing::engine::record::Discard;
use soft_balancing::scenario::Scenario;
use soft_balancing::scenario::synthetic;

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|s| s.parse().ok())
        .collect();
    let runs = args.first().copied().unwrap_or(1000);
    let sc = match args[..] {
        [_, states, years, ..] => synthetic::scenario(states as usize, years as u32, 1),
        _ => {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ufa2015.toml");
            Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
        }
    };
    let mut world = sc.initial.clone();
    let start = std::time::Instant::now();
    for r in 0..runs {
        world.clone_from(&sc.initial);
        let mut rng = engine::context::rng_for(sc.seed, r);
        engine::run_in(&sc, &sc.params, &mut world, &mut rng, &mut Discard);
    }
    let per = start.elapsed().as_secs_f64() / runs as f64;
    println!(
        "{runs} runs of {} ({} actors, {} steps), {:.1} us per run, final {}/{} {:.4}",
        sc.name,
        sc.actors.len(),
        sc.steps(),
        per * 1e6,
        sc.actors[3.min(sc.actors.len() - 1)].id,
        sc.patron_id(0),
        world.alignment[3.min(world.n - 1) * world.np]
    );
}
