//! Scripted events on the time axis: which events concern a state, and how their numbers are
//! grouped into badges above a chart.
//!
//! Every chart marks every scripted event; a state's alignment chart draws the events that
//! involve the state darker and numbers them (numbers are the event's place in the scenario, the
//! same in every chart), and draws the others light and unnumbered, so a scenario with fifty
//! events stays readable.

use crate::scenario::{Event, EventKind, Scenario};

/// A scripted event on the time axis.
pub(super) struct Mark {
    /// Date as a fractional year.
    pub x: f64,
    /// 1-based place in the scenario's event list.
    pub number: usize,
    /// "2016-09 peace_mission_2016" (the id, or the kind when the event has none).
    pub label: String,
    /// Drawn dark and numbered (the event involves the chart's state), or light.
    pub strong: bool,
}

/// The events of `sc`, strong when they involve `focus` (every event when `focus` is `None`).
pub(super) fn marks(sc: &Scenario, focus: Option<usize>) -> Vec<Mark> {
    sc.events
        .iter()
        .enumerate()
        .map(|(k, e)| Mark {
            x: e.date.as_year_fraction(),
            number: k + 1,
            label: format!("{} {}", e.date, e.id.as_deref().unwrap_or(e.kind.name())),
            strong: focus.is_none_or(|i| involves(sc, e, i)),
        })
        .collect()
}

/// Whether event `e` is made by, offered to, or happens to actor `i`. An SCO declaration
/// concerns every state.
pub(crate) fn involves(sc: &Scenario, e: &Event, i: usize) -> bool {
    let patron = |slot: usize| sc.patrons.get(slot).copied();
    match &e.kind {
        EventKind::LoanOffer { loan, .. } | EventKind::DebtRelief { loan, .. } => sc
            .loans
            .get(*loan)
            .is_some_and(|l| l.lender == i || l.borrower == i),
        EventKind::RentOffer { base, .. } | EventKind::BaseRequest { base } => sc
            .bases
            .get(*base)
            .is_some_and(|b| b.host == i || b.user == i),
        EventKind::Aid {
            donor, recipient, ..
        } => *recipient == i || patron(*donor) == Some(i),
        EventKind::Sanctions { by, target, .. }
        | EventKind::DemocracyPromotion { by, target, .. } => *by == i || *target == i,
        EventKind::RegimeChange { actor, .. }
        | EventKind::Terror { actor, .. }
        | EventKind::Application { actor } => *actor == i,
        EventKind::Backlash { actor, against, .. } => *actor == i || patron(*against) == Some(i),
        EventKind::TradeGrowth {
            state, patron: p, ..
        } => *state == i || patron(*p) == Some(i),
        EventKind::Exercise { participants } => participants.contains(&i),
        EventKind::RemittanceShock {
            patron: p, state, ..
        } => state.is_none_or(|s| s == i) || patron(*p) == Some(i),
        EventKind::UseOfForce { by, target, .. } => *target == i || patron(*by) == Some(i),
        EventKind::Infrastructure {
            lender, borrower, ..
        } => *borrower == i || patron(*lender) == Some(i),
        EventKind::SecondarySanctions { target, .. } => patron(*target) == Some(i),
        EventKind::Unrest { actor, .. } | EventKind::UnSanctions { actor, .. } => *actor == i,
        EventKind::NormsChange { patron: p, .. } => patron(*p) == Some(i),
        EventKind::EnergyPrice { deal, .. } => sc
            .deals
            .get(*deal)
            .is_some_and(|d| d.supplier == i || d.buyer == i || d.route.contains(&i)),
        // An SCO declaration, and any kind not listed above, concerns every state.
        _ => true,
    }
}

/// The strong marks grouped by date: one badge per date, `(x, "1–5")`.
pub(super) fn badges(marks: &[Mark]) -> Vec<(f64, String)> {
    let mut out: Vec<(f64, Vec<usize>)> = Vec::new();
    for m in marks.iter().filter(|m| m.strong) {
        match out.last_mut() {
            Some((x, nums)) if (*x - m.x).abs() < 1e-9 => nums.push(m.number),
            _ => out.push((m.x, vec![m.number])),
        }
    }
    out.into_iter().map(|(x, n)| (x, compact(&n))).collect()
}

/// Event numbers in short form: runs of consecutive numbers as `a–b`, the rest comma-separated.
pub(super) fn compact(nums: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut k = 0;
    while k < nums.len() {
        let mut j = k;
        while j + 1 < nums.len() && nums[j + 1] == nums[j] + 1 {
            j += 1;
        }
        parts.push(match j - k {
            0 => nums[k].to_string(),
            1 => format!("{},{}", nums[k], nums[j]),
            _ => format!("{}–{}", nums[k], nums[j]),
        });
        k = j + 1;
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_joins_runs() {
        assert_eq!(compact(&[3]), "3");
        assert_eq!(compact(&[1, 2]), "1,2");
        assert_eq!(compact(&[1, 2, 3, 4, 5]), "1–5");
        assert_eq!(compact(&[1, 2, 3, 7, 9, 10, 11]), "1–3,7,9–11");
    }

    #[test]
    fn badges_group_same_dates_and_skip_light_marks() {
        let m = |x: f64, number: usize, strong: bool| Mark {
            x,
            number,
            label: String::new(),
            strong,
        };
        let b = badges(&[
            m(2001.7, 1, true),
            m(2001.7, 2, true),
            m(2001.7, 3, true),
            m(2001.8, 4, false),
            m(2002.0, 5, true),
        ]);
        assert_eq!(
            b,
            vec![(2001.7, "1–3".to_string()), (2002.0, "5".to_string())]
        );
    }

    #[test]
    fn ufa2015_events_concern_their_actors() {
        let sc = Scenario::load(std::path::Path::new("scenarios/ufa2015.toml")).expect("load");
        let idx = |id: &str| sc.actor_index(id).expect("actor");
        let ev = |id: &str| {
            sc.events
                .iter()
                .find(|e| e.id.as_deref() == Some(id))
                .expect("event")
        };
        assert!(involves(&sc, ev("peace_mission_2016"), idx("KAZ")));
        assert!(!involves(&sc, ev("peace_mission_2016"), idx("UZB")));
        assert!(involves(&sc, ev("iran_applies"), idx("IRN")));
        assert!(!involves(&sc, ev("iran_applies"), idx("KAZ")));
    }
}
