//! Comparing theory lenses: the same scenario as an ensemble under each lens.
//!
//! For each lens, [`compare`] runs the scenario's replicates and keeps, per date, the mean share
//! of every state toward every patron, the final 5–95 % range, and — for a scenario with
//! `[[checks]]` such as the replay — the validation scorecard under that lens.
//!
//! Computation only. Each format adds its own methods to [`Comparison`] in its own module:
//! `csv` and `checks_csv` in `output::csv`, `text` in `output::text`, `figure` and `chart` in
//! `plot::compare`, `report_html` in `report::compare`.

use crate::runs::digest::Sample;
use crate::runs::ensemble::{self, PoolError, Spread};
use crate::runs::scorecard::{self, Line};
use crate::scenario::Lens;
use crate::scenario::Scenario;

/// One lens's results.
#[derive(Clone, Debug)]
pub struct LensResult {
    /// The lens.
    pub lens: Lens,
    /// Mean share at each date, `dates x actors x patrons` (patrons' rows included).
    pub mean: Vec<f64>,
    /// Final share of each state toward each patron across runs: (state, patron slot, spread).
    pub finals: Vec<(usize, usize, Spread)>,
    /// The scorecard under this lens (empty without `[[checks]]`).
    pub scorecard: Vec<Line>,
}

/// The comparison of `lenses` on `sc`.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Dates observed.
    pub dates: Vec<crate::date::YearMonth>,
    /// Per lens, in the order asked.
    pub lenses: Vec<LensResult>,
    /// Runs per lens.
    pub runs: usize,
}

/// Runs `sc` under each lens with `runs` replicates (seed `seed`) on `jobs` threads.
pub fn compare(
    sc: &Scenario,
    lenses: &[Lens],
    seed: u64,
    runs: usize,
    jobs: usize,
) -> Result<Comparison, PoolError> {
    let mut out = Vec::new();
    let mut dates = Vec::new();
    for &lens in lenses {
        let mut s = sc.clone();
        s.set_lens(lens);
        // The runs stream through a batch at a time: memory does not grow with `runs`.
        let mut mean: Vec<f64> = Vec::new();
        let mut finals_of: Vec<Sample> = Vec::new();
        let states: Vec<usize> = s.states().collect();
        let np = s.patrons.len();
        ensemble::run_batches(&s, &s.params, seed, runs, jobs, |_, batch| {
            for r in batch {
                if mean.is_empty() {
                    dates = r.dates.clone();
                    mean = vec![0.0; r.alignment.len()];
                    finals_of = vec![Sample::default(); states.len() * np];
                }
                for (m, x) in mean.iter_mut().zip(&r.alignment) {
                    *m += x / runs as f64;
                }
                let last = r.dates.len() - 1;
                for (j, &i) in states.iter().enumerate() {
                    for p in 0..np {
                        finals_of[j * np + p].add(r.share(last, i, p));
                    }
                }
            }
            Ok::<(), std::convert::Infallible>(())
        })?
        .unwrap_or_else(|e| match e {});
        let mut finals = Vec::new();
        for (j, &i) in states.iter().enumerate() {
            for p in 0..np {
                finals.push((i, p, finals_of[j * np + p].spread()));
            }
        }
        let scorecard = if s.checks.is_empty() {
            Vec::new()
        } else {
            scorecard::scorecard(&s, seed, runs, jobs)?
        };
        out.push(LensResult {
            lens,
            mean,
            finals,
            scorecard,
        });
    }
    Ok(Comparison {
        dates,
        lenses: out,
        runs,
    })
}

impl Comparison {
    /// Mean share of `actor` toward patron `p` at date index `t` under lens `k`.
    pub fn mean_share(&self, sc: &Scenario, k: usize, t: usize, actor: usize, p: usize) -> f64 {
        let np = sc.patrons.len();
        self.lenses[k].mean[(t * sc.actors.len() + actor) * np + p]
    }
}
