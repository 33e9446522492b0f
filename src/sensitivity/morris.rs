//! Morris's elementary-effects screening (Morris 1991; Campolongo, Cariboni and Saltelli 2007).
//!
//! The design is `r` trajectories of `k + 1` points on a grid of `levels` values per factor in
//! `[0, 1]`. A trajectory starts at a random grid point and moves one factor at a time, in a
//! random order, by `Δ = levels / (2 (levels - 1))` up or down, so each factor is changed once
//! per trajectory. The elementary effect of the factor is the change in output over `Δ`: an
//! output change per whole interval of the factor, comparable across factors with any units.
//!
//! Over the trajectories, `mu_star` (the mean absolute effect) ranks the factors' influence,
//! `mu` (the mean effect) its sign when the effects agree, and `sigma` (their standard
//! deviation) says how much a factor's effect depends on where the others are: interactions
//! or non-linearity. `mu_star_conf` is the half-width of a 95 % bootstrap interval for `mu_star`.

use rand::RngExt;

use super::{BOOTSTRAP_STREAM, DesignError, TRAJECTORY_STREAM, Z95, mean, rng, sd};

/// The grid step of a Morris design on `levels` levels, in units of the whole interval.
pub fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// `trajectories` Morris trajectories over `k` factors on a grid of `levels` levels: `r (k + 1)`
/// points in `[0, 1]^k`, trajectory by trajectory.
pub fn design(
    k: usize,
    trajectories: usize,
    levels: usize,
    seed: u64,
) -> Result<Vec<Vec<f64>>, DesignError> {
    if k == 0 {
        return Err(DesignError::NoFactors);
    }
    if levels < 2 || levels % 2 == 1 {
        return Err(DesignError::Levels(levels));
    }
    if trajectories < 2 {
        return Err(DesignError::TooFew {
            what: "the number of trajectories",
            n: trajectories,
        });
    }
    let step = levels / 2;
    let grid = |l: usize| l as f64 / (levels - 1) as f64;
    let mut rng = rng(seed, TRAJECTORY_STREAM);
    let mut points = Vec::with_capacity(trajectories * (k + 1));
    for _ in 0..trajectories {
        // Per factor: the lower of its two levels, and whether the trajectory goes up from it.
        let mut level: Vec<usize> = Vec::with_capacity(k);
        let mut up: Vec<bool> = Vec::with_capacity(k);
        for _ in 0..k {
            let low = rng.random_range(0..levels - step);
            let goes_up = rng.random_bool(0.5);
            level.push(if goes_up { low } else { low + step });
            up.push(goes_up);
        }
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            let j = rng.random_range(0..=i);
            order.swap(i, j);
        }
        points.push(level.iter().map(|&l| grid(l)).collect());
        for &f in &order {
            level[f] = if up[f] {
                level[f] + step
            } else {
                level[f] - step
            };
            points.push(level.iter().map(|&l| grid(l)).collect());
        }
    }
    Ok(points)
}

/// A factor's Morris measures for one output.
#[derive(Clone, Debug, PartialEq)]
pub struct Measures {
    /// Mean elementary effect.
    pub mu: f64,
    /// Mean absolute elementary effect.
    pub mu_star: f64,
    /// Half-width of the 95 % bootstrap interval of `mu_star`.
    pub mu_star_conf: f64,
    /// Standard deviation of the elementary effects (n - 1 in the denominator).
    pub sigma: f64,
}

/// The elementary effects `ee[factor][trajectory]` of outputs `y` at the points `x` of a
/// Morris design with `k` factors on `levels` levels, read from the points themselves as
/// SALib does: between consecutive points of a trajectory, the factor that moved and its
/// direction. `x` may be in the unit cube or scaled onto the factors' intervals.
pub fn effects(x: &[Vec<f64>], y: &[f64], k: usize, levels: usize) -> Vec<Vec<f64>> {
    let d = delta(levels);
    let r = y.len() / (k + 1);
    let mut ee = vec![vec![0.0; r]; k];
    for (t, (xs, ys)) in x.chunks_exact(k + 1).zip(y.chunks_exact(k + 1)).enumerate() {
        for j in 1..=k {
            let (a, b) = (&xs[j - 1], &xs[j]);
            if let Some(f) = (0..k).find(|&f| a[f] != b[f]) {
                let dy = ys[j] - ys[j - 1];
                ee[f][t] = if b[f] > a[f] { dy / d } else { -dy / d };
            }
        }
    }
    ee
}

/// The Morris measures of each factor, from the outputs `y` at the design's points `x`, with
/// `resamples` bootstrap resamples (seeded by `seed`) for the interval of `mu_star`.
pub fn analyze(
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
    levels: usize,
    resamples: usize,
    seed: u64,
) -> Vec<Measures> {
    let ee = effects(x, y, k, levels);
    let mut rng = rng(seed, BOOTSTRAP_STREAM);
    ee.iter()
        .map(|e| {
            let abs: Vec<f64> = e.iter().map(|v| v.abs()).collect();
            let r = e.len();
            let boot: Vec<f64> = (0..resamples)
                .map(|_| (0..r).map(|_| abs[rng.random_range(0..r)]).sum::<f64>() / r as f64)
                .collect();
            Measures {
                mu: mean(e),
                mu_star: mean(&abs),
                mu_star_conf: if resamples > 1 {
                    Z95 * sd(&boot, 1)
                } else {
                    0.0
                },
                sigma: sd(e, 1),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_trajectory_moves_every_factor_once_by_delta_on_the_grid() {
        let (k, r, levels) = (5, 8, 4);
        let x = design(k, r, levels, 11).unwrap();
        assert_eq!(x.len(), r * (k + 1));
        let d = delta(levels);
        for t in 0..r {
            let mut moved = vec![0; k];
            for j in 1..=k {
                let (a, b) = (&x[t * (k + 1) + j - 1], &x[t * (k + 1) + j]);
                let changed: Vec<usize> = (0..k).filter(|&f| a[f] != b[f]).collect();
                assert_eq!(changed.len(), 1);
                assert!(((a[changed[0]] - b[changed[0]]).abs() - d).abs() < 1e-12);
                moved[changed[0]] += 1;
            }
            assert_eq!(moved, vec![1; k]);
        }
        for p in &x {
            for &v in p {
                assert!((0.0..=1.0).contains(&v));
                let l = v * (levels - 1) as f64;
                assert!((l - l.round()).abs() < 1e-12, "{v} is not a grid level");
            }
        }
        assert_eq!(x, design(k, r, levels, 11).unwrap());
        assert_ne!(x, design(k, r, levels, 12).unwrap());
    }

    #[test]
    fn a_linear_model_has_its_slopes_as_effects_and_no_spread() {
        // y = 3 x0 - 2 x1 + 0 x2, in units of the whole interval.
        let x = design(3, 10, 4, 5).unwrap();
        let y: Vec<f64> = x.iter().map(|p| 3.0 * p[0] - 2.0 * p[1]).collect();
        let m = analyze(&x, &y, 3, 4, 100, 1);
        for (f, slope) in [(0, 3.0), (1, -2.0), (2, 0.0)] {
            assert!((m[f].mu - slope).abs() < 1e-12);
            assert!((m[f].mu_star - f64::abs(slope)).abs() < 1e-12);
            assert!(m[f].sigma.abs() < 1e-12);
            assert!(m[f].mu_star_conf.abs() < 1e-9);
        }
    }

    #[test]
    fn ishigami_ranks_its_factors_as_published() {
        // Sigma is large for x1 and x3 (their interaction), and x3 acts only through it.
        let x = design(3, 200, 4, 2).unwrap();
        let scaled = crate::sensitivity::scale(&x, &crate::sensitivity::ishigami::BOUNDS);
        let y: Vec<f64> = scaled
            .iter()
            .map(|p| crate::sensitivity::ishigami::eval(p))
            .collect();
        let m = analyze(&x, &y, 3, 4, 100, 1);
        assert!(m[0].mu_star > m[2].mu_star && m[2].mu_star > 0.0);
        assert!(
            m[1].mu.abs() < 0.6 * m[1].mu_star,
            "x2's effects change sign"
        );
        assert!(m[2].sigma > m[2].mu_star.abs() * 0.5);
    }
}
