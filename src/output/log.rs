//! The decision log in words: each log entry as a category and a sentence ([`describe`]), the
//! scripted events told in words, and which entries are decisions ([`is_decision`]).

use crate::engine::record::{LogEntry, What};
use crate::output::text::fixed;
use crate::scenario::{Condition, EventKind, Scenario};

/// A short category and a sentence for a log entry, e.g. ("base", "KGZ orders Manas closed:
/// evict 0.25 > keep 0.05").
pub fn describe(sc: &Scenario, e: &LogEntry) -> (&'static str, String) {
    let actor = |i: usize| sc.actors[i].id.as_str();
    let base = |b: usize| sc.bases[b].name.as_str();
    let loan = |l: usize| sc.loans[l].id.as_str();
    let patron = |p: usize| sc.patron_id(p);
    let a = actor(e.actor);
    // The two scores a reason compares, with decimals enough to tell them apart.
    let pair = |d: usize| apart(e.score_for, e.score_against, d);
    match e.what {
        What::Scripted(i) => ("event", describe_event(sc, i, e.value)),
        What::RandomTerror => (
            "shock",
            format!("random terror attack in {a} (threat +{:.2})", e.value),
        ),
        What::RandomRegimeChange => (
            "shock",
            format!("random regime change in {a}: a new leader with new leanings"),
        ),
        What::RandomBacklash(p) => (
            "shock",
            format!("nationalist backlash in {a} against {}", patron(p)),
        ),
        What::ClosureOrdered(b) => ("base", {
            let (x, y) = pair(3);
            format!("{a} orders {} closed: evict {x} > keep {y}", base(b))
        }),
        What::NonRenewal(b) => ("base", {
            let (x, y) = pair(3);
            format!(
                "{a} will not renew the lease of {}: evict {x} > keep {y}",
                base(b)
            )
        }),
        What::ClosureReversed(b) => ("base", {
            let (x, y) = pair(3);
            format!(
                "{a} reverses its order to close {}: keep {x} > evict {y}",
                base(b)
            )
        }),
        What::NonRenewalWithdrawn(b) => ("base", {
            let (x, y) = pair(3);
            format!(
                "{a} withdraws its notice not to renew the lease of {}: keep {x} > evict {y}",
                base(b)
            )
        }),
        What::LeaseRenewed(b) => ("base", {
            let (x, y) = pair(3);
            format!("{a} renews the lease of {}: keep {x} >= evict {y}", base(b))
        }),
        What::CounterOffer(b) => (
            "base",
            format!(
                "{a} raises its offer for {} to ${:.1}m a year (rent plus tied aid)",
                base(b),
                e.value
            ),
        ),
        // Within the base's worth, what stops a strategic user is its rent budget.
        What::NoCounterOffer(b) if e.value <= sc.bases[b].worth_musd => (
            "base",
            format!(
                "{a} will not match: keeping {} would take ${:.1}m a year, within its worth ${:.1}m but more than its rent budget has left this year",
                base(b),
                e.value,
                sc.bases[b].worth_musd
            ),
        ),
        What::NoCounterOffer(b) => (
            "base",
            format!(
                "{a} will not match: keeping {} would take ${:.1}m a year, more than its worth ${:.1}m",
                base(b),
                e.value,
                sc.bases[b].worth_musd
            ),
        ),
        What::NoRentCanHelp(b) => (
            "base",
            format!(
                "{a} makes no counter-offer for {}: money is worth nothing to {} \
                 (decision.money_weight = 0), so no rent outweighs evicting",
                base(b),
                actor(sc.bases[b].host)
            ),
        ),
        What::BaseOpened(b) => ("base", {
            let (x, y) = pair(3);
            format!(
                "{a} lets {} open {}: keep {x} > evict {y}",
                actor(sc.bases[b].user),
                base(b)
            )
        }),
        What::BaseRefused(b) => ("base", {
            let (x, y) = pair(3);
            format!(
                "{a} turns down {}'s request for {}: evict {x} >= keep {y}",
                actor(sc.bases[b].user),
                base(b)
            )
        }),
        What::BaseClosed(b) => (
            "base",
            format!("{} closes; {} leaves {a}", base(b), actor(sc.bases[b].user)),
        ),
        What::LoanAccepted(l) => ("loan", loan_decision(sc, e, l, "takes", ">")),
        What::LoanDeclined(l) => ("loan", loan_decision(sc, e, l, "declines", "<=")),
        What::LoanWithdrawn(l) => (
            "loan",
            format!(
                "{a} withdraws the part of {} still held back ({})",
                loan(l),
                usd_bn(e.value)
            ),
        ),
        What::LoanCompleted(l) => (
            "loan",
            format!("{a} receives the rest of {} ({})", loan(l), usd_bn(e.value)),
        ),
        What::DealSigned(d) => ("energy", {
            let (x, y) = pair(1);
            format!(
                "{a} and {} sign {} at ${:.1}: buyer's max {x} >= supplier's min {y}",
                actor(sc.deals[d].buyer),
                sc.deals[d].id,
                e.value
            )
        }),
        What::DealFlowing(d) => (
            "energy",
            format!(
                "deliveries start under {} ({:.1} bcm/y to {})",
                sc.deals[d].id,
                e.value,
                actor(sc.deals[d].buyer)
            ),
        ),
        What::Admitted => (
            "sco",
            format!(
                "SCO summit approves {a}'s accession in a package of {}: every member values it >= {:.2} (lowest {:.3})",
                e.value as usize, e.score_against, e.score_for
            ),
        ),
        What::CandidateVetoed(c) => (
            "sco",
            format!(
                "{} alone is vetoed by {a}: value {:.3} < {:.2}",
                actor(c),
                e.score_for,
                e.score_against
            ),
        ),
        What::Accession => ("sco", format!("{a} becomes a full SCO member")),
        What::CstoDeploys(s) => (
            "security",
            format!(
                "{a} deploys CSTO forces to protect the regime in {} (unrest severity {:.2})",
                actor(s),
                e.value
            ),
        ),
        What::ProjectAccepted(i) | What::ProjectDeclined(i) => {
            let lender = match &sc.events[i].kind {
                EventKind::Infrastructure { lender, .. } => sc.patron_id(*lender),
                _ => "?",
            };
            let took = matches!(e.what, What::ProjectAccepted(_));
            (
                "project",
                format!(
                    "{a} {} the ${:.2}bn project financed by {lender}{}: gain {:.3} {} cost {:.3}",
                    if took { "accepts" } else { "declines" },
                    e.value,
                    sc.events[i]
                        .id
                        .as_deref()
                        .map_or(String::new(), |id| format!(" ({id})")),
                    e.score_for,
                    if took { ">" } else { "<=" },
                    e.score_against
                ),
            )
        }
        What::ProjectBuilt(i) => (
            "project",
            format!(
                "{}the project{} in {a} is completed: income ${:.3}bn a year",
                "",
                sc.events[i]
                    .id
                    .as_deref()
                    .map_or(String::new(), |id| format!(" {id}")),
                e.value
            ),
        ),
        What::NotConsidered => (
            "sco",
            format!(
                "{a} is not considered at this summit: more states applied than the {} a summit considers (the first in scenario order); it waits",
                e.value
            ),
        ),
        What::NotEligible => (
            "sco",
            format!(
                "{a} is not considered for SCO membership: it is under UN Security Council sanctions"
            ),
        ),
        What::PatronCredit { loan: l, base: b } => ("strategy", {
            let (x, y) = pair(3);
            format!(
                "{a} offers {} {} credit{} through {}: expected value ${x}bn > expected cost ${y}bn",
                actor(sc.loans[l].borrower),
                usd_bn(e.value),
                b.map_or(String::new(), |b| format!(
                    " conditional on closing {}",
                    base(b)
                )),
                loan(l)
            )
        }),
        What::PatronGrant(s) => ("strategy", {
            let (x, y) = pair(3);
            format!(
                "{a} gives {} a {} grant: expected value ${x}bn > cost ${y}bn",
                actor(s),
                usd_bn(e.value)
            )
        }),
        What::PatronRent(b) => ("strategy", {
            let (x, y) = pair(1);
            format!(
                "{a} raises its offer for {} to ${:.1}m a year before {} decides: expected surplus saved ${x}m > extra rent ${y}m",
                base(b),
                e.value,
                actor(sc.bases[b].host)
            )
        }),
        What::PatronAsks(b) => ("strategy", {
            let (x, y) = pair(2);
            format!(
                "{a} asks {} to let it open {} at ${:.1}m a year: expected chance of yes {x} > {y}",
                actor(sc.bases[b].host),
                base(b),
                e.value
            )
        }),
    }
}

/// An amount of billions of USD as the log writes it: "$1.32bn", or in millions below $10m
/// ("$3.3m"), where two decimals of a billion would print a real offer as "$0.00bn".
fn usd_bn(x: f64) -> String {
    if x == 0.0 || x.abs() >= 0.01 {
        return format!("${}bn", fixed(x, 2, false));
    }
    let m = x * 1000.0;
    format!("${}m", fixed(m, if m.abs() >= 0.1 { 1 } else { 4 }, false))
}

/// "KGZ takes rus_credit_2009 from RUS ($2.00bn): gain 0.33 > cost 0.00" (or declines).
fn loan_decision(sc: &Scenario, e: &LogEntry, l: usize, verb: &str, cmp: &str) -> String {
    let (gain, cost) = apart(e.score_for, e.score_against, 3);
    format!(
        "{} {verb} {} from {} ({}): gain {gain} {cmp} cost {cost}",
        sc.actors[e.actor].id,
        sc.loans[l].id,
        sc.actors[sc.loans[l].lender].id,
        usd_bn(e.value),
    )
}

fn describe_event(sc: &Scenario, i: usize, value: f64) -> String {
    let ev = &sc.events[i];
    let actor = |i: usize| sc.actors[i].id.as_str();
    let text = match &ev.kind {
        EventKind::LoanOffer {
            loan,
            amount_bn,
            grant_bn,
            condition,
            ..
        } => {
            let info = &sc.loans[*loan];
            let cond = match condition {
                Condition::None => String::new(),
                Condition::CloseBase(b) => format!(" conditional on closing {}", sc.bases[*b].name),
                Condition::JoinEeu => " conditional on joining the EEU".to_string(),
            };
            let grant = if *grant_bn > 0.0 {
                format!(" plus a {} grant", usd_bn(*grant_bn))
            } else {
                String::new()
            };
            format!(
                "{} offers {} {} credit{grant}{cond}",
                actor(info.lender),
                actor(info.borrower),
                usd_bn(*amount_bn)
            )
        }
        EventKind::RentOffer { base, .. } => {
            format!(
                "{} offers ${value:.1}m a year for {}",
                actor(sc.bases[*base].user),
                sc.bases[*base].name
            )
        }
        EventKind::DebtRelief { loan, .. } => format!(
            "{} writes off {} of {} owed by {}",
            actor(sc.loans[*loan].lender),
            usd_bn(value),
            sc.loans[*loan].id,
            actor(sc.loans[*loan].borrower)
        ),
        EventKind::Aid {
            donor,
            recipient,
            amount_bn,
        } => {
            format!(
                "{} sets aid to {} at {} a year",
                sc.patron_id(*donor),
                actor(*recipient),
                usd_bn(*amount_bn)
            )
        }
        EventKind::Sanctions {
            by,
            target,
            severity,
        } => {
            format!(
                "{} sanctions {} (severity {severity:.2})",
                actor(*by),
                actor(*target)
            )
        }
        EventKind::RegimeChange {
            actor: a, leaning, ..
        } => {
            let l: Vec<String> = leaning
                .iter()
                .enumerate()
                .map(|(p, x)| format!("{} {x:+.2}", sc.patron_id(p)))
                .collect();
            format!(
                "regime change in {}: new leader leaning {}",
                actor(*a),
                l.join(", ")
            )
        }
        EventKind::DemocracyPromotion {
            by,
            target,
            intensity,
        } => {
            format!(
                "{} presses {} on democracy (intensity {intensity:.2})",
                actor(*by),
                actor(*target)
            )
        }
        EventKind::Exercise { participants } => {
            let p: Vec<&str> = participants.iter().map(|&i| actor(i)).collect();
            format!("joint exercise: {}", p.join(", "))
        }
        EventKind::Terror { actor: a, severity } => {
            format!("terror attack in {} (threat +{severity:.2})", actor(*a))
        }
        EventKind::Declaration { base_pressure } => {
            format!("SCO declaration against foreign bases (pressure +{base_pressure:.2})")
        }
        EventKind::TradeGrowth {
            state,
            patron,
            rate,
        } => {
            format!(
                "trade between {} and {} now grows {:.1}% a year",
                actor(*state),
                sc.patron_id(*patron),
                rate * 100.0
            )
        }
        EventKind::Backlash {
            actor: a,
            against,
            severity,
        } => {
            format!(
                "backlash in {} against {} (+{severity:.2})",
                actor(*a),
                sc.patron_id(*against)
            )
        }
        EventKind::Application { actor: a } => format!("{} applies for SCO membership", actor(*a)),
        EventKind::BaseRequest { base } => format!(
            "{} asks {} to host {} (${value:.1}m a year)",
            actor(sc.bases[*base].user),
            actor(sc.bases[*base].host),
            sc.bases[*base].name
        ),
        EventKind::RemittanceShock { patron, state, .. } => format!(
            "remittances from {} to {} change by a factor of {value:.2}",
            sc.patron_id(*patron),
            state.map_or("every state", |s| actor(s))
        ),
        EventKind::EnergyPrice { deal, .. } => {
            format!("new price positions in talks on {}", sc.deals[*deal].id)
        }
        EventKind::Infrastructure {
            lender,
            borrower,
            income_bn,
            build_months,
            ..
        } => format!(
            "{} offers {} a ${value:.2}bn infrastructure project on its credit ({build_months} months to build, then ${income_bn:.3}bn a year of income)",
            sc.patron_id(*lender),
            actor(*borrower)
        ),
        EventKind::UseOfForce { by, target, .. } => format!(
            "{} uses force against {} (severity {value:.2}): the threat it poses rises everywhere, most for its neighbours and states with its minorities",
            sc.patron_id(*by),
            actor(*target)
        ),
        EventKind::SecondarySanctions { by, target, .. } => format!(
            "{} threatens third states dealing with {} (secondary sanctions, severity {value:.2})",
            actor(*by),
            sc.patron_id(*target)
        ),
        EventKind::Unrest { actor: a, .. } => {
            format!(
                "unrest threatens the regime in {} (severity {value:.2})",
                actor(*a)
            )
        }
        EventKind::NormsChange { patron, .. } => format!(
            "{} changes its norms: non-interference now {value:.2}",
            sc.patron_id(*patron)
        ),
        EventKind::UnSanctions { actor: a, lifted } => format!(
            "UN Security Council sanctions on {} {}",
            actor(*a),
            if *lifted { "lifted" } else { "imposed" }
        ),
    };
    match &ev.note {
        Some(note) => format!("{text} [{note}]"),
        None => text,
    }
}

/// Whether a log entry is a decision (as opposed to an event or shock that happened).
pub fn is_decision(e: &LogEntry) -> bool {
    !matches!(
        e.what,
        What::Scripted(_) | What::RandomTerror | What::RandomRegimeChange | What::RandomBacklash(_)
    )
}

/// The base an entry is about, if any.
pub fn base_of(what: &What) -> Option<usize> {
    match *what {
        What::ClosureOrdered(b)
        | What::ClosureReversed(b)
        | What::NonRenewal(b)
        | What::NonRenewalWithdrawn(b)
        | What::LeaseRenewed(b)
        | What::CounterOffer(b)
        | What::NoCounterOffer(b)
        | What::NoRentCanHelp(b)
        | What::BaseClosed(b)
        | What::BaseOpened(b)
        | What::BaseRefused(b)
        | What::PatronRent(b)
        | What::PatronAsks(b) => Some(b),
        _ => None,
    }
}

/// The states an entry moves or concerns: its actor if a state, and the host of a base, the
/// borrower of a loan, the target state of a grant or deployment.
pub fn concerned(sc: &Scenario, actor: usize, what: &What) -> Vec<usize> {
    let mut v = vec![actor];
    if let Some(b) = base_of(what) {
        v.push(sc.bases[b].host);
    }
    match *what {
        What::LoanAccepted(l)
        | What::LoanDeclined(l)
        | What::LoanWithdrawn(l)
        | What::LoanCompleted(l)
        | What::PatronCredit { loan: l, .. } => v.push(sc.loans[l].borrower),
        What::DealSigned(d) | What::DealFlowing(d) => {
            v.push(sc.deals[d].supplier);
            v.push(sc.deals[d].buyer);
            v.extend(sc.deals[d].route.iter().copied());
        }
        What::PatronGrant(s) | What::CstoDeploys(s) => v.push(s),
        What::CandidateVetoed(c) => v.push(c),
        _ => {}
    }
    let states: Vec<usize> = sc.states().collect();
    let mut out: Vec<usize> = Vec::new();
    for a in v {
        if states.contains(&a) && !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// Whether a decision moves a state's alignment or standing, and so is marked on its chart: a
/// base ordered closed, reversed, not renewed, closed or opened; a loan or a project taken; a
/// deal signed; an SCO accession; a CSTO deployment. (Backlashes and regime changes are
/// events or shocks: marked as events.)
pub fn moves_a_state(e: &LogEntry) -> bool {
    matches!(
        e.what,
        What::ClosureOrdered(_)
            | What::ClosureReversed(_)
            | What::NonRenewal(_)
            | What::NonRenewalWithdrawn(_)
            | What::BaseClosed(_)
            | What::BaseOpened(_)
            | What::LoanAccepted(_)
            | What::ProjectAccepted(_)
            | What::DealSigned(_)
            | What::Accession
            | What::CstoDeploys(_)
    )
}

/// The columns of `events.csv` that name what an entry's number is (docs/events-csv.md): an
/// entry fills at most one, in its unit; the others stay empty.
pub const QUANTITY_COLUMNS: [&str; 10] = [
    "bn_usd",
    "musd_a_year",
    "usd_per_1000m3",
    "bcm_a_year",
    "severity",
    "candidates",
    "growth_a_year",
    "remittance_factor",
    "non_interference",
    "base_pressure",
];

/// Which of [`QUANTITY_COLUMNS`] an entry's number (`LogEntry::value`) belongs in, or `None`
/// when the entry reports no number.
pub fn quantity_column(sc: &Scenario, e: &LogEntry) -> Option<usize> {
    const BN: usize = 0;
    const MUSD: usize = 1;
    const PRICE: usize = 2;
    const BCM: usize = 3;
    const SEVERITY: usize = 4;
    const CANDIDATES: usize = 5;
    match e.what {
        What::Scripted(i) => match &sc.events[i].kind {
            EventKind::LoanOffer { .. }
            | EventKind::DebtRelief { .. }
            | EventKind::Aid { .. }
            | EventKind::Infrastructure { .. } => Some(BN),
            EventKind::RentOffer { .. } | EventKind::BaseRequest { .. } => Some(MUSD),
            EventKind::Sanctions { .. }
            | EventKind::Terror { .. }
            | EventKind::Backlash { .. }
            | EventKind::UseOfForce { .. }
            | EventKind::SecondarySanctions { .. }
            | EventKind::Unrest { .. }
            | EventKind::DemocracyPromotion { .. } => Some(SEVERITY),
            EventKind::TradeGrowth { .. } => Some(6),
            EventKind::RemittanceShock { .. } => Some(7),
            EventKind::NormsChange { .. } => Some(8),
            EventKind::Declaration { .. } => Some(9),
            EventKind::RegimeChange { .. }
            | EventKind::Exercise { .. }
            | EventKind::Application { .. }
            | EventKind::EnergyPrice { .. }
            | EventKind::UnSanctions { .. } => None,
        },
        What::RandomTerror | What::CstoDeploys(_) => Some(SEVERITY),
        What::CounterOffer(_)
        | What::NoCounterOffer(_)
        | What::PatronRent(_)
        | What::PatronAsks(_) => Some(MUSD),
        What::LoanAccepted(_)
        | What::LoanDeclined(_)
        | What::LoanWithdrawn(_)
        | What::LoanCompleted(_)
        | What::PatronCredit { .. }
        | What::PatronGrant(_)
        | What::ProjectAccepted(_)
        | What::ProjectDeclined(_)
        | What::ProjectBuilt(_) => Some(BN),
        What::DealSigned(_) => Some(PRICE),
        What::DealFlowing(_) => Some(BCM),
        What::Admitted | What::NotConsidered => Some(CANDIDATES),
        What::RandomRegimeChange
        | What::RandomBacklash(_)
        | What::ClosureOrdered(_)
        | What::ClosureReversed(_)
        | What::NonRenewal(_)
        | What::NonRenewalWithdrawn(_)
        | What::LeaseRenewed(_)
        | What::NoRentCanHelp(_)
        | What::BaseClosed(_)
        | What::BaseOpened(_)
        | What::BaseRefused(_)
        | What::CandidateVetoed(_)
        | What::Accession
        | What::NotEligible => None,
    }
}

/// `a` and `b` with `decimals` places, or more (up to six) when they would print the same but
/// differ: a logged reason never reads "0.251 > 0.251"; and never "-0.000".
fn apart(a: f64, b: f64, decimals: usize) -> (String, String) {
    let mut d = decimals;
    loop {
        let (x, y) = (fixed(a, d, false), fixed(b, d, false));
        // Values within a millionth of each other are the same number to any reader.
        if x != y || (a - b).abs() < 5e-7 || d >= 6 {
            return (x, y);
        }
        d += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::usd_bn;

    #[test]
    fn a_small_amount_is_written_in_millions_not_as_zero_billions() {
        assert_eq!(usd_bn(2.5), "$2.50bn");
        assert_eq!(usd_bn(0.01), "$0.01bn");
        assert_eq!(usd_bn(0.0), "$0.00bn");
        assert_eq!(usd_bn(0.003295), "$3.3m");
        assert_eq!(usd_bn(0.00004), "$0.0400m");
    }
}
