//! Landscape theory (Axelrod and Bennett 1993): actors choose sides to minimise frustration.
//!
//! Each actor `i` has a size `s_i` and a propensity `p_ij` to work with each other actor `j`
//! (positive: they want to be on the same side). In a configuration `X` that puts every actor on
//! one of two sides, with `d_ij = 1` when `i` and `j` are on different sides and 0 otherwise,
//! actor `i`'s frustration is `F_i = Σ_j s_j p_ij d_ij` and the energy of the configuration is
//!
//! ```text
//! E(X) = Σ_i s_i F_i(X) = Σ_{i≠j} s_i s_j p_ij d_ij          (ordered pairs)
//! ```
//!
//! Actors move, one at a time, to the side that lowers their frustration, which lowers `E`; the
//! system settles in a local minimum, where no single actor switching sides lowers `E`.
//! [`Landscape::local_minima`] enumerates every configuration and returns every local minimum,
//! not only the global one. The energy is summed over ordered pairs, as in the public
//! implementation whose published Syria 2016 results the tests reproduce exactly
//! (`data/landscape_syria2016/`).
//!
//! [`from_world`] builds the landscape of a scenario's world: sizes from power
//! ([`power`]), propensities from the model's affinity ([`affinity`], the same as the SCO
//! bargaining's). The landscape lens (`lenses::frustration`) is the same frustration in the
//! mean field: a state's frustration for siding with a patron given where everyone else stands.

use crate::engine::decision::power;
use crate::scenario::Scenario;
use crate::scenario::world::World;

/// The largest landscape [`Landscape::local_minima`] enumerates (2^(n-1) configurations).
pub const MAX_ACTORS: usize = 20;

/// Affinity between actors `i` and `j`: how alike they align (`np · (a_i · a_j) − 1`, 0 for two
/// evenly spread rows, −1 for two different patrons) plus the standing affinity the scenario
/// gives (`[[relations]]`). The SCO's bargaining and the landscape use it as propensity.
pub fn affinity(sc: &Scenario, w: &World, i: usize, j: usize) -> f64 {
    let np = w.np;
    let dot: f64 = (0..np)
        .map(|p| w.alignment[i * np + p] * w.alignment[j * np + p])
        .sum();
    np as f64 * dot - 1.0 + sc.relation(i, j)
}

/// Sizes and pairwise propensities of a set of actors.
#[derive(Clone, Debug, PartialEq)]
pub struct Landscape {
    /// Actor names, in order.
    pub names: Vec<String>,
    /// Size of each actor.
    pub size: Vec<f64>,
    /// Propensity `p_ij`, row-major `n x n`, symmetric, diagonal ignored.
    pub propensity: Vec<f64>,
}

/// A local minimum of the energy.
#[derive(Clone, Debug, PartialEq)]
pub struct Minimum {
    /// Side (0 or 1) of each actor; actor 0 is always on side 0.
    pub side: Vec<u8>,
    /// Its energy.
    pub energy: f64,
    /// How many of the 2^(n-1) configurations reach it by steepest descent (its basin).
    pub basin: usize,
}

impl Landscape {
    /// Number of actors.
    pub fn len(&self) -> usize {
        self.size.len()
    }

    /// Whether there are no actors.
    pub fn is_empty(&self) -> bool {
        self.size.is_empty()
    }

    /// `s_i s_j p_ij`.
    fn weight(&self, i: usize, j: usize) -> f64 {
        self.size[i] * self.size[j] * self.propensity[i * self.len() + j]
    }

    /// Energy of a configuration: `Σ_{i≠j} s_i s_j p_ij d_ij` over ordered pairs.
    pub fn energy(&self, side: &[u8]) -> f64 {
        let n = self.len();
        let mut e = 0.0;
        for i in 0..n {
            for j in 0..n {
                if i != j && side[i] != side[j] {
                    e += self.weight(i, j);
                }
            }
        }
        e
    }

    /// Frustration of actor `i`: `Σ_j s_j p_ij d_ij`.
    pub fn frustration(&self, i: usize, side: &[u8]) -> f64 {
        (0..self.len())
            .filter(|&j| j != i && side[j] != side[i])
            .map(|j| self.size[j] * self.propensity[i * self.len() + j])
            .sum()
    }

    /// Change in energy if actor `i` alone switched sides.
    pub fn switch_gain(&self, i: usize, side: &[u8]) -> f64 {
        // Pairs with i on the same side become split (+2 w each, ordered pairs) and split pairs
        // become joined (−2 w).
        (0..self.len())
            .filter(|&j| j != i)
            .map(|j| {
                let w = 2.0 * self.weight(i, j);
                if side[j] == side[i] { w } else { -w }
            })
            .sum()
    }

    /// Whether no single actor switching sides lowers the energy.
    pub fn is_local_minimum(&self, side: &[u8]) -> bool {
        (0..self.len()).all(|i| self.switch_gain(i, side) >= -self.tolerance())
    }

    /// Round-off allowed when comparing energies (exact for integer inputs).
    fn tolerance(&self) -> f64 {
        let scale: f64 = (0..self.len())
            .flat_map(|i| (0..self.len()).map(move |j| (i, j)))
            .map(|(i, j)| self.weight(i, j).abs())
            .sum();
        scale * 1e-12
    }

    /// Steepest descent from `side`: the actor whose switch lowers the energy most switches
    /// (the first in order on a tie), until none does.
    pub fn descend(&self, side: &mut [u8]) {
        let tol = self.tolerance();
        loop {
            let mut best = (-tol, usize::MAX);
            for i in 0..self.len() {
                let g = self.switch_gain(i, side);
                if g < best.0 {
                    best = (g, i);
                }
            }
            if best.1 == usize::MAX {
                return;
            }
            side[best.1] ^= 1;
        }
    }

    /// Every local minimum of the two-sided landscape, lowest energy first, each with its basin
    /// under steepest descent. Enumerates all 2^(n-1) configurations (actor 0 fixed on side 0:
    /// a configuration and its mirror image are the same partition). `None` if there are more
    /// than [`MAX_ACTORS`] actors.
    pub fn local_minima(&self) -> Option<Vec<Minimum>> {
        let n = self.len();
        if n == 0 || n > MAX_ACTORS {
            return None;
        }
        let tol = self.tolerance();
        let configs = 1usize << (n - 1);
        let side_of = |m: usize| -> Vec<u8> { (0..n).map(|i| ((m << 1) >> i & 1) as u8).collect() };
        let mut minima: Vec<Minimum> = Vec::new();
        for m in 0..configs {
            let side = side_of(m);
            if (0..n).all(|i| self.switch_gain(i, &side) >= -tol) {
                minima.push(Minimum {
                    energy: self.energy(&side),
                    side,
                    basin: 0,
                });
            }
        }
        // Basins: where steepest descent from each configuration ends, as a partition.
        for m in 0..configs {
            let mut side = side_of(m);
            self.descend(&mut side);
            if side[0] == 1 {
                side.iter_mut().for_each(|x| *x ^= 1);
            }
            if let Some(min) = minima.iter_mut().find(|x| x.side == side) {
                min.basin += 1;
            }
        }
        minima.sort_by(|a, b| a.energy.total_cmp(&b.energy));
        Some(minima)
    }

    /// The names on the side that does not hold actor 0, and on actor 0's side.
    pub fn coalitions(&self, side: &[u8]) -> (Vec<&str>, Vec<&str>) {
        let pick = |s: u8| -> Vec<&str> {
            (0..self.len())
                .filter(|&i| side[i] == s)
                .map(|i| self.names[i].as_str())
                .collect()
        };
        (pick(1), pick(0))
    }
}

/// The landscape of the scenario's actors in world `w`: sizes from power (the geometric mean of
/// GDP and military spending, bn USD), propensities from [`affinity`].
pub fn from_world(sc: &Scenario, w: &World) -> Landscape {
    let n = sc.actors.len();
    let mut propensity = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            if i != j {
                propensity[i * n + j] = affinity(sc, w, i, j);
            }
        }
    }
    Landscape {
        names: sc.actors.iter().map(|a| a.id.clone()).collect(),
        size: (0..n).map(|a| power(sc, w, a)).collect(),
        propensity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three actors: A and B like each other, both dislike C.
    fn triangle() -> Landscape {
        let p = [0.0, 1.0, -1.0, 1.0, 0.0, -1.0, -1.0, -1.0, 0.0];
        Landscape {
            names: vec!["A".into(), "B".into(), "C".into()],
            size: vec![1.0, 2.0, 3.0],
            propensity: p.to_vec(),
        }
    }

    #[test]
    fn energy_counts_ordered_pairs_and_the_minimum_splits_the_rivals() {
        let l = triangle();
        // {A,B} vs {C}: split pairs A-C and B-C, each twice: 2·(1·3·−1 + 2·3·−1) = −18.
        assert_eq!(l.energy(&[0, 0, 1]), -18.0);
        assert_eq!(l.energy(&[0, 0, 0]), 0.0);
        let minima = l.local_minima().unwrap();
        assert_eq!(minima.len(), 1);
        assert_eq!(minima[0].side, vec![0, 0, 1]);
        assert_eq!(minima[0].basin, 4);
        // Frustration and the switch gain agree with the energy.
        for m in 0..8u8 {
            let side: Vec<u8> = (0..3).map(|i| (m >> i) & 1).collect();
            for i in 0..3 {
                let mut other = side.clone();
                other[i] ^= 1;
                assert_eq!(l.energy(&other) - l.energy(&side), l.switch_gain(i, &side));
            }
            let e: f64 = (0..3).map(|i| l.size[i] * l.frustration(i, &side)).sum();
            assert_eq!(e, l.energy(&side));
        }
    }

    #[test]
    fn a_second_local_minimum_is_found_not_only_the_global_one() {
        // A-B and C-D close friends (+2), A-C and B-D friendly (+1), A-D and B-C rivals (-3.5):
        // {A,B} vs {C,D} is the global minimum (-10), {A,C} vs {B,D} a local one (-6) that no
        // single switch leaves downhill.
        let n = 4;
        let mut p = vec![0.0; n * n];
        for (i, j, x) in [
            (0, 1, 2.0),
            (2, 3, 2.0),
            (0, 2, 1.0),
            (1, 3, 1.0),
            (0, 3, -3.5),
            (1, 2, -3.5),
        ] {
            p[i * n + j] = x;
            p[j * n + i] = x;
        }
        let l = Landscape {
            names: ["A", "B", "C", "D"].map(String::from).to_vec(),
            size: vec![1.0; 4],
            propensity: p,
        };
        let minima = l.local_minima().unwrap();
        let found: Vec<(Vec<u8>, f64)> =
            minima.iter().map(|m| (m.side.clone(), m.energy)).collect();
        assert_eq!(
            found,
            vec![(vec![0, 0, 1, 1], -10.0), (vec![0, 1, 0, 1], -6.0)]
        );
        assert_eq!(minima.iter().map(|m| m.basin).sum::<usize>(), 8);
    }
}
