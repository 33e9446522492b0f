//! A sweep's points and their seeds: the grid, random and Latin-hypercube designs, and the
//! sensitivity designs (Morris trajectories, Saltelli's matrices) that `crate::sensitivity` draws
//! in the unit cube and this module scales onto the axes' intervals.

use rand::RngExt;

use crate::engine::context::rng_for;
use crate::scenario::experiment::{Design, SweepSpec};
use crate::sensitivity::{morris, saltelli, scale};

/// The largest point seed, 2^53 − 1 (the largest seed anywhere): the largest integer a double
/// holds exactly, so R, Excel, JavaScript and any JSON reader read `sweep.csv`'s seeds without
/// rounding them.
pub const MAX_POINT_SEED: u64 = crate::scenario::validate::MAX_SEED;

/// The seed of point `i` of a sweep seeded with `seed` (SplitMix64 mixing, so neighbouring
/// points get unrelated seeds; its top 53 bits, so at most [`MAX_POINT_SEED`]). Printed in
/// `sweep.csv` so a point can be re-run alone.
pub fn point_seed(seed: u64, i: usize) -> u64 {
    splitmix64(seed ^ splitmix64(i as u64 + 1)) >> 11
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SweepSpec {
    /// The seed of point `i` of this sweep seeded with `seed`: its own ([`point_seed`]), or
    /// the sweep's seed itself for a design that shares seeds between points
    /// ([`Design::shares_seeds`]: common random numbers for the sensitivity designs).
    pub fn seed_of(&self, seed: u64, i: usize) -> u64 {
        if self.design.shares_seeds() {
            seed
        } else {
            point_seed(seed, i)
        }
    }

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
            // The sensitivity designs: `simulate sensitivity` checks their sizes before it
            // builds a spec, so a design that cannot be built has no points.
            Design::Morris {
                trajectories,
                levels,
            } => morris::design(self.axes.len(), trajectories, levels, seed)
                .map(|u| scale(&u, &self.bounds()))
                .unwrap_or_default(),
            Design::Saltelli(n) => saltelli::design(self.axes.len(), n, seed)
                .map(|u| scale(&u, &self.bounds()))
                .unwrap_or_default(),
        }
    }

    /// Each axis's smallest and largest value.
    pub fn bounds(&self) -> Vec<(f64, f64)> {
        self.axes
            .iter()
            .map(|a| a.values.bounds().unwrap_or((0.0, 0.0)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::experiment::{Axis, AxisValues, parse_values};

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
    fn point_seeds_fit_in_a_double_exactly() {
        for seed in [0, 1, 2001, u64::MAX, MAX_POINT_SEED] {
            for i in (0..10_000).chain([usize::MAX - 1]) {
                let s = point_seed(seed, i);
                assert!(s <= MAX_POINT_SEED, "seed {seed}, point {i}: {s}");
                assert_eq!(s as f64 as u64, s);
            }
        }
        // The top bits are used, not only the low ones.
        assert!((0..1000).any(|i| point_seed(7, i) > MAX_POINT_SEED / 2));
    }

    #[test]
    fn point_seeds_differ_and_repeat() {
        assert_eq!(point_seed(5, 3), point_seed(5, 3));
        assert_ne!(point_seed(5, 3), point_seed(5, 4));
        assert_ne!(point_seed(5, 3), point_seed(6, 3));
    }
}
