//! The Sobol low-discrepancy sequence (Sobol 1967) with Joe and Kuo (2008)'s direction numbers,
//! and its nested uniform (Owen 1995) scrambling.
//!
//! Point `i` is computed directly from the Gray code of `i` (Antonov and Saleev 1979), so any
//! point can be made alone, in any order: a design's points do not depend on how they were
//! split between threads or shards. Coordinates are 32-bit fractions. Unscrambled, the first
//! points are exactly SALib's and SciPy's (`SALib.sample.sobol_sequence.sample`, tested).
//!
//! Scrambling uses Burley (2020)'s hash-based Owen scrambling: each coordinate's bits are
//! reversed, hashed by the Laine–Karras permutation with a per-dimension seed, and reversed
//! back, so that every bit is flipped according to a hash of the bits above it. That is a
//! nested uniform scrambling: the result is still a (t, s)-sequence in base 2 (its balance
//! properties survive), each point is uniform on the cube, and independent seeds give
//! independent randomisations, as Saltelli's estimators with bootstrap intervals assume.

use rand::RngExt;

use super::DesignError;

/// The direction-number table: one line per dimension from 2, `d s a m_1 .. m_s`.
const JOE_KUO: &str = include_str!("new-joe-kuo-6.1000.txt");

/// Bits per coordinate.
const BITS: usize = 32;

/// The Sobol sequence in a number of dimensions, optionally scrambled.
#[derive(Clone, Debug)]
pub struct Sobol {
    /// Direction numbers `v[d][k]`, the k-th (0-based) of dimension d, as 32-bit fractions.
    v: Vec<[u32; BITS]>,
    /// Per-dimension scrambling seeds (`None`: unscrambled).
    scramble: Option<Vec<u32>>,
}

/// The most dimensions the table covers.
pub fn max_dimensions() -> usize {
    1 + JOE_KUO
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .count()
}

impl Sobol {
    /// The unscrambled sequence in `dims` dimensions.
    pub fn new(dims: usize) -> Result<Sobol, DesignError> {
        let max = max_dimensions();
        if dims > max {
            return Err(DesignError::TooManyFactors {
                factors: dims,
                dims,
                max,
            });
        }
        let mut v = Vec::with_capacity(dims);
        if dims > 0 {
            // Dimension 1: every m_k = 1.
            let mut first = [0u32; BITS];
            for (k, x) in first.iter_mut().enumerate() {
                *x = 1u32 << (BITS - 1 - k);
            }
            v.push(first);
        }
        let lines = JOE_KUO
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        for line in lines.take(dims.saturating_sub(1)) {
            let nums: Vec<u64> = line
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            let (s, a) = (nums[1] as usize, nums[2]);
            let m = &nums[3..3 + s];
            let mut dir = [0u32; BITS];
            for k in 0..BITS {
                dir[k] = if k < s {
                    (m[k] as u32) << (BITS - 1 - k)
                } else {
                    let mut x = dir[k - s] ^ (dir[k - s] >> s);
                    for j in 1..s {
                        if (a >> (s - 1 - j)) & 1 == 1 {
                            x ^= dir[k - j];
                        }
                    }
                    x
                };
            }
            v.push(dir);
        }
        Ok(Sobol { v, scramble: None })
    }

    /// The same sequence, Owen-scrambled with seeds drawn from `seed`.
    pub fn scrambled(mut self, seed: u64) -> Sobol {
        let mut rng = super::rng(seed, super::SCRAMBLE_STREAM);
        let seeds = (0..self.v.len()).map(|_| rng.random::<u32>()).collect();
        self.scramble = Some(seeds);
        self
    }

    /// Dimensions.
    pub fn dims(&self) -> usize {
        self.v.len()
    }

    /// Point `i` as 32-bit integers (coordinate × 2^32).
    pub fn bits(&self, i: u64) -> Vec<u32> {
        let gray = i ^ (i >> 1);
        self.v
            .iter()
            .enumerate()
            .map(|(d, dir)| {
                let mut x = 0u32;
                let mut g = gray;
                let mut k = 0;
                while g != 0 && k < BITS {
                    if g & 1 == 1 {
                        x ^= dir[k];
                    }
                    g >>= 1;
                    k += 1;
                }
                match &self.scramble {
                    Some(seeds) => owen(x, seeds[d]),
                    None => x,
                }
            })
            .collect()
    }

    /// Point `i` in `[0, 1)^dims`.
    pub fn point(&self, i: u64) -> Vec<f64> {
        const SCALE: f64 = 1.0 / 4_294_967_296.0;
        self.bits(i)
            .into_iter()
            .map(|x| f64::from(x) * SCALE)
            .collect()
    }
}

/// Nested uniform scrambling of a 32-bit fraction (Burley 2020, "Practical Hash-based Owen
/// Scrambling", JCGT 9(4)): bit k of the result is bit k of `x` flipped by a hash of the bits
/// above it and the seed.
fn owen(x: u32, seed: u32) -> u32 {
    laine_karras(x.reverse_bits(), seed).reverse_bits()
}

/// Laine and Karras (2011)'s permutation, in Burley's improved constants: a bijection in which
/// each bit depends only on the bits below it (so, reversed, on the bits above).
fn laine_karras(mut x: u32, seed: u32) -> u32 {
    x = x.wrapping_add(seed);
    x ^= x.wrapping_mul(0x6c50_b47c);
    x ^= x.wrapping_mul(0xb82f_1e52);
    x ^= x.wrapping_mul(0xc7af_e638);
    x ^= x.wrapping_mul(0x8d22_f6e6);
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_points_are_the_published_sequence() {
        // Joe and Kuo's sequence as SciPy and SALib print it (unscrambled, from point 0).
        let s = Sobol::new(3).unwrap();
        let expect = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
            [0.625, 0.125, 0.875],
            [0.125, 0.625, 0.375],
        ];
        for (i, e) in expect.iter().enumerate() {
            assert_eq!(s.point(i as u64), e.to_vec(), "point {i}");
        }
    }

    #[test]
    fn scrambling_keeps_one_point_per_elementary_interval() {
        // The first 2^m points of a scrambled (t, s)-sequence still fall one in each of the 2^m
        // intervals of every one-dimensional projection.
        let s = Sobol::new(20).unwrap().scrambled(7);
        let n = 64;
        for d in 0..20 {
            let mut cells: Vec<usize> = (0..n)
                .map(|i| (s.point(i)[d] * n as f64) as usize)
                .collect();
            cells.sort();
            assert_eq!(cells, (0..n as usize).collect::<Vec<_>>(), "dimension {d}");
        }
        assert_ne!(s.point(0), Sobol::new(20).unwrap().scrambled(8).point(0));
        assert_eq!(s.point(5), Sobol::new(20).unwrap().scrambled(7).point(5));
    }

    #[test]
    fn owen_scrambling_is_a_bijection_that_keeps_prefixes() {
        // Two fractions sharing their top k bits still share them after scrambling.
        for (x, y) in [(0xF000_0000u32, 0xF7FF_FFFFu32), (0x1234_5678, 0x1234_0000)] {
            let common = (x ^ y).leading_zeros();
            let (sx, sy) = (owen(x, 99), owen(y, 99));
            assert!((sx ^ sy).leading_zeros() >= common);
        }
        let mut seen: Vec<u32> = (0..4096u32).map(|x| owen(x << 20, 3) >> 20).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 4096);
    }

    #[test]
    fn the_table_covers_a_thousand_dimensions() {
        assert_eq!(max_dimensions(), 1000);
        assert!(Sobol::new(1000).is_ok());
        assert!(Sobol::new(1001).is_err());
    }
}
