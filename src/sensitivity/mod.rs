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

/// Which analysis, with its design's sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Morris screening: trajectories and grid levels.
    Morris {
        /// Trajectories.
        trajectories: usize,
        /// Grid levels per factor (even).
        levels: usize,
    },
    /// Sobol indices by Saltelli's design: base rows.
    Sobol {
        /// Base rows (`n`); the design has `n (k + 2)` points.
        samples: usize,
    },
}

impl Method {
    /// `morris` or `sobol`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Morris { .. } => "morris",
            Method::Sobol { .. } => "sobol",
        }
    }

    /// Points of the design over `k` factors.
    pub fn points(self, k: usize) -> usize {
        match self {
            Method::Morris { trajectories, .. } => trajectories * (k + 1),
            Method::Sobol { samples } => samples * (k + 2),
        }
    }

    /// The design over `k` factors in the unit cube, seeded by `seed`.
    pub fn design(self, k: usize, seed: u64) -> Result<Vec<Vec<f64>>, DesignError> {
        match self {
            Method::Morris {
                trajectories,
                levels,
            } => morris::design(k, trajectories, levels, seed),
            Method::Sobol { samples } => saltelli::design(k, samples, seed),
        }
    }
}

/// One factor: a key path and the interval it is varied over.
#[derive(Clone, Debug, PartialEq)]
pub struct Factor {
    /// Key path.
    pub key: String,
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
}

/// The indices of every factor for one output.
#[derive(Clone, Debug, PartialEq)]
pub enum Measured {
    /// Morris measures, one per factor.
    Morris(Vec<morris::Measures>),
    /// Sobol indices, one per factor.
    Sobol(Vec<saltelli::Indices>),
}

/// One output's analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputIndices {
    /// The output's name (a column stem of `sweep.csv`, e.g. `us_influence` or `p_manas_closed`).
    pub name: String,
    /// Its mean over the design's points.
    pub mean: f64,
    /// Its standard deviation over the design's points.
    pub sd: f64,
    /// The indices, one per factor in the analysis's order.
    pub indices: Measured,
}

impl OutputIndices {
    /// The factors' positions, most influential first: by `mu_star` (Morris) or `ST` (Sobol),
    /// ties in factor order.
    pub fn ranking(&self) -> Vec<usize> {
        let key: Vec<f64> = match &self.indices {
            Measured::Morris(m) => m.iter().map(|x| x.mu_star).collect(),
            Measured::Sobol(s) => s.iter().map(|x| x.st).collect(),
        };
        let mut order: Vec<usize> = (0..key.len()).collect();
        order.sort_by(|&a, &b| key[b].total_cmp(&key[a]).then(a.cmp(&b)));
        order
    }
}

/// A whole analysis: the method, the factors, and the indices of each output.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// The method and its design's sizes.
    pub method: Method,
    /// The factors, in the design's coordinate order.
    pub factors: Vec<Factor>,
    /// Each output's indices.
    pub outputs: Vec<OutputIndices>,
}

/// Analyses one output `y` (one value per design point, in design order) with `method` over the
/// design's points `x` (scaled or not): `resamples` bootstrap resamples seeded by `seed`.
pub fn analyse(
    method: Method,
    name: &str,
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
    resamples: usize,
    seed: u64,
) -> OutputIndices {
    let indices = match method {
        Method::Morris { levels, .. } => {
            Measured::Morris(morris::analyze(x, y, k, levels, resamples, seed))
        }
        Method::Sobol { .. } => Measured::Sobol(saltelli::analyze(y, k, resamples, seed)),
    };
    OutputIndices {
        name: name.to_string(),
        mean: mean(y),
        sd: sd(y, 0),
        indices,
    }
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
