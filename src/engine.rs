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
use crate::decision::{self, Lens, MAX_PATRONS};
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

/// What the step loop looks up again and again and that never changes during a run: lists of
/// actors by role and region, the bases of each (state, patron) pair, per-slot facts. Built once
/// per run from the scenario ([`Lookups::new`]), so that a step neither searches the scenario's
/// lists nor re-tests attributes that cannot change; every list keeps scenario order, so sums
/// over it add the same numbers in the same order as a scan of the whole scenario would.
#[derive(Clone, Debug)]
pub struct Lookups {
    /// The non-patron actors, in actor order: the states that re-score their patrons each step.
    pub states: Vec<usize>,
    /// The states in the scenario's region: hit by random shocks, averaged by partnership drift.
    pub region_states: Vec<usize>,
    /// The states the leading-influence index averages over: those in the region, or every
    /// state when no actor is in the region.
    pub index_states: Vec<usize>,
    /// `pair_bases[pair_start[k]..pair_start[k + 1]]` are the bases that the patron in slot `p`
    /// has on actor `a`'s soil, `k = a * np + p`, in scenario order.
    pair_start: Vec<usize>,
    pair_bases: Vec<usize>,
    /// Whether any base stands on each actor's soil.
    pub hosts_bases: Vec<bool>,
    /// Each patron slot's respect for non-interference.
    pub non_interference: [f64; MAX_PATRONS],
    /// Whether each patron slot is a balancer.
    pub is_balancer: [bool; MAX_PATRONS],
    /// Each pair of balancers, in the order partnership drift visits them, with the deals whose
    /// flows erode it.
    pub balancer_pairs: Vec<BalancerPair>,
}

/// Two balancers (patron slots `a < b` in balancer order) and the regional gas deals that could
/// reach one of them by a route avoiding the other ([`energy::reaches_avoiding`]), in scenario
/// order. Which of those flow is decided at run time.
#[derive(Clone, Debug)]
pub struct BalancerPair {
    /// First balancer (patron slot).
    pub a: usize,
    /// Second balancer (patron slot).
    pub b: usize,
    /// Deals from the region to `a` avoiding `b`.
    pub to_a: Vec<usize>,
    /// Deals from the region to `b` avoiding `a`.
    pub to_b: Vec<usize>,
}

impl Lookups {
    /// The lookups of `sc`.
    pub fn new(sc: &Scenario) -> Lookups {
        let n = sc.actors.len();
        let np = sc.patrons.len();
        let is_state = |a: usize| sc.actors[a].role == Role::State;
        let states: Vec<usize> = (0..n).filter(|&a| is_state(a)).collect();
        let region_states: Vec<usize> = states
            .iter()
            .copied()
            .filter(|&a| sc.actors[a].in_region)
            .collect();
        let any_region = sc.actors.iter().any(|a| a.in_region);
        let index_states = if any_region {
            region_states.clone()
        } else {
            states.clone()
        };

        // Bases grouped by (host, user slot): a counting sort keeps scenario order in a group.
        let mut pair_start = vec![0; n * np + 1];
        let pair_of =
            |b: &crate::scenario::BaseInfo| sc.actors[b.user].slot.map(|p| b.host * np + p);
        for k in sc.bases.iter().filter_map(pair_of) {
            pair_start[k + 1] += 1;
        }
        for k in 0..n * np {
            pair_start[k + 1] += pair_start[k];
        }
        let mut fill = pair_start.clone();
        let mut pair_bases = vec![0; pair_start[n * np]];
        for (b, info) in sc.bases.iter().enumerate() {
            if let Some(k) = pair_of(info) {
                pair_bases[fill[k]] = b;
                fill[k] += 1;
            }
        }

        let mut hosts_bases = vec![false; n];
        for info in &sc.bases {
            hosts_bases[info.host] = true;
        }

        let mut non_interference = [0.0; MAX_PATRONS];
        let mut is_balancer = [false; MAX_PATRONS];
        for (p, &a) in sc.patrons.iter().enumerate().take(MAX_PATRONS) {
            non_interference[p] = sc.actors[a].non_interference;
            is_balancer[p] = sc.balancers.contains(&p);
        }
        let deals_to = |to: usize, avoiding: usize| -> Vec<usize> {
            (0..sc.deals.len())
                .filter(|&d| energy::reaches_avoiding(sc, d, to, avoiding))
                .collect()
        };
        let b = &sc.balancers;
        let mut balancer_pairs = Vec::new();
        for i in 0..b.len() {
            for j in i + 1..b.len() {
                balancer_pairs.push(BalancerPair {
                    a: b[i],
                    b: b[j],
                    to_a: deals_to(b[i], sc.patrons[b[j]]),
                    to_b: deals_to(b[j], sc.patrons[b[i]]),
                });
            }
        }
        Lookups {
            states,
            region_states,
            index_states,
            pair_start,
            pair_bases,
            hosts_bases,
            non_interference,
            is_balancer,
            balancer_pairs,
        }
    }

    /// The bases that patron slot `p` has on actor `a`'s soil, for pair index `k = a * np + p`,
    /// in scenario order (open or not).
    #[inline]
    pub fn bases_of(&self, k: usize) -> &[usize] {
        &self.pair_bases[self.pair_start[k]..self.pair_start[k + 1]]
    }
}

/// Per-run buffers, allocated once so that steps allocate nothing.
struct Scratch {
    /// Yearly money from each patron to each state, `n x np` (rows of patrons unused),
    /// refreshed in the alignment pass.
    money: Vec<f64>,
    /// The SCO's member states in actor order, refreshed for the cohesion index.
    members: Vec<usize>,
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
    let lk = Lookups::new(sc);
    let mut scratch = Scratch {
        money: vec![0.0; w.n * w.np],
        members: Vec::with_capacity(w.n),
        trade_factor: vec![1.0; w.n * w.np],
        gdp_factor: w.gdp_growth.iter().map(|g| (1.0 + g).powf(dt)).collect(),
        factors: Factors::new(prm, dt),
    };
    refresh_trade_factors(w, dt, &mut scratch.trade_factor);
    // States without a scripted starting alignment start where their scores point, under the
    // parameters and lens in force for this run.
    decision::start_from_scores(sc, w, prm, &sc.score_start);
    let idx = indices::compute_with(sc, &lk, w, &mut scratch.members);
    obs.observe(0, sc.start, w, &idx);

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
        shocks::random(&mut ctx, w, &lk.region_states);
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
        update_alignment(&mut ctx, w, &lk, &mut scratch.money, &scratch.factors);

        // 7. Partnership, then record.
        partnership::update(&mut ctx, w, &lk, &scratch.money);
        let idx = indices::compute_with(sc, &lk, w, &mut scratch.members);
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
    // One pass per quantity: each is a plain loop over one vector that the compiler vectorises.
    for (t, f) in w.trade.iter_mut().zip(&scratch.trade_factor) {
        *t *= f;
    }
    let scale = |v: &mut [f64], f: f64| v.iter_mut().for_each(|x| *x *= f);
    scale(&mut w.pressure, f.pressure);
    scale(&mut w.backlash, f.backlash);
    scale(&mut w.goodwill, f.goodwill);
    scale(&mut w.debt, f.debt_keep);
}

/// Every state scores every patron and moves part of the way toward the softmax of the scores,
/// plus seeded noise; shares stay positive and sum to one. Also refreshes `money`.
fn update_alignment(ctx: &mut Ctx, w: &mut World, lk: &Lookups, money: &mut [f64], f: &Factors) {
    // The common numbers of patrons get their own copy of the loop, with the row length known
    // at compile time; the arithmetic is the same for every copy.
    match w.np {
        2 => align_states::<2>(ctx, w, lk, money, f),
        3 => align_states::<3>(ctx, w, lk, money, f),
        4 => align_states::<4>(ctx, w, lk, money, f),
        _ => align_states::<0>(ctx, w, lk, money, f),
    }
}

/// [`update_alignment`] with `NP` patrons (0: any number, read from the world).
fn align_states<const NP: usize>(
    ctx: &mut Ctx,
    w: &mut World,
    lk: &Lookups,
    money: &mut [f64],
    f: &Factors,
) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    let np = if NP == 0 { w.np } else { NP };
    assert!(np == w.np && np <= MAX_PATRONS);
    let (rate, noise_sd) = (f.adjust_rate, f.noise_sd);
    let mut target = [0.0; MAX_PATRONS];
    // Nothing in this pass changes the partnership: one mean for every state.
    let partnership = decision::balancer_partnership(sc, w);
    for &s in &lk.states {
        let row = decision::row_mut(money, s, np);
        decision::money_row(w, prm, lk, s, row);
        let lens = sc.lens_of(s);
        if lens == Lens::SoftBalancing {
            // The same call as below with the lens a constant: the compiler resolves the rule at
            // compile time for the common lens.
            let soft = Lens::SoftBalancing;
            decision::favoured_with(soft, sc, lk, w, prm, s, row, partnership, &mut target);
        } else {
            decision::favoured_with(lens, sc, lk, w, prm, s, row, partnership, &mut target);
        }
        let row = decision::row_mut(&mut w.alignment, s, np);
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
    fn lookups_list_each_pairs_bases_and_the_states_in_scenario_order() {
        let sc = crate::synthetic::scenario(30, 2, 8);
        let lk = Lookups::new(&sc);
        let np = sc.patrons.len();
        for a in 0..sc.actors.len() {
            for p in 0..np {
                let want: Vec<usize> = (0..sc.bases.len())
                    .filter(|&b| sc.bases[b].host == a && sc.bases[b].user == sc.patrons[p])
                    .collect();
                assert_eq!(lk.bases_of(a * np + p), &want[..], "actor {a}, patron {p}");
            }
            assert_eq!(lk.hosts_bases[a], sc.bases.iter().any(|b| b.host == a));
        }
        let states: Vec<usize> = sc.states().collect();
        assert_eq!(lk.states, states);
        let region: Vec<usize> = states
            .iter()
            .copied()
            .filter(|&a| sc.actors[a].in_region)
            .collect();
        assert_eq!(lk.region_states, region);
        assert_eq!(lk.index_states, region);
        assert_eq!(lk.balancer_pairs.len(), 1);
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
