//! Monte Carlo ensembles: many replicates of one scenario, run in parallel.
//!
//! Replicate `r` draws from ChaCha stream `r` of the run's seed (`engine::context::rng_for`), so
//! its result does not depend on which thread ran it or in what order; results are collected in
//! replicate order. Same scenario, seed and run count: same bytes out, on any thread count.

use rayon::prelude::*;

use crate::engine::context::rng_for;
use crate::engine::record::{Observer, RunRecord};
use crate::engine::{self};
use crate::params::Params;
use crate::scenario::{Scenario, World};

/// Replicates per unit of work and per partial sum: fixed, so that results do not depend on the
/// number of threads, and shared by ensembles and sweeps, so that both add the same numbers in
/// the same order ([`chunked_mean`]).
pub const CHUNK: usize = 128;

/// The most worker threads a pool may have. More threads than cores only add switching; the cap
/// keeps a mistyped `--jobs 10000` from loading the machine.
pub const MAX_JOBS: usize = 256;

/// The worker threads could not be started.
#[derive(Debug, thiserror::Error)]
#[error("cannot start {threads} worker threads: {message}")]
pub struct PoolError {
    /// Threads asked for.
    pub threads: usize,
    /// What the system said.
    pub message: String,
}

/// The number of threads `jobs` stands for (0: one per core).
pub fn threads(jobs: usize) -> usize {
    if jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        jobs
    }
}

/// The one thread pool builder: `jobs` threads (0: one per core), or an error that says why not.
pub fn pool(jobs: usize) -> Result<rayon::ThreadPool, PoolError> {
    let threads = threads(jobs);
    if threads > MAX_JOBS {
        return Err(PoolError {
            threads,
            message: format!("more than the limit of {MAX_JOBS} threads"),
        });
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| PoolError {
            threads,
            message: e.to_string(),
        })
}

/// Runs replicate `r` of `sc` with `prm`: ChaCha stream `r` of `seed`, on `world` (reset to the
/// scenario's initial world first, so one allocation serves many runs), reporting to `obs`.
/// The one replicate of every ensemble, scorecard and sweep.
pub fn replicate(
    sc: &Scenario,
    prm: &Params,
    seed: u64,
    r: usize,
    world: &mut World,
    obs: &mut dyn Observer,
) {
    world.clone_from(&sc.initial);
    let mut rng = rng_for(seed, r as u64);
    engine::run_in(sc, prm, world, &mut rng, obs);
}

/// `f(r)` for replicates `r` in `0..runs`, in parallel on up to `jobs` threads (0: all cores),
/// collected in replicate order.
pub fn par_replicates<T: Send>(
    runs: usize,
    jobs: usize,
    f: impl Fn(usize) -> T + Sync + Send,
) -> Result<Vec<T>, PoolError> {
    if runs <= 1 {
        return Ok((0..runs).map(f).collect());
    }
    let pool = pool(jobs)?;
    Ok(pool.install(|| (0..runs).into_par_iter().map(f).collect()))
}

/// Runs replicates `0..runs` of `sc` with `prm` and `seed` on up to `jobs` threads (0: all cores)
/// and returns their records, in replicate order.
pub fn run_many(
    sc: &Scenario,
    prm: &Params,
    seed: u64,
    runs: usize,
    jobs: usize,
) -> Result<Vec<RunRecord>, PoolError> {
    par_replicates(runs, jobs, |r| {
        let mut rec = RunRecord::with_capacity(sc.initial.n, sc.initial.np, sc.steps());
        let mut world = sc.initial.clone();
        replicate(sc, prm, seed, r, &mut world, &mut rec);
        rec
    })
}

/// Replicates per batch of [`run_batches`]: at most two batches of records are held at once
/// (one in the sink while the next runs).
pub const BATCH: usize = 128;

/// Runs replicates `0..runs` of `sc` a batch of [`BATCH`] at a time (each batch in parallel on
/// up to `jobs` threads) and hands each batch's records to `sink` in replicate order, with the
/// index of the batch's first replicate. Memory holds one batch, whatever `runs` is; the records
/// are those [`run_many`] returns.
pub fn run_batches<E: Send>(
    sc: &Scenario,
    prm: &Params,
    seed: u64,
    runs: usize,
    jobs: usize,
    mut sink: impl FnMut(usize, &[RunRecord]) -> Result<(), E> + Send,
) -> Result<Result<(), E>, PoolError> {
    run_batches_with(
        sc,
        prm,
        seed,
        runs,
        jobs,
        |_, _| (),
        |first, recs, _| sink(first, recs),
    )
}

/// A batch's records and what `encode` made of each.
type Batch<T> = (Vec<RunRecord>, Vec<T>);

/// [`run_batches`] with work done on each record as soon as its run ends, in parallel:
/// `encode(r, record)` for replicate `r` runs on the worker that ran it, and `sink` gets the
/// batch's records and what `encode` made of them, both in replicate order. While `sink` takes
/// one batch, the workers already run the next (at most two batches are held at once), so the
/// work after the runs overlaps the runs and uses every thread. The order of the calls to
/// `sink`, and what each gets, do not depend on `jobs`.
pub fn run_batches_with<T: Send, E: Send>(
    sc: &Scenario,
    prm: &Params,
    seed: u64,
    runs: usize,
    jobs: usize,
    encode: impl Fn(usize, &RunRecord) -> T + Sync,
    mut sink: impl FnMut(usize, &[RunRecord], &[T]) -> Result<(), E> + Send,
) -> Result<Result<(), E>, PoolError> {
    let pool = pool(jobs)?;
    let batch = |first: usize| -> Batch<T> {
        let n = BATCH.min(runs - first);
        (first..first + n)
            .into_par_iter()
            .map(|r| {
                let mut rec = RunRecord::with_capacity(sc.initial.n, sc.initial.np, sc.steps());
                let mut world = sc.initial.clone();
                replicate(sc, prm, seed, r, &mut world, &mut rec);
                let made = encode(r, &rec);
                (rec, made)
            })
            .unzip()
    };
    Ok(pool.install(|| {
        let mut pending: Option<(usize, Batch<T>)> = None;
        let mut first = 0;
        loop {
            let next = (first < runs).then_some(first);
            let sink = &mut sink;
            let (computed, sunk) = rayon::join(
                || next.map(batch),
                || match pending.take() {
                    Some((at, (recs, made))) => sink(at, &recs, &made),
                    None => Ok(()),
                },
            );
            sunk?;
            match computed {
                Some(b) => {
                    pending = Some((first, b));
                    first += BATCH.min(runs - first);
                }
                None => return Ok(()),
            }
        }
    }))
}

/// The mean of `xs` summed as sweeps sum it: in run order within chunks of [`CHUNK`], then the
/// chunks' sums in order. An ensemble's summary and a sweep row give the same mean for the same
/// runs, to the last bit.
/// An empty sample has mean 0 (as [`Spread::of`] gives), never NaN.
pub fn chunked_mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let mut total = 0.0;
    for chunk in xs.chunks(CHUNK) {
        total += chunk.iter().sum::<f64>();
    }
    total / xs.len() as f64
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
        // The mean summed as sweeps sum it, then the percentiles.
        let mean = chunked_mean(xs);
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

/// [`quantile`] of `n` values in 0–1 known only by a histogram of equal bins over 0–1 (`hist`,
/// counts summing to `n`): the same interpolation between the order statistics around rank
/// `q (n - 1)`, each order statistic placed in its bin as if the bin's values were spread evenly
/// across it. Each is then within one bin of the true value, and so is the quantile.
pub fn histogram_quantile(hist: &[u32], n: u64, q: f64) -> f64 {
    if n == 0 || hist.is_empty() {
        return 0.0;
    }
    let bins = hist.len() as f64;
    // The `i`-th smallest value (from 0): the `j`-th of the `c` values of its bin `b`, at
    // `(b + (j + 0.5) / c) / bins`.
    let order_statistic = |i: u64| -> f64 {
        let mut before = 0u64;
        for (b, &count) in hist.iter().enumerate() {
            let c = u64::from(count);
            if i < before + c {
                return (b as f64 + ((i - before) as f64 + 0.5) / c as f64) / bins;
            }
            before += c;
        }
        1.0
    };
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as u64;
    let low = order_statistic(lo);
    let frac = h - lo as f64;
    if frac > 0.0 && lo + 1 < n {
        low + frac * (order_statistic(lo + 1) - low)
    } else {
        low
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histograms_quantile_is_within_a_bin_of_type_7() {
        // Few values far apart (where placing a quantile inside one bin was off by the gap
        // between them), and many close together.
        let few = [0.236405, 0.227146];
        let many: Vec<f64> = (0..5000)
            .map(|i| (f64::from(i) * 0.618_033_988_7).fract())
            .collect();
        let spread: Vec<f64> = (0..7).map(|i| 0.1 + 0.13 * f64::from(i)).collect();
        for xs in [&few[..], &many, &spread, &[0.5][..]] {
            let mut hist = vec![0u32; 1000];
            for &x in xs {
                hist[((x * 1000.0) as usize).min(999)] += 1;
            }
            let mut sorted = xs.to_vec();
            sorted.sort_by(f64::total_cmp);
            for q in [0.0, 0.05, 0.25, 0.5, 0.95, 1.0] {
                let (got, want) = (
                    histogram_quantile(&hist, xs.len() as u64, q),
                    quantile(&sorted, q),
                );
                assert!(
                    (got - want).abs() <= 1e-3,
                    "n {}, q {q}: {got} vs {want}",
                    xs.len()
                );
            }
        }
        assert_eq!(histogram_quantile(&[], 0, 0.5), 0.0);
    }

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
