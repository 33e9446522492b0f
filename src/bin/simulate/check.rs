//! `simulate check FILE`: validate a scenario file and say what is wrong, or that it is fine.

use std::path::Path;

use soft_balancing::engine::decision;
use soft_balancing::scenario::world::{BaseStatus, Condition};
use soft_balancing::scenario::{EventKind, Scenario};

use crate::Failure;
use crate::common::load;

/// Runs `simulate check`.
pub fn check(file: &Path) -> Result<(), Failure> {
    let sc = load(file)?;
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    println!(
        "{}: ok — scenario `{}`, {} ({}), {}, {} of a {} from {} to {}",
        file.display(),
        sc.name,
        count(sc.actors.len(), "actor", "actors"),
        count(sc.patrons.len(), "patron", "patrons"),
        count(sc.events.len(), "event", "events"),
        count(sc.steps(), "step", "steps"),
        sc.period.name(),
        sc.start,
        sc.end
    );
    // The months after the last whole step are not simulated.
    let last = sc.date_of(sc.steps());
    if last != sc.end {
        println!(
            "warning: `end` ({}) is not a whole number of {} steps after `start` ({}): the runs stop at {last}; set `end` to {last} or {}",
            sc.end,
            sc.period.name(),
            sc.start,
            sc.date_of(sc.steps() + 1)
        );
    }
    for w in conditional_offer_warnings(&sc)
        .into_iter()
        .chain(large_loan_warnings(&sc))
        .chain(idle_event_warnings(&sc))
    {
        println!("warning: {w}");
    }
    for w in soft_balancing::scenario::experiment::outcome_warnings(&sc) {
        println!("warning: {w}");
    }
    if let Some(note) = start_note(&sc) {
        println!("note: {note}");
    }
    Ok(())
}

/// Largest gap, in a share, between a given starting alignment and the one the state's scores
/// favour at the start, above which `check` names the state.
const START_GAP: f64 = 0.1;

/// States given a starting `alignment` far from where their scores point: they move toward it
/// from the first step whatever happens, which a reader could take for an effect of the events.
fn start_note(sc: &Scenario) -> Option<String> {
    let np = sc.initial.np;
    let mut gaps: Vec<(f64, String)> = Vec::new();
    for (s, favoured) in decision::favoured_at_start(sc) {
        let given = &sc.initial.alignment[s * np..(s + 1) * np];
        let (p, gap) = (0..np)
            .map(|p| (p, (favoured[p] - given[p]).abs()))
            .fold((0, -1.0), |best, x| if x.1 > best.1 { x } else { best });
        if gap > START_GAP {
            let id = &sc.actors[s].id;
            let patron = sc.patron_id(p);
            let text = format!("{id} toward {patron} {:.2} → {:.2}", given[p], favoured[p]);
            gaps.push((gap, text));
        }
    }
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_by(|a, b| b.0.total_cmp(&a.0));
    let n = gaps.len();
    let list: Vec<String> = gaps.into_iter().map(|(_, t)| t).collect();
    let what = if n == 1 {
        "state starts away from where its scores point and moves toward it"
    } else {
        "states start away from where their scores point and move toward it"
    };
    Some(format!(
        "{n} {what} from the first step, whatever happens (the given `alignment` → where the scores point at the start, the share that differs most, by more than {START_GAP}):\n  {}\n  To start a state where its scores point, leave its `alignment` out (docs/model.md, \"Starting alignment\").",
        list.join("\n  ")
    ))
}

/// Loan offers conditional on closing a base that is closed at the start and that no
/// `base_request` before the offer opens: the condition can never be met, and the offer is
/// never taken.
fn conditional_offer_warnings(sc: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    for ev in &sc.events {
        let EventKind::LoanOffer {
            condition: Condition::CloseBase(b),
            ..
        } = ev.kind
        else {
            continue;
        };
        let reopened = sc.events.iter().any(|e| {
            e.date <= ev.date && matches!(e.kind, EventKind::BaseRequest { base } if base == b)
        });
        if sc.initial.bases[b].status == BaseStatus::Closed && !reopened {
            out.push(format!(
                "the loan offer {}({}) is conditional on closing {}, which is closed at the start and not requested again before the offer: it can never be taken",
                ev.id.as_deref().map_or(String::new(), |id| format!("`{id}` ")),
                ev.date,
                sc.bases[b].name
            ));
        }
    }
    out
}

/// Scripted loan offers larger than the borrower's GDP when they are made (its `gdp_bn` grown
/// at its `gdp_growth`): amounts are billions of USD, and a credit that size is most likely a
/// slip of the unit or of a digit.
fn large_loan_warnings(sc: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    for ev in &sc.events {
        let EventKind::LoanOffer {
            loan, amount_bn, ..
        } = ev.kind
        else {
            continue;
        };
        let b = sc.loans[loan].borrower;
        let years = f64::from(ev.date.months_since(sc.start).max(0)) / 12.0;
        let gdp = sc.initial.gdp[b] * libm::pow(1.0 + sc.initial.gdp_growth[b], years);
        if amount_bn > gdp {
            out.push(format!(
                "the loan offer {}({}) of ${amount_bn:.2}bn is larger than {}'s GDP then (about ${gdp:.2}bn, from its `gdp_bn` and `gdp_growth`): amounts are billions of USD; check the figure",
                ev.id.as_deref().map_or(String::new(), |id| format!("`{id}` ")),
                ev.date,
                sc.actors[b].id
            ));
        }
    }
    out
}

/// Scripted events that can change nothing: an SCO application by a state that is a member
/// from the start, debt relief on a loan that owes nothing yet (no debt at the start, and no
/// offer of it before the relief), UN sanctions on a patron (they bar SCO accession, which
/// patrons do not seek).
fn idle_event_warnings(sc: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    let named = |ev: &soft_balancing::scenario::Event| {
        ev.id
            .as_deref()
            .map_or(format!("the {} event", ev.kind.name()), |id| {
                format!("`{id}`")
            })
    };
    for (i, ev) in sc.events.iter().enumerate() {
        match ev.kind {
            EventKind::Application { actor }
                if sc.initial.sco[actor] == soft_balancing::scenario::world::ScoStatus::Member =>
            {
                out.push(format!(
                    "{} ({}) is an SCO application by {}, a member from the start: it changes nothing",
                    named(ev),
                    ev.date,
                    sc.actors[actor].id
                ));
            }
            EventKind::DebtRelief { loan, .. } => {
                let owed_at_start = sc.initial.loans[loan].outstanding_bn > 0.0;
                // Events run in date order, then file order within a month.
                let offered_before = sc.events[..i]
                    .iter()
                    .any(|e| matches!(e.kind, EventKind::LoanOffer { loan: l, .. } if l == loan));
                // A strategic patron's credit line is lent on when the patron decides.
                let strategic = sc.actors[sc.loans[loan].lender].strategy.is_some();
                if !owed_at_start && !offered_before && !strategic {
                    out.push(format!(
                        "{} ({}) relieves debt on {}, which owes nothing then (no debt at the start, no offer of it before): it writes off nothing",
                        named(ev),
                        ev.date,
                        sc.loans[loan].id
                    ));
                }
            }
            EventKind::UnSanctions { actor, lifted } if sc.actors[actor].slot.is_some() => {
                out.push(format!(
                    "{} ({}) {} UN sanctions on {}, a patron: they bar SCO accession, which a patron does not seek, so they change nothing",
                    named(ev),
                    ev.date,
                    if lifted { "lifts" } else { "puts" },
                    sc.actors[actor].id
                ));
            }
            _ => {}
        }
    }
    out
}
