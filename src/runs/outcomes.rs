//! Named discrete outcomes: what a scenario asks "did it happen?" of every run.
//!
//! A scenario lists them in `[[outcomes]]` (e.g. "India is a full SCO member by 2017-12", "the
//! Manas base is ordered closed in 2009", "US influence in the region falls from 2005 to 2012").
//! Sweeps report the share of runs in which each holds; the validation scorecard is built from
//! them. They are read from the decision log and the recorded state, never from the scenario's
//! script. Event outcomes hold when the event happens inside the window `[from, by]`; trajectory
//! outcomes compare the state at `from` and at `by`.

use crate::date::YearMonth;
use crate::engine::record::{Indices, LogEntry, Observer, What};
use crate::scenario::experiment::{Direction, Outcome, OutcomeKind};
use crate::scenario::world::{BaseStatus, ScoStatus, World};
use crate::scenario::{Role, Scenario};

/// Watches one run and records which outcomes held. Allocates only when created.
#[derive(Clone, Debug)]
pub struct Tracker<'a> {
    outcomes: &'a [Outcome],
    hit: Vec<bool>,
    /// When each event outcome first happened in its window.
    first: Vec<Option<YearMonth>>,
    /// Value at the start of each trajectory outcome's window (NaN until seen).
    start_value: Vec<f64>,
    /// Dates at which each actor became a member (for joined-together outcomes).
    joined: Vec<Option<YearMonth>>,
    region: Vec<usize>,
    /// Each base's host, user slot and index (bases of users that are not patrons left out).
    bases: Vec<(usize, usize, usize)>,
    /// Each base's security value.
    base_security: Vec<f64>,
    np: usize,
    /// Alignment at the last date observed.
    pub final_alignment: Vec<f64>,
    /// Indices at the last date observed.
    pub final_indices: Indices,
    /// Whether an SCO applicant waited for a later summit because more applied than a summit
    /// considers (`What::NotConsidered`).
    waited: bool,
    /// Whether an outcome reads an index during the run (otherwise only the final indices are
    /// read, and the engine computes no others).
    reads_indices: bool,
}

impl<'a> Tracker<'a> {
    /// A tracker for the outcomes of `sc`.
    pub fn new(sc: &Scenario, outcomes: &'a [Outcome]) -> Self {
        let n = sc.initial.n;
        let np = sc.initial.np;
        let region = sc
            .actors
            .iter()
            .enumerate()
            .filter(|(_, a)| a.in_region && a.role == Role::State)
            .map(|(i, _)| i)
            .collect();
        Tracker {
            outcomes,
            hit: vec![false; outcomes.len()],
            first: vec![None; outcomes.len()],
            start_value: vec![f64::NAN; outcomes.len()],
            joined: vec![None; n],
            region,
            bases: sc
                .bases
                .iter()
                .enumerate()
                .filter_map(|(b, info)| sc.actors[info.user].slot.map(|p| (info.host, p, b)))
                .collect(),
            base_security: sc.bases.iter().map(|b| b.security_value).collect(),
            np,
            final_alignment: vec![0.0; n * np],
            final_indices: Indices::default(),
            waited: false,
            reads_indices: outcomes
                .iter()
                .any(|o| matches!(o.kind, OutcomeKind::IndexChange(..))),
        }
    }

    /// Forgets the previous run.
    pub fn reset(&mut self) {
        self.hit.iter_mut().for_each(|h| *h = false);
        self.first.iter_mut().for_each(|f| *f = None);
        self.start_value.iter_mut().for_each(|v| *v = f64::NAN);
        self.joined.iter_mut().for_each(|j| *j = None);
        self.waited = false;
    }

    /// Whether an SCO applicant of the last run waited for a later summit because more states
    /// applied than a summit considers.
    pub fn applicant_waited(&self) -> bool {
        self.waited
    }

    /// Whether each outcome held, in scenario order (valid after the run).
    pub fn results(&self) -> &[bool] {
        &self.hit
    }

    /// When each event outcome first happened in its window (`None` for trajectory outcomes
    /// and for events that did not happen), in scenario order (valid after the run).
    pub fn first_dates(&self) -> &[Option<YearMonth>] {
        &self.first
    }

    fn region_mean(&self, world: &World, p: usize) -> f64 {
        if self.region.is_empty() {
            return 0.0;
        }
        let sum: f64 = self
            .region
            .iter()
            .map(|&s| world.alignment[s * self.np + p])
            .sum();
        sum / self.region.len() as f64
    }
}

impl Observer for Tracker<'_> {
    fn observe(&mut self, step: usize, date: YearMonth, world: &World, indices: &Indices) {
        self.final_alignment.copy_from_slice(&world.alignment);
        self.final_indices = *indices;
        let np = self.np;
        for (j, o) in self.outcomes.iter().enumerate() {
            let in_window = o.in_window(date);
            // Trajectory values: the value when the window opens, then compared while it lasts.
            let value = match o.kind {
                OutcomeKind::RegionShareChange(p, _) | OutcomeKind::RegionShareBelow(p, _) => {
                    Some(self.region_mean(world, p))
                }
                OutcomeKind::IndexChange(k, _) => Some(indices.values()[k]),
                _ => None,
            };
            match o.kind {
                OutcomeKind::Member(a)
                    if step == 0 && world.sco[a] == ScoStatus::Member && o.from.is_none() =>
                {
                    self.hit[j] = true;
                    self.first[j] = Some(date);
                }
                OutcomeKind::DealSigned(d)
                    if step == 0 && world.deals[d].signed.is_some() && o.from.is_none() =>
                {
                    self.hit[j] = true;
                    self.first[j] = Some(date);
                }
                OutcomeKind::ShareAbove(a, p, t) if in_window => {
                    self.hit[j] = world.alignment[a * np + p] >= t
                }
                OutcomeKind::ShareBelow(a, p, t) if in_window => {
                    self.hit[j] = world.alignment[a * np + p] < t
                }
                OutcomeKind::RegionShareBelow(_, t) if in_window => {
                    self.hit[j] = value.unwrap_or(0.0) < t
                }
                OutcomeKind::RegionShareChange(_, dir) | OutcomeKind::IndexChange(_, dir)
                    if in_window =>
                {
                    let v = value.unwrap_or(0.0);
                    if self.start_value[j].is_nan() {
                        self.start_value[j] = v;
                    }
                    let s = self.start_value[j];
                    self.hit[j] = match dir {
                        Direction::Up => v > s + o.min_change,
                        Direction::Down => v < s - o.min_change,
                    };
                }
                OutcomeKind::MaxShareBelow(t) if in_window => {
                    let ok = self
                        .region
                        .iter()
                        .all(|&s| world.alignment[s * np..(s + 1) * np].iter().all(|&x| x < t));
                    if self.start_value[j].is_nan() {
                        self.start_value[j] = 1.0;
                        self.hit[j] = ok;
                    } else {
                        self.hit[j] &= ok;
                    }
                }
                OutcomeKind::SecurityLead(a, b, margin, ref states) if in_window => {
                    let provided = |s: usize, p: usize| {
                        world.security[s * np + p]
                            + self
                                .bases
                                .iter()
                                .filter(|&&(host, user, _)| host == s && user == p)
                                .filter(|&&(_, _, b)| world.bases[b].status != BaseStatus::Closed)
                                .map(|&(_, _, b)| self.base_security[b])
                                .sum::<f64>()
                    };
                    let states = if states.is_empty() {
                        &self.region
                    } else {
                        states
                    };
                    self.hit[j] = states
                        .iter()
                        .all(|&s| provided(s, a) > provided(s, b) + margin);
                }
                _ => {}
            }
        }
    }

    fn log(&mut self, e: LogEntry) {
        self.waited |= e.what == What::NotConsidered;
        if e.what == What::Accession {
            self.joined[e.actor] = Some(e.date);
        }
        for ((o, hit), first) in self
            .outcomes
            .iter()
            .zip(self.hit.iter_mut())
            .zip(self.first.iter_mut())
        {
            if !o.in_window(e.date) {
                continue;
            }
            let matched = match (&o.kind, e.what) {
                (OutcomeKind::Member(a), What::Accession) => *a == e.actor,
                (OutcomeKind::JoinedTogether(a, b), What::Accession) => {
                    (*a == e.actor || *b == e.actor)
                        && self.joined[*a].is_some()
                        && self.joined[*a] == self.joined[*b]
                }
                (OutcomeKind::Admitted(a), What::Admitted) => *a == e.actor,
                (OutcomeKind::ClosureOrdered(b), What::ClosureOrdered(x)) => *b == x,
                (
                    OutcomeKind::ClosureReversed(b),
                    What::ClosureReversed(x) | What::NonRenewalWithdrawn(x),
                ) => *b == x,
                (OutcomeKind::BaseClosed(b), What::BaseClosed(x)) => *b == x,
                (OutcomeKind::LeaseRenewed(b), What::LeaseRenewed(x)) => *b == x,
                (OutcomeKind::BaseOpened(b), What::BaseOpened(x)) => *b == x,
                (OutcomeKind::DealSigned(d), What::DealSigned(x)) => *d == x,
                (OutcomeKind::LoanAccepted(l), What::LoanAccepted(x)) => *l == x,
                _ => false,
            };
            if matched && first.is_none() {
                *first = Some(e.date);
            }
            *hit |= matched;
        }
    }

    fn wants_indices(&self, _: usize, last: bool) -> bool {
        last || self.reads_indices
    }
}
