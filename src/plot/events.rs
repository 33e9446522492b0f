//! Scripted events on the time axis: which events concern a state, and how their numbers are
//! grouped into badges above a chart.
//!
//! Every chart marks every scripted event; a state's alignment chart draws the events that
//! involve the state darker and numbers them (numbers are the event's place in the scenario, the
//! same in every chart), and draws the others light and unnumbered, so a scenario with fifty
//! events stays readable.

use crate::engine::record::RunRecord;
use crate::output::log::{concerned, describe, moves_a_state};
use crate::runs::digest::Digest;
use crate::scenario::{Event, EventKind, Scenario};

/// A decision that moved a state, on that state's chart: a lettered ▼ at its date.
pub(super) struct DecisionMark {
    /// Date as a fractional year.
    pub x: f64,
    /// "A", "B", ... in date order.
    pub letter: String,
    /// "2009-02 KGZ orders Manas air base closed: evict 0.555 > keep 0.343", with the share of
    /// runs first for an ensemble ("96 % 2009-02 ...").
    pub text: String,
}

/// Share of runs a decision must happen in to be marked on an ensemble's chart.
pub(super) const DECISION_SHARE: f64 = 0.2;

/// The decisions that moved state `i` ([`moves_a_state`], concerning `i`), lettered in date
/// order: every one in run 1's log (for an ensemble with the share of runs in which that
/// decision happened at some date, as the summary counts it), then, for an ensemble, each
/// decision run 1 did not take that happened in at least [`DECISION_SHARE`] of the runs, at
/// its first date.
pub(super) fn decision_marks(
    sc: &Scenario,
    digest: &Digest,
    first: &RunRecord,
    i: usize,
) -> Vec<DecisionMark> {
    let runs = digest.runs.max(1);
    // The share of runs that took the decision of entry `k` of run 1 as often as run 1 had by
    // then (a decision taken again is a decision of its own, `Decision::occurrence`).
    let share_of = |k: usize| {
        let e = &first.log[k];
        let before = first.log[..k]
            .iter()
            .filter(|x| x.actor == e.actor && x.what == e.what)
            .count();
        digest
            .decisions()
            .iter()
            .find(|d| d.first.actor == e.actor && d.first.what == e.what && d.occurrence == before)
            .map(|d| d.runs as f64 / runs as f64)
    };
    let mut found: Vec<(crate::date::YearMonth, String)> = Vec::new();
    let mut add = |e: &crate::engine::record::LogEntry, share: Option<f64>| {
        if moves_a_state(e) && concerned(sc, e.actor, &e.what).contains(&i) {
            let text = describe(sc, e).1;
            let text = match share {
                Some(f) => format!("{} {}  {}", e.date, share_text(f), text),
                None => format!("{} {text}", e.date),
            };
            found.push((e.date, text));
        }
    };
    for (k, e) in first.log.iter().enumerate() {
        add(e, if runs > 1 { share_of(k) } else { None });
    }
    if runs > 1 {
        for dec in digest.decisions() {
            let f = dec.runs as f64 / runs as f64;
            let in_first = first
                .log
                .iter()
                .filter(|e| e.actor == dec.first.actor && e.what == dec.first.what)
                .count()
                > dec.occurrence;
            if f >= DECISION_SHARE && !in_first {
                add(&dec.first, Some(f));
            }
        }
    }
    found.sort_by_key(|(d, _)| *d);
    found
        .into_iter()
        .enumerate()
        .map(|(k, (date, text))| DecisionMark {
            x: date.as_year_fraction(),
            letter: letter(k),
            text,
        })
        .collect()
}

/// "A" to "Z", then "AA", "AB", ...
fn letter(k: usize) -> String {
    let a = |n: usize| char::from(b'A' + (n % 26) as u8);
    if k < 26 {
        a(k).to_string()
    } else {
        format!("{}{}", a(k / 26 - 1), a(k))
    }
}

/// A share of runs as the summary writes it: "96 %", "<1 %" below 0.5 %.
fn share_text(f: f64) -> String {
    let pct = (f * 100.0).round();
    if pct < 1.0 && f > 0.0 {
        "<1 %".to_string()
    } else {
        format!("{pct:.0} %")
    }
}

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
    fn letters_run_past_z() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
    }

    #[test]
    fn the_decisions_that_moved_kgz_are_marked_on_its_chart() {
        let sc = Scenario::load(std::path::Path::new("scenarios/sco2001.toml")).expect("load");
        let kgz = sc.actor_index("KGZ").expect("KGZ");
        let recs = crate::runs::ensemble::run_many(&sc, &sc.params, sc.seed, 1, 1).expect("run");
        let digest = Digest::of(&recs);
        let marks = decision_marks(&sc, &digest, &recs[0], kgz);
        let texts: Vec<&str> = marks.iter().map(|m| m.text.as_str()).collect();
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("2009-02 KGZ orders Manas air base closed")),
            "{texts:?}"
        );
        assert!(
            texts.iter().any(|t| t.contains("Manas air base closes")),
            "{texts:?}"
        );
        assert!(marks.windows(2).all(|w| w[0].x <= w[1].x));
    }

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
