//! The engine: the step loop and everything a step uses.
//!
//! Inside the engine, imports point down this list and never back up to the step loop
//! (`mod.rs`): [`context`] (the seeded generator and what a rule gets during a step),
//! [`lookups`] and [`record`] at the bottom; then [`decision`] (the states' choice rule and the
//! theory lenses) and [`indices`]; then [`mechanisms`], one module per rule, which may use
//! `decision`; the step loop on top (with `alignment`, its sixth step) calls them all in a
//! fixed order.
//!
//! A run is a pure function of (scenario, parameters, seed): [`run`] clones the scenario's
//! initial world, then for each step, in this fixed order:
//!
//! 1. scripted events dated inside the step, then random shocks (`engine::mechanisms::shocks`),
//!    then the offers of strategic patrons (`engine::mechanisms::strategy`);
//! 2. growth and decay: GDP and trade grow, debt amortises (each loan over its own term),
//!    goodwill, pressure, threat, backlash, coercion, menace, secondary sanctions and the
//!    balancers' joint actions fade, and
//!    security ties age toward their alliance floor and grow with each patron's stake;
//! 3. energy talks and flows (`engine::mechanisms::energy`), then infrastructure projects that
//!    are completed start earning (`engine::mechanisms::projects`);
//! 4. base reviews: closures, counter-offers, reversals, renewals (`engine::mechanisms::bases`);
//! 5. the SCO summit, if one falls in the step, and accessions (`engine::mechanisms::enlargement`);
//! 6. every state re-scores its patrons and moves its alignment (`engine::alignment`, by the
//!    rule in `engine::decision`);
//! 7. patron partnership (`engine::mechanisms::partnership`); then the indices are recorded.
//!
//! All randomness comes from one ChaCha8 generator seeded from the run's seed; actors, bases,
//! loans and deals are visited in scenario order, so the same seed gives the same run.

mod alignment;
pub mod context;
pub mod decision;
pub mod indices;
pub mod lookups;
pub mod mechanisms;
pub mod record;

use context::{Ctx, Rng, STRATEGY_STREAM, rng_for, side_stream};
use lookups::Lookups;
use mechanisms::{bases, energy, enlargement, loans, partnership, projects, shocks, strategy};
use record::{Indices, Observer};

use crate::params::Params;
use crate::scenario::world::{PartnershipDrift, World};
use crate::scenario::{EventKind, Lens, Scenario};

/// Per-run buffers, allocated once so that steps allocate nothing.
struct Scratch {
    /// Yearly money from each patron to each state, `n x np` (rows of patrons unused),
    /// refreshed in the alignment pass.
    money: Vec<f64>,
    /// The SCO's member states in actor order, refreshed for the cohesion index.
    members: Vec<usize>,
    /// Them again and, per patron, ordered by their share, for the cohesion index of a large
    /// SCO (`indices::compute_with`).
    order: Vec<usize>,
    /// Per-step trade growth multipliers, `n x np`.
    trade_factor: Vec<f64>,
    /// The trade growth rates `trade_factor` was computed from (NaN: not yet).
    trade_growth_seen: Vec<f64>,
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
    /// Debt kept per step at the default term (named loans are corrected to their own term).
    debt_keep: f64,
    coercion: f64,
    security: f64,
    menace: f64,
    sco_pressure: f64,
    /// Memory kept per step of the balancers' joint actions (soft-balancing lens).
    concert: f64,
    adjust_rate: f64,
    noise_sd: f64,
    /// Memory kept per step of the patrons' past changes in behaviour (hedging lens).
    volatility: f64,
    /// The step's length in years.
    dt: f64,
}

impl Factors {
    /// What the alignment pass needs.
    fn pace(&self) -> alignment::Pace {
        alignment::Pace {
            rate: self.adjust_rate,
            noise_sd: self.noise_sd,
            volatility: self.volatility,
            dt: self.dt,
        }
    }

    fn new(prm: &Params, dt: f64) -> Factors {
        let s = &prm.shocks;
        Factors {
            threat: Params::decay(s.threat_half_life_years, dt),
            pressure: Params::decay(s.regime_pressure_half_life_years, dt),
            backlash: Params::decay(s.backlash_half_life_years, dt),
            goodwill: Params::decay(prm.loans.transfer_half_life_years, dt),
            debt_keep: (1.0 - dt / prm.loans.term_years).max(0.0),
            coercion: Params::decay(prm.partnership.coercion_half_life_years, dt),
            security: Params::decay(prm.partnership.security_half_life_years, dt),
            menace: Params::decay(prm.shocks.menace_half_life_years, dt),
            sco_pressure: Params::decay(prm.bases.pressure_half_life_years, dt),
            concert: Params::decay(prm.lenses.concert_half_life_years, dt),
            adjust_rate: Params::per_step(prm.decision.adjustment_per_year, dt),
            noise_sd: prm.decision.noise_sd * dt.sqrt(),
            volatility: Params::decay(prm.lenses.volatility_half_life_years, dt),
            dt,
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
        order: Vec::with_capacity(w.n * (w.np + 1)),
        trade_factor: vec![1.0; w.n * w.np],
        trade_growth_seen: vec![f64::NAN; w.n * w.np],
        gdp_factor: Vec::with_capacity(w.n),
        factors: Factors::new(prm, dt),
    };
    let mut powers = Powers::new(dt);
    scratch
        .gdp_factor
        .extend(w.gdp_growth.iter().map(|&g| powers.of(g)));
    refresh_trade_factors(
        w,
        &mut powers,
        &mut scratch.trade_factor,
        &mut scratch.trade_growth_seen,
    );
    // One drift record per pair of balancers, none yet (reuses the caller's allocation).
    w.partnership_drift.clear();
    w.partnership_drift
        .extend(lk.balancer_pairs.iter().map(|pair| PartnershipDrift {
            a: pair.a,
            b: pair.b,
            ..PartnershipDrift::default()
        }));
    // States without a scripted starting alignment start where their scores point, under the
    // parameters and lens in force for this run.
    decision::start_from_scores(sc, w, prm, &sc.score_start);
    let idx = if obs.wants_indices(0, steps == 0) {
        indices::compute_with(sc, &lk, w, &mut scratch.members, &mut scratch.order)
    } else {
        Indices::default()
    };
    obs.observe(0, sc.start, w, &idx);

    // Strategic patrons value their options with noise from a stream of their own.
    let mut strategy_rng = side_stream(rng, STRATEGY_STREAM);
    let strategic = sc.actors.iter().any(|a| a.strategy.is_some());
    let all_soft = lk
        .states
        .iter()
        .all(|&s| sc.lens_of(s) == Lens::SoftBalancing);
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
        if strategic {
            strategy::step(&mut ctx, w, &lk, &mut strategy_rng);
        }
        if growth_changed {
            refresh_trade_factors(
                w,
                &mut powers,
                &mut scratch.trade_factor,
                &mut scratch.trade_growth_seen,
            );
        }

        // 2. Growth and decay.
        grow_and_decay(w, &scratch);
        age_security(
            sc,
            prm,
            w,
            &lk,
            &scratch.money,
            scratch.factors.security,
            dt,
        );
        loans::amortise(&mut ctx, w);

        // 3-5. Energy, bases, SCO.
        energy::step(&mut ctx, w);
        projects::complete(&mut ctx, w);
        bases::review(&mut ctx, w);
        enlargement::step(&mut ctx, w);

        // 6. Alignment.
        alignment::update_alignment(
            &mut ctx,
            w,
            &lk,
            &mut scratch.money,
            &scratch.factors.pace(),
            all_soft,
        );

        // 7. Partnership, then record.
        partnership::update(&mut ctx, w, &lk, &scratch.money);
        let idx = if ctx.obs.wants_indices(k + 1, k + 1 == steps) {
            indices::compute_with(sc, &lk, w, &mut scratch.members, &mut scratch.order)
        } else {
            Indices::default()
        };
        ctx.obs.observe(k + 1, step_end, w, &idx);
    }
}

/// Growth multipliers per step, (1 + g)^dt for yearly rates g, remembering the last rates
/// computed: a scenario has a handful of distinct rates, and `pow` (a few hundred instructions)
/// for every actor and pair was a thirtieth of a run of ufa2015. The same call gives the same
/// bits, so remembering changes no result.
struct Powers {
    dt: f64,
    /// (rate's bits, multiplier) of the last 16 rates computed; the `computed % 16`-th is the
    /// next to be forgotten.
    known: [(u64, f64); 16],
    /// Rates computed so far.
    computed: usize,
}

impl Powers {
    fn new(dt: f64) -> Powers {
        Powers {
            dt,
            known: [(0, 0.0); 16],
            computed: 0,
        }
    }

    /// (1 + g)^dt.
    fn of(&mut self, g: f64) -> f64 {
        let bits = g.to_bits();
        let held = self.computed.min(self.known.len());
        if let Some(&(_, f)) = self.known[..held].iter().find(|(b, _)| *b == bits) {
            return f;
        }
        let f = libm::pow(1.0 + g, self.dt);
        self.known[self.computed % self.known.len()] = (bits, f);
        self.computed += 1;
        f
    }
}

/// Recomputes the trade growth multipliers whose rate changed since they were computed (a
/// scripted change of trade growth sets one pair's rate; `pow` for every pair of a large world
/// at each such event was a sixth of a 193-state run).
fn refresh_trade_factors(w: &World, powers: &mut Powers, out: &mut [f64], seen: &mut [f64]) {
    for ((f, s), &g) in out.iter_mut().zip(seen.iter_mut()).zip(&w.trade_growth) {
        if g.to_bits() != s.to_bits() {
            *f = powers.of(g);
            *s = g;
        }
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
    scale(&mut w.coercion, f.coercion);
    // Secondary sanctions last as long as the coercion they come with.
    scale(&mut w.money_discount, f.coercion);
    scale(&mut w.menace, f.menace);
    scale(&mut w.concert, f.concert);
}

/// Security ties age: each relaxes toward its floor by the factor `keep` per step, and grows
/// with the patron's economic stake in the state. The floor is `partnership.alliance_security`
/// for a CSTO member state's tie with a CSTO patron (the alliance renews it: treaty guarantees,
/// bases, arms at domestic prices) and 0 otherwise, so a tie that nothing renews fades; the
/// growth is `partnership.stake_security_per_year` times the patron's share of the state's
/// external money (`money`, from the previous step's alignment pass: security follows a large
/// stake). Only the region's states.
fn age_security(
    sc: &Scenario,
    prm: &Params,
    w: &mut World,
    lk: &Lookups,
    money: &[f64],
    keep: f64,
    dt: f64,
) {
    let np = w.np;
    let alliance = prm.partnership.alliance_security;
    let stake = prm.partnership.stake_security_per_year * dt;
    for &s in &lk.region_states {
        let row = decision::row(money, s, np);
        let total: f64 = row.iter().sum();
        for (p, &m) in row.iter().enumerate() {
            let floor = if w.csto[s] && w.csto[sc.patrons[p]] {
                alliance
            } else {
                0.0
            };
            let share = if total > 0.0 { m / total } else { 0.0 };
            let k = s * np + p;
            w.security[k] = (floor + (w.security[k] - floor) * keep + stake * share).min(1.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::context::{Ctx, rng_for};
    use super::record::Discard;
    use super::{Factors, Lookups, Powers, alignment, run};
    use crate::scenario::world::World;
    use crate::scenario::{Lens, Scenario};

    /// The shipped scenarios, every state under the soft-balancing lens.
    fn soft_scenarios() -> Vec<Scenario> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| {
                let mut sc = Scenario::load(p).unwrap_or_else(|e| panic!("{e}"));
                sc.set_lens(Lens::SoftBalancing);
                sc
            })
            .collect()
    }

    /// One alignment pass on `w` by each copy, from the same generator: the same bits.
    fn same_pass<const NP: usize>(sc: &Scenario, w: &World, stream: u64) {
        let lk = Lookups::new(sc);
        let f = Factors::new(&sc.params, sc.period.years()).pace();
        let mut out = Vec::new();
        for soft in [false, true] {
            let mut w = w.clone();
            let mut money = vec![0.0; w.n * w.np];
            let mut rng = rng_for(sc.seed, stream);
            let mut obs = Discard;
            let mut ctx = Ctx {
                sc,
                prm: &sc.params,
                rng: &mut rng,
                obs: &mut obs,
                date: sc.start,
                dt: sc.period.years(),
            };
            if soft {
                alignment::align_soft::<NP>(&mut ctx, &mut w, &lk, &mut money, &f);
            } else {
                alignment::align_states::<NP>(&mut ctx, &mut w, &lk, &mut money, &f);
            }
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            out.push((bits(&w.alignment), bits(&money), rng.get_word_pos()));
        }
        assert_eq!(out[0], out[1], "{}", sc.name);
    }

    #[test]
    fn the_soft_balancing_pass_is_the_general_pass_bit_for_bit() {
        let mut checked = 0;
        for sc in soft_scenarios() {
            // The scenario's first world and its world at the end of two runs.
            let mut worlds = vec![sc.initial.clone()];
            for stream in 0..2 {
                worlds.push(run(&sc, &sc.params, sc.seed, stream, &mut Discard));
            }
            for (k, w) in worlds.iter().enumerate() {
                match w.np {
                    2 => same_pass::<2>(&sc, w, k as u64),
                    3 => same_pass::<3>(&sc, w, k as u64),
                    4 => same_pass::<4>(&sc, w, k as u64),
                    _ => continue,
                }
                checked += 1;
            }
        }
        assert!(checked >= 9, "{checked} worlds checked");
    }

    #[test]
    fn remembered_growth_multipliers_are_those_of_pow() {
        let mut powers = Powers::new(0.25);
        // More distinct rates than it remembers, each asked twice, some after being forgotten.
        let rates: Vec<f64> = (0..40).map(|i| -0.05 + 0.004 * f64::from(i)).collect();
        for round in 0..2 {
            for &g in rates.iter().chain(&rates[..5]) {
                let want = libm::pow(1.0 + g, 0.25);
                assert_eq!(
                    powers.of(g).to_bits(),
                    want.to_bits(),
                    "rate {g}, round {round}"
                );
            }
        }
        assert_eq!(powers.of(0.0), 1.0);
    }
}
