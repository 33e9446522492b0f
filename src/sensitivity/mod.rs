//! Global sensitivity analysis, as pure maths that knows nothing of the model: the sampling
//! designs (Morris trajectories; Saltelli's cross-sampled matrices on a scrambled Sobol
//! sequence) and the estimators (Morris μ*, μ and σ; Sobol first-order and total indices with
//! bootstrap confidence intervals).
//!
//! A design is a list of points in the unit hypercube `[0, 1)^k`, one coordinate per factor,
//! in a fixed order; [`scale`] maps them onto each factor's interval. The estimators take the
//! model's output at every point, in the design's order. Everything random (the trajectories'
//! starts, directions and orders; the sequence's scrambling; the bootstrap resamples) is drawn
//! from a ChaCha8 generator seeded by the caller, so a design and its indices are the same on
//! every machine and thread count.
//!
//! The estimators follow SALib 1.6 (Herman and Usher 2017) step for step, so that both tools
//! give the same indices on the same samples (`tests/salib.rs` checks them to 1e-9):
//!
//! - [`morris`]: elementary effects in units of the whole interval (Morris 1991), their mean
//!   `mu`, mean absolute value `mu_star` (Campolongo, Cariboni and Saltelli 2007) and standard
//!   deviation `sigma`;
//! - [`saltelli`]: the first-order index `S1` by Saltelli et al. (2010)'s estimator and the total
//!   index `ST` by Jansen (1999)'s, on outputs standardised to mean 0 and standard deviation 1.
//!
//! Confidence intervals are 95 % intervals from a bootstrap of the trajectories (Morris) or of
//! the base rows (Sobol): the estimate ± 1.96 standard deviations of the resampled estimates.

pub mod ishigami;
pub mod morris;
pub mod saltelli;
pub mod sobol_seq;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The standard normal quantile at 0.975: a 95 % interval is ± this many standard deviations.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A design that cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DesignError {
    /// More factors than the Sobol sequence's direction numbers cover.
    #[error(
        "{factors} factors need {dims} dimensions of the Sobol sequence; at most {max} are available\n  help: vary fewer keys"
    )]
    TooManyFactors {
        /// Factors asked for.
        factors: usize,
        /// Dimensions they need.
        dims: usize,
        /// Dimensions available.
        max: usize,
    },
    /// No factor to vary.
    #[error("no factor to vary\n  help: name at least one key with an interval, KEY=min:max")]
    NoFactors,
    /// A Morris grid with an odd or too small number of levels.
    #[error("a Morris design needs an even number of levels, at least 2 (got {0})")]
    Levels(usize),
    /// Too few trajectories or base samples for a spread.
    #[error("{what} must be at least 2 (got {n}): a standard deviation needs two values")]
    TooFew {
        /// What is too few.
        what: &'static str,
        /// How many were asked for.
        n: usize,
    },
}

/// The generator stream that scrambles a Sobol sequence.
pub(crate) const SCRAMBLE_STREAM: u64 = 1;
/// The generator stream that draws Morris trajectories.
pub(crate) const TRAJECTORY_STREAM: u64 = 2;
/// The generator stream of bootstrap resamples.
pub(crate) const BOOTSTRAP_STREAM: u64 = 3;

/// The generator for one purpose of a design or analysis seeded with `seed`.
pub(crate) fn rng(seed: u64, purpose: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(purpose);
    r
}

/// Maps unit-cube points onto the intervals `bounds` (one `(min, max)` per coordinate).
pub fn scale(points: &[Vec<f64>], bounds: &[(f64, f64)]) -> Vec<Vec<f64>> {
    points
        .iter()
        .map(|p| {
            p.iter()
                .zip(bounds)
                .map(|(&u, &(lo, hi))| lo + u * (hi - lo))
                .collect()
        })
        .collect()
}

/// Arithmetic mean (0 for no values).
pub(crate) fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        0.0
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

/// Variance with `ddof` degrees of freedom removed (numpy's `var(ddof=...)`); 0 when undefined.
pub(crate) fn var(x: &[f64], ddof: usize) -> f64 {
    if x.len() <= ddof {
        return 0.0;
    }
    let m = mean(x);
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - ddof) as f64
}

/// Standard deviation with `ddof` degrees of freedom removed.
pub(crate) fn sd(x: &[f64], ddof: usize) -> f64 {
    var(x, ddof).sqrt()
}
