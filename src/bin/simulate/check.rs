//! `simulate check FILE`: validate a scenario file and say what is wrong, or that it is fine.

use std::path::Path;

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
    for w in conditional_offer_warnings(&sc) {
        println!("warning: {w}");
    }
    for w in soft_balancing::scenario::experiment::outcome_warnings(&sc) {
        println!("warning: {w}");
    }
    Ok(())
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
