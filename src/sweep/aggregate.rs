//! Streaming statistics for one sweep point: memory does not grow with the number of runs.
//!
//! Means and standard deviations come from running sums; percentiles from a fixed histogram of
//! [`BINS`] bins over 0–1 (every continuous outcome — an alignment share or an index — lies in
//! 0–1), so a percentile is exact to within 1/BINS. Accumulators are merged in a fixed order, so
//! sums do not depend on how runs were spread over threads.

use crate::runs::ensemble::histogram_quantile;

/// Histogram bins over 0–1.
pub const BINS: usize = 1000;

/// Accumulated results of some runs at one point.
#[derive(Clone, Debug)]
pub struct Stats {
    k: usize,
    n: u64,
    sum: Vec<f64>,
    sumsq: Vec<f64>,
    hist: Vec<u32>,
    /// Smallest and largest value of each metric: a percentile read from the histogram is
    /// clamped to them, so runs that all give one value give it as every percentile.
    lo: Vec<f64>,
    hi: Vec<f64>,
    hits: Vec<u64>,
}

impl Stats {
    /// Empty statistics for `k` continuous metrics and `o` discrete outcomes.
    pub fn new(k: usize, o: usize) -> Stats {
        Stats {
            k,
            n: 0,
            sum: vec![0.0; k],
            sumsq: vec![0.0; k],
            hist: vec![0; k * BINS],
            lo: vec![f64::INFINITY; k],
            hi: vec![f64::NEG_INFINITY; k],
            hits: vec![0; o],
        }
    }

    /// Adds one run.
    pub fn add(&mut self, metrics: &[f64], outcomes: &[bool]) {
        self.n += 1;
        for (m, &x) in metrics.iter().enumerate() {
            self.sum[m] += x;
            self.sumsq[m] += x * x;
            let bin = ((x * BINS as f64) as usize).min(BINS - 1);
            self.hist[m * BINS + bin] += 1;
            self.lo[m] = self.lo[m].min(x);
            self.hi[m] = self.hi[m].max(x);
        }
        for (h, &hit) in self.hits.iter_mut().zip(outcomes) {
            *h += u64::from(hit);
        }
    }

    /// Adds another accumulator (call in a fixed order for reproducible sums).
    pub fn merge(&mut self, other: &Stats) {
        self.n += other.n;
        for m in 0..self.k {
            self.sum[m] += other.sum[m];
            self.sumsq[m] += other.sumsq[m];
            self.lo[m] = self.lo[m].min(other.lo[m]);
            self.hi[m] = self.hi[m].max(other.hi[m]);
        }
        for (a, b) in self.hist.iter_mut().zip(&other.hist) {
            *a += b;
        }
        for (a, b) in self.hits.iter_mut().zip(&other.hits) {
            *a += b;
        }
    }

    /// Number of continuous metrics.
    pub fn metrics(&self) -> usize {
        self.k
    }

    /// Number of runs.
    pub fn runs(&self) -> u64 {
        self.n
    }

    /// Mean, sample standard deviation, 5th, 50th and 95th percentile of metric `m`.
    pub fn summary(&self, m: usize) -> [f64; 5] {
        let n = self.n as f64;
        if self.n == 0 {
            return [0.0; 5];
        }
        let mean = self.sum[m] / n;
        let var = if self.n > 1 {
            ((self.sumsq[m] - n * mean * mean) / (n - 1.0)).max(0.0)
        } else {
            0.0
        };
        [
            mean,
            var.sqrt(),
            self.quantile(m, 0.05),
            self.quantile(m, 0.5),
            self.quantile(m, 0.95),
        ]
    }

    /// Share of runs in which outcome `j` held.
    pub fn probability(&self, j: usize) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.hits[j] as f64 / self.n as f64
        }
    }

    /// Quantile `q` of metric `m` from the histogram, as type-7 quantiles interpolate between
    /// order statistics (`runs::ensemble::histogram_quantile`), within the smallest and largest
    /// value seen (the histogram places a value anywhere in its bin; the quantile cannot lie
    /// outside the values).
    fn quantile(&self, m: usize, q: f64) -> f64 {
        let x = histogram_quantile(&self.hist[m * BINS..(m + 1) * BINS], self.n, q);
        if self.lo[m] <= self.hi[m] {
            x.clamp(self.lo[m], self.hi[m])
        } else {
            x
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::runs::ensemble::{CHUNK, Spread};

    #[test]
    fn runs_that_give_one_value_give_it_as_every_percentile() {
        let mut s = super::Stats::new(1, 0);
        for _ in 0..200 {
            s.add(&[0.553_55], &[]);
        }
        let [_, sd, p5, p50, p95] = s.summary(0);
        assert!(sd < 1e-9, "{sd}");
        assert_eq!((p5, p50, p95), (0.553_55, 0.553_55, 0.553_55));
        // Within one bin otherwise, as before.
        let mut t = super::Stats::new(1, 0);
        for i in 0..100 {
            t.add(&[0.2 + 0.001 * f64::from(i)], &[]);
        }
        let [_, _, p5, _, p95] = t.summary(0);
        assert!(
            (p5 - 0.205).abs() < 2e-3 && (p95 - 0.294).abs() < 2e-3,
            "{p5} {p95}"
        );
    }

    #[test]
    fn a_sweep_row_and_an_ensemble_summary_give_the_same_mean_to_the_last_bit() {
        // Values whose sum depends on the order of additions, over several chunks.
        for runs in [1, 127, 128, 129, 300, 1000] {
            let xs: Vec<f64> = (0..runs)
                .map(|i| 0.1 + (i as f64 * 0.618_033_988_7).fract() * 1e-3 + 1e-9 * i as f64)
                .collect();
            let mut acc: Option<Stats> = None;
            for chunk in xs.chunks(CHUNK) {
                let mut s = Stats::new(1, 0);
                for &x in chunk {
                    s.add(&[x], &[]);
                }
                match &mut acc {
                    Some(a) => a.merge(&s),
                    None => acc = Some(s),
                }
            }
            let sweep_mean = acc.expect("at least one chunk").summary(0)[0];
            let ensemble_mean = Spread::of(&mut xs.clone()).mean;
            assert_eq!(sweep_mean.to_bits(), ensemble_mean.to_bits(), "{runs} runs");
        }
    }

    use super::*;

    #[test]
    fn percentiles_are_within_one_bin_of_the_exact_ones() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 / 1000.0)
            .collect();
        let mut s = Stats::new(1, 0);
        for &x in &xs {
            s.add(&[x], &[]);
        }
        let mut sorted = xs.clone();
        let exact = crate::runs::ensemble::Spread::of(&mut sorted);
        let [mean, _, p5, p50, p95] = s.summary(0);
        assert!((mean - exact.mean).abs() < 1e-12);
        for (a, b) in [(p5, exact.p5), (p50, exact.p50), (p95, exact.p95)] {
            assert!((a - b).abs() <= 1.0 / BINS as f64, "{a} vs {b}");
        }
    }

    #[test]
    fn merging_equals_adding() {
        let mut all = Stats::new(1, 1);
        let mut a = Stats::new(1, 1);
        let mut b = Stats::new(1, 1);
        for i in 0..10 {
            let x = i as f64 / 10.0;
            all.add(&[x], &[i % 3 == 0]);
            if i < 4 {
                a.add(&[x], &[i % 3 == 0])
            } else {
                b.add(&[x], &[i % 3 == 0])
            }
        }
        a.merge(&b);
        assert_eq!(a.summary(0), all.summary(0));
        assert_eq!(a.probability(0), 0.4);
    }
}
