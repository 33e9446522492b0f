//! The step loop.
//!
//! A run is a pure function of (scenario, parameters, seed): [`run`] clones the scenario's
//! initial world, then for each step, in this fixed order:
//!
//! 1. scripted events dated inside the step, then random shocks ([`crate::mechanisms::shocks`]);
//! 2. growth and decay: GDP and trade grow, debt amortises, goodwill, pressure, threat and
//!    backlash fade;
//! 3. energy talks and flows ([`crate::mechanisms::energy`]);
//! 4. base reviews: closures, counter-offers, reversals, renewals ([`crate::mechanisms::bases`]);
//! 5. the SCO summit, if one falls in the step, and accessions ([`crate::mechanisms::enlargement`]);
//! 6. every state re-scores its patrons and moves its alignment ([`crate::decision`]);
//! 7. patron partnership ([`crate::mechanisms::partnership`]); then the indices are recorded.
//!
//! All randomness comes from one ChaCha8 generator seeded from the run's seed; actors, bases,
//! loans and deals are visited in scenario order, so the same seed gives the same run.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::date::YearMonth;
use crate::decision::{self, MAX_PATRONS};
use crate::indices;
use crate::mechanisms::{bases, energy, enlargement, loans, partnership, shocks};
use crate::params::Params;
use crate::record::{LogEntry, Observer};
use crate::scenario::{EventKind, Role, Scenario};
use crate::world::World;

/// The random generator every rule draws from.
pub type Rng = ChaCha8Rng;

/// The generator for replicate `stream` of a run seeded with `seed`. Each stream is an
/// independent ChaCha sequence, so replicate `r` is the same whichever thread runs it.
pub fn rng_for(seed: u64, stream: u64) -> Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
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
        what: crate::record::What,
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

    /// Whether `month` (a date) falls in this step.
    pub fn in_step(&self, month: YearMonth) -> bool {
        month >= self.date && month < self.date.plus_months(self.sc.period.months())
    }
}

/// Per-run buffers, allocated once so that steps allocate nothing.
struct Scratch {
    /// Yearly money from each patron to each actor, `n x np`, refreshed in the alignment pass.
    money: Vec<f64>,
    /// Per-step trade growth multipliers, `n x np`.
    trade_factor: Vec<f64>,
    /// Per-step GDP growth multipliers.
    gdp_factor: Vec<f64>,
    /// Per-step decay and adjustment factors, computed once per run.
    factors: Factors,
}

/// Yearly rates and half-lives converted to one step (computed once per run, not per step).
struct Factors {
    threat: f64,
    pressure: f64,
    backlash: f64,
    goodwill: f64,
    debt_keep: f64,
    sco_pressure: f64,
    adjust_rate: f64,
    noise_sd: f64,
}

impl Factors {
    fn new(prm: &Params, dt: f64) -> Factors {
        let s = &prm.shocks;
        Factors {
            threat: Params::decay(s.threat_half_life_years, dt),
            pressure: Params::decay(s.regime_pressure_half_life_years, dt),
            backlash: Params::decay(s.backlash_half_life_years, dt),
            goodwill: Params::decay(prm.loans.transfer_half_life_years, dt),
            debt_keep: (1.0 - dt / prm.loans.term_years).max(0.0),
            sco_pressure: Params::decay(prm.bases.pressure_half_life_years, dt),
            adjust_rate: Params::per_step(prm.decision.adjustment_per_year, dt),
            noise_sd: prm.decision.noise_sd * dt.sqrt(),
        }
    }
}

/// Runs `sc` with `prm`, seed `seed` and replicate stream `stream`, reporting to `obs`. Returns
/// the final world.
pub fn run(sc: &Scenario, prm: &Params, seed: u64, stream: u64, obs: &mut dyn Observer) -> World {
    let mut w = sc.initial.clone();
    let mut rng = rng_for(seed, stream);
    run_in(sc, prm, &mut w, &mut rng, obs);
    w
}

/// Runs the scenario on a world the caller owns (reset it to `sc.initial` first); lets
/// benchmarks and sweeps reuse one allocation across runs.
pub fn run_in(sc: &Scenario, prm: &Params, w: &mut World, rng: &mut Rng, obs: &mut dyn Observer) {
    let dt = sc.period.years();
    let steps = sc.steps();
    let mut scratch = Scratch {
        money: vec![0.0; w.n * w.np],
        trade_factor: vec![1.0; w.n * w.np],
        gdp_factor: w.gdp_growth.iter().map(|g| (1.0 + g).powf(dt)).collect(),
        factors: Factors::new(prm, dt),
    };
    refresh_trade_factors(w, dt, &mut scratch.trade_factor);
    // States without a scripted starting alignment start where their scores point, under the
    // parameters and lens in force for this run.
    decision::start_from_scores(sc, w, prm, &sc.score_start);
    obs.observe(0, sc.start, w, &indices::compute(sc, w));

    let mut next_event = 0;
    for k in 0..steps {
        let date = sc.date_of(k);
        let step_end = sc.date_of(k + 1);
        let mut ctx = Ctx {
            sc,
            prm,
            rng,
            obs,
            date,
            dt,
        };

        // 1. Scripted events inside [date, step_end), then random shocks.
        let mut growth_changed = false;
        while next_event < sc.events.len() && sc.events[next_event].date < step_end {
            growth_changed |= matches!(sc.events[next_event].kind, EventKind::TradeGrowth { .. });
            shocks::apply_scripted(&mut ctx, w, next_event);
            next_event += 1;
        }
        shocks::random(&mut ctx, w);
        if growth_changed {
            refresh_trade_factors(w, dt, &mut scratch.trade_factor);
        }

        // 2. Growth and decay.
        grow_and_decay(w, &scratch);
        loans::amortise(&mut ctx, w);

        // 3-5. Energy, bases, SCO.
        energy::step(&mut ctx, w);
        bases::review(&mut ctx, w);
        enlargement::step(&mut ctx, w);

        // 6. Alignment.
        update_alignment(&mut ctx, w, &mut scratch.money, &scratch.factors);

        // 7. Partnership, then record.
        partnership::update(&mut ctx, w, &scratch.money);
        let idx = indices::compute(sc, w);
        ctx.obs.observe(k + 1, step_end, w, &idx);
    }
}

fn refresh_trade_factors(w: &World, dt: f64, out: &mut [f64]) {
    for (f, g) in out.iter_mut().zip(&w.trade_growth) {
        *f = (1.0 + g).powf(dt);
    }
}

fn grow_and_decay(w: &mut World, scratch: &Scratch) {
    let f = &scratch.factors;
    for (g, f) in w.gdp.iter_mut().zip(&scratch.gdp_factor) {
        *g *= f;
    }
    for t in &mut w.threat_extra {
        *t *= f.threat;
    }
    w.sco_pressure *= f.sco_pressure;
    for k in 0..w.n * w.np {
        w.trade[k] *= scratch.trade_factor[k];
        w.pressure[k] *= f.pressure;
        w.backlash[k] *= f.backlash;
        w.goodwill[k] *= f.goodwill;
        w.debt[k] *= f.debt_keep;
    }
}

/// Every state scores every patron and moves part of the way toward the softmax of the scores,
/// plus seeded noise; shares stay positive and sum to one. Also refreshes `money`.
fn update_alignment(ctx: &mut Ctx, w: &mut World, money: &mut [f64], f: &Factors) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    let np = w.np;
    let (rate, noise_sd) = (f.adjust_rate, f.noise_sd);
    let mut target = [0.0; MAX_PATRONS];
    for s in 0..w.n {
        for p in 0..np {
            money[s * np + p] = decision::money_bn(sc, w, prm, s, p);
        }
        if sc.actors[s].role == Role::Patron {
            continue;
        }
        decision::favoured(sc, w, prm, s, &money[s * np..(s + 1) * np], &mut target);
        let row = &mut w.alignment[s * np..(s + 1) * np];
        let mut sum = 0.0;
        for p in 0..np {
            let x = row[p] + rate * (target[p] - row[p]) + noise(ctx.rng, noise_sd);
            row[p] = x.max(1e-6);
            sum += row[p];
        }
        for x in row.iter_mut() {
            *x /= sum;
        }
    }
}

#[cfg(test)]
mod tests {
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
    fn noise_has_the_requested_spread() {
        let mut rng = rng_for(1, 0);
        let n = 20_000;
        let xs: Vec<f64> = (0..n).map(|_| noise(&mut rng, 0.5)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var.sqrt() - 0.5).abs() < 0.02, "sd {}", var.sqrt());
    }
}
