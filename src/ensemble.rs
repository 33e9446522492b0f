//! Monte Carlo ensembles: many replicates of one scenario, run in parallel.
//!
//! Replicate `r` draws from ChaCha stream `r` of the run's seed ([`crate::engine::rng_for`]), so
//! its result does not depend on which thread ran it or in what order; results are collected in
//! replicate order. Same scenario, seed and run count: same bytes out, on any thread count.

use rayon::prelude::*;

use crate::engine;
use crate::params::Params;
use crate::record::RunRecord;
use crate::scenario::Scenario;

/// Runs replicates `0..runs` of `sc` with `prm` and `seed` on up to `jobs` threads (0: all cores).
pub fn run_many(
    sc: &Scenario,
    prm: &Params,
    seed: u64,
    runs: usize,
    jobs: usize,
) -> Vec<RunRecord> {
    let one = |r: usize| {
        let mut rec = RunRecord::with_capacity(sc.initial.n, sc.initial.np, sc.steps());
        engine::run(sc, prm, seed, r as u64, &mut rec);
        rec
    };
    if runs <= 1 {
        return (0..runs).map(one).collect();
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build();
    match pool {
        Ok(pool) => pool.install(|| (0..runs).into_par_iter().map(one).collect()),
        Err(_) => (0..runs).map(one).collect(),
    }
}

/// Mean, 5th, 50th and 95th percentile of a sample.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Spread {
    /// The spread of `xs` (sorted in place). Percentiles interpolate linearly between order
    /// statistics (Hyndman and Fan's type 7, the default of R and NumPy).
    pub fn of(xs: &mut [f64]) -> Spread {
        if xs.is_empty() {
            return Spread::default();
        }
        // The mean in run order (as sweeps sum it), then the percentiles.
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        xs.sort_by(f64::total_cmp);
        Spread {
            mean,
            p5: quantile(xs, 0.05),
            p50: quantile(xs, 0.5),
            p95: quantile(xs, 0.95),
        }
    }
}

/// Quantile `q` of sorted `xs` (type 7).
pub fn quantile(xs: &[f64], q: f64) -> f64 {
    let h = (xs.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_type_7() {
        let mut xs = vec![4.0, 1.0, 3.0, 2.0, 5.0];
        let s = Spread::of(&mut xs);
        assert_eq!(s.mean, 3.0);
        assert_eq!(s.p50, 3.0);
        assert!((s.p5 - 1.2).abs() < 1e-12);
        assert!((s.p95 - 4.8).abs() < 1e-12);
    }
}
