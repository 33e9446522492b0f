//! What an ensemble's outputs need from its runs, accumulated run by run: memory does not grow
//! with the number of runs.
//!
//! A [`Digest`] keeps the first run's record (the report's event log), each series' sample (the
//! final shares and indices of the summary, every share and index at every date for fan
//! charts), and the decisions with the number of runs that took each. A [`Sample`] holds its
//! values while there are at most [`EXACT_RUNS`] (percentiles exact, type 7, as before) and a
//! fixed histogram of [`BINS`] bins over 0–1 beyond (percentiles exact to within 1/[`BINS`], as
//! in sweeps); its mean is summed in chunks of [`CHUNK`] in run order, so it equals a sweep
//! row's mean to the last bit.

use super::ensemble::{CHUNK, Spread, histogram_quantile, quantile};
use crate::engine::record::{LogEntry, RunRecord};
use crate::scenario::Scenario;

/// Runs up to which a sample keeps its values (percentiles exact).
pub const EXACT_RUNS: usize = 1000;

/// Histogram bins over 0–1 beyond [`EXACT_RUNS`] runs.
pub const BINS: usize = 1000;

/// The values of one series across runs.
#[derive(Clone, Debug, Default)]
pub struct Sample {
    n: usize,
    chunk: f64,
    total: f64,
    exact: Vec<f64>,
    hist: Vec<u32>,
    /// Whether `exact` is sorted ([`Sample::settle`]); adding a value unsets it.
    sorted: bool,
}

impl Sample {
    /// Adds the next run's value.
    pub fn add(&mut self, x: f64) {
        self.sorted = false;
        self.tally(x);
        if self.hist.is_empty() {
            if self.exact.len() < EXACT_RUNS {
                self.exact.push(x);
                return;
            }
            self.hist = vec![0; BINS];
            for v in std::mem::take(&mut self.exact) {
                self.hist[bin(v)] += 1;
            }
        }
        self.hist[bin(x)] += 1;
    }

    /// Adds the next runs' values, in order: the same as [`Sample::add`] value by value.
    pub fn add_all(&mut self, xs: &[f64]) {
        let room = EXACT_RUNS.saturating_sub(self.exact.len());
        if !self.hist.is_empty() || xs.len() > room {
            for &x in xs {
                self.add(x);
            }
            return;
        }
        // Kept exactly: only the chunked mean to carry along.
        self.sorted &= xs.is_empty();
        self.exact.extend_from_slice(xs);
        for &x in xs {
            self.tally(x);
        }
    }

    /// Counts `x` into the mean, summed in chunks of [`CHUNK`] in run order.
    fn tally(&mut self, x: f64) {
        self.chunk += x;
        self.n += 1;
        if self.n.is_multiple_of(CHUNK) {
            self.total += self.chunk;
            self.chunk = 0.0;
        }
    }

    /// Sorts the values kept, once, so that every later call of [`Sample::quantiles`] reads
    /// them without sorting a copy (the results are the same).
    pub fn settle(&mut self) {
        self.settle_with(&mut Scratch::default());
    }

    /// [`Sample::settle`] with room to sort in that the caller keeps for the next sample.
    fn settle_with(&mut self, scratch: &mut Scratch) {
        if !self.sorted {
            sort_total(&mut self.exact, scratch);
            self.sorted = true;
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The mean, summed as `ensemble::chunked_mean` sums it (0 for no values).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            (self.total + self.chunk) / self.n as f64
        }
    }

    /// Quantiles `qs`: type 7 over the values, or from the histogram past [`EXACT_RUNS`].
    pub fn quantiles<const K: usize>(&self, qs: [f64; K]) -> [f64; K] {
        if self.n == 0 {
            return [0.0; K];
        }
        if self.hist.is_empty() {
            if self.sorted {
                return qs.map(|q| quantile(&self.exact, q));
            }
            let mut xs = self.exact.clone();
            xs.sort_by(f64::total_cmp);
            return qs.map(|q| quantile(&xs, q));
        }
        qs.map(|q| histogram_quantile(&self.hist, self.n as u64, q))
    }

    /// Mean, 5th, 50th and 95th percentile.
    pub fn spread(&self) -> Spread {
        let [p5, p50, p95] = self.quantiles([0.05, 0.5, 0.95]);
        Spread {
            mean: self.mean(),
            p5,
            p50,
            p95,
        }
    }
}

/// Room for [`sort_total`]: a buffer of keys, kept from one sample to the next.
#[derive(Default)]
struct Scratch {
    keys: Vec<u64>,
}

/// Sorts `xs` as `sort_by(f64::total_cmp)` does: a settled ensemble sorts thousands of samples
/// of up to a thousand values, and sorting the doubles by `total_cmp` was a tenth of its CPU.
///
/// Each value becomes an integer key whose unsigned order is `total_cmp`'s order (the sign bit
/// set for positive numbers, every bit flipped for negative ones); the keys are sorted as
/// integers (the standard library's unstable sort, which on 1,000 shares took two fifths of
/// the time of a byte-at-a-time radix sort, docs/performance.md) and turned back. Values equal
/// under `total_cmp` have the same bits, so the result is the comparison sort's to the bit.
fn sort_total(xs: &mut [f64], scratch: &mut Scratch) {
    const SIGN: u64 = 1 << 63;
    let keys = &mut scratch.keys;
    keys.clear();
    keys.extend(xs.iter().map(|x| {
        let b = x.to_bits();
        if b & SIGN == 0 { b | SIGN } else { !b }
    }));
    keys.sort_unstable();
    for (x, &k) in xs.iter_mut().zip(keys.iter()) {
        *x = f64::from_bits(if k & SIGN != 0 { k & !SIGN } else { !k });
    }
}

fn bin(x: f64) -> usize {
    ((x * BINS as f64) as usize).min(BINS - 1)
}

/// One decision (actor and what, the `occurrence`-th time in a run) and the runs that took it.
/// A decision a run takes again (a lease renewed every five years, credit given each year)
/// counts as a decision of its own each time: the second renewal is the runs that renewed at
/// least twice.
#[derive(Clone, Debug)]
pub struct Decision {
    /// Its first occurrence: in run 1, or the first run where it happened.
    pub first: LogEntry,
    /// Runs in which it happened at least `occurrence + 1` times.
    pub runs: usize,
    /// How many times the actor had taken the same decision before in the run, 0 the first.
    pub occurrence: usize,
}

/// What the summary, charts and report of an ensemble read, accumulated run by run.
#[derive(Clone, Debug, Default)]
pub struct Digest {
    /// Runs added.
    pub runs: usize,
    /// The first run's record.
    pub first: Option<RunRecord>,
    n: usize,
    np: usize,
    /// Dates recorded (the first run's; every run has the same).
    t: usize,
    /// Share of actor `i` toward patron `p` at date `t`: `[(t * n + i) * np + p]`.
    shares: Vec<Sample>,
    /// Index `k` at date `t`: `[t * 4 + k]`.
    indices: Vec<Sample>,
    /// Decisions in order of first occurrence.
    decisions: Vec<Decision>,
    /// Per actor, the decisions (indices into `decisions`) it took: a decision is found by
    /// comparing actor and what, with no key to format for each log entry of each run.
    by_actor: Vec<Vec<usize>>,
    /// Per decision, the last run (its number in `runs`) counted in its `runs`.
    counted: Vec<usize>,
    /// Values each sample makes room for at once (at most [`EXACT_RUNS`]; 0: it grows as
    /// values come).
    room: usize,
}

impl Digest {
    /// An empty digest for `runs` runs: each sample makes room for its values (up to
    /// [`EXACT_RUNS`]) at once, instead of growing and copying them a doubling at a time.
    pub fn for_runs(runs: usize) -> Digest {
        Digest {
            room: runs.min(EXACT_RUNS),
            ..Digest::default()
        }
    }

    /// The digest of `runs`, in order.
    pub fn of(runs: &[RunRecord]) -> Digest {
        let mut d = Digest::default();
        for r in runs {
            d.add(r);
        }
        d
    }

    /// Adds the next run. `is_decision` picks the log entries counted as decisions.
    pub fn add(&mut self, rec: &RunRecord) {
        self.add_with(rec, |_| true);
    }

    /// Adds the next run, counting the log entries `is_decision` picks as decisions.
    pub fn add_with(&mut self, rec: &RunRecord, is_decision: impl Fn(&LogEntry) -> bool) {
        self.add_batch_with(std::slice::from_ref(rec), is_decision);
    }

    /// Adds the next runs, in order, counting the log entries `is_decision` picks as
    /// decisions: the same digest as adding them one by one with [`Digest::add_with`], but each
    /// sample takes the batch's values in one go (sample by sample, not run by run), so that its
    /// values are written one after the other instead of one cache line per value.
    pub fn add_batch_with(&mut self, batch: &[RunRecord], is_decision: impl Fn(&LogEntry) -> bool) {
        let Some(rec) = batch.first() else {
            return;
        };
        if self.first.is_none() {
            self.n = rec.n;
            self.np = rec.np;
            self.t = rec.dates.len();
            // Each sample its own room (a clone of a vector does not keep its capacity).
            let room = self.room;
            let empty = |k: usize| -> Vec<Sample> {
                (0..k)
                    .map(|_| Sample {
                        exact: Vec::with_capacity(room),
                        ..Sample::default()
                    })
                    .collect()
            };
            self.shares = empty(self.t * rec.n * rec.np);
            self.indices = empty(self.t * 4);
            self.first = Some(rec.clone());
        }
        // Every run of a scenario records the same dates; a shorter one adds what it has.
        let mut values = Vec::with_capacity(batch.len());
        for (k, s) in self.shares.iter_mut().enumerate() {
            values.clear();
            values.extend(batch.iter().filter_map(|rec| rec.alignment.get(k)));
            s.add_all(&values);
        }
        for (j, s) in self.indices.iter_mut().enumerate() {
            values.clear();
            let value = |rec: &RunRecord| Some(rec.indices.get(j / 4)?.values()[j % 4]);
            values.extend(batch.iter().filter_map(value));
            s.add_all(&values);
        }
        for rec in batch {
            self.add_decisions(rec, &is_decision);
        }
    }

    /// Counts run `rec`'s decisions (the log entries `is_decision` picks).
    fn add_decisions(&mut self, rec: &RunRecord, is_decision: impl Fn(&LogEntry) -> bool) {
        self.runs += 1;
        for e in rec.log.iter().filter(|e| is_decision(e)) {
            if self.by_actor.len() <= e.actor {
                self.by_actor.resize_with(e.actor + 1, Vec::new);
            }
            let taken = &mut self.by_actor[e.actor];
            // The same decision again in this run is its next occurrence: the first of the
            // actor's decisions with this `what` (kept in order of occurrence) this run has not
            // counted yet.
            let mut same = 0;
            let mut found = None;
            for &j in taken.iter() {
                if self.decisions[j].first.what == e.what {
                    if self.counted[j] != self.runs {
                        found = Some(j);
                        break;
                    }
                    same += 1;
                }
            }
            let j = found.unwrap_or_else(|| {
                self.decisions.push(Decision {
                    first: *e,
                    runs: 0,
                    occurrence: same,
                });
                self.counted.push(0);
                taken.push(self.decisions.len() - 1);
                self.decisions.len() - 1
            });
            self.counted[j] = self.runs;
            self.decisions[j].runs += 1;
        }
    }

    /// Settles every sample ([`Sample::settle`]) in parallel, on the threads of the current
    /// rayon pool: the quantiles that tables, the summary and charts read later cost no sort.
    pub fn settle(&mut self) {
        use rayon::prelude::*;
        for samples in [&mut self.shares, &mut self.indices] {
            samples
                .par_iter_mut()
                .for_each_init(Scratch::default, |scratch, s| s.settle_with(scratch));
        }
    }

    /// Dates recorded.
    pub fn dates(&self) -> usize {
        self.t
    }

    /// The sample of actor `i`'s share toward patron `p` at date `t`.
    pub fn share(&self, t: usize, i: usize, p: usize) -> &Sample {
        &self.shares[(t * self.n + i) * self.np + p]
    }

    /// The sample of index `k` (in `Indices::NAMES` order) at date `t`.
    pub fn index(&self, t: usize, k: usize) -> &Sample {
        &self.indices[t * 4 + k]
    }

    /// The decisions, in order of first occurrence (run 1's order, then other runs').
    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }
}

/// A value a run recorded that is not a finite number: the run stops with the cause named.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "run {run} recorded {what} = {value} at {date}, which is not a finite number: a quantity of \
     the model left the range a double holds, growing past the largest or shrinking to zero where \
     the model divides by it (look for a growth rate, positive or negative, compounded over a \
     long horizon)"
)]
pub struct NonFinite {
    /// Run number, 1-based.
    pub run: usize,
    /// The date.
    pub date: String,
    /// What the value is.
    pub what: String,
    /// The value.
    pub value: f64,
}

/// "the share of STATE toward PATRON" for actor `i` and patron slot `p` ("?" for either out
/// of range), as [`NonFinite`] names a share.
pub fn share_name(sc: &Scenario, i: usize, p: usize) -> String {
    format!(
        "the share of {} toward {}",
        sc.actors.get(i).map_or("?", |a| a.id.as_str()),
        if p < sc.patrons.len() {
            sc.patron_id(p)
        } else {
            "?"
        }
    )
}

/// Checks that run `run` (1-based) recorded only finite numbers: shares, indices, and the scores
/// and values of its log.
pub fn check_finite(sc: &Scenario, run: usize, rec: &RunRecord) -> Result<(), NonFinite> {
    let per_date = rec.n * rec.np;
    if let Some(k) = rec.alignment.iter().position(|x| !x.is_finite()) {
        let (t, i, p) = (k / per_date, k % per_date / rec.np, k % rec.np);
        return Err(NonFinite {
            run,
            date: rec.dates.get(t).map_or("?".into(), ToString::to_string),
            what: share_name(sc, i, p),
            value: rec.alignment[k],
        });
    }
    for (t, idx) in rec.indices.iter().enumerate() {
        for (k, v) in idx.values().into_iter().enumerate() {
            if !v.is_finite() {
                return Err(NonFinite {
                    run,
                    date: rec.dates.get(t).map_or("?".into(), ToString::to_string),
                    what: crate::engine::record::Indices::NAMES[k].to_string(),
                    value: v,
                });
            }
        }
    }
    for e in &rec.log {
        for (name, v) in [
            ("score_for", e.score_for),
            ("score_against", e.score_against),
            ("value", e.value),
        ] {
            if !v.is_finite() {
                return Err(NonFinite {
                    run,
                    date: e.date.to_string(),
                    what: format!(
                        "the {name} of a log entry of {}",
                        sc.actors.get(e.actor).map_or("?", |a| a.id.as_str())
                    ),
                    value: v,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::YearMonth;
    use crate::engine::record::{Indices, What};
    use crate::runs::ensemble::chunked_mean;

    /// A run whose log holds a renewal of base 0 by actor 3 in each of `years`.
    fn renewals(years: &[i32]) -> RunRecord {
        let mut rec = RunRecord::with_capacity(4, 1, 0);
        for &y in years {
            rec.log.push(LogEntry {
                date: YearMonth::new(y, 1).expect("a date"),
                actor: 3,
                what: What::LeaseRenewed(0),
                score_for: 0.2,
                score_against: 0.1,
                value: 0.0,
            });
        }
        rec
    }

    /// Run `r` of a made-up ensemble: 3 dates, 2 actors, 2 patrons, values that differ by run,
    /// and in some runs a renewal.
    fn made_up(r: u32) -> RunRecord {
        let mut rec = renewals(&[2010, 2015][..(r % 3) as usize]);
        rec.n = 2;
        rec.np = 2;
        let x = |k: u32| (f64::from(r * 7 + k) * 0.618_033_988_7).fract();
        for t in 0..3 {
            rec.dates.push(YearMonth::new(2010 + t, 1).expect("a date"));
            rec.alignment.extend((0..4).map(|k| x(k + 4 * t as u32)));
            rec.indices.push(Indices {
                leading_influence: x(20),
                partnership: x(21),
                sco_cohesion: x(22),
                soft_balancing: x(23),
            });
        }
        rec
    }

    #[test]
    fn a_batch_adds_as_its_runs_one_by_one_do() {
        // Past the exact limit, so that a batch crosses from kept values to the histogram.
        let runs: Vec<RunRecord> = (0..EXACT_RUNS as u32 + 300).map(made_up).collect();
        let one_by_one = Digest::of(&runs);
        let mut batched = Digest::for_runs(runs.len());
        for batch in runs.chunks(128) {
            batched.add_batch_with(batch, |_| true);
        }
        let qs = [0.0, 0.05, 0.5, 0.95, 1.0];
        let seen = |d: &Digest| {
            let mut v = Vec::new();
            for t in 0..3 {
                for (i, p) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                    let s = d.share(t, i, p);
                    v.push((
                        s.len(),
                        s.mean().to_bits(),
                        s.quantiles(qs).map(f64::to_bits),
                    ));
                }
                for k in 0..4 {
                    let s = d.index(t, k);
                    v.push((
                        s.len(),
                        s.mean().to_bits(),
                        s.quantiles(qs).map(f64::to_bits),
                    ));
                }
            }
            let decisions: Vec<_> = d
                .decisions()
                .iter()
                .map(|x| (x.first.date, x.occurrence, x.runs))
                .collect();
            (v, decisions, d.runs)
        };
        assert_eq!(seen(&batched), seen(&one_by_one));
        // And before the limit, too (the first thousand runs).
        let mut batched = Digest::for_runs(EXACT_RUNS);
        for batch in runs[..EXACT_RUNS].chunks(100) {
            batched.add_batch_with(batch, |_| true);
        }
        assert_eq!(seen(&batched), seen(&Digest::of(&runs[..EXACT_RUNS])));
    }

    #[test]
    fn a_decision_taken_again_is_a_decision_of_its_own_each_time() {
        let mut d = Digest::default();
        for years in [&[2010, 2015, 2020][..], &[2011], &[2012, 2017]] {
            d.add(&renewals(years));
        }
        let seen: Vec<(i32, usize, usize)> = d
            .decisions()
            .iter()
            .map(|x| (x.first.date.year(), x.occurrence, x.runs))
            .collect();
        // The first renewal in all three runs, a second in two, a third in one; dated by run 1.
        assert_eq!(seen, vec![(2010, 0, 3), (2015, 1, 2), (2020, 2, 1)]);
    }

    #[test]
    fn a_sample_gives_the_exact_spread_up_to_the_limit_and_a_close_one_beyond() {
        let xs: Vec<f64> = (0..5000)
            .map(|i| (f64::from(i) * 0.618_033_988_7).fract())
            .collect();
        for n in [1, 7, 128, 129, EXACT_RUNS, EXACT_RUNS + 1, 5000] {
            let mut s = Sample::default();
            for &x in &xs[..n] {
                s.add(x);
            }
            let exact = Spread::of(&mut xs[..n].to_vec());
            let got = s.spread();
            assert_eq!(
                got.mean,
                chunked_mean(&xs[..n]),
                "mean to the last bit, n {n}"
            );
            if n <= EXACT_RUNS {
                assert_eq!(got, exact, "n {n}");
            } else {
                for (a, b) in [
                    (got.p5, exact.p5),
                    (got.p50, exact.p50),
                    (got.p95, exact.p95),
                ] {
                    assert!((a - b).abs() <= 1.0 / BINS as f64, "n {n}: {a} vs {b}");
                }
            }
        }
    }

    #[test]
    fn the_key_sort_orders_as_total_cmp_does() {
        let special = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        let mut scratch = Scratch::default();
        for n in [0, 1, 63, 64, 65, 1000, 3000] {
            for spread in [1.0, 1e-9, 1e300] {
                let mut xs: Vec<f64> = (0..n)
                    .map(|i| {
                        let x = (f64::from(i) * 0.618_033_988_7).fract() - 0.3;
                        if i % 17 == 0 {
                            special[i as usize / 17 % special.len()]
                        } else if i % 5 == 0 {
                            0.25 // repeated values
                        } else {
                            x * spread
                        }
                    })
                    .collect();
                let mut want = xs.clone();
                want.sort_by(f64::total_cmp);
                sort_total(&mut xs, &mut scratch);
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&xs), bits(&want), "n {n}, spread {spread}");
            }
        }
        // All equal (a share every run starts from).
        let mut xs = vec![0.4; 500];
        sort_total(&mut xs, &mut scratch);
        assert!(xs.iter().all(|&x| x == 0.4));
    }

    #[test]
    fn a_non_finite_share_is_named() {
        let text = include_str!("../../tests/scenarios/base.toml");
        let sc = crate::scenario::validate::parse(std::path::Path::new("t.toml"), text)
            .expect("valid scenario");
        let prm = sc.params.clone();
        let mut recs = super::super::ensemble::run_many(&sc, &prm, 1, 1, 1).expect("one thread");
        assert_eq!(check_finite(&sc, 1, &recs[0]), Ok(()));
        let k = 5 * recs[0].n * recs[0].np + 3 * recs[0].np + 1;
        recs[0].alignment[k] = f64::NAN;
        let e = check_finite(&sc, 1, &recs[0]).unwrap_err();
        assert_eq!(e.what, "the share of KGZ toward RUS");
        assert_eq!(e.date, recs[0].dates[5].to_string());
    }
}
