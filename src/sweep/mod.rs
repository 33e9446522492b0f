//! Parameter sweeps and Monte Carlo ensembles at scale.
//!
//! A sweep runs a scenario at many **points** (values of one or more key paths, see
//! [`crate::keys`]) with `runs` **replicates** each, and writes one row per point with the mean,
//! standard deviation and 5th/50th/95th percentiles of every outcome (final alignment shares,
//! final indices) and the probability of each discrete outcome the scenario names.
//!
//! Determinism: point `i` has its own seed, [`point_seed`]`(seed, i)`, and replicate `r` of that
//! point draws from ChaCha stream `r` of it — exactly what `simulate FILE --seed <point seed>
//! --runs <runs>` with the point's `--set` values does. Replicates are aggregated in fixed chunks
//! merged in order, so results do not depend on the number of threads, and a point's row does not
//! depend on which shard or which invocation computed it.
//!
//! Designs: a **grid** (the Cartesian product of each axis's values, first axis slowest), or
//! `samples` points drawn **random**ly (uniform) or by **Latin hypercube** (each axis's range cut
//! into `samples` equal strata, one point per stratum, strata paired at random), from a generator
//! seeded by the sweep's seed.

mod aggregate;
pub mod chart;
mod run;
mod store;

pub use aggregate::{BINS, Stats};
pub use run::{Metric, SweepError, SweepOptions, run_sweep, verify};
pub use store::{SweepMeta, merge};

use rand::RngExt;

use crate::engine::rng_for;

/// How points are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Design {
    /// Every combination of the axes' values.
    Grid,
    /// This many points drawn uniformly within the axes' ranges.
    Random(usize),
    /// This many points by Latin-hypercube sampling of the axes' ranges.
    Lhs(usize),
}

impl Design {
    /// The name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::Random(_) => "random",
            Design::Lhs(_) => "lhs",
        }
    }
}

/// The values an axis takes.
#[derive(Clone, Debug, PartialEq)]
pub enum AxisValues {
    /// These values, in order.
    List(Vec<f64>),
    /// From `min` to `max` (inclusive) by `step` (grids).
    Steps {
        /// First value.
        min: f64,
        /// Last value (included when reached within rounding).
        max: f64,
        /// Step.
        step: f64,
    },
    /// The interval from `min` to `max` (random and Latin-hypercube designs).
    Interval {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
}

impl AxisValues {
    /// Smallest and largest value the axis can take.
    pub fn bounds(&self) -> Option<(f64, f64)> {
        match self {
            AxisValues::List(v) => {
                let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                Some((lo, hi))
            }
            AxisValues::Steps { min, max, .. } | AxisValues::Interval { min, max } => {
                Some((*min, *max))
            }
        }
    }

    /// The grid values (lists and steps).
    pub fn grid(&self) -> Vec<f64> {
        match self {
            AxisValues::List(v) => v.clone(),
            AxisValues::Steps { min, max, step } => {
                let n = ((max - min) / step + 1e-9).floor() as usize + 1;
                // Rounded to 12 significant digits so that 0.1 + 2 * 0.05 prints as 0.2.
                (0..n).map(|i| round12(min + i as f64 * step)).collect()
            }
            AxisValues::Interval { min, max } => vec![*min, *max],
        }
    }

    /// The text form, as written in files and on the command line.
    pub fn text(&self) -> String {
        match self {
            AxisValues::List(v) => v
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(","),
            AxisValues::Steps { min, max, step } => format!("{min}:{max}:{step}"),
            AxisValues::Interval { min, max } => format!("{min}:{max}"),
        }
    }
}

fn round12(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(11 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// One swept key.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// Key path.
    pub key: String,
    /// Its values.
    pub values: AxisValues,
}

/// A sweep's design, from a scenario's `[sweep]` table or the command line.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepSpec {
    /// How points are chosen.
    pub design: Design,
    /// Replicates per point.
    pub runs: usize,
    /// The swept keys.
    pub axes: Vec<Axis>,
}

/// Parses `"min:max:step"`, `"min:max"` or `"a,b,c"`. `sampling`: the design draws points from
/// intervals (random, lhs), so `"min:max"` is expected rather than a step.
pub fn parse_values(text: &str, sampling: bool) -> Result<AxisValues, String> {
    let num = |s: &str| -> Result<f64, String> {
        let x: f64 = s
            .trim()
            .parse()
            .map_err(|_| format!("`{}` is not a number", s.trim()))?;
        if x.is_finite() {
            Ok(x)
        } else {
            Err(format!("`{}` is not a finite number", s.trim()))
        }
    };
    if text.contains(':') {
        let parts: Vec<&str> = text.split(':').collect();
        match parts.as_slice() {
            [a, b, c] => {
                let (min, max, step) = (num(a)?, num(b)?, num(c)?);
                if sampling {
                    return Err(format!(
                        "`{text}`: random and lhs designs take an interval `min:max`, not a step"
                    ));
                }
                if step <= 0.0 || max < min {
                    return Err(format!(
                        "`{text}`: expected min:max:step with min <= max and step > 0"
                    ));
                }
                if (max - min) / step > 1e6 {
                    return Err(format!("`{text}`: more than a million values"));
                }
                Ok(AxisValues::Steps { min, max, step })
            }
            [a, b] => {
                let (min, max) = (num(a)?, num(b)?);
                if !sampling {
                    return Err(format!(
                        "`{text}`: a grid needs a step, `min:max:step` (or use --design random|lhs)"
                    ));
                }
                if max < min {
                    return Err(format!("`{text}`: expected min:max with min <= max"));
                }
                Ok(AxisValues::Interval { min, max })
            }
            _ => Err(format!("`{text}`: expected min:max:step, min:max or a,b,c")),
        }
    } else {
        if sampling {
            return Err(format!(
                "`{text}`: random and lhs designs take an interval `min:max`"
            ));
        }
        let v = text
            .split(',')
            .map(num)
            .collect::<Result<Vec<f64>, String>>()?;
        Ok(AxisValues::List(v))
    }
}

/// The seed of point `i` of a sweep seeded with `seed` (SplitMix64 mixing, so neighbouring
/// points get unrelated seeds). Printed in `sweep.csv` so a point can be re-run alone.
pub fn point_seed(seed: u64, i: usize) -> u64 {
    splitmix64(seed ^ splitmix64(i as u64 + 1))
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SweepSpec {
    /// The points, each a value per axis, in point order.
    pub fn points(&self, seed: u64) -> Vec<Vec<f64>> {
        match self.design {
            Design::Grid => {
                let values: Vec<Vec<f64>> = self.axes.iter().map(|a| a.values.grid()).collect();
                let total: usize = values.iter().map(Vec::len).product();
                (0..total)
                    .map(|mut i| {
                        let mut p = vec![0.0; values.len()];
                        for (k, v) in values.iter().enumerate().rev() {
                            p[k] = v[i % v.len()];
                            i /= v.len();
                        }
                        p
                    })
                    .collect()
            }
            Design::Random(n) => {
                let mut rng = rng_for(seed, u64::MAX);
                (0..n)
                    .map(|_| {
                        self.axes
                            .iter()
                            .map(|a| {
                                let (lo, hi) = a.values.bounds().unwrap_or((0.0, 0.0));
                                lo + rng.random::<f64>() * (hi - lo)
                            })
                            .collect()
                    })
                    .collect()
            }
            Design::Lhs(n) => {
                let mut rng = rng_for(seed, u64::MAX);
                let mut columns = Vec::new();
                for a in &self.axes {
                    let (lo, hi) = a.values.bounds().unwrap_or((0.0, 0.0));
                    // A random permutation of the strata (Fisher-Yates), one draw within each.
                    let mut strata: Vec<usize> = (0..n).collect();
                    for i in (1..n).rev() {
                        let j = rng.random_range(0..=i);
                        strata.swap(i, j);
                    }
                    let col: Vec<f64> = strata
                        .iter()
                        .map(|&s| lo + (s as f64 + rng.random::<f64>()) / n as f64 * (hi - lo))
                        .collect();
                    columns.push(col);
                }
                (0..n)
                    .map(|i| columns.iter().map(|c| c[i]).collect())
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges_lists_and_intervals() {
        assert_eq!(
            parse_values("0:1:0.5", false).unwrap().grid(),
            vec![0.0, 0.5, 1.0]
        );
        assert_eq!(parse_values("0:5:0.5", false).unwrap().grid().len(), 11);
        assert_eq!(parse_values("0:0.3:0.05", false).unwrap().grid()[3], 0.15);
        assert_eq!(
            parse_values("0.01,0.05", false).unwrap().grid(),
            vec![0.01, 0.05]
        );
        assert!(matches!(
            parse_values("2:4", true).unwrap(),
            AxisValues::Interval { .. }
        ));
        assert!(parse_values("2:4", false).is_err());
        assert!(parse_values("1:0:0.1", false).is_err());
        assert!(parse_values("0:1:0", false).is_err());
        assert!(parse_values("a,b", false).is_err());
    }

    #[test]
    fn grid_points_vary_the_last_axis_fastest() {
        let spec = SweepSpec {
            design: Design::Grid,
            runs: 1,
            axes: vec![
                Axis {
                    key: "a".into(),
                    values: AxisValues::List(vec![1.0, 2.0]),
                },
                Axis {
                    key: "b".into(),
                    values: AxisValues::List(vec![10.0, 20.0, 30.0]),
                },
            ],
        };
        let p = spec.points(1);
        assert_eq!(p.len(), 6);
        assert_eq!(p[0], vec![1.0, 10.0]);
        assert_eq!(p[1], vec![1.0, 20.0]);
        assert_eq!(p[3], vec![2.0, 10.0]);
    }

    #[test]
    fn latin_hypercube_puts_one_point_in_each_stratum() {
        let spec = SweepSpec {
            design: Design::Lhs(10),
            runs: 1,
            axes: vec![Axis {
                key: "a".into(),
                values: AxisValues::Interval { min: 0.0, max: 1.0 },
            }],
        };
        let mut strata: Vec<usize> = spec
            .points(3)
            .iter()
            .map(|p| (p[0] * 10.0) as usize)
            .collect();
        strata.sort();
        assert_eq!(strata, (0..10).collect::<Vec<_>>());
        assert_eq!(spec.points(3), spec.points(3));
    }

    #[test]
    fn point_seeds_differ_and_repeat() {
        assert_eq!(point_seed(5, 3), point_seed(5, 3));
        assert_ne!(point_seed(5, 3), point_seed(5, 4));
        assert_ne!(point_seed(5, 3), point_seed(6, 3));
    }
}
