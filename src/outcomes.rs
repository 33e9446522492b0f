//! Named discrete outcomes: what a scenario asks "did it happen?" of every run.
//!
//! A scenario lists them in `[[outcomes]]` (e.g. "India is a full SCO member by 2017-12", "the
//! Manas base is closed by 2014-12"). Sweeps report the share of runs in which each holds; the
//! validation scorecard is built from them. They are read from the decision log and the final
//! state, never from the scenario's script.

use crate::date::YearMonth;
use crate::record::{Indices, LogEntry, Observer, What};
use crate::world::{ScoStatus, World};

/// What an outcome checks.
#[derive(Clone, Debug, PartialEq)]
pub enum OutcomeKind {
    /// The actor is a full SCO member by the date.
    Member(usize),
    /// The actor's accession was approved at a summit by the date.
    Admitted(usize),
    /// The base was ordered closed by the date.
    ClosureOrdered(usize),
    /// The base closed by the date.
    BaseClosed(usize),
    /// The base's lease was renewed by the date.
    LeaseRenewed(usize),
    /// The energy deal was signed by the date.
    DealSigned(usize),
    /// The loan was accepted by the date.
    LoanAccepted(usize),
    /// At the end, the actor's share toward the patron slot is at least the threshold.
    ShareAbove(usize, usize, f64),
    /// At the end, the actor's share toward the patron slot is below the threshold.
    ShareBelow(usize, usize, f64),
}

impl OutcomeKind {
    /// The word used in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            OutcomeKind::Member(_) => "member",
            OutcomeKind::Admitted(_) => "admitted",
            OutcomeKind::ClosureOrdered(_) => "closure_ordered",
            OutcomeKind::BaseClosed(_) => "base_closed",
            OutcomeKind::LeaseRenewed(_) => "lease_renewed",
            OutcomeKind::DealSigned(_) => "deal_signed",
            OutcomeKind::LoanAccepted(_) => "loan_accepted",
            OutcomeKind::ShareAbove(..) => "share_above",
            OutcomeKind::ShareBelow(..) => "share_below",
        }
    }

    /// Every kind name, for error messages.
    pub const NAMES: [&'static str; 9] = [
        "member",
        "admitted",
        "closure_ordered",
        "base_closed",
        "lease_renewed",
        "deal_signed",
        "loan_accepted",
        "share_above",
        "share_below",
    ];
}

/// A named outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Its id (a column name in `sweep.csv`).
    pub id: String,
    /// What it checks.
    pub kind: OutcomeKind,
    /// The deadline (inclusive); `None`: the end of the run.
    pub by: Option<YearMonth>,
}

/// Watches one run and records which outcomes held. Allocates only when created.
#[derive(Clone, Debug)]
pub struct Tracker<'a> {
    outcomes: &'a [Outcome],
    hit: Vec<bool>,
    np: usize,
    /// Alignment at the last date observed.
    pub final_alignment: Vec<f64>,
    /// Indices at the last date observed.
    pub final_indices: Indices,
}

impl<'a> Tracker<'a> {
    /// A tracker for `outcomes` on a world with `n` actors and `np` patrons.
    pub fn new(outcomes: &'a [Outcome], n: usize, np: usize) -> Self {
        Tracker {
            outcomes,
            hit: vec![false; outcomes.len()],
            np,
            final_alignment: vec![0.0; n * np],
            final_indices: Indices::default(),
        }
    }

    /// Forgets the previous run.
    pub fn reset(&mut self) {
        self.hit.iter_mut().for_each(|h| *h = false);
    }

    /// Whether each outcome held, in scenario order (valid after the run).
    pub fn results(&self) -> &[bool] {
        &self.hit
    }
}

impl Observer for Tracker<'_> {
    fn observe(&mut self, step: usize, date: YearMonth, world: &World, indices: &Indices) {
        self.final_alignment.copy_from_slice(&world.alignment);
        self.final_indices = *indices;
        for (o, hit) in self.outcomes.iter().zip(self.hit.iter_mut()) {
            let in_time = o.by.is_none_or(|by| date <= by);
            match o.kind {
                // Already true at the start.
                OutcomeKind::Member(a) if step == 0 && world.sco[a] == ScoStatus::Member => {
                    *hit = true
                }
                OutcomeKind::DealSigned(d) if step == 0 && world.deals[d].signed.is_some() => {
                    *hit = true
                }
                OutcomeKind::ShareAbove(a, p, t) => {
                    *hit = world.alignment[a * self.np + p] >= t && (in_time || *hit)
                }
                OutcomeKind::ShareBelow(a, p, t) => {
                    *hit = world.alignment[a * self.np + p] < t && (in_time || *hit)
                }
                _ => {}
            }
        }
    }

    fn log(&mut self, e: LogEntry) {
        for (o, hit) in self.outcomes.iter().zip(self.hit.iter_mut()) {
            if o.by.is_some_and(|by| e.date > by) {
                continue;
            }
            let matched = match (&o.kind, e.what) {
                (OutcomeKind::Member(a), What::Accession) => *a == e.actor,
                (OutcomeKind::Admitted(a), What::Admitted) => *a == e.actor,
                (OutcomeKind::ClosureOrdered(b), What::ClosureOrdered(x)) => *b == x,
                (OutcomeKind::BaseClosed(b), What::BaseClosed(x)) => *b == x,
                (OutcomeKind::LeaseRenewed(b), What::LeaseRenewed(x)) => *b == x,
                (OutcomeKind::DealSigned(d), What::DealSigned(x)) => *d == x,
                (OutcomeKind::LoanAccepted(l), What::LoanAccepted(x)) => *l == x,
                _ => false,
            };
            *hit |= matched;
        }
    }
}
