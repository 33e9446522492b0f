//! What every rule gets during a step ([`Ctx`]): the scenario, the parameters in force, the run's
//! seeded generator and where log entries go; plus the generator itself and its noise.
//!
//! All randomness comes from one ChaCha8 generator per run, seeded from (seed, replicate stream)
//! ([`rng_for`]): the same seed gives the same run on any thread.

use rand::{Rng as _, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::date::YearMonth;
use crate::engine::record::{LogEntry, Observer, What};
use crate::params::Params;
use crate::scenario::Scenario;
use crate::scenario::world::World;

/// The random generator every rule draws from.
pub type Rng = ChaCha8Rng;

/// The generator for replicate `stream` of a run seeded with `seed`. Each stream is an
/// independent ChaCha sequence, so replicate `r` is the same whichever thread runs it.
pub fn rng_for(seed: u64, stream: u64) -> Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// The side stream of a run reserved for strategic patrons' valuations ([`side_stream`]).
pub const STRATEGY_STREAM: u64 = 1;

/// A generator for one purpose (`purpose` from 1 to 15), independent of the run's main
/// sequence: the same seed and replicate stream, read from a position `purpose · 2^60` words in,
/// which the main sequence never reaches. Its draws depend only on (seed, replicate, purpose),
/// not on how many draws the main sequence took, so a rule that draws from it leaves every
/// other rule's random numbers unchanged.
pub fn side_stream(rng: &Rng, purpose: u64) -> Rng {
    let mut r = rng.clone();
    r.set_word_pos(u128::from(purpose) << 60);
    r
}

/// Uniform noise with mean 0 and standard deviation `sd` (cheaper than a normal draw, and the
/// rules only need a symmetric spread).
#[inline]
pub fn noise(rng: &mut Rng, sd: f64) -> f64 {
    if sd == 0.0 {
        return 0.0;
    }
    (rng.random::<f64>() * 2.0 - 1.0) * sd * 3f64.sqrt()
}

/// [`noise`] drawn for every entry of `out`, row by row, in the order `noise` draws them and
/// with the same bits, read from the generator a block at a time: the generator hands out its
/// words in the same sequence either way, and a uniform number is the top 53 bits of a 64-bit
/// word times 2^-53, as `rand`'s `StandardUniform` makes it. The alignment pass draws its
/// states' noise this way (docs/performance.md).
pub fn noise_rows<const N: usize>(rng: &mut Rng, sd: f64, out: &mut [[f64; N]]) {
    let out = out.as_flattened_mut();
    if sd == 0.0 {
        out.fill(0.0);
        return;
    }
    let mut bytes = [0u8; 8 * 64];
    for chunk in out.chunks_mut(64) {
        let bytes = &mut bytes[..8 * chunk.len()];
        rng.fill_bytes(bytes);
        for (x, word) in chunk.iter_mut().zip(bytes.as_chunks::<8>().0) {
            let uniform = (u64::from_le_bytes(*word) >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            *x = (uniform * 2.0 - 1.0) * sd * 3f64.sqrt();
        }
    }
}

/// What every rule gets during a step.
pub struct Ctx<'a> {
    /// The scenario.
    pub sc: &'a Scenario,
    /// Parameters in force.
    pub prm: &'a Params,
    /// The run's generator.
    pub rng: &'a mut Rng,
    /// Where log entries go.
    pub obs: &'a mut dyn Observer,
    /// The date at the start of the step.
    pub date: YearMonth,
    /// Step length, years.
    pub dt: f64,
}

impl Ctx<'_> {
    /// Records a log entry.
    pub fn log(
        &mut self,
        date: YearMonth,
        actor: usize,
        what: What,
        score_for: f64,
        score_against: f64,
        value: f64,
    ) {
        self.obs.log(LogEntry {
            date,
            actor,
            what,
            score_for,
            score_against,
            value,
        });
    }

    /// The date under which `actor`'s answer is logged: the step's date, or the date of a
    /// scripted offer made to it inside this step. A step of a quarter or a year applies the
    /// events dated inside it at its start; a decision that answers an offer made in the step's
    /// second month is dated then, never before the offer (a closure ordered for a credit
    /// offered in February is ordered in February, not in January).
    pub fn answer_date(&self, w: &World, actor: usize) -> YearMonth {
        w.offered[actor].map_or(self.date, |d| d.max(self.date))
    }

    /// Records `actor`'s answer to an offer under [`Ctx::answer_date`].
    pub fn log_answer(
        &mut self,
        w: &World,
        actor: usize,
        what: What,
        score_for: f64,
        score_against: f64,
        value: f64,
    ) {
        let date = self.answer_date(w, actor);
        self.log(date, actor, what, score_for, score_against, value);
    }

    /// Whether `month` (a date) falls in this step.
    pub fn in_step(&self, month: YearMonth) -> bool {
        month >= self.date && month < self.date.plus_months(self.sc.period.months())
    }
}

#[cfg(test)]
mod tests {
    use rand::RngExt;

    use super::*;

    #[test]
    fn streams_are_independent_and_repeatable() {
        let a: u64 = rng_for(7, 0).random();
        let b: u64 = rng_for(7, 0).random();
        let c: u64 = rng_for(7, 1).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn a_side_stream_does_not_depend_on_the_main_sequence() {
        let fresh = rng_for(7, 3);
        let mut used = rng_for(7, 3);
        let _: [u64; 5] = [(); 5].map(|_| used.random());
        let a: u64 = side_stream(&fresh, STRATEGY_STREAM).random();
        let b: u64 = side_stream(&used, STRATEGY_STREAM).random();
        let main: u64 = rng_for(7, 3).random();
        assert_eq!(a, b);
        assert_ne!(a, main);
    }

    #[test]
    fn noise_rows_are_noise_drawn_one_by_one() {
        // Every offset in the generator's 64-word block, so that reads that straddle a refill
        // are covered; more rows than one read takes; and a spread of zero draws nothing.
        for (seed, skip) in (0..3).flat_map(|seed| (0..70).map(move |skip| (seed, skip))) {
            let mut one = rng_for(seed, 5);
            for _ in 0..skip {
                let _: u32 = one.random();
            }
            let mut many = one.clone();
            let expected: Vec<[f64; 3]> = (0..40)
                .map(|_| std::array::from_fn(|_| noise(&mut one, 0.3)))
                .collect();
            let mut rows = vec![[9.0; 3]; 40];
            noise_rows(&mut many, 0.3, &mut rows);
            let bits = |v: &[[f64; 3]]| {
                v.as_flattened()
                    .iter()
                    .map(|x| x.to_bits())
                    .collect::<Vec<_>>()
            };
            assert_eq!(bits(&rows), bits(&expected), "seed {seed} skip {skip}");
            noise_rows(&mut many, 0.0, &mut rows[..2]);
            assert_eq!(rows[..2], [[0.0; 3]; 2]);
            assert_eq!(
                one.random::<u64>(),
                many.random::<u64>(),
                "seed {seed} skip {skip}"
            );
        }
    }

    #[test]
    fn noise_has_the_requested_spread() {
        let mut rng = rng_for(1, 0);
        let n = 20_000;
        let xs: Vec<f64> = (0..n).map(|_| noise(&mut rng, 0.5)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var.sqrt() - 0.5).abs() < 0.02, "sd {}", var.sqrt());
    }
}
