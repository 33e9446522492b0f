//! The model's side of the UN-vote check: its yearly alignment shares toward the US, Russia and
//! China per state, the mean over the runs, from records in memory ([`model_series`]) or from
//! runs streamed one at a time ([`SeriesMean`]), so an ensemble of any size is held against the
//! votes in the memory of one run.

use super::{FitError, ModelSeries};

/// Why the model's runs cannot be held against the votes.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SeriesError {
    /// The scenario lacks one of the three patrons the votes are about.
    #[error(
        "the scenario has no patron `{0}`: the UN voting data give agreement with USA, RUS and CHN"
    )]
    NoPatron(&'static str),
    /// No run to read.
    #[error("no runs to read")]
    NoRuns,
    /// A share could not be stored.
    #[error(transparent)]
    Share(#[from] FitError),
}

/// The model's yearly alignment shares toward [US, RUS, CHN] for every state of the scenario:
/// for each calendar year, the mean over `records` of the shares at the last recorded date on
/// or before December of that year (most General Assembly votes of a session are cast in its
/// first autumn). The three shares are rescaled to sum to one when the scenario has other
/// patrons too. [`SeriesMean`] computes the same, to the last bit, from runs streamed one at a
/// time.
pub fn model_series(
    sc: &crate::scenario::Scenario,
    records: &[crate::engine::record::RunRecord],
) -> Result<ModelSeries, SeriesError> {
    let first = records.first().ok_or(SeriesError::NoRuns)?;
    let mut mean = SeriesMean::new(sc, first, records.len())?;
    for r in records {
        mean.add(r);
    }
    mean.finish(sc)
}

/// The running mean behind [`model_series`], over runs added one at a time in run order, so an
/// ensemble of any size is held against the votes in the memory of one run.
#[derive(Clone, Debug)]
pub struct SeriesMean {
    /// The patron slots of USA, RUS and CHN.
    slots: [usize; 3],
    /// Each year the run records, with the index of its last recorded date.
    years: Vec<(i32, usize)>,
    /// The scenario's states, in `sc.states()` order.
    states: Vec<usize>,
    /// Per year (outer) and state (inner, in `sc.states()` order): the running sum of share / n.
    sums: Vec<[f64; 3]>,
    /// The number of runs the mean is over.
    n: usize,
    /// Runs added so far.
    added: usize,
}

impl SeriesMean {
    /// A mean over `n` runs of `sc`, whose dates are those of `first` (every run records the
    /// same dates).
    pub fn new(
        sc: &crate::scenario::Scenario,
        first: &crate::engine::record::RunRecord,
        n: usize,
    ) -> Result<Self, SeriesError> {
        if n == 0 {
            return Err(SeriesError::NoRuns);
        }
        let mut slots = [0; 3];
        for (k, id) in ["USA", "RUS", "CHN"].into_iter().enumerate() {
            slots[k] = sc.patron_slot(id).ok_or(SeriesError::NoPatron(id))?;
        }
        let (y0, y1) = (
            first.dates.first().map_or(0, |d| d.year()),
            first.dates.last().map_or(0, |d| d.year()),
        );
        // The last recorded date of each year, if the run records one in it.
        let years: Vec<(i32, usize)> = (y0..=y1)
            .filter_map(|year| {
                first
                    .dates
                    .iter()
                    .rposition(|d| d.year() == year)
                    .map(|t| (year, t))
            })
            .collect();
        let states: Vec<usize> = sc.states().collect();
        let sums = vec![[0.0; 3]; years.len() * states.len()];
        Ok(SeriesMean {
            slots,
            years,
            states,
            sums,
            n,
            added: 0,
        })
    }

    /// Adds the next run.
    pub fn add(&mut self, r: &crate::engine::record::RunRecord) {
        let states = self.states.len();
        for (y, &(_, t)) in self.years.iter().enumerate() {
            for (j, &s) in self.states.iter().enumerate() {
                let sum = &mut self.sums[y * states + j];
                for (k, &p) in self.slots.iter().enumerate() {
                    sum[k] += r.share(t, s, p) / self.n as f64;
                }
            }
        }
        self.added += 1;
    }

    /// The yearly series, once every run is added.
    pub fn finish(self, sc: &crate::scenario::Scenario) -> Result<ModelSeries, SeriesError> {
        debug_assert_eq!(self.added, self.n, "every run of the mean is added");
        let mut series = ModelSeries::new();
        for (y, &(year, _)) in self.years.iter().enumerate() {
            for (j, &s) in self.states.iter().enumerate() {
                let mut mean = self.sums[y * self.states.len() + j];
                let total: f64 = mean.iter().sum();
                if total > 0.0 {
                    for m in &mut mean {
                        *m = (*m / total).clamp(0.0, 1.0);
                    }
                }
                series.insert(&sc.actors[s].id, year, mean)?;
            }
        }
        Ok(series)
    }
}
