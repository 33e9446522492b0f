//! SCO enlargement: applications, the consensus rule and package bargaining at summits.
//!
//! At each yearly summit (the step holding `enlargement.summit_month`) the members consider every
//! package of current applicants up to `enlargement.max_package` candidates. Member `m` values
//! package `K` at
//!
//! `V_m(K) = bloc_weight * (1 - a_m[leading]) * ln((P_sco + P_K) / P_sco)
//!         + affinity_weight * sum over c in K of aff(m, c)`
//!
//! where `P` is power (the geometric mean of GDP and military spending, the latter growing with
//! GDP from its initial share), `a_m` is the member's
//! alignment (one-hot for a patron), and `aff(m, c) = np * (a_m . a_c) - 1 + relation(m, c)`:
//! how alike the two align (0 for a neutral pair) plus the standing affinity the scenario gives
//! (`[[relations]]`: e.g. the Russia–India partnership, the China–India rivalry). The first term
//! is soft balancing: a bigger bloc counts for more against the leading power. The second is the
//! consensus organisation's logic: every member gets a veto, so a friendly seat is worth having
//! and a rival's seat is a cost. A package passes when every member values it at
//! `veto_threshold` or more; of the passing packages the one with the largest total value is
//! approved, and its candidates become members `accession_lag_months` later. Case: Russia wanted
//! India to balance China, China would not accept India without Pakistan, Russia would not accept
//! Pakistan alone: only the joint package passed (Ufa 2015, members in 2017).

use crate::engine::context::Ctx;
use crate::engine::decision::power;
use crate::engine::record::What;
use crate::scenario::Scenario;
use crate::scenario::world::{ScoStatus, World};

/// Most applicants considered at one summit (packages are bit masks): the first in scenario
/// order. Any other applicant waits for a later summit, and the summit logs that it was not
/// considered (`What::NotConsidered`; `simulate` warns), never silently.
pub const MAX_APPLICANTS: usize = 16;

/// How many states can be SCO applicants at once in a run of `sc`, at most: those that start as
/// applicants and those a scripted application names. More than [`MAX_APPLICANTS`] means some
/// may wait for a later summit; a command that writes no event log can warn of it up front.
pub fn possible_applicants(sc: &Scenario) -> usize {
    let mut can = vec![false; sc.actors.len()];
    for (a, status) in sc.initial.sco.iter().enumerate() {
        can[a] |= *status == ScoStatus::Applicant;
    }
    for e in &sc.events {
        if let crate::scenario::EventKind::Application { actor } = e.kind {
            can[actor] |= sc.initial.sco[actor] < ScoStatus::Applicant;
        }
    }
    can.iter().filter(|&&c| c).count()
}

/// Affinity of member `m` to candidate `c` (the landscape's propensity too).
pub use crate::engine::decision::landscape::affinity;

/// Member `m`'s value of admitting the candidates in `package` (actor indices).
pub fn package_value(
    sc: &Scenario,
    w: &World,
    prm: &crate::params::Params,
    m: usize,
    package: &[usize],
) -> f64 {
    package_value_given(sc, w, prm, m, package, sco_power(sc, w))
}

/// Combined power of the SCO's members.
pub fn sco_power(sc: &Scenario, w: &World) -> f64 {
    (0..w.n)
        .filter(|&i| w.sco[i] == ScoStatus::Member)
        .map(|i| power(sc, w, i))
        .sum()
}

/// [`package_value`] given the members' combined power `p_sco` ([`sco_power`]), which a summit
/// computes once for every member and package.
fn package_value_given(
    sc: &Scenario,
    w: &World,
    prm: &crate::params::Params,
    m: usize,
    package: &[usize],
    p_sco: f64,
) -> f64 {
    let p_k: f64 = package.iter().map(|&c| power(sc, w, c)).sum();
    value_with(sc, w, prm, m, package, p_sco, p_k)
}

/// [`package_value_given`] given also the candidates' combined power `p_k`, summed in package
/// order (the same for every member).
fn value_with(
    sc: &Scenario,
    w: &World,
    prm: &crate::params::Params,
    m: usize,
    package: &[usize],
    p_sco: f64,
    p_k: f64,
) -> f64 {
    let e = &prm.enlargement;
    let bloc = if p_sco > 0.0 {
        libm::log((p_sco + p_k) / p_sco)
    } else {
        0.0
    };
    let distance = 1.0 - w.alignment[m * w.np + sc.leading];
    let seats: f64 = package.iter().map(|&c| affinity(sc, w, m, c)).sum();
    e.bloc_weight * distance * bloc + e.affinity_weight * seats
}

/// Holds the summit if one falls in this step, then completes due accessions.
pub fn step(ctx: &mut Ctx, w: &mut World) {
    let sc = ctx.sc;
    let month = ctx.prm.enlargement.summit_month.round() as u32;
    let summit = (0..sc.period.months())
        .map(|k| ctx.date.plus_months(k))
        .find(|d| d.month() == month);
    if let Some(date) = summit {
        bargain(ctx, w, date);
    }
    for a in 0..w.n {
        if w.sco[a] == ScoStatus::Acceding
            && let Some(when) = w.accession_date[a]
            && (ctx.in_step(when) || when < ctx.date)
        {
            w.sco[a] = ScoStatus::Member;
            w.accession_date[a] = None;
            ctx.log(when.max(ctx.date), a, What::Accession, 0.0, 0.0, 0.0);
        }
    }
}

/// One summit: find the best package that passes every veto.
fn bargain(ctx: &mut Ctx, w: &mut World, date: crate::date::YearMonth) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    let mut applicants = [0usize; MAX_APPLICANTS];
    let mut na = 0;
    for a in 0..w.n {
        if w.sco[a] != ScoStatus::Applicant {
            continue;
        }
        // The SCO's 2010 rules on admitting new members exclude states under UN Security
        // Council sanctions (Iran until 2016): such an applicant waits.
        if w.un_sanctioned[a] {
            ctx.log(date, a, What::NotEligible, 0.0, 0.0, 0.0);
            continue;
        }
        if na < MAX_APPLICANTS {
            applicants[na] = a;
            na += 1;
        } else {
            ctx.log(
                date,
                a,
                What::NotConsidered,
                0.0,
                0.0,
                MAX_APPLICANTS as f64,
            );
        }
    }
    if na == 0 {
        return;
    }
    // Membership does not change during the bargaining.
    let p_sco = sco_power(sc, w);
    let max_size = prm.enlargement.max_package.round() as u32;
    let threshold = prm.enlargement.veto_threshold;
    let mut package = [0usize; MAX_APPLICANTS];
    let mut powers = [0.0; MAX_APPLICANTS];
    for (p, &a) in powers.iter_mut().zip(&applicants[..na]) {
        *p = power(sc, w, a);
    }
    let mut best: Option<(u32, f64, f64, u32)> = None; // (mask, total, lowest, size)
    // Packages in increasing mask order, skipping those of more than `max_size` candidates: a
    // mask with too many bits jumps to the next one with its lowest set bit carried away.
    let mut last_vetoer: Option<usize> = None;
    let end = 1u32 << na;
    let mut mask = 1u32;
    while mask < end {
        let size = mask.count_ones();
        if size > max_size {
            mask += mask & mask.wrapping_neg();
            continue;
        }
        let current = mask;
        mask += 1;
        let mask = current;
        let mut len = 0;
        for (i, &a) in applicants[..na].iter().enumerate() {
            if mask & (1 << i) != 0 {
                package[len] = a;
                len += 1;
            }
        }
        // The candidates' combined power, summed in package order as for each member before.
        let mut p_k = 0.0;
        for (i, &p) in powers[..na].iter().enumerate() {
            if mask & (1 << i) != 0 {
                p_k += p;
            }
        }
        // A package of several candidates that one member vetoes is out, whatever the others
        // think: only a single candidate's veto is logged (with the lowest value). The member
        // who vetoed the last package is asked first, as it often vetoes the next one too.
        if size > 1
            && let Some(m) = last_vetoer
            && value_with(sc, w, prm, m, &package[..len], p_sco, p_k) < threshold
        {
            continue;
        }
        let mut total = 0.0;
        let mut lowest = f64::INFINITY;
        let mut vetoer = None;
        for m in 0..w.n {
            if w.sco[m] != ScoStatus::Member {
                continue;
            }
            let v = value_with(sc, w, prm, m, &package[..len], p_sco, p_k);
            total += v;
            if v < lowest {
                lowest = v;
                if v < threshold {
                    vetoer = Some(m);
                    if size > 1 {
                        break;
                    }
                }
            }
        }
        if vetoer.is_some() {
            last_vetoer = vetoer;
        }
        if size == 1
            && let Some(m) = vetoer
        {
            ctx.log(
                date,
                m,
                What::CandidateVetoed(package[0]),
                lowest,
                threshold,
                0.0,
            );
        }
        if vetoer.is_none() {
            let better = match best {
                None => true,
                Some((_, t, _, s)) => total > t + 1e-12 || ((total - t).abs() <= 1e-12 && size > s),
            };
            if better {
                best = Some((mask, total, lowest, size));
            }
        }
    }
    if let Some((mask, _, lowest, size)) = best {
        let lag = prm.enlargement.accession_lag_months.round() as i32;
        for (i, &a) in applicants[..na].iter().enumerate() {
            if mask & (1 << i) != 0 {
                w.sco[a] = ScoStatus::Acceding;
                w.accession_date[a] = Some(date.plus_months(lag));
                ctx.log(date, a, What::Admitted, lowest, threshold, size as f64);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mechanisms::testkit;

    fn admitted(log: &[crate::engine::record::LogEntry]) -> Vec<usize> {
        log.iter()
            .filter(|e| e.what == What::Admitted)
            .map(|e| e.actor)
            .collect()
    }

    #[test]
    fn india_alone_fails_consensus_india_with_pakistan_passes() {
        let kit = testkit::sco_world(&["IND"]);
        let (ind, chn) = (
            kit.sc.actor_index("IND").unwrap(),
            kit.sc.actor_index("CHN").unwrap(),
        );
        let v = package_value(&kit.sc, &kit.world, &kit.sc.params, chn, &[ind]);
        assert!(v < 0.0, "China values India alone at {v}");
        let mut kit = testkit::sco_world(&["IND"]);
        assert!(admitted(&kit.run_months(12).log).is_empty());

        let mut kit = testkit::sco_world(&["IND", "PAK"]);
        let rec = kit.run_months(12);
        let (ind, pak) = (
            kit.sc.actor_index("IND").unwrap(),
            kit.sc.actor_index("PAK").unwrap(),
        );
        assert_eq!(
            admitted(&rec.log),
            vec![ind.min(pak), ind.max(pak)],
            "{:?}",
            rec.log
        );
        assert_eq!(kit.world.sco[ind], ScoStatus::Acceding);
    }

    /// Regression: a summit used to drop applicants past the sixteenth without a trace.
    #[test]
    fn applicants_beyond_the_bound_are_logged_not_ignored() {
        let mut kit = testkit::Kit::new(&crate::scenario::synthetic::toml_text(100, 2, 3));
        let states: Vec<usize> = kit
            .sc
            .states()
            .filter(|&i| kit.sc.initial.sco[i] != ScoStatus::Member)
            .collect();
        assert!(states.len() > MAX_APPLICANTS + 2, "{} states", states.len());
        for &i in &states {
            kit.sc.initial.sco[i] = ScoStatus::Applicant;
            kit.sc.initial.un_sanctioned[i] = false;
        }
        let rec = kit.run_months(12);
        let first = rec
            .log
            .iter()
            .find(|e| e.what == What::NotConsidered)
            .expect("a summit with more applicants than it considers logs the others")
            .date;
        let waited: Vec<usize> = rec
            .log
            .iter()
            .filter(|e| e.what == What::NotConsidered && e.date == first)
            .map(|e| e.actor)
            .collect();
        assert_eq!(waited, states[MAX_APPLICANTS..]);
    }

    #[test]
    fn pakistan_alone_is_vetoed_by_russia() {
        let mut kit = testkit::sco_world(&["PAK"]);
        let rec = kit.run_months(12);
        assert!(admitted(&rec.log).is_empty());
        let rus = kit.sc.actor_index("RUS").unwrap();
        assert!(
            rec.log
                .iter()
                .any(|e| matches!(e.what, What::CandidateVetoed(_)) && e.actor == rus),
            "{:?}",
            rec.log
        );
    }

    #[test]
    fn accession_takes_effect_after_the_lag() {
        let mut kit = testkit::sco_world(&["IND", "PAK"]);
        let rec = kit.run_months(36);
        let ind = kit.sc.actor_index("IND").unwrap();
        let joined = rec
            .log
            .iter()
            .find(|e| e.what == What::Accession && e.actor == ind)
            .expect("joined");
        assert_eq!(joined.date.to_string(), "2017-07");
        assert_eq!(kit.world.sco[ind], ScoStatus::Member);
    }
}
