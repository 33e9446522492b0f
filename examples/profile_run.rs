//! Runs ufa2015 many times without output, for profilers:
//! `cargo build --release --example profile_run && valgrind --tool=callgrind target/release/examples/profile_run 200`
use std::path::Path;

use soft_balancing::engine;
use soft_balancing::record::Discard;
use soft_balancing::scenario::Scenario;

fn main() {
    let runs: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ufa2015.toml");
    let sc = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut world = sc.initial.clone();
    let start = std::time::Instant::now();
    for r in 0..runs {
        world.clone_from(&sc.initial);
        let mut rng = engine::rng_for(sc.seed, r);
        engine::run_in(&sc, &sc.params, &mut world, &mut rng, &mut Discard);
    }
    let per = start.elapsed().as_secs_f64() / runs as f64;
    println!(
        "{runs} runs, {:.1} us per run, final KAZ/USA {:.4}",
        per * 1e6,
        world.alignment[3 * 3]
    );
}
